#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Localities 1-3 on TIS (issue 12, item 1): TPM 2.0 on TIS, three boots.

Boot "irq": tpm_tis forced onto a platform device with an autoprobed IRQ
(tpm_tis.force=1 on the kernel command line - tpm_tis is built in - then
the ACPI device unbound and the forced one bound; QEMU's ACPI TPM device
lists no IRQ). QEMU delivers the TIS interrupt (IRQ 5), but Debian 6.1's
tpm_tis_core.c never sets TPM_CHIP_FLAG_IRQ, so its probe always ends in
"TPM interrupt not working, polling instead": real IRQ mode is unreachable
on 6.1. 6.12's tpm_tis takes interrupts only when asked
(tpm_tis.interrupts=1, also on the command line; 6.1 ignores it, its
default is on), and then runs in real IRQ mode: no fallback line, and
/proc/interrupts counts IRQ 5 on the chip's "tpmN" line as the commands go
(the kernel prints no line that says so; the counting line is the proof).
The test asserts which of the two happened, and requires real IRQ mode on
6.12 (tests/kernels runs this boot there). In the fallback, the register
state xenmb checks (INT_ENABLE(0) bit 31, global enable, no source bit) is
set by the test-only tisirq.ko under the chip's ops. Either way: INFO lists
locality 0 only, localities 1-3 get EOPNOTSUPP (exit 4), locality 0,
/dev/tpmN, /dev/tpmrmN and /dev/hwrng work. In the fallback, with the bit
cleared again, localities 1-3 work again; in real IRQ mode it stays set
and they stay refused.

