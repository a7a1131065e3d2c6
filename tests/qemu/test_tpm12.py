#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The TPM 1.2 flows, end to end, on a swtpm TPM 1.2 prepared with
`swtpm_setup --createek`, after an (emulated) TXT measured launch. The
guest runs xenmb and xentpm (at /opt/xensource/tpm/xentpm); the host
judges with a verifier and a challenge builder written from the TPM 1.2
spec (tpm12_attest.py, openssl CLI), and runs the xapi plugin on what the
guest's xentpm printed.

  test_tpm12.py         final line: N passed, N failed

Five boots on one TPM state ("reboots"):
  1. fresh TPM, an EK certificate provisioned in NV 0x1000F000: ownership,
     EK, AIK, quotes (verified on the host), asset tag set, wrong password;
  2. the asset tag is in PCR 22; challenges built on the host from boot
     1's EK and AIK; asset tag clear; owner clear;
  3. (enabled and activated again from the host, as the firmware setup
     does after a clear) PCR 22 zero; xentpm takes ownership by itself,
     replaces the stale AIK;
  4. deactivated (TPM_PhysicalSetDeactivated from the host); 5. disabled.
Boots 1 and 3 also run 'owner take' and 'ak' on a pty (util-linux script)
for the progress line before TPM_TakeOwnership and TPM_MakeIdentity, and
xentpm on one, which never prints it; --handle is refused on a TPM 1.2.
"""
import base64
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

import harness
import tpm12_attest as t12
import txtlaunch

HERE = os.path.dirname(os.path.abspath(__file__))
XENTPM = "/opt/xensource/tpm/xentpm"
AIK_PATH = "/opt/xensource/tpm/aik.tpm12"
MODE = "tpm12"
TAG = hashlib.sha1(b"xenmb TPM 1.2 asset tag").digest()
EK_CERT_NV = 0x1000F000
PROGRESS = "(can take seconds on a hardware TPM)..."
# A pty for the progress line: util-linux script, -e its command's exit
# code, -q no banner; the command's stdout and stderr both land in .out.
DEVPTS = harness.Step("devpts", "mkdir -p /dev/pts && mount -t devpts devpts /dev/pts")


def b64(data):
    return base64.b64encode(data).decode()


def pcr_steps(prefix):
    return [harness.Step(f"{prefix}{p}", f"xenmb tpm send --locality 0 {t12.pcr_read(p).hex()}")
            for p in range(24)]


def pcr_value(g, step):
    """The 20-byte value of a PCR read step ("response: HEX")."""
    m = re.search(r"^response: ([0-9a-f]+)$", g.out(step), re.M)
    return bytes.fromhex(m.group(1))[10:30] if m else None


def failed_with(g, step, code):
    return g.rc(step) == 1 and g.err(step) == str(code)


def config_step(name, command, password):
    """@command with /opt/xensource/tpm/config holding SHA1(@password)."""
    return harness.Step(name, "mkdir -p /opt/xensource/tpm && echo password="
                        f"$(printf {password} | sha1sum | cut -c1-40) > /opt/xensource/tpm/config"
                        f" && {command}; rc=$?; rm -f /opt/xensource/tpm/config; exit $rc")


# --- host-side preparation -------------------------------------------------

def nv_define(index, size, attrs):
    """TPM_NV_DefineSpace without authorization (nvLocked is still clear on
    a fresh TPM, as a manufacturer provisions it)."""
    pcr_info = struct.pack(">H", 3) + bytes(3) + bytes([0x1F]) + bytes(20)
    pub = struct.pack(">HI", 0x0018, index) + pcr_info + pcr_info + \
        struct.pack(">HI", 0x0017, attrs) + bytes(3) + struct.pack(">I", size)
    return t12.cmd(0xCC, pub + bytes(20))


def nv_write(index, offset, data):
    return t12.cmd(0xCD, struct.pack(">III", index, offset, len(data)) + data)


def prepare_state(state, cert_der, log):
    """A fresh TPM 1.2 with an EK (swtpm_setup --createek, as boot.sh makes
    one), an EK certificate in NV 0x1000F000 (TCG_PCCLIENT_STORED_CERT
    holding TCG_FULL_CERT) and the EK's TPM_PUBKEY read on the host."""
    with open(log, "w") as f:
        subprocess.run(["swtpm_setup", "--tpm-state", state, "--createek",
                        "--config", "/dev/null"], stdout=f, stderr=f, check=True)
    stored = struct.pack(">HBH", 0x1001, 0, len(cert_der) + 2) + struct.pack(">H", 0x1002) + cert_der
    cmds = [nv_define(EK_CERT_NV, len(stored), 0x00000002)]
    cmds += [nv_write(EK_CERT_NV, off, stored[off:off + 512]) for off in range(0, len(stored), 512)]
    cmds.append(t12.cmd(0x7C, os.urandom(20)))          # TPM_ReadPubek
    rsps = t12.HostTpm12(state).run(cmds)
    rcs = [t12.rc_of(r) for r in rsps]
    pubkey = rsps[-1][10:-20]                           # TPM_PUBKEY, then the checksum
    return rcs, pubkey


# --- the boots -------------------------------------------------------------

