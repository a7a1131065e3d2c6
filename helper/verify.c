// SPDX-License-Identifier: GPL-2.0
/*
 * The checks (see verify.h): one pass that collects every reason, never
 * stopping at the first.
 */
#include "verify.h"

#include <errno.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#include "encoding.h"
#include "eventlog.h"
#include "tpm12.h"
#include "tpm2_parse.h"

/* TPM 1.2: TPM_QUOTE_INFO is version 1.1.0.0, "QUOT", two SHA-1 digests. */
#define TPM12_QUOTE_INFO_LEN 48
static const uint8_t tpm12_quote_head[8] = {1, 1, 0, 0, 'Q', 'U', 'O', 'T'};

static const EVP_MD *md_of(uint16_t alg)
{
	switch (alg) {
	case TCG_ALG_SHA1:
		return EVP_sha1();
	case TCG_ALG_SHA256:
		return EVP_sha256();
	case TCG_ALG_SHA384:
		return EVP_sha384();
	case TCG_ALG_SHA512:
		return EVP_sha512();
	default:
		return NULL;
	}
}

#define ADD(res, reason, check, ...)                                           \
	do {                                                                   \
		if (verify_add(res, reason, check, __VA_ARGS__))               \
			return -ENOMEM;                                        \
	} while (0)

static void hex(const uint8_t *data, size_t len, char *out)
{
	hex_encode_to(data, len, out);
}

/* EVP_DigestVerify of @msg; @padding is an RSA padding or 0 (EC). */
static bool signature_ok(EVP_PKEY *key, const EVP_MD *md, int padding,
			 const uint8_t *msg, size_t len, const uint8_t *sig,
			 size_t sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	bool ok = ctx && EVP_DigestVerifyInit(ctx, &pctx, md, NULL, key) == 1;

	if (ok && padding)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, padding) == 1 &&
		     (padding != RSA_PKCS1_PSS_PADDING ||
		      EVP_PKEY_CTX_set_rsa_pss_saltlen(
			  pctx, RSA_PSS_SALTLEN_AUTO) == 1);
	ok = ok && EVP_DigestVerify(ctx, sig, sig_len, msg, len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* ECDSA's (r, s) as the DER OpenSSL verifies; NULL on failure. */
static uint8_t *ecdsa_der(const TPMS_SIGNATURE_ECDSA *e, size_t *len)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(e->signatureR.buffer, e->signatureR.size, NULL);
	BIGNUM *s = BN_bin2bn(e->signatureS.buffer, e->signatureS.size, NULL);
	unsigned char *der = NULL;
	int n;

	if (!sig || !r || !s || !ECDSA_SIG_set0(sig, r, s)) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(sig);
		return NULL;
	}
	n = i2d_ECDSA_SIG(sig, &der);
	ECDSA_SIG_free(sig);
	if (n <= 0)
		return NULL;
	*len = (size_t)n;
	return der;
}

/* Checks a TPMT_SIGNATURE over @msg; the hash it used in *@hash_alg. */
static int check_tpm2_signature(const struct verify_input *in,
				struct verify_result *res, uint16_t *hash_alg)
{
	TPMT_SIGNATURE sig;
	const EVP_MD *md;
	size_t off = 0;
	bool ok = false;

