#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""TEST ONLY: the measured-launch emulator's generator. Never shipped.

GETSEC[SENTER] cannot run in QEMU, so the QEMU tests fake what a launched
Intel TXT host leaves behind: a TXT public configuration space, a TXT heap
and a DRTM event log, written into one blob that QEMU's loader puts into
guest RAM reserved with memmap=SIZE$ADDR, plus the plan by which the guest
makes PCR 17-22 agree with that log (see launch-hook.sh and tpmrelay.py).

  txtlaunch.py --mode tpm2-agile|tpm2-banks|tpm12 --out DIR
               [--base ADDR] [--banks sha1,sha256,...] [--initrd SEED]

writes DIR/txt.bin (the blob), DIR/launch.json (where everything is, the
events, the PCR 17-22 values a replay from zeros gives, per bank),
DIR/plan.sh (what the guest hook does) and DIR/launch.env (for boot.sh).

Layout of the blob, offsets from --base (default 0x38000000, guest RAM 1G):
  +0x000000  TXT public space, 64 KiB (registers as in driver/txt_heap.h)
  +0x100000  TXT heap (HEAP.BASE), HEAP.SIZE 1 MiB
  +0x200000  event log(s), 64 KiB each (one per bank for ELT 7)
  +0x300000  a stand-in SINIT ACM, 32 KiB (SINIT.BASE / SINIT.SIZE)
The reservation is 4 MiB: memmap=4M$BASE.

