#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""xenmb on a host after an (emulated) Intel TXT measured launch: the TXT
registers, the heap walk, the DRTM log read through /dev/xenmb, its replay
against PCR 17-22, and a heap corrupted at run time. Judged on the host
against the launch generator's own record of what it wrote.

  test_txt.py [tpm2-agile|tpm2-banks|tpm12|xen-unusable]...
                                        (default: tpm2-agile, tpm2-banks, tpm12)

Under XENMB_HOST=xen the three modes run in Xen's PV dom0 with the blob at
a non-RAM machine address (boot.sh's --launch case (a)): everything as on
bare metal. xen-unusable (Xen only) is case (b): TXT launched, the heap in
memory Xen marks E820_UNUSABLE, as tboot's is: a clear report, no oops, no
hang, a second call answers the same, the module unloads.
"""
import errno
import os
import re
import struct
import sys

import harness
import txtlaunch

TPM_OF = {"tpm2-agile": "tpm2", "tpm2-banks": "tpm2", "tpm12": "tpm12"}
FORMAT_NAME = {"agile": "tpm20-crypto-agile", "banks": "tpm20-per-bank",
               "container": "tpm12-container"}
ALG_ID = {"sha1": 0x0004, "sha256": 0x000B, "sha384": 0x000C, "sha512": 0x000D}
REG_STS = txtlaunch.REG["STS"]
STS_LOCALITY1_OPEN = txtlaunch.STS_LOCALITY1_OPEN
STS_LOCALITY2_OPEN = txtlaunch.STS_LOCALITY2_OPEN
GET_RANDOM = {"1.2": "00c10000000e0000004600000008",     # TPM_ORD_GetRandom, 8
              "2.0": "80010000000c0000017b0008"}          # TPM2_GetRandom, 8
RAM_ADDR = 0x01000000           # ordinary guest RAM: never a log's home
# Q35's PCIe ECAM window (QEMU's MCH), which E820 lists reserved and the
# PCI code claims busy: reserved, but a driver's range.
ECAM_ADDR = 0xB0000000
# Between the top of guest RAM below 4 GiB (all of it, for the 512 MiB to
# 2 GiB guests here) and the ECAM window: in no E820 entry, where only MMIO
# would live.
HOLE_ADDR = 0x90000000
NOT_RESERVED = "is not reserved memory, or a driver claims it"

# Debian's txt-stat (package tboot, tests/deps.sh), and the LD_PRELOAD shim
# that sends its one lseek() to 0xFED30000 to txt_base instead
# (tests/qemu/txtstat-shim.c): everything else it reads, it reads itself
# from /dev/mem. Bare Linux only: under Xen the blob lies past dom0's
# high_memory, where read() of /dev/mem stops (README, "In Xen's PV dom0").
# Unpacked from Debian's tboot package by tests/qemu/setup.sh.
TXT_STAT = os.path.join(os.environ.get("XENMB_CACHE") or os.path.join(harness.BUILD, "cache"),
                        "tboot", "txt-stat")
SHIM_IN_GUEST = "/usr/lib/txtstat-shim.so"
# What txt-stat prints that 'xenmb txt --format txt-stat' leaves out: the
# registers xenmb.ko does not read, each with its indented lines.
TXT_STAT_UNREAD = ("E2STS", "QPIIF", "SINIT.BASE", "SINIT.SIZE", "DPR", "PUBLIC.KEY")
BANNER = "*" * 59


def build_shim():
    """build/test/txtstat-shim.so from tests/qemu/txtstat-shim.c."""
    out = os.path.join(harness.BUILD, "test", "txtstat-shim.so")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    harness.run(["cc", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC",
                 "-o", out + ".new", os.path.join(harness.HERE, "txtstat-shim.c"), "-ldl"])
    os.replace(out + ".new", out)
    return out


def txt_stat_model(meta, blob=None):
    """The lines --format txt-stat must print, from the generator's own
    record and bytes, in the printf formats of tboot 1.10's txt-stat.c and
    heap.c (field by field: names, order, %08x / %016x / %u / TRUE). No
    @blob: the registers alone (a heap the kernel may not read)."""
    r = {k: v["value"] for k, v in meta["public"]["regs"].items()}
    sts, ests, dv = r["STS"], r["ESTS"], r["DIDVID"]
    tf = lambda b: "TRUE" if b else "FALSE"
    bits = [("senter_done", 0), ("sexit_done", 1), ("mem_config_lock", 6),
            ("private_open", 7), ("locality_1_open", 15), ("locality_2_open", 16)]
    lines = ["Intel(r) TXT Configuration Registers:", f"\tSTS: 0x{sts:08x}"]
    lines += [f"\t    {n}: {tf(sts >> b & 1)}" for n, b in bits]
    lines += [f"\tESTS: 0x{ests:02x}", f"\t    txt_reset: {tf(ests & 1)}",
              f"\tERRORCODE: 0x{r['ERRORCODE']:08x}", f"\tDIDVID: 0x{dv:016x}",
              f"\t    vendor_id: 0x{dv & 0xffff:x}", f"\t    device_id: 0x{dv >> 16 & 0xffff:x}",
              f"\t    revision_id: 0x{dv >> 32 & 0xffff:x}",
              f"\tFSBIF: 0x{r['VER_FSBIF']:016x}",
              f"\tHEAP.BASE: 0x{r['HEAP_BASE']:08x}",
              f"\tHEAP.SIZE: {r['HEAP_SIZE']}B (0x{r['HEAP_SIZE']:x})",
              BANNER, f"\t TXT measured launch: {tf(sts & 1)}", BANNER]
    if blob is None:
        return lines
    heap = meta["heap"]
    at = heap["addr"] - meta["base"] + heap["bios_data"]["offset"]
    size, ver, sinit, pd_base, pd_size, procs, flags = struct.unpack_from("<QIIQQIQ", blob, at)
    lines += [f"bios_data (@0x{heap['addr'] + heap['bios_data']['offset'] + 8:x}, {size:x}):",
              f"\t version: {ver}", f"\t bios_sinit_size: 0x{sinit:x} ({sinit})",
              f"\t lcp_pd_base: 0x{pd_base:x}", f"\t lcp_pd_size: 0x{pd_size:x} ({pd_size})",
              f"\t num_logical_procs: {procs}"]
    if ver >= 3:
        lines.append(f"\t flags: 0x{flags:08x}")
    return lines


def txt_stat_shared(real):
    """txt-stat's lines without what xenmb does not read, and the names of
    the blocks taken out: TXT_STAT_UNREAD's registers, the secrets flag,
    BiosData's extended elements and everything after (tboot's log)."""
    kept, dropped, skipping = [], [], False
    for line in real.splitlines():
        head = re.match(r"^\t([A-Z0-9.]+): ", line + " ")
        if head:
            skipping = head.group(1) in TXT_STAT_UNREAD
            if skipping:
                dropped.append(head.group(1))
                continue
        elif skipping and (line.startswith("\t    ") or not line):
            continue
        else:
            skipping = False
        if line.startswith("\t secrets flag set: "):
            dropped.append("secrets")
            continue
        if line == "\t ext_data_elts[]:":
            dropped.append("ext_data_elts")
            break
        kept.append(line)
    return kept, dropped


def iomem_entries(iomem):
    """[(start, end, name)] of every /proc/iomem line, at any depth."""
    return [(int(a, 16), int(b, 16), n) for a, b, n in
            re.findall(r"^\s*([0-9a-f]+)-([0-9a-f]+) : (.*)$", iomem, re.M)]


def log_pointer_addr(meta):
    """Physical address of the first log's u64 address in its element."""
    elt = meta["heap"]["addr"] + meta["heap"]["log_element"]["offset"] + 8
    # Element 7 starts with a u32 count and a u16 alg + u16 reserved.
    return elt + 8 if meta["element"] == 7 else elt


