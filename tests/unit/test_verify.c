// SPDX-License-Identifier: GPL-2.0
/*
 * The attestation verdict (helper/verify_load.c, verify.c, verdict.c,
 * known_good.c) on real
 * attestations made by real TPMs ($XENMB_SHARED_DATA/eventlogs/ *.json:
 * a TPM 2.0 Windows VM and a TPM 1.2 Linux machine):
 *  - each verifies as it is, with and without the known-good list
 *    recorded from it;
 *  - changing any one byte of the quote or of the signature makes it
 *    untrusted, every byte tried;
 *  - changing any byte of a digest of an event that feeds a quoted PCR
 *    makes it untrusted by replay alone, every such byte tried;
 *  - changing a log byte (a sample: every 4th byte) makes it untrusted
 *    against the known-good list;
 *  - the same TPM 1.2 quote as xentpm's blob (composite || signature),
 *    every byte of the blob tried;
 *  - that blob as TPM 1.2 'xenmb quote --json' with the SRTM log, and its
 *    base64: trusted; another nonce names the nonce in the signature reason;
 *  - another AK, another nonce, other PCR values: untrusted, by the right
 *    check; known-good differences name the PCR, event and component;
 *  - an ECDSA P-256 AK (TPMT_PUBLIC) and a quote OpenSSL signed with it,
 *    as no real attestation here has one.
 * The last line is "N passed, N failed". Without $XENMB_SHARED_DATA/eventlogs
 * (real-world data, not in the repository) the SHARED_CASES cases on the
 * recorded attestations are skipped, said in one "skip:" line, the crafted
 * ones still run, and the line is "N passed, N failed, N skipped"; with it,
 * their number is checked, so the skip count stays what the data gives.
 */
#include <errno.h>
#include <json-c/json.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <tss2/tss2_mu.h>

#include "../../helper/encoding.h"
#include "../../helper/eventlog.h"
#include "../../helper/files.h"
#include "../../helper/known_good.h"
#include "../../helper/verdict.h"
#include "../../helper/verify.h"
#include "../../helper/verify_load.h"
#include "tap.h"

/*
 * What the cases on the recorded attestations report: 13 on the TPM 2.0
 * one, 12 on the TPM 1.2 one, 7 on its xentpm blob and quote JSON; and
 * the check of this number.
 */
#define SHARED_CASES 33

static const char *data_dir;

static char *read_text(const char *file)
{
	char path[4096];
	uint8_t *buf;
	size_t len;

	snprintf(path, sizeof(path), "%s/eventlogs/%s", data_dir, file);
	if (files_read_bounded(path, FILES_READ_MAX, &buf, &len))
		return NULL;
	buf[len] = '\0';
	return (char *)buf;
}

/*
 * What 'xenmb verify' does: the checks, then the comparison with @list
 * when there is one. 0, or -ENOMEM with @res freed.
 */
static int verdict_of(const struct verify_input *in, struct json_object *list,
		      struct verify_result *res)
{
	if (verify_run(in, res))
		return -ENOMEM;
	if (list && known_good_compare(list, in->logs, in->log_count,
				       &res->quoted, res) < 0) {
		verify_result_free(res);
		return -ENOMEM;
	}
	return 0;
}

/* Runs the verification; true when untrusted with a reason of @check. */
static bool untrusted_by(const struct verify_input *in,
			 struct json_object *list, int check)
{
	struct verify_result res;
	bool hit = false;
	size_t i;

	if (verdict_of(in, list, &res)) {
		fprintf(stderr, "verdict_of: out of memory\n");
		exit(2);
	}
	for (i = 0; i < res.reason_count; i++)
		hit |= check < 0 || (int)res.reasons[i].check == check;
	hit = hit && !res.trusted;
	verify_result_free(&res);
	return hit;
}

/* The first reason's text of a verification, for messages. */
static void first_reason(const struct verify_input *in,
			 struct json_object *list, char *out, size_t size)
{
	struct verify_result res;

