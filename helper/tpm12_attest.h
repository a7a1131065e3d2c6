/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TPM 1.2 side of the xenmb subcommands ak, quote and challenge
 * (tpm12_attest.c), over /dev/xenmb at locality 0: the AIK, whose TPM_KEY
 * blob lives in TPM12_AIK_PATH (tpm12_flows.h), the quote and the identity
 * challenge. The cmd_*.c files come here when /dev/xenmb reports a TPM 1.2
 * and no --tcti was given. Outputs are those of the seed product's TPM 1.2
 * tool, which attestation servers parse.
 */
#ifndef XENMB_TPM12_ATTEST_H
#define XENMB_TPM12_ATTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The identity label the original tool gave its AIK. */
#define TPM12_AIK_LABEL "citrix"

/* ak [--pem] [--public FILE (the TPM_PUBKEY)] [--name] */
int tpm12_ak(bool pem, const char *public_path, bool show_name);

/*
 * quote --nonce: TPM_Quote of all PCRs over SHA1(@nonce). @dir (may be
 * NULL) gets quote.bin (the original's blob), aik.pem and the event logs;
 * the JSON goes to stdout with @json or without @dir.
 */
int tpm12_quote_cmd(const uint8_t *nonce, size_t nonce_len, const char *dir,
		    bool json);

/* challenge: the secret of an identity challenge (u32 size, EK blob, u32
 * size, TPM_SYM_CA_ATTESTATION), printed base64, @raw, or as JSON. */
int tpm12_challenge_cmd(const uint8_t *buf, size_t len, bool raw, bool json);

#endif /* XENMB_TPM12_ATTEST_H */
