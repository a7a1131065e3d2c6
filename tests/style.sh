#!/bin/bash
# Static checks: the module builds with W=1 and sparse (C=1) with not one
# warning, checkpatch --strict is clean on driver/ and uapi/, the
# user-space C follows the one .clang-format, every user-space build uses
# -Wall -Wextra -Werror, and clang-tidy (.clang-tidy) and cppcheck report
# nothing on the helper, the unit tests and the fuzzers.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
# shellcheck source=qemu/env.sh
. tests/qemu/env.sh

# shellcheck source=tap.sh
. "$repo/tests/tap.sh" style
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# A full rebuild, so every file is compiled and checked again.
make -s module-clean
check "W=1 C=1 module build succeeds" \
    'make -C "$KHEADERS" M="$repo" W=1 C=1 modules >"$log" 2>&1 || { cat "$log"; false; }'
check "W=1 and sparse report nothing" \
    '! grep -E "warning:|error:|sparse:" "$log" || { grep -E "warning:|error:|sparse:" "$log"; false; }'

# checkpatch comes with the kernel source; unpack just it, once.
cp_dir=$XENMB_CACHE/checkpatch
if [[ ! -x $cp_dir/scripts/checkpatch.pl ]]; then
    mkdir -p "$cp_dir"
    tar -xf /usr/src/linux-source-6.1.tar.xz -C "$cp_dir" --strip-components=1 \
        linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
        linux-source-6.1/scripts/const_structs.checkpatch
