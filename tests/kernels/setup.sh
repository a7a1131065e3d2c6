#!/bin/bash
# The kernel matrix's other kernels, unpacked into the cache without
# installing anything: Debian 11's 5.10 (bullseye, -security) and Debian 12's
# backported 6.12 (bookworm-backports). 6.1 is the one tests/qemu/setup.sh
# prepares. For each KVER this leaves in $XENMB_CACHE/kernels/$KVER/:
#   usr/       linux-headers-KVER, its -common and linux-kbuild, dpkg -x'ed
#   headers    -> usr/src/linux-headers-KVER (the module's KDIR)
#   vmlinuz    the unsigned image's kernel
#   modules/   its /lib/modules/KVER (tpm_tis, tpm_crb, ... as modules)
# and $XENMB_CACHE/kernels/<series> -> KVER (5.10, 6.12).
#
# The suites are not in this machine's apt sources. They go into a list file
# of our own ($XENMB_CACHE/apt/xenmb-kernels.sources) with a private lists
# directory: the system's apt configuration and state are left alone. The
# mirror is the one the existing Debian sources already use, derived from
# them, never a host name of ours.
#
# Usage: tests/kernels/setup.sh [SERIES...]   (default: 5.10 6.12)
# Idempotent; prints "KVER_<series>=KVER" per series.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../qemu/env.sh
. "$here/../qemu/env.sh"

series=("$@")
((${#series[@]})) || series=(5.10 6.12)

apt_dir=$XENMB_CACHE/apt
# One setup at a time (make check runs 5.10 and 6.12 in two lanes at once):
# apt's lists and cache here are shared and taken without apt's locking.
mkdir -p "$XENMB_CACHE"
exec 9>"$XENMB_CACHE/kernels-setup.lock"
flock 9
list=$apt_dir/xenmb-kernels.sources
apt_opts=(-o "Dir::Etc::SourceList=$list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
    -o Debug::NoLocking=1 -o APT::Sandbox::User=root)

# The URI of an existing source that carries SUITE (deb822 .sources files
# and one-line .list files both).
source_uri() {
    local suite=$1 f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $f ]] || continue
        awk -v s="$suite" '$1 == "deb" { i = 2; if ($i ~ /^\[/) while ($i !~ /\]$/) i++;
            if ($i ~ /^\[/) i++; if ($(i + 1) == s) { print $i; exit } }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] || continue
        awk -v s="$suite" 'BEGIN { RS = ""; FS = "\n" }
            { uri = ""; hit = 0
              for (i = 1; i <= NF; i++) {
                if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); uri = a[2] }
                if ($i ~ /^Suites:/) { n = split($i, a, /[ \t]+/)
                    for (j = 2; j <= n; j++) if (a[j] == s) hit = 1 }
              }
              if (hit && uri != "") { print uri; exit } }' "$f"
    done
}

write_sources() {
    local deb sec
    deb=$(source_uri bookworm | head -n 1)
    sec=$(source_uri bookworm-security | head -n 1)
    [[ -n $deb && -n $sec ]] || {
        echo "kernels: no Debian bookworm / bookworm-security source to derive the mirror from" >&2
        exit 1
    }
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
    cat >"$list.tmp" <<EOF
# Written by tests/kernels/setup.sh: the mirror of /etc/apt's Debian sources.
Types: deb
URIs: $deb
Suites: bullseye bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $sec
Suites: bullseye-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    mv "$list.tmp" "$list"
}

updated=no
apt_update() {
    [[ $updated == yes ]] && return 0
    [[ -f $list ]] || write_sources
    echo "kernels: apt-get update ($list)"
    apt-get "${apt_opts[@]}" update -qq
    updated=yes
}