def boot1_steps(meta, nonce, nonce2):
    x = XENTPM
    return [
        harness.Step("insmod", f"insmod /lib/modules/xenmb/xenmb.ko txt_base={meta['base']:#x}"),
        harness.Step("info", "xenmb info"),
        harness.Step("status0", "xenmb owner status --json"),
        harness.Step("is_owned0", f"{x} --is_tpm_owned"),
        harness.Step("ek_unowned", "xenmb ek --pem"),
        harness.Step("ek_cert_unowned", "xenmb ek --cert"),
        harness.Step("ak_unowned", "xenmb ak"),
        DEVPTS,
        harness.Step("take", "script -qec 'xenmb owner take' /dev/null"),
        harness.Step("take_again", "xenmb owner take"),
        harness.Step("xtake", f"{x} --take_ownership"),
        harness.Step("status1", "xenmb owner status --json"),
        harness.Step("is_owned1", f"{x} --is_tpm_owned"),
        harness.Step("ek_owned", "xenmb ek --pem"),
        harness.Step("ekey", f"{x} --get_ekey"),
        harness.Step("ekcert", f"{x} --get_ekcert"),
        harness.Step("gen_aik_bad", f"{x} --gen_aik '@@'"),
        harness.Step("gen_aik", f"{x} --gen_aik ''"),
        harness.Step("ak", "xenmb ak"),
        harness.Step("aik_mode", f"stat -c %a {AIK_PATH}"),
        harness.Step("aik_blob", f"base64 {AIK_PATH}"),
        harness.Step("aik_pem", f"{x} --get_aik_pem"),
        harness.Step("ak_pem", "xenmb ak --pem"),
        harness.Step("aik_tcpa", f"{x} --get_aik_tcpa"),
        harness.Step("ak_name", "xenmb ak --name"),
        harness.Step("quote", f"{x} --tpm_quote {b64(nonce)}"),
    ] + pcr_steps("pcr_") + [
        harness.Step("quote_json", f"xenmb quote --nonce {b64(nonce2)} --json --out /tmp/q"),
        harness.Step("quote_files", "ls /tmp/q"),
        harness.Step("quote_bad", f"{x} --tpm_quote '!!'"),
        harness.Step("quote_pcrs", f"xenmb quote --nonce {b64(nonce2)} --pcrs sha256:all"),
        harness.Step("challenge_junk", f"{x} --tpm_challenge AAAAAAAA"),
        harness.Step("tag_bad", f"{x} --tpm_set_asset_tag {'ab' * 32}"),
        harness.Step("tag_set", f"{x} --tpm_set_asset_tag {b64(TAG)}"),
        harness.Step("tag_show", "xenmb asset-tag show --json"),
        config_step("take_wrong", "xenmb owner take", "other"),
        config_step("xtake_wrong", f"{x} --take_ownership", "other"),
        config_step("tag_wrong", f"xenmb asset-tag set {'cd' * 20}", "other"),
        harness.Step("tag_after_wrong", "xenmb asset-tag show --json"),
        harness.Step("leftover", "ls /tmp"),
        harness.Step("rmmod", "rmmod xenmb"),
    ]


def boot2_steps(meta, challenges):
    x = XENTPM
    steps = [
        harness.Step("insmod", f"insmod /lib/modules/xenmb/xenmb.ko txt_base={meta['base']:#x}"),
        harness.Step("pcr22", f"xenmb tpm send --locality 0 {t12.pcr_read(22).hex()}"),
        harness.Step("drtm_check", "xenmb eventlog --drtm --check"),
        harness.Step("ak_name", "xenmb ak --name"),
    ]
    for name, (tool, blob) in challenges.items():
        cmd = f"{x} --tpm_challenge {b64(blob)}" if tool == "xentpm" else f"xenmb challenge {b64(blob)}"
        steps.append(harness.Step(name, cmd))
    steps += [
        harness.Step("tag_clear", f"{x} --tpm_clear_asset_tag"),
        harness.Step("tag_show", "xenmb asset-tag show"),
        harness.Step("owner_clear", "xenmb owner clear"),
        harness.Step("status", "xenmb owner status --json"),
        harness.Step("rmmod", "rmmod xenmb"),
    ]
    return steps


def boot3_steps(meta):
    x = XENTPM
    return [
        harness.Step("insmod", f"insmod /lib/modules/xenmb/xenmb.ko txt_base={meta['base']:#x}"),
        harness.Step("pcr22", f"xenmb tpm send --locality 0 {t12.pcr_read(22).hex()}"),
        harness.Step("status0", "xenmb owner status --json"),
        harness.Step("ekey", f"{x} --get_ekey"),
        harness.Step("is_owned", f"{x} --is_tpm_owned"),
        harness.Step("aik_gone", f"test ! -e {AIK_PATH}"),
        # An AIK blob of the old owner, as a restored backup would bring.
        harness.Step("restore_stale", f"cp /root/aik.old {AIK_PATH}"),
        harness.Step("ak", "xenmb ak"),
        harness.Step("ak_again", "xenmb ak"),
        # Two runs at once with no AIK: one makes it, the other finds it.
        harness.Step("ak_parallel", f"rm -f {AIK_PATH}; xenmb ak --name >/tmp/p1 2>&1 & "
                     "xenmb ak --name >/tmp/p2 2>&1; wait; cat /tmp/p1 /tmp/p2"),
        DEVPTS,
        harness.Step("tty_xentpm", f"rm -f {AIK_PATH}; script -qec \"{x} --gen_aik ''\" /dev/null"),
        harness.Step("tty_ak", f"rm -f {AIK_PATH}; script -qec 'xenmb ak' /dev/null"),
        harness.Step("handle_ek", "xenmb ek --handle 0x81010000"),
        harness.Step("handle_quote", "xenmb quote --nonce AAAA --ak-handle 0x81018000"),
        harness.Step("rmmod", "rmmod xenmb"),
    ]


def broken_steps(nonce):
    x = XENTPM
    return [
        harness.Step("insmod", "insmod /lib/modules/xenmb/xenmb.ko"),
        harness.Step("status", "xenmb owner status --json"),
        harness.Step("is_owned", f"{x} --is_tpm_owned"),
        harness.Step("quote", f"{x} --tpm_quote {b64(nonce)}"),
        harness.Step("take", f"{x} --take_ownership"),
        harness.Step("xenmb_quote", f"xenmb quote --nonce {b64(nonce)}"),
        harness.Step("rmmod", "rmmod xenmb"),
    ]