fi
mapfile -t cp_files < <(ls driver/*.c driver/*.h uapi/linux/*.h tests/kunit/*.c |
    grep -v '^driver/kcompat\.h$')
check "checkpatch --strict: driver/ and uapi/ clean" \
    'perl "$cp_dir/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
        -f "${cp_files[@]}" >"$log" 2>&1 &&
     ! grep -v "^total: 0 errors, 0 warnings, 0 checks" "$log" ||
     { cat "$log"; false; }'
# driver/kcompat.h is where an out-of-tree module must compare
# LINUX_VERSION_CODE, which checkpatch flags on every line that does
# (LINUX_VERSION_CODE, and CONSTANT_COMPARISON for the all-caps operands):
# those two are ignored there, and only there.
check "checkpatch --strict: driver/kcompat.h clean but for its version checks" \
    'perl "$cp_dir/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
        --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f driver/kcompat.h >"$log" 2>&1 &&
     ! grep -v "^total: 0 errors, 0 warnings, 0 checks" "$log" ||
     { cat "$log"; false; }'

user_c=(helper/*.[ch] tests/unit/*.c tests/qemu/*.c tests/fuzz/*.c bench/*.c)
check "clang-format: user-space C as .clang-format says" \
    'clang-format --dry-run --Werror "${user_c[@]}"'

# The real compiler calls of the helper, the TCTI, the unit tests and the
# fuzzers, recorded by bear into a compilation database: clang-tidy sees
# exactly the include paths and defines of the builds.
work=$(mktemp -d)
trap 'rm -f "$log"; rm -rf "$work"' EXIT
db=$work/compile_commands.json
check "user-space builds recorded (bear $(bear --version 2>/dev/null | awk '{print $2}'))" \
    'bear --output "$db" -- sh -c "make -s -B BUILD=$work/build helper tcti &&
        make -s -B -C tests/unit BUILD_DIR=$work/unit all &&
        XENMB_FUZZ_OUT=$work/fuzz tests/fuzz/run.sh --build" >"$log" 2>&1 ||
     { cat "$log"; false; }'
# The check, then the database clang-tidy reads: bear also records
# clang's internal -cc1 calls, and link flags mean nothing to it; one entry
# per file (clang-tidy mixes up relative includes across directories).
check "every user-space compile uses -Wall -Wextra -Werror" \
    'python3 - "$db" "$work/tidy/compile_commands.json" <<"PY"
import json, os, sys
entries = [e for e in json.load(open(sys.argv[1])) if "-cc1" not in e["arguments"]]
bad = [e["file"] for e in entries
       if not {"-Wall", "-Wextra", "-Werror"} <= set(e["arguments"])]
print(f"{len(entries)} compiles, {len(bad)} without all three: {bad}")
keep, seen = [], set()
for e in entries:
    f = os.path.normpath(os.path.join(e["directory"], e["file"]))
    if f not in seen:
        seen.add(f)
        e["arguments"] = [a for a in e["arguments"] if not a.startswith("-Wl,")]
        keep.append(e)
os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True)
json.dump(keep, open(sys.argv[2], "w"))
sys.exit(1 if bad or len(entries) < 10 else 0)
PY'

# Issue 14's layering on the objects just built (tests/layering): no
# cycle of calls between the helper's files, and the front ends call
# nothing past the attest layer. The checker must also catch a planted
# cycle and a planted front end that calls ESAPI.
check "the helper's files call each other in no cycle; front ends reach the TPM only through attest.c" \
    'python3 tests/layering/check_calls.py "$work/build/obj/xenmb" >"$log" 2>&1 ||
     { cat "$log"; false; }'
check "the layering check catches a planted cycle and a front end calling ESAPI" \
    'planted=$work/planted && cp -r "$work/build/obj/xenmb" "$planted" &&
     printf "int b(void);\nint a(void) { return b(); }\n" | gcc -x c -c -o "$planted/a_calls_b.o" - &&
     printf "int a(void);\nint b(void) { return a(); }\n" | gcc -x c -c -o "$planted/b_calls_a.o" - &&
     printf "int Esys_Quote(void);\nint cmd_planted(void) { return Esys_Quote(); }\n" |
        gcc -x c -c -o "$planted/cmd_planted.o" - &&
     ! python3 tests/layering/check_calls.py "$planted" >"$log" 2>&1 &&
     grep -q "reach each other: a_calls_b.o b_calls_a.o" "$log" &&
     grep -q "cmd_planted.o -> Esys_Quote" "$log" || { cat "$log"; false; }'

# tests/unit/test_txt.c is left out of both tools: clang-tidy's analyzer
# and cppcheck each need over ten minutes on its generated heaps (path
# explosion); it runs under ASan + UBSan and as KUnit instead.
# Headers: ours, not the uapi or driver ones included through "../".
tidy=clang-tidy-14
mapfile -t tidy_files < <(ls "$repo"/helper/*.c "$repo"/tests/unit/*.c "$repo"/tests/fuzz/*.c |
    grep -v '/test_txt\.c$')
check "clang-tidy ($($tidy --version 2>/dev/null | sed -n "s/.*LLVM version //p")): ${#tidy_files[@]} files, no finding" \
    '$tidy --version >/dev/null &&
     printf "%s\n" "${tidy_files[@]}" |
        xargs -n 1 -P "$(nproc)" $tidy -p "$work/tidy" --quiet \
            --header-filter="^$repo/(helper|tests(/unit)?(/\.\.)?)/[a-z_0-9]+\.h\$" \
            >"$log" 2>&1 &&
     ! grep -E "(warning|error):" "$log" || { cat "$log"; false; }'

# cppcheck needs no compiler calls (it skips system headers); one
# configuration, the user-space one (-D limits it to that). Left out:
# variableScope (kernel style declares at the top of a block),
# readdirCalled (glibc deprecates readdir_r(); readdir() is safe per
# directory stream).
mapfile -t cppcheck_files < <(printf "%s\n" "${tidy_files[@]}" | sed "s|^$repo/||")
check "cppcheck ($(cppcheck --version 2>/dev/null)): ${#cppcheck_files[@]} files, no finding" \
    'cppcheck --version >/dev/null &&
     cppcheck --enable=warning,style,performance,portability --std=c11 \
        --library=posix,gnu --inline-suppr --quiet --error-exitcode=1 \
        -I. -DXENMB_TCTI_DEFAULT="\"xenmb\"" -U__KERNEL__ \
        --suppress=variableScope --suppress=readdirCalled \
        "${cppcheck_files[@]}" >"$log" 2>&1 || { cat "$log"; false; }'

echo "$passed passed, $failed failed"
((failed == 0))
