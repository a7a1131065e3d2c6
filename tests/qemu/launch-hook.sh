#!/bin/sh
# Busybox ash (the guest's shell) has read -t.
# shellcheck disable=SC3045
# TEST ONLY: the guest half of the measured-launch emulator. Never shipped.
#
# /init runs this before the scenario when the kernel command line has
# xenmb_launch=1 (boot.sh --launch adds it). It makes the TPM agree with the
# DRTM log that txtlaunch.py wrote into reserved guest memory, the way a
# TXT launch would have:
#   1. asks the relay (tpmrelay.py, on ttyS2) for the plan, then for the
#      locality-4 DRTM event (HASH_START/DATA/END: PCR 17-22 reset, PCR 17
#      extended with H(hashed data) in every bank);
#   2. replays the plan's extends through /dev/xenmb at the locality SINIT
#      (3) or tboot (2) would use;
#   3. asset tag, as tboot does at every launch: if the NV index exists and
#      holds a tag, extends it into PCR 22 at locality 2 and appends that
#      event to the log in guest memory (through /dev/mem: the range is
#      reserved, not RAM, which STRICT_DEVMEM allows), moving the log's
#      next-record offset, so that a replay of the log still matches;
#   4. unloads xenmb again, so the scenario starts as it would without a
#      launch (its own insmod works), and marks the kernel log.
# Output: /results/launch.log; exit code in /results/launch.rc.
set -u
TTY=/dev/ttyS2
PLAN=/tmp/launch-plan.sh
MOD=/lib/modules/xenmb/xenmb.ko

# On failure, leave no module behind: the scenario insmods it itself.
fail() { echo "launch: FAILED: $*"; rmmod xenmb 2>/dev/null; exit 1; }

stty -F $TTY 115200 raw -echo || fail "no $TTY"
exec 3<>$TTY

# ask REQUEST: one request line to the relay; its answer line in $ANSWER.
ask() {
    echo "$1" >&3
    read -r -t 20 ANSWER <&3 || fail "no answer from the relay to $1"
}

echo PLAN >&3
: > $PLAN
while read -r -t 20 line <&3; do
    [ "$line" = END ] && break
    echo "$line" >> $PLAN
done
[ "${line:-}" = END ] || fail "plan incomplete (no answer from the relay on $TTY)"

# Reading the tag at locality 2 is SINIT's privilege, which this emulator
# plays: xenmb opens NV above locality 0 only to the indices it is loaded
# with (nv_allow).
tag_index=$(sed -n 's/^TAG_INDEX=//p' $PLAN)
rmmod xenmb 2>/dev/null
insmod $MOD nv_allow="$tag_index" || fail "insmod $MOD nv_allow=$tag_index"
echo "launch: plan of $(grep -c '^extend ' $PLAN) extends"

ask DRTM
[ "$ANSWER" = "OK DRTM" ] || fail "DRTM event: $ANSWER"
echo "launch: DRTM event done (locality 4, by the relay)"

# send LOCALITY HEX: one TPM command; its response hex in $RSP.
send() {
    out=$(xenmb tpm send --locality "$1" "$2" 2>&1)
    rc=$?
    RSP=$(echo "$out" | sed -n 's/^response: //p')
    return $rc
}

# extend LOCALITY PCR NAME COMMAND_HEX (called by the plan)
extend() {
    send "$1" "$4" || fail "PCR $2 $3 at locality $1: $out"
    echo "launch: PCR $2 $3 at locality $1"
}
# shellcheck source=/dev/null
. $PLAN

# The asset tag. TPM 2.0: NV_ReadPublic says whether the index exists.
tag=''
if [ -n "$TAG_READ_PUBLIC" ] && ! send "$TAG_LOCALITY" "$TAG_READ_PUBLIC"; then
    echo "launch: no asset tag index $TAG_INDEX"
elif ! send "$TAG_LOCALITY" "$TAG_READ"; then
    echo "launch: asset tag index $TAG_INDEX not readable: $(echo "$out" | tail -n 1)"
else
    tag=$(echo "$RSP" | cut -c$((TAG_RSP_OFFSET + 1))-$((TAG_RSP_OFFSET + TAG_HEX_LEN)))
    [ ${#tag} = "$TAG_HEX_LEN" ] || fail "short asset tag response: $RSP"
fi
# fit HEX SIZE: the tag cut or zero-padded to SIZE bytes (txtlaunch.fit_tag).
fit() {
    f=$1
    while [ ${#f} -lt $(($2 * 2)) ]; do f=${f}00; done
    echo "$f" | cut -c1-$(($2 * 2))
}
# The crypto-agile log wants a digest of every bank in each record: the
# tag, fitted, goes into every bank (TAG_BANKS); other logs get it as is.
ext=$TAG_EXTEND_PREFIX$tag rec=$TAG_RECORD_PREFIX$tag
if [ -n "$tag" ] && [ -n "${TAG_BANKS:-}" ]; then
    ext=$TAG_EXTEND_PREFIX rec=$TAG_RECORD_PREFIX
    for b in $TAG_BANKS; do
        d=$(fit "$tag" "${b##*:}")
        ext=$ext${b%%:*}$d
        rest=${b#*:}
        rec=$rec${rest%%:*}$d
    done
fi
if [ -n "$tag" ]; then
    send "$TAG_LOCALITY" "$ext" || fail "PCR 22 asset tag extend: $out"
    # mmap() of /dev/mem (xenmb-probe memwrite) where the image has it:
    # write() to /dev/mem stops at high_memory, below a Xen dom0's blob.
    if command -v xenmb-probe > /dev/null; then
        printf '%s%s' "$rec" "$TAG_RECORD_SUFFIX" | xxd -r -p |
            xenmb-probe memwrite "$TAG_RECORD_ADDR" ||
            fail "cannot write the asset tag record to /dev/mem"
    else
        printf '%s%s' "$rec" "$TAG_RECORD_SUFFIX" | xxd -r -p |
            dd of=/dev/mem bs=1 seek="$TAG_RECORD_ADDR" conv=notrunc 2>/dev/null ||
            fail "cannot write the asset tag record to /dev/mem"
    fi
    devmem "$TAG_NEXT_FIELD" 32 "$TAG_NEXT_AFTER" || fail "cannot move the log's next offset"
    echo "launch: asset tag $tag extended into PCR 22 and logged"
fi

rmmod xenmb || fail "rmmod xenmb"
echo "xenmb-launch: done" > /dev/kmsg
echo "launch: done"
