#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make demo [TPM=1.2]: an emulated dom0 (QEMU + swtpm TPM 2.0, or TPM 1.2)
runs the main job and we print what it did. Exits non-zero if any of it did
not work.

The host boots after an emulated Intel TXT measured launch (test-only:
QEMU cannot run GETSEC). The demo shows what /dev/xenmb reports, the TXT
status, the DRTM event log replayed and checked against PCR 17-22, a PCR 22
extend at locality 2 (the locality the DRTM environment uses) with the PCR
before and after, and the kernel audit record of that extend. Then the
attestation round trip a remote server does through the xapi plugin "tpm":
EK, AK and a quote over a fresh nonce from /opt/xensource/tpm/xentpm, and
the server's verdicts on the host: tpm2_checkquote accepts the quote, and
rejects it for a changed nonce.

With --tpm 1.2 (make demo TPM=1.2) the dom0 has a TPM 1.2 (swtpm_setup
--createek) and a TPM 1.2 launch log; xentpm takes ownership by itself, as
the original did, and the quote is the original's blob, judged on the host
by the verifier of the tests (tpm12_attest.py: TPM_QUOTE_INFO rebuilt from
the spec, openssl checks the signature with the AIK PEM).
"""
import argparse
import base64
import json
import subprocess
import tempfile
import os
import sys

import harness
import tpm12_attest
import txtlaunch
from test_foundation import Family
from test_xentpm import XENTPM, pcrs_file

DIGEST = bytes.fromhex("5a" * 32)


def show(title, text):
    print(f"\n--- {title}")
    for line in text.rstrip().splitlines():
        print(f"    {line}")


def attestation(g, nonce):
    """Shows the round trip and judges it as a server would; True if every
    verdict is the right one."""
    show(f"{XENTPM} --get_ekey (the EK, persistent at 0x81010001)",
         g.out("ekey") + g.err("ekey"))
    show(f"{XENTPM} --gen_aik '' ; --get_aik_pem (the AK, 0x81018000)",
         g.out("aik_pem") + g.err("gen_aik") + g.err("aik_pem"))
    text = g.out("quote")
    try:
        q = json.loads(base64.b64decode(text))
    except ValueError:
        show(f"{XENTPM} --tpm_quote: no quote (exit {g.rc('quote')}, stderr "
             f"{g.err('quote')!r})", text)
        return False
    show(f"{XENTPM} --tpm_quote NONCE: base64 of this JSON (event logs shortened)",
         json.dumps({k: (v[:40] + "..." if k.endswith("_log") else v)
                     for k, v in q.items() if k != "pcrs"}, indent=2) +
         "\npcrs: " + ", ".join(f"{b} 0-23" for b in q.get("pcrs", {})) +
         "\nPCR 17 (sha256): " + q.get("pcrs", {}).get("sha256", {}).get("17", "?"))
    verdicts = []
    with tempfile.TemporaryDirectory() as d:
        files = {"ak.pem": g.out("aik_pem").encode(),
                 "quote.msg": base64.b64decode(q["attest"]),
                 "quote.sig": base64.b64decode(q["signature"]),
                 "quote.pcrs": pcrs_file(q["pcrs"])}
        for name, data in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        other = bytes([nonce[0] ^ 1]) + nonce[1:]
        for n, want, label in ((nonce, 0, "the nonce the server sent"),
                               (other, 1, "a changed nonce")):
            cmd = ["tpm2_checkquote", "-u", "ak.pem", "-m", "quote.msg", "-s", "quote.sig",
                   "-f", "quote.pcrs", "-g", "sha256", "-q", n.hex()]
            p = subprocess.run(cmd, cwd=d, capture_output=True, text=True)
            got = 0 if p.returncode == 0 else 1
            verdict = "accepted" if got == 0 else "rejected"
            right = got == want
            verdicts.append(right)
            show(f"host: {' '.join(cmd[:-1])} <{label}>",
                 f"{verdict} (exit {p.returncode}) - " + ("as it must be" if right else "WRONG") +
                 "".join("\n" + line for line in (p.stdout + p.stderr).splitlines()
                         if line.startswith("ERROR")))
    return all(verdicts) and len(verdicts) == 2


def attestation12(g, nonce, aik_pem_path):
    """The TPM 1.2 round trip, judged as a server would; True if every
    verdict is the right one."""
    show(f"{XENTPM} --get_ekey (took ownership first, as the original; the EK)",
         g.out("ekey") + g.err("ekey"))
    show(f"{XENTPM} --gen_aik '' ; --get_aik_pem (the AIK, TPM_MakeIdentity; its blob in "
         "/opt/xensource/tpm/aik.tpm12)", g.out("aik_pem") + g.err("gen_aik") + g.err("aik_pem"))
    show(f"{XENTPM} --get_aik_tcpa (base64 TPM_PUBKEY)", g.out("aik_tcpa") + g.err("aik_tcpa"))
    text = g.out("quote")
    blob = base64.b64decode(text or "")
    try:
        q = tpm12_attest.parse_quote(blob)
    except tpm12_attest.QuoteError as e:
        show(f"{XENTPM} --tpm_quote: no quote ({e}; exit {g.rc('quote')}, stderr "
             f"{g.err('quote')!r})", text)
        return False
    show(f"{XENTPM} --tpm_quote NONCE: {len(blob)} bytes, the original's layout",
         f"u16 mask size {len(q['mask'])}, mask {q['mask'].hex()}, "
         f"u32 {20 * len(q['pcrs'])}, {len(q['pcrs'])} PCR values, "
         f"{len(q['signature'])}-byte signature\n" +
         "\n".join(f"PCR {p:2}: {q['pcrs'][p].hex()}" for p in (0, 17, 18, 19, 22)))
    with open(aik_pem_path, "w") as f:
        f.write(g.out("aik_pem"))
    other = bytes([nonce[0] ^ 1]) + nonce[1:]
    verdicts = []
    for n, want, label in ((nonce, True, "the nonce the server sent"),
                           (other, False, "a changed nonce")):
        ok, _, words = tpm12_attest.verify_quote(blob, n, aik_pem_path)
        right = ok == want
        verdicts.append(right)
        show(f"host: TPM_QUOTE_INFO(1.1.0.0, QUOT, SHA1(composite), SHA1(<{label}>)); "
             "openssl dgst -sha1 -verify aik.pem",
             f"{'accepted' if ok else 'rejected'} ({words.splitlines()[0]}) - " +
             ("as it must be" if right else "WRONG"))
    return all(verdicts) and len(verdicts) == 2


def main():
    ap = argparse.ArgumentParser(description="make demo [TPM=1.2]")
    ap.add_argument("--tpm", choices=("2.0", "1.2"), default="2.0")
    tpm = ap.parse_args().tpm
    fam = Family(tpm)
    digest = DIGEST[:fam.digest_len]
    binaries = harness.guest_binaries()
    harness.make("tcti")
    binaries["libs"] = [os.path.join(harness.BUILD, "libtss2-tcti-xenmb.so.0")]
    binaries["files"] = [os.path.join(harness.BUILD, "xenmb") + ":" + XENTPM]
    nonce = os.urandom(20)
    # A directory of its own, emptied (harness.launch_dir): the plan the
    # relay replays names absolute addresses, which differ between hosts.
    launch = harness.launch_dir("demo", tpm)
    meta = txtlaunch.generate(launch, "tpm2-agile" if tpm == "2.0" else "tpm12")
    steps = [
        harness.Step("hypervisor", "if [ -r /sys/hypervisor/type ]; then "
                     "echo $(cat /sys/hypervisor/type) $(cat /sys/hypervisor/version/major)."
                     "$(cat /sys/hypervisor/version/minor)$(cat /sys/hypervisor/version/extra); "
                     "cat /proc/xen/capabilities; else echo none; fi"),
        harness.Step("insmod", f"insmod /lib/modules/xenmb/xenmb.ko txt_base={meta['base']:#x}"),
        harness.Step("info", "xenmb info"),
        harness.Step("txt", "xenmb txt"),
        harness.Step("drtm", "xenmb eventlog --drtm"),
        harness.Step("drtm_check", "xenmb eventlog --drtm --check"),
        harness.Step("read_before", f"xenmb tpm send --locality 0 {fam.pcr_read(22).hex()}"),
        harness.Step("extend", f"xenmb tpm send --locality 2 {fam.extend(22, digest).hex()}"),
        harness.Step("read_after", f"xenmb tpm send --locality 0 {fam.pcr_read(22).hex()}"),
        harness.Step("ekey", f"{XENTPM} --get_ekey"),
        harness.Step("gen_aik", f"{XENTPM} --gen_aik ''"),
        harness.Step("aik_pem", f"{XENTPM} --get_aik_pem"),
        harness.Step("aik_tcpa", f"{XENTPM} --get_aik_tcpa"),
        harness.Step("quote", f"{XENTPM} --tpm_quote {base64.b64encode(nonce).decode()}"),
    ]
    state = harness.fresh_state("demo")
    where = "as Xen 4.17's PV dom0" if harness.XEN else "on bare Linux"
    print(f"xenmb demo: booting Debian's 6.1 kernel {where} in QEMU with a swtpm TPM {tpm},")
    print("            after an emulated TXT measured launch ...")
    g = harness.boot("demo" if tpm == "2.0" else "demo-tpm12",
                     "tpm2" if tpm == "2.0" else "tpm12", state, steps, binaries, launch=launch)

    hyp = g.out("hypervisor").split()
    show("hypervisor (/sys/hypervisor/type, version; /proc/xen/capabilities)",
         g.out("hypervisor") + g.err("hypervisor"))
    # The emulated launch (launch-hook.sh) must have made PCR 17-22 agree
    # with the log before anything else is worth showing: a failed hook
    # leaves them all-FF and every bank mismatches.
    launch_rc = g._read(None, "launch.rc").strip()
    show(f"emulated TXT launch (launch-hook.sh, exit {launch_rc or 'missing'})",
         "\n".join(g._read(None, "launch.log").splitlines()[-3:]))
    host_ok = (hyp[:1] == ["xen"] and hyp[-1:] == ["control_d"]) if harness.XEN else hyp == ["none"]

    show("xenmb info", g.out("info"))
    show("xenmb txt", g.out("txt") + g.err("txt"))
    show("xenmb eventlog --drtm (the DRTM log from the TXT heap)", g.out("drtm") + g.err("drtm"))
    show("xenmb eventlog --drtm --check (its replay against the TPM)",
         g.out("drtm_check") + g.err("drtm_check"))
    prefix = "TPM2_PCR_" if tpm == "2.0" else "TPM_"
    show(f"PCR 22 before ({prefix}{'Read' if tpm == '2.0' else 'PCRRead'} at locality 0)",
         g.out("read_before"))
    show(f"{prefix}Extend of PCR 22 at locality 2", g.out("extend") + g.err("extend"))
    show("PCR 22 after", g.out("read_after"))

    def pcr(step):
        for line in g.out(step).splitlines():
            if line.startswith("response: "):
                return fam.pcr_value(bytes.fromhex(line[len("response: "):]))
        return None

    before, after = pcr("read_before"), pcr("read_after")
    records = [r for r in harness.audit_records(harness.after_launch(g.dmesg()))
               if r.get("op") == "xenmb_tpm_cmd" and r.get("locality") == "2"]
    if records:
        show("its kernel audit record (type 1316, AUDIT_KERNEL_OTHER)", records[0]["_raw"])

    if tpm == "2.0":
        attest_ok = attestation(g, nonce)
    else:
        with tempfile.TemporaryDirectory() as d:
            attest_ok = attestation12(g, nonce, os.path.join(d, "aik.pem"))
    drtm_ok = launch_rc == "0" and g.rc("txt") == 0 and g.rc("drtm_check") == 0 and host_ok
    ok = (attest_ok and drtm_ok and g.rc("extend") == 0 and before is not None and
          after == harness.pcr_extend(tpm, before, digest) and len(records) == 1)
    hash_name = "SHA256" if tpm == "2.0" else "SHA1"
    done = ("TXT launch found, DRTM log matches PCR 17-22; PCR 22 = "
            f"{hash_name}(old || digest), extended at locality 2 and audited; "
            "quote verified, changed nonce rejected: OK")
    out = "build/qemu/" + ("xen-" if harness.XEN else "") + \
        ("demo" if tpm == "2.0" else "demo-tpm12") + "/out"
    print(f"\nxenmb demo (TPM {tpm}): " + (done if ok else f"FAILED, see {out}"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main())
