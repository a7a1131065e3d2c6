// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the helper's check of the TPMS_ATTEST a TPM2_Quote returns
 * (cmd_quote.c via xenmb_tpm2_quote_attest_check()). The input is the nonce
 * (a length byte, then the bytes), the 32-byte PCR digest the helper
 * computed, the PCR selection asked for (a marshaled TPML_PCR_SELECTION),
 * then the TPMS_ATTEST.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>

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
	TPM2B_DATA nonce = {0};
	TPML_PCR_SELECTION sel;
	const uint8_t *digest;
	bool consistent = true;
	const char *why;
	size_t off;

	if (size < 1 || data[0] > sizeof(nonce.buffer) ||
	    size < 1 + (size_t)data[0] + 32)
		return 0;
	nonce.size = data[0];
	memcpy(nonce.buffer, data + 1, nonce.size);
	digest = data + 1 + nonce.size;
	off = 1 + nonce.size + 32;
	if (Tss2_MU_TPML_PCR_SELECTION_Unmarshal(data, size, &off, &sel))
		return 0;
	why = xenmb_tpm2_quote_attest_check(data + off, size - off, &nonce,
					    &sel, digest, &consistent);
	/* A rejected quote must never be called consistent. */
	if (why && consistent)
		abort();
	return 0;
}
