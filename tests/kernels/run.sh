#!/bin/bash
# The kernel matrix (make check's "kernels" suite):
#  1. the module builds with W=1 and sparse (C=1) against Debian's 5.10
#     (bullseye), 6.1 (bookworm) and 6.12 (bookworm-backports), each from a
#     clean copy of the sources, with not one warning, the .ko's vermagic
#     names that kernel, and txt_base is a hardware parameter (lockdown
#     refuses it; param_flags.py reads the flag from the .ko);
#  2. on 5.10 and 6.12 (6.1 runs every suite of make check already) the
#     guest boots that kernel and runs test_foundation.py (all three modes),
#     test_txt.py and test_quote.py, and on 6.12 test_localities.py irq
#     (real IRQ mode); every guest's kernel log must name the kernel it was
#     meant to boot.
# The QEMU programs print their own assertions; their tallies are added to
# this script's. Usage: tests/kernels/run.sh [--build-only] [SERIES...]
# shellcheck disable=SC2016 # check() evals its single-quoted condition
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo" || exit 1

build_only=no
[[ ${1:-} != --build-only ]] || { build_only=yes; shift; }
series=("$@")
((${#series[@]})) || series=(5.10 6.1 6.12)

# shellcheck source=../tap.sh
. "$repo/tests/tap.sh" kernels

others=()
for s in "${series[@]}"; do [[ $s == 6.1 ]] || others+=("$s"); done
if ((${#others[@]})); then
    check "Debian's ${others[*]} unpacked into the cache" 'tests/kernels/setup.sh "${others[@]}"'
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/xenmb-kernels.XXXXXX")
# The QEMU programs build the repo's own xenmb.ko for the guest kernel:
# leave no module of another kernel behind for the suites that follow,
# under the harness's build lock (the suite beside this one in make
# check's other lane may be building).
trap 'rm -rf "$work"; [[ $build_only == yes ]] ||
    { mkdir -p build && flock build/.build.lock make -s module-clean; }' EXIT
for s in "${series[@]}"; do
    guest=$s
    [[ $s != 6.1 ]] || guest=''
    kver='' kheaders='' kargs=''
    eval "$(XENMB_GUEST=$guest bash -c '. tests/qemu/env.sh
        printf "kver=%q kheaders=%q kargs=%q\n" "$KVER" "$KHEADERS" "$XENMB_KMAKE_ARGS"')"
    if [[ -z $kver || ! -f $kheaders/Makefile ]]; then
        check "$s: headers found" false
        continue
    fi
    src=$work/$s
    mkdir -p "$src"
    cp -r Kbuild driver uapi "$src/"
    log=$work/$s.log
    start=$SECONDS
    check "$s ($kver${kargs:+, $kargs}): W=1 C=1 module build succeeds" \
        'make -C "$kheaders" M="$src" W=1 C=1 $kargs modules >"$log" 2>&1 || { cat "$log"; false; }'
    echo "# $s: build took $((SECONDS - start)) s"
    check "$s: W=1 and sparse report nothing" \
        '! grep -E "warning|error:|sparse:" "$log" || false'
    nobj=$(grep -o 'driver/[a-z_0-9]*\.o' Kbuild | sort -u | wc -l)
    check "$s: all $nobj objects of Kbuild were compiled and checked" \
        '(( $(grep -c "^  CC \[M\]  $src/driver/" "$log") == nobj &&
            $(grep -c "^  CHECK   $src/driver/" "$log") == nobj )) ||
         { grep -E "^  (CC|CHECK)" "$log"; false; }'
    check "$s: the module's vermagic is $kver" \
        '[[ $(modinfo -F vermagic "$src/xenmb.ko" | cut -d" " -f1) == "$kver" ]]'
    # A locked-down kernel refuses a hardware parameter; policy, which is
    # not one, shows the reader tells them apart.
    check "$s: txt_base is a hardware parameter (KERNEL_PARAM_FL_HWPARAM), policy is not" \
        '[[ $(tests/kernels/param_flags.py "$src/xenmb.ko" txt_base policy | tr "\n" " ") == \
            "txt_base 0x2 policy 0x0 " ]]'
done
[[ $build_only == no ]] || finish

# The QEMU scenarios on the other kernels, each program a whole run.
for s in "${others[@]}"; do
    kver=''
    eval "$(XENMB_GUEST=$s bash -c '. tests/qemu/env.sh; printf "kver=%q\n" "$KVER"')"
    rm -rf build/qemu/*@"$s"
    programs=(test_foundation test_txt test_quote)
    # 6.12's tpm_tis reaches real IRQ mode, which 6.1's cannot.
    [[ $s != 6.12 ]] || programs+=("test_localities irq")
    for t in "${programs[@]}"; do
        start=$SECONDS
        log=$work/$s-${t// /-}.log
        read -ra cmd <<<"$t"   # the program, then its arguments
        XENMB_GUEST=$s python3 "tests/qemu/${cmd[0]}.py" "${cmd[@]:1}" 2>&1 | tee "$log" |
            sed "s/^/[$s] /"
        # shellcheck disable=SC2034 # read by check's eval
        rc=${PIPESTATUS[0]}
        tally=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
        if [[ -n $tally ]]; then
            p=${tally%% passed*} f=${tally#*, }
            passed=$((passed + p)) failed=$((failed + ${f%% failed*}))
        fi
        check "$s: ${cmd[0]}.py${cmd[1]:+ ${cmd[*]:1}} ran to its tally and exit 0 ($((SECONDS - start)) s)" \
            '[[ -n $tally && $rc == 0 ]]'
    done
    # Each guest that ran must have been that kernel.
    mapfile -t dmesgs < <(ls build/qemu/*@"$s"/out/results/dmesg.txt 2>/dev/null)
    wrong=()
    for d in "${dmesgs[@]}"; do
        grep -q "Linux version $kver " "$d" || wrong+=("$d")
    done
    check "$s: all ${#dmesgs[@]} guests booted $kver" \
        '((${#dmesgs[@]} >= 5 && ${#wrong[@]} == 0)) || { echo "${wrong[*]}"; false; }'
done
finish
