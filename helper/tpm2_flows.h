/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TPM 2.0 attestation flows as typed functions over an ESAPI context
 * (tpm2_esys.h). attest.c calls them when the TPM is a TPM 2.0 (the front
 * ends, the cmd_*.c files and xentpm, call attest.h and print what it
 * returns).
 *
 * A flow prints nothing on success. Its failures are reported the way
 * tpm2_esys.c reports them (one "xenmb: ..." line to xenmb_error(),
 * report.h: stderr unless the front end set a handler; tpm2_fail), and it
 * returns an exit code (exit_codes.h). The flows take
 * the hierarchy auths they need from the owner config file
 * (tpm2_owner_config), never from argv or the environment; owner take and
 * clear are handed the secret instead, which their front end reads
 * (tpm2_owner_auth) before the TPM is touched, so that a bad config file
 * changes nothing.
 */
#ifndef XENMB_TPM2_FLOWS_H
#define XENMB_TPM2_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tss2/tss2_esys.h>

#include "pcr.h"
#include "tpm2_esys.h"

/* The EK or the AK as tpm2_flow_ek() and tpm2_flow_ak() return it. */
struct tpm2_key {
	TPM2B_PUBLIC *pub;
	TPM2B_NAME *name;
	bool created; /* this run made it (and made it persistent) */
};

/* Releases what a struct tpm2_key holds; the key stays in the TPM. */
void tpm2_key_release(struct tpm2_key *key);

/*
 * The EK at ctx->ek_handle (default TPM2_EK_HANDLE), created from the TCG
 * default RSA-2048 template and made persistent when there is none. Returns 0
 * or an exit code.
 */
int tpm2_flow_ek(struct tpm2_ctx *ctx, struct tpm2_key *ek);

/*
 * The bytes of NV TPM2_EK_CERT_RSA_NV (a DER certificate, maybe padded),
 * malloc()ed. Returns 0, EXIT_NO_EK_CERT when there is no such index, or
 * another exit code. Needs no key, so makes none.
 */
int tpm2_flow_ek_cert(struct tpm2_ctx *ctx, uint8_t **der, size_t *len);

/*
 * The AK at ctx->ak_handle (default TPM2_AK_HANDLE), created under the
 * EK and made persistent when there is none. Returns 0 or an exit code.
 */
int tpm2_flow_ak(struct tpm2_ctx *ctx, struct tpm2_key *ak);

/*
 * The AK's public area marshaled as a TPM2B_PUBLIC (what tpm2_createak -u
 * writes) into @buf of @size bytes, *@len its length. Returns 0 or
 * EXIT_KERNEL.
 */
int tpm2_ak_public_blob(const struct tpm2_key *ak, uint8_t *buf, size_t size,
			size_t *len);

/* The longest nonce a quote takes (TPM2B_DATA: one digest of SHA-512). */
#define TPM2_QUOTE_NONCE_MAX 64

/*
 * Parses a PCR selection, "sha256:all,sha1:0,1,2" or tpm2-tools'
 * "sha1:0,1,2+sha256:all": a token with a colon starts a bank, a bare
 * number adds to the current one. Returns 0, or -1 for a malformed one.
 */
int tpm2_pcr_selection_parse(const char *spec, TPML_PCR_SELECTION *sel);

/* The PCR values of one bank, as read for a quote. */
struct tpm2_pcr_bank {
	TPMI_ALG_HASH alg;
	uint16_t size;
	uint32_t read; /* PCRs filled in */
	uint8_t value[TCG_PCR_COUNT][TCG_MAX_DIGEST_SIZE];
};

/* What tpm2_flow_quote() returns; release with tpm2_quote_result_free(). */
struct tpm2_quote_result {
	TPML_PCR_SELECTION sel; /* the PCRs quoted, in the quote's order */
	TPM2B_ATTEST *attest;	/* the TPMS_ATTEST the TPM signed */
	TPMT_SIGNATURE *sig;
	uint8_t sig_blob[sizeof(TPMT_SIGNATURE)]; /* @sig marshaled */
	size_t sig_len;
	struct tpm2_pcr_bank vals[TPM2_NUM_PCR_BANKS]; /* per entry of @sel */
	TPM2B_PUBLIC *ak_pub;
	TPM2B_NAME *ak_name;
};

/*
 * TPM2_Quote of @want (NULL: all PCRs of SHA-256, plus SHA-1 when that
 * bank is allocated) with the AK, made first if there is none, over
 * @nonce, and the PCR values that quote vouches for. A bank the TPM has
 * not allocated is EXIT_USAGE. Returns 0 with *@out set, or an exit code.
 */