def log_next_addr(meta):
    """Physical address of log 0's u32 "next record" offset."""
    if meta["element"] == 5:                    # in the container header
        return meta["logs"][0]["addr"] + 44
    elt = meta["heap"]["addr"] + meta["heap"]["log_element"]["offset"] + 8
    return elt + 4 + 20 if meta["element"] == 7 else elt + 16


def expected_events(meta):
    """Records the kernel must count: events, plus each log's header."""
    n = len(meta["events"])
    if meta["log_format"] == "agile":
        return n + 1                            # Spec ID Event03
    if meta["log_format"] == "banks":
        return n * len(meta["banks"]) + len([b for b in meta["banks"] if b != "sha1"])
    return n


def steps_for(meta):
    heap = meta["heap"]
    sinit_size_at = heap["addr"] + heap["os_sinit_data"]["offset"]
    ptr_at = log_pointer_addr(meta)
    single = meta["log_format"] != "banks"
    steps = [
        harness.Step("insmod", f"insmod /lib/modules/xenmb/xenmb.ko txt_base={meta['base']:#x}"),
        harness.Step("txt_json", "xenmb txt --json"),
        harness.Step("txt_text", "xenmb txt"),
        harness.Step("txt_stat", "xenmb txt --format txt-stat"),
        harness.Step("list", "xenmb eventlog --drtm"),
        harness.Step("check", "xenmb eventlog --drtm --replay --check --json"),
        harness.Step("raw", 'xenmb eventlog --drtm --raw > "$R/drtm.raw"'),
        harness.Step("probe", "xenmb-probe txt"),
        # A size near 2^64 in OsSinitData: the walk must refuse it.
        harness.Step("bad_size", f"devmem {sinit_size_at:#x} 64 0xfffffffffffffff0"),
        harness.Step("bad_size_txt", "xenmb txt --json"),
        harness.Step("bad_size_log", "xenmb eventlog --drtm"),
        harness.Step("fix_size", f"devmem {sinit_size_at:#x} 64 {heap['os_sinit_data']['size']:#x}"),
        # The log pointer aimed at System RAM: must not be followed.
        harness.Step("ram_ptr", f"devmem {ptr_at:#x} 64 {RAM_ADDR:#x}"),
        harness.Step("ram_ptr_log", "xenmb eventlog --drtm --check"),
        # ... at reserved memory a driver claimed (busy): the ECAM window.
        harness.Step("busy_ptr", f"devmem {ptr_at:#x} 64 {ECAM_ADDR:#x}"),
        harness.Step("busy_ptr_log", "xenmb eventlog --drtm --check"),
        # ... and at a hole in the E820, where MMIO lives: not reserved.
        harness.Step("hole_ptr", f"devmem {ptr_at:#x} 64 {HOLE_ADDR:#x}"),
        harness.Step("hole_ptr_log", "xenmb eventlog --drtm --check"),
        harness.Step("iomem", "cat /proc/iomem"),
        harness.Step("fix_ptr", f"devmem {ptr_at:#x} 64 {meta['logs'][0]['addr']:#x}"),
        # The log's used end pushed 8 bytes past its last record.
        harness.Step("bad_next", f"devmem {log_next_addr(meta):#x} 32 "
                                 f"{meta['logs'][0]['next'] + 8:#x}"),
        harness.Step("bad_next_txt", "xenmb txt --json"),
        harness.Step("fix_next", f"devmem {log_next_addr(meta):#x} 32 {meta['logs'][0]['next']:#x}"),
        harness.Step("fixed_txt", "xenmb txt --json"),
        harness.Step("check_again", "xenmb eventlog --drtm --check"),
    ]
    if not harness.XEN:
        steps.insert(4, harness.Step("real_txt_stat", f"TXTSTAT_PUBLIC_AT={meta['base']:#x} "
                                     f"LD_PRELOAD={SHIM_IN_GUEST} txt-stat --heap"))
    # Localities TXT has not opened (TXT.STS LOCALITYn.OPEN): not listed,
    # refused; opened again: back.
    sts = meta["public"]["regs"]["STS"]["value"]
    sts_at = meta["base"] + REG_STS
    rand = GET_RANDOM[meta["family"]]
    steps += [
        harness.Step("loc_open", "xenmb info --json"),
        harness.Step("close2", f"devmem {sts_at:#x} 64 {sts & ~STS_LOCALITY2_OPEN:#x}"),
        harness.Step("loc_closed2", "xenmb info --json"),
        harness.Step("l2_closed", f"xenmb tpm send --locality 2 {rand}"),
        harness.Step("l1_closed2", f"xenmb tpm send --locality 1 {rand}"),
        harness.Step("close12", f"devmem {sts_at:#x} 64 "
                                f"{sts & ~(STS_LOCALITY1_OPEN | STS_LOCALITY2_OPEN):#x}"),
        harness.Step("loc_closed12", "xenmb info --json"),
        harness.Step("reopen", f"devmem {sts_at:#x} 64 {sts:#x}"),
        harness.Step("loc_reopened", "xenmb info --json"),
        harness.Step("l2_reopened", f"xenmb tpm send --locality 2 {rand}"),
    ]
    if single:
        steps.append(harness.Step("file_replay",
                                  'xenmb eventlog --file "$R/drtm.raw" --replay --json'))
    steps.append(harness.Step("rmmod", "rmmod xenmb"))
    return steps


