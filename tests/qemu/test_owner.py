#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""TPM 2.0 ownership and the asset tag, on a host after an (emulated) TXT
measured launch, judged on the host: 'xenmb owner status|take|clear',
EK/AK/quote on the owned TPM (tpm2_checkquote), wrong passwords, the owner
secret nowhere it must not be, and 'xenmb asset-tag' across reboots on the
same swtpm state (the launch emulator extends the tag into PCR 22).

  test_owner.py

Boots (one fresh swtpm state, reused):
  1. status → take (default secret) → status → ek/ak/quote → asset-tag set
     → wrong config: take, clear, asset-tag set refused → malformed tag
  2. PCR 22 = SHA256(zeros || tag), DRTM log still matches → asset-tag
     clear → owner clear with the right config → status empty
  3. PCR 22 = zero → owner take --endorsement empty (go-attestation's and
     Keylime's way) → tpm2_createek with an empty endorsement auth; xenmb's
     EK, AK, quote and challenge → a 20-byte tag (base64) is set
  4. PCR 22 = SHA256(zeros || tag || 12 zeros)
"""
import base64
import hashlib
import os
import struct
import subprocess
import sys
import time

import harness
import txtlaunch

MODE = "tpm2-agile"
CONFIG = "/opt/xensource/tpm/config"
DEFAULT_SECRET = hashlib.sha1(b"xenroot").digest()
OTHER_SECRET = hashlib.sha1(b"not the owner password").digest()
TAG = hashlib.sha256(b"xenmb owner test asset tag").digest()
TAG20 = hashlib.sha1(b"xenmb owner test sha1 tag").digest()
WRONG_PW = "wrong owner password: check /opt/xensource/tpm/config"
EXIT_BAD_AUTH = 9


def pcr22_read():
    """TPM2_PCR_Read of sha256 PCR 22, built here from the spec."""
    body = struct.pack(">IHB", 1, 0x000B, 3) + bytes([0, 0, 1 << 6])
    return struct.pack(">HII", 0x8001, 10 + len(body), 0x17E) + body


def pcr22_of(g, step):
    """The PCR 22 value of a pcr22_read() answer ('tpm send' text output)."""
    for line in g.out(step).splitlines():
        if line.startswith("response: "):
            rsp = bytes.fromhex(line.split(": ", 1)[1])
            # header, update counter, selection (4 + 6), count, size
            return rsp[30:62] if len(rsp) >= 62 else b""
    return b""


def write_config(secret):
    return (f"mkdir -p /opt/xensource/tpm && "
            f"printf 'password=%s\\n' {secret.hex()} > {CONFIG} && chmod 600 {CONFIG}")


def common_head(meta):
    return [
        harness.Step("insmod", f"insmod /lib/modules/xenmb/xenmb.ko txt_base={meta['base']:#x}"),
        harness.Step("pcr22", f"xenmb tpm send --locality 0 {pcr22_read().hex()}"),
        harness.Step("drtm_check", "xenmb eventlog --drtm --check"),
    ]


def boot1_steps(meta, nonce_b64):
    return common_head(meta) + [
        harness.Step("status_fresh", "xenmb owner status --json"),
        harness.Step("status_fresh_text", "xenmb owner status"),
        # ps and every environment sampled while takes run (the first one
        # takes ownership, the others find it taken with this password).
        harness.Step("take", 'rm -f "$R/ps.txt"; '
                     '( for i in 1 2 3 4 5 6 7 8; do xenmb owner take || exit $?; done ) '
                     '>"$R/take_loop.out" 2>"$R/take_loop.err" & p=$!; '
                     'while kill -0 $p 2>/dev/null; do ps -o pid,args >>"$R/ps.txt" 2>&1 || '
                     'ps >>"$R/ps.txt"; cat /proc/[0-9]*/environ >>"$R/environ.bin" 2>/dev/null; '
                     'done; wait $p; rc=$?; cat "$R/take_loop.out"; cat "$R/take_loop.err" >&2; '
                     'exit $rc'),
        harness.Step("status_owned", "xenmb owner status --json"),
        harness.Step("take_again", "xenmb owner take --json"),
        harness.Step("ek", "xenmb ek"),
        harness.Step("ak", "xenmb ak --name"),
        harness.Step("quote", f'xenmb quote --nonce {nonce_b64} --out "$R/q" --json'),
        harness.Step("tag_show_none", "xenmb asset-tag show"),
        harness.Step("tag_set", f"xenmb asset-tag set {TAG.hex()}"),
        harness.Step("tag_show", "xenmb asset-tag show --json"),
        harness.Step("tag_malformed", f"xenmb asset-tag set {TAG.hex()[:-2]}zz"),
        harness.Step("tag_short", f"xenmb asset-tag set {TAG.hex()[:-2]}"),
        harness.Step("tag_after_malformed", "xenmb asset-tag show --json"),
        harness.Step("config_other", write_config(OTHER_SECRET)),
        harness.Step("take_wrong", "xenmb owner take"),
        harness.Step("clear_wrong", "xenmb owner clear"),
        harness.Step("tag_set_wrong", f"xenmb asset-tag set {hashlib.sha256(b'x').hexdigest()}"),
        harness.Step("tag_after_wrong", "xenmb asset-tag show --json"),
        harness.Step("status_after_wrong", "xenmb owner status --json"),
        harness.Step("rm_config", f"rm -f {CONFIG}"),
        harness.Step("rmmod", "rmmod xenmb"),
    ]


# A quote made after a reboot: PCR 22 must be right in what a server sees.
QUOTE22_NONCE = hashlib.sha256(b"asset tag quote").digest()[:20]


def quote22_step():
    nonce = base64.b64encode(QUOTE22_NONCE).decode()
    return harness.Step("quote22", f'xenmb quote --nonce {nonce} --pcrs sha256:22 --out "$R/q22" --json')


def boot2_steps(meta):
    return common_head(meta) + [
        quote22_step(),
        harness.Step("status", "xenmb owner status --json"),
        harness.Step("tag_show", "xenmb asset-tag show --json"),
        harness.Step("ak", "xenmb ak --name"),
        harness.Step("tag_clear", "xenmb asset-tag clear"),
        harness.Step("tag_show_none", "xenmb asset-tag show --json"),
        harness.Step("config_right", write_config(DEFAULT_SECRET)),
        harness.Step("clear", "xenmb owner clear"),
        harness.Step("status_cleared", "xenmb owner status --json"),
        harness.Step("rmmod", "rmmod xenmb"),
    ]


def boot3_steps(meta):
    return common_head(meta) + [
        # On the cleared TPM (no EK, no AK): owned, endorsement auth empty.
        harness.Step("take_empty", "xenmb owner take --endorsement empty"),
        harness.Step("status_empty", "xenmb owner status --json"),
        harness.Step("take_empty_again", "xenmb owner take --endorsement empty"),
        # What go-attestation and Keylime do: an EK with no -P, the empty
        # auth; transient, flushed by the module when the tool closes.
        harness.Step("createek", 'tpm2_createek -T xenmb -c "$R/ek.ctx" -G rsa -u "$R/ek.pub"'),
        # xenmb's own flows make their EK and AK on it, and quote.
        quote22_step(),
        harness.Step("cred", "xenmb ek --pem > /tmp/ek.pem && printf owner-secret-free > /tmp/s && "
                     "tpm2_makecredential -T none -u /tmp/ek.pem -G rsa -s /tmp/s "
                     "-n $(xenmb ak --name) -o /tmp/cred"),
        harness.Step("challenge", "xenmb challenge --file /tmp/cred --raw"),
        harness.Step("bad_mode", "xenmb owner take --endorsement none"),
        harness.Step("mode_on_status", "xenmb owner status --endorsement empty"),
        harness.Step("tag_set20", f"xenmb asset-tag set {base64.b64encode(TAG20).decode()}"),
        harness.Step("tag_show", "xenmb asset-tag show --json"),
        harness.Step("rmmod", "rmmod xenmb"),
    ]


def boot4_steps(meta):
    return common_head(meta) + [quote22_step(), harness.Step("rmmod", "rmmod xenmb")]


def read(path, mode="rb"):
    try:
        with open(path, mode) as f:
            return f.read()
    except OSError:
        return b"" if "b" in mode else ""


def check_launch(c, g, want22, what):
    c.equal(read(os.path.join(g.results, "launch.rc")).strip(), b"0", f"{what}: the launch hook succeeded")
    c.equal(g.rc("insmod"), 0, f"{what}: the module loads")
    c.equal(pcr22_of(g, "pcr22").hex(), want22.hex(), f"{what}: PCR 22 (sha256)")
    c.equal(g.rc("drtm_check"), 0, f"{what}: 'xenmb eventlog --drtm --check' matches the PCRs",)
    if g.rc("quote22") is None:
        return
    # The same value in a new quote, which tpm2_checkquote accepts.
    q = os.path.join(g.results, "q22")
    quoted22 = ((g.json("quote22") or {}).get("pcrs", {}).get("sha256", {}).get("22"))
    c.equal(quoted22, want22.hex(), f"{what}: PCR 22 (sha256) in a new quote")
    p = subprocess.run(["tpm2_checkquote", "-u", os.path.join(q, "ak.pem"),
                        "-m", os.path.join(q, "quote.msg"), "-s", os.path.join(q, "quote.sig"),
                        "-f", os.path.join(q, "quote.pcrs"), "-g", "sha256",
                        "-q", QUOTE22_NONCE.hex()], capture_output=True, text=True)
    c.equal(p.returncode, 0, f"{what}: tpm2_checkquote accepts that quote")


def check_no_secret(c, g, what):
    """The owner secrets (hex, either case, and raw) are nowhere they must
    not be: kernel log and audit records, ps and environments sampled
    during take, every step's stderr."""
    r = g.results
    blobs = {"dmesg": read(os.path.join(r, "dmesg.txt")),
             "ps": read(os.path.join(r, "ps.txt")),
             "environ": read(os.path.join(r, "environ.bin"))}
    for name in sorted(os.listdir(r)) if os.path.isdir(r) else []:
        if name.endswith(".err"):
            blobs[name] = read(os.path.join(r, name))
    leaks = []
    for s in (DEFAULT_SECRET, OTHER_SECRET):
        needles = [s, s.hex().encode(), s.hex().upper().encode(),
                   base64.b64encode(s)]
        leaks += [f"{n}" for n, b in blobs.items() for x in needles if x in b]
    c.check(not leaks, f"{what}: the owner secret is not in dmesg/audit, ps, environ or stderr",
            ", ".join(sorted(set(leaks))))
    c.check(not harness.kernel_problems(g.dmesg()), f"{what}: no oops, WARN or BUG")


def check_boot1(c, meta, g, nonce):
    r = g.results
    check_launch(c, g, bytes(32), "boot 1")
    fresh = g.json("status_fresh") or {}
    c.equal({k: fresh.get(k) for k in ("owned", "owner_auth_set", "endorsement_auth_set",
                                       "lockout_auth_set", "in_lockout")},
            {"owned": False, "owner_auth_set": False, "endorsement_auth_set": False,
             "lockout_auth_set": False, "in_lockout": False},
            "fresh TPM: status --json shows no auth set, no lockout")
    c.check("owner_auth_set: no" in g.out("status_fresh_text"), "... and so does the text form",
            g.out("status_fresh_text"))
    c.equal(g.rc("take"), 0, "'xenmb owner take' without a config file exits 0 (default secret)")
    c.check("owner: taken" in g.out("take") and "default password" in g.out("take"),
            "... the first take takes it, with the default password", g.out("take") + g.err("take"))
    c.check(g.out("take").count("already owned with this password") == 7,
            "... the next seven find it owned with this password (idempotent)", g.out("take"))
    ps = read(os.path.join(r, "ps.txt")).decode(errors="replace")
    c.check("xenmb owner take" in ps, "ps was sampled while a take ran", ps[-400:])
    owned = g.json("status_owned") or {}
    c.equal({k: owned.get(k) for k in ("owned", "owner_auth_set", "endorsement_auth_set",
                                       "lockout_auth_set")},
            {"owned": True, "owner_auth_set": True, "endorsement_auth_set": True,
             "lockout_auth_set": True}, "after take: owner, endorsement and lockout auth set")
    c.equal((g.rc("take_again"), (g.json("take_again") or {}).get("owned")), (0, True),
            "'owner take --json' again: exits 0 and prints the status, owned")

    # EK, AK and quote on the owned TPM, the quote judged by tpm2_checkquote.
    c.check(g.rc("ek") == 0 and "(created)" in g.out("ek"),
            "'xenmb ek' creates the EK on the owned TPM (endorsement + owner auth)",
            g.err("ek"))
    c.check(g.rc("ak") == 0 and g.out("ak").startswith("000b"),
            "'xenmb ak' creates the AK on the owned TPM", g.err("ak"))
    c.equal(g.rc("quote"), 0, "'xenmb quote' exits 0 on the owned TPM")
    q = os.path.join(r, "q")
    cmd = ["tpm2_checkquote", "-u", os.path.join(q, "ak.pem"), "-m", os.path.join(q, "quote.msg"),
           "-s", os.path.join(q, "quote.sig"), "-g", "sha256", "-f", os.path.join(q, "quote.pcrs"),
           "-q", nonce.hex()]
    p = subprocess.run(cmd, capture_output=True, text=True)
    c.equal(p.returncode, 0, "tpm2_checkquote accepts the quote made on the owned TPM")
    if p.returncode:
        print("    " + (p.stdout + p.stderr)[-800:].replace("\n", "\n    "))

    # Asset tag set, and a malformed set refused with the tag intact.
    c.equal(g.out("tag_show_none").strip(), "no asset tag", "'asset-tag show' before any: no asset tag")
    c.equal(g.rc("tag_set"), 0, "'asset-tag set' (64 hex digits) exits 0 on the owned TPM")
    c.equal((g.json("tag_show") or {}).get("tag"), TAG.hex(), "'asset-tag show --json' gives the tag")
    c.equal((g.rc("tag_malformed"), g.rc("tag_short")), (2, 2),
            "a malformed tag (non-hex, 31 bytes) is a usage error")
    c.equal((g.json("tag_after_malformed") or {}).get("tag"), TAG.hex(),
            "... and the previous tag is intact")

    # Another password in the config file.
    c.equal(g.rc("config_other"), 0, "a config file with another password written")
    c.equal(g.rc("take_wrong"), EXIT_BAD_AUTH, f"take with another password exits {EXIT_BAD_AUTH}")
    c.check("the TPM is owned with another password" in g.err("take_wrong") and
            WRONG_PW in g.err("take_wrong") and len(g.err("take_wrong").strip().splitlines()) == 1,
            "... in one line: owned with another password, check the config", g.err("take_wrong"))
    c.equal(g.rc("clear_wrong"), EXIT_BAD_AUTH, f"clear with the wrong password exits {EXIT_BAD_AUTH}")
    c.check(WRONG_PW in g.err("clear_wrong") and len(g.err("clear_wrong").strip().splitlines()) == 1,
            "... with one line: wrong owner password", g.err("clear_wrong"))
    c.equal(g.rc("tag_set_wrong"), EXIT_BAD_AUTH, "asset-tag set with the wrong password exits 9")
    c.check(WRONG_PW in g.err("tag_set_wrong"), "... saying so", g.err("tag_set_wrong"))
    c.equal((g.json("tag_after_wrong") or {}).get("tag"), TAG.hex(),
            "... and the previous tag is intact")
    st = g.json("status_after_wrong") or {}
    c.equal((st.get("owned"), st.get("in_lockout"), st.get("lockout_counter")), (True, False, 0),
            "wrong passwords cost no DA failure: still owned, no lockout, counter 0")
    c.equal(g.rc("rmmod"), 0, "the module unloads")
    check_no_secret(c, g, "boot 1")


def check_boot2(c, meta, g):
    check_launch(c, g, hashlib.sha256(bytes(32) + TAG).digest(),
                 "boot 2 (tag set): SHA256(32 zero bytes || tag)")
    c.equal((g.json("status") or {}).get("owned"), True, "ownership survives the reboot")
    c.equal((g.json("tag_show") or {}).get("tag"), TAG.hex(), "the tag survives the reboot")
    c.check(g.rc("ak") == 0 and g.out("ak").startswith("000b"), "the AK is found after the reboot",
            g.err("ak"))
    c.equal(g.rc("tag_clear"), 0, "'asset-tag clear' exits 0")
    c.equal((g.json("tag_show_none") or {}).get("present"), False, "... and show says no tag")
    c.equal(g.rc("config_right"), 0, "a config file with the right password written")
    c.check(g.rc("clear") == 0 and "owner: cleared" in g.out("clear"),
            "'owner clear' with the right config exits 0", g.out("clear") + g.err("clear"))
    st = g.json("status_cleared") or {}
    c.equal({k: st.get(k) for k in ("owned", "owner_auth_set", "endorsement_auth_set",
                                    "lockout_auth_set")},
            {"owned": False, "owner_auth_set": False, "endorsement_auth_set": False,
             "lockout_auth_set": False}, "after clear: no auth set")
    check_no_secret(c, g, "boot 2")


def check_boot3(c, meta, g):
    check_launch(c, g, bytes(32), "boot 3 (tag cleared): zero")
    out = g.out("take_empty")
    c.check(g.rc("take_empty") == 0 and "owner and lockout auth set" in out and
            "endorsement auth empty" in out,
            "'owner take --endorsement empty' takes it, leaving the endorsement auth empty",
            out + g.err("take_empty"))
    c.check('keylime: tpm_ownerpassword = ""' in out.splitlines(),
            "... and prints Keylime's tpm_ownerpassword line", out)
    st = g.json("status_empty") or {}
    c.equal({k: st.get(k) for k in ("owned", "owner_auth_set", "endorsement_auth_set",
                                    "lockout_auth_set")},
            {"owned": True, "owner_auth_set": True, "endorsement_auth_set": False,
             "lockout_auth_set": True}, "... status: owned, endorsement auth not set")
    c.check(g.rc("take_empty_again") == 0 and
            "already owned with this password" in g.out("take_empty_again"),
            "the same take again changes nothing", g.out("take_empty_again"))
    c.equal(g.rc("createek"), 0,
            "tpm2_createek -T xenmb with the empty endorsement auth works after that take")
    c.check(os.path.getsize(os.path.join(g.results, "ek.pub")) > 256 if
            os.path.exists(os.path.join(g.results, "ek.pub")) else False,
            "... and writes the EK's public area", g.err("createek"))
    c.equal(g.rc("quote22"), 0, "xenmb makes its EK and AK and quotes on that TPM")
    c.equal(g.rc("cred"), 0, "a credential for that EK and AK (tpm2_makecredential -T none)")
    c.equal((g.rc("challenge"), g.out("challenge")), (0, "owner-secret-free"),
            "'xenmb challenge' activates it (PolicySecret with the empty endorsement auth)")
    c.equal(g.rc("bad_mode"), 2, "--endorsement none: a usage error")
    c.equal(g.rc("mode_on_status"), 2, "--endorsement on status: a usage error")
    c.equal(g.rc("tag_set20"), 0, "a 20-byte (SHA-1) tag in base64 is accepted on the cleared TPM")
    c.equal((g.json("tag_show") or {}).get("tag"), (TAG20 + bytes(12)).hex(),
            "... stored zero-padded to 32 bytes")
    check_no_secret(c, g, "boot 3")


def check_boot4(c, meta, g):
    check_launch(c, g, hashlib.sha256(bytes(32) + TAG20 + bytes(12)).digest(),
                 "boot 4 (20-byte tag): SHA256(32 zeros || tag || 12 zeros)")
    check_no_secret(c, g, "boot 4")


def main(argv):
    c = harness.Checker("owner")
    start = time.time()
    harness.make("tcti")
    binaries = harness.tcti_binaries(("tpm2_createek", "tpm2_makecredential"))
    d = harness.launch_dir("owner", MODE)
    os.makedirs(d, exist_ok=True)
    meta = txtlaunch.generate(d, MODE)
    state = harness.fresh_state("owner")
    nonce = os.urandom(32)
    boots = [("owner-1", boot1_steps(meta, base64.b64encode(nonce).decode()),
              lambda g: check_boot1(c, meta, g, nonce)),
             ("owner-2", boot2_steps(meta), lambda g: check_boot2(c, meta, g)),
             ("owner-3", boot3_steps(meta), lambda g: check_boot3(c, meta, g)),
             ("owner-4", boot4_steps(meta), lambda g: check_boot4(c, meta, g))]
    for name, steps, check in boots:
        try:
            g = harness.boot(name, "tpm2", state, steps, binaries, launch=d, timeout=180)
        except RuntimeError as e:
            c.check(False, f"{name}: boot", str(e))
            break
        check(g)
    print(f"# {time.time() - start:.0f}s")
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
