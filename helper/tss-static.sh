#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static tpm2-tss for `make helper-static` (the helper a CentOS 7-era dom0
# can run: glibc 2.17, no ESAPI). Debian 12 ships tpm2-tss only as shared
# libraries (dpkg -L libtss2-dev has no .a), so this builds the static
# libraries from Debian's own source package:
#
#   helper/tss-static.sh OUTDIR
#
# 1. the source: `apt-get source tpm2-tss=$TSS_VERSION` from the Debian
#    archive, with a private apt state (a deb-src line for $TSS_SUITE, lists
#    under a scratch directory): apt checks the Sources index against the
#    archive's signed InRelease and the files against the index, and
#    dpkg-source applies Debian's patches. Nothing fetched is kept in the
#    repository. Bookworm's own 3.2.1-3 is not used: the archive no longer
#    serves its source files (the .dsc is there, the tarballs are 404), so
#    the default is trixie's 4.1.3-1.2 (the same ESAPI; the helper compiles
#    against its headers, installed with the libraries).
# 2. the build: ./bootstrap (autoreconf; the tarball has no configure),
#    then configure with --enable-static --disable-shared, no FAPI and no
#    policy (no curl, json-c, uuid, ini-config), no TCTI at all and
#    --enable-nodl: ESAPI's built-in TCTI loader then has an empty table
#    and no dlopen(); the helper passes ESAPI the xenmb TCTI itself
#    (helper/tpm2_esys.c, XENMB_STATIC_TCTI). No util-io either, so no
#    sockets and no getaddrinfo() in the binary.
# 3. the cache: OUTDIR/{include,lib} are copied from
#    $XENMB_CACHE/tss2-static/$TSS_VERSION/ when that holds a finished
#    build, else built there first (a cold build: about two minutes on two
#    cores; a cached one: a copy).
#
# Needs (tests/deps.sh): dpkg-dev, autoconf, automake, libtool,
# autoconf-archive, libltdl-dev (configure.ac's LT_LIB_DLLOAD), pkgconf,
# libssl-dev.
set -euo pipefail

out=${1:?usage: tss-static.sh OUTDIR}
TSS_VERSION=${TSS_VERSION:-4.1.3-1.2}
TSS_SUITE=${TSS_SUITE:-trixie}
TSS_MIRROR=${TSS_MIRROR:-http://deb.debian.org/debian}
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${XENMB_CACHE:-$repo/build/cache}/tss2-static/$TSS_VERSION

say() { echo "tss-static: $*" >&2; }

build_cache() {
    for t in apt-get dpkg-source autoreconf libtoolize aclocal pkg-config; do
        command -v "$t" >/dev/null ||
            { say "no $t; run 'make deps'"; exit 1; }
    done
    compgen -G "/usr/share/aclocal/ax_*.m4" >/dev/null ||
        { say "no autoconf-archive; run 'make deps'"; exit 1; }
    mkdir -p "$(dirname "$cache")"
    work=$(mktemp -d "$(dirname "$cache")/.build.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    start=$SECONDS

    # A private apt: its own source list and state, the system's keyring.
    mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/src"
    echo "deb-src $TSS_MIRROR $TSS_SUITE main" >"$work/apt/sources.list"
    apt=(-q -o "Dir::Etc::SourceList=$work/apt/sources.list"
        -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$work/apt/lists"
        -o "Dir::Cache=$work/apt/cache" -o APT::Sandbox::User=root)
    say "fetching tpm2-tss $TSS_VERSION source ($TSS_SUITE) from the Debian archive"
    apt-get "${apt[@]}" update >"$work/apt.log" 2>&1 ||
        { cat "$work/apt.log" >&2; say "apt-get update failed"; exit 1; }
    # The pinned version; when the suite has moved on (a point release), its
    # current one, said loudly (TSS_STRICT=1: fail instead).
    have=$(apt-cache "${apt[@]}" showsrc tpm2-tss 2>/dev/null |
        sed -n 's/^Version: //p' | sort -V | tail -n 1)
    if ! apt-cache "${apt[@]}" showsrc tpm2-tss 2>/dev/null |
        grep -qx "Version: $TSS_VERSION"; then
        if [[ -z $have || ${TSS_STRICT:-0} == 1 ]]; then
            say "tpm2-tss $TSS_VERSION is not in $TSS_SUITE (it has: ${have:-none});" \
                "set TSS_VERSION= (and TSS_SUITE=) to one it has"
            exit 1
        fi
        say "WARNING: tpm2-tss $TSS_VERSION is not in $TSS_SUITE any more; using $have"
        TSS_VERSION=$have
        cache=$(dirname "$cache")/$TSS_VERSION
        [[ ! -f $cache/.done ]] || return 0
    fi
    if ! (cd "$work/src" && apt-get "${apt[@]}" source "tpm2-tss=$TSS_VERSION") \
        >>"$work/apt.log" 2>&1; then
        cat "$work/apt.log" >&2
        say "cannot fetch tpm2-tss $TSS_VERSION from $TSS_SUITE"
        exit 1
    fi
    src=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name 'tpm2-tss-*' | head -n 1)
    [[ -n $src ]] || { say "no unpacked source"; exit 1; }

    say "building static libraries (log: $cache.log)"
    (
        # (set -e does not hold in a subshell left of ||: each step checks.)
        cd "$src" || exit 1
        ./bootstrap || exit 1
        ./configure --prefix=/ --enable-static --disable-shared \
            --with-pic=no --disable-fapi --disable-policy --disable-util-io \
            --disable-tcti-device --disable-tcti-mssim --disable-tcti-swtpm \
            --disable-tcti-pcap --disable-tcti-libtpms --disable-tcti-cmd \
            --disable-tcti-spi-helper --disable-tcti-spi-ltt2go \
            --disable-tcti-spidev --disable-tcti-spi-ftdi \
            --disable-tcti-i2c-helper --disable-tcti-i2c-ftdi \
            --enable-nodl --with-crypto=ossl --disable-doxygen-doc \
            --disable-unit --disable-integration --disable-weakcrypto \
            --with-udevrulesdir=/lib/udev/rules.d \
            --with-sysusersdir=/usr/lib/sysusers.d \
            --with-tmpfilesdir=/usr/lib/tmpfiles.d || exit 1
        make -j"$(nproc)" || exit 1
        make install DESTDIR="$work/root" || exit 1
    ) >"$work/build.log" 2>&1 || {
        tail -n 40 "$work/build.log" >&2
        cp "$work/build.log" "$cache.log" 2>/dev/null || true
        say "tpm2-tss static build failed (whole log: $cache.log)"
        exit 1
    }
    cp "$work/build.log" "$cache.log"
    for l in esys sys mu rc tctildr; do
        [[ -f $work/root/lib/libtss2-$l.a ]] ||
            { say "the build made no libtss2-$l.a"; exit 1; }
    done
    rm -rf "$cache"
    mkdir -p "$cache/lib"
    cp -r "$work/root/include" "$cache/"
    cp "$work/root"/lib/libtss2-*.a "$cache/lib/"
    echo "tpm2-tss $TSS_VERSION from $TSS_SUITE, built in $((SECONDS - start)) s" >"$cache/.done"
    say "$(cat "$cache/.done")"
}

# (Called in an if body, not left of ||, so that set -e holds inside.)
if [[ ! -f $cache/.done ]]; then
    build_cache
fi

rm -rf "$out"
mkdir -p "$out"
cp -r "$cache/include" "$cache/lib" "$cache/.done" "$out/"
