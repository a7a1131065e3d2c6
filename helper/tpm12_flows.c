// SPDX-License-Identifier: GPL-2.0
/*
 * TPM 1.2: ownership, the EK and the asset tag (owner-authorized things),
 * and what every TPM 1.2 flow shares: the session with /dev/xenmb, the
 * owner secret and the one place TPM 1.2 failures become lines and exit
 * codes. The AIK, quote and challenge are in tpm12_attest.c.
 */
#include <errno.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../driver/compat.h"
#include "../driver/tpm_cmd.h"
#include "cli.h"
#include "encoding.h"
#include "owner_secret.h"
#include "tpm12.h"
#include "tpm12_flows.h"
#include "tpm12_internal.h"
#include "xenmb_dev.h"

#define ASSET_TAG_SIZE 20
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
		fprintf(stderr, "xenmb: owner config %s: %s\n",
			t12_config_path(c), why);
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
		fprintf(stderr, "xenmb: %s: %s\n", what,
			rc == -EBADMSG ? "the TPM's answer is malformed or its "
					 "authorization does not verify"
				       : xenmb_cmd_strerror(rc, 0));
		return EXIT_KERNEL;
	}
	tpm12_last_rc = (uint32_t)rc;
	switch (rc) {
	case TPM12_AUTHFAIL:
	case TPM12_AUTH2FAIL:
		fprintf(stderr,
			"xenmb: %s: wrong owner password: check %s (the TPM "
			"refused the owner authorization)\n",
			what, t12_config_path(c));
		return EXIT_BAD_AUTH;
	case TPM12_DEACTIVATED:
		fprintf(stderr,
			"xenmb: %s: the TPM is deactivated: activate it in "
			"the firmware (BIOS) setup\n",
			what);
		return EXIT_TPM_ERROR;
	case TPM12_DISABLED:
		fprintf(stderr,
			"xenmb: %s: the TPM is disabled: enable it in the "
			"firmware (BIOS) setup\n",
			what);
		return EXIT_TPM_ERROR;
	case TPM12_NOSRK:
		fprintf(stderr,
			"xenmb: %s: the TPM has no owner: run 'xenmb owner "
			"take' first\n",
			what);
		return EXIT_TPM_ERROR;
	case TPM12_DEFEND_LOCK_RUNNING:
		fprintf(stderr,
			"xenmb: %s: the TPM is in dictionary-attack lockout "
			"after wrong passwords; wait, then retry with the "
			"right password\n",
			what);
		return EXIT_TPM_ERROR;
	default:
		tpm_rc_describe(XENMB_TPM_FAMILY_1_2, (u32)rc, name,
				sizeof(name));
		fprintf(stderr, "xenmb: %s: the TPM answered 0x%x %s\n", what,
			rc, name);
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
		return t12_fail(c, what, TPM12_DISABLED);
	if (f.deactivated || f.volatile_deactivated)
		return t12_fail(c, what, TPM12_DEACTIVATED);
	rc = tpm12_get_owner_present(&c->t, &owned);
	if (rc)
		return t12_fail(c, what, rc);
	if (!owned)
		return t12_fail(c, what, TPM12_NOSRK);
	return t12_load_secret(c);
}

/* ---- owner ---- */

static const char *yes_no(bool v)
{
	return v ? "yes" : "no";
}

