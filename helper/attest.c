// SPDX-License-Identifier: GPL-2.0
/* glibc's own feature macro, reserved for exactly this use. */
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
#define _GNU_SOURCE /* asprintf */
#include "attest.h"

#include <errno.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest_print.h"
#include "cli.h"
#include "encoding.h"
#include "exit_codes.h"
#include "files.h"
#include "owner_secret.h"
#include "quote_out.h"
#include "report.h"
#include "tpm12_attest.h"
#include "tpm12_challenge.h"
#include "tpm12_flows.h"
#include "tpm2_flows.h"
#include "tpm2_parse.h"

struct attest {
	bool tpm12;
	bool linked; /* the link below is open */
	const char *tcti;
	uint32_t ek_handle, ak_handle; /* attest_key_handles(); 0: default */
	struct tpm2_ctx ctx;
	struct t12 *c;
};

int attest_open(struct attest **a, const char *tcti)
{
	*a = calloc(1, sizeof(**a));
	if (!*a)
		return EXIT_KERNEL;
	(*a)->tcti = tcti;
	(*a)->tpm12 = !tcti && tpm12_is_family();
	return 0;
}

void attest_close(struct attest *a)
{
	if (!a)
		return;
	if (a->linked && a->tpm12)
		tpm12_close(a->c);
	else if (a->linked)
		tpm2_close(&a->ctx);
	free(a);
}

bool attest_last_tpm_rc(uint32_t *rc, bool *auth)
{
	TSS2_RC code = tpm2_last_rc;

	*auth = false;
	if (!tpm2_last_rc) {
		*rc = tpm12_last_rc;
		return tpm12_last_rc != 0;
	}
	*rc = (uint32_t)tpm2_last_rc;
	if ((code & TSS2_RC_LAYER_MASK) != TSS2_TPM_RC_LAYER)
		return true;
	code &= ~TSS2_RC_LAYER_MASK;
	if (code & 0x80) /* format one: the error is in the low 6 bits */
		code &= 0xbf;
	*auth = code == TPM2_RC_BAD_AUTH || code == TPM2_RC_AUTH_FAIL ||
		code == TPM2_RC_LOCKOUT;
	return true;
}

void attest_last_tpm_rc_clear(void)
{
	tpm2_last_rc = 0;
	tpm12_last_rc = 0;
}

/* Opens the link to the TPM the first time an operation needs it. */
static int link_tpm(struct attest *a)
{
	int ret;

	if (a->linked)
		return 0;
	ret = a->tpm12 ? tpm12_open(&a->c, tpm2_owner_config)
		       : tpm2_open(&a->ctx, a->tcti);
	a->linked = !ret;
	if (!ret && !a->tpm12 && a->ek_handle)
		a->ctx.ek_handle = a->ek_handle;
	if (!ret && !a->tpm12 && a->ak_handle)
		a->ctx.ak_handle = a->ak_handle;
	return ret;
}

int attest_key_handles(struct attest *a, const char *ek, const char *ak)
{
	TPM2_HANDLE ek_handle = 0, ak_handle = 0;
	char what[160];
	const char *why;

	if (!ek && !ak)
		return 0;
	/* A TPM 1.2 keeps no key at a handle: its EK is one, its AIK a blob. */
	if (a->tpm12)
		return cli_usage_error("a TPM 1.2 has no persistent handles: "
				       "--handle, --ek-handle and --ak-handle "
				       "are TPM 2.0's");
	why = ek ? xenmb_tpm2_persistent_handle_parse(ek, true, &ek_handle)
		 : NULL;
	if (why) {
		snprintf(what, sizeof(what), "the EK's handle '%s' is %s", ek,
			 why);
		return cli_usage_error(what);
	}
	why = ak ? xenmb_tpm2_persistent_handle_parse(ak, false, &ak_handle)
		 : NULL;
	if (why) {
		snprintf(what, sizeof(what), "the AK's handle '%s' is %s", ak,
			 why);
		return cli_usage_error(what);
	}
	if ((ek_handle ? ek_handle : TPM2_EK_HANDLE) ==
	    (ak_handle ? ak_handle : TPM2_AK_HANDLE)) {
		snprintf(what, sizeof(what),
			 "the EK and the AK cannot share handle 0x%08x",
			 ek_handle ? ek_handle : ak_handle);
		return cli_usage_error(what);
	}
	a->ek_handle = ek_handle;
	a->ak_handle = ak_handle;
	return 0;
}