	snprintf(out, size, "(none)");
	if (verdict_of(in, list, &res))
		return;
	if (res.reason_count)
		snprintf(out, size, "%s: %s",
			 verify_check_name(res.reasons[0].check),
			 res.reasons[0].text);
	verify_result_free(&res);
}

/* Flips each of @len bytes at @buf in turn; counts untrusted verdicts. */
static void flip_all(const char *what, struct verify_input *in, uint8_t *buf,
		     size_t len, struct json_object *list)
{
	size_t i, rejected = 0, first_kept = len;
	char desc[200];

	for (i = 0; i < len; i++) {
		buf[i] ^= 0x01;
		if (untrusted_by(in, list, -1))
			rejected++;
		else if (first_kept == len)
			first_kept = i;
		buf[i] ^= 0x01;
	}
	snprintf(desc, sizeof(desc), "%s: all %zu one-byte changes rejected",
		 what, len);
	report(len && rejected == len, desc,
	       "%zu of %zu rejected, %zu kept, first at %zu", rejected, len,
	       len - rejected, first_kept);
}

/*
 * Flips every digest byte of the events that extend a quoted PCR of the
 * digest's bank; each must fail replay without any list.
 */
static void flip_event_digests(const char *file, struct verify_input *in,
			       const struct verify_pcrs *quoted)
{
	struct verify_log *log = &in->logs[0];
	size_t rejected = 0, tried = 0, first_kept = 0;
	struct tcg_log_iter it;
	struct tcg_event ev;
	char desc[200];
	uint32_t d, k;

	xenmb_tcg_log_open(&it, log->buf, (uint32_t)log->len, TCG_LOG_AUTO, 0);
	while (xenmb_tcg_log_next(&it, &ev) == 1) {
		if (ev.type == TCG_EV_NO_ACTION || ev.pcr >= TCG_PCR_COUNT)
			continue;
		for (d = 0; d < ev.digest_count; d++) {
			const struct verify_bank *b =
			    verify_pcrs_bank(quoted, ev.digests[d].alg);
			size_t at = (size_t)(ev.digests[d].digest - log->buf);

			if (!b || !(b->mask & (1U << ev.pcr)))
				continue;
			for (k = 0; k < ev.digests[d].size; k++) {
				tried++;
				log->buf[at + k] ^= 0x01;
				if (untrusted_by(in, NULL, VERIFY_REPLAY))
					rejected++;
				else if (!first_kept)
					first_kept = at + k;
				log->buf[at + k] ^= 0x01;
			}
		}
	}
	snprintf(desc, sizeof(desc),
		 "%s: every one of %zu digest bytes of events feeding quoted "
		 "PCRs, changed, fails replay",
		 file, tried);
	report(tried > 0 && rejected == tried, desc,
	       "%zu rejected, first kept at offset %zu", rejected, first_kept);
}

static void flip_log_sample(const char *file, struct verify_input *in,
			    struct json_object *list)
{
	struct verify_log *log = &in->logs[0];
	size_t i, rejected = 0, tried = 0, first_kept = 0;
	char desc[200];

	for (i = 0; i < log->len; i += 4) {
		tried++;
		log->buf[i] ^= 0x01;
		if (untrusted_by(in, list, -1))
			rejected++;
		else if (!first_kept)
			first_kept = i;
		log->buf[i] ^= 0x01;
	}
	snprintf(desc, sizeof(desc),
		 "%s: %zu log bytes (every 4th), each changed, rejected "
		 "against the known-good list",
		 file, tried);
	report(tried > 0 && rejected == tried, desc,
	       "%zu rejected, first kept at offset %zu", rejected, first_kept);
}

