/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The attestation operations over either TPM family: attest_open() picks
 * the family once (TPM 1.2 when /dev/xenmb reports one and no --tcti was
 * given, else TPM 2.0 through tpm2-tss), and each operation calls that
 * family's flow (tpm2_flows.h, tpm12_flows.h, tpm12_attest.h). What a
 * front end prints comes back as bytes in the format that family's tools
 * have always printed, so that xentpm never asks which family it has.
 *
 * The link to the TPM is opened by the first operation that needs it and
 * kept until attest_close(): argument checks and the owner secret come
 * before the TPM is touched, as they did in each command. Failures are
 * said through xenmb_error() (report.h) and returned as exit codes
 * (exit_codes.h); the TPM's own code stays in tpm2_last_rc or
 * tpm12_last_rc.
 */
#ifndef XENMB_ATTEST_H
#define XENMB_ATTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tss2/tss2_tpm2_types.h>

#include "quote_out.h"

struct attest;

/*
 * Picks the family for the TCTI @tcti (NULL: the default, over
 * /dev/xenmb); the owner config file is tpm2_owner_config. Returns 0 with
 * *@a set, or EXIT_KERNEL.
 */
int attest_open(struct attest **a, const char *tcti);
void attest_close(struct attest *a);

/*
 * The persistent handles of the EK and the AK for what follows, as an
 * operator spelled them (--handle, --ek-handle, --ak-handle;
 * xenmb_tpm2_persistent_handle_parse()); NULL keeps that key's default (TPM 2.0
 * only: TPM2_EK_HANDLE, TPM2_AK_HANDLE). A bad handle, one handle for
 * both keys, or any handle on a TPM 1.2 is a usage error, said before
 * the TPM is touched. Returns 0 or EXIT_USAGE.
 */
int attest_key_handles(struct attest *a, const char *ek, const char *ak);

/*
 * The TPM's own code of the last failure since attest_last_tpm_rc_clear():
 * TPM 1.2's return code; TPM 2.0's response code, with *@auth set when it
 * rejected an authorization (TPM_RC_BAD_AUTH, _AUTH_FAIL, _LOCKOUT: what
 * the original called TPM_E_AUTHFAIL). False when no TPM code was had.
 */
bool attest_last_tpm_rc(uint32_t *rc, bool *auth);
void attest_last_tpm_rc_clear(void);

/* Owned as the seed product means it (TPM 2.0: all three auths set). */
int attest_owner_owned(struct attest *a, bool *owned);

/* Takes ownership with the owner secret; *@taken: this call took it. */
int attest_owner_take(struct attest *a, bool *taken);

/*
 * 'xenmb owner @op' (status, take or clear): the flow, then what it
 * prints in its family's words (attest_print.h), or with @json the
 * status after it. @empty_endorsement: take leaves the TPM 2.0
 * endorsement auth empty (TPM2_ENDORSEMENT_EMPTY; a TPM 1.2 has none,
 * EXIT_USAGE). Returns 0 or an exit code.
 */
int attest_owner_show(struct attest *a, const char *op, bool json,
		      bool empty_endorsement);

/*
 * What the original tool did before each of its flows but the challenge
 * on a TPM 1.2, so that it worked on a fresh host: ownership taken when
 * there is no owner. A TPM 2.0 needs no owner for them: nothing is done.
 */
int attest_owner_ensure(struct attest *a);

/* The EK's public key as PEM text, malloc()ed and NUL-terminated. */
int attest_ek_pem(struct attest *a, char **pem);

/*
 * The EK certificate's DER, out of what NV holds (which may be padded),
 * malloc()ed. EXIT_NO_EK_CERT when there is none.
 */
int attest_ek_cert(struct attest *a, uint8_t **der, size_t *len);

/*
 * The DER X.509 certificate at the start of @nv (NV may hold more than
 * the certificate), re-encoded into *@der (malloc()ed). Returns 0, or -1
 * when @nv does not start with one.
 */
int attest_cert_der(const uint8_t *nv, size_t len, uint8_t **der,
		    size_t *der_len);

/* What 'xenmb ek' prints without options, in its family's words. */
int attest_ek_summary(struct attest *a, char **text);

/* What 'xenmb ak' shows of the AK; the members asked for are filled. */
struct attest_ak_view {
	char *pem;	 /* the public key as PEM text */
	uint8_t *blob;	 /* as attest_ak_public() */
	size_t blob_len; /*   returns it */
	char *name;	 /* hex: TPM 2.0's name, 1.2's TPM_PUBKEY SHA-1 */
	char *summary;	 /* the lines 'xenmb ak' prints without options */
};

