// SPDX-License-Identifier: GPL-2.0
/*
 * The xenmb TCTI. XENMB_IOC_TPM_CMD is synchronous: it returns with the
 * TPM's whole response or an errno. So transmit() does the ioctl and keeps
 * the response, and receive() only hands it out:
 *
 *   READY --transmit ok--> RESPONSE --receive (whole response)--> READY
 *   READY --transmit fails--> READY (nothing reached the caller's TPM
 *                                    state machine; the error says why)
 *
 * Doing the ioctl in transmit() means receive() can answer a size query
 * (NULL buffer) and a too-small buffer (TSS2_TCTI_RC_INSUFFICIENT_BUFFER,
 * response kept) without touching the TPM, any timeout is met (the
 * response is already here), the kernel's refusal is reported by the call
 * that sent the command, and the command itself is never copied: the
 * caller's buffer goes straight to the kernel.
 */
#include "tcti_xenmb.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../driver/tpm_cmd.h"
#include "tcti_log.h"
#include "xenmb_dev.h"

#define XENMB_TCTI_EXPORT __attribute__((visibility("default")))

/* "xenmbTCT" */
#define XENMB_TCTI_MAGIC 0x78656e6d62544354ULL

enum xenmb_tcti_state {
	XENMB_TCTI_READY,    /* may transmit */
	XENMB_TCTI_RESPONSE, /* a response waits for receive() */
};

struct xenmb_tcti {
	TSS2_TCTI_CONTEXT_COMMON_V2 common;
	int fd;
	unsigned int locality;
	enum xenmb_tcti_state state;
	struct xenmb_response rsp;
};

static struct xenmb_tcti *tcti_of(TSS2_TCTI_CONTEXT *ctx, TSS2_RC *rc)
{
	struct xenmb_tcti *t = (struct xenmb_tcti *)ctx;

	if (!t)
		*rc = TSS2_TCTI_RC_BAD_REFERENCE;
	else if (t->common.v1.magic != XENMB_TCTI_MAGIC)
		*rc = TSS2_TCTI_RC_BAD_CONTEXT;
	else
		return t;
	return NULL;
}

TSS2_RC xenmb_tcti_parse_conf(const char *conf, unsigned int *locality)
{
	static const char key[] = "locality=";
	const char *v;

	*locality = 0;
	if (!conf || !*conf)
		return TSS2_RC_SUCCESS;
	if (strncmp(conf, key, sizeof(key) - 1)) {
		tcti_error("unknown option '%s': the only one is locality=0..3",
			   conf);
		return TSS2_TCTI_RC_BAD_VALUE;
	}
	v = conf + sizeof(key) - 1;
	if (v[0] < '0' || v[0] > '3' || v[1]) {
		tcti_error("bad locality '%s': use 0..3 (4 is the hardware's)",
			   v);
		return TSS2_TCTI_RC_BAD_VALUE;
	}
	*locality = (unsigned int)(v[0] - '0');
	return TSS2_RC_SUCCESS;
}

/*
 * The kernel's refusals (uapi/linux/xenmb.h) as TCTI codes. ETIME and
 * EBUSY are not TRY_AGAIN: ESAPI's synchronous calls would call receive()
 * again forever, and after ETIME the TPM may have run the command, so
 * sending it again is not harmless.
 */
static TSS2_RC rc_of_errno(int err)
{
	switch (-err) {
	case EACCES:
	case EPERM:
		return TSS2_TCTI_RC_NOT_PERMITTED;
	case EOPNOTSUPP:
		return TSS2_TCTI_RC_NOT_SUPPORTED;
	case EINVAL:
	case E2BIG:
		return TSS2_TCTI_RC_BAD_VALUE;
	case ENODEV:
		return TSS2_TCTI_RC_NO_CONNECTION;
	default: /* ETIME, EBUSY, EIO, EFAULT, ENOSPC */
		return TSS2_TCTI_RC_IO_ERROR;
	}
}

/* Responses can carry secrets (unsealed data, session nonces). */
static void forget_response(struct xenmb_tcti *t)
{
	explicit_bzero(t->rsp.data, sizeof(t->rsp.data));
	t->rsp.len = 0;
}

