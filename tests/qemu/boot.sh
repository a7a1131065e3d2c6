#!/bin/bash
# Boot the guest kernel with an initramfs from mkinitramfs.sh on a swtpm TPM.
#
#   boot.sh --tpm tpm2|tpm12|crb|none --state DIR --initrd FILE --out DIR
#           [--append "KERNEL ARGS"] [--timeout SECONDS] [--memmap SIZE\$ADDR]...
#           [--loader FILE@ADDR]... [--qemu-arg ARG]... [--launch DIR]
#
# --state keeps the TPM's NV state; boot again with the same DIR to "reboot"
# the machine. An empty DIR is made into a fresh TPM (1.2: with an EK, not
# owned). --memmap reserves guest RAM via the kernel command line, --loader
# puts a raw file there (-device loader,force-raw=on).
#
# --launch DIR (TEST ONLY measured-launch emulator; DIR from txtlaunch.py):
# reserves DIR's region (memmap=), loads DIR/txt.bin there, gives the guest
# the RAM it needs (LAUNCH_MEM), puts tpmrelay.py between QEMU and swtpm's
# control channel, wires the guest's ttyS2 to the relay and adds
# xenmb_launch=1 to the kernel command line so /init runs launch-hook.sh.
# The relay's log goes to OUT/relay.log (errors: relay.err). Needs a TIS
# TPM (tpm2 or tpm12).
#
# --faults on (TEST ONLY): tpmrelay.py --data sits in the TPM's control and
# data channels; the guest asks it on ttyS2 to delay or break responses
# (see tpmrelay.py). Needs a TIS or CRB TPM; not with --launch.
#
# OUT gets console.log (ttyS0), ttyS1.raw, swtpm.log and results/ (the guest's
# /results: scenario.log, scenario.rc, dmesg.txt, ...).
# Exit: 0 results delivered and scenario.rc 0; 1 scenario failed; 2 no
# results (timeout, panic, bad setup).
#
# --host linux|xen (default: $XENMB_HOST, else linux). xen: the same kernel
# and initramfs boot as Xen 4.17's PV dom0 (setup.sh unpacks Debian's
# hypervisor to $XEN_ELF). QEMU's multiboot loader starts Xen; -initrd holds
# the modules, comma-separated, each module's arguments after its path: the
# dom0 kernel with its command line, then the initramfs. Xen gets 2 GiB of
# guest RAM and gives dom0 512 MiB (dom0_mem=). Consoles: Xen owns com1
# (the first -serial, still console.log) and prints dom0's hvc0 console
# there; Xen is told about com1 only, so dom0's 8250 driver still has
# ttyS1 (0x2f8, the results channel) and ttyS2 (0x3e8, the launch relay)
# as on bare Linux. com1's IRQ is 0 (Xen polls it): ttyS2 shares IRQ 4
# with com1, and with Xen holding IRQ 4 dom0's ttyS2 never received a
# byte (checked: the launch hook's read of the relay's plan timed out). -cpu max,-smap: with SMAP, QEMU 7.2's TCG faults the
# PV kernel's first iretq ("d0v0 Unhandled: vec 14, #PF[0001]").
# bootscrub=0: Xen would otherwise clear its free RAM (1.5 GiB) in the
# idle loop after boot, slow under TCG, and the dom0's timer wake-ups wait
# behind it (bench: TPM commands took 7-8 ms instead of 1-2). QEMU's guest
# RAM starts zeroed. XENMB_XEN_APPEND adds to Xen's own command line.
#
# swtpm.log (level ${XENMB_SWTPM_LOG_LEVEL:-4}) has hex dumps of the data
# channel ("SWTPM_IO_Read/Write") and control channel: "Ctrl Cmd: length 5"
# followed by "00 00 00 05 0N" is CMD_SET_LOCALITY N. QEMU sends it only
# when the locality changes. Level >= 6 adds libtpms' own trace (thousands of
# lines per boot for TPM 1.2).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=env.sh source-path=SCRIPTDIR
. "$here/env.sh"