/*
 * ESAPI's own error lines for the owner and NV flows would repeat ours;
 * ours say what to do. The caller's TSS2_LOG wins.
 */
static void quiet_esapi(void)
{
	setenv("TSS2_LOG", "all+NONE", 0);
}

int attest_owner_owned(struct attest *a, bool *owned)
{
	struct tpm12_owner_state st12;
	struct tpm2_owner_state st;
	int ret;

	if (!a->tpm12)
		quiet_esapi();
	ret = link_tpm(a);
	if (ret)
		return ret;
	if (a->tpm12) {
		ret = tpm12_flow_owner_status(a->c, &st12);
		*owned = st12.owned;
	} else {
		ret = tpm2_flow_owner_status(&a->ctx, &st);
		*owned = tpm2_owner_state_owned(&st);
	}
	return ret;
}

int attest_owner_take(struct attest *a, bool *taken)
{
	TPM2B_AUTH secret = {0};
	bool from_default = false;
	int ret;

	if (a->tpm12) {
		ret = link_tpm(a);
		return ret ? ret : tpm12_flow_owner_take(a->c, taken);
	}
	quiet_esapi();
	/* The secret before the TPM: a bad config file changes nothing. */
	ret = tpm2_owner_auth(&secret, &from_default);
	if (!ret)
		ret = link_tpm(a);
	if (!ret)
		ret = tpm2_flow_owner_take(&a->ctx, &secret, from_default,
					   TPM2_ENDORSEMENT_SECRET, taken);
	explicit_bzero(&secret, sizeof(secret));
	return ret;
}

int attest_owner_ensure(struct attest *a)
{
	bool owned = false, taken;
	int ret;

	if (!a->tpm12)
		return 0;
	ret = attest_owner_owned(a, &owned);
	if (ret || owned)
		return ret;
	return attest_owner_take(a, &taken);
}

/* Prints the status as 'owner status' does; 0 or an exit code. */
static int print_owner_status(struct attest *a, bool json)
{
	struct tpm12_owner_state st12;
	struct tpm2_owner_state st;
	int ret;

	if (a->tpm12) {
		ret = tpm12_flow_owner_status(a->c, &st12);
		if (!ret)
			attest_print_owner_tpm12(&st12, json);
	} else {
		ret = tpm2_flow_owner_status(&a->ctx, &st);
		if (!ret)
			attest_print_owner_tpm2(&st, json);
	}
	return ret;
}

int attest_owner_show(struct attest *a, const char *op, bool json,
		      bool empty_endorsement)
{
	TPM2B_AUTH secret = {0};
	bool from_default = false, done = false;
	struct tpm12_flags f;
	int ret;

	if (!a->tpm12) {
		quiet_esapi();
		/* The secret before the TPM: a bad config file changes
		 * nothing. */
		if (strcmp(op, "status")) {
			ret = tpm2_owner_auth(&secret, &from_default);
			if (ret)
				return ret;
		}
	}
	ret = link_tpm(a);
	if (ret)
		goto out;
	if (!strcmp(op, "status")) {
		ret = print_owner_status(a, json);
		goto out;
	}
	if (empty_endorsement && a->tpm12) {
		xenmb_error("xenmb: owner take --endorsement empty: a TPM 1.2 "
			    "has no endorsement authorization\n");
		ret = EXIT_USAGE;
	} else if (!strcmp(op, "take") && a->tpm12) {
		ret = tpm12_flow_owner_take(a->c, &done);
		if (!ret && !json)
			attest_print_owner_taken_tpm12(
			    done, tpm12_config_path(a->c),
			    tpm12_secret_from_default(a->c));
	} else if (!strcmp(op, "take")) {
		ret = tpm2_flow_owner_take(&a->ctx, &secret, from_default,
					   empty_endorsement
					       ? TPM2_ENDORSEMENT_EMPTY
					       : TPM2_ENDORSEMENT_SECRET,
					   &done);
		if (!ret && !json)
			attest_print_owner_taken_tpm2(
			    done, tpm2_owner_config ?: OWNER_CONFIG_PATH,
			    from_default, empty_endorsement);
	} else if (a->tpm12) {
		ret = tpm12_flow_owner_clear(a->c, &done);
		if (!ret && !json)
			attest_print_owner_cleared_tpm12(
			    done,
			    done && !tpm12_flow_flags(a->c, &f) ? &f : NULL);
	} else {
		ret = tpm2_flow_owner_clear(&a->ctx, &secret);
		if (!ret && !json)
			attest_print_owner_cleared_tpm2();
	}
	/* With --json, take and clear print the status after instead. */
	if (!ret && json)
		ret = print_owner_status(a, true);
out:
	explicit_bzero(&secret, sizeof(secret));
	return ret;
}

