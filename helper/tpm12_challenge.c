// SPDX-License-Identifier: GPL-2.0
#include "tpm12_challenge.h"

#include "../driver/compat.h"

/* TPM_SYM_CA_ATTESTATION up to its parms: credSize, TPM_KEY_PARMS head. */
#define SYM_HEAD_LEN 16
#define AES_BLOCK 16

const char *tpm12_challenge_parse(const uint8_t *buf, size_t len,
				  struct tpm12_challenge *ch)
{
	uint32_t sym_len, parm_size;
	const uint8_t *sym;

	if (len > TPM12_CHALLENGE_MAX)
		return "it is larger than any challenge";
	if (len < 8)
		return "it is shorter than its two size fields";
	ch->asym_len = xenmb_get_be32(buf);
	if (!ch->asym_len || ch->asym_len > len - 8)
		return "the EK-encrypted blob's size does not fit";
	ch->asym = buf + 4;
	sym_len = xenmb_get_be32(buf + 4 + ch->asym_len);
	if (sym_len != len - 8 - ch->asym_len)
		return "the symmetric blob's size does not match the rest";
	sym = buf + 8 + ch->asym_len;
	if (sym_len < SYM_HEAD_LEN)
		return "the symmetric blob is shorter than its header";
	ch->cred_len = xenmb_get_be32(sym);
	parm_size = xenmb_get_be32(sym + 12);
	if (parm_size > sym_len - SYM_HEAD_LEN ||
	    ch->cred_len != sym_len - SYM_HEAD_LEN - parm_size)
		return "TPM_SYM_CA_ATTESTATION's sizes do not add up";
	ch->cred = sym + SYM_HEAD_LEN + parm_size;
	if (ch->cred_len <= TPM12_CHALLENGE_IV_LEN ||
	    (ch->cred_len - TPM12_CHALLENGE_IV_LEN) % AES_BLOCK)
		return "the credential is not an IV and whole AES blocks";
	return NULL;
}
