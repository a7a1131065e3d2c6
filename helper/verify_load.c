// SPDX-License-Identifier: GPL-2.0
/*
 * Loading what a verification looks at (see verify_load.h): the quote
 * formats, the AK's public key and the event logs, from bytes in memory.
 */
#include "verify_load.h"

#include <endian.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/param_build.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#include "encoding.h"
#include "tpm12.h"

void verify_input_free(struct verify_input *in)
{
	unsigned int i;

	free(in->quote);
	free(in->composite);
	free(in->sig);
	free(in->nonce);
	EVP_PKEY_free(in->ak);
	for (i = 0; i < in->log_count; i++)
		free(in->logs[i].buf);
	memset(in, 0, sizeof(*in));
}

static int fail(char *err, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -1;
}

static uint8_t *dup_bytes(const uint8_t *data, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	if (p && len)
		memcpy(p, data, len);
	return p;
}

/* ---- keys ------------------------------------------------------------- */

static EVP_PKEY *pkey_from_params(const char *type, OSSL_PARAM_BLD *bld)
{
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY *pkey = NULL;

	if (!pctx || !params || EVP_PKEY_fromdata_init(pctx) <= 0 ||
	    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		pkey = NULL;
	OSSL_PARAM_free(params);
	EVP_PKEY_CTX_free(pctx);
	return pkey;
}

static EVP_PKEY *rsa_key(const uint8_t *n, size_t n_len, uint32_t exponent)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *bn = BN_bin2bn(n, (int)n_len, NULL), *e = BN_new();
	EVP_PKEY *pkey = NULL;

	if (bld && bn && e && BN_set_word(e, exponent) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		pkey = pkey_from_params("RSA", bld);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(e);
	return pkey;
}

static EVP_PKEY *ecc_key(const TPMS_ECC_POINT *point, TPMI_ECC_CURVE curve)
{
	uint8_t pub[1 + 2 * 66] = {4};
	const char *group;
	size_t field;
	OSSL_PARAM_BLD *bld;
	EVP_PKEY *pkey = NULL;

	switch (curve) {
	case TPM2_ECC_NIST_P256:
		group = "P-256", field = 32;
		break;
	case TPM2_ECC_NIST_P384:
		group = "P-384", field = 48;
		break;
	case TPM2_ECC_NIST_P521:
		group = "P-521", field = 66;
		break;
	default:
		return NULL;
	}
	if (point->x.size > field || point->y.size > field)
		return NULL;
	/* Uncompressed point: 04 || X || Y, each left-padded to the field. */
	memcpy(pub + 1 + field - point->x.size, point->x.buffer, point->x.size);
	memcpy(pub + 1 + 2 * field - point->y.size, point->y.buffer,
	       point->y.size);
	bld = OSSL_PARAM_BLD_new();
	if (bld &&
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					    group, 0) &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub,
					     1 + 2 * field))
		pkey = pkey_from_params("EC", bld);
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

EVP_PKEY *verify_tpmt_public_key(const TPMT_PUBLIC *pub)
{
	if (pub->type == TPM2_ALG_RSA)
		/* Exponent 0 means the default, 2^16 + 1 (TPM 2.0 part 2). */
		return rsa_key(pub->unique.rsa.buffer, pub->unique.rsa.size,
			       pub->parameters.rsaDetail.exponent ?: 65537);
	if (pub->type == TPM2_ALG_ECC)
		return ecc_key(&pub->unique.ecc,
			       pub->parameters.eccDetail.curveID);
	return NULL;
}

EVP_PKEY *verify_tpm2_public_key(const uint8_t *tpmt_public, size_t len)
{
	TPMT_PUBLIC pub;
	size_t off = 0;

	if (Tss2_MU_TPMT_PUBLIC_Unmarshal(tpmt_public, len, &off, &pub) ||
	    off != len)
		return NULL;
	return verify_tpmt_public_key(&pub);
}

EVP_PKEY *verify_tpm12_public_key(const uint8_t *p, size_t len)
{
	struct tpm12_key_info k;
	EVP_PKEY *pkey = NULL;
	size_t used = 0;

	if (tpm12_pubkey_parse(p, len, &k, &used) || used != len ||
	    tpm12_key_to_evp(&k, &pkey))
		return NULL;
	return pkey;
}

