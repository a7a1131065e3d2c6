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

# Scratch directories under the cache, removed on exit.
scratch=()
trap 'rm -rf "${scratch[@]}"' EXIT

# unpack_deb NAME PKG [VERSION]: downloads PKG (at VERSION when the archive
# still has it, else its current version) and dpkg -x'es it into a scratch
# directory, $deb_root. Nothing is installed. Not for $(...): the scratch
# list must grow in this shell.
unpack_deb() {
    local name=$1 pkg=$2 ver=${3:-} dir
    mkdir -p "$XENMB_CACHE"
    dir=$(mktemp -d "$XENMB_CACHE/.$name.XXXXXX")
    scratch+=("$dir")
    echo "setup: downloading $pkg"
    # apt-get download as root warns that _apt cannot write here; harmless.
    if ! (cd "$dir" && apt-get download -q "$pkg${ver:+=$ver}" 2>/dev/null); then
        apt_update_once
        (cd "$dir" && apt-get download -q "$pkg")
    fi
    dpkg -x "$dir/$pkg"_*.deb "$dir/root"
    deb_root=$dir/root
}

KVER=$(xenmb_kver)
[[ -n $KVER ]] || { echo "setup: cannot tell kernel ABI from linux-headers-amd64" >&2; exit 1; }
VMLINUZ=$XENMB_CACHE/vmlinuz-$KVER
KMODDIR=$XENMB_CACHE/lib/modules/$KVER

# Look for a real .ko: a Kbuild clean with M=$REPO would delete every *.ko
# below the repo, this cache included (the Makefile's clean does not).
if [[ ! -s $VMLINUZ || ! -f $KMODDIR/kernel/drivers/char/tpm/tpm_vtpm_proxy.ko ]]; then
    # Same package version as the headers when the archive still has it.
    unpack_deb kernel "linux-image-$KVER-unsigned" \
        "$(dpkg-query -W -f='${Version}' "linux-headers-$KVER")"
    root=$deb_root
    # Debian 12 ships /lib/modules; newer releases may use /usr/lib/modules.
    moddir=$root/lib/modules/$KVER
    [[ -d $moddir ]] || moddir=$root/usr/lib/modules/$KVER
    mkdir -p "$XENMB_CACHE/lib/modules"
    rm -rf "$KMODDIR"
    mv "$moddir" "$KMODDIR"
    mv "$root/boot/vmlinuz-$KVER" "$VMLINUZ"
fi

# Xen for the dom0 runs (XENMB_HOST=xen, boot.sh): Debian 12's hypervisor,
# unpacked, never installed; boot/xen-4.17-amd64.gz gunzipped is the
# multiboot ELF that QEMU's -kernel loads.
XEN_ELF=$XENMB_CACHE/xen-4.17-amd64.elf
if [[ ! -s $XEN_ELF ]]; then
    xpkg=xen-hypervisor-4.17-amd64
    unpack_deb xen "$xpkg"
    root=$deb_root
    gunzip -c "$root/boot/xen-4.17-amd64.gz" > "$root/xen.elf"
    [[ $(head -c 4 "$root/xen.elf" | od -An -tx1 | tr -d ' ') == 7f454c46 ]] ||
        { echo "setup: $xpkg: boot/xen-4.17-amd64.gz is not an ELF" >&2; exit 1; }
    mv "$root/xen.elf" "$XEN_ELF"
fi

# Debian's txt-stat (package tboot), which test_txt.py runs in the guest to
# judge 'xenmb txt --format txt-stat' line by line. Unpacked, never
# installed: installing tboot would add grub.d scripts (tboot boot
# entries) to the machine that runs the tests.
TXT_STAT=$XENMB_CACHE/tboot/txt-stat
if [[ ! -x $TXT_STAT ]]; then
    unpack_deb tboot tboot
    mkdir -p "$(dirname "$TXT_STAT")"
    mv "$deb_root/usr/sbin/txt-stat" "$TXT_STAT"
fi

echo "KVER=$KVER"
