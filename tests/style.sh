#!/bin/bash
# Static checks: the module builds with W=1 and sparse (C=1) with not one
# warning, checkpatch --strict is clean on driver/ and uapi/, and the
# user-space C follows the one .clang-format.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
# shellcheck source=qemu/env.sh
. tests/qemu/env.sh

passed=0 failed=0
check() {
    if eval "$2"; then passed=$((passed + 1)); echo "ok - style: $1"
    else failed=$((failed + 1)); echo "not ok - style: $1"; fi
}
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
check "checkpatch --strict: driver/ and uapi/ clean" \
    'perl "$cp_dir/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
        -f driver/*.c driver/*.h uapi/linux/*.h tests/kunit/*.c >"$log" 2>&1 &&
     ! grep -v "^total: 0 errors, 0 warnings, 0 checks" "$log" ||
     { cat "$log"; false; }'

user_c=(helper/*.[ch] tests/unit/*.c tests/qemu/*.c tests/fuzz/*.c bench/*.c)
check "clang-format: user-space C as .clang-format says" \
    'clang-format --dry-run --Werror "${user_c[@]}"'

echo "$passed passed, $failed failed"
((failed == 0))
