// SPDX-License-Identifier: GPL-2.0
/*
 * TPM 1.2 attestation: the AIK, the quote and the identity challenge, in
 * the formats of the seed product's TPM 1.2 tool:
 *
 *  - AIK: TPM_MakeIdentity (label "citrix"); its TPM_KEY blob kept in
 *    TPM12_AIK_PATH, loaded with TPM_LoadKey2 for each use, then flushed.
 *    Its "TCPA blob" is the TPM_PUBKEY (the CA hashes it into idDigest).
 *  - quote: TPM_Quote of all PCRs with externalData = SHA1(nonce); the
 *    blob is the TPM_PCR_COMPOSITE the TPM returned (u16 BE select size,
 *    the select bits, u32 BE value size, the 20-byte values) followed by
 *    the signature over TPM_QUOTE_INFO.
 *  - challenge: u32 BE size, the EK-encrypted TPM_ASYM_CA_CONTENTS or
 *    TPM_EK_BLOB, u32 BE size, TPM_SYM_CA_ATTESTATION; TPM_ActivateIdentity
 *    gives the session key, which decrypts the credential (IV || AES-CBC
 *    with PKCS#7 padding, as trousers' Tspi_TPM_ActivateIdentity did).
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../driver/compat.h"
#include "exit_codes.h"
#include "files.h"
#include "report.h"
#include "tpm12.h"
#include "tpm12_challenge.h"
#include "tpm12_attest.h"
#include "tpm12_flows.h"
#include "tpm12_internal.h"

#define TPM12_ALG_AES192 0x00000008
#define TPM12_ALG_AES256 0x00000009
#define TPM12_ES_NONE 0x0001

/* ---- the AIK ---- */

static int aik_read(struct tpm12_aik *a, bool *present)
{
	uint8_t *data;
	size_t len;
	int err =
	    files_read_bounded(TPM12_AIK_PATH, TPM12_BLOB_MAX, &data, &len);

	*present = false;
	if (err == -ENOENT)
		return 0;
	if (err) {
		xenmb_error("xenmb: cannot read the AIK %s: %s\n",
			    TPM12_AIK_PATH, strerror(-err));
		return EXIT_KERNEL;
	}
	memcpy(a->blob.data, data, len);
	a->blob.len = len;
	free(data);
	if (tpm12_key_parse(a->blob.data, a->blob.len, &a->info, NULL) ||
	    a->info.key_usage != TPM12_KEY_IDENTITY) {
		xenmb_error("xenmb: %s is not a TPM 1.2 identity key blob; "
			    "making a new AIK\n",
			    TPM12_AIK_PATH);
		return 0;
	}
	*present = true;
	return 0;
}

/* The AIK's directory, on a host where xentpm was never installed. */
static void aik_dir(void)
{
	mkdir("/opt/xensource", 0755);
	mkdir("/opt/xensource/tpm", 0755);
}

static int aik_make(struct t12 *c, struct tpm12_aik *a)
{
	uint8_t label[TPM12_DIGEST_LEN];
	int rc, ret;

	ret = t12_require_owner(c, "making the AIK");
	if (ret)
		return ret;
	/*
	 * labelPrivCADigest binds the request to a privacy CA; the servers
	 * of this product certify nothing, so it covers the label alone.
	 */
	EVP_Digest(TPM12_AIK_LABEL, strlen(TPM12_AIK_LABEL), label, NULL,
		   EVP_sha1(), NULL);
	xenmb_progress("creating the AIK, RSA-2048 (TPM_MakeIdentity)");
	rc = tpm12_make_identity(&c->t, c->secret, TPM12_WELL_KNOWN_AUTH,
				 TPM12_WELL_KNOWN_AUTH, label, &a->blob, NULL);
	if (rc)
		return t12_fail(c, "TPM_MakeIdentity", rc);
	if (tpm12_key_parse(a->blob.data, a->blob.len, &a->info, NULL))
		return t12_fail(c, "TPM_MakeIdentity", -EBADMSG);
	aik_dir();
	/* The blob is useless off this TPM, but it is no one else's. */
	ret =
	    files_write_atomic(TPM12_AIK_PATH, a->blob.data, a->blob.len, 0600);
	if (!ret)
		a->created = true;
	return ret;
}

/* Whether LoadKey2's @rc says the blob is not wrapped by this SRK. */
static bool not_our_key(int rc)
{
	switch (rc) {
	case TPM12_RC_AUTHFAIL:
	case TPM12_RC_AUTH2FAIL:
	case TPM12_RC_DEACTIVATED:
	case TPM12_RC_DISABLED:
	case TPM12_RC_NOSRK:
	case TPM12_RC_NOSPACE:
	case TPM12_RC_DEFEND_LOCK_RUNNING:
		return false;
	default:
		return rc > 0;
	}
}

