#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Concurrency: 4 'xenmb quote' processes (5 quotes each, each with its own
nonce) on /dev/xenmb while tpm2-tools use /dev/tpmrm0 (GetRandom, PCR read,
CreatePrimary, ContextLoad + ReadPublic, FlushContext) in parallel. TPM 2.0 on TIS, one boot.

Judged on the host: every operation succeeded or failed with a clean TPM
error (counted, with the reason), each quote passes tpm2_checkquote with its
own nonce (a crossed response could not), and no transient object or
session is left in the TPM afterwards.

  test_concurrency.py
"""
import base64
import os
import re
import subprocess
import sys

import harness
from tpm_handles import get_handles, handles_of

QUOTERS, ROUNDS, TOOL_LOOPS = 4, 5, 8
TOOLS = ("tpm2_getrandom", "tpm2_pcrread", "tpm2_createprimary", "tpm2_readpublic",
         "tpm2_flushcontext")
# Failures that are the TPM's or the resource manager's answer to load,
# not a broken channel.
CLEAN_FAILURE = re.compile(r"TPM_RC_(OBJECT_MEMORY|SESSION_MEMORY|MEMORY|RETRY|CONTEXT_GAP|"
                           r"OBJECT_HANDLES|SESSION_HANDLES|YIELDED|TESTING)|0x90[2-6]|0x922")


def nonce(i, r):
    return bytes([i, r]) * 16


def steps_for():
    quoters = "\n".join(
        f"""(
            r=0
            for n in {' '.join(base64.b64encode(nonce(i, r)).decode() for r in range(ROUNDS))}; do
                r=$((r + 1))
                xenmb quote --nonce $n --pcrs sha256:0,1,2,3,16 --out "$R/q{i}_$r" \
                    > /dev/null 2> "$R/q{i}_$r.err"
                echo "quote {i} $r rc=$?"
            done
        ) &"""
        for i in range(QUOTERS))
    rm = "-T device:/dev/tpmrm0"
    tools = f"""(
            i=0
            while [ $i -lt {TOOL_LOOPS} ]; do
                i=$((i + 1))
                tpm2_createprimary {rm} -C o -G ecc -c /tmp/p$i.ctx > /dev/null 2> "$R/t_cp_$i.err"
                echo "createprimary $i rc=$?"
                tpm2_getrandom {rm} 16 > /dev/null 2> "$R/t_rand_$i.err"; echo "getrandom $i rc=$?"
                tpm2_pcrread {rm} sha256:0,16 > /dev/null 2> "$R/t_pcr_$i.err"; echo "pcrread $i rc=$?"
                tpm2_readpublic {rm} -c /tmp/p$i.ctx > /dev/null 2> "$R/t_rp_$i.err"
                echo "readpublic $i rc=$?"
                tpm2_flushcontext {rm} -t 2> "$R/t_fl_$i.err"; echo "flushcontext $i rc=$?"
            done
        ) &"""
    return [
        harness.Step("insmod", "insmod /lib/modules/xenmb/xenmb.ko"),
        harness.Step("ek", "xenmb ek"),
        harness.Step("ak", "xenmb ak"),
        harness.Step("together", f"""
            {quoters}
            {tools}
            wait
            echo done"""),
        harness.Step("transient", f"xenmb tpm send --locality 0 --json {get_handles(0x80000000).hex()}"),
        harness.Step("sessions", f"xenmb tpm send --locality 0 --json {get_handles(0x02000000).hex()}"),
        harness.Step("tpm0_transient", "tpm2_getcap -T device:/dev/tpm0 handles-transient"),
        harness.Step("rmmod", "rmmod xenmb"),
    ]


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def check(c, g):
    c.equal(g.rc("insmod"), 0, "the module loads")
    c.equal((g.rc("ek"), g.rc("ak")), (0, 0), "'xenmb ek' and 'xenmb ak' exit 0")
    lines = g.out("together").splitlines()
    c.check(lines[-1:] == ["done"], "every parallel job ended", g.out("together")[-300:])
    ops = [line.rsplit(" rc=", 1) for line in lines if " rc=" in line]
    ok = [op for op, rc in ops if rc == "0"]
    failed = [op for op, rc in ops if rc != "0"]
    first_tool = next((k for k, (op, _) in enumerate(ops) if not op.startswith("quote")), len(ops))
    last_quote = max((k for k, (op, _) in enumerate(ops) if op.startswith("quote")), default=-1)
    c.check(first_tool < last_quote, "the tpm2-tools ran while quotes were still going",
            g.out("together")[:600])
    c.equal(len(ops), QUOTERS * ROUNDS + 5 * TOOL_LOOPS, "each operation reported once")

    # Every failure is a clean TPM answer to load; the reasons, counted.
    reasons, unclean = {}, []
    for op in failed:
        kind, i, r = (op.split() + ["", ""])[:3]
        err = read(os.path.join(g.results, f"q{i}_{r}.err")) if kind == "quote" else \
            read(os.path.join(g.results, {"getrandom": "t_rand", "pcrread": "t_pcr",
                                           "createprimary": "t_cp", "readpublic": "t_rp",
                                           "flushcontext": "t_fl"}[kind]
                              + f"_{i}.err"))
        m = CLEAN_FAILURE.search(err)
        if m:
            reasons[m.group(0)] = reasons.get(m.group(0), 0) + 1
        else:
            unclean.append(f"{op}: {err.strip()[-200:]}")
    print(f"# {len(ok)} operations succeeded, {len(failed)} failed: {reasons}")
    c.equal(unclean, [], "every failure is a clean TPM error (out of memory / retry)")

    # Each successful quote carries its own nonce: responses never crossed.
    verified = mismatched = 0
    for op in ok:
        if not op.startswith("quote "):
            continue
        kind, i, r = op.split()
        q = os.path.join(g.results, f"q{i}_{r}")
        cmd = ["tpm2_checkquote", "-u", os.path.join(q, "ak.pem"), "-m", os.path.join(q, "quote.msg"),
               "-s", os.path.join(q, "quote.sig"), "-g", "sha256", "-f", os.path.join(q, "quote.pcrs"),
               "-q", nonce(int(i), int(r) - 1).hex()]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode == 0:
            verified += 1
        else:
            mismatched += 1
            print(f"    {op}: {(p.stdout + p.stderr)[-300:]}")
    quotes_ok = sum(1 for op in ok if op.startswith("quote"))
    c.check(quotes_ok >= QUOTERS, f"{quotes_ok} of {QUOTERS * ROUNDS} concurrent quotes succeeded")
    c.equal((verified, mismatched), (quotes_ok, 0),
            "tpm2_checkquote accepts each quote with its own nonce")
    tools_ok = sum(1 for op in ok if not op.startswith("quote"))
    c.check(tools_ok >= 2 * TOOL_LOOPS, f"{tools_ok} of {5 * TOOL_LOOPS} tpm2-tools operations on "
            "/dev/tpmrm0 succeeded meanwhile")

    c.equal(handles_of(g, "transient"), [], "no transient object left in the TPM")
    c.equal(handles_of(g, "sessions"), [], "no session left in the TPM")
    c.check(g.rc("tpm0_transient") == 0 and not re.search(r"0x80", g.out("tpm0_transient")),
            "tpm2_getcap handles-transient on /dev/tpm0 lists none",
            g.out("tpm0_transient") + g.err("tpm0_transient"))
    c.equal(g.rc("rmmod"), 0, "the module unloads")
    problems = harness.kernel_problems(g.dmesg())
    c.check(not problems, "no oops, WARN or BUG", "\n    ".join(problems[:5]))


def main(argv):
    c = harness.Checker("concurrency")
    b = harness.tcti_binaries(TOOLS + ("tpm2_getcap",))
    b["libs"].append("/usr/lib/x86_64-linux-gnu/libtss2-tcti-device.so.0")
    try:
        g = harness.boot("concurrency", "tpm2", harness.fresh_state("concurrency"), steps_for(), b,
                         timeout=1200)
    except RuntimeError as e:
        c.check(False, "boot", str(e))
        return c.finish()
    check(c, g)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
