#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The xenmb boot files and tpm2-abrmd over the xenmb TCTI, in one guest.

Boot: the files 'make install-boot' installs (the module options edited
as an administrator would) load the module the way systemd-modules-load
does (modprobe of each name), the options take effect in
/sys/module/xenmb/parameters, and the launch-check unit's ExecStart lines,
read from the installed unit, end as the unit's SuccessExitStatus says
they should, including a real SRTM mismatch.

Ecosystem: a private system bus (Debian's tpm2-abrmd D-Bus policy
included), tpm2-abrmd started by the drop-in's own ExecStart line, and
the tpm2-tools calls a Keylime agent makes, over -T tabrmd: getcap,
createek, createak, pcrread, quote (checked by tpm2_checkquote),
readpublic, activatecredential of a tpm2_makecredential -T none blob,
flushcontext. Every command the daemon sent (the TCTI's debug line for
each) is an audit record of tpm2-abrmd, in the same order, and each call
sent the TPM command it is for.

  test_ecosystem.py
"""
import hashlib
import re
import subprocess
import sys
import tempfile

import harness

UNIT = "/usr/lib/systemd/system/xenmb-launch-check.service"
DROPIN = "/usr/share/xenmb/tpm2-abrmd-xenmb.conf"
MODPROBE = "/etc/modprobe.d/xenmb.conf"
MODULES_LOAD = "/usr/lib/modules-load.d/xenmb.conf"
ABRMD = "/usr/sbin/tpm2-abrmd"
ABRMD_POLICY = "/etc/dbus-1/system.d/tpm2-abrmd.conf"
# What Keylime's agent is given (README, "Keylime"); tss-esapi and
# tpm2-tools read the same string.
TABRMD = "tabrmd:bus_name=com.intel.tss2.Tabrmd,bus_type=system"
NONCE = hashlib.sha256(b"xenmb ecosystem").hexdigest()[:32]
SECRET = "xenmb-ecosystem-secret"
# What an administrator sets in the options file (uncommenting its lines).
OPTIONS = {"policy": "locality0", "nv_allow": "0x01c10110", "record_log_burst": "7"}
# sysfs shows nv_allow in decimal.
SYSFS = {"policy": "locality0", "nv_allow": str(0x01c10110), "record_log_burst": "7"}

TOOLS = ("tpm2_getcap", "tpm2_createek", "tpm2_createak", "tpm2_pcrread", "tpm2_quote",
         "tpm2_checkquote", "tpm2_readpublic", "tpm2_makecredential", "tpm2_startauthsession",
         "tpm2_policysecret", "tpm2_activatecredential", "tpm2_flushcontext", "tpm2_pcrextend")

# A system bus of the guest's own, with the default-deny policy of a system
# bus; Debian's file for tpm2-abrmd then lets root own and call its name.
BUS_CONF = f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Introspectable"/>
  </policy>
  <include>{ABRMD_POLICY}</include>
</busconfig>"""

# The calls, in a Keylime agent's order, and the TPM command each is for.
T = "-T tabrmd"
OPS = [
    ("getcap", f"tpm2_getcap {T} properties-fixed", "TPM2_GetCapability"),
    ("createek", f"tpm2_createek -T '{TABRMD}' -c /tmp/ek.ctx -G rsa -u /tmp/ek.pub",
     "TPM2_CreatePrimary"),
    ("createak", f"tpm2_createak {T} -C /tmp/ek.ctx -c /tmp/ak.ctx -G rsa -g sha256 -s rsassa"
     " -u /tmp/ak.pem -f pem -n /tmp/ak.name", "TPM2_Create"),
    ("pcrread", f"tpm2_pcrread {T} sha256:0,1,2,3,4,5,6,7", "TPM2_PCR_Read"),
    ("quote", f"tpm2_quote {T} -c /tmp/ak.ctx -l sha256:0,1,2,3,4,5,6,7 -q {NONCE}"
     " -m /tmp/q.msg -s /tmp/q.sig -o /tmp/q.pcrs -g sha256", "TPM2_Quote"),
    ("readpublic", f"tpm2_readpublic {T} -c /tmp/ak.ctx -o /tmp/ak.pub -n /tmp/ak.name2",
     "TPM2_ReadPublic"),
    ("session", f"tpm2_startauthsession {T} --policy-session -S /tmp/s.ctx",
     "TPM2_StartAuthSession"),
    ("policysecret", f"tpm2_policysecret {T} -S /tmp/s.ctx -c e", "TPM2_PolicySecret"),
    ("activate", f"tpm2_activatecredential {T} -c /tmp/ak.ctx -C /tmp/ek.ctx -i /tmp/cred"
     " -o /tmp/secret.out -P session:/tmp/s.ctx", "TPM2_ActivateCredential"),
    ("flushcontext", f"tpm2_flushcontext {T} /tmp/s.ctx", "TPM2_FlushContext"),
]
# Counted after each call: the TCTI's lines so far, one per command sent.
TCTI_LINE = re.compile(r"^debug:tcti:\S*tcti_xenmb\.c:\d+:tcti_transmit\(\) "
                       r"(TPM2_\w+|command 0x[0-9a-f]+) at locality (\d): (.*)$", re.M)
