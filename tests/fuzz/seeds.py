#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the fuzzers' seed inputs into DIR/<harness>/: real TXT heaps from
the launch generator, the real event logs of shared/data (each behind the
format byte fuzz_tcg_log.c reads), real TPM commands, a real config file,
and swtpm's real TPM 2.0 answers recorded in tpm2/ by record_tpm2.py, each
framed as its harness reads it.

  seeds.py DIR SHARED_DATA

Without SHARED_DATA/eventlogs (real-world data, not in the repository) the
seeds made from it are left out; run.sh then skips the harnesses that
need them (SHARED_HARNESSES).
"""
import base64
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "qemu"))
import txtlaunch  # noqa: E402


def write(d, name, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def verify_seeds(d, logs):
    """fuzz_verify.c's inputs, behind its selector byte: the attestations
    (0), the TPM 1.2 one as xentpm's blob (1), a tpm2_quote PCR file (2),
    the TPM 2.0 one's quote and signature (3), the TPM 1.2 one as 'xenmb
    quote --json' gives it on a TPM 1.2 (4)."""
    att = {}
    for name in ("windows_gcp_shielded_vm.json", "linux_tpm12.json"):
        with open(os.path.join(logs, name), "rb") as f:
            raw = f.read()
        write(d, "att-" + name, b"\x00" + raw)
        att[name] = json.loads(raw)
    tpm12 = att["linux_tpm12.json"]
    values = {p["Index"]: base64.b64decode(p["Digest"]) for p in tpm12["Log"]["PCRs"]}
    blob = (struct.pack(">H", 3) + b"\xff\xff\xff" + struct.pack(">I", 24 * 20) +
            b"".join(values[i] for i in range(24)) + base64.b64decode(tpm12["Quote"]["Signature"]))
    write(d, "xentpm-blob", b"\x01" + blob)
    write(d, "quote-json-tpm12", b"\x04" + json.dumps(
        {"quote": base64.b64encode(blob).decode(), "srtm_log": tpm12["Log"]["Raw"]}).encode())
    # TPML_PCR_SELECTION (count, 16 x 8 bytes), u32 count, TPML_DIGEST
    # (count, 8 x (u16 size, 64 bytes)): sha256 PCR 17-19.
    sel = struct.pack("<IHB3sx", 1, 0x000B, 3, bytes([0, 0, 0x0E])) + bytes(15 * 8)
    digests = struct.pack("<I", 3) + b"".join(
        struct.pack("<H", 32) + bytes([p]) * 32 + bytes(32) for p in (17, 18, 19)) + bytes(5 * 66)
    write(d, "pcrs", b"\x02" + sel + struct.pack("<I", 1) + digests)
    tpm2 = att["windows_gcp_shielded_vm.json"]
    quote = base64.b64decode(tpm2["Quote"]["Quote"])
    write(d, "tpm2-quote", b"\x03" + struct.pack(">H", len(quote)) + quote +
          base64.b64decode(tpm2["Quote"]["Signature"]))
ALGS = {"sha1": 0x0004, "sha256": 0x000B, "sha384": 0x000C, "sha512": 0x000D}


def pcr_selection(spec):
    """TPML_PCR_SELECTION, marshaled, of tpm2-tools' "sha1:0,16+sha256:0"."""
    banks = spec.split("+")
    data = struct.pack(">I", len(banks))
    for bank in banks:
        name, pcrs = bank.split(":")
        mask = 0
        for p in pcrs.split(","):
            mask |= 1 << int(p)
        data += struct.pack(">HB", ALGS[name], 3) + mask.to_bytes(3, "little")
    return data


def tpm2_seeds(out):
    rec = os.path.join(HERE, "tpm2")
    for name in sorted(os.listdir(rec)):
        with open(os.path.join(rec, name), "rb") as f:
            data = f.read()
        if name.endswith(".rsp"):
            # Both length sources, and a receive buffer of 16 bytes.
            write(os.path.join(out, "tpm2_tcti"), name, b"\x01" + data)
            write(os.path.join(out, "tpm2_tcti"), name + "-bytes", b"\x20" + data)
        if name.startswith("pcr_read-"):
            _, alg, pcr = name[:-len(".rsp")].split("-")
            write(os.path.join(out, "tpm2_pcr_read"), name,
                  struct.pack(">HB", ALGS[alg], int(pcr)) + data)
        if name.endswith(".msg"):
            with open(os.path.join(rec, name[:-len(".msg")] + ".args")) as f:
                spec, nonce = f.read().split()
            nonce = bytes.fromhex(nonce)
            # The PCR digest ends the quote: the helper's own would match.
            write(os.path.join(out, "tpm2_quote"), name,
                  bytes([len(nonce)]) + nonce + data[-32:] + pcr_selection(spec) + data)
        if name == "makecredential.out":
            write(os.path.join(out, "tpm2_cred"), name, data)