def check_mode(c, mode, meta, blob, g):
    banks = ["sha1"] if meta["family"] == "1.2" else meta["banks"]
    regs = {k: v["value"] for k, v in meta["public"]["regs"].items()}
    heap = meta["heap"]

    c.equal(g.rc("insmod"), 0, "the module loads with txt_base")
    t = g.json("txt_json") or {}
    c.equal(t.get("present"), True, "TXT_INFO finds the public space")
    c.equal(t.get("sts"), regs["STS"], "TXT.STS read back")
    c.check("SENTER.DONE" in t.get("sts_bits", []) and "LOCALITY2.OPEN" in t.get("sts_bits", []),
            "STS decoded: SENTER.DONE, LOCALITY2.OPEN", repr(t.get("sts_bits")))
    c.equal(t.get("didvid"), regs["DIDVID"], "TXT.DIDVID read back")
    c.equal(t.get("errorcode"), regs["ERRORCODE"], "TXT.ERRORCODE read back")
    c.equal((t.get("heap_base"), t.get("heap_size")), (regs["HEAP_BASE"], regs["HEAP_SIZE"]),
            "HEAP.BASE and HEAP.SIZE read back")
    want_regions = [(heap[r]["size"], heap[r]["version"])
                    for r in ("bios_data", "os_mle_data", "os_sinit_data", "sinit_mle_data")]
    got_regions = [(r.get("size"), r.get("version")) for r in t.get("regions", [])]
    c.equal(got_regions, want_regions, "the four heap regions: sizes and versions")
    c.equal(t.get("heap_status"), 0, "the heap walk succeeded")
    c.equal(t.get("log_format"), FORMAT_NAME[meta["log_format"]], "the log pointer element kind")
    want_logs = [(l["addr"], l["allocated"], l["first"], l["next"], ALG_ID.get(l["alg"], 0)
                  if meta["log_format"] == "banks" else 0) for l in meta["logs"]]
    got_logs = [(l["phys"], l["allocated"], l["first"], l["next"], l["alg"]) for l in t.get("logs", [])]
    c.equal(got_logs, want_logs, "the log location(s): address, allocation, first, next, bank")
    c.equal((t.get("log_events"), t.get("log_status")), (expected_events(meta), 0),
            "the kernel parsed every record of the log(s)")
    c.check("SENTER.DONE" in g.out("txt_text") and FORMAT_NAME[meta["log_format"]] in g.out("txt_text"),
            "'xenmb txt' shows the status and the log kind", g.out("txt_text")[:300])
    ours = g.out("txt_stat").splitlines()
    c.equal(g.rc("txt_stat"), 0, "'xenmb txt --format txt-stat' exits 0")
    c.equal(ours, txt_stat_model(meta, blob),
            "--format txt-stat: every line as txt-stat's printf formats give the generator's "
            "registers and BiosData")
    if not harness.XEN:
        # The real txt-stat on the same heap: line by line, but for the
        # bios_data address (txt-stat prints its own copy's).
        real, dropped = txt_stat_shared(g.out("real_txt_stat"))
        c.equal(g.rc("real_txt_stat"), 0, "Debian's txt-stat --heap runs on the emulated launch")
        want_dropped = list(TXT_STAT_UNREAD) + ["secrets", "ext_data_elts"]
        c.check(dropped == want_dropped,
                "... and all it prints beyond --format txt-stat is the registers xenmb does "
                "not read, the secrets flag, BiosData's elements and the tboot log line",
                f"dropped {dropped!r}, want {want_dropped!r}:\n{g.out('real_txt_stat')}")
        unaddr = lambda ls: [re.sub(r"^bios_data \(@0x[0-9a-f]+,", "bios_data (@,", x) for x in ls]
        c.equal(unaddr(ours), unaddr(real),
                "--format txt-stat equals the real txt-stat's lines, line by line")

    c.equal(g.rc("list"), 0, "'xenmb eventlog --drtm' lists the log")
    c.check("EVTYPE_HASH_START" in g.out("list"), "the listing names the DRTM event types",
            g.out("list")[:300])

    # The replay matches the TPM, and the generator's own replay.
    res = g.json("check") or {}
    c.equal(g.rc("check"), 0, "'eventlog --drtm --replay --check' exits 0")
    checks = res.get("check", [])
    compared = {(x["pcr"], x["bank"]) for x in checks}
    c.equal(compared, {(p, b) for p in range(17, 23) for b in banks},
            "PCR 17-22 compared in every bank of the log")
    c.check(checks and all(x["match"] for x in checks), "every PCR 17-22 matches the log",
            repr([x for x in checks if not x["match"]])[:400])
    pcrs = res.get("pcrs", {})
    wrong = [(b, p) for b in banks for p, v in pcrs.get(b, {}).items()
             if v != meta["expected_pcrs"][b][p]]
    c.check(pcrs and not wrong and all("17" in pcrs.get(b, {}) for b in banks),
            "the replayed PCRs equal the generator's replay", repr(wrong))

    # --raw gives exactly the bytes the launch wrote.
    try:
        with open(os.path.join(g.results, "drtm.raw"), "rb") as f:
            raw = f.read()
    except OSError:
        raw = b""
    base = meta["base"]
    want_raw = b"".join(blob[l["addr"] - base + l["first"]:l["addr"] - base + l["next"]]
                        for l in meta["logs"])
    c.check(raw == want_raw and raw, f"'--raw' writes the log's {len(want_raw)} bytes exactly")
    if meta["log_format"] != "banks":
        fr = g.json("file_replay") or {}
        c.equal(fr.get("pcrs"), pcrs, "the saved log replays the same from a file")

    # TXT_READ with TXT present: bounded, clipped, refused where malformed.
    probe = {e["case"]: e for e in g.json_lines("probe")}
    alloc0 = meta["logs"][0]["allocated"]
    want = dict(heap_first_page=(0, 4096), log0_first_page=(0, min(4096, alloc0)),
                heap_past_end=(0, 0), heap_offset_wraps=(0, 0),
                log_index_5=(errno.EINVAL, 0), heap_index_1=(errno.EINVAL, 0),
                region_0=(errno.EINVAL, 0), region_9=(errno.EINVAL, 0),
                unknown_flag=(errno.EINVAL, 0), reserved_set=(errno.EINVAL, 0),
                buf_len_too_big=(errno.EINVAL, 0))
    for name, (err, n) in want.items():
        got = probe.get(name, {})
        c.equal((got.get("errno"), got.get("read_len")), (err, n), f"TXT_READ {name}")

    # A corrupted heap: refused with EBADMSG and said in the kernel log.
    dmesg = g.dmesg()
    c.equal(g.rc("bad_size"), 0, "devmem could corrupt the heap")
    c.equal((g.json("bad_size_txt") or {}).get("heap_status"), errno.EBADMSG,
            "an OsSinitData size near 2^64: heap_status EBADMSG")
    c.equal(g.rc("bad_size_log"), 4, "... and 'eventlog --drtm' exits 4")
    c.check("malformed" in g.err("bad_size_log"), "... saying the heap is malformed",
            g.err("bad_size_log"))
    c.check(f"TXT heap at {heap['addr']:#x} is malformed" in dmesg,
            "... and the kernel log says which heap")
    # Under Xen, 0x01000000 is RAM in Xen's machine map: refused before
    # anything else as memory dom0 may not read (EACCES, exit 13), where
    # bare Linux finds it is not reserved (EBADMSG, exit 4).
    c.equal(g.rc("ram_ptr_log"), 13 if harness.XEN else 4,
            "a log pointer into System RAM is refused")
    c.check((f"DRTM log {RAM_ADDR:#x}+" in dmesg) != harness.XEN,
            "... and the kernel log says why (under Xen it says nothing: memory Xen "
            "hides is how a tboot host is)")
    # What the two pointers below aim at, as this kernel sees it.
    iomem = g.out("iomem")
    entries = iomem_entries(iomem)
    c.check(any(a <= ECAM_ADDR <= b and n == "Reserved" for a, b, n in entries) and
            any(a == ECAM_ADDR and re.match(r"PCI (MMCONFIG|ECAM) ", n) for a, b, n in entries),
            f"{ECAM_ADDR:#x} is E820 reserved and claimed by the PCI code", iomem)
    c.check(not any(a <= HOLE_ADDR <= b and n in ("Reserved", "System RAM")
                    for a, b, n in entries),
            f"{HOLE_ADDR:#x} is neither reserved nor RAM (a hole in the E820)", iomem)
    c.equal(g.rc("busy_ptr_log"), 4,
            "a log pointer into reserved memory a driver claimed is refused")
    c.check(re.search(rf"DRTM log {ECAM_ADDR:#x}\+0x[0-9a-f]+ {NOT_RESERVED}", dmesg),
            "... and the kernel log names it")
    c.equal(g.rc("hole_ptr_log"), 4, "a log pointer into a hole of the E820 is refused")
    c.check(f"DRTM log {HOLE_ADDR:#x}+0x" in dmesg and
            re.search(rf"DRTM log {HOLE_ADDR:#x}\+0x[0-9a-f]+ {NOT_RESERVED}", dmesg),
            "... before it is read: the kernel log says it is not reserved memory",
            "\n".join(line for line in dmesg.splitlines() if f"{HOLE_ADDR:#x}" in line))
    c.equal(g.rc("check_again"), 0, "the repaired heap works again")
    c.equal((g.json("bad_next_txt") or {}).get("log_status"), errno.EBADMSG,
            "a log whose used end runs past its last record: log_status EBADMSG")
    c.check("DRTM log 0 at" in dmesg and "record at offset" in dmesg,
            "... and the kernel log names the record")
    c.equal((g.json("fixed_txt") or {}).get("log_status"), 0, "the repaired log parses again")
    # TXT.STS LOCALITYn.OPEN decides which of localities 1 and 2 are listed.
    locs = {k: (g.json(k) or {}).get("localities") for k in
            ("loc_open", "loc_closed2", "loc_closed12", "loc_reopened")}
    c.equal(locs, {"loc_open": [0, 1, 2, 3], "loc_closed2": [0, 1, 3], "loc_closed12": [0, 3],
                   "loc_reopened": [0, 1, 2, 3]},
            "INFO lists locality 1 and 2 only while TXT.STS shows them open (3 by ACCESS)")
    eop = os.strerror(errno.EOPNOTSUPP)
    c.check(g.rc("l2_closed") == 4 and eop in g.err("l2_closed"),
            "locality 2 closed in TXT.STS: refused, EOPNOTSUPP (exit 4)",
            f"rc {g.rc('l2_closed')}: {g.err('l2_closed')}")
    c.check(g.rc("l1_closed2") == 0 and "tpm_rc: 0x0" in g.out("l1_closed2"),
            "... while locality 1, still open, works", g.out("l1_closed2") + g.err("l1_closed2"))
    c.check(g.rc("l2_reopened") == 0 and "tpm_rc: 0x0" in g.out("l2_reopened"),
            "locality 2 opened again in TXT.STS: works", g.out("l2_reopened") + g.err("l2_reopened"))
    c.equal(g.rc("rmmod"), 0, "the module unloads")
    problems = harness.kernel_problems(dmesg)
    c.check(not problems, "no oops, WARN or BUG", "\n    ".join(problems[:5]))


