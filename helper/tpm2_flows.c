// SPDX-License-Identifier: GPL-2.0
/*
 * The TPM 2.0 flows (tpm2_flows.h): owner, ek, ak, quote, challenge and
 * asset tag. Each keeps what it
 * loaded only as long as it runs; the keys it finds or makes stay persistent.
 */
#include "tpm2_flows.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#include "../driver/tcg_log.h"
#include "exit_codes.h"
#include "owner_secret.h"
#include "report.h"
#include "tpm2_parse.h"

#define QUOTE_TRIES 3
#define ALL_PCRS ((1U << TCG_PCR_COUNT) - 1)

/*
 * Ownership as the seed product understands it: the owner and lockout
 * auths equal the owner secret, and so, by default, does the endorsement
 * auth (TPM2_ENDORSEMENT_EMPTY leaves it empty for the agents that create
 * their EK with an empty one). Dictionary-attack
 * protection: the owner and endorsement auths are not DA-protected, the
 * lockout auth is, and one wrong lockout auth locks the lockout hierarchy
 * for lockoutRecovery seconds (often a day on real TPMs). So take and
 * clear check the secret against the owner hierarchy first and only use
 * the lockout auth once that one matched.
 */
#define OWNED_MASK (TPMA_PERMANENT_OWNERAUTHSET | TPMA_PERMANENT_LOCKOUTAUTHSET)

bool tpm2_owner_state_owned(const struct tpm2_owner_state *st)
{
	return (st->perm & OWNED_MASK) == OWNED_MASK;
}

int tpm2_flow_owner_status(struct tpm2_ctx *ctx, struct tpm2_owner_state *st)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	TSS2_RC rc;
	uint32_t i;

	memset(st, 0, sizeof(*st));
	/* PERMANENT .. LOCKOUT_RECOVERY are consecutive TPM_PT_VAR values. */
	rc = Esys_GetCapability(
	    ctx->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
	    TPM2_CAP_TPM_PROPERTIES, TPM2_PT_PERMANENT,
	    TPM2_PT_LOCKOUT_RECOVERY - TPM2_PT_PERMANENT + 1, &more, &cap);
	if (rc)
		return tpm2_fail("TPM2_GetCapability(TPM_PT_PERMANENT)", rc);
	for (i = 0; i < cap->data.tpmProperties.count; i++) {
		const TPMS_TAGGED_PROPERTY *p =
		    &cap->data.tpmProperties.tpmProperty[i];

		switch (p->property) {
		case TPM2_PT_PERMANENT:
			st->perm = p->value;
			break;
		case TPM2_PT_LOCKOUT_COUNTER:
			st->lockout_counter = p->value;
			break;
		case TPM2_PT_MAX_AUTH_FAIL:
			st->max_auth_fail = p->value;
			break;
		case TPM2_PT_LOCKOUT_INTERVAL:
			st->lockout_interval = p->value;
			break;
		case TPM2_PT_LOCKOUT_RECOVERY:
			st->lockout_recovery = p->value;
			break;
		}
	}
	Esys_Free(cap);
	return 0;
}

static const char *hierarchy_name(ESYS_TR h)
{
	return h == ESYS_TR_RH_OWNER	     ? "owner"
	       : h == ESYS_TR_RH_ENDORSEMENT ? "endorsement"
					     : "lockout";
}

/*
 * TPM2_HierarchyChangeAuth(@h) from @cur to @next, in a password session.
 * With @cur == @next it changes nothing and proves @cur is the auth: the
 * cheapest authorized command that needs no object and leaves no state.
 */
static TSS2_RC change_auth(struct tpm2_ctx *ctx, ESYS_TR h,
			   const TPM2B_AUTH *cur, const TPM2B_AUTH *next)
{
	TSS2_RC rc = Esys_TR_SetAuth(ctx->esys, h, cur);

	if (!rc)
		rc = Esys_HierarchyChangeAuth(ctx->esys, h, ESYS_TR_PASSWORD,
					      ESYS_TR_NONE, ESYS_TR_NONE, next);
	return rc;
}

/* Explains TPM_RC_LOCKOUT: what the operator can do about it. */
static int lockout_fail(const char *what, TSS2_RC rc)
{
	if (rc == TPM2_RC_LOCKOUT) {
		xenmb_error(
		    "xenmb: %s: the TPM is in dictionary-attack lockout "
		    "after wrong passwords; wait for the lockout recovery "
		    "time ('xenmb owner status') and retry with the right "
		    "password\n",
		    what);
		return EXIT_TPM_ERROR;
	}
	return tpm2_fail(what, rc);
}