Formats follow the Intel TXT Software Development Guide and the TCG PC
Client Platform Firmware Profile, as tboot implements them (txt/heap.h).
Everything in the heap and the logs is little-endian and packed.
"""
import argparse
import hashlib
import json
import os
import struct
import sys

# TPM_ALG_ID, hashlib name, digest size.
ALGS = {
    "sha1": (0x0004, 20),
    "sha256": (0x000B, 32),
    "sha384": (0x000C, 48),
    "sha512": (0x000D, 64),
}
ALG_BY_ID = {v[0]: k for k, v in ALGS.items()}

# The banks a fresh swtpm 0.7.1 / libtpms 0.9.2 TPM 2.0 allocates: all four,
# PCR 0-23 each. Checked with TPM2_GetCapability(TPM_CAP_PCRS) on a fresh
# state (tpm2_getcap -T swtpm pcrs on the host, and in the guest through
# xenmb by test_launch.py). SeaBIOS does not change the allocation.
TPM2_BANKS = ["sha1", "sha256", "sha384", "sha512"]

MODES = {
    # mode: TPM family, OsSinitData extended element carrying the log pointer
    "tpm12": dict(family="1.2", element=5, log_format="container"),
    "tpm2-banks": dict(family="2.0", element=7, log_format="banks"),
    "tpm2-agile": dict(family="2.0", element=8, log_format="agile"),
}

# TXT public space registers (driver/txt_heap.h, tboot config_regs.h).
REG = dict(STS=0x000, ESTS=0x008, ERRORCODE=0x030, VER_FSBIF=0x100,
           DIDVID=0x110, VER_QPIIF=0x200, SINIT_BASE=0x270, SINIT_SIZE=0x278,
           HEAP_BASE=0x300, HEAP_SIZE=0x308, DPR=0x330, PUBLIC_KEY=0x400,
           E2STS=0x8F0)
STS_SENTER_DONE = 1 << 0
STS_MEM_CONFIG_LOCK = 1 << 6
STS_PRIVATE_OPEN = 1 << 7
STS_LOCALITY1_OPEN = 1 << 15
STS_LOCALITY2_OPEN = 1 << 16

PUB_OFF, PUB_SIZE = 0x000000, 0x10000
HEAP_OFF, HEAP_SIZE = 0x100000, 0x100000
LOG_OFF, LOG_SIZE = 0x200000, 0x10000
ACM_OFF, ACM_SIZE = 0x300000, 0x8000
RESERVE = 0x400000

# Extended data element types (OsSinitData >= 6, BiosData >= 4).
ELT_END, ELT_BIOS_SPEC_VER, ELT_ACM = 0, 1, 2
ELT_LOG_PTR, ELT_LOG_PTR_2, ELT_LOG_PTR_2_1 = 5, 7, 8

# Event types. 0x400 range: Intel TXT (SINIT); 0x501 is tboot's
# TPM_EVT_TBOOT_HASH (its launch policy); 0x502/0x503 are this emulator's
# own, in the 0x500 range tboot uses for the MLE's events.
EV_NO_ACTION = 0x03
EVTYPES = {
    0x402: "EVTYPE_HASH_START",
    0x404: "EVTYPE_MLE_HASH",
    0x40A: "EVTYPE_BIOSAC_REG_DATA",
    0x40B: "EVTYPE_CPU_SCRTM_STAT",
    0x40C: "EVTYPE_LCP_CONTROL_HASH",
    0x40F: "EVTYPE_OSSINITDATA_CAP_HASH",
    0x410: "EVTYPE_SINIT_PUBKEY_HASH",
    0x501: "TBOOT_POLICY",
    0x502: "TBOOT_MODULE",
    0x503: "TBOOT_ASSET_TAG",
}
EVTYPE_HASH_START = 0x402
EVTYPE_ASSET_TAG = 0x503

# Asset tag NV index and its size per family (DESIGN section 4).
ASSET_TAG = {"2.0": (0x01C10110, 32, "sha256"), "1.2": (0x40000010, 20, "sha1")}
ASSET_TAG_PCR, ASSET_TAG_LOCALITY = 22, 2

# The TCG_LOG_DESCRIPTOR that opens each non-SHA-1 per-bank log (ELT 7).
# tboot and txt-stat skip that record by its size, never by its signature,
# and the exact Intel string could not be checked here: this one is ours.
LOG_DESCR_SIG = b"TXT TPM2 LOG\0\0\0\0"


def le32(v):
    return struct.pack("<I", v)


def le64(v):
    return struct.pack("<Q", v)


def H(alg, data):
    return hashlib.new(alg, data).digest()


def filler(seed, n):
    """Deterministic stand-in bytes for images we do not have."""
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{seed}:{i}".encode()).digest()
        i += 1
    return bytes(out[:n])


class Event:
    def __init__(self, pcr, type_, data, locality, content=None):
        self.pcr, self.type, self.data, self.locality = pcr, type_, data, locality
        # What is hashed: the event data itself, or the image it describes.
        self.content = data if content is None else content
        self.digests = {}

    def hash_for(self, banks):
        self.digests = {alg: H(alg, self.content) for alg in banks}
        return self


def launch_events(family, acm, initrd="initrd"):
    """A tboot + Xen launch in the details/authorities (DA) PCR mapping.
    @initrd seeds the stand-in initrd image: another seed is another
    initrd under the same name (what test_verify.py changes).

    PCR 17: SINIT (locality 4 for the first event, 3 for the others) and
    tboot's policy (locality 2); PCR 18: the MLE and the hypervisor;
    PCR 19: dom0 kernel, initrd and command line. Localities follow who
    extends in a real launch: the CPU (4), SINIT (3), tboot/MLE (2).
    """
    # The locality-4 measurement: what the CPU hands to HASH_DATA. Modelled
    # as H(SINIT ACM) || EDX of GETSEC[SENTER]; the TPM hashes it per bank.
    acm_alg = "sha256" if family == "2.0" else "sha1"
    hash_data = H(acm_alg, acm) + le32(0)
    xen_cmdline = b"/boot/xen.gz dom0_mem=4096M,max:4096M watchdog ucode=scan crashkernel=256M,below=4G console=vga vga=mode-0x0311"
    dom0_cmdline = b"root=LABEL=root-xenmbtest ro nolvm hpet=disable console=hvc0 console=tty0 quiet vga=785 splash plymouth.ignore-serial-consoles"
    return hash_data, [
        Event(17, EVTYPE_HASH_START, hash_data, 4),
        Event(17, 0x40A, le64(0x0000000100000001) + le32(0x3B), 3),  # BIOS ACM regs
        Event(17, 0x40B, le32(0x00000001), 3),        # processor S-CRTM status
        Event(17, 0x40F, le32(0x00000202 if family == "2.0" else 0x22), 3),
        Event(17, 0x40C, le32(0x00000000), 3),        # LCP policy control
        Event(17, 0x501, b"tboot launch policy (VL), sha256", 2,
              content=filler("tboot-policy", 512)),
        Event(18, 0x404, b"MLE: tboot 1.10.5", 3, content=filler("tboot.gz", 96 * 1024)),
        Event(18, 0x410, b"SINIT signing key", 3, content=filler("sinit-pubkey", 384)),
        Event(18, 0x502, b"module 0: " + xen_cmdline, 2,
              content=filler("xen-4.17.gz", 256 * 1024) + xen_cmdline),
        Event(19, 0x502, b"module 1: /boot/vmlinuz-6.1-xen (dom0 kernel)", 2,
              content=filler("vmlinuz", 128 * 1024)),
        Event(19, 0x502, b"module 2: /boot/initrd-6.1-xen.img", 2,
              content=filler(initrd, 128 * 1024)),
        Event(19, 0x502, b"dom0 command line: " + dom0_cmdline, 2, content=dom0_cmdline),
    ]


# --- event log records --------------------------------------------------

def rec_sha1(pcr, type_, digest, data):
    """TCG_PCR_EVENT (TPM 1.2 container, per-bank logs, log headers)."""
    return le32(pcr) + le32(type_) + digest + le32(len(data)) + data


def rec_agile(pcr, type_, digests, data):
    """TCG_PCR_EVENT2 of the crypto-agile log."""
    out = le32(pcr) + le32(type_) + le32(len(digests))
    for alg, d in digests.items():
        out += struct.pack("<H", ALGS[alg][0]) + d
    return out + le32(len(data)) + data


def spec_id_event(banks):
    """The crypto-agile log's first record: EV_NO_ACTION, Spec ID Event03."""
    body = b"Spec ID Event03\0" + le32(1)          # platformClass: server
    body += bytes([0, 2, 0, 2])                   # spec 2.0 errata 0, UINTN 8 bytes
    body += le32(len(banks))
    for alg in banks:
        body += struct.pack("<HH", *ALGS[alg])
    body += b"\0"                                 # vendorInfoSize
    return rec_sha1(0, EV_NO_ACTION, bytes(20), body)


