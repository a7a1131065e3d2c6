#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""xentpm, the seed product's command line, on a TPM 2.0 host after an
(emulated) TXT measured launch: every option in the guest, at its
installed path /opt/xensource/tpm/xentpm, judged on the host by openssl,
tpm2_checkquote and by xenmb's own answers.

  test_xentpm.py        final line: N passed, N failed

The convention under test: success is exit 0 with the result on stdout;
failure is exit 1 and nothing but a decimal code on stderr.
"""
import base64
import hashlib
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

import harness
import txtlaunch

MODE = "tpm2-agile"
XENTPM = "/opt/xensource/tpm/xentpm"
ALGS = {"sha1": 0x0004, "sha256": 0x000B, "sha384": 0x000C, "sha512": 0x000D}
NAME_HASH = {0x0004: hashlib.sha1, 0x000B: hashlib.sha256}
TAG = bytes(range(1, 33))


EK_CERT_NV = 0x01C00002        # TCG EK Credential Profile: RSA 2048 EK certificate
PW_SESSION = struct.pack(">IHBH", 0x40000009, 0, 0, 0)     # TPM_RS_PW, empty auth


def tpm2_owner_cmd(cc, handles, params):
    """A TPM 2.0 command authorized by the owner's (empty) password."""
    body = handles + struct.pack(">I", len(PW_SESSION)) + PW_SESSION + params
    return struct.pack(">HII", 0x8002, 10 + len(body), cc) + body


def ek_cert_commands(der):
    """NV_DefineSpace of the EK certificate index, then NV_Writes of @der,
    built here from the TPM 2.0 spec, as a platform vendor provisions it."""
    attrs = 0x00000002 | 0x00020000 | 0x00040000 | 0x02000000   # OWNERWRITE|OWNERREAD|AUTHREAD|NO_DA
    nv_public = struct.pack(">IHIHH", EK_CERT_NV, 0x000B, attrs, 0, len(der))
    define = tpm2_owner_cmd(0x12A, struct.pack(">I", 0x40000001),
                            struct.pack(">H", 0) + struct.pack(">H", len(nv_public)) + nv_public)
    writes = [tpm2_owner_cmd(0x137, struct.pack(">II", 0x40000001, EK_CERT_NV),
                             struct.pack(">H", len(der[off:off + 512])) + der[off:off + 512] +
                             struct.pack(">H", off))
              for off in range(0, len(der), 512)]
    return [define] + writes


def steps_for(meta, nonce_b64, ek_cert_der):
    x = XENTPM
    return [
        harness.Step("insmod", f"insmod /lib/modules/xenmb/xenmb.ko txt_base={meta['base']:#x}"),
        harness.Step("noargs", x),
        harness.Step("unknown", f"{x} --frobnicate"),
        harness.Step("extra", f"{x} --get_ekey extra"),
        harness.Step("is_owned", f"{x} --is_tpm_owned"),
        harness.Step("ekey", f"{x} --get_ekey"),
        harness.Step("ek_pem", "xenmb ek --pem"),
        harness.Step("ekcert", f"{x} --get_ekcert"),
        # Provision an EK certificate (more than one NV write long), then read it.
        harness.Step("cert_provision", " && ".join(
            f"xenmb tpm send --locality 0 {c.hex()} >/dev/null" for c in ek_cert_commands(ek_cert_der))),
        harness.Step("ek_cert_pem", "xenmb ek --cert"),
        harness.Step("ekcert_present", f"{x} --get_ekcert"),
        harness.Step("gen_aik_bad", f"{x} --gen_aik '@@not-base64'"),
        harness.Step("gen_aik", f"{x} --gen_aik ''"),
        harness.Step("gen_aik_again", f"{x} --gen_aik"),
        harness.Step("aik_pem", f"{x} --get_aik_pem"),
        harness.Step("ak_pem", "xenmb ak --pem"),
        harness.Step("ak_name", "xenmb ak --name"),
        harness.Step("aik_tcpa", f"{x} --get_aik_tcpa"),
        harness.Step("quote", f"{x} --tpm_quote {nonce_b64}"),
        harness.Step("quote_bad", f"{x} --tpm_quote '!!not base64'"),
        harness.Step("quote_long", f"{x} --tpm_quote {base64.b64encode(bytes(65)).decode()}"),
        harness.Step("challenge_bad", f"{x} --tpm_challenge '@@'"),
        harness.Step("challenge_junk", f"{x} --tpm_challenge AAAAAAAA"),
        harness.Step("tag_bad", f"{x} --tpm_set_asset_tag 1234"),
        harness.Step("tag_set", f"{x} --tpm_set_asset_tag {TAG.hex()}"),
        harness.Step("tag_show", "xenmb asset-tag show"),
        harness.Step("tag_clear", f"{x} --tpm_clear_asset_tag"),
        harness.Step("tag_show2", "xenmb asset-tag show"),
        harness.Step("take", f"{x} --take_ownership"),
        harness.Step("is_owned2", f"{x} --is_tpm_owned"),
        harness.Step("take_again", f"{x} --take_ownership"),
        harness.Step("quote_owned", f"{x} --tpm_quote {nonce_b64}"),
        harness.Step("take_wrong", "mkdir -p /opt/xensource/tpm && "
                     "echo password=$(printf other | sha1sum | cut -c1-40) "
                     f"> /opt/xensource/tpm/config && {x} --take_ownership; "
                     "rc=$?; rm -f /opt/xensource/tpm/config; exit $rc"),
        harness.Step("leftover", "ls /tmp"),
        harness.Step("rmmod", "rmmod xenmb"),
    ]


