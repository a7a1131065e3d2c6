// SPDX-License-Identifier: GPL-2.0
/*
 * The xenmb TCTI without a kernel: the configuration string, the init size
 * protocol, the transmit/receive state machine, the errno mapping and
 * finalize. The link wraps xenmb_open, xenmb_get_info and
 * xenmb_tpm_transmit (ld --wrap), so the TCTI talks to the fakes below;
 * the rest of helper/xenmb_dev.c (the error lines) is the real one.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "helper/tcti_log.h"
#include "helper/tcti_xenmb.h"
#include "helper/xenmb_dev.h"
#include "tests/unit/tap.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* What the fake device does next, and what it saw. */
static struct {
	int open_err;
	uint32_t family;
	int cmd_err;
	uint32_t rsp_len;
	uint32_t hdr_len; /* the header's length field, when not rsp_len */
	uint16_t tag;
	unsigned int locality;
	int fd;
} dev;

/* ld --wrap=F calls __wrap_F: the names are the linker's. */
/* NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
int __wrap_xenmb_open(void)
{
	if (dev.open_err)
		return dev.open_err;
	dev.fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	return dev.fd;
}

int __wrap_xenmb_get_info(int fd, struct xenmb_info *info)
{
	(void)fd;
	memset(info, 0, sizeof(*info));
	info->tpm_family = dev.family;
	return 0;
}

/* Answers with a success response of dev.rsp_len bytes: 0x80 0x01 ... */
int __wrap_xenmb_tpm_transmit(int fd, unsigned int locality, const uint8_t *cmd,
			      size_t len, struct xenmb_response *rsp)
{
	(void)fd;
	(void)cmd;
	(void)len;
	dev.locality = locality;
	if (dev.cmd_err)
		return dev.cmd_err;
	memset(rsp->data, 0xA5, sizeof(rsp->data));
	rsp->data[0] = (uint8_t)(dev.tag >> 8);
	rsp->data[1] = (uint8_t)dev.tag;
	rsp->data[2] = 0;
	rsp->data[3] = 0;
	rsp->data[4] = (uint8_t)((dev.hdr_len ?: dev.rsp_len) >> 8);
	rsp->data[5] = (uint8_t)(dev.hdr_len ?: dev.rsp_len);
	memset(rsp->data + 6, 0, 4);
	rsp->len = dev.rsp_len;
	rsp->tpm_rc = 0;
	return 0;
}

/* NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

static const uint8_t get_random[] = {0x80, 0x01, 0, 0,	  0, 12,
				     0,	   0,	 1, 0x7B, 0, 8};

static void reset_dev(void)
{
	memset(&dev, 0, sizeof(dev));
	dev.family = XENMB_TPM_FAMILY_2_0;
	dev.rsp_len = 20;
	dev.tag = 0x8001;
	dev.fd = -1;
}

/* A heap context of exactly the size the TCTI asked for (ASan watches). */
static TSS2_TCTI_CONTEXT *new_tcti(const char *conf, TSS2_RC *rc)
{
	TSS2_TCTI_CONTEXT *ctx;
	size_t size = 0;

	*rc = Tss2_Tcti_Xenmb_Init(NULL, &size, conf);
	if (*rc)
		return NULL;
	ctx = calloc(1, size);
	if (!ctx)
		exit(2);
	*rc = Tss2_Tcti_Xenmb_Init(ctx, &size, conf);
	return ctx;
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

static void test_conf(void)
{
	static const struct {
		const char *conf;
		int locality; /* -1: refused */
	} cases[] = {
	    {NULL, 0},		 {"", 0},
	    {"locality=0", 0},	 {"locality=1", 1},
	    {"locality=2", 2},	 {"locality=3", 3},
	    {"locality=4", -1},	 {"locality=x", -1},
	    {"locality=", -1},	 {"locality=22", -1},
	    {"locality=-1", -1}, {"locality=2,", -1},
	    {"foo=1", -1},	 {"Locality=2", -1},
	    {" locality=2", -1}, {"locality", -1},
	    {"xenmb", -1},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned int loc = 99;
		TSS2_RC rc = xenmb_tcti_parse_conf(cases[i].conf, &loc);
		char name[80];

		snprintf(name, sizeof(name), "conf \"%s\"",
			 cases[i].conf ? cases[i].conf : "(null)");
		if (cases[i].locality < 0)
			report(rc == TSS2_TCTI_RC_BAD_VALUE, name,
			       "rc 0x%x, want BAD_VALUE", rc);
		else
			report(rc == TSS2_RC_SUCCESS &&
				   loc == (unsigned int)cases[i].locality,
			       name, "rc 0x%x locality %u", rc, loc);
	}
}

static void test_init(void)
{
	const TSS2_TCTI_INFO *info = Tss2_Tcti_Info();
	TSS2_TCTI_CONTEXT *ctx;
	size_t size = 0, small;
	TSS2_RC rc;

	report(info && info->version == 2 &&
		   info->init == Tss2_Tcti_Xenmb_Init &&
		   !strcmp(info->name, "tcti-xenmb") && info->config_help,
	       "Tss2_Tcti_Info: version 2, name, help, init", "bad info");

	reset_dev();
	rc = Tss2_Tcti_Xenmb_Init(NULL, &size, NULL);
	report(!rc && size > sizeof(TSS2_TCTI_CONTEXT_COMMON_V2),
	       "size query gives a context size", "rc 0x%x size %zu", rc, size);
	report(Tss2_Tcti_Xenmb_Init(NULL, NULL, NULL) ==
		   TSS2_TCTI_RC_BAD_REFERENCE,
	       "init without size: BAD_REFERENCE", "wrong rc");
	report(Tss2_Tcti_Xenmb_Init(NULL, &size, "foo=1") ==
		   TSS2_TCTI_RC_BAD_VALUE,
	       "size query with a bad conf: BAD_VALUE", "wrong rc");

	ctx = calloc(1, size);
	small = size - 1;
	rc = Tss2_Tcti_Xenmb_Init(ctx, &small, NULL);
	report(rc == TSS2_TCTI_RC_INSUFFICIENT_BUFFER,
	       "a context one byte short: INSUFFICIENT_BUFFER", "rc 0x%x", rc);
	report(dev.fd == -1, "... and the device was not opened", "opened");
	rc = Tss2_Tcti_Xenmb_Init(ctx, &size, "locality=4");
	report(rc == TSS2_TCTI_RC_BAD_VALUE, "init with locality=4: BAD_VALUE",
	       "rc 0x%x", rc);
	Tss2_Tcti_Finalize(ctx);
	report(true, "finalize after a failed init is harmless", "-");

	dev.open_err = -ENOENT;
	rc = Tss2_Tcti_Xenmb_Init(ctx, &size, NULL);
	report(rc == TSS2_TCTI_RC_NO_CONNECTION, "no /dev/xenmb: NO_CONNECTION",
	       "rc 0x%x", rc);
	Tss2_Tcti_Finalize(ctx);
	dev.open_err = -EACCES;
	rc = Tss2_Tcti_Xenmb_Init(ctx, &size, NULL);
	report(rc == TSS2_TCTI_RC_NOT_PERMITTED,
	       "/dev/xenmb not ours: NOT_PERMITTED", "rc 0x%x", rc);
	dev.open_err = 0;
	dev.family = XENMB_TPM_FAMILY_1_2;
	rc = Tss2_Tcti_Xenmb_Init(ctx, &size, NULL);
	report(rc == TSS2_TCTI_RC_NO_CONNECTION && dev.fd >= 0 &&
		   fcntl(dev.fd, F_GETFD) == -1,
	       "a TPM 1.2: NO_CONNECTION, device closed", "rc 0x%x", rc);
	free(ctx);
}

static void test_exchange(void)
{
	TSS2_TCTI_CONTEXT *ctx;
	uint8_t buf[64];
	size_t size;
	TSS2_RC rc;

	reset_dev();
	ctx = new_tcti("locality=3", &rc);
	report(ctx && !rc, "init with locality=3", "rc 0x%x", rc);
	if (!ctx || rc)
		return;

	size = sizeof(buf);
	report(Tss2_Tcti_Receive(ctx, &size, buf, TSS2_TCTI_TIMEOUT_BLOCK) ==
		   TSS2_TCTI_RC_BAD_SEQUENCE,
	       "receive before transmit: BAD_SEQUENCE", "wrong rc");
	rc = Tss2_Tcti_Transmit(ctx, sizeof(get_random), get_random);
	report(!rc && dev.locality == 3, "transmit at the conf's locality 3",
	       "rc 0x%x locality %u", rc, dev.locality);
	report(Tss2_Tcti_Transmit(ctx, sizeof(get_random), get_random) ==
		   TSS2_TCTI_RC_BAD_SEQUENCE,
	       "transmit twice: BAD_SEQUENCE", "wrong rc");
	report(Tss2_Tcti_SetLocality(ctx, 1) == TSS2_TCTI_RC_BAD_SEQUENCE,
	       "setLocality with a response pending: BAD_SEQUENCE", "wrong rc");
	report(Tss2_Tcti_Receive(ctx, &size, buf, -2) == TSS2_TCTI_RC_BAD_VALUE,
	       "receive with timeout -2: BAD_VALUE", "wrong rc");

	size = 0;
	rc = Tss2_Tcti_Receive(ctx, &size, NULL, TSS2_TCTI_TIMEOUT_BLOCK);
	report(!rc && size == 20, "size query: 20 bytes", "rc 0x%x size %zu",
	       rc, size);
	size = 19;
	rc = Tss2_Tcti_Receive(ctx, &size, buf, TSS2_TCTI_TIMEOUT_NONE);
	report(rc == TSS2_TCTI_RC_INSUFFICIENT_BUFFER && size == 20,
	       "a 19-byte buffer: INSUFFICIENT_BUFFER, size 20",
	       "rc 0x%x size %zu", rc, size);
	size = sizeof(buf);
	memset(buf, 0, sizeof(buf));
	rc = Tss2_Tcti_Receive(ctx, &size, buf, TSS2_TCTI_TIMEOUT_NONE);
	report(!rc && size == 20 && buf[0] == 0x80 && buf[19] == 0xA5 &&
		   buf[20] == 0,
	       "then the whole response, kept across the short read",
	       "rc 0x%x size %zu", rc, size);
	size = sizeof(buf);
	report(Tss2_Tcti_Receive(ctx, &size, buf, TSS2_TCTI_TIMEOUT_BLOCK) ==
		   TSS2_TCTI_RC_BAD_SEQUENCE,
	       "receive twice: BAD_SEQUENCE", "wrong rc");

	report(Tss2_Tcti_SetLocality(ctx, 4) == TSS2_TCTI_RC_BAD_VALUE,
	       "setLocality(4): BAD_VALUE", "wrong rc");
	rc = Tss2_Tcti_SetLocality(ctx, 2);
	report(!rc, "setLocality(2)", "rc 0x%x", rc);
	rc = Tss2_Tcti_Transmit(ctx, sizeof(get_random), get_random);
	report(!rc && dev.locality == 2, "the next command goes at locality 2",
	       "rc 0x%x locality %u", rc, dev.locality);
	size = sizeof(buf);
	Tss2_Tcti_Receive(ctx, &size, buf, TSS2_TCTI_TIMEOUT_BLOCK);

	report(Tss2_Tcti_Transmit(ctx, sizeof(get_random), NULL) ==
		   TSS2_TCTI_RC_BAD_REFERENCE,
	       "transmit NULL: BAD_REFERENCE", "wrong rc");
	report(Tss2_Tcti_Cancel(ctx) == TSS2_TCTI_RC_NOT_IMPLEMENTED,
	       "cancel: NOT_IMPLEMENTED", "wrong rc");
	size = 0;
	report(Tss2_Tcti_GetPollHandles(ctx, NULL, &size) ==
		   TSS2_TCTI_RC_NOT_IMPLEMENTED,
	       "getPollHandles: NOT_IMPLEMENTED", "wrong rc");

	Tss2_Tcti_Finalize(ctx);
	free(ctx);
}

static void test_errno(void)
{
	static const struct {
		int err;
		TSS2_RC rc;
		const char *name;
	} cases[] = {
	    {-EACCES, TSS2_TCTI_RC_NOT_PERMITTED, "EACCES: NOT_PERMITTED"},
	    {-EPERM, TSS2_TCTI_RC_NOT_PERMITTED, "EPERM: NOT_PERMITTED"},
	    {-EOPNOTSUPP, TSS2_TCTI_RC_NOT_SUPPORTED,
	     "EOPNOTSUPP: NOT_SUPPORTED"},
	    {-EINVAL, TSS2_TCTI_RC_BAD_VALUE, "EINVAL: BAD_VALUE"},
	    {-ENODEV, TSS2_TCTI_RC_NO_CONNECTION, "ENODEV: NO_CONNECTION"},
	    {-ETIME, TSS2_TCTI_RC_IO_ERROR, "ETIME: IO_ERROR"},
	    {-EBUSY, TSS2_TCTI_RC_IO_ERROR, "EBUSY: IO_ERROR"},
	    {-EIO, TSS2_TCTI_RC_IO_ERROR, "EIO: IO_ERROR"},
	};
	uint8_t buf[64];
	size_t size;
	TSS2_TCTI_CONTEXT *ctx;
	TSS2_RC rc;

	reset_dev();
	ctx = new_tcti(NULL, &rc);
	if (!report(ctx && !rc, "init with an empty conf", "rc 0x%x", rc))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		dev.cmd_err = cases[i].err;
		rc = Tss2_Tcti_Transmit(ctx, sizeof(get_random), get_random);
		report(rc == cases[i].rc, cases[i].name, "rc 0x%x", rc);
	}
	dev.cmd_err = 0;
	rc = Tss2_Tcti_Transmit(ctx, sizeof(get_random), get_random);
	report(!rc && dev.locality == 0,
	       "after refusals the TCTI is ready again, at locality 0",
	       "rc 0x%x", rc);
	size = sizeof(buf);
	Tss2_Tcti_Receive(ctx, &size, buf, TSS2_TCTI_TIMEOUT_BLOCK);

	dev.rsp_len = 6;
	rc = Tss2_Tcti_Transmit(ctx, sizeof(get_random), get_random);
	report(rc == TSS2_TCTI_RC_MALFORMED_RESPONSE,
	       "a response shorter than a header: MALFORMED_RESPONSE",
	       "rc 0x%x", rc);
	dev.rsp_len = 20;
	dev.hdr_len = 19;
	rc = Tss2_Tcti_Transmit(ctx, sizeof(get_random), get_random);
	report(rc == TSS2_TCTI_RC_MALFORMED_RESPONSE,
	       "a header whose length is not the response's: "
	       "MALFORMED_RESPONSE",
	       "rc 0x%x", rc);
	dev.hdr_len = 0;
	dev.tag = 0x00C1;
	rc = Tss2_Tcti_Transmit(ctx, sizeof(get_random), get_random);
	report(rc == TSS2_TCTI_RC_MALFORMED_RESPONSE,
	       "a request tag on a response: MALFORMED_RESPONSE", "rc 0x%x",
	       rc);
	dev.tag = 0x00C4;
	rc = Tss2_Tcti_Transmit(ctx, sizeof(get_random), get_random);
	report(!rc,
	       "TPM_ST_RSP_COMMAND (a TPM 2.0 answering in 1.2 format) "
	       "passes",
	       "rc 0x%x", rc);
	size = sizeof(buf);
	Tss2_Tcti_Receive(ctx, &size, buf, TSS2_TCTI_TIMEOUT_BLOCK);
	Tss2_Tcti_Finalize(ctx);
	free(ctx);
}