/*
 * Loads the AIK blob into the TPM; *@handle to flush. With @may_make, a
 * missing AIK (or one the TPM no longer accepts: the TPM was cleared and
 * owned again) is made now.
 */
static int aik_load_locked(struct t12 *c, struct tpm12_aik *a, bool may_make,
			   uint32_t *handle)
{
	bool present;
	int rc, ret;

	*handle = 0;
	ret = aik_read(a, &present);
	if (ret)
		return ret;
	if (!present) {
		if (!may_make) {
			xenmb_error("xenmb: no AIK in %s (run 'xenmb ak')\n",
				    TPM12_AIK_PATH);
			return EXIT_NOT_FOR_US;
		}
		ret = aik_make(c, a);
		if (ret)
			return ret;
	}
	rc = tpm12_load_key2(&c->t, TPM12_KH_SRK, TPM12_WELL_KNOWN_AUTH,
			     a->blob.data, a->blob.len, handle);
	if (rc && present && may_make && not_our_key(rc)) {
		xenmb_error("xenmb: the AIK in %s does not load (TPM 0x%x: the "
			    "TPM was cleared since); making a new one\n",
			    TPM12_AIK_PATH, rc);
		ret = aik_make(c, a);
		if (ret)
			return ret;
		rc = tpm12_load_key2(&c->t, TPM12_KH_SRK, TPM12_WELL_KNOWN_AUTH,
				     a->blob.data, a->blob.len, handle);
	}
	if (rc) {
		*handle = 0;
		return t12_fail(c, "TPM_LoadKey2 (the AIK)", rc);
	}
	return 0;
}

/*
 * Runs at once (xapi may run plugin calls in parallel) must not each make
 * an AIK and show a server halves of two: one makes it, the others wait
 * and find it. Without a lock (read-only /opt) it goes on unlocked.
 */