MARK = "grep -c 'tcti_xenmb.c:[0-9]*:tcti_transmit()' /tmp/abrmd.log"


def unit_lines(path, key):
    """The values of KEY= in a unit file, in order (an empty one resets)."""
    vals = []
    with open(path) as f:
        for line in f:
            if line.startswith(key + "="):
                v = line[len(key) + 1:].strip()
                vals = [] if not v else vals + [v]
    return vals


def install_boot(dest):
    """make install-boot into @dest, the options uncommented as set in OPTIONS."""
    harness.make("install-boot", f"DESTDIR={dest}")
    path = dest + MODPROBE
    with open(path) as f:
        text = f.read()
    for name, value in OPTIONS.items():
        text, n = re.subn(rf"^#options xenmb {name}=.*$", f"options xenmb {name}={value}",
                          text, flags=re.M)
        if n != 1:
            raise RuntimeError(f"{MODPROBE}: no '#options xenmb {name}=' line")
    with open(path, "w") as f:
        f.write(text)


def step(name, cmd, mark=False, stdin=None):
    """A step; @mark: and after it NAME_mark, the daemon's commands so far."""
    s = [harness.Step(name, cmd, stdin)]
    if mark:
        s.append(harness.Step(f"{name}_mark", MARK))
    return s


def plan(execs, abrmd_cmd):
    # What a host's packages leave: the module under /lib/modules, depmod run.
    steps = step("depmod", "d=/lib/modules/$(uname -r)/extra && mkdir -p $d &&"
                 " cp /lib/modules/xenmb/xenmb.ko $d/ && depmod")
    # systemd-modules-load: modprobe each name the file lists.
    steps += step("modules_load", f"for m in $(grep -v '^#' {MODULES_LOAD}); do"
                  " modprobe $m || exit; done; ls /dev/xenmb")
    for p in OPTIONS:
        steps += step(f"param_{p}", f"cat /sys/module/xenmb/parameters/{p}")
    for i, e in enumerate(execs):
        steps += step(f"unit_{i}", e)
    # GDBus looks for the system bus at /var/run/dbus/system_bus_socket;
    # Debian's policy names the tss user and group.
    steps += step("busconf", "mkdir -p /etc/xenmb-test /run/dbus /var && ln -sfn /run /var/run &&"
                  " echo tss:x:101:101::/var/lib/tpm:/bin/false >> /etc/passwd &&"
                  " echo tss:x:101: >> /etc/group && cat > /etc/xenmb-test/bus.conf",
                  stdin=BUS_CONF)
    steps += step("machine_id", "echo 0123456789abcdef0123456789abcdef > /etc/machine-id")
    steps += step("dbus", "dbus-daemon --config-file=/etc/xenmb-test/bus.conf --fork --print-pid")
    # The drop-in's ExecStart, as written; TSS2_LOG makes the TCTI log each
    # command it sends.
    steps += step("abrmd", f"TSS2_LOG=tcti+debug {abrmd_cmd} > /tmp/abrmd.log 2>&1 &"
                  " echo $! > /tmp/abrmd.pid")
    steps += step("abrmd_up", "for i in $(seq 1 100); do dbus-send --system --print-reply"
                  " --dest=org.freedesktop.DBus /org/freedesktop/DBus"
                  " org.freedesktop.DBus.NameHasOwner string:com.intel.tss2.Tabrmd 2>/dev/null"
                  " | grep -q 'boolean true' && exit 0; sleep 0.2; done; exit 1", mark=True)
    for name, cmd, _ in OPS:
        steps += step(name, cmd, mark=True)
        if name == "readpublic":
            # The verifier's and registrar's half, with no TPM.
            steps += step("checkquote", "tpm2_checkquote -u /tmp/ak.pem -m /tmp/q.msg"
                          f" -s /tmp/q.sig -f /tmp/q.pcrs -g sha256 -q {NONCE}")
            steps += step("makecred", f"echo -n {SECRET} > /tmp/secret &&"
                          " tpm2_makecredential -T none -u /tmp/ek.pub -s /tmp/secret"
                          " -n $(od -An -v -tx1 /tmp/ak.name | tr -d ' \\n') -o /tmp/cred")
    steps += step("secret", "cat /tmp/secret.out")
    # A real mismatch for the launch check: PCR 7 extended past its log.
    steps += step("extend7", f"tpm2_pcrextend {T} 7:sha256={hashlib.sha256(b'x').hexdigest()}",
                  mark=True)
    steps += step("unit_mismatch", execs[0])
    steps += step("abrmd_stop", "kill $(cat /tmp/abrmd.pid); sleep 1; cat /tmp/abrmd.log")
    return steps


