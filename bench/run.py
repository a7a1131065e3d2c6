#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench: what the mediated path costs, as a table in bench/RESULTS.md.

  bench/run.py            the full run (N as issue 6 asks), bench/RESULTS.md
  bench/run.py --smoke    small N, build/bench/RESULTS.md; checks that every
                          figure is produced, finite and positive and that
                          the tables are well formed (not that targets are met)

Everything that goes through the TPM runs in ONE boot of the test guest on
bare Linux (QEMU TCG, swtpm TPM 2.0 on tpm-tis), by bench/xenmb-bench.c:
  a. TPM2_GetRandom(8) and TPM2_PCR_Read (8 PCRs): XENMB_IOC_TPM_CMD vs
     write/read on /dev/tpm0;
  b. that PCR_Read through xenmb at locality 2 vs locality 0;
  c. 'xenmb quote' vs 'tpm2_quote -T device:/dev/tpm0', same AK
     (0x81018000 made by 'xenmb ak'), same PCRs, whole-process wall time;
  e. 8 clients vs 1 client through xenmb: throughput and fairness.
A second boot of the same kernel and initramfs, as Xen 4.17's PV dom0
(harness.boot(host="xen")), runs a, b and e again with the same N; the
second table of RESULTS.md puts both hosts' a, b and e side by side.
The event log replay (d) is pure computation and runs on the host, where
the CPU executes OpenSSL's SHA code natively: under TCG the emulation cost
of each instruction kind differs, which would distort a ratio between C
parsing code and OpenSSL's SHA-NI/AVX assembly (see bench/analysis.md).

Pairs are measured interleaved (A B A B ...); the figures are medians and
99th percentiles (nearest rank) of the raw samples xenmb-bench prints.
"""
import argparse
import base64
import json
import math
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "qemu"))
import harness  # noqa: E402
import txtlaunch  # noqa: E402

AK_HANDLE = "0x81018000"
QUOTE_PCRS = "sha256:0,1,2,3,4,5,6,7"
LOG_BANKS = ["sha1", "sha256"]
DEVICE_TCTI = "/usr/lib/x86_64-linux-gnu/libtss2-tcti-device.so.0"

FULL = dict(cmd=2000, loc=2000, block=10, quote=50, client_secs=2.0, rounds=5,
            clients=8, events=100000, replay=30, eventlog=10, timeout=3600)
SMOKE = dict(cmd=20, loc=20, block=10, quote=3, client_secs=0.5, rounds=2,
             clients=8, events=5000, replay=3, eventlog=2, timeout=900)

TARGETS = {
    "a1": ("<=", 1.00), "a2": ("<=", 1.00), "b": ("<=", 1.10),
    "c": ("<=", 0.50), "c2": None, "d1": (">=", 0.80), "d2": (">=", 20.0),
    "e1": None, "e2": ("<=", 1.5),
}

# The rows the Xen dom0 boot measures, in the side-by-side table's order.
XEN_ROWS = ("a1", "a2", "b", "e1", "e2")
# Xen scrubs free RAM in its idle loop after boot by default: under TCG,
# 1.5 GiB of it took longer than the smoke run's dom0 rows, and every
# wake-up of the dom0 from the driver's 1 ms poll waited for a chunk of
# scrubbing (a third mode of about 7 ms, gone with bootscrub=0). QEMU's
# guest RAM starts zeroed, so there is nothing to scrub.
XEN_APPEND = "bootscrub=0"


def p99(xs):
    s = sorted(xs)
    return s[max(0, math.ceil(0.99 * len(s)) - 1)]


def series_of(text):
    """{name: [ns...]} and the other JSON lines of xenmb-bench's output."""
    series, other = {}, []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        obj = json.loads(line)
        if "series" in obj:
            series[obj["series"]] = obj["samples"]
        else:
            other.append(obj)
    return series, other


def guest_steps(n, nonce):
    bench = "xenmb-bench"
    xq = (f"xenmb quote --nonce {base64.b64encode(nonce).decode()} "
          f"--pcrs {QUOTE_PCRS} --out /tmp/xq")
    tq = (f"tpm2_quote -T device:/dev/tpm0 -c {AK_HANDLE} -l {QUOTE_PCRS} "
          f"-q {nonce.hex()} -g sha256 -m /tmp/tq/quote.msg "
          f"-s /tmp/tq/quote.sig -o /tmp/tq/quote.pcrs")
    return [
        harness.Step("insmod", "insmod /lib/modules/xenmb/xenmb.ko"),
        # Kernel messages (one audit record per xenmb command) stay in the
        # ring buffer but off the emulated serial console, as on a dom0
        # whose console is quiet or that runs auditd.
        harness.Step("quiet", "dmesg -n 1"),
        harness.Step("ak", "xenmb ak --name && mkdir -p /tmp/tq"),
    ] + count_steps(nonce) + [
        harness.Step("cmd", f"{bench} cmd {n['cmd']}"),
        harness.Step("locality", f"{bench} locality {n['loc']} {n['block']}"),
        # Diagnosis for b: switching locality on every command, so QEMU
        # tells swtpm the locality (SET_LOCALITY) before every command.
        harness.Step("locality_alt", f"{bench} locality {max(10, n['loc'] // 4)} 1"),
        harness.Step("quote", f"{bench} exec {n['quote']} -- {xq} -- {tq}"),
        # Process start-up alone: each program's --help, which loads the
        # same libraries and talks to no TPM.
        harness.Step("startup", f"{bench} exec {n['quote']} -- xenmb --help -- tpm2_quote --help"),
        harness.Step("quote_files", 'cp -r /tmp/xq "$R/xq" && cp -r /tmp/tq "$R/tq"'),
        harness.Step("clients", f"{bench} clients {n['client_secs']} {n['rounds']} {n['clients']}"),
        harness.Step("audited", "dmesg | grep -c 'type=1316'"),
        # The audit records would make the results too big for the serial
        # line; keep the rest of the kernel log.
        harness.Step("kernel", "dmesg | grep -v 'type=1316'; dmesg -c > /dev/null"),
    ]


