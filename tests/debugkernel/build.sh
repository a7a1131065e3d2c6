#!/bin/bash
# Build (or reuse) the debug guest kernel: Debian's linux-source-6.1, made from
# tinyconfig plus debug.config (KASAN, lockdep, kmemleak, ...), for QEMU.
#
#   build.sh [debug]    build if needed; last line: the tree's path
#   build.sh noaudit    the same kernel without CONFIG_AUDIT and without the
#                       debug options (noaudit.config on top of debug.config),
#                       with tracing: where the module's audit fallback runs
#
# The tree lives in $XENMB_DEBUGK_DIR/<key> (default
# $XENMB_CACHE/debug-kernel/<key>), where <key> hashes debug.config, the
# linux-source-6.1 version, the compiler version and RECIPE below: a changed
# input builds a new tree (and then deletes the old ones), an unchanged one
# is reused. The tree is also what modules build against (make -C TREE M=).
# A finished tree holds "done"; build-seconds has the cold build's wall time.
# $XENMB_DEBUGK_DIR/current (noaudit: current-noaudit) links to the tree
# last built or reused.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../qemu/env.sh source-path=SCRIPTDIR
XENMB_GUEST='' . "$here/../qemu/env.sh"

# Bump when this script changes what it builds.
RECIPE=1
variant=${1:-debug}
case $variant in
debug) fragments=("$here/debug.config") link=current ;;
noaudit) fragments=("$here/debug.config" "$here/noaudit.config") link=current-noaudit ;;
*) echo "debugkernel: no kernel variant '$variant' (debug, noaudit)" >&2; exit 2 ;;
esac
tarball=/usr/src/linux-source-6.1.tar.xz
[[ -f $tarball ]] || { echo "debugkernel: no $tarball (package linux-source-6.1; run make deps)" >&2; exit 1; }

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)
# Not from the package: the tarball's own bytes stand for its version.
[[ -n $srcver ]] || srcver=$(sha256sum < "$tarball")
key=$({ cat "${fragments[@]}"; echo "source $srcver"; gcc --version | head -n 1; echo "recipe $RECIPE"; } |
    sha256sum | cut -c1-16)
top=$XENMB_DEBUGK_DIR
dir=$top/$key
tree=$dir/linux-source-6.1

mkdir -p "$top"
exec 9> "$top/.lock"
flock 9   # one build at a time; a second caller waits and then reuses it

if [[ -f $dir/done ]]; then
    echo "debugkernel: reusing $key ($(cat "$dir/kernelrelease"), built in $(cat "$dir/build-seconds")s)" >&2
    ln -sfn "$key" "$top/$link"
    echo "$tree"
    exit 0
fi

echo "debugkernel: building $key from $tarball ($srcver)" >&2
rm -rf "$dir"
mkdir -p "$dir"
start=$SECONDS
tar -C "$dir" -xJf "$tarball"
cd "$tree"
mk() { nice -n 10 make -s -j2 "$@"; }
mk tinyconfig
scripts/kconfig/merge_config.sh -m -O . .config "${fragments[@]}" > "$dir/merge.log"
mk olddefconfig

# Kconfig drops what an unmet dependency forbids without a word: check that
# every line of the fragments made it into the result (a later fragment's
# line for an option stands instead of an earlier one's).
declare -A wanted=()
while IFS= read -r line; do
    if [[ $line =~ ^(CONFIG_[A-Z0-9_]+)=(.*)$ || $line =~ ^#\ (CONFIG_[A-Z0-9_]+)\ is\ not\ set$ ]]; then
        wanted[${BASH_REMATCH[1]}]=$line
    fi
done < <(cat "${fragments[@]}")
bad=0
for line in "${wanted[@]}"; do
    if [[ $line =~ ^(CONFIG_[A-Z0-9_]+)=(.*)$ ]]; then
        grep -qxF -- "$line" .config || { echo "debugkernel: wanted $line, got: $(grep -E "^(# )?${BASH_REMATCH[1]}[= ]" .config || echo nothing)" >&2; bad=1; }
    elif [[ $line =~ ^#\ (CONFIG_[A-Z0-9_]+)\ is\ not\ set$ ]]; then
        ! grep -qE "^${BASH_REMATCH[1]}=" .config || { echo "debugkernel: wanted $line, got: $(grep -E "^${BASH_REMATCH[1]}=" .config)" >&2; bad=1; }
    fi
done
((bad == 0)) || { echo "debugkernel: ${fragments[*]##*/} do not apply; fix them" >&2; exit 1; }

# "all" also writes Module.symvers, which out-of-tree modules link against.
mk all
make -s kernelrelease > "$dir/kernelrelease"
ln -s linux-source-6.1/arch/x86/boot/bzImage "$dir/vmlinuz"
echo $((SECONDS - start)) > "$dir/build-seconds"
touch "$dir/done"
# env.sh (XENMB_GUEST=debug or noaudit) finds the tree through this link.
ln -sfn "$key" "$top/$link"
echo "debugkernel: built $key in $(cat "$dir/build-seconds")s" >&2

# Only each variant's current tree is kept: each one takes about 2 GB.
keep=()
for l in "$top"/current*; do
    [[ -L $l ]] && keep+=("$top/$(readlink "$l")")
done
for old in "$top"/*/; do
    old=${old%/}
    [[ -L $old || " ${keep[*]} " == *" $old "* ]] || rm -rf "$old"
done
echo "$tree"
