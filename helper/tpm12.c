// SPDX-License-Identifier: GPL-2.0
/*
 * TPM 1.2 marshaling (see tpm12.h for why it is hand-written). Commands are
 * built in a struct tpm12_cmd, sent by tpm12_run(), which adds and checks
 * the authorization sessions; every response is read through a struct
 * reader that never reads past what the TPM returned.
 */
#include "tpm12.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include "../driver/compat.h"
#include "../driver/tpm_cmd.h"
#include "xenmb_dev.h"

/* GetCapability areas and sub-capabilities (part 2, 21). */
#define CAP_FLAG 0x00000004
#define CAP_PROPERTY 0x00000005
#define CAP_NV_INDEX 0x00000011
#define CAP_VERSION_VAL 0x0000001A
#define CAP_PROP_PCR 0x00000101
#define CAP_PROP_OWNER 0x00000111
#define CAP_FLAG_PERMANENT 0x00000108
#define CAP_FLAG_VOLATILE 0x00000109

/* Structure tags and constants of part 2. */
#define TAG_KEY12 0x0028
#define TAG_CAP_VERSION_INFO 0x0030
#define TAG_PERMANENT_FLAGS 0x001F
#define TAG_STCLEAR_FLAGS 0x0020
#define TAG_NV_DATA_PUBLIC 0x0018
#define TAG_NV_ATTRIBUTES 0x0017
#define PID_OWNER 0x0005
#define ALG_RSA 0x00000001
#define ES_NONE 0x0001
#define ES_RSAESOAEP_SHA1_MGF1 0x0003
#define SS_NONE 0x0001
#define SS_RSASSAPKCS1V15_SHA1 0x0002
#define AUTH_ALWAYS 0x01
#define RSA_KEY_BITS 2048
#define LOCALITY_ALL 0x1F
#define PCR_INFO_SELECT_SIZE 3

/* Per authorization session, a response ends in nonceEven, continue, HMAC. */
#define AUTH_TRAILER_LEN (TPM12_NONCE_LEN + 1 + TPM12_AUTH_LEN)
#define MAX_SESSIONS 2

const uint8_t TPM12_WELL_KNOWN_AUTH[TPM12_AUTH_LEN];

/* ---- building commands ---- */

struct tpm12_cmd {
	uint8_t data[XENMB_TPM_BUF_MAX];
	size_t len;
	size_t param_start; /* first byte of the HMAC'ed parameters */
	uint32_t ordinal;
	bool overflow;
};

static void cmd_init(struct tpm12_cmd *c, uint32_t ordinal)
{
	c->len = TPM_HEADER_LEN;
	c->param_start = TPM_HEADER_LEN;
	c->ordinal = ordinal;
	c->overflow = false;
}

static void put_bytes(struct tpm12_cmd *c, const void *p, size_t n)
{
	if (!n)
		return;
	if (c->overflow || n > sizeof(c->data) - c->len) {
		c->overflow = true;
		return;
	}
	memcpy(c->data + c->len, p, n);
	c->len += n;
}

static void put_u8(struct tpm12_cmd *c, uint8_t v)
{
	put_bytes(c, &v, 1);
}

static void put_u16(struct tpm12_cmd *c, uint16_t v)
{
	uint8_t b[2];

	xenmb_put_be16(b, v);
	put_bytes(c, b, sizeof(b));
}

static void put_u32(struct tpm12_cmd *c, uint32_t v)
{
	uint8_t b[4];

	xenmb_put_be32(b, v);
	put_bytes(c, b, sizeof(b));
}

/* A handle comes before the parameters and is not part of the HMAC. */
static void put_handle(struct tpm12_cmd *c, uint32_t handle)
{
	put_u32(c, handle);
	c->param_start = c->len;
}

/* ---- reading responses ---- */

struct reader {
	const uint8_t *p;
	size_t left;
	bool bad;
};

static const uint8_t *get_bytes(struct reader *r, size_t n)
{
	const uint8_t *p = r->p;

	if (r->bad || n > r->left) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	r->left -= n;
	return p;
}

static uint8_t get_u8(struct reader *r)
{
	const uint8_t *p = get_bytes(r, 1);

	return p ? *p : 0;
}

static uint16_t get_u16(struct reader *r)
{
	const uint8_t *p = get_bytes(r, 2);

	return p ? xenmb_get_be16(p) : 0;
}

static uint32_t get_u32(struct reader *r)
{
	const uint8_t *p = get_bytes(r, 4);

	return p ? xenmb_get_be32(p) : 0;
}

static void get_copy(struct reader *r, void *out, size_t n)
{
	const uint8_t *p = get_bytes(r, n);

	if (p)
		memcpy(out, p, n);
}

/* A u32 length and that many bytes; NULL (and r->bad) if they are not there. */
static const uint8_t *get_sized(struct reader *r, size_t *len)
{
	uint32_t n = get_u32(r);

	*len = n;
	return get_bytes(r, n);
}

/* Copies what remains into @b; -EBADMSG if it does not fit. */
static int blob_set(struct tpm12_blob *b, const uint8_t *p, size_t n)
{
	if (!b)
		return 0;
	if (n > sizeof(b->data))
		return -EBADMSG;
	memcpy(b->data, p, n);
	b->len = n;
	return 0;
}

/* ---- the transport ---- */

static int xenmb_transmit(void *ctx, const uint8_t *cmd, size_t cmd_len,
			  uint8_t *rsp, size_t rsp_size, size_t *rsp_len)
{
	/* Static: 4 KiB that no caller runs concurrently. */
	static struct xenmb_response r;
	int fd = (int)(intptr_t)ctx;
	int ret;

	ret = xenmb_tpm_transmit(fd, 0, cmd, cmd_len, &r);
	if (ret)
		return ret;
	if (r.len > rsp_size)
		return -EMSGSIZE;
	memcpy(rsp, r.data, r.len);
	*rsp_len = r.len;
	return 0;
}

struct tpm12_transport tpm12_xenmb_transport(int fd)
{
	/* The fd rides in the opaque context, never dereferenced. */
	/* NOLINTNEXTLINE(performance-no-int-to-ptr) */
	struct tpm12_transport t = {xenmb_transmit, (void *)(intptr_t)fd};

	return t;
}

/* ---- running a command, with or without authorization ---- */

/* One session used by one command: its nonceOdd and continue flag. */
struct auth_use {
	struct tpm12_session *s;
	bool cont;
	uint8_t nonce_odd[TPM12_NONCE_LEN];
};

