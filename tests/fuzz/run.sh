#!/bin/bash
# libFuzzer over each pure parser, under ASan + UBSan:
#   tests/fuzz/run.sh            each harness for XENMB_FUZZ_SECONDS (60)
#   tests/fuzz/run.sh --build    only build them (tests/style.sh records
#                                the compiler calls for clang-tidy)
# Every saved input in tests/fuzz/regressions/<harness>/ runs first. A crash
# fails the run and its input is copied there, to be committed as a
# regression test. Results (executions, coverage) go to build/fuzz/RESULTS.md.
# Without the shared data (XENMB_SHARED_DATA, default ../shared/data: real
# event logs and attestations, not in the repository), the harnesses whose
# seeds are made from it are skipped, said in one line, and the last line is
# "N passed, N failed, N skipped".
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
secs=${XENMB_FUZZ_SECONDS:-60}
out=${XENMB_FUZZ_OUT:-$repo/build/fuzz}
shared=${XENMB_SHARED_DATA:-$repo/../shared/data}
mkdir -p "$out"

declare -A extra=(
    [txt_heap]="driver/txt_heap.c driver/tcg_log.c"
    [tcg_log]="driver/tcg_log.c"
    [policy]="driver/policy.c driver/tpm_cmd.c driver/tpm_handles.c"
    [owner_config]="helper/owner_secret.c helper/encoding.c -lkeyutils -lcrypto"
    [tpm2_pcr_read]="helper/tpm2_parse.c driver/tpm_cmd.c driver/tcg_log.c -ltss2-mu"
    [tpm2_quote]="helper/tpm2_parse.c driver/tpm_cmd.c driver/tcg_log.c -ltss2-mu"
    [tpm2_cred]="helper/tpm2_parse.c driver/tpm_cmd.c driver/tcg_log.c -ltss2-mu"
    [tpm2_tcti]="helper/tcti_xenmb.c helper/tcti_log.c helper/xenmb_dev.c driver/tpm_cmd.c
        -Wl,--wrap=xenmb_open,--wrap=xenmb_get_info,--wrap=xenmb_tpm_transmit"
)
harnesses=(txt_heap tcg_log policy owner_config tpm2_pcr_read tpm2_quote tpm2_cred tpm2_tcti)
extra[verify]="helper/verify_load.c helper/verify.c helper/verdict.c helper/known_good.c helper/eventlog.c helper/encoding.c helper/xenmb_dev.c helper/tpm2_parse.c driver/tpm_cmd.c driver/tcg_log.c helper/tpm12.c -ljson-c -ltss2-mu -lcrypto"
harnesses+=(verify)
# Built to accept any response HMAC, so authorized responses get parsed.
extra[tpm12]="-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION helper/tpm12.c helper/xenmb_dev.c -lcrypto"
harnesses+=(tpm12)
extra[tpm12_challenge]="helper/tpm12_challenge.c"
harnesses+=(tpm12_challenge)

# Seeded from the real logs and attestations of the shared data: fuzzing
# them without it would be a weaker case, so it is skipped, not passed.
shared_harnesses=(tcg_log verify)

build_only=false
[[ ${1:-} == --build ]] && build_only=true

skipped_harnesses=()
if ! $build_only && [[ ! -d $shared/eventlogs ]]; then
    skipped_harnesses=("${shared_harnesses[@]}")
fi
$build_only || python3 tests/fuzz/seeds.py "$out/seeds" "$shared" || { echo "0 passed, 1 failed"; exit 1; }