# --- the plugin on recorded xentpm answers ---------------------------------

REPLAY = """#!/usr/bin/env python3
import json, os, sys
table = json.load(open(os.environ["XENMB_REPLAY"]))
opt = sys.argv[1] if len(sys.argv) > 1 else ""
a = table.get(opt, {"out": "", "err": "3", "rc": 1})
sys.stdout.write(a["out"])
sys.stderr.write(a["err"])
sys.exit(a["rc"])
"""


class Plugin:
    """plugin/tpm with XENTPM pointed at a stand-in that answers with what
    the guest's xentpm printed (stdout, stderr, exit code) per option."""

    def __init__(self, workdir):
        sys.path.insert(0, os.path.join(harness.REPO, "tests", "plugin"))
        import test_plugin                       # its Fake loads plugin/tpm
        self.fake = test_plugin.Fake()
        self.script = os.path.join(workdir, "replay_xentpm")
        with open(self.script, "w") as f:
            f.write(REPLAY)
        os.chmod(self.script, 0o755)
        self.table = os.path.join(workdir, "replay.json")
        os.environ["XENMB_REPLAY"] = self.table
        for fn in self.fake.fns.values():
            fn.__globals__["XENTPM"] = self.script

    def call(self, fn, args, answers):
        """(result, exception) with @answers {option: (guest, step)}."""
        table = {opt: {"out": g.out(step), "err": g.err(step), "rc": g.rc(step)}
                 for opt, (g, step) in answers.items()}
        with open(self.table, "w") as f:
            json.dump(table, f)
        try:
            return self.fake.fns[fn](None, args), None
        except Exception as e:                   # the plugin's TPMError
            return None, e


# --- checks ----------------------------------------------------------------

def check_base64_layout(c, text, what):
    lines = text.split("\n")
    c.check(text and not text.endswith("\n") and all(len(x) <= 64 for x in lines) and
            all(len(x) == 64 for x in lines[:-1]),
            f"{what}: base64 in lines of 64, no final newline (the original's layout)",
            repr(text[:80]))


def write(d, name, data):
    path = os.path.join(d, name)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return path


def check_quote_blob(c, blob, nonce, aik_pem, pcrs_read, what):
    """The blob's layout, its signature, the PCR values, and tampering."""
    ok, pcrs, why = t12.verify_quote(blob, nonce, aik_pem)
    c.check(ok, f"{what}: openssl verifies the signature over TPM_QUOTE_INFO "
            "(1.1.0.0, QUOT, SHA1(composite), SHA1(nonce)) with the AIK PEM", why)
    try:
        q = t12.parse_quote(blob)
    except t12.QuoteError as e:
        c.check(False, f"{what}: the original's layout", str(e))
        return
    c.check(blob[:2] == b"\x00\x03" and q["mask"] == b"\xff\xff\xff" and
            blob[5:9] == struct.pack(">I", 480) and len(q["signature"]) == 256,
            f"{what}: u16 mask size 3, mask ff ff ff (PCR 0-23), u32 480, 24 values, "
            "a 256-byte signature")
    if pcrs_read is not None:
        c.check(len(pcrs_read) == 24 and all(pcrs.get(p) == v for p, v in pcrs_read.items()),
                f"{what}: the quoted PCRs are the PCRs read separately (TPM_PCRRead 0-23)",
                str({p: (pcrs.get(p, b"").hex(), v.hex() if v else None)
                     for p, v in pcrs_read.items() if pcrs.get(p) != v}))
    other = bytes([nonce[0] ^ 1]) + nonce[1:]
    c.check(not t12.verify_quote(blob, other, aik_pem)[0], f"{what}: a changed nonce is rejected")
    off = 2 + 3 + 4 + 17 * 20 + 5                 # a byte of PCR 17
    bad = bytearray(blob)
    bad[off] ^= 0x01
    c.check(not t12.verify_quote(bytes(bad), nonce, aik_pem)[0],
            f"{what}: a flipped byte of a PCR value is rejected")
    bad = bytearray(blob)
    bad[-100] ^= 0x80
    c.check(not t12.verify_quote(bytes(bad), nonce, aik_pem)[0],
            f"{what}: a flipped byte of the signature is rejected")