int verify_load_ak_pem(struct verify_input *in, const uint8_t *pem, size_t len,
		       char *err, size_t size)
{
	OSSL_DECODER_CTX *dctx;
	EVP_PKEY *pkey = NULL;
	const unsigned char *p = pem;
	size_t left = len;

	/* Any public key structure PEM holds: SPKI or PKCS#1 "RSA PUBLIC". */
	dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", NULL, NULL,
					     EVP_PKEY_PUBLIC_KEY, NULL, NULL);
	if (!dctx || !OSSL_DECODER_from_data(dctx, &p, &left) || !pkey) {
		OSSL_DECODER_CTX_free(dctx);
		EVP_PKEY_free(pkey);
		return fail(err, size, "not a PEM public key");
	}
	OSSL_DECODER_CTX_free(dctx);
	EVP_PKEY_free(in->ak);
	in->ak = pkey;
	return 0;
}

/* ---- loaders ---------------------------------------------------------- */

int verify_add_log(struct verify_input *in, const char *name,
		   const uint8_t *buf, size_t len)
{
	struct verify_log *log;

	if (in->log_count == VERIFY_MAX_LOGS)
		return -1;
	log = &in->logs[in->log_count];
	log->buf = dup_bytes(buf, len);
	if (!log->buf)
		return -1;
	log->len = len;
	snprintf(log->name, sizeof(log->name), "%s", name);
	in->log_count++;
	return 0;
}

