# shellcheck shell=bash
# Sourced by the shell suites: one "ok - SUITE: what" or "not ok - SUITE:
# what" line per check, and the closing "N passed, N failed" that
# tests/check.sh reads.
#
#   . tests/tap.sh SUITE
#   check DESCRIPTION 'CONDITION'   CONDITION is evaluated; true passes
#   finish                          the tally; exits 0 only if all passed
tap_suite=$1
passed=0 failed=0
check() {
    if eval "$2"; then passed=$((passed + 1)); echo "ok - $tap_suite: $1"
    else failed=$((failed + 1)); echo "not ok - $tap_suite: $1"; fi
}
finish() { echo "$passed passed, $failed failed"; ((failed == 0)); exit; }