def host_run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def pcrs_file(pcrs):
    """tpm2_quote's serialized PCR file for {bank: {pcr: hex}}, in the
    order the JSON lists banks (the quote's selection order)."""
    sel = struct.pack("<I", len(pcrs))
    digests = []
    for bank, values in pcrs.items():
        mask = 0
        for p in values:
            mask |= 1 << int(p)
        sel += struct.pack("<HB", ALGS[bank], 3) + mask.to_bytes(4, "little") + b"\0"
        digests += [bytes.fromhex(values[p]) for p in sorted(values, key=int)]
    sel += bytes(4 + 16 * 8 - len(sel))
    lists = [digests[i:i + 8] for i in range(0, len(digests), 8)]
    out = sel + struct.pack("<I", len(lists))
    for chunk in lists:
        body = struct.pack("<I", len(chunk))
        for d in chunk:
            body += struct.pack("<H", len(d)) + d + bytes(64 - len(d))
        out += body + bytes(4 + 8 * 66 - len(body))
    return out


def failed_with(g, step, code):
    """Exit 1 and exactly @code on stderr, as the original tool."""
    return g.rc(step) == 1 and g.err(step) == str(code)


def check_base64_layout(c, text, what):
    lines = text.split("\n")
    c.check(text and not text.endswith("\n") and all(len(x) <= 64 for x in lines) and
            all(len(x) == 64 for x in lines[:-1]),
            f"{what}: base64 in lines of 64, no final newline (the original's layout)",
            repr(text[:80]))


def check_quote(c, g, step, nonce, ak_pem_path, what):
    text = g.out(step)
    try:
        q = json.loads(base64.b64decode(text, validate=False))
    except ValueError as e:
        c.check(False, f"{what}: base64 of the quote JSON", f"{e}: {text[:100]!r}")
        return
    c.check(g.rc(step) == 0 and g.err(step) == "", f"{what}: exit 0, empty stderr",
            g.err(step))
    check_base64_layout(c, text, what)
    c.equal(base64.b64decode(q.get("nonce", "")), nonce, f"{what}: the JSON carries the nonce")
    c.check(q.get("srtm_log") and q.get("drtm_log"),
            f"{what}: the SRTM and DRTM event logs come with the quote", sorted(q))
    c.equal(list(q.get("pcrs", {})), ["sha256", "sha1"],
            f"{what}: PCR values of the sha256 and sha1 banks")
    with tempfile.TemporaryDirectory() as d:
        for name, data in (("msg", base64.b64decode(q["attest"])),
                           ("sig", base64.b64decode(q["signature"])),
                           ("pcrs", pcrs_file(q["pcrs"]))):
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        base = ["tpm2_checkquote", "-u", ak_pem_path, "-m", f"{d}/msg", "-s", f"{d}/sig",
                "-f", f"{d}/pcrs", "-g", "sha256", "-q"]
        rc, out = host_run(base + [nonce.hex()])
        c.check(rc == 0, f"{what}: tpm2_checkquote accepts it (AK from --get_aik_pem)",
                out[-400:])
        other = bytes([nonce[0] ^ 1]) + nonce[1:]
        rc, out = host_run(base + [other.hex()])
        c.check(rc != 0, f"{what}: tpm2_checkquote rejects a changed nonce", out[-200:])


