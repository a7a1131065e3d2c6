#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The debug kernel's reports, found in what a guest left behind.

  reports.py --since EPOCH [--skip NAME]...

As a program: asserts that every boot of the debug kernel under build/qemu/
whose console log is newer than EPOCH (the boots of one run of
tests/debugkernel/run.sh; a boot of another kernel meanwhile, by a suite
run beside it, is not this run's) has
no report of any kind below, an empty kmemleak scan after the module's
unload, lockdep still on, and that the unload worked. selfcheck.py imports
it to prove on real reports that each pattern matches.
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "qemu"))
import harness  # noqa: E402

# What each checker prints when it fires (6.1: mm/kasan/report.c,
# kernel/locking/lockdep.c, kernel/sched/core.c, kernel/hung_task.c,
# kernel/watchdog.c, lib/ubsan.c, mm/kmemleak.c, lib/list_debug.c).
CATEGORIES = [
    ("KASAN", re.compile(r"BUG: KASAN: |KASAN: maybe wild")),
    ("lockdep", re.compile(
        r"WARNING: (possible circular locking|possible recursive locking|"
        r"inconsistent lock state|possible irq lock inversion|"
        r"bad unlock balance|suspicious RCU usage|lock held when returning|"
        r"held lock freed|Nested lock was not taken)|"
        r"WARNING: possible |BUG: held lock freed|DEBUG_LOCKS_WARN_ON|"
        r"INFO: trying to register non-static key|BUG: MAX_LOCKDEP")),
    ("atomic sleep", re.compile(
        r"sleeping function called from invalid context|scheduling while atomic")),
    ("hung task", re.compile(r"blocked for more than \d+ seconds|hung_task")),
    ("soft lockup", re.compile(r"soft lockup|hard LOCKUP|rcu_sched self-detected stall|"
                               r"rcu: INFO: .*stall")),
    ("UBSAN", re.compile(r"UBSAN: ")),
    ("kmemleak", re.compile(r"new suspected memory leaks|unreferenced object 0x")),
    ("list corruption", re.compile(r"list_(add|del) corruption|list_debug")),
    ("BUG/Oops/WARN", re.compile(
        r"BUG: |Oops|kernel BUG at|general protection fault|WARNING: CPU: |"
        r"WARNING: at |refcount_t: |Call Trace:|Kernel panic")),
]


def scan(text):
    """{category: [lines]} of the reports in a kernel log."""
    found = {}
    for line in text.splitlines():
        for name, pattern in CATEGORIES:
            if pattern.search(line):
                found.setdefault(name, []).append(line.strip())
    return found


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return None


def check_boot(c, name, out):
    """All assertions on one boot's output directory (boot.sh --out)."""
    res = os.path.join(out, "results")
    # console.log has every boot, even one that never delivered results;
    # dmesg-final.txt the whole log up to and with the teardown.
    log = (read(os.path.join(out, "console.log")) or "") + "\n" + \
        (read(os.path.join(res, "dmesg-final.txt")) or "")
    found = scan(log)
    for cat, _ in CATEGORIES:
        lines = found.get(cat, [])
        c.check(not lines, f"{name}: no {cat} report", "\n    ".join(lines[:8]))
    rmmod = read(os.path.join(res, "teardown-rmmod.rc"))
    c.check(rmmod is None or rmmod.strip() == "0",
            f"{name}: the module unloads at the end (or the scenario had unloaded it)",
            f"rmmod exit {rmmod}")
    leaks = read(os.path.join(res, "kmemleak.txt"))
    scanned = (read(os.path.join(res, "kmemleak.rc")) or "").strip()
    c.check(leaks == "" and scanned == "0",
            f"{name}: kmemleak scanned after the unload and found nothing",
            f"scan rc {scanned!r}; " + ("no kmemleak.txt (no teardown?)" if leaks is None
                                        else leaks[:2000]))
    stats = read(os.path.join(res, "lockdep_stats.txt")) or ""
    m = re.search(r"debug_locks:\s+(\d+)", stats)
    c.check(m is not None and m.group(1) == "1",
            f"{name}: lockdep still on at the end (debug_locks 1)",
            "lockdep turns itself off after its first report" if m else "no lockdep_stats.txt")


DEBUG_KERNEL_BANNER = re.compile(r"Linux version \S+-xenmb-debug ")


def debug_kernel_booted(log):
    with open(log, errors="replace") as f:
        return bool(DEBUG_KERNEL_BANNER.search(f.read()))


def boots_since(since, skip=()):
    """(name, out dir) of the debug kernel's boots whose console log is
    newer."""
    top = os.path.join(harness.BUILD, "qemu")
    boots = []
    for name in sorted(os.listdir(top)) if os.path.isdir(top) else []:
        out = os.path.join(top, name, "out")
        log = os.path.join(out, "console.log")
        if name in skip or not os.path.exists(log):
            continue
        if os.path.getmtime(log) >= since and debug_kernel_booted(log):
            boots.append((name, out))
    return boots


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--since", type=float, required=True)
    ap.add_argument("--skip", action="append", default=[])
    ap.add_argument("--expect", type=int, default=1,
                    help="fail unless at least this many boots are found")
    args = ap.parse_args()
    c = harness.Checker("debug-kernel reports")
    boots = boots_since(args.since, args.skip)
    c.check(len(boots) >= args.expect, f"{len(boots)} guest boots to judge (>= {args.expect})",
            "the scenarios booted no guest?")
    for name, out in boots:
        check_boot(c, name, out)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