def log_descr_event(alg):
    """First record of a non-SHA-1 per-bank log (ELT 7): TCG_LOG_DESCRIPTOR."""
    digest_id = {"sha1": 1, "sha256": 2, "sha384": 3, "sha512": 4}[alg]
    body = LOG_DESCR_SIG + le32(1) + le32(digest_id) + le32(ALGS[alg][1])
    return rec_sha1(0, EV_NO_ACTION, bytes(20), body)


def build_logs(fmt, banks, events):
    """[(alg or None, bytes, first, next)]: the log areas as written."""
    if fmt == "container":
        recs = b"".join(rec_sha1(e.pcr, e.type, e.digests["sha1"], e.data) for e in events)
        hdr = (b"TXT Event Container\0" + bytes(12) + bytes([1, 0, 1, 0]) +
               le32(LOG_SIZE) + le32(48) + le32(48 + len(recs)))
        return [(None, hdr + recs, 48, 48 + len(recs))]
    if fmt == "agile":
        body = spec_id_event(banks) + b"".join(
            rec_agile(e.pcr, e.type, e.digests, e.data) for e in events)
        return [(None, body, 0, len(body))]
    logs = []
    for alg in banks:
        body = b"" if alg == "sha1" else log_descr_event(alg)
        body += b"".join(rec_sha1(e.pcr, e.type, e.digests[alg], e.data) for e in events)
        logs.append((alg, body, 0, len(body)))
    return logs


# --- TXT heap -------------------------------------------------------------

def element(type_, data=b""):
    return le32(type_) + le32(8 + len(data)) + data


def region(body):
    """A heap region: its u64 size (the size field included), then the body."""
    return le64(8 + len(body)) + body