/* PEM text of a TPM 2.0 public area; 0 or an exit code, said why. */
static int tpm2_pem_text(const TPM2B_PUBLIC *pub, const char *what, char **pem)
{
	size_t len;
	FILE *f = open_memstream(pem, &len);
	int ret = f ? tpm2_write_pem(pub, f) : -ENOMEM;

	if (f && fclose(f))
		ret = -EIO;
	if (ret) {
		xenmb_error("xenmb: cannot write the %s as PEM\n", what);
		free(f ? *pem : NULL);
		*pem = NULL;
		return EXIT_KERNEL;
	}
	return 0;
}

/*
 * The EK of either family: @k for a TPM 1.2, @ek for a TPM 2.0 (released
 * here on failure, by the caller after success).
 */
static int ek_of(struct attest *a, struct tpm12_key_info *k,
		 struct tpm2_key *ek)
{
	int ret = link_tpm(a);

	if (ret)
		return ret;
	if (a->tpm12)
		return tpm12_flow_ek(a->c, k);
	ret = tpm2_flow_ek(&a->ctx, ek);
	if (ret)
		tpm2_key_release(ek);
	return ret;
}

int attest_ek_pem(struct attest *a, char **pem)
{
	struct tpm12_key_info k = {0};
	struct tpm2_key ek = {0};
	int ret;

	*pem = NULL;
	ret = ek_of(a, &k, &ek);
	if (ret)
		return ret;
	if (a->tpm12) {
		if (!tpm12_key_to_pem(&k, pem))
			return 0;
		xenmb_error("xenmb: cannot write the EK as PEM\n");
		return EXIT_KERNEL;
	}
	ret = tpm2_pem_text(ek.pub, "EK", pem);
	tpm2_key_release(&ek);
	return ret;
}

int attest_cert_der(const uint8_t *nv, size_t len, uint8_t **der,
		    size_t *der_len)
{
	const unsigned char *p = nv;
	unsigned char *out = NULL;
	X509 *cert;
	int n;

	/* Parsing finds the certificate's own length: NV may be padded. */
	cert = d2i_X509(NULL, &p, (long)len);
	if (!cert)
		return -1;
	n = i2d_X509(cert, &out);
	X509_free(cert);
	if (n <= 0)
		return -1;
	*der = out;
	*der_len = (size_t)n;
	return 0;
}

/* OpenSSL's allocation, handed on as the caller's malloc()ed bytes. */
static uint8_t *own_copy(const uint8_t *data, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (copy)
		memcpy(copy, data, len);
	return copy;
}

int attest_ek_cert(struct attest *a, uint8_t **der, size_t *len)
{
	uint8_t *nv = NULL, *cert;
	size_t nv_len = 0, cert_len;
	int ret;

	*der = NULL;
	*len = 0;
	ret = link_tpm(a);
	if (!ret)
		ret = a->tpm12 ? tpm12_flow_ek_cert(a->c, &nv, &nv_len)
			       : tpm2_flow_ek_cert(&a->ctx, &nv, &nv_len);
	if (ret)
		return ret;
	if (!attest_cert_der(nv, nv_len, &cert, &cert_len)) {
		*der = own_copy(cert, cert_len);
		*len = cert_len;
		OPENSSL_free(cert);
		free(nv);
		return *der ? 0 : EXIT_KERNEL;
	}
	if (a->tpm12) {
		xenmb_error("xenmb: NV 0x%08X: the EK certificate is not "
			    "DER X.509\n",
			    TPM12_NV_INDEX_EK_CERT);
		free(nv);
		return EXIT_NO_EK_CERT;
	}
	xenmb_error("xenmb: NV 0x%08X does not hold a DER X.509 "
		    "certificate; printing its bytes as PEM\n",
		    TPM2_EK_CERT_RSA_NV);
	*der = nv;
	*len = nv_len;
	return 0;
}

