# shellcheck shell=bash
# Sourced (not run) by the QEMU test scripts and by anyone who builds against
# the guest kernel:  . tests/qemu/env.sh
# Sets: XENMB_REPO XENMB_CACHE KVER KHEADERS VMLINUZ KMODDIR, and
# XENMB_GUEST_KMODS XENMB_KMAKE_ARGS (all exported; see XENMB_GUEST below).
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
# XENMB_GUEST=noaudit: that suite's kernel without CONFIG_AUDIT and without
# the debug options (build.sh noaudit), the same way.
XENMB_DEBUGK_DIR=${XENMB_DEBUGK_DIR:-$XENMB_CACHE/debug-kernel}
export XENMB_DEBUGK_DIR
case ${XENMB_GUEST:-} in
debug | noaudit)
    xenmb_debugk_tree=$XENMB_DEBUGK_DIR/current
    [[ $XENMB_GUEST == debug ]] || xenmb_debugk_tree=$XENMB_DEBUGK_DIR/current-$XENMB_GUEST
    KVER=$(cat "$xenmb_debugk_tree/kernelrelease" 2>/dev/null || true)
    KHEADERS=$xenmb_debugk_tree/linux-source-6.1
    VMLINUZ=$xenmb_debugk_tree/vmlinuz
    KMODDIR=$xenmb_debugk_tree/no-modules
    export KVER KHEADERS VMLINUZ KMODDIR
    ;;
esac

# XENMB_GUEST=5.10 / 6.12: Debian 11's and Debian 12 backports' kernels, as
# unpacked by tests/kernels/setup.sh (headers, vmlinuz, /lib/modules); the
# default (unset) is Debian 12's 6.1 above. XENMB_GUEST_KMODS: what /init
# insmods before the scenario, because that kernel has it as a module where
# 6.1 has it built in (5.10: the TPM core, tpm_tis, tpm_crb).
# XENMB_KMAKE_ARGS: extra kbuild arguments for that kernel: Debian 11 built
# 5.10 with gcc-10, which Debian 12 lacks, so the module is built with the
# host's gcc (its headers' Makefile would ask for gcc-10).
XENMB_GUEST_KMODS=${XENMB_GUEST_KMODS:-}
XENMB_KMAKE_ARGS=${XENMB_KMAKE_ARGS:-}
case ${XENMB_GUEST:-} in
5.10 | 6.12)
    XENMB_GUEST_DIR=$XENMB_CACHE/kernels/$XENMB_GUEST
    KVER=$(cat "$XENMB_GUEST_DIR/kernelrelease" 2>/dev/null || true)
    KHEADERS=$XENMB_GUEST_DIR/headers
    VMLINUZ=$XENMB_GUEST_DIR/vmlinuz
    KMODDIR=$XENMB_GUEST_DIR/modules
    [[ $XENMB_GUEST != 5.10 ]] || XENMB_GUEST_KMODS=${XENMB_GUEST_KMODS:-tpm_tis tpm_crb}
    export KVER KHEADERS VMLINUZ KMODDIR XENMB_GUEST_DIR
    ;;
esac
# The compiler the kernel was built with, from its headers, when this
# machine has it; otherwise the host's gcc, said out loud in the build log.
if [[ -z $XENMB_KMAKE_ARGS && -f $KHEADERS/.kernelvariables ]]; then
    xenmb_kcc=$(sed -n 's/^CC = .*)\(gcc-[0-9]*\)$/\1/p' "$KHEADERS/.kernelvariables")
    if [[ -n $xenmb_kcc ]] && ! command -v "$xenmb_kcc" >/dev/null &&
        ! command -v "x86_64-linux-gnu-$xenmb_kcc" >/dev/null; then
        XENMB_KMAKE_ARGS="CC=gcc"
    fi
    unset xenmb_kcc
fi
export XENMB_GUEST_KMODS XENMB_KMAKE_ARGS
# XENMB_HOST=xen: boot.sh boots the guest kernel as Xen's PV dom0 on this
# hypervisor (setup.sh unpacks it from Debian's xen-hypervisor-4.17-amd64).
XEN_ELF=$XENMB_CACHE/xen-4.17-amd64.elf
export XEN_ELF