int tpm2_flow_owner_take(struct tpm2_ctx *ctx, const TPM2B_AUTH *secret,
			 bool from_default,
			 enum tpm2_endorsement_auth endorsement, bool *changed)
{
	static const TPM2B_AUTH empty;
	static const ESYS_TR order[] = {
	    ESYS_TR_RH_OWNER, ESYS_TR_RH_ENDORSEMENT, ESYS_TR_RH_LOCKOUT};
	static const TPMA_PERMANENT bits[] = {TPMA_PERMANENT_OWNERAUTHSET,
					      TPMA_PERMANENT_ENDORSEMENTAUTHSET,
					      TPMA_PERMANENT_LOCKOUTAUTHSET};
	struct tpm2_owner_state st;
	char what[80];
	TSS2_RC rc;
	int ret, i;

	*changed = false;
	ret = tpm2_flow_owner_status(ctx, &st);
	if (ret)
		return ret;
	/*
	 * First prove every auth already set is our secret, changing none:
	 * a TPM owned by someone else is left exactly as it was. Owner and
	 * endorsement come before lockout, which alone is DA-protected.
	 */
	for (i = 0; i < 3; i++) {
		if (!(st.perm & bits[i]))
			continue;
		rc = change_auth(ctx, order[i], secret, secret);
		if (tpm2_rc_bad_auth(rc)) {
			xenmb_error(
			    "xenmb: owner take: the TPM is owned with "
			    "another password (the %s auth is not the "
			    "secret of %s%s); wrong owner password: check "
			    "%s, or clear the TPM\n",
			    hierarchy_name(order[i]),
			    tpm2_owner_config ?: OWNER_CONFIG_PATH,
			    from_default ? ", absent: the default" : "",
			    tpm2_owner_config ?: OWNER_CONFIG_PATH);
			return EXIT_BAD_AUTH;
		}
		if (rc) {
			snprintf(what, sizeof(what),
				 "TPM2_HierarchyChangeAuth(%s, check)",
				 hierarchy_name(order[i]));
			return lockout_fail(what, rc);
		}
	}
	for (i = 0; i < 3; i++) {
		bool to_empty = order[i] == ESYS_TR_RH_ENDORSEMENT &&
				endorsement == TPM2_ENDORSEMENT_EMPTY;

		/* Proven above to be the secret when set. */
		if (to_empty && (st.perm & bits[i]))
			rc = change_auth(ctx, order[i], secret, &empty);
		else if (to_empty || (st.perm & bits[i]))
			continue;
		else
			rc = change_auth(ctx, order[i], &empty, secret);
		if (rc) {
			snprintf(what, sizeof(what),
				 "TPM2_HierarchyChangeAuth(%s)",
				 hierarchy_name(order[i]));
			return lockout_fail(what, rc);
		}
		*changed = true;
	}
	return 0;
}

int tpm2_flow_owner_clear(struct tpm2_ctx *ctx, const TPM2B_AUTH *secret)
{
	static const TPM2B_AUTH empty;
	struct tpm2_owner_state st;
	TSS2_RC rc;
	int ret;

	ret = tpm2_flow_owner_status(ctx, &st);
	if (ret)
		return ret;
	if (st.perm & TPMA_PERMANENT_DISABLECLEAR) {
		xenmb_error("xenmb: owner clear: TPM2_Clear is disabled "
			    "(disableClear); only the platform can clear "
			    "this TPM\n");
		return EXIT_TPM_ERROR;
	}
	/*
	 * A wrong password must not cost a lockout-hierarchy lockout: check
	 * it against the owner auth (not DA-protected) first.
	 */
	if (st.perm & TPMA_PERMANENT_OWNERAUTHSET) {
		rc = change_auth(ctx, ESYS_TR_RH_OWNER, secret, secret);
		if (rc)
			return lockout_fail("owner clear: checking the owner "
					    "password",
					    rc);
	}
	rc = Esys_TR_SetAuth(
	    ctx->esys, ESYS_TR_RH_LOCKOUT,
	    (st.perm & TPMA_PERMANENT_LOCKOUTAUTHSET) ? secret : &empty);
	if (!rc)
		rc = Esys_Clear(ctx->esys, ESYS_TR_RH_LOCKOUT, ESYS_TR_PASSWORD,
				ESYS_TR_NONE, ESYS_TR_NONE);
	if (rc)
		return lockout_fail("TPM2_Clear (lockout authorization)", rc);
	tpm2_forget_keys(ctx); /* Clear evicted the owner's keys */
	return 0;
}

void tpm2_key_release(struct tpm2_key *key)
{
	Esys_Free(key->pub);
	Esys_Free(key->name);
	key->pub = NULL;
	key->name = NULL;
}

