// SPDX-License-Identifier: GPL-2.0
/*
 * TPM 1.2: ownership, the EK and the asset tag (owner-authorized things),
 * and what every TPM 1.2 flow shares: the session with /dev/xenmb, the
 * owner secret and the one place TPM 1.2 failures become lines and exit
 * codes. The AIK, quote and challenge are in tpm12_attest.c.
 */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../driver/compat.h"
#include "../driver/tpm_cmd.h"
#include "cli.h"
#include "encoding.h"
#include "owner_secret.h"
#include "report.h"
#include "tpm12.h"
#include "tpm12_flows.h"
#include "tpm12_internal.h"
#include "xenmb_dev.h"

/* TCG PC Client: TCG_PCCLIENT_STORED_CERT and TCG_FULL_CERT tags. */
#define STORED_CERT_TAG 0x1001
#define FULL_CERT_TAG 0x1002
#define NV_CHUNK 512

uint32_t tpm12_last_rc;

bool tpm12_is_family(void)
{
	struct xenmb_info info;
	int fd = xenmb_open();
	bool is12;

	if (fd < 0)
		return false;
	is12 = !xenmb_get_info(fd, &info) &&
	       info.tpm_family == XENMB_TPM_FAMILY_1_2;
	close(fd);
	return is12;
}

int t12_open(struct t12 *c, const char *config)
{
	memset(c, 0, sizeof(*c));
	c->config = config;
	c->fd = cli_open_device();
	if (c->fd < 0)
		return EXIT_NO_DEVICE;
	c->t = tpm12_xenmb_transport(c->fd);
	return 0;
}

int t12_load_secret(struct t12 *c)
{
	const char *why = "?";
	int ret;

	if (c->have_secret)
		return 0;
	ret = owner_secret_get(c->config, c->secret, &c->from_default, &why);
	if (ret) {
		xenmb_error("xenmb: owner config %s: %s\n", t12_config_path(c),
			    why);
		return EXIT_BAD_AUTH;
	}
	c->have_secret = true;
	return 0;
}

const char *t12_config_path(const struct t12 *c)
{
	return c->config ? c->config : OWNER_CONFIG_PATH;
}