/* The known-good diff names what changed: PCR, event, component. */
static void check_diff_names(const char *file, struct verify_input *in,
			     struct json_object *list)
{
	struct verify_log *log = &in->logs[0];
	struct verify_result res;
	struct tcg_log_iter it;
	struct tcg_event ev;
	uint32_t seq = 0, pcr = 0, target = 0;
	size_t at = 0, i;
	char want[64], desc[200], data[160];
	const char *component = NULL;
	bool named = false;

	/* The last measured event of the log. */
	xenmb_tcg_log_open(&it, log->buf, (uint32_t)log->len, TCG_LOG_AUTO, 0);
	while (xenmb_tcg_log_next(&it, &ev) == 1) {
		if (ev.type != TCG_EV_NO_ACTION && ev.digest_count) {
			at = (size_t)(ev.digests[0].digest - log->buf);
			pcr = ev.pcr;
			target = seq;
			eventlog_data_text(ev.data, ev.data_len, data,
					   sizeof(data), 32);
			component = known_good_component(ev.type, data);
		}
		seq++;
	}
	log->buf[at] ^= 0x01;
	if (!verdict_of(in, list, &res)) {
		snprintf(want, sizeof(want), "PCR %u, srtm log event %u (", pcr,
			 target);
		for (i = 0; i < res.reason_count; i++)
			named |= res.reasons[i].check == VERIFY_KNOWN_GOOD &&
				 component &&
				 strstr(res.reasons[i].text, want) &&
				 strstr(res.reasons[i].text, component);
		verify_result_free(&res);
	}
	log->buf[at] ^= 0x01;
	snprintf(desc, sizeof(desc),
		 "%s: a changed digest is named by the list: '%s...%s'", file,
		 want, component ? component : "?");
	report(named, desc, "not named");
}

static void run_attestation(const char *file, struct verify_input *tpm12_ak)
{
	struct verify_input in = {0};
	struct verify_result res;
	struct json_object *list = NULL;
	char err[256], desc[200], why[512];
	char *text = read_text(file);
	EVP_PKEY *own_ak;
	uint8_t *nonce;
	size_t nonce_len;
	int ret;

	snprintf(desc, sizeof(desc), "%s: loads", file);
	ret = text ? verify_load_attestation(&in, text, err, sizeof(err)) : -1;
	free(text);
	if (!report(!ret, desc, "%s", text ? err : "cannot read it"))
		goto out;

	snprintf(desc, sizeof(desc), "%s: trusted as it is", file);
	first_reason(&in, NULL, why, sizeof(why));
	ret = verify_run(&in, &res);
	report(!ret && res.trusted && res.ran[VERIFY_SIGNATURE] &&
		   res.ran[VERIFY_NONCE] && res.ran[VERIFY_PCR_DIGEST] &&
		   res.ran[VERIFY_REPLAY],
	       desc, "%s", why);
	snprintf(err, sizeof(err), "%s", "cannot record");
	list = ret ? NULL
		   : known_good_record(in.family, in.logs, in.log_count,
				       &res.quoted, err, sizeof(err));
	snprintf(desc, sizeof(desc), "%s: known-good list recorded", file);
	report(list != NULL, desc, "%s", err);
	snprintf(desc, sizeof(desc), "%s: trusted against its own list", file);
	first_reason(&in, list, why, sizeof(why));
	report(list && !untrusted_by(&in, list, -1), desc, "%s", why);

	snprintf(desc, sizeof(desc), "%s quote", file);
	flip_all(desc, &in, in.quote, in.quote_len, NULL);
	snprintf(desc, sizeof(desc), "%s signature", file);
	flip_all(desc, &in, in.sig, in.sig_len, NULL);
	flip_event_digests(file, &in, &res.quoted);
	if (list) {
		flip_log_sample(file, &in, list);
		check_diff_names(file, &in, list);
	}

	/* The list knows a DRTM log the quote did not come with. */
	if (list) {
		struct json_object *events, *extra = json_object_new_object();
		struct verify_result r2;
		bool said = false;
		size_t i;

		json_object_object_get_ex(list, "events", &events);
		json_object_object_add(extra, "log",
				       json_object_new_string("drtm"));
		json_object_object_add(extra, "pcr", json_object_new_int(17));
		json_object_array_add(events, extra);
		if (!verdict_of(&in, list, &r2)) {
			for (i = 0; i < r2.reason_count; i++)
				said |= strstr(r2.reasons[i].text,
					       "no drtm log came") != NULL;
			said = said && !r2.trusted && r2.reason_count == 1;
			verify_result_free(&r2);
		}
		json_object_array_del_idx(
		    events, json_object_array_length(events) - 1, 1);
		snprintf(desc, sizeof(desc),
			 "%s: a DRTM log the list has and the quote lacks is "
			 "one reason",
			 file);
		report(said, desc, "not said");
	}

	/* Another nonce: caught by the nonce check. */
	nonce = in.nonce;
	nonce_len = in.nonce_len;
	in.nonce = (uint8_t *)"another nonce";
	in.nonce_len = 13;
	snprintf(desc, sizeof(desc), "%s: another nonce is untrusted (nonce)",
		 file);
	report(untrusted_by(&in, NULL, VERIFY_NONCE), desc, "not rejected");
	in.nonce = nonce;
	in.nonce_len = nonce_len;

	/* A quoted PCR value changed: caught by the digest / composite. */
	in.pcrs.banks[0].value[0][0] ^= 0x01;
	snprintf(desc, sizeof(desc),
		 "%s: a changed PCR value is untrusted (pcr-digest)", file);
	report(untrusted_by(&in, NULL, VERIFY_PCR_DIGEST), desc,
	       "not rejected");
	in.pcrs.banks[0].value[0][0] ^= 0x01;

	/* Another AK: caught by the signature. */
	if (tpm12_ak && tpm12_ak->ak && in.family == 2) {
		own_ak = in.ak;
		in.ak = tpm12_ak->ak;
		snprintf(desc, sizeof(desc),
			 "%s: under another AK it is untrusted (signature)",
			 file);
		report(untrusted_by(&in, NULL, VERIFY_SIGNATURE), desc,
		       "not rejected");
		in.ak = own_ak;
	}
	if (!ret)
		verify_result_free(&res);
out:
	json_object_put(list);
	verify_input_free(&in);
}