def quote_lines(nonce, tcti, out):
    """Row c's two command lines over @tcti, their files in @out/x and @out/t."""
    xq = (f"xenmb quote --tcti {tcti} --nonce {base64.b64encode(nonce).decode()} "
          f"--pcrs {QUOTE_PCRS} --out {out}/x")
    tq = (f"tpm2_quote -T {tcti} -c {AK_HANDLE} -l {QUOTE_PCRS} -q {nonce.hex()} "
          f"-g sha256 -m {out}/t/quote.msg -s {out}/t/quote.sig -o {out}/t/quote.pcrs")
    return {"xenmb": xq, "tpm2": tq}


# The programs of row c, counted: one step per program and way of counting.
COUNTS = [(who, how) for how in ("audit", "strace") for who in ("xenmb", "tpm2")]


def count_steps(nonce):
    """Row c's command lines once more each, to count the TPM commands each
    program sends for the same output (AK 0x81018000's quote of the same
    PCRs, their values out): from xenmb's audit records, both programs
    over /dev/xenmb (the xenmb TCTI), and from strace's record of the
    write()s to /dev/tpm0, both over the device TCTI (one write() per
    command). Run before the long series, while the kernel log is short."""
    steps = []
    for who, how in COUNTS:
        if how == "audit":
            line = quote_lines(nonce, "xenmb", "/tmp/ca")[who]
            # The kernel log after the run's first line of its own.
            cmd = (f'n0=$(dmesg | wc -l) && {line} > /dev/null && '
                   f'dmesg | tail -n +$((n0 + 1))')
        else:
            line = quote_lines(nonce, "device:/dev/tpm0", "/tmp/cs")[who]
            cmd = (f"strace -f -y -xx -s 10 -e trace=write -o /tmp/cs.{who} {line} "
                   f"> /dev/null && grep 'write(' /tmp/cs.{who}")
        steps.append(harness.Step(f"count_{who}_{how}",
                                  "mkdir -p /tmp/ca/t /tmp/cs/t && " + cmd))
    return steps


# A write() as strace -y -xx -s 10 shows it: the file descriptor's path
# and the first 10 bytes (a TPM command's header), both as \xNN.
WRITE_RE = re.compile(r'write\(\d+<((?:\\x[0-9a-f]{2})+)>, "((?:\\x[0-9a-f]{2}){10})"')


def unescape(xs):
    return bytes.fromhex(xs.replace("\\x", ""))


def tpm0_commands(strace):
    """The command codes of the write()s to /dev/tpm0 in @strace, in order."""
    return [int.from_bytes(unescape(m.group(2))[6:10], "big")
            for m in WRITE_RE.finditer(strace) if unescape(m.group(1)) == b"/dev/tpm0"]


def command_counts(c, g):
    """{(who, how): [command code, ...]} from the count steps, in the
    order sent, and {code: name} from the audit records (the driver's
    table). Checks each program sent the same commands counted both ways,
    and xenmb no more than tpm2_quote (issue 14: a quote costs no more
    round trips than tpm2_quote's)."""
    codes, names = {}, {}
    for who, how in COUNTS:
        out = g.out(f"count_{who}_{how}")
        if how == "audit":
            recs = [r for r in harness.audit_records(out) if r.get("op") == "xenmb_tpm_cmd"]
            # code=? is a command too short to have one: count it as -1.
            code = [int(r["code"], 16) if r.get("code", "?") != "?" else -1 for r in recs]
            codes[(who, how)] = code
            names.update(zip(code, (r.get("cmd", "?") for r in recs)))
        else:
            codes[(who, how)] = tpm0_commands(out)
    for who in ("xenmb", "tpm2"):
        a, s = codes[(who, "audit")], codes[(who, "strace")]
        c.check(a and s in (a, [TCTI_PROBE] + a), f"{PROGRAM[who]}: the TPM commands of "
                f"the audit records ({len(a)}) are those written to /dev/tpm0 ({len(s)}), "
                "but for the device TCTI's probe", f"{a} / {s}")
    for how in ("audit", "strace"):
        x, t = codes[("xenmb", how)], codes[("tpm2", how)]
        c.check(x and t and len(x) <= len(t), f"xenmb quote sends no more TPM commands than "
                f"tpm2_quote ({how}): {len(x)} <= {len(t)}", f"{x} / {t}")
    return codes, names


PROGRAM = {"xenmb": "xenmb quote", "tpm2": "tpm2_quote"}
# tpm2-tss's device TCTI (3.x) sends TPM2_GetRandom(8) when it opens the
# device, to learn whether the driver returns a response in parts.
TCTI_PROBE = 0x17B


def count_lines(codes, names):
    """RESULTS.md's lines on the command counts, beside row c."""
    out = ["", "TPM commands per quote, row c's command lines run once more each: "
           "counted in xenmb's audit records (both programs over /dev/xenmb) and "
           "as write()s to /dev/tpm0 in strace (both over the device TCTI).", ""]
    for who in ("xenmb", "tpm2"):
        a, s = codes.get((who, "audit"), []), codes.get((who, "strace"), [])
        seq = ", ".join(names.get(x, hex(x)).replace("TPM2_", "") for x in a)
        probe = " (the device TCTI's GetRandom(8) probe at open, then the same)" \
            if s[:1] == [TCTI_PROBE] and s[1:] == a else ""
        out.append(f"* {PROGRAM[who]}: {len(a)} in the audit records, {len(s)} in "
                   f"strace{probe}: {seq}")
    return out