static void test_finalize(void)
{
	TSS2_TCTI_TRANSMIT_FCN transmit;
	TSS2_TCTI_CONTEXT *ctx;
	size_t size = 0;
	TSS2_RC rc;
	int fd;

	reset_dev();
	Tss2_Tcti_Xenmb_Init(NULL, &size, NULL);
	ctx = new_tcti(NULL, &rc);
	if (!report(ctx && !rc, "init for finalize", "rc 0x%x", rc))
		return;
	fd = dev.fd;
	transmit = TSS2_TCTI_TRANSMIT(ctx);
	/* A response never received: finalize must wipe it. */
	Tss2_Tcti_Transmit(ctx, sizeof(get_random), get_random);
	Tss2_Tcti_Finalize(ctx);
	report(fcntl(fd, F_GETFD) == -1 && errno == EBADF,
	       "finalize closes the device", "fd %d still open", fd);
	report(all_zero(ctx, size),
	       "finalize zeroes the context, pending response included",
	       "non-zero bytes left");
	Tss2_Tcti_Finalize(ctx);
	report(true, "finalize twice is harmless", "-");
	/* Version 0 now: the tss2 macro refuses before calling us. */
	rc = Tss2_Tcti_Transmit(ctx, sizeof(get_random), get_random);
	report(rc == TSS2_TCTI_RC_ABI_MISMATCH,
	       "transmit after finalize: refused (ABI_MISMATCH)", "rc 0x%x",
	       rc);
	/* Called directly (a stale pointer), the TCTI finds no magic. */
	report(transmit(ctx, sizeof(get_random), get_random) ==
		   TSS2_TCTI_RC_BAD_CONTEXT,
	       "its transmit after finalize: BAD_CONTEXT", "wrong rc");
	free(ctx);
}