	if (Tss2_MU_TPMT_SIGNATURE_Unmarshal(in->sig, in->sig_len, &off,
					     &sig) ||
	    off != in->sig_len) {
		ADD(res, true, VERIFY_SIGNATURE,
		    "the signature is not a TPMT_SIGNATURE");
		return 0;
	}
	*hash_alg = sig.signature.any.hashAlg;
	md = md_of(*hash_alg);
	if (!md) {
		ADD(res, true, VERIFY_SIGNATURE,
		    "the signature uses hash 0x%04x, which is not supported",
		    *hash_alg);
		return 0;
	}
	res->ran[VERIFY_SIGNATURE] = true;
	switch (sig.sigAlg) {
	case TPM2_ALG_RSASSA:
	case TPM2_ALG_RSAPSS:
		ok = EVP_PKEY_is_a(in->ak, "RSA") &&
		     signature_ok(in->ak, md,
				  sig.sigAlg == TPM2_ALG_RSASSA
				      ? RSA_PKCS1_PADDING
				      : RSA_PKCS1_PSS_PADDING,
				  in->quote, in->quote_len,
				  sig.signature.rsassa.sig.buffer,
				  sig.signature.rsassa.sig.size);
		break;
	case TPM2_ALG_ECDSA: {
		size_t der_len = 0;
		uint8_t *der = ecdsa_der(&sig.signature.ecdsa, &der_len);

		ok = der && EVP_PKEY_is_a(in->ak, "EC") &&
		     signature_ok(in->ak, md, 0, in->quote, in->quote_len, der,
				  der_len);
		OPENSSL_free(der);
		break;
	}
	default:
		ADD(res, true, VERIFY_SIGNATURE,
		    "signature scheme 0x%04x is not supported", sig.sigAlg);
		return 0;
	}
	if (!ok)
		ADD(res, true, VERIFY_SIGNATURE,
		    "the quote's %s/%s signature does not verify with the AK",
		    sig.sigAlg == TPM2_ALG_ECDSA    ? "ECDSA"
		    : sig.sigAlg == TPM2_ALG_RSAPSS ? "RSAPSS"
						    : "RSASSA",
		    xenmb_tcg_alg_name(*hash_alg));
	return 0;
}

/*
 * pcrDigest = H(selected PCR values in selection order), H the signing
 * scheme's hash; fills @res->quoted with the values it covers.
 */
static int check_tpm2_pcr_digest(const struct verify_input *in,
				 const TPMS_QUOTE_INFO *q, uint16_t hash_alg,
				 struct verify_result *res)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const EVP_MD *md = md_of(hash_alg);
	uint8_t digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	bool ok, complete = true;
	uint32_t i, pcr;
	int ret = 0;

	if (!ctx)
		return -ENOMEM;
	/* A broken signature gives no hash: take the digest's size's. */
	if (!md) {
		const struct tcg_alg *by_size =
		    xenmb_tcg_alg_by_size(q->pcrDigest.size);

		md = md_of(by_size ? by_size->id : TCG_ALG_SHA256);
	}
	ok = EVP_DigestInit_ex(ctx, md, NULL) == 1;
	for (i = 0; ok && i < q->pcrSelect.count; i++) {
		const TPMS_PCR_SELECTION *s = &q->pcrSelect.pcrSelections[i];
		const struct verify_bank *b =
		    verify_pcrs_bank(&in->pcrs, s->hash);
		uint32_t mask = xenmb_tpm2_selection_mask(s);

		for (pcr = 0; pcr < TCG_PCR_COUNT; pcr++) {
			if (!(mask & (1U << pcr)))
				continue;
			if (!b || !(b->mask & (1U << pcr))) {
				ret = verify_add(
				    res, true, VERIFY_PCR_DIGEST,
				    "the quote covers PCR %u of bank %s, "
				    "but no value for it was given",
				    pcr,
				    xenmb_tcg_alg_name(s->hash) ?: "(unknown)");
				complete = false;
				continue;
			}
			ok = EVP_DigestUpdate(ctx, b->value[pcr], b->size);
			verify_pcrs_set(&res->quoted, b->alg, pcr,
					b->value[pcr], b->size);
		}
	}
	ok = ok && EVP_DigestFinal_ex(ctx, digest, &dlen) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok || ret)
		return ret ?: -ENOMEM;
	res->ran[VERIFY_PCR_DIGEST] = true;
	if (complete && (dlen != q->pcrDigest.size ||
			 memcmp(digest, q->pcrDigest.buffer, dlen)))
		ADD(res, true, VERIFY_PCR_DIGEST,
		    "the PCR values given do not hash to the quote's "
		    "pcrDigest");
	return 0;
}