die() { echo "boot.sh: $*" >&2; exit 2; }
usage() { die "usage: $0 --tpm tpm2|tpm12|crb|none --state DIR --initrd FILE --out DIR [--append ARGS] [--timeout S] [--memmap SIZE\$ADDR]... [--loader FILE@ADDR]... [--qemu-arg ARG]..."; }

tpm='' state='' initrd='' out='' append='' timeout=300 launch='' faults=''
host=${XENMB_HOST:-linux}
extra=()
while (($#)); do
    case $1 in
        --tpm) tpm=$2 ;;
        --state) state=$2 ;;
        --initrd) initrd=$2 ;;
        --out) out=$2 ;;
        --append) append+=" $2" ;;
        --timeout) timeout=$2 ;;
        --memmap) append+=" memmap=$2" ;;
        --loader) extra+=(-device "loader,file=${2%@*},addr=${2##*@},force-raw=on") ;;
        --qemu-arg) extra+=("$2") ;;
        --launch) launch=$2 ;;
        --faults) faults=$2 ;;
        --host) host=$2 ;;
        *) usage ;;
    esac
    shift 2 || usage
done
[[ -n $tpm && -n $initrd && -n $out ]] || usage
[[ $tpm == none || -n $state ]] || usage
[[ -s $VMLINUZ ]] || die "no guest kernel $VMLINUZ: run tests/qemu/setup.sh"
[[ -f $initrd ]] || die "no initrd $initrd"
case $host in
    linux) ;;
    xen) [[ -s $XEN_ELF ]] || die "no hypervisor $XEN_ELF: run tests/qemu/setup.sh" ;;
    *) die "--host linux|xen, not $host" ;;
esac
mem=512M

# --launch under Xen. Guest RAM belongs to Xen, which hands it to dom0 or
# keeps it; dom0's memmap= cannot keep the blob safe there. Two cases, by
# LAUNCH_BASE (txtlaunch.py picks them: XEN_HOLE_BASE, XEN_UNUSABLE_BASE):
#  (a) >= 4 GiB: memory no E820 calls RAM, as a TXT heap that firmware
#      reserved is for TrenchBoot's Xen. QEMU adds 128 MiB at 4 GiB as a
#      cold-plugged pc-dimm (-m ...,slots=1,maxmem=): SeaBIOS's E820, and so
#      Xen's machine map, do not list it (a hole); the loader writes the blob
#      into it. Dom0 gets memmap=SIZE$ADDR (its own E820 then says reserved)
#      and acpi_no_memhotplug, so the ACPI memory-device driver does not
#      add the dimm as System RAM. Dom0 maps the range 1:1 and reads it.
#  (b) in [1.5 GiB, 2 GiB): Xen's mem=1536M turns guest RAM above 1.5 GiB
#      E820_UNUSABLE, as tboot_protect_mem_regions() does to tboot's heap;
#      a PV dom0 cannot map it. The TXT public space of a real host is MMIO
#      that dom0 can read: the blob's first 64 KiB (the public space, which
#      points at the heap above 1.5 GiB) is loaded a second time at 4 GiB
#      (the pc-dimm of (a)); the scenario insmods with txt_base=0x100000000.
xen_launch_memory() {
    # shellcheck disable=SC2054  # QEMU's own commas
    local dimm=(-object memory-backend-ram,id=xenmbtxt,size=128M
                -device pc-dimm,id=xenmbdimm,memdev=xenmbtxt,addr=0x100000000)
    mem=2048M,slots=1,maxmem=2176M
    extra+=("${dimm[@]}")
    if ((LAUNCH_BASE >= 0x100000000)); then
        ((LAUNCH_BASE + 0x400000 <= 0x108000000)) || die "--launch base $LAUNCH_BASE beyond the 128 MiB at 4 GiB"
        append+=" memmap=$LAUNCH_MEMMAP acpi_no_memhotplug"
    elif ((LAUNCH_BASE >= 0x60000000 && LAUNCH_BASE + 0x400000 <= 0x80000000)); then
        XENMB_XEN_APPEND="${XENMB_XEN_APPEND:-} mem=1536M"
        append+=" acpi_no_memhotplug"
        mkdir -p "$out"
        head -c 65536 "$launch/$LAUNCH_BLOB" > "$out/public.bin"
        extra+=(-device "loader,file=$out/public.bin,addr=0x100000000,force-raw=on")
    else
        die "--launch under Xen: base $LAUNCH_BASE is neither >= 4 GiB (case a) nor in [1.5, 2) GiB (case b)"
    fi
}

