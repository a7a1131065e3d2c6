#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Credential activation on a TPM 2.0 host, over tpm2-tss ESAPI and the
xenmb TCTI: the attestation server's side is tpm2_makecredential on the
host (no TPM, '-T none'), the guest's is 'xenmb challenge'.

Boot 1 (fresh swtpm state, kept) makes the EK and AK and hands their
public parts to the host; the host makes credentials for them, for a
flipped AK name and for another EK; boot 2, on the same TPM state,
activates them. Boot 1 also makes an EK and an AK at the handles an
operator picks (Intel ISecL's EK handle, ek/ak --handle), and boot 2
activates a credential for those with challenge --ek-handle --ak-handle.

  test_challenge.py
"""
import base64
import hashlib
import os
import shutil
import subprocess
import sys

import harness
from tpm_handles import HR_LOADED_SESSION, HR_PERSISTENT, HR_TRANSIENT, get_handles, handles_of

EXIT_USAGE, EXIT_NOT_FOR_US, EXIT_BAD_CRED = 2, 10, 11
ISECL_EK, OTHER_AK = "0x81010000", "0x81018001"
NOT_FOR_US = "xenmb: the challenge was not made for this host's EK and AK"
CRED_MAGIC = bytes.fromhex("badcc0de00000001")


XENTPM = "/opt/xensource/tpm/xentpm"


def binaries(work):
    """The guest's binaries, copied under the build lock: the two boots are
    minutes apart, and a test running beside this one may rebuild (or
    clean) build/ in between."""
    for _ in range(3):
        b = harness.guest_binaries()
        b["libs"] = [os.path.join(harness.BUILD, "libtss2-tcti-xenmb.so.0")]
        own = os.path.join(work, "bin")
        os.makedirs(own, exist_ok=True)
        with harness.build_lock():
            try:
                copy = lambda f: shutil.copy(f, os.path.join(own, os.path.basename(f)))  # noqa: E731
                bins = [copy(f) for f in b["bins"]]
                # xentpm is the same program under the seed product's name.
                xentpm = [f + ":" + XENTPM for f in bins if os.path.basename(f) == "xenmb"]
                return {"module": copy(b["module"]), "bins": bins,
                        "libs": [copy(f) for f in b["libs"]], "files": xentpm}
            except FileNotFoundError:
                continue
    raise RuntimeError("the guest binaries keep disappearing from build/")


def host_run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def makecredential(work, ek_pem, name_hex, secret, out):
    """The server's side, as tpm2-tools 5.4 does it without a TPM: a PEM
    EK public key (-u, with -G rsa: the default EK template) and the AK
    name in hex."""
    secret_path = os.path.join(work, "secret")
    with open(secret_path, "wb") as f:
        f.write(secret)
    path = os.path.join(work, out)
    rc, text = host_run(["tpm2_makecredential", "-T", "none", "-u", ek_pem, "-G", "rsa",
                         "-s", secret_path, "-n", name_hex, "-o", path])
    return rc, text, read(path)


def octal(data):
    """@data as a printf(1) format of octal escapes, for the guest's sh."""
    return "".join(f"\\{b:03o}" for b in data)


def boot2_steps(creds):
    b64 = {k: base64.b64encode(v).decode() for k, v in creds.items()}
    wrapped = base64.encodebytes(creds["good"]).decode()  # base64(1)-style, 76 a line
    return [
        harness.Step("insmod", "insmod /lib/modules/xenmb/xenmb.ko"),
        harness.Step("challenge", f"xenmb challenge {b64['good']}"),
        harness.Step("again", f"xenmb challenge {b64['good']}"),
        harness.Step("json", f"xenmb challenge --json {b64['good']}"),
        harness.Step("raw", f"xenmb challenge --raw {b64['good']}"),
        harness.Step("wrapped", f"xenmb challenge '{wrapped}'"),
        harness.Step("file", f"printf '{octal(creds['good'])}' >/tmp/cred && "
                     "xenmb challenge --file /tmp/cred"),
        harness.Step("other_ak", f"xenmb challenge {b64['other_ak']}"),
        harness.Step("other_ek", f"xenmb challenge {b64['other_ek']}"),
        harness.Step("garbage", "xenmb challenge 'not*base64!'"),
        harness.Step("truncated", f"xenmb challenge {b64['truncated']}"),
        harness.Step("bad_magic", f"xenmb challenge {b64['bad_magic']}"),
        harness.Step("trailing", f"xenmb challenge {b64['trailing']}"),
        harness.Step("no_arg", "xenmb challenge"),
        harness.Step("after_failures", f"xenmb challenge {b64['good']}"),
        # What the xapi plugin's tpm_challenge runs.
        harness.Step("xentpm", f"{XENTPM} --tpm_challenge {b64['good']}"),
        harness.Step("xentpm_other_ak", f"{XENTPM} --tpm_challenge {b64['other_ak']}"),
        harness.Step("h_challenge", f"xenmb challenge --ek-handle {ISECL_EK} --ak-handle {OTHER_AK} "
                     f"{b64['handles']}"),
        # The same EK at the default handle serves as well: one key.
        harness.Step("h_default_ek", f"xenmb challenge --ak-handle {OTHER_AK} {b64['handles']}"),
        harness.Step("h_default_ak", f"xenmb challenge --ek-handle {ISECL_EK} {b64['handles']}"),
        harness.Step("transient", f"xenmb tpm send --locality 0 --json {get_handles(HR_TRANSIENT).hex()}"),
        harness.Step("sessions", f"xenmb tpm send --locality 0 --json {get_handles(HR_LOADED_SESSION).hex()}"),
        harness.Step("persistent", f"xenmb tpm send --locality 0 --json {get_handles(HR_PERSISTENT).hex()}"),
        harness.Step("rmmod", "rmmod xenmb"),
    ]


def main(argv):
    c = harness.Checker("challenge")
    work = os.path.join(harness.BUILD, harness.host_name("challenge"))
    os.makedirs(work, exist_ok=True)
    b = binaries(work)
    state = harness.fresh_state("challenge")

    # Boot 1: the EK and AK, as a server would be shown them.
    try:
        g = harness.boot("challenge1", "tpm2", state, [
            harness.Step("insmod", "insmod /lib/modules/xenmb/xenmb.ko"),
            harness.Step("ek", "xenmb ek --pem"),
            harness.Step("ak", 'xenmb ak --public "$R/ak.pub" --name'),
            harness.Step("h_ek", f"xenmb ek --handle {ISECL_EK} --pem"),
            harness.Step("h_ak", f"xenmb ak --handle {OTHER_AK} --ek-handle {ISECL_EK} --name"),
            harness.Step("rmmod", "rmmod xenmb"),
        ], b)
    except RuntimeError as e:
        c.check(False, "boot 1", str(e))
        return c.finish()
    c.equal((g.rc("insmod"), g.rc("ek"), g.rc("ak")), (0, 0, 0),
            "boot 1: insmod, 'xenmb ek --pem' and 'xenmb ak --public --name' exit 0")
    ek_pem = os.path.join(work, "ek.pem")
    with open(ek_pem, "w") as f:
        f.write(g.out("ek"))
    name = g.out("ak").strip()
    ak_pub = read(os.path.join(g.results, "ak.pub"))
    # The name is nameAlg (SHA-256) || SHA-256(TPMT_PUBLIC): checked here,
    # so the credential below is bound to the AK's real name.
    c.equal(name, "000b" + hashlib.sha256(ak_pub[2:]).hexdigest(),
            "the AK name is SHA-256 of its TPMT_PUBLIC")

    # The server's side.
    secret = os.urandom(32)
    creds = {}
    rc, text, creds["good"] = makecredential(work, ek_pem, name, secret, "cred")
    c.check(rc == 0 and creds["good"][:8] == CRED_MAGIC,
            "tpm2_makecredential -T none -u ek.pem -G rsa makes a credential", text[-300:])
    flipped = name[:10] + format(int(name[10], 16) ^ 1, "x") + name[11:]
    rc1, text1, creds["other_ak"] = makecredential(work, ek_pem, flipped, secret, "cred_ak")
    other_key = os.path.join(work, "other.key")
    other_pem = os.path.join(work, "other.pem")
    rc2, text2 = host_run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                           "rsa_keygen_bits:2048", "-out", other_key])
    if rc2 == 0:
        rc2, text2 = host_run(["openssl", "pkey", "-in", other_key, "-pubout", "-out", other_pem])
    if rc2 == 0:
        rc2, text2, creds["other_ek"] = makecredential(work, other_pem, name, secret, "cred_ek")
    c.check(rc1 == 0 and rc2 == 0,
            "credentials for a flipped AK name and for another RSA-2048 EK made",
            (text1 + text2)[-300:])
    creds.setdefault("other_ek", b"")
    h_ek_pem = os.path.join(work, "h_ek.pem")
    with open(h_ek_pem, "w") as f:
        f.write(g.out("h_ek"))
    h_name = g.out("h_ak").strip()
    c.check(g.rc("h_ek") == 0 and g.rc("h_ak") == 0 and g.out("h_ek") == g.out("ek")
            and h_name.startswith("000b") and h_name != name,
            "boot 1: the EK at 0x81010000 (the same key) and another AK at 0x81018001",
            g.err("h_ek") + g.err("h_ak"))
    rc, text, creds["handles"] = makecredential(work, h_ek_pem, h_name, secret, "cred_h")
    c.check(rc == 0, "a credential for the EK and the AK at those handles", text[-300:])
    good = creds["good"]
    creds["truncated"] = good[:len(good) - 10]
    creds["bad_magic"] = b"\x00" + good[1:]
    creds["trailing"] = good + b"\x00"

    # Boot 2, same TPM: activate.
    try:
        g = harness.boot("challenge2", "tpm2", state, boot2_steps(creds), b)
    except RuntimeError as e:
        c.check(False, "boot 2", str(e))
        return c.finish()
    want = base64.b64encode(secret).decode()
    c.equal(g.rc("insmod"), 0, "boot 2: the module loads")
    c.equal((g.rc("challenge"), g.out("challenge").strip()), (0, want),
            "'xenmb challenge B64' prints the server's secret in base64")
    if g.rc("challenge"):
        print("    " + g.err("challenge")[-600:].replace("\n", "\n    "))
    c.equal((g.rc("xentpm"), "".join(g.out("xentpm").split())), (0, want),
            "'xentpm --tpm_challenge B64' prints the server's secret")
    c.equal((g.rc("xentpm_other_ak"), g.err("xentpm_other_ak").strip()), (1, "-12"),
            "xentpm: a challenge for another AK exits 1 with code -12")
    c.equal((g.rc("again"), g.out("again").strip()), (0, want),
            "the same challenge again: the same secret")
    c.equal((g.rc("json"), (g.json("json") or {}).get("secret")), (0, want),
            "--json: {\"secret\": base64}")
    c.equal((g.rc("raw"), read(os.path.join(g.results, "raw.out"))), (0, secret),
            "--raw: the secret's bytes")
    c.equal((g.rc("wrapped"), g.out("wrapped").strip()), (0, want),
            "base64 wrapped at 76 columns is accepted")
    c.equal((g.rc("file"), g.out("file").strip()), (0, want),
            "--file F: the file tpm2_makecredential wrote")

    for step, what in (("other_ak", "a flipped AK name"), ("other_ek", "another EK")):
        c.equal((g.rc(step), g.out(step), g.err(step).strip()), (EXIT_NOT_FOR_US, "", NOT_FOR_US),
                f"a credential for {what}: exit {EXIT_NOT_FOR_US}, one line, no secret")
    c.equal(g.rc("garbage"), EXIT_USAGE, "not base64: usage error (exit 2)")
    for step, what in (("truncated", "cut short"), ("bad_magic", "without tpm2-tools' magic"),
                       ("trailing", "with a byte after it")):
        err = g.err(step).strip()
        c.check(g.rc(step) == EXIT_BAD_CRED and len(err.splitlines()) == 1 and
                "not a tpm2_makecredential credential" in err,
                f"a credential {what}: exit {EXIT_BAD_CRED}, one line",
                f"rc {g.rc(step)}, stderr {err!r}")
    c.equal(g.rc("no_arg"), EXIT_USAGE, "no credential: usage error")
    c.equal((g.rc("h_challenge"), g.out("h_challenge").strip()), (0, want),
            "'challenge --ek-handle 0x81010000 --ak-handle 0x81018001' activates theirs")
    c.equal((g.rc("h_default_ek"), g.out("h_default_ek").strip()), (0, want),
            "... and with the EK at its default handle, the same key")
    c.equal((g.rc("h_default_ak"), g.err("h_default_ak").strip()), (EXIT_NOT_FOR_US, NOT_FOR_US),
            f"with the default AK instead: exit {EXIT_NOT_FOR_US}")
    c.equal((g.rc("after_failures"), g.out("after_failures").strip()), (0, want),
            "after the failures the TPM still activates the credential")

    # /dev/xenmb has no resource manager: every path flushed its session.
    c.equal(handles_of(g, "transient"), [], "no transient object left in the TPM")
    c.equal(handles_of(g, "sessions"), [], "no session left in the TPM")
    c.check({0x81010001, 0x81018000} <= set(handles_of(g, "persistent") or []),
            "the EK and AK are still persistent", repr(handles_of(g, "persistent")))
    cmds = [a.get("cmd") for a in harness.audit_records(g.dmesg())]
    c.check(cmds.count("TPM2_ActivateCredential") >= 8,
            "the ActivateCredential commands went through /dev/xenmb (audited)",
            repr(sorted(set(cmds))))
    c.check(want not in g.dmesg(), "the secret is not in the kernel log")
    c.equal(g.rc("rmmod"), 0, "the module unloads")
    problems = harness.kernel_problems(g.dmesg())
    c.check(not problems, "no oops, WARN or BUG", "\n    ".join(problems[:5]))
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