struct tpm12_rsp {
	uint8_t data[XENMB_TPM_BUF_MAX];
	size_t len;
	struct reader params; /* the output parameters, after the handles */
	uint32_t handle;      /* the output handle, when one was asked for */
};

/* SHA1 of up to three pieces (a NULL piece is skipped). */
static void sha1_of(uint8_t digest[TPM12_DIGEST_LEN], const void *a, size_t an,
		    const void *b, size_t bn, const void *c, size_t cn)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	/* Only allocation can fail; a zero digest then fails every check. */
	memset(digest, 0, TPM12_DIGEST_LEN);
	if (!ctx)
		return;
	if (EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) &&
	    (!a || EVP_DigestUpdate(ctx, a, an)) &&
	    (!b || EVP_DigestUpdate(ctx, b, bn)) &&
	    (!c || EVP_DigestUpdate(ctx, c, cn)))
		EVP_DigestFinal_ex(ctx, digest, NULL);
	EVP_MD_CTX_free(ctx);
}

/* SHA1([@rc ||] @ordinal || @params): the in/out parameter digest. */
static void param_digest(uint32_t rc, bool with_rc, uint32_t ordinal,
			 const uint8_t *params, size_t len,
			 uint8_t digest[TPM12_DIGEST_LEN])
{
	uint8_t be[8];

	xenmb_put_be32(be, rc);
	xenmb_put_be32(be + 4, ordinal);
	sha1_of(digest, with_rc ? be : be + 4, with_rc ? 8 : 4, params, len,
		NULL, 0);
}

/* HMAC(key, digest || nonceEven || nonceOdd || continue) (part 1, 13). */
static void auth_hmac(const uint8_t key[TPM12_AUTH_LEN],
		      const uint8_t digest[TPM12_DIGEST_LEN],
		      const uint8_t even[TPM12_NONCE_LEN],
		      const uint8_t odd[TPM12_NONCE_LEN], uint8_t cont,
		      uint8_t out[TPM12_AUTH_LEN])
{
	uint8_t msg[TPM12_DIGEST_LEN + 2 * TPM12_NONCE_LEN + 1];
	unsigned int len = TPM12_AUTH_LEN;

	memcpy(msg, digest, TPM12_DIGEST_LEN);
	memcpy(msg + TPM12_DIGEST_LEN, even, TPM12_NONCE_LEN);
	memcpy(msg + TPM12_DIGEST_LEN + TPM12_NONCE_LEN, odd, TPM12_NONCE_LEN);
	msg[sizeof(msg) - 1] = cont;
	HMAC(EVP_sha1(), key, TPM12_AUTH_LEN, msg, sizeof(msg), out, &len);
}

static int random_nonce(uint8_t nonce[TPM12_NONCE_LEN])
{
	return RAND_bytes(nonce, TPM12_NONCE_LEN) == 1 ? 0 : -EIO;
}

/* Appends one authorization block per session to @c. */
static int add_auth(struct tpm12_cmd *c, struct auth_use *use, int n)
{
	uint8_t digest[TPM12_DIGEST_LEN], hmac[TPM12_AUTH_LEN];
	int i;

	param_digest(0, false, c->ordinal, c->data + c->param_start,
		     c->len - c->param_start, digest);
	for (i = 0; i < n; i++) {
		if (!use[i].s->open || random_nonce(use[i].nonce_odd))
			return -EINVAL;
		auth_hmac(use[i].s->key, digest, use[i].s->nonce_even,
			  use[i].nonce_odd, use[i].cont, hmac);
		put_u32(c, use[i].s->handle);
		put_bytes(c, use[i].nonce_odd, TPM12_NONCE_LEN);
		put_u8(c, use[i].cont);
		put_bytes(c, hmac, TPM12_AUTH_LEN);
	}
	return 0;
}

/* Checks the response authorization of each session and rolls its nonce. */
static int check_auth(const struct tpm12_cmd *c, struct tpm12_rsp *r,
		      struct auth_use *use, int n)
{
	const uint8_t *trailer = r->params.p + r->params.left;
	uint8_t digest[TPM12_DIGEST_LEN], hmac[TPM12_AUTH_LEN];
	int i, ret = 0;

	param_digest(0, true, c->ordinal, r->params.p, r->params.left, digest);
	for (i = 0; i < n; i++) {
		const uint8_t *even = trailer + (size_t)i * AUTH_TRAILER_LEN;
		uint8_t cont = even[TPM12_NONCE_LEN];

		auth_hmac(use[i].s->key, digest, even, use[i].nonce_odd, cont,
			  hmac);
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
		/* Lets the fuzzer past the HMAC, on to the parameter parsers.
		 */
		memcpy(hmac, even + TPM12_NONCE_LEN + 1, TPM12_AUTH_LEN);
#endif
		if (cont > 1 || CRYPTO_memcmp(hmac, even + TPM12_NONCE_LEN + 1,
					      TPM12_AUTH_LEN)) {
			ret = -EBADMSG;
			continue;
		}
		memcpy(use[i].s->nonce_even, even, TPM12_NONCE_LEN);
		use[i].s->open = cont;
	}
	return ret;
}

/*
 * Sends @c with @n sessions (0..2) and checks the response: header, tag,
 * authorization. @out_handles (0 or 1) handles precede the parameters in
 * the response. On success r->params holds the output parameters.
 */
static int tpm12_run(const struct tpm12_transport *t, struct tpm12_cmd *c,
		     struct auth_use *use, int n, int out_handles,
		     struct tpm12_rsp *r)
{
	static const uint16_t req_tags[] = {TPM12_TAG_RQU_COMMAND,
					    TPM12_TAG_RQU_AUTH1_COMMAND,
					    TPM12_TAG_RQU_AUTH2_COMMAND};
	static const uint16_t rsp_tags[] = {TPM12_TAG_RSP_COMMAND,
					    TPM12_TAG_RSP_AUTH1_COMMAND,
					    TPM12_TAG_RSP_AUTH2_COMMAND};
	size_t need;
	uint32_t rc;
	int ret, i;

