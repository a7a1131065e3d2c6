#!/bin/bash
# make rpm and make supp-pack against Debian's 6.1 headers (the test guest's
# kernel), then: what the RPMs hold and with which modes; an install into a
# scratch root (rpm --root, its scriptlets chrooted there, with busybox's sh
# and depmod and the static ldconfig standing in for the dom0's), where
# xentpm and the plugin expect the files; an erase that leaves the root as
# it was; the ISO's files and metadata.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../qemu/env.sh
. "$repo/tests/qemu/env.sh"
cd "$repo" || exit 1

# shellcheck source=../tap.sh
. "$repo/tests/tap.sh" rpm

[[ -n $KVER && -d $KHEADERS ]] || {
    echo "rpm: no headers for the guest kernel; run 'make deps'" >&2; exit 1; }
for t in rpmbuild createrepo_c genisoimage isoinfo busybox; do
    command -v "$t" >/dev/null || { echo "rpm: no $t; run 'make deps'" >&2; exit 1; }
done

version=$(sed -n 's/^VERSION := //p' Makefile)
rpms=$repo/build/rpm/RPMS/x86_64
user_rpm=$rpms/xenmb-$version-1.x86_64.rpm
kmod_rpm=$rpms/xenmb-modules-$KVER-$version-1.x86_64.rpm
iso=$repo/build/xenmb.iso
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2034 # used in the checks' eval
log=$work/build.log

rm -f "$user_rpm" "$kmod_rpm" "$iso"
check "make rpm KVER=$KVER KDIR=$KHEADERS" \
    'make -s rpm KVER="$KVER" KDIR="$KHEADERS" >"$log" 2>&1 || { tail -n 30 "$log"; false; }'
check "make supp-pack" \
    'make -s supp-pack KVER="$KVER" KDIR="$KHEADERS" >"$log" 2>&1 || { tail -n 30 "$log"; false; }'
[[ -f $user_rpm && -f $kmod_rpm ]] || { echo "rpm: no RPMs to test" >&2; failed=$((failed + 1)); finish; }

# --- what the packages hold ---------------------------------------------
qf='[%{FILEMODES:perms}|%{FILEUSERNAME}:%{FILEGROUPNAME}|%{FILEFLAGS:fflags}|%{FILENAMES}\n]'
rpm -qp --qf "$qf" "$user_rpm" "$kmod_rpm" >"$work/files"
has() { # mode owner path [flags]
    awk -F'|' -v m="$1" -v o="$2" -v p="$3" -v f="${4:-}" \
        '$1 == m && $2 == o && $NF == p && (f == "" || $3 == f) { hit = 1 }
         END { exit !hit }' "$work/files" || { grep -F "|$3" "$work/files"; false; }
}
check "helper /usr/bin/xenmb, -rwxr-xr-x root" 'has -rwxr-xr-x root:root /usr/bin/xenmb'
check "/opt/xensource/tpm/xentpm, -rwxr-xr-x root" 'has -rwxr-xr-x root:root /opt/xensource/tpm/xentpm'
check "/opt/xensource/tpm is the package's directory" 'has drwxr-xr-x root:root /opt/xensource/tpm'
check "plugin /etc/xapi.d/plugins/tpm, -rwxr-xr-x root" 'has -rwxr-xr-x root:root /etc/xapi.d/plugins/tpm'
check "TCTI /usr/lib64/libtss2-tcti-xenmb.so.0.0.0 and its soname link" \
    'has -rwxr-xr-x root:root /usr/lib64/libtss2-tcti-xenmb.so.0.0.0 &&
     has lrwxrwxrwx root:root /usr/lib64/libtss2-tcti-xenmb.so.0'
check "/usr/lib/modules-load.d/xenmb.conf, -rw-r--r--" 'has -rw-r--r-- root:root /usr/lib/modules-load.d/xenmb.conf'
check "/etc/modprobe.d/xenmb.conf, -rw-r--r--, %config(noreplace)" 'has -rw-r--r-- root:root /etc/modprobe.d/xenmb.conf cn'
check "/usr/lib/systemd/system/xenmb-launch-check.service, -rw-r--r--" \
    'has -rw-r--r-- root:root /usr/lib/systemd/system/xenmb-launch-check.service'
check "/usr/share/xenmb/tpm2-abrmd-xenmb.conf, -rw-r--r--, in the package's directory" \
    'has -rw-r--r-- root:root /usr/share/xenmb/tpm2-abrmd-xenmb.conf &&
     has drwxr-xr-x root:root /usr/share/xenmb'
check "config example -rw------- root, %config(noreplace)" \
    'has -rw------- root:root /opt/xensource/tpm/config.example cn'
check "module in /lib/modules/$KVER/updates/, -rw-r--r--" \
    "has -rw-r--r-- root:root /lib/modules/$KVER/updates/xenmb.ko"
