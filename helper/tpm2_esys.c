// SPDX-License-Identifier: GPL-2.0
#include "tpm2_esys.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_sys.h>
#include <tss2/tss2_tctildr.h>
#include <unistd.h>

#include "exit_codes.h"
#include "files.h"
#include "owner_secret.h"
#include "report.h"
#include "verify_load.h"

#ifdef XENMB_STATIC_TCTI
/*
 * make helper-static: the xenmb TCTI (helper/tcti_xenmb.c) is linked in and
 * initialized here, with no libtss2-tctildr and so no dlopen(). Only
 * "xenmb" and "xenmb:CONF" are known.
 */
#include "tcti_xenmb.h"

static TSS2_RC tcti_open(const char *conf, TSS2_TCTI_CONTEXT **tcti)
{
	const char *arg;
	size_t size = 0;
	TSS2_RC rc;

	if (!strcmp(conf, "xenmb")) {
		arg = "";
	} else if (!strncmp(conf, "xenmb:", 6)) {
		arg = conf + 6;
	} else {
		xenmb_error("xenmb: this static build has only the xenmb "
			    "TCTI built in, not '%s'\n",
			    conf);
		return TSS2_TCTI_RC_NOT_IMPLEMENTED;
	}
	rc = Tss2_Tcti_Xenmb_Init(NULL, &size, arg);
	if (rc)
		return rc;
	*tcti = calloc(1, size);
	if (!*tcti)
		return TSS2_TCTI_RC_MEMORY;
	rc = Tss2_Tcti_Xenmb_Init(*tcti, &size, arg);
	if (rc) {
		free(*tcti);
		*tcti = NULL;
	}
	return rc;
}

static void tcti_close(TSS2_TCTI_CONTEXT **tcti)
{
	Tss2_Tcti_Finalize(*tcti);
	free(*tcti);
	*tcti = NULL;
}
#else
#define tcti_open Tss2_TctiLdr_Initialize
#define tcti_close Tss2_TctiLdr_Finalize
#endif

void tpm2_auth_clear(struct tpm2_auth *auth)
{
	explicit_bzero(auth, sizeof(*auth));
}

int tpm2_open(struct tpm2_ctx *ctx, const char *conf)
{
	TSS2_RC rc;

	ctx->esys = NULL;
	ctx->tcti = NULL;
	ctx->ek_handle = TPM2_EK_HANDLE;
	ctx->ak_handle = TPM2_AK_HANDLE;
	tpm2_forget_keys(ctx);
	if (!conf)
		conf = XENMB_TCTI_DEFAULT;
	rc = tcti_open(conf, &ctx->tcti);
	if (rc) {
		xenmb_error("xenmb: cannot open the TPM through TCTI '%s': %s; "
			    "is the module loaded and the TCTI installed?\n",
			    conf, Tss2_RC_Decode(rc));
		return EXIT_NO_DEVICE;
	}
	rc = Esys_Initialize(&ctx->esys, ctx->tcti, NULL);
	if (rc) {
		tcti_close(&ctx->tcti);
		return tpm2_fail("ESAPI initialization", rc);
	}
	return 0;
}

void tpm2_close(struct tpm2_ctx *ctx)
{
	if (ctx->esys)
		Esys_Finalize(&ctx->esys);
	if (ctx->tcti)
		tcti_close(&ctx->tcti);
}

const char *tpm2_owner_config;

bool tpm2_rc_bad_auth(TSS2_RC rc)
{
	/* Format-one codes carry the session number: compare without it. */
	return (rc & TSS2_RC_LAYER_MASK) == TSS2_TPM_RC_LAYER &&
	       (rc & TPM2_RC_FMT1) &&
	       ((rc & 0xBF) == TPM2_RC_BAD_AUTH ||
		(rc & 0xBF) == TPM2_RC_AUTH_FAIL);
}

TSS2_RC tpm2_last_rc;