	ret = add_auth(c, use, n);
	if (ret)
		return ret;
	if (c->overflow)
		return -EMSGSIZE;
	xenmb_put_be16(c->data, req_tags[n]);
	xenmb_put_be32(c->data + 2, (uint32_t)c->len);
	xenmb_put_be32(c->data + 6, c->ordinal);
	ret = t->transmit(t->ctx, c->data, c->len, r->data, sizeof(r->data),
			  &r->len);
	if (ret)
		return ret;
	if (r->len < TPM_HEADER_LEN || xenmb_get_be32(r->data + 2) != r->len)
		return -EBADMSG;
	rc = xenmb_get_be32(r->data + 6);
	if (rc) {
		/* A failed command ends its sessions (part 1, 13.2). */
		for (i = 0; i < n; i++)
			use[i].s->open = false;
		return rc > INT32_MAX ? -EBADMSG : (int)rc;
	}
	need = TPM_HEADER_LEN + 4 * (size_t)out_handles +
	       (size_t)n * AUTH_TRAILER_LEN;
	if (xenmb_get_be16(r->data) != rsp_tags[n] || r->len < need)
		return -EBADMSG;
	if (out_handles)
		r->handle = xenmb_get_be32(r->data + TPM_HEADER_LEN);
	r->params.p = r->data + TPM_HEADER_LEN + 4 * (size_t)out_handles;
	r->params.left = r->len - need;
	r->params.bad = false;
	return n ? check_auth(c, r, use, n) : 0;
}

/* The parameters must have been read exactly, no more, no less. */
static int params_done(const struct reader *r)
{
	return r->bad || r->left ? -EBADMSG : 0;
}

/* ---- sessions ---- */

int tpm12_oiap(const struct tpm12_transport *t,
	       const uint8_t usage_auth[TPM12_AUTH_LEN],
	       struct tpm12_session *s)
{
	struct tpm12_cmd c;
	struct tpm12_rsp r;
	int ret;

	memset(s, 0, sizeof(*s));
	cmd_init(&c, TPM12_ORD_OIAP);
	ret = tpm12_run(t, &c, NULL, 0, 0, &r);
	if (ret)
		return ret;
	s->handle = get_u32(&r.params);
	get_copy(&r.params, s->nonce_even, TPM12_NONCE_LEN);
	ret = params_done(&r.params);
	if (ret)
		return ret;
	memcpy(s->key, usage_auth, TPM12_AUTH_LEN);
	s->open = true;
	return 0;
}

int tpm12_osap(const struct tpm12_transport *t, uint16_t entity_type,
	       uint32_t entity_value, const uint8_t usage_auth[TPM12_AUTH_LEN],
	       struct tpm12_session *s)
{
	uint8_t odd_osap[TPM12_NONCE_LEN], even_osap[TPM12_NONCE_LEN];
	uint8_t nonces[2 * TPM12_NONCE_LEN];
	unsigned int len = TPM12_AUTH_LEN;
	struct tpm12_cmd c;
	struct tpm12_rsp r;
	int ret;

	memset(s, 0, sizeof(*s));
	if (random_nonce(odd_osap))
		return -EIO;
	cmd_init(&c, TPM12_ORD_OSAP);
	put_u16(&c, entity_type);
	put_u32(&c, entity_value);
	put_bytes(&c, odd_osap, TPM12_NONCE_LEN);
	ret = tpm12_run(t, &c, NULL, 0, 0, &r);
	if (ret)
		return ret;
	s->handle = get_u32(&r.params);
	get_copy(&r.params, s->nonce_even, TPM12_NONCE_LEN);
	get_copy(&r.params, even_osap, TPM12_NONCE_LEN);
	ret = params_done(&r.params);
	if (ret)
		return ret;
	/* sharedSecret = HMAC(usageAuth, nonceEvenOSAP || nonceOddOSAP) */
	memcpy(nonces, even_osap, TPM12_NONCE_LEN);
	memcpy(nonces + TPM12_NONCE_LEN, odd_osap, TPM12_NONCE_LEN);
	HMAC(EVP_sha1(), usage_auth, TPM12_AUTH_LEN, nonces, sizeof(nonces),
	     s->key, &len);
	s->open = true;
	return 0;
}

void tpm12_session_close(const struct tpm12_transport *t,
			 struct tpm12_session *s)
{
	if (s->open)
		tpm12_flush_specific(t, s->handle, TPM12_RT_AUTH);
	OPENSSL_cleanse(s, sizeof(*s));
}

/* ADIP: @secret XOR SHA1(sharedSecret || nonceEven) for an OSAP session. */
static void adip_encrypt(const struct tpm12_session *osap,
			 const uint8_t secret[TPM12_AUTH_LEN],
			 uint8_t out[TPM12_AUTH_LEN])
{
	uint8_t pad[TPM12_DIGEST_LEN];
	int i;

	sha1_of(pad, osap->key, TPM12_AUTH_LEN, osap->nonce_even,
		TPM12_NONCE_LEN, NULL, 0);
	for (i = 0; i < TPM12_AUTH_LEN; i++)
		out[i] = secret[i] ^ pad[i];
	OPENSSL_cleanse(pad, sizeof(pad));
}

/* ---- pure parsers ---- */

/* TPM_KEY_PARMS with TPM_RSA_KEY_PARMS (part 2, 5.4 and 5.7). */
static int parse_key_parms(struct reader *r, struct tpm12_key_info *k)
{
	struct reader parms;
	const uint8_t *exp;
	size_t parm_size;
	uint32_t exp_size;
	size_t i;

	k->parms = r->p;
	k->alg_id = get_u32(r);
	k->enc_scheme = get_u16(r);
	k->sig_scheme = get_u16(r);
	parms.p = get_sized(r, &parm_size);
	parms.left = parm_size;
	parms.bad = r->bad;
	if (r->bad)
		return -EBADMSG;
	k->parms_len = (size_t)(r->p - k->parms);
	if (k->alg_id != ALG_RSA)
		return -EOPNOTSUPP;
	k->key_bits = get_u32(&parms);
	get_u32(&parms); /* numPrimes */
	exp_size = get_u32(&parms);
	exp = get_bytes(&parms, exp_size);
	if (params_done(&parms) || exp_size > 4)
		return -EBADMSG;
	/* An empty exponent means the default, 2^16 + 1 (part 2, 5.7). */
	k->exponent = exp_size ? 0 : 65537;
	for (i = 0; i < exp_size; i++)
		k->exponent = k->exponent << 8 | exp[i];
	return 0;
}

/* TPM_STORE_PUBKEY: the modulus with its length. */
static void parse_store_pubkey(struct reader *r, struct tpm12_key_info *k)
{
	k->pub = r->p;
	k->modulus = get_sized(r, &k->modulus_len);
	k->pub_len = r->bad ? 0 : (size_t)(r->p - k->pub);
}