int tpm2_flow_quote(struct tpm2_ctx *ctx, const TPM2B_DATA *nonce,
		    const TPML_PCR_SELECTION *want,
		    struct tpm2_quote_result **out);
void tpm2_quote_result_free(struct tpm2_quote_result *q);

/* What 'owner status' reports: TPM_PT_PERMANENT and the DA counters. */
struct tpm2_owner_state {
	TPMA_PERMANENT perm;
	uint32_t lockout_counter;
	uint32_t max_auth_fail;
	uint32_t lockout_interval;
	uint32_t lockout_recovery;
};

/*
 * Owned, as the seed product means it: the owner and lockout auths set
 * (the endorsement auth is the secret too unless owner take was asked to
 * leave it empty).
 */
bool tpm2_owner_state_owned(const struct tpm2_owner_state *st);

int tpm2_flow_owner_status(struct tpm2_ctx *ctx, struct tpm2_owner_state *st);

/* What owner take makes the endorsement hierarchy's auth. */
enum tpm2_endorsement_auth {
	/*
	 * The owner secret, like the owner and lockout auths: the default.
	 * The seed product's TPM 1.2 EK could be read only with the owner
	 * auth once owned; hosts owned by earlier xenmb are in this state.
	 */
	TPM2_ENDORSEMENT_SECRET,
	/*
	 * Empty (made empty again if it is the secret): go-attestation and
	 * Keylime create their EK and activate credentials with an empty
	 * endorsement auth (Keylime: tpm_ownerpassword = "").
	 */
	TPM2_ENDORSEMENT_EMPTY,
};

/*
 * Sets every hierarchy auth not yet set to @secret (the endorsement auth
 * as @endorsement says), once every auth already set is proven to be
 * @secret (a TPM owned with another password is left as it was:
 * EXIT_BAD_AUTH). *@changed says whether any auth was changed;
 * @from_default only words the error line. Returns 0 or an exit code.
 */
int tpm2_flow_owner_take(struct tpm2_ctx *ctx, const TPM2B_AUTH *secret,
			 bool from_default,
			 enum tpm2_endorsement_auth endorsement, bool *changed);

/*
 * TPM2_Clear with the lockout auth, @secret when set, once @secret has
 * been proven against the owner auth (not DA-protected). Returns 0 or an
 * exit code.
 */
int tpm2_flow_owner_clear(struct tpm2_ctx *ctx, const TPM2B_AUTH *secret);

/*
 * TPM2_ActivateCredential with the EK and the AK at their persistent
 * handles (ctx->ek_handle, ctx->ak_handle): the secret a server sealed with
 * tpm2_makecredential to this host's EK and AK name, into *@recovered (wipe it
 * after use). A credential for other keys, or no EK or AK yet, is
 * EXIT_NOT_FOR_US. Returns 0 or an exit code.
 */
int tpm2_flow_challenge(struct tpm2_ctx *ctx, const TPM2B_ID_OBJECT *blob,
			const TPM2B_ENCRYPTED_SECRET *secret,
			TPM2B_DIGEST *recovered);

/*
 * The asset tag: NV index TPM2_ASSET_TAG_NV, TPM2_ASSET_TAG_SIZE bytes,
 * OWNERWRITE | OWNERREAD | AUTHREAD | NO_DA with an empty index auth, so
 * the measured launch reads it without a password and extends it into
 * PCR 22.
 */
#define TPM2_ASSET_TAG_NV 0x01C10110U
#define TPM2_ASSET_TAG_SIZE 32

/*
 * Defines the index when missing and writes @tag with one TPM2_NV_Write
 * (owner authorization): all or nothing; a new index whose write fails is
 * undefined again. Returns 0 or an exit code.
 */
int tpm2_flow_asset_tag_set(struct tpm2_ctx *ctx,
			    const uint8_t tag[TPM2_ASSET_TAG_SIZE]);

/* Undefines the index; *@was_set says whether there was one. */
int tpm2_flow_asset_tag_clear(struct tpm2_ctx *ctx, bool *was_set);

/* Reads the tag with the index's own auth; *@present: one is written. */
int tpm2_flow_asset_tag_show(struct tpm2_ctx *ctx,
			     uint8_t tag[TPM2_ASSET_TAG_SIZE], bool *present);

#endif /* XENMB_TPM2_FLOWS_H */