static int owner_status(struct t12 *c, bool json)
{
	struct tpm12_version v = {0};
	struct tpm12_flags f;
	bool owned = false;
	int rc;

	rc = tpm12_get_flags(&c->t, &f);
	if (!rc)
		rc = tpm12_get_owner_present(&c->t, &owned);
	if (rc)
		return t12_fail(c, "TPM_GetCapability", rc);
	/* The version is decoration; a TPM that hides it is still a TPM. */
	tpm12_get_version(&c->t, &v);
	if (json) {
		struct json_object *o = json_object_new_object();

#define ADD_BOOL(k, val)                                                       \
	json_object_object_add(o, k, json_object_new_boolean(val))
		json_object_object_add(o, "tpm", json_object_new_string("1.2"));
		ADD_BOOL("owned", owned);
		ADD_BOOL("enabled", !f.disabled);
		ADD_BOOL("active", !f.deactivated && !f.volatile_deactivated);
		ADD_BOOL("ownership_allowed", f.ownership_allowed);
		ADD_BOOL("read_pubek", f.read_pubek);
		ADD_BOOL("nv_locked", f.nv_locked);
		ADD_BOOL("physical_presence_lock", f.physical_presence_lock);
#undef ADD_BOOL
		json_object_object_add(o, "vendor",
				       json_object_new_string(v.vendor));
		cli_print_json(o);
		return 0;
	}
	printf("owned: %s\n", yes_no(owned));
	printf("enabled: %s\n", yes_no(!f.disabled));
	printf("active: %s\n",
	       yes_no(!f.deactivated && !f.volatile_deactivated));
	printf("ownership_allowed: %s\n", yes_no(f.ownership_allowed));
	printf("read_pubek: %s\n", yes_no(f.read_pubek));
	printf("nv_locked: %s\n", yes_no(f.nv_locked));
	printf("tpm: 1.2 (TPM_CAP_VERSION_VAL %u.%u rev %u.%u, vendor %s)\n",
	       v.major, v.minor, v.rev_major, v.rev_minor,
	       v.vendor[0] ? v.vendor : "?");
	return 0;
}

/* A stale AIK blob (wrapped by a gone SRK) would only fail later. */
static void forget_aik(void)
{
	if (unlink(TPM12_AIK_PATH) && errno != ENOENT)
		fprintf(stderr, "xenmb: cannot remove the old AIK %s: %s\n",
			TPM12_AIK_PATH, strerror(errno));
}

