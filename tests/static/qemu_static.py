#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The static helper (make helper-static) against a real (emulated) TPM 2.0:
the test guest boots with build/xenmb-static as its only /usr/bin/xenmb and
no TSS2 library at all, reads the TPM's info, creates the EK and the AK and
quotes; the host's dynamically linked helper verifies that quote.

  qemu_static.py        (run by tests/static/test_static.sh)
"""
import base64
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "qemu"))
import harness  # noqa: E402

STATIC = os.path.join(harness.BUILD, "xenmb-static")


def main():
    c = harness.Checker("static/qemu")
    binaries = harness.guest_binaries()
    # Not the dynamic helper: the static one, copied as it is (no ldd walk).
    binaries["bins"] = [b for b in binaries["bins"] if os.path.basename(b) != "xenmb"]
    binaries["files"] = [f"{STATIC}:/usr/bin/xenmb"]
    nonce = os.urandom(20)
    nonce_b64 = base64.b64encode(nonce).decode()
    steps = [
        harness.Step("insmod", "insmod /lib/modules/xenmb/xenmb.ko"),
        harness.Step("no_tss", "ls /usr/lib*/libtss2* /lib*/libtss2* "
                     "/usr/lib/*/libtss2* 2>/dev/null | wc -l"),
        harness.Step("info", "xenmb info --json"),
        harness.Step("ek", "xenmb ek"),
        harness.Step("ek_local", "xenmb ek --tcti xenmb:locality=0"),
        harness.Step("ak", 'xenmb ak --pem --public "$R/ak.pub"'),
        harness.Step("quote", f'xenmb quote --nonce {nonce_b64} --out "$R/q" --json'),
        harness.Step("cp_quote", 'ls "$R/q"'),
        harness.Step("other_tcti", "xenmb ek --tcti device:/dev/tpm0"),
        harness.Step("rmmod", "rmmod xenmb"),
    ]
    state = harness.fresh_state("static-tpm2")
    try:
        g = harness.boot("static-tpm2", "tpm2", state, steps, binaries)
    except RuntimeError as e:
        c.check(False, "boot", str(e))
        return c.finish()
    c.equal(g.rc("insmod"), 0, "the module loads")
    c.equal(g.out("no_tss").strip(), "0", "the guest has no libtss2 library")
    info = g.json("info") or {}
    c.check(g.rc("info") == 0 and info.get("tpm_family") == "2.0",
            "'xenmb info --json' (static) reports the TPM 2.0", g.out("info") + g.err("info"))
    c.check(g.rc("ek") == 0 and "0x81010001" in g.out("ek"),
            "'xenmb ek' (static, built-in xenmb TCTI) finds or creates the EK",
            g.out("ek") + g.err("ek"))
    c.equal(g.rc("ek_local"), 0, "--tcti xenmb:locality=0 goes to the built-in TCTI")
    c.check(g.rc("ak") == 0 and "BEGIN PUBLIC KEY" in g.out("ak"),
            "'xenmb ak --pem' (static) creates the AK", g.out("ak") + g.err("ak"))
    q = g.json("quote") or {}
    c.check(g.rc("quote") == 0 and q, "'xenmb quote --json' (static) exits 0 with JSON",
            g.out("quote")[:300] + g.err("quote"))
    c.check(g.rc("other_tcti") not in (0, None) and "only the xenmb TCTI" in g.err("other_tcti"),
            "another TCTI is refused by name, not dlopen()ed", g.err("other_tcti"))
    c.equal(g.rc("rmmod"), 0, "the module unloads")
    # The host's (dynamic) helper checks the static one's quote.
    qdir = os.path.join(g.results, "q")
    ak = os.path.join(g.results, "ak.pem")
    with open(ak, "w") as f:
        f.write(g.out("ak")[g.out("ak").find("-----BEGIN"):])
    host = os.path.join(harness.BUILD, "xenmb")
    p = subprocess.run([host, "verify", "--quote-dir", qdir, "--ak", ak, "--nonce", nonce_b64,
                        "--json"], capture_output=True, text=True)
    c.check(p.returncode == 0, "the host's helper verifies the static helper's quote "
            "(signature by the AK, the nonce)", p.stdout[-400:] + p.stderr[-400:])
    problems = harness.kernel_problems(g.dmesg())
    c.check(not problems, "no oops, WARN or BUG in the guest's kernel log", "\n".join(problems[:5]))
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
