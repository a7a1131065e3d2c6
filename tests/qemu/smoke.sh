#!/bin/bash
# Smoke test of the QEMU harness: for each TPM flavour boot a guest that
# records what it sees, then assert on the host. Last line: "N passed, N failed".
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
"$here/setup.sh" >/dev/null
# shellcheck source=env.sh source-path=SCRIPTDIR
. "$here/env.sh"
work=${XENMB_BUILD:-$XENMB_REPO/build}/qemu-smoke
rm -rf "$work"
mkdir -p "$work"

cat > "$work/scenario.sh" <<'SCEN'
#!/bin/sh
# Facts go to one file each so the host compares exact values.
R=$1
cat /sys/class/tpm/tpm0/tpm_version_major > "$R/version_major"
ls -l /dev/tpm* > "$R/dev_tpm"
basename "$(readlink /sys/class/tpm/tpm0/device/driver)" > "$R/driver"
log=/sys/kernel/security/tpm0/binary_bios_measurements
if [ -e $log ]; then cp $log "$R/bios_log"; wc -c < $log > "$R/bios_log_size"; fi
uname -r > "$R/uname"
cat /proc/sys/kernel/printk_ratelimit > "$R/printk_ratelimit"
as-nobody id > "$R/id_nobody"
# /dev/tpm0 is 0600 root: must fail for nobody if privileges really dropped.
as-nobody cat /dev/tpm0 > /dev/null 2> "$R/nobody_tpm0"; echo $? >> "$R/nobody_tpm0"
cat /sys/class/tpm/tpm0/device/pubek > "$R/pubek" 2>/dev/null || true
grep -i tpm /proc/interrupts > "$R/tpm_irq" || true
if [ "$(cat "$R/version_major")" = 2 ]; then
    TPM2TOOLS_TCTI=device:/dev/tpmrm0 tpm2_pcrread sha256:0 > "$R/pcr0"
fi
SCEN

pass=0 failed=0
check() {   # check MODE DESCRIPTION COMMAND...
    local mode=$1 what=$2; shift 2
    if "$@"; then
        pass=$((pass + 1)); echo "PASS $mode: $what"
    else
        failed=$((failed + 1)); echo "FAIL $mode: $what"
    fi
}
is() { [[ $(cat "$1" 2>/dev/null) == "$2" ]]; }
has() { grep -qE "$2" "$1"; }
nonzero() { [[ $(cat "$1" 2>/dev/null || echo 0) -gt 0 ]]; }
nobody_denied() { has "$1" 'Permission denied' && [[ $(tail -n 1 "$1") != 0 ]]; }
# PCR 0 replayed from the firmware log by tpm2_eventlog must match the TPM.
pcr0_matches_log() {
    local want got
    want=$(tpm2_eventlog "$1/bios_log" | sed -n '/^pcrs:/,$p' |
           sed -n '/sha256:/,/^ *[a-z]/s/^ *0 *: *0x\([0-9A-Fa-f]*\).*/\1/p' | head -n 1)
    got=$(sed -n 's/^ *0 *: *0x\([0-9A-Fa-f]*\).*/\1/p' "$1/pcr0")
    [[ -n $want && ${want^^} == "${got^^}" ]]
}

"$here/mkinitramfs.sh" --out "$work/initrd.gz" --scenario "$work/scenario.sh" \
    --bin "$(command -v tpm2_pcrread)" \
    --lib /usr/lib/x86_64-linux-gnu/libtss2-tcti-device.so.0

for mode in tpm2 tpm12 crb; do
    out=$work/$mode r=$work/$mode/results
    check "$mode" "boot delivers results, scenario rc 0" \
        "$here/boot.sh" --tpm "$mode" --state "$work/$mode.state" \
        --initrd "$work/initrd.gz" --out "$out" --timeout 120
    [[ $mode == tpm12 ]] && major=1 || major=2
    check "$mode" "tpm_version_major is $major" is "$r/version_major" "$major"
    check "$mode" "/dev/tpm0 exists" has "$r/dev_tpm" ' /dev/tpm0$'
    check "$mode" "firmware event log is non-empty" nonzero "$r/bios_log_size"
    check "$mode" "guest runs kernel $KVER" is "$r/uname" "$KVER"
    check "$mode" "/init turned printk ratelimit off" is "$r/printk_ratelimit" 0
    check "$mode" "as-nobody runs as uid/gid 65534" has "$r/id_nobody" '^uid=65534\(nobody\) gid=65534'
    check "$mode" "nobody cannot open /dev/tpm0" nobody_denied "$r/nobody_tpm0"
    case $mode in
        tpm2)
            check "$mode" "driver is tpm_tis" is "$r/driver" tpm_tis
            check "$mode" "dmesg: tpm_tis found a 2.0 TPM" has "$r/dmesg.txt" 'tpm_tis MSFT0101:00: 2\.0 TPM \(device-id'
            check "$mode" "PCR 0 matches the replayed event log" pcr0_matches_log "$r" ;;
        crb)
            check "$mode" "driver is tpm_crb" is "$r/driver" tpm_crb
            # 6.1's tpm_crb prints nothing when it binds (on an Intel CPU).
            check "$mode" "dmesg: ACPI TPM2 table" has "$r/dmesg.txt" 'ACPI: TPM2 '
            check "$mode" "dmesg: no tpm_tis device" bash -c "! grep -q 'tpm_tis .*TPM' '$r/dmesg.txt'"
            check "$mode" "PCR 0 matches the replayed event log" pcr0_matches_log "$r" ;;
        tpm12)
            check "$mode" "driver is tpm_tis" is "$r/driver" tpm_tis
            check "$mode" "dmesg: tpm_tis found a 1.2 TPM" has "$r/dmesg.txt" 'tpm_tis [^ ]+: 1\.2 TPM \(device-id'
            check "$mode" "EK exists (pubek readable)" has "$r/pubek" '^Modulus length: 256'
            # Second boot on the same state: same EK proves the state is kept.
            cp "$r/pubek" "$work/pubek.first"
            check "$mode" "reboot on the same state" \
                "$here/boot.sh" --tpm "$mode" --state "$work/$mode.state" \
                --initrd "$work/initrd.gz" --out "$out" --timeout 120
            check "$mode" "EK unchanged after reboot" cmp "$work/pubek.first" "$r/pubek" ;;
    esac
done

echo "$pass passed, $failed failed"
((failed == 0))