# The newest KVER of a series: the headers metapackage's dependency.
series_kver() {
    local s=$1 ver
    ver=$(apt-cache "${apt_opts[@]}" madison linux-headers-amd64 2>/dev/null |
        awk -F' *[|] *' -v s="$s" 'index($2, s ".") == 1 { print $2 }' |
        sort -V | tail -n 1)
    [[ -n $ver ]] || return 1
    apt-cache "${apt_opts[@]}" show "linux-headers-amd64=$ver" 2>/dev/null |
        sed -n 's/^Depends: .*linux-headers-\([0-9][^ ,]*\) .*$/\1/p' | head -n 1
}

# The Depends of one package, names only.
deps_of() {
    apt-cache "${apt_opts[@]}" show "$1" 2>/dev/null |
        sed -n '1,/^$/s/^Depends: //p' | tr ',|' '\n\n' |
        sed 's/^ *//; s/ .*//' | grep -v '^$'
}

prepare() {
    local s=$1 kver dir tmp common kbuild img moddir
    [[ -f $list ]] || apt_update
    kver=$(series_kver "$s") || { apt_update; kver=$(series_kver "$s"); } || true
    [[ -n $kver ]] || { echo "kernels: no linux-headers-amd64 for $s" >&2; return 1; }
    dir=$XENMB_CACHE/kernels/$kver
    if [[ -s $dir/vmlinuz && -f $dir/headers/Makefile && -d $dir/modules/kernel ]]; then
        ln -sfn "$kver" "$XENMB_CACHE/kernels/$s"
        echo "KVER_$s=$kver"
        return 0
    fi
    common=$(deps_of "linux-headers-$kver" | grep -- '-common$' | head -n 1)
    kbuild=$(deps_of "linux-headers-$kver" | grep '^linux-kbuild-' | head -n 1)
    img=linux-image-$kver-unsigned
    [[ -n $common && -n $kbuild ]] || { echo "kernels: cannot tell linux-headers-$kver's dependencies" >&2; return 1; }
    echo "kernels: $s: downloading linux-headers-$kver $common $kbuild $img"
    mkdir -p "$XENMB_CACHE/kernels"
    tmp=$(mktemp -d "$XENMB_CACHE/kernels/.$kver.XXXXXX")
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" EXIT
    (cd "$tmp" && apt-get "${apt_opts[@]}" download -q \
        "linux-headers-$kver" "$common" "$kbuild" "$img") ||
        { echo "kernels: $s: apt-get download failed" >&2; return 1; }
    for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$tmp/out"; done
    # dpkg -x keeps the packages' /usr/src and /usr/lib tree, so the headers'
    # relative links to -common and linux-kbuild still hold; only the one
    # absolute include in the headers' Makefile is pointed into the cache.
    local h=$tmp/out/usr/src/linux-headers-$kver
    [[ -f $h/Makefile && -d $tmp/out/usr/src/$common && -d $tmp/out/usr/lib/$kbuild ]] ||
        { echo "kernels: $kver: unpacked headers incomplete" >&2; return 1; }
    sed -i "s|^include /usr/src/$common/|include $dir/usr/src/$common/|" "$h/Makefile"
    grep -q "^include $dir/" "$h/Makefile" ||
        { echo "kernels: $kver: unexpected $h/Makefile" >&2; return 1; }
    moddir=$tmp/out/lib/modules/$kver
    [[ -d $moddir ]] || moddir=$tmp/out/usr/lib/modules/$kver
    rm -f "$moddir/build" "$moddir/source"
    mv "$moddir" "$tmp/out/modules"
    mv "$tmp/out/boot/vmlinuz-$kver" "$tmp/out/vmlinuz"
    ln -sfn "usr/src/linux-headers-$kver" "$tmp/out/headers"
    echo "$kver" >"$tmp/out/kernelrelease"
    rm -rf "$dir"
    mv "$tmp/out" "$dir"
    rm -rf "$tmp"
    trap - EXIT
    ln -sfn "$kver" "$XENMB_CACHE/kernels/$s"
    echo "KVER_$s=$kver"
}

rc=0
for s in "${series[@]}"; do
    prepare "$s" || rc=1
done
exit $rc
