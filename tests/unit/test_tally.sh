#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/check.sh's reading of the suites' closing lines: the old
# "N passed, N failed" (no skips) and "N passed, N failed, N skipped",
# summed as check.sh sums them; anything else is no tally. The last line is
# "N passed, N failed".
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../check.sh
. "$repo/tests/check.sh"

passed=0 failed=0
report() { # report OK WHAT WHY
    if [[ $1 == true ]]; then
        passed=$((passed + 1)); echo "ok $((passed + failed)) - $2"
    else
        failed=$((failed + 1)); echo "not ok $((passed + failed)) - $2: $3"
    fi
}

# parses LINE P F S: LINE reads as P passed, F failed, S skipped.
parses() {
    local got=none
    tally_p='' tally_f='' tally_s=''
    parse_tally "$1" && got="$tally_p $tally_f $tally_s"
    [[ $got == "$2 $3 $4" ]] && ok=true || ok=false
    report "$ok" "'$1' is $2 passed, $3 failed, $4 skipped" "got $got"
}
parses "671 passed, 0 failed" 671 0 0
parses "0 passed, 1 failed" 0 1 0
parses "568 passed, 0 failed, 105 skipped" 568 0 105
parses "9 passed, 2 failed, 2 skipped" 9 2 2
parses "08 passed, 09 failed, 010 skipped" 8 9 10

for bad in "" "passed, failed" "3 passed" "3 passed, x failed" \
    "3 passed, 1 failed, skipped" "3 passed, 1 failed, 2 skipped, 4 more" \
    "ok 3 - 3 passed, 1 failed" "3 passed, 1 failed (and more)"; do
    parse_tally "$bad" && ok=false || ok=true
    report "$ok" "'$bad' is no tally" "read as $tally_p $tally_f $tally_s"
done

# A suite's output: the last tally line counts, "skip:" and others do not.
out=$'ok 1 - a\n1 passed, 0 failed\nskip: unit: 105 cases: no shared data\n568 passed, 0 failed, 105 skipped\ndone'
line=$(last_tally <<<"$out")
[[ $line == "568 passed, 0 failed, 105 skipped" ]] && ok=true || ok=false
report "$ok" "the last tally line of a suite is read" "got '$line'"
line=$(last_tally <<<$'ok 1 - a\nno tally here' || true)
[[ -z $line ]] && ok=true || ok=false
report "$ok" "a suite without one has no tally line" "got '$line'"

# Summed as check.sh does: skips add up apart, never into passed.
p=0 f=0 s=0
for line in "671 passed, 0 failed" "568 passed, 0 failed, 105 skipped" \
    "9 passed, 1 failed, 2 skipped" "0 passed, 0 failed"; do
    parse_tally "$line"
    p=$((p + tally_p)) f=$((f + tally_f)) s=$((s + tally_s))
done
[[ "$p $f $s" == "1248 1 107" ]] && ok=true || ok=false
report "$ok" "old and new tallies sum to 1248 passed, 1 failed, 107 skipped" "got $p $f $s"

# check.sh's own loop over suites printing both forms, a failure, a suite
# without a tally and one that exits non-zero without a failure.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
# shellcheck disable=SC2034 # read by run_suites
run() { out=$(run_suites "$@" 2>&1) && rc=0 || rc=$?; }
run "a:echo '671 passed, 0 failed'" \
    "b:printf 'skip: b: 105 cases: no data\n568 passed, 0 failed, 105 skipped\n'" \
    "c:echo '9 passed, 0 failed, 2 skipped'"
last=${out##*$'\n'}
[[ $last == "1248 passed, 0 failed, 107 skipped" && $rc == 0 ]] && ok=true || ok=false
report "$ok" "run_suites: 2- and 3-field tallies sum, exit 0" "'$last', exit $rc"
[[ $out == *$'\ncheck: skipped: b (105) c (2): '* ]] && ok=true || ok=false
report "$ok" "run_suites names the suites that skipped" "$out"
run "a:echo '3 passed, 1 failed, 4 skipped'; exit 1" "b:echo no tally" \
    "c:echo '2 passed, 0 failed'; exit 3"
last=${out##*$'\n'}
[[ $last == "5 passed, 3 failed, 4 skipped" && $rc != 0 ]] && ok=true || ok=false
report "$ok" "run_suites: a failure, no tally, a bad exit: 3 failed, non-zero" "'$last', exit $rc"

# Two lanes at once: both 2-second suites overlap, the logs come out in
# list order, and their tallies count as the others do.
run "a:echo '1 passed, 0 failed'" --lanes "b:sleep 2; echo '2 passed, 0 failed'" \
    "c:echo '3 passed, 0 failed'" --and "d:sleep 2; echo '4 passed, 1 failed'; exit 1" \
    --end "e:echo '5 passed, 0 failed'"
last=${out##*$'\n'}
[[ $last == "15 passed, 1 failed, 0 skipped" && $rc != 0 ]] && ok=true || ok=false
report "$ok" "run_suites --lanes: every lane's tally counts, a failure fails" "'$last', exit $rc"
order=$(grep -oE '^=== [a-e]: [0-9]' <<<"$out" | cut -c5 | tr -d '\n')
[[ $order == abcde ]] && ok=true || ok=false
report "$ok" "run_suites --lanes: the suites' results in list order" "got '$order'"
secs=$(sed -n 's/^=== two lanes: \([0-9]*\)s$/\1/p' <<<"$out")
[[ -n $secs ]] && ((secs < 4)) && ok=true || ok=false
report "$ok" "run_suites --lanes: the lanes ran at once (2 s + 2 s in under 4 s)" "'$secs' s"
[[ $out == *$'=== d: sleep 2; echo \'4 passed, 1 failed\'; exit 1\n4 passed, 1 failed\n'* ]] &&
    ok=true || ok=false
report "$ok" "run_suites --lanes: a lane's suite log is printed whole under its name" "$out"
run "a:echo '1 passed, 0 failed'" --lanes "b:echo '2 passed, 0 failed'"
last=${out##*$'\n'}
[[ $last == "1 passed, 1 failed, 0 skipped" && $rc != 0 ]] && ok=true || ok=false
report "$ok" "run_suites: a --lanes group without --end fails" "'$last', exit $rc"

echo "$passed passed, $failed failed"
((failed == 0))
