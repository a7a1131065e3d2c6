#!/bin/bash
# Installs the Debian packages that building, testing and the demo need, and
# only those missing; a fresh Debian 12 root machine needs nothing else.
set -euo pipefail

packages=(
    build-essential kmod bc flex bison libelf-dev cpio gzip python3 openssl
    linux-headers-amd64 linux-source-6.1 sparse dkms
    qemu-system-x86 swtpm swtpm-tools busybox-static
    libjson-c-dev libssl-dev libkeyutils-dev libtss2-dev tpm2-tools
    clang-format cppcheck clang libclang-rt-14-dev
    clang-tidy bear
    dwarves
    rpm createrepo-c genisoimage
    # make helper-static: tpm2-tss built from its Debian source package
    # (helper/tss-static.sh: apt-get source, ./bootstrap, configure), and
    # strace for tests/static's check that it opens no library at run time.
    dpkg-dev autoconf automake libtool autoconf-archive libltdl-dev pkgconf
    strace
    # tests/man: groff -ww and man --warnings on the man pages.
    groff-base man-db
    # tests/kernels/param_flags.py reads the module's parameters (run by
    # Debian's /usr/bin/python3).
    python3-pyelftools
    # tests/boot: systemd-analyze verify of the boot unit and tpm2-abrmd's
    # drop-in; tests/qemu/test_ecosystem.py: tpm2-abrmd over the xenmb
    # TCTI, -T tabrmd, and a D-Bus daemon, copied into the guest.
    systemd tpm2-abrmd libtss2-tcti-tabrmd0 dbus-daemon
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing+=("$p")
done
((${#missing[@]})) || exit 0

if ((EUID != 0)); then
    echo "deps: missing packages: ${missing[*]}; run 'make deps' as root" >&2
    exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
