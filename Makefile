# SPDX-License-Identifier: GPL-2.0
#
# xenmb: the module (kbuild, through Kbuild), the helper, the tests.
#   make                 module for the running kernel + helper
#   make module KDIR=... module for another kernel tree
#   make helper          helper/xenmb
#   make helper-static   build/xenmb-static: one fully static binary (tpm2-tss,
#                        OpenSSL, json-c, keyutils, glibc, the xenmb TCTI)
#                        for a CentOS 7-era dom0 (glibc 2.17); what the RPM ships
#   make tcti            build/libtss2-tcti-xenmb.so* (tpm2_* -T xenmb)
#   make check           every test (installs what it needs)
#   make fuzz            libFuzzer on each parser, FUZZ_SECONDS each (60)
#   make demo            the emulated dom0 in QEMU, end to end (Xen PV dom0; XEN=0: bare Linux)
#                        (TPM=1.2: with a TPM 1.2 instead of a TPM 2.0)
#   make bench           the benchmarks (a QEMU boot on bare Linux, one as
#                        Xen's PV dom0, + the host), written to
#                        bench/RESULTS.md; bench/run.py --smoke: small N
#   make install         module (kbuild modules_install) + helper + TCTI,
#                        xentpm (the helper by that name) + xapi plugin tpm
#                        + the man pages (install-man, into MANDIR)
#                        + bash completion (install-completion, BASHCOMPDIR)
#                        + the boot files (install-boot: modules-load.d,
#                        modprobe.d, the launch-check unit, abrmd's drop-in)
#   make install-tcti    the TCTI alone, into tpm2-tss's libdir
#   make dkms-install    register and build the module with DKMS
#   make rpm             RPMs for XenServer / XCP-ng (KVER=, KDIR=: the kernel)
#   make supp-pack       the supplemental-pack ISO of those RPMs, build/xenmb.iso

VERSION := 0.1.0
KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr
# xenmb(8), xentpm(8), tss2-tcti-xenmb(7): man/, installed by make install.
MANDIR ?= $(PREFIX)/share/man
MAN8 := man/xenmb.8 man/xentpm.8
MAN7 := man/tss2-tcti-xenmb.7
BUILD := build

CC ?= cc
WARN := -Wall -Wextra -Werror
# The TCTI the TPM 2.0 subcommands use without --tcti.
TCTI_DEFAULT ?= xenmb
HELPER_CFLAGS := -std=gnu11 -O2 -g $(WARN) \
	-DXENMB_TCTI_DEFAULT='"$(TCTI_DEFAULT)"' \
	-DXENMB_VERSION='"$(VERSION)"' $(CFLAGS)
HELPER_LIBS := -ljson-c -ltss2-esys -ltss2-tctildr -ltss2-rc -ltss2-mu \
	-lcrypto -lkeyutils
# tpm2_esys.c reads the EK's and the AK's public areas through SAPI.
HELPER_LIBS += -ltss2-sys
PURE_SRCS := driver/policy.c driver/tpm_cmd.c driver/txt_heap.c \
	driver/tcg_log.c
HELPER_SRCS := helper/xenmb.c helper/cli.c helper/encoding.c helper/files.c \
	helper/cmd_info.c helper/cmd_tpm_send.c \
	helper/xenmb_dev.c helper/cmd_txt.c helper/txt_stat.c helper/cmd_eventlog.c \
	helper/eventlog.c helper/eventlog_load.c \
	helper/pcr.c helper/tpm12.c helper/tpm2_esys.c helper/cmd_ek.c \
	helper/cmd_ak.c helper/cmd_quote.c helper/owner_secret.c \
	helper/cmd_owner.c helper/cmd_asset_tag.c helper/cmd_challenge.c \
	helper/xentpm.c helper/tpm12_flows.c helper/tpm12_attest.c \
	helper/tpm12_challenge.c helper/tpm2_parse.c helper/tpm2_flows.c \
	helper/report.c helper/attest.c helper/attest_print.c \
	helper/quote_out.c \
	$(PURE_SRCS)
HELPER_SRCS += helper/verdict.c helper/verify_load.c helper/verify.c \
	helper/known_good.c helper/cmd_verify.c

# Each source compiles to an object of its own, one directory a flag set
# ($(BUILD)/obj/xenmb: the helper and the bench tool; xenmb-static; tcti),
# and -MMD -MP writes beside it a .d of the headers it included: a
# second make runs no compiler, a touched .c recompiles its object alone,
# a touched header those that include it.
OBJ := $(BUILD)/obj
DEPFLAGS := -MMD -MP
HELPER_OBJS := $(HELPER_SRCS:%.c=$(OBJ)/xenmb/%.o)

