// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the split of a TPM 1.2 identity challenge (what an
 * attestation server sends to xentpm --tpm_challenge). Every part it
 * returns must lie inside the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "helper/tpm12_challenge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tpm12_challenge ch;
	const uint8_t *end = data + size;

	if (tpm12_challenge_parse(data, size, &ch))
		return 0;
	if (ch.asym < data || ch.asym_len > (size_t)(end - ch.asym) ||
	    ch.cred < data || ch.cred_len > (size_t)(end - ch.cred) ||
	    ch.cred + ch.cred_len != end)
		abort();
	return 0;
}