def xen_steps(n):
    """Rows a, b and e in the Xen dom0: the same commands as guest_steps()."""
    bench = "xenmb-bench"
    return [
        harness.Step("hypervisor", "cat /sys/hypervisor/type && "
                     "echo $(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor)"
                     "$(cat /sys/hypervisor/version/extra) && cat /proc/xen/capabilities"),
        harness.Step("insmod", "insmod /lib/modules/xenmb/xenmb.ko"),
        harness.Step("quiet", "dmesg -n 1"),
        harness.Step("cmd", f"{bench} cmd {n['cmd']}"),
        harness.Step("locality", f"{bench} locality {n['loc']} {n['block']}"),
        harness.Step("clients", f"{bench} clients {n['client_secs']} {n['rounds']} {n['clients']}"),
        harness.Step("audited", "dmesg | grep -c 'type=1316'"),
        harness.Step("kernel", "dmesg | grep -v 'type=1316'; dmesg -c > /dev/null"),
    ]


def guest_binaries():
    binaries = harness.tcti_binaries(tools=("tpm2_quote",))
    harness.run(["make", "-s", "-C", harness.REPO, "bench-tool"])
    binaries["bins"] += [os.path.join(harness.BUILD, "xenmb-bench"), "/usr/bin/strace"]
    binaries["libs"].append(DEVICE_TCTI)
    return binaries


def boot_guest(c, n, host, steps, binaries):
    """One boot on @host ("linux" or "xen"); returns the Guest and its seconds."""
    where = "Xen dom0" if host == "xen" else "bare Linux"
    start = time.time()
    g = harness.boot("bench", "tpm2", harness.fresh_state(f"bench-{host}"), steps, binaries,
                     timeout=n["timeout"], host=host,
                     xen_append=XEN_APPEND if host == "xen" else "")
    secs = time.time() - start
    c.check(True, f"the {where} guest ran the benchmarks in one boot ({secs:.0f} s)")
    return g, secs


def make_log(path, events):
    """A crypto-agile log (SHA-1 + SHA-256) of @events records after its
    Spec ID header: txtlaunch.py's DRTM launch events, over and over."""
    _, launch = txtlaunch.launch_events("2.0", txtlaunch.stand_in_acm())
    recs = [txtlaunch.rec_agile(e.pcr, e.type, e.hash_for(LOG_BANKS).digests, e.data)
            for e in launch]
    body = txtlaunch.spec_id_event(LOG_BANKS) + b"".join(
        recs[i % len(recs)] for i in range(events))
    with open(path, "wb") as f:
        f.write(body)
    return len(body)


def tpm2_eventlog_pcrs(text):
    """{bank: {pcr: hex}} of tpm2_eventlog's closing 'pcrs:' section."""
    out, bank = {}, None
    tail = text[text.rfind("\npcrs:"):]
    for line in tail.splitlines()[1:]:
        m = re.match(r"^  (\w+):$", line)
        if m:
            bank = out.setdefault(m.group(1), {})
            continue
        m = re.match(r"^\s+(\d+)\s*:\s*0x([0-9a-fA-F]+)$", line)
        if m and bank is not None:
            bank[int(m.group(1))] = m.group(2).lower()
    return out


def xenmb_replay_pcrs(text):
    out = {}
    for line in text.splitlines():
        m = re.match(r"^pcr\s+(\d+)\s+(\w+)\s+([0-9a-f]+)$", line)
        if m:
            out.setdefault(m.group(2), {})[int(m.group(1))] = m.group(3)
    return out


def host_replay(c, n, workdir):
    """d: the replay in-process vs SHA-256; whole processes vs tpm2_eventlog."""
    log = os.path.join(workdir, f"agile-{n['events']}.log")
    size = make_log(log, n["events"])
    bench = os.path.join(harness.BUILD, "xenmb-bench")
    xenmb = os.path.join(harness.BUILD, "xenmb")
    p = subprocess.run([bench, "replay", log, str(n["replay"])],
                       capture_output=True, text=True)
    c.equal(p.returncode, 0, "xenmb-bench replay exits 0")
    series, other = series_of(p.stdout)
    info = other[0] if other else {}
    c.equal((info.get("log_bytes"), info.get("records")), (size, n["events"] + 1),
            f"the replay read all {n['events']} events and the header ({size} bytes)")
    p = subprocess.run([bench, "exec", str(n["eventlog"]), "--",
                        xenmb, "eventlog", "--file", log, "--replay", "--",
                        "tpm2_eventlog", log], capture_output=True, text=True)
    c.equal(p.returncode, 0, "xenmb-bench exec (xenmb eventlog, tpm2_eventlog) exits 0",)
    s2, _ = series_of(p.stdout)
    series["eventlog.xenmb"] = s2.get("exec.a", [])
    series["eventlog.tpm2"] = s2.get("exec.b", [])
    # The two replays must agree, or the comparison means nothing.
    ours = xenmb_replay_pcrs(subprocess.run([xenmb, "eventlog", "--file", log, "--replay"],
                                            capture_output=True, text=True).stdout)
    theirs = tpm2_eventlog_pcrs(subprocess.run(["tpm2_eventlog", log],
                                               capture_output=True, text=True).stdout)
    c.check(ours and ours == theirs, "xenmb's replay equals tpm2_eventlog's PCRs",
            f"{ours} vs {theirs}")
    return series, dict(log_bytes=size, events=n["events"], banks=LOG_BANKS)


def free_port_pair():
    """A TCP port P with P + 1 free too: the swtpm TCTI's data and control."""
    for _ in range(50):
        p = random.randrange(20000, 60000, 2)
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("127.0.0.1", p))
                b.bind(("127.0.0.1", p + 1))
            return p
        except OSError:
            continue
    raise RuntimeError("no free TCP port pair for swtpm")