int attest_ek_summary(struct attest *a, char **text)
{
	char hex[2 * TPM12_DIGEST_LEN + 1], *name;
	uint8_t sha1[TPM12_DIGEST_LEN];
	struct tpm12_key_info k = {0};
	struct tpm2_key ek = {0};
	int ret;

	*text = NULL;
	ret = ek_of(a, &k, &ek);
	if (ret)
		return ret;
	if (a->tpm12) {
		if (tpm12_key_pubkey_sha1(&k, sha1))
			return EXIT_KERNEL;
		hex_encode_to(sha1, TPM12_DIGEST_LEN, hex);
		if (asprintf(text,
			     "ek: TPM 1.2 endorsement key, RSA-%u\n"
			     "pubkey_sha1: %s\n",
			     k.key_bits, hex) < 0)
			*text = NULL;
		return *text ? 0 : EXIT_KERNEL;
	}
	name = hex_encode(ek.name->name, ek.name->size);
	if (asprintf(text, "ek: 0x%08x (%s)\nname: %s\n", a->ctx.ek_handle,
		     ek.created ? "created" : "found", name ? name : "?") < 0)
		*text = NULL;
	free(name);
	tpm2_key_release(&ek);
	return *text ? 0 : EXIT_KERNEL;
}

void attest_ak_view_free(struct attest_ak_view *v)
{
	free(v->pem);
	free(v->blob);
	free(v->name);
	free(v->summary);
	memset(v, 0, sizeof(*v));
}

static int ak_view_tpm12(struct attest *a, bool want_pem, bool want_blob,
			 struct attest_ak_view *v)
{
	struct tpm12_aik *aik = calloc(1, sizeof(*aik));
	char hex[2 * TPM12_DIGEST_LEN + 1];
	struct tpm12_blob pub;
	int ret;

	if (!aik)
		return EXIT_KERNEL;
	ret = link_tpm(a);
	if (!ret)
		ret = tpm12_flow_ak(a->c, aik);
	if (ret)
		goto out;
	tpm12_key_pubkey_sha1_hex(&aik->info, hex);
	/* The TCPA blob: the TPM_PUBKEY, as the original exported. */
	if (want_blob) {
		ret = tpm12_aik_pubkey(aik, &pub);
		v->blob = ret ? NULL : own_copy(pub.data, pub.len);
		v->blob_len = pub.len;
		if (!ret && !v->blob)
			ret = EXIT_KERNEL;
		if (ret)
			goto out;
	}
	if (want_pem && tpm12_key_to_pem(&aik->info, &v->pem)) {
		xenmb_error("xenmb: cannot write the AIK as PEM\n");
		ret = EXIT_KERNEL;
		goto out;
	}
	v->name = strdup(hex);
	if (asprintf(&v->summary,
		     "ak: TPM 1.2 AIK, RSA-%u, %s (%s)\npubkey_sha1: %s\n",
		     aik->info.key_bits, TPM12_AIK_PATH,
		     aik->created ? "created" : "found", hex) < 0)
		v->summary = NULL;
	if (!v->name || !v->summary)
		ret = EXIT_KERNEL;
out:
	explicit_bzero(aik, sizeof(*aik));
	free(aik);
	return ret;
}

static int ak_view_tpm2(struct attest *a, bool want_pem, bool want_blob,
			struct attest_ak_view *v)
{
	uint8_t buf[sizeof(TPM2B_PUBLIC)];
	struct tpm2_key ak = {0};
	int ret;

	ret = link_tpm(a);
	if (!ret)
		ret = tpm2_flow_ak(&a->ctx, &ak);
	if (ret)
		goto out;
	v->name = hex_encode(ak.name->name, ak.name->size);
	if (!v->name) {
		ret = EXIT_KERNEL;
		goto out;
	}
	if (want_blob) {
		ret = tpm2_ak_public_blob(&ak, buf, sizeof(buf), &v->blob_len);
		v->blob = ret ? NULL : own_copy(buf, v->blob_len);
		if (!ret && !v->blob)
			ret = EXIT_KERNEL;
		if (ret)
			goto out;
	}
	if (want_pem) {
		ret = tpm2_pem_text(ak.pub, "AK", &v->pem);
		if (ret)
			goto out;
	}
	if (asprintf(&v->summary, "ak: 0x%08x (%s)\nname: %s\n",
		     a->ctx.ak_handle, ak.created ? "created" : "found",
		     v->name) < 0) {
		v->summary = NULL;
		ret = EXIT_KERNEL;
	}
out:
	tpm2_key_release(&ak);
	return ret;
}