int tpm2_fail(const char *what, TSS2_RC rc)
{
	tpm2_last_rc = rc;
	/* The operator's fix is the config file, so say that, once. */
	if (tpm2_rc_bad_auth(rc)) {
		xenmb_error("xenmb: %s: wrong owner password: check %s\n", what,
			    tpm2_owner_config ?: OWNER_CONFIG_PATH);
		return EXIT_BAD_AUTH;
	}
	xenmb_error("xenmb: %s failed: %s (0x%x)\n", what, Tss2_RC_Decode(rc),
		    rc);
	/* The TPM's own answers are exit 1; transport and TSS trouble is 4. */
	return (rc & TSS2_RC_LAYER_MASK) == TSS2_TPM_RC_LAYER ? EXIT_TPM_ERROR
							      : EXIT_KERNEL;
}

int tpm2_property(struct tpm2_ctx *ctx, TPM2_PT property, uint32_t *value,
		  bool *present)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	TSS2_RC rc;

	/* Defined on every path: callers may test them before the result. */
	*value = 0;
	*present = false;
	rc = Esys_GetCapability(ctx->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				ESYS_TR_NONE, TPM2_CAP_TPM_PROPERTIES, property,
				1, &more, &cap);
	if (rc)
		return tpm2_fail("TPM2_GetCapability(TPM_PROPERTIES)", rc);
	/* The TPM answers from the next property it has: check it is ours. */
	*present = cap->data.tpmProperties.count &&
		   cap->data.tpmProperties.tpmProperty[0].property == property;
	*value = *present ? cap->data.tpmProperties.tpmProperty[0].value : 0;
	Esys_Free(cap);
	return 0;
}

int tpm2_owner_auth(TPM2B_AUTH *auth, bool *from_default)
{
	uint8_t secret[OWNER_SECRET_LEN];
	const char *why = "?";
	int is_default = 0;

	if (owner_secret_get(tpm2_owner_config, secret, &is_default, &why)) {
		xenmb_error("xenmb: owner config %s: %s\n",
			    tpm2_owner_config ?: OWNER_CONFIG_PATH, why);
		return EXIT_BAD_AUTH;
	}
	auth->size = OWNER_SECRET_LEN;
	memcpy(auth->buffer, secret, OWNER_SECRET_LEN);
	owner_secret_wipe(secret);
	if (from_default)
		*from_default = is_default;
	return 0;
}

int tpm2_hierarchy_auth(struct tpm2_ctx *ctx, ESYS_TR hierarchy,
			const TPM2B_AUTH *given)
{
	TPMA_PERMANENT perm, bit;
	TPM2B_AUTH auth = {0};
	bool present;
	int ret;
	TSS2_RC rc;

	if (given && given->size) {
		auth = *given;
		goto set;
	}
	bit = hierarchy == ESYS_TR_RH_OWNER ? TPMA_PERMANENT_OWNERAUTHSET
	      : hierarchy == ESYS_TR_RH_ENDORSEMENT
		  ? TPMA_PERMANENT_ENDORSEMENTAUTHSET
		  : TPMA_PERMANENT_LOCKOUTAUTHSET;
	ret = tpm2_property(ctx, TPM2_PT_PERMANENT, &perm, &present);
	if (ret)
		return ret;
	/*
	 * Only an owned TPM gets the secret: a fresh one keeps working with
	 * the empty auth, whatever the config file says.
	 */
	if (perm & bit) {
		ret = tpm2_owner_auth(&auth, NULL);
		if (ret)
			return ret;
	}
set:
	/* ESAPI keeps its own copy in the ESYS_TR until Esys_Finalize. */
	rc = Esys_TR_SetAuth(ctx->esys, hierarchy, &auth);
	explicit_bzero(&auth, sizeof(auth));
	if (rc)
		return tpm2_fail("Esys_TR_SetAuth", rc);
	return 0;
}

void tpm2_flush(struct tpm2_ctx *ctx, ESYS_TR *tr)
{
	TSS2_RC rc;

	if (*tr == ESYS_TR_NONE)
		return;
	rc = Esys_FlushContext(ctx->esys, *tr);
	if (rc)
		tpm2_fail("flushing a transient object or session", rc);
	*tr = ESYS_TR_NONE;
}

void tpm2_forget(struct tpm2_ctx *ctx, ESYS_TR *tr)
{
	if (*tr == ESYS_TR_NONE)
		return;
	Esys_TR_Close(ctx->esys, tr);
	*tr = ESYS_TR_NONE;
}