# Case (b): the public space copy the scenario reads (boot.sh loads the
# blob's first 64 KiB there), the heap where Xen's mem=1536M leaves it
# unusable.
XEN_PUBLIC = txtlaunch.XEN_HOLE_BASE
EXIT_HEAP_INACCESSIBLE = 13
HEAP_INACCESSIBLE = "the heap is not accessible to dom0"
# Kernel log marks around the calls on the hidden heap (after insmod's own
# lines, through rmmod): nothing may be logged between them.
CALLS_BEGIN = "xenmb-test: calls on the hidden heap begin"
CALLS_END = "xenmb-test: calls on the hidden heap done, module unloaded"


def steps_unusable():
    return [
        harness.Step("iomem", "cat /proc/iomem"),
        harness.Step("insmod", f"insmod /lib/modules/xenmb/xenmb.ko txt_base={XEN_PUBLIC:#x}"),
        harness.Step("mark_begin", f"echo '{CALLS_BEGIN}' > /dev/kmsg"),
        # KILL: a call stuck on a held lock must not stall the whole boot.
        harness.Step("txt_text", "timeout -s KILL 30 xenmb txt"),
        harness.Step("txt_json", "timeout -s KILL 30 xenmb txt --json"),
        harness.Step("txt_again", "timeout -s KILL 30 xenmb txt"),
        harness.Step("txt_stat", "timeout -s KILL 30 xenmb txt --format txt-stat"),
        harness.Step("eventlog", "timeout -s KILL 30 xenmb eventlog --drtm"),
        harness.Step("info", "timeout -s KILL 30 xenmb info"),
        harness.Step("rmmod", "rmmod xenmb"),
        harness.Step("mark_end", f"echo '{CALLS_END}' > /dev/kmsg"),
    ]