int attest_ak_show(struct attest *a, bool want_pem, bool want_blob,
		   struct attest_ak_view *v)
{
	int ret;

	memset(v, 0, sizeof(*v));
	ret = a->tpm12 ? ak_view_tpm12(a, want_pem, want_blob, v)
		       : ak_view_tpm2(a, want_pem, want_blob, v);
	if (ret)
		attest_ak_view_free(v);
	return ret;
}

int attest_ak(struct attest *a)
{
	struct attest_ak_view v;
	int ret = attest_ak_show(a, false, false, &v);

	attest_ak_view_free(&v);
	return ret;
}

int attest_ak_pem(struct attest *a, char **pem)
{
	struct attest_ak_view v;
	int ret = attest_ak_show(a, true, false, &v);

	*pem = v.pem;
	v.pem = NULL;
	attest_ak_view_free(&v);
	return ret;
}

int attest_ak_public(struct attest *a, uint8_t **blob, size_t *len)
{
	struct attest_ak_view v;
	int ret = attest_ak_show(a, false, true, &v);

	*blob = v.blob;
	*len = v.blob_len;
	v.blob = NULL;
	attest_ak_view_free(&v);
	return ret;
}

struct attest_quote {
	struct tpm2_quote_result *q2;
	struct tpm12_quote_result *q12;
	TPM2B_DATA nonce;
};

void attest_quote_free(struct attest_quote *q)
{
	if (!q)
		return;
	tpm2_quote_result_free(q->q2);
	if (q->q12) {
		explicit_bzero(q->q12, sizeof(*q->q12));
		free(q->q12);
	}
	free(q);
}

int attest_quote(struct attest *a, const TPM2B_DATA *nonce, const char *spec,
		 struct attest_quote **out)
{
	TPML_PCR_SELECTION sel = {0};
	struct attest_quote *q;
	int ret;

	*out = NULL;
	/* A TPM 1.2 quote covers every PCR of its one bank. */
	if (a->tpm12 && spec && strcmp(spec, "sha1:all"))
		return cli_usage_error("a TPM 1.2 quotes sha1:all");
	if (!a->tpm12 && spec && tpm2_pcr_selection_parse(spec, &sel))
		return cli_usage_error(
		    "--pcrs wants e.g. sha256:all,sha1:0,1,2 (banks sha1, "
		    "sha256, sha384, sha512, sm3_256; PCRs 0..23)");
	q = calloc(1, sizeof(*q));
	if (q && a->tpm12)
		q->q12 = calloc(1, sizeof(*q->q12));
	if (!q || (a->tpm12 && !q->q12)) {
		free(q);
		return EXIT_KERNEL;
	}
	q->nonce = *nonce;
	ret = link_tpm(a);
	if (!ret && a->tpm12)
		ret =
		    tpm12_flow_quote(a->c, nonce->buffer, nonce->size, q->q12);
	else if (!ret)
		ret =
		    tpm2_flow_quote(&a->ctx, nonce, spec ? &sel : NULL, &q->q2);
	if (ret)
		attest_quote_free(q);
	else
		*out = q;
	return ret;
}

int attest_quote_save(const struct attest_quote *q, const char *dir)
{
	return q->q12 ? quote_save_tpm12(dir, q->q12)
		      : quote_save_tpm2(dir, q->q2);
}

struct json_object *attest_quote_json(const struct attest_quote *q,
				      const struct quote_logs *logs)
{
	return q->q12 ? quote_json_tpm12(&q->nonce, q->q12, logs)
		      : quote_json_tpm2(&q->nonce, q->q2, logs);
}

/*
 * TPM 1.2: the original's blob, the TPM_PCR_COMPOSITE of all PCRs, then
 * the signature over TPM_QUOTE_INFO (tpm12_attest.h). The AIK's PEM is
 * made as 'quote --out' makes it, so that what fails there fails here.
 */
static int quote_blob_tpm12(const struct tpm12_quote_result *q, uint8_t **out,
			    size_t *len)
{
	char *pem = NULL;

	if (tpm12_key_to_pem(&q->aik.info, &pem))
		return EXIT_KERNEL;
	free(pem);
	*out = own_copy(q->blob, q->blob_len);
	*len = q->blob_len;
	return *out ? 0 : EXIT_KERNEL;
}

