#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""EK, AK and quote on a TPM 2.0 host after an (emulated) TXT measured
launch, over tpm2-tss ESAPI and the xenmb TCTI. Judged on the host by
tpm2_checkquote and openssl, by the launch generator's own replay of the
DRTM log, and by the SRTM log's replay. Then the same keys at the handles
an operator picks (ek/ak --handle, quote --ak-handle: Intel ISecL's EK
handle), the handles refused, and the progress line before a key is
made: on a terminal (util-linux script gives the command a pty), never
into a file.

  test_quote.py

XENMB_QUOTE_TCTI selects the TCTI the guest's xenmb uses (default: its
built-in "xenmb"; "device:/dev/tpm0" bypasses /dev/xenmb, for debugging).
"""
import base64
import hashlib
import os
import struct
import subprocess
import sys

import harness
import txtlaunch
from tpm_handles import HR_LOADED_SESSION, HR_PERSISTENT, HR_TRANSIENT, get_handles, handles_of

MODE = "tpm2-agile"
EK_HANDLE, AK_HANDLE = 0x81010001, 0x81018000
# ISecL's EK; an AK of xenmb's beside ISecL's at 0x81018000; the AK and
# the EK the pty steps create (a key found makes no progress line).
ISECL_EK, OTHER_AK, TTY_EK, TTY_AK = 0x81010000, 0x81018001, 0x81010002, 0x81018002
PROGRESS = "(can take seconds on a hardware TPM)..."
ALG_NAMES = {0x0004: ("sha1", 20), 0x000B: ("sha256", 32),
             0x000C: ("sha384", 48), 0x000D: ("sha512", 64)}
SIZEOF_TPML_PCR_SELECTION = 4 + 16 * 8   # count + 16 TPMS_PCR_SELECTION (7 + pad)
SIZEOF_TPML_DIGEST = 4 + 8 * (2 + 64)    # count + 8 TPM2B_DIGEST


def parse_pcrs_file(data):
    """{bank: {pcr: bytes}} of tpm2_quote's serialized PCR file, read
    independently of the helper: TPML_PCR_SELECTION as laid out in memory
    (little-endian), a u32 count, then that many TPML_DIGEST."""
    count = struct.unpack_from("<I", data, 0)[0]
    sels = []
    for i in range(count):
        alg, size_sel = struct.unpack_from("<HB", data, 4 + 8 * i)
        mask = int.from_bytes(data[4 + 8 * i + 3:4 + 8 * i + 3 + size_sel], "little")
        sels.append((alg, mask))
    off = SIZEOF_TPML_PCR_SELECTION
    nlists = struct.unpack_from("<I", data, off)[0]
    off += 4
    digests = []
    for _ in range(nlists):
        n = struct.unpack_from("<I", data, off)[0]
        for k in range(n):
            size = struct.unpack_from("<H", data, off + 4 + 66 * k)[0]
            digests.append(data[off + 6 + 66 * k:off + 6 + 66 * k + size])
        off += SIZEOF_TPML_DIGEST
    out, it = {}, iter(digests)
    for alg, mask in sels:
        out[ALG_NAMES[alg][0]] = {p: next(it) for p in range(24) if mask >> p & 1}
    return out


def steps_for(meta, nonce_b64, tcti):
    opt = f" --tcti {tcti}" if tcti else ""
    return [
        harness.Step("insmod", f"insmod /lib/modules/xenmb/xenmb.ko txt_base={meta['base']:#x}"),
        harness.Step("ek_text", f"xenmb ek{opt}"),
        harness.Step("ek_pem", f"xenmb ek --pem{opt}"),
        harness.Step("ek_again", f"xenmb ek{opt}"),
        harness.Step("ek_cert", f"xenmb ek --cert{opt}"),
        harness.Step("ak", f'xenmb ak --pem --public "$R/ak.pub" --name{opt}'),
        harness.Step("ak_again", f"xenmb ak --name{opt}"),
        harness.Step("quote", f'xenmb quote --nonce {nonce_b64} --out "$R/q" --json{opt}'),
        # PCR 0-7 only: what the SRTM log alone covers, for checkquote -e.
        harness.Step("quote07", f'xenmb quote --nonce {nonce_b64} --pcrs sha256:0,1,2,3+sha256:4,5,6,7 '
                     f'--out "$R/q07"{opt}'),
        harness.Step("bad_nonce", f"xenmb quote --nonce {base64.b64encode(bytes(65)).decode()}{opt}"),
        harness.Step("srtm", "xenmb eventlog --srtm --replay --json"),
        harness.Step("transient", f"xenmb tpm send --locality 0 --json {get_handles(HR_TRANSIENT).hex()}"),
        harness.Step("sessions", f"xenmb tpm send --locality 0 --json {get_handles(HR_LOADED_SESSION).hex()}"),
        harness.Step("persistent", f"xenmb tpm send --locality 0 --json {get_handles(HR_PERSISTENT).hex()}"),
    ] + handle_steps(nonce_b64, opt) + [
        harness.Step("rmmod", "rmmod xenmb"),
    ]


# Refused before the TPM is asked, each exit 2: (step, arguments).
BAD_HANDLES = [
    ("bad_ek_range", "ek --handle 0x81000001"),       # below the EK range
    ("bad_ek_is_ak", "ek --handle 0x81018000"),       # the default AK's
    ("bad_ak_platform", "ak --handle 0x81800000"),    # the platform's
    ("bad_ak_is_ek", f"ak --handle {EK_HANDLE:#x}"),  # the EK's
    ("bad_ak_transient", "ak --handle 0x80000001"),
    ("bad_quote_hex", "quote --nonce AAAA --ak-handle 8101800z"),
    ("bad_challenge_nv", "challenge --ak-handle 0x01c10110 AAAA"),
]


def handle_steps(nonce_b64, opt):
    """ek/ak --handle, quote --ak-handle, the refusals, the progress line."""
    # script -e: its exit code is the command's; -q: no banner. Its own
    # output is the pty's, so the command's stderr lands in .out.
    pty = "script -qec"
    return [
        harness.Step("h_ek", f"xenmb ek --handle {ISECL_EK:#x}{opt}"),
        harness.Step("h_ek_pem", f"xenmb ek --handle {ISECL_EK:#x} --pem{opt}"),
        harness.Step("h_ak", f"xenmb ak --handle {OTHER_AK:#x} --ek-handle {ISECL_EK:#x} --pem{opt}"),
        harness.Step("h_ak_again", f"xenmb ak --handle {OTHER_AK:#x} --ek-handle {ISECL_EK:#x}{opt}"),
        harness.Step("h_quote", f'xenmb quote --nonce {nonce_b64} --ak-handle {OTHER_AK:#x} '
                     f'--pcrs sha256:0,1,2,3,4,5,6,7 --out "$R/qh"{opt}'),
    ] + [harness.Step(name, f"xenmb {args}{opt}") for name, args in BAD_HANDLES] + [
        harness.Step("devpts", "mkdir -p /dev/pts && mount -t devpts devpts /dev/pts"),
        harness.Step("tty_ek", f"{pty} 'xenmb ek --handle {TTY_EK:#x}{opt}' /dev/null"),
        harness.Step("tty_ak", f"{pty} 'xenmb ak --handle {TTY_AK:#x} --ek-handle {ISECL_EK:#x}{opt}' "
                     "/dev/null"),
        harness.Step("tty_found", f"{pty} 'xenmb ak --handle {TTY_AK:#x} --ek-handle {ISECL_EK:#x}{opt}' "
                     "/dev/null"),
        harness.Step("h_persistent", f"xenmb tpm send --locality 0 --json {get_handles(HR_PERSISTENT).hex()}"),
    ]


def host_run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def rsa2048(c, pem, what):
    rc, out = host_run(["openssl", "pkey", "-pubin", "-in", pem, "-noout", "-text"])
    c.check(rc == 0 and "Public-Key: (2048 bit)" in out and "Exponent: 65537" in out,
            f"{what} is an RSA-2048 public key (openssl)", out[:200])


def read(path, mode="rb"):
    try:
        with open(path, mode) as f:
            return f.read()
    except OSError:
        return b"" if "b" in mode else ""


def check_quote(c, meta, blob, g, nonce, tcti):
    r = g.results
    q = os.path.join(r, "q")
    c.equal(g.rc("insmod"), 0, "the module loads")

    # EK: created once, found after, RSA-2048, no certificate on swtpm.
    c.equal(g.rc("ek_text"), 0, "'xenmb ek' exits 0")
    c.check("ek: 0x81010001 (created)" in g.out("ek_text"), "the first 'xenmb ek' creates the EK",
            g.out("ek_text") + g.err("ek_text"))
    c.check("(found)" in g.out("ek_again"), "the second finds it", g.out("ek_again"))
    ek_pem = os.path.join(r, "ek.pem")
    with open(ek_pem, "w") as f:
        f.write(g.out("ek_pem"))
    c.equal(g.rc("ek_pem"), 0, "'xenmb ek --pem' exits 0")
    rsa2048(c, ek_pem, "the EK PEM")
    c.equal(g.rc("ek_cert"), 8, "'xenmb ek --cert' without a certificate exits 8")
    c.check("no EK certificate in NV 0x01C00002" in g.err("ek_cert"), "... and says so",
            g.err("ek_cert"))

    # AK: PEM, TPM2B_PUBLIC and name agree; a second run finds the same key.
    c.equal(g.rc("ak"), 0, "'xenmb ak --pem --public F --name' exits 0")
    out = g.out("ak")
    pem_end = out.find("-----END PUBLIC KEY-----\n") + len("-----END PUBLIC KEY-----\n")
    ak_pem_text, ak_name = out[:pem_end], out[pem_end:].strip()
    ak_pem = os.path.join(r, "ak.pem")
    with open(ak_pem, "w") as f:
        f.write(ak_pem_text)
    rsa2048(c, ak_pem, "the AK PEM")
    pub = read(os.path.join(r, "ak.pub"))
    ok = len(pub) > 2 and struct.unpack(">H", pub[:2])[0] == len(pub) - 2
    want_name = ("000b" + hashlib.sha256(pub[2:]).hexdigest()) if ok else None
    c.check(ok and ak_name == want_name,
            "the AK name is SHA-256 of the TPM2B_PUBLIC file's TPMT_PUBLIC",
            f"name {ak_name!r}, computed {want_name!r}")
    if ok:
        # TPMT_PUBLIC: type RSA, nameAlg SHA256, attributes, authPolicy,
        # symmetric NULL, scheme RSASSA + SHA256, 2048 bits.
        typ, name_alg, attrs, pol = struct.unpack_from(">HHIH", pub, 2)
        sym, scheme, halg, bits = struct.unpack_from(">HHHH", pub, 12 + pol)
        c.equal((typ, name_alg, attrs & 0x70072, pol, sym, scheme, halg, bits),
                (0x0001, 0x000B, 0x50072, 0, 0x0010, 0x0014, 0x000B, 2048),
                "the AK is a restricted RSA-2048 RSASSA-SHA256 signing key")
    c.equal(g.out("ak_again").strip(), ak_name, "re-running 'xenmb ak' gives the same name")
    c.equal(handles_of(g, "persistent"), [EK_HANDLE, AK_HANDLE],
            "exactly two persistent keys: the EK and one AK")

    # The quote, judged by tpm2_checkquote.
    c.equal(g.rc("quote"), 0, "'xenmb quote --out DIR --json' exits 0")
    files = {n: os.path.join(q, n) for n in ("quote.msg", "quote.sig", "quote.pcrs", "ak.pem")}
    c.check(all(os.path.getsize(p) > 0 for p in files.values() if os.path.exists(p))
            and all(os.path.exists(p) for p in files.values()),
            "quote.msg, quote.sig, quote.pcrs and ak.pem written", g.err("quote"))
    c.equal(read(files["ak.pem"], "r"), ak_pem_text, "the quote's ak.pem is the AK's PEM")
    checkquote = ["tpm2_checkquote", "-u", files["ak.pem"], "-m", files["quote.msg"],
                  "-s", files["quote.sig"], "-g", "sha256"]
    rc, out = host_run(checkquote + ["-f", files["quote.pcrs"], "-q", nonce.hex()])
    c.equal(rc, 0, "tpm2_checkquote accepts the quote, the nonce and the PCR values")
    if rc:
        print("    " + out.replace("\n", "\n    ")[:1500])
    other = bytes([nonce[0] ^ 1]) + nonce[1:]
    rc, out = host_run(checkquote + ["-f", files["quote.pcrs"], "-q", other.hex()])
    c.check(rc != 0 and "nonce" in out, "tpm2_checkquote rejects a changed nonce", out[-300:])
    pcrs_raw = read(files["quote.pcrs"])
    bad = bytearray(pcrs_raw)
    first_value = SIZEOF_TPML_PCR_SELECTION + 4 + 4 + 2
    if len(bad) > first_value:
        bad[first_value] ^= 0x01
    bad_path = os.path.join(r, "quote.pcrs.bad")
    with open(bad_path, "wb") as f:
        f.write(bad)
    rc, out = host_run(checkquote + ["-f", bad_path, "-q", nonce.hex()])
    c.check(rc != 0 and "PCR" in out, "tpm2_checkquote rejects one flipped byte of a PCR value",
            out[-300:])

    # The PCR values: both banks, all 24, equal to the logs' replays.
    try:
        quoted = parse_pcrs_file(pcrs_raw)
    except (struct.error, KeyError, StopIteration) as e:
        quoted = {}
        c.check(False, "quote.pcrs parses", repr(e))
    c.equal({b: sorted(v) for b, v in quoted.items()},
            {"sha256": list(range(24)), "sha1": list(range(24))},
            "the default selection: all 24 PCRs of sha256 and of sha1 (allocated)")
    for bank in ("sha256", "sha1"):
        want = {p: meta["expected_pcrs"][bank][str(p)] for p in range(17, 23)}
        got = {p: quoted.get(bank, {}).get(p, b"").hex() for p in range(17, 23)}
        c.equal(got, want, f"quoted PCR 17-22 ({bank}) equal the DRTM log's replay")
    srtm = (g.json("srtm") or {}).get("pcrs", {})
    c.equal(g.rc("srtm"), 0, "'xenmb eventlog --srtm --replay --json' exits 0")
    for bank in ("sha256", "sha1"):
        want = {p: srtm.get(bank, {}).get(str(p)) for p in range(8)}
        got = {p: quoted.get(bank, {}).get(p, b"").hex() for p in range(8)}
        c.check(all(want.values()) and got == want,
                f"quoted PCR 0-7 ({bank}) equal the SRTM log's replay",
                f"got {got}, want {want}")

    # The JSON says the same as the files.
    j = g.json("quote") or {}
    b64 = lambda k: base64.b64decode(j.get(k, ""))  # noqa: E731
    c.equal((b64("attest"), b64("signature"), b64("nonce")),
            (read(files["quote.msg"]), read(files["quote.sig"]), nonce),
            "JSON attest, signature and nonce equal the files")
    c.equal(j.get("ak_name"), ak_name, "JSON ak_name is the AK's name")
    c.equal({b: {int(p): v for p, v in d.items()} for b, d in j.get("pcrs", {}).items()},
            {b: {p: v.hex() for p, v in d.items()} for b, d in quoted.items()},
            "JSON pcrs equal the PCR file")

    # The event logs beside the quote.
    base = meta["base"]
    want_drtm = b"".join(blob[l["addr"] - base + l["first"]:l["addr"] - base + l["next"]]
                         for l in meta["logs"])
    drtm = read(os.path.join(q, "drtm.log"))
    c.check(drtm and drtm == want_drtm, "drtm.log holds the DRTM log's exact bytes",
            f"{len(drtm)} bytes, want {len(want_drtm)}")
    srtm_log = read(os.path.join(q, "srtm.log"))
    c.check(len(srtm_log) > 0 and b64("srtm_log") == srtm_log and b64("drtm_log") == drtm,
            "srtm.log written; JSON srtm_log and drtm_log equal the files")
    rc, out = host_run(["tpm2_eventlog", os.path.join(q, "srtm.log")])
    c.equal(rc, 0, "tpm2_eventlog reads srtm.log")
    # tpm2_checkquote -e compares every quoted PCR with the log: a quote of
    # PCR 0-7, which the SRTM log alone covers.
    q07 = os.path.join(r, "q07")
    c.equal(g.rc("quote07"), 0, "'xenmb quote --pcrs sha256:0,1,2,3+sha256:4,5,6,7' exits 0")
    c.equal({b: sorted(v) for b, v in parse_pcrs_file(read(os.path.join(q07, "quote.pcrs"))
                                                      or bytes(SIZEOF_TPML_PCR_SELECTION + 4)).items()},
            {"sha256": list(range(8))}, "... and quotes exactly sha256 PCR 0-7")
    rc, out = host_run(["tpm2_checkquote", "-u", os.path.join(q07, "ak.pem"),
                        "-m", os.path.join(q07, "quote.msg"), "-s", os.path.join(q07, "quote.sig"),
                        "-g", "sha256", "-f", os.path.join(q07, "quote.pcrs"), "-q", nonce.hex(),
                        "-e", os.path.join(q07, "srtm.log")])
    c.equal(rc, 0, "tpm2_checkquote -e srtm.log: the SRTM log agrees with that quote")
    if rc:
        print("    " + out[-600:].replace("\n", "\n    "))

    c.equal(g.rc("bad_nonce"), 2, "a 65-byte nonce is a usage error")
    c.check(PROGRESS not in g.err("ek_text") + g.err("ak"),
            "creating the EK and the AK with stderr to a file: no progress line",
            g.err("ek_text") + g.err("ak"))
    check_handles(c, g, r, nonce, ek_pem_text=g.out("ek_pem"), ak_pem_text=ak_pem_text)

    # Nothing left loaded: /dev/xenmb has no resource manager.
    c.equal(handles_of(g, "transient"), [], "no transient object left in the TPM")
    c.equal(handles_of(g, "sessions"), [], "no session left in the TPM")

    dmesg = harness.after_launch(g.dmesg())
    if not tcti:
        cmds = {a.get("cmd") for a in harness.audit_records(dmesg)}
        c.check({"TPM2_CreatePrimary", "TPM2_Create", "TPM2_EvictControl", "TPM2_Quote",
                 "TPM2_PolicySecret"} <= cmds,
                "the ESAPI commands went through /dev/xenmb (audited)", repr(sorted(cmds)))
    c.equal(g.rc("rmmod"), 0, "the module unloads")
    problems = harness.kernel_problems(dmesg)
    c.check(not problems, "no oops, WARN or BUG", "\n    ".join(problems[:5]))


def check_handles(c, g, r, nonce, ek_pem_text, ak_pem_text):
    """ek/ak --handle, quote --ak-handle, refusals and the progress line."""
    c.check(g.rc("h_ek") == 0 and f"ek: {ISECL_EK:#010x} (created)" in g.out("h_ek"),
            "'xenmb ek --handle 0x81010000' creates the EK at ISecL's handle",
            g.out("h_ek") + g.err("h_ek"))
    c.check(g.rc("h_ek_pem") == 0 and g.out("h_ek_pem") == ek_pem_text,
            "... the same key as at 0x81010001 (one template, one endorsement seed)",
            g.err("h_ek_pem"))
    out = g.out("h_ak")
    h_ak_pem = out if out.startswith("-----BEGIN PUBLIC KEY-----") else ""
    c.check(g.rc("h_ak") == 0 and h_ak_pem and h_ak_pem != ak_pem_text,
            "'xenmb ak --handle 0x81018001 --ek-handle 0x81010000' makes another AK",
            out[:200] + g.err("h_ak"))
    c.check(f"ak: {OTHER_AK:#010x} (found)" in g.out("h_ak_again"),
            "... which the next 'ak --handle' finds", g.out("h_ak_again") + g.err("h_ak_again"))
    qh = os.path.join(r, "qh")
    c.equal(g.rc("h_quote"), 0, "'xenmb quote --ak-handle 0x81018001' exits 0")
    c.check(h_ak_pem and read(os.path.join(qh, "ak.pem"), "r") == h_ak_pem,
            "... signed with that AK (its ak.pem)", g.err("h_quote"))
    rc, out = host_run(["tpm2_checkquote", "-u", os.path.join(qh, "ak.pem"),
                        "-m", os.path.join(qh, "quote.msg"), "-s", os.path.join(qh, "quote.sig"),
                        "-f", os.path.join(qh, "quote.pcrs"), "-g", "sha256", "-q", nonce.hex()])
    c.equal(rc, 0, "tpm2_checkquote accepts that quote with that AK's PEM")
    if rc:
        print("    " + out[-600:].replace("\n", "\n    "))
    if h_ak_pem:
        rc, out = host_run(["tpm2_checkquote", "-u", os.path.join(r, "ak.pem"),
                            "-m", os.path.join(qh, "quote.msg"), "-s", os.path.join(qh, "quote.sig"),
                            "-f", os.path.join(qh, "quote.pcrs"), "-g", "sha256", "-q", nonce.hex()])
        c.check(rc != 0, "... and refuses it with the default AK's PEM", out[-300:])
    for name, args in BAD_HANDLES:
        c.check(g.rc(name) == 2 and "handle" in g.err(name),
                f"'xenmb {args}' is a usage error that names the handle",
                f"rc {g.rc(name)}: {g.err(name)}")
    tty = g.out("tty_ek")
    c.check(g.rc("tty_ek") == 0 and
            f"xenmb: creating the EK, RSA-2048, at {TTY_EK:#010x} {PROGRESS}" in tty,
            "on a terminal, a progress line before the EK is created", tty + g.err("tty_ek"))
    c.check(tty.find(PROGRESS) < tty.find(f"ek: {TTY_EK:#010x} (created)"),
            "... said before the result", tty)
    tty = g.out("tty_ak")
    c.check(g.rc("tty_ak") == 0 and
            f"xenmb: creating the AK, RSA-2048, at {TTY_AK:#010x} {PROGRESS}" in tty
            and tty.count(PROGRESS) == 1,
            "on a terminal, one progress line before the AK is created (its EK is found)",
            tty + g.err("tty_ak"))
    c.check(g.rc("tty_found") == 0 and "(found)" in g.out("tty_found")
            and PROGRESS not in g.out("tty_found"),
            "a key found makes no progress line", g.out("tty_found"))
    c.equal(handles_of(g, "h_persistent"),
            sorted([EK_HANDLE, AK_HANDLE, ISECL_EK, OTHER_AK, TTY_EK, TTY_AK]),
            "persistent now: the keys at the handles given, nothing at a refused one")


def main(argv):
    c = harness.Checker("quote")
    tcti = os.environ.get("XENMB_QUOTE_TCTI", "")
    if tcti == "xenmb":
        tcti = ""
    binaries = harness.guest_binaries()
    binaries["bins"] = binaries["bins"] + ["/usr/bin/script"]  # a pty for the progress line
    if tcti.startswith("device"):
        binaries["libs"] = ["/usr/lib/x86_64-linux-gnu/libtss2-tcti-device.so.0"]
    else:
        harness.make("tcti")
        binaries["libs"] = [os.path.join(harness.BUILD, "libtss2-tcti-xenmb.so.0")]
    d = harness.launch_dir("quote", MODE)
    os.makedirs(d, exist_ok=True)
    meta = txtlaunch.generate(d, MODE)
    with open(os.path.join(d, meta["blob"]), "rb") as f:
        blob = f.read()
    nonce = os.urandom(32)
    try:
        g = harness.boot("quote", "tpm2", harness.fresh_state("quote"),
                         steps_for(meta, base64.b64encode(nonce).decode(), tcti),
                         binaries, launch=d)
    except RuntimeError as e:
        c.check(False, "boot", str(e))
        return c.finish()
    c.equal(harness.LAUNCH_DONE in g.dmesg(), True, "the emulated launch ran before the scenario")
    check_quote(c, meta, blob, g, nonce, tcti)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