int tpm12_key_parse(const uint8_t *buf, size_t len, struct tpm12_key_info *k,
		    size_t *used)
{
	static const uint8_t ver11[4] = {1, 1, 0, 0};
	struct reader r = {buf, len, false};
	const uint8_t *head;
	size_t n;
	int ret;

	memset(k, 0, sizeof(*k));
	head = get_bytes(&r, 4);
	if (!head)
		return -EBADMSG;
	/* TPM_KEY12 starts with its tag and a zero fill; TPM_KEY with 1.1.0.0.
	 */
	if (xenmb_get_be16(head) == TAG_KEY12) {
		if (xenmb_get_be16(head + 2))
			return -EBADMSG;
	} else if (memcmp(head, ver11, sizeof(ver11))) {
		return -EBADMSG;
	}
	k->key_usage = get_u16(&r);
	k->key_flags = get_u32(&r);
	k->auth_usage = get_u8(&r);
	ret = parse_key_parms(&r, k);
	if (ret == -EBADMSG)
		return ret;
	get_sized(&r, &n); /* PCRInfo */
	parse_store_pubkey(&r, k);
	get_sized(&r, &n); /* encData */
	if (r.bad)
		return -EBADMSG;
	if (used)
		*used = len - r.left;
	return ret;
}

int tpm12_pubkey_parse(const uint8_t *buf, size_t len, struct tpm12_key_info *k,
		       size_t *used)
{
	struct reader r = {buf, len, false};
	int ret;

	memset(k, 0, sizeof(*k));
	ret = parse_key_parms(&r, k);
	if (ret == -EBADMSG)
		return ret;
	parse_store_pubkey(&r, k);
	if (r.bad)
		return -EBADMSG;
	if (used)
		*used = len - r.left;
	return ret;
}

int tpm12_key_to_pubkey(const struct tpm12_key_info *k,
			struct tpm12_blob *pubkey)
{
	if (!k->parms || !k->pub ||
	    k->parms_len + k->pub_len > sizeof(pubkey->data))
		return -EINVAL;
	memcpy(pubkey->data, k->parms, k->parms_len);
	memcpy(pubkey->data + k->parms_len, k->pub, k->pub_len);
	pubkey->len = k->parms_len + k->pub_len;
	return 0;
}

int tpm12_key_to_evp(const struct tpm12_key_info *k, EVP_PKEY **pkey)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	BIGNUM *n = NULL, *e = NULL;
	int ret = -ENOMEM;

	*pkey = NULL;
	if (k->alg_id != ALG_RSA || !k->modulus_len || !k->exponent)
		return -EINVAL;
	n = BN_bin2bn(k->modulus, (int)k->modulus_len, NULL);
	e = BN_new();
	bld = OSSL_PARAM_BLD_new();
	if (!n || !e || !bld || !BN_set_word(e, k->exponent) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0)
		goto out;
	ret = EVP_PKEY_fromdata(ctx, pkey, EVP_PKEY_PUBLIC_KEY, params) > 0
		  ? 0
		  : -EINVAL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return ret;
}

int tpm12_key_to_pem(const struct tpm12_key_info *k, char **pem)
{
	EVP_PKEY *pkey;
	BIO *bio = NULL;
	char *data;
	long len;
	int ret;

	*pem = NULL;
	ret = tpm12_key_to_evp(k, &pkey);
	if (ret)
		return ret;
	ret = -ENOMEM;
	bio = BIO_new(BIO_s_mem());
	if (!bio || !PEM_write_bio_PUBKEY(bio, pkey))
		goto out;
	len = BIO_get_mem_data(bio, &data);
	*pem = malloc((size_t)len + 1);
	if (!*pem)
		goto out;
	memcpy(*pem, data, (size_t)len);
	(*pem)[len] = '\0';
	ret = 0;
out:
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	return ret;
}

int tpm12_pcr_composite_parse(const uint8_t *buf, size_t len,
			      struct tpm12_pcr_composite *c, size_t *used)
{
	struct reader r = {buf, len, false};
	const uint8_t *values;
	size_t value_size;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->select_size = get_u16(&r);
	if (c->select_size > TPM12_PCR_SELECT_MAX)
		return -EBADMSG;
	get_copy(&r, c->select, c->select_size);
	values = get_sized(&r, &value_size);
	if (r.bad)
		return -EBADMSG;
	for (i = 0; i < 8U * c->select_size; i++)
		if (c->select[i / 8] & (1U << (i % 8)))
			c->pcr_index[c->count++] = (uint8_t)i;
	if (value_size != (size_t)c->count * TPM12_DIGEST_LEN)
		return -EBADMSG;
	memcpy(c->values, values, value_size);
	if (used)
		*used = len - r.left;
	return 0;
}

/* TPM_SYMMETRIC_KEY (part 2, 11.2). */
static int read_symmetric_key(struct reader *r, struct tpm12_symmetric_key *key)
{
	memset(key, 0, sizeof(*key));
	key->alg_id = get_u32(r);
	key->enc_scheme = get_u16(r);
	key->size = get_u16(r);
	if (r->bad || key->size > sizeof(key->data))
		return -EBADMSG;
	get_copy(r, key->data, key->size);
	return r->bad ? -EBADMSG : 0;
}

int tpm12_symmetric_key_parse(const uint8_t *buf, size_t len,
			      struct tpm12_symmetric_key *key, size_t *used)
{
	struct reader r = {buf, len, false};
	int ret = read_symmetric_key(&r, key);

	if (!ret && used)
		*used = len - r.left;
	return ret;
}

/* Reads a whole TPM_KEY off @r into @out (may be NULL). */
static int read_key(struct reader *r, struct tpm12_blob *out)
{
	struct tpm12_key_info k;
	size_t used;
	int ret;

	ret = tpm12_key_parse(r->p, r->left, &k, &used);
	if (ret)
		return -EBADMSG;
	ret = blob_set(out, r->p, used);
	get_bytes(r, used);
	return ret;
}

/* Reads a whole TPM_PUBKEY off @r into @out. */
static int read_pubkey(struct reader *r, struct tpm12_blob *out)
{
	struct tpm12_key_info k;
	size_t used;
	int ret;

	ret = tpm12_pubkey_parse(r->p, r->left, &k, &used);
	if (ret)
		return -EBADMSG;
	ret = blob_set(out, r->p, used);
	get_bytes(r, used);
	return ret;
}

/* ---- unauthorized commands ---- */

/* Runs @c without authorization, expecting no output parameters. */
static int run_no_output(const struct tpm12_transport *t, struct tpm12_cmd *c)
{
	struct tpm12_rsp r;
	int ret = tpm12_run(t, c, NULL, 0, 0, &r);

	return ret ? ret : params_done(&r.params);
}

int tpm12_startup(const struct tpm12_transport *t, uint16_t type)
{
	struct tpm12_cmd c;

	cmd_init(&c, TPM12_ORD_STARTUP);
	put_u16(&c, type);
	return run_no_output(t, &c);
}

