#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""libtss2-tcti-xenmb in the guest: tpm2-tools reach the TPM 2.0 (TIS)
through /dev/xenmb ('-T xenmb[:locality=N]'), under its policy and audit.

  test_tcti.py
"""
import hashlib
import re
import struct
import sys

import harness
from test_foundation import response_of, tpm2_pcr_read

DIGEST = hashlib.sha256(b"xenmb tcti").digest()
PCRS = (0, 1, 2)


def tools(name, cmd):
    return harness.Step(name, cmd)


def plan():
    steps = [harness.Step("insmod", "insmod /lib/modules/xenmb/xenmb.ko")]
    steps += [harness.Step(f"send_pcr{p}", f"xenmb tpm send --locality 0 {tpm2_pcr_read(p).hex()}")
              for p in PCRS]
    steps += [
        tools("pcrread", "tpm2_pcrread -T xenmb sha256:0,1,2"),
        tools("getrandom_l2", "tpm2_getrandom -T xenmb:locality=2 8 | od -An -tx1"),
        tools("read22_a", "tpm2_pcrread -T xenmb sha256:22"),
        tools("extend22_l2", f"tpm2_pcrextend -T xenmb:locality=2 22:sha256={DIGEST.hex()}"),
        tools("read22_b", "tpm2_pcrread -T xenmb:locality=2 sha256:22"),
        tools("extend22_l0", f"tpm2_pcrextend -T xenmb 22:sha256={DIGEST.hex()}"),
        tools("read22_c", "tpm2_pcrread -T xenmb sha256:22"),
        tools("bad_loc4", "tpm2_getrandom -T xenmb:locality=4 8"),
        tools("bad_locx", "tpm2_getrandom -T xenmb:locality=x 8"),
        tools("bad_key", "tpm2_getrandom -T xenmb:foo=1 8"),
        # TSS2_LOG governs the TCTI's lines as it does tpm2-tss's own.
        tools("log_debug", "TSS2_LOG=tcti+debug tpm2_getrandom -T xenmb:locality=2 8"),
        tools("log_none", "TSS2_LOG=all+none tpm2_getrandom -T xenmb:foo=1 8"),
        # The policy refuses locality 2 now: the TCTI says so.
        harness.Step("policy", "echo locality0 > /sys/module/xenmb/parameters/policy"),
        tools("refused_l2", "tpm2_getrandom -T xenmb:locality=2 8"),
        harness.Step("rmmod", "rmmod xenmb"),
        tools("no_module", "tpm2_getrandom -T xenmb 8"),
    ]
    return steps


def pcrread_values(text):
    """{pcr: bytes} of tpm2_pcrread's sha256 listing ("  0 : 0x...")."""
    return {int(m.group(1)): bytes.fromhex(m.group(2))
            for m in re.finditer(r"^\s*(\d+)\s*:\s*0x([0-9A-Fa-f]{64})\s*$", text, re.M)}


