#!/bin/bash
# The checks are eval'ed by tap.sh, which also calls the functions below.
# shellcheck disable=SC2016,SC2317
# The man pages: each formats with groff -ww (every warning on) without
# one warning, and xenmb(8) has a subsection of COMMANDS for every command
# that 'xenmb --help' lists, and none for a command it does not: the
# reference and the code cannot drift apart. xentpm(8) names every option
# of xentpm's usage.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo" || exit 1

# shellcheck source=../tap.sh
. "$repo/tests/tap.sh" man

command -v groff >/dev/null || { echo "man: no groff; run 'make deps'" >&2; exit 1; }
pages=(man/xenmb.8 man/xentpm.8 man/tss2-tcti-xenmb.7)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# has_sections PAGE: the sections every page here has.
has_sections() {
    local s
    for s in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
        grep -qx "\.SH $s" "$1" || { echo "$1: no section $s"; return 1; }
    done
}
# exit_codes_listed: each code of helper/exit_codes.h is an entry of
# xenmb.8's EXIT STATUS.
exit_codes_listed() {
    local n
    sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' man/xenmb.8 >"$work/exits"
    for n in 0 $(sed -nE 's/^\s*EXIT_[A-Z_]+ = ([0-9]+),.*/\1/p' helper/exit_codes.h); do
        grep -qx "\.B $n" "$work/exits" || { echo "exit code $n not in xenmb.8"; return 1; }
    done
}

for p in "${pages[@]}"; do
    check "$p: groff -ww -z -man: no warning" \
        '[[ -f $p ]] && groff -ww -z -man "$p" 2>"$work/err" && [[ ! -s $work/err ]] ||
         { cat "$work/err"; false; }'
    check "$p: renders as text with no warning (man's groff -t -Tutf8)" \
        'groff -ww -t -man -Tutf8 "$p" >"$work/out" 2>"$work/err" && [[ ! -s $work/err ]] &&
         [[ -s $work/out ]] || { cat "$work/err"; false; }'
    check "$p: man --warnings -l renders it with no warning" \
        'MANWIDTH=80 man --warnings -l -E UTF-8 "$p" >"$work/out" 2>"$work/err" &&
         [[ ! -s $work/err && -s $work/out ]] || { cat "$work/err"; false; }'
    check "$p: has NAME, SYNOPSIS, DESCRIPTION, SEE ALSO" 'has_sections "$p"'
done

# The same man --warnings call must complain about an undefined macro.
check "man --warnings reports a planted undefined macro" \
    'printf ".TH X 8\n.SH NAME\nx \\\\- y\n.NOSUCHMACRO z\n" >"$work/bad.8" &&
     MANWIDTH=80 man --warnings -l -E UTF-8 "$work/bad.8" >/dev/null 2>"$work/err";
     grep -q "NOSUCHMACRO" "$work/err"'

check "make helper builds build/xenmb" 'make -s helper >"$work/log" 2>&1 || { cat "$work/log"; false; }'

# The commands of 'xenmb --help': each usage line's words after "xenmb"
# up to the first that is not a plain lowercase word ("tpm send",
# "asset-tag set", "known-good record"); "--help" itself is no command.
build/xenmb --help >"$work/help" 2>&1
sed -nE 's/^(usage:)? +xenmb ([a-z][a-z-]*( [a-z][a-z-]*)*)( .*)?$/\2/p' "$work/help" |
    sort -u >"$work/commands"
# xenmb.8's subsections of COMMANDS, as text ("asset\-tag" -> "asset-tag").
sed -n '/^\.SH COMMANDS$/,/^\.SH /{s/^\.SS "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p}' man/xenmb.8 |
    sed 's/\\-/-/g' >"$work/sections"

check "'xenmb --help' lists at least 12 commands" \
    '(($(wc -l <"$work/commands") >= 12)) || { cat "$work/help"; false; }'
# A section covers a command when it is the command or a first part of it
# ("asset-tag" covers "asset-tag set", "known-good" both known-good forms).
covered() { # command
    local s
    while read -r s; do
        [[ $1 == "$s" || $1 == "$s "* ]] && return 0
    done <"$work/sections"
    return 1
}
while read -r cmd; do
    check "xenmb.8 has a COMMANDS subsection for 'xenmb $cmd'" 'covered "$cmd"'
done <"$work/commands"
while read -r sec; do
    check "xenmb.8's subsection '$sec' is a command of 'xenmb --help'" \
        'grep -qE "^$sec( |$)" "$work/commands"'
done <"$work/sections"
check "every exit code of helper/exit_codes.h (1 to 13, and 0) is in xenmb.8's EXIT STATUS" \
    '(($(grep -cE "^\s*EXIT_[A-Z_]+ = [0-9]+," helper/exit_codes.h) >= 13)) && exit_codes_listed'

# xentpm(8): every option of xentpm's usage has its own entry.
ln -sf "$repo/build/xenmb" "$work/xentpm"
"$work/xentpm" --help >"$work/xusage" 2>&1
grep -oE -- '--[a-z_]+' "$work/xusage" | sort -u >"$work/xoptions"
check "xentpm's usage lists its 11 options" '(($(wc -l <"$work/xoptions") == 11)) || { cat "$work/xusage"; false; }'
# The entries of OPTIONS: the line after each .TP, as text.
sed -n '/^\.SH OPTIONS$/,/^\.SH /{/^\.TP$/{n;p}}' man/xentpm.8 | sed 's/\\-/-/g' >"$work/xentries"
while read -r opt; do
    check "xentpm.8's OPTIONS has an entry for $opt" \
        'grep -qE "^\.(B|BI|BR) $opt( |$)" "$work/xentries"'
done <"$work/xoptions"

finish