int tpm12_pcr_read_via(const struct tpm12_transport *t, unsigned int pcr,
		       uint8_t digest[TPM12_DIGEST_LEN])
{
	struct tpm12_cmd c;
	struct tpm12_rsp r;
	int ret;

	cmd_init(&c, TPM12_ORD_PCR_READ);
	put_u32(&c, pcr);
	ret = tpm12_run(t, &c, NULL, 0, 0, &r);
	if (ret)
		return ret;
	get_copy(&r.params, digest, TPM12_DIGEST_LEN);
	return params_done(&r.params);
}

int tpm12_pcr_read(int fd, unsigned int pcr, uint8_t digest[TPM12_DIGEST_LEN])
{
	struct tpm12_transport t = tpm12_xenmb_transport(fd);

	return tpm12_pcr_read_via(&t, pcr, digest);
}

int tpm12_extend(const struct tpm12_transport *t, unsigned int pcr,
		 const uint8_t digest[TPM12_DIGEST_LEN],
		 uint8_t new_value[TPM12_DIGEST_LEN])
{
	uint8_t out[TPM12_DIGEST_LEN];
	struct tpm12_cmd c;
	struct tpm12_rsp r;
	int ret;

	cmd_init(&c, TPM12_ORD_EXTEND);
	put_u32(&c, pcr);
	put_bytes(&c, digest, TPM12_DIGEST_LEN);
	ret = tpm12_run(t, &c, NULL, 0, 0, &r);
	if (ret)
		return ret;
	get_copy(&r.params, out, TPM12_DIGEST_LEN);
	ret = params_done(&r.params);
	if (!ret && new_value)
		memcpy(new_value, out, TPM12_DIGEST_LEN);
	return ret;
}

int tpm12_read_pubek(const struct tpm12_transport *t, struct tpm12_blob *pubkey)
{
	uint8_t nonce[TPM12_NONCE_LEN], expect[TPM12_DIGEST_LEN];
	const uint8_t *key, *checksum;
	struct tpm12_cmd c;
	struct tpm12_rsp r;
	size_t key_len;
	int ret;

	if (random_nonce(nonce))
		return -EIO;
	cmd_init(&c, TPM12_ORD_READ_PUBEK);
	put_bytes(&c, nonce, TPM12_NONCE_LEN);
	ret = tpm12_run(t, &c, NULL, 0, 0, &r);
	if (ret)
		return ret;
	key = r.params.p;
	ret = read_pubkey(&r.params, pubkey);
	if (ret)
		return ret;
	key_len = (size_t)(r.params.p - key);
	checksum = get_bytes(&r.params, TPM12_DIGEST_LEN);
	ret = params_done(&r.params);
	if (ret)
		return ret;
	/* checksum = SHA1(pubEndorsementKey || antiReplay) */
	sha1_of(expect, key, key_len, nonce, TPM12_NONCE_LEN, NULL, 0);
	return CRYPTO_memcmp(expect, checksum, TPM12_DIGEST_LEN) ? -EBADMSG : 0;
}

int tpm12_flush_specific(const struct tpm12_transport *t, uint32_t handle,
			 uint32_t resource_type)
{
	struct tpm12_cmd c;

	cmd_init(&c, TPM12_ORD_FLUSH_SPECIFIC);
	put_u32(&c, handle);
	put_u32(&c, resource_type);
	return run_no_output(t, &c);
}

int tpm12_get_capability(const struct tpm12_transport *t, uint32_t cap,
			 const uint8_t *sub_cap, size_t sub_cap_len,
			 struct tpm12_blob *out)
{
	struct tpm12_cmd c;
	struct tpm12_rsp r;
	const uint8_t *resp;
	size_t len;
	int ret;

	cmd_init(&c, TPM12_ORD_GET_CAPABILITY);
	put_u32(&c, cap);
	put_u32(&c, (uint32_t)sub_cap_len);
	put_bytes(&c, sub_cap, sub_cap_len);
	ret = tpm12_run(t, &c, NULL, 0, 0, &r);
	if (ret)
		return ret;
	resp = get_sized(&r.params, &len);
	ret = params_done(&r.params);
	return ret ? ret : blob_set(out, resp, len);
}

/* GetCapability with a u32 sub-capability. */
static int get_cap_u32(const struct tpm12_transport *t, uint32_t cap,
		       uint32_t sub, struct tpm12_blob *out)
{
	uint8_t be[4];

	xenmb_put_be32(be, sub);
	return tpm12_get_capability(t, cap, be, sizeof(be), out);
}

int tpm12_get_owner_present(const struct tpm12_transport *t, bool *owned)
{
	struct tpm12_blob b;
	int ret = get_cap_u32(t, CAP_PROPERTY, CAP_PROP_OWNER, &b);

	if (ret)
		return ret;
	if (b.len != 1)
		return -EBADMSG;
	*owned = b.data[0];
	return 0;
}

int tpm12_get_pcr_count(const struct tpm12_transport *t, uint32_t *count)
{
	struct tpm12_blob b;
	int ret = get_cap_u32(t, CAP_PROPERTY, CAP_PROP_PCR, &b);

	if (ret)
		return ret;
	if (b.len != 4)
		return -EBADMSG;
	*count = xenmb_get_be32(b.data);
	return 0;
}

int tpm12_get_version(const struct tpm12_transport *t, struct tpm12_version *v)
{
	struct tpm12_blob b;
	struct reader r;
	size_t n;
	int ret;

	ret = tpm12_get_capability(t, CAP_VERSION_VAL, NULL, 0, &b);
	if (ret)
		return ret;
	r = (struct reader){b.data, b.len, false};
	memset(v, 0, sizeof(*v));
	if (get_u16(&r) != TAG_CAP_VERSION_INFO)
		return -EBADMSG;
	v->major = get_u8(&r);
	v->minor = get_u8(&r);
	v->rev_major = get_u8(&r);
	v->rev_minor = get_u8(&r);
	v->spec_level = get_u16(&r);
	v->errata_rev = get_u8(&r);
	get_copy(&r, v->vendor, 4);
	n = get_u16(&r);
	get_bytes(&r, n); /* vendorSpecific */
	return params_done(&r);
}