/*
 * The same blob as TPM 1.2 'xenmb quote --json' gives it ("quote" and the
 * SRTM log), as JSON and as its base64: trusted, the log replayed; with
 * another nonce the signature reason names the nonce, the one TPM 1.2
 * cannot check apart from the signature.
 */
static void run_tpm12_quote_json(const uint8_t *blob, size_t len,
				 const struct verify_input *att)
{
	struct json_object *o = json_object_new_object();
	char *quote = base64_encode(blob, len), *log = NULL, *b64 = NULL;
	char err[256], why[512];
	const char *text, *forms[2];
	struct verify_result res;
	uint8_t other_nonce[20] = {0};
	unsigned int i;
	bool ok;

	if (att->log_count)
		log = base64_encode(att->logs[0].buf, att->logs[0].len);
	json_object_object_add(o, "quote", json_object_new_string(quote));
	json_object_object_add(o, "srtm_log", json_object_new_string(log));
	text = json_object_to_json_string(o);
	b64 = base64_encode((const uint8_t *)text, strlen(text));
	forms[0] = text;
	forms[1] = b64;
	for (i = 0; i < 2; i++) {
		struct verify_input in = {0};

		ok = quote && log && forms[i] &&
		     !verify_load_quote_json(&in, forms[i], err, sizeof(err));
		in.ak = att->ak;
		in.nonce = att->nonce;
		in.nonce_len = att->nonce_len;
		in.has_nonce = true;
		ok = ok && in.family == 1 && in.log_count == 1 &&
		     !verify_run(&in, &res);
		if (ok) {
			ok = res.trusted && res.ran[VERIFY_REPLAY];
			verify_result_free(&res);
		}
		first_reason(&in, NULL, why, sizeof(why));
		report(ok,
		       i ? "TPM 1.2 quote JSON as base64: trusted, SRTM log "
			   "replayed"
			 : "TPM 1.2 quote JSON: trusted, SRTM log replayed",
		       "%s", why);
		in.nonce = other_nonce;
		in.nonce_len = sizeof(other_nonce);
		first_reason(&in, NULL, why, sizeof(why));
		if (!i)
			report(untrusted_by(&in, NULL, VERIFY_SIGNATURE) &&
				   strstr(why, "signature: ") == why &&
				   strstr(why, "nonce"),
			       "TPM 1.2 quote JSON, another nonce: the "
			       "signature reason names the nonce",
			       "%s", why);
		in.ak = NULL;
		in.nonce = NULL;
		verify_input_free(&in);
	}
	free(quote);
	free(log);
	free(b64);
	json_object_put(o);
}

