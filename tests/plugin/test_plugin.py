#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The xapi plugin "tpm" on the host: stand-in XenAPIPlugin and XenAPI
modules (this directory; dispatch behaves as xapi's does) and a fake
xentpm with canned outputs and error codes. Checks the identity XML
(parsed with xml.dom.minidom, the original's element names and
namespace), the arguments each function passes to xentpm, base64
arguments with white space, that failures reach the caller as the
original's did ([XENAPI_PLUGIN_FAILURE, fn, "Exception", message], printed
by dispatch as an XML-RPC response) with clear messages, and that the
plugin is Python 3.6 (pycompat.py, with its own negative checks). xentpm
itself is tested for real in QEMU (tests/qemu/test_xentpm.py).

  test_plugin.py        final line: N passed, N failed
"""
import atexit
import base64
import glob
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
import xmlrpc.client
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
import pycompat  # noqa: E402

FUNCTION_NAMES = ["tpm_get_attestation_identity", "tpm_challenge", "tpm_get_quote",
                  "tpm_set_asset_tag", "tpm_clear_asset_tag"]


def message(err):
    """The message of a failure shaped as the original plugin's, else None."""
    if isinstance(err, XenAPIPlugin.Failure) and len(err.params) == 4 \
            and err.params[0] == "XENAPI_PLUGIN_FAILURE" and err.params[2] == "Exception":
        return err.params[3]
    return None


def msg(err):
    return message(err) or ""


def show(err):
    return repr(err.params if isinstance(err, XenAPIPlugin.Failure) else err)


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
        # The table the plugin hands XenAPIPlugin.dispatch when xapi runs it.
        self.fns = dict(runpy.run_path(PLUGIN, run_name="xenmb_plugin_tpm")["FUNCTIONS"])
        # The functions' module namespace (run_path returns a copy of it).
        self.module = self.fns["tpm_get_quote"].__globals__
        self.module["XENTPM"] = FAKE

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

    def script(self, python, method, args, fail="", cert=None, argv=None):
        """Runs the plugin as xapi does: (exit status, response dict or
        None, stderr, xentpm argvs)."""
        open(self.log, "w").close()
        env = dict(os.environ, PYTHONPATH=HERE, FAKE_XENTPM_FAIL=fail,
                   FAKE_XENTPM_GARBAGE="")
        env.pop("FAKE_XAPI_CERT", None)
        if cert is not None:
            env["FAKE_XAPI_CERT"] = cert
        if argv is None:
            argv = [xmlrpc.client.dumps(("OpaqueRef:session", args), method)]
        # The installed plugin runs /opt/xensource/tpm/xentpm: a copy of the
        # plugin pointed at the fake, otherwise byte for byte.
        with open(PLUGIN) as f:
            src = f.read()
        line = 'XENTPM = "/opt/xensource/tpm/xentpm"'
        assert line in src, "plugin/tpm no longer says " + line
        src = src.replace(line, "XENTPM = %r" % FAKE, 1)
        copy = os.path.join(self.dir, "tpm")
        with open(copy, "w") as f:
            f.write(src)
        p = subprocess.run([python, copy] + argv, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, env=env)
        try:
            (resp,), _ = xmlrpc.client.loads(p.stdout)
        except Exception:
            resp = None
        with open(self.log) as f:
            calls = [json.loads(line) for line in f]
        return p.returncode, resp, p.stderr, calls