Boots "mix" and "signals" (polling tpm_tis; tpmrelay.py in the data
channel, boot.sh --faults; each ends with the checks of "afterwards"):
 - mix: 1000 commands at localities 0-3 (GetRandom, PCR_Read, PCR_Extend of 23
   and 22) with faults injected on PCR_Extend responses (late past the
   kernel's 750 ms, withheld, cut on the wire, cut short, bad tag, error
   with a body), while /dev/tpm0 and /dev/tpmrm0 users run alongside
   (paused around the faults that leave a response pending, so every
   xenmb outcome is exact); each outcome and audit record against the plan;
 - signals: a signal during a locality-2 command held by the relay: SIGKILL and
   SIGINT (fatal: the wait is cut short, EINTR in the audit record) and
   SIGUSR1 caught by a handler (not fatal: the command completes);
 - signals, first: locality granted late / not granted: a /dev/tpm0
   command timed out by the kernel while the TPM still executes it at
   locality 0, then xenmb asks for locality 2. tpm_tis released 0 while
   the command ran, and QEMU's TIS then grants 0 again at once; xenmb asks
   for 2 before it releases 0, so the TPM grants 2 only once the old
   command has ended. Answer 3 s late: granted after the old answer (the
   wait is tpm_tis's, for locality 0, in tpm_try_get_ops) or not granted
   within TIMEOUT_A (EBUSY); 1.2 s late: granted late. Either way the
   answer is ours (GetRandom's 20 bytes, not the old GetCapability's);
 - signals, last: locality 3 held by another agent (tisirq.ko hold=3): the
   driver's own locality-0 request fails, EBUSY (not ENODEV) at localities
   0 and 2; released, everything works;
 - afterwards /dev/tpm0, /dev/tpmrm0, /dev/hwrng, locality 0 and the PCR 22
   locality rule (2 yes; 0, 1, 3 TPM_RC_LOCALITY).

  test_localities.py [irq] [mix] [signals] [mix0]

"mix0" is a diagnostic variant of "mix" that puts the faults which leave an
answer pending (delay, mute, stall) on locality-0 commands only.
"""
import errno
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import time

import harness
from test_faults import PROLOGUE
from test_foundation import tpm2_extend, tpm2_get_random, tpm2_pcr_read

CC_EXTEND, CC_GET_CAP = 0x182, 0x17A
RC_LOCALITY = 0x907
N_MIX = 1000
POLL_LINE = "TPM interrupt not working, polling instead"
D22, D23 = bytes(range(32)), bytes(range(32, 64))
RAND, READ23 = tpm2_get_random(8), tpm2_pcr_read(23)
EXT22, EXT23 = tpm2_extend(22, D22), tpm2_extend(23, D23)
# GetCapability(TPM_CAP_TPM_PROPERTIES, TPM_PT_MANUFACTURER, 1): TPM_MEDIUM.
GET_CAP = struct.pack(">HIIIII", 0x8001, 22, CC_GET_CAP, 6, 0x105, 1)


def send(cmd, loc):
    return f"xenmb tpm send --locality {loc} --json {cmd.hex()}"


# --- Boot "irq" ---------------------------------------------------------

def tisirq_module():
    """Builds tests/qemu/tisirq (test only) against the guest's headers."""
    src = os.path.join(harness.HERE, "tisirq")
    out = os.path.join(harness.BUILD, "test", "tisirq")
    # Under the harness's build lock: side-by-side runs share the tree.
    with harness.build_lock():
        shutil.copytree(src, out, dirs_exist_ok=True)
        harness.run(["make", "-s", "-C", harness.load_env()["KHEADERS"], f"M={out}", "modules"],
                    stdout=subprocess.DEVNULL)
    return os.path.join(out, "tisirq.ko")


IRQ_PROLOGUE = r"""
tpmn() { ls /sys/class/tpm | grep -E '^tpm[0-9]+$' | tail -n 1; }
irq5() { awk '$1 == "5:" { print $2 }' /proc/interrupts; }
"""


def irq_steps():
    rm = "tpm2_getrandom -T device:/dev/$(tpmn | sed s/tpm/tpmrm/) 8 | wc -c"
    return [
        # The forced device failed with EBUSY (the ACPI one holds the
        # region); trade the ACPI device for it.
        harness.Step("rebind", "cd /sys/bus/platform/drivers/tpm_tis && "
                     "echo MSFT0101:00 > unbind && echo tpm_tis > bind && ls; tpmn"),
        harness.Step("irq_before", "irq5; grep -c tpm /proc/interrupts; true"),
        harness.Step("tpm_users", "for i in 1 2 3 4 5; do tpm2_getrandom -T device:/dev/$(tpmn) 8 "
                     "> /dev/null || exit 1; done"),
        harness.Step("irq_after", "irq5; grep tpm /proc/interrupts; true"),
        harness.Step("insmod", "insmod /lib/modules/xenmb/xenmb.ko"),
        harness.Step("info_poll", "xenmb info --json"),
        harness.Step("tisirq_on", "insmod /lib/modules/xenmb/tisirq.ko on=1 && dmesg | grep tisirq:"),
        harness.Step("info_irq", "xenmb info --json"),
        harness.Step("l1_rand", send(RAND, 1)),
        harness.Step("l2_rand", send(RAND, 2)),
        harness.Step("l2_ext22", send(EXT22, 2)),
        harness.Step("l3_read", send(READ23, 3)),
        harness.Step("l0_rand", send(RAND, 0)),
        harness.Step("l0_ext23", send(EXT23, 0)),
        harness.Step("tpm0", "tpm2_getrandom -T device:/dev/$(tpmn) 8 | wc -c"),
        harness.Step("tpmrm0", rm),
        harness.Step("hwrng", "cat /sys/class/misc/hw_random/rng_current; "
                     "dd if=/dev/hwrng bs=16 count=1 2>/dev/null | wc -c"),
        # Cleared again only where tisirq.ko set it (the fallback): in real
        # IRQ mode tpm_tis's own interrupts would stop, and its next
        # command wait out its timeout (TPM2_Shutdown at power-off: 120 s).
        harness.Step("tisirq_off", f"if dmesg | grep -q '{POLL_LINE}'; then "
                     "rmmod tisirq && insmod /lib/modules/xenmb/tisirq.ko on=0 && "
                     "dmesg | grep tisirq: | tail -n 1; else rmmod tisirq; fi"),
        harness.Step("info_off", "xenmb info --json"),
        harness.Step("l2_ext22_off", send(EXT22, 2)),
        harness.Step("tpm0_end", "tpm2_getrandom -T device:/dev/$(tpmn) 8 | wc -c"),
        harness.Step("rmmod", "rmmod xenmb"),
    ]


def records_of(g):
    return [r for r in harness.audit_records(g.dmesg()) if r.get("op") == "xenmb_tpm_cmd"]


def check_irq(c, g):
    eop = os.strerror(errno.EOPNOTSUPP)
    c.equal(g.rc("rebind"), 0, "irq: the ACPI tpm_tis device unbound, the forced one bound")
    dmesg = g.dmesg()
    forced = re.search(r"tpm_tis tpm_tis: 2\.0 TPM", dmesg)
    c.check(forced, "irq: tpm_tis probed the forced platform device (IRQ autoprobe)",
            "\n".join(x for x in dmesg.splitlines() if "tpm" in x.lower())[-800:])
    fell_back = POLL_LINE in dmesg
    before = (g.out("irq_before").split() or ["0"])[0]
    after = (g.out("irq_after").split() or ["0"])[0]
    print(f"# IRQ 5 count: {before} after the probe, {after} after 5 commands; "
          f"tpm line in /proc/interrupts: {g.out('irq_after').strip()!r}")
    c.equal(g.rc("tpm_users"), 0, "irq: 5 GetRandom on /dev/tpmN after the rebind")
    if harness.GUEST == "6.12":
        c.check(not fell_back, "irq: 6.12's tpm_tis runs in real IRQ mode (tpm_tis.interrupts=1): "
                f"no '{POLL_LINE}'")
    if not fell_back:
        # Real IRQ mode (a kernel whose tpm_tis sets TPM_CHIP_FLAG_IRQ).
        m = re.findall(r"^\s*\d+:\s+(\d+).*tpm\d", g.out("irq_after"), re.M)
        c.check(m and int(m[0]) > 0, "irq: real IRQ mode: /proc/interrupts has a tpm line that counts")
    else:
        c.check(before.isdigit() and int(before) > 0,
                f"irq: QEMU delivered the TIS interrupt (IRQ 5 counted {before}) and yet 6.1's "
                f"tpm_tis says '{POLL_LINE}' (it never sets TPM_CHIP_FLAG_IRQ): real IRQ mode "
                "is unreachable here, the register state is set by tisirq.ko")
        c.equal(after, before, "irq: ... and tpm_tis then polls: IRQ 5 no longer counts")
    c.equal(g.rc("insmod"), 0, "irq: the module loads")
    c.equal((g.json("info_poll") or {}).get("localities"), [0] if not fell_back else [0, 1, 2, 3],
            "irq: INFO before the INT_ENABLE change")
    c.check(g.rc("tisirq_on") == 0 and "-> 0x8" in g.out("tisirq_on"),
            "irq: INT_ENABLE(0) global enable set (tisirq.ko)", g.out("tisirq_on") + g.err("tisirq_on"))
    c.equal((g.json("info_irq") or {}).get("localities"), [0], "irq: INFO lists locality 0 only")
    for step in ("l1_rand", "l2_rand", "l2_ext22", "l3_read"):
        c.check(g.rc(step) == 4 and "refused" in g.err(step) and eop in g.err(step),
                f"irq: {step}: exit 4, refused with EOPNOTSUPP", f"rc {g.rc(step)}: {g.err(step)}")
    for step in ("l0_rand", "l0_ext23"):
        c.check(g.rc(step) == 0 and (g.json(step) or {}).get("tpm_rc") == 0,
                f"irq: {step}: locality 0 works", g.out(step) + g.err(step))
    c.check(g.rc("tpm0") == 0 and g.out("tpm0").strip() == "8", "irq: /dev/tpmN GetRandom works",
            g.err("tpm0"))
    c.check(g.rc("tpmrm0") == 0 and g.out("tpmrm0").strip() == "8",
            "irq: /dev/tpmrmN (tpm2_getrandom -T device:) works", g.err("tpmrm0"))
    hw = g.out("hwrng").split()
    c.check(len(hw) == 2 and hw[0].startswith("tpm-rng") and hw[1] == "16",
            "irq: /dev/hwrng (tpm-rng) gives 16 bytes", g.out("hwrng") + g.err("hwrng"))
    if fell_back:
        c.equal((g.json("info_off") or {}).get("localities"), [0, 1, 2, 3],
                "irq: global enable cleared again: INFO lists 0-3")
        c.check(g.rc("l2_ext22_off") == 0 and (g.json("l2_ext22_off") or {}).get("tpm_rc") == 0,
                "irq: ... and the locality-2 PCR 22 extend works", g.err("l2_ext22_off"))
    else:
        c.equal((g.json("info_off") or {}).get("localities"), [0],
                "irq: real IRQ mode, left on: INFO still lists locality 0 only")
        c.check(g.rc("l2_ext22_off") == 4 and eop in g.err("l2_ext22_off"),
                "irq: ... and the locality-2 PCR 22 extend is still refused (EOPNOTSUPP)",
                f"rc {g.rc('l2_ext22_off')}: {g.err('l2_ext22_off')}")
    c.check(g.rc("tpm0_end") == 0 and g.out("tpm0_end").strip() == "8",
            "irq: at the end, /dev/tpmN GetRandom still works", g.err("tpm0_end"))
    recs = records_of(g)
    want = [("1", "0x17b", "-95"), ("2", "0x17b", "-95"), ("2", "0x182", "-95"),
            ("3", "0x17e", "-95"), ("0", "0x17b", "0"), ("0", "0x182", "0"),
            ("2", "0x182", "0" if fell_back else "-95")]
    got = [(r.get("locality"), r.get("code"), r.get("errno")) for r in recs]
    c.equal(got, want, "irq: one audit record per command, EOPNOTSUPP (-95) for localities 1-3")
    c.equal(g.rc("rmmod"), 0, "irq: the module unloads")
    problems = harness.kernel_problems(dmesg)
    c.check(not problems, "irq: no oops, WARN or BUG", "\n    ".join(problems[:5]))


# --- Boots "mix" and "signals" --------------------------------------------------------

OPS = {  # name -> (command, {locality: (errno, tpm_rc)})
    "rand": (RAND, {l: (0, 0) for l in range(4)}),
    "read23": (READ23, {l: (0, 0) for l in range(4)}),
    # PCR 23: the policy's DRTM range is 16-23 (policy.c), and the TPM
    # lets any locality extend it.
    "ext23": (EXT23, {l: (0, 0) for l in range(4)}),
    "ext22": (EXT22, {0: (0, RC_LOCALITY), 1: (0, RC_LOCALITY), 2: (0, 0), 3: (0, RC_LOCALITY)}),
}
# Faults on PCR_Extend responses (code 0x182, TPM_MEDIUM: the kernel waits
# 750 ms). "timed" ones leave the response pending: the /dev/tpm* users
# pause and the loop waits for it to drain.
FAULTS = {  # kind -> (relay request, errno, timed, wants a success/error/any)
    "delay": ("delay 182 1.5", errno.ETIME, True, "any"),
    "mute": ("mute 182", errno.ETIME, True, "any"),
    "stall": ("stall 182 6", errno.ETIME, True, "ok"),
    "short": ("short 182 10", errno.EIO, False, "ok"),
    "tag": ("tag 182", errno.EIO, False, "any"),
    "body": ("body 182", errno.EIO, False, "err"),
}
FAULT_COUNTS = {"delay": 8, "mute": 5, "stall": 2, "short": 8, "tag": 8, "body": 8}


def mix_plan(seed=12, timed_at_0=False):
    """[(i, op, locality, fault or None)]: N_MIX commands, faults spread.
    @timed_at_0 (diagnostic run "mix0"): the faults that leave an answer
    pending only on locality-0 commands."""
    rnd = random.Random(seed)
    plan = [[i, rnd.choice(list(OPS)), rnd.randrange(4), None] for i in range(N_MIX)]
    for kind, n in FAULT_COUNTS.items():
        want = FAULTS[kind][3]
        for _ in range(n):
            while True:
                p = plan[rnd.randrange(20, N_MIX - 20)]
                if p[3] or not p[1].startswith("ext"):
                    continue
                err, rc = OPS[p[1]][1][p[2]]
                if err:       # refused by the policy: never reaches the TPM
                    continue
                if want == "ok" and rc != 0 or want == "err" and rc == 0:
                    continue
                if timed_at_0 and FAULTS[kind][2] and p[2] != 0:
                    continue
                p[3] = kind
                break
    return [tuple(p) for p in plan]


def expected(op, loc, fault):
    err, rc = OPS[op][1][loc]
    if fault:
        return FAULTS[fault][1], None
    return err, rc


MIX = r"""
: > /tmp/go
(
    n=0
    while [ ! -e /tmp/stop ]; do
        if [ -e /tmp/pause ]; then touch /tmp/paused; usleep 20000; continue; fi
        n=$((n + 1))
        if [ $((n % 2)) = 0 ]; then d=/dev/tpm0; else d=/dev/tpmrm0; fi
        tpm2_getrandom -T device:$d 8 > /dev/null 2>> "$R/bg.err"
        echo "$d rc=$?"
        sleep 1
    done
) > "$R/bg.out" &
BG=$!
s=$(up)
xenmb-probe mix
echo "mix cs=$(( $(up) - s ))"
touch /tmp/stop; wait $BG
"""


def mix_stdin(plan):
    lines = []
    for i, op, loc, fault in plan:
        req, timed = (FAULTS[fault][0], 1) if fault else ("-", 0)
        lines.append(f"{i} {loc} {OPS[op][0].hex()} {fault or '-'} {req.replace(' ', '_')} {timed}")
    return "\n".join(lines)


def sig_step(name, sig, when_us):
    """A locality-2 PCR 22 extend held 3 s by the relay, @sig after @when_us.
    xenmb-probe, not xenmb: sh starts '&' jobs with SIGINT ignored, the
    probe makes it fatal again."""
    return harness.Step(name, f"""
        ask FAULT delay 182 3 || exit 9
        s=$(up)
        xenmb-probe sigsend 2 {EXT22.hex()} > "$R/{name}.o" 2> "$R/{name}.e" &
        P=$!
        while ! grep -q ready "$R/{name}.o"; do usleep 10000; done
        usleep {when_us}
        kill -{sig} $P
        wait $P; echo "rc=$? cs=$(( $(up) - s ))"
        sleep 4""")


def head_steps():
    return [
        harness.Step("insmod", "insmod /lib/modules/xenmb/xenmb.ko"),
        harness.Step("hung_task", "echo 10 > /proc/sys/kernel/hung_task_timeout_secs"),
        harness.Step("info", "xenmb info --json"),
    ]


def tail_steps():
    """Afterwards: everything works, the PCR 22 locality rule holds."""
    return [
        harness.Step("tpm0", "tpm2_getrandom -T device:/dev/tpm0 8 | wc -c"),
        harness.Step("tpmrm0", "tpm2_getrandom -T device:/dev/tpmrm0 8 | wc -c"),
        harness.Step("hwrng", "dd if=/dev/hwrng bs=16 count=1 2>/dev/null | wc -c"),
        harness.Step("final_l0", send(RAND, 0)),
    ] + [harness.Step(f"final22_l{loc}", send(EXT22, loc)) for loc in range(4)] + [
        harness.Step("stats", "ask STATS"),
        # Diagnostics: each locality's ACCESS and STS (tisirq.ko dump=1).
        harness.Step("regs", "insmod /lib/modules/xenmb/tisirq.ko dump=1; "
                     "dmesg | grep 'tisirq: loc' | tail -n 5"),
        harness.Step("kmsg", "dmesg | grep -v audit: | grep -E 'tpm|xenmb' | tail -n 20"),
        harness.Step("rmmod", "rmmod xenmb"),
    ]


def mix_steps(plan):
    return head_steps() + [
        harness.Step("mix", MIX, stdin=mix_stdin(plan)),
        harness.Step("regs_mix", "insmod /lib/modules/xenmb/tisirq.ko dump=1; "
                     "dmesg | grep 'tisirq: loc' | tail -n 5"),
        harness.Step("after_mix_l0", send(RAND, 0)),
    ] + tail_steps()


# After a disturbance: localities 0 and 2, then /dev/tpm0 (its last line "8").
STILL_WORKS = (f"{send(RAND, 0)} && {send(EXT22, 2)} && "
               "tpm2_getrandom -T device:/dev/tpm0 8 | wc -c")


def sig_steps():
    return head_steps() + [
        # Locality 2 asked for while the TPM still executes a timed-out
        # /dev/tpm0 command at locality 0: never granted (answer after 3 s)
        # and granted late (answer after 1.2 s).
        harness.Step("not_granted", f"""
            ask FAULT delay 17a 3 || exit 9
            tpm2_getcap -T device:/dev/tpm0 properties-fixed > /dev/null 2> "$R/ng_tpm0.e"
            echo "tpm0 rc=$?"
            s=$(up); {send(RAND, 2)} > "$R/ng.o" 2> "$R/ng.e"; echo "xenmb rc=$? cs=$(( $(up) - s ))"
            sleep 4"""),
        harness.Step("late", f"""
            ask FAULT delay 17a 1.2 || exit 9
            tpm2_getcap -T device:/dev/tpm0 properties-fixed > /dev/null 2> "$R/late_tpm0.e"
            echo "tpm0 rc=$?"
            s=$(up); {send(RAND, 2)} > "$R/late.o" 2> "$R/late.e"; echo "xenmb rc=$? cs=$(( $(up) - s ))"
            sleep 2"""),
        harness.Step("sigusr1", f"""
            ask FAULT delay 182 0.5 || exit 9
            xenmb-probe sigsend 2 {EXT22.hex()} > "$R/usr1.o" 2> "$R/usr1.e" &
            P=$!
            while ! grep -q ready "$R/usr1.o"; do usleep 10000; done
            usleep 100000; kill -USR1 $P; usleep 100000; kill -USR1 $P
            wait $P; echo "rc=$?"
            cat "$R/usr1.o" """),
        harness.Step("after_usr1", f"{send(RAND, 0)} && {send(EXT22, 2)}"),
        # A signal while a locality-2 command waits for its answer.
        sig_step("sigkill", "KILL", 200000),
        harness.Step("after_kill", STILL_WORKS),
        sig_step("sigint", "INT", 200000),
        harness.Step("after_int", STILL_WORKS),
        # Locality 3 held by another agent (tisirq.ko hold=3): the TPM
        # grants locality 0 to nobody, so tpm_tis's own request in
        # tpm_try_get_ops fails; released, everything works again.
        harness.Step("hold", "insmod /lib/modules/xenmb/tisirq.ko hold=3 && "
                     "dmesg | grep 'tisirq: hold'"),
        harness.Step("held_l2", f"s=$(up); {send(RAND, 2)}; echo \"rc=$? cs=$(( $(up) - s ))\""),
        harness.Step("held_l0", send(RAND, 0)),
        harness.Step("unhold", "rmmod tisirq && dmesg | grep 'tisirq: hold' | tail -n 1"),
        harness.Step("after_hold", STILL_WORKS),
    ] + tail_steps()


def parse_line(g, step, prefix):
    for line in g.out(step).splitlines():
        if line.startswith(prefix):
            return dict(x.split("=", 1) for x in line.split() if "=" in x)
    return {}


def check_head(c, g, name):
    c.equal(g.rc("insmod"), 0, f"{name}: the module loads")
    c.equal((g.json("info") or {}).get("localities"), [0, 1, 2, 3], f"{name}: INFO lists 0-3")


def check_mix(c, g, plan):
    check_head(c, g, "mix")
    out = g.out("mix").splitlines()
    results = {}
    for line in out:
        m = re.match(r"(\d+) rc=(\d+) (\d*) ?(.*)$", line)
        if m:
            results[int(m.group(1))] = (int(m.group(2)), m.group(3), m.group(4))
    cs = re.search(r"mix cs=(\d+)", g.out("mix"))
    print(f"# mix: {len(results)} commands in {int(cs.group(1)) / 100 if cs else '?'} s of guest time")
    c.equal(len(results), N_MIX, "mix: every one of the 1000 commands reported")
    c.equal([x for x in out if x.startswith("ask ")], [], "mix: the relay took every fault")

    # Outcome of each command against the plan, tallied.
    strs = {0: None, errno.EACCES: os.strerror(errno.EACCES), errno.ETIME: os.strerror(errno.ETIME),
            errno.EIO: os.strerror(errno.EIO)}
    tally_want, tally_got, wrong = {}, {}, []
    for i, op, loc, fault in plan:
        err, rc = expected(op, loc, fault)
        key = (op, loc, fault, err, rc)
        tally_want[key] = tally_want.get(key, 0) + 1
        got = results.get(i)
        if got is None:
            wrong.append(f"{i}: no result")
            continue
        ok = (got[0] == 0 and got[1] == str(rc)) if err == 0 else \
            (got[0] == 4 and strs[err] in got[2])
        if ok:
            tally_got[key] = tally_got.get(key, 0) + 1
        else:
            wrong.append(f"{i} {op}@{loc} fault {fault}: want errno {err} rc {rc}, got {got}")
    for kind in FAULTS:
        n = sum(v for k, v in tally_got.items() if k[2] == kind)
        c.equal(n, FAULT_COUNTS[kind], f"mix: '{FAULTS[kind][0]}' x{FAULT_COUNTS[kind]}: "
                f"each gave {errno.errorcode[FAULTS[kind][1]]}")
    by_outcome = {}
    for (op, loc, fault, err, rc), n in tally_got.items():
        if not fault:
            k = "ok" if err == 0 and rc == 0 else errno.errorcode[err] if err else f"rc 0x{rc:x}"
            by_outcome[k] = by_outcome.get(k, 0) + n
    want_outcome = {}
    for (op, loc, fault, err, rc), n in tally_want.items():
        if not fault:
            k = "ok" if err == 0 and rc == 0 else errno.errorcode[err] if err else f"rc 0x{rc:x}"
            want_outcome[k] = want_outcome.get(k, 0) + n
    print(f"# mix outcomes without a fault: {by_outcome}")
    c.equal(by_outcome, want_outcome, "mix: unfaulted commands: successes and TPM_RC_LOCALITY "
            "(PCR 22 off locality 2) as planned")
    c.equal(wrong[:10], [], f"mix: all {N_MIX} outcomes as planned ({len(wrong)} differ)")
    per_loc = {l: sum(1 for p in plan if p[2] == l) for l in range(4)}
    print(f"# commands per locality: {per_loc}")

    bg = g.out("mix")  # not here: the users' own file
    bg_lines = [x for x in open(os.path.join(g.results, "bg.out")).read().splitlines()] \
        if os.path.exists(os.path.join(g.results, "bg.out")) else []
    bg_ok = {d: sum(1 for x in bg_lines if x == f"{d} rc=0") for d in ("/dev/tpm0", "/dev/tpmrm0")}
    bg_bad = [x for x in bg_lines if not x.endswith("rc=0")]
    print(f"# /dev/tpm* users alongside: {bg_ok} succeeded, {len(bg_bad)} failed")
    c.check(all(v >= 5 for v in bg_ok.values()),
            f"mix: /dev/tpm0 and /dev/tpmrm0 users ran alongside ({bg_ok})", repr(bg_lines[:5]))
    c.equal(bg_bad, [], "mix: no /dev/tpm* user failed (the timed faults paused them)")
    del bg

    # Audit: one record per command, in order, with its errno.
    recs = records_of(g)
    mix_recs = recs[:N_MIX]
    mism = []
    for (i, op, loc, fault), r in zip(plan, mix_recs):
        err, rc = expected(op, loc, fault)
        want = (str(loc), f"0x{OPS[op][0][6:10].hex().lstrip('0')}", str(-err),
                "?" if rc is None else f"0x{rc:x}")
        got = (r.get("locality"), r.get("code"), r.get("errno"), r.get("tpm_rc"))
        if got != want:
            mism.append(f"{i}: want {want}, got {got}")
    c.check(len(mix_recs) == N_MIX and not mism,
            f"mix: {len(mix_recs)} audit records, each with the command's locality, code, "
            "errno and tpm_rc", "\n    ".join(mism[:8]))
    print("# TIS registers after the mix:\n#   " + "\n#   ".join(g.out("regs_mix").splitlines()))
    c.equal(g.rc("after_mix_l0"), 0, "mix: a locality-0 command succeeds after the mix")
    check_tail(c, g, "mix")


def check_signals(c, g):
    check_head(c, g, "signals")
    rest = records_of(g)
    for step, sig, code in (("sigkill", "SIGKILL", 137), ("sigint", "SIGINT", 130)):
        r = parse_line(g, step, "rc=")
        c.equal(r.get("rc"), str(code), f"signals: {sig} ends the locality-2 command's process")
        # f8f7fd6: the wait is cut short; 7f38f8f: waits after tpmGo are
        # not killable, so the process ends when the command does (ETIME).
        c.check(r.get("cs", "999").isdigit() and int(r["cs"]) < 1000,
                f"signals: ... and does not hang ({r.get('cs')} cs)")
        after = f"after_{step[3:]}"
        c.check(g.rc(after) == 0 and g.out(after).strip().endswith("8"),
                f"signals: after {sig}: locality 0, locality 2 and /dev/tpm0 work",
                g.out(after)[-300:] + g.err(after))
    killed = [r for r in rest if r.get("locality") == "2" and
              r.get("errno") in (str(-errno.EINTR), str(-errno.ETIME))]
    c.equal(len(killed), 2, "signals: the SIGKILLed and SIGINTed commands are audited with "
            "EINTR (wait cut short) or ETIME (answer late), never EIO")
    print("# signals audit trail: " + "; ".join(f"l{r.get('locality')} {r.get('code')} "
          f"errno {r.get('errno')} {int(r.get('duration_ns', 0)) // 1000000} ms" for r in rest))
    usr1 = [x for x in g.json_lines("sigusr1") if "errno" in x]
    c.check(usr1 and usr1[0]["errno"] == 0 and usr1[0]["tpm_rc"] == 0 and usr1[0]["caught"] >= 1,
            "signals: SIGUSR1 x2 to a process with a handler: caught (once: pending signals "
            "merge while it sleeps in the kernel), and the locality-2 command completes", g.out("sigusr1"))
    c.equal(g.rc("after_usr1"), 0, "signals: then localities 0 and 2 work")

    # Not granted / granted late.
    for step, what in (("not_granted", "3 s"), ("late", "1.2 s")):
        t = parse_line(g, step, "tpm0 rc=")
        c.check(t.get("rc") not in ("0", None), f"signals: {step}: the /dev/tpm0 GetCapability "
                f"held {what} by the relay times out", g.out(step) + g.err(step))
    def res(name):
        try:
            with open(os.path.join(g.results, name), errors="replace") as f:
                return f.read()
        except OSError:
            return ""
    # 3 s: whoever waits (tpm_tis for locality 0 in tpm_try_get_ops, or
    # xenmb for 2, TIMEOUT_A), the answer is never the old command's.
    ng = parse_line(g, "not_granted", "xenmb rc=")
    print(f"# answer 3 s late: {g.out('not_granted').strip()!r} {res('ng.e').strip()}")
    ng_rsp = re.search(r'"response":\s*"([0-9a-f]*)"', res("ng.o"))
    c.check(ng.get("rc") == "0" and ng_rsp and ng_rsp.group(1).startswith("80010000001400000000")
            and len(ng_rsp.group(1)) == 40 and int(ng.get("cs", "0")) >= 100 or
            ng.get("rc") == "4" and os.strerror(errno.EBUSY) in res("ng.e")
            and 70 <= int(ng.get("cs", "0")) < 300,
            "signals: locality 2 asked for while the TPM still executes a timed-out locality-0 "
            "command (answer 3 s late): granted after the old answer with GetRandom's own "
            "answer, or not granted within TIMEOUT_A (EBUSY)", f"{ng} {res('ng.o')} {res('ng.e')}")
    # 1.2 s: granted once the old command has ended; the answer is ours.
    lt = parse_line(g, "late", "xenmb rc=")
    print(f"# answer 1.2 s late: {g.out('late').strip()!r} {res('late.e').strip()}")
    rsp = re.search(r'"response":\s*"([0-9a-f]*)"', res("late.o"))
    c.check(lt.get("rc") == "0" and rsp and rsp.group(1).startswith("80010000001400000000")
            and len(rsp.group(1)) == 40,
            "signals: ... answer 1.2 s late: locality 2 granted after the old answer, and the "
            "answer is GetRandom's own (never the old command's)",
            f"{lt} {res('late.o')} {res('late.e')}")
    # Locality 3 held elsewhere: EBUSY (not ENODEV), audited; then all works.
    c.check(g.rc("hold") == 0 and "ACCESS 0xa" in g.out("hold"),
            "signals: tisirq.ko holds locality 3", g.out("hold") + g.err("hold"))
    held = parse_line(g, "held_l2", "rc=")
    ebusy = os.strerror(errno.EBUSY)
    c.check(held.get("rc") == "4" and ebusy in g.err("held_l2") and
            70 <= int(held.get("cs", "0")) < 300,
            "signals: ... then a locality-2 command: EBUSY after TIMEOUT_A (the driver's own "
            "locality-0 request is not granted), not ENODEV", f"{held} {g.err('held_l2')}")
    c.check(g.rc("held_l0") == 4 and ebusy in g.err("held_l0"),
            "signals: ... and a locality-0 command: EBUSY", g.err("held_l0"))
    c.equal([r.get("errno") for r in rest if r.get("errno") == str(-errno.EBUSY)
             and r.get("locality") in ("0", "2")][-2:], [str(-errno.EBUSY)] * 2,
            "signals: ... both audited with EBUSY")
    c.check(g.rc("unhold") == 0 and g.rc("after_hold") == 0 and g.out("after_hold").strip().endswith("8"),
            "signals: locality 3 released: localities 0 and 2 and /dev/tpm0 work",
            g.out("unhold") + g.out("after_hold")[-300:] + g.err("after_hold"))
    check_tail(c, g, "signals")


def check_tail(c, g, name):
    c.check(g.rc("tpm0") == 0 and g.out("tpm0").strip() == "8", f"{name}: /dev/tpm0 works afterwards")
    c.check(g.rc("tpmrm0") == 0 and g.out("tpmrm0").strip() == "8", f"{name}: /dev/tpmrm0 works afterwards")
    c.check(g.rc("hwrng") == 0 and g.out("hwrng").strip() == "16", f"{name}: /dev/hwrng works afterwards")
    c.equal(g.rc("final_l0"), 0, f"{name}: a locality-0 command succeeds afterwards")
    rcs = [(g.json(f"final22_l{l}") or {}).get("tpm_rc") for l in range(4)]
    c.equal(rcs, [RC_LOCALITY, RC_LOCALITY, 0, RC_LOCALITY],
            f"{name}: PCR 22 extend: works at locality 2, TPM_RC_LOCALITY at 0, 1 and 3")
    print(f"# relay: {g.err('stats').strip()}")
    print("# TIS registers at the end:\n#   " + "\n#   ".join(g.out("regs").splitlines()))
    print("# kernel messages (last 20, no audit):\n#   " + "\n#   ".join(g.out("kmsg").splitlines()))
    c.equal(g.rc("rmmod"), 0, f"{name}: the module unloads")
    problems = harness.kernel_problems(g.dmesg())
    c.check(not problems, f"{name}: no oops, WARN, BUG, lockup or hung task", "\n    ".join(problems[:5]))


def main(argv):
    c = harness.Checker("localities")
    # "mix0": the mix with timed faults at locality 0 only (diagnostic).
    which = argv[1:] or ["irq", "mix", "signals"]
    plan = mix_plan(timed_at_0="mix0" in which)
    if "mix0" in which:
        which.append("mix")
    b = harness.tcti_binaries(("tpm2_getrandom", "tpm2_getcap"))
    b["libs"].append("/usr/lib/x86_64-linux-gnu/libtss2-tcti-device.so.0")
    b["files"] = [f"{tisirq_module()}:/lib/modules/xenmb/tisirq.ko"]
    if "irq" in which:
        b_irq = b
        t = time.monotonic()
        try:
            g = harness.boot("localities-irq", "tpm2", harness.fresh_state("localities-irq"),
                             irq_steps(), b_irq, prologue=IRQ_PROLOGUE, append="tpm_tis.force=1 tpm_tis.interrupts=1",
                             timeout=300)
            check_irq(c, g)
        except RuntimeError as e:
            c.check(False, "irq: boot", str(e))
        print(f"# irq boot: {time.monotonic() - t:.0f} s")
    for name, steps, check in (("mix", lambda: mix_steps(plan), lambda g: check_mix(c, g, plan)),
                               ("signals", sig_steps, lambda g: check_signals(c, g))):
        if name not in which:
            continue
        t = time.monotonic()
        try:
            g = harness.boot(f"localities-{name}", "tpm2", harness.fresh_state(f"localities-{name}"),
                             steps(), b, prologue=PROLOGUE, faults=True, timeout=900,
                             # Audit records stay in the log (dmesg.txt) but
                             # off the serial console, which would make 1000
                             # commands take many minutes under TCG.
                             append="loglevel=5")
            check(g)
        except RuntimeError as e:
            c.check(False, f"{name}: boot", str(e))
        print(f"# {name} boot: {time.monotonic() - t:.0f} s")
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