def xenmb_verify(*args):
    """'xenmb verify' on the host: (exit code, stdout + stderr)."""
    p = subprocess.run([os.path.join(harness.BUILD, "xenmb"), "verify", *args],
                       capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def check_verdicts(c, d, blob_text, quote_json, nonce, nonce2, aik_pem):
    """The guest's TPM 1.2 quotes judged by 'xenmb verify' on the host,
    which shares no code path with the quote (issue 6 on a TPM 1.2)."""
    blob_path = write(d, "xentpm_quote.b64", blob_text)
    rc, out = xenmb_verify("--tpm12-quote", blob_path, "--ak", aik_pem, "--nonce", b64(nonce))
    c.check(rc == 0 and "verdict: trusted" in out,
            "xenmb verify --tpm12-quote: xentpm's blob is trusted with the AIK and nonce", out)
    rc, out = xenmb_verify("--tpm12-quote", blob_path, "--ak", aik_pem, "--nonce", b64(nonce2))
    # TPM 1.2 signs SHA1(nonce): a wrong nonce fails the signature, and the
    # reason has to say that it may be the nonce.
    sig = [line for line in out.splitlines() if line.startswith("reason: signature:")]
    c.check(rc == 12 and len(sig) == 1 and "nonce" in sig[0],
            "xenmb verify --tpm12-quote: another nonce is untrusted, the signature reason "
            "naming the nonce", out)
    json_path = write(d, "quote12.json", json.dumps(quote_json))
    rc, out = xenmb_verify("--quote-json", json_path, "--ak", aik_pem, "--nonce", b64(nonce2))
    c.check(rc == 0 and "verdict: trusted" in out,
            "xenmb verify --quote-json: the TPM 1.2 quote and its SRTM and DRTM logs "
            "replay to the quoted PCRs", out)
    # One changed digest in either log: the replay, not the signature, fails.
    for log in ("srtm_log", "drtm_log"):
        raw = bytearray(base64.b64decode(quote_json[log]))
        # The first TPM 1.2 event: u32 PCR, u32 type, then its digest.
        pcr = struct.unpack_from("<I", raw)[0]
        raw[8] ^= 1
        changed = dict(quote_json, **{log: b64(bytes(raw))})
        rc, out = xenmb_verify("--quote-json", write(d, f"quote12_{log}.json", json.dumps(changed)),
                               "--ak", aik_pem, "--nonce", b64(nonce2))
        c.check(rc == 12 and f"reason: replay: PCR {pcr} (sha1)" in out and
                "reason: signature" not in out,
                f"xenmb verify --quote-json: a changed digest in the {log} is untrusted at PCR {pcr}",
                out)


def check_boot1(c, g, host_pubek, cert_der, nonce, nonce2, d):
    c.equal(g.rc("insmod"), 0, "boot 1: the module loads")
    c.check("tpm: 1.2" in g.out("info"), "boot 1: xenmb info reports a TPM 1.2", g.out("info"))
    st0 = g.json("status0") or {}
    c.check(st0.get("owned") is False and st0.get("enabled") and st0.get("active"),
            "owner status: a fresh TPM is enabled, active, not owned", g.out("status0"))
    c.check(g.rc("is_owned0") == 0 and g.err("is_owned0") == "",
            "--is_tpm_owned on a fresh TPM: exit 0 (not owned)")
    pem_path = write(d, "ek_unowned.pem", g.out("ek_unowned"))
    try:
        modulus = t12.pem_modulus(pem_path)
        host_mod = t12.parse_tpm_pubkey(host_pubek)[0]
    except ValueError as e:
        modulus, host_mod = b"", b"?"
        c.check(False, "ek --pem is an RSA key and the host read the EK", str(e))
    c.check(len(modulus) == 256 and modulus == host_mod,
            "ek --pem (unowned, TPM_ReadPubek): RSA-2048, the EK the host read from the state")
    c.check(g.rc("ek_cert_unowned") == 0 and "BEGIN CERTIFICATE" in g.out("ek_cert_unowned"),
            "ek --cert: the certificate in NV 0x1000F000 as PEM", g.err("ek_cert_unowned"))
    c.check(g.rc("ak_unowned") != 0 and "no owner" in g.err("ak_unowned"),
            "ak on an unowned TPM fails and says to take ownership", g.err("ak_unowned"))
    c.check(g.rc("take") == 0 and "owner: taken" in g.out("take"),
            "owner take: ownership taken (default password)", g.out("take") + g.err("take"))
    c.check("xenmb: taking ownership: the TPM makes its SRK, RSA-2048 " + PROGRESS
            in g.out("take").split("owner: taken")[0],
            "... on a terminal, after a progress line before TPM_TakeOwnership", g.out("take"))
    c.check(PROGRESS not in g.err("take_again") + g.out("take_again"),
            "owner take of an owned TPM takes nothing: no progress line", g.out("take_again"))
    c.check(g.rc("take_again") == 0 and "already owned with this password" in g.out("take_again"),
            "owner take again: already owned with this password", g.err("take_again"))
    c.check(g.rc("xtake") == 0 and g.out("xtake") == "" and g.err("xtake") == "",
            "--take_ownership on an owned TPM: exit 0, prints nothing")
    st1 = g.json("status1") or {}
    c.check(st1.get("owned") is True and st1.get("read_pubek") is False,
            "owner status: owned, TPM_ReadPubek now off", g.out("status1"))
    c.check(failed_with(g, "is_owned1", 1), "--is_tpm_owned once owned: exit 1, '1'")
    c.equal(g.out("ek_owned"), g.out("ek_unowned"),
            "ek --pem once owned (TPM_OwnerReadPubek) is the same key")
    c.check(g.rc("ekey") == 0 and g.out("ekey") == g.out("ek_unowned") and
            g.out("ekey").startswith("-----BEGIN PUBLIC KEY-----\n"),
            "--get_ekey: the EK as a PEM SubjectPublicKeyInfo", g.err("ekey"))
    got = base64.b64decode("".join(g.out("ekcert").split()) or "")
    c.check(g.rc("ekcert") == 0 and got == cert_der,
            "--get_ekcert: base64 of the certificate's DER from NV 0x1000F000", g.err("ekcert"))
    check_base64_layout(c, g.out("ekcert"), "--get_ekcert")
    c.check(failed_with(g, "gen_aik_bad", 3), "--gen_aik with a non-base64 certificate: '3'")
    c.check(g.rc("gen_aik") == 0 and g.out("gen_aik") == "" and g.err("gen_aik") == "",
            "--gen_aik: TPM_MakeIdentity, prints nothing", g.err("gen_aik"))
    c.check(g.rc("ak") == 0 and "(found)" in g.out("ak"),
            "ak: finds the AIK --gen_aik made", g.out("ak") + g.err("ak"))
    c.equal(g.out("aik_mode").strip(), "600", f"the AIK blob {AIK_PATH} is mode 0600")
    aik_pem = write(d, "aik.pem", g.out("aik_pem"))
    c.equal(g.out("aik_pem"), g.out("ak_pem"), "--get_aik_pem is 'xenmb ak --pem'")
    tcpa_text = g.out("aik_tcpa")
    check_base64_layout(c, tcpa_text, "--get_aik_tcpa")
    tcpa = base64.b64decode(tcpa_text or "")
    try:
        mod, exp, parms = t12.parse_tpm_pubkey(tcpa)
        ok = mod == t12.pem_modulus(aik_pem) and exp == 65537 and parms["bits"] == 2048
        sig_ss = parms["sig"]
    except (ValueError, struct.error) as e:
        ok, sig_ss = False, str(e)
    c.check(ok, "--get_aik_tcpa: a TPM_PUBKEY (RSA-2048) of the key --get_aik_pem shows")
    c.equal(sig_ss, 0x0002, "the AIK signs with TPM_SS_RSASSAPKCS1v15_SHA1")
    c.equal(g.out("ak_name").strip(), hashlib.sha1(tcpa).hexdigest(),
            "ak --name: SHA1 of the TPM_PUBKEY (the idDigest a CA computes)")

    pcrs_read = {p: pcr_value(g, f"pcr_{p}") for p in range(24)}
    text = g.out("quote")
    check_base64_layout(c, text, "--tpm_quote")
    check_quote_blob(c, base64.b64decode(text or ""), nonce, aik_pem, pcrs_read, "--tpm_quote")
    q = g.json("quote_json") or {}
    c.check(q.get("nonce") == b64(nonce2) and q.get("srtm_log") and q.get("drtm_log") and
            list(q.get("pcrs", {})) == ["sha1"],
            "quote --json: nonce, the sha1 PCRs and both event logs", sorted(q))
    blob2 = base64.b64decode(q.get("quote", ""))
    check_quote_blob(c, blob2, nonce2, aik_pem, None, "quote --json")
    c.check(all(q.get("pcrs", {}).get("sha1", {}).get(str(p)) == (v.hex() if v else None)
                for p, v in pcrs_read.items()), "quote --json: its PCR values are the PCRs read")
    c.check(all(f in g.out("quote_files").split() for f in ("quote.bin", "aik.pem", "srtm.log",
                                                            "drtm.log")),
            "quote --out: quote.bin, aik.pem, srtm.log, drtm.log", g.out("quote_files"))
    c.check(failed_with(g, "quote_bad", 3), "--tpm_quote with a nonce that is not base64: '3'")
    c.equal(g.rc("quote_pcrs"), 2, "quote --pcrs sha256:all on a TPM 1.2: usage error")
    check_verdicts(c, d, text, q, nonce, nonce2, aik_pem)
    c.check(failed_with(g, "challenge_junk", -13),
            "--tpm_challenge of something that is no challenge: '-13'",
            f"{g.rc('challenge_junk')} {g.err('challenge_junk')!r}")
    c.check(failed_with(g, "tag_bad", 3), "--tpm_set_asset_tag of 32 bytes on a TPM 1.2: '3'",
            g.err("tag_bad"))
    c.check(g.rc("tag_set") == 0 and g.out("tag_set") == "",
            "--tpm_set_asset_tag BASE64(SHA1) (what Mt. Wilson sends) succeeds", g.err("tag_set"))
    ts = g.json("tag_show") or {}
    c.check(ts.get("present") and ts.get("tag") == TAG.hex() and ts.get("nv_index") == "0x40000010",
            "asset-tag show: the tag in NV 0x40000010", g.out("tag_show"))
    c.check(g.rc("take_wrong") == 9 and "wrong owner password" in g.err("take_wrong") and
            "another password" in g.err("take_wrong"),
            "owner take with another password in the config: exit 9, says so", g.err("take_wrong"))
    c.check(failed_with(g, "xtake_wrong", 1),
            "--take_ownership with another password: exit 1, '1' (TPM_AUTHFAIL)",
            f"{g.rc('xtake_wrong')} {g.err('xtake_wrong')!r}")
    c.check(g.rc("tag_wrong") == 9 and "wrong owner password" in g.err("tag_wrong"),
            "asset-tag set with another password: exit 9", g.err("tag_wrong"))
    c.equal((g.json("tag_after_wrong") or {}).get("tag"), TAG.hex(),
            "the refused write left the tag as it was")
    c.check("xentpm." not in g.out("leftover"), "xentpm left no working directory in /tmp")
    c.equal(g.rc("rmmod"), 0, "boot 1: the module unloads")
    return aik_pem, tcpa, pcrs_read


def challenges_for(d, ek_pem, tcpa, secrets):
    """The challenges boot 2 answers, built here as a server would."""
    other_ek = os.path.join(d, "other_ek.pem")
    key = os.path.join(d, "other_ek.key")
    harness.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                 "-out", key], capture_output=True)
    harness.run(["openssl", "pkey", "-in", key, "-pubout", "-out", other_ek], capture_output=True)
    other_aik = bytearray(tcpa)
    other_aik[-1] ^= 1                          # another AIK: another idDigest
    good = t12.make_challenge(ek_pem, tcpa, secrets["asym"], "asym")
    return {
        "ch_xentpm": ("xentpm", good),
        "ch_xenmb": ("xenmb", t12.make_challenge(ek_pem, tcpa, secrets["xenmb"], "asym")),
        "ch_ekblob": ("xenmb", t12.make_challenge(ek_pem, tcpa, secrets["ekblob"], "ekblob")),
        "ch_other_ek": ("xenmb", t12.make_challenge(other_ek, tcpa, b"not for you", "asym")),
        "ch_other_ek_x": ("xentpm", t12.make_challenge(other_ek, tcpa, b"not for you", "asym")),
        "ch_other_aik": ("xenmb", t12.make_challenge(ek_pem, bytes(other_aik), b"no", "asym")),
        "ch_cut": ("xenmb", good[:-1]),
        "ch_trailing": ("xenmb", good + b"\0"),
        "ch_huge_asym": ("xenmb", struct.pack(">I", 0xFFFFFFF0) + good[4:]),
        "ch_cred_size": ("xenmb", good[:4 + 256 + 4] + struct.pack(">I", 1) + good[4 + 256 + 8:]),
        "ch_badpad": ("xenmb", t12.make_challenge(ek_pem, tcpa, b"\x41" * 31 + b"\0", "badpad")),
        "ch_cut_x": ("xentpm", good[:-1]),
    }