def script_checks(c, fake, python, label, nonce, tag, wrapped):
    # The plugin as xapi runs it: an XML-RPC call in argv[1], dispatch prints
    # an XML-RPC response and exits 0, whatever happened.
    for fn, args, value in (("tpm_get_quote", {"nonce": nonce}, "eyJxdW90ZSI6ICJmYWtlIn0="),
                            ("tpm_challenge", {"challenge": wrapped}, "c2VjcmV0"),
                            ("tpm_set_asset_tag", {"tag": tag}, ""),
                            ("tpm_clear_asset_tag", {}, "")):
        rc, resp, err, calls = fake.script(python, fn, args)
        c.equal((rc, resp), (0, {"Status": "Success", "Value": value}),
                f"script ({label}): {fn} prints Success with xentpm's output")
    rc, resp, err, calls = fake.script(python, "tpm_get_attestation_identity", {},
                                       cert="-----BEGIN CERTIFICATE-----\nHOST\n")
    ok = rc == 0 and resp and resp.get("Status") == "Success"
    c.check(ok and minidom.parseString(resp["Value"]).documentElement.tagName ==
            "xentxt:xentxtdata", f"script ({label}): tpm_get_attestation_identity prints the document",
            repr(resp) + err)
    c.equal([a for a in calls if a[0] == "--gen_aik"],
            [["--gen_aik", base64.b64encode(b"-----BEGIN CERTIFICATE-----\nHOST\n").decode()]],
            f"script ({label}): --gen_aik gets the host certificate from the XenAPI session, base64")
    if ok:
        head = resp["Value"].split("<xentxt:xentxtdata", 1)[-1].split(">", 1)[0]
        names = re.findall(r'\s([\w:]+)="', head)
        c.equal(names, ["xmlns:ds", "xmlns:xentxt", "xmlns:xsi", "xsi:schemaLocation"],
                f"script ({label}): identity root attributes in sorted order "
                "(minidom before 3.8 sorts them: the same bytes on every Python)")

    rc, resp, err, calls = fake.script(python, "tpm_get_quote", {"nonce": nonce}, fail="--tpm_quote=-10")
    c.equal((rc, resp), (0, {"Status": "Failure", "ErrorDescription": [
        "XENAPI_PLUGIN_FAILURE", "tpm_get_quote", "Exception",
        "tpm_get_quote: no TPM: /dev/xenmb cannot be opened (is the xenmb module loaded?) "
        "(xentpm error -10)"]}),
        f"script ({label}): a TPM error prints the original's failure shape")
    rc, resp, err, calls = fake.script(python, "tpm_challenge", {"challenge": "AAEC!w=="})
    c.equal((rc, resp, calls), (0, {"Status": "Failure", "ErrorDescription": [
        "XENAPI_PLUGIN_FAILURE", "tpm_challenge", "Exception",
        "tpm_challenge: the argument 'challenge' is not base64"]}, []),
        f"script ({label}): a bad argument prints the failure, xentpm not run")
    rc, resp, err, calls = fake.script(python, "tpm_get_quote", "not a struct")
    desc = (resp or {}).get("ErrorDescription") or []
    c.check(rc == 0 and desc[:3] == ["XENAPI_PLUGIN_FAILURE", "tpm_get_quote", "AttributeError"]
            and len(desc) == 4 and "get" in desc[3],
            f"script ({label}): an unexpected Python error becomes dispatch's failure (its class name)",
            repr(resp) + err)
    rc, resp, err, calls = fake.script(python, "tpm_nothing", {})
    c.equal((rc, resp), (0, {"Status": "Failure",
                             "ErrorDescription": ["UNKNOWN_XENAPI_PLUGIN_FUNCTION", "tpm_nothing"]}),
            f"script ({label}): an unknown function prints UNKNOWN_XENAPI_PLUGIN_FUNCTION")
    rc, resp, err, calls = fake.script(python, None, None, argv=["tpm_get_quote", '{"nonce": "AAAA"}'])
    c.check(rc != 0 and resp is None and "Incorrect number of commandline arguments" in err,
            f"script ({label}): a call that is not one XML-RPC argument is refused as dispatch does", err)


