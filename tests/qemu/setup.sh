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

echo "KVER=$KVER"