/*
 * The TPM 1.2 attestation's quote as xentpm hands it out: the
 * TPM_PCR_COMPOSITE of PCR 0-23 (what its TPM_QUOTE_INFO's digest says)
 * and the signature, base64. Its nonce: SHA1(nonce) is externalData.
 */
static void run_xentpm_blob(void)
{
	struct verify_input att = {0}, in = {0};
	char err[256], why[512], *text = read_text("linux_tpm12.json");
	const struct verify_bank *b;
	uint8_t blob[2 + 3 + 4 + 24 * 20 + 512];
	size_t len = 0, i, rejected = 0, first_kept = 0;
	uint32_t pcr;
	char *b64;
	bool ok;

	ok = text && !verify_load_attestation(&att, text, err, sizeof(err));
	free(text);
	b = ok ? verify_pcrs_bank(&att.pcrs, TCG_ALG_SHA1) : NULL;
	if (!report(b && b->mask == 0xFFFFFF && att.sig_len <= 512,
		    "xentpm blob: built from linux_tpm12.json",
		    "attestation unusable"))
		goto out;
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result): bytes */
	memcpy(blob, "\x00\x03\xff\xff\xff\x00\x00\x01\xe0", 9);
	len = 9;
	for (pcr = 0; pcr < 24; pcr++, len += 20)
		/* report() returns its condition: b is not NULL here. */
		/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
		memcpy(blob + len, b->value[pcr], 20);
	memcpy(blob + len, att.sig, att.sig_len);
	len += att.sig_len;
	run_tpm12_quote_json(blob, len, &att);

	b64 = base64_encode(blob, len);
	ok = b64 && !verify_load_xentpm_blob(&in, b64, err, sizeof(err));
	free(b64);
	in.ak = att.ak;
	in.nonce = att.nonce;
	in.nonce_len = att.nonce_len;
	in.has_nonce = true;
	first_reason(&in, NULL, why, sizeof(why));
	report(ok && !untrusted_by(&in, NULL, -1),
	       "xentpm blob: trusted with the AIK and the nonce", "%s", why);
	report(ok && verify_pcrs_bank(&in.pcrs, TCG_ALG_SHA1) &&
		   verify_pcrs_bank(&in.pcrs, TCG_ALG_SHA1)->mask == 0xFFFFFF,
	       "xentpm blob: PCR 0-23 read from it", "not all");
	in.ak = NULL;
	in.nonce = NULL;
	verify_input_free(&in);

	for (i = 0; i < len; i++) {
		struct verify_input f = {0};

		blob[i] ^= 0x01;
		b64 = base64_encode(blob, len);
		/* A blob that no longer parses is rejected too. */
		if (!b64 ||
		    verify_load_xentpm_blob(&f, b64, err, sizeof(err))) {
			rejected++;
		} else {
			f.ak = att.ak;
			f.nonce = att.nonce;
			f.nonce_len = att.nonce_len;
			f.has_nonce = true;
			if (untrusted_by(&f, NULL, -1))
				rejected++;
			else if (!first_kept)
				first_kept = i;
			f.ak = NULL;
			f.nonce = NULL;
		}
		free(b64);
		verify_input_free(&f);
		blob[i] ^= 0x01;
	}
	snprintf(why, sizeof(why),
		 "xentpm blob: all %zu one-byte changes rejected", len);
	report(rejected == len, why, "%zu rejected, first kept at %zu",
	       rejected, first_kept);