def kernel_log_between(dmesg, begin, end):
    """The kernel log's lines strictly between the lines holding @begin and
    @end; None when either mark is missing or they are out of order."""
    lines = dmesg.splitlines()
    first = [i for i, l in enumerate(lines) if begin in l]
    last = [i for i, l in enumerate(lines) if end in l]
    if len(first) != 1 or len(last) != 1 or last[0] < first[0]:
        return None
    return lines[first[0] + 1:last[0]]


def check_unusable(c, meta, g):
    heap = meta["heap"]["addr"]
    dmesg = g.dmesg()
    # Xen's own E820 (its boot lines on com1, console.log) has the heap's
    # range unusable. Dom0's printed E820 has no such line: Linux turns the
    # machine map's unusable entries into RAM, then drops what lies past
    # dom0's allocation, so neither dmesg nor /proc/iomem shows the range.
    with open(os.path.join(os.path.dirname(g.results), "console.log"), errors="replace") as f:
        console = f.read()
    unusable = [(int(a, 16), int(b, 16)) for a, b in re.findall(
        r"\(XEN\)\s+\[([0-9a-f]+), ([0-9a-f]+)\] \(unusable\)", console)]
    c.check(any(a <= heap and heap + meta["heap"]["size"] - 1 <= b for a, b in unusable),
            f"Xen's E820 has the heap {heap:#x} unusable", repr(unusable))
    c.check(f"{heap:08x}" not in g.out("iomem"), "dom0's /proc/iomem does not list the heap")
    c.equal(g.rc("insmod"), 0, "the module loads with txt_base at the public space")
    c.equal(g.rc("txt_text"), EXIT_HEAP_INACCESSIBLE,
            f"'xenmb txt' exits {EXIT_HEAP_INACCESSIBLE} (heap out of reach)")
    said = [l for l in (g.out("txt_text") + g.err("txt_text")).splitlines()
            if HEAP_INACCESSIBLE in l]
    c.equal(len(said), 1, f"... in one line containing '{HEAP_INACCESSIBLE}'")
    t = g.json("txt_json") or {}
    c.equal(t.get("heap_accessible"), False, "'xenmb txt --json': heap_accessible false")
    c.equal(t.get("present"), True, "... and TXT present (the public space reads)")
    c.equal((g.rc("txt_again"), g.out("txt_again"), g.err("txt_again")),
            (g.rc("txt_text"), g.out("txt_text"), g.err("txt_text")),
            "a second 'xenmb txt' answers the same (no hang, no held lock)")
    c.equal((g.rc("txt_stat"), g.out("txt_stat").splitlines()), (13, txt_stat_model(meta)),
            "'xenmb txt --format txt-stat': the registers in txt-stat's layout, no bios_data, "
            "exit 13")
    c.check(g.rc("eventlog") not in (None, 0, 137),
            "'xenmb eventlog --drtm' fails cleanly (no log to read, no hang)",
            f"rc {g.rc('eventlog')}")
    c.equal(g.rc("info"), 0, "'xenmb info' still works")
    c.equal(g.rc("rmmod"), 0, "the module unloads")
    bad = [l for l in dmesg.splitlines()
           if re.search(r"BUG|Oops|general protection|Call Trace", l)]
    c.check(not bad, "no BUG, Oops, general protection or Call Trace in the kernel log",
            "\n    ".join(bad[:5]))
    # Xen hiding the heap is how a tboot host is, not a fault: the txt,
    # eventlog and info calls and the unload log nothing at all (no
    # warning, no audit record: none of them sends a TPM command).
    between = kernel_log_between(dmesg, CALLS_BEGIN, CALLS_END)
    c.check(between == [], "nothing in the kernel log from the first call through the unload",
            "marks missing" if between is None else "\n    ".join(between[:5]))


