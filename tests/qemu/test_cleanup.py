#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Per-file cleanup: what a /dev/xenmb file loaded into the TPM is flushed
when the file is released, by a close or by the process dying.

TPM 2.0 (TIS), one boot:
  * 'xenmb quote', xentpm's --tpm_quote and tpm2_quote -T xenmb SIGKILLed at
    moments spread over one run (between Load/StartAuthSession and
    FlushContext for most of them);
  * tpm2_createprimary -T xenmb and tpm2_startauthsession -T xenmb, which
    leave their object and session loaded on purpose when they exit, and a
    HashSequenceStart sent alone, whose sequence object nothing completes;
  * afterwards the TPM holds no transient object and no loaded or saved
    session (asked over /dev/xenmb and, independently, by tpm2_getcap on
    /dev/tpm0), the persistent EK and AK are still there, and a quote
    passes tpm2_checkquote on the host;
  * 'xenmb challenge' and xentpm's --tpm_challenge SIGKILLed the same way,
    on a credential made in the guest by tpm2_makecredential -T none; after
    the kills the credential still activates;
  * each release flush is audited (TPM2_FlushContext by the dying process).
TPM 1.2, one boot: 'xenmb quote' (LoadKey2, OIAP/OSAP) SIGKILLed the same
way; afterwards TPM_GetCapability lists no loaded key and no open auth
session, and the next quote works.

  test_cleanup.py