if [[ -n $launch ]]; then
    [[ $tpm == tpm2 || $tpm == tpm12 ]] || die "--launch needs --tpm tpm2 or tpm12"
    [[ -f $launch/launch.env ]] || die "no $launch/launch.env: run txtlaunch.py"
    # shellcheck source=/dev/null
    . "$launch/launch.env"
    mem=$LAUNCH_MEM
    append+=" xenmb_launch=1"
    extra+=(-device "loader,file=$launch/$LAUNCH_BLOB,addr=$LAUNCH_BASE,force-raw=on")
    if [[ $host == linux ]]; then
        append+=" memmap=$LAUNCH_MEMMAP"
    else
        xen_launch_memory
    fi
fi

mkdir -p "$out"
rm -rf "$out/results" "$out"/{console.log,ttyS1.raw,swtpm.log,swtpm.err,swtpm_setup.log,relay.log,relay.err}
run=$(mktemp -d /tmp/xenmb-qemu.XXXXXX)   # short path: unix sockets max 107 bytes
swtpm_pid='' qemu_pid='' relay_pid=''
cleanup() {
    [[ -z $qemu_pid ]] || kill "$qemu_pid" 2>/dev/null || true
    [[ -z $relay_pid ]] || kill "$relay_pid" 2>/dev/null || true
    [[ -z $swtpm_pid ]] || kill "$swtpm_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$run"
}
trap cleanup EXIT

cpu=max,vendor=GenuineIntel
[[ $host == linux ]] || { cpu+=,-smap; [[ -n $launch ]] || mem=2048M; }
qemu=(qemu-system-x86_64 -machine q35 -accel "${XENMB_QEMU_ACCEL:-tcg}" -cpu "$cpu"
      -m "$mem" -smp 1 -nodefaults -display none -monitor none -no-reboot
      -serial "file:$out/console.log" -serial "file:$out/ttyS1.raw")
# Diagnostics: XENMB_QEMU_TRACE=PATTERN (e.g. 'tpm_*') logs QEMU's trace
# events to $out/qemu-trace.log.
[[ -z ${XENMB_QEMU_TRACE:-} ]] || qemu+=(-trace "enable=$XENMB_QEMU_TRACE,file=$out/qemu-trace.log")

case $tpm in
    tpm2) tpm_flags=(--tpm2) own=tpm2-00.permall other=tpm-00.permall dev=tpm-tis ;;
    crb) tpm_flags=(--tpm2) own=tpm2-00.permall other=tpm-00.permall dev=tpm-crb ;;
    tpm12) tpm_flags=() own=tpm-00.permall other=tpm2-00.permall dev=tpm-tis ;;
    none) ;;
    *) usage ;;
esac

