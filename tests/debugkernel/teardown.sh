#!/bin/sh
# Guest side of the debug-kernel suite, run by /init after the scenario (and
# after dmesg.txt) when the kernel command line has xenmb_debugk=1:
#   teardown.sh RESULTS_DIR
# Unloads xenmb, so that whatever it still owned and did not free shows up
# as a leak, asks kmemleak for a report and saves what the host asserts on:
# teardown-rmmod.rc (absent: the scenario had unloaded it), kmemleak.txt,
# kmemleak.rc, lockdep_stats.txt, dmesg-final.txt (the whole log again,
# with the unload's messages).
R=$1
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
if grep -q '^xenmb ' /proc/modules; then
    rmmod xenmb
    echo $? > "$R/teardown-rmmod.rc"
fi
# kmemleak skips objects younger than 5 s, and an object whose contents
# changed since the previous scan (a first scan sees every object "change"):
# wait, then scan twice, or a fresh leak goes unreported.
sleep 6
scan_rc=0
echo scan > /sys/kernel/debug/kmemleak || scan_rc=1
echo scan > /sys/kernel/debug/kmemleak || scan_rc=1
echo "$scan_rc" > "$R/kmemleak.rc"
cat /sys/kernel/debug/kmemleak > "$R/kmemleak.txt"
cat /proc/lockdep_stats > "$R/lockdep_stats.txt"
dmesg > "$R/dmesg-final.txt"
