/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TPM 1.2 attestation flows (tpm12_attest.c) as typed functions over
 * one run's link to the TPM (tpm12_open(), tpm12_flows.h): the AIK, whose
 * TPM_KEY blob lives in TPM12_AIK_PATH, the quote and the identity
 * challenge, the mirror of tpm2_flows.h's ak, quote and challenge.
 * attest.c calls them when /dev/xenmb reports a TPM 1.2 (and no --tcti
 * was given); what is printed keeps the formats of the seed product's TPM
 * 1.2 tool, which attestation servers parse. A flow prints nothing on
 * success; its failures are said through xenmb_error() (report.h;
 * t12_fail).
 */
#ifndef XENMB_TPM12_ATTEST_H
#define XENMB_TPM12_ATTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tpm12.h"
#include "tpm12_challenge.h"

struct t12;

/* The identity label the original tool gave its AIK. */
#define TPM12_AIK_LABEL "citrix"

/* The AIK as tpm12_flow_ak() and tpm12_flow_quote() return it. */
struct tpm12_aik {
	struct tpm12_blob blob;	    /* the TPM_KEY */
	struct tpm12_key_info info; /* points into blob */
	bool created;		    /* this run made it */
};

/*
 * The AIK of TPM12_AIK_PATH, made with TPM_MakeIdentity when there is
 * none or the TPM no longer loads it (cleared since); loading it proves
 * it is this TPM's. Returns 0 or an exit code.
 */
int tpm12_flow_ak(struct t12 *c, struct tpm12_aik *aik);

/* The AIK's TPM_PUBKEY (the original's "TCPA blob"); 0 or EXIT_KERNEL. */
int tpm12_aik_pubkey(const struct tpm12_aik *aik, struct tpm12_blob *pub);

/* What tpm12_flow_quote() returns. */
struct tpm12_quote_result {
	struct tpm12_blob composite; /* the TPM_PCR_COMPOSITE */
	struct tpm12_blob signature; /* over TPM_QUOTE_INFO */
	struct tpm12_pcr_composite pcrs;
	uint8_t blob[2 * TPM12_BLOB_MAX]; /* the original's: both above */
	size_t blob_len;
	struct tpm12_aik aik; /* the key that signed */
};

/*
 * TPM_Quote of all PCRs (their count from TPM_GetCapability) with the
 * AIK, made first if there is none, over SHA1(@nonce). Returns 0 or an
 * exit code.
 */
int tpm12_flow_quote(struct t12 *c, const uint8_t *nonce, size_t nonce_len,
		     struct tpm12_quote_result *q);

/*
 * TPM_ActivateIdentity of @ch (tpm12_challenge_parse()) with the AIK and
 * the owner auth, then the credential decrypted with the session key: the
 * secret, malloc()ed into *@secret (wipe it, then free it). A challenge
 * for another EK or AIK is EXIT_NOT_FOR_US, one whose credential does not
 * decrypt EXIT_BAD_CRED. Returns 0 or an exit code.
 */
int tpm12_flow_challenge(struct t12 *c, const struct tpm12_challenge *ch,
			 uint8_t **secret, size_t *secret_len);

#endif /* XENMB_TPM12_ATTEST_H */
