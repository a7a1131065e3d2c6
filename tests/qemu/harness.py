# SPDX-License-Identifier: GPL-2.0
"""Host side of the QEMU tests: build a guest, boot it, read what it did.

A test writes the guest's scenario as a list of steps (shell commands). The
guest runs them in order, saving each step's stdout, stderr and exit code;
the host then asserts on those files, on the kernel log and on the audit
records. Knowledge of what a step must produce stays in the host test.
"""
import atexit
import fcntl
import hashlib
import json
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.join(REPO, "build")

# Kernel log lines that mean the kernel itself went wrong.
KERNEL_PROBLEMS = re.compile(
    r"Oops|BUG:|WARNING:|Call Trace|general protection|"
    r"unreferenced object|kmemleak|list_(add|del) corruption|refcount_t:|"
    r"soft lockup|hung_task|blocked for more than|UBSAN|KASAN|"
    r"scheduling while atomic|sleeping function called"
)

# The debug kernel's greetings, which the pattern above would take for reports.
KERNEL_BANNERS = re.compile(r"kmemleak: Kernel memory leak detector initialized")

# XENMB_GUEST=debug (tests/debugkernel): env.sh points the guest kernel and
# KHEADERS at the debug build. KASAN and lockdep make it several times slower
# under TCG, hence the longer timeouts; xenmb_debugk=1 makes /init unload the
# module and ask kmemleak for a report after the scenario. UBSAN_SANITIZE=y:
# that kernel has UBSAN for the objects that ask for it, i.e. ours.
DEBUG_GUEST = os.environ.get("XENMB_GUEST") == "debug"
# XENMB_HOST=xen: every boot is Xen 4.17's PV dom0 (boot.sh --host; the
# variable is the one switch, boot.sh reads it too). Xen's own boot adds
# ~20 s per boot under TCG, hence the longer timeouts; work directories get
# a "xen-" prefix so a Xen run never reuses a bare-Linux run's build/qemu/.
# boot(host=...) chooses the host of one boot instead (bench/run.py boots
# both in one run).
HOST = os.environ.get("XENMB_HOST", "linux")
XEN = HOST == "xen"


def timeout_scale(host=HOST):
    return float(os.environ.get(
        "XENMB_TIMEOUT_SCALE", "6" if DEBUG_GUEST else "2" if host == "xen" else "1"))


TIMEOUT_SCALE = timeout_scale()
DEBUG_APPEND = "xenmb_debugk=1"
DEBUG_MODULE_ARGS = ["UBSAN_SANITIZE=y"] if DEBUG_GUEST else []

# XENMB_GUEST=5.10 / 6.12 (tests/kernels): env.sh points the guest kernel,
# its modules and KHEADERS at that Debian kernel. Each run's work directory
# and module get the series in their name, so results of different kernels
# never mix; /init loads the modules XENMB_GUEST_KMODS names first.
GUEST = os.environ.get("XENMB_GUEST", "")
OTHER_KERNEL = GUEST in ("5.10", "6.12")
# XENMB_GUEST=noaudit (tests/debugkernel): a kernel without CONFIG_AUDIT,
# where the module's records go to the kernel log ("xenmb: record: ...")
# and the tracepoint; its work directories and module are kept apart too.
NOAUDIT_GUEST = GUEST == "noaudit"
# The debug kernel's too: a bare-Linux run beside it must not overwrite
# the boots tests/debugkernel/reports.py then judges.
OWN_WORK = OTHER_KERNEL or NOAUDIT_GUEST or DEBUG_GUEST
# Which guests have tracefs and so xenmb's tracepoint: every one but the
# debug kernel, whose tinyconfig leaves tracing out.
GUEST_TRACES = not DEBUG_GUEST


def insmod(*params):
    """The guest's command that loads xenmb with @params ("name=value").
    Without audit every record should reach the kernel log, so there the
    rate limit is off (record_log_burst=0) unless @params set it."""
    if NOAUDIT_GUEST and not any(p.startswith("record_log_burst=") for p in params):
        params += ("record_log_burst=0",)
    return " ".join(("insmod /lib/modules/xenmb/xenmb.ko",) + params)


