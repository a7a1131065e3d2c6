#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Records real TPM 2.0 answers from swtpm as seeds for the TPM 2.0
harnesses: raw TPM2_PCR_Read and TPM2_GetRandom responses (sent here over
swtpm's data socket), a quote made by tpm2_quote with its nonce and PCR
selection, and a credential file from tpm2_makecredential. Run once; the
files are committed in tests/fuzz/tpm2/ and seeds.py frames them.

  record_tpm2.py OUTDIR
"""
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

ALGS = {"sha1": 0x0004, "sha256": 0x000B, "sha384": 0x000C, "sha512": 0x000D}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def transact(port, cmd):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(cmd)
        rsp = b""
        while len(rsp) < 10 or len(rsp) < struct.unpack(">I", rsp[2:6])[0]:
            chunk = s.recv(4096)
            if not chunk:
                break
            rsp += chunk
        return rsp


def pcr_read_cmd(alg, pcr):
    sel = bytearray(3)
    sel[pcr // 8] = 1 << (pcr % 8)
    body = struct.pack(">IHB", 1, alg, 3) + bytes(sel)
    return struct.pack(">HII", 0x8001, 10 + len(body), 0x17E) + body


def main(out):
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="xenmb-rec-")
    # tpm2-tss's swtpm TCTI finds the control channel on the next port.
    port = free_port()
    ctrl = port + 1
    swtpm = subprocess.Popen(
        ["swtpm", "socket", "--tpm2", "--tpmstate", f"dir={work}",
         "--server", f"type=tcp,port={port}", "--ctrl", f"type=tcp,port={ctrl}",
         "--flags", "not-need-init,startup-clear"])
    try:
        time.sleep(1)
        for name, alg in ALGS.items():
            for pcr in (0, 16, 23):
                rsp = transact(port, pcr_read_cmd(alg, pcr))
                with open(os.path.join(out, f"pcr_read-{name}-{pcr}.rsp"), "wb") as f:
                    f.write(rsp)
        rsp = transact(port, struct.pack(">HIIH", 0x8001, 12, 0x17B, 16))
        with open(os.path.join(out, "get_random.rsp"), "wb") as f:
            f.write(rsp)

        tcti = f"swtpm:host=127.0.0.1,port={port}"

        def tool(*args):
            subprocess.run(list(args) + ["-T", tcti], cwd=work, check=True,
                           stdout=subprocess.DEVNULL)
            # No resource manager: flush what the tool left loaded.
            for kind in ("-t", "-s"):
                subprocess.run(["tpm2_flushcontext", kind, "-T", tcti], cwd=work,
                               check=True, stdout=subprocess.DEVNULL)
        tool("tpm2_createprimary", "-C", "o", "-c", "o.ctx")
        tool("tpm2_create", "-C", "o.ctx", "-G", "rsa2048:rsassa-sha256:null",
             "-a", "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign",
             "-u", "ak.pub", "-r", "ak.priv")
        tool("tpm2_load", "-C", "o.ctx", "-u", "ak.pub", "-r", "ak.priv", "-c", "ak.ctx",
             "-n", "ak.name")
        for i, (sel, nonce) in enumerate((("sha256:0,1,2,16,23", "00112233445566778899"),
                                         ("sha1:0,16+sha256:0,17", "a5" * 32))):
            tool("tpm2_quote", "-c", "ak.ctx", "-l", sel, "-q", nonce,
                 "-m", f"q{i}.msg", "-s", f"q{i}.sig", "-g", "sha256")
            with open(os.path.join(work, f"q{i}.msg"), "rb") as f:
                msg = f.read()
            with open(os.path.join(out, f"quote{i}.msg"), "wb") as f:
                f.write(msg)
            with open(os.path.join(out, f"quote{i}.args"), "w") as f:
                f.write(f"{sel} {nonce}\n")
        tool("tpm2_createek", "-c", "ek.ctx", "-G", "rsa", "-u", "ek.pub")
        with open(os.path.join(work, "secret"), "wb") as f:
            f.write(bytes(range(32)))
        with open(os.path.join(work, "ak.name"), "rb") as f:
            name = f.read().hex()
        subprocess.run(["tpm2_makecredential", "-T", "none", "-u", "ek.pub",
                        "-s", "secret", "-n", name, "-o", "cred.out"],
                       cwd=work, check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(work, "cred.out"), "rb") as f, \
                open(os.path.join(out, "makecredential.out"), "wb") as g:
            g.write(f.read())
    finally:
        swtpm.terminate()
        swtpm.wait()


if __name__ == "__main__":
    main(sys.argv[1])