int tpm12_get_flags(const struct tpm12_transport *t, struct tpm12_flags *f)
{
	struct tpm12_blob b;
	int ret;

	memset(f, 0, sizeof(*f));
	/* TPM_PERMANENT_FLAGS: tag, then one byte per flag (part 2, 7.1). */
	ret = get_cap_u32(t, CAP_FLAG, CAP_FLAG_PERMANENT, &b);
	if (ret)
		return ret;
	if (b.len < 2 + 16 || xenmb_get_be16(b.data) != TAG_PERMANENT_FLAGS)
		return -EBADMSG;
	f->disabled = b.data[2];
	f->ownership_allowed = b.data[3];
	f->deactivated = b.data[4];
	f->read_pubek = b.data[5];
	f->nv_locked = b.data[2 + 15];
	/* TPM_STCLEAR_FLAGS (part 2, 7.2). */
	ret = get_cap_u32(t, CAP_FLAG, CAP_FLAG_VOLATILE, &b);
	if (ret)
		return ret;
	if (b.len < 2 + 4 || xenmb_get_be16(b.data) != TAG_STCLEAR_FLAGS)
		return -EBADMSG;
	f->volatile_deactivated = b.data[2];
	f->physical_presence = b.data[4];
	f->physical_presence_lock = b.data[5];
	return 0;
}

/* TPM_PCR_INFO_SHORT (part 2, 8.6). */
static void skip_pcr_info_short(struct reader *r)
{
	get_bytes(r, get_u16(r));
	get_bytes(r, 1 + TPM12_DIGEST_LEN);
}

int tpm12_nv_get_size(const struct tpm12_transport *t, uint32_t index,
		      uint32_t *size)
{
	struct tpm12_blob b;
	struct reader r;
	int ret;

	ret = get_cap_u32(t, CAP_NV_INDEX, index, &b);
	if (ret)
		return ret;
	/* TPM_NV_DATA_PUBLIC (part 2, 19.3) */
	r = (struct reader){b.data, b.len, false};
	if (get_u16(&r) != TAG_NV_DATA_PUBLIC || get_u32(&r) != index)
		return -EBADMSG;
	skip_pcr_info_short(&r);
	skip_pcr_info_short(&r);
	get_bytes(&r, 2 + 4 + 3); /* permission, three flags */
	*size = get_u32(&r);
	return params_done(&r);
}

int tpm12_physical_presence(const struct tpm12_transport *t, uint16_t bits)
{
	struct tpm12_cmd c;

	cmd_init(&c, TPM12_TSC_ORD_PHYSICAL_PRESENCE);
	put_u16(&c, bits);
	return run_no_output(t, &c);
}

int tpm12_physical_enable(const struct tpm12_transport *t, bool enable)
{
	struct tpm12_cmd c;

	cmd_init(&c, enable ? TPM12_ORD_PHYSICAL_ENABLE
			    : TPM12_ORD_PHYSICAL_DISABLE);
	return run_no_output(t, &c);
}

int tpm12_physical_set_deactivated(const struct tpm12_transport *t,
				   bool deactivated)
{
	struct tpm12_cmd c;

	cmd_init(&c, TPM12_ORD_PHYSICAL_SET_DEACTIVATED);
	put_u8(&c, deactivated);
	return run_no_output(t, &c);
}

int tpm12_force_clear(const struct tpm12_transport *t)
{
	struct tpm12_cmd c;

	cmd_init(&c, TPM12_ORD_FORCE_CLEAR);
	return run_no_output(t, &c);
}

/* ---- authorized commands ---- */

/*
 * Runs @c authorized by one fresh OIAP session per secret in @auth (1 or
 * 2), not continued: the TPM ends them, we flush what it did not.
 */
static int run_oiap(const struct tpm12_transport *t, struct tpm12_cmd *c,
		    const uint8_t *const *auth, int n, int out_handles,
		    struct tpm12_rsp *r)
{
	struct tpm12_session s[MAX_SESSIONS];
	struct auth_use use[MAX_SESSIONS];
	int i, ret = 0;

	memset(s, 0, sizeof(s));
	memset(use, 0, sizeof(use));
	for (i = 0; i < n && !ret; i++) {
		use[i].s = &s[i];
		ret = tpm12_oiap(t, auth[i], &s[i]);
	}
	if (!ret)
		ret = tpm12_run(t, c, use, n, out_handles, r);
	for (i = 0; i < n; i++)
		tpm12_session_close(t, &s[i]);
	return ret;
}

/* The usual TPM_KEY template: 2048-bit RSA, default exponent (part 2, 10.2). */
static void put_key_template(struct tpm12_cmd *c, uint16_t usage,
			     uint16_t enc_scheme, uint16_t sig_scheme)
{
	static const uint8_t ver11[4] = {1, 1, 0, 0};

	put_bytes(c, ver11, sizeof(ver11));
	put_u16(c, usage);
	put_u32(c, 0); /* keyFlags: not migratable */
	put_u8(c, AUTH_ALWAYS);
	put_u32(c, ALG_RSA);
	put_u16(c, enc_scheme);
	put_u16(c, sig_scheme);
	put_u32(c, 12); /* parmSize: TPM_RSA_KEY_PARMS without exponent */
	put_u32(c, RSA_KEY_BITS);
	put_u32(c, 2); /* numPrimes */
	put_u32(c, 0); /* exponentSize: default */
	put_u32(c, 0); /* PCRInfoSize */
	put_u32(c, 0); /* pubKey */
	put_u32(c, 0); /* encData */
}

/* RSA-OAEP SHA-1 with the label "TCPA" to @ek, as TPM 1.2 decrypts. */
static int oaep_tcpa_encrypt(EVP_PKEY *ek, const uint8_t *in, size_t in_len,
			     uint8_t *out, size_t *out_len)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(ek, NULL);
	unsigned char *label = OPENSSL_memdup("TCPA", 4);
	int ret = -EINVAL;

	if (!ctx || !label || EVP_PKEY_encrypt_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha1()) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha1()) <= 0 ||
	    EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, label, 4) <= 0)
		goto out;
	label = NULL; /* owned by ctx now */
	if (EVP_PKEY_encrypt(ctx, out, out_len, in, in_len) > 0)
		ret = 0;
out:
	OPENSSL_free(label);
	EVP_PKEY_CTX_free(ctx);
	return ret;
}

int tpm12_take_ownership(const struct tpm12_transport *t,
			 const uint8_t owner_auth[TPM12_AUTH_LEN],
			 struct tpm12_blob *srk)
{
	uint8_t enc_owner[512], enc_srk[512];
	size_t enc_owner_len = sizeof(enc_owner), enc_srk_len = sizeof(enc_srk);
	const uint8_t *auth[1] = {owner_auth};
	struct tpm12_key_info k;
	struct tpm12_blob pubek;
	EVP_PKEY *ek = NULL;
	struct tpm12_cmd c;
	struct tpm12_rsp r;
	bool owned;
	int ret;