static int owner_take(struct t12 *c, bool quiet)
{
	struct tpm12_blob pubek;
	struct tpm12_flags f;
	bool owned = false;
	int rc, ret;

	ret = t12_load_secret(c);
	if (ret)
		return ret;
	rc = tpm12_get_flags(&c->t, &f);
	if (!rc)
		rc = tpm12_get_owner_present(&c->t, &owned);
	if (rc)
		return t12_fail(c, "owner take: TPM_GetCapability", rc);
	if (f.disabled)
		return t12_fail(c, "owner take", TPM12_DISABLED);
	if (f.deactivated || f.volatile_deactivated)
		return t12_fail(c, "owner take", TPM12_DEACTIVATED);
	if (owned) {
		/* Owner-authorized and changes nothing: proves the secret. */
		rc = tpm12_owner_read_pubek(&c->t, c->secret, &pubek);
		if (rc == TPM12_AUTHFAIL) {
			tpm12_last_rc = (uint32_t)rc;
			fprintf(stderr,
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
		if (!quiet)
			printf("owner: already owned with this password\n");
		return 0;
	}
	if (!f.ownership_allowed) {
		fprintf(stderr, "xenmb: owner take: the TPM does not allow "
				"taking ownership (TPM_SetOwnerInstall): allow "
				"it in the firmware (BIOS) setup\n");
		return EXIT_TPM_ERROR;
	}
	rc = tpm12_take_ownership(&c->t, c->secret, NULL);
	if (rc)
		return t12_fail(c, "TPM_TakeOwnership", rc);
	forget_aik();
	if (!quiet)
		printf("owner: taken (owner auth from %s%s; SRK with the "
		       "well-known auth)\n",
		       t12_config_path(c),
		       c->from_default ? ": absent, the default password" : "");
	return 0;
}

static int owner_clear(struct t12 *c, bool quiet)
{
	struct tpm12_flags f;
	bool owned = false;
	int rc, ret;

	ret = t12_load_secret(c);
	if (ret)
		return ret;
	rc = tpm12_get_owner_present(&c->t, &owned);
	if (rc)
		return t12_fail(c, "owner clear: TPM_GetCapability", rc);
	if (!owned) {
		if (!quiet)
			printf("owner: not owned, nothing to clear\n");
		return 0;
	}
	rc = tpm12_owner_clear(&c->t, c->secret);
	if (rc)
		return t12_fail(c, "TPM_OwnerClear", rc);
	forget_aik();
	if (quiet)
		return 0;
	printf("owner: cleared (owner, SRK, the AIK and the NV spaces gone)\n");
	/* TPM_OwnerClear leaves a TPM 1.2 disabled and deactivated. */
	if (!tpm12_get_flags(&c->t, &f) &&
	    (f.disabled || f.deactivated || f.volatile_deactivated))
		printf("owner: the TPM is now %s: %s it in the firmware (BIOS) "
		       "setup before taking ownership again\n",
		       f.disabled ? "disabled and deactivated" : "deactivated",
		       f.disabled ? "enable and activate" : "activate");
	return 0;
}

int tpm12_owner(const char *op, bool json, const char *config)
{
	struct t12 c;
	int ret;

	ret = t12_open(&c, config);
	if (ret)
		return ret;
	if (!strcmp(op, "status"))
		ret = owner_status(&c, json);
	else if (!strcmp(op, "take"))
		ret = owner_take(&c, json);
	else
		ret = owner_clear(&c, json);
	if (!ret && json && strcmp(op, "status"))
		ret = owner_status(&c, true);
	t12_close(&c);
	return ret;
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
		if (rc == TPM12_AUTH_CONFLICT && !auth) {
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
static int print_ek_cert(struct t12 *c)
{
	const unsigned char *p;
	uint32_t size = 0;
	uint8_t *nv = NULL;
	size_t cert_size;
	X509 *cert = NULL;
	int rc, ret;

	rc = tpm12_nv_get_size(&c->t, TPM12_NV_INDEX_EK_CERT, &size);
	if (rc == TPM12_BADINDEX || (!rc && !size)) {
		fprintf(stderr, "xenmb: no EK certificate in NV 0x%08X\n",
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
		fprintf(stderr,
			"xenmb: NV 0x%08X does not hold a TCG full EK "
			"certificate (TCG_PCCLIENT_STORED_CERT)\n",
			TPM12_NV_INDEX_EK_CERT);
		ret = EXIT_NO_EK_CERT;
		goto out;
	}
	p = nv + 7;
	cert = d2i_X509(NULL, &p, (long)cert_size - 2);
	if (!cert) {
		fprintf(stderr,
			"xenmb: NV 0x%08X: the EK certificate is not "
			"DER X.509\n",
			TPM12_NV_INDEX_EK_CERT);
		ret = EXIT_NO_EK_CERT;
		goto out;
	}
	ret = PEM_write_X509(stdout, cert) ? 0 : EXIT_KERNEL;
out:
	X509_free(cert);
	free(nv);
	return ret;
}

int tpm12_ek(bool pem, bool cert)
{
	struct tpm12_key_info k;
	struct tpm12_blob pubek;
	unsigned char md[EVP_MAX_MD_SIZE];
	char hex[2 * TPM12_DIGEST_LEN + 1], *text = NULL;
	struct t12 c;
	int ret;

	ret = t12_open(&c, NULL);
	if (ret)
		return ret;
	if (cert && !pem) {
		ret = print_ek_cert(&c);
		goto out;
	}
	ret = t12_read_ek(&c, &pubek);
	if (ret)
		goto out;
	if (tpm12_pubkey_parse(pubek.data, pubek.len, &k, NULL)) {
		ret = t12_fail(&c, "TPM_ReadPubek", -EBADMSG);
		goto out;
	}
	if (pem) {
		if (tpm12_key_to_pem(&k, &text) || fputs(text, stdout) < 0) {
			fprintf(stderr, "xenmb: cannot write the EK as PEM\n");
			ret = EXIT_KERNEL;
		}
	} else {
		if (tpm12_key_to_pubkey(&k, &pubek)) {
			ret = EXIT_KERNEL;
			goto out;
		}
		EVP_Digest(pubek.data, pubek.len, md, NULL, EVP_sha1(), NULL);
		hex_encode_to(md, TPM12_DIGEST_LEN, hex);
		printf("ek: TPM 1.2 endorsement key, RSA-%u\n"
		       "pubkey_sha1: %s\n",
		       k.key_bits, hex);
	}
	if (!ret && cert)
		ret = print_ek_cert(&c);
out:
	free(text);
	t12_close(&c);
	return ret;
}

/* ---- asset tag ---- */

static int tag_set(struct t12 *c, const uint8_t *tag)
{
	uint32_t size = 0;
	bool defined = false;
	int rc, ret;

	ret = t12_require_owner(c, "asset-tag set");
	if (ret)
		return ret;
	rc = tpm12_nv_get_size(&c->t, TPM12_NV_INDEX_ASSET_TAG, &size);
	if (rc && rc != TPM12_BADINDEX)
		return t12_fail(c, "TPM_GetCapability(TPM_CAP_NV_INDEX)", rc);
	if (!rc && size != ASSET_TAG_SIZE) {
		fprintf(stderr,
			"xenmb: NV 0x%08X exists but is not 20 bytes; clear "
			"it ('xenmb asset-tag clear') first\n",
			TPM12_NV_INDEX_ASSET_TAG);
		return EXIT_TPM_ERROR;
	}
	if (rc == TPM12_BADINDEX) {
		/* Owner writes it; anyone reads it, as the launch must. */
		rc = tpm12_nv_define_space(
		    &c->t, c->secret, TPM12_NV_INDEX_ASSET_TAG, ASSET_TAG_SIZE,
		    TPM12_NV_PER_OWNERWRITE);
		if (rc)
			return t12_fail(c,
					"TPM_NV_DefineSpace (asset tag; owner "
					"authorization)",
					rc);
		defined = true;
	}
	/* One write of all 20 bytes: the TPM applies it whole or not. */
	rc = tpm12_nv_write_value(&c->t, c->secret, TPM12_NV_INDEX_ASSET_TAG, 0,
				  tag, ASSET_TAG_SIZE);
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
	printf("asset tag: set (NV 0x%08X; extended into PCR 22 at the next "
	       "measured launch)\n",
	       TPM12_NV_INDEX_ASSET_TAG);
	return 0;
}

static int tag_clear(struct t12 *c)
{
	uint32_t size = 0;
	int rc, ret;

	rc = tpm12_nv_get_size(&c->t, TPM12_NV_INDEX_ASSET_TAG, &size);
	if (rc == TPM12_BADINDEX) {
		printf("no asset tag\n");
		return 0;
	}
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
	printf("asset tag: cleared (PCR 22 stays zero from the next measured "
	       "launch)\n");
	return 0;
}

static int tag_show(struct t12 *c, bool json)
{
	uint8_t tag[ASSET_TAG_SIZE];
	uint32_t size = 0;
	bool present;
	int rc, ret;

	rc = tpm12_nv_get_size(&c->t, TPM12_NV_INDEX_ASSET_TAG, &size);
	if (rc && rc != TPM12_BADINDEX)
		return t12_fail(c, "TPM_GetCapability(TPM_CAP_NV_INDEX)", rc);
	present = !rc && size == ASSET_TAG_SIZE;
	if (present) {
		ret = nv_read_all(c, TPM12_NV_INDEX_ASSET_TAG, ASSET_TAG_SIZE,
				  tag);
		if (ret)
			return ret;
	}
	return cli_print_asset_tag("0x40000010", present, tag, ASSET_TAG_SIZE,
				   json);
}

int tpm12_asset_tag(const char *op, const uint8_t *tag, size_t tag_len,
		    bool json, const char *config)
{
	struct t12 c;
	int ret;

	if (!strcmp(op, "set") && tag_len != ASSET_TAG_SIZE)
		return cli_usage_error("a TPM 1.2 asset tag is 20 bytes "
				       "(SHA-1), as hex or base64");
	ret = t12_open(&c, config);
	if (ret)
		return ret;
	if (!strcmp(op, "set"))
		ret = tag_set(&c, tag);
	else if (!strcmp(op, "clear"))
		ret = tag_clear(&c);
	else
		ret = tag_show(&c, json);
	t12_close(&c);
	return ret;
}
