# shellcheck shell=bash
# Sourced (not run) by the QEMU test scripts and by anyone who builds against
# the guest kernel:  . tests/qemu/env.sh
# Sets: XENMB_REPO XENMB_CACHE KVER KHEADERS VMLINUZ KMODDIR (all exported).
# KVER is empty until linux-headers-amd64 is installed (run setup.sh first).

XENMB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
XENMB_CACHE=${XENMB_CACHE:-$XENMB_REPO/build/cache}

# The guest kernel is the one the headers metapackage points at, so a module
# built against KHEADERS loads in the guest without a vermagic mismatch.
xenmb_kver() {
    dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
        sed -n 's/^.*linux-headers-\([0-9][^ ,]*\).*$/\1/p'
}

KVER=${KVER:-$(xenmb_kver)}
KHEADERS=/usr/src/linux-headers-$KVER
VMLINUZ=$XENMB_CACHE/vmlinuz-$KVER
KMODDIR=$XENMB_CACHE/lib/modules/$KVER
export XENMB_REPO XENMB_CACHE KVER KHEADERS VMLINUZ KMODDIR
