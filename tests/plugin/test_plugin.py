#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The xapi plugin "tpm" on the host: a stand-in XenAPIPlugin (this
directory) and a fake xentpm with canned outputs and error codes. Checks
the identity XML (parsed with xml.dom.minidom, the original's element
names and namespace), the arguments each function passes to xentpm, and
that failures raise exceptions with clear messages. xentpm itself is
tested for real in QEMU (tests/qemu/test_xentpm.py).

  test_plugin.py        final line: N passed, N failed
"""
import atexit
import json
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
from xml.dom import minidom

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PLUGIN = os.path.join(REPO, "plugin", "tpm")
FAKE = os.path.join(HERE, "fake_xentpm")
NS = "http://www.XenTxt.org/XenTxtGetAIK"
ELEMENTS = ["TPM_Endorsement_Certficate", "TPM_Endorsement_KEY_PEM",
            "TPM_Attestation_KEY_PEM", "TPM_Attestation_KEY_TCPA"]

sys.path.insert(0, HERE)
import XenAPIPlugin  # noqa: E402  (the stand-in)


class Checker:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, cond, what, detail=""):
        if cond:
            self.passed += 1
            print(f"ok - plugin: {what}")
        else:
            self.failed += 1
            print(f"not ok - plugin: {what}" + (f"\n    {detail}" if detail else ""))
        return bool(cond)

    def equal(self, got, want, what):
        return self.check(got == want, what, f"got {got!r}, want {want!r}")


class Fake:
    """Runs plugin functions against the fake xentpm; records its calls."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="xenmb-plugin-")
        # Only the fake's call log lives there: nothing to keep for later.
        atexit.register(shutil.rmtree, self.dir, ignore_errors=True)
        self.log = os.path.join(self.dir, "calls")
        os.environ["FAKE_XENTPM_LOG"] = self.log
        # The plugin's own entry point fills the stand-in's table.
        runpy.run_path(PLUGIN, run_name="__main__")
        self.fns = dict(XenAPIPlugin.functions)
        for f in self.fns.values():
            f.__globals__["XENTPM"] = FAKE

    def call(self, fn, args=None, fail="", garbage=""):
        """(result, exception, xentpm argvs)."""
        open(self.log, "w").close()
        os.environ["FAKE_XENTPM_FAIL"] = fail
        os.environ["FAKE_XENTPM_GARBAGE"] = garbage
        result = error = None
        try:
            result = self.fns[fn](None, args if args is not None else {})
        except Exception as e:
            error = e
        with open(self.log) as f:
            calls = [json.loads(line) for line in f]
        return result, error, calls