static int aik_load(struct t12 *c, struct tpm12_aik *a, bool may_make,
		    uint32_t *handle)
{
	int lock = -1, ret;

	if (may_make) {
		aik_dir();
		lock = open(TPM12_AIK_PATH ".lock",
			    O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (lock >= 0 && flock(lock, LOCK_EX)) {
			close(lock);
			lock = -1;
		}
	}
	ret = aik_load_locked(c, a, may_make, handle);
	if (lock >= 0)
		close(lock);
	return ret;
}

static void aik_unload(struct t12 *c, uint32_t *handle)
{
	if (*handle)
		tpm12_flush_specific(&c->t, *handle, TPM12_RT_KEY);
	*handle = 0;
}

int tpm12_flow_ak(struct t12 *c, struct tpm12_aik *aik)
{
	uint32_t handle = 0;
	int ret;

	memset(aik, 0, sizeof(*aik));
	/* Loading proves the blob is this TPM's (and replaces a stale one). */
	ret = aik_load(c, aik, true, &handle);
	aik_unload(c, &handle);
	return ret;
}

int tpm12_aik_pubkey(const struct tpm12_aik *aik, struct tpm12_blob *pub)
{
	return tpm12_key_to_pubkey(&aik->info, pub) ? EXIT_KERNEL : 0;
}

/* ---- quote ---- */

int tpm12_flow_quote(struct t12 *c, const uint8_t *nonce, size_t nonce_len,
		     struct tpm12_quote_result *q)
{
	struct tpm12_aik *a = &q->aik;
	uint8_t external[TPM12_DIGEST_LEN];
	uint32_t handle = 0, count = 0;
	size_t used;
	int rc, ret;

	rc = tpm12_get_pcr_count(&c->t, &count);
	if (rc)
		return t12_fail(c, "TPM_GetCapability(TPM_CAP_PROP_PCR)", rc);
	if (!count || count > TPM12_PCR_MAX)
		return t12_fail(c, "TPM_GetCapability(TPM_CAP_PROP_PCR)",
				-EBADMSG);
	ret = aik_load(c, a, true, &handle);
	if (ret)
		return ret;
	/* externalData: SHA-1 of the caller's nonce, as the original. */
	EVP_Digest(nonce, nonce_len, external, NULL, EVP_sha1(), NULL);
	rc = tpm12_quote(&c->t, handle, TPM12_WELL_KNOWN_AUTH, external, count,
			 &q->composite, &q->signature);
	aik_unload(c, &handle);
	if (rc)
		return t12_fail(c, "TPM_Quote", rc);
	if (tpm12_pcr_composite_parse(q->composite.data, q->composite.len,
				      &q->pcrs, &used) ||
	    used != q->composite.len || q->pcrs.count != count)
		return t12_fail(c, "TPM_Quote", -EBADMSG);
	memcpy(q->blob, q->composite.data, q->composite.len);
	memcpy(q->blob + q->composite.len, q->signature.data, q->signature.len);
	q->blob_len = q->composite.len + q->signature.len;
	return 0;
}

/* ---- challenge ---- */

static const EVP_CIPHER *session_cipher(const struct tpm12_symmetric_key *k)
{
	/* trousers took TPM_ES_NONE as CBC too; servers send either. */
	if (k->enc_scheme != TPM12_ES_SYM_CBC_PKCS5PAD &&
	    k->enc_scheme != TPM12_ES_NONE)
		return NULL;
	if (k->alg_id == TPM12_ALG_AES128 && k->size == 16)
		return EVP_aes_128_cbc();
	if (k->alg_id == TPM12_ALG_AES192 && k->size == 24)
		return EVP_aes_192_cbc();
	if (k->alg_id == TPM12_ALG_AES256 && k->size == 32)
		return EVP_aes_256_cbc();
	return NULL;
}

/* The credential decrypted; *@out (freed by the caller) or -1. */
static int decrypt_credential(const struct tpm12_symmetric_key *k,
			      const struct tpm12_challenge *ch, uint8_t **out,
			      int *out_len)
{
	const EVP_CIPHER *cipher = session_cipher(k);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, tail = 0, ok;
	uint8_t *buf = malloc(ch->cred_len);

	ok = cipher && ctx && buf &&
	     EVP_DecryptInit_ex(ctx, cipher, NULL, k->data, ch->cred) &&
	     EVP_DecryptUpdate(ctx, buf, &n, ch->cred + TPM12_CHALLENGE_IV_LEN,
			       (int)(ch->cred_len - TPM12_CHALLENGE_IV_LEN)) &&
	     EVP_DecryptFinal_ex(ctx, buf + n, &tail);
	EVP_CIPHER_CTX_free(ctx);
	if (!ok) {
		if (buf)
			explicit_bzero(buf, ch->cred_len);
		free(buf);
		return -1;
	}
	*out = buf;
	*out_len = n + tail;
	return 0;
}

static int activate(struct t12 *c, const struct tpm12_challenge *ch,
		    struct tpm12_symmetric_key *key)
{
	struct tpm12_aik *a = calloc(1, sizeof(*a));
	uint32_t handle = 0;
	int rc, ret;

	if (!a)
		return EXIT_KERNEL;
	ret = t12_require_owner(c, "challenge");
	if (!ret)
		ret = aik_load(c, a, false, &handle);
	if (ret)
		goto out;
	rc = tpm12_activate_identity(&c->t, handle, TPM12_WELL_KNOWN_AUTH,
				     c->secret, ch->asym, ch->asym_len, key);
	/*
	 * The EK cannot decrypt a blob made for another EK; a blob for
	 * another AIK names another idDigest.
	 */
	if (rc == TPM12_RC_DECRYPT_ERROR || rc == TPM12_RC_BAD_PARAMETER) {
		tpm12_last_rc = (uint32_t)rc;
		xenmb_error(
		    "xenmb: the challenge was not made for this host's EK "
		    "and AIK (TPM_ActivateIdentity: 0x%x)\n",
		    rc);
		ret = EXIT_NOT_FOR_US;
	} else if (rc) {
		ret = t12_fail(c, "TPM_ActivateIdentity", rc);
	}
out:
	aik_unload(c, &handle);
	explicit_bzero(a, sizeof(*a));
	free(a);
	return ret;
}

int tpm12_flow_challenge(struct t12 *c, const struct tpm12_challenge *ch,
			 uint8_t **secret, size_t *secret_len)
{
	struct tpm12_symmetric_key key;
	int len = 0, ret;

	*secret = NULL;
	*secret_len = 0;
	ret = activate(c, ch, &key);
	if (!ret && decrypt_credential(&key, ch, secret, &len)) {
		xenmb_error(
		    "xenmb: the challenge's credential does not decrypt "
		    "with its session key (algorithm 0x%x, scheme 0x%x, "
		    "%u bytes)\n",
		    key.alg_id, key.enc_scheme, key.size);
		ret = EXIT_BAD_CRED;
	}
	if (!ret)
		*secret_len = (size_t)len;
	explicit_bzero(&key, sizeof(key));
	return ret;
}