def check(c, g):
    c.equal(g.rc("insmod"), 0, "the module loads")

    want = {}
    for p in PCRS:
        rsp = response_of(g, f"send_pcr{p}")
        if rsp and len(rsp) >= 62:
            want[p] = rsp[30:62]
    c.equal(g.rc("pcrread"), 0, "tpm2_pcrread -T xenmb exits 0")
    c.check(len(want) == 3 and pcrread_values(g.out("pcrread")) == want,
            "tpm2_pcrread -T xenmb sha256:0,1,2 matches 'xenmb tpm send'",
            g.out("pcrread") + g.err("pcrread"))

    c.equal(g.rc("getrandom_l2"), 0, "tpm2_getrandom -T xenmb:locality=2 8 exits 0")
    c.equal(len(g.out("getrandom_l2").split()), 8, "... and gives 8 bytes")

    old = pcrread_values(g.out("read22_a")).get(22)
    new = pcrread_values(g.out("read22_b")).get(22)
    after = pcrread_values(g.out("read22_c")).get(22)
    c.equal(g.rc("extend22_l2"), 0, "tpm2_pcrextend -T xenmb:locality=2 22 exits 0")
    c.check(old is not None and new == harness.pcr_extend("2.0", old, DIGEST),
            "PCR 22 = H(old || digest) after the locality-2 extend",
            f"old {old and old.hex()}, new {new and new.hex()}")
    c.check(g.rc("extend22_l0") not in (0, None), "tpm2_pcrextend -T xenmb (locality 0) fails")
    c.check(re.search(r"0x907|locality", g.err("extend22_l0"), re.I),
            "... with the TPM's locality error", g.err("extend22_l0"))
    c.equal(after, new, "PCR 22 unchanged by the locality-0 extend")

    # tpm2-tss's log line: LEVEL:module:FILE:LINE:FUNCTION() message.
    def tss2_line(level, func, what):
        return re.compile(rf"^{level}:tcti:\S*helper/tcti_xenmb\.c:\d+:{func}\(\) {re.escape(what)}",
                          re.M)

    for step, what in (("bad_loc4", "bad locality '4'"), ("bad_locx", "bad locality 'x'"),
                       ("bad_key", "unknown option 'foo=1'")):
        c.check(g.rc(step) not in (0, None), f"{step}: non-zero exit")
        c.check(tss2_line("ERROR", "xenmb_tcti_parse_conf", what).search(g.err(step)),
                f"{step}: says {what}, as a tpm2-tss ERROR:tcti line", g.err(step))
    c.equal(g.rc("log_debug"), 0, "TSS2_LOG=tcti+debug tpm2_getrandom exits 0")
    c.check(tss2_line("debug", "tcti_transmit", "TPM2_GetRandom at locality 2: TPM_RC_SUCCESS")
            .search(g.err("log_debug")),
            "... and the TCTI logs each command and its return code at debug", g.err("log_debug"))
    c.check(g.rc("log_none") not in (0, None) and "tcti_xenmb.c" not in g.err("log_none"),
            "TSS2_LOG=all+none: a refused conf still fails, and the TCTI says nothing",
            g.err("log_none"))

    c.equal(g.rc("policy"), 0, "policy set to locality0")
    c.check(g.rc("refused_l2") not in (0, None), "a policy refusal fails the tool")
    # The tool's first command (GetCapability) is the one refused.
    c.check(re.search(r"^ERROR:tcti:\S+:\d+:tcti_transmit\(\) TPM2_\w+ at locality 2: "
                      r"the xenmb policy does not allow",
                      g.err("refused_l2"), re.M),
            "... and the TCTI says what the kernel refused",
            g.err("refused_l2"))
    c.check(g.rc("no_module") not in (0, None) and
            tss2_line("ERROR", "open_device", "/dev/xenmb is missing").search(g.err("no_module")),
            "without the module: fails, says /dev/xenmb is missing", g.err("no_module"))

    # The kernel's audit trail names the tool and the locality.
    records = [r for r in harness.audit_records(g.dmesg()) if r.get("op") == "xenmb_tpm_cmd"]
    ext = [r for r in records if r.get("cmd") == "TPM2_PCR_Extend"]
    c.check(any(r.get("locality") == "2" and r.get("tpm_rc") == "0x0" and
                r.get("comm") == "tpm2_pcrextend" and r.get("exe") == "/usr/bin/tpm2"
                for r in ext),
            "audit: locality=2 cmd=TPM2_PCR_Extend tpm_rc=0x0 comm=\"tpm2_pcrextend\"",
            "\n    ".join(r["_raw"][:200] for r in ext))
    c.check(any(r.get("locality") == "0" and r.get("tpm_rc") == "0x907" and
                r.get("comm") == "tpm2_pcrextend" for r in ext),
            "audit: the locality-0 extend, tpm_rc=0x907", "\n    ".join(r["_raw"][:200] for r in ext))
    refused = [r for r in records if r.get("comm") == "tpm2_getrandom" and r.get("errno") == "-13"]
    c.check(refused and refused[-1].get("locality") == "2",
            "audit: the tool's refused command at locality 2 (errno -13)")
    tools_records = [r for r in records if r.get("comm", "").startswith("tpm2_")]
    c.check(tools_records and all(r.get("tpm") == "2.0" for r in tools_records),
            f"audit: {len(tools_records)} records of tpm2-tools commands")
    problems = harness.kernel_problems(g.dmesg())
    c.check(not problems, "no oops, WARN, BUG or leak report in the kernel log",
            "\n    ".join(problems[:5]))


def main(argv):
    c = harness.Checker("tcti")
    binaries = harness.tcti_binaries()
    try:
        g = harness.boot("tcti-tpm2", "tpm2", harness.fresh_state("tcti"), plan(), binaries)
    except RuntimeError as e:
        c.check(False, "tpm2: boot", str(e))
        return c.finish()
    check(c, g)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