def run_unusable(c, binaries):
    c.name = "txt/xen-unusable"
    if not harness.XEN:
        c.check(False, "xen-unusable needs XENMB_HOST=xen")
        return
    d = harness.launch_dir("txt", "xen-unusable")
    meta = txtlaunch.generate(d, "tpm2-agile", base=txtlaunch.XEN_UNUSABLE_BASE)
    try:
        g = harness.boot("txt-xen-unusable", "tpm2", harness.fresh_state("xen-unusable"),
                         steps_unusable(), binaries, launch=d)
    except RuntimeError as e:
        c.check(False, "boot", str(e))
        return
    c.equal(g.rc("insmod") is not None and harness.LAUNCH_DONE in g.dmesg(), True,
            "the emulated launch ran before the scenario")
    check_unusable(c, meta, g)


def main(argv):
    modes = argv[1:] or list(TPM_OF)
    c = harness.Checker("txt")
    if "xen-unusable" in modes:
        binaries = harness.guest_binaries()
        run_unusable(c, binaries)
        modes = [m for m in modes if m != "xen-unusable"]
        if not modes:
            return c.finish()
    binaries = harness.guest_binaries()
    if not harness.XEN:
        binaries = dict(binaries, bins=binaries["bins"] + [TXT_STAT],
                        files=binaries.get("files", []) +
                        [f"{build_shim()}:{SHIM_IN_GUEST}"])
    for mode in modes:
        d = harness.launch_dir("txt", mode)
        os.makedirs(d, exist_ok=True)
        meta = txtlaunch.generate(d, mode)
        with open(os.path.join(d, meta["blob"]), "rb") as f:
            blob = f.read()
        c.name = f"txt/{mode}"
        try:
            g = harness.boot(f"txt-{mode}", TPM_OF[mode], harness.fresh_state(mode),
                             steps_for(meta), binaries, launch=d)
        except RuntimeError as e:
            c.check(False, "boot", str(e))
            continue
        c.equal(g.rc("insmod") is not None and harness.LAUNCH_DONE in g.dmesg(), True,
                "the emulated launch ran before the scenario")
        check_mode(c, mode, meta, blob, g)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