/* TSS2_LOG as tpm2-tss reads it: "module+level", left to right. */
static void test_log_levels(void)
{
	static const struct {
		const char *spec;
		enum tcti_log_level want;
	} cases[] = {
	    {NULL, TCTI_LOG_WARNING},
	    {"", TCTI_LOG_WARNING},
	    {"tcti+debug", TCTI_LOG_DEBUG},
	    {"TCTI+DEBUG", TCTI_LOG_DEBUG},
	    {"all+none", TCTI_LOG_NONE},
	    {"all+ERROR,tcti+trace", TCTI_LOG_TRACE},
	    {"tcti+trace,all+error", TCTI_LOG_ERROR},
	    {"esys+debug", TCTI_LOG_WARNING},
	    {"mytcti+debug", TCTI_LOG_WARNING},
	    {"tcti+loud", TCTI_LOG_WARNING},
	    {"tcti+debug,tcti+bogus", TCTI_LOG_DEBUG},
	    {"tcti", TCTI_LOG_WARNING},
	    {"+debug", TCTI_LOG_WARNING},
	    {"all+info,", TCTI_LOG_INFO},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		enum tcti_log_level got =
		    tcti_log_level_of(cases[i].spec, "tcti", TCTI_LOG_WARNING);

		report(got == cases[i].want, "TSS2_LOG level for tcti",
		       "'%s': got %d, want %d",
		       cases[i].spec ? cases[i].spec : "(unset)", got,
		       cases[i].want);
	}
	report(!strcmp(tcti_log_label(TCTI_LOG_ERROR), "ERROR") &&
		   !strcmp(tcti_log_label(TCTI_LOG_WARNING), "WARNING") &&
		   !strcmp(tcti_log_label(TCTI_LOG_DEBUG), "debug"),
	       "level labels are tpm2-tss's (ERROR, WARNING, debug)", "-");
}

