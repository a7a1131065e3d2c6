#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""TEST ONLY: relay between QEMU and swtpm's control channel. Never shipped.

swtpm's control socket serves one client, and QEMU holds it; the locality-4
DRTM event (CMD_HASH_START/DATA/END) must reach swtpm over that same
channel. So boot.sh --launch puts this relay in between:

  QEMU -chardev socket,path=LISTEN  ->  relay  ->  swtpm --ctrl path=SWTPM
  QEMU ttyS2 (-chardev socket,path=GUEST)  ->  relay (requests, see below)

  tpmrelay.py --swtpm SWTPM --listen LISTEN --guest GUEST [--launch DIR]
              [--data] [--log FILE]

With --data (boot.sh --faults) the relay also sits in the data channel:
CMD_SET_DATAFD gets a socket of the relay's own, and each TPM command and
response passes through a thread that can break the next response to a
given command code, as the guest asks (FAULT below).

QEMU's control requests are forwarded one at a time, with any file
descriptor they carry (CMD_SET_DATAFD passes the data channel's socket with
SCM_RIGHTS), and the relay waits for swtpm's whole answer before it does
anything else. Guest requests are served only between two QEMU requests, so
the relay's own commands are never interleaved with QEMU's.

The guest protocol, one line each way, on the guest's ttyS2:
  PLAN   ->  the lines of DIR/plan.sh, then "END"
  DRTM   ->  HASH_START, HASH_DATA (DIR/launch.json's hash_data, in chunks
             of at most 4096 bytes: swtpm's ptm_hdata buffer), HASH_END;
             answers "OK DRTM" or "ERR <what>"
  FAULT KIND CODE [ARG] (--data) for the next response to command CODE
         (hex; "short" and "pad" wait for a success, "body" for an
         error): "delay CODE SECONDS" holds it; "mute CODE" holds it until
         UNMUTE; "short CODE N" sends the first N bytes (header length N);
         "pad CODE N" appends N zero bytes (header length grown by N);
         "stall CODE N" sends the first N bytes of the header's full length
         and the rest after 5 s; "tag CODE" breaks the tag; "body CODE"
         appends 8 bytes to an error response; answers "OK FAULT"
  UNMUTE ->  releases a held response; "OK UNMUTE"
  STATS  ->  "OK <faults injected> <commands relayed>"
  anything else -> "ERR unknown request"
"""
import argparse
import array
import json
import os
import select
import socket
import struct
import sys
import threading
import time

CMD_HASH_START, CMD_HASH_DATA, CMD_HASH_END = 6, 7, 8
CMD_SET_DATAFD = 16
CMD_GET_INFO = 18
TPM_HEADER_LEN = 10
HASH_CHUNK = 4096
# Bytes of swtpm 0.7's successful answer per control command (its out_len);
# anything else answers a 4-byte ptm_res. An error answer is 4 bytes for
# every command, so reading stops early when no more bytes come.
ANSWER_LEN = {1: 8, 4: 8, 15: 8, 17: 16}


def read_exact(sock, n):
    data = b""
    while len(data) < n:
        more = sock.recv(n - len(data))
        if not more:
            raise EOFError("channel closed")
        data += more
    return data


def read_frame(sock):
    """One TPM command or response, framed by its header's length."""
    head = read_exact(sock, TPM_HEADER_LEN)
    length = struct.unpack(">I", head[2:6])[0]
    return head + read_exact(sock, max(0, length - TPM_HEADER_LEN))


class DataPath:
    """The TPM data channel, QEMU <-> swtpm, with faults on request."""

    def __init__(self, qemu, swtpm, say):
        self.qemu, self.swtpm, self.say = qemu, swtpm, say
        self.lock = threading.Lock()
        self.faults = {}           # command code -> (kind, arg)
        self.released = threading.Event()
        self.injected = self.relayed = 0

    def arm(self, kind, code, arg):
        with self.lock:
            self.faults[code] = (kind, arg)
            self.released.clear()

    def run(self):
        try:
            while True:
                cmd = read_frame(self.qemu)
                code = struct.unpack(">I", cmd[6:10])[0]
                self.swtpm.sendall(cmd)
                rsp = read_frame(self.swtpm)
                with self.lock:
                    fault = self.faults.get(code)
                    if fault and not self.applies(fault[0], rsp):
                        fault = None      # e.g. a TPM_RC_RETRY first
                    if fault:
                        del self.faults[code]
                    self.relayed += 1
                    self.injected += fault is not None
                if fault:
                    self.say(f"data: {fault[0]} on 0x{code:x}, response {rsp.hex()}")
                    self.respond_badly(rsp, *fault)
                else:
                    self.qemu.sendall(rsp)
        except (EOFError, OSError) as e:
            self.say(f"data path closed: {e}")

    @staticmethod
    def applies(kind, rsp):
        """Cutting or padding is meant for a success, a body for an error."""
        rc = struct.unpack(">I", rsp[6:10])[0]
        if kind in ("short", "pad"):
            return rc == 0
        if kind == "body":
            return rc != 0
        return True

    def respond_badly(self, rsp, kind, arg):
        if kind == "delay":
            time.sleep(float(arg))
        elif kind == "mute":
            self.released.wait()
        elif kind == "short":
            n = max(TPM_HEADER_LEN, min(int(arg), len(rsp)))
            rsp = rsp[:2] + struct.pack(">I", n) + rsp[6:n]
        elif kind == "pad":
            rsp = rsp[:2] + struct.pack(">I", len(rsp) + int(arg)) + rsp[6:] + bytes(int(arg))
        elif kind == "stall":
            # QEMU reads the header's length: it waits for the rest.
            self.qemu.sendall(rsp[:int(arg)])
            time.sleep(5)
            rsp = rsp[int(arg):]
        elif kind == "tag":
            rsp = b"\x12\x34" + rsp[2:]
        elif kind == "body":
            rsp = rsp[:2] + struct.pack(">I", len(rsp) + 8) + rsp[6:] + bytes(8)
        self.qemu.sendall(rsp)


class Relay:
    def __init__(self, swtpm_path, launch_dir, log, data=False):
        self.swtpm = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.swtpm.connect(swtpm_path)
        self.launch_dir = launch_dir
        self.log = log
        self.data = data
        self.datapath = None
        self.log_lock = threading.Lock()

    def say(self, text):
        with self.log_lock:
            self.log.write(f"{time.monotonic():.3f} {text}\n")
            self.log.flush()

    def answer(self, code):
        """Reads swtpm's answer to the command just sent."""
        want = ANSWER_LEN.get(code, 4)
        data = self.swtpm.recv(65536)
        if not data:
            raise EOFError("swtpm closed the control channel")
        if code == CMD_GET_INFO and len(data) >= 12:
            want = 12 + struct.unpack(">I", data[8:12])[0]
        while len(data) < want:
            # swtpm writes each answer at once; a short one is an error answer.
            r, _, _ = select.select([self.swtpm], [], [], 0.2)
            if not r:
                break
            more = self.swtpm.recv(65536)
            if not more:
                break
            data += more
        return data

    def forward(self, qemu):
        """One QEMU request (with its fds) to swtpm, the answer back."""
        fds = array.array("i")
        msg, anc, _, _ = qemu.recvmsg(65536, socket.CMSG_SPACE(4 * fds.itemsize))
        if not msg:
            return False
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(data[:len(data) - len(data) % fds.itemsize])
        code = struct.unpack(">I", msg[:4])[0] if len(msg) >= 4 else -1
        if self.data and code == CMD_SET_DATAFD and len(fds) == 1:
            fds = self.interpose(fds[0])
        cmsg = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds.tobytes())] if fds else []
        self.swtpm.sendmsg([msg], cmsg)
        for fd in fds:
            os.close(fd)          # swtpm has its own copy now
        rsp = self.answer(code)
        qemu.sendall(rsp)
        self.say(f"qemu ctrl {code} len {len(msg)}{' fd' if fds else ''} -> {rsp.hex()}")
        return True

    def interpose(self, qemu_fd):
        """swtpm gets one end of a socketpair of ours instead of QEMU's
        socket; a thread relays between them."""
        qemu = socket.socket(fileno=qemu_fd)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.datapath = DataPath(qemu, ours, self.say)
        threading.Thread(target=self.datapath.run, daemon=True).start()
        self.say("data channel interposed")
        return array.array("i", [os.dup(theirs.fileno())])

    def ctrl(self, code, body=b""):
        self.swtpm.sendall(struct.pack(">I", code) + body)
        rsp = self.answer(code)
        rc = struct.unpack(">I", rsp[:4])[0] if len(rsp) >= 4 else None
        self.say(f"relay ctrl {code} len {4 + len(body)} -> rc {rc}")
        return rc

    def drtm(self):
        with open(os.path.join(self.launch_dir, "launch.json")) as f:
            data = bytes.fromhex(json.load(f)["hash_data"])
        rc = self.ctrl(CMD_HASH_START)
        for i in range(0, len(data), HASH_CHUNK):
            if rc:
                break
            chunk = data[i:i + HASH_CHUNK]
            rc = self.ctrl(CMD_HASH_DATA, struct.pack(">I", len(chunk)) + chunk)
        if not rc:
            rc = self.ctrl(CMD_HASH_END)
        return "OK DRTM" if rc == 0 else f"ERR swtpm answered {rc}"

    def guest_request(self, line):
        self.say(f"guest asks {line!r}")
        if line == "PLAN" and self.launch_dir:
            with open(os.path.join(self.launch_dir, "plan.sh")) as f:
                return f.read().rstrip("\n") + "\nEND"
        if line == "DRTM" and self.launch_dir:
            return self.drtm()
        words = line.split()
        if self.datapath and words[:1] == ["FAULT"] and len(words) in (3, 4) and \
                words[1] in ("delay", "mute", "short", "pad", "stall", "tag", "body"):
            self.datapath.arm(words[1], int(words[2], 16), words[3] if len(words) == 4 else None)
            return "OK FAULT"
        if self.datapath and line == "UNMUTE":
            self.datapath.released.set()
            return "OK UNMUTE"
        if self.datapath and line == "STATS":
            return f"OK {self.datapath.injected} {self.datapath.relayed}"
        return "ERR unknown request"


