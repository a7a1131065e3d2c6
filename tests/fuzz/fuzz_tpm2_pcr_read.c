// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the helper's reading of a TPM2_PCR_Read response (pcr.c via
 * xenmb_tpm2_pcr_read_parse()). Bytes 0-1 are the bank asked for, byte 2 the
 * PCR; the rest is the response, header included.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helper/tpm2_parse.h"

/* tss2-mu logs each malformed structure; the run's log would fill up. */
/* libFuzzer's signature. */
/* NOLINTNEXTLINE(readability-non-const-parameter) */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TSS2_LOG", "all+none", 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t digest[64];
	size_t len = 0;
	int ret;

	if (size < 3)
		return 0;
	ret = xenmb_tpm2_pcr_read_parse(data + 3, size - 3,
					(TPMI_ALG_HASH)(data[0] << 8 | data[1]),
					data[2], digest, sizeof(digest), &len);
	/* What the helper relies on: a digest only on success, and it fits. */
	if (ret != 0 && ret != -ENOENT && ret != -EBADMSG)
		abort();
	if (!ret && (!len || len > sizeof(digest)))
		abort();
	return 0;
}
