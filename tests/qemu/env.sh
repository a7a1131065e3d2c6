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

# XENMB_GUEST=debug: the debug kernel of tests/debugkernel (KASAN, lockdep,
# kmemleak), as last built by tests/debugkernel/build.sh; its build tree is
# also the module's KHEADERS. Its TPM drivers are built in: no KMODDIR.
XENMB_DEBUGK_DIR=${XENMB_DEBUGK_DIR:-$XENMB_CACHE/debug-kernel}
export XENMB_DEBUGK_DIR
if [[ ${XENMB_GUEST:-} == debug ]]; then
    KVER=$(cat "$XENMB_DEBUGK_DIR/current/kernelrelease" 2>/dev/null || true)
    KHEADERS=$XENMB_DEBUGK_DIR/current/linux-source-6.1
    VMLINUZ=$XENMB_DEBUGK_DIR/current/vmlinuz
    KMODDIR=$XENMB_DEBUGK_DIR/current/no-modules
    export KVER KHEADERS VMLINUZ KMODDIR
fi

# XENMB_HOST=xen: boot.sh boots the guest kernel as Xen's PV dom0 on this
# hypervisor (setup.sh unpacks it from Debian's xen-hypervisor-4.17-amd64).
XEN_ELF=$XENMB_CACHE/xen-4.17-amd64.elf
export XEN_ELF
