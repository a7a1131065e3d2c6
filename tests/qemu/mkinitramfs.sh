#!/bin/bash
# Build the test guest's initramfs (gzip'd cpio newc).
#
#   mkinitramfs.sh --out FILE --scenario SCRIPT [--module X.ko]... [--bin PROG]...
#                  [--lib LIB.so]... [--file SRC:DEST]... [--kmod KO]...
#
#   --module  copied to /lib/modules/xenmb/ (the scenario insmods it)
#   --kmod    a kernel module /init insmods before anything else, in the
#             order given (dependencies first): the TPM drivers of a guest
#             kernel that has them as modules (XENMB_GUEST=5.10)
#   --bin     copied to /usr/bin/ with every shared library ldd lists, at the
#             library's host path (plus the dynamic loader). A symlink to a
#             program in the same directory stays a symlink (multicall
#             programs: /usr/bin/tpm2_pcrread -> tpm2 dispatches on argv[0])
#   --lib     a library that is dlopen()ed (e.g. a TCTI), so ldd never sees
#             it: copied to /usr/lib/x86_64-linux-gnu/ with its own libraries
#   --file    any other file, to DEST inside the guest
#
# The guest's /init runs "/scenario.sh /results" as root with PATH set, stdout
# and stderr to /results/scenario.log, exit code to /results/scenario.rc, then
# adds dmesg.txt (with xenmb_debugk=1 on the kernel command line, then runs
# tests/debugkernel/teardown.sh) and sends /results to the host over ttyS1
# (boot.sh unpacks).
# Before the scenario, when the kernel command line has xenmb_launch=1
# (boot.sh --launch), /init runs launch-hook.sh, the guest half of the
# test-only measured-launch emulator (/results/launch.log, launch.rc).
#
# Unprivileged runs: Debian's busybox has no chpst/setuidgid, and its setpriv
# cannot change uid; "su" can. The image carries /usr/bin/as-nobody, so a
# scenario writes e.g.  as-nobody cat /dev/xenmb   to run a command as
# nobody (uid/gid 65534, no supplementary groups).
set -euo pipefail

usage() { echo "usage: $0 --out FILE --scenario SCRIPT [--module KO]... [--bin PROG]... [--lib SO]... [--file SRC:DEST]... [--kmod KO]..." >&2; exit 2; }

out='' scenario=''
modules=() bins=() libs=() files=() kmods=()
while (($#)); do
    case $1 in
        --out) out=$2 ;;
        --scenario) scenario=$2 ;;
        --module) modules+=("$2") ;;
        --bin) bins+=("$2") ;;
        --lib) libs+=("$2") ;;
        --file) files+=("$2") ;;
        --kmod) kmods+=("$2") ;;
        *) usage ;;
    esac
    shift 2 || usage
done
[[ -n $out && -n $scenario ]] || usage

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

# Same merged-/usr layout as the host, so /lib/... and /usr/lib/... paths that
# ldd prints both resolve in the guest.
mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib/x86_64-linux-gnu,usr/lib64,etc,proc,sys,dev,tmp,results,root}
for d in bin sbin lib lib64; do ln -s "usr/$d" "$root/$d"; done
mkdir -p "$root/lib/modules/xenmb"

busybox=$(command -v busybox)
cp "$busybox" "$root/usr/bin/busybox"
"$busybox" --list-full | while read -r applet; do
    [[ -e $root/$applet || -L $root/$applet ]] || ln -s /usr/bin/busybox "$root/$applet"
done

# copy_with_libs SRC DEST: SRC to DEST plus the libraries it needs.
copy_with_libs() {
    local src=$1 dest=$2 line lib
    [[ -f $src ]] || { echo "mkinitramfs: $src: no such file" >&2; exit 1; }
    install -D -m 0755 "$src" "$root$dest"
    # ldd fails on static binaries; that just means no libraries.
    { ldd "$src" 2>/dev/null || true; } | while read -r line; do
        case $line in
            *"not found"*) echo "mkinitramfs: $src: $line" >&2; exit 1 ;;
            *"=> /"*) lib=${line#*=> }; lib=${lib%% *} ;;
            /*) lib=${line%% *} ;;   # the dynamic loader
            *) continue ;;           # linux-vdso and friends
        esac
        [[ -e $root$lib ]] || install -D -m 0755 "$lib" "$root$lib"
    done
}

for b in "${bins[@]}"; do
    name=$(basename "$b")
    rm -f "$root/usr/bin/$name"   # may be a busybox applet link
    target=''
    [[ ! -L $b ]] || target=$(readlink "$b")
    if [[ -n $target && $target != */* ]]; then
        [[ -e $root/usr/bin/$target ]] || copy_with_libs "$(dirname "$b")/$target" "/usr/bin/$target"
        ln -s "$target" "$root/usr/bin/$name"
    else
        copy_with_libs "$b" "/usr/bin/$name"
    fi