def check_boot2(c, g, secrets, ak_name):
    c.equal(g.rc("insmod"), 0, "boot 2: the module loads")
    c.equal(pcr_value(g, "pcr22"), hashlib.sha1(bytes(20) + TAG).digest(),
            "after set + reboot: PCR 22 = SHA1(20 zero bytes || tag)")
    c.equal(g.rc("drtm_check"), 0, "eventlog --drtm --check matches (the tag event logged)")
    c.equal(g.out("ak_name").strip(), ak_name, "the AIK kept on disk is the same after a reboot")
    got = base64.b64decode("".join(g.out("ch_xentpm").split()) or "")
    c.check(g.rc("ch_xentpm") == 0 and got == secrets["asym"],
            "--tpm_challenge (TPM_ASYM_CA_CONTENTS): the secret comes back, base64",
            g.err("ch_xentpm"))
    check_base64_layout(c, g.out("ch_xentpm"), "--tpm_challenge")
    c.check(g.rc("ch_xenmb") == 0 and
            base64.b64decode(g.out("ch_xenmb").strip() or "") == secrets["xenmb"],
            "xenmb challenge: the secret", g.err("ch_xenmb"))
    c.check(g.rc("ch_ekblob") == 0 and
            base64.b64decode(g.out("ch_ekblob").strip() or "") == secrets["ekblob"],
            "xenmb challenge with a TPM_EK_BLOB (ACTIVATE): the secret", g.err("ch_ekblob"))
    c.check(g.rc("ch_other_ek") == 10 and "not made for this host" in g.err("ch_other_ek") and
            g.out("ch_other_ek") == "",
            "a challenge for another EK: exit 10, one clear line, no secret",
            f"{g.rc('ch_other_ek')} {g.err('ch_other_ek')!r}")
    c.check(failed_with(g, "ch_other_ek_x", -12), "--tpm_challenge for another EK: '-12'",
            f"{g.rc('ch_other_ek_x')} {g.err('ch_other_ek_x')!r}")
    c.check(g.rc("ch_other_aik") == 10 and "not made for this host" in g.err("ch_other_aik"),
            "a challenge for another AIK: exit 10", g.err("ch_other_aik"))
    c.check(g.rc("ch_cut") == 11 and "not a TPM 1.2 identity challenge" in g.err("ch_cut"),
            "a challenge cut short: exit 11, says why", g.err("ch_cut"))
    c.check(failed_with(g, "ch_cut_x", -13), "--tpm_challenge cut short: '-13'")
    for step, what, words in (
            ("ch_trailing", "a byte after the symmetric blob", "does not match the rest"),
            ("ch_huge_asym", "an EK blob size beyond the end", "size does not fit"),
            ("ch_cred_size", "a credSize that does not add up", "do not add up"),
            ("ch_badpad", "a credential with bad PKCS#7 padding", "does not decrypt")):
        c.check(g.rc(step) == 11 and words in g.err(step) and g.out(step) == "",
                f"{what}: exit 11, says '{words}'", f"{g.rc(step)} {g.err(step)!r}")
    c.check(g.rc("tag_clear") == 0 and "no asset tag" in g.out("tag_show"),
            "--tpm_clear_asset_tag: the index is gone", g.err("tag_clear") + g.out("tag_show"))
    c.check(g.rc("owner_clear") == 0 and "cleared" in g.out("owner_clear"),
            "owner clear (TPM_OwnerClear with the owner password)", g.err("owner_clear"))
    st = g.json("status") or {}
    c.check(st.get("owned") is False and st.get("enabled") is False and st.get("active") is False,
            "owner status after clear: not owned, disabled and deactivated (TPM_OwnerClear)",
            g.out("status"))
    c.check("enable and activate it in the firmware" in g.out("owner_clear"),
            "owner clear says to enable and activate the TPM in the firmware setup",
            g.out("owner_clear"))
    c.equal(g.rc("rmmod"), 0, "boot 2: the module unloads")