/* Finds or makes a key with @get, then reads its public part and name. */
static int key_flow(struct tpm2_ctx *ctx,
		    int (*get)(struct tpm2_ctx *, const struct tpm2_auth *,
			       ESYS_TR *, bool *),
		    struct tpm2_key *key)
{
	struct tpm2_auth auth = {0};
	ESYS_TR tr = ESYS_TR_NONE;
	int ret;

	key->pub = NULL;
	key->name = NULL;
	key->created = false;
	ret = get(ctx, &auth, &tr, &key->created);
	if (!ret)
		ret = tpm2_read_public(ctx, tr, &key->pub, &key->name);
	if (ret)
		tpm2_key_release(key);
	tpm2_forget(ctx, &tr);
	tpm2_auth_clear(&auth);
	return ret;
}

int tpm2_flow_ek(struct tpm2_ctx *ctx, struct tpm2_key *ek)
{
	return key_flow(ctx, tpm2_ek_get, ek);
}

int tpm2_flow_ak(struct tpm2_ctx *ctx, struct tpm2_key *ak)
{
	return key_flow(ctx, tpm2_ak_get, ak);
}

int tpm2_ak_public_blob(const struct tpm2_key *ak, uint8_t *buf, size_t size,
			size_t *len)
{
	*len = 0;
	if (Tss2_MU_TPM2B_PUBLIC_Marshal(ak->pub, buf, size, len)) {
		xenmb_error("xenmb: cannot marshal the AK's TPM2B_PUBLIC\n");
		return EXIT_KERNEL;
	}
	return 0;
}

/* TPM2_PT_NV_BUFFER_MAX: how much one TPM2_NV_Read may return. */
static int nv_buffer_max(struct tpm2_ctx *ctx, uint16_t *max)
{
	uint32_t value;
	bool present;
	int ret;

	ret = tpm2_property(ctx, TPM2_PT_NV_BUFFER_MAX, &value, &present);
	if (ret)
		return ret;
	*max = 512; /* the PC Client minimum, should the TPM not say */
	if (present && value)
		*max = (uint16_t)value;
	if (*max > sizeof(((TPM2B_MAX_NV_BUFFER *)0)->buffer))
		*max = sizeof(((TPM2B_MAX_NV_BUFFER *)0)->buffer);
	return 0;
}

/* Reads the whole NV index @index, authorized by itself (AUTHREAD). */
static int nv_read_all(struct tpm2_ctx *ctx, TPM2_HANDLE index, uint8_t **out,
		       size_t *len)
{
	TPM2B_NV_PUBLIC *pub = NULL;
	ESYS_TR nv = ESYS_TR_NONE;
	uint16_t size, off = 0, chunk = 512;
	uint8_t *buf = NULL;
	TSS2_RC rc;
	int ret;

	ret = nv_buffer_max(ctx, &chunk);
	if (ret)
		return ret;
	rc = Esys_TR_FromTPMPublic(ctx->esys, index, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, &nv);
	if (!rc)
		rc = Esys_NV_ReadPublic(ctx->esys, nv, ESYS_TR_NONE,
					ESYS_TR_NONE, ESYS_TR_NONE, &pub, NULL);
	if (rc) {
		ret = tpm2_fail("TPM2_NV_ReadPublic (EK certificate)", rc);
		goto out;
	}
	size = pub->nvPublic.dataSize;
	buf = malloc(size ? size : 1);
	if (!buf) {
		ret = EXIT_KERNEL;
		goto out;
	}
	while (off < size) {
		TPM2B_MAX_NV_BUFFER *data = NULL;
		uint16_t n = size - off < chunk ? size - off : chunk;

		rc = Esys_NV_Read(ctx->esys, nv, nv, ESYS_TR_PASSWORD,
				  ESYS_TR_NONE, ESYS_TR_NONE, n, off, &data);
		if (rc || data->size != n) {
			Esys_Free(data);
			ret = tpm2_fail("TPM2_NV_Read (EK certificate)",
					rc ? rc
					   : TSS2_ESYS_RC_MALFORMED_RESPONSE);
			goto out;
		}
		memcpy(buf + off, data->buffer, n);
		off += n;
		Esys_Free(data);
	}
	*out = buf;
	*len = size;
	buf = NULL;
out:
	free(buf);
	Esys_Free(pub);
	tpm2_forget(ctx, &nv);
	return ret;
}

int tpm2_flow_ek_cert(struct tpm2_ctx *ctx, uint8_t **der, size_t *len)
{
	bool exists;
	int ret;

	*der = NULL;
	*len = 0;
	ret = tpm2_handle_exists(ctx, TPM2_EK_CERT_RSA_NV, &exists);
	if (ret)
		return ret;
	if (!exists) {
		xenmb_error("xenmb: no EK certificate in NV 0x%08X\n",
			    TPM2_EK_CERT_RSA_NV);
		return EXIT_NO_EK_CERT;
	}
	return nv_read_all(ctx, TPM2_EK_CERT_RSA_NV, der, len);
}