def main():
    c = harness.Checker("xentpm")
    binaries = harness.guest_binaries()
    harness.make("tcti")
    binaries["libs"] = [os.path.join(harness.BUILD, "libtss2-tcti-xenmb.so.0")]
    binaries["files"] = [os.path.join(harness.BUILD, "xenmb") + ":" + XENTPM]
    helps = subprocess.run([os.path.join(harness.BUILD, "xenmb"), "--help"],
                           capture_output=True, text=True).stdout
    have = {s: f"xenmb {s}" in helps for s in ("owner", "asset-tag", "challenge")}

    d = harness.launch_dir("xentpm", MODE)
    os.makedirs(d, exist_ok=True)
    meta = txtlaunch.generate(d, MODE)
    nonce = os.urandom(20)
    # A certificate over 1 KiB, as real EK certificates often are.
    cert_pem_path = os.path.join(d, "ekcert.pem")
    harness.run(["openssl", "req", "-x509", "-newkey", "rsa:4096", "-nodes", "-days", "1",
                 "-subj", "/CN=xenmb test EK certificate", "-keyout", os.path.join(d, "ekcert.key"),
                 "-out", cert_pem_path], capture_output=True)
    cert_der = subprocess.run(["openssl", "x509", "-in", cert_pem_path, "-outform", "DER"],
                              capture_output=True, check=True).stdout
    try:
        g = harness.boot("xentpm", "tpm2", harness.fresh_state("xentpm"),
                         steps_for(meta, base64.b64encode(nonce).decode(), cert_der),
                         binaries, launch=d)
    except RuntimeError as e:
        c.check(False, "boot", str(e))
        return c.finish()
    c.equal(g.rc("insmod"), 0, "the module loads")

    # Usage errors: 3, the original's TSS_E_BAD_PARAMETER.
    for step, what in (("noargs", "no option"), ("unknown", "an unknown option"),
                       ("extra", "an extra argument"), ("quote_bad", "a nonce that is not base64"),
                       ("quote_long", "a 65-byte nonce"),
                       ("gen_aik_bad", "a host certificate that is not base64"),
                       ("challenge_bad", "a challenge that is not base64")):
        c.check(failed_with(g, step, 3), f"{what}: exit 1, '3' on stderr",
                f"rc {g.rc(step)}, stderr {g.err(step)!r}")
    c.check("--tpm_quote <nonce_base64>" in g.out("noargs"), "no option prints the usage")

    ekey = g.out("ekey")
    c.check(g.rc("ekey") == 0 and ekey.startswith("-----BEGIN PUBLIC KEY-----\n"),
            "--get_ekey prints a PEM public key", ekey[:80] + g.err("ekey"))
    c.equal(ekey, g.out("ek_pem"), "--get_ekey is the EK of 'xenmb ek --pem'")
    with tempfile.TemporaryDirectory() as tmp:
        for step in ("ekey", "aik_pem"):
            path = os.path.join(tmp, step + ".pem")
            with open(path, "w") as f:
                f.write(g.out(step))
            rc, out = host_run(["openssl", "pkey", "-pubin", "-in", path, "-noout", "-text"])
            c.check(rc == 0 and "Public-Key: (2048 bit)" in out,
                    f"--{'get_ekey' if step == 'ekey' else 'get_aik_pem'}: openssl reads "
                    "an RSA-2048 key", out[:200])
        c.check(failed_with(g, "ekcert", -4),
                "--get_ekcert without an EK certificate: exit 1, '-4' (XENTPM_E_CERT)",
                f"rc {g.rc('ekcert')}, stderr {g.err('ekcert')!r}")

        c.equal(g.rc("cert_provision"), 0, "an EK certificate was written to NV 0x01C00002")
        with open(cert_pem_path) as f:
            want_pem = f.read()
        c.check(g.rc("ek_cert_pem") == 0 and g.out("ek_cert_pem").strip() == want_pem.strip(),
                f"'xenmb ek --cert' gives the {len(cert_der)}-byte certificate back as PEM",
                g.out("ek_cert_pem")[:120] + g.err("ek_cert_pem"))
        got_der = base64.b64decode("".join(g.out("ekcert_present").split()) or "")
        c.check(g.rc("ekcert_present") == 0 and got_der == cert_der,
                "--get_ekcert prints the certificate's DER in base64",
                g.err("ekcert_present"))
        check_base64_layout(c, g.out("ekcert_present"), "--get_ekcert")

        c.check(g.rc("gen_aik") == 0 and g.out("gen_aik") == "" and g.err("gen_aik") == "",
                "--gen_aik '' makes the AK, prints nothing", g.err("gen_aik"))
        c.check(g.rc("gen_aik_again") == 0, "--gen_aik again (no certificate) succeeds")
        c.check(g.rc("aik_pem") == 0 and g.out("aik_pem").startswith("-----BEGIN PUBLIC KEY-----"),
                "--get_aik_pem prints a PEM public key", g.err("aik_pem"))
        c.equal(g.out("aik_pem"), g.out("ak_pem"), "--get_aik_pem is 'xenmb ak --pem'")

        tcpa = g.out("aik_tcpa")
        check_base64_layout(c, tcpa, "--get_aik_tcpa")
        try:
            blob = base64.b64decode(tcpa)
            size = struct.unpack(">H", blob[:2])[0]
            public = blob[2:]
            # TPMT_PUBLIC: type, nameAlg, ...; name = nameAlg || H(TPMT_PUBLIC)
            name_alg = struct.unpack(">H", public[2:4])[0]
            name = public[2:4] + NAME_HASH[name_alg](public).digest()
            ok = size == len(public)
        except (ValueError, KeyError, struct.error):
            ok, name = False, b""
        c.check(ok, "--get_aik_tcpa decodes to a TPM2B_PUBLIC (size prefix matches)")
        c.equal(name.hex(), g.out("ak_name").strip(),
                "the TPM2B_PUBLIC's name is 'xenmb ak --name'")

        ak_path = os.path.join(tmp, "aik_pem.pem")
        check_quote(c, g, "quote", nonce, ak_path, "--tpm_quote")

    if have["challenge"]:
        c.check(failed_with(g, "challenge_junk", -13),
                "--tpm_challenge of a non-credential: exit 1, '-13'",
                f"rc {g.rc('challenge_junk')}, stderr {g.err('challenge_junk')!r}")
    else:
        c.check(failed_with(g, "challenge_junk", -11),
                "--tpm_challenge: WAITING for 'xenmb challenge': exit 1, '-11'")
    if have["asset-tag"]:
        c.check(failed_with(g, "tag_bad", 3), "--tpm_set_asset_tag of 2 bytes: exit 1, '3'",
                f"rc {g.rc('tag_bad')}, stderr {g.err('tag_bad')!r}")
        c.check(g.rc("tag_set") == 0 and g.out("tag_set") == "",
                "--tpm_set_asset_tag HEX succeeds, prints nothing", g.err("tag_set"))
        c.check(TAG.hex() in g.out("tag_show"), "'xenmb asset-tag show' then shows the tag",
                g.out("tag_show"))
        c.check(g.rc("tag_clear") == 0, "--tpm_clear_asset_tag succeeds", g.err("tag_clear"))
        c.check("no asset tag" in g.out("tag_show2"), "'xenmb asset-tag show' then has none",
                g.out("tag_show2"))
    else:
        c.check(failed_with(g, "tag_set", -11),
                "--tpm_set_asset_tag: WAITING for 'xenmb asset-tag': exit 1, '-11'")
    if have["owner"]:
        c.check(g.rc("is_owned") == 0 and g.err("is_owned") == "" and g.out("is_owned") == "",
                "--is_tpm_owned on a fresh TPM: exit 0 (not owned), as the original",
                f"rc {g.rc('is_owned')}, stderr {g.err('is_owned')!r}")
        c.check(g.rc("take") == 0 and g.out("take") == "",
                "--take_ownership succeeds, prints nothing",
                f"rc {g.rc('take')}, stderr {g.err('take')!r}")
        c.check(failed_with(g, "is_owned2", 1),
                "--is_tpm_owned once owned: exit 1, '1' on stderr, as the original",
                f"rc {g.rc('is_owned2')}, stderr {g.err('is_owned2')!r}")
        c.check(g.rc("take_again") == 0, "--take_ownership again: nothing to do, exit 0",
                f"rc {g.rc('take_again')}, stderr {g.err('take_again')!r}")
        c.check(g.rc("quote_owned") == 0 and g.out("quote_owned"),
                "--tpm_quote still works once owned",
                f"rc {g.rc('quote_owned')}, stderr {g.err('quote_owned')!r}")
        c.check(failed_with(g, "take_wrong", 1),
                "--take_ownership with another password in the config: exit 1, '1'",
                f"rc {g.rc('take_wrong')}, stderr {g.err('take_wrong')!r}")
    else:
        c.check(failed_with(g, "is_owned", -11) and failed_with(g, "take", -11),
                "--is_tpm_owned, --take_ownership: WAITING for 'xenmb owner': exit 1, '-11'")

    # Every failure printed a number and nothing else.
    bad = [s for s in os.listdir(g.results) if s.endswith(".rc")
           and s[:-3] not in ("leftover", "insmod", "rmmod", "ek_pem", "ak_pem", "ak_name",
                              "tag_show", "tag_show2")
           and g.rc(s[:-3]) == 1 and not re.fullmatch(r"-?\d+", g.err(s[:-3]))]
    c.equal(bad, [], "every xentpm failure has only a decimal code on stderr")
    c.check("xentpm." not in g.out("leftover"), "no working directory left in /tmp",
            g.out("leftover"))
    c.equal(g.rc("rmmod"), 0, "the module unloads (nothing left open)")
    problems = harness.kernel_problems(harness.after_launch(g.dmesg()))
    c.check(not problems, "no oops, WARN or BUG", "\n    ".join(problems[:5]))
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