check "man pages xenmb.8, xentpm.8 (man8) and tss2-tcti-xenmb.7 (man7), gzipped, -rw-r--r--, %doc" \
    'has -rw-r--r-- root:root /usr/share/man/man8/xenmb.8.gz d &&
     has -rw-r--r-- root:root /usr/share/man/man8/xentpm.8.gz d &&
     has -rw-r--r-- root:root /usr/share/man/man7/tss2-tcti-xenmb.7.gz d'
check "bash completion /usr/share/bash-completion/completions/xenmb, -rw-r--r--" \
    'has -rw-r--r-- root:root /usr/share/bash-completion/completions/xenmb'
check "no file outside those (no .build-id links, no headers)" \
    '(($(wc -l <"$work/files") == 20)) || { cat "$work/files"; false; }'
check "module package requires kernel-uname-r = ${KVER//-/_}" \
    'rpm -qp --requires "$kmod_rpm" | grep -qx "kernel-uname-r = ${KVER//-/_}"'
check "module package is a kernel driver (group */Kernel) and provides xenmb-modules" \
    '[[ $(rpm -qp --qf "%{GROUP}" "$kmod_rpm") == */Kernel ]] &&
     rpm -qp --provides "$kmod_rpm" | grep -q "^xenmb-modules = "'
check "module %post and %postun run depmod -a $KVER" \
    '(($(rpm -qp --scripts "$kmod_rpm" | grep -c "/sbin/depmod -a $KVER") == 2))'
check "the packaged module is for $KVER" \
    'rpm2cpio "$kmod_rpm" | (cd "$work" && cpio -idm --quiet) &&
     modinfo -F vermagic "$work/lib/modules/$KVER/updates/xenmb.ko" | grep -q "^$KVER "'

# --- install into a scratch root and erase --------------------------------
# The dom0's skeleton: the directories the packages land in but do not own,
# a shell, depmod and ldconfig for the scriptlets, and /lib/modules/<kver>:
# empty, or (with_kernel) with what the kernel's package and depmod leave.
skeleton() { # root with_kernel
    local r=$1
    mkdir -p "$r"/{bin,sbin,usr/bin,usr/lib64,usr/lib/modules-load.d,usr/lib/systemd/system,etc/modprobe.d} \
        "$r"/usr/share/man/{man7,man8} \
        "$r"/{etc/xapi.d/plugins,opt/xensource,var/lib/rpm,var/tmp,tmp} \
        "$r/lib/modules/$KVER"
    cp "$(command -v busybox)" "$r/bin/busybox"
    ln -s busybox "$r/bin/sh"
    ln -s ../bin/busybox "$r/sbin/depmod"
    cp /sbin/ldconfig "$r/sbin/ldconfig"
    if (($2)); then
        mkdir -p "$r/lib/modules/$KVER/kernel"
        : >"$r/lib/modules/$KVER/modules.builtin"
        : >"$r/lib/modules/$KVER/modules.order"
        busybox depmod -b "$r" "$KVER"
    fi
    ldconfig -r "$r" 2>/dev/null
}
snapshot() { # root: every path, rpm's database left out
    (cd "$1" && find . -path ./var/lib/rpm -prune -o -path ./root/.rpmdb -prune \
        -o -print | sort)
}
rpmroot() { local r=$1; shift; rpm --root "$r" --dbpath /var/lib/rpm "$@"; }

root=$work/root
skeleton "$root" 1
snapshot "$root" >"$work/before"
check "rpm --root -ivh --nodeps installs both packages" \
    'rpmroot "$root" -ivh --nodeps "$user_rpm" "$kmod_rpm" >"$log" 2>&1 || { cat "$log"; false; }'
check "rpm -q knows both in the scratch root" \
    'rpmroot "$root" -q xenmb "xenmb-modules-$KVER" >/dev/null'
check "xentpm where the plugin runs it, executable" \
    'xentpm=$(sed -n "s/^XENTPM = \"\(.*\)\"$/\1/p" plugin/tpm) &&
     [[ $xentpm == /opt/xensource/tpm/xentpm && -x $root$xentpm ]]'
check "the plugin executable in /etc/xapi.d/plugins/" '[[ -x $root/etc/xapi.d/plugins/tpm ]]'
check "the helper on PATH (/usr/bin), the same program as xentpm" \
    '[[ -x $root/usr/bin/xenmb ]] && cmp -s "$root/usr/bin/xenmb" "$root/opt/xensource/tpm/xentpm"'
check "the helper reads its owner config next to xentpm (/opt/xensource/tpm/config)" \
    'grep -q "^#define OWNER_CONFIG_PATH \"/opt/xensource/tpm/config\"" helper/owner_secret.h &&
     grep -qa /opt/xensource/tpm/config "$root/usr/bin/xenmb" &&
     [[ ! -e $root/opt/xensource/tpm/config ]]'
check "config example installed -rw------- root" \
    '[[ $(stat -c "%a %U" "$root/opt/xensource/tpm/config.example") == "600 root" ]]'