def check_boot3(c, g, ek_pem_text, ak_name):
    c.equal(pcr_value(g, "pcr22"), bytes(20), "after clear + reboot: PCR 22 is zero")
    c.check((g.json("status0") or {}).get("owned") is False, "boot 3 starts unowned")
    c.check(g.rc("ekey") == 0 and g.out("ekey") == ek_pem_text,
            "--get_ekey on an unowned TPM takes ownership first (as the original) and "
            "prints the same EK", g.err("ekey"))
    c.check(failed_with(g, "is_owned", 1), "--is_tpm_owned then: owned")
    c.equal(g.rc("aik_gone"), 0, "taking ownership removed the old owner's AIK blob")
    c.check(g.rc("ak") == 0 and "(created)" in g.out("ak") and "does not load" in g.err("ak"),
            "the AIK of the cleared owner is replaced by a new one, and ak says so",
            g.out("ak") + g.err("ak"))
    new_name = re.search(r"pubkey_sha1: ([0-9a-f]{40})", g.out("ak"))
    c.check(new_name and new_name.group(1) != ak_name and "(found)" in g.out("ak_again"),
            "a new AIK, found by the next run", g.out("ak_again"))
    lines = g.out("ak_parallel").split()
    c.check(len(lines) == 2 and lines[0] == lines[1] and re.fullmatch(r"[0-9a-f]{40}", lines[0]),
            "two 'ak' at once without an AIK end with one AIK (a lock serializes them)",
            g.out("ak_parallel"))
    c.check(PROGRESS not in g.err("ak"), "'ak' making the AIK, stderr to a file: no progress line",
            g.err("ak"))
    c.check(g.rc("tty_xentpm") == 0 and PROGRESS not in g.out("tty_xentpm"),
            "xentpm --gen_aik on a terminal: no progress line (xentpm never prints one)",
            g.out("tty_xentpm"))
    tty = g.out("tty_ak")
    c.check(g.rc("tty_ak") == 0 and
            "xenmb: creating the AIK, RSA-2048 (TPM_MakeIdentity) " + PROGRESS in tty and
            tty.find(PROGRESS) < tty.find("(created)"),
            "'ak' on a terminal: a progress line before TPM_MakeIdentity", tty)
    for step, what in (("handle_ek", "ek --handle"), ("handle_quote", "quote --ak-handle")):
        c.check(g.rc(step) == 2 and "a TPM 1.2 has no persistent handles" in g.err(step),
                f"'{what}' on a TPM 1.2: a usage error that says why",
                f"rc {g.rc(step)}: {g.err(step)}")
    c.equal(g.rc("rmmod"), 0, "boot 3: the module unloads")