def build_heap(family, fmt, base, logs):
    """Returns (heap bytes, info) with the offsets tests and the hook need."""
    tpm2 = family == "2.0"
    info = {}
    sinit_base = base + ACM_OFF

    # BiosData: version 4 (TPM 1.2 era) or 6 (server platform type in the
    # MLE flags), then BIOS spec version and ACM elements.
    bios = le32(6 if tpm2 else 4) + le32(0) + le64(0) + le64(0) + le32(2)
    bios += le64((2 << 33) if tpm2 else 0)       # flags.mle.platform_type=server
    bios += element(ELT_BIOS_SPEC_VER, struct.pack("<HHH", 2, 1, 0))
    bios += element(ELT_ACM, le32(1) + le64(sinit_base))
    bios += element(ELT_END)

    # OsMleData belongs to the MLE (tboot's own format, version 3).
    os_mle = le32(3) + bytes(252)

    # OsSinitData: version 6 (TPM 1.2) or 7 (TPM 2.0), 92 fixed bytes.
    caps = 0x202 if fmt == "agile" else (0x002 if tpm2 else 0x022)
    os_sinit = le32(7 if tpm2 else 6)
    os_sinit += le32(0)                           # flags: TPM 2.0 extend policy agile
    os_sinit += le64(0x00802000) + le64(0x4A000) + le64(0x200)  # MLE ptab/size/hdr
    os_sinit += le64(0) + le64(base) + le64(0) + le64(0)        # VT-d PMRs
    os_sinit += le64(0) + le64(0)                 # LCP PO
    os_sinit += le32(caps) + le64(0)              # capabilities, efi_rsdt_ptr
    assert len(os_sinit) == 92
    if fmt == "container":
        data = le64(base + LOG_OFF)
        elt = element(ELT_LOG_PTR, data)
    elif fmt == "agile":
        _, body, first, nxt = logs[0]
        data = le64(base + LOG_OFF) + le32(LOG_SIZE) + le32(first) + le32(nxt)
        elt = element(ELT_LOG_PTR_2_1, data)
    else:
        data = le32(len(logs))
        for i, (alg, body, first, nxt) in enumerate(logs):
            data += struct.pack("<HHQIII", ALGS[alg][0], 0, base + LOG_OFF + i * LOG_SIZE,
                                LOG_SIZE, first, nxt)
        elt = element(ELT_LOG_PTR_2, data)
    elt_off_in_region = 8 + len(os_sinit)
    os_sinit += elt + element(ELT_END)

    # SinitMleData: version 8 (TPM 1.2, SHA-1 fields filled) or 9 (TPM 2.0),
    # with one memory descriptor range after it (offset from the size field).
    sha1 = (lambda s: H("sha1", s.encode())) if not tpm2 else (lambda s: bytes(20))
    sm = le32(9 if tpm2 else 8) + sha1("bios-acm-id") + le32(0) + le64(0)
    sm += sha1("sinit") + sha1("mle") + bytes(20) + bytes(20) + le32(0)
    sm += le32(0x0009F000) + le32(0)             # rlp_wakeup_addr, reserved
    fixed = 8 + len(sm) + 16 + 4 + (8 if tpm2 else 0)
    sm += le32(1) + le32(fixed) + le32(0) + le32(0) + le32(1)  # MDRs, DMARs, SCRTM
    if tpm2:
        sm += element(ELT_END)
    sm += le64(0x100000) + le64(base - 0x100000) + bytes([0]) + bytes(7)  # MDR: good

    heap = bytearray()
    for name, body in (("bios_data", bios), ("os_mle_data", os_mle),
                       ("os_sinit_data", os_sinit), ("sinit_mle_data", sm)):
        info[name] = {"offset": len(heap), "size": 8 + len(body),
                      "version": struct.unpack("<I", body[:4])[0]}
        heap += region(body)
    elt_off = info["os_sinit_data"]["offset"] + elt_off_in_region
    info["log_element"] = {"offset": elt_off, "type": {"container": 5, "banks": 7, "agile": 8}[fmt],
                           "size": len(elt)}
    return bytes(heap), info


def build_public(base):
    pub = bytearray(PUB_SIZE)

    def put(reg, value, size=8):
        pub[REG[reg]:REG[reg] + size] = value.to_bytes(size, "little")

    regs = dict(
        STS=STS_SENTER_DONE | STS_MEM_CONFIG_LOCK | STS_PRIVATE_OPEN |
        STS_LOCALITY1_OPEN | STS_LOCALITY2_OPEN,
        ESTS=0,                         # no TXT reset pending
        ERRORCODE=0,                    # the launch succeeded
        VER_FSBIF=0x80000000,           # production fused
        # Intel vendor 0x8086, device 0xB00C, revision 1, extended id 0.
        DIDVID=0x0000_0001_B00C_8086,
        VER_QPIIF=0x9D003000,
        SINIT_BASE=base + ACM_OFF, SINIT_SIZE=ACM_SIZE,
        HEAP_BASE=base + HEAP_OFF, HEAP_SIZE=HEAP_SIZE,
        # DPR: top of the protected range (1 MiB units, bits 31:20), its
        # size in MiB (bits 11:4), lock (bit 0): covers heap and SINIT.
        DPR=((base + RESERVE) & 0xFFF00000) | ((RESERVE >> 20) << 4) | 1,
        E2STS=0x2,                      # SECRETS.STS: secrets in memory
    )
    for k, v in regs.items():
        put(k, v)
    pub[REG["PUBLIC_KEY"]:REG["PUBLIC_KEY"] + 32] = H("sha256", b"Intel ACM signing key (stand-in)")
    return bytes(pub), regs