# How xenmb is loaded by the scenarios.
INSMOD = insmod()


class Checker:
    """Counts assertions; prints TAP-like lines and a closing tally."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, cond, what, detail=""):
        if cond:
            self.passed += 1
            print(f"ok - {self.name}: {what}")
        else:
            self.failed += 1
            _FAILED[0] = True
            print(f"not ok - {self.name}: {what}" + (f"\n    {detail}" if detail else ""))
        sys.stdout.flush()
        return bool(cond)

    def equal(self, got, want, what):
        return self.check(got == want, what, f"got {got!r}, want {want!r}")

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 0 if self.failed == 0 else 1


class Step:
    def __init__(self, name, command, stdin=None):
        self.name = name
        self.command = command
        self.stdin = stdin


def guest_script(steps, prologue=""):
    """The /scenario.sh that runs each step into /results/NAME.{out,err,rc}."""
    lines = [
        "#!/bin/sh",
        'R="$1"',
        "export PATH=/usr/sbin:/usr/bin:/sbin:/bin",
        prologue,
    ]
    for s in steps:
        redirect = f'>"$R/{s.name}.out" 2>"$R/{s.name}.err"'
        if s.stdin is not None:
            redirect += f' <<"XENMB_EOF"\n{s.stdin}\nXENMB_EOF'
            lines.append(f"( {s.command} ) {redirect}")
        else:
            lines.append(f"( {s.command} ) {redirect} </dev/null")
        lines.append(f'echo $? >"$R/{s.name}.rc"')
    lines.append("exit 0")
    return "\n".join(lines) + "\n"


class Guest:
    """One boot of the test guest and what it left behind."""

    def __init__(self, results):
        self.results = results

    def out(self, step):
        return self._read(step, "out")

    def err(self, step):
        return self._read(step, "err")

    def rc(self, step):
        text = self._read(step, "rc").strip()
        return int(text) if text else None

    def json(self, step):
        try:
            return json.loads(self.out(step))
        except ValueError:
            return None

    def json_lines(self, step):
        """JSON objects, one a line, of a step's stdout (or of a file)."""
        items = []
        for line in self.out(step).splitlines():
            line = line.strip()
            if line.startswith("{"):
                items.append(json.loads(line))
        return items

    def dmesg(self):
        return self._read(None, "dmesg.txt")

    def _read(self, step, what):
        name = what if step is None else f"{step}.{what}"
        try:
            with open(os.path.join(self.results, name), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""


def guest_binaries():
    """Builds the module for the guest kernel, the helper and the probe."""
    env = load_env()
    kheaders = env["KHEADERS"]
    os.makedirs(BUILD, exist_ok=True)
    # Tests run side by side (make check's two lanes); two builds in one
    # tree would trample each other's objects, and the tree's xenmb.ko may
    # be rebuilt for another kernel (the kernels suite) or removed while a
    # boot still packs it: each guest kernel gets its own copy, made under
    # the lock.
    with build_lock():
        b = _build_guest_binaries(kheaders, env.get("XENMB_KMAKE_ARGS", "").split())
        ko = os.path.join(BUILD, "kernels", GUEST or "6.1", "xenmb.ko")
        os.makedirs(os.path.dirname(ko), exist_ok=True)
        shutil.copyfile(b["module"], ko + ".new")
        os.replace(ko + ".new", ko)
        b["module"] = ko
        if OTHER_KERNEL:
            b["kmods"] = guest_kmods(env)
        return b


class build_lock:
    """Holds build/.build.lock: one build in the tree at a time, whichever
    test (or lane of make check) asks."""

    def __enter__(self):
        os.makedirs(BUILD, exist_ok=True)
        self.f = open(os.path.join(BUILD, ".build.lock"), "w")
        fcntl.flock(self.f, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        self.f.close()


def make(*targets):
    """make -s -C REPO TARGETS..., under the build lock."""
    with build_lock():
        run(["make", "-s", "-C", REPO] + list(targets))


def host_name(name, host=None):
    """NAME for a bare-Linux run, xen-NAME for a Xen run: what a run writes
    under build/ is named so, as the two may run at once (make check's
    lanes) and must never share files."""
    return ("xen-" if (host or HOST) == "xen" else "") + name


def guest_kmods(env):
    """The .ko files of XENMB_GUEST_KMODS and what they depend on, from
    KMODDIR (no modules.dep there: modinfo tells), dependencies first."""
    names = env.get("XENMB_GUEST_KMODS", "").split()
    if not names:
        return []
    files = {}
    for top, _, fs in os.walk(env["KMODDIR"]):
        for f in fs:
            m = re.match(r"(.+)\.ko(\.xz)?$", f)
            if m:
                files[m.group(1).replace("-", "_")] = os.path.join(top, f)
    order = []

    def visit(name):
        key = name.replace("-", "_")
        if key in (os.path.basename(o).split(".")[0].replace("-", "_") for o in order):
            return
        deps = subprocess.run(["modinfo", "-F", "depends", files[key]], check=True,
                              capture_output=True, text=True).stdout.strip()
        for d in filter(None, deps.split(",")):
            visit(d)
        order.append(files[key])

    for n in names:
        visit(n)
    return order


def _build_guest_binaries(kheaders, kmake_args=()):
    run(["make", "-s", "-C", REPO, "module", f"KDIR={kheaders}"] + list(kmake_args) +
        DEBUG_MODULE_ARGS)
    run(["make", "-s", "-C", REPO, "helper"])
    run(["make", "-s", "-C", REPO, "tcti"])
    probe = _build_test_program("xenmb-probe")
    abuse = _build_test_program("xenmb-abuse", "-pthread")
    return {
        "module": os.path.join(REPO, "xenmb.ko"),
        "bins": [os.path.join(BUILD, "xenmb"), probe, abuse],
    }


def _build_test_program(name, *flags):
    """build/test/NAME from tests/qemu/NAME.c. Built under another name and
    renamed: a boot of the other lane may be packing the old one."""
    out = os.path.join(BUILD, "test", name)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    run(["cc", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", *flags, "-o", out + ".new",
         os.path.join(HERE, name + ".c")])
    os.replace(out + ".new", out)
    return out


def tcti_binaries(tools=("tpm2_pcrread", "tpm2_getrandom", "tpm2_pcrextend")):
    """guest_binaries() plus the xenmb TCTI and tpm2-tools programs, for
    'tpm2_* -T xenmb' in the guest. The TCTI goes in by its soname, the
    name libtss2-tctildr dlopen()s."""
    b = guest_binaries()
    b["libs"] = [os.path.join(BUILD, "libtss2-tcti-xenmb.so.0")]
    b["bins"] = b["bins"] + [os.path.join("/usr/bin", t) for t in tools]
    return b


def load_env():
    out = subprocess.run(
        ["bash", "-c", f". {shlex.quote(os.path.join(HERE, 'env.sh'))} && env"],
        check=True, capture_output=True, text=True).stdout
    env = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return env


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def boot(name, tpm, state, steps, binaries, prologue="", append="",
         timeout=300, extra_args=(), launch=None, faults=False, host=None, xen_append=""):
    """Builds an initramfs for @steps and boots it; returns a Guest.

    @host: "linux" or "xen" for this boot; None: HOST (XENMB_HOST).
    @xen_append: added to Xen's command line (after XENMB_XEN_APPEND).

    @launch: a directory from txtlaunch.py: the guest boots as a host after
    an (emulated, test-only) TXT measured launch; see boot.sh --launch. The
    launch hook's own TPM commands come before the scenario's in the kernel
    log: after_launch() cuts them off.

    @faults: tpmrelay.py sits in the TPM's data channel and breaks
    responses when the guest asks it on ttyS2 (boot.sh --faults)."""
    if DEBUG_GUEST:
        append = (append + " " + DEBUG_APPEND).strip()
    host = host or HOST
    timeout = int(timeout * timeout_scale(host))
    if OWN_WORK:
        name = f"{name}@{GUEST}"
    work = os.path.join(BUILD, "qemu", host_name(name, host))
    os.makedirs(work, exist_ok=True)
    scenario = os.path.join(work, "scenario.sh")
    with open(scenario, "w") as f:
        f.write(guest_script(steps, prologue))
    os.chmod(scenario, 0o755)
    initrd = os.path.join(work, "initrd.gz")
    cmd = [os.path.join(HERE, "mkinitramfs.sh"), "--out", initrd,
           "--scenario", scenario, "--module", binaries["module"]]
    for b in binaries["bins"]:
        cmd += ["--bin", b]
    # dlopen()ed libraries (the TCTI), which ldd of the programs never lists.
    for lib in binaries.get("libs", []):
        cmd += ["--lib", lib]
    # Other files, "SRC:/DEST" (e.g. xenmb as /opt/xensource/tpm/xentpm).
    for f in binaries.get("files", []):
        cmd += ["--file", f]
    for k in binaries.get("kmods", []):
        cmd += ["--kmod", k]
    run(cmd)
    out = os.path.join(work, "out")
    cmd = [os.path.join(HERE, "boot.sh"), "--host", host, "--tpm", tpm, "--initrd", initrd,
           "--out", out, "--timeout", str(timeout)]
    if state:
        cmd += ["--state", state]
    # The default 128 KiB kernel log would lose early audit records.
    cmd += ["--append", ("log_buf_len=16M " + append).strip()]
    cmd += list(extra_args)
    if launch:
        cmd += ["--launch", launch]
    if faults:
        cmd += ["--faults", "on"]
    env = None
    if xen_append:
        env = dict(os.environ, XENMB_XEN_APPEND=" ".join(
            filter(None, [os.environ.get("XENMB_XEN_APPEND", ""), xen_append])))
    proc = subprocess.run(cmd, env=env)
    if proc.returncode == 2:
        raise RuntimeError(f"{name}: the guest delivered no results")
    return Guest(os.path.join(out, "results"))


def launch_dir(*parts):
    """An empty directory for one boot's txtlaunch.py output, apart for each
    host: a Xen run's blob sits elsewhere (txtlaunch.default_base()) and
    its plan names absolute addresses, so a bare-Linux run and a Xen run of
    one script must never share one (tpmrelay.py reads the plan from it
    while the guest boots). Emptied first: nothing of an earlier run
    (another test's, another host's) is ever read again."""
    d = os.path.join(BUILD, "launch-xen" if XEN else "launch-linux", *parts)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


# TPM state directories of this run: removed at exit when every check
# passed, kept (and named) when one failed, for the post-mortem.
_STATES = []
_FAILED = [False]


def fresh_state(name):
    state = tempfile.mkdtemp(prefix=f"xenmb-{name}-", dir=os.path.join(BUILD))
    if not _STATES:
        atexit.register(_remove_states)
    _STATES.append(state)
    return state


def _remove_states():
    failed = _FAILED[0] or sys.exc_info()[0] is not None or \
        getattr(sys, "last_type", None) is not None
    for state in _STATES:
        if failed:
            print(f"# TPM state kept for inspection: {state}")
        else:
            shutil.rmtree(state, ignore_errors=True)


AUDIT_RE = re.compile(r"audit: type=(\d+) audit\(([\d.]+):(\d+)\): (.*)$")
FIELD_RE = re.compile(r'(\w+)=("[^"]*"|\S+)')


# xenmb's record where audit did not take it (driver/audit.c), and the count
# of records its rate limit held back.
RECORD_RE = re.compile(r"xenmb: record: (op=.*)$")
HELD_BACK_RE = re.compile(r"xenmb: (\d+) records not written to the kernel log \(record_log_burst\)")
# The same record in the tracepoint's output (/sys/kernel/tracing/trace).
TRACE_RE = re.compile(r"xenmb_tpm_cmd: (op=.*)$")


def _record(text, via):
    fields = {k: v.strip('"') for k, v in FIELD_RE.findall(text)}
    fields["_raw"] = text
    fields["_via"] = via
    return fields


def audit_records(dmesg, type_=1316):
    """The records of @type_ in the kernel log, as dicts, in order: audit's
    ("_via": "audit") and, for xenmb's type, those the module logged itself
    because audit did not take them ("_via": "log")."""
    records = []
    for line in dmesg.splitlines():
        m = AUDIT_RE.search(line)
        if m and int(m.group(1)) == type_:
            records.append(_record(m.group(4), "audit"))
            continue
        m = RECORD_RE.search(line)
        if m and type_ == 1316:
            records.append(_record(m.group(1), "log"))
    return records


def records_held_back(dmesg):
    """How many records xenmb's kernel-log rate limit said it held back."""
    return sum(int(m.group(1)) for m in map(HELD_BACK_RE.search, dmesg.splitlines()) if m)


def trace_records(trace):
    """xenmb:xenmb_tpm_cmd events in a tracefs "trace" file's text."""
    return [_record(m.group(1), "trace") for m in map(TRACE_RE.search, trace.splitlines()) if m]


LAUNCH_DONE = "xenmb-launch: done"


def after_launch(dmesg):
    """The kernel log after the launch hook's end mark (all of it if none)."""
    i = dmesg.find(LAUNCH_DONE)
    return dmesg if i < 0 else dmesg[dmesg.find("\n", i) + 1:]


def kernel_problems(dmesg):
    return [line for line in dmesg.splitlines()
            if KERNEL_PROBLEMS.search(line) and not KERNEL_BANNERS.search(line)]


CTRL_SET_LOCALITY = 5


def swtpm_commands(log_text):
    """(locality, command bytes) of each command swtpm executed, in order.

    Reads swtpm's log (level 4 or more): hex dumps of the control channel
    ("Ctrl Cmd", where code 5 is SET_LOCALITY) and of the data channel
    ("SWTPM_IO_Read" is a command arriving). This is what the TPM really
    saw, independent of what the guest kernel claims.
    """
    commands = []
    locality = 0
    lines = log_text.splitlines()
    i = 0
    while i < len(lines):
        head = lines[i].strip()
        data = bytearray()
        j = i + 1
        while j < len(lines) and re.fullmatch(r"([0-9A-F]{2} ?)+", lines[j].strip() or "x"):
            data += bytes.fromhex(lines[j].strip())
            j += 1
        if head.startswith("Ctrl Cmd:") and len(data) >= 5 and \
                struct.unpack(">I", data[:4])[0] == CTRL_SET_LOCALITY:
            locality = data[4]
        elif head.startswith("SWTPM_IO_Read:"):
            commands.append((locality, bytes(data)))
        i = j
    return commands


def swtpm_ctrl_commands(log_text):
    """(code, body) of each control-channel command in swtpm's log, in
    order: 5 SET_LOCALITY, 6/7/8 HASH_START/DATA/END, 0x10 SET_DATAFD ..."""
    out = []
    lines = log_text.splitlines()
    for i, line in enumerate(lines):
        if not line.strip().startswith("Ctrl Cmd:"):
            continue
        data = bytearray()
        for nxt in lines[i + 1:]:
            if not re.fullmatch(r"([0-9A-F]{2} ?)+", nxt.strip() or "x"):
                break
            data += bytes.fromhex(nxt.strip())
        if len(data) >= 4:
            out.append((struct.unpack(">I", data[:4])[0], bytes(data[4:])))
    return out


def pcr_extend(family, old, digest):
    h = hashlib.sha256 if family == "2.0" else hashlib.sha1
    return h(old + digest).digest()
