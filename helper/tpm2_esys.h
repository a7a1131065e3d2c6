/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TPM 2.0 over tpm2-tss ESAPI for the xenmb subcommands: one context per
 * run, the keys the attestation flows share (EK, AK), and their public
 * parts as PEM, TPM2B_PUBLIC and name.
 *
 * /dev/xenmb has no resource manager: whatever a run loads (a transient
 * object, a session) stays in the TPM until flushed. Every function here
 * flushes what it loaded before it returns, on success and on error.
 */
#ifndef XENMB_TPM2_ESYS_H
#define XENMB_TPM2_ESYS_H

#include <stdbool.h>
#include <stdio.h>
#include <tss2/tss2_esys.h>

/* The TCTI when no --tcti is given: our own, over /dev/xenmb. */
#ifndef XENMB_TCTI_DEFAULT
#define XENMB_TCTI_DEFAULT "xenmb"
#endif

/* The defaults; --handle, --ek-handle and --ak-handle pick others. */
#define TPM2_EK_HANDLE 0x81010001U	/* TCG EK Credential Profile */
#define TPM2_AK_HANDLE 0x81018000U	/* ours; tpm2-tools' examples too */
#define TPM2_EK_CERT_RSA_NV 0x01C00002U /* TCG EK Credential Profile */

/*
 * Hierarchy authorization values. Empty on a fresh TPM; filled from
 * /opt/xensource/tpm/config once ownership is taken (never from argv or
 * the environment). Wiped by tpm2_auth_clear().
 */
struct tpm2_auth {
	TPM2B_AUTH owner;
	TPM2B_AUTH endorsement;
};

void tpm2_auth_clear(struct tpm2_auth *auth);

/*
 * The public area and name of a persistent key (EK, AK) as the TPM last
 * reported them in this run: every TPM2_ReadPublic is a round trip, and a
 * quote would otherwise read the AK's three times.
 */
struct tpm2_known_key {
	TPM2_HANDLE handle; /* 0: slot empty */
	TPM2B_PUBLIC pub;
	TPM2B_NAME name;
};

struct tpm2_ctx {
	ESYS_CONTEXT *esys;
	TSS2_TCTI_CONTEXT *tcti;
	struct tpm2_known_key keys[2]; /* the EK's and the AK's */
	/* Where this run finds or makes them: tpm2_open() sets the defaults. */
	TPM2_HANDLE ek_handle;
	TPM2_HANDLE ak_handle;
};

/*
 * Opens the TCTI @conf (tpm2-tss syntax, "name[:conf]"; NULL for the
 * default) and an ESAPI context on it. Returns 0 or an exit code, having
 * said why.
 */
int tpm2_open(struct tpm2_ctx *ctx, const char *conf);
void tpm2_close(struct tpm2_ctx *ctx);

/*
 * The owner config file hierarchy auths come from when a struct tpm2_auth
 * member is empty but the TPM says that auth is set (ownership taken):
 * NULL means OWNER_CONFIG_PATH. 'xenmb owner --config' changes it.
 */
extern const char *tpm2_owner_config;

/*
 * One TPM property (TPM2_GetCapability TPM_PROPERTIES), e.g.
 * TPM2_PT_PERMANENT: which hierarchy auths are set. *@present is false
 * when the TPM does not report it. Returns 0 or an exit code.
 */
int tpm2_property(struct tpm2_ctx *ctx, TPM2_PT property, uint32_t *value,
		  bool *present);

/*
 * The owner secret of tpm2_owner_config as the auth every hierarchy gets
 * once owned; *@from_default (unless NULL): no config file, the default
 * password. An unusable config file is said and EXIT_BAD_AUTH. Wipe
 * @auth with explicit_bzero().
 */
int tpm2_owner_auth(TPM2B_AUTH *auth, bool *from_default);

/*
 * Gives ESAPI the auth of @hierarchy (ESYS_TR_RH_OWNER, _ENDORSEMENT or
 * _LOCKOUT): @given when not empty, else the owner secret when the TPM
 * reports that auth as set, else the empty auth. Returns 0 or an exit code.
 */
int tpm2_hierarchy_auth(struct tpm2_ctx *ctx, ESYS_TR hierarchy,
			const TPM2B_AUTH *given);

/* Whether @rc is the TPM rejecting an authorization value. */
bool tpm2_rc_bad_auth(TSS2_RC rc);

/*
 * Says "xenmb: WHAT: <decoded rc>" (xenmb_error, report.h) and returns
 * the exit code for @rc, which it keeps in tpm2_last_rc (xentpm reports
 * it as its error code).
 */
int tpm2_fail(const char *what, TSS2_RC rc);
extern TSS2_RC tpm2_last_rc;

/* Flushes a transient object or session, if any; sets *@tr to NONE. */
void tpm2_flush(struct tpm2_ctx *ctx, ESYS_TR *tr);

/* Drops ESAPI's record of a persistent handle (the TPM keeps the key). */
void tpm2_forget(struct tpm2_ctx *ctx, ESYS_TR *tr);

/* Whether @handle (persistent or NV index) exists; 0 or an exit code. */
int tpm2_handle_exists(struct tpm2_ctx *ctx, TPM2_HANDLE handle, bool *exists);

/*
 * Finds the EK at ctx->ek_handle or creates and persists it (owner auth
 * from @auth). *@ek is its ESYS_TR (release with tpm2_forget), *@created
 * says whether this call made it. Returns 0 or an exit code.
 */
int tpm2_ek_get(struct tpm2_ctx *ctx, const struct tpm2_auth *auth, ESYS_TR *ek,
		bool *created);

/*
 * A policy session satisfying the EK's policy, PolicySecret(endorsement):
 * what using the EK as a parent or for ActivateCredential needs. Flush it
 * with tpm2_flush. Returns 0 or an exit code.
 */
int tpm2_ek_session(struct tpm2_ctx *ctx, const struct tpm2_auth *auth,
		    ESYS_TR *session);

/* Satisfies the EK policy again on @session, which a use has reset. */
int tpm2_ek_policy(struct tpm2_ctx *ctx, const struct tpm2_auth *auth,
		   ESYS_TR session);

/*
 * Finds the AK at ctx->ak_handle or creates it under the EK (at
 * ctx->ek_handle, made there when missing) and persists it. Same contract as
 * tpm2_ek_get().
 */
int tpm2_ak_get(struct tpm2_ctx *ctx, const struct tpm2_auth *auth, ESYS_TR *ak,
		bool *created);

/*
 * The public area and name (both wanted) of a loaded object; Esys_Free
 * them. Those of the EK and the AK come from what this run read already,
 * when it did.
 */
int tpm2_read_public(struct tpm2_ctx *ctx, ESYS_TR obj, TPM2B_PUBLIC **pub,
		     TPM2B_NAME **name);

/*
 * Forgets the keys' public areas tpm2_read_public() keeps: after a
 * TPM2_Clear, which evicts the owner's persistent keys.
 */
void tpm2_forget_keys(struct tpm2_ctx *ctx);

/* Writes an RSA or ECC public area as PEM SubjectPublicKeyInfo; 0 or -errno. */
int tpm2_write_pem(const TPM2B_PUBLIC *pub, FILE *out);

/* Writes @pub to @path with tpm2_write_pem(); 0 or an exit code. */
int tpm2_write_pem_file(const TPM2B_PUBLIC *pub, const char *path);

/* The TCTI option the TPM 2.0 subcommands share. */
#define TPM2_TCTI_OPTION                                                       \
	{                                                                      \
		"tcti", required_argument, NULL, 'T'                           \
	}

#endif /* XENMB_TPM2_ESYS_H */