passed=0 failed=0 skipped=${#skipped_harnesses[@]}
$build_only || {
    echo "# Fuzzing results"
    echo
    echo "$(date -u +%Y-%m-%d), $(nproc) cores, ${XENMB_FUZZ_JOBS:-$(nproc)} harnesses at a time, ${secs} s per harness, libFuzzer ($(clang --version | head -n 1))"
    echo
    echo "| harness | executions | coverage (edges) | features | corpus (inputs) | crashes |"
    echo "|---|---|---|---|---|---|"
} > "$out/RESULTS.md"
# Builds one after another (clang's output stays readable), then fuzzes
# XENMB_FUZZ_JOBS harnesses at a time (default: one a core), each writing
# its verdict lines and table row to files that are read back in order.
built=()
for h in "${harnesses[@]}"; do
    bin=$out/fuzz_$h
    # shellcheck disable=SC2086
    if ! clang -std=gnu11 -g -O1 -Wall -Wextra -Werror \
            -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
            -I. -o "$bin" "tests/fuzz/fuzz_$h.c" ${extra[$h]}; then
        echo "not ok - fuzz: $h does not build"; failed=$((failed + 1)); continue
    fi
    if $build_only; then echo "ok - fuzz: $h builds"; passed=$((passed + 1)); continue; fi
    [[ " ${skipped_harnesses[*]} " == *" $h "* ]] && continue
    built+=("$h")
done

fuzz_one() {
    local h=$1 bin=$out/fuzz_$1 reg=tests/fuzz/regressions/$1 corpus=$out/corpus/$1
    local rc execs done_line cov ft crashes inputs
    if compgen -G "$reg/*" >/dev/null; then
        if "$bin" "$reg"/* >"$out/$h.regress.log" 2>&1; then
            echo "ok - fuzz: $h: every saved crash input runs clean"
        else
            echo "not ok - fuzz: $h: a saved crash input fails again (see $out/$h.regress.log)"
        fi
    fi
    rm -rf "$out/crashes/$h"
    mkdir -p "$corpus" "$out/crashes/$h"
    (cd "$out/crashes/$h" && "$bin" -max_total_time="$secs" -max_len=65536 \
        -print_final_stats=1 "$corpus" "$out/seeds/$h" >"$out/$h.log" 2>&1)
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$h.log")
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$out/$h.log" | tail -n 1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
    crashes=$(find "$out/crashes/$h" -maxdepth 1 -type f | wc -l)
    inputs=$(find "$corpus" -maxdepth 1 -type f | wc -l)
    echo "| $h | ${execs:-?} | ${cov:-?} | ${ft:-?} | $inputs | $crashes |" >"$out/$h.row"
    if ((rc == 0 && crashes == 0)) && [[ -n $execs && $execs -gt 0 ]]; then
        echo "ok - fuzz: $h: $execs executions in ${secs} s, coverage $cov, no crash, leak or UB"
    else
        mkdir -p "$reg" && cp "$out/crashes/$h"/* "$reg/" 2>/dev/null
        echo "not ok - fuzz: $h: exit $rc, $crashes crash inputs (copied to $reg; see $out/$h.log)"
    fi
}

jobs_max=${XENMB_FUZZ_JOBS:-$(nproc)}
for h in "${built[@]}"; do
    while (($(jobs -rp | wc -l) >= jobs_max)); do wait -n; done
    rm -f "$out/$h.result" "$out/$h.row"
    fuzz_one "$h" >"$out/$h.result" 2>&1 &
done
wait
for h in "${built[@]}"; do
    cat "$out/$h.result" 2>/dev/null
    passed=$((passed + $(grep -c '^ok - ' "$out/$h.result" 2>/dev/null)))
    failed=$((failed + $(grep -c '^not ok - ' "$out/$h.result" 2>/dev/null)))
    if [[ -s $out/$h.row ]]; then
        cat "$out/$h.row" >>"$out/RESULTS.md"
    else
        echo "not ok - fuzz: $h: no result"; failed=$((failed + 1))
    fi
done
for h in "${skipped_harnesses[@]}"; do
    echo "| $h | skipped: no shared data | | | | |" >>"$out/RESULTS.md"
done
$build_only || cat "$out/RESULTS.md"
if ((skipped)); then
    echo "skip: fuzz: $skipped cases (${skipped_harnesses[*]}, seeded from real event logs and attestations): no $shared/eventlogs (point XENMB_SHARED_DATA at a copy of shared/data; README, Tests)"
fi
if $build_only; then
    echo "$passed passed, $failed failed"
else
    echo "$passed passed, $failed failed, $skipped skipped"
fi
((failed == 0))