def main():
    c = Checker()
    fake = Fake()
    c.equal(sorted(fake.fns), sorted(["tpm_get_attestation_identity", "tpm_challenge",
                                      "tpm_get_quote", "tpm_set_asset_tag",
                                      "tpm_clear_asset_tag"]),
            "XenAPIPlugin.dispatch gets the five functions")

    # The identity document.
    xml, err, calls = fake.call("tpm_get_attestation_identity")
    c.check(err is None, "tpm_get_attestation_identity succeeds", repr(err))
    c.equal([a[0] for a in calls],
            ["--get_ekcert", "--get_ekey", "--gen_aik", "--get_aik_tcpa", "--get_aik_pem"],
            "identity: xentpm options in the original's order")
    c.equal(calls[2][1:] if len(calls) > 2 else None, [""],
            "identity: --gen_aik gets the (here absent) host certificate, base64")
    try:
        dom = minidom.parseString(xml)
    except Exception as e:
        dom = None
        c.check(False, "identity XML parses with xml.dom.minidom", repr(e))
    if dom:
        root = dom.documentElement
        c.equal(root.tagName, "xentxt:xentxtdata", "identity: root element")
        c.equal(root.getAttribute("xmlns:xentxt"), NS, "identity: xentxt namespace")
        c.equal(root.namespaceURI, NS, "identity: root is in the xentxt namespace")
        kids = [n.tagName for n in root.childNodes if n.nodeType == n.ELEMENT_NODE]
        c.equal(kids, ["xentxt:" + e for e in ELEMENTS], "identity: the original's elements")

        def text(name):
            nodes = dom.getElementsByTagName("xentxt:" + name)
            return nodes[0].firstChild.nodeValue if nodes and nodes[0].firstChild else ""
        c.equal(text("TPM_Endorsement_Certficate"), "MIIBfake/cert+base64==",
                "identity: EK certificate is xentpm --get_ekcert")
        c.check(text("TPM_Endorsement_KEY_PEM").startswith("-----BEGIN PUBLIC KEY-----\nEKEKEK"),
                "identity: EK PEM is xentpm --get_ekey")
        c.check("AKAKAK" in text("TPM_Attestation_KEY_PEM"),
                "identity: AIK PEM is xentpm --get_aik_pem")
        c.equal(text("TPM_Attestation_KEY_TCPA"), "ARgAAQALAAUAcgAAABAAFAAL",
                "identity: AIK blob is xentpm --get_aik_tcpa")
        c.equal(len(dom.getElementsByTagNameNS(NS, "TPM_Attestation_KEY_PEM")), 1,
                "identity: elements found by namespace too")

    xml, err, _ = fake.call("tpm_get_attestation_identity", fail="--get_ekcert=-4")
    ok = err is None and xml and minidom.parseString(xml).getElementsByTagName(
        "xentxt:TPM_Endorsement_Certficate")[0].firstChild is None
    c.check(ok, "identity: no EK certificate (-4) gives an empty element", repr(err))
    _, err, _ = fake.call("tpm_get_attestation_identity", fail="--get_ekcert=-10")
    c.check(err is not None and "no TPM" in str(err),
            "identity: another EK certificate failure (-10) raises", repr(err))
    _, err, _ = fake.call("tpm_get_attestation_identity", fail="--get_ekey=2466")
    c.check(err is not None and "reading the EK" in str(err) and "0x9a2" in str(err),
            "identity: a TPM error names the step and the TPM code", str(err))

    # Arguments as documented, nothing else on xentpm's command line.
    nonce = "q83vEjRWeJA="
    out, err, calls = fake.call("tpm_get_quote", {"nonce": nonce})
    c.equal((out, calls), ("eyJxdW90ZSI6ICJmYWtlIn0=", [["--tpm_quote", nonce]]),
            "tpm_get_quote runs xentpm --tpm_quote NONCE and returns its output")
    out, err, calls = fake.call("tpm_challenge", {"challenge": "AAECAw=="})
    c.equal((out, calls), ("c2VjcmV0", [["--tpm_challenge", "AAECAw=="]]),
            "tpm_challenge runs xentpm --tpm_challenge CHALLENGE")
    tag = "3q2+7w" + "A" * 37 + "="
    out, err, calls = fake.call("tpm_set_asset_tag", {"tag": tag})
    c.equal((out, err, calls), ("", None, [["--tpm_set_asset_tag", tag]]),
            "tpm_set_asset_tag runs xentpm --tpm_set_asset_tag TAG")
    out, err, calls = fake.call("tpm_clear_asset_tag")
    c.equal((out, err, calls), ("", None, [["--tpm_clear_asset_tag"]]),
            "tpm_clear_asset_tag runs xentpm --tpm_clear_asset_tag")

    # Argument checking: before xentpm runs.
    for fn, args, want in (("tpm_get_quote", {}, "needs the argument 'nonce'"),
                           ("tpm_get_quote", {"nonce": "not base64!"}, "'nonce' is not base64"),
                           ("tpm_challenge", {}, "needs the argument 'challenge'"),
                           ("tpm_challenge", {"challenge": "@@"}, "'challenge' is not base64"),
                           ("tpm_set_asset_tag", {}, "needs the argument 'tag'")):
        _, err, calls = fake.call(fn, args)
        c.check(err is not None and want in str(err) and not calls,
                f"{fn} {args}: raises '{want}' without running xentpm", repr(err))

    # Error codes become clear messages.
    for code, words in (("1", "Error: XenServer does not own the TPM. Please clear the TPM in"),
                        ("1", "owner password"), ("3", "rejected its arguments"),
                        ("-3", "internal error"), ("-10", "/dev/xenmb cannot be opened"),
                        ("-11", "does not implement"), ("-12", "another TPM"),
                        ("-13", "not a tpm2_makecredential"), ("2307", "0x903"),
                        ("6", "Error: The TPM is deactivated.  Please activate the TPM in the BIOS."),
                        ("7", "Error: There is no TPM on this machine or it is not enabled")):
        _, err, _ = fake.call("tpm_get_quote", {"nonce": nonce}, fail=f"--tpm_quote={code}")
        c.check(err is not None and words in str(err) and f"(xentpm error {code})" in str(err)
                and str(err).startswith("tpm_get_quote: "),
                f"xentpm error {code} raises '{words}'", repr(err))
    _, err, _ = fake.call("tpm_clear_asset_tag", garbage="--tpm_clear_asset_tag")
    c.check(err is not None and "exit 139" in str(err) and "Segmentation fault" in str(err),
            "a non-numeric failure is reported with its exit code and text", repr(err))
    fake.fns["tpm_clear_asset_tag"].__globals__["XENTPM"] = "/nonexistent/xentpm"
    _, err, _ = fake.call("tpm_clear_asset_tag")
    c.check(err is not None and "cannot run /nonexistent/xentpm" in str(err),
            "a missing xentpm is reported as such", repr(err))
    fake.fns["tpm_clear_asset_tag"].__globals__["XENTPM"] = FAKE

    # The script entry point itself, as xapi runs it (stand-in argv protocol).
    env = dict(os.environ, PYTHONPATH=HERE, FAKE_XENTPM_FAIL="")
    p = subprocess.run([sys.executable, PLUGIN, "tpm_get_quote", json.dumps({"nonce": "!"})],
                       capture_output=True, text=True, env=env)
    c.check(p.returncode == 1 and "not base64" in p.stderr,
            "run as a script, a failure reaches XenAPIPlugin as an exception", p.stderr)

    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
