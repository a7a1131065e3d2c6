#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One boot of the debug kernel that proves its checkers are on and work,
and that xenmb passes them in a short life: load, use, unload, kmemleak.

  XENMB_GUEST=debug selfcheck.py      (tests/debugkernel/run.sh sets it)

Then the positive controls, after a mark in the kernel log: the kernel's
own kmemleak-test module (leaks on purpose) and kasan_test_module (copies
past objects, uses after free) must make reports.py find kmemleak and
KASAN reports. So a clean log before the mark means "no report", not "no
checker".
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "qemu"))
import harness  # noqa: E402
import reports  # noqa: E402

CONFIG_ON = ["CONFIG_KASAN", "CONFIG_KASAN_GENERIC", "CONFIG_PROVE_LOCKING",
             "CONFIG_DEBUG_ATOMIC_SLEEP", "CONFIG_DEBUG_KMEMLEAK", "CONFIG_DETECT_HUNG_TASK",
             "CONFIG_SOFTLOCKUP_DETECTOR", "CONFIG_DEBUG_LIST", "CONFIG_UBSAN",
             "CONFIG_TCG_TIS", "CONFIG_TCG_CRB"]
BANNERS = ["KernelAddressSanitizer initialized", "Lock dependency validator",
           "kmemleak: Kernel memory leak detector initialized"]
MARK = "xenmb-debugk: positive controls"
GET_RANDOM_8 = "80010000000c0000017b0008"   # TPM2_GetRandom(8)
KMEMLEAK = "/sys/kernel/debug/kmemleak"


def kmemleak_scan(name):
    # As teardown.sh: objects younger than 5 s, and those that changed since
    # the previous scan, are never reported; one scan would miss a new leak.
    return harness.Step(name, f"sleep 6 && echo scan > {KMEMLEAK} && echo scan > {KMEMLEAK}"
                        f" && cat {KMEMLEAK}")


def main():
    c = harness.Checker("debug-kernel selfcheck")
    if not harness.DEBUG_GUEST:
        c.check(False, "runs on the debug kernel", "set XENMB_GUEST=debug")
        return c.finish()
    env = harness.load_env()
    tree = env["KHEADERS"]
    controls = {"kmemleak": os.path.join(tree, "samples/kmemleak/kmemleak-test.ko"),
                "kasan": os.path.join(tree, "mm/kasan/kasan_test_module.ko")}
    b = harness.guest_binaries()
    b["files"] = [f"{ko}:/lib/modules/controls/{os.path.basename(ko)}"
                  for ko in controls.values()]
    steps = [
        harness.Step("config", "zcat /proc/config.gz"),
        harness.Step("sysctl", "cat /proc/sys/kernel/hung_task_timeout_secs "
                     "/proc/sys/kernel/soft_watchdog"),
        harness.Step("insmod", "insmod /lib/modules/xenmb/xenmb.ko"),
        harness.Step("info", "xenmb info --json"),
        harness.Step("send0", f"xenmb tpm send --locality 0 --json {GET_RANDOM_8}"),
        harness.Step("send2", f"xenmb tpm send --locality 2 --json {GET_RANDOM_8}"),
        harness.Step("srtm", "xenmb eventlog --srtm --check"),
        # No TXT here: exercised for its error paths, judged by the reports.
        harness.Step("txt", "xenmb txt --json"),
        harness.Step("lockdep", "cat /proc/lockdep"),
        harness.Step("rmmod", "rmmod xenmb"),
        kmemleak_scan("leaks_xenmb"),
        harness.Step("mark", f"echo '{MARK}' > /dev/kmsg"),
        harness.Step("ctl_kmemleak", "insmod /lib/modules/controls/kmemleak-test.ko"),
        kmemleak_scan("leaks_control"),
        # Its init always fails (-EAGAIN) once the reports are made.
        harness.Step("ctl_kasan", "insmod /lib/modules/controls/kasan_test_module.ko"),
    ]
    g = harness.boot("debugk-selfcheck", "tpm2", harness.fresh_state("debugk"), steps, b,
                     prologue="mount -t debugfs debugfs /sys/kernel/debug")

    config = set(g.out("config").splitlines())
    for opt in CONFIG_ON:
        c.check(f"{opt}=y" in config, f"the guest runs with {opt}=y (/proc/config.gz)")
    c.equal(g.out("sysctl").split(), ["120", "1"],
            "hung-task timeout 120 s and the soft-lockup watchdog are on")
    dmesg = g.dmesg()
    for banner in BANNERS:
        c.check(banner in dmesg, f"kernel log: '{banner}'")

    c.equal([g.rc(s) for s in ("insmod", "info", "send0", "send2", "srtm", "rmmod")],
            [0] * 6, "insmod, info, tpm send at localities 0 and 2, eventlog --check, rmmod")
    lockdep = g.out("lockdep")
    c.check(re.search(r"\btis_window_lock\b", lockdep),
            "lockdep tracks xenmb's own lock (tis_window_lock in /proc/lockdep)")
    c.equal((g.rc("leaks_xenmb"), g.out("leaks_xenmb")), (0, ""),
            "kmemleak finds nothing after xenmb's load, use and unload")

    before, _, after = dmesg.partition(MARK)
    c.check(after != "", "the positive controls ran after the mark")
    found = reports.scan(before)
    c.equal(sorted(found), [], "no report of any kind before the controls")
    leaks = g.out("leaks_control")
    # kmemleak-test's init (freed, so unnamed in the backtraces) loses two
    # kmalloc()s each of 32, 1024, 2048 and 4096 bytes.
    sizes = re.findall(r"unreferenced object 0x[0-9a-f]+ \(size (\d+)\):\n\s+comm \"insmod\"",
                       leaks)
    c.check(all(sizes.count(str(n)) >= 2 for n in (32, 1024, 2048, 4096)),
            "control: kmemleak reports kmemleak-test's kmalloc() leaks", leaks[:500])
    found = reports.scan(after)
    c.check("kmemleak" in found, "control: reports.py sees the kmemleak report in the log")
    c.check(g.rc("ctl_kasan") != 0 and "KASAN" in found,
            "control: kasan_test_module makes KASAN reports, and reports.py sees them",
            str(sorted(found)))
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
