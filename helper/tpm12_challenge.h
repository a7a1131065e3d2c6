/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TPM 1.2 identity challenge as the original attestation servers send
 * it to xentpm --tpm_challenge, split without trusting a byte of it (it
 * comes from the network). Pure code: the helper and the fuzzer use it.
 *
 *   u32 BE size, the TPM_ASYM_CA_CONTENTS or TPM_EK_BLOB encrypted to the EK
 *   u32 BE size, TPM_SYM_CA_ATTESTATION: u32 credSize, TPM_KEY_PARMS
 *       (u32 algorithmID, u16 encScheme, u16 sigScheme, u32 parmSize,
 *       parms), credential = 16-byte IV || AES-CBC blocks
 *   nothing after
 */
#ifndef XENMB_TPM12_CHALLENGE_H
#define XENMB_TPM12_CHALLENGE_H

#include <stddef.h>
#include <stdint.h>

#define TPM12_CHALLENGE_MAX (64U << 10)
#define TPM12_CHALLENGE_IV_LEN 16

struct tpm12_challenge {
	const uint8_t *asym; /* for TPM_ActivateIdentity */
	uint32_t asym_len;
	const uint8_t *cred; /* IV || ciphertext, pointing into the input */
	uint32_t cred_len;
};

/* Splits @buf (@len bytes). NULL, or why it is not a challenge. */
const char *tpm12_challenge_parse(const uint8_t *buf, size_t len,
				  struct tpm12_challenge *ch);

#endif /* XENMB_TPM12_CHALLENGE_H */