# The TCTI: dlopen()ed by libtss2-tctildr, by its soname, from tctildr's own
# libdir (pkg-config's, not -print-multiarch: that is empty on RHEL-like
# systems, whose libdir is /usr/lib64). Only Tss2_Tcti_Info and
# Tss2_Tcti_Xenmb_Init are exported.
LIBDIR ?= $(or $(shell pkg-config --variable=libdir tss2-tctildr 2>/dev/null),$(PREFIX)/lib)
TCTI_SONAME := libtss2-tcti-xenmb.so.0
TCTI_LIB := $(BUILD)/$(TCTI_SONAME).0.0
# It needs nothing newer than glibc 2.17 (the RPM's dom0): explicit_bzero
# (glibc 2.25) comes from helper/compat_bzero.c instead.
TCTI_SRCS := helper/tcti_xenmb.c helper/tcti_log.c helper/xenmb_dev.c driver/tpm_cmd.c \
	helper/compat_bzero.c
TCTI_CFLAGS := -std=gnu11 -O2 -g $(WARN) -fPIC -fvisibility=hidden \
	-Dexplicit_bzero=xenmb_explicit_bzero $(CFLAGS)
TCTI_LDFLAGS := -shared -Wl,-soname,$(TCTI_SONAME) -Wl,--no-undefined \
	-Wl,-z,relro,-z,now $(LDFLAGS)
TCTI_OBJS := $(TCTI_SRCS:%.c=$(OBJ)/tcti/%.o)

.PHONY: all module helper check demo install dkms-install dkms-remove \
	clean module-clean format style deps fuzz tcti install-tcti \
	helper-static tss-static install-man install-completion install-boot

all: module helper tcti

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

helper: $(BUILD)/xenmb

$(BUILD)/xenmb: $(HELPER_OBJS)
	$(CC) $(HELPER_CFLAGS) -o $@ $(HELPER_OBJS) $(HELPER_LIBS)

$(OBJ)/xenmb/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HELPER_CFLAGS) $(DEPFLAGS) -c -o $@ $<

# The static helper. Debian 12 has libcrypto.a, libjson-c.a, libkeyutils.a
# and glibc's libc.a, but no static tpm2-tss: helper/tss-static.sh builds
# one from Debian's tpm2-tss source package (fetched from the archive at
# build time, never committed; no FAPI, no TCTI modules, no dlopen; cached
# in $XENMB_CACHE/tss2-static/<version>/) into $(TSS_STATIC). The xenmb
# TCTI is compiled in and initialized directly (XENMB_STATIC_TCTI in
# helper/tpm2_esys.c). -static, not a dynamic glibc link: a binary linked
# against Debian 12's glibc 2.36 references __libc_start_main@GLIBC_2.34,
# which glibc 2.17 lacks; a static one has no dynamic symbols at all. The
# helper calls no NSS function (getpwnam, getaddrinfo) and, without the TCTI
# loader, no dlopen, so nothing is looked up in the dom0's libraries at run
# time (tests/static/test_static.sh checks the link warnings and symbols).
TSS_STATIC := $(BUILD)/tss2-static
# Exported: make rpm's rpmbuild runs make helper-static in its own copy of
# the tree, and finds the built tpm2-tss here rather than building it again.
XENMB_CACHE ?= $(CURDIR)/$(BUILD)/cache
export XENMB_CACHE
TSS_VERSION ?= 4.1.3-1.2
TSS_SUITE ?= trixie
STATIC_HELPER := $(BUILD)/xenmb-static
# The TCTI, compiled in; static_init.c: OpenSSL never reads openssl.cnf.
STATIC_SRCS := helper/tcti_xenmb.c helper/tcti_log.c helper/static_init.c
STATIC_CFLAGS := $(HELPER_CFLAGS) -I$(TSS_STATIC)/include -DXENMB_STATIC_TCTI \
	-ffunction-sections -fdata-sections
STATIC_OBJS := $(HELPER_SRCS:%.c=$(OBJ)/xenmb-static/%.o) \
	$(STATIC_SRCS:%.c=$(OBJ)/xenmb-static/%.o)
STATIC_LDFLAGS := -static -Wl,--gc-sections $(LDFLAGS)
STATIC_LIBS := -L$(TSS_STATIC)/lib -ltss2-esys -ltss2-sys -ltss2-mu \
	-ltss2-rc -ljson-c -lcrypto -lkeyutils -lpthread

TSS_STAMP := $(TSS_STATIC)/.for-$(TSS_SUITE)-$(TSS_VERSION)
tss-static: $(TSS_STAMP)

$(TSS_STAMP): helper/tss-static.sh
	TSS_VERSION=$(TSS_VERSION) TSS_SUITE=$(TSS_SUITE) helper/tss-static.sh $(TSS_STATIC)
	touch $@