int tpm2_handle_exists(struct tpm2_ctx *ctx, TPM2_HANDLE handle, bool *exists)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	TSS2_RC rc;

	/* Asking is quieter than TR_FromTPMPublic failing, which ESAPI logs. */
	rc = Esys_GetCapability(ctx->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				ESYS_TR_NONE, TPM2_CAP_HANDLES, handle, 1,
				&more, &cap);
	if (rc)
		return tpm2_fail("TPM2_GetCapability(handles)", rc);
	*exists = cap->data.handles.count > 0 &&
		  cap->data.handles.handle[0] == handle;
	Esys_Free(cap);
	return 0;
}

/* The TCG EK Credential Profile's default RSA template (template L-1). */
static const TPM2B_PUBLIC ek_template = {
    .publicArea =
	{
	    .type = TPM2_ALG_RSA,
	    .nameAlg = TPM2_ALG_SHA256,
	    .objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
				TPMA_OBJECT_SENSITIVEDATAORIGIN |
				TPMA_OBJECT_ADMINWITHPOLICY |
				TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT,
	    /* PolicySecret(TPM_RH_ENDORSEMENT) */
	    .authPolicy =
		{
		    .size = 32,
		    .buffer = {0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xb3, 0xf8,
			       0x1a, 0x90, 0xcc, 0x8d, 0x46, 0xa5, 0xd7, 0x24,
			       0xfd, 0x52, 0xd7, 0x6e, 0x06, 0x52, 0x0b, 0x64,
			       0xf2, 0xa1, 0xda, 0x1b, 0x33, 0x14, 0x69, 0xaa},
		},
	    .parameters.rsaDetail =
		{
		    .symmetric = {.algorithm = TPM2_ALG_AES,
				  .keyBits.aes = 128,
				  .mode.aes = TPM2_ALG_CFB},
		    .scheme = {.scheme = TPM2_ALG_NULL},
		    .keyBits = 2048,
		    .exponent = 0,
		},
	    /* The profile's 256 zero bytes, so the EK is always the same. */
	    .unique.rsa = {.size = 256},
	},
};

/* A restricted RSASSA-SHA256 signing key, as tpm2_createak makes it. */
static const TPM2B_PUBLIC ak_template = {
    .publicArea =
	{
	    .type = TPM2_ALG_RSA,
	    .nameAlg = TPM2_ALG_SHA256,
	    .objectAttributes =
		TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
		TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
		TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT,
	    .parameters.rsaDetail =
		{
		    .symmetric = {.algorithm = TPM2_ALG_NULL},
		    .scheme = {.scheme = TPM2_ALG_RSASSA,
			       .details.rsassa.hashAlg = TPM2_ALG_SHA256},
		    .keyBits = 2048,
		    .exponent = 0,
		},
	},
};

/* Whether a key found at a persistent handle is one we would have made. */
static bool matches_template(const TPM2B_PUBLIC *pub, const TPM2B_PUBLIC *tpl)
{
	const TPMT_PUBLIC *a = &pub->publicArea, *b = &tpl->publicArea;

	return a->type == b->type && a->nameAlg == b->nameAlg &&
	       a->objectAttributes == b->objectAttributes &&
	       a->parameters.rsaDetail.keyBits ==
		   b->parameters.rsaDetail.keyBits &&
	       a->parameters.rsaDetail.scheme.scheme ==
		   b->parameters.rsaDetail.scheme.scheme;
}

/* The run's record of the key at @handle, or NULL for other handles. */
static struct tpm2_known_key *known_key(struct tpm2_ctx *ctx,
					TPM2_HANDLE handle)
{
	if (handle == ctx->ek_handle)
		return &ctx->keys[0];
	if (handle == ctx->ak_handle)
		return &ctx->keys[1];
	return NULL;
}

void tpm2_forget_keys(struct tpm2_ctx *ctx)
{
	memset(ctx->keys, 0, sizeof(ctx->keys));
}

/*
 * The TPM's answer for a handle with no object behind it: TPM_RC_HANDLE,
 * a format-one code, whatever handle number it names (bits 8-11).
 */
static bool rc_no_object(TSS2_RC rc)
{
	const TSS2_RC fmt1_code = TPM2_RC_FMT1 | 0x3FU;

	return (rc & TSS2_RC_LAYER_MASK) == TSS2_TPM_RC_LAYER &&
	       (rc & fmt1_code) == TPM2_RC_HANDLE;
}

