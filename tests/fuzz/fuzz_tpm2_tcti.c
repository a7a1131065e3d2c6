// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the xenmb TCTI (helper/tcti_xenmb.c) handed arbitrary
 * responses, as tpm2-tss drives it: transmit, a size query, a receive
 * into a buffer too small, then one large enough. The link wraps the
 * three xenmb_dev.c calls that reach the kernel (ld --wrap), so the fake
 * device below answers with the input. Byte 0 picks the response length
 * the kernel reports (bit 0: the header's field, as xenmb.ko does, or the
 * bytes given) and the short buffer; the rest is the response. The
 * configuration string parser gets the input as text too.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver/tpm_cmd.h"
#include "helper/tcti_xenmb.h"
#include "helper/xenmb_dev.h"

static const uint8_t *answer;
static size_t answer_len;
static uint8_t mode;
static struct xenmb_response sent; /* what the fake kernel answered */

/* ld --wrap=F calls __wrap_F: the names are the linker's. */
/* NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
int __wrap_xenmb_open(void)
{
	return open("/dev/null", O_RDWR | O_CLOEXEC);
}

int __wrap_xenmb_get_info(int fd, struct xenmb_info *info)
{
	(void)fd;
	memset(info, 0, sizeof(*info));
	info->tpm_family = XENMB_TPM_FAMILY_2_0;
	return 0;
}

int __wrap_xenmb_tpm_transmit(int fd, unsigned int locality, const uint8_t *cmd,
			      size_t len, struct xenmb_response *rsp)
{
	size_t n =
	    answer_len < sizeof(rsp->data) ? answer_len : sizeof(rsp->data);

	(void)fd;
	(void)locality;
	(void)cmd;
	(void)len;
	memset(rsp->data, 0, sizeof(rsp->data));
	memcpy(rsp->data, answer, n);
	if ((mode & 1) && answer_len >= 6)
		rsp->len = xenmb_get_be32(answer + 2);
	else
		rsp->len = (uint32_t)answer_len;
	rsp->tpm_rc =
	    answer_len >= TPM_HEADER_LEN ? xenmb_get_be32(answer + 6) : 0;
	sent = *rsp;
	return 0;
}

/* NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

/* The TCTI's error lines would fill the run's log; libFuzzer keeps its own. */
/* libFuzzer's signature. */
/* NOLINTNEXTLINE(readability-non-const-parameter) */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	stderr = fopen("/dev/null", "w");
	return 0;
}

static const uint8_t get_random[] = {0x80, 0x01, 0, 0,	  0, 12,
				     0,	   0,	 1, 0x7B, 0, 8};

static void exchange(TSS2_TCTI_CONTEXT *ctx)
{
	static uint8_t buf[XENMB_TPM_BUF_MAX + 16];
	size_t size = 0, small;
	TSS2_RC rc;

	rc = Tss2_Tcti_Transmit(ctx, sizeof(get_random), get_random);
	if (rc == TSS2_TCTI_RC_MALFORMED_RESPONSE)
		return;
	/* Accepted: a whole response whose header says its true length. */
	if (rc || sent.len < TPM_HEADER_LEN || sent.len > XENMB_TPM_BUF_MAX ||
	    xenmb_get_be32(sent.data + 2) != sent.len)
		abort();
	if (Tss2_Tcti_Receive(ctx, &size, NULL, TSS2_TCTI_TIMEOUT_BLOCK) ||
	    size != sent.len)
		abort();
	small = mode >> 1 < size ? mode >> 1 : size - 1;
	if (Tss2_Tcti_Receive(ctx, &small, buf, TSS2_TCTI_TIMEOUT_BLOCK) !=
		TSS2_TCTI_RC_INSUFFICIENT_BUFFER ||
	    small != size)
		abort();
	small = sizeof(buf);
	if (Tss2_Tcti_Receive(ctx, &small, buf, TSS2_TCTI_TIMEOUT_BLOCK) ||
	    small != size || memcmp(buf, sent.data, size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TSS2_TCTI_CONTEXT *ctx;
	unsigned int locality;
	size_t ctx_size = 0;
	char *conf;

	if (!size)
		return 0;
	mode = data[0];
	answer = data + 1;
	answer_len = size - 1;

	conf = strndup((const char *)answer, answer_len);
	if (conf) {
		if (!xenmb_tcti_parse_conf(conf, &locality) && locality > 3)
			abort();
		free(conf);
	}

	if (Tss2_Tcti_Xenmb_Init(NULL, &ctx_size, NULL))
		abort();
	ctx = malloc(ctx_size);
	if (!ctx)
		return 0;
	if (!Tss2_Tcti_Xenmb_Init(ctx, &ctx_size, NULL)) {
		exchange(ctx);
		Tss2_Tcti_Finalize(ctx);
	}
	free(ctx);
	return 0;
}