def stand_in_acm():
    """A SINIT ACM header (module type 2, vendor Intel) over filler bytes."""
    hdr = struct.pack("<HHIIHHIIII", 2, 0, 0xE0, 0x00030000, 0xB00C, 0,
                      0x8086, 0x20230615, ACM_SIZE // 4, 0)
    return hdr + filler("sinit-acm", ACM_SIZE - len(hdr))


# --- replay ---------------------------------------------------------------

def replay(events, banks):
    """PCR 17-22 per bank, from zeros (the state right after the DRTM
    event's reset), by extending each event's digest for that bank."""
    pcrs = {alg: {p: bytes(ALGS[alg][1]) for p in range(17, 23)} for alg in banks}
    for e in events:
        for alg, d in e.digests.items():
            if alg in pcrs and 17 <= e.pcr <= 22:
                pcrs[alg][e.pcr] = H(alg, pcrs[alg][e.pcr] + d)
    return pcrs


# --- TPM commands for the guest plan --------------------------------------

def tpm2_extend(pcr, digests):
    auth = struct.pack(">IHBH", 0x40000009, 0, 0, 0)      # TPM_RS_PW, empty
    body = struct.pack(">II", pcr, len(auth)) + auth + struct.pack(">I", len(digests))
    for alg, d in digests.items():
        body += struct.pack(">H", ALGS[alg][0]) + d
    return struct.pack(">HII", 0x8002, 10 + len(body), 0x182) + body


def tpm12_extend(pcr, digest):
    return struct.pack(">HIII", 0x00C1, 34, 0x14, pcr) + digest


def tpm2_nv_read_public(index):
    return struct.pack(">HIII", 0x8001, 14, 0x169, index)


def tpm2_nv_read(index, size):
    auth = struct.pack(">IHBH", 0x40000009, 0, 0, 0)
    body = struct.pack(">III", index, index, len(auth)) + auth + struct.pack(">HH", size, 0)
    return struct.pack(">HII", 0x8002, 10 + len(body), 0x14E) + body


def tpm12_nv_read_value(index, size):
    return struct.pack(">HIIIII", 0x00C1, 22, 0xCF, index, 0, size)


def fit_tag(tag, size):
    """The asset tag as a digest of @size bytes: cut or zero-padded. The
    crypto-agile log wants one digest per bank of its header in every
    record (TCG PFP; the kernel's parser insists), so the tag goes into
    every bank; the SHA-256 bank gets the 32 bytes as they are, so there
    PCR 22 = SHA256(32 zero bytes || tag) (DESIGN section 4)."""
    return (tag + bytes(size))[:size]


def asset_tag_digests(meta, tag):
    """{bank: digest} the hook extends into PCR 22 and logs for @tag."""
    at = meta["asset_tag"]
    if not at.get("banks"):
        return {at["bank"]: tag}
    return {alg: fit_tag(tag, ALGS[alg][1]) for alg in at["banks"]}


def asset_tag_extend(meta, tag):
    """The PCR 22 extend command the hook sends for @tag."""
    at = meta["asset_tag"]
    if not at.get("banks"):
        return bytes.fromhex(at["extend_prefix"]) + tag
    return tpm2_extend(ASSET_TAG_PCR, asset_tag_digests(meta, tag))


def asset_tag_plan(family, fmt, base, heap_info, logs, banks=()):
    """How the hook records an asset-tag event: the command hex around the
    tag, and the record to append to the log in guest memory. For the
    crypto-agile log, @banks: the tag fitted to each bank's digest size
    goes after the prefixes, one (algorithm id, digest) a bank."""
    index, size, alg = ASSET_TAG[family]
    data = b"asset tag NV 0x%08X" % index
    agile_banks = list(banks) if fmt == "agile" else []
    if agile_banks:
        digests = {a: bytes(ALGS[a][1]) for a in agile_banks}
        ext = tpm2_extend(ASSET_TAG_PCR, digests)
        tail = sum(2 + ALGS[a][1] for a in agile_banks)
        rec = rec_agile(ASSET_TAG_PCR, EVTYPE_ASSET_TAG, digests, data)
        rec_head = 4 + 4 + 4
        read_public, read = tpm2_nv_read_public(index), tpm2_nv_read(index, size)
        return {
            "nv_index": index, "size": size, "bank": alg, "banks": agile_banks,
            "pcr": ASSET_TAG_PCR, "locality": ASSET_TAG_LOCALITY,
            "event_type": EVTYPE_ASSET_TAG, "event_data": data.hex(),
            "read_public": read_public.hex(), "read": read.hex(),
            "rsp_offset": 10 + 4 + 2, "extend_prefix": ext[:len(ext) - tail].hex(),
            "record_prefix": rec[:rec_head].hex(),
            "record_suffix": rec[rec_head + tail:].hex(),
            "record_addr": base + LOG_OFF + logs[0][3],
            "next_field_addr": base + HEAP_OFF + heap_info["log_element"]["offset"] + 8 + 16,
            "next_after": logs[0][3] + len(rec),
        }
    if family == "2.0":
        ext = tpm2_extend(ASSET_TAG_PCR, {alg: bytes(size)})
        read_public, read = tpm2_nv_read_public(index), tpm2_nv_read(index, size)
        rsp_off = 10 + 4 + 2          # header, parameterSize, TPM2B size
    else:
        ext = tpm12_extend(ASSET_TAG_PCR, bytes(size))
        read_public, read = b"", tpm12_nv_read_value(index, size)
        rsp_off = 10 + 4              # header, dataSize
    if fmt == "agile":
        rec = rec_agile(ASSET_TAG_PCR, EVTYPE_ASSET_TAG, {alg: bytes(size)}, data)
        tag_at = 4 + 4 + 4 + 2
        log_addr = base + LOG_OFF
        next_now = logs[0][3]
        next_field = base + HEAP_OFF + heap_info["log_element"]["offset"] + 8 + 16
    else:
        rec = rec_sha1(ASSET_TAG_PCR, EVTYPE_ASSET_TAG, bytes(size), data)
        tag_at = 8
        if fmt == "container":
            log_addr, next_now = base + LOG_OFF, logs[0][3]
            next_field = log_addr + 44
        else:
            i = [a for a, *_ in logs].index(alg)
            log_addr, next_now = base + LOG_OFF + i * LOG_SIZE, logs[i][3]
            next_field = (base + HEAP_OFF + heap_info["log_element"]["offset"] +
                          8 + 4 + i * 24 + 20)
    return {
        "nv_index": index, "size": size, "bank": alg, "pcr": ASSET_TAG_PCR,
        "locality": ASSET_TAG_LOCALITY, "event_type": EVTYPE_ASSET_TAG,
        "event_data": data.hex(),
        "read_public": read_public.hex(), "read": read.hex(),
        "rsp_offset": rsp_off, "extend_prefix": ext[:len(ext) - size].hex(),
        "record_prefix": rec[:tag_at].hex(), "record_suffix": rec[tag_at + size:].hex(),
        "record_addr": log_addr + next_now, "next_field_addr": next_field,
        "next_after": next_now + len(rec),
    }


def plan_sh(meta):
    """The guest hook's plan: shell assignments and one 'extend' a line."""
    t = meta["asset_tag"]
    lines = [f"FAMILY={meta['family']}"]
    for e in meta["events"]:
        if e["locality"] == 4:
            continue              # the relay's HASH_START/DATA/END did that one
        lines.append(f"extend {e['locality']} {e['pcr']} {e['type_name']} {e['command']}")
    lines += [
        f"TAG_INDEX=0x{t['nv_index']:08X}",
        f"TAG_READ_PUBLIC={t['read_public']}",
        f"TAG_READ={t['read']}",
        f"TAG_RSP_OFFSET={t['rsp_offset'] * 2}",
        f"TAG_HEX_LEN={t['size'] * 2}",
        f"TAG_LOCALITY={t['locality']}",
        f"TAG_EXTEND_PREFIX={t['extend_prefix']}",
        # agile: "BE-id:LE-id:size" a bank; the hook fits the tag to each
        "TAG_BANKS='" + " ".join(f"{ALGS[a][0]:04x}:{ALGS[a][0] & 0xff:02x}{ALGS[a][0] >> 8:02x}:"
                                 f"{ALGS[a][1]}" for a in t.get("banks", [])) + "'",
        f"TAG_RECORD_PREFIX={t['record_prefix']}",
        f"TAG_RECORD_SUFFIX={t['record_suffix']}",
        f"TAG_RECORD_ADDR={t['record_addr']}",
        f"TAG_NEXT_FIELD=0x{t['next_field_addr']:X}",
        f"TAG_NEXT_AFTER={t['next_after']}",
    ]
    return "\n".join(lines) + "\n"


# --- putting it together ----------------------------------------------------

# Under Xen (XENMB_HOST=xen) guest RAM is Xen's, not dom0's: dom0's memmap=
# cannot keep a blob there. The default base is then XEN_HOLE_BASE, guest
# memory that QEMU gives as a pc-dimm above 4 GiB, which no E820 lists as
# RAM (case (a) of boot.sh's --launch notes). XEN_UNUSABLE_BASE is above
# Xen's mem=1536M: RAM that Xen marks E820_UNUSABLE, tboot's heap case (b).
BARE_BASE = 0x38000000
XEN_HOLE_BASE = 0x100000000
XEN_UNUSABLE_BASE = 0x70000000


def default_base():
    return XEN_HOLE_BASE if os.environ.get("XENMB_HOST") == "xen" else BARE_BASE


def generate(out, mode, base=None, banks=None, initrd="initrd"):
    """Writes txt.bin, launch.json, plan.sh and launch.env into @out;
    returns the metadata (launch.json's content). @initrd: see
    launch_events()."""
    if base is None:
        base = default_base()
    m = MODES[mode]
    family, fmt = m["family"], m["log_format"]
    if base % 0x100000 or base < 0x1000000:
        raise ValueError("base must be 1 MiB aligned and above 16 MiB")
    if banks is None:
        banks = TPM2_BANKS if family == "2.0" else ["sha1"]
    if family == "1.2" and banks != ["sha1"]:
        raise ValueError("a TPM 1.2 has the SHA-1 bank only")
    if fmt == "banks" and len(banks) * LOG_SIZE > ACM_OFF - LOG_OFF:
        raise ValueError("too many banks for the log area")

    acm = stand_in_acm()
    hash_data, events = launch_events(family, acm, initrd)
    for e in events:
        e.hash_for(banks)
    logs = build_logs(fmt, banks, events)
    heap, heap_info = build_heap(family, fmt, base, logs)
    pub, regs = build_public(base)

    blob = bytearray(ACM_OFF + ACM_SIZE)
    blob[PUB_OFF:PUB_OFF + len(pub)] = pub
    blob[HEAP_OFF:HEAP_OFF + len(heap)] = heap
    for i, (_, body, _, _) in enumerate(logs):
        assert len(body) < LOG_SIZE
        blob[LOG_OFF + i * LOG_SIZE:LOG_OFF + i * LOG_SIZE + len(body)] = body
    blob[ACM_OFF:ACM_OFF + ACM_SIZE] = acm

    expected = replay(events, banks)
    meta = {
        "mode": mode, "family": family, "log_format": fmt, "element": m["element"],
        "base": base, "blob": "txt.bin", "blob_size": len(blob), "reserve": RESERVE,
        "memmap": f"{RESERVE >> 20}M${base:#x}", "mem": "1G",
        "public": {"addr": base + PUB_OFF, "size": PUB_SIZE,
                   "regs": {k: {"offset": REG[k], "value": v} for k, v in regs.items()}},
        "heap": {"addr": base + HEAP_OFF, "size": HEAP_SIZE, "used": len(heap), **heap_info},
        "logs": [{"alg": alg, "addr": base + LOG_OFF + i * LOG_SIZE, "allocated": LOG_SIZE,
                  "first": first, "next": nxt}
                 for i, (alg, _, first, nxt) in enumerate(logs)],
        "sinit": {"addr": base + ACM_OFF, "size": ACM_SIZE},
        "banks": banks,
        "initrd": initrd,
        "hash_data": hash_data.hex(),
        "events": [{"pcr": e.pcr, "type": e.type, "type_name": EVTYPES[e.type],
                    "locality": e.locality, "data": e.data.hex(),
                    "digests": {a: d.hex() for a, d in e.digests.items()},
                    "command": (tpm2_extend(e.pcr, e.digests) if family == "2.0"
                                else tpm12_extend(e.pcr, e.digests["sha1"])).hex()}
                   for e in events],
        "expected_pcrs": {alg: {str(p): v.hex() for p, v in pcrs.items()}
                          for alg, pcrs in expected.items()},
    }
    meta["asset_tag"] = asset_tag_plan(family, fmt, base, heap_info, logs, banks)

    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "txt.bin"), "wb") as f:
        f.write(blob)
    with open(os.path.join(out, "launch.json"), "w") as f:
        json.dump(meta, f, indent=1)
    with open(os.path.join(out, "plan.sh"), "w") as f:
        f.write(plan_sh(meta))
    # For boot.sh (sourced): what to reserve, where to load, how much RAM.
    with open(os.path.join(out, "launch.env"), "w") as f:
        f.write(f"LAUNCH_BASE={base:#x}\nLAUNCH_MEMMAP='{meta['memmap']}'\n"
                f"LAUNCH_MEM={meta['mem']}\nLAUNCH_BLOB=txt.bin\n")
    return meta