out:
	verify_input_free(&att);
}

/*
 * ECDSA: a P-256 key made by OpenSSL, given as a TPMT_PUBLIC; a quote of
 * PCR 17 (sha256) over a nonce, signed by OpenSSL and carried as a
 * TPMT_SIGNATURE. Verifies; every changed byte of quote or signature fails.
 */
static void run_crafted_ecdsa(void)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	uint8_t pub[65], value[32], buf[1024], der[128], nonce[16];
	struct verify_input in = {0};
	TPMT_PUBLIC tp = {0};
	TPMS_ATTEST at = {0};
	TPMT_SIGNATURE ts = {0};
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	const unsigned char *p = der;
	ECDSA_SIG *es = NULL;
	const BIGNUM *r, *sv;
	size_t pub_len = 0, off = 0, der_len = sizeof(der);
	char why[512];
	bool ok;

	memset(value, 0x17, sizeof(value));
	memset(nonce, 0xA5, sizeof(nonce));
	ok = key && md &&
	     EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, pub,
					     sizeof(pub), &pub_len) &&
	     pub_len == 65;
	tp.type = TPM2_ALG_ECC;
	tp.nameAlg = TPM2_ALG_SHA256;
	tp.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
	tp.parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
	tp.parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
	tp.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
	tp.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
	tp.unique.ecc.x.size = tp.unique.ecc.y.size = 32;
	memcpy(tp.unique.ecc.x.buffer, pub + 1, 32);
	memcpy(tp.unique.ecc.y.buffer, pub + 33, 32);
	ok = ok && !Tss2_MU_TPMT_PUBLIC_Marshal(&tp, buf, sizeof(buf), &off) &&
	     (in.ak = verify_tpm2_public_key(buf, off)) != NULL;

	at.magic = TPM2_GENERATED_VALUE;
	at.type = TPM2_ST_ATTEST_QUOTE;
	at.extraData.size = sizeof(nonce);
	memcpy(at.extraData.buffer, nonce, sizeof(nonce));
	at.attested.quote.pcrSelect.count = 1;
	at.attested.quote.pcrSelect.pcrSelections[0].hash = TPM2_ALG_SHA256;
	at.attested.quote.pcrSelect.pcrSelections[0].sizeofSelect = 3;
	at.attested.quote.pcrSelect.pcrSelections[0].pcrSelect[2] = 0x02;
	at.attested.quote.pcrDigest.size = 32;
	SHA256(value, sizeof(value), at.attested.quote.pcrDigest.buffer);
	off = 0;
	ok = ok && !Tss2_MU_TPMS_ATTEST_Marshal(&at, buf, sizeof(buf), &off);
	in.quote = dup_exact(buf, off);
	in.quote_len = off;

	/* OpenSSL signs; its DER (r, s) becomes a TPMT_SIGNATURE. */
	ok = ok && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
	     EVP_DigestSign(md, der, &der_len, in.quote, in.quote_len) == 1 &&
	     (es = d2i_ECDSA_SIG(NULL, &p, (long)der_len)) != NULL;
	if (ok) {
		ECDSA_SIG_get0(es, &r, &sv);
		ts.sigAlg = TPM2_ALG_ECDSA;
		ts.signature.ecdsa.hash = TPM2_ALG_SHA256;
		ts.signature.ecdsa.signatureR.size =
		    (UINT16)BN_bn2bin(r, ts.signature.ecdsa.signatureR.buffer);
		ts.signature.ecdsa.signatureS.size =
		    (UINT16)BN_bn2bin(sv, ts.signature.ecdsa.signatureS.buffer);
		off = 0;
		ok = !Tss2_MU_TPMT_SIGNATURE_Marshal(&ts, buf, sizeof(buf),
						     &off);
		in.sig = dup_exact(buf, off);
		in.sig_len = off;
	}
	in.family = 2;
	in.nonce = dup_exact(nonce, sizeof(nonce));
	in.nonce_len = sizeof(nonce);
	in.has_nonce = true;
	in.pcrs.count = 1;
	in.pcrs.banks[0].alg = TCG_ALG_SHA256;
	in.pcrs.banks[0].size = 32;
	in.pcrs.banks[0].mask = 1U << 17;
	memcpy(in.pcrs.banks[0].value[17], value, sizeof(value));

	first_reason(&in, NULL, why, sizeof(why));
	report(ok && !untrusted_by(&in, NULL, -1),
	       "ECDSA P-256: OpenSSL's signature over a quote verifies", "%s",
	       ok ? why : "could not build it");
	if (ok) {
		flip_all("ECDSA quote", &in, in.quote, in.quote_len, NULL);
		flip_all("ECDSA signature", &in, in.sig, in.sig_len, NULL);
	}
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	verify_input_free(&in);
}

