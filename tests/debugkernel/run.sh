#!/bin/bash
# The debug-kernel suite (make check: "debug-kernel"): builds or reuses the
# debug guest kernel (build.sh), runs selfcheck.py and the QEMU scenarios on
# it with the module built against it, then asserts with reports.py that no
# guest reported anything (KASAN, lockdep, atomic sleep, hung task, soft
# lockup, UBSAN, kmemleak after the module's unload, BUG/WARN/Oops).
# With the default scenarios it then builds or reuses the same kernel
# without CONFIG_AUDIT (build.sh noaudit) and runs the foundation scenario
# on it: the per-command record in the kernel log and the tracepoint.
#
#   run.sh [SCENARIO.py]...       default: the scenarios in "default" below
#
# In CI (CI=true) and with the default scenarios, the suite runs only when
# what it judges changed since the last green run recorded in
# tests/debugkernel/green: the hash of driver/, uapi/, Kbuild,
# debug.config and the default scenario list. Otherwise it says why it
# skipped and counts nothing ("0 passed, 0 failed"). A passing local run
# with the default scenarios rewrites green when that hash changed (or
# XENMB_DEBUGK_RECORD=1): commit it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo" || exit 1
export XENMB_GUEST=debug

default=(
    tests/qemu/test_foundation.py
    tests/qemu/test_txt.py
    tests/qemu/test_quote.py
    tests/qemu/test_abuse.py
)
scenarios=("${default[@]}")
((!$#)) || scenarios=("$@")
[[ "${scenarios[*]}" == "${default[*]}" ]] && is_default=yes || is_default=no

green=$here/green
judged=(driver uapi Kbuild tests/debugkernel/debug.config tests/debugkernel/noaudit.config)
# Content of the working tree (tracked and new files), not of HEAD: a local
# run judges what is on disk. The default scenario list counts too: a
# scenario added to it has not been green yet.
tree_hash() {
    {
        git -C "$repo" ls-files -co --exclude-standard -z -- "${judged[@]}" |
            sort -z | xargs -0 sha256sum
        echo "scenarios ${default[*]}"
    } | sha256sum | cut -d' ' -f1
}
hash=$(tree_hash 2>/dev/null) || hash=''
recorded=$(sed -n 's/^hash=//p' "$green" 2>/dev/null)

if [[ ${CI:-} == true && $is_default == yes ]]; then
    if [[ -n $hash && $hash == "$recorded" ]]; then
        echo "debug-kernel: SKIPPED in CI: ${judged[*]} and the scenario list are unchanged"
        echo "debug-kernel: since the last green run, $(sed -n 's/^date=//p' "$green") (tests/debugkernel/green);"
        echo "debug-kernel: nothing is counted as passed. Run it locally: tests/debugkernel/run.sh"
        echo "0 passed, 0 failed"
        exit 0
    fi
    echo "debug-kernel: CI: ${judged[*]} or the scenario list changed since the last green run (or none recorded): running"
fi

t0=$SECONDS
if ! tree=$("$here/build.sh"); then
    echo "not ok - debug-kernel: the debug kernel builds"
    echo "0 passed, 1 failed"
    exit 1
fi
build_s=$((SECONDS - t0))
# shellcheck source=../qemu/env.sh source-path=SCRIPTDIR
. "$repo/tests/qemu/env.sh"
cold_s=$(cat "$XENMB_DEBUGK_DIR/current/build-seconds")
echo "debug-kernel: kernel $KVER at $tree (this run: ${build_s}s; cold build: ${cold_s}s)"

passed=0 failed=0 results=()
# run_suite LABEL CMD...: runs one test program, adds its tally.
run_suite() {
    local label=$1 log start tally p f rc
    shift
    log=$(mktemp)
    start=$SECONDS
    "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    tally=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    rm -f "$log"
    if [[ -z $tally ]]; then
        echo "not ok - debug-kernel: $label printed no tally (exit $rc)"
        failed=$((failed + 1))
        tally="no tally"
    else
        p=${tally%% passed*} f=${tally#*, }; f=${f%% failed*}
        passed=$((passed + p)) failed=$((failed + f))
        ((rc == 0 || f > 0)) || { echo "not ok - debug-kernel: $label exit $rc"; failed=$((failed + 1)); }
    fi
    results+=("$label: $tally, exit $rc, $((SECONDS - start))s")
}

since=$(($(date +%s) - 1))
t1=$SECONDS
run_suite selfcheck python3 "$here/selfcheck.py"
for s in "${scenarios[@]}"; do
    run_suite "$(basename "$s")" python3 "$s"
done
run_suite reports python3 "$here/reports.py" --since "$since" --skip debugk-selfcheck@debug \
    --expect "${#scenarios[@]}"
run_s=$((SECONDS - t1))

# After reports.py, which judges the debug kernel's boots only.
if [[ $is_default == yes ]]; then
    t2=$SECONDS
    if noaudit_tree=$("$here/build.sh" noaudit); then
        echo "debug-kernel: kernel without CONFIG_AUDIT at $noaudit_tree"
        run_suite "test_foundation.py (no CONFIG_AUDIT)" \
            env XENMB_GUEST=noaudit python3 tests/qemu/test_foundation.py
    else
        echo "not ok - debug-kernel: the kernel without CONFIG_AUDIT builds"
        failed=$((failed + 1))
    fi
    run_s=$((run_s + SECONDS - t2))
fi

echo "debug-kernel: per program:"
printf '  %s\n' "${results[@]}"
echo "debug-kernel: build ${build_s}s (cold ${cold_s}s), scenarios and checks ${run_s}s"
if ((failed == 0 && passed > 0)) && [[ ${CI:-} != true && $is_default == yes && -n $hash ]] &&
    [[ $hash != "$recorded" || ${XENMB_DEBUGK_RECORD:-} == 1 ]]; then
    cat > "$green" <<GREEN
# The last green debug-kernel run (tests/debugkernel/run.sh, default
# scenarios), written by that run. CI skips the suite while the hash of
# ${judged[*]} and the default scenarios is still this one.
hash=$hash
date=$(date -u +%Y-%m-%dT%H:%MZ)
kernel=$KVER
cold_build_seconds=$cold_s
run_seconds=$run_s
passed=$passed
scenarios=${scenarios[*]}
GREEN
    echo "debug-kernel: recorded this green run in tests/debugkernel/green (commit it)"
fi
echo "$passed passed, $failed failed"
((failed == 0))
