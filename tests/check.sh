#!/bin/bash
# make check: every suite, each logged under build/logs/, all run even when
# one fails; the last line adds up what every suite asserted:
# "N passed, N failed, N skipped". A suite closes with "N passed, N failed"
# or, when it skipped cases (no shared data), "N passed, N failed, N skipped".
# Sourced (tests/unit/test_tally.sh), it only defines parse_tally,
# last_tally and run_suites.
set -uo pipefail

# parse_tally LINE: sets tally_p, tally_f, tally_s from a suite's closing
# line of two fields (no skips: tally_s=0) or three; fails on anything else.
parse_tally() {
    local re='^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$'
    [[ $1 =~ $re ]] || return 1
    tally_p=$((10#${BASH_REMATCH[1]})) tally_f=$((10#${BASH_REMATCH[2]}))
    tally_s=$((10#${BASH_REMATCH[4]:-0}))
}

# The last tally line of a suite's output on stdin; empty when none.
last_tally() {
    grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' | tail -n 1
}

# run_suite NAME CMD [quiet]: runs one suite into $logs/NAME.log (and to
# stdout unless quiet); its exit code and seconds go to $logs/NAME.status.
run_suite() {
    local name=$1 cmd=$2 quiet=${3:-} start rc
    start=$SECONDS
    if [[ -n $quiet ]]; then
        bash -c "$cmd" >"$logs/$name.log" 2>&1
        rc=$?
    else
        bash -c "$cmd" 2>&1 | tee "$logs/$name.log"
        rc=${PIPESTATUS[0]}
    fi
    echo "$rc $((SECONDS - start))" >"$logs/$name.status"
}

# run_lane NAME:CMD...: the suites one after another, quietly (a lane
# runs beside another; their logs are shown when both are done).
run_lane() {
    local entry
    for entry in "$@"; do
        run_suite "${entry%%:*}" "${entry#*:}" quiet
    done
}

# run_suites ENTRY...: runs each suite, logged in $logs/NAME.log, even
# after a failure; prints the sum of their tallies, the last line; fails
# when one failed or left no tally. An ENTRY is NAME:CMD, or a group
# "--lanes" NAME:CMD... "--and" NAME:CMD... "--end": two lanes run at
# once (each its suites in order), then each suite's log is printed in
# order and counted as if it had run alone.
run_suites() {
    local entry item name cmd rc secs tally p f s lane=none
    local total_passed=0 total_failed=0 total_skipped=0 broken=() skipping=()
    local lane_a=() lane_b=() group_start
    # tally_of NAME: adds one finished suite's log and status to the sums.
    tally_of() {
        read -r rc secs <"$logs/$1.status"
        tally=$(last_tally <"$logs/$1.log")
        if ! parse_tally "$tally"; then
            echo "=== $1: exit $rc, no tally line (counted as one failure)"
            total_failed=$((total_failed + 1)); broken+=("$1"); return
        fi
        p=$tally_p f=$tally_f s=$tally_s
        total_passed=$((total_passed + p)) total_failed=$((total_failed + f))
        total_skipped=$((total_skipped + s))
        ((s == 0)) || skipping+=("$1 ($s)")
        if ((rc != 0 || f != 0)); then
            broken+=("$1")
            ((f > 0)) || total_failed=$((total_failed + 1))
        fi
        echo "=== $1: $tally, exit $rc, ${secs}s"
    }
    for entry in "$@"; do
        case $lane,$entry in
            none,--lanes) lane=a lane_a=() lane_b=(); continue ;;
            a,--and) lane=b; continue ;;
            b,--end)
                echo "=== two lanes at once: ${lane_a[*]%%:*} | ${lane_b[*]%%:*}"
                group_start=$SECONDS
                run_lane "${lane_a[@]}" &
                run_lane "${lane_b[@]}" &
                wait
                for item in "${lane_a[@]}" "${lane_b[@]}"; do
                    name=${item%%:*}
                    echo "=== $name: ${item#*:}"
                    cat "$logs/$name.log"
                    tally_of "$name"
                done
                echo "=== two lanes: $((SECONDS - group_start))s"
                lane=none; continue ;;
            a,--*|b,--*|none,--*)
                echo "check: misplaced $entry in the suite list"
                total_failed=$((total_failed + 1)); broken+=("$entry"); continue ;;
            a,*) lane_a+=("$entry"); continue ;;
            b,*) lane_b+=("$entry"); continue ;;
        esac
        name=${entry%%:*} cmd=${entry#*:}
        echo "=== $name: $cmd"
        run_suite "$name" "$cmd"
        tally_of "$name"
    done
    if [[ $lane != none ]]; then
        echo "check: a --lanes group without --end"
        total_failed=$((total_failed + 1)); broken+=("--lanes")
    fi

    if ((${#broken[@]})); then
        echo "check: FAILED: ${broken[*]} (logs in build/logs/)"
    fi
    if ((${#skipping[@]})); then
        echo "check: skipped: ${skipping[*]}: no shared data (XENMB_SHARED_DATA; README, Tests)"
    fi
    echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
    ((${#broken[@]} == 0))
}

[[ ${BASH_SOURCE[0]} == "$0" ]] || return 0

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
logs=$repo/build/logs
mkdir -p "$logs"

tests/deps.sh || { echo "check: cannot install dependencies"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
tests/qemu/setup.sh || { echo "check: cannot prepare the QEMU guest"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# The QEMU scenarios are two lanes run at once: each guest is one TCG
# vCPU, a core of its own, so bare Linux and Xen's dom0 run side by side
# on make check's 2 cores. Everything that builds or fuzzes with both
# cores, or times itself (bench), runs alone, before or after them.
suites=(
    "style:tests/style.sh"
    # The man pages: groff -ww clean, xenmb.8 and xentpm.8 against --help.
    "man:tests/man/test_man.sh"
    # --version, every command's --help, bash completion against getopt.
    "cli:tests/cli/test_cli.sh"
    "unit:make -s -C tests/unit check"
    "static:tests/static/test_static.sh"
    "dkms:tests/dkms/test_dkms.sh"
    "rpm:tests/rpm/test_rpm.sh"
    # The boot files installed into a DESTDIR, systemd-analyze verify, the
    # launch-check unit's ExecStart lines on this host.
    "boot:tests/boot/test_boot.sh"
    --lanes
    "qemu-smoke:tests/qemu/smoke.sh"
    "qemu:python3 tests/qemu/test_foundation.py"
    "qemu-launch:python3 tests/qemu/test_launch.py"
    "qemu-txt:python3 tests/qemu/test_txt.py"
    "qemu-tcti:python3 tests/qemu/test_tcti.py"
    "qemu-quote:python3 tests/qemu/test_quote.py"
    "qemu-owner:python3 tests/qemu/test_owner.py"
    "qemu-challenge:python3 tests/qemu/test_challenge.py"
    "qemu-xentpm:python3 tests/qemu/test_xentpm.py"
    "qemu-verify:python3 tests/qemu/test_verify.py"
    "qemu-tpm12:python3 tests/qemu/test_tpm12.py"
    "qemu-abuse:python3 tests/qemu/test_abuse.py"
    "qemu-faults:python3 tests/qemu/test_faults.py"
    "qemu-concurrency:python3 tests/qemu/test_concurrency.py"
    "qemu-cleanup:python3 tests/qemu/test_cleanup.py"
    # Localities 1-3 on TIS: the IRQ-mode refusal; 1000 mixed-locality
    # commands with faults at every locality; signals, late and withheld
    # grants. ("mix0", the faults that leave an answer pending at locality
    # 0 only, is a diagnostic variant, not run here.)
    "qemu-localities:python3 tests/qemu/test_localities.py irq mix signals"
    # tpm2-abrmd over the xenmb TCTI: a Keylime agent's tpm2-tools calls
    # over -T tabrmd, each command in the audit; the boot files' effect.
    "qemu-ecosystem:python3 tests/qemu/test_ecosystem.py"
    # The kernel matrix, split between the lanes: W=1 + sparse builds on
    # 6.1 and 5.10 and 5.10's scenarios here, 6.12's in the other lane.
    "kernels-5.10:tests/kernels/run.sh 6.1 5.10"
    --and
    # The same scenarios in Xen 4.17's PV dom0 (XENMB_HOST=xen; each boot
    # costs ~25-40 s more than bare Linux on TCG). Subsets where a whole
    # script adds little under Xen: foundation on TPM 2.0 (the CRB
    # locality refusal is the kernel driver's, the same in dom0; TPM 1.2
    # in the dom0 is xen-tpm12's whole flow, ownership to quote), launch
    # with the asset-tag reboot (tpm2-agile), txt in both memory cases:
    # tpm2-agile at a non-RAM machine address (a) and xen-unusable (b).
    "xen-foundation:XENMB_HOST=xen python3 tests/qemu/test_foundation.py tpm2"
    "xen-launch:XENMB_HOST=xen python3 tests/qemu/test_launch.py tpm2-agile"
    "xen-txt:XENMB_HOST=xen python3 tests/qemu/test_txt.py tpm2-agile xen-unusable"
    "xen-quote:XENMB_HOST=xen python3 tests/qemu/test_quote.py"
    "xen-owner:XENMB_HOST=xen python3 tests/qemu/test_owner.py"
    "xen-challenge:XENMB_HOST=xen python3 tests/qemu/test_challenge.py"
    "xen-xentpm:XENMB_HOST=xen python3 tests/qemu/test_xentpm.py"
    "xen-tpm12:XENMB_HOST=xen python3 tests/qemu/test_tpm12.py"
    # 25 000 calls, not 100 000: 100 000 took 731 s in the dom0 (PV
    # syscalls under TCG), 25 000 take 191 s alone. (10 000 are too few:
    # the mix's floor of 25 valid TPM commands failed with 23.) The
    # 100 000-call run stays in qemu-abuse and debug-kernel.
    "xen-abuse:XENMB_HOST=xen XENMB_ABUSE_CALLS=25000 python3 tests/qemu/test_abuse.py"
    "kernels-6.12:tests/kernels/run.sh 6.12"
    --end
    "plugin:python3 tests/plugin/test_plugin.py"
    "bench:python3 bench/run.py --smoke"
    # 20 s per harness here (11 harnesses, two at a time: ~2 minutes);
    # make fuzz runs 60 s each, FUZZ_SECONDS=N longer.
    "fuzz:XENMB_FUZZ_SECONDS=20 tests/fuzz/run.sh"
    "kunit:tests/kunit/run.sh"
    "debug-kernel:tests/debugkernel/run.sh"
    # Last: make demo on the build/ every suite above has left.
    "demo-after-check:tests/qemu/demo_after_check.sh"
)

run_suites "${suites[@]}"
