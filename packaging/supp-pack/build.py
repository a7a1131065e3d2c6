#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Builds xenmb's supplemental-pack ISO from the RPMs of make rpm.

Layout (packaging/supp-pack/README says where each fact comes from):
  update.xml, repodata/ (createrepo_c), .treeinfo: what xapi's update-upload
      (xe-install-supplemental-pack on XenServer 7.1+ / XCP-ng 8) reads;
  XS-REPOSITORY, XS-PACKAGES: the older pack metadata, which the host
      installer still reads from a pack given at install time;
  the RPMs at the top level.
With SUPP_PACK_GPG_KEY=<key id> the two signed files (update.xml and
repodata/repomd.xml) get armored detached signatures (.asc) and update.xml
names the public key file SUPP_PACK_GPG_KEYFILE in /etc/pki/rpm-gpg.
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
import xml.etree.ElementTree as ET


def rpm_q(path, fmt):
    return subprocess.run(["rpm", "--nosignature", "-qp", "--qf", fmt, path],
                          check=True, capture_output=True, text=True).stdout


def md5(path):
    h = hashlib.md5()
    with open(path, "rb") as f:
        for blk in iter(lambda: f.read(1 << 16), b""):
            h.update(blk)
    return h.hexdigest()


def write_xml(root, path):
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="UTF-8", xml_declaration=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--output", required=True, help="the ISO to write")
    ap.add_argument("--version", required=True)
    ap.add_argument("--platform-version", default="3.2.1",
                    help="the least XCP platform version the pack asks for")
    ap.add_argument("rpms", nargs="+")
    a = ap.parse_args()

    stage = tempfile.mkdtemp(prefix="xenmb-supp-")
    try:
        pkgs = ET.Element("packages")
        total = 0
        kvers = []
        for r in a.rpms:
            shutil.copy(r, stage)
            name = rpm_q(r, "%{NAME}")
            group = rpm_q(r, "%{GROUP}")
            size = os.path.getsize(r)
            total += int(rpm_q(r, "%{SIZE}"))
            attrs = {"label": name, "size": str(size), "md5": md5(r)}
            if group.endswith("/Kernel"):
                kver = name.split("-modules-", 1)[1]
                kvers.append(kver)
                attrs.update(type="driver-rpm", kernel=kver)
            else:
                attrs["type"] = "rpm"
            ET.SubElement(pkgs, "package", attrs).text = os.path.basename(r)
        write_xml(pkgs, os.path.join(stage, "XS-PACKAGES"))

        repo = ET.Element("repository", originator="xenmb", name="xenmb",
                          product="xenmb", version=a.version)
        ET.SubElement(repo, "description").text = (
            "xenmb: TPM measured boot and attestation for the dom0")
        ET.SubElement(repo, "requires", originator="xcp", name="main",
                      test="ge", version=a.platform_version)
        write_xml(repo, os.path.join(stage, "XS-REPOSITORY"))

        # Same identity for the same version and kernels, so a rebuilt pack
        # is the same update to xapi.
        ident = uuid.uuid5(uuid.NAMESPACE_URL, "xenmb-supp-pack:%s:%s" %
                           (a.version, ",".join(sorted(kvers))))
        upd = ET.Element("update", {
            "name-label": "xenmb", "uuid": str(ident), "version": a.version,
            "installation-size": str(total),
            "after-apply-guidance": "", "enforce-homogeneity": "false"})
        key = os.environ.get("SUPP_PACK_GPG_KEY")
        keyfile = os.environ.get("SUPP_PACK_GPG_KEYFILE", "RPM-GPG-KEY-xenmb")
        if key:
            upd.set("key", keyfile)
        ET.SubElement(upd, "name-description").text = (
            "xenmb %s: module for %s, helper, xentpm, xapi plugin tpm, TCTI"
            % (a.version, ", ".join(kvers) or "no kernel"))
        write_xml(upd, os.path.join(stage, "update.xml"))

        with open(os.path.join(stage, ".treeinfo"), "w") as f:
            f.write("[platform]\nname = XCP\nversion = %s\n\n"
                    "[branding]\nname = xenmb\nversion = %s\n"
                    % (a.platform_version, a.version))

        subprocess.run(["createrepo_c", "-q", "--simple-md-filenames", stage],
                       check=True)
        if key:
            for f in ("update.xml", "repodata/repomd.xml"):
                subprocess.run(["gpg", "--batch", "--yes", "-u", key,
                                "--armor", "--detach-sign",
                                os.path.join(stage, f)], check=True)

        os.makedirs(os.path.dirname(os.path.abspath(a.output)), exist_ok=True)
        subprocess.run(["genisoimage", "-quiet", "-r", "-J", "-joliet-long",
                        "-V", "xenmb %s" % a.version, "-A", "xenmb",
                        "-o", a.output, stage], check=True)
        with open(a.output + ".md5", "w") as f:
            f.write("%s  %s\n" % (md5(a.output), os.path.basename(a.output)))
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
