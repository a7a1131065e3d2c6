#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ioctl abuse: xenmb-abuse makes >= 100 000 random and malformed calls on
/dev/xenmb from 4 threads (on a TPM 2.0 TIS host with an emulated TXT
launch, so TXT_READ has a heap and a log to read past), while the module is
asked to unload. Judged on the host: every call got the errno the uapi
header promises, the INFO counters moved by what the probe sent, the kernel
log has no complaint, and the module unloads cleanly afterwards.

  test_abuse.py            XENMB_ABUSE_SEED=N repeats a run, XENMB_ABUSE_CALLS
                           sets the number of calls (default 100000)
"""
import errno
import os
import random
import struct
import sys

import harness
import txtlaunch

MODE = "tpm2-agile"
TAINT_BAD = {5: "bad page", 7: "oops (die)", 9: "WARN", 14: "soft lockup"}


def get_random(n):
    return struct.pack(">HIIH", 0x8001, 12, 0x17B, n)


def steps_for(meta, seed, calls):
    return [
        harness.Step("insmod", f"insmod /lib/modules/xenmb/xenmb.ko txt_base={meta['base']:#x}"),
        harness.Step("hung_task", "echo 10 > /proc/sys/kernel/hung_task_timeout_secs"),
        # Console quiet while the audit records flood the kernel log (it
        # keeps them all: log_buf_len below); busybox rmmod meanwhile. The
        # shell holds a descriptor of its own (fd 9) until the loop has
        # stopped: xenmb-abuse closes its own before "abuse.done" exists,
        # and an attempt in that gap would rightly unload the module.
        harness.Step("abuse", f"""
            dmesg -n 1
            exec 9<> /dev/xenmb || exit 1
            (
                exec 9>&-
                while [ ! -e /tmp/abuse.done ]; do
                    if rmmod xenmb; then echo UNLOADED; fi
                    echo attempt
                    sleep 0.2
                done
            ) > "$R/rmmod_loop.out" 2> "$R/rmmod_loop.err" &
            L=$!
            xenmb-abuse {seed} {calls}
            rc=$?
            touch /tmp/abuse.done
            wait $L
            exec 9>&-
            dmesg -n 7
            exit $rc"""),
        harness.Step("still_works", f"xenmb tpm send --locality 0 --json {get_random(16).hex()}"),
        harness.Step("still_works_l3", f"xenmb tpm send --locality 3 --json {get_random(16).hex()}"),
        harness.Step("refcount", "cat /sys/module/xenmb/refcnt"),
        harness.Step("final_rmmod", "rmmod xenmb && ! grep -q '^xenmb ' /proc/modules && "
                     "[ ! -e /dev/xenmb ] && echo gone"),
        harness.Step("tainted", "cat /proc/sys/kernel/tainted"),
    ]


def check(c, g, seed, calls):
    c.equal(g.rc("insmod"), 0, "the module loads (txt_base of the emulated launch)")
    res = (g.json_lines("abuse") or [{}])[-1]
    print(f"# xenmb-abuse: {g.err('abuse').strip()[:2000]}")
    print(f"# result: {res}")
    c.equal(g.rc("abuse"), 0, "xenmb-abuse: every call got the errno it must get")
    c.check(res.get("calls", 0) >= calls, f"{res.get('calls')} calls made from {res.get('threads')} threads",
            repr(res))
    c.equal(res.get("mismatches"), 0, "no call got another errno than the uapi header promises")
    c.equal(res.get("unexpected_success"), 0, "no invalid call succeeded")
    c.equal(res.get("seed"), seed, f"the run used seed {seed}")
    c.check(res.get("txt_present") == 1 and res.get("log_count", 0) >= 1,
            "TXT present with a DRTM log, so TXT_READ read real regions", repr(res))

    hist = {int(k): v for k, v in res.get("errno", {}).items()}
    named = {errno.errorcode.get(k, str(k)) if k else "success": v for k, v in sorted(hist.items())}
    print(f"# errno histogram: {named}")
    allowed = {0, errno.EFAULT, errno.EINVAL, errno.E2BIG, errno.EPERM, errno.ENOSPC,
               errno.EACCES, errno.ENOTTY, errno.ENODEV}
    c.check(set(hist) <= allowed, "only errnos the uapi header documents",
            repr(set(hist) - allowed))
    c.check(all(hist.get(e, 0) > 0 for e in (0, errno.EFAULT, errno.EINVAL, errno.E2BIG, errno.EPERM,
                                             errno.ENOSPC, errno.EACCES, errno.ENOTTY)),
            "every class of refusal was exercised (success, EFAULT, EINVAL, E2BIG, EPERM, ENOSPC, "
            "EACCES, ENOTTY)", repr(named))
    by = res.get("by_ioctl", {})
    c.check(all(by.get(k, 0) > 1000 for k in ("info", "tpm_cmd", "txt_info", "txt_read", "unknown")),
            "each ioctl and unknown numbers were called more than 1000 times", repr(by))

    # The kernel's counters moved by exactly what the probe did.
    tally, counters = res.get("tally", {}), res.get("counters", {})
    # At least 1 in 1000 calls (100 of the default 100 000): scaled, so a
    # shorter run (xen-abuse: 25 000) asks the same share of its mix.
    c.check(tally.get("valid_tpm", 0) >= max(25, calls // 1000),
            f"{tally.get('valid_tpm')} valid TPM commands in the mix")
    for k in ("commands", "denials", "tpm_errors"):
        c.check(k in counters and counters.get(k) == tally.get(k),
                f"INFO {k} grew by what the probe counted ({tally.get(k)})",
                f"INFO {counters.get(k)}, probe {tally.get(k)}")
    c.equal(counters.get("timeouts"), 0, "no timeouts")
    c.equal(counters.get("io_errors"), 0, "no transport errors")

    dmesg = harness.after_launch(g.dmesg())
    records = [r for r in harness.audit_records(dmesg) if r.get("op") == "xenmb_tpm_cmd"
               and r.get("comm") == "xenmb-abuse"]
    c.equal(len(records), by.get("tpm_cmd"), "one audit record per TPM_CMD call")
    c.check("backlog limit exceeded" not in dmesg and "audit_lost" not in dmesg,
            "no audit record was lost")

    # Unload attempts while descriptors were open.
    rm = res.get("rmmod", {})
    c.check(rm.get("attempts", 0) >= 20 and rm.get("busy") == rm.get("attempts"),
            f"delete_module while open: {rm.get('attempts')} attempts, all EBUSY/EAGAIN", repr(rm))
    loop_out = g.out("rmmod_loop").split()
    errs = [line for line in g.err("rmmod_loop").splitlines() if line.strip()]
    c.check("UNLOADED" not in loop_out and loop_out.count("attempt") >= 3 and
            len(errs) == loop_out.count("attempt") and
            all("Resource temporarily unavailable" in e or "busy" in e for e in errs),
            f"busybox rmmod while open: {loop_out.count('attempt')} attempts, each refused as busy",
            "\n    ".join(errs[:3]))
    for step in ("still_works", "still_works_l3"):
        j = g.json(step) or {}
        c.check(g.rc(step) == 0 and j.get("tpm_rc") == 0 and len(j.get("response", "")) == 2 * 28,
                f"{step}: GetRandom(16) works after the abuse", g.out(step) + g.err(step))
    c.equal(g.out("refcount").strip(), "0", "no reference left on the module")
    c.equal(g.out("final_rmmod").strip(), "gone", "the module unloads; /dev/xenmb is gone")

    problems = harness.kernel_problems(dmesg)
    c.check(not problems, "no oops, WARN, BUG, lockup, hung task, KASAN or leak report",
            "\n    ".join(problems[:5]))
    taint = int(g.out("tainted").strip() or "0")
    bad = [name for bit, name in TAINT_BAD.items() if taint >> bit & 1]
    c.check(not bad, f"kernel taint {taint}: none of {sorted(TAINT_BAD.values())}", repr(bad))


def main(argv):
    c = harness.Checker("abuse")
    seed = int(os.environ.get("XENMB_ABUSE_SEED") or random.randrange(1, 2**32))
    calls = int(os.environ.get("XENMB_ABUSE_CALLS") or 100000)
    print(f"# seed {seed}: XENMB_ABUSE_SEED={seed} repeats this run")
    binaries = harness.guest_binaries()
    d = harness.launch_dir("abuse", MODE)
    os.makedirs(d, exist_ok=True)
    meta = txtlaunch.generate(d, MODE)
    try:
        g = harness.boot("abuse", "tpm2", harness.fresh_state("abuse"), steps_for(meta, seed, calls),
                         binaries, launch=d, append="log_buf_len=64M", timeout=900)
    except RuntimeError as e:
        c.check(False, "boot", str(e))
        return c.finish()
    check(c, g, seed, calls)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