if [[ $tpm != none ]]; then
    mkdir -p "$state"
    [[ ! -e $state/$other ]] || die "$state holds the other TPM family's state"
    # TPM 2.0 manufactures itself on first start. TPM 1.2 needs an EK made
    # now; swtpm_setup also enables and activates it, ownership is left to
    # the tests. --config /dev/null: no certificates, so no host config.
    if [[ $tpm == tpm12 && ! -e $state/$own ]]; then
        swtpm_setup --tpm-state "$state" --createek --config /dev/null \
            > "$out/swtpm_setup.log" 2>&1 || die "swtpm_setup failed, see $out/swtpm_setup.log"
    fi
    # No --flags startup-clear: QEMU sends CMD_INIT at every machine reset and
    # SeaBIOS then sends TPM_Startup(Clear) itself.
    swtpm socket "${tpm_flags[@]}" --tpmstate "dir=$state" \
        --ctrl "type=unixio,path=$run/ctrl" \
        --log "file=$out/swtpm.log,level=${XENMB_SWTPM_LOG_LEVEL:-4}" 2>"$out/swtpm.err" &
    swtpm_pid=$!
    for _ in $(seq 50); do [[ -S $run/ctrl ]] && break; sleep 0.1; done
    [[ -S $run/ctrl ]] || die "swtpm did not start: $(cat "$out/swtpm.err")"
    ctrl=$run/ctrl
    if [[ -n $launch || -n $faults ]]; then
        relay_args=(--launch "$launch")
        [[ -n $launch ]] || relay_args=(--data)
        python3 "$here/tpmrelay.py" --swtpm "$run/ctrl" --listen "$run/relay" \
            --guest "$run/launch" "${relay_args[@]}" --log "$out/relay.log" 2>"$out/relay.err" &
        relay_pid=$!
        for _ in $(seq 50); do [[ -S $run/relay && -S $run/launch ]] && break; sleep 0.1; done
        [[ -S $run/relay && -S $run/launch ]] || die "tpmrelay.py did not start: $(cat "$out/relay.err")"
        ctrl=$run/relay
        # ttyS2 (after ttyS0 console and ttyS1 results): the guest's line to the relay.
        qemu+=(-chardev "socket,id=chrlaunch,path=$run/launch" -serial chardev:chrlaunch)
    fi
    qemu+=(-chardev "socket,id=chrtpm,path=$ctrl"
           -tpmdev "emulator,id=tpm0,chardev=chrtpm" -device "$dev,tpmdev=tpm0")
fi

# No "quiet": WARN/oops lines and audit records must reach the console log.
if [[ $host == linux ]]; then
    qemu+=(-kernel "$VMLINUZ" -initrd "$initrd" -append "console=ttyS0 panic=-1${append}")
else
    # QEMU's -initrd list: a comma inside a module's arguments is written ",,".
    dom0="$VMLINUZ console=hvc0 earlyprintk=xen panic=-1${append}"
    qemu+=(-kernel "$XEN_ELF" -initrd "${dom0//,/,,},$initrd"
           -append "dom0_mem=512M,max:512M bootscrub=0 console=com1 com1=115200,8n1,0x3f8,0 ${XENMB_XEN_APPEND:-}")
fi
qemu+=("${extra[@]}")

start=$(date +%s%N)
timeout -k 5 "$timeout" "${qemu[@]}" > "$run/qemu.out" 2>&1 &
qemu_pid=$!
rc=0
wait "$qemu_pid" || rc=$?
qemu_pid=''
secs=$(( ($(date +%s%N) - start) / 1000000 ))
secs=$((secs / 1000)).$(printf %03d $((secs % 1000)))
if [[ -n $swtpm_pid ]]; then
    # swtpm normally quits when QEMU shuts it down; make sure.
    kill "$swtpm_pid" 2>/dev/null || true
    wait "$swtpm_pid" 2>/dev/null || true
    swtpm_pid=''
fi

fail() {
    echo "boot.sh: $tpm: $* after ${secs}s; last console lines:" >&2
    tail -n 30 "$out/console.log" >&2 || true
    exit 2
}
((rc != 124 && rc != 137)) || fail "timeout (${timeout}s)"
((rc == 0)) || fail "qemu exited $rc: $(cat "$run/qemu.out")"
if grep -qE 'Kernel panic|Panic on CPU' "$out/console.log"; then fail "kernel panic"; fi
if ! grep -q '^=====XENMB-RESULTS-END=====' "$out/ttyS1.raw"; then
    fail "guest delivered no results"
fi

mkdir -p "$out/results"
sed -n '/^=====XENMB-RESULTS-BEGIN=====/,/^=====XENMB-RESULTS-END=====/{/^=====/d;p}' \
    "$out/ttyS1.raw" | base64 -d | tar -xzf - -C "$out/results" ||
    fail "results on ttyS1 are corrupt"

src=$(cat "$out/results/scenario.rc")
echo "boot.sh: $tpm ($host): guest done in ${secs}s, scenario rc=$src, results in $out/results"
if grep -qE 'Oops|BUG:|WARNING:|Call Trace' "$out/results/dmesg.txt"; then
    echo "boot.sh: $tpm: kernel reported problems, see $out/results/dmesg.txt" >&2
fi
[[ $src == 0 ]] || exit 1