def check_broken(c, g, code, state_word, what):
    st = g.json("status") or {}
    c.check(st.get(state_word) is False, f"{what}: owner status says {state_word}: no",
            g.out("status") + g.err("status"))
    c.check(failed_with(g, "quote", code), f"{what}: --tpm_quote: exit 1, '{code}' (the TPM's code)",
            f"{g.rc('quote')} {g.err('quote')!r}")
    c.check(failed_with(g, "take", code), f"{what}: --take_ownership: '{code}'",
            f"{g.rc('take')} {g.err('take')!r}")
    word = "deactivated" if code == 6 else "disabled"
    c.check(g.rc("xenmb_quote") == 1 and f"the TPM is {word}" in g.err("xenmb_quote") and
            "BIOS" in g.err("xenmb_quote"),
            f"{what}: xenmb quote says the TPM is {word} and what to do", g.err("xenmb_quote"))


def check_plugin(c, plugin, g1, g2, g4, g5, nonce, secrets, d):
    """The plugin on the guest's real xentpm answers, parsed the way the
    original callers parse them (xenrt's TXT tests, Mt. Wilson)."""
    from xml.dom import minidom
    xml, err = plugin.call("tpm_get_attestation_identity", {}, {
        "--get_ekcert": (g1, "ekcert"), "--get_ekey": (g1, "ekey"), "--gen_aik": (g1, "gen_aik"),
        "--get_aik_tcpa": (g1, "aik_tcpa"), "--get_aik_pem": (g1, "aik_pem")})
    c.check(err is None and xml, "plugin: tpm_get_attestation_identity on TPM 1.2 answers",
            repr(err))
    try:
        dom = minidom.parseString(xml or "")
    except Exception as e:
        c.check(False, "plugin: the identity XML parses", repr(e))
        return

    def text(name):
        return dom.getElementsByTagName("xentxt:" + name)[0].firstChild.nodeValue
    c.equal(base64.b64decode(text("TPM_Endorsement_Certficate")),
            base64.b64decode(g1.out("ekcert")), "plugin XML: the EK certificate")
    c.equal(text("TPM_Endorsement_KEY_PEM"), g1.out("ekey"), "plugin XML: the EK PEM")
    c.equal(base64.b64decode(text("TPM_Attestation_KEY_TCPA")), base64.b64decode(g1.out("aik_tcpa")),
            "plugin XML: the AIK TCPA blob (base64 TPM_PUBKEY)")
    # Mt. Wilson's CitrixClient: a substring between the element's tags.
    start = xml.index("<xentxt:TPM_Attestation_KEY_PEM>") + len("<xentxt:TPM_Attestation_KEY_PEM>")
    aik_pem = write(d, "plugin_aik.pem", xml[start:xml.index("</xentxt:TPM_Attestation_KEY_PEM>")])
    quote, err = plugin.call("tpm_get_quote", {"nonce": b64(nonce)},
                             {"--tpm_quote": (g1, "quote")})
    ok, pcrs, why = t12.verify_quote(base64.b64decode(quote or ""), nonce, aik_pem)
    c.check(err is None and ok and len(pcrs) == 24,
            "plugin: tpm_get_quote's blob verifies with the AIK cut from the XML "
            "(as Mt. Wilson does)", why + repr(err))
    got, err = plugin.call("tpm_challenge", {"challenge": "AAAA"},
                           {"--tpm_challenge": (g2, "ch_xentpm")})
    c.check(err is None and base64.b64decode(got or "") == secrets["asym"],
            "plugin: tpm_challenge returns the secret, base64 (xenrt decodes it)", repr(err))
    for g, step, code, words in (
            (g1, "xtake_wrong", 1, "Error: XenServer does not own the TPM. Please clear the TPM in "
                                   "the BIOS"),
            (g4, "quote", 6, "Error: The TPM is deactivated.  Please activate the TPM in the "
                             "BIOS."),
            (g5, "quote", 7, "Error: There is no TPM on this machine or it is not enabled in "
                             "the BIOS")):
        _, err = plugin.call("tpm_get_quote", {"nonce": b64(nonce)}, {"--tpm_quote": (g, step)})
        c.check(err is not None and words in str(err),
                f"plugin: xentpm code {code} raises the original's message '{words[7:40]}...'",
                repr(err))