/* Adds PCRs @mask of bank @alg to @sel, merging with an earlier entry. */
static int sel_add(TPML_PCR_SELECTION *sel, TPMI_ALG_HASH alg, uint32_t mask)
{
	TPMS_PCR_SELECTION *s = NULL;
	uint32_t i;

	for (i = 0; i < sel->count; i++)
		if (sel->pcrSelections[i].hash == alg)
			s = &sel->pcrSelections[i];
	if (!s) {
		if (sel->count == TPM2_NUM_PCR_BANKS)
			return -1;
		s = &sel->pcrSelections[sel->count++];
		s->hash = alg;
		s->sizeofSelect = 3;
	}
	s->pcrSelect[0] |= (uint8_t)mask;
	s->pcrSelect[1] |= (uint8_t)(mask >> 8);
	s->pcrSelect[2] |= (uint8_t)(mask >> 16);
	return 0;
}

int tpm2_pcr_selection_parse(const char *spec, TPML_PCR_SELECTION *sel)
{
	char *copy = strdup(spec), *save = NULL, *tok;
	TPMI_ALG_HASH alg = 0;
	int ret = 0;

	if (!copy)
		return -1;
	memset(sel, 0, sizeof(*sel));
	for (tok = strtok_r(copy, ",+", &save); tok && !ret;
	     tok = strtok_r(NULL, ",+", &save)) {
		char *colon = strchr(tok, ':'), *end;
		unsigned long pcr;
		uint32_t mask;

		if (colon) {
			const struct tcg_alg *bank;

			*colon = '\0';
			bank = xenmb_tcg_alg_by_name(tok);
			alg = bank ? bank->id : 0;
			tok = colon + 1;
		}
		if (!alg) {
			ret = -1;
			break;
		}
		if (!strcmp(tok, "all")) {
			mask = ALL_PCRS;
		} else {
			errno = 0;
			pcr = strtoul(tok, &end, 0);
			if (errno || end == tok || *end ||
			    pcr >= TCG_PCR_COUNT) {
				ret = -1;
				break;
			}
			mask = 1U << pcr;
		}
		ret = sel_add(sel, alg, mask);
	}
	free(copy);
	return ret || !sel->count ? -1 : 0;
}

/* Which banks the TPM has PCRs allocated in. */
static int allocated_banks(struct tpm2_ctx *ctx, TPML_PCR_SELECTION *out)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	TSS2_RC rc;

	rc = Esys_GetCapability(ctx->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				ESYS_TR_NONE, TPM2_CAP_PCRS, 0, 1, &more, &cap);
	if (rc)
		return tpm2_fail("TPM2_GetCapability(PCRs)", rc);
	*out = cap->data.assignedPCR;
	Esys_Free(cap);
	return 0;
}

static bool bank_allocated(const TPML_PCR_SELECTION *alloc, TPMI_ALG_HASH alg)
{
	uint32_t i;

	for (i = 0; i < alloc->count; i++)
		if (alloc->pcrSelections[i].hash == alg)
			return xenmb_tpm2_selection_mask(
				   &alloc->pcrSelections[i]) != 0;
	return false;
}

/*
 * @want, or the default, checked against the banks the TPM allocated:
 * quoting a bank it has not would fail with a less helpful TPM error.
 */