/*
 * Reads the public area and name of the persistent key at @handle into
 * the run's record, or finds there is none (*@exists false): one
 * TPM2_ReadPublic. It goes through SAPI on the raw handle because
 * ESAPI's Esys_TR_FromTPMPublic logs an error for an empty handle, and
 * because what it reads stays inside the ESYS_TR, where only another
 * ReadPublic would get it out.
 */
static int read_persistent(struct tpm2_ctx *ctx, TPM2_HANDLE handle,
			   const char *what, bool *exists)
{
	struct tpm2_known_key *key = known_key(ctx, handle);
	TPM2B_NAME qualified = {0};
	TSS2_SYS_CONTEXT *sys = NULL;
	TSS2_RC rc;

	*exists = false;
	key->handle = 0;
	rc = Esys_GetSysContext(ctx->esys, &sys);
	if (!rc)
		rc = Tss2_Sys_ReadPublic(sys, handle, NULL, &key->pub,
					 &key->name, &qualified, NULL);
	if (rc_no_object(rc))
		return 0;
	if (rc)
		return tpm2_fail(what, rc);
	key->handle = handle;
	*exists = true;
	return 0;
}

/*
 * An ESYS_TR for the key read_persistent() found, with no TPM command:
 * ESAPI's serialized form of a key object (handle, name, resource type,
 * public area, as Esys_TR_Serialize writes it and tpm2-tools keeps it in
 * context files) built from what the TPM just said.
 */
static TSS2_RC key_object(struct tpm2_ctx *ctx,
			  const struct tpm2_known_key *key, ESYS_TR *out)
{
	static const UINT32 esys_key_resource = 1; /* IESYSC_KEY_RSRC */
	uint8_t buf[sizeof(TPM2_HANDLE) + sizeof(TPM2B_NAME) + sizeof(UINT32) +
		    sizeof(TPM2B_PUBLIC)];
	size_t len = 0;
	TSS2_RC rc;

	rc = Tss2_MU_TPM2_HANDLE_Marshal(key->handle, buf, sizeof(buf), &len);
	if (!rc)
		rc = Tss2_MU_TPM2B_NAME_Marshal(&key->name, buf, sizeof(buf),
						&len);
	if (!rc)
		rc = Tss2_MU_UINT32_Marshal(esys_key_resource, buf, sizeof(buf),
					    &len);
	if (!rc)
		rc = Tss2_MU_TPM2B_PUBLIC_Marshal(&key->pub, buf, sizeof(buf),
						  &len);
	if (!rc)
		rc = Esys_TR_Deserialize(ctx->esys, buf, len, out);
	return rc;
}

/*
 * Loads the persistent key read_persistent() found at @handle, after
 * checking it is what we want.
 */
static int load_persistent(struct tpm2_ctx *ctx, TPM2_HANDLE handle,
			   const TPM2B_PUBLIC *tpl, const char *what,
			   ESYS_TR *out)
{
	const struct tpm2_known_key *key = known_key(ctx, handle);
	TSS2_RC rc;

	if (!matches_template(&key->pub, tpl)) {
		xenmb_error("xenmb: the key at persistent handle 0x%08x is not "
			    "an RSA-2048 %s as xenmb makes it; evict it "
			    "(tpm2_evictcontrol) or use another TPM\n",
			    handle, handle == ctx->ek_handle ? "EK" : "AK");
		return EXIT_TPM_ERROR;
	}
	rc = key_object(ctx, key, out);
	if (rc) {
		*out = ESYS_TR_NONE;
		return tpm2_fail(what, rc);
	}
	return 0;
}

/* Makes the transient @obj persistent at @handle, then flushes @obj. */
static int persist(struct tpm2_ctx *ctx, const struct tpm2_auth *auth,
		   ESYS_TR *obj, TPM2_HANDLE handle, ESYS_TR *out)
{
	TSS2_RC rc;
	int ret;

	ret = tpm2_hierarchy_auth(ctx, ESYS_TR_RH_OWNER, &auth->owner);
	if (ret) {
		tpm2_flush(ctx, obj);
		return ret;
	}
	rc = Esys_EvictControl(ctx->esys, ESYS_TR_RH_OWNER, *obj,
			       ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
			       handle, out);
	tpm2_flush(ctx, obj);
	if (rc)
		return tpm2_fail("TPM2_EvictControl (make the key persistent; "
				 "owner authorization)",
				 rc);
	return 0;
}