def serve(args):
    log = open(args.log, "a") if args.log else sys.stderr
    relay = Relay(args.swtpm, args.launch, log, data=args.data)
    listeners = []
    for path in (args.listen, args.guest):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if os.path.exists(path):
            os.unlink(path)
        s.bind(path)
        s.listen(1)
        listeners.append(s)
    lq, lg = listeners
    qemu = guest = None
    pending = b""
    while True:
        watch = [x for x in (lq if qemu is None else qemu, lg if guest is None else guest)]
        r, _, _ = select.select(watch, [], [])
        # QEMU first: it blocks on its answer, the guest can wait.
        if qemu is not None and qemu in r:
            if not relay.forward(qemu):
                relay.say("qemu closed the control channel")
                return 0
        elif qemu is None and lq in r:
            qemu, _ = lq.accept()
            relay.say("qemu connected")
        if guest is not None and guest in r:
            data = guest.recv(4096)
            if not data:
                guest = None
                continue
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                line = line.decode(errors="replace").strip()
                if line:
                    guest.sendall((relay.guest_request(line) + "\n").encode())
        elif guest is None and lg in r:
            guest, _ = lg.accept()
            relay.say("guest serial connected")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--swtpm", required=True, help="swtpm's control socket")
    ap.add_argument("--listen", required=True, help="socket QEMU's tpmdev connects to")
    ap.add_argument("--guest", required=True, help="socket QEMU's ttyS2 connects to")
    ap.add_argument("--launch", help="directory written by txtlaunch.py")
    ap.add_argument("--data", action="store_true", help="relay the data channel too (faults)")
    ap.add_argument("--log")
    return serve(ap.parse_args(argv[1:]))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