static TSS2_RC tcti_transmit(TSS2_TCTI_CONTEXT *ctx, size_t size,
			     const uint8_t *cmd)
{
	TSS2_RC rc = TSS2_RC_SUCCESS;
	struct xenmb_tcti *t = tcti_of(ctx, &rc);
	struct tpm_rsp_header hdr;
	const char *name = NULL;
	char what[32], rc_text[64];
	uint32_t code = 0;
	int err;

	if (!t)
		return rc;
	if (!cmd)
		return TSS2_TCTI_RC_BAD_REFERENCE;
	if (t->state != XENMB_TCTI_READY)
		return TSS2_TCTI_RC_BAD_SEQUENCE;

	if (size >= TPM_HEADER_LEN) {
		code = (uint32_t)cmd[6] << 24 | (uint32_t)cmd[7] << 16 |
		       (uint32_t)cmd[8] << 8 | cmd[9];
		name = xenmb_tpm_cmd_name(XENMB_TPM_FAMILY_2_0, code);
	}
	if (!name) {
		snprintf(what, sizeof(what), "command 0x%x", code);
		name = what;
	}
	err = xenmb_tpm_transmit(t->fd, t->locality, cmd, size, &t->rsp);
	if (err) {
		tcti_error("%s at locality %u: %s", name, t->locality,
			   xenmb_cmd_strerror(err, t->locality));
		forget_response(t);
		return rc_of_errno(err);
	}
	/* ESAPI trusts the header's length: check it is what came back. */
	if (xenmb_tpm_rsp_parse_header(XENMB_TPM_FAMILY_2_0, t->rsp.data,
				       t->rsp.len, &hdr)) {
		tcti_error("the kernel returned a malformed %u-byte response",
			   t->rsp.len);
		forget_response(t);
		return TSS2_TCTI_RC_MALFORMED_RESPONSE;
	}
	tcti_debug("%s at locality %u: %s", name, t->locality,
		   xenmb_tpm_rc_describe(XENMB_TPM_FAMILY_2_0, hdr.rc, rc_text,
					 sizeof(rc_text)));
	t->state = XENMB_TCTI_RESPONSE;
	return TSS2_RC_SUCCESS;
}

/* The response is whole already; whatever @timeout, there is no wait. */
static TSS2_RC tcti_receive(TSS2_TCTI_CONTEXT *ctx, size_t *size,
			    uint8_t *response, int32_t timeout)
{
	TSS2_RC rc = TSS2_RC_SUCCESS;
	struct xenmb_tcti *t = tcti_of(ctx, &rc);

	if (!t)
		return rc;
	if (!size)
		return TSS2_TCTI_RC_BAD_REFERENCE;
	if (timeout < TSS2_TCTI_TIMEOUT_BLOCK)
		return TSS2_TCTI_RC_BAD_VALUE;
	if (t->state != XENMB_TCTI_RESPONSE)
		return TSS2_TCTI_RC_BAD_SEQUENCE;
	if (!response) {
		*size = t->rsp.len;
		return TSS2_RC_SUCCESS;
	}
	if (*size < t->rsp.len) {
		*size = t->rsp.len;
		return TSS2_TCTI_RC_INSUFFICIENT_BUFFER;
	}
	memcpy(response, t->rsp.data, t->rsp.len);
	*size = t->rsp.len;
	forget_response(t);
	t->state = XENMB_TCTI_READY;
	return TSS2_RC_SUCCESS;
}

static void tcti_finalize(TSS2_TCTI_CONTEXT *ctx)
{
	TSS2_RC rc;
	struct xenmb_tcti *t = tcti_of(ctx, &rc);

	/* A second call, or one after a failed init, finds no magic. */
	if (!t)
		return;
	close(t->fd);
	explicit_bzero(t, sizeof(*t));
}

/* The ioctl cannot be interrupted from outside: nothing to cancel. */
static TSS2_RC tcti_cancel(TSS2_TCTI_CONTEXT *ctx)
{
	TSS2_RC rc = TSS2_TCTI_RC_NOT_IMPLEMENTED;

	tcti_of(ctx, &rc);
	return rc;
}

/* The response is ready when transmit() returns: nothing to poll for. */
/* The parameters are tpm2-tss's TSS2_TCTI_GET_POLL_HANDLES_FCN. */
static TSS2_RC tcti_get_poll_handles(
    TSS2_TCTI_CONTEXT *ctx, TSS2_TCTI_POLL_HANDLE *handles,
    size_t *num_handles) /* NOLINT(readability-non-const-parameter) */
{
	TSS2_RC rc = TSS2_TCTI_RC_NOT_IMPLEMENTED;

	(void)handles;
	(void)num_handles;
	tcti_of(ctx, &rc);
	return rc;
}

