#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2034 # the checks are eval'd strings
#
# make helper-static: the one binary a CentOS 7-era dom0 (glibc 2.17, no
# tpm2-tss ESAPI) can run. Builds it (tpm2-tss from Debian's source package
# the first time, then from $XENMB_CACHE), then checks: statically linked,
# nothing newer than GLIBC_2.17 among its dynamic symbols (it has none; the
# same parser run on the dynamic build/xenmb shows it would catch one), the
# link's NSS/dlopen warnings are only libcrypto's unused ones, at run time it
# opens no library, no nsswitch.conf, no openssl.cnf; the xenmb TCTI is
# linked in and no TCTI loader with dlopen() is; it runs; then, in the QEMU
# guest (tests/static/qemu_static.py), a real TPM 2.0: info, EK, AK, quote.
# A build that cannot be made fails here, it is never skipped.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../qemu/env.sh
. "$repo/tests/qemu/env.sh"
export XENMB_CACHE
cd "$repo" || exit 1

# shellcheck source=../tap.sh
. "$repo/tests/tap.sh" static

bin=build/xenmb-static
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log=$work/build.log

start=$SECONDS
rm -f "$bin"
check "make helper-static (tpm2-tss static from Debian's source, cached in \$XENMB_CACHE)" \
    'make -s helper-static >"$log" 2>&1 || { tail -n 40 "$log"; false; }'
echo "# make helper-static: $((SECONDS - start)) s; $(cat build/tss2-static/.done 2>/dev/null)"
[[ -x $bin ]] || { echo "static: no $bin" >&2; failed=$((failed + 1)); finish; }
check "make helper (the default build) stays dynamic" \
    'make -s helper >>"$log" 2>&1 && readelf -d build/xenmb >"$work/dyn" && grep -q "NEEDED.*libtss2-esys" "$work/dyn"'

# --- what kind of binary --------------------------------------------------
check "file(1): statically linked ELF executable" \
    '[[ $(file -b "$bin") == "ELF 64-bit"*"statically linked"* ]]'
check "no program interpreter, no dynamic section, no NEEDED library" \
    'readelf -lW "$bin" >"$work/phdr" && ! grep -q INTERP "$work/phdr" &&
     readelf -dW "$bin" >"$work/dyn" && grep -q "no dynamic section" "$work/dyn" &&
     ! grep -q NEEDED "$work/dyn"'

# The highest GLIBC_x.y that objdump -T lists, "none" with no dynamic symbol.
max_glibc() {
    objdump -T "$1" 2>/dev/null | grep -oE 'GLIBC_[0-9]+(\.[0-9]+)+' |
        sed 's/^GLIBC_//' | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1 | grep . || echo none
}
le_217() { [[ $1 == none ]] || [[ $(printf '%s\n2.17\n' "$1" | sort -V | tail -n 1) == 2.17 ]]; }
static_max=$(max_glibc "$bin") dyn_max=$(max_glibc build/xenmb)
echo "# objdump -T: static helper max GLIBC: $static_max; dynamic helper: $dyn_max"
check "objdump -T: nothing newer than GLIBC_2.17 (max: $static_max)" 'le_217 "$static_max"'
tcti=build/libtss2-tcti-xenmb.so.0.0.0
make -s tcti >>"$log" 2>&1
tcti_max=$(max_glibc "$tcti")
echo "# objdump -T: the shared TCTI (make tcti, shipped in the RPM too) max GLIBC: $tcti_max"
check "objdump -T: the shared TCTI needs nothing newer than GLIBC_2.17 either (max: $tcti_max)" \
    '[[ -f $tcti && $tcti_max != none ]] && le_217 "$tcti_max"'
check "the same check flags the dynamic build (max GLIBC_$dyn_max > 2.17)" \
    '[[ $dyn_max != none ]] && ! le_217 "$dyn_max"'

# (Into files: with pipefail, "cmd | grep -q" fails when grep exits first.)
nm "$bin" >"$work/nm" 2>&1
strings "$bin" >"$work/strings"

# --- NSS and dlopen --------------------------------------------------------
# glibc warns for each NSS or dlopen() call a static link pulls in. Allowed:
# libcrypto's DSO loader (engines, provider modules: the helper loads none,
# and helper/static_init.c keeps openssl.cnf from naming any) and its socket
# BIOs (BIO_lookup, BIO_gethostbyname: the helper has no network BIO). Any
# other, from the helper, tpm2-tss, json-c or keyutils, fails.
linklog=build/xenmb-static.link.log

other_warnings=$( { grep -B1 "warning: Using" "$linklog" | grep "in function" |
    grep -vE "libcrypto\.a\(libcrypto-lib-(dso_dlfcn|bio_addr|bio_sock)\.o\)"
    grep "warning: Using" "$linklog" | grep -vE "Using .(dlopen|getaddrinfo|gethostbyname)."
} 2>/dev/null)
check "the static link's warnings are only libcrypto's unused dlopen/getaddrinfo/gethostbyname" \
    '[[ -f $linklog && -z $other_warnings ]] || { echo "$other_warnings"; false; }'
check "no getpwnam/getgrnam/getpwuid in the binary" \
    '! grep -qwE "getpwnam|getpwuid|getgrnam|getgrgid|getpwnam_r|getpwuid_r" "$work/nm"'

# --- the TCTI: linked in, no loader ---------------------------------------
check "the xenmb TCTI is linked in (nm: Tss2_Tcti_Xenmb_Init)" \
    'grep -qw "T Tss2_Tcti_Xenmb_Init" "$work/nm"'