	/*
	 * An owned TPM refuses ReadPubek (TPM_DISABLED_CMD) before we could
	 * send TakeOwnership; answer what TakeOwnership itself would.
	 */
	ret = tpm12_get_owner_present(t, &owned);
	if (!ret && owned)
		ret = TPM12_RC_OWNER_SET;
	if (!ret)
		ret = tpm12_read_pubek(t, &pubek);
	if (ret)
		return ret;
	ret = tpm12_pubkey_parse(pubek.data, pubek.len, &k, NULL);
	if (!ret)
		ret = tpm12_key_to_evp(&k, &ek);
	if (ret)
		return ret == -EOPNOTSUPP ? ret : -EBADMSG;
	ret = oaep_tcpa_encrypt(ek, owner_auth, TPM12_AUTH_LEN, enc_owner,
				&enc_owner_len);
	if (!ret)
		ret = oaep_tcpa_encrypt(ek, TPM12_WELL_KNOWN_AUTH,
					TPM12_AUTH_LEN, enc_srk, &enc_srk_len);
	EVP_PKEY_free(ek);
	if (ret)
		return ret;
	cmd_init(&c, TPM12_ORD_TAKE_OWNERSHIP);
	put_u16(&c, PID_OWNER);
	put_u32(&c, (uint32_t)enc_owner_len);
	put_bytes(&c, enc_owner, enc_owner_len);
	put_u32(&c, (uint32_t)enc_srk_len);
	put_bytes(&c, enc_srk, enc_srk_len);
	put_key_template(&c, TPM12_KEY_STORAGE, ES_RSAESOAEP_SHA1_MGF1,
			 SS_NONE);
	/* The HMAC key of TakeOwnership is the new owner auth. */
	ret = run_oiap(t, &c, auth, 1, 0, &r);
	if (ret)
		return ret;
	ret = read_key(&r.params, srk);
	return ret ? ret : params_done(&r.params);
}

int tpm12_owner_clear(const struct tpm12_transport *t,
		      const uint8_t owner_auth[TPM12_AUTH_LEN])
{
	const uint8_t *auth[1] = {owner_auth};
	struct tpm12_cmd c;
	struct tpm12_rsp r;
	int ret;

	cmd_init(&c, TPM12_ORD_OWNER_CLEAR);
	ret = run_oiap(t, &c, auth, 1, 0, &r);
	return ret ? ret : params_done(&r.params);
}

int tpm12_owner_read_pubek(const struct tpm12_transport *t,
			   const uint8_t owner_auth[TPM12_AUTH_LEN],
			   struct tpm12_blob *pubkey)
{
	const uint8_t *auth[1] = {owner_auth};
	struct tpm12_cmd c;
	struct tpm12_rsp r;
	int ret;

	cmd_init(&c, TPM12_ORD_OWNER_READ_PUBEK);
	ret = run_oiap(t, &c, auth, 1, 0, &r);
	if (ret)
		return ret;
	ret = read_pubkey(&r.params, pubkey);
	return ret ? ret : params_done(&r.params);
}

int tpm12_make_identity(const struct tpm12_transport *t,
			const uint8_t owner_auth[TPM12_AUTH_LEN],
			const uint8_t srk_auth[TPM12_AUTH_LEN],
			const uint8_t aik_auth[TPM12_AUTH_LEN],
			const uint8_t label_digest[TPM12_DIGEST_LEN],
			struct tpm12_blob *aik,
			struct tpm12_blob *identity_binding)
{
	struct tpm12_session srk_s, owner_s;
	struct auth_use use[2] = {{.s = &srk_s}, {.s = &owner_s}};
	uint8_t enc_auth[TPM12_AUTH_LEN];
	const uint8_t *binding;
	struct tpm12_cmd c;
	struct tpm12_rsp r;
	size_t binding_len;
	int ret;

	memset(&srk_s, 0, sizeof(srk_s));
	/* The owner session must be OSAP: it encrypts the new AIK's auth. */
	ret =
	    tpm12_osap(t, TPM12_ET_OWNER, TPM12_KH_OWNER, owner_auth, &owner_s);
	if (!ret)
		ret = tpm12_oiap(t, srk_auth, &srk_s);
	if (ret)
		goto out;
	adip_encrypt(&owner_s, aik_auth, enc_auth);
	cmd_init(&c, TPM12_ORD_MAKE_IDENTITY);
	put_bytes(&c, enc_auth, TPM12_AUTH_LEN);
	put_bytes(&c, label_digest, TPM12_DIGEST_LEN);
	put_key_template(&c, TPM12_KEY_IDENTITY, ES_NONE,
			 SS_RSASSAPKCS1V15_SHA1);
	ret = tpm12_run(t, &c, use, 2, 0, &r);
	if (ret)
		goto out;
	ret = read_key(&r.params, aik);
	binding = get_sized(&r.params, &binding_len);
	if (!ret)
		ret = params_done(&r.params);
	if (!ret)
		ret = blob_set(identity_binding, binding, binding_len);
out:
	OPENSSL_cleanse(&c, sizeof(c));
	OPENSSL_cleanse(enc_auth, sizeof(enc_auth));
	tpm12_session_close(t, &srk_s);
	tpm12_session_close(t, &owner_s);
	return ret;
}

int tpm12_activate_identity(const struct tpm12_transport *t,
			    uint32_t aik_handle,
			    const uint8_t aik_auth[TPM12_AUTH_LEN],
			    const uint8_t owner_auth[TPM12_AUTH_LEN],
			    const uint8_t *blob, size_t blob_len,
			    struct tpm12_symmetric_key *key)
{
	const uint8_t *auth[2] = {aik_auth, owner_auth};
	struct tpm12_cmd c;
	struct tpm12_rsp r;
	int ret;

	cmd_init(&c, TPM12_ORD_ACTIVATE_IDENTITY);
	put_handle(&c, aik_handle);
	put_u32(&c, (uint32_t)blob_len);
	put_bytes(&c, blob, blob_len);
	ret = run_oiap(t, &c, auth, 2, 0, &r);
	if (!ret)
		ret = read_symmetric_key(&r.params, key);
	if (!ret)
		ret = params_done(&r.params);
	/* The response held the session key in clear. */
	OPENSSL_cleanse(&r, sizeof(r));
	if (ret)
		OPENSSL_cleanse(key, sizeof(*key));
	return ret;
}

/* ---- keys, quote ---- */