# --- reading back (tests) ---------------------------------------------------

class ParsedEvent:
    def __init__(self, pcr, type_, digests, data):
        self.pcr, self.type, self.digests, self.data = pcr, type_, digests, data


def parse_logs(fmt, areas):
    """Events of the log(s) as found in memory. @areas: list of
    (alg, bytes from the allocation's start, first, next) as the heap or
    the container header says. Header records are skipped."""
    def sha1_records(buf, first, nxt, size):
        out, off = [], first
        while off < nxt:
            pcr, typ = struct.unpack_from("<II", buf, off)
            d = buf[off + 8:off + 8 + size]
            n = struct.unpack_from("<I", buf, off + 8 + size)[0]
            out.append((pcr, typ, d, buf[off + 12 + size:off + 12 + size + n]))
            off += 12 + size + n
        return out

    if fmt == "container":
        _, buf, first, nxt = areas[0]
        return [ParsedEvent(p, t, {"sha1": d}, data) for p, t, d, data in
                sha1_records(buf, first, nxt, 20)]
    if fmt == "agile":
        _, buf, first, nxt = areas[0]
        n = struct.unpack_from("<I", buf, first + 28)[0]
        off, events = first + 32 + n, []
        while off < nxt:
            pcr, typ, count = struct.unpack_from("<III", buf, off)
            off += 12
            digests = {}
            for _ in range(count):
                alg = ALG_BY_ID[struct.unpack_from("<H", buf, off)[0]]
                digests[alg] = buf[off + 2:off + 2 + ALGS[alg][1]]
                off += 2 + ALGS[alg][1]
            size = struct.unpack_from("<I", buf, off)[0]
            events.append(ParsedEvent(pcr, typ, digests, buf[off + 4:off + 4 + size]))
            off += 4 + size
        return events
    # One log per bank: each event carries that bank's digest only, which is
    # all a replay needs (banks are independent).
    events = []
    for alg, buf, first, nxt in areas:
        if alg != "sha1":         # skip the TCG_LOG_DESCRIPTOR record
            first += 32 + struct.unpack_from("<I", buf, first + 28)[0]
        events += [ParsedEvent(p, t, {alg: d}, data) for p, t, d, data in
                   sha1_records(buf, first, nxt, ALGS[alg][1])]
    return events