def host_quote(c, n, workdir):
    """c2: the quote pair again with native processes (no TCG) against a
    swtpm on TCP, both programs over the same swtpm TCTI: what the user
    space of each costs when process start-up is not emulated."""
    state = tempfile.mkdtemp(prefix="swtpm-", dir=workdir)
    port = free_port_pair()
    swtpm = subprocess.Popen(
        ["swtpm", "socket", "--tpm2", "--tpmstate", f"dir={state}",
         "--server", f"type=tcp,port={port},bindaddr=127.0.0.1",
         "--ctrl", f"type=tcp,port={port + 1},bindaddr=127.0.0.1",
         "--flags", "not-need-init,startup-clear"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        tcti = f"swtpm:host=127.0.0.1,port={port}"
        for _ in range(50):
            if subprocess.run(["tpm2_getrandom", "-T", tcti, "8"],
                              capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        xenmb = os.path.join(harness.BUILD, "xenmb")
        p = subprocess.run([xenmb, "ak", "--name", "--tcti", tcti], capture_output=True, text=True)
        c.equal(p.returncode, 0, "host: 'xenmb ak' on a swtpm over TCP exits 0")
        nonce = os.urandom(32)
        xq, tq = os.path.join(workdir, "xq"), os.path.join(workdir, "tq")
        os.makedirs(tq, exist_ok=True)
        p = subprocess.run(
            [os.path.join(harness.BUILD, "xenmb-bench"), "exec", str(n["quote"]), "--",
             xenmb, "quote", "--tcti", tcti, "--nonce", base64.b64encode(nonce).decode(),
             "--pcrs", QUOTE_PCRS, "--out", xq, "--",
             "tpm2_quote", "-T", tcti, "-c", AK_HANDLE, "-l", QUOTE_PCRS, "-q", nonce.hex(),
             "-g", "sha256", "-m", os.path.join(tq, "quote.msg"),
             "-s", os.path.join(tq, "quote.sig"), "-o", os.path.join(tq, "quote.pcrs")],
            capture_output=True, text=True)
        c.equal(p.returncode, 0, "host: xenmb-bench exec (xenmb quote, tpm2_quote) exits 0")
        if p.returncode:
            print("    " + p.stderr[-500:])
        series, _ = series_of(p.stdout)
        for who, q in (("xenmb quote", xq), ("tpm2_quote", tq)):
            r = subprocess.run(["tpm2_checkquote", "-u", os.path.join(xq, "ak.pem"),
                                "-m", os.path.join(q, "quote.msg"), "-s", os.path.join(q, "quote.sig"),
                                "-f", os.path.join(q, "quote.pcrs"), "-g", "sha256", "-q", nonce.hex()],
                               capture_output=True)
            c.equal(r.returncode, 0, f"host: tpm2_checkquote accepts {who}'s last quote")
    finally:
        swtpm.terminate()
        swtpm.wait()
        shutil.rmtree(state, ignore_errors=True)
    return {"hostquote.xenmb": series.get("exec.a", []),
            "hostquote.tpm2": series.get("exec.b", [])}


def check_quotes(c, g, nonce):
    """Both programs' last quotes verify: the timing compared real work."""
    for who, d in (("xenmb quote", "xq"), ("tpm2_quote", "tq")):
        q = os.path.join(g.results, d)
        ak = os.path.join(g.results, "xq", "ak.pem")
        p = subprocess.run(["tpm2_checkquote", "-u", ak, "-m", os.path.join(q, "quote.msg"),
                            "-s", os.path.join(q, "quote.sig"), "-f", os.path.join(q, "quote.pcrs"),
                            "-g", "sha256", "-q", nonce.hex()], capture_output=True, text=True)
        c.equal(p.returncode, 0, f"tpm2_checkquote accepts {who}'s last quote with the AK of 'xenmb ak'")


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    flags = open("/proc/cpuinfo").read()
    version = lambda cmd: subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[:1]  # noqa: E731
    env = harness.load_env()
    return {
        "cpu": cpu + (" (SHA-NI)" if " sha_ni" in flags else ""),
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "qemu": (version(["qemu-system-x86_64", "--version"]) or ["?"])[0]
        + ", TCG, 1 vCPU, -cpu max",
        "guest": f"Debian {env.get('KVER', '?')}",
        "swtpm": (version(["swtpm", "--version"]) or ["?"])[0].split(", Copyright")[0],
        "tpm2-tools": "tpm2-tools " + re.sub(r'.*version="([^"]*)".*', r"\1",
                                             (version(["tpm2_quote", "--version"]) or ["?"])[0]),
        "openssl": (version(["openssl", "version"]) or ["?"])[0],
    }


def load_now():
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    qemus = subprocess.run(["pgrep", "-c", "-x", "qemu-system-x86"], capture_output=True,
                           text=True).stdout.strip() or "0"
    return f"load average {load}, {qemus} QEMU process(es) running"


def fmt_ns(ns):
    if abs(ns) >= 1e9:
        return f"{ns / 1e9:.2f} s"
    if abs(ns) >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e3:.1f} µs"


def pair(series, a, b):
    sa, sb = series.get(a, []), series.get(b, [])
    if not sa or not sb:
        return None
    return dict(n=min(len(sa), len(sb)), a_med=statistics.median(sa), a_p99=p99(sa),
                b_med=statistics.median(sb), b_p99=p99(sb))


def figures(series, rounds, clients):
    """The rows: (id, what, A, B, N, A median, A p99, B median, B p99,
    ratio, ratio's meaning, formatter)."""
    rows = []

    def add(rid, what, a, b, res, ratio, meaning, fmt=fmt_ns):
        rows.append(dict(id=rid, what=what, a=a, b=b, ratio=ratio, meaning=meaning,
                         fmt=fmt, **res))

    for rid, cmd, key in (("a1", "TPM2_GetRandom(8)", "getrandom"),
                          ("a2", "TPM2_PCR_Read, 8 SHA-256 PCRs", "pcrread")):
        r = pair(series, f"{key}.xenmb", f"{key}.tpm0")
        if r:
            add(rid, f"{cmd}: latency", "XENMB_IOC_TPM_CMD", "/dev/tpm0 write+read", r,
                r["a_med"] / r["b_med"], "A/B")
    r = pair(series, "pcrread.locality2", "pcrread.locality0")
    if r:
        add("b", "PCR_Read through xenmb: latency", "locality 2", "locality 0", r,
            r["a_med"] / r["b_med"], "A/B")
    r = pair(series, "exec.a", "exec.b")
    if r:
        add("c", "quote, whole process, same AK and PCRs", "xenmb quote",
            "tpm2_quote -T device", r, r["a_med"] / r["b_med"], "A/B")
    r = pair(series, "hostquote.xenmb", "hostquote.tpm2")
    if r:
        add("c2", "quote, whole process, on the host (native processes, swtpm over TCP "
            "for both)", "xenmb quote", "tpm2_quote -T swtpm", r, r["a_med"] / r["b_med"], "A/B")
    r = pair(series, "replay", "sha256")
    if r:
        add("d1", "event log replay vs SHA-256 of the same bytes (time)",
            "eventlog_replay()", "EVP SHA-256", r, r["b_med"] / r["a_med"],
            "throughput A/B = B/A time")
    r = pair(series, "eventlog.xenmb", "eventlog.tpm2")
    if r:
        add("d2", "event log replay, whole process", "xenmb eventlog --replay",
            "tpm2_eventlog", r, r["b_med"] / r["a_med"], "speed-up B/A")
    one = [sum(x["counts"]) / x["seconds"] for x in rounds if x["clients"] == 1]
    many = [sum(x["counts"]) / x["seconds"] for x in rounds if x["clients"] == clients]
    if one and many:
        fmt = lambda v: f"{v:.0f}/s"  # noqa: E731
        res = dict(n=len(many), a_med=statistics.median(many), a_p99=min(many),
                   b_med=statistics.median(one), b_p99=min(one))
        add("e1", f"GetRandom(8) throughput, {clients} clients vs 1 (p99 column: worst round)",
            f"{clients} clients, total", "1 client", res,
            res["a_med"] / res["b_med"], "A/B", fmt)
        fair = [max(x["counts"]) / max(1, min(x["counts"]))
                for x in rounds if x["clients"] == clients]
        fmt2 = lambda v: f"{v:.2f}"  # noqa: E731
        res = dict(n=len(fair), a_med=statistics.median(fair), a_p99=max(fair),
                   b_med=float("nan"), b_p99=float("nan"))
        add("e2", f"fairness, {clients} clients: max/min completed per client "
            "(p99 column: worst round; judged on the worst)", "max/min", "", res,
            max(fair), "worst round", fmt2)
    return rows


def diagnostics(series):
    """Lines for 'Where the time goes': what this run's own samples say."""
    med = statistics.median
    out = []
    for key, what in (("getrandom", "GetRandom(8)"), ("pcrread", "PCR_Read")):
        tot, drv = series.get(f"{key}.xenmb", []), series.get(f"{key}.xenmb.driver", [])
        if tot and len(tot) == len(drv):
            extra = [t - d for t, d in zip(tot, drv)]
            out.append(f"* {what} through xenmb: {fmt_ns(med(drv))} median in the TPM "
                       f"driver (`tpm_transmit_cmd()`, the ioctl's `duration_ns`); the rest "
                       f"of the path (system call, argument and buffer copies, policy, "
                       f"locality bookkeeping, audit record) {fmt_ns(med(extra))} median, "
                       f"{fmt_ns(p99(extra))} p99.")
    fast = lambda xs: [x for x in xs if x < 1e6]  # noqa: E731
    slow = lambda xs: [x for x in xs if x >= 1e6]  # noqa: E731
    for a, b in (("getrandom.xenmb", "getrandom.tpm0"), ("pcrread.xenmb", "pcrread.tpm0"),
                 ("pcrread.locality2", "pcrread.locality0")):
        sa, sb = series.get(a, []), series.get(b, [])
        if not sa or not sb:
            continue
        line = (f"* {a} / {b}: answered at the driver's first status poll (< 1 ms): "
                f"{100 * len(fast(sa)) / len(sa):.0f}% / {100 * len(fast(sb)) / len(sb):.0f}%")
        if fast(sa) and fast(sb):
            line += (f"; median of those {fmt_ns(med(fast(sa)))} / {fmt_ns(med(fast(sb)))} "
                     f"(ratio {med(fast(sa)) / med(fast(sb)):.3f})")
        if slow(sa) and slow(sb):
            line += (f"; of the others {fmt_ns(med(slow(sa)))} / {fmt_ns(med(slow(sb)))} "
                     f"(ratio {med(slow(sa)) / med(slow(sb)):.3f})")
        out.append(line + ".")
    l2, l0 = series.get("alt.locality2", []), series.get("alt.locality0", [])
    if l2 and l0:
        out.append(f"* PCR_Read alternating locality 2 and 0 on every command ({len(l2)} each; "
                   f"QEMU sends swtpm SET_LOCALITY before each): {fmt_ns(med(l2))} / "
                   f"{fmt_ns(med(l0))} median (ratio {med(l2) / med(l0):.3f}).")
    rp, fl, sh = series.get("replay", []), series.get("replay.floor", []), series.get("sha256", [])
    if rp and fl and sh:
        out.append(f"* Event log replay: ours {fmt_ns(med(rp))}; the same replay on OpenSSL's "
                   f"allocation-free low-level SHA-1/SHA-256 (deprecated API, the floor for "
                   f"this log) {fmt_ns(med(fl))}; SHA-256 of the log {fmt_ns(med(sh))}. "
                   f"Throughput ratio to SHA-256: ours {med(sh) / med(rp):.3f}, "
                   f"floor {med(sh) / med(fl):.3f}.")
    su, st = series.get("startup.xenmb", []), series.get("startup.tpm2", [])
    qa, qb = series.get("exec.a", []), series.get("exec.b", [])
    if su and st and qa and qb:
        out.append(f"* Process start-up in the guest (`--help`, no TPM): xenmb {fmt_ns(med(su))}, "
                   f"tpm2_quote {fmt_ns(med(st))}; the quotes beyond that: xenmb "
                   f"{fmt_ns(med(qa) - med(su))}, tpm2_quote {fmt_ns(med(qb) - med(st))}.")
    return out


def verdict(row):
    t = TARGETS.get(row["id"])
    if not t:
        return "—", "(no target)"
    op, v = t
    met = row["ratio"] <= v if op == "<=" else row["ratio"] >= v
    return ("met" if met else "missed"), f"{op} {v:g}"


def table(rows):
    head = ("| # | measurement | A | B | N | A median | A p99 | B median | B p99 "
            "| ratio | target | result |")
    lines = [head, "|" + "---|" * 12]
    for r in rows:
        f = r["fmt"]
        res, target = verdict(r)
        b_med = f(r["b_med"]) if not math.isnan(r["b_med"]) else "—"
        b_p99 = f(r["b_p99"]) if not math.isnan(r["b_p99"]) else "—"
        lines.append(f"| {r['id']} | {r['what']} | {r['a']} | {r['b'] or '—'} | {r['n']} "
                     f"| {f(r['a_med'])} | {f(r['a_p99'])} | {b_med} | {b_p99} "
                     f"| {r['ratio']:.3f} ({r['meaning']}) | {target} | {res} |")
    return lines


def side_by_side(bare_rows, xen_rows, clients):
    """Rows a, b and e of both hosts: A median, B median and ratio of
    each, the target, met or missed on each. A row a host lacks is "—"."""
    what = {
        "a1": "GetRandom(8) latency: XENMB_IOC_TPM_CMD (A) vs /dev/tpm0 (B)",
        "a2": "PCR_Read (8 PCRs) latency: XENMB_IOC_TPM_CMD (A) vs /dev/tpm0 (B)",
        "b": "PCR_Read through xenmb: locality 2 (A) vs locality 0 (B)",
        "e1": f"GetRandom(8) throughput: {clients} clients (A) vs 1 client (B)",
        "e2": f"fairness, {clients} clients: max/min per client (A; ratio: worst round)",
    }
    bare = {r["id"]: r for r in bare_rows}
    xen = {r["id"]: r for r in xen_rows}
    head = ("| # | measurement | bare Linux: A median | B median | ratio "
            "| Xen dom0: A median | B median | ratio | target | bare Linux | Xen dom0 |")
    lines = [head, "|" + "---|" * 11]

    def cells(r):
        if not r:
            return ["—", "—", "—"]
        f = r["fmt"]
        b_med = f(r["b_med"]) if not math.isnan(r["b_med"]) else "—"
        return [f(r["a_med"]), b_med, f"{r['ratio']:.3f}"]

    for rid in XEN_ROWS:
        b, x = bare.get(rid), xen.get(rid)
        t = TARGETS.get(rid)
        target = f"{t[0]} {t[1]:g}" if t else "(no target)"
        results = [verdict(r)[0] if r else "—" for r in (b, x)]
        lines.append("| " + " | ".join([rid, what[rid]] + cells(b) + cells(x) + [target] + results) +
                     " |")
    return lines


# Where RESULTS.md's dated figures of earlier runs begin.
DATED_HEADING = "## Dated figures"


def write_results(path, rows, series, info, n, load_before, load_after, smoke, log_info,
                  audited, note, xen, counts):
    """@xen: the Xen dom0 boot's rows, series, hypervisor and audited;
    @counts: count_lines()."""
    m = info
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    out = [
        "# xenmb benchmarks" + (" (smoke run: small N, not for reading)" if smoke else ""),
        "",
        "Written by `make bench` (bench/run.py); see bench/README.md.",
        "",
        "## Machine",
        "",
        f"* date: {when}",
        f"* CPU: {m['cpu']}, {m['cores']} cores; host kernel {m['kernel']}",
        f"* QEMU: {m['qemu']}; guest kernel {m['guest']}",
        f"* TPM: {m['swtpm']}, TPM 2.0 on tpm-tis",
        f"* {m['tpm2-tools']}; {m['openssl']}",
        f"* Xen dom0 rows: {xen['hypervisor']} (what the dom0 reads in "
        f"/sys/hypervisor/version), the same guest kernel as its PV dom0 "
        f"(dom0_mem=512M, {XEN_APPEND}; QEMU -m 2048M, -cpu max,-smap), same swtpm and TPM",
        f"* load: before {load_before}; after {load_after}",
    ] + ([f"* note: {note}"] if note else []) + [
        "",
        "## Results",
        "",
        f"N: a {n['cmd']} per series, b {n['loc']} (blocks of {n['block']}), "
        f"c {n['quote']}, d {n['replay']} in-process and {n['eventlog']} "
        f"whole-process runs, e {n['rounds']} rounds of {n['client_secs']:g} s each. "
        f"Event log: {log_info['events']} crypto-agile records "
        f"({'+'.join(log_info['banks'])}, {log_info['log_bytes']} bytes). "
        f"Audit records in the guest's kernel log: {audited}.",
        "",
    ] + table(rows) + counts + [
        "",
        "### Bare Linux and Xen dom0",
        "",
        f"Rows a, b and e again, from a second boot: the same kernel and "
        f"initramfs as Xen's PV dom0, the same N, the same interleaving. "
        f"Audit records in the dom0's kernel log: {xen['audited']}. Both paths "
        f"of a row run on the same host, so each host's ratio is the figure "
        f"to compare (see \"Xen dom0\" below).",
        "",
    ] + side_by_side(rows, xen["rows"], n["clients"]) + [
        "", "## Where the time goes (this run)", "", "Bare Linux:", ""] + \
        diagnostics(series) + ["", "Xen dom0:", ""] + diagnostics(xen["series"]) + [""]
    analysis = os.path.join(HERE, "analysis.md")
    if os.path.exists(analysis):
        with open(analysis) as f:
            out += [f.read().rstrip(), ""]
    # The dated figures of earlier runs ("dated figures live in
    # bench/RESULTS.md only") are carried over from the file replaced.
    if not smoke and os.path.exists(path):
        with open(path) as f:
            old = f.read()
        at = old.find("\n" + DATED_HEADING + "\n")
        if at >= 0:
            out += [old[at + 1:].rstrip(), ""]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(out))


def md_tables(path):
    """The file's tables, up to the dated figures of earlier runs: lists
    of their lines, in order."""
    tables, cur = [], []
    with open(path) as f:
        for ln in f.read().splitlines():
            if ln == DATED_HEADING:
                break
            if ln.startswith("|"):
                cur.append(ln)
            elif cur:
                tables.append(cur)
                cur = []
    return tables + ([cur] if cur else [])


def check_table(c, path, want_rows):
    """The file's two tables. The first: a header, a separator, one row
    per figure, every row with the header's cells, a number in ratio, a
    known result. The second (bare Linux and Xen dom0 side by side): the
    rows of XEN_ROWS in order, medians in every A cell and in every B cell
    but e2's, a number in both ratios, met/missed where there is a target."""
    name = os.path.relpath(path, harness.REPO)
    tables = md_tables(path)
    c.equal(len(tables), 2, f"{name} holds two tables")
    lines = tables[0] if tables else []
    ok = len(lines) == 2 + want_rows
    cells = [ln.strip("|").split("|") for ln in lines]
    ok = ok and all(len(x) == len(cells[0]) == 12 for x in cells)
    rows = cells[2:]
    ok = ok and all(re.match(r"^\s*\d+\.\d+ \(", r[9]) for r in rows)
    ok = ok and all(r[11].strip() in ("met", "missed", "—") for r in rows)
    c.check(ok, f"{name} holds a well-formed table of {want_rows} rows", "\n".join(lines))

    lines = tables[1] if len(tables) > 1 else []
    cells = [[x.strip() for x in ln.strip("|").split("|")] for ln in lines]
    ok = len(lines) == 2 + len(XEN_ROWS) and all(len(x) == 11 for x in cells)
    rows = cells[2:]
    ok = ok and [r[0] for r in rows] == list(XEN_ROWS)
    for r in rows if ok else []:
        medians = [r[2], r[5]] + ([] if r[0] == "e2" else [r[3], r[6]])
        ok = ok and all(re.match(r"^\d+(\.\d+)?( s| ms| µs|/s)?$", m) for m in medians)
        ok = ok and all(re.match(r"^\d+\.\d+$", x) for x in (r[4], r[7]))
        want = ("met", "missed") if TARGETS.get(r[0]) else ("—",)
        ok = ok and r[9] in want and r[10] in want
    c.check(ok, f"{name} holds a well-formed side-by-side table of {len(XEN_ROWS)} rows "
            "(bare Linux, Xen dom0)", "\n".join(lines))


def check_steps(c, g, steps, who=""):
    for step in steps:
        c.equal(g.rc(step), 0, f"{who}guest step '{step}' exits 0")
        if g.rc(step):
            print("    " + g.err(step)[-500:].replace("\n", "\n    "))


def check_series(c, series, want, who=""):
    for name, count in want.items():
        s = series.get(name, [])
        c.check(len(s) == count and all(isinstance(x, int) and x > 0 for x in s),
                f"{who}series {name}: {count} positive samples", f"got {len(s)}")


def check_rounds(c, rounds, n, who=""):
    c.check(len([r for r in rounds if r["clients"] == 1]) == n["rounds"] and
            len([r for r in rounds if r["clients"] == n["clients"]]) == n["rounds"] and
            all(len(r["counts"]) == r["clients"] and min(r["counts"]) > 0 for r in rounds),
            f"{who}{n['rounds']} rounds of 1 and of {n['clients']} clients, every client "
            "completed commands", repr(rounds))


def check_rows(c, rows, ids, who=""):
    c.equal(sorted(r["id"] for r in rows), sorted(ids), f"{who}every figure was computed")
    for r in rows:
        vals = [r["a_med"], r["a_p99"], r["ratio"]] + \
            ([] if r["id"] == "e2" else [r["b_med"], r["b_p99"]])
        c.check(all(math.isfinite(v) and v > 0 for v in vals),
                f"{who}{r['id']}: medians, p99 and ratio finite and positive", repr(vals))
        print(f"# {who}{r['id']} {r['what']}: A {r['fmt'](r['a_med'])}, "
              f"ratio {r['ratio']:.3f}, target {verdict(r)[1]}: {verdict(r)[0]}")


def xen_boot(c, n, binaries):
    """Rows a, b and e in the Xen dom0: (rows, series, rounds, what the
    dom0 says of its hypervisor, audit records, seconds). Rows are empty
    when the boot failed (which is a failed check)."""
    who = "xen: "
    empty = ([], {}, [], "Xen: the boot failed", "?", 0)
    try:
        g, secs = boot_guest(c, n, "xen", xen_steps(n), binaries)
    except RuntimeError as e:
        c.check(False, f"{who}boot", str(e))
        return empty
    check_steps(c, g, ("hypervisor", "insmod", "quiet", "cmd", "locality", "clients"), who)
    hyp = g.out("hypervisor").split()
    c.check(len(hyp) == 3 and hyp[0] == "xen" and hyp[1].startswith("4.17") and
            hyp[2] == "control_d", f"{who}the guest is Xen 4.17's dom0 "
            "(/sys/hypervisor/type, version; /proc/xen/capabilities)", repr(hyp))
    try:
        with open(os.path.join(os.path.dirname(g.results), "console.log"), errors="replace") as f:
            console = f.read()
    except FileNotFoundError:
        console = ""
    xen_cmdline = re.findall(r"^\(XEN\) Command line: (.*)$", console, re.M)
    c.check(xen_cmdline and XEN_APPEND in xen_cmdline[0].split() and
            "Scrubbing Free RAM in background" not in console,
            f"{who}Xen booted with {XEN_APPEND} and scrubbed no RAM in the background",
            repr(xen_cmdline))
    series = {}
    for step in ("cmd", "locality"):
        series.update(series_of(g.out(step))[0])
    rounds = series_of(g.out("clients"))[1]
    problems = harness.kernel_problems(g.out("kernel"))
    c.check(not problems, f"{who}no oops, WARN or BUG in the dom0", "\n    ".join(problems[:5]))
    check_series(c, series, {
        "getrandom.xenmb": n["cmd"], "getrandom.tpm0": n["cmd"],
        "pcrread.xenmb": n["cmd"], "pcrread.tpm0": n["cmd"],
        "getrandom.xenmb.driver": n["cmd"], "pcrread.xenmb.driver": n["cmd"],
        "pcrread.locality2": n["loc"], "pcrread.locality0": n["loc"]}, who)
    check_rounds(c, rounds, n, who)
    rows = figures(series, rounds, n["clients"])
    check_rows(c, rows, XEN_ROWS, who)
    version = hyp[1] if len(hyp) > 1 else "?"
    return (rows, series, rounds, f"Xen {version}", g.out("audited").strip() or "?", secs)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--note", default="", help="a line on the conditions, for RESULTS.md")
    a = ap.parse_args(argv[1:])
    n = SMOKE if a.smoke else FULL
    c = harness.Checker("bench")
    work = os.path.join(harness.BUILD, "bench")
    os.makedirs(work, exist_ok=True)
    load_before = load_now()
    nonce = os.urandom(32)

    binaries = guest_binaries()
    try:
        g, _ = boot_guest(c, n, "linux", guest_steps(n, nonce), binaries)
    except RuntimeError as e:
        c.check(False, "boot", str(e))
        return c.finish()
    check_steps(c, g, ("insmod", "quiet", "ak", "cmd", "locality", "locality_alt", "quote",
                       "startup", "quote_files", "clients"))
    series = {}
    for step in ("cmd", "locality", "quote"):
        series.update(series_of(g.out(step))[0])
    alt = series_of(g.out("locality_alt"))[0]
    series["alt.locality2"] = alt.get("pcrread.locality2", [])
    series["alt.locality0"] = alt.get("pcrread.locality0", [])
    startup = series_of(g.out("startup"))[0]
    series["startup.xenmb"] = startup.get("exec.a", [])
    series["startup.tpm2"] = startup.get("exec.b", [])
    rounds = series_of(g.out("clients"))[1]
    check_quotes(c, g, nonce)
    check_steps(c, g, [f"count_{who}_{how}" for who, how in COUNTS])
    codes, names = command_counts(c, g)
    problems = harness.kernel_problems(g.out("kernel"))
    c.check(not problems, "no oops, WARN or BUG in the guest", "\n    ".join(problems[:5]))

    xen_rows, xen_series, xen_rounds, hypervisor, xen_audited, _ = xen_boot(c, n, binaries)

    harness.run(["make", "-s", "-C", harness.REPO, "helper", "bench-tool"])
    host, log_info = host_replay(c, n, work)
    series.update(host)
    series.update(host_quote(c, n, work))
    load_after = load_now()

    want = {"getrandom.xenmb": n["cmd"], "getrandom.tpm0": n["cmd"],
            "pcrread.xenmb": n["cmd"], "pcrread.tpm0": n["cmd"],
            "pcrread.locality2": n["loc"], "pcrread.locality0": n["loc"],
            "exec.a": n["quote"], "exec.b": n["quote"], "replay": n["replay"],
            "getrandom.xenmb.driver": n["cmd"], "pcrread.xenmb.driver": n["cmd"],
            "startup.xenmb": n["quote"], "startup.tpm2": n["quote"],
            "alt.locality2": max(10, n["loc"] // 4), "alt.locality0": max(10, n["loc"] // 4),
            "hostquote.xenmb": n["quote"], "hostquote.tpm2": n["quote"],
            "sha256": n["replay"], "replay.floor": n["replay"],
            "eventlog.xenmb": n["eventlog"],
            "eventlog.tpm2": n["eventlog"]}
    check_series(c, series, want)
    check_rounds(c, rounds, n)
    rows = figures(series, rounds, n["clients"])
    check_rows(c, rows, TARGETS)

    path = os.path.join(work if a.smoke else HERE, "RESULTS.md")
    audited = g.out("audited").strip() or "?"
    xen = dict(rows=xen_rows, series=xen_series, hypervisor=hypervisor, audited=xen_audited)
    write_results(path, rows, series, machine(), n, load_before, load_after, a.smoke, log_info,
                  audited, a.note, xen, count_lines(codes, names))
    with open(os.path.join(work, "raw.json"), "w") as f:
        json.dump(dict(series=series, rounds=rounds,
                       xen=dict(series=xen_series, rounds=xen_rounds)), f)
    check_table(c, path, len(TARGETS))
    print(f"# results: {os.path.relpath(path, harness.REPO)}")
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