static int check_tpm2(const struct verify_input *in, struct verify_result *res)
{
	char want[2 * 1024 + 1], got[2 * 1024 + 1];
	uint16_t hash_alg = 0;
	TPMS_ATTEST attest;
	size_t off = 0;
	uint32_t b, outside = 0;
	int ret;

	if (in->ak) {
		ret = check_tpm2_signature(in, res, &hash_alg);
		if (ret)
			return ret;
	}
	if (Tss2_MU_TPMS_ATTEST_Unmarshal(in->quote, in->quote_len, &off,
					  &attest) ||
	    off != in->quote_len) {
		ADD(res, true, VERIFY_QUOTE, "the quote is not a TPMS_ATTEST");
		return 0;
	}
	res->ran[VERIFY_QUOTE] = true;
	if (attest.magic != TPM2_GENERATED_VALUE)
		ADD(res, true, VERIFY_QUOTE,
		    "magic 0x%08x: not made by a TPM (TPM_GENERATED_VALUE)",
		    attest.magic);
	if (attest.type != TPM2_ST_ATTEST_QUOTE) {
		ADD(res, true, VERIFY_QUOTE,
		    "type 0x%04x: not a quote (TPM_ST_ATTEST_QUOTE)",
		    attest.type);
		return 0;
	}
	if (in->has_nonce) {
		res->ran[VERIFY_NONCE] = true;
		if (attest.extraData.size != in->nonce_len ||
		    memcmp(attest.extraData.buffer, in->nonce, in->nonce_len)) {
			hex(attest.extraData.buffer, attest.extraData.size,
			    got);
			hex(in->nonce,
			    in->nonce_len > 1024 ? 1024 : in->nonce_len, want);
			ADD(res, true, VERIFY_NONCE,
			    "the quote's extraData '%s' is not the nonce '%s'",
			    got, want);
		}
	}
	ret = check_tpm2_pcr_digest(in, &attest.attested.quote, hash_alg, res);
	if (ret)
		return ret;
	for (b = 0; b < in->pcrs.count; b++) {
		const struct verify_bank *q =
		    verify_pcrs_bank(&res->quoted, in->pcrs.banks[b].alg);

		outside |= in->pcrs.banks[b].mask & ~(q ? q->mask : 0);
	}
	if (outside)
		ADD(res, false, VERIFY_PCR_DIGEST,
		    "PCR values the quote does not cover were given and are "
		    "ignored (PCR mask 0x%06x)",
		    outside);
	return 0;
}

/* TPM_PCR_COMPOSITE of the SHA-1 values of @mask, as a TPM 1.2 makes it. */
static bool tpm12_composite_digest(const struct verify_bank *b, uint8_t *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t head[9] = {0, 3};
	uint32_t pcr, n = 0;
	bool ok;

	for (pcr = 0; pcr < TCG_PCR_COUNT; pcr++)
		if (b->mask & (1U << pcr))
			n++;
	head[2] = (uint8_t)b->mask;
	head[3] = (uint8_t)(b->mask >> 8);
	head[4] = (uint8_t)(b->mask >> 16);
	n *= TPM12_DIGEST_LEN;
	head[5] = (uint8_t)(n >> 24);
	head[6] = (uint8_t)(n >> 16);
	head[7] = (uint8_t)(n >> 8);
	head[8] = (uint8_t)n;
	ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1 &&
	     EVP_DigestUpdate(ctx, head, sizeof(head)) == 1;
	for (pcr = 0; ok && pcr < TCG_PCR_COUNT; pcr++)
		if (b->mask & (1U << pcr))
			ok = EVP_DigestUpdate(ctx, b->value[pcr],
					      TPM12_DIGEST_LEN) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, out, NULL) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