def main(out, shared):
    for mode in ("tpm2-agile", "tpm2-banks", "tpm12"):
        work = os.path.join(out, "gen", mode)
        meta = txtlaunch.generate(work, mode)
        with open(os.path.join(work, meta["blob"]), "rb") as f:
            blob = f.read()
        heap = meta["heap"]
        off = heap["addr"] - meta["base"]
        write(os.path.join(out, "txt_heap"), mode, blob[off:off + heap["used"]])
        for i, log in enumerate(meta["logs"]):
            start = log["addr"] - meta["base"]
            body = blob[start + log["first"]:start + log["next"]]
            fmt = {"agile": 2, "banks": 3, "container": 1}[meta["log_format"]]
            write(os.path.join(out, "tcg_log"), f"{mode}-{i}", bytes([fmt]) + body)
    logs = os.path.join(shared, "eventlogs")
    have_logs = os.path.isdir(logs)
    for name in sorted(os.listdir(logs)) if have_logs else []:
        if name.endswith("_eventlog"):
            with open(os.path.join(logs, name), "rb") as f:
                write(os.path.join(out, "tcg_log"), name, b"\x00" + f.read())
    ext22 = (struct.pack(">HIII", 0x8002, 65, 0x182, 22) + struct.pack(">I", 9) +
             struct.pack(">IHBH", 0x40000009, 0, 0, 0) + struct.pack(">IH", 1, 0x000B) + bytes(32))
    write(os.path.join(out, "policy"), "tpm2-extend22-loc2", bytes([2, 0, 0xF, 2]) + ext22)
    write(os.path.join(out, "policy"), "tpm12-reset", bytes([1, 0, 0xF, 2]) +
          struct.pack(">HIIH", 0x00C1, 15, 0xC8, 3) + bytes([0, 0, 3]))
    if have_logs:
        verify_seeds(os.path.join(out, "verify"), logs)
    tpm2_seeds(out)
    write(os.path.join(out, "owner_config"), "config",
          b"# owner\npassword=00112233445566778899aabbccddeeff01234567\n")
    tpm12_seeds(os.path.join(out, "tpm12"))
    challenge_seeds(os.path.join(out, "tpm12_challenge"))


def tpm12_seeds(d):
    """fuzz_tpm12.c inputs: a target byte, then TPM 1.2 structures (Main
    part 2) or responses of the shapes a TPM 1.2 sends."""
    modulus = bytes([0xC3]) + bytes(range(255))
    rsa_parms = struct.pack(">IHHIIII", 1, 3, 1, 12, 2048, 2, 0)
    pubkey = rsa_parms + struct.pack(">I", 256) + modulus
    aik = (bytes([1, 1, 0, 0]) + struct.pack(">HIB", 0x0012, 0, 1) +
           struct.pack(">IHHIIII", 1, 1, 2, 12, 2048, 2, 0) +
           struct.pack(">I", 0) + struct.pack(">I", 256) + modulus +
           struct.pack(">I", 16) + bytes(16))
    composite = struct.pack(">H", 3) + b"\xff\xff\xff" + struct.pack(">I", 480) + bytes(480)
    symkey = struct.pack(">IHH", 6, 0xFF, 16) + bytes(range(16))

    def rsp(body, tag=0xC4, rc=0):
        return struct.pack(">HII", tag, 10 + len(body), rc) + body

    def auth_rsp(body):
        return rsp(body + bytes(41), tag=0xC5)

    pcr_info_short = struct.pack(">H", 3) + bytes(3) + b"\x1f" + bytes(20)
    nv_public = (struct.pack(">HI", 0x18, 0x40000010) + pcr_info_short * 2 +
                 struct.pack(">HI", 0x17, 2) + bytes(3) + struct.pack(">I", 20))
    version = struct.pack(">H", 0x30) + bytes([1, 2, 0, 0]) + struct.pack(">HB", 2, 3) + b"IBM\0" + struct.pack(">H", 0)
    seeds = {
        "key-aik": b"\x00" + aik,
        "pubkey-ek": b"\x01" + pubkey,
        "composite-24": b"\x02" + composite,
        "symkey-aes128": b"\x03" + symkey,
        "rsp-pcrread": b"\x04" + rsp(bytes(20)),
        "rsp-readpubek": b"\x04" + rsp(pubkey + bytes(20)),
        "rsp-cap-version": b"\x04" + rsp(struct.pack(">I", len(version)) + version),
        "rsp-cap-flags": b"\x04" + rsp(struct.pack(">I", 22) + struct.pack(">H", 0x1F) + bytes(20)),
        "rsp-cap-nv": b"\x04" + rsp(struct.pack(">I", len(nv_public)) + nv_public),
        "rsp-osap": b"\x04" + rsp(struct.pack(">I", 0x02000002) + bytes(40)),
        "rsp-error": b"\x04" + rsp(b"", rc=0x3D),
        "rsp-auth-empty": b"\x05" + auth_rsp(b""),
        "rsp-auth-quote": b"\x05" + auth_rsp(composite + struct.pack(">I", 256) + bytes(256)),
        "rsp-auth-nvread": b"\x05" + auth_rsp(struct.pack(">I", 20) + bytes(20)),
    }
    for name, data in seeds.items():
        write(d, name, data)



def challenge_seeds(d):
    """fuzz_tpm12_challenge.c inputs: identity challenges of the original
    servers' shape (tests/qemu/tpm12_attest.py), random bytes in place of
    the ciphertexts."""
    asym = bytes(range(256))
    parms = struct.pack(">III", 128, 16, 0)
    for name, body in (("aes128-32", bytes(16 + 48)), ("aes128-16", bytes(16 + 16))):
        sym = struct.pack(">IIHHI", len(body), 6, 0x00FF, 1, len(parms)) + parms + body
        write(d, name, struct.pack(">I", len(asym)) + asym + struct.pack(">I", len(sym)) + sym)

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