/* The components people read in diffs, from tboot-style descriptions. */
static void run_components(void)
{
	static const struct {
		uint32_t type;
		const char *desc, *want;
	} cases[] = {
	    {0x502, "module 0: /boot/xen.gz dom0_mem=4096M", "Xen"},
	    {0x502, "module 1: /boot/vmlinuz-6.1-xen (dom0 kernel)",
	     "dom0 kernel"},
	    {0x502, "module 2: /boot/initrd-6.1-xen.img", "initrd"},
	    {0x502, "dom0 command line: root=LABEL=root ro",
	     "dom0 command line"},
	    {0x503, "asset tag NV 0x01C10110", "asset tag"},
	    {0x402, "", "SINIT ACM"},
	    {0x404, "MLE: tboot 1.10.5", "tboot"},
	    {TCG_EV_SEPARATOR, "00000000", "separator"},
	};
	char desc[200];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got =
		    known_good_component(cases[i].type, cases[i].desc);

		snprintf(desc, sizeof(desc), "component of '%s' is %s",
			 cases[i].desc, cases[i].want);
		report(!strcmp(got, cases[i].want), desc, "got %s", got);
	}
}

int main(void)
{
	struct verify_input tpm12 = {0};
	char err[256], logs[4096], *text;
	unsigned int before, n;

	/* tss2-mu logs each malformed structure; thousands are made here. */
	setenv("TSS2_LOG", "all+NONE", 1);
	data_dir = shared_data_dir(logs, sizeof(logs));
	if (!data_dir) {
		skip_cases(SHARED_CASES,
			   "no recorded attestations: %s is not a directory "
			   "(XENMB_SHARED_DATA; see README, Tests)",
			   logs);
	} else {
		before = passed + failed;
		/* The TPM 1.2 machine's AIK is "another AK" for TPM 2.0. */
		text = read_text("linux_tpm12.json");
		if (!text ||
		    verify_load_attestation(&tpm12, text, err, sizeof(err)))
			report(false, "linux_tpm12.json loads", "%s",
			       text ? err : "cannot read it");
		free(text);

		run_attestation("windows_gcp_shielded_vm.json", &tpm12);
		run_attestation("linux_tpm12.json", NULL);
		run_xentpm_blob();
		n = passed + failed - before;
		report(n + 1 == SHARED_CASES,
		       "the shared data gives the cases skipped without it",
		       "%u cases, SHARED_CASES says %u", n + 1, SHARED_CASES);
	}
	run_crafted_ecdsa();
	run_components();
	verify_input_free(&tpm12);
	return tally();
}