helper-static: $(STATIC_HELPER)

$(STATIC_HELPER): $(STATIC_OBJS) $(TSS_STAMP)
	$(CC) $(STATIC_CFLAGS) -o $@ \
		$(STATIC_OBJS) $(STATIC_LDFLAGS) $(STATIC_LIBS) \
		2>$(BUILD)/xenmb-static.link.log || { cat $(BUILD)/xenmb-static.link.log; exit 1; }
	@cat $(BUILD)/xenmb-static.link.log >&2

# tpm2-tss's headers first (order only: its .d names the ones it read).
$(OBJ)/xenmb-static/%.o: %.c | $(TSS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(STATIC_CFLAGS) $(DEPFLAGS) -c -o $@ $<

tcti: $(TCTI_LIB)

$(TCTI_LIB): $(TCTI_OBJS)
	$(CC) $(TCTI_CFLAGS) $(TCTI_LDFLAGS) -o $@ $(TCTI_OBJS)
	ln -sf $(notdir $@) $(BUILD)/$(TCTI_SONAME)
	ln -sf $(TCTI_SONAME) $(BUILD)/libtss2-tcti-xenmb.so

$(OBJ)/tcti/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(TCTI_CFLAGS) $(DEPFLAGS) -c -o $@ $<

deps:
	tests/deps.sh

check:
	tests/check.sh

FUZZ_SECONDS ?= 60
fuzz:
	XENMB_FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

# make demo TPM=1.2: the same round trip on a TPM 1.2 dom0.
TPM ?= 2.0
# make demo XEN=0: bare Linux instead of Xen's PV dom0.
XEN ?= 1
demo:
	XENMB_HOST=$(if $(filter 0,$(XEN)),linux,xen) tests/qemu/demo.sh --tpm $(TPM)

style:
	tests/style.sh

format:
	clang-format -i helper/*.c helper/*.h tests/unit/*.c tests/fuzz/*.c

install: helper install-tcti install-man install-completion install-boot
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	install -D -m 0755 $(BUILD)/xenmb $(DESTDIR)$(PREFIX)/bin/xenmb
	install -D -m 0755 $(BUILD)/xenmb $(DESTDIR)/opt/xensource/tpm/xentpm
	install -D -m 0755 plugin/tpm $(DESTDIR)/etc/xapi.d/plugins/tpm
	install -D -m 0644 uapi/linux/xenmb.h \
		$(DESTDIR)$(PREFIX)/include/linux/xenmb.h

install-man:
	install -d $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man7
	install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 $(MAN7) $(DESTDIR)$(MANDIR)/man7/

# Where bash-completion looks for a command's file, on Debian and CentOS 7.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
install-completion:
	install -D -m 0644 completion/xenmb $(DESTDIR)$(BASHCOMPDIR)/xenmb

# The boot integration (packaging/boot/): the module loaded at boot with its
# options, the unit that checks the event logs at boot, and the tpm2-abrmd
# drop-in as an example to copy (it makes the daemon run as root, so it is
# the administrator's choice). Absolute directories where systemd and kmod
# look whatever PREFIX is; the unit runs $(PREFIX)/bin/xenmb.
MODULESLOADDIR ?= /usr/lib/modules-load.d
MODPROBEDIR ?= /etc/modprobe.d
SYSTEMDUNITDIR ?= /usr/lib/systemd/system
install-boot:
	install -D -m 0644 packaging/boot/modules-load.conf \
		$(DESTDIR)$(MODULESLOADDIR)/xenmb.conf
	install -D -m 0644 packaging/boot/modprobe.conf \
		$(DESTDIR)$(MODPROBEDIR)/xenmb.conf
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	sed 's|^ExecStart=/usr/bin/xenmb |ExecStart=$(PREFIX)/bin/xenmb |' \
		packaging/boot/xenmb-launch-check.service \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/xenmb-launch-check.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/xenmb-launch-check.service
	install -D -m 0644 packaging/boot/tpm2-abrmd-xenmb.conf \
		$(DESTDIR)$(PREFIX)/share/xenmb/tpm2-abrmd-xenmb.conf

install-tcti: tcti
	install -D -m 0644 $(TCTI_LIB) $(DESTDIR)$(LIBDIR)/$(notdir $(TCTI_LIB))
	ln -sf $(notdir $(TCTI_LIB)) $(DESTDIR)$(LIBDIR)/$(TCTI_SONAME)
	ln -sf $(TCTI_SONAME) $(DESTDIR)$(LIBDIR)/libtss2-tcti-xenmb.so
	[ -n "$(DESTDIR)" ] || ldconfig

dkms-install:
	rm -rf /usr/src/xenmb-$(VERSION)
	mkdir -p /usr/src/xenmb-$(VERSION)
	cp -r Kbuild Makefile dkms.conf driver uapi /usr/src/xenmb-$(VERSION)/
	dkms add -m xenmb -v $(VERSION)
	dkms build -m xenmb -v $(VERSION)
	dkms install -m xenmb -v $(VERSION)

dkms-remove:
	dkms remove -m xenmb -v $(VERSION) --all
	rm -rf /usr/src/xenmb-$(VERSION)

# Not kbuild's clean: with M= it deletes every *.ko below the tree, and
# build/cache holds the test guest's kernel modules.
module-clean:
	rm -f xenmb.ko xenmb.o xenmb.mod xenmb.mod.c xenmb.mod.o \
		Module.symvers modules.order .*.cmd driver/*.o driver/.*.cmd

clean: module-clean
	rm -rf $(BUILD)/xenmb $(BUILD)/test $(BUILD)/unit $(BUILD)/qemu \
		$(BUILD)/xenmb-static $(BUILD)/xenmb-static.link.log $(TSS_STATIC) \
		$(BUILD)/libtss2-tcti-xenmb.so* $(OBJ)
	rm -rf $(BUILD)/xenmb-bench $(BUILD)/bench
	rm -rf $(BUILD)/rpm $(BUILD)/xenmb.iso $(BUILD)/xenmb.iso.md5

# The benchmarks (bench/run.py): make bench writes bench/RESULTS.md.
BENCH_SRCS := bench/xenmb-bench.c helper/files.c helper/report.c \
	helper/xenmb_dev.c helper/eventlog.c driver/tcg_log.c
.PHONY: bench bench-tool
bench-tool: $(BUILD)/xenmb-bench
BENCH_OBJS := $(BENCH_SRCS:%.c=$(OBJ)/xenmb/%.o)
$(BUILD)/xenmb-bench: $(BENCH_OBJS)
	$(CC) $(HELPER_CFLAGS) -o $@ $(BENCH_OBJS) -ljson-c -lcrypto
# BENCH_NOTE: one line on the machine's load, written into RESULTS.md.
bench:
	python3 bench/run.py --note "$(BENCH_NOTE)"

# RPMs for a XenServer / XCP-ng dom0 (packaging/rpm/, rpmbuild from Debian's
# rpm package) and the supplemental-pack ISO made of them
# (packaging/supp-pack/): build/rpm/RPMS/x86_64/ and build/xenmb.iso.
#   make rpm KVER=<uname -r> [KDIR=<its kbuild tree>]   (KVER: the running kernel)
#   make supp-pack KVER=... [KDIR=...]
KVER ?= $(shell uname -r)
RPM_KDIR = $(if $(filter file,$(origin KDIR)),/lib/modules/$(KVER)/build,$(KDIR))
RPM_TOP := $(CURDIR)/$(BUILD)/rpm
RPM_SRC := $(RPM_TOP)/SOURCES/xenmb-$(VERSION).tar.gz
RPMBUILD = rpmbuild -bb --nodeps --define '_topdir $(RPM_TOP)' \
	--define 'xenmb_version $(VERSION)'
SUPP_PACK ?= $(BUILD)/xenmb.iso
.PHONY: rpm rpm-source supp-pack
rpm-source:
	rm -rf $(RPM_TOP)/stage && mkdir -p $(RPM_TOP)/stage/xenmb-$(VERSION) $(RPM_TOP)/SOURCES
	cp -r Kbuild Makefile dkms.conf driver helper uapi plugin packaging man completion \
		$(RPM_TOP)/stage/xenmb-$(VERSION)/
	tar -C $(RPM_TOP)/stage --owner=0 --group=0 -czf $(RPM_SRC) xenmb-$(VERSION)
	rm -rf $(RPM_TOP)/stage
rpm: rpm-source
	$(RPMBUILD) packaging/rpm/xenmb.spec
	$(RPMBUILD) --define 'kver $(KVER)' --define 'kdir $(RPM_KDIR)' \
		$(if $(XENMB_KMAKE_ARGS),--define 'kmake_args $(XENMB_KMAKE_ARGS)') \
		packaging/rpm/xenmb-module.spec
supp-pack: rpm
	packaging/supp-pack/build.py --output $(SUPP_PACK) --version $(VERSION) \
		$(RPM_TOP)/RPMS/x86_64/xenmb-$(VERSION)-1.x86_64.rpm \
		$(RPM_TOP)/RPMS/x86_64/xenmb-modules-$(KVER)-$(VERSION)-1.x86_64.rpm

-include $(sort $(HELPER_OBJS:.o=.d) $(BENCH_OBJS:.o=.d) $(STATIC_OBJS:.o=.d) \
	$(TCTI_OBJS:.o=.d))