"""
import base64
import os
import re
import struct
import subprocess
import sys

import harness
from tpm_handles import (HR_LOADED_SESSION, HR_PERSISTENT, HR_SAVED_SESSION, HR_TRANSIENT, TPM12_RT_AUTH,
                         TPM12_RT_KEY, get_handles, handles_of, tpm12_get_handles, tpm12_handles)

KILLS = 12
NONCE = bytes(range(32))
NONCE_B64 = base64.b64encode(NONCE).decode()
XENTPM = "/opt/xensource/tpm/xentpm"
TOOLS = ("tpm2_createprimary", "tpm2_startauthsession", "tpm2_getcap", "tpm2_quote",
         "tpm2_makecredential")
SECRET = b"cleanup-secret-0123456789abcdef!"
# TPM2_HashSequenceStart(auth: empty, SHA-256): a sequence object.
HASH_SEQUENCE_START = struct.pack(">HII HH", 0x8001, 14, 0x186, 0, 0x000B)


# kill_loop NAME CMD: runs CMD KILLS times, each SIGKILLed at a moment
# spread over one unkilled run (measured first), and says how each ended,
# the unkilled run included.
PROLOGUE = r"""
up() { read -r a b < /proc/uptime; echo "${a%.*}${a#*.}"; }
kill_loop() {
    name=$1; shift
    s=$(up); sh -c "$*" > /dev/null 2>&1; r=$?; d=$(( ($(up) - s) * 10000 + 1 ))
    echo "$name one run: $d us, rc $r"
    i=0
    while [ $i -lt KILLS ]; do
        i=$((i + 1))
        sh -c "exec $*" > /dev/null 2>&1 &
        P=$!
        usleep $(( (i * 37003) % d + 1000 ))
        kill -9 $P 2>/dev/null
        wait $P
        echo "$name run $i rc $?"
    done
}
""".replace("KILLS", str(KILLS))


def tpm2_steps():
    quote = f'xenmb quote --nonce {NONCE_B64} --pcrs sha256:0,1,2,3 --out /tmp/qk'
    tquote = ("tpm2_quote -T xenmb -c 0x81018000 -l sha256:0,1 -g sha256 "
              f"-q {NONCE.hex()} -m /tmp/tq.msg -s /tmp/tq.sig")
    return [
        harness.Step("insmod", "insmod /lib/modules/xenmb/xenmb.ko"),
        harness.Step("ek", "xenmb ek"),
        harness.Step("ak", "xenmb ak"),
        harness.Step("kill_quote", f"kill_loop quote '{quote}'"),
        harness.Step("kill_xentpm", f"kill_loop xentpm '{XENTPM} --tpm_quote {NONCE_B64}'"),
        harness.Step("kill_tpm2_quote", f"kill_loop tpm2_quote '{tquote}'"),
        # A credential for this EK and AK, made in the guest as a server
        # would (tpm2_makecredential, no TPM); its activation (StartAuthSession,
        # PolicySecret, ActivateCredential) killed the same way.
        harness.Step("cred", "xenmb ek --pem > /tmp/ek.pem && "
                     f"printf '{SECRET.decode()}' > /tmp/secret && "
                     "tpm2_makecredential -T none -u /tmp/ek.pem -G rsa -s /tmp/secret "
                     "-n $(xenmb ak --name) -o /tmp/cred && base64 -w 0 /tmp/cred > /tmp/cred.b64"),
        harness.Step("kill_challenge", "kill_loop challenge 'xenmb challenge --file /tmp/cred'"),
        harness.Step("kill_xentpm_challenge",
                     f"kill_loop xentpm_challenge \"{XENTPM} --tpm_challenge $(cat /tmp/cred.b64)\""),
        harness.Step("challenge_after", "xenmb challenge --file /tmp/cred"),
        # These leave their handle loaded on exit, by design.
        harness.Step("primary", "tpm2_createprimary -T xenmb -C o -G ecc -c /tmp/p.ctx"),
        harness.Step("session", "tpm2_startauthsession -T xenmb -S /tmp/s.ctx"),
        harness.Step("sequence", f"xenmb tpm send --locality 0 --json {HASH_SEQUENCE_START.hex()}"),
        harness.Step("transient", f"xenmb tpm send --locality 0 --json {get_handles(HR_TRANSIENT).hex()}"),
        harness.Step("loaded_sessions", f"xenmb tpm send --locality 0 --json {get_handles(HR_LOADED_SESSION).hex()}"),
        harness.Step("saved_sessions", f"xenmb tpm send --locality 0 --json {get_handles(HR_SAVED_SESSION).hex()}"),
        harness.Step("persistent", f"xenmb tpm send --locality 0 --json {get_handles(HR_PERSISTENT).hex()}"),
        harness.Step("tpm0_transient", "tpm2_getcap -T device:/dev/tpm0 handles-transient"),
        harness.Step("tpm0_sessions", "tpm2_getcap -T device:/dev/tpm0 handles-loaded-session; "
                     "tpm2_getcap -T device:/dev/tpm0 handles-saved-session"),
        harness.Step("quote_after", f'xenmb quote --nonce {NONCE_B64} --pcrs sha256:0,1,2,3 --out "$R/q"'),
        harness.Step("ak_pem", 'xenmb ak --pem > "$R/ak.pem"'),
        harness.Step("rmmod", "rmmod xenmb"),
    ]


def tpm12_steps():
    quote = f'xenmb quote --nonce {NONCE_B64} --out /tmp/qk'
    return [
        harness.Step("insmod", "insmod /lib/modules/xenmb/xenmb.ko"),
        harness.Step("take", "mkdir -p /opt/xensource/tpm && xenmb owner take"),
        harness.Step("ak", "xenmb ak"),
        harness.Step("kill_quote", f"kill_loop quote '{quote}'"),
        harness.Step("keys", f"xenmb tpm send --locality 0 --json {tpm12_get_handles(TPM12_RT_KEY).hex()}"),
        harness.Step("auths", f"xenmb tpm send --locality 0 --json {tpm12_get_handles(TPM12_RT_AUTH).hex()}"),
        harness.Step("quote_after", f'xenmb quote --nonce {NONCE_B64} --out "$R/q"'),
        harness.Step("rmmod", "rmmod xenmb"),
    ]


def expect(c, got, want, what, detail=""):
    c.check(got == want, what, f"got {got!r}, want {want!r}" + (f"; {detail}" if detail else ""))


def killed_runs(c, g, step):
    out = g.out(step)
    expect(c, re.findall(r"one run: \d+ us, rc (\d+)", out), ["0"],
           f"{step}: the run measured first, not killed, succeeds", out[:200])
    ends = re.findall(r"run \d+ rc (\d+)", out)
    expect(c, len(ends), KILLS, f"{step}: {KILLS} runs", out[-400:])
    return sum(1 for rc in ends if rc == "137")


def check_tpm2(c, g):
    for step in ("ek", "ak"):
        expect(c, g.rc(step), 0, f"'xenmb {step}' before the kills", g.err(step))
    killed = sum(killed_runs(c, g, s) for s in ("kill_quote", "kill_xentpm", "kill_tpm2_quote"))
    c.check(killed >= KILLS, f"{killed} of {3 * KILLS} runs were killed mid-way (SIGKILL)")
    expect(c, g.rc("cred"), 0, "a credential made in the guest (tpm2_makecredential -T none)",
           g.err("cred"))
    killed = sum(killed_runs(c, g, s) for s in ("kill_challenge", "kill_xentpm_challenge"))
    c.check(killed >= KILLS // 2,
            f"{killed} of {2 * KILLS} activations were killed mid-way (SIGKILL)")
    expect(c, (g.rc("challenge_after"), g.out("challenge_after").strip()),
           (0, base64.b64encode(SECRET).decode()),
           "after the kills, the credential still activates to its secret (base64)",
           g.err("challenge_after"))
    expect(c, g.rc("primary"), 0, "tpm2_createprimary -T xenmb exits 0", g.err("primary"))
    expect(c, g.rc("session"), 0, "tpm2_startauthsession -T xenmb exits 0", g.err("session"))
    seq = g.json("sequence") or {}
    rsp = bytes.fromhex(seq.get("response", ""))
    c.check(seq.get("tpm_rc") == 0 and len(rsp) >= 14 and rsp[10] == 0x80,
            "HashSequenceStart over /dev/xenmb creates a sequence object (0x80...)", repr(seq))
    expect(c, handles_of(g, "transient"), [], "no transient object left in the TPM")
    expect(c, handles_of(g, "loaded_sessions"), [], "no loaded session left in the TPM")
    expect(c, handles_of(g, "saved_sessions"), [], "no saved session left in the TPM")
    persistent = handles_of(g, "persistent") or []
    c.check(0x81010001 in persistent and 0x81018000 in persistent,
            "the persistent EK and AK are untouched", repr([hex(h) for h in persistent]))
    c.check(g.rc("tpm0_transient") == 0 and not re.search(r"0x80", g.out("tpm0_transient")),
            "tpm2_getcap on /dev/tpm0 lists no transient handle",
            g.out("tpm0_transient") + g.err("tpm0_transient"))
    c.check(g.rc("tpm0_sessions") == 0 and not re.search(r"0x0[23]", g.out("tpm0_sessions")),
            "tpm2_getcap on /dev/tpm0 lists no session",
            g.out("tpm0_sessions") + g.err("tpm0_sessions"))
    expect(c, g.rc("quote_after"), 0, "a quote after the kills succeeds", g.err("quote_after"))
    qdir = os.path.join(g.results, "q")
    pem = os.path.join(g.results, "ak.pem")
    ok = all(os.path.exists(os.path.join(qdir, f)) for f in ("quote.msg", "quote.sig", "quote.pcrs"))
    if ok:
        r = subprocess.run(["tpm2_checkquote", "-u", pem, "-m", os.path.join(qdir, "quote.msg"),
                            "-s", os.path.join(qdir, "quote.sig"),
                            "-f", os.path.join(qdir, "quote.pcrs"), "-g", "sha256",
                            "-q", NONCE.hex()], capture_output=True, text=True)
        ok = r.returncode == 0
    c.check(ok, "tpm2_checkquote on the host accepts that quote")
    dmesg = g.dmesg()
    flushes = [ln for ln in dmesg.splitlines()
               if "cmd=TPM2_FlushContext" in ln and "errno=0" in ln]
    c.check(flushes, f"release flushes are audited ({len(flushes)} TPM2_FlushContext records)")
    expect(c, g.rc("rmmod"), 0, "the module unloads")
    problems = harness.kernel_problems(dmesg)
    c.check(not problems, "no oops, WARN or BUG", "\n    ".join(problems[:5]))


def check_tpm12(c, g):
    expect(c, g.rc("take"), 0, "TPM 1.2: owner take", g.err("take"))
    expect(c, g.rc("ak"), 0, "TPM 1.2: AIK", g.err("ak"))
    killed = killed_runs(c, g, "kill_quote")
    c.check(killed >= KILLS // 3, f"TPM 1.2: {killed} of {KILLS} quotes killed mid-way")
    expect(c, tpm12_handles(g, "keys"), [], "TPM 1.2: no key left loaded")
    expect(c, tpm12_handles(g, "auths"), [], "TPM 1.2: no OIAP/OSAP session left open")
    expect(c, g.rc("quote_after"), 0, "TPM 1.2: a quote after the kills succeeds",
            g.err("quote_after"))
    expect(c, g.rc("rmmod"), 0, "TPM 1.2: the module unloads")
    problems = harness.kernel_problems(g.dmesg())
    c.check(not problems, "TPM 1.2: no oops, WARN or BUG", "\n    ".join(problems[:5]))


def main(argv):
    c = harness.Checker("cleanup")
    b = harness.tcti_binaries(TOOLS)
    b["libs"].append("/usr/lib/x86_64-linux-gnu/libtss2-tcti-device.so.0")
    b.setdefault("files", []).append(os.path.join(harness.BUILD, "xenmb") + ":" + XENTPM)
    try:
        g = harness.boot("cleanup-tpm2", "tpm2", harness.fresh_state("cleanup-tpm2"),
                         tpm2_steps(), b, prologue=PROLOGUE, timeout=1200)
        check_tpm2(c, g)
    except RuntimeError as e:
        c.check(False, "TPM 2.0 boot", str(e))
    try:
        g = harness.boot("cleanup-tpm12", "tpm12", harness.fresh_state("cleanup-tpm12"),
                         tpm12_steps(), harness.guest_binaries(), prologue=PROLOGUE,
                         timeout=1200)
        check_tpm12(c, g)
    except RuntimeError as e:
        c.check(False, "TPM 1.2 boot", str(e))
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
