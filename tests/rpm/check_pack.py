#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks the metadata files taken from xenmb.iso (tests/rpm/test_rpm.sh):
check_pack.py DIR VERSION KVER USER_RPM KMOD_RPM. Each check prints one
line; exit 1 when any failed. The attributes checked are those the readers
require (packaging/supp-pack/README lists them and where they come from)."""
import configparser
import hashlib
import os
import re
import sys
import uuid
import xml.etree.ElementTree as ET

d, version, kver, user_rpm, kmod_rpm = sys.argv[1:6]
bad = []


def need(what, cond):
    print("  %s %s" % ("ok" if cond else "FAILED", what))
    if not cond:
        bad.append(what)


def md5(p):
    return hashlib.md5(open(p, "rb").read()).hexdigest()


repo = ET.parse(os.path.join(d, "XS-REPOSITORY")).getroot()
need("XS-REPOSITORY: <repository>", repo.tag == "repository")
for a in ("originator", "name", "product", "version"):
    need("XS-REPOSITORY: %s=" % a, bool(repo.get(a)))
need("XS-REPOSITORY: originator and name are identifiers",
     all(re.fullmatch(r"[A-Za-z0-9_.-]+", repo.get(a, "")) for a in ("originator", "name")))
need("XS-REPOSITORY: version %s" % version, repo.get("version") == version)
desc = repo.find("description")
need("XS-REPOSITORY: <description> with text", desc is not None and bool(desc.text))
reqs = repo.findall("requires")
need("XS-REPOSITORY: one <requires> on xcp:main", len(reqs) == 1 and
     (reqs[0].get("originator"), reqs[0].get("name")) == ("xcp", "main"))
need("XS-REPOSITORY: <requires> test is eq/ne/lt/gt/le/ge, with a version",
     all(r.get("test") in ("eq", "ne", "lt", "gt", "le", "ge") and r.get("version")
         for r in reqs))

pkgs = ET.parse(os.path.join(d, "XS-PACKAGES")).getroot()
need("XS-PACKAGES: <packages>", pkgs.tag == "packages")
by_file = {p.text: p for p in pkgs.findall("package")}
need("XS-PACKAGES: the two RPMs", sorted(by_file) ==
     sorted(os.path.basename(r) for r in (user_rpm, kmod_rpm)))
for r, ptype in ((user_rpm, "rpm"), (kmod_rpm, "driver-rpm")):
    p = by_file.get(os.path.basename(r))
    if p is None:
        continue
    n = os.path.basename(r)
    need("XS-PACKAGES: %s has label, type, size, md5" % n,
         all(p.get(a) for a in ("label", "type", "size", "md5")))
    need("XS-PACKAGES: %s type %s" % (n, ptype), p.get("type") == ptype)
    need("XS-PACKAGES: %s size and md5 are the file's" % n,
         p.get("size") == str(os.path.getsize(r)) and p.get("md5") == md5(r))
    if ptype == "driver-rpm":
        need("XS-PACKAGES: %s kernel=%s" % (n, kver), p.get("kernel") == kver)
need("XS-PACKAGES: labels are unique",
     len({p.get("label") for p in by_file.values()}) == len(by_file))

upd = ET.parse(os.path.join(d, "update.xml")).getroot()
need("update.xml: <update>", upd.tag == "update")
for a in ("name-label", "uuid", "version"):
    need("update.xml: %s=" % a, bool(upd.get(a)))
try:
    uuid.UUID(upd.get("uuid", ""))
    ok = True
except ValueError:
    ok = False
need("update.xml: uuid is a UUID", ok)
need("update.xml: version %s" % version, upd.get("version") == version)
need("update.xml: installation-size is a number",
     upd.get("installation-size", "").isdigit())
need("update.xml: after-apply-guidance from restartHVM/restartPV/restartHost/restartXAPI",
     all(g in ("restartHVM", "restartPV", "restartHost", "restartXAPI")
         for g in filter(None, upd.get("after-apply-guidance", "").split(","))))
nd = upd.find("name-description")
need("update.xml: <name-description> with text", nd is not None and bool(nd.text))

ns = {"r": "http://linux.duke.edu/metadata/repo"}
repomd = ET.parse(os.path.join(d, "repodata", "repomd.xml")).getroot()
types = {e.get("type") for e in repomd.findall("r:data", ns)}
need("repodata/repomd.xml: primary, filelists, other",
     {"primary", "filelists", "other"} <= types)

ti = configparser.ConfigParser()
ti.read(os.path.join(d, ".treeinfo"))
need(".treeinfo: [platform] version", ti.has_option("platform", "version"))
need(".treeinfo: [branding] version %s" % version,
     ti.get("branding", "version", fallback=None) == version)

sys.exit(1 if bad else 0)