static int check_tpm12(const struct verify_input *in, struct verify_result *res)
{
	const struct verify_bank *b = verify_pcrs_bank(&in->pcrs, TCG_ALG_SHA1);
	uint8_t built[TPM12_QUOTE_INFO_LEN], nonce_hash[TPM12_DIGEST_LEN];
	uint8_t composite[TPM12_DIGEST_LEN];
	const uint8_t *info = in->quote;
	size_t info_len = in->quote_len;
	bool ok;

	if (in->has_nonce)
		SHA1(in->nonce, in->nonce_len, nonce_hash);
	if (!b) {
		ADD(res, true, VERIFY_PCR_DIGEST, "no SHA-1 PCR values given");
		return 0;
	}
	if (in->composite) {
		/*
		 * xentpm's blob carries the composite, not the quote info:
		 * rebuild that with our nonce; the signature then covers
		 * both the values and the nonce.
		 */
		if (!in->has_nonce) {
			ADD(res, true, VERIFY_NONCE,
			    "a TPM 1.2 quote blob needs the nonce");
			return 0;
		}
		memcpy(built, tpm12_quote_head, 8);
		SHA1(in->composite, in->composite_len, built + 8);
		memcpy(built + 28, nonce_hash, TPM12_DIGEST_LEN);
		info = built;
		info_len = sizeof(built);
		res->ran[VERIFY_QUOTE] = true;
	} else {
		res->ran[VERIFY_QUOTE] = true;
		if (info_len != TPM12_QUOTE_INFO_LEN ||
		    memcmp(info, tpm12_quote_head, 8)) {
			ADD(res, true, VERIFY_QUOTE,
			    "the quote is not a TPM_QUOTE_INFO (1.1.0.0 QUOT)");
			info = NULL;
		}
		if (info && in->has_nonce) {
			res->ran[VERIFY_NONCE] = true;
			if (memcmp(info + 28, nonce_hash, TPM12_DIGEST_LEN))
				ADD(res, true, VERIFY_NONCE,
				    "the quote's externalData is not "
				    "SHA1(nonce)");
		}
		if (info) {
			res->ran[VERIFY_PCR_DIGEST] = true;
			if (!tpm12_composite_digest(b, composite))
				return -ENOMEM;
			if (memcmp(info + 8, composite, TPM12_DIGEST_LEN))
				ADD(res, true, VERIFY_PCR_DIGEST,
				    "the PCR values given do not hash to the "
				    "quote's TPM_PCR_COMPOSITE digest");
		}
		info = in->quote;
	}
	res->quoted.count = 1;
	res->quoted.banks[0] = *b;
	if (!in->ak)
		return 0;
	res->ran[VERIFY_SIGNATURE] = true;
	ok = EVP_PKEY_is_a(in->ak, "RSA") &&
	     signature_ok(in->ak, EVP_sha1(), RSA_PKCS1_PADDING, info, info_len,
			  in->sig, in->sig_len);
	/*
	 * A blob's nonce and composite are checked by the signature alone:
	 * a wrong nonce cannot be told from a wrong AIK or a changed quote.
	 */
	if (ok && in->composite)
		res->ran[VERIFY_NONCE] = res->ran[VERIFY_PCR_DIGEST] = true;
	if (!ok && in->composite)
		ADD(res, true, VERIFY_SIGNATURE,
		    "does not verify with the AIK over this nonce (TPM 1.2 "
		    "signs SHA1(nonce)): wrong AIK, wrong nonce or a changed "
		    "quote");
	else if (!ok)
		ADD(res, true, VERIFY_SIGNATURE,
		    "the quote's RSA/sha1 signature does not verify with the "
		    "AIK");
	return 0;
}

/* Replays @log into a new *@r; adds a reason when it cannot be read. */
static int replay_log(const struct verify_log *log, bool drtm,
		      struct tcg_replay **out, struct verify_result *res)
{
	struct tcg_replay *r = malloc(sizeof(*r));
	struct tcg_log_iter it;
	char why[256];
	int ret;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	res->ran[VERIFY_LOG] = true;
	/* The SRTM log of a host without DRTM leaves PCR 17-22 all ones. */
	xenmb_tcg_replay_init(r, drtm ? 0 : TCG_PCRS_DRTM);
	ret = eventlog_replay(log->buf, log->len, TCG_LOG_AUTO, 0, r, &it);
	if (ret == -ENOMEM) {
		free(r);
		return ret;
	}
	if (ret) {
		ADD(res, true, VERIFY_LOG, "the %s log cannot be read: %s",
		    log->name, eventlog_strerror(&it, ret, why, sizeof(why)));
		free(r);
		return 0;
	}
	*out = r;
	return 0;
}