check "no dlopen()ing TCTI loader (tctildr-dl's handle_from_name/tcti_from_file absent)" \
    '! grep -qwE "handle_from_name|tcti_from_file|info_from_handle" "$work/nm"'
check "no TCTI soname to dlopen (strings: no bare libtss2-tcti-*.so*)" \
    '! grep -qxE "libtss2-tcti-[a-z0-9-]+\.so(\.0)?|libtss2-tctildr\.so(\.0)?" "$work/strings"'

# --- it runs -----------------------------------------------------------------
# Where /dev/xenmb exists (the module loaded here), in a mount namespace
# with an empty /dev.
nodev() {
    if [[ -e /dev/xenmb ]]; then
        unshare -m sh -c 'mount -t tmpfs none /dev && exec "$@"' sh "$@"
    else "$@"; fi
}
"$bin" --help >"$work/help.out" 2>&1
help_rc=$?
check "--help exits 0 with the usage" '((help_rc == 0)) && grep -q "usage: xenmb info" "$work/help.out"'
nodev "$bin" info >"$work/info.out" 2>"$work/info.err"
info_rc=$?
check "'xenmb info' without /dev/xenmb exits 3 (no device) and says so" \
    '((info_rc == 3)) && grep -q "/dev/xenmb is missing: load the module" "$work/info.err" ||
     { cat "$work/info.err"; false; }'
nodev build/xenmb info >/dev/null 2>&1
dyn_rc=$?
check "... the same exit code as the dynamic build ($dyn_rc)" '((info_rc == dyn_rc))'
nodev "$bin" ek >/dev/null 2>"$work/ek.err"
ek_rc=$?
check "'xenmb ek' without /dev/xenmb: exit 3, through the built-in TCTI" \
    '((ek_rc == 3)) && grep -qE "^ERROR:tcti:\S*helper/tcti_xenmb\.c:[0-9]+:open_device\(\) /dev/xenmb is missing" "$work/ek.err" ||
     { cat "$work/ek.err"; false; }'
"$bin" ek --tcti device:/dev/tpm0 >/dev/null 2>"$work/tcti.err"
tcti_rc=$?
check "'--tcti device:...' is refused by name (exit $tcti_rc), not loaded" \
    '((tcti_rc != 0)) && grep -q "only the xenmb TCTI built in" "$work/tcti.err"'

# At run time: no shared library, NSS or OpenSSL config file is opened.
if command -v strace >/dev/null; then
    for args in "--help" "info" "info --json" "ek" "ek --pem" "quote --nonce AAAA"; do
        # shellcheck disable=SC2086 # args split on purpose
        nodev strace -f -qq -e trace=open,openat,execve -o "$work/trace" "$bin" $args \
            >/dev/null 2>&1
        opened=$(grep -oE '"[^"]*"' "$work/trace" | tr -d '"' | sort -u | tr '\n' ' ')
        check "run time, 'xenmb $args': opens no .so, nsswitch.conf, ld.so.cache or openssl.cnf" \
            '! grep -qE "\.so(\.[0-9]+)*\"|nsswitch|ld\.so|openssl\.cnf|/etc/hosts|ossl-modules" \
                "$work/trace" || { echo "    opened: $opened"; false; }'
    done
else
    check "strace is installed (run 'make deps')" false
fi

# --- a real TPM 2.0, in the QEMU guest ---------------------------------------
python3 tests/static/qemu_static.py >"$work/qemu.log" 2>&1
qemu_rc=$?
grep -E '^(ok|not ok) - |^    ' "$work/qemu.log"
tally=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$work/qemu.log" | tail -n 1)
if [[ -n $tally ]]; then
    p=${tally%% passed*} f=${tally#*, } f=${f%% failed*}
    passed=$((passed + p)) failed=$((failed + f))
    ((qemu_rc == 0 || f > 0)) || { echo "not ok - static: qemu_static.py exit $qemu_rc"; failed=$((failed + 1)); }
else
    tail -n 20 "$work/qemu.log"
    echo "not ok - static: qemu_static.py gave no tally (exit $qemu_rc)"
    failed=$((failed + 1))
fi

# The guest's quote, verified on the host by the static helper itself (its
# OpenSSL path: PEM, RSA, digests), under strace: openssl.cnf stays unread
# (helper/static_init.c); the dynamic helper's read of it shows the check
# can see one.
results=build/qemu/static-tpm2/out/results
if [[ -f $results/quote.out ]]; then
    nonce=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["nonce"])' \
        "$results/quote.out" 2>/dev/null)
    strace -f -qq -e trace=open,openat -o "$work/vtrace" "$bin" verify \
        --quote-dir "$results/q" --ak "$results/ak.pem" --nonce "$nonce" >"$work/verify.out" 2>&1
    verify_rc=$?
    check "the static helper verifies the guest's quote on the host (verdict: trusted)" \
        '((verify_rc == 0)) && grep -q "verdict: trusted" "$work/verify.out" ||
         { cat "$work/verify.out"; false; }'
    check "... opening no openssl.cnf, .so or NSS file" \
        '! grep -qE "\.so(\.[0-9]+)*\"|nsswitch|openssl\.cnf|ossl-modules" "$work/vtrace"'
    strace -f -qq -e trace=open,openat -o "$work/dtrace" build/xenmb verify \
        --quote-dir "$results/q" --ak "$results/ak.pem" --nonce "$nonce" >/dev/null 2>&1
    check "(the dynamic helper's verify does read openssl.cnf: the check sees it)" \
        'grep -q "openssl\.cnf" "$work/dtrace"'
else
    echo "not ok - static: no quote from the guest to verify"
    failed=$((failed + 1))
fi
finish
