#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make demo: an emulated dom0 (QEMU + swtpm TPM 2.0) runs the main job and
we print what it did. Exits non-zero if any of it did not work.

The host boots after an emulated Intel TXT measured launch (test-only:
QEMU cannot run GETSEC). The demo shows what /dev/xenmb reports, the TXT
status, the DRTM event log replayed and checked against PCR 17-22, a PCR 22
extend at locality 2 (the locality the DRTM environment uses) with the PCR
before and after, and the kernel audit record of that extend.
"""
import os
import sys

import harness
import txtlaunch
from test_foundation import Family

DIGEST = bytes.fromhex("5a" * 32)


def show(title, text):
    print(f"\n--- {title}")
    for line in text.rstrip().splitlines():
        print(f"    {line}")


def main():
    fam = Family("2.0")
    binaries = harness.guest_binaries()
    launch = os.path.join(harness.BUILD, "demo-launch")
    os.makedirs(launch, exist_ok=True)
    meta = txtlaunch.generate(launch, "tpm2-agile")
    steps = [
        harness.Step("insmod", f"insmod /lib/modules/xenmb/xenmb.ko txt_base={meta['base']:#x}"),
        harness.Step("info", "xenmb info"),
        harness.Step("txt", "xenmb txt"),
        harness.Step("drtm", "xenmb eventlog --drtm"),
        harness.Step("drtm_check", "xenmb eventlog --drtm --check"),
        harness.Step("read_before", f"xenmb tpm send --locality 0 {fam.pcr_read(22).hex()}"),
        harness.Step("extend", f"xenmb tpm send --locality 2 {fam.extend(22, DIGEST).hex()}"),
        harness.Step("read_after", f"xenmb tpm send --locality 0 {fam.pcr_read(22).hex()}"),
    ]
    state = harness.fresh_state("demo")
    print("xenmb demo: booting Debian's 6.1 kernel in QEMU with a swtpm TPM 2.0,")
    print("            after an emulated TXT measured launch ...")
    g = harness.boot("demo", "tpm2", state, steps, binaries, launch=launch)

    show("xenmb info", g.out("info"))
    show("xenmb txt", g.out("txt") + g.err("txt"))
    show("xenmb eventlog --drtm (the DRTM log from the TXT heap)", g.out("drtm") + g.err("drtm"))
    show("xenmb eventlog --drtm --check (its replay against the TPM)",
         g.out("drtm_check") + g.err("drtm_check"))
    show("PCR 22 before (TPM2_PCR_Read at locality 0)", g.out("read_before"))
    show("TPM2_PCR_Extend of PCR 22 at locality 2", g.out("extend") + g.err("extend"))
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

    drtm_ok = g.rc("txt") == 0 and g.rc("drtm_check") == 0
    ok = (drtm_ok and g.rc("extend") == 0 and before is not None and
          after == harness.pcr_extend("2.0", before, DIGEST) and len(records) == 1)
    print("\nxenmb demo: " + ("TXT launch found, DRTM log matches PCR 17-22; PCR 22 = "
                              "SHA256(old || digest), extended at locality 2 and audited: OK"
                              if ok else "FAILED, see build/qemu/demo/out"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main())
