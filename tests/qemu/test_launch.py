#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The test-only measured-launch emulator, judged on the host: each mode
boots as a host after an emulated Intel TXT launch, and PCR 17-22 must
equal a replay of the DRTM log, in every bank the TPM has.

  test_launch.py [tpm2-agile|tpm2-banks|tpm12]...     (default: all three)

tpm2-agile also sets the asset tag (NV 0x01C10110) and reboots on the same
swtpm state: the launch then extends the tag into PCR 22 and logs it.
"""
import hashlib
import json
import os
import struct
import subprocess
import sys

import harness
import txtlaunch

TPM_OF = {"tpm2-agile": "tpm2", "tpm2-banks": "tpm2", "tpm12": "tpm12"}
PCRS = range(17, 23)
TAG = hashlib.sha256(b"xenmb test asset tag").digest()
PW = struct.pack(">IHBH", 0x40000009, 0, 0, 0)      # TPM_RS_PW, empty auth


# --- TPM commands, built here from the specs -------------------------------

def tpm2_pcr_read_bank(alg_id):
    select = bytearray(3)
    for p in PCRS:
        select[p // 8] |= 1 << (p % 8)
    body = struct.pack(">IHB", 1, alg_id, 3) + bytes(select)
    return struct.pack(">HII", 0x8001, 10 + len(body), 0x17E) + body


def tpm2_get_cap_pcrs():
    return struct.pack(">HIIIII", 0x8001, 22, 0x17A, 5, 0, 1)     # TPM_CAP_PCRS


def tpm12_pcr_read(pcr):
    return struct.pack(">HIII", 0x00C1, 14, 0x15, pcr)


def tpm2_nv_define(index, size):
    # Owner hierarchy, empty owner auth (fresh swtpm); the index is written
    # by the owner and read with its own (empty) auth, like the asset tag.
    attrs = (1 << 1) | (1 << 17) | (1 << 18) | (1 << 25)  # OWNERWRITE OWNERREAD AUTHREAD NO_DA
    public = struct.pack(">IHIHH", index, 0x000B, attrs, 0, size)
    body = (struct.pack(">II", 0x40000001, len(PW)) + PW + struct.pack(">H", 0) +
            struct.pack(">H", len(public)) + public)
    return struct.pack(">HII", 0x8002, 10 + len(body), 0x12A) + body


def tpm2_nv_write(index, data):
    body = (struct.pack(">III", 0x40000001, index, len(PW)) + PW +
            struct.pack(">H", len(data)) + data + struct.pack(">H", 0))
    return struct.pack(">HII", 0x8002, 10 + len(body), 0x137) + body


def response_of(guest, name):
    for line in guest.out(name).splitlines():
        if line.startswith("response: "):
            return bytes.fromhex(line.split(": ", 1)[1])
    return b""


# --- one boot ----------------------------------------------------------------

def steps_for(meta, define_tag):
    steps = [harness.Step("insmod", "insmod /lib/modules/xenmb/xenmb.ko")]
    if meta["family"] == "2.0":
        steps.append(harness.Step("caps", f"xenmb tpm send --locality 0 {tpm2_get_cap_pcrs().hex()}"))
        for alg in meta["banks"]:
            cmd = tpm2_pcr_read_bank(txtlaunch.ALGS[alg][0])
            steps.append(harness.Step(f"pcr_{alg}", f"xenmb tpm send --locality 0 {cmd.hex()}"))
    else:
        for p in PCRS:
            steps.append(harness.Step(f"pcr_{p}", f"xenmb tpm send --locality 0 {tpm12_pcr_read(p).hex()}"))
    # What the kernel module will read with txt_base=ADDR: dumped from
    # /dev/mem at the reserved physical addresses, through mmap(): read()
    # of /dev/mem stops at high_memory, below the blob of a Xen dom0.
    pages = lambda n: (n + 4095) // 4096
    dumps = [("pub", meta["public"]["addr"], pages(meta["public"]["size"])),
             ("heap", meta["heap"]["addr"], pages(meta["heap"]["used"]))]
    dumps += [(f"log{i}", l["addr"], pages(l["allocated"])) for i, l in enumerate(meta["logs"])]
    for name, addr, n in dumps:
        steps.append(harness.Step(
            f"mem_{name}", f'xenmb-probe memread {addr:#x} {n * 4096} > "$R/{name}.bin"'))
    if define_tag:
        index, size, _ = txtlaunch.ASSET_TAG["2.0"]
        steps += [harness.Step("nv_define", f"xenmb tpm send --locality 0 {tpm2_nv_define(index, size).hex()}"),
                  harness.Step("nv_write", f"xenmb tpm send --locality 0 {tpm2_nv_write(index, TAG).hex()}")]
    steps.append(harness.Step("rmmod", "rmmod xenmb"))
    return steps


def pcr_values(meta, g):
    """{alg: {pcr: value}} as the guest read them through xenmb."""
    out = {}
    if meta["family"] == "1.2":
        out["sha1"] = {p: response_of(g, f"pcr_{p}")[10:30] for p in PCRS}
        return out
    for alg in meta["banks"]:
        rsp = response_of(g, f"pcr_{alg}")
        size = txtlaunch.ALGS[alg][1]
        vals, off = {}, 28          # header, update counter, selection, count
        for p in PCRS:
            if len(rsp) >= off + 2 + size:
                vals[p] = rsp[off + 2:off + 2 + size]
            off += 2 + size
        out[alg] = vals
    return out


def allocated_banks(rsp):
    """Banks with PCRs selected in a TPM2_GetCapability(TPM_CAP_PCRS) answer."""
    if len(rsp) < 19:
        return None
    count, off, banks = struct.unpack(">I", rsp[15:19])[0], 19, []
    for _ in range(count):
        alg, n = struct.unpack(">HB", rsp[off:off + 3])
        if any(rsp[off + 3:off + 3 + n]):
            banks.append(txtlaunch.ALG_BY_ID.get(alg, hex(alg)))
        off += 3 + n
    return banks


def read_file(g, name):
    try:
        with open(os.path.join(g.results, name), "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def log_from_guest(meta, g):
    """The heap as the guest sees it, walked to the log(s) in the dumps."""
    dumps = {meta["public"]["addr"]: read_file(g, "pub.bin"),
             meta["heap"]["addr"]: read_file(g, "heap.bin")}
    for i, l in enumerate(meta["logs"]):
        dumps[l["addr"]] = read_file(g, f"log{i}.bin")

    def read_phys(addr, size):
        for start, data in dumps.items():
            if start <= addr and addr + size <= start + len(data):
                return data[addr - start:addr - start + size]
        raise ValueError(f"{addr:#x}+{size} was not dumped")
    return txtlaunch.heap_log_areas(dumps[meta["heap"]["addr"]], read_phys)


def tpm2_eventlog_pcrs(log_bytes, path):
    """PCR values tpm2_eventlog (tpm2-tools) computes from a crypto-agile log."""
    with open(path, "wb") as f:
        f.write(log_bytes)
    out = subprocess.run(["tpm2_eventlog", path], capture_output=True, text=True).stdout
    pcrs, alg, seen = {}, None, False
    for line in out.splitlines():
        if line.startswith("pcrs:"):
            seen = True
        elif seen and line.strip().endswith(":") and line.startswith("  ") and not line.startswith("    "):
            alg = line.strip()[:-1]
        elif seen and alg and ":" in line:
            p, v = line.split(":", 1)
            pcrs.setdefault(alg, {})[int(p)] = bytes.fromhex(v.strip()[2:])
    return pcrs


def check_boot(c, meta, g, expected, tag=None):
    """Everything one launched boot must show."""
    fam = meta["family"]
    launch_log = read_file(g, "launch.log").decode(errors="replace")
    c.equal(read_file(g, "launch.rc").strip(), b"0", "the launch hook succeeded")
    c.check("launch: done" in launch_log, "the launch hook ran to its end", launch_log[-600:])
    c.equal(g.rc("insmod"), 0, "the scenario's own insmod works after the launch hook")
    c.check(harness.LAUNCH_DONE in g.dmesg(), "the kernel log marks the end of the launch")

    # The TPM's banks are the ones the generator computed digests for.
    if fam == "2.0":
        c.equal(allocated_banks(response_of(g, "caps")), meta["banks"],
                "TPM2_GetCapability(PCRS): the TPM has exactly the generated banks")

    # PCR 17-22 equal the metadata's replay, in every bank.
    got = pcr_values(meta, g)
    for alg in meta["banks"]:
        for p in PCRS:
            c.equal(got.get(alg, {}).get(p, b"").hex(), expected[alg][str(p)],
                    f"PCR {p} {alg} equals the host-side replay")

    # The bytes at the reserved physical addresses are the generated ones.
    with open(os.path.join(meta["_dir"], "txt.bin"), "rb") as f:
        blob = f.read()
    base = meta["base"]
    sl = lambda addr, n: blob[addr - base:addr - base + n]
    c.check(read_file(g, "pub.bin") == sl(meta["public"]["addr"], meta["public"]["size"]),
            "the TXT public space is at its physical address in the guest")
    heap = read_file(g, "heap.bin")[:meta["heap"]["used"]]
    c.check(heap[:16] == sl(meta["heap"]["addr"], 16) and len(heap) == meta["heap"]["used"],
            "the TXT heap is at HEAP.BASE in the guest")
    pub = read_file(g, "pub.bin")
    if len(pub) >= 0x310:
        c.equal(struct.unpack_from("<Q", pub, 0x300)[0], meta["heap"]["addr"], "HEAP.BASE points at the heap")
        c.check(struct.unpack_from("<Q", pub, 0)[0] & 1, "TXT.STS has SENTER.DONE")
        c.equal(struct.unpack_from("<H", pub, 0x110)[0], 0x8086, "DIDVID names Intel")

    # Walk the heap as the guest sees it, to the log, and replay that log.
    try:
        fmt, areas = log_from_guest(meta, g)
    except (ValueError, struct.error) as e:
        c.check(False, "the heap leads to the event log", str(e))
        return
    c.equal(fmt, meta["log_format"], f"OsSinitData carries the element {meta['element']} log pointer")
    events = txtlaunch.parse_logs(fmt, areas)
    replayed = txtlaunch.replay(events, meta["banks"])
    c.check(all(replayed[a][p] == got.get(a, {}).get(p) for a in meta["banks"] for p in PCRS),
            "a replay of the log read from guest memory gives the TPM's PCR 17-22, every bank",
            repr({a: {p: v.hex()[:16] for p, v in replayed[a].items()} for a in replayed}))
    first = [e for e in events if e.pcr == 17][:1]
    c.check(first and first[0].type == txtlaunch.EVTYPE_HASH_START and
            first[0].data.hex() == meta["hash_data"] and
            all(d == hashlib.new(a, first[0].data).digest() for a, d in first[0].digests.items()),
            "the first PCR 17 event is HASH_START with digest = H(the hashed data)")
    tag_events = [e for e in events if e.type == txtlaunch.EVTYPE_ASSET_TAG]
    if tag is None:
        c.equal(len(tag_events), 0, "no asset tag event without an asset tag")
    else:
        c.check(len(tag_events) == 1 and tag_events[0].pcr == 22 and
                tag_events[0].digests == txtlaunch.asset_tag_digests(meta, tag),
                "the log holds the asset tag event (PCR 22, the tag as digest)")
    if fmt == "agile":
        _, buf, first_off, nxt = areas[0]
        judged = tpm2_eventlog_pcrs(buf[first_off:nxt], os.path.join(meta["_dir"], "guest-log.bin"))
        c.check(judged and all(judged.get(a, {}).get(p, bytes(len(v))) == v
                               for a in meta["banks"] for p, v in got.get(a, {}).items()),
                "tpm2_eventlog's replay of the guest's log equals the TPM's PCRs")

    # What swtpm saw: the DRTM event on its control channel first, then the
    # plan's extends, each at the locality a real launch uses.
    with open(os.path.join(os.path.dirname(g.results), "swtpm.log"), errors="replace") as f:
        swlog = f.read()
    ctrl = harness.swtpm_ctrl_commands(swlog)
    codes = [code for code, _ in ctrl]
    hash_data = bytes.fromhex(meta["hash_data"])
    i = next((k for k in range(len(codes) - 2) if codes[k:k + 3] == [6, 7, 8]), None)
    c.check(i is not None and ctrl[i + 1][1] == struct.pack(">I", len(hash_data)) + hash_data,
            "swtpm's control channel got HASH_START, HASH_DATA(the hashed data), HASH_END",
            repr(codes))
    # The TPM commands that came after HASH_END, with their localities.
    lines = swlog.splitlines()
    end = next((k for k in range(len(lines) - 1) if lines[k].strip().startswith("Ctrl Cmd:")
                and lines[k + 1].split() == ["00", "00", "00", "08"]), len(lines))
    before = harness.swtpm_commands("\n".join(lines[:end]))
    seen = harness.swtpm_commands(swlog)[len(before):]
    want = [(e["locality"], bytes.fromhex(e["command"])) for e in meta["events"] if e["locality"] != 4]
    if tag is not None:
        at = meta["asset_tag"]
        want.append((at["locality"], txtlaunch.asset_tag_extend(meta, tag)))
    missing = [f"{cmd[6:14].hex()} at {loc}" for loc, cmd in want if (loc, cmd) not in seen]
    c.check(not missing, f"swtpm ran the {len(want)} later extends after HASH_END, each at its "
            "locality (SINIT 3, tboot 2)", "; ".join(missing[:5]))
    c.check(not harness.kernel_problems(g.dmesg()), "no kernel problem in the log")


def main(argv):
    modes = argv[1:] or list(TPM_OF)
    c = harness.Checker("launch")
    binaries = harness.guest_binaries()
    for mode in modes:
        c.name = f"launch/{mode}"
        d = harness.launch_dir("launch", mode)
        meta = txtlaunch.generate(d, mode)
        meta["_dir"] = d
        state = harness.fresh_state(mode)
        asset = mode == "tpm2-agile"
        try:
            g = harness.boot(f"launch-{mode}", TPM_OF[mode], state, steps_for(meta, asset),
                             binaries, launch=d, timeout=120)
        except RuntimeError as e:
            c.check(False, "boot", str(e))
            continue
        check_boot(c, meta, g, meta["expected_pcrs"])
        if not asset:
            continue
        c.equal(g.rc("nv_define"), 0, "TPM2_NV_DefineSpace of the asset tag index (owner, empty auth)")
        c.equal(g.rc("nv_write"), 0, "TPM2_NV_Write of the asset tag")

        # Reboot on the same TPM state: the launch now finds the tag.
        c.name = f"launch/{mode}+tag"
        try:
            g = harness.boot(f"launch-{mode}-tag", TPM_OF[mode], state, steps_for(meta, False),
                             binaries, launch=d, timeout=120)
        except RuntimeError as e:
            c.check(False, "reboot", str(e))
            continue
        expected = json.loads(json.dumps(meta["expected_pcrs"]))
        # Every bank (the agile log wants them all), the tag fitted to it.
        for alg, d in txtlaunch.asset_tag_digests(meta, TAG).items():
            expected[alg]["22"] = hashlib.new(alg, bytes(len(d)) + d).hexdigest()
        c.equal(pcr_values(meta, g).get("sha256", {}).get(22, b"").hex(),
                hashlib.sha256(bytes(32) + TAG).hexdigest(), "PCR 22 = SHA256(32 zero bytes || tag)")
        check_boot(c, meta, g, expected, tag=TAG)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