done
for l in "${libs[@]}"; do copy_with_libs "$l" "/usr/lib/x86_64-linux-gnu/$(basename "$l")"; done
for m in "${modules[@]}"; do install -m 0644 "$m" "$root/lib/modules/xenmb/"; done
mkdir -p "$root/lib/modules/early"
for m in "${kmods[@]}"; do
    case $m in
        *.ko) install -m 0644 "$m" "$root/lib/modules/early/" ;;
        *.ko.xz) xz -dc "$m" >"$root/lib/modules/early/$(basename "$m" .xz)" ;;
        *) echo "mkinitramfs: --kmod wants a .ko or .ko.xz, got $m" >&2; exit 1 ;;
    esac
    basename "${m%.xz}" >>"$root/lib/modules/early/order"
done
for f in "${files[@]}"; do
    [[ $f == *:/* ]] || { echo "mkinitramfs: --file wants SRC:/DEST, got $f" >&2; exit 1; }
    mkdir -p "$(dirname "$root${f#*:}")"
    cp -L --preserve=mode "${f%%:*}" "$root${f#*:}"
done
# Xen's xenfs (/proc/xen: capabilities, privcmd, xenbus) is a module in
# Debian's kernel; /init loads and mounts it when the kernel runs as dom0.
# shellcheck source=env.sh source-path=SCRIPTDIR
. "$(dirname "$0")/env.sh"
kmod=$KMODDIR/kernel/drivers/xen
if [[ -f $kmod/xenfs/xenfs.ko && -f $kmod/xen-privcmd.ko ]]; then
    mkdir -p "$root/lib/modules/xen"
    install -m 0644 "$kmod/xen-privcmd.ko" "$kmod/xenfs/xenfs.ko" "$root/lib/modules/xen/"
fi
install -m 0755 "$scenario" "$root/scenario.sh"
install -m 0755 "$(dirname "$0")/launch-hook.sh" "$root/launch-hook.sh"
install -m 0755 "$(dirname "$0")/../debugkernel/teardown.sh" "$root/debugk-teardown.sh"

cat > "$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
PW
cat > "$root/etc/group" <<'GR'
root:x:0:
nogroup:x:65534:
GR

# su as root asks no password; -s because nobody's shell is nologin.
cat > "$root/usr/bin/as-nobody" <<'AS'
#!/bin/sh
exec su -s /bin/sh nobody -c 'exec "$0" "$@"' "$@"
AS
chmod 0755 "$root/usr/bin/as-nobody"

cat > "$root/init" <<'INIT'
#!/bin/sh
# PID 1 of the test guest; must never exit (that would panic the kernel).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t securityfs securityfs /sys/kernel/security
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /results
# Without auditd the kernel prints audit records through printk_ratelimit();
# interval 0 turns that limit off so tests see every record.
echo 0 > /proc/sys/kernel/printk_ratelimit
# Kernel modules the guest kernel does not have built in (mkinitramfs --kmod).
if [ -f /lib/modules/early/order ]; then
    while read -r m; do
        insmod "/lib/modules/early/$m" || echo "init: insmod $m failed"
    done < /lib/modules/early/order
    # Let the drivers bind their devices before the scenario looks.
    for i in 1 2 3 4 5 6 7 8 9 10; do
        [ -e /dev/tpm0 ] && break
        sleep 0.2
    done
fi
# Xen dom0 (boot.sh --host xen): /proc/xen is the xenfs mount point.
if [ -d /proc/xen ]; then
    for m in xen-privcmd xenfs; do
        [ ! -f /lib/modules/xen/$m.ko ] || insmod /lib/modules/xen/$m.ko
    done
    mount -t xenfs xenfs /proc/xen
fi

if grep -qw xenmb_launch=1 /proc/cmdline; then
    /launch-hook.sh > /results/launch.log 2>&1 < /dev/null
    echo $? > /results/launch.rc
fi
/scenario.sh /results > /results/scenario.log 2>&1 < /dev/null
echo $? > /results/scenario.rc
dmesg > /results/dmesg.txt
# Debug kernel only (tests/debugkernel): unload, kmemleak scan, lockdep state.
if grep -qw xenmb_debugk=1 /proc/cmdline; then
    /debugk-teardown.sh /results > /results/teardown.log 2>&1 < /dev/null
fi

# ttyS0 is the console; ttyS1 carries only the results, raw so that no \r
# sneaks into the base64 text.
stty -F /dev/ttyS1 115200 raw -echo
{
    echo "=====XENMB-RESULTS-BEGIN====="
    tar -C /results -cf - . | gzip | base64
    echo "=====XENMB-RESULTS-END====="
} > /dev/ttyS1
sync
poweroff -f
echo o > /proc/sysrq-trigger
while :; do sleep 60; done
INIT
chmod 0755 "$root/init"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$out"
