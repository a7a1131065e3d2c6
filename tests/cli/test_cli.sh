#!/bin/bash
# The checks are eval'ed by tap.sh, which also calls the functions below.
# shellcheck disable=SC2016,SC2317
# The command line an admin's hands meet, on the host (no TPM needed):
# 'xenmb --version', 'xenmb CMD --help' for every command 'xenmb --help'
# lists, and bash completion (completion/xenmb) of the commands, their
# sub-words, their options and option values. The completion reads the
# helper's own --help; what judges its options is the helper's getopt:
# every option offered is one the command accepts, and every option any
# command takes that this command accepts is offered.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo" || exit 1

# shellcheck source=../tap.sh
. "$repo/tests/tap.sh" cli

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
check "make helper builds build/xenmb" 'make -s helper >"$work/log" 2>&1 || { cat "$work/log"; false; }'
xenmb=$repo/build/xenmb

# --version: the Makefile's VERSION, which the RPMs are built with too.
version=$(sed -n 's/^VERSION := //p' Makefile)
check "'xenmb --version' prints 'xenmb $version' and exits 0" \
    '[[ $("$xenmb" --version) == "xenmb $version" ]]'
check "the xenmb RPM's default Version is the Makefile's $version" \
    'grep -qE "^Version: .*:$version\}$" packaging/rpm/xenmb.spec'

# The commands of 'xenmb --help', as test_man.sh reads them: each usage
# line's lowercase words after "xenmb" ("tpm send", "asset-tag set").
"$xenmb" --help >"$work/help"
sed -nE 's/^(usage:)? +xenmb ([a-z][a-z-]*( [a-z][a-z-]*)*)( .*)?$/\2/p' "$work/help" |
    sort -u >"$work/commands"
check "'xenmb --help' lists at least 12 commands" '(($(wc -l <"$work/commands") >= 12))'

# help_ok CMD...: 'xenmb CMD --help' and 'xenmb CMD -h' exit 0, print
# nothing on stderr, agree, start with "usage: xenmb CMD" (its first
# word: known-good's help holds both its forms) and hold every
# synopsis line 'xenmb --help' gives for the command.
help_ok() {
    local out err rc
    out=$("$xenmb" "$@" --help 2>"$work/err") rc=$?
    err=$(<"$work/err")
    if ((rc != 0)) || [[ -n $err ]]; then
        echo "rc $rc, stderr: $err"
        return 1
    fi
    [[ $out == "usage: xenmb ${1}"* ]] || { echo "$out" | head -n 3; return 1; }
    [[ $("$xenmb" "$@" -h 2>&1) == "$out" ]] || { echo "-h differs"; return 1; }
    grep -E "^(usage:)? +xenmb $*( |$)" "$work/help" | sed -E 's/^(usage:)? +//' >"$work/want"
    while read -r line; do
        grep -qF -- "$line" <<<"$out" || { echo "missing: $line"; return 1; }
    done <"$work/want"
}
while read -r cmd; do
    # shellcheck disable=SC2086 # "tpm send" is two words
    check "'xenmb $cmd --help' and -h: its usage, exit 0" 'help_ok $cmd'
done <"$work/commands"
check "'--help' after other arguments is still help, not a usage error" \
    '"$xenmb" quote --nonce AAAA --help | head -n 1 | grep -q "^usage: xenmb quote"'
check "an argument after '--' is not taken for --help" \
    '! "$xenmb" info -- --help >/dev/null 2>&1'

# shellcheck source=../../completion/xenmb
. "$repo/completion/xenmb"
# complete_words WORD...: COMPREPLY for the command line "xenmb WORD..."
# with the cursor in the last word, one per line, sorted.
complete_words() {
    COMP_WORDS=("$xenmb" "$@")
    COMP_CWORD=$#
    COMPREPLY=()
    _xenmb
    printf '%s\n' "${COMPREPLY[@]}" | sort
}
check "completion/xenmb registers _xenmb for xenmb" \
    '[[ $(complete -p xenmb) == "complete -F _xenmb xenmb" ]]'

cut -d' ' -f1 "$work/commands" | sort -u >"$work/first"
printf '%s\n' --help --version | cat - "$work/first" | sort >"$work/want"
check "'xenmb <TAB>' offers every command of --help, --help and --version" \
    'complete_words "" | diff - "$work/want"'
check "'xenmb q<TAB>' completes to quote alone" '[[ $(complete_words q) == quote ]]'
check "'xenmb owner <TAB>' offers status, take, clear" \
    '[[ $(complete_words owner "" | tr "\n" " ") == "clear status take " ]]'
check "'xenmb asset-tag <TAB>' offers set, clear, show" \
    '[[ $(complete_words asset-tag "" | tr "\n" " ") == "clear set show " ]]'
check "'xenmb known-good <TAB>' offers record, diff" \
    '[[ $(complete_words known-good "" | tr "\n" " ") == "diff record " ]]'
check "'xenmb tpm <TAB>' offers send" '[[ $(complete_words tpm "") == send ]]'
mkdir "$work/dir.d" && : >"$work/file.f"
check "'xenmb quote --out <TAB>' offers directories, not files" \
    '[[ $(complete_words quote --out "$work/") == "$work/dir.d" ]]'
check "'xenmb eventlog --file <TAB>' offers files" \
    'complete_words eventlog --file "$work/" | grep -qx "$work/file.f"'
check "'xenmb quote --nonce <TAB>' offers nothing (a base64 value)" \
    '[[ -z $(complete_words quote --nonce "") ]]'

# Every long option some command's synopsis names: the candidates each
# command's getopt is asked about.
grep -oE -- '--[a-z][a-z0-9-]*' "$work/help" | sort -u | grep -vx -- '--help' >"$work/all"
# accepts CMD... OPT: the command takes OPT, given a value: neither its
# getopt refuses it ("unrecognized option") nor the command after it
# (verify shares known-good's getopt table and says it "takes no ...
# --live"); a later failure (no device, a bad value) means it was
# taken. Run with no TPM, in $work: nothing is changed.
accepts() {
    local opt=${*: -1} err
    err=$(cd "$work" && "$xenmb" "${@:1:$#-1}" "$opt" value </dev/null 2>&1 >/dev/null)
    [[ $err != *"unrecognized option '$opt'"* && ! $err =~ takes\ no.*$opt ]]
}
# completion_matches_getopt CMD [SUBWORD]: 'xenmb CMD [SUBWORD] --<TAB>'
# offers exactly the options of $work/all the command accepts, + --help.
completion_matches_getopt() {
    local opt offered
    offered=$(complete_words "$@" -- | grep -vx -- --help)
    [[ -n $offered ]] || { echo "nothing offered"; return 1; }
    while read -r opt; do
        accepts "$@" "$opt" || { echo "offered but refused: $opt"; return 1; }
    done <<<"$offered"
    while read -r opt; do
        # getopt_long takes a prefix of one option for it ("--drtm" for
        # "--drtm-log"): such a prefix is no option of its own.
        grep -q -- "^$opt" <<<"$offered" && continue
        if accepts "$@" "$opt"; then
            echo "accepted but not offered: $opt"
            return 1
        fi
    done <"$work/all"
}
while read -r cmd; do
    # shellcheck disable=SC2086 # "tpm send", "owner status": two words
    check "'xenmb $cmd --<TAB>' offers exactly the options its getopt accepts" \
        'completion_matches_getopt $cmd'
done < <(sed -e 's/^owner$/owner status/' -e 's/^asset-tag$/asset-tag show/' \
    -e 's/^known-good$/known-good record/' "$work/commands" | grep -vx "known-good diff" | sort -u)

finish
