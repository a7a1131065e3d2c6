#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the fuzzers' seed inputs into DIR/<harness>/: real TXT heaps from
the launch generator, the real event logs of shared/data (each behind the
format byte fuzz_tcg_log.c reads), real TPM commands, a real config file,
and swtpm's real TPM 2.0 answers recorded in tpm2/ by record_tpm2.py, each
framed as its harness reads it.

  seeds.py DIR SHARED_DATA
"""
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
    for name in sorted(os.listdir(logs)):
        if name.endswith("_eventlog"):
            with open(os.path.join(logs, name), "rb") as f:
                write(os.path.join(out, "tcg_log"), name, b"\x00" + f.read())
    ext22 = (struct.pack(">HIII", 0x8002, 65, 0x182, 22) + struct.pack(">I", 9) +
             struct.pack(">IHBH", 0x40000009, 0, 0, 0) + struct.pack(">IH", 1, 0x000B) + bytes(32))
    write(os.path.join(out, "policy"), "tpm2-extend22-loc2", bytes([2, 0, 0xF, 2]) + ext22)
    write(os.path.join(out, "policy"), "tpm12-reset", bytes([1, 0, 0xF, 2]) +
          struct.pack(">HIIH", 0x00C1, 15, 0xC8, 3) + bytes([0, 0, 3]))
    tpm2_seeds(out)
    write(os.path.join(out, "owner_config"), "config",
          b"# owner\npassword=00112233445566778899aabbccddeeff01234567\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
