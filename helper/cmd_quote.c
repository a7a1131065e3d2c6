// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb quote: TPM2_Quote with the AK over a caller's nonce, written as
 * the files tpm2_checkquote reads (quote.msg, quote.sig, quote.pcrs,
 * ak.pem), as JSON, and with the host's SRTM and DRTM event logs beside
 * them so a verifier can replay what the PCRs say.
 */
#include <errno.h>
#include <getopt.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#include "cli.h"
#include "encoding.h"
#include "eventlog_load.h"
#include "files.h"
#include "pcr.h"
#include "subcommands.h"
#include "tpm12_flows.h"
#include "tpm2_esys.h"
#include "tpm2_parse.h"

#define MAX_NONCE 64 /* TPM2B_DATA: one digest of the largest hash */
#define QUOTE_TRIES 3

/* The PCR values of one bank, as read for the quote. */
struct bank_values {
	TPMI_ALG_HASH alg;
	uint16_t size;
	uint32_t read; /* PCRs filled in */
	uint8_t value[XENMB_PCR_COUNT][XENMB_DIGEST_MAX];
};

static const struct {
	const char *name;
	TPMI_ALG_HASH alg;
} banks_known[] = {
    {"sha1", TPM2_ALG_SHA1},	   {"sha256", TPM2_ALG_SHA256},
    {"sha384", TPM2_ALG_SHA384},   {"sha512", TPM2_ALG_SHA512},
    {"sm3_256", TPM2_ALG_SM3_256},
};

static const char *bank_name(TPMI_ALG_HASH alg)
{
	size_t i;

	for (i = 0; i < sizeof(banks_known) / sizeof(banks_known[0]); i++)
		if (banks_known[i].alg == alg)
			return banks_known[i].name;
	return "?";
}