int attest_quote_compat(struct attest *a, const char *nonce_b64, uint8_t **out,
			size_t *len)
{
	struct attest_quote *q;
	struct quote_logs logs;
	TPM2B_DATA nonce;
	char *text;
	int ret;

	*out = NULL;
	*len = 0;
	if (quote_nonce_decode(nonce_b64, &nonce))
		return cli_usage_error("--nonce wants base64 of 1 to 64 bytes");
	ret = attest_quote(a, &nonce, NULL, &q);
	if (ret)
		return ret;
	if (q->q12)
		ret = quote_blob_tpm12(q->q12, out, len);
	/* The logs as 'quote --out' saves them: what fails there fails here. */
	if (!ret)
		ret = quote_logs_load(&logs);
	if (!ret && !q->q12) {
		text = quote_json_text(attest_quote_json(q, &logs));
		*out = (uint8_t *)text;
		*len = text ? strlen(text) : 0;
		ret = text ? 0 : EXIT_KERNEL;
	}
	if (!ret)
		quote_logs_free(&logs);
	if (ret) {
		free(*out);
		*out = NULL;
	}
	attest_quote_free(q);
	return ret;
}

int attest_challenge_decode(struct attest *a, const char *text, uint8_t **buf,
			    size_t *len)
{
	*buf = base64_decode(text, len);
	if (*buf && *len)
		return 0;
	free(*buf);
	*buf = NULL;
	return cli_usage_error(a->tpm12 ? "the challenge is not base64 of "
					  "a TPM 1.2 identity challenge"
					: "the challenge is not base64 of a "
					  "tpm2_makecredential file");
}

/* Reads all of @path, at most @size bytes and one more to notice a
 * larger file; the count, or -1 (said why). */