int tpm12_load_key2(const struct tpm12_transport *t, uint32_t parent_handle,
		    const uint8_t parent_auth[TPM12_AUTH_LEN],
		    const uint8_t *key, size_t key_len, uint32_t *handle)
{
	const uint8_t *auth[1] = {parent_auth};
	struct tpm12_key_info k;
	struct tpm12_cmd c;
	struct tpm12_rsp r;
	size_t used;
	int ret;

	ret = tpm12_key_parse(key, key_len, &k, &used);
	if (ret || used != key_len)
		return -EINVAL;
	cmd_init(&c, TPM12_ORD_LOAD_KEY2);
	put_handle(&c, parent_handle);
	put_bytes(&c, key, key_len);
	/* The new key handle comes before the (empty) output parameters. */
	ret = run_oiap(t, &c, auth, 1, 1, &r);
	if (!ret)
		ret = params_done(&r.params);
	if (!ret)
		*handle = r.handle;
	return ret;
}

int tpm12_quote(const struct tpm12_transport *t, uint32_t key_handle,
		const uint8_t key_auth[TPM12_AUTH_LEN],
		const uint8_t external_data[TPM12_NONCE_LEN],
		unsigned int pcr_count, struct tpm12_blob *composite,
		struct tpm12_blob *signature)
{
	const uint8_t *auth[1] = {key_auth};
	uint8_t select[TPM12_PCR_SELECT_MAX] = {0};
	struct tpm12_pcr_composite parsed;
	const uint8_t *sig, *comp;
	unsigned int i, select_size = (pcr_count + 7) / 8;
	struct tpm12_cmd c;
	struct tpm12_rsp r;
	size_t used, sig_len;
	int ret;

	if (!pcr_count || pcr_count > TPM12_PCR_MAX)
		return -EINVAL;
	for (i = 0; i < pcr_count; i++)
		select[i / 8] |= (uint8_t)(1U << (i % 8));
	cmd_init(&c, TPM12_ORD_QUOTE);
	put_handle(&c, key_handle);
	put_bytes(&c, external_data, TPM12_NONCE_LEN);
	put_u16(&c, (uint16_t)select_size); /* TPM_PCR_SELECTION */
	put_bytes(&c, select, select_size);
	ret = run_oiap(t, &c, auth, 1, 0, &r);
	if (ret)
		return ret;
	comp = r.params.p;
	ret = tpm12_pcr_composite_parse(comp, r.params.left, &parsed, &used);
	if (ret)
		return ret;
	get_bytes(&r.params, used);
	sig = get_sized(&r.params, &sig_len);
	ret = params_done(&r.params);
	if (!ret)
		ret = blob_set(composite, comp, used);
	if (!ret)
		ret = blob_set(signature, sig, sig_len);
	return ret;
}

/* ---- NV ---- */

/* TPM_PCR_INFO_SHORT selecting no PCR, any locality. */
static void put_pcr_info_short_none(struct tpm12_cmd *c)
{
	static const uint8_t none[PCR_INFO_SELECT_SIZE + 1 + TPM12_DIGEST_LEN] =
	    {[PCR_INFO_SELECT_SIZE] = LOCALITY_ALL};

	put_u16(c, PCR_INFO_SELECT_SIZE);
	put_bytes(c, none, sizeof(none));
}

int tpm12_nv_define_space(const struct tpm12_transport *t,
			  const uint8_t owner_auth[TPM12_AUTH_LEN],
			  uint32_t index, uint32_t size, uint32_t permission)
{
	struct tpm12_session s;
	struct auth_use use = {.s = &s};
	uint8_t enc_auth[TPM12_AUTH_LEN];
	struct tpm12_cmd c;
	struct tpm12_rsp r;
	int ret;

	/* OSAP because the space's auth travels encrypted (ADIP). */
	ret = tpm12_osap(t, TPM12_ET_OWNER, TPM12_KH_OWNER, owner_auth, &s);
	if (ret)
		return ret;
	adip_encrypt(&s, TPM12_WELL_KNOWN_AUTH, enc_auth);
	cmd_init(&c, TPM12_ORD_NV_DEFINE_SPACE);
	put_u16(&c, TAG_NV_DATA_PUBLIC);
	put_u32(&c, index);
	put_pcr_info_short_none(&c); /* pcrInfoRead */
	put_pcr_info_short_none(&c); /* pcrInfoWrite */
	put_u16(&c, TAG_NV_ATTRIBUTES);
	put_u32(&c, permission);
	put_u8(&c, 0); /* bReadSTClear */
	put_u8(&c, 0); /* bWriteSTClear */
	put_u8(&c, 0); /* bWriteDefine */
	put_u32(&c, size);
	put_bytes(&c, enc_auth, TPM12_AUTH_LEN);
	ret = tpm12_run(t, &c, &use, 1, 0, &r);
	if (!ret)
		ret = params_done(&r.params);
	tpm12_session_close(t, &s);
	return ret;
}

int tpm12_nv_write_value(const struct tpm12_transport *t,
			 const uint8_t *owner_auth, uint32_t index,
			 uint32_t offset, const uint8_t *data, size_t len)
{
	const uint8_t *auth[1] = {owner_auth};
	struct tpm12_cmd c;
	struct tpm12_rsp r;
	int ret;

	cmd_init(&c, TPM12_ORD_NV_WRITE_VALUE);
	put_u32(&c, index);
	put_u32(&c, offset);
	put_u32(&c, (uint32_t)len);
	put_bytes(&c, data, len);
	ret = run_oiap(t, &c, auth, owner_auth ? 1 : 0, 0, &r);
	return ret ? ret : params_done(&r.params);
}

int tpm12_nv_read_value(const struct tpm12_transport *t,
			const uint8_t *owner_auth, uint32_t index,
			uint32_t offset, size_t len, uint8_t *out, size_t *got)
{
	const uint8_t *auth[1] = {owner_auth};
	struct tpm12_cmd c;
	struct tpm12_rsp r;
	const uint8_t *data;
	size_t n;
	int ret;

	if (len > UINT32_MAX)
		return -EINVAL;
	cmd_init(&c, TPM12_ORD_NV_READ_VALUE);
	put_u32(&c, index);
	put_u32(&c, offset);
	put_u32(&c, (uint32_t)len);
	ret = run_oiap(t, &c, auth, owner_auth ? 1 : 0, 0, &r);
	if (ret)
		return ret;
	data = get_sized(&r.params, &n);
	ret = params_done(&r.params);
	if (ret)
		return ret;
	if (n > len)
		return -EBADMSG;
	memcpy(out, data, n);
	*got = n;
	return 0;
}