/*
 * Whether @path holds a line that starts with @prefix and holds @part
 * (after the source file's name, whose directory depends on the build).
 */
static bool log_has(const char *path, const char *prefix, const char *part)
{
	char line[512];
	bool hit = false;
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	while (!hit && fgets(line, sizeof(line), f))
		hit = !strncmp(line, prefix, strlen(prefix)) &&
		      strstr(line, "helper/tcti_xenmb.c:") &&
		      strstr(line, part);
	fclose(f);
	return hit;
}

/*
 * The lines themselves, written to TSS2_LOGFILE at TSS2_LOG=tcti+debug
 * (main sets both before the TCTI first logs): a refused configuration
 * at ERROR, a command and its return code at debug, and no bytes.
 */
static void test_log_lines(const char *path)
{
	TSS2_TCTI_CONTEXT *ctx;
	uint8_t buf[64];
	size_t size = sizeof(buf);
	TSS2_RC rc;

	report(log_has(path, "ERROR:tcti:",
		       ":xenmb_tcti_parse_conf() unknown option 'foo=1'"),
	       "a refused conf is an ERROR:tcti:FILE:LINE:FUNCTION() line",
	       "not in %s", path);
	reset_dev();
	dev.rsp_len = 10;
	dev.tag = 0x8001;
	ctx = new_tcti("locality=2", &rc);
	if (!report(ctx && !rc, "init for the log lines", "rc 0x%x", rc))
		return;
	Tss2_Tcti_Transmit(ctx, sizeof(get_random), get_random);
	Tss2_Tcti_Receive(ctx, &size, buf, TSS2_TCTI_TIMEOUT_BLOCK);
	dev.cmd_err = -EACCES;
	Tss2_Tcti_Transmit(ctx, sizeof(get_random), get_random);
	Tss2_Tcti_Finalize(ctx);
	free(ctx);
	report(log_has(path, "debug:tcti:",
		       ":tcti_transmit() TPM2_GetRandom at locality 2: "
		       "TPM_RC_SUCCESS"),
	       "at tcti+debug, a command and its return code by name",
	       "no debug line in %s", path);
	report(log_has(path, "ERROR:tcti:",
		       ":tcti_transmit() TPM2_GetRandom at locality 2: "),
	       "a kernel refusal is an ERROR line naming the command",
	       "no ERROR line in %s", path);
	report(!log_has(path, "", "8001") && !log_has(path, "", "80 01"),
	       "no line holds the command's bytes", "bytes found in %s", path);
}

int main(void)
{
	char log_path[] = "/tmp/xenmb-tcti-log.XXXXXX";
	int log_fd = mkstemp(log_path);

	/* The TCTI's lines go to the file, which test_log_lines reads. */
	if (log_fd < 0 || setenv("TSS2_LOGFILE", log_path, 1) ||
	    setenv("TSS2_LOG", "all+none,tcti+debug", 1))
		return 2;
	close(log_fd);
	/* xenmb_dev.c's own lines would clutter the tally; drop them. */
	if (!freopen("/dev/null", "w", stderr))
		return 2;
	test_log_levels();
	test_conf();
	test_init();
	test_exchange();
	test_errno();
	test_finalize();
	test_log_lines(log_path);
	unlink(log_path);
	return tally();
}
