#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The attestation verdict on an (emulated) TXT measured launch, TPM 2.0.

Three boots of one swtpm state, the same scenario each time (a quote of
this boot with a nonce the guest draws, a known-good list recorded live,
and a quote by a second AK made with tpm2-tools):
  1. clean launch: the host records the known-good list from the quote and
     'xenmb verify' says trusted; the second AK's quote, checked against
     the first AK, is untrusted for its signature;
  2. the launch measures another initrd (txtlaunch.py --initrd): untrusted,
     naming PCR 19 and the initrd event; 'known-good diff' says the same;
  3. the original launch again: trusted.
tpm2_checkquote judges every quote independently (all are genuine), and
the launch generator's own hashes judge the recorded list.

  test_verify.py
"""
import base64
import json
import os
import subprocess
import sys

import harness
import txtlaunch

MODE = "tpm2-agile"
XENMB = os.path.join(harness.BUILD, "xenmb")
EXIT_UNTRUSTED = 12
AK2_ATTRS = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign"
INITRD_DESC = "module 2: /boot/initrd-6.1-xen.img"


def steps_for(meta):
    # The nonce is drawn in the guest, so that every boot runs the same
    # scenario (and boots the same initramfs).
    nonce = 'N=$(cat "$R/nonce")'
    return [
        harness.Step("insmod", f"insmod /lib/modules/xenmb/xenmb.ko txt_base={meta['base']:#x}"),
        harness.Step("nonce", 'head -c 32 /dev/urandom | base64 | tr -d "\\n" > "$R/nonce"'),
        harness.Step("quote", f'{nonce}; xenmb quote --nonce "$N" --out "$R/q"'),
        # --json with --out carries the logs; without, it has none.
        harness.Step("quote_json", f'{nonce}; xenmb quote --nonce "$N" --out /tmp/qj --json'),
        harness.Step("quote_nologs", f'{nonce}; xenmb quote --nonce "$N" --json'),
        harness.Step("live", 'xenmb known-good record --live --out "$R/live.json"'),
        # A second AK: a restricted signing primary key in the endorsement
        # hierarchy, and its quote of PCR 17-19 over the same nonce.
        harness.Step("ak2", "tpm2_createprimary -T xenmb -C e -G rsa2048:rsassa-sha256:null "
                     f"-a '{AK2_ATTRS}' -c /tmp/ak2.ctx"),
        harness.Step("ak2_quote", f'{nonce}; mkdir -p "$R/q2" && '
                     'tpm2_quote -T xenmb -c /tmp/ak2.ctx -l sha256:17,18,19 -g sha256 '
                     '-q "$(echo "$N" | base64 -d | xxd -p | tr -d "\\n")" '
                     '-m "$R/q2/quote.msg" -s "$R/q2/quote.sig" -o "$R/q2/quote.pcrs"'),
        harness.Step("ak2_pem", 'tpm2_readpublic -T xenmb -c /tmp/ak2.ctx -f pem -o "$R/q2/ak2.pem"'),
        harness.Step("flush", "tpm2_flushcontext -T xenmb -t"),
        harness.Step("rmmod", "rmmod xenmb"),
    ]


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def _read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ""


def checkquote(c, qdir, ak, nonce_b64, what):
    """tpm2_checkquote, the independent judge of a quote directory."""
    rc, out, err = run(["tpm2_checkquote", "-u", ak, "-m", os.path.join(qdir, "quote.msg"),
                        "-s", os.path.join(qdir, "quote.sig"), "-f", os.path.join(qdir, "quote.pcrs"),
                        "-g", "sha256", "-q", base64.b64decode(nonce_b64).hex()])
    c.equal(rc, 0, f"{what}: tpm2_checkquote accepts the quote")
    if rc:
        print("    " + (out + err)[-400:].replace("\n", "\n    "))


def verify(qdir, nonce, *extra):
    return run([XENMB, "verify", "--quote-dir", qdir, "--nonce", nonce, *extra])


def lines_of(out, kind):
    return [ln for ln in out.splitlines() if ln.startswith(kind + ": ")]


def guest_ok(c, g, what):
    for step in ("insmod", "nonce", "quote", "quote_json", "quote_nologs", "live", "ak2", "ak2_quote", "ak2_pem"):
        if not c.equal(g.rc(step), 0, f"{what}: guest step {step} exits 0"):
            print("    " + g.err(step)[-400:].replace("\n", "\n    "))
    problems = harness.kernel_problems(harness.after_launch(g.dmesg()))
    c.check(not problems, f"{what}: no oops, WARN or BUG", "\n    ".join(problems[:5]))


def check_clean(c, g, meta, kg):
    """Boot 1: record the list, verify trusted, the second AK untrusted."""
    q, nonce = os.path.join(g.results, "q"), _read(os.path.join(g.results, "nonce"))
    checkquote(c, q, os.path.join(q, "ak.pem"), nonce, "clean boot")
    rc, out, err = run([XENMB, "known-good", "record", "--quote-dir", q, "--nonce", nonce,
                        "--out", kg])
    c.equal(rc, 0, "clean boot: 'known-good record' from the quote directory exits 0")
    try:
        with open(kg) as f:
            lst = json.load(f)
    except (OSError, ValueError) as e:
        c.check(False, "the known-good list is JSON", str(e))
        return
    # Judged by the launch generator's own hashes, not by our code.
    drtm = [e for e in lst.get("events", []) if e.get("log") == "drtm" and e.get("type") != 3]
    want = [(e["pcr"], e["type"], e["digests"]["sha256"]) for e in meta["events"]]
    got = [(e["pcr"], e["type"], (e["digests"].get("sha256") or [""])[0]) for e in drtm]
    c.equal(got, want, "the list's DRTM events are the launch's, with its sha256 digests")
    initrd = [e for e in drtm if e.get("description") == INITRD_DESC]
    c.check(len(initrd) == 1 and initrd[0].get("component") == "initrd"
            and initrd[0].get("type_name"),
            "the initrd event is listed as component 'initrd', with type and description",
            repr(initrd))
    for p in ("17", "18", "19"):
        c.equal(lst.get("pcrs", {}).get("sha256", {}).get(p), [meta["expected_pcrs"]["sha256"][p]],
                f"the list accepts PCR {p} (sha256) as the launch's replay gives it")
    live = {}
    try:
        with open(os.path.join(g.results, "live.json")) as f:
            live = json.load(f)
    except (OSError, ValueError):
        pass
    c.check(live.get("pcrs") == lst.get("pcrs") and live.get("events") == lst.get("events"),
            "'known-good record --live' in the guest recorded the same list",
            f"{len(live.get('events', []))} vs {len(lst.get('events', []))} events")

    rc, out, err = verify(q, nonce, "--known-good", kg)
    c.check(rc == 0 and out.startswith("verdict: trusted") and not lines_of(out, "reason"),
            "clean boot: 'xenmb verify --known-good' says trusted, exit 0", out + err)
    rc, out, err = verify(q, nonce, "--known-good", kg, "--json")
    res = json.loads(out) if rc in (0, EXIT_UNTRUSTED) and out.startswith("{") else {}
    c.check(res.get("verdict") == "trusted" and all(
        res.get("checks", {}).get(k) == "ok" for k in
        ("signature", "quote", "nonce", "pcr-digest", "log", "replay", "known-good")),
            "clean boot: --json: trusted, every check done and ok", out)
    # The same verdict from 'xenmb quote --json' and from its base64 (what
    # xentpm --tpm_quote and the plugin hand out).
    qjson = os.path.join(g.results, "quote_json.out")
    qb64 = os.path.join(g.results, "quote_json.b64")
    with open(qjson, "rb") as f, open(qb64, "w") as o:
        o.write(base64.b64encode(f.read()).decode())
    for what, path in (("quote --json", qjson), ("its base64", qb64)):
        rc, out, err = run([XENMB, "verify", "--quote-json", path, "--nonce", nonce,
                            "--ak", os.path.join(q, "ak.pem"), "--known-good", kg])
        c.check(rc == 0 and out.startswith("verdict: trusted"),
                f"clean boot: {what}: trusted against the list", out + err)
    rc, out, err = run([XENMB, "verify", "--quote-json", os.path.join(g.results, "quote_nologs.out"),
                        "--nonce", nonce, "--ak", os.path.join(q, "ak.pem"), "--known-good", kg])
    reasons = lines_of(out, "reason")
    c.check(rc == EXIT_UNTRUSTED and len(reasons) == 2 and
            all("log came with the quote" in ln for ln in reasons),
            "clean boot: a quote without its logs is untrusted against the list, one line a log",
            out + err)
    other = base64.b64encode(os.urandom(32)).decode()
    rc, out, err = verify(q, other)
    c.check(rc == EXIT_UNTRUSTED and [ln.split(":")[1].strip() for ln in lines_of(out, "reason")]
            == ["nonce"], "another nonce: untrusted (exit 12), for the nonce alone", out + err)

    q2 = os.path.join(g.results, "q2")
    checkquote(c, q2, os.path.join(q2, "ak2.pem"), nonce, "second AK")
    rc, out, err = verify(q2, nonce, "--ak", os.path.join(q2, "ak2.pem"))
    c.check(rc == 0 and "verdict: trusted" in out,
            "the second AK's quote verifies with the second AK (control)", out + err)
    rc, out, err = verify(q2, nonce, "--ak", os.path.join(q, "ak.pem"))
    reasons = lines_of(out, "reason")
    c.check(rc == EXIT_UNTRUSTED and out.startswith("verdict: untrusted") and reasons
            and all(ln.startswith("reason: signature: ") for ln in reasons),
            "a quote signed by another AK: untrusted (exit 12), naming the signature", out + err)


def check_changed(c, g, kg, ak):
    """Boot 2: another initrd measured: untrusted, PCR 19 and the event."""
    q, nonce = os.path.join(g.results, "q"), _read(os.path.join(g.results, "nonce"))
    checkquote(c, q, ak, nonce, "changed initrd")
    rc, out, err = verify(q, nonce, "--ak", ak)
    c.check(rc == 0, "changed initrd: without the list the quote and logs agree (trusted)",
            out + err)
    rc, out, err = verify(q, nonce, "--ak", ak, "--known-good", kg)
    reasons = lines_of(out, "reason")
    c.check(rc == EXIT_UNTRUSTED and out.startswith("verdict: untrusted"),
            "changed initrd: 'xenmb verify --known-good' says untrusted, exit 12", out + err)
    c.check(reasons and all(ln.startswith("reason: known-good: ") for ln in reasons),
            "changed initrd: every reason is the known-good comparison", out)
    c.check(any("PCR 19 (sha256)" in ln for ln in reasons),
            "changed initrd: a reason names PCR 19", out)
    events = [ln for ln in reasons if "log event" in ln]
    c.check(len(events) == 1 and "PCR 19, drtm log event" in events[0] and
            "initrd" in events[0] and INITRD_DESC in events[0],
            "changed initrd: exactly one event differs, the initrd (PCR 19, drtm log)", out)
    c.check(all("PCR 19" in ln for ln in reasons),
            "changed initrd: nothing but PCR 19 differs", out)
    rc, out, err = run([XENMB, "known-good", "diff", kg, "--quote-dir", q, "--nonce", nonce,
                        "--ak", ak])
    changed = lines_of(out, "changed")
    c.check(rc == EXIT_UNTRUSTED and changed and
            any("initrd" in ln and "PCR 19" in ln for ln in changed) and
            not lines_of(out, "untrusted"),
            "changed initrd: 'known-good diff' explains it (initrd, PCR 19), exit 12", out + err)


def check_again(c, g, kg, ak):
    q, nonce = os.path.join(g.results, "q"), _read(os.path.join(g.results, "nonce"))
    checkquote(c, q, ak, nonce, "original launch again")
    rc, out, err = verify(q, nonce, "--ak", ak, "--known-good", kg)
    c.check(rc == 0 and out.startswith("verdict: trusted"),
            "original launch again: trusted, exit 0", out + err)
    rc, out, err = run([XENMB, "known-good", "diff", kg, "--quote-dir", q, "--nonce", nonce,
                        "--ak", ak])
    c.check(rc == 0 and out.strip() == "no change", "original launch again: 'known-good diff' "
            "says no change", out + err)


def main(argv):
    c = harness.Checker("verify")
    binaries = harness.tcti_binaries(("tpm2_createprimary", "tpm2_quote", "tpm2_readpublic",
                                      "tpm2_flushcontext"))
    base = harness.launch_dir("verify")
    clean_dir, changed_dir = os.path.join(base, "clean"), os.path.join(base, "changed")
    meta = txtlaunch.generate(clean_dir, MODE)
    changed = txtlaunch.generate(changed_dir, MODE, initrd="another initrd")
    c.check(changed["expected_pcrs"]["sha256"]["19"] != meta["expected_pcrs"]["sha256"]["19"] and
            all(changed["expected_pcrs"]["sha256"][p] == meta["expected_pcrs"]["sha256"][p]
                for p in ("17", "18", "20", "21", "22")),
            "txtlaunch --initrd changes PCR 19 only")
    state = harness.fresh_state("verify")
    kg = os.path.join(base, "known-good.json")
    ak = None
    for name, launch, check in (("verify-clean", clean_dir, "clean"),
                                ("verify-initrd", changed_dir, "changed"),
                                ("verify-again", clean_dir, "again")):
        try:
            g = harness.boot(name, "tpm2", state, steps_for(meta), binaries, launch=launch,
                             timeout=900)
        except RuntimeError as e:
            c.check(False, f"{name}: boot", str(e))
            return c.finish()
        c.equal(harness.LAUNCH_DONE in g.dmesg(), True, f"{name}: the emulated launch ran")
        guest_ok(c, g, name)
        if check == "clean":
            # The AK enrolled on the clean boot; later quotes must use it.
            ak = os.path.join(base, "ak.pem")
            with open(os.path.join(g.results, "q", "ak.pem"), "rb") as f, open(ak, "wb") as o:
                o.write(f.read())
            check_clean(c, g, meta, kg)
        elif check == "changed":
            check_changed(c, g, kg, ak)
        else:
            check_again(c, g, kg, ak)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