/* Applies from the next command on; not between transmit and receive. */
static TSS2_RC tcti_set_locality(TSS2_TCTI_CONTEXT *ctx, uint8_t locality)
{
	TSS2_RC rc = TSS2_RC_SUCCESS;
	struct xenmb_tcti *t = tcti_of(ctx, &rc);

	if (!t)
		return rc;
	if (t->state != XENMB_TCTI_READY)
		return TSS2_TCTI_RC_BAD_SEQUENCE;
	if (locality > XENMB_LOCALITY_MAX) {
		tcti_error("bad locality %u: use 0..3 (4 is the hardware's)",
			   locality);
		return TSS2_TCTI_RC_BAD_VALUE;
	}
	t->locality = locality;
	return TSS2_RC_SUCCESS;
}

static TSS2_RC open_device(struct xenmb_tcti *t)
{
	struct xenmb_info info;
	int fd = xenmb_open();
	int err;

	if (fd < 0) {
		tcti_error("%s", xenmb_open_strerror(fd));
		return fd == -EACCES || fd == -EPERM
			   ? TSS2_TCTI_RC_NOT_PERMITTED
			   : TSS2_TCTI_RC_NO_CONNECTION;
	}
	/* Say it once here rather than fail every command with EINVAL. */
	err = xenmb_get_info(fd, &info);
	if (err || info.tpm_family != XENMB_TPM_FAMILY_2_0) {
		if (err)
			tcti_error("xenmb info: %s", strerror(-err));
		else if (info.tpm_family == XENMB_TPM_FAMILY_NONE)
			tcti_error("no TPM behind " XENMB_DEVICE_PATH);
		else
			tcti_error("the TPM is a TPM 1.2; tpm2-tss needs 2.0");
		close(fd);
		return TSS2_TCTI_RC_NO_CONNECTION;
	}
	t->fd = fd;
	return TSS2_RC_SUCCESS;
}

XENMB_TCTI_EXPORT TSS2_RC Tss2_Tcti_Xenmb_Init(TSS2_TCTI_CONTEXT *ctx,
					       size_t *size, const char *conf)
{
	struct xenmb_tcti *t = (struct xenmb_tcti *)ctx;
	unsigned int locality;
	TSS2_RC rc;

	if (!size)
		return TSS2_TCTI_RC_BAD_REFERENCE;
	/* Checked in the size query too, so a bad string fails first. */
	rc = xenmb_tcti_parse_conf(conf, &locality);
	if (rc)
		return rc;
	if (!t) {
		*size = sizeof(*t);
		return TSS2_RC_SUCCESS;
	}
	if (*size < sizeof(*t))
		return TSS2_TCTI_RC_INSUFFICIENT_BUFFER;

	memset(t, 0, sizeof(*t));
	rc = open_device(t);
	if (rc)
		return rc;
	t->locality = locality;
	t->state = XENMB_TCTI_READY;
	t->common.v1.version = 2;
	t->common.v1.transmit = tcti_transmit;
	t->common.v1.receive = tcti_receive;
	t->common.v1.finalize = tcti_finalize;
	t->common.v1.cancel = tcti_cancel;
	t->common.v1.getPollHandles = tcti_get_poll_handles;
	t->common.v1.setLocality = tcti_set_locality;
	t->common.makeSticky = NULL; /* only resource managers have it */
	t->common.v1.magic = XENMB_TCTI_MAGIC;
	return TSS2_RC_SUCCESS;
}

static const TSS2_TCTI_INFO xenmb_tcti_info = {
    .version = 2,
    .name = "tcti-xenmb",
    .description = "TPM 2.0 through /dev/xenmb (xenmb.ko): policy-checked, "
		   "audited, at a chosen locality",
    .config_help = "empty for locality 0, or locality=N with N in 0..3",
    .init = Tss2_Tcti_Xenmb_Init,
};

XENMB_TCTI_EXPORT const TSS2_TCTI_INFO *Tss2_Tcti_Info(void)
{
	return &xenmb_tcti_info;
}
