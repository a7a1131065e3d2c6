#!/bin/bash
# Prepare a Debian 12 host for the QEMU tests: install the packages (only the
# missing ones, through tests/deps.sh) and unpack the guest kernel into the
# cache. Idempotent; run as
# root. Prints KVER=... last; other scripts get it from env.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=env.sh source-path=SCRIPTDIR
. "$here/env.sh"

# One package list for the whole project: tests/deps.sh.
"$here/../deps.sh"

export DEBIAN_FRONTEND=noninteractive
updated=no
apt_update_once() {
    [[ $updated == yes ]] && return 0
    apt-get update -qq
    updated=yes
}

KVER=$(xenmb_kver)
[[ -n $KVER ]] || { echo "setup: cannot tell kernel ABI from linux-headers-amd64" >&2; exit 1; }
VMLINUZ=$XENMB_CACHE/vmlinuz-$KVER
KMODDIR=$XENMB_CACHE/lib/modules/$KVER

# Look for a real .ko: a Kbuild clean with M=$REPO would delete every *.ko
# below the repo, this cache included (the Makefile's clean does not).
if [[ ! -s $VMLINUZ || ! -f $KMODDIR/kernel/drivers/char/tpm/tpm_vtpm_proxy.ko ]]; then
    # Same package version as the headers when the archive still has it.
    hver=$(dpkg-query -W -f='${Version}' "linux-headers-$KVER")
    img=linux-image-$KVER-unsigned
    mkdir -p "$XENMB_CACHE"
    tmp=$(mktemp -d "$XENMB_CACHE/.kernel.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    echo "setup: downloading $img"
    # apt-get download as root warns that _apt cannot write here; harmless.
    if ! (cd "$tmp" && apt-get download -q "$img=$hver" 2>/dev/null); then
        apt_update_once
        (cd "$tmp" && apt-get download -q "$img")
    fi
    dpkg -x "$tmp"/"$img"_*.deb "$tmp/root"
    # Debian 12 ships /lib/modules; newer releases may use /usr/lib/modules.
    moddir=$tmp/root/lib/modules/$KVER
    [[ -d $moddir ]] || moddir=$tmp/root/usr/lib/modules/$KVER
    mkdir -p "$XENMB_CACHE/lib/modules"
    rm -rf "$KMODDIR"
    mv "$moddir" "$KMODDIR"
    mv "$tmp/root/boot/vmlinuz-$KVER" "$VMLINUZ"
fi

# Xen for the dom0 runs (XENMB_HOST=xen, boot.sh): Debian 12's hypervisor,
# unpacked, never installed; boot/xen-4.17-amd64.gz gunzipped is the
# multiboot ELF that QEMU's -kernel loads.
XEN_ELF=$XENMB_CACHE/xen-4.17-amd64.elf
if [[ ! -s $XEN_ELF ]]; then
    xpkg=xen-hypervisor-4.17-amd64
    mkdir -p "$XENMB_CACHE"
    xtmp=$(mktemp -d "$XENMB_CACHE/.xen.XXXXXX")
    # shellcheck disable=SC2064  # $tmp and $xtmp are fixed by now
    trap "rm -rf '${tmp:-}' '$xtmp'" EXIT
    echo "setup: downloading $xpkg"
    if ! (cd "$xtmp" && apt-get download -q "$xpkg" 2>/dev/null); then
        apt_update_once
        (cd "$xtmp" && apt-get download -q "$xpkg")
    fi
    dpkg -x "$xtmp"/"$xpkg"_*.deb "$xtmp/root"
    gunzip -c "$xtmp/root/boot/xen-4.17-amd64.gz" > "$xtmp/xen.elf"
    [[ $(head -c 4 "$xtmp/xen.elf" | od -An -tx1 | tr -d ' ') == 7f454c46 ]] ||
        { echo "setup: $xpkg: boot/xen-4.17-amd64.gz is not an ELF" >&2; exit 1; }
    mv "$xtmp/xen.elf" "$XEN_ELF"
fi

echo "KVER=$KVER"