def check_boot(c, g, execs, ok_codes):
    c.equal(g.rc("depmod"), 0, "module under /lib/modules/$(uname -r), depmod")
    c.check(g.rc("modules_load") == 0 and "/dev/xenmb" in g.out("modules_load"),
            f"modprobe of each name in {MODULES_LOAD}: /dev/xenmb is there",
            g.out("modules_load") + g.err("modules_load"))
    for p, want in SYSFS.items():
        c.equal(g.out(f"param_{p}").strip(), want,
                f"{MODPROBE}: options xenmb {p}={OPTIONS[p]} -> /sys/module/xenmb/parameters/{p}")

    def unit_ok(rc):
        return rc == 0 or rc in ok_codes

    srtm, drtm = 0, 1
    c.check(g.rc(f"unit_{srtm}") == 0 and unit_ok(g.rc(f"unit_{srtm}")),
            f"unit: '{execs[srtm]}' exits 0: PCR 0-7 match SeaBIOS's log",
            g.out(f"unit_{srtm}")[-400:] + g.err(f"unit_{srtm}"))
    c.check(g.rc(f"unit_{drtm}") == 5 and unit_ok(5),
            f"unit: '{execs[drtm]}' exits 5 (no measured launch here), "
            "which the unit takes as success",
            f"rc {g.rc(f'unit_{drtm}')}: " + g.err(f"unit_{drtm}"))
    c.check(g.err(f"unit_{drtm}").strip() != "",
            "... and says why on stderr (the journal)", g.out(f"unit_{drtm}"))
    rc = g.rc("unit_mismatch")
    c.check(rc == 6 and not unit_ok(rc),
            "unit: after PCR 7 is extended past its log, the SRTM check exits 6 and fails the unit",
            f"rc {rc}: " + g.out("unit_mismatch")[-400:] + g.err("unit_mismatch"))


