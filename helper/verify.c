// SPDX-License-Identifier: GPL-2.0
/*
 * The attestation verdict (see verify.h): loaders for the quote formats,
 * then one pass of checks that collects every reason, never stopping at
 * the first.
 */
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
#define _GNU_SOURCE /* vasprintf */
#include "verify.h"

#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/ecdsa.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#include "encoding.h"
#include "eventlog.h"
#include "tpm12.h"

/* TPM 1.2: TPM_QUOTE_INFO is version 1.1.0.0, "QUOT", two SHA-1 digests. */
#define TPM12_QUOTE_INFO_LEN 48
static const uint8_t tpm12_quote_head[8] = {1, 1, 0, 0, 'Q', 'U', 'O', 'T'};

static const char *const check_names[VERIFY_CHECK_COUNT] = {
    [VERIFY_INPUT] = "input",		[VERIFY_SIGNATURE] = "signature",
    [VERIFY_QUOTE] = "quote",		[VERIFY_NONCE] = "nonce",
    [VERIFY_PCR_DIGEST] = "pcr-digest", [VERIFY_LOG] = "log",
    [VERIFY_REPLAY] = "replay",		[VERIFY_KNOWN_GOOD] = "known-good",
};

const char *verify_check_name(enum verify_check check)
{
	return check < VERIFY_CHECK_COUNT ? check_names[check] : "?";
}

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

const struct verify_bank *verify_pcrs_bank(const struct verify_pcrs *pcrs,
					   uint16_t alg)
{
	uint32_t i;

	for (i = 0; i < pcrs->count; i++)
		if (pcrs->banks[i].alg == alg)
			return &pcrs->banks[i];
	return NULL;
}

/* The bank of @alg in @pcrs, added when new; NULL when full or unknown. */
static struct verify_bank *pcrs_bank_add(struct verify_pcrs *pcrs, uint16_t alg)
{
	struct verify_bank *b =
	    (struct verify_bank *)verify_pcrs_bank(pcrs, alg);

	if (b)
		return b;
	if (pcrs->count == VERIFY_MAX_BANKS || !tcg_alg_digest_size(alg))
		return NULL;
	b = &pcrs->banks[pcrs->count++];
	memset(b, 0, sizeof(*b));
	b->alg = alg;
	b->size = tcg_alg_digest_size(alg);
	return b;
}

static int set_pcr(struct verify_pcrs *pcrs, uint16_t alg, uint32_t pcr,
		   const uint8_t *value, size_t len)
{
	struct verify_bank *b = pcrs_bank_add(pcrs, alg);

	if (!b || pcr >= TCG_PCR_COUNT || len != b->size)
		return -1;
	memcpy(b->value[pcr], value, len);
	b->mask |= 1U << pcr;
	return 0;
}

static uint16_t alg_by_name(const char *name)
{
	static const uint16_t algs[] = {TCG_ALG_SHA1, TCG_ALG_SHA256,
					TCG_ALG_SHA384, TCG_ALG_SHA512,
					TCG_ALG_SM3_256};
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (!strcmp(tcg_alg_name(algs[i]), name))
			return algs[i];
	return 0;
}

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