void t12_close(struct t12 *c)
{
	owner_secret_wipe(c->secret);
	c->have_secret = false;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int t12_fail(const struct t12 *c, const char *what, int rc)
{
	char name[64];

	if (rc < 0) {
		xenmb_error("xenmb: %s: %s\n", what,
			    rc == -EBADMSG
				? "the TPM's answer is malformed or its "
				  "authorization does not verify"
				: xenmb_cmd_strerror(rc, 0));
		return EXIT_KERNEL;
	}
	tpm12_last_rc = (uint32_t)rc;
	switch (rc) {
	case TPM12_RC_AUTHFAIL:
	case TPM12_RC_AUTH2FAIL:
		xenmb_error(
		    "xenmb: %s: wrong owner password: check %s (the TPM "
		    "refused the owner authorization)\n",
		    what, t12_config_path(c));
		return EXIT_BAD_AUTH;
	case TPM12_RC_DEACTIVATED:
		xenmb_error("xenmb: %s: the TPM is deactivated: activate it in "
			    "the firmware (BIOS) setup\n",
			    what);
		return EXIT_TPM_ERROR;
	case TPM12_RC_DISABLED:
		xenmb_error("xenmb: %s: the TPM is disabled: enable it in the "
			    "firmware (BIOS) setup\n",
			    what);
		return EXIT_TPM_ERROR;
	case TPM12_RC_NOSRK:
		xenmb_error("xenmb: %s: the TPM has no owner: run 'xenmb owner "
			    "take' first\n",
			    what);
		return EXIT_TPM_ERROR;
	case TPM12_RC_DEFEND_LOCK_RUNNING:
		xenmb_error(
		    "xenmb: %s: the TPM is in dictionary-attack lockout "
		    "after wrong passwords; wait, then retry with the "
		    "right password\n",
		    what);
		return EXIT_TPM_ERROR;
	default:
		xenmb_tpm_rc_describe(XENMB_TPM_FAMILY_1_2, (u32)rc, name,
				      sizeof(name));
		xenmb_error("xenmb: %s: the TPM answered 0x%x %s\n", what, rc,
			    name);
		return EXIT_TPM_ERROR;
	}
}

int t12_require_owner(struct t12 *c, const char *what)
{
	struct tpm12_flags f;
	bool owned = false;
	int rc;

	rc = tpm12_get_flags(&c->t, &f);
	if (rc)
		return t12_fail(c, what, rc);
	if (f.disabled)
		return t12_fail(c, what, TPM12_RC_DISABLED);
	if (f.deactivated || f.volatile_deactivated)
		return t12_fail(c, what, TPM12_RC_DEACTIVATED);
	rc = tpm12_get_owner_present(&c->t, &owned);
	if (rc)
		return t12_fail(c, what, rc);
	if (!owned)
		return t12_fail(c, what, TPM12_RC_NOSRK);
	return t12_load_secret(c);
}

/* ---- owner ---- */

int tpm12_open(struct t12 **c, const char *config)
{
	int ret;

	*c = malloc(sizeof(**c));
	if (!*c)
		return EXIT_KERNEL;
	ret = t12_open(*c, config);
	if (ret) {
		free(*c);
		*c = NULL;
	}
	return ret;
}

void tpm12_close(struct t12 *c)
{
	if (!c)
		return;
	t12_close(c);
	free(c);
}

const char *tpm12_config_path(const struct t12 *c)
{
	return t12_config_path(c);
}

bool tpm12_secret_from_default(const struct t12 *c)
{
	return c->from_default;
}

int tpm12_flow_owner_status(struct t12 *c, struct tpm12_owner_state *st)
{
	int rc;

	memset(st, 0, sizeof(*st));
	rc = tpm12_get_flags(&c->t, &st->flags);
	if (!rc)
		rc = tpm12_get_owner_present(&c->t, &st->owned);
	if (rc)
		return t12_fail(c, "TPM_GetCapability", rc);
	/* The version is decoration; a TPM that hides it is still a TPM. */
	tpm12_get_version(&c->t, &st->version);
	return 0;
}

int tpm12_flow_flags(struct t12 *c, struct tpm12_flags *f)
{
	return tpm12_get_flags(&c->t, f);
}

/* A stale AIK blob (wrapped by a gone SRK) would only fail later. */
static void forget_aik(void)
{
	if (unlink(TPM12_AIK_PATH) && errno != ENOENT)
		xenmb_error("xenmb: cannot remove the old AIK %s: %s\n",
			    TPM12_AIK_PATH, strerror(errno));
}

int tpm12_flow_owner_take(struct t12 *c, bool *taken)
{
	struct tpm12_blob pubek;
	struct tpm12_flags f;
	bool owned = false;
	int rc, ret;

	*taken = false;
	ret = t12_load_secret(c);
	if (ret)
		return ret;
	rc = tpm12_get_flags(&c->t, &f);
	if (!rc)
		rc = tpm12_get_owner_present(&c->t, &owned);
	if (rc)
		return t12_fail(c, "owner take: TPM_GetCapability", rc);
	if (f.disabled)
		return t12_fail(c, "owner take", TPM12_RC_DISABLED);
	if (f.deactivated || f.volatile_deactivated)
		return t12_fail(c, "owner take", TPM12_RC_DEACTIVATED);
	if (owned) {
		/* Owner-authorized and changes nothing: proves the secret. */
		rc = tpm12_owner_read_pubek(&c->t, c->secret, &pubek);
		if (rc == TPM12_RC_AUTHFAIL) {
			tpm12_last_rc = (uint32_t)rc;
			xenmb_error(
			    "xenmb: owner take: the TPM is owned with "
			    "another password (not the secret of %s%s); "
			    "wrong owner password: check %s, or clear the "
			    "TPM\n",
			    t12_config_path(c),
			    c->from_default ? ", absent: the default" : "",
			    t12_config_path(c));
			return EXIT_BAD_AUTH;
		}
		if (rc)
			return t12_fail(c, "owner take: TPM_OwnerReadPubek",
					rc);
		return 0;
	}
	if (!f.ownership_allowed) {
		xenmb_error("xenmb: owner take: the TPM does not allow "
			    "taking ownership (TPM_SetOwnerInstall): allow "
			    "it in the firmware (BIOS) setup\n");
		return EXIT_TPM_ERROR;
	}
	xenmb_progress("taking ownership: the TPM makes its SRK, RSA-2048");
	rc = tpm12_take_ownership(&c->t, c->secret, NULL);
	if (rc)
		return t12_fail(c, "TPM_TakeOwnership", rc);
	forget_aik();
	*taken = true;
	return 0;
}

int tpm12_flow_owner_clear(struct t12 *c, bool *cleared)
{
	bool owned = false;
	int rc, ret;

	*cleared = false;
	ret = t12_load_secret(c);
	if (ret)
		return ret;
	rc = tpm12_get_owner_present(&c->t, &owned);
	if (rc)
		return t12_fail(c, "owner clear: TPM_GetCapability", rc);
	if (!owned)
		return 0;
	rc = tpm12_owner_clear(&c->t, c->secret);
	if (rc)
		return t12_fail(c, "TPM_OwnerClear", rc);
	forget_aik();
	*cleared = true;
	return 0;
}

/* ---- EK ---- */

int t12_read_ek(struct t12 *c, struct tpm12_blob *pubek)
{
	bool owned = false;
	int rc, ret;

	rc = tpm12_get_owner_present(&c->t, &owned);
	if (rc)
		return t12_fail(c, "TPM_GetCapability", rc);
	/* Once owned, TPM_ReadPubek is off: the owner reads it. */
	if (!owned) {
		rc = tpm12_read_pubek(&c->t, pubek);
		return rc ? t12_fail(c, "TPM_ReadPubek", rc) : 0;
	}
	ret = t12_load_secret(c);
	if (ret)
		return ret;
	rc = tpm12_owner_read_pubek(&c->t, c->secret, pubek);
	return rc ? t12_fail(c, "TPM_OwnerReadPubek", rc) : 0;
}

/* Reads NV @index whole (@size bytes), unauthorized or as the owner. */
static int nv_read_all(struct t12 *c, uint32_t index, uint32_t size,
		       uint8_t *out)
{
	const uint8_t *auth = NULL;
	uint32_t off = 0;
	size_t got;
	int rc, ret;

	while (off < size) {
		size_t n = size - off < NV_CHUNK ? size - off : NV_CHUNK;

		rc = tpm12_nv_read_value(&c->t, auth, index, off, n, out + off,
					 &got);
		/* An index with OWNERREAD refuses the unauthorized read. */
		if (rc == TPM12_RC_AUTH_CONFLICT && !auth) {
			ret = t12_load_secret(c);
			if (ret)
				return ret;
			auth = c->secret;
			continue;
		}
		if (!rc && got != n)
			rc = -EBADMSG;
		if (rc)
			return t12_fail(c, "TPM_NV_ReadValue", rc);
		off += (uint32_t)n;
	}
	return 0;
}

/*
 * The EK certificate in NV 0x1000F000 (TCG PC Client spec 7.4):
 * TCG_PCCLIENT_STORED_CERT (u16 tag 0x1001, u8 certType 0 = full, u16
 * certSize) holding TCG_FULL_CERT (u16 tag 0x1002, the DER).
 */
int tpm12_flow_ek_cert(struct t12 *c, uint8_t **der, size_t *len)
{
	uint32_t size = 0;
	uint8_t *nv = NULL;
	size_t cert_size;
	int rc, ret;

	*der = NULL;
	*len = 0;
	rc = tpm12_nv_get_size(&c->t, TPM12_NV_INDEX_EK_CERT, &size);
	if (rc == TPM12_RC_BADINDEX || (!rc && !size)) {
		xenmb_error("xenmb: no EK certificate in NV 0x%08X\n",
			    TPM12_NV_INDEX_EK_CERT);
		return EXIT_NO_EK_CERT;
	}
	if (rc)
		return t12_fail(c, "TPM_GetCapability(TPM_CAP_NV_INDEX)", rc);
	nv = malloc(size);
	if (!nv)
		return EXIT_KERNEL;
	ret = nv_read_all(c, TPM12_NV_INDEX_EK_CERT, size, nv);
	if (ret)
		goto out;
	cert_size = size >= 5 ? xenmb_get_be16(nv + 3) : 0;
	if (size < 7 || xenmb_get_be16(nv) != STORED_CERT_TAG || nv[2] != 0 ||
	    cert_size < 2 || cert_size > size - 5 ||
	    xenmb_get_be16(nv + 5) != FULL_CERT_TAG) {
		xenmb_error("xenmb: NV 0x%08X does not hold a TCG full EK "
			    "certificate (TCG_PCCLIENT_STORED_CERT)\n",
			    TPM12_NV_INDEX_EK_CERT);
		ret = EXIT_NO_EK_CERT;
		goto out;
	}
	/* The DER after TCG_FULL_CERT's tag; the caller parses it. */
	memmove(nv, nv + 7, cert_size - 2);
	*der = nv;
	*len = cert_size - 2;
	nv = NULL;
out:
	free(nv);
	return ret;
}

int tpm12_flow_ek(struct t12 *c, struct tpm12_key_info *ek)
{
	struct tpm12_blob pubek;
	int ret;

	ret = t12_read_ek(c, &pubek);
	if (ret)
		return ret;
	if (tpm12_pubkey_parse(pubek.data, pubek.len, ek, NULL))
		return t12_fail(c, "TPM_ReadPubek", -EBADMSG);
	return 0;
}

int tpm12_key_pubkey_sha1(const struct tpm12_key_info *k,
			  uint8_t sha1[TPM12_DIGEST_LEN])
{
	struct tpm12_blob pubkey;

	if (tpm12_key_to_pubkey(k, &pubkey))
		return -1;
	EVP_Digest(pubkey.data, pubkey.len, sha1, NULL, EVP_sha1(), NULL);
	return 0;
}

void tpm12_key_pubkey_sha1_hex(const struct tpm12_key_info *k,
			       char hex[2 * TPM12_DIGEST_LEN + 1])
{
	uint8_t sha1[TPM12_DIGEST_LEN];

	if (tpm12_key_pubkey_sha1(k, sha1))
		memcpy(hex, "?", sizeof("?"));
	else
		hex_encode_to(sha1, TPM12_DIGEST_LEN, hex);
}

/* ---- asset tag ---- */

int tpm12_flow_asset_tag_set(struct t12 *c,
			     const uint8_t tag[TPM12_ASSET_TAG_SIZE])
{
	uint32_t size = 0;
	bool defined = false;
	int rc, ret;

	ret = t12_require_owner(c, "asset-tag set");
	if (ret)
		return ret;
	rc = tpm12_nv_get_size(&c->t, TPM12_NV_INDEX_ASSET_TAG, &size);
	if (rc && rc != TPM12_RC_BADINDEX)
		return t12_fail(c, "TPM_GetCapability(TPM_CAP_NV_INDEX)", rc);
	if (!rc && size != TPM12_ASSET_TAG_SIZE) {
		xenmb_error(
		    "xenmb: NV 0x%08X exists but is not 20 bytes; clear "
		    "it ('xenmb asset-tag clear') first\n",
		    TPM12_NV_INDEX_ASSET_TAG);
		return EXIT_TPM_ERROR;
	}
	if (rc == TPM12_RC_BADINDEX) {
		/* Owner writes it; anyone reads it, as the launch must. */
		rc = tpm12_nv_define_space(
		    &c->t, c->secret, TPM12_NV_INDEX_ASSET_TAG,
		    TPM12_ASSET_TAG_SIZE, TPM12_NV_PER_OWNERWRITE);
		if (rc)
			return t12_fail(c,
					"TPM_NV_DefineSpace (asset tag; owner "
					"authorization)",
					rc);
		defined = true;
	}
	/* One write of all 20 bytes: the TPM applies it whole or not. */
	rc = tpm12_nv_write_value(&c->t, c->secret, TPM12_NV_INDEX_ASSET_TAG, 0,
				  tag, TPM12_ASSET_TAG_SIZE);
	if (rc) {
		ret = t12_fail(c,
			       "TPM_NV_WriteValue (asset tag; owner "
			       "authorization)",
			       rc);
		/* A new space never written would be a half-set tag. */
		if (defined)
			tpm12_nv_define_space(&c->t, c->secret,
					      TPM12_NV_INDEX_ASSET_TAG, 0,
					      TPM12_NV_PER_OWNERWRITE);
		return ret;
	}
	return 0;
}

int tpm12_flow_asset_tag_clear(struct t12 *c, bool *was_set)
{
	uint32_t size = 0;
	int rc, ret;

	*was_set = false;
	rc = tpm12_nv_get_size(&c->t, TPM12_NV_INDEX_ASSET_TAG, &size);
	if (rc == TPM12_RC_BADINDEX)
		return 0;
	if (rc)
		return t12_fail(c, "TPM_GetCapability(TPM_CAP_NV_INDEX)", rc);
	ret = t12_require_owner(c, "asset-tag clear");
	if (ret)
		return ret;
	/* Deleted (size 0), not zeroed: the launch then extends nothing. */
	rc = tpm12_nv_define_space(&c->t, c->secret, TPM12_NV_INDEX_ASSET_TAG,
				   0, TPM12_NV_PER_OWNERWRITE);
	if (rc)
		return t12_fail(c,
				"TPM_NV_DefineSpace (deleting the asset tag; "
				"owner authorization)",
				rc);
	*was_set = true;
	return 0;
}

int tpm12_flow_asset_tag_show(struct t12 *c, uint8_t tag[TPM12_ASSET_TAG_SIZE],
			      bool *present)
{
	uint32_t size = 0;
	int rc;

	rc = tpm12_nv_get_size(&c->t, TPM12_NV_INDEX_ASSET_TAG, &size);
	if (rc && rc != TPM12_RC_BADINDEX)
		return t12_fail(c, "TPM_GetCapability(TPM_CAP_NV_INDEX)", rc);
	*present = !rc && size == TPM12_ASSET_TAG_SIZE;
	if (*present)
		return nv_read_all(c, TPM12_NV_INDEX_ASSET_TAG,
				   TPM12_ASSET_TAG_SIZE, tag);
	return 0;
}
