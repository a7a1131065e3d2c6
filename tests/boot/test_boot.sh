#!/bin/bash
# The boot integration on the host: make install-boot into a DESTDIR puts
# each file where systemd and kmod look; systemd-analyze verify accepts the
# launch-check unit and tpm2-abrmd.service with the drop-in (in a scratch
# root with systemd's own units, the installed helper and tpm2-abrmd), and
# rejects a broken copy; the modprobe file documents every parameter of
# driver/ and modprobe reads its lines; the unit's ExecStart lines, run as
# written against this machine (no TPM log, no /dev/xenmb), end as systemd
# would judge them by the unit's SuccessExitStatus. What they do with a TPM
# and the module, in the QEMU guest: tests/qemu/test_ecosystem.py.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo" || exit 1

# shellcheck source=../tap.sh
. "$repo/tests/tap.sh" boot

for t in systemd-analyze modprobe; do
    command -v "$t" >/dev/null || { echo "boot: no $t; run 'make deps'" >&2; exit 1; }
done
[[ -x /usr/sbin/tpm2-abrmd ]] || { echo "boot: no tpm2-abrmd; run 'make deps'" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
log=$work/log
unit=/usr/lib/systemd/system/xenmb-launch-check.service
dropin=/usr/share/xenmb/tpm2-abrmd-xenmb.conf

check "make install-boot DESTDIR=..." \
    'make -s helper install-boot DESTDIR="$root" >"$log" 2>&1 || { cat "$log"; false; }'
installed() { # path mode
    [[ -f $root$1 && $(stat -c %a "$root$1") == "$2" ]] || { ls -l "$root$1"; false; }
}
check "modules-load.d/xenmb.conf, modprobe.d/xenmb.conf, the unit, the drop-in, 0644" \
    'installed /usr/lib/modules-load.d/xenmb.conf 644 && installed /etc/modprobe.d/xenmb.conf 644 &&
     installed $unit 644 && installed $dropin 644'
check "nothing else installed" \
    '(($(find "$root" -type f | wc -l) == 4)) || { find "$root" -type f; false; }'
check "modules-load.d names only xenmb" \
    '[[ $(grep -v "^#" "$root/usr/lib/modules-load.d/xenmb.conf" | grep -v "^$") == xenmb ]]'
check "PREFIX=/opt/x: the unit runs /opt/x/bin/xenmb" \
    'make -s install-boot DESTDIR="$work/prefix" PREFIX=/opt/x >/dev/null &&
     grep -q "^ExecStart=/opt/x/bin/xenmb eventlog" "$work/prefix$unit" &&
     ! grep "^ExecStart=" "$work/prefix$unit" | grep -qv "^ExecStart=/opt/x/bin/xenmb "'

# --- the module's options -----------------------------------------------
# Every parameter the driver declares, and every one the file names.
# shellcheck disable=SC2034 # used in the checks' eval
params=$(sed -n 's/^module_param[a-z_]*(\([a-z_]*\),.*/\1/p;
                 s/^module_param_array_named(\([a-z_]*\),.*/\1/p' driver/*.c | sort -u)
conf=$root/etc/modprobe.d/xenmb.conf
# shellcheck disable=SC2034
named=$(sed -n 's/^#options xenmb \([a-z_]*\)=.*/\1/p' "$conf" | sort -u)
check "the driver has the parameters policy, nv_allow, record_log_burst, txt_base" \
    '[[ $(echo $params) == "nv_allow policy record_log_burst txt_base" ]] || { echo "$params"; false; }'
check "the modprobe file documents each of them" \
    'for p in $params; do grep -q "\b$p\b" "$conf" || { echo "no $p"; exit 1; }; done'
check "... and every option line it has is a parameter (txt_base, tests only, has none)" \
    '[[ $(echo $named) == "nv_allow policy record_log_burst" ]] || { echo "$named"; false; }'
check "every option line is commented out: the file changes nothing as shipped" \
    '! grep -v "^#" "$conf" | grep -q .'
mkdir -p "$work/modprobe.d"
sed 's/^#options /options /' "$conf" >"$work/modprobe.d/xenmb.conf"
check "modprobe reads the lines uncommented: policy, nv_allow, record_log_burst" \
    'modprobe -C "$work/modprobe.d" --showconfig >"$log" 2>&1 &&
     [[ $(grep -c "^options xenmb " "$log") == 3 ]] || { cat "$log"; false; }'

# --- systemd-analyze verify -----------------------------------------------
# A scratch root: systemd's units (targets), the installed boot files, the
# helper where the unit runs it, tpm2-abrmd and its unit with the drop-in
# where an administrator copies it.
mkdir -p "$root/usr/bin" "$root/usr/sbin" "$root/etc/systemd/system/tpm2-abrmd.service.d"
cp -an /usr/lib/systemd/system/. "$root/usr/lib/systemd/system/"
[[ -L /lib ]] || cp -an /lib/systemd/system/. "$root/usr/lib/systemd/system/"
install -m 0755 build/xenmb "$root/usr/bin/xenmb"
install -m 0755 /usr/sbin/tpm2-abrmd "$root/usr/sbin/tpm2-abrmd"
cp "$root$dropin" "$root/etc/systemd/system/tpm2-abrmd.service.d/xenmb.conf"
verify() { # unit: passes when systemd-analyze verify says nothing at all
    systemd-analyze verify --man=no --root="$root" "$1" >"$log" 2>&1 && [[ ! -s $log ]] ||
        { cat "$log"; false; }
}
check "systemd-analyze verify xenmb-launch-check.service: clean" 'verify xenmb-launch-check.service'
check "systemd-analyze verify tpm2-abrmd.service with the drop-in: clean" 'verify tpm2-abrmd.service'
check "the drop-in resets ExecStart, then runs tpm2-abrmd --tcti=xenmb --allow-root as root" \
    'grep -qx "ExecStart=" "$root$dropin" &&
     grep -qx "ExecStart=/usr/sbin/tpm2-abrmd --tcti=xenmb --allow-root" "$root$dropin" &&
     grep -qx "User=root" "$root$dropin"'
# Positive controls: verify does see a broken unit and a broken drop-in.
sed 's|^ExecStart=/usr/bin/xenmb |ExecStart=/usr/bin/xenmb-none |' "$root$unit" \
    >"$root/usr/lib/systemd/system/xenmb-broken.service"
echo "Bogus=1" >>"$root/etc/systemd/system/tpm2-abrmd.service.d/xenmb.conf"
check "control: verify rejects the unit with a program that is not there" \
    '! verify xenmb-broken.service >/dev/null'
check "control: verify complains of an unknown key in the drop-in" '! verify tpm2-abrmd.service >/dev/null'

# --- the unit's ExecStart lines against this machine ------------------------
# As systemd runs a oneshot: each line in order, the first whose exit code
# is neither 0 nor in SuccessExitStatus fails the unit and ends the run.
mapfile -t execs < <(sed -n 's/^ExecStart=//p' "$root$unit")
read -ra ok_codes < <(sed -n 's/^SuccessExitStatus=//p' "$root$unit")
check "the unit: two ExecStart lines, --srtm --check then --drtm --check" \
    '[[ ${#execs[@]} == 2 && ${execs[0]} == "/usr/bin/xenmb eventlog --srtm --check" &&
       ${execs[1]} == "/usr/bin/xenmb eventlog --drtm --check" ]]'
check "the unit: SuccessExitStatus is 5 (nothing to check) and 13 (Xen hides the heap), not 6 or 7" \
    '[[ ${ok_codes[*]} == "5 13" ]]'
check "the unit logs to the journal as xenmb-launch-check" \
    'grep -qx StandardOutput=journal "$root$unit" && grep -qx StandardError=journal "$root$unit" &&
     grep -qx SyslogIdentifier=xenmb-launch-check "$root$unit"'
unit_ok() { local c; [[ $1 == 0 ]] && return; for c in "${ok_codes[@]}"; do [[ $1 == "$c" ]] && return; done; false; }
codes=()
for e in "${execs[@]}"; do
    read -ra argv <<<"$e"
    argv[0]=$root${argv[0]}
    "${argv[@]}" >"$work/out.${#codes[@]}" 2>&1
    codes+=($?)
    unit_ok "${codes[-1]}" || break
done
check "here (no firmware log): --srtm --check exits 5, which leaves the unit going" \
    '[[ ${codes[0]} == 5 ]] && grep -q "binary_bios_measurements" "$work/out.0" ||
     { cat "$work/out.0"; false; }'
check "here (no /dev/xenmb): --drtm --check exits 3, which fails the unit, saying to load the module" \
    '[[ ${codes[1]:-} == 3 ]] && ! unit_ok 3 && grep -q "modprobe xenmb" "$work/out.1" ||
     { cat "$work/out.1"; false; }'

finish