def check_ecosystem(c, g):
    c.equal(g.rc("dbus"), 0, "dbus-daemon: a private system bus with Debian's tpm2-abrmd policy")
    c.equal(g.rc("abrmd_up"), 0, "tpm2-abrmd, started by the drop-in's ExecStart, owns "
            "com.intel.tss2.Tabrmd")
    log = g.out("abrmd_stop")
    sent = TCTI_LINE.findall(log)
    c.check(sent, f"tpm2-abrmd sent {len(sent)} commands through the xenmb TCTI", log[-600:])
    for name, cmd, _ in OPS:
        c.equal(g.rc(name), 0, f"{cmd.split()[0]} over -T tabrmd exits 0 ({name})")
    c.equal(g.rc("checkquote"), 0, "tpm2_checkquote accepts the quote (AK PEM, nonce, PCRs)")
    c.equal(g.rc("makecred"), 0, "tpm2_makecredential -T none for the EK and the AK's name")
    c.equal(g.out("secret"), SECRET, "tpm2_activatecredential returns the secret")
    c.equal(g.rc("extend7"), 0, "tpm2_pcrextend over -T tabrmd (PCR 7)")

    records = [r for r in harness.audit_records(g.dmesg())
               if r.get("op") == "xenmb_tpm_cmd" and r.get("exe") == ABRMD]
    c.check([r.get("cmd") for r in records] == [s[0] for s in sent],
            f"audit: {len(records)} records of {ABRMD}, the commands it sent, in order",
            f"records {[r.get('cmd') for r in records][:40]}\n    sent {[s[0] for s in sent][:40]}")
    c.check(all(r.get("locality") == "0" for r in records) and
            all((r.get("tpm_rc") == "0x0") == (s[2] == "TPM_RC_SUCCESS")
                for r, s in zip(records, sent)),
            "audit: each at locality 0, with the return code the daemon saw")
    others = [r for r in harness.audit_records(g.dmesg())
              if r.get("op") == "xenmb_tpm_cmd" and r.get("comm", "").startswith("tpm2_")]
    c.check(not others, "no tool opened /dev/xenmb itself: every command went through the daemon",
            "\n    ".join(r["_raw"][:200] for r in others))

    # Each call's share of the daemon's commands: between its mark and the last.
    marks = {}
    for name in ["abrmd_up"] + [o[0] for o in OPS] + ["extend7"]:
        text = g.out(f"{name}_mark").strip()
        marks[name] = int(text) if text.isdigit() else None
    prev = marks["abrmd_up"]
    for name, _, want in OPS + [("extend7", "", "TPM2_PCR_Extend")]:
        end = marks[name]
        got = [s[0] for s in sent[prev:end]] if prev is not None and end is not None else []
        in_audit = [r.get("cmd") for r in records[prev:end]] if got else []
        c.check(want in got and in_audit == got,
                f"{name}: {want} among its {len(got)} commands, each in the audit", f"{got}")
        prev = end
    problems = harness.kernel_problems(g.dmesg())
    c.check(not problems, "no oops, WARN, BUG or leak report in the kernel log",
            "\n    ".join(problems[:5]))


def main(argv):
    c = harness.Checker("ecosystem")
    dest = tempfile.mkdtemp(prefix="xenmb-boot-", dir=harness.BUILD)
    try:
        install_boot(dest)
        execs = unit_lines(dest + UNIT, "ExecStart")
        ok_codes = {int(x) for v in unit_lines(dest + UNIT, "SuccessExitStatus") for x in v.split()}
        abrmd = unit_lines(dest + DROPIN, "ExecStart")
        c.check(len(execs) == 2 and len(abrmd) == 1,
                "the installed unit has two ExecStart lines, the drop-in one after its reset",
                f"{execs} {abrmd}")
        if not c.passed:
            return c.finish()
        b = harness.tcti_binaries(TOOLS)
        b["bins"] += [ABRMD, "/usr/bin/dbus-daemon", "/usr/bin/dbus-send"]
        b["libs"] = b["libs"] + ["/usr/lib/x86_64-linux-gnu/libtss2-tcti-tabrmd.so.0"]
        b["files"] = [f"{ABRMD}:{ABRMD}", f"{ABRMD_POLICY}:{ABRMD_POLICY}"] + [
            f"{dest}{p}:{p}" for p in (UNIT, DROPIN, MODPROBE, MODULES_LOAD)]
        try:
            g = harness.boot("ecosystem", "tpm2", harness.fresh_state("ecosystem"),
                             plan(execs, abrmd[0]), b, timeout=600)
        except RuntimeError as e:
            c.check(False, "tpm2: boot", str(e))
            return c.finish()
    finally:
        subprocess.run(["rm", "-rf", dest])
    check_boot(c, g, execs, ok_codes)
    check_ecosystem(c, g)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