def main():
    c = harness.Checker("tpm12")
    binaries = harness.guest_binaries()
    binaries["files"] = [os.path.join(harness.BUILD, "xenmb") + ":" + XENTPM]
    binaries["bins"] = binaries["bins"] + ["/usr/bin/script"]  # a pty for the progress line
    d = harness.launch_dir("tpm12", MODE)
    os.makedirs(d, exist_ok=True)
    meta = txtlaunch.generate(d, MODE)
    state = harness.fresh_state("tpm12")
    work = tempfile.mkdtemp(prefix="xenmb-tpm12-", dir=harness.BUILD)

    key, cert_pem = os.path.join(work, "ekcert.key"), os.path.join(work, "ekcert.pem")
    harness.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                 "-subj", "/CN=xenmb test TPM 1.2 EK certificate", "-keyout", key,
                 "-out", cert_pem], capture_output=True)
    cert_der = subprocess.run(["openssl", "x509", "-in", cert_pem, "-outform", "DER"],
                              capture_output=True, check=True).stdout
    try:
        rcs, host_pubek = prepare_state(state, cert_der, os.path.join(work, "swtpm_setup.log"))
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        c.check(False, "host: the TPM 1.2 state is prepared", str(e))
        return c.finish()
    c.check(all(rc == 0 for rc in rcs),
            "host: swtpm_setup --createek, EK certificate in NV 0x1000F000, TPM_ReadPubek", rcs)

    nonce, nonce2 = os.urandom(20), os.urandom(16)
    try:
        g1 = harness.boot("tpm12-1", "tpm12", state, boot1_steps(meta, nonce, nonce2),
                          binaries, launch=d, timeout=600)
    except RuntimeError as e:
        c.check(False, "boot 1", str(e))
        return c.finish()
    aik_pem, tcpa, _ = check_boot1(c, g1, host_pubek, cert_der, nonce, nonce2, work)
    ek_pem = write(work, "ek.pem", g1.out("ekey"))
    aik_blob = write(work, "aik.tpm12", base64.b64decode(g1.out("aik_blob") or ""))

    # The AIK blob lives on the dom0's disk: carry it into the next boots.
    files = binaries["files"] + [f"{aik_blob}:{AIK_PATH}"]
    secrets = {k: os.urandom(n) for k, n in (("asym", 32), ("xenmb", 20), ("ekblob", 48))}
    try:
        challenges = challenges_for(work, ek_pem, tcpa, secrets)
    except (RuntimeError, subprocess.CalledProcessError) as e:
        c.check(False, "host: challenges built with openssl", str(e))
        return c.finish()
    ak_name = hashlib.sha1(tcpa).hexdigest()
    try:
        g2 = harness.boot("tpm12-2", "tpm12", state, boot2_steps(meta, challenges),
                          dict(binaries, files=files), launch=d, timeout=600)
        check_boot2(c, g2, secrets, ak_name)
        rcs = [t12.rc_of(r) for r in t12.HostTpm12(state).enable()]
        c.equal(rcs, [0, 0, 0, 0], "host, as the firmware setup: TPM_PhysicalEnable, activated")
        g3 = harness.boot("tpm12-3", "tpm12", state, boot3_steps(meta),
                          dict(binaries, files=files + [f"{aik_blob}:/root/aik.old"]),
                          launch=d, timeout=600)
        check_boot3(c, g3, g1.out("ekey"), ak_name)
        rcs = [t12.rc_of(r) for r in t12.HostTpm12(state).deactivate()]
        c.equal(rcs, [0, 0, 0], "host: physical presence, TPM_PhysicalSetDeactivated(TRUE)")
        g4 = harness.boot("tpm12-4", "tpm12", state, broken_steps(nonce), binaries, timeout=600)
        check_broken(c, g4, 6, "active", "deactivated TPM")
        rcs = [t12.rc_of(r) for r in t12.HostTpm12(state).disable()]
        c.equal(rcs, [0, 0, 0, 0], "host: activated again, TPM_PhysicalDisable")
        g5 = harness.boot("tpm12-5", "tpm12", state, broken_steps(nonce), binaries, timeout=600)
        check_broken(c, g5, 7, "enabled", "disabled TPM")
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        c.check(False, "boots 2-5 and the host's TPM commands between them", str(e))
        return c.finish()
    check_plugin(c, Plugin(work), g1, g2, g4, g5, nonce, secrets, work)

    for i, g in enumerate((g1, g2, g3, g4, g5), 1):
        problems = harness.kernel_problems(harness.after_launch(g.dmesg()))
        c.check(not problems, f"boot {i}: no oops, WARN or BUG", "\n    ".join(problems[:5]))
    dmesg = "".join(g.dmesg() for g in (g1, g2, g3, g4, g5))
    secret_hex = hashlib.sha1(b"xenroot").hexdigest()
    c.check(secret_hex not in dmesg.lower(), "the owner secret is in no kernel log or audit record")
    secret = hashlib.sha1(b"xenroot").digest()
    leaks = []
    for g in (g1, g2, g3, g4, g5):
        for name in os.listdir(g.results):
            with open(os.path.join(g.results, name), "rb") as f:
                data = f.read()
            if secret in data or secret_hex.encode() in data.lower() or \
                    base64.b64encode(secret) in data:
                leaks.append(name)
    c.equal(leaks, [], "the owner secret (raw, hex, base64) is in no output of any step")
    if not c.failed:              # kept for a look when something failed
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(state, ignore_errors=True)
    return c.finish()


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())