int tpm2_ek_get(struct tpm2_ctx *ctx, const struct tpm2_auth *auth, ESYS_TR *ek,
		bool *created)
{
	static const TPM2B_SENSITIVE_CREATE no_sensitive;
	static const TPM2B_DATA no_outside;
	static const TPML_PCR_SELECTION no_pcrs;
	ESYS_TR transient = ESYS_TR_NONE;
	char what[sizeof("loading the EK at 0x81010001")];
	bool exists;
	TSS2_RC rc;
	int ret;

	*ek = ESYS_TR_NONE;
	*created = false;
	snprintf(what, sizeof(what), "loading the EK at 0x%08x",
		 ctx->ek_handle);
	ret = read_persistent(ctx, ctx->ek_handle, what, &exists);
	if (ret)
		return ret;
	if (exists)
		return load_persistent(ctx, ctx->ek_handle, &ek_template, what,
				       ek);

	ret = tpm2_hierarchy_auth(ctx, ESYS_TR_RH_ENDORSEMENT,
				  &auth->endorsement);
	if (ret)
		return ret;
	xenmb_progress("creating the EK, RSA-2048, at 0x%08x", ctx->ek_handle);
	rc = Esys_CreatePrimary(ctx->esys, ESYS_TR_RH_ENDORSEMENT,
				ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
				&no_sensitive, &ek_template, &no_outside,
				&no_pcrs, &transient, NULL, NULL, NULL, NULL);
	if (rc)
		return tpm2_fail("TPM2_CreatePrimary (EK; endorsement "
				 "authorization)",
				 rc);
	ret = persist(ctx, auth, &transient, ctx->ek_handle, ek);
	*created = !ret;
	return ret;
}

int tpm2_ek_policy(struct tpm2_ctx *ctx, const struct tpm2_auth *auth,
		   ESYS_TR session)
{
	TSS2_RC rc;
	int ret;

	ret = tpm2_hierarchy_auth(ctx, ESYS_TR_RH_ENDORSEMENT,
				  &auth->endorsement);
	if (ret)
		return ret;
	rc = Esys_PolicySecret(ctx->esys, ESYS_TR_RH_ENDORSEMENT, session,
			       ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
			       NULL, NULL, NULL, 0, NULL, NULL);
	if (rc)
		return tpm2_fail("TPM2_PolicySecret (endorsement "
				 "authorization for the EK)",
				 rc);
	return 0;
}

int tpm2_ek_session(struct tpm2_ctx *ctx, const struct tpm2_auth *auth,
		    ESYS_TR *session)
{
	static const TPMT_SYM_DEF no_sym = {.algorithm = TPM2_ALG_NULL};
	TSS2_RC rc;
	int ret;

	rc = Esys_StartAuthSession(ctx->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				   NULL, TPM2_SE_POLICY, &no_sym,
				   TPM2_ALG_SHA256, session);
	if (rc) {
		*session = ESYS_TR_NONE;
		return tpm2_fail("TPM2_StartAuthSession (policy)", rc);
	}
	ret = tpm2_ek_policy(ctx, auth, *session);
	if (ret)
		tpm2_flush(ctx, session);
	return ret;
}