def heap_log_areas(heap, read_phys):
    """Finds the log(s) the way the kernel module must: walks the heap's four
    regions to OsSinitData's extended elements and follows the one log
    pointer element. @read_phys(addr, size) returns guest memory.
    Returns (format, [(alg, bytes, first, next)])."""
    off = 0
    regions = []
    for _ in range(4):
        size = struct.unpack_from("<Q", heap, off)[0]
        regions.append((off, size))
        off += size
    os_sinit_off, os_sinit_size = regions[2]
    off = os_sinit_off + 8 + 92
    while off < os_sinit_off + os_sinit_size:
        typ, size = struct.unpack_from("<II", heap, off)
        data = heap[off + 8:off + size]
        if typ == ELT_LOG_PTR:
            addr = struct.unpack_from("<Q", data)[0]
            hdr = read_phys(addr, 48)
            allocated, first, nxt = struct.unpack_from("<III", hdr, 36)
            return "container", [(None, read_phys(addr, allocated), first, nxt)]
        if typ == ELT_LOG_PTR_2_1:
            addr, allocated, first, nxt = struct.unpack_from("<QIII", data)
            return "agile", [(None, read_phys(addr, allocated), first, nxt)]
        if typ == ELT_LOG_PTR_2:
            count = struct.unpack_from("<I", data)[0]
            areas = []
            for i in range(count):
                alg, _, addr, allocated, first, nxt = struct.unpack_from("<HHQIII", data, 4 + i * 24)
                areas.append((ALG_BY_ID[alg], read_phys(addr, allocated), first, nxt))
            return "banks", areas
        if typ == ELT_END:
            break
        off += size
    raise ValueError("no event log pointer element in OsSinitData")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mode", required=True, choices=sorted(MODES))
    ap.add_argument("--out", required=True)
    ap.add_argument("--base", type=lambda s: int(s, 0))
    ap.add_argument("--banks", default=None, help="comma-separated, e.g. sha1,sha256")
    ap.add_argument("--initrd", default="initrd",
                    help="seed of the stand-in initrd image (another seed: another initrd)")
    a = ap.parse_args(argv[1:])
    meta = generate(a.out, a.mode, a.base, a.banks.split(",") if a.banks else None,
                    a.initrd)
    print(f"txtlaunch: {a.mode} at {meta['base']:#x} ({meta['memmap']}) in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