static int check_replay(const struct verify_input *in,
			struct verify_result *res)
{
	struct tcg_replay *srtm = NULL, *drtm = NULL, **r;
	char got[2 * TCG_MAX_DIGEST_SIZE + 1],
	    want[2 * TCG_MAX_DIGEST_SIZE + 1];
	uint32_t b, pcr, i;
	int ret = 0;

	if (!in->log_count) {
		ADD(res, false, VERIFY_REPLAY,
		    "no event log given: the PCR values are not explained");
		return 0;
	}
	for (i = 0; !ret && i < in->log_count; i++) {
		bool is_drtm = !strcmp(in->logs[i].name, "drtm");

		r = is_drtm ? &drtm : &srtm;
		free(*r);
		ret = replay_log(&in->logs[i], is_drtm, r, res);
	}
	for (b = 0; !ret && b < res->quoted.count; b++) {
		const struct verify_bank *q = &res->quoted.banks[b];
		const char *bank = xenmb_tcg_alg_name(q->alg);

		for (pcr = 0; !ret && pcr < TCG_PCR_COUNT; pcr++) {
			bool dr = drtm && pcr >= 17 && pcr <= 22;
			const struct tcg_replay *src = dr ? drtm : srtm;
			const struct tcg_pcr_bank *rb;
			uint8_t start[TCG_MAX_DIGEST_SIZE];

			if (!(q->mask & (1U << pcr)) || !src)
				continue;
			rb = xenmb_tcg_replay_bank(src, q->alg);
			if (!rb || rb->status)
				continue;
			res->ran[VERIFY_REPLAY] = true;
			if (!(rb->extended & (1U << pcr))) {
				memset(start,
				       (src->ones_mask & (1U << pcr)) ? 0xff
								      : 0,
				       sizeof(start));
				if (memcmp(start, q->value[pcr], q->size))
					ret = verify_add(
					    res, false, VERIFY_REPLAY,
					    "PCR %u (%s): no event of the %s "
					    "log extends it; replay does not "
					    "check its value",
					    pcr, bank, dr ? "drtm" : "srtm");
				continue;
			}
			if (!memcmp(rb->pcr[pcr], q->value[pcr], q->size))
				continue;
			hex(rb->pcr[pcr], rb->size, got);
			hex(q->value[pcr], q->size, want);
			ret = verify_add(res, true, VERIFY_REPLAY,
					 "PCR %u (%s): the %s log replays to "
					 "%s, the quote has %s",
					 pcr, bank, dr ? "drtm" : "srtm", got,
					 want);
		}
	}
	for (b = 0; !ret && b < res->quoted.count; b++) {
		uint16_t alg = res->quoted.banks[b].alg;

		if ((srtm && !xenmb_tcg_replay_bank(srtm, alg)) ||
		    (drtm && !xenmb_tcg_replay_bank(drtm, alg)))
			ret = verify_add(res, false, VERIFY_REPLAY,
					 "bank %s: some log has no digests "
					 "for it; those PCRs are not replayed",
					 xenmb_tcg_alg_name(alg));
	}
	free(srtm);
	free(drtm);
	return ret;
}

int verify_run(const struct verify_input *in, struct verify_result *res)
{
	int ret = 0;

	memset(res, 0, sizeof(*res));
	if (!in->ak)
		ret = verify_add(res, true, VERIFY_INPUT,
				 "no AK public key: the signature cannot be "
				 "checked");
	if (!ret && !in->has_nonce)
		ret = verify_add(res, true, VERIFY_INPUT,
				 "no nonce: the quote's freshness cannot be "
				 "checked");
	if (!ret && in->family == 2)
		ret = in->quote && in->sig
			  ? check_tpm2(in, res)
			  : verify_add(res, true, VERIFY_INPUT,
				       "no quote or signature");
	else if (!ret && in->family == 1)
		ret = (in->quote || in->composite) && in->sig
			  ? check_tpm12(in, res)
			  : verify_add(res, true, VERIFY_INPUT,
				       "no quote or signature");
	else if (!ret)
		ret = verify_add(res, true, VERIFY_INPUT, "unknown TPM family");
	if (!ret)
		ret = check_replay(in, res);
	if (ret) {
		verify_result_free(res);
		return ret;
	}
	res->trusted = !res->reason_count;
	return 0;
}