check "TCTI: libtss2-tcti-xenmb.so.0 resolves to a library of that soname" \
    '[[ -f $root/usr/lib64/libtss2-tcti-xenmb.so.0 ]] &&
     readelf -d "$root/usr/lib64/libtss2-tcti-xenmb.so.0" | grep -q "SONAME.*\[libtss2-tcti-xenmb.so.0\]"'
check "modules-load.d names xenmb" 'grep -qx xenmb "$root/usr/lib/modules-load.d/xenmb.conf"'
check "the boot files in the root are make install-boot's" \
    'cmp -s packaging/boot/modprobe.conf "$root/etc/modprobe.d/xenmb.conf" &&
     cmp -s packaging/boot/xenmb-launch-check.service \
         "$root/usr/lib/systemd/system/xenmb-launch-check.service" &&
     cmp -s packaging/boot/tpm2-abrmd-xenmb.conf "$root/usr/share/xenmb/tpm2-abrmd-xenmb.conf"'
man_pages() { # the installed pages are the source's, and man finds them
    local p
    for p in man8/xenmb.8 man8/xentpm.8 man7/tss2-tcti-xenmb.7; do
        zcat "$root/usr/share/man/$p.gz" | cmp -s - "man/${p#*/}" || { echo "$p differs"; return 1; }
    done
    MANPATH=$root/usr/share/man man -w xenmb xentpm tss2-tcti-xenmb >/dev/null
}
check "bash completion in the root is completion/xenmb" \
    'cmp -s completion/xenmb "$root/usr/share/bash-completion/completions/xenmb"'
check "man pages in the root are the source's, and man finds xenmb(8), xentpm(8), tss2-tcti-xenmb(7)" man_pages
check "module in /lib/modules/$KVER/updates/xenmb.ko" '[[ -f $root/lib/modules/$KVER/updates/xenmb.ko ]]'
check "%post ran depmod: modules.dep lists updates/xenmb.ko" \
    'grep -q "^updates/xenmb.ko:" "$root/lib/modules/$KVER/modules.dep" ||
     { cat "$root/lib/modules/$KVER/modules.dep"; false; }'
check "rpm -e removes both" \
    'rpmroot "$root" -e xenmb "xenmb-modules-$KVER" >"$log" 2>&1 || { cat "$log"; false; }'
snapshot "$root" >"$work/after"
check "after the erase the scratch root holds what it held before" \
    'diff "$work/before" "$work/after"'
check "%postun ran depmod: modules.dep no longer lists xenmb.ko" \
    '! grep -q xenmb "$root/lib/modules/$KVER/modules.dep"'

# A root without the kernel's modules: %post says so and skips depmod.
bare=$work/bare
skeleton "$bare" 0
snapshot "$bare" >"$work/before"
check "module package installs where the kernel's modules are not" \
    'rpmroot "$bare" -ivh --nodeps "$kmod_rpm" >"$log" 2>&1 || { cat "$log"; false; }'
check "... and %post says depmod was not run, writing no modules.dep" \
    'grep -q "depmod not run" "$log" && [[ ! -e $bare/lib/modules/$KVER/modules.dep ]]'
check "... and its erase leaves nothing behind" \
    'rpmroot "$bare" -e "xenmb-modules-$KVER" >"$log" 2>&1 && snapshot "$bare" >"$work/after" &&
     diff "$work/before" "$work/after"'

# --- the supplemental pack ---------------------------------------------
isodir=$work/iso
mkdir -p "$isodir"
isoinfo -R -f -i "$iso" | sort >"$work/isofiles" 2>/dev/null
want=(/.treeinfo /XS-PACKAGES /XS-REPOSITORY /update.xml /repodata/repomd.xml
      "/${user_rpm##*/}" "/${kmod_rpm##*/}")
iso_lists() {
    local f
    for f in "${want[@]}"; do
        grep -qx "$f" "$work/isofiles" || { echo "missing $f"; return 1; }
    done
}
check "isoinfo -R -f lists ${want[*]}" iso_lists
check "the ISO holds the RPMs as built" \
    'isoinfo -R -i "$iso" -x "/${user_rpm##*/}" | cmp -s - "$user_rpm" &&
     isoinfo -R -i "$iso" -x "/${kmod_rpm##*/}" | cmp -s - "$kmod_rpm"'
for f in XS-REPOSITORY XS-PACKAGES update.xml .treeinfo; do
    isoinfo -R -i "$iso" -x "/$f" >"$isodir/$f"
done
mkdir -p "$isodir/repodata"
isoinfo -R -i "$iso" -x /repodata/repomd.xml >"$isodir/repodata/repomd.xml"
check "the ISO's metadata parses and has what the readers ask for" \
    'python3 tests/rpm/check_pack.py "$isodir" "$version" "$KVER" "$user_rpm" "$kmod_rpm"'
check "the ISO's md5 file matches" \
    '(cd "$(dirname "$iso")" && md5sum -c --quiet "$iso.md5")'
finish
