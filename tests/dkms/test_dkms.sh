#!/bin/bash
# dkms add + build against Debian's 6.1 headers, the way an administrator
# installs xenmb on a dom0; then checks the module that dkms built.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../qemu/env.sh
. "$repo/tests/qemu/env.sh"

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$repo/dkms.conf")
src=/usr/src/xenmb-$version
# shellcheck source=../tap.sh
. "$repo/tests/tap.sh" dkms
cleanup() {
    dkms remove -m xenmb -v "$version" --all >/dev/null 2>&1 || true
    rm -rf "$src"
}
trap cleanup EXIT

[[ -n $KVER && -d /lib/modules/$KVER/build ]] || {
    echo "dkms: no headers for the guest kernel; run 'make deps'" >&2; exit 1; }
cleanup
mkdir -p "$src"
cp -r "$repo"/{Kbuild,Makefile,dkms.conf,driver,uapi} "$src/"
make -s -C "$src" clean KDIR="/lib/modules/$KVER/build" >/dev/null 2>&1 || true

check "dkms add" 'dkms add -m xenmb -v "$version" >/dev/null'
log=$(mktemp)
check "dkms build -k $KVER" 'dkms build -m xenmb -v "$version" -k "$KVER" >"$log" 2>&1 || { cat "$log"; false; }'
ko=$(find "/var/lib/dkms/xenmb/$version/$KVER" -name 'xenmb.ko*' 2>/dev/null | head -n 1)
check "dkms produced xenmb.ko" '[[ -n $ko ]]'
if [[ -n $ko ]]; then
    check "the module's vermagic is $KVER" 'modinfo -F vermagic "$ko" | grep -q "^$KVER "'
    check "the module names its policy parameter" 'modinfo -F parm "$ko" | grep -q "^policy:"'
    check "the module is GPL (it uses GPL-only TPM symbols)" '[[ $(modinfo -F license "$ko") == GPL ]]'
fi
# BUILD_EXCLUSIVE_KERNEL: 5.10 to 6.12, the range tests/kernels covers.
excl=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' "$repo/dkms.conf")
outside=()
for k in 5.10.0-46-amd64 5.19.0-1 6.1.0-57-amd64 6.9.0 6.12.95+deb12-amd64; do
    [[ $k =~ $excl ]] || outside+=("$k")
done
for k in 4.19.0-25-amd64 5.4.0 5.9.16 6.13.0 6.20.1 7.0.0 15.10.0; do
    [[ ! $k =~ $excl ]] || outside+=("!$k")
done
check "BUILD_EXCLUSIVE_KERNEL ($excl) takes 5.10 to 6.12 only" \
    '((${#outside[@]} == 0)) || { echo "wrong: ${outside[*]}"; false; }'
check "dkms refuses to build for 4.19" \
    '! dkms build -m xenmb -v "$version" -k 4.19.0-25-amd64 >"$log" 2>&1 &&
     grep -q "BUILD_EXCLUSIVE" "$log" || { cat "$log"; false; }'
check "dkms status lists it as built" 'dkms status -m xenmb -v "$version" -k "$KVER" | grep -q ": built"'
rm -f "$log"
echo "$passed passed, $failed failed"
((failed == 0))
