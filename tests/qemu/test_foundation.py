#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The foundation scenarios: /dev/xenmb on TPM 2.0 (TIS), TPM 1.2 (TIS) and
TPM 2.0 (CRB), each in a fresh swtpm, asserted on the host.

  test_foundation.py [tpm2|tpm12|crb]...      (default: all three)
"""
import errno
import os
import struct
import sys

import harness

# Per mode: TPM family, interface, the localities INFO must list, and how
# the TPM answers a PCR 22 extend from the wrong locality.
MODES = {
    "tpm2": dict(family="2.0", iface="tis", locs=[0, 1, 2, 3],
                 loc_rc=0x907, loc_rc_name="TPM_RC_LOCALITY"),
    # libtpms (TPM 1.2) gives TPM_BAD_LOCALITY for PCR 17-22 from a locality
    # the PC Client attributes do not allow.
    "tpm12": dict(family="1.2", iface="tis", locs=[0, 1, 2, 3],
                  loc_rc=0x3D, loc_rc_name="TPM_BAD_LOCALITY"),
    "crb": dict(family="2.0", iface="crb", locs=[0],
                loc_rc=0x907, loc_rc_name="TPM_RC_LOCALITY"),
}

EXIT_TPM_ERROR, EXIT_NO_DEVICE, EXIT_KERNEL = 1, 3, 4


# --- TPM commands, built here from the specs so the test owes nothing to
# --- the code under test.

def tpm2_pcr_read(pcr):
    select = bytearray(3)
    select[pcr // 8] |= 1 << (pcr % 8)
    body = struct.pack(">IHB", 1, 0x000B, 3) + bytes(select)
    return struct.pack(">HII", 0x8001, 10 + len(body), 0x17E) + body


def tpm2_extend(pcr, digest):
    auth = struct.pack(">IHBH", 0x40000009, 0, 0, 0)      # TPM_RS_PW, empty
    body = (struct.pack(">I", pcr) + struct.pack(">I", len(auth)) + auth +
            struct.pack(">IH", 1, 0x000B) + digest)
    return struct.pack(">HII", 0x8002, 10 + len(body), 0x182) + body


def tpm2_get_random(n):
    return struct.pack(">HIIH", 0x8001, 12, 0x17B, n)


def tpm2_nv_read(index, size):
    auth = struct.pack(">IHBH", 0x40000009, 0, 0, 0)      # TPM_RS_PW, empty
    body = (struct.pack(">II", index, index) + struct.pack(">I", len(auth)) +
            auth + struct.pack(">HH", size, 0))
    return struct.pack(">HII", 0x8002, 10 + len(body), 0x14E) + body


def tpm12_nv_read(index, size):
    return struct.pack(">HIIIII", 0x00C1, 22, 0xCF, index, 0, size)


def tpm12_pcr_read(pcr):
    return struct.pack(">HIII", 0x00C1, 14, 0x15, pcr)


def tpm12_extend(pcr, digest):
    return struct.pack(">HIII", 0x00C1, 34, 0x14, pcr) + digest


def tpm12_get_random(n):
    return struct.pack(">HIII", 0x00C1, 14, 0x46, n)


class Family:
    def __init__(self, name):
        self.name = name
        self.tpm2 = name == "2.0"
        self.digest_len = 32 if self.tpm2 else 20

    def pcr_read(self, pcr):
        return tpm2_pcr_read(pcr) if self.tpm2 else tpm12_pcr_read(pcr)

    def extend(self, pcr, digest):
        return tpm2_extend(pcr, digest) if self.tpm2 else tpm12_extend(pcr, digest)

    def get_random(self, n):
        return tpm2_get_random(n) if self.tpm2 else tpm12_get_random(n)

    def nv_read_ek_cert(self):
        """An NV read of the EK certificate index: not in nv_allow."""
        return tpm2_nv_read(0x01C00002, 32) if self.tpm2 else tpm12_nv_read(0x1000F000, 20)

    def pcr_value(self, response):
        """The PCR value in a PCR read response."""
        if self.tpm2:
            count, size = struct.unpack(">IH", response[24:30])
            assert count == 1 and size == 32, "one SHA-256 digest"
            return response[30:62]
        return response[10:30]

    def code(self, cmd):
        return struct.unpack(">I", cmd[6:10])[0]


def digest_of(family, seed):
    return bytes([seed]) * family.digest_len


class Send:
    """One 'xenmb tpm send' step with what it must do."""

    def __init__(self, name, locality, cmd, exit_code=0, tpm_rc=0,
                 err=0, stdin=False):
        self.name, self.locality, self.cmd = name, locality, cmd
        self.exit_code, self.tpm_rc, self.err = exit_code, tpm_rc, err
        self.stdin = stdin

    def step(self):
        if self.stdin:
            return harness.Step(self.name, f"xenmb tpm send --locality {self.locality} -",
                                stdin=self.cmd.hex())
        return harness.Step(self.name, f"xenmb tpm send --locality {self.locality} {self.cmd.hex()}")


def response_of(guest, name):
    for line in guest.out(name).splitlines():
        if line.startswith("response: "):
            return bytes.fromhex(line.split(": ", 1)[1])
    return None


def plan(mode):
    """The steps of one boot, in order, and the 'tpm send' expectations."""
    m = MODES[mode]
    fam = Family(m["family"])
    tis = m["iface"] == "tis"
    d1, d2, d3 = (digest_of(fam, s) for s in (0x11, 0x22, 0x33))

    sends = [
        Send("read22_a", 0, fam.pcr_read(22)),
        # The allowed locality for PCR 22 on TIS; CRB cannot switch.
        Send("ext22_l2", 2, fam.extend(22, d1),
             **({} if tis else dict(exit_code=EXIT_KERNEL, tpm_rc=None, err=errno.EOPNOTSUPP))),
        Send("read22_b", 0, fam.pcr_read(22)),
        Send("ext22_l0", 0, fam.extend(22, d2), exit_code=EXIT_TPM_ERROR, tpm_rc=m["loc_rc"]),
        Send("read22_c", 0, fam.pcr_read(22)),
        Send("read23_a", 0, fam.pcr_read(23)),
        Send("ext23_l0", 0, fam.extend(23, d3)),
        Send("read23_b", 0, fam.pcr_read(23)),
        Send("ext23_l4", 4, fam.extend(23, d3), exit_code=EXIT_KERNEL, tpm_rc=None, err=errno.EPERM),
        Send("random_stdin", 0, fam.get_random(8), stdin=True),
    ]
    if tis:
        # The TPM, not xenmb, refuses PCR 22 at locality 1 and 3.
        sends += [
            Send("ext22_l1", 1, fam.extend(22, d2), exit_code=EXIT_TPM_ERROR, tpm_rc=m["loc_rc"]),
            Send("ext22_l3", 3, fam.extend(22, d2), exit_code=EXIT_TPM_ERROR, tpm_rc=m["loc_rc"]),
            Send("random_l3", 3, fam.get_random(8)),
            Send("read22_d", 0, fam.pcr_read(22)),
        ]
        # NV above locality 0: only the nv_allow indices (none here).
        sends += [Send(f"nv_read_l{loc}", loc, fam.nv_read_ek_cert(), exit_code=EXIT_KERNEL,
                       tpm_rc=None, err=errno.EACCES) for loc in (1, 2, 3)]
    policy_sends = [
        Send("ext23_ro", 0, fam.extend(23, d3), exit_code=EXIT_KERNEL, tpm_rc=None, err=errno.EACCES),
        Send("read23_ro", 0, fam.pcr_read(23)),
    ]
    if tis:
        policy_sends.append(Send("read22_ro_l2", 2, fam.pcr_read(22), exit_code=EXIT_KERNEL,
                                 tpm_rc=None, err=errno.EACCES))

    # After clients were killed mid-command, both localities still work.
    after_signals = [Send("after_kill_l2", 2 if tis else 0, fam.get_random(8)),
                     Send("after_kill_l0", 0, fam.pcr_read(23))]

    steps = [harness.Step("insmod", harness.INSMOD),
             harness.Step("devnode", "stat -c '%a %U %F' /dev/xenmb"),
             harness.Step("info", "xenmb info --json")]
    steps += [s.step() for s in sends]
    steps += [
        harness.Step("nonroot_info", "as-nobody xenmb info"),
        harness.Step("nonroot_open", "as-nobody xenmb-probe open"),
        harness.Step("malformed", "xenmb-probe malformed"),
        harness.Step("nocap", "xenmb-probe nocap"),
        harness.Step("info_counters", "xenmb info --json"),
        harness.Step("policy_ro", "echo read-only > /sys/module/xenmb/parameters/policy"),
        harness.Step("policy_loosen", "echo default > /sys/module/xenmb/parameters/policy"),
        harness.Step("policy_param", "cat /sys/module/xenmb/parameters/policy"),
        harness.Step("info_ro", "xenmb info --json"),
    ]
    steps += [s.step() for s in policy_sends]
    steps += [
        # After the audited sequence above: these read PCRs too.
        # An ordinary QEMU machine has no TXT.
        harness.Step("txt_none", "xenmb txt"),
        harness.Step("txt_none_json", "xenmb txt --json"),
        harness.Step("txt_probe", "xenmb-probe txt"),
        harness.Step("drtm_none", "xenmb eventlog --drtm --replay"),
        # SeaBIOS's log, replayed and compared with the TPM's PCRs.
        harness.Step("srtm_check", "xenmb eventlog --srtm --check --json"),
        harness.Step("srtm_list", "xenmb eventlog --srtm"),
    ]
    steps += [
        # Unload and load while a client keeps using the device.
        harness.Step("reload", f"rmmod xenmb && {harness.INSMOD}"),
        # Clients killed at random points, mid-command and mid-locality.
        harness.Step("signals", """
            i=0
            while [ $i -lt 8 ]; do
                i=$((i + 1))
                xenmb-probe loop 5 mix >/dev/null &
                P=$!
                usleep $((150000 + i * 37000))
                kill -9 $P
                wait $P
                echo "killed $?"
            done"""),
        after_signals[0].step(),
        after_signals[1].step(),
        harness.Step("cycles", f"""
            xenmb-probe loop 12 > "$R/loop.out" &
            P=$!
            n=0; i=0
            while [ $i -lt 100 ]; do
                i=$((i + 1))
                if rmmod xenmb 2>/dev/null; then
                    n=$((n + 1))
                    {harness.INSMOD} || echo insmod-failed
                fi
                sleep 0.05
            done
            wait $P
            echo $n"""),
    ]
    steps += burst_steps(fam)
    steps += [
        harness.Step("final_rmmod", "rmmod xenmb && ! grep -q '^xenmb ' /proc/modules"),
    ]
    return fam, sends + policy_sends, after_signals, steps


# The per-command record's other ways (driver/audit.c): BURST commands in
# well under the rate limit's 5 s, a pause, one more. With audit, all go to
# audit; without, record_log_burst=5 lets 5 through to the kernel log, holds
# the rest back and says how many with the next record that passes. The
# tracepoint has every one either way, where the guest has tracefs.
BURST = 12
BURST_MARK = "xenmb-test: burst"
TRACEFS = "/sys/kernel/tracing"


def burst_steps(fam):
    send = f"xenmb tpm send --locality 0 {fam.get_random(16).hex()} > /dev/null || exit 1"
    trace_on = trace_off = ""
    if harness.GUEST_TRACES:
        trace_on = f"""
            mount -t tracefs nodev {TRACEFS} 2> /dev/null
            echo > {TRACEFS}/trace || exit 1
            echo 1 > {TRACEFS}/events/xenmb/xenmb_tpm_cmd/enable || exit 1"""
        trace_off = f"echo 0 > {TRACEFS}/events/xenmb/xenmb_tpm_cmd/enable"
    steps = [harness.Step("burst", f"""
            rmmod xenmb && {harness.insmod("record_log_burst=5")} || exit 1
            {trace_on}
            echo "{BURST_MARK}" > /dev/kmsg
            i=0
            while [ $i -lt {BURST} ]; do
                {send}
                i=$((i + 1))
            done
            sleep 6
            {send}
            {trace_off}""")]
    if harness.GUEST_TRACES:
        # Before the unload: a removed module's events no longer print.
        steps.append(harness.Step("burst_trace", f"cat {TRACEFS}/trace"))
    return steps


def check_burst(c, fam, g, audit_on=not harness.NOAUDIT_GUEST):
    n = BURST + 1
    c.equal(g.rc("burst"), 0, f"{n} GetRandom commands with record_log_burst=5")
    dmesg = g.dmesg()
    after = dmesg[dmesg.find(BURST_MARK):] if BURST_MARK in dmesg else ""
    records = [r for r in harness.audit_records(after) if r.get("op") == "xenmb_tpm_cmd"]
    held = harness.records_held_back(after)
    ours = all(r.get("comm") == "xenmb" and r.get("code") == f"0x{fam.code(fam.get_random(16)):x}"
               for r in records)
    if not audit_on:
        c.check(len(records) + held == n and held >= 1 and len(records) >= 5 and ours and
                all(r["_via"] == "log" for r in records),
                f"without audit: {len(records)} records in the kernel log and {held} counted as held "
                f"back by the rate limit, {n} in all",
                f"records {len(records)}, held back {held}")
    else:
        c.check(len(records) == n and not held and ours and
                all(r["_via"] == "audit" for r in records),
                f"with audit: all {n} records in audit, none held back by the log's rate limit",
                f"records {len(records)}, held back {held}")
    if not harness.GUEST_TRACES:
        return
    traced = harness.trace_records(g.out("burst_trace"))
    c.check(len(traced) == n and all(t.get("comm") == "xenmb" and t.get("pid") for t in traced),
            f"the tracepoint xenmb:xenmb_tpm_cmd has all {n} records, with the caller",
            f"traced {len(traced)}: {g.out('burst_trace')[-400:]}")
    raws = {t["_raw"] for t in traced}
    logged = [r for r in records if r["_via"] == "log"]
    if not audit_on:
        c.check(logged and all(r["_raw"] in raws for r in logged),
                "each record in the kernel log is the tracepoint's text, byte for byte")
    cmd_part = {t["_raw"].split(" pid=")[0] for t in traced}
    c.check(all(r["_raw"].split(" pid=")[0].split(" ppid=")[0] in cmd_part for r in records),
            "each record's command part (op= to res=) is the tracepoint's")


def check_clean_end(c, g):
    """Both boots end with final_rmmod: the module unloads, the log is clean."""
    c.equal(g.rc("final_rmmod"), 0, "the module unloads cleanly at the end")
    problems = harness.kernel_problems(g.dmesg())
    c.check(not problems, "no oops, WARN, BUG or leak report in the kernel log", "\n    ".join(problems[:5]))


# errnos by which the kernel refuses a call before the TPM sees it; EFAULT
# too, unless the command was read (then only the response copy failed).
REFUSALS = {errno.EINVAL, errno.E2BIG, errno.EPERM, errno.EACCES, errno.EOPNOTSUPP,
            errno.ENOSPC, errno.ENODEV}


def refused_before_tpm(want):
    err = -int(want["errno"])
    return err in REFUSALS or (err == errno.EFAULT and want["code"] == "?")


def check_boot(c, mode, fam, sends, after_signals, g):
    m = MODES[mode]
    tis = m["iface"] == "tis"

    c.equal(g.rc("insmod"), 0, "the module loads")
    c.equal(g.out("devnode").strip(), "600 root character special file",
            "/dev/xenmb is a root-only character device")
    info = g.json("info") or {}
    c.equal(info.get("tpm_family"), m["family"], "INFO reports the TPM family")
    c.equal(info.get("interface"), m["iface"], "INFO reports the interface")
    c.equal(info.get("localities"), m["locs"], "INFO lists the usable localities")
    c.equal(info.get("abi_version"), 1, "INFO reports ABI version 1")
    c.equal(info.get("chip"), "tpm0", "INFO names the chip")
    c.equal(info.get("policy"), "default", "the default policy is in force")

    # Every 'tpm send': exit code, TPM return code by name, errno message.
    for s in sends:
        c.equal(g.rc(s.name), s.exit_code, f"{s.name}: exit code")
        if s.tpm_rc is not None:
            rsp = response_of(g, s.name)
            c.check(rsp is not None and struct.unpack(">I", rsp[6:10])[0] == s.tpm_rc,
                    f"{s.name}: TPM return code 0x{s.tpm_rc:x}", g.out(s.name) + g.err(s.name))
            if s.tpm_rc:
                c.check(m["loc_rc_name"] in g.out(s.name),
                        f"{s.name}: return code printed by name", g.out(s.name))
        else:
            c.check(os.strerror(s.err) in g.err(s.name),
                    f"{s.name}: refused with {errno.errorcode[s.err]}", g.err(s.name))

    # PCR 22 moves only for the allowed locality; PCR 23 at locality 0.
    p22 = [fam.pcr_value(response_of(g, n) or b"\0" * 64) for n in ("read22_a", "read22_b", "read22_c")]
    d1, d3 = digest_of(fam, 0x11), digest_of(fam, 0x33)
    if tis:
        c.equal(p22[1], harness.pcr_extend(fam.name, p22[0], d1),
                "PCR 22 = H(old || digest) after the locality-2 extend")
    else:
        c.equal(p22[1], p22[0], "PCR 22 unchanged: CRB refused locality 2")
    c.equal(p22[2], p22[1], "PCR 22 unchanged after the locality-0 extend")
    if tis:
        c.equal(fam.pcr_value(response_of(g, "read22_d") or b"\0" * 64), p22[2],
                "PCR 22 unchanged after the locality-1 and -3 extends")
    p23 = [fam.pcr_value(response_of(g, n) or b"\0" * 64) for n in ("read23_a", "read23_b")]
    c.equal(p23[1], harness.pcr_extend(fam.name, p23[0], d3), "PCR 23 extends at locality 0")
    c.equal(fam.pcr_value(response_of(g, "read23_ro") or b"\0" * 64), p23[1],
            "PCR 23 unchanged by the extend the read-only policy refused")

    # What swtpm itself saw: each extend arrived at the locality asked for.
    with open(os.path.join(os.path.dirname(g.results), "swtpm.log"), errors="replace") as f:
        seen = harness.swtpm_commands(f.read())
    at = {}
    for loc, cmd in seen:
        if len(cmd) >= 14 and fam.code(cmd) in (0x182, 0x14):
            pcr = struct.unpack(">I", cmd[10:14])[0]
            at.setdefault((pcr, cmd[-1]), set()).add(loc)
    if tis:
        c.equal(at.get((22, 0x11)), {2}, "swtpm ran the PCR 22 extend at locality 2")
        c.equal(at.get((22, 0x22)), {0, 1, 3}, "swtpm ran the refused PCR 22 extends at 0, 1 and 3")
    else:
        c.equal(at.get((22, 0x11)), None, "swtpm never saw the locality-2 extend on CRB")
        c.check(all(loc == 0 for loc, _ in seen), "swtpm saw locality 0 only on CRB")
    c.equal(at.get((23, 0x33)), {0}, "swtpm ran the PCR 23 extend at locality 0")

    # Non-root: the device node itself refuses.
    c.equal(g.rc("nonroot_info"), EXIT_NO_DEVICE, "non-root 'xenmb info' exits 3")
    c.check("run as root" in g.err("nonroot_info"), "non-root is told to run as root",
            g.err("nonroot_info"))
    opened = g.json_lines("nonroot_open")
    c.equal(opened[0]["errno"] if opened else None, errno.EACCES, "non-root open gets EACCES")

    # Malformed arguments: each with the errno the uapi header promises.
    ledger = g.json_lines("malformed")
    c.equal(g.rc("malformed"), 0, "xenmb-probe malformed ran every case")
    c.check(len(ledger) >= 28, f"{len(ledger)} malformed-argument cases ran")
    for e in ledger:
        c.equal(e["errno"], e["expected"], f"malformed {e['case']}: errno {errno.errorcode.get(e['expected'])}")
    nocap = g.json_lines("nocap")
    c.check(nocap and nocap[0]["errno"] == errno.EPERM, "without CAP_SYS_ADMIN: EPERM", g.out("nocap"))
    info_nocap = [e for e in nocap if e["case"] == "info_no_cap"]
    c.check(info_nocap and info_nocap[0]["errno"] == errno.EPERM,
            "INFO without CAP_SYS_ADMIN: EPERM (it touches the chip)", g.out("nocap"))

    # No TXT here: said clearly, with its own exit code; reads give ENODEV.
    c.equal(g.rc("txt_none"), 5, "'xenmb txt' without TXT exits 5")
    c.check("no TXT on this host" in g.err("txt_none"), "'xenmb txt' says there is no TXT",
            g.err("txt_none"))
    c.equal((g.json("txt_none_json") or {}).get("present"), False, "'xenmb txt --json': present false")
    txt = {e["case"]: e for e in g.json_lines("txt_probe")}
    c.check(txt.get("info", {}).get("errno") == 0 and txt["info"]["present"] == 0,
            "TXT_INFO succeeds and says not present", repr(txt.get("info")))
    want = dict(heap_first_page=errno.ENODEV, log0_first_page=errno.ENODEV,
                heap_past_end=errno.ENODEV, heap_offset_wraps=errno.ENODEV,
                log_index_5=errno.ENODEV, heap_index_1=errno.EINVAL, region_0=errno.EINVAL,
                region_9=errno.EINVAL, unknown_flag=errno.EINVAL, reserved_set=errno.EINVAL,
                buf_len_too_big=errno.EINVAL)
    for name, err in want.items():
        c.equal(txt.get(name, {}).get("errno"), err,
                f"TXT_READ {name} without TXT: {errno.errorcode[err]}")

    c.equal(g.rc("drtm_none"), 5, "'xenmb eventlog --drtm' without TXT exits 5")
    c.check("no TXT on this host" in g.err("drtm_none"), "... and says there is no TXT",
            g.err("drtm_none"))

    # The SRTM log (SeaBIOS) replays to the TPM's PCR 0-7.
    srtm = g.json("srtm_check") or {}
    checks = srtm.get("check", [])
    c.equal(g.rc("srtm_check"), 0, "'xenmb eventlog --srtm --check' exits 0", )
    c.check(checks and all(x["match"] for x in checks),
            f"every SRTM PCR matches the replayed log ({len(checks)} compared)", g.out("srtm_check")[:400])
    c.check({x["pcr"] for x in checks} >= set(range(8)), "PCRs 0-7 were compared")
    bank = "sha1" if m["family"] == "1.2" else "sha256"
    c.check(any(x["bank"] == bank for x in checks), f"the {bank} bank was compared")
    c.check("EV_SEPARATOR" in g.out("srtm_list"), "the SRTM listing names event types")

    # The audit trail: exactly one record per TPM_CMD ioctl, in order.
    records = [r for r in harness.audit_records(g.dmesg()) if r.get("op") == "xenmb_tpm_cmd"]
    expected = []
    # Order of the boot: the sends before the probes, the probes, then the
    # sends under the read-only policy, then the unload loop.
    first = [s for s in sends if s.name not in ("ext23_ro", "read23_ro", "read22_ro_l2")]
    last = [s for s in sends if s.name in ("ext23_ro", "read23_ro", "read22_ro_l2")]
    def send_record(s):
        return dict(comm="xenmb", locality=str(s.locality), code=f"0x{fam.code(s.cmd):x}",
                    len=str(len(s.cmd)), errno=str(-s.err),
                    tpm_rc=None if s.tpm_rc is None else f"0x{s.tpm_rc:x}")

    expected += [send_record(s) for s in first]
    for e in ledger + nocap:
        if not e["audited"]:
            continue
        expected.append(dict(comm="xenmb-probe", pid=str(e["pid"]),
                             locality="?" if e["locality"] is None else str(e["locality"]),
                             code="?" if e["code"] is None else f"0x{e['code']:x}",
                             errno=str(-e["errno"]),
                             tpm_rc=None if e["tpm_rc"] is None else f"0x{e['tpm_rc']:x}"))
    expected += [send_record(s) for s in last]

    head = records[:len(expected)]
    c.check(len(records) >= len(expected), f"at least {len(expected)} audit records before the unload loop",
            f"got {len(records)}")
    mismatches = []
    for i, (want, got) in enumerate(zip(expected, head)):
        for k, v in want.items():
            if v is None:
                continue
            if got.get(k) != v:
                mismatches.append(f"record {i}: {k}={got.get(k)!r}, want {v!r} ({got['_raw'][:160]})")
        if refused_before_tpm(want) and got.get("tpm_rc") != "?":
            mismatches.append(f"record {i}: refused command shows tpm_rc={got.get('tpm_rc')}")
        # No exe= where the module logs the record itself (driver/audit.c).
        for field in ("pid", "uid", "auid", "comm", "exe", "duration_ns", "len", "res", "tpm"):
            if field not in got and not (field == "exe" and got["_via"] == "log"):
                mismatches.append(f"record {i}: no {field}=")
    c.check(not mismatches, "each audit record matches its command (who, locality, command, "
            "length, errno, TPM rc)", "\n    ".join(mismatches[:10]))
    c.check(all(r.get("tpm") == m["family"] for r in head if r.get("code") != "?"),
            "audit records of parsed commands name the TPM family")
    via = "log" if harness.NOAUDIT_GUEST else "audit"
    c.check(head and all(r["_via"] == via for r in head),
            "the records are in audit" if via == "audit" else
            "without CONFIG_AUDIT the records are in the kernel log (\"xenmb: record: ...\")",
            repr(sorted({r["_via"] for r in head})))
    if via == "audit":
        c.check(all(r.get("exe") == "/usr/bin/" + r.get("comm") for r in head),
                "audit records carry the executable")
    named = [r for r in head if r.get("code") == "0x182" or r.get("code") == "0x14"]
    c.check(named and all(r.get("cmd") in ("TPM2_PCR_Extend", "TPM_ORD_Extend") for r in named),
            "audit records name the command")

    # Counters in INFO add up with the audit records before it.
    counters = (g.json("info_counters") or {}).get("counters", {})
    before = records[:len(expected) - len(last)]
    sent = [r for r in before if r.get("tpm_rc") != "?"]
    c.equal(counters.get("commands"), len(sent), "INFO counts the commands handed to the TPM")
    c.equal(counters.get("denials"), len(before) - len(sent), "INFO counts the refused commands")
    c.equal(counters.get("tpm_errors"), len([r for r in sent if r.get("tpm_rc") != "0x0"]),
            "INFO counts the TPM error answers")
    c.equal(counters.get("timeouts"), 0, "no timeouts")

    # The policy only gets stricter at run time.
    c.equal(g.rc("policy_ro"), 0, "policy can be made read-only at run time")
    c.check(g.rc("policy_loosen") != 0, "policy cannot be loosened at run time")
    c.equal(g.out("policy_param").strip(), "read-only", "the policy parameter reads back")
    info_ro = g.json("info_ro") or {}
    c.equal(info_ro.get("policy"), "read-only", "INFO reports the read-only policy")
    c.equal(info_ro.get("localities"), [0], "read-only policy leaves locality 0 only")

    # SIGKILL mid-command leaves no broken state behind.
    killed = g.out("signals").split("\n")
    c.equal(killed.count("killed 137"), 8, "8 clients killed by SIGKILL while submitting")
    for s in after_signals:
        c.equal(g.rc(s.name), 0, f"{s.name}: the TPM works at locality {s.locality} afterwards")

    # Unload / load while a client loops; no kernel complaint anywhere.
    c.equal(g.rc("reload"), 0, "rmmod + insmod")
    cycles = g.out("cycles").split()
    n = int(cycles[-1]) if cycles and cycles[-1].isdigit() else 0
    c.check(n >= 5 and "insmod-failed" not in g.out("cycles"),
            f"{n} unload/load cycles while a client looped", g.out("cycles"))
    loop = (g.json_lines("loop") or [{}])[-1]
    c.check(loop.get("ok", 0) > 0 and loop.get("absent", 0) > 0 and loop.get("other", 1) == 0,
            "the looping client only saw successes or an absent device", repr(loop))
    check_burst(c, fam, g)
    check_clean_end(c, g)
    c.check("audit: backlog limit exceeded" not in g.dmesg() and "audit_lost" not in g.dmesg(),
            "no audit record was lost")


# audit=0 on a kernel with audit: the module's records take the kernel log
# as they do without CONFIG_AUDIT (driver/audit.c), and audit has none.
AUDIT_OFF = "audit0"


def plan_audit_off():
    fam = Family("2.0")
    steps = [harness.Step("insmod", harness.INSMOD),
             harness.Step("cmdline", "cat /proc/cmdline")]
    steps += burst_steps(fam)
    steps.append(harness.Step("final_rmmod", "rmmod xenmb"))
    return fam, steps


def check_audit_off(c, fam, g):
    c.check(" audit=0" in " " + g.out("cmdline"), "the kernel booted with audit=0", g.out("cmdline"))
    check_burst(c, fam, g, audit_on=False)
    c.check(not any(r["_via"] == "audit" for r in harness.audit_records(g.dmesg())),
            "audit=0: no xenmb record went to audit")
    check_clean_end(c, g)


def main(argv):
    # audit0 needs a kernel with audit to turn off: not on the noaudit one.
    modes = argv[1:] or list(MODES) + ([] if harness.NOAUDIT_GUEST else [AUDIT_OFF])
    c = harness.Checker("foundation")
    binaries = harness.guest_binaries()
    for mode in modes:
        if mode == AUDIT_OFF:
            fam, steps = plan_audit_off()
            tpm, append = "tpm2", "audit=0"
        else:
            fam, sends, after_signals, steps = plan(mode)
            tpm, append = mode, ""
        state = harness.fresh_state(tpm)
        try:
            g = harness.boot(f"foundation-{mode}", tpm, state, steps, binaries, append=append)
        except RuntimeError as e:
            c.check(False, f"{mode}: boot", str(e))
            continue
        c.name = f"foundation/{mode}"
        if mode == AUDIT_OFF:
            check_audit_off(c, fam, g)
        else:
            check_boot(c, mode, fam, sends, after_signals, g)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