static uint32_t sel_mask(const TPMS_PCR_SELECTION *s)
{
	return (uint32_t)s->pcrSelect[0] | (uint32_t)s->pcrSelect[1] << 8 |
	       (uint32_t)s->pcrSelect[2] << 16;
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

/*
 * "sha256:all,sha1:0,1,2" or tpm2-tools' "sha1:0,1,2+sha256:all": a token
 * with a colon starts a bank, a bare number adds to the current one.
 */
static int parse_pcrs(const char *spec, TPML_PCR_SELECTION *sel)
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
		size_t i;

		if (colon) {
			*colon = '\0';
			alg = 0;
			for (i = 0;
			     i < sizeof(banks_known) / sizeof(banks_known[0]);
			     i++)
				if (!strcmp(tok, banks_known[i].name))
					alg = banks_known[i].alg;
			tok = colon + 1;
		}
		if (!alg) {
			ret = -1;
			break;
		}
		if (!strcmp(tok, "all")) {
			mask = (1U << XENMB_PCR_COUNT) - 1;
		} else {
			errno = 0;
			pcr = strtoul(tok, &end, 0);
			if (errno || end == tok || *end ||
			    pcr >= XENMB_PCR_COUNT) {
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
			return sel_mask(&alloc->pcrSelections[i]) != 0;
	return false;
}

/*
 * Reads every PCR of @sel into @vals. TPM2_PCR_Read returns at most eight
 * digests a call and says which ones: ask again for the rest.
 */
static int read_pcrs(struct tpm2_ctx *ctx, const TPML_PCR_SELECTION *sel,
		     struct bank_values *vals)
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
			left |= sel_mask(&want.pcrSelections[b]);
		if (!left)
			return 0;
		rc = Esys_PCR_Read(ctx->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, &want, &counter, &got,
				   &digests);
		if (rc)
			return tpm2_fail("TPM2_PCR_Read", rc);
		for (i = 0; i < got->count; i++) {
			uint32_t m = sel_mask(&got->pcrSelections[i]);

			for (b = 0; b < sel->count; b++)
				if (vals[b].alg == got->pcrSelections[i].hash)
					break;
			for (pcr = 0; pcr < XENMB_PCR_COUNT; pcr++) {
				const TPM2B_DIGEST *dg;

				if (!(m & (1U << pcr)))
					continue;
				if (b == sel->count || d >= digests->count ||
				    digests->digests[d].size >
					XENMB_DIGEST_MAX) {
					Esys_Free(got);
					Esys_Free(digests);
					fprintf(stderr, "xenmb: TPM2_PCR_Read "
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
			fprintf(stderr,
				"xenmb: the TPM returns no value for some "
				"selected PCRs; is every bank allocated?\n");
			return EXIT_TPM_ERROR;
		}
	}
}

/* H(PCR values in selection order), what the quote's pcrDigest holds. */
static bool pcr_digest(const TPML_PCR_SELECTION *sel,
		       const struct bank_values *vals, uint8_t out[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	uint32_t b;
	int pcr;

	for (b = 0; ok && b < sel->count; b++)
		for (pcr = 0; ok && pcr < XENMB_PCR_COUNT; pcr++)
			if (sel_mask(&sel->pcrSelections[b]) & (1U << pcr))
				ok = EVP_DigestUpdate(md, vals[b].value[pcr],
						      vals[b].size);
	ok = ok && EVP_DigestFinal_ex(md, out, NULL);
	EVP_MD_CTX_free(md);
	return ok;
}

struct quote {
	TPM2B_ATTEST *attest;
	TPMT_SIGNATURE *sig;
	uint8_t sig_blob[sizeof(TPMT_SIGNATURE)];
	size_t sig_len;
	struct bank_values vals[TPM2_NUM_PCR_BANKS];
};

/*
 * Quotes, then reads the PCRs, and keeps the pair only when the values
 * hash to the quote's pcrDigest: an extend in between (another process
 * measuring something) would otherwise ship values the quote does not
 * vouch for. Checks the nonce came back too.
 */
static int quote_once(struct tpm2_ctx *ctx, ESYS_TR ak, const TPM2B_DATA *nonce,
		      const TPML_PCR_SELECTION *sel, struct quote *q,
		      bool *consistent)
{
	static const TPMT_SIG_SCHEME key_scheme = {.scheme = TPM2_ALG_NULL};
	uint8_t digest[32];
	const char *why;
	size_t off = 0;
	TSS2_RC rc;
	int ret;

	rc = Esys_Quote(ctx->esys, ak, ESYS_TR_PASSWORD, ESYS_TR_NONE,
			ESYS_TR_NONE, nonce, &key_scheme, sel, &q->attest,
			&q->sig);
	if (rc)
		return tpm2_fail("TPM2_Quote", rc);
	ret = read_pcrs(ctx, sel, q->vals);
	if (ret)
		return ret;
	if (!pcr_digest(sel, q->vals, digest)) {
		fprintf(stderr, "xenmb: cannot hash the PCR values\n");
		return EXIT_KERNEL;
	}
	why =
	    tpm2_quote_attest_check(q->attest->attestationData, q->attest->size,
				    nonce, sel, digest, consistent);
	if (why) {
		fprintf(stderr, "xenmb: the TPM's quote is malformed: %s\n",
			why);
		return EXIT_TPM_ERROR;
	}
	off = 0;
	if (Tss2_MU_TPMT_SIGNATURE_Marshal(q->sig, q->sig_blob,
					   sizeof(q->sig_blob), &off)) {
		fprintf(stderr, "xenmb: cannot marshal the signature\n");
		return EXIT_KERNEL;
	}
	q->sig_len = off;
	return 0;
}

static void quote_release(struct quote *q)
{
	Esys_Free(q->attest);
	Esys_Free(q->sig);
	q->attest = NULL;
	q->sig = NULL;
}

/*
 * The PCR values file of tpm2_quote -o (tpm2-tools 5.x "serialized"):
 * the TPML_PCR_SELECTION structure as laid out in memory, a UINT32 count
 * of TPML_DIGEST structures, then those, eight digests each, in selection
 * order; integers little-endian. tpm2_checkquote -f reads it back with
 * the same tpm2-tss structures.
 */
static int write_pcrs_file(const char *path, const TPML_PCR_SELECTION *sel,
			   const struct bank_values *vals)
{
	TPML_DIGEST lists[TPM2_MAX_PCRS] = {0};
	TPML_PCR_SELECTION le_sel;
	uint32_t b, count = 0, n;
	uint8_t *buf, *p;
	size_t size;
	int pcr, ret;

	memset(&le_sel, 0, sizeof(le_sel));
	le_sel.count = htole32(sel->count);
	for (b = 0; b < sel->count; b++) {
		le_sel.pcrSelections[b] = sel->pcrSelections[b];
		le_sel.pcrSelections[b].hash =
		    htole16(sel->pcrSelections[b].hash);
		for (pcr = 0; pcr < XENMB_PCR_COUNT; pcr++) {
			TPML_DIGEST *l;

			if (!(sel_mask(&sel->pcrSelections[b]) & (1U << pcr)))
				continue;
			if (count && lists[count - 1].count < 8) {
				l = &lists[count - 1];
			} else {
				if (count == TPM2_MAX_PCRS)
					return EXIT_USAGE;
				l = &lists[count++];
			}
			l->digests[l->count].size = htole16(vals[b].size);
			memcpy(l->digests[l->count].buffer, vals[b].value[pcr],
			       vals[b].size);
			l->count++;
		}
	}
	size = sizeof(le_sel) + sizeof(uint32_t) + count * sizeof(TPML_DIGEST);
	buf = malloc(size);
	if (!buf)
		return EXIT_KERNEL;
	p = buf;
	memcpy(p, &le_sel, sizeof(le_sel));
	p += sizeof(le_sel);
	n = htole32(count);
	memcpy(p, &n, sizeof(n));
	p += sizeof(n);
	for (b = 0; b < count; b++) {
		lists[b].count = htole32(lists[b].count);
		memcpy(p, &lists[b], sizeof(lists[b]));
		p += sizeof(lists[b]);
	}
	ret = xenmb_write_file(path, buf, size);
	free(buf);
	return ret;
}

/* Strict base64 of at most MAX_NONCE bytes; 0 or -1. */
static int decode_nonce(const char *text, TPM2B_DATA *nonce)
{
	size_t len;
	uint8_t *buf = base64_decode(text, &len);
	int ret = buf && len && len <= MAX_NONCE ? 0 : -1;

	if (!ret) {
		nonce->size = (uint16_t)len;
		memcpy(nonce->buffer, buf, len);
	}
	free(buf);
	return ret;
}

static void add_hex(struct json_object *o, const char *key, const void *data,
		    size_t len)
{
	char *h = hex_encode(data, len);

	json_object_object_add(o, key, json_object_new_string(h ? h : ""));
	free(h);
}

static struct json_object *
quote_json(const TPM2B_DATA *nonce, const TPML_PCR_SELECTION *sel,
	   const struct quote *q, const TPM2B_NAME *ak_name, const char *dir)
{
	struct json_object *o = json_object_new_object();
	struct json_object *pcrs = json_object_new_object();
	char key[4], path[FILES_PATH_MAX];
	uint32_t b;
	int pcr;

	cli_json_add_b64(o, "nonce", nonce->buffer, nonce->size);
	cli_json_add_b64(o, "attest", q->attest->attestationData,
			 q->attest->size);
	cli_json_add_b64(o, "signature", q->sig_blob, q->sig_len);
	add_hex(o, "ak_name", ak_name->name, ak_name->size);
	for (b = 0; b < sel->count; b++) {
		struct json_object *bank = json_object_new_object();

		for (pcr = 0; pcr < XENMB_PCR_COUNT; pcr++) {
			if (!(sel_mask(&sel->pcrSelections[b]) & (1U << pcr)))
				continue;
			snprintf(key, sizeof(key), "%d", pcr);
			add_hex(bank, key, q->vals[b].value[pcr],
				q->vals[b].size);
		}
		json_object_object_add(pcrs, bank_name(q->vals[b].alg), bank);
	}
	json_object_object_add(o, "pcrs", pcrs);
	if (dir && !files_path_in(path, dir, "srtm.log"))
		cli_json_add_file_b64(o, "srtm_log", path);
	if (dir && !files_path_in(path, dir, "drtm.log"))
		cli_json_add_file_b64(o, "drtm_log", path);
	return o;
}

/* Writes the checkquote files and the event logs into @dir. */
static int write_dir(const char *dir, const TPML_PCR_SELECTION *sel,
		     const struct quote *q, const TPM2B_PUBLIC *ak_pub)
{
	char path[FILES_PATH_MAX];
	int ret;

	ret = files_make_out_dir(dir);
	if (!ret)
		ret = files_path_in(path, dir, "quote.msg");
	if (!ret)
		ret = xenmb_write_file(path, q->attest->attestationData,
				       q->attest->size);
	if (!ret)
		ret = files_path_in(path, dir, "quote.sig");
	if (!ret)
		ret = xenmb_write_file(path, q->sig_blob, q->sig_len);
	if (!ret)
		ret = files_path_in(path, dir, "quote.pcrs");
	if (!ret)
		ret = write_pcrs_file(path, sel, q->vals);
	if (!ret)
		ret = files_path_in(path, dir, "ak.pem");
	if (!ret)
		ret = tpm2_write_pem_file(ak_pub, path);
	if (!ret)
		ret = eventlog_save_both_in(dir);
	return ret;
}

int cmd_quote(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"nonce", required_argument, NULL, 'n'},
	    {"pcrs", required_argument, NULL, 'l'},
	    {"out", required_argument, NULL, 'o'},
	    {"json", no_argument, NULL, 'j'},
	    TPM2_TCTI_OPTION,
	    {NULL, 0, NULL, 0},
	};
	const char *tcti = NULL, *nonce_text = NULL, *spec = NULL, *dir = NULL;
	struct tpm2_auth auth = {0};
	TPML_PCR_SELECTION sel = {0}, alloc = {0};
	TPM2B_PUBLIC *ak_pub = NULL;
	TPM2B_NAME *ak_name = NULL;
	ESYS_TR ak = ESYS_TR_NONE;
	struct quote *q = NULL;
	bool json = false, created, consistent = false;
	struct tpm2_ctx ctx;
	TPM2B_DATA nonce;
	uint32_t b;
	int c, ret, tries;

	while ((c = getopt_long(argc, argv, "n:l:o:jT:", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			nonce_text = optarg;
			break;
		case 'l':
			spec = optarg;
			break;
		case 'o':
			dir = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'T':
			tcti = optarg;
			break;
		default:
			return cli_usage_error("unknown option to 'quote'");
		}
	}
	if (optind != argc)
		return cli_usage_error("'quote' takes no arguments");
	if (!nonce_text)
		return cli_usage_error("'quote' needs --nonce BASE64");
	if (decode_nonce(nonce_text, &nonce))
		return cli_usage_error("--nonce wants base64 of 1 to 64 bytes");
	/*
	 * Refused before the TPM is asked (the file names are checked again
	 * as each is built): the longest name is "quote.pcrs".
	 */
	if (dir && strlen(dir) + sizeof("/quote.pcrs") > FILES_PATH_MAX)
		return cli_usage_error("--out is longer than a path can be");
	if (!tcti && tpm12_is_family()) {
		/* A TPM 1.2 quote covers every PCR of its one bank. */
		if (spec && strcmp(spec, "sha1:all"))
			return cli_usage_error("a TPM 1.2 quotes sha1:all");
		return tpm12_quote_cmd(nonce.buffer, nonce.size, dir, json);
	}
	if (spec && parse_pcrs(spec, &sel))
		return cli_usage_error(
		    "--pcrs wants e.g. sha256:all,sha1:0,1,2 (banks sha1, "
		    "sha256, sha384, sha512, sm3_256; PCRs 0..23)");

	q = calloc(1, sizeof(*q));
	if (!q)
		return EXIT_KERNEL;
	ret = tpm2_open(&ctx, tcti);
	if (ret) {
		free(q);
		return ret;
	}
	ret = allocated_banks(&ctx, &alloc);
	if (ret)
		goto out;
	if (!spec) {
		memset(&sel, 0, sizeof(sel));
		sel_add(&sel, TPM2_ALG_SHA256, (1U << XENMB_PCR_COUNT) - 1);
		if (bank_allocated(&alloc, TPM2_ALG_SHA1))
			sel_add(&sel, TPM2_ALG_SHA1,
				(1U << XENMB_PCR_COUNT) - 1);
	}
	for (b = 0; b < sel.count; b++) {
		if (bank_allocated(&alloc, sel.pcrSelections[b].hash))
			continue;
		fprintf(stderr,
			"xenmb: the TPM has no %s PCR bank allocated; choose "
			"others with --pcrs\n",
			bank_name(sel.pcrSelections[b].hash));
		ret = EXIT_USAGE;
		goto out;
	}

	ret = tpm2_ak_get(&ctx, &auth, &ak, &created);
	if (!ret)
		ret = tpm2_read_public(&ctx, ak, &ak_pub, &ak_name);
	for (tries = 0; !ret && !consistent && tries < QUOTE_TRIES; tries++) {
		quote_release(q);
		ret = quote_once(&ctx, ak, &nonce, &sel, q, &consistent);
	}
	if (!ret && !consistent) {
		fprintf(stderr, "xenmb: the PCRs kept changing while quoting; "
				"try again\n");
		ret = EXIT_TPM_ERROR;
	}
	if (ret)
		goto out;
	if (dir)
		ret = write_dir(dir, &sel, q, ak_pub);
	if (!ret && json)
		cli_print_json(quote_json(&nonce, &sel, q, ak_name, dir));
	else if (!ret && !dir)
		cli_print_json(quote_json(&nonce, &sel, q, ak_name, NULL));
out:
	quote_release(q);
	free(q);
	Esys_Free(ak_pub);
	Esys_Free(ak_name);
	tpm2_forget(&ctx, &ak);
	tpm2_close(&ctx);
	tpm2_auth_clear(&auth);
	return ret;
}
