// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the reading of a tpm2_makecredential file, what 'xenmb
 * challenge' and the xapi plugin's challenge hand to the TPM
 * (cmd_challenge.c via xenmb_tpm2_cred_file_parse()).
 */
#include <stdint.h>
#include <stdlib.h>

#include "helper/tpm2_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TPM2B_ENCRYPTED_SECRET secret;
	TPM2B_ID_OBJECT blob;

	/* The helper reads at most this much; the parser never sees more. */
	if (size > TPM2_CRED_FILE_MAX)
		return 0;
	if (xenmb_tpm2_cred_file_parse(data, size, &blob, &secret))
		return 0;
	/* Accepted: both parts within their types and the file whole. */
	if (!blob.size || blob.size > sizeof(blob.credential) || !secret.size ||
	    secret.size > sizeof(secret.secret) ||
	    8 + 2 + (size_t)blob.size + 2 + secret.size != size)
		abort();
	return 0;
}