int tpm2_ak_get(struct tpm2_ctx *ctx, const struct tpm2_auth *auth, ESYS_TR *ak,
		bool *created)
{
	static const TPM2B_SENSITIVE_CREATE no_sensitive;
	static const TPM2B_DATA no_outside;
	static const TPML_PCR_SELECTION no_pcrs;
	ESYS_TR ek = ESYS_TR_NONE, session = ESYS_TR_NONE;
	ESYS_TR transient = ESYS_TR_NONE;
	TPM2B_PRIVATE *priv = NULL;
	TPM2B_PUBLIC *pub = NULL;
	char what[sizeof("loading the AK at 0x81018000")];
	bool exists, ek_created;
	TSS2_RC rc;
	int ret;

	*ak = ESYS_TR_NONE;
	*created = false;
	snprintf(what, sizeof(what), "loading the AK at 0x%08x",
		 ctx->ak_handle);
	ret = read_persistent(ctx, ctx->ak_handle, what, &exists);
	if (ret)
		return ret;
	if (exists)
		return load_persistent(ctx, ctx->ak_handle, &ak_template, what,
				       ak);

	/*
	 * Under the EK, as tpm2_createak does: the server's
	 * tpm2_makecredential binds a credential to the EK and the AK name,
	 * and ActivateCredential then needs both in this TPM.
	 */
	ret = tpm2_ek_get(ctx, auth, &ek, &ek_created);
	if (!ret)
		ret = tpm2_ek_session(ctx, auth, &session);
	if (ret)
		goto out;
	xenmb_progress("creating the AK, RSA-2048, at 0x%08x", ctx->ak_handle);
	rc = Esys_Create(ctx->esys, ek, session, ESYS_TR_NONE, ESYS_TR_NONE,
			 &no_sensitive, &ak_template, &no_outside, &no_pcrs,
			 &priv, &pub, NULL, NULL, NULL);
	if (rc) {
		ret = tpm2_fail("TPM2_Create (AK under the EK)", rc);
		goto out;
	}
	/* The use reset the session's policy digest: satisfy it again. */
	ret = tpm2_ek_policy(ctx, auth, session);
	if (ret)
		goto out;
	rc = Esys_Load(ctx->esys, ek, session, ESYS_TR_NONE, ESYS_TR_NONE, priv,
		       pub, &transient);
	if (rc) {
		ret = tpm2_fail("TPM2_Load (AK)", rc);
		goto out;
	}
	tpm2_flush(ctx, &session);
	ret = persist(ctx, auth, &transient, ctx->ak_handle, ak);
	*created = !ret;
out:
	tpm2_flush(ctx, &transient);
	tpm2_flush(ctx, &session);
	tpm2_forget(ctx, &ek);
	Esys_Free(priv);
	Esys_Free(pub);
	return ret;
}

/* Copies of @key's public area and name, for the caller to Esys_Free. */
static int key_copy(const struct tpm2_known_key *key, TPM2B_PUBLIC **pub,
		    TPM2B_NAME **name)
{
	/* Esys_Free is free(): what ESAPI returns is malloc()ed too. */
	*pub = malloc(sizeof(**pub));
	*name = malloc(sizeof(**name));
	if (*pub && *name) {
		**pub = key->pub;
		**name = key->name;
		return 0;
	}
	free(*pub);
	free(*name);
	*pub = NULL;
	*name = NULL;
	xenmb_error("xenmb: out of memory\n");
	return EXIT_KERNEL;
}

int tpm2_read_public(struct tpm2_ctx *ctx, ESYS_TR obj, TPM2B_PUBLIC **pub,
		     TPM2B_NAME **name)
{
	struct tpm2_known_key *key = NULL;
	TPM2_HANDLE handle;
	TSS2_RC rc;

	if (!Esys_TR_GetTpmHandle(ctx->esys, obj, &handle))
		key = known_key(ctx, handle);
	if (key && key->handle == handle)
		return key_copy(key, pub, name);
	rc = Esys_ReadPublic(ctx->esys, obj, ESYS_TR_NONE, ESYS_TR_NONE,
			     ESYS_TR_NONE, pub, name, NULL);
	if (rc)
		return tpm2_fail("TPM2_ReadPublic", rc);
	if (key) {
		key->handle = handle;
		key->pub = **pub;
		key->name = **name;
	}
	return 0;
}

int tpm2_write_pem(const TPM2B_PUBLIC *pub, FILE *out)
{
	EVP_PKEY *pkey = verify_tpmt_public_key(&pub->publicArea);
	int ret;

	if (!pkey)
		return -EINVAL;
	ret = PEM_write_PUBKEY(out, pkey) ? 0 : -EIO;
	EVP_PKEY_free(pkey);
	return ret;
}

int tpm2_write_pem_file(const TPM2B_PUBLIC *pub, const char *path)
{
	/* Rendered in memory first: the file itself is written atomically. */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int ret;

	if (!f)
		return EXIT_KERNEL;
	ret = tpm2_write_pem(pub, f);
	if (fclose(f) || ret) {
		xenmb_error("xenmb: cannot write the PEM key to %s\n", path);
		free(text);
		return EXIT_KERNEL;
	}
	ret = files_write_atomic(path, text, len, 0644);
	free(text);
	return ret;
}