static int choose_selection(struct tpm2_ctx *ctx,
			    const TPML_PCR_SELECTION *want,
			    TPML_PCR_SELECTION *sel)
{
	TPML_PCR_SELECTION alloc = {0};
	uint32_t b;
	int ret;

	ret = allocated_banks(ctx, &alloc);
	if (ret)
		return ret;
	memset(sel, 0, sizeof(*sel));
	if (want) {
		*sel = *want;
	} else {
		sel_add(sel, TPM2_ALG_SHA256, ALL_PCRS);
		if (bank_allocated(&alloc, TPM2_ALG_SHA1))
			sel_add(sel, TPM2_ALG_SHA1, ALL_PCRS);
	}
	for (b = 0; b < sel->count; b++) {
		if (bank_allocated(&alloc, sel->pcrSelections[b].hash))
			continue;
		xenmb_error(
		    "xenmb: the TPM has no %s PCR bank allocated; choose "
		    "others with --pcrs\n",
		    xenmb_tcg_alg_name(sel->pcrSelections[b].hash) ?: "?");
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * Reads every PCR of @sel into @vals. TPM2_PCR_Read returns at most eight
 * digests a call and says which ones: ask again for the rest.
 */
static int read_pcrs(struct tpm2_ctx *ctx, const TPML_PCR_SELECTION *sel,
		     struct tpm2_pcr_bank *vals)
{
	TPML_PCR_SELECTION want = *sel;
	uint32_t b, i;
	int pcr;

	for (b = 0; b < sel->count; b++) {
		vals[b].alg = sel->pcrSelections[b].hash;
		vals[b].read = 0;
	}
	for (;;) {
		TPML_PCR_SELECTION *got = NULL;
		TPML_DIGEST *digests = NULL;
		uint32_t counter, d = 0, progress = 0, left = 0;
		TSS2_RC rc;

		for (b = 0; b < want.count; b++)
			left |=
			    xenmb_tpm2_selection_mask(&want.pcrSelections[b]);
		if (!left)
			return 0;
		rc = Esys_PCR_Read(ctx->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, &want, &counter, &got,
				   &digests);
		if (rc)
			return tpm2_fail("TPM2_PCR_Read", rc);
		for (i = 0; i < got->count; i++) {
			uint32_t m =
			    xenmb_tpm2_selection_mask(&got->pcrSelections[i]);

			for (b = 0; b < sel->count; b++)
				if (vals[b].alg == got->pcrSelections[i].hash)
					break;
			for (pcr = 0; pcr < TCG_PCR_COUNT; pcr++) {
				const TPM2B_DIGEST *dg;

				if (!(m & (1U << pcr)))
					continue;
				if (b == sel->count || d >= digests->count ||
				    digests->digests[d].size >
					TCG_MAX_DIGEST_SIZE) {
					Esys_Free(got);
					Esys_Free(digests);
					xenmb_error("xenmb: TPM2_PCR_Read "
						    "answered what was not "
						    "asked\n");
					return EXIT_TPM_ERROR;
				}
				dg = &digests->digests[d++];
				vals[b].size = dg->size;
				memcpy(vals[b].value[pcr], dg->buffer,
				       dg->size);
				vals[b].read |= 1U << pcr;
				want.pcrSelections[b].pcrSelect[pcr / 8] &=
				    (uint8_t) ~(1U << (pcr % 8));
				progress++;
			}
		}
		Esys_Free(got);
		Esys_Free(digests);
		if (!progress) {
			xenmb_error(
			    "xenmb: the TPM returns no value for some "
			    "selected PCRs; is every bank allocated?\n");
			return EXIT_TPM_ERROR;
		}
	}
}

/* H(PCR values in selection order), what the quote's pcrDigest holds. */
static bool pcr_digest(const TPML_PCR_SELECTION *sel,
		       const struct tpm2_pcr_bank *vals, uint8_t out[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	uint32_t b;
	int pcr;

	for (b = 0; ok && b < sel->count; b++)
		for (pcr = 0; ok && pcr < TCG_PCR_COUNT; pcr++)
			if (xenmb_tpm2_selection_mask(&sel->pcrSelections[b]) &
			    (1U << pcr))
				ok = EVP_DigestUpdate(md, vals[b].value[pcr],
						      vals[b].size);
	ok = ok && EVP_DigestFinal_ex(md, out, NULL);
	EVP_MD_CTX_free(md);
	return ok;
}

static void quote_release(struct tpm2_quote_result *q)
{
	Esys_Free(q->attest);
	Esys_Free(q->sig);
	q->attest = NULL;
	q->sig = NULL;
}

/*
 * Quotes, then reads the PCRs, and keeps the pair only when the values
 * hash to the quote's pcrDigest: an extend in between (another process
 * measuring something) would otherwise ship values the quote does not
 * vouch for. Checks the nonce came back too.
 */
static int quote_once(struct tpm2_ctx *ctx, ESYS_TR ak, const TPM2B_DATA *nonce,
		      struct tpm2_quote_result *q, bool *consistent)
{
	static const TPMT_SIG_SCHEME key_scheme = {.scheme = TPM2_ALG_NULL};
	TPM2B_ATTEST *attest = NULL;
	TPMT_SIGNATURE *sig = NULL;
	uint8_t digest[32];
	const char *why;
	size_t off = 0;
	TSS2_RC rc;
	int ret;

	rc = Esys_Quote(ctx->esys, ak, ESYS_TR_PASSWORD, ESYS_TR_NONE,
			ESYS_TR_NONE, nonce, &key_scheme, &q->sel, &attest,
			&sig);
	if (rc)
		return tpm2_fail("TPM2_Quote", rc);
	q->attest = attest;
	q->sig = sig;
	ret = read_pcrs(ctx, &q->sel, q->vals);
	if (ret)
		return ret;
	if (!pcr_digest(&q->sel, q->vals, digest)) {
		xenmb_error("xenmb: cannot hash the PCR values\n");
		return EXIT_KERNEL;
	}
	why =
	    xenmb_tpm2_quote_attest_check(attest->attestationData, attest->size,
					  nonce, &q->sel, digest, consistent);
	if (why) {
		xenmb_error("xenmb: the TPM's quote is malformed: %s\n", why);
		return EXIT_TPM_ERROR;
	}
	if (Tss2_MU_TPMT_SIGNATURE_Marshal(sig, q->sig_blob,
					   sizeof(q->sig_blob), &off)) {
		xenmb_error("xenmb: cannot marshal the signature\n");
		return EXIT_KERNEL;
	}
	q->sig_len = off;
	return 0;
}

int tpm2_flow_quote(struct tpm2_ctx *ctx, const TPM2B_DATA *nonce,
		    const TPML_PCR_SELECTION *want,
		    struct tpm2_quote_result **out)
{
	struct tpm2_auth auth = {0};
	struct tpm2_quote_result *q;
	ESYS_TR ak = ESYS_TR_NONE;
	bool created, consistent = false;
	int ret, tries;

	*out = NULL;
	q = calloc(1, sizeof(*q));
	if (!q)
		return EXIT_KERNEL;
	ret = choose_selection(ctx, want, &q->sel);
	if (!ret)
		ret = tpm2_ak_get(ctx, &auth, &ak, &created);
	if (!ret)
		ret = tpm2_read_public(ctx, ak, &q->ak_pub, &q->ak_name);
	for (tries = 0; !ret && !consistent && tries < QUOTE_TRIES; tries++) {
		quote_release(q);
		ret = quote_once(ctx, ak, nonce, q, &consistent);
	}
	if (!ret && !consistent) {
		xenmb_error("xenmb: the PCRs kept changing while quoting; "
			    "try again\n");
		ret = EXIT_TPM_ERROR;
	}
	tpm2_forget(ctx, &ak);
	tpm2_auth_clear(&auth);
	if (ret)
		tpm2_quote_result_free(q);
	else
		*out = q;
	return ret;
}

void tpm2_quote_result_free(struct tpm2_quote_result *q)
{
	if (!q)
		return;
	quote_release(q);
	Esys_Free(q->ak_pub);
	Esys_Free(q->ak_name);
	free(q);
}

/*
 * Whether @rc is the TPM saying the credential does not fit these keys:
 * TPM_RC_INTEGRITY on the credential blob (the HMAC binds it to the AK's
 * name and to the seed), TPM_RC_VALUE on either parameter (the seed does
 * not OAEP-decrypt with this EK, TPM 2.0 part 1 §24), TPM_RC_SIZE on the
 * secret (it was encrypted to a key of another size).
 */
static bool wrong_keys(TSS2_RC rc)
{
	TSS2_RC err = rc & (TPM2_RC_FMT1 | 0x3f), n = rc & 0xf00;

	if ((rc & TSS2_RC_LAYER_MASK) != TSS2_TPM_RC_LAYER ||
	    !(rc & TPM2_RC_FMT1) || !(rc & TPM2_RC_P))
		return false;
	if (n != TPM2_RC_1 && n != TPM2_RC_2)
		return false;
	return err == TPM2_RC_INTEGRITY || err == TPM2_RC_VALUE ||
	       (err == TPM2_RC_SIZE && n == TPM2_RC_2);
}

/*
 * libtpms before 0.10 (Debian 12 has 0.9.2) answers TPM_RC_FAILURE, not
 * TPM_RC_VALUE, when the seed does not decrypt with the EK: a credential
 * for another EK (libtpms pull request 445). A TPM really in failure mode
 * answers TPM_RC_FAILURE to everything but a few capabilities, so a
 * TPM2_ReadPublic of the EK that still works tells the two apart.
 */
static bool seed_not_ours(struct tpm2_ctx *ctx, ESYS_TR ek, TSS2_RC rc)
{
	TPM2B_PUBLIC *pub = NULL;

	if (rc != TPM2_RC_FAILURE)
		return false;
	rc = Esys_ReadPublic(ctx->esys, ek, ESYS_TR_NONE, ESYS_TR_NONE,
			     ESYS_TR_NONE, &pub, NULL, NULL);
	Esys_Free(pub);
	return rc == TPM2_RC_SUCCESS;
}

/* A persistent key for use here; a missing one means no such key yet. */
static int find_key(struct tpm2_ctx *ctx, TPM2_HANDLE handle, const char *what,
		    ESYS_TR *out)
{
	bool exists;
	TSS2_RC rc;
	int ret;

	ret = tpm2_handle_exists(ctx, handle, &exists);
	if (ret)
		return ret;
	/*
	 * Creating one now could never help: a new key has a name no server
	 * has seen, so no challenge can be for it.
	 */
	if (!exists) {
		xenmb_error(
		    "xenmb: the challenge was not made for this host's EK "
		    "and AK: there is no %s at 0x%08x (run 'xenmb ak')\n",
		    what, handle);
		return EXIT_NOT_FOR_US;
	}
	rc = Esys_TR_FromTPMPublic(ctx->esys, handle, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, out);
	if (rc)
		return tpm2_fail(what, rc);
	return 0;
}

int tpm2_flow_challenge(struct tpm2_ctx *ctx, const TPM2B_ID_OBJECT *blob,
			const TPM2B_ENCRYPTED_SECRET *secret,
			TPM2B_DIGEST *recovered)
{
	struct tpm2_auth auth = {0};
	TPM2B_DIGEST *cert = NULL;
	ESYS_TR ek = ESYS_TR_NONE, ak = ESYS_TR_NONE, session = ESYS_TR_NONE;
	TSS2_RC rc;
	int ret;

	ret = find_key(ctx, ctx->ek_handle, "EK", &ek);
	if (!ret)
		ret = find_key(ctx, ctx->ak_handle, "AK", &ak);
	/* The EK's policy, PolicySecret(endorsement), authorizes its use. */
	if (!ret)
		ret = tpm2_ek_session(ctx, &auth, &session);
	if (ret)
		goto out;
	/*
	 * The AK is the object the credential names (its auth, empty, by
	 * password); the EK decrypts the seed (the policy session).
	 */
	rc =
	    Esys_ActivateCredential(ctx->esys, ak, ek, ESYS_TR_PASSWORD,
				    session, ESYS_TR_NONE, blob, secret, &cert);
	if (rc && (wrong_keys(rc) || seed_not_ours(ctx, ek, rc))) {
		xenmb_error("xenmb: the challenge was not made for this "
			    "host's EK and AK\n");
		ret = EXIT_NOT_FOR_US;
	} else if (rc) {
		ret = tpm2_fail("TPM2_ActivateCredential", rc);
	} else {
		*recovered = *cert;
		/* The recovered secret is a credential: leave no copy. */
		explicit_bzero(cert->buffer, cert->size);
	}
	Esys_Free(cert);
out:
	/* No resource manager: the session stays loaded unless flushed. */
	tpm2_flush(ctx, &session);
	tpm2_forget(ctx, &ak);
	tpm2_forget(ctx, &ek);
	tpm2_auth_clear(&auth);
	return ret;
}

static const TPMA_NV asset_tag_attrs =
    TPMA_NV_OWNERWRITE | TPMA_NV_OWNERREAD | TPMA_NV_AUTHREAD | TPMA_NV_NO_DA;

/* The index's ESYS_TR if it exists (*nv NONE if not); 0 or an exit code. */
static int open_index(struct tpm2_ctx *ctx, ESYS_TR *nv)
{
	TPM2B_NV_PUBLIC *pub = NULL;
	bool exists;
	TSS2_RC rc;
	int ret;

	*nv = ESYS_TR_NONE;
	ret = tpm2_handle_exists(ctx, TPM2_ASSET_TAG_NV, &exists);
	if (ret || !exists)
		return ret;
	rc = Esys_TR_FromTPMPublic(ctx->esys, TPM2_ASSET_TAG_NV, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, nv);
	if (!rc)
		rc = Esys_NV_ReadPublic(ctx->esys, *nv, ESYS_TR_NONE,
					ESYS_TR_NONE, ESYS_TR_NONE, &pub, NULL);
	if (rc) {
		tpm2_forget(ctx, nv);
		return tpm2_fail("TPM2_NV_ReadPublic (asset tag)", rc);
	}
	/* Someone else's index there: neither overwrite nor trust it. */
	if (pub->nvPublic.dataSize != TPM2_ASSET_TAG_SIZE ||
	    (pub->nvPublic.attributes & TPMA_NV_TPM2_NT_MASK) !=
		(TPM2_NT_ORDINARY << TPMA_NV_TPM2_NT_SHIFT)) {
		xenmb_error(
		    "xenmb: NV 0x%08X exists but is not a 32-byte ordinary "
		    "index; undefine it (tpm2_nvundefine) first\n",
		    TPM2_ASSET_TAG_NV);
		tpm2_forget(ctx, nv);
		ret = EXIT_TPM_ERROR;
	}
	Esys_Free(pub);
	return ret;
}

/* Reads the tag with the index's own empty auth, as the launch does. */
static int read_tag(struct tpm2_ctx *ctx, ESYS_TR nv,
		    uint8_t tag[TPM2_ASSET_TAG_SIZE], bool *written)
{
	TPM2B_MAX_NV_BUFFER *data = NULL;
	TSS2_RC rc;

	*written = false;
	rc = Esys_NV_Read(ctx->esys, nv, nv, ESYS_TR_PASSWORD, ESYS_TR_NONE,
			  ESYS_TR_NONE, TPM2_ASSET_TAG_SIZE, 0, &data);
	if (rc == TPM2_RC_NV_UNINITIALIZED)
		return 0;
	if (rc || data->size != TPM2_ASSET_TAG_SIZE) {
		Esys_Free(data);
		return tpm2_fail("TPM2_NV_Read (asset tag)",
				 rc ?: TSS2_ESYS_RC_MALFORMED_RESPONSE);
	}
	memcpy(tag, data->buffer, TPM2_ASSET_TAG_SIZE);
	Esys_Free(data);
	*written = true;
	return 0;
}

int tpm2_flow_asset_tag_set(struct tpm2_ctx *ctx,
			    const uint8_t tag[TPM2_ASSET_TAG_SIZE])
{
	static const TPM2B_AUTH empty;
	TPM2B_NV_PUBLIC pub = {
	    .nvPublic =
		{
		    .nvIndex = TPM2_ASSET_TAG_NV,
		    .nameAlg = TPM2_ALG_SHA256,
		    .attributes = asset_tag_attrs,
		    .dataSize = TPM2_ASSET_TAG_SIZE,
		},
	};
	TPM2B_MAX_NV_BUFFER data = {.size = TPM2_ASSET_TAG_SIZE};
	ESYS_TR nv;
	bool defined = false;
	TSS2_RC rc;
	int ret;

	memcpy(data.buffer, tag, TPM2_ASSET_TAG_SIZE);
	ret = open_index(ctx, &nv);
	if (ret)
		return ret;
	ret = tpm2_hierarchy_auth(ctx, ESYS_TR_RH_OWNER, NULL);
	if (ret)
		goto out;
	if (nv == ESYS_TR_NONE) {
		rc = Esys_NV_DefineSpace(ctx->esys, ESYS_TR_RH_OWNER,
					 ESYS_TR_PASSWORD, ESYS_TR_NONE,
					 ESYS_TR_NONE, &empty, &pub, &nv);
		if (rc) {
			nv = ESYS_TR_NONE;
			ret = tpm2_fail("TPM2_NV_DefineSpace (asset tag; owner "
					"authorization)",
					rc);
			goto out;
		}
		defined = true;
	}
	/* One NV_Write of all 32 bytes: the TPM applies it whole or not. */
	rc = Esys_NV_Write(ctx->esys, ESYS_TR_RH_OWNER, nv, ESYS_TR_PASSWORD,
			   ESYS_TR_NONE, ESYS_TR_NONE, &data, 0);
	if (rc) {
		ret = tpm2_fail("TPM2_NV_Write (asset tag; owner "
				"authorization)",
				rc);
		/* A new index never written would be a half-set tag. */
		if (defined &&
		    !Esys_NV_UndefineSpace(ctx->esys, ESYS_TR_RH_OWNER, nv,
					   ESYS_TR_PASSWORD, ESYS_TR_NONE,
					   ESYS_TR_NONE))
			nv = ESYS_TR_NONE;
		goto out;
	}
out:
	tpm2_forget(ctx, &nv);
	return ret;
}

int tpm2_flow_asset_tag_clear(struct tpm2_ctx *ctx, bool *was_set)
{
	ESYS_TR nv;
	TSS2_RC rc;
	int ret;

	*was_set = false;
	ret = open_index(ctx, &nv);
	if (ret || nv == ESYS_TR_NONE)
		return ret;
	*was_set = true;
	/* Undefined, not zeroed: the launch then extends nothing. */
	ret = tpm2_hierarchy_auth(ctx, ESYS_TR_RH_OWNER, NULL);
	if (!ret) {
		rc = Esys_NV_UndefineSpace(ctx->esys, ESYS_TR_RH_OWNER, nv,
					   ESYS_TR_PASSWORD, ESYS_TR_NONE,
					   ESYS_TR_NONE);
		if (rc)
			ret = tpm2_fail("TPM2_NV_UndefineSpace (asset tag; "
					"owner authorization)",
					rc);
		else
			nv = ESYS_TR_NONE; /* ESAPI dropped it */
	}
	tpm2_forget(ctx, &nv);
	return ret;
}

int tpm2_flow_asset_tag_show(struct tpm2_ctx *ctx,
			     uint8_t tag[TPM2_ASSET_TAG_SIZE], bool *present)
{
	ESYS_TR nv;
	int ret;

	*present = false;
	ret = open_index(ctx, &nv);
	if (!ret && nv != ESYS_TR_NONE)
		ret = read_tag(ctx, nv, tag, present);
	tpm2_forget(ctx, &nv);
	return ret;
}
