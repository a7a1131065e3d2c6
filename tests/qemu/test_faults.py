#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""TPM faults: tpmrelay.py sits in the TPM's data channel (boot.sh --faults)
and, when the guest asks, delays, withholds, cuts or garbles one response.
Also SIGKILL of the helper's file and NV writers at spread-out moments.
TPM 2.0 on TIS, one boot; judged on the host.

  test_faults.py

Delays use TPM2_GetCapability (Linux 6.1 waits TPM_MEDIUM, 750 ms, for it)
and TPM2_GetRandom (TPM_LONG, 2 s): most other ordinals wait 120 s or more
(TPM2_DURATION_DEFAULT, TPM_LONG_LONG) before the kernel gives up.
"""
import base64
import errno
import json
import os
import re
import struct
import subprocess
import sys

import harness
from tpm_handles import get_handles, handles_of

CC_GET_CAPABILITY, CC_GET_RANDOM, CC_QUOTE = 0x17A, 0x17B, 0x158
CC_UNASSIGNED = 0x1F0
TAG_A, TAG_B = bytes(range(32)), bytes(range(100, 132))
BOUND_S = 60   # a call that takes longer counts as hung

# GetCapability(TPM_CAP_TPM_PROPERTIES, TPM_PT_MANUFACTURER, 1)
GET_CAP = struct.pack(">HIIIII", 0x8001, 22, CC_GET_CAPABILITY, 6, 0x105, 1)
GET_RANDOM = struct.pack(">HIIH", 0x8001, 12, CC_GET_RANDOM, 8)
UNASSIGNED = struct.pack(">HII", 0x8001, 10, CC_UNASSIGNED)


PROLOGUE = r"""
stty -F /dev/ttyS2 115200 raw -echo
exec 3<>/dev/ttyS2
# ask REQUEST: one line to the relay, its answer on stderr; true on OK.
ask() { echo "$*" >&3; read -r -t 30 A <&3; echo "relay: $A" >&2; [ "${A%% *}" = OK ]; }
# Centiseconds since boot.
up() { read -r a b < /proc/uptime; echo "${a%.*}${a#*.}"; }
# bounded NAME CMD...: runs CMD, kills it after BOUND s; prints rc and time.
bounded() {
    name=$1; shift; s=$(up)
    "$@" > "$R/$name.o" 2> "$R/$name.e" &
    P=$!; n=0
    while kill -0 $P 2>/dev/null && [ $n -lt $((BOUND * 10)) ]; do usleep 100000; n=$((n + 1)); done
    if kill -0 $P 2>/dev/null; then echo "$name HUNG"; kill -9 $P; fi
    wait $P; rc=$?
    echo "$name rc=$rc cs=$(( $(up) - s ))"
}
""".replace("BOUND", str(BOUND_S))


def send(cmd, loc=0):
    return f"xenmb tpm send --locality {loc} --json {cmd.hex()}"


def steps_for(nonce_b64):
    quote = f'xenmb quote --nonce {nonce_b64} --pcrs sha256:0,1,2,3 --out "$R/QDIR"'
    return [
        harness.Step("insmod", "insmod /lib/modules/xenmb/xenmb.ko"),
        harness.Step("hung_task", "echo 10 > /proc/sys/kernel/hung_task_timeout_secs"),
        harness.Step("info0", "xenmb info --json"),
        # (a) a late answer: ETIME, the TPM works again once it answered.
        harness.Step("delay", f"ask FAULT delay {CC_GET_CAPABILITY:x} 3 && bounded late {send(GET_CAP)}"),
        harness.Step("after_delay", f"sleep 4; {send(GET_RANDOM)}"),
        # (b) a TPM that stops answering, then comes back.
        harness.Step("mute", f"""
            ask FAULT mute {CC_GET_CAPABILITY:x} || exit 9
            bounded m_first {send(GET_CAP)}
            bounded m_next {send(GET_RANDOM)}
            bounded m_l2 {send(GET_RANDOM, 2)}
            bounded m_tpmrm tpm2_getrandom -T device:/dev/tpmrm0 8
            bounded m_info xenmb info
            ask UNMUTE"""),
        harness.Step("after_mute", f"sleep 3; {send(GET_RANDOM)}"),
        # (c) a response cut short on the wire: QEMU waits for the rest.
        harness.Step("stall", f"ask FAULT stall {CC_GET_RANDOM:x} 6 && bounded stalled {send(GET_RANDOM)}"),
        harness.Step("after_stall", f"sleep 6; {send(GET_RANDOM)}"),
        # (c) garbage the kernel can see: a bad tag, an error with a body.
        harness.Step("bad_tag", f"ask FAULT tag {CC_GET_RANDOM:x} && {send(GET_RANDOM)}"),
        harness.Step("unassigned", send(UNASSIGNED)),
        harness.Step("error_body", f"ask FAULT body {CC_UNASSIGNED:x} && {send(UNASSIGNED)}"),
        harness.Step("after_garbage", send(GET_RANDOM)),
        # (c) garbage only a parser can see: the helper's ESAPI path.
        harness.Step("ek", "xenmb ek"),
        harness.Step("ak", 'xenmb ak --public "$R/ak.pub"'),
        harness.Step("q_short", f"ask FAULT short {CC_QUOTE:x} 40 && {quote.replace('QDIR', 'q_short')}"),
        harness.Step("q_header", f"ask FAULT short {CC_QUOTE:x} 10 && {quote.replace('QDIR', 'q_header')}"),
        harness.Step("q_pad", f"ask FAULT pad {CC_QUOTE:x} 16 && {quote.replace('QDIR', 'q_pad')}"),
        harness.Step("q_tag", f"ask FAULT tag {CC_QUOTE:x} && {quote.replace('QDIR', 'q_tag')}"),
        harness.Step("q_good", quote.replace("QDIR", "q_good")),
        harness.Step("files", 'for d in q_short q_header q_pad q_tag; do ls "$R/$d" 2>/dev/null | '
                     'sed "s|^|$d/|"; done; true'),
        # (d) SIGKILL at spread-out moments: the file is absent, old or new.
        # The kills are spread over the time one unkilled run takes.
        harness.Step("ak_kill", """
            s=$(up); xenmb ak --pem --public "$R/timed.pub" > /dev/null; d=$(( ($(up) - s) * 10000 + 1 ))
            echo "one run: $d us"
            i=0
            while [ $i -lt 24 ]; do
                i=$((i + 1))
                xenmb ak --pem --public "$R/killed.pub" > /dev/null 2>&1 &
                P=$!
                usleep $(( (i * 37003) % d + 1000 ))
                kill -9 $P 2>/dev/null
                wait $P
                echo "run $i rc $?"
                if [ -e "$R/killed.pub" ]; then cp "$R/killed.pub" "$R/snap.$i"; else echo "absent $i"; fi
            done
            ls "$R" | grep '^killed\\.pub\\.' | sed 's/^/leftover /'
            true"""),
        harness.Step("ak_final", 'xenmb ak --public "$R/killed.pub"'),
        harness.Step("ak_after", """
            for f in "$R"/killed.pub.*; do
                [ -e "$f" ] && echo "leftover $(basename "$f")"
            done
            true"""),
        harness.Step("tag_kill", f"""
            s=$(up); xenmb asset-tag show > /dev/null; d=$(( ($(up) - s) * 20000 + 1 ))
            i=0
            while [ $i -lt 16 ]; do
                i=$((i + 1))
                if [ $((i % 2)) = 0 ]; then T={TAG_A.hex()}; else T={TAG_B.hex()}; fi
                xenmb asset-tag set $T > /dev/null 2>&1 &
                P=$!
                usleep $(( (i * 17011) % d + 1000 ))
                kill -9 $P 2>/dev/null
                wait $P
                echo "run $i rc $?"
                xenmb asset-tag show --json | tr -d '\\n'
                echo
            done"""),
        harness.Step("tag_final", f"xenmb asset-tag set {TAG_A.hex()} && xenmb asset-tag show --json"),
        harness.Step("transient", send(get_handles(0x80000000))),
        harness.Step("sessions", send(get_handles(0x02000000))),
        harness.Step("info1", "xenmb info --json"),
        harness.Step("stats", "ask STATS"),
        harness.Step("rmmod", "rmmod xenmb"),
    ]


def bounded_result(g, step, name):
    """(rc, seconds, hung) of a 'bounded NAME' run in @step."""
    for line in g.out(step).splitlines():
        if line == f"{name} HUNG":
            return None, None, True
        if line.startswith(f"{name} rc="):
            rc, cs = line.split()[1:3]
            return int(rc[3:]), int(cs[3:]) / 100, False
    return None, None, False


def guest_file(g, name):
    try:
        with open(os.path.join(g.results, name), "rb") as f:
            return f.read()
    except OSError:
        return None


def checkquote(g, name, nonce):
    q = os.path.join(g.results, name)
    return subprocess.run(["tpm2_checkquote", "-u", os.path.join(q, "ak.pem"),
                           "-m", os.path.join(q, "quote.msg"), "-s", os.path.join(q, "quote.sig"),
                           "-g", "sha256", "-f", os.path.join(q, "quote.pcrs"), "-q", nonce.hex()],
                          capture_output=True).returncode


def check(c, g, nonce):
    etime, eio = os.strerror(errno.ETIME), os.strerror(errno.EIO)
    c.equal(g.rc("insmod"), 0, "the module loads")
    info0 = (g.json("info0") or {}).get("counters", {})

    # (a) Late answer.
    rc, secs, hung = bounded_result(g, "delay", "late")
    err = guest_file(g, "late.e") or b""
    c.check(rc == 4 and etime.encode() in err,
            f"response 3 s late: 'xenmb tpm send' exits 4 naming ETIME ({etime})", f"rc {rc}: {err!r}")
    c.check(secs is not None and 0.7 <= secs < 3.0,
            f"... after the kernel's 750 ms, not the relay's 3 s ({secs} s)")
    c.equal(g.rc("after_delay"), 0, "the next command works once the late answer is in")

    # (b) A TPM that stops answering.
    results = {n: bounded_result(g, "mute", n) for n in ("m_first", "m_next", "m_l2", "m_tpmrm", "m_info")}
    print(f"# silent TPM: {results}")
    c.check(not any(r[2] for r in results.values()), f"no call hung (all done within {BOUND_S} s)",
            repr(results))
    first_err = guest_file(g, "m_first.e") or b""
    c.check(results["m_first"][0] == 4 and etime.encode() in first_err,
            "the unanswered command gets ETIME", repr(first_err))
    for n in ("m_next", "m_l2"):
        e = (guest_file(g, f"{n}.e") or b"").decode(errors="replace")
        c.check(results[n][0] == 4 and "refused" in e,
                f"{n}: a command while the TPM is silent fails cleanly (exit 4)", e)
        print(f"# {n}: {e.strip()} after {results[n][1]} s")
    tpmrm_err = guest_file(g, "m_tpmrm.e") or b""
    c.check(results["m_tpmrm"][0] not in (0, None) and etime.encode() in tpmrm_err,
            "tpm2_getrandom on /dev/tpmrm0 fails cleanly meanwhile (ETIME)", repr(tpmrm_err))
    c.equal(results["m_info"][0], 0, "'xenmb info' (no TPM command) still works")
    c.equal(g.rc("after_mute"), 0, "the TPM works again once it answers")

    # (c) Cut short on the wire, garbage the kernel sees.
    rc, secs, _ = bounded_result(g, "stall", "stalled")
    c.check(rc == 4 and etime.encode() in (guest_file(g, "stalled.e") or b""),
            f"a response cut short on the wire: ETIME after {secs} s", repr(guest_file(g, "stalled.e")))
    c.equal(g.rc("after_stall"), 0, "the next command works")
    c.check(g.rc("bad_tag") == 4 and eio in g.err("bad_tag") and "response" not in g.out("bad_tag"),
            "a response with a bad tag: EIO, no response printed", g.out("bad_tag") + g.err("bad_tag"))
    c.equal((g.json("unassigned") or {}).get("tpm_rc"), 0x143,
            "control: the unassigned command gets TPM_RC_COMMAND_CODE")
    c.check(g.rc("error_body") == 4 and eio in g.err("error_body"),
            "an error response with a body (length field larger than an error's): EIO",
            g.out("error_body") + g.err("error_body"))
    c.equal(g.rc("after_garbage"), 0, "the TPM works after the garbage")

    # (c) The helper's parser: never a success, never a file.
    c.equal(g.rc("ek"), 0, "'xenmb ek' exits 0")
    c.equal(g.rc("ak"), 0, "'xenmb ak' exits 0")
    for step, what in (("q_short", "a quote response cut to 40 bytes (length field says 40)"),
                       ("q_header", "a quote 'success' of a bare header"),
                       ("q_pad", "a quote response with 16 stray bytes (length field larger)"),
                       ("q_tag", "a quote response with a bad tag")):
        c.check(g.rc(step) not in (0, None), f"{what}: 'xenmb quote' fails",
                f"rc {g.rc(step)}: {g.err(step)[-300:]}")
        print(f"# {step}: rc {g.rc(step)}: {g.err(step).strip()[-200:]}")
    c.equal(g.out("files").split(), [], "the failed quotes wrote no file")
    c.equal(g.rc("q_good"), 0, "then a quote succeeds")
    c.equal(checkquote(g, "q_good", nonce), 0, "tpm2_checkquote accepts it")

    # (d) Killed writers.
    final = guest_file(g, "killed.pub")
    c.check(g.rc("ak_final") == 0 and final and struct.unpack(">H", final[:2])[0] == len(final) - 2,
            "the AK public file of an unkilled run is a whole TPM2B_PUBLIC")
    runs = [line for line in g.out("ak_kill").splitlines() if line.startswith("run ")]
    killed = sum(1 for line in runs if line.endswith("rc 137"))
    snaps = [guest_file(g, f"snap.{i}") for i in range(1, 25)]
    bad = [i + 1 for i, s in enumerate(snaps) if s is not None and s != final]
    absent = sum(1 for s in snaps if s is None)
    c.check(len(runs) == 24 and killed >= 8,
            f"'xenmb ak --public F' run 24 times, {killed} of them killed by SIGKILL", "\n".join(runs))
    c.equal(bad, [], f"after each kill the file is absent ({absent}x) or whole ({24 - absent - len(bad)}x)")
    # A kill between naming the whole temporary file and the rename leaves
    # FILE.<pid>; the next write of FILE removes those of dead writers.
    leftovers = [line for line in g.out("ak_kill").splitlines() if line.startswith("leftover")]
    c.check(all(re.fullmatch(r"leftover killed\.pub\.[0-9]+", x) for x in leftovers),
            f"after the kills, only dead writers' FILE.<pid> files may remain ({len(leftovers)})",
            repr(leftovers))
    c.equal([line for line in g.out("ak_after").splitlines() if line.startswith("leftover")], [],
            "the next (unkilled) write removed every temporary file a killed writer left")

    shows = [line for line in g.out("tag_kill").splitlines() if line.startswith("{")]
    runs = [line for line in g.out("tag_kill").splitlines() if line.startswith("run ")]
    killed = sum(1 for line in runs if line.endswith("rc 137"))
    tags = [json.loads(s).get("tag") if json.loads(s).get("present") else None for s in shows]
    c.check(len(shows) == 16 and killed >= 5,
            f"'xenmb asset-tag set' run 16 times, {killed} killed; the tag read after each", repr(runs))
    seen_tag = False
    odd = []
    for t in tags:
        if t is None and seen_tag:
            odd.append("absent after a tag was set")
        elif t is not None and t not in (TAG_A.hex(), TAG_B.hex()):
            odd.append(t)
        seen_tag |= t is not None
    c.equal(odd, [], "after each kill the asset tag is the old or the new one, never another")
    c.check(g.rc("tag_final") == 0 and TAG_A.hex() in g.out("tag_final"),
            "a last 'asset-tag set' works and reads back", g.out("tag_final") + g.err("tag_final"))

    c.equal(handles_of(g, "transient"), [], "no transient object left in the TPM")
    sessions = handles_of(g, "sessions")
    c.equal(sessions, [], "no session left in the TPM")

    info1 = (g.json("info1") or {}).get("counters", {})
    d = {k: info1.get(k, 0) - info0.get(k, 0) for k in ("timeouts", "io_errors")}
    print(f"# counter deltas: {d}")
    c.check(d["timeouts"] >= 3, f"INFO timeouts grew by {d['timeouts']} (late, silent, stalled ...)")
    c.check(d["io_errors"] >= 3, f"INFO io_errors grew by {d['io_errors']} (bad tags, error body)")
    stats = g.err("stats")
    print(f"# relay: {stats.strip()}")
    c.check("relay: OK" in stats, "the relay reports what it injected", stats)
    c.equal(g.rc("rmmod"), 0, "the module unloads")
    problems = harness.kernel_problems(g.dmesg())
    c.check(not problems, "no oops, WARN, BUG, lockup or hung task in the kernel log",
            "\n    ".join(problems[:5]))


def main(argv):
    c = harness.Checker("faults")
    b = harness.tcti_binaries(("tpm2_getrandom",))
    b["libs"].append("/usr/lib/x86_64-linux-gnu/libtss2-tcti-device.so.0")
    nonce = os.urandom(20)
    try:
        g = harness.boot("faults", "tpm2", harness.fresh_state("faults"),
                         steps_for(base64.b64encode(nonce).decode()), b,
                         prologue=PROLOGUE, faults=True, timeout=1200)
    except RuntimeError as e:
        c.check(False, "boot", str(e))
        return c.finish()
    check(c, g, nonce)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