static int hex_decode(const char *s, uint8_t *out, size_t max, size_t *len)
{
	size_t n = strlen(s), i;
	char pair[3] = {0};

	if (n % 2 || n / 2 > max)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (!isxdigit((unsigned char)s[2 * i]) ||
		    !isxdigit((unsigned char)s[2 * i + 1]))
			return -1;
		/* Both checked as hex digits: strtoul cannot fail here. */
		memcpy(pair, s + 2 * i, 2);
		out[i] = (uint8_t)strtoul(pair, NULL, 16);
	}
	*len = n / 2;
	return 0;
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
		      set_pcr(&in->pcrs,
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
		if (set_pcr(&in->pcrs, TCG_ALG_SHA1, c.pcr_index[i],
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
		uint16_t alg = alg_by_name(bank);

		json_object_object_foreach(values, key, hex)
		{
			uint8_t digest[TCG_MAX_DIGEST_SIZE];
			size_t dlen = 0;
			char *end;
			unsigned long pcr = strtoul(key, &end, 10);

			if (!alg || *end || end == key ||
			    !json_object_is_type(hex, json_type_string) ||
			    hex_decode(json_object_get_string(hex), digest,
				       sizeof(digest), &dlen) ||
			    set_pcr(&in->pcrs, alg, (uint32_t)pcr, digest,
				    dlen))
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
			if (dsize > 64 || set_pcr(pcrs, alg, pcr, d + 2, dsize))
				return fail(err, size,
					    "PCR file: bad value of PCR %u",
					    pcr);
			in_list++;
		}
	}
	return 0;
}

/* ---- results ---------------------------------------------------------- */

int verify_add(struct verify_result *res, bool reason, enum verify_check check,
	       const char *fmt, ...)
{
	struct verify_line **lines = reason ? &res->reasons : &res->notes;
	size_t *count = reason ? &res->reason_count : &res->note_count;
	struct verify_line *grown;
	char *text = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	grown = realloc(*lines, (*count + 1) * sizeof(**lines));
	if (!grown) {
		free(text);
		return -ENOMEM;
	}
	*lines = grown;
	/* A reason added after verify_run() (known_good_compare) counts. */
	if (reason)
		res->trusted = false;
	grown[*count].check = check;
	grown[*count].text = text;
	(*count)++;
	return 0;
}

void verify_result_free(struct verify_result *res)
{
	size_t i;

	for (i = 0; i < res->reason_count; i++)
		free(res->reasons[i].text);
	for (i = 0; i < res->note_count; i++)
		free(res->notes[i].text);
	free(res->reasons);
	free(res->notes);
	memset(res, 0, sizeof(*res));
}

static struct json_object *lines_json(const struct verify_line *lines,
				      size_t count)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < count; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(
		    o, "check",
		    json_object_new_string(verify_check_name(lines[i].check)));
		json_object_object_add(o, "text",
				       json_object_new_string(lines[i].text));
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *verify_result_json(const struct verify_result *res)
{
	struct json_object *o = json_object_new_object();
	struct json_object *checks = json_object_new_object();
	size_t i, c;

	json_object_object_add(
	    o, "verdict",
	    json_object_new_string(res->trusted ? "trusted" : "untrusted"));
	/* Per check: "ok", "failed", or "not done" (no input for it). */
	for (c = 0; c < VERIFY_CHECK_COUNT; c++) {
		bool failed = false;

		for (i = 0; i < res->reason_count; i++)
			failed |= res->reasons[i].check == c;
		if (c == VERIFY_INPUT && !failed)
			continue;
		json_object_object_add(
		    checks, check_names[c],
		    json_object_new_string(failed	 ? "failed"
					   : res->ran[c] ? "ok"
							 : "not done"));
	}
	json_object_object_add(o, "checks", checks);
	json_object_object_add(o, "reasons",
			       lines_json(res->reasons, res->reason_count));
	json_object_object_add(o, "notes",
			       lines_json(res->notes, res->note_count));
	return o;
}

/* ---- checks ----------------------------------------------------------- */

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
		    tcg_alg_name(*hash_alg));
	return 0;
}

static uint32_t sel_mask(const TPMS_PCR_SELECTION *s)
{
	uint32_t m = 0, i;

	for (i = 0; i < s->sizeofSelect && i < 3; i++)
		m |= (uint32_t)s->pcrSelect[i] << (8 * i);
	return m;
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
	if (!md)
		md = md_of(q->pcrDigest.size == 20   ? TCG_ALG_SHA1
			   : q->pcrDigest.size == 48 ? TCG_ALG_SHA384
			   : q->pcrDigest.size == 64 ? TCG_ALG_SHA512
						     : TCG_ALG_SHA256);
	ok = EVP_DigestInit_ex(ctx, md, NULL) == 1;
	for (i = 0; ok && i < q->pcrSelect.count; i++) {
		const TPMS_PCR_SELECTION *s = &q->pcrSelect.pcrSelections[i];
		const struct verify_bank *b =
		    verify_pcrs_bank(&in->pcrs, s->hash);
		uint32_t mask = sel_mask(s);

		for (pcr = 0; pcr < TCG_PCR_COUNT; pcr++) {
			if (!(mask & (1U << pcr)))
				continue;
			if (!b || !(b->mask & (1U << pcr))) {
				ret = verify_add(
				    res, true, VERIFY_PCR_DIGEST,
				    "the quote covers PCR %u of bank %s, "
				    "but no value for it was given",
				    pcr, tcg_alg_name(s->hash) ?: "(unknown)");
				complete = false;
				continue;
			}
			ok = EVP_DigestUpdate(ctx, b->value[pcr], b->size);
			set_pcr(&res->quoted, b->alg, pcr, b->value[pcr],
				b->size);
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
	tcg_replay_init(r, drtm ? 0 : TCG_PCRS_DRTM);
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
		const char *bank = tcg_alg_name(q->alg);

		for (pcr = 0; !ret && pcr < TCG_PCR_COUNT; pcr++) {
			bool dr = drtm && pcr >= 17 && pcr <= 22;
			const struct tcg_replay *src = dr ? drtm : srtm;
			const struct tcg_pcr_bank *rb;
			uint8_t start[TCG_MAX_DIGEST_SIZE];

			if (!(q->mask & (1U << pcr)) || !src)
				continue;
			rb = tcg_replay_bank(src, q->alg);
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

		if ((srtm && !tcg_replay_bank(srtm, alg)) ||
		    (drtm && !tcg_replay_bank(drtm, alg)))
			ret = verify_add(res, false, VERIFY_REPLAY,
					 "bank %s: some log has no digests "
					 "for it; those PCRs are not replayed",
					 tcg_alg_name(alg));
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