def find_python36():
    """A Python 3.6 to run the plugin with: $XENMB_PYTHON36, python3.6 on
    PATH, or pyenv's; None when there is none (the AST check still runs)."""
    cands = [os.environ.get("XENMB_PYTHON36")]
    cands += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.6*/bin/python3.6")))
    cands.append(shutil.which("python3.6"))  # last: may be a pyenv shim
    for py in cands:
        if py and os.access(py, os.X_OK):
            try:
                out = subprocess.run([py, "-c", "import sys; print(sys.version_info[:2])"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     timeout=30).stdout
            except (OSError, subprocess.SubprocessError):
                continue
            if out.strip() == b"(3, 6)":
                return py
    return None


def main():
    c = Checker()
    fake = Fake()
    c.equal(sorted(fake.fns), sorted(FUNCTION_NAMES),
            "XenAPIPlugin.dispatch gets the five functions")

    # The identity document.
    xml, err, calls = fake.call("tpm_get_attestation_identity")
    c.check(err is None, "tpm_get_attestation_identity succeeds", show(err))
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
    c.check(ok, "identity: no EK certificate (-4) gives an empty element", show(err))
    _, err, _ = fake.call("tpm_get_attestation_identity", fail="--get_ekcert=-10")
    c.check(err is not None and "no TPM" in msg(err),
            "identity: another EK certificate failure (-10) raises", show(err))
    _, err, _ = fake.call("tpm_get_attestation_identity", fail="--get_ekey=2466")
    c.check(err is not None and "reading the EK" in msg(err) and "0x9a2" in msg(err),
            "identity: a TPM error names the step and the TPM code", msg(err))

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
        c.check(err is not None and want in msg(err) and not calls,
                f"{fn} {args}: raises '{want}' without running xentpm", show(err))

    # Error codes become clear messages.
    for code, words in (("1", "Error: XenServer does not own the TPM. Please clear the TPM in"),
                        ("1", "owner password"), ("3", "rejected its arguments"),
                        ("-3", "internal error"), ("-10", "/dev/xenmb cannot be opened"),
                        ("-11", "does not implement"), ("-12", "another TPM"),
                        ("-13", "not a tpm2_makecredential"), ("2307", "0x903"),
                        ("6", "Error: The TPM is deactivated.  Please activate the TPM in the BIOS."),
                        ("7", "Error: There is no TPM on this machine or it is not enabled")):
        _, err, _ = fake.call("tpm_get_quote", {"nonce": nonce}, fail=f"--tpm_quote={code}")
        c.check(err is not None and words in msg(err) and f"(xentpm error {code})" in msg(err)
                and msg(err).startswith("tpm_get_quote: "),
                f"xentpm error {code} raises '{words}'", show(err))
    _, err, _ = fake.call("tpm_clear_asset_tag", garbage="--tpm_clear_asset_tag")
    c.check(err is not None and "exit 139" in msg(err) and "Segmentation fault" in msg(err),
            "a non-numeric failure is reported with its exit code and text", show(err))
    fake.fns["tpm_clear_asset_tag"].__globals__["XENTPM"] = "/nonexistent/xentpm"
    _, err, _ = fake.call("tpm_clear_asset_tag")
    c.check(err is not None and "cannot run /nonexistent/xentpm" in msg(err),
            "a missing xentpm is reported as such", show(err))
    fake.fns["tpm_clear_asset_tag"].__globals__["XENTPM"] = FAKE

    # Base64 arguments: ASCII white space ignored, as xentpm ignores it (a
    # server may send base64.encodebytes' 76-character lines); the compact
    # text is what xentpm gets. Anything else that is not base64 is refused.
    blob = bytes(range(256)) * 2
    wrapped = base64.encodebytes(blob).decode()
    compact = base64.b64encode(blob).decode()
    c.check("\n" in wrapped.rstrip("\n") and wrapped.endswith("\n"),
            "base64: the wrapped challenge has line breaks and a final newline")
    for what, value, want in (
            ("encodebytes' 76-character lines", wrapped, compact),
            ("CRLF line breaks", wrapped.replace("\n", "\r\n"), compact),
            ("spaces and tabs", "AAEC Aw\t==", "AAECAw=="),
            ("a trailing newline", "AAECAw==\n", "AAECAw=="),
            ("leading white space, vertical tab, form feed", " \n\x0bAAEC\x0cAw==", "AAECAw==")):
        out, err, calls = fake.call("tpm_challenge", {"challenge": value})
        c.equal((out, err, calls), ("c2VjcmV0", None, [["--tpm_challenge", want]]),
                f"tpm_challenge takes base64 with {what}")
    out, err, calls = fake.call("tpm_get_quote", {"nonce": "q83vEjRW\neJA=\n"})
    c.equal((err, calls), (None, [["--tpm_quote", nonce]]),
            "tpm_get_quote takes a nonce with line breaks")
    for what, value, want in (
            ("an invalid character", "AAEC!w==", "not base64"),
            ("an invalid character among line breaks", wrapped[:80] + "*" + wrapped[80:], "not base64"),
            ("a missing '='", "AAECAw=", "not base64"),
            ("a third '='", "AAECA===", "not base64"),
            ("'=' inside", "AA=CAw==", "not base64"),
            ("a padded group with more after it", "AAECAw==AAAA", "not base64"),
            ("a stray '=' after whole groups", "AAECAwQF=", "not base64"),
            ("a group cut short", "AAECAwQ", "not base64"),
            ("non-ASCII white space (no-break space)", "AAEC\u00a0Aw==", "not base64"),
            ("non-ASCII letters", "AAEC\u00e9w==", "not base64"),
            ("white space only", " \r\n\t", "needs the argument 'challenge'")):
        _, err, calls = fake.call("tpm_challenge", {"challenge": value})
        c.check(err is not None and want in msg(err) and not calls,
                f"tpm_challenge refuses {what} ({want}) without running xentpm", show(err))

    # Every error is the original's shape: [XENAPI_PLUGIN_FAILURE, fn,
    # "Exception", message] (it raised bare Exceptions), via Failure.
    _, err, _ = fake.call("tpm_challenge", {"challenge": "@@"})
    c.check(isinstance(err, XenAPIPlugin.Failure) and err.params[:3] ==
            ["XENAPI_PLUGIN_FAILURE", "tpm_challenge", "Exception"],
            "an error is XenAPIPlugin.Failure(XENAPI_PLUGIN_FAILURE, [fn, Exception, message])",
            show(err))

    # As xapi runs it, with this Python and with a real 3.6 where there is one.
    python36 = find_python36()
    for python, label in ((sys.executable, "python%d.%d" % sys.version_info[:2]),
                          (python36, "python3.6")):
        if python:
            script_checks(c, fake, python, label, nonce, tag, wrapped)
        else:
            print("# no python3.6 here (pyenv, PATH, $XENMB_PYTHON36): the script "
                  "checks ran on this Python only")

    # Python 3.6 (XCP-ng 8.3's dom0), checked without a 3.6: the checker
    # first proves it catches what it must, then judges the plugin.
    for what, src in (("an f-string", 'x = f"{a}"\n'),
                      ("subprocess.run(capture_output=True)",
                       "import subprocess\np = subprocess.run(['a'], capture_output=True)\n"),
                      ("text=True", "import subprocess\nsubprocess.check_output(['a'], text=True)\n"),
                      ("a walrus", "if (n := 1):\n    pass\n"),
                      ("positional-only parameters", "def f(a, /):\n    pass\n"),
                      ("import dataclasses", "import dataclasses\n"),
                      ("asyncio.run", "import asyncio\nasyncio.run(main())\n"),
                      ("contextlib.nullcontext", "from contextlib import nullcontext\n"),
                      ("str.isascii", "ok = s.isascii()\n"),
                      ("from __future__ import annotations",
                       "from __future__ import annotations\n"),
                      ("a 3.9 decorator", "@table[0]\ndef f():\n    pass\n"),
                      ("return 1, *rest", "def f():\n    return 1, *rest\n")):
        c.check(pycompat.problems(src), f"py3.6 checker flags {what}", src)
    clean = ('import subprocess\np = subprocess.run(["a"], stdout=subprocess.PIPE, timeout=3)\n'
             'x = "%s" % p.stdout.decode("ascii")\ndef f():\n    return (1, *x)\n')
    c.equal(pycompat.problems(clean), [], "py3.6 checker passes 3.6 code")
    with open(PLUGIN) as f:
        src = f.read()
    c.equal(pycompat.problems(src, PLUGIN), [], "plugin/tpm uses nothing newer than Python 3.6")
    c.equal(src.splitlines()[0], "#!/usr/bin/env python3",
            "plugin/tpm runs with python3 (Python 2.7 is not supported)")

    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