static const char *get_string(struct json_object *o, const char *path)
{
	char key[64];
	const char *dot;
	struct json_object *v;

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path = dot + 1;
	}
	if (!json_object_object_get_ex(o, path, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Base64 of @path in @o into a new buffer; NULL when absent or bad. */
static uint8_t *get_b64(struct json_object *o, const char *path, size_t *len)
{
	const char *s = get_string(o, path);

	return s ? base64_decode(s, len) : NULL;
}

int verify_load_attestation(struct verify_input *in, const char *json_text,
			    char *err, size_t size)
{
	struct json_object *root = json_tokener_parse(json_text), *v, *pcrs;
	uint8_t *ak = NULL, *log = NULL;
	size_t ak_len = 0, log_len = 0, i, n;
	int ret = -1;

	if (!root || !json_object_is_type(root, json_type_object)) {
		fail(err, size, "not a JSON object");
		goto out;
	}
	if (!json_object_object_get_ex(root, "Static", &v) ||
	    !json_object_object_get_ex(v, "TPMVersion", &v)) {
		fail(err, size, "no Static.TPMVersion: not an attestation");
		goto out;
	}
	in->family = json_object_get_int(v);
	if (in->family != 1 && in->family != 2) {
		fail(err, size, "Static.TPMVersion %d: want 1 or 2",
		     in->family);
		goto out;
	}
	in->quote = get_b64(root, "Quote.Quote", &in->quote_len);
	in->sig = get_b64(root, "Quote.Signature", &in->sig_len);
	ak = get_b64(root, "AK.Public", &ak_len);
	if (!in->quote || !in->sig || !ak) {
		fail(err, size,
		     "Quote.Quote, Quote.Signature or AK.Public "
		     "missing or not base64");
		goto out;
	}
	in->ak = in->family == 2 ? verify_tpm2_public_key(ak, ak_len)
				 : verify_tpm12_public_key(ak, ak_len);
	if (!in->ak) {
		fail(err, size, "AK.Public is not a usable %s public key",
		     in->family == 2 ? "TPMT_PUBLIC" : "TPM_PUBKEY");
		goto out;
	}
	/* The verifier's nonce, recorded with the attestation. */
	if (get_string(root, "Quote.Nonce")) {
		in->nonce = get_b64(root, "Quote.Nonce", &in->nonce_len);
		if (!in->nonce) {
			fail(err, size, "Quote.Nonce is not base64");
			goto out;
		}
		in->has_nonce = true;
	}
	if (!json_object_object_get_ex(root, "Log", &v) ||
	    !json_object_object_get_ex(v, "PCRs", &pcrs) ||
	    !json_object_is_type(pcrs, json_type_array)) {
		fail(err, size, "no Log.PCRs");
		goto out;
	}
	n = json_object_array_length(pcrs);
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(pcrs, i), *x;
		uint8_t *digest;
		size_t dlen = 0;
		int index = -1, hash = 0, bad;

		if (json_object_object_get_ex(e, "Index", &x))
			index = json_object_get_int(x);
		if (json_object_object_get_ex(e, "DigestAlg", &x))
			hash = json_object_get_int(x);
		digest = get_b64(e, "Digest", &dlen);
		/* Go's crypto.Hash numbering: 3 SHA-1, 5 SHA-256 (4 seen). */
		bad = !digest || index < 0 ||
		      verify_pcrs_set(&in->pcrs,
				      hash == 3 ? TCG_ALG_SHA1 : TCG_ALG_SHA256,
				      (uint32_t)index, digest, dlen);
		free(digest);
		if (bad || (hash != 3 && hash != 4 && hash != 5)) {
			fail(err, size, "Log.PCRs[%zu] is not a PCR value", i);
			goto out;
		}
	}
	log = get_b64(root, "Log.Raw", &log_len);
	if (get_string(root, "Log.Raw") && !log) {
		fail(err, size, "Log.Raw is not base64");
		goto out;
	}
	/* A firmware log of a boot without DRTM. */
	if (log && verify_add_log(in, "srtm", log, log_len)) {
		fail(err, size, "out of memory");
		goto out;
	}
	ret = 0;
out:
	free(ak);
	free(log);
	json_object_put(root);
	return ret;
}

/*
 * The decoded xentpm blob: TPM_PCR_COMPOSITE (read by tpm12.c's parser,
 * the one the quote flow uses) followed by the signature.
 */
static int load_tpm12_blob(struct verify_input *in, const uint8_t *blob,
			   size_t len, char *err, size_t size)
{
	struct tpm12_pcr_composite c;
	size_t used = 0;
	unsigned int i;

	in->family = 1;
	if (tpm12_pcr_composite_parse(blob, len, &c, &used))
		return fail(err, size,
			    "the quote is not a xentpm TPM 1.2 quote: no "
			    "TPM_PCR_COMPOSITE with 20 bytes per selected PCR");
	if (len - used < 64)
		return fail(err, size,
			    "the quote's signature is missing or truncated");
	for (i = 0; i < c.count; i++)
		if (verify_pcrs_set(&in->pcrs, TCG_ALG_SHA1, c.pcr_index[i],
				    c.values[i], TPM12_DIGEST_LEN))
			return fail(err, size,
				    "the quote selects PCR %u: above %u",
				    c.pcr_index[i], TCG_PCR_COUNT - 1);
	in->composite = dup_bytes(blob, used);
	in->composite_len = used;
	in->sig = dup_bytes(blob + used, len - used);
	in->sig_len = len - used;
	return in->composite && in->sig ? 0 : fail(err, size, "out of memory");
}

int verify_load_xentpm_blob(struct verify_input *in, const char *base64,
			    char *err, size_t size)
{
	size_t len = 0;
	uint8_t *blob = base64_decode(base64, &len);
	int ret;

	in->family = 1;
	if (!blob)
		return fail(err, size, "the quote is not base64");
	ret = load_tpm12_blob(in, blob, len, err, size);
	free(blob);
	return ret;
}

/* TPM 2.0 'xenmb quote --json': attest, signature and the PCR values. */
static int load_tpm2_quote_json(struct verify_input *in,
				struct json_object *root, char *err,
				size_t size)
{
	struct json_object *pcrs;

	in->family = 2;
	in->quote = get_b64(root, "attest", &in->quote_len);
	in->sig = get_b64(root, "signature", &in->sig_len);
	if (!in->quote || !in->sig ||
	    !json_object_object_get_ex(root, "pcrs", &pcrs))
		return fail(err, size,
			    "attest, signature or pcrs missing: not the "
			    "output of 'xenmb quote --json'");
	json_object_object_foreach(pcrs, bank, values)
	{
		const struct tcg_alg *known = xenmb_tcg_alg_by_name(bank);
		uint16_t alg = known ? known->id : 0;

		json_object_object_foreach(values, key, hex)
		{
			uint8_t digest[TCG_MAX_DIGEST_SIZE];
			const char *text =
			    json_object_is_type(hex, json_type_string)
				? json_object_get_string(hex)
				: NULL;
			long dlen = text
					? hex_decode(text, strlen(text), digest,
						     sizeof(digest), false)
					: -1;
			char *end;
			unsigned long pcr = strtoul(key, &end, 10);

			if (!alg || *end || end == key || dlen < 0 ||
			    verify_pcrs_set(&in->pcrs, alg, (uint32_t)pcr,
					    digest, (size_t)dlen))
				return fail(err, size,
					    "pcrs.%s.%s is not a PCR value",
					    bank, key);
		}
	}
	return 0;
}

int verify_load_quote_json(struct verify_input *in, const char *json_text,
			   char *err, size_t size)
{
	static const char *const logs[] = {"srtm", "drtm"};
	struct json_object *root = json_tokener_parse(json_text);
	const char *quote;
	uint8_t *decoded;
	int ret = -1;
	size_t i, len;

	/* xentpm --tpm_quote and the plugin hand out its base64. */
	if (!root && (decoded = base64_decode(json_text, &len))) {
		decoded[len] = '\0';
		root = json_tokener_parse((char *)decoded);
		free(decoded);
	}
	if (!root || !json_object_is_type(root, json_type_object)) {
		fail(err, size, "not a JSON object");
		goto out;
	}
	/*
	 * TPM 2.0 output has "attest"; TPM 1.2 output "quote", the xentpm
	 * blob, whose parts its other fields (composite, signature, pcrs)
	 * repeat unsigned: only the blob is judged.
	 */
	quote = get_string(root, "attest") ? NULL : get_string(root, "quote");
	if (quote)
		ret = verify_load_xentpm_blob(in, quote, err, size);
	else
		ret = load_tpm2_quote_json(in, root, err, size);
	for (i = 0; !ret && i < 2; i++) {
		char key[16];
		uint8_t *log;

		snprintf(key, sizeof(key), "%s_log", logs[i]);
		if (!get_string(root, key))
			continue;
		log = get_b64(root, key, &len);
		if (!log || verify_add_log(in, logs[i], log, len))
			ret = fail(err, size, "%s is not base64", key);
		free(log);
	}
out:
	json_object_put(root);
	return ret;
}

/*
 * tpm2-tools' serialized PCR file: TPML_PCR_SELECTION as in memory (u32
 * count, 16 x {u16 hash, u8 sizeofSelect, u8 select[4], pad}), u32 count
 * of TPML_DIGEST, then those (u32 count, 8 x {u16 size, u8 buffer[64]});
 * little-endian. The sizes are tpm2-tss's structure sizes.
 */
int verify_parse_pcrs_file(struct verify_pcrs *pcrs, const uint8_t *buf,
			   size_t len, char *err, size_t size)
{
	const size_t sel_size = sizeof(TPML_PCR_SELECTION);
	const size_t list_size = sizeof(TPML_DIGEST);
	TPML_PCR_SELECTION sel;
	uint32_t lists, b, pcr, taken = 0, in_list = 0;
	const uint8_t *list;
	size_t off;

	if (len < sel_size + 4)
		return fail(err, size, "PCR file too short");
	memcpy(&sel, buf, sel_size);
	sel.count = le32toh(sel.count);
	memcpy(&lists, buf + sel_size, 4);
	lists = le32toh(lists);
	if (sel.count > TPM2_NUM_PCR_BANKS || lists > TPM2_MAX_PCRS ||
	    len != sel_size + 4 + lists * list_size)
		return fail(err, size,
			    "PCR file of a size or count that is "
			    "not tpm2_quote's");
	off = sel_size + 4;
	list = buf + off;
	for (b = 0; b < sel.count; b++) {
		const TPMS_PCR_SELECTION *s = &sel.pcrSelections[b];
		uint16_t alg = le16toh(s->hash);

		if (s->sizeofSelect > 3)
			return fail(err, size,
				    "PCR file selects PCRs above 23");
		for (pcr = 0; pcr < 8U * s->sizeofSelect; pcr++) {
			uint32_t count;
			uint16_t dsize;
			const uint8_t *d;

			if (!(s->pcrSelect[pcr / 8] & (1U << (pcr % 8))))
				continue;
			/* Eight digests a TPML_DIGEST, in selection order. */
			if (in_list == 8) {
				in_list = 0;
				taken++;
			}
			if (taken >= lists)
				return fail(err, size, "PCR file lacks values");
			memcpy(&count, list + taken * list_size, 4);
			count = le32toh(count);
			if (in_list >= count || count > 8)
				return fail(err, size, "PCR file lacks values");
			d = list + taken * list_size + 4 + (size_t)in_list * 66;
			memcpy(&dsize, d, 2);
			dsize = le16toh(dsize);
			if (dsize > 64 ||
			    verify_pcrs_set(pcrs, alg, pcr, d + 2, dsize))
				return fail(err, size,
					    "PCR file: bad value of PCR %u",
					    pcr);
			in_list++;
		}
	}
	return 0;
}