static long read_cred_file(const char *path, uint8_t *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		xenmb_error("xenmb: cannot open %s: %s\n", path,
			    strerror(errno));
		return -1;
	}
	n = fread(buf, 1, size, f);
	if (n == size && fgetc(f) != EOF)
		n = size + 1;
	if (ferror(f)) {
		xenmb_error("xenmb: cannot read %s: %s\n", path,
			    strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	return (long)n;
}

int attest_challenge_read(struct attest *a, const char *path, uint8_t **buf,
			  size_t *len)
{
	long n;
	int ret;

	if (a->tpm12) {
		/* Its credential may be a certificate: larger than 2.0's. */
		ret = files_read_bounded(path, FILES_READ_MAX, buf, len);
		if (ret) {
			xenmb_error("xenmb: cannot read %s: %s\n", path,
				    strerror(-ret));
			return EXIT_USAGE;
		}
		return 0;
	}
	*buf = malloc(TPM2_CRED_FILE_MAX + 1);
	if (!*buf)
		return EXIT_KERNEL;
	n = read_cred_file(path, *buf, TPM2_CRED_FILE_MAX);
	if (n < 0) {
		free(*buf);
		*buf = NULL;
		return EXIT_USAGE;
	}
	*len = (size_t)n;
	return 0;
}

static int challenge_tpm2(struct attest *a, const uint8_t *buf, size_t len,
			  uint8_t **secret, size_t *secret_len)
{
	TPM2B_ENCRYPTED_SECRET seed;
	TPM2B_DIGEST recovered = {0};
	TPM2B_ID_OBJECT blob;
	const char *why;
	int ret;

	why = len > TPM2_CRED_FILE_MAX
		  ? "it is larger than any credential"
		  : xenmb_tpm2_cred_file_parse(buf, len, &blob, &seed);
	if (why) {
		xenmb_error("xenmb: the challenge is not a tpm2_makecredential "
			    "credential: %s; see 'xenmb --help'\n",
			    why);
		return EXIT_BAD_CRED;
	}
	/*
	 * A credential for another key is an expected answer, said in one
	 * line: keep ESAPI from logging it as an error first (unless the
	 * caller asked for ESAPI's log).
	 */
	setenv("TSS2_LOG", "esys+none", 0);
	ret = link_tpm(a);
	if (!ret)
		ret = tpm2_flow_challenge(&a->ctx, &blob, &seed, &recovered);
	if (!ret) {
		*secret = own_copy(recovered.buffer, recovered.size);
		*secret_len = recovered.size;
		ret = *secret ? 0 : EXIT_KERNEL;
	}
	/* The recovered secret is a credential: do not leave it around. */
	explicit_bzero(&recovered, sizeof(recovered));
	return ret;
}

static int challenge_tpm12(struct attest *a, const uint8_t *buf, size_t len,
			   uint8_t **secret, size_t *secret_len)
{
	struct tpm12_challenge ch;
	const char *why;
	int ret;

	why = tpm12_challenge_parse(buf, len, &ch);
	if (why) {
		xenmb_error("xenmb: the challenge is not a TPM 1.2 identity "
			    "challenge: %s; see 'xenmb --help'\n",
			    why);
		return EXIT_BAD_CRED;
	}
	ret = link_tpm(a);
	return ret ? ret : tpm12_flow_challenge(a->c, &ch, secret, secret_len);
}

int attest_challenge(struct attest *a, const uint8_t *buf, size_t len,
		     uint8_t **secret, size_t *secret_len)
{
	*secret = NULL;
	*secret_len = 0;
	/* Checked before the TPM is asked. */
	return a->tpm12 ? challenge_tpm12(a, buf, len, secret, secret_len)
			: challenge_tpm2(a, buf, len, secret, secret_len);
}

int attest_asset_tag_parse(const char *text, uint8_t tag[ATTEST_ASSET_TAG_MAX],
			   size_t *tag_len)
{
	size_t len = strlen(text), n;
	uint8_t *buf;
	int ret;

	memset(tag, 0, ATTEST_ASSET_TAG_MAX);
	/* 64 or 40 hex digits are the digest in hex; anything else base64. */
	if ((len == 64 || len == 40) &&
	    hex_decode(text, len, tag, ATTEST_ASSET_TAG_MAX, false) ==
		(long)len / 2) {
		*tag_len = len / 2;
		return 0;
	}
	/* What a failed hex reading wrote goes before the base64 one. */
	memset(tag, 0, ATTEST_ASSET_TAG_MAX);
	buf = base64_decode(text, &n);
	ret = buf && (n == 32 || n == 20) ? 0 : -1;
	if (!ret) {
		memcpy(tag, buf, n);
		*tag_len = n;
	}
	free(buf);
	return ret ? cli_usage_error("the asset tag must be 32 bytes (SHA-256) "
				     "or 20 bytes (SHA-1), as hex or base64")
		   : 0;
}

int attest_asset_tag_set(struct attest *a,
			 const uint8_t tag[ATTEST_ASSET_TAG_MAX],
			 size_t tag_len, uint32_t *nv_index)
{
	int ret;

	if (a->tpm12 && tag_len != TPM12_ASSET_TAG_SIZE)
		return cli_usage_error("a TPM 1.2 asset tag is 20 bytes "
				       "(SHA-1), as hex or base64");
	if (!a->tpm12)
		quiet_esapi();
	ret = link_tpm(a);
	if (ret)
		return ret;
	*nv_index = a->tpm12 ? TPM12_NV_INDEX_ASSET_TAG : TPM2_ASSET_TAG_NV;
	return a->tpm12 ? tpm12_flow_asset_tag_set(a->c, tag)
			: tpm2_flow_asset_tag_set(&a->ctx, tag);
}

int attest_asset_tag_clear(struct attest *a, bool *was_set)
{
	int ret;

	if (!a->tpm12)
		quiet_esapi();
	ret = link_tpm(a);
	if (ret)
		return ret;
	return a->tpm12 ? tpm12_flow_asset_tag_clear(a->c, was_set)
			: tpm2_flow_asset_tag_clear(&a->ctx, was_set);
}

int attest_asset_tag_show(struct attest *a, uint8_t tag[ATTEST_ASSET_TAG_MAX],
			  size_t *tag_len, bool *present, const char **nv_name)
{
	int ret;

	if (!a->tpm12)
		quiet_esapi();
	ret = link_tpm(a);
	if (ret)
		return ret;
	memset(tag, 0, ATTEST_ASSET_TAG_MAX);
	*tag_len = a->tpm12 ? TPM12_ASSET_TAG_SIZE : TPM2_ASSET_TAG_SIZE;
	*nv_name = a->tpm12 ? "0x40000010" : "0x01C10110";
	return a->tpm12 ? tpm12_flow_asset_tag_show(a->c, tag, present)
			: tpm2_flow_asset_tag_show(&a->ctx, tag, present);
}