/* The AK, made when there is none; @want_pem, @want_blob: those too. */
int attest_ak_show(struct attest *a, bool want_pem, bool want_blob,
		   struct attest_ak_view *v);
void attest_ak_view_free(struct attest_ak_view *v);

/* The AK (TPM 1.2: the AIK), made when there is none. */
int attest_ak(struct attest *a);

/* The AK's public key as PEM text, malloc()ed. */
int attest_ak_pem(struct attest *a, char **pem);

/*
 * The AK's public part as its family exports it (TPM 2.0: TPM2B_PUBLIC;
 * TPM 1.2: the TPM_PUBKEY, the original's "TCPA blob"), malloc()ed.
 */
int attest_ak_public(struct attest *a, uint8_t **blob, size_t *len);

/* A quote of either family; release with attest_quote_free(). */
struct attest_quote;

/*
 * A quote over @nonce of @spec ('quote --pcrs'; NULL: the family's
 * default: TPM 2.0 all of SHA-256, and SHA-1 when allocated; TPM 1.2 all
 * its PCRs, the only selection it takes), made with the AK, which is made
 * first if there is none. A selection the family cannot quote is a usage
 * error. Returns 0 with *@out set, or an exit code.
 */
int attest_quote(struct attest *a, const TPM2B_DATA *nonce, const char *spec,
		 struct attest_quote **out);
void attest_quote_free(struct attest_quote *q);

/* Writes its family's 'quote --out' files into @dir (quote_out.h). */
int attest_quote_save(const struct attest_quote *q, const char *dir);

/* Its family's JSON, with @logs (may be NULL). */
struct json_object *attest_quote_json(const struct attest_quote *q,
				      const struct quote_logs *logs);

/*
 * A quote of the default PCRs over the base64 nonce @nonce_b64 (1 to 64
 * bytes, else a usage error), with the host's event logs, as xentpm
 * prints it before its base64: TPM 2.0: the text 'xenmb quote --json
 * --out' prints; TPM 1.2: the original tool's blob. malloc()ed.
 */
int attest_quote_compat(struct attest *a, const char *nonce_b64, uint8_t **out,
			size_t *len);

/*
 * The challenge's bytes from base64 @text, as the family takes it (TPM
 * 2.0: a tpm2_makecredential file; TPM 1.2: the original's identity
 * challenge); a usage error when it is not base64. malloc()ed.
 */
int attest_challenge_decode(struct attest *a, const char *text, uint8_t **buf,
			    size_t *len);

/* The same read from the file @path. */
int attest_challenge_read(struct attest *a, const char *path, uint8_t **buf,
			  size_t *len);

/*
 * Checks the challenge @buf before the TPM is asked, then activates it:
 * the secret, malloc()ed (wipe it, then free it). EXIT_BAD_CRED when it is
 * not one, EXIT_NOT_FOR_US when made for another EK or AK.
 */
int attest_challenge(struct attest *a, const uint8_t *buf, size_t len,
		     uint8_t **secret, size_t *secret_len);

/* The longest asset tag either family stores (TPM 2.0's, SHA-256). */
#define ATTEST_ASSET_TAG_MAX 32

/*
 * 64 or 40 hex digits, or base64 of 32 or 20 bytes, into @tag (zero
 * padded); *@tag_len gets the tag's own length. Returns 0 or a usage
 * error (said why).
 */
int attest_asset_tag_parse(const char *text, uint8_t tag[ATTEST_ASSET_TAG_MAX],
			   size_t *tag_len);

/*
 * Writes the tag (attest_asset_tag_parse()): a usage error when the
 * family stores another length. *@nv_index: the NV index written.
 */
int attest_asset_tag_set(struct attest *a,
			 const uint8_t tag[ATTEST_ASSET_TAG_MAX],
			 size_t tag_len, uint32_t *nv_index);

/* Removes the tag's NV index; *@was_set says whether there was one. */
int attest_asset_tag_clear(struct attest *a, bool *was_set);

/*
 * Reads the tag: *@tag_len is the length the family stores, *@nv_name its
 * NV index as 'asset-tag show' names it; *@present: one is written.
 */
int attest_asset_tag_show(struct attest *a, uint8_t tag[ATTEST_ASSET_TAG_MAX],
			  size_t *tag_len, bool *present, const char **nv_name);

#endif /* XENMB_ATTEST_H */
