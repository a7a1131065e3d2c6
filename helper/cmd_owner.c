// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb owner status|take|clear: TPM 2.0 ownership as the seed product
 * understands it. "Owned" means the owner, endorsement and lockout auths
 * are all the 20-byte owner secret of owner_secret.h.
 *
 * Dictionary-attack protection: the owner and endorsement auths are not
 * DA-protected, the lockout auth is. One wrong lockout auth locks the
 * lockout hierarchy for lockoutRecovery seconds (often a day on real
 * TPMs). So take and clear check the secret against the owner hierarchy
 * first and only use the lockout auth once that one matched.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "owner_secret.h"
#include "subcommands.h"
#include "tpm12_flows.h"
#include "tpm2_esys.h"

/* What status reports: TPM_PT_PERMANENT and the DA counters. */
struct owner_state {
	TPMA_PERMANENT perm;
	uint32_t lockout_counter;
	uint32_t max_auth_fail;
	uint32_t lockout_interval;
	uint32_t lockout_recovery;
};

/* --json: take and clear print the status after, not their text line. */
static bool owner_json;

static int read_state(struct tpm2_ctx *ctx, struct owner_state *st)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	TSS2_RC rc;
	uint32_t i;

	memset(st, 0, sizeof(*st));
	/* PERMANENT .. LOCKOUT_RECOVERY are consecutive TPM_PT_VAR values. */
	rc = Esys_GetCapability(
	    ctx->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
	    TPM2_CAP_TPM_PROPERTIES, TPM2_PT_PERMANENT,
	    TPM2_PT_LOCKOUT_RECOVERY - TPM2_PT_PERMANENT + 1, &more, &cap);
	if (rc)
		return tpm2_fail("TPM2_GetCapability(TPM_PT_PERMANENT)", rc);
	for (i = 0; i < cap->data.tpmProperties.count; i++) {
		const TPMS_TAGGED_PROPERTY *p =
		    &cap->data.tpmProperties.tpmProperty[i];

		switch (p->property) {
		case TPM2_PT_PERMANENT:
			st->perm = p->value;
			break;
		case TPM2_PT_LOCKOUT_COUNTER:
			st->lockout_counter = p->value;
			break;
		case TPM2_PT_MAX_AUTH_FAIL:
			st->max_auth_fail = p->value;
			break;
		case TPM2_PT_LOCKOUT_INTERVAL:
			st->lockout_interval = p->value;
			break;
		case TPM2_PT_LOCKOUT_RECOVERY:
			st->lockout_recovery = p->value;
			break;
		}
	}
	Esys_Free(cap);
	return 0;
}

#define AUTH_MASK                                                              \
	(TPMA_PERMANENT_OWNERAUTHSET | TPMA_PERMANENT_ENDORSEMENTAUTHSET |     \
	 TPMA_PERMANENT_LOCKOUTAUTHSET)

static const char *yes_no(bool v)
{
	return v ? "yes" : "no";
}

static void print_state(const struct owner_state *st, bool json)
{
	TPMA_PERMANENT p = st->perm;

	if (json) {
		struct json_object *o = json_object_new_object();

#define ADD_BOOL(k, v) json_object_object_add(o, k, json_object_new_boolean(v))
#define ADD_INT(k, v) json_object_object_add(o, k, json_object_new_int64(v))
		ADD_BOOL("owned", (p & AUTH_MASK) == AUTH_MASK);
		ADD_BOOL("owner_auth_set", p & TPMA_PERMANENT_OWNERAUTHSET);
		ADD_BOOL("endorsement_auth_set",
			 p & TPMA_PERMANENT_ENDORSEMENTAUTHSET);
		ADD_BOOL("lockout_auth_set", p & TPMA_PERMANENT_LOCKOUTAUTHSET);
		ADD_BOOL("in_lockout", p & TPMA_PERMANENT_INLOCKOUT);
		ADD_BOOL("disable_clear", p & TPMA_PERMANENT_DISABLECLEAR);
		ADD_INT("lockout_counter", st->lockout_counter);
		ADD_INT("max_auth_fail", st->max_auth_fail);
		ADD_INT("lockout_interval", st->lockout_interval);
		ADD_INT("lockout_recovery", st->lockout_recovery);
#undef ADD_BOOL
#undef ADD_INT
		cli_print_json(o);
		return;
	}
	printf("owned: %s\n", yes_no((p & AUTH_MASK) == AUTH_MASK));
	printf("owner_auth_set: %s\n", yes_no(p & TPMA_PERMANENT_OWNERAUTHSET));
	printf("endorsement_auth_set: %s\n",
	       yes_no(p & TPMA_PERMANENT_ENDORSEMENTAUTHSET));
	printf("lockout_auth_set: %s\n",
	       yes_no(p & TPMA_PERMANENT_LOCKOUTAUTHSET));
	printf("in_lockout: %s\n", yes_no(p & TPMA_PERMANENT_INLOCKOUT));
	printf("disable_clear: %s\n", yes_no(p & TPMA_PERMANENT_DISABLECLEAR));
	printf("lockout_counter: %u of %u (interval %us, lockout recovery "
	       "%us)\n",
	       st->lockout_counter, st->max_auth_fail, st->lockout_interval,
	       st->lockout_recovery);
}

static const char *hierarchy_name(ESYS_TR h)
{
	return h == ESYS_TR_RH_OWNER	     ? "owner"
	       : h == ESYS_TR_RH_ENDORSEMENT ? "endorsement"
					     : "lockout";
}

/*
 * TPM2_HierarchyChangeAuth(@h) from @cur to @next, in a password session.
 * With @cur == @next it changes nothing and proves @cur is the auth: the
 * cheapest authorized command that needs no object and leaves no state.
 */
static TSS2_RC change_auth(struct tpm2_ctx *ctx, ESYS_TR h,
			   const TPM2B_AUTH *cur, const TPM2B_AUTH *next)
{
	TSS2_RC rc = Esys_TR_SetAuth(ctx->esys, h, cur);

	if (!rc)
		rc = Esys_HierarchyChangeAuth(ctx->esys, h, ESYS_TR_PASSWORD,
					      ESYS_TR_NONE, ESYS_TR_NONE, next);
	return rc;
}

/* Explains TPM_RC_LOCKOUT: what the operator can do about it. */
static int lockout_fail(const char *what, TSS2_RC rc)
{
	if (rc == TPM2_RC_LOCKOUT) {
		fprintf(stderr,
			"xenmb: %s: the TPM is in dictionary-attack lockout "
			"after wrong passwords; wait for the lockout recovery "
			"time ('xenmb owner status') and retry with the right "
			"password\n",
			what);
		return EXIT_TPM_ERROR;
	}
	return tpm2_fail(what, rc);
}

static int owner_take(struct tpm2_ctx *ctx, const TPM2B_AUTH *secret,
		      bool from_default)
{
	static const TPM2B_AUTH empty;
	static const ESYS_TR order[] = {
	    ESYS_TR_RH_OWNER, ESYS_TR_RH_ENDORSEMENT, ESYS_TR_RH_LOCKOUT};
	static const TPMA_PERMANENT bits[] = {TPMA_PERMANENT_OWNERAUTHSET,
					      TPMA_PERMANENT_ENDORSEMENTAUTHSET,
					      TPMA_PERMANENT_LOCKOUTAUTHSET};
	struct owner_state st;
	char what[80];
	TSS2_RC rc;
	int ret, i, changed = 0;

	ret = read_state(ctx, &st);
	if (ret)
		return ret;
	/*
	 * First prove every auth already set is our secret, changing none:
	 * a TPM owned by someone else is left exactly as it was. Owner and
	 * endorsement come before lockout, which alone is DA-protected.
	 */
	for (i = 0; i < 3; i++) {
		if (!(st.perm & bits[i]))
			continue;
		rc = change_auth(ctx, order[i], secret, secret);
		if (tpm2_rc_bad_auth(rc)) {
			fprintf(stderr,
				"xenmb: owner take: the TPM is owned with "
				"another password (the %s auth is not the "
				"secret of %s%s); wrong owner password: check "
				"%s, or clear the TPM\n",
				hierarchy_name(order[i]),
				tpm2_owner_config ?: OWNER_CONFIG_PATH,
				from_default ? ", absent: the default" : "",
				tpm2_owner_config ?: OWNER_CONFIG_PATH);
			return EXIT_BAD_AUTH;
		}
		if (rc) {
			snprintf(what, sizeof(what),
				 "TPM2_HierarchyChangeAuth(%s, check)",
				 hierarchy_name(order[i]));
			return lockout_fail(what, rc);
		}
	}
	for (i = 0; i < 3; i++) {
		if (st.perm & bits[i])
			continue;
		rc = change_auth(ctx, order[i], &empty, secret);
		if (rc) {
			snprintf(what, sizeof(what),
				 "TPM2_HierarchyChangeAuth(%s)",
				 hierarchy_name(order[i]));
			return lockout_fail(what, rc);
		}
		changed++;
	}
	/* With --json the caller prints the status instead. */
	if (owner_json)
		return 0;
	if (changed)
		printf("owner: taken (owner, endorsement and lockout auth set "
		       "from %s%s)\n",
		       tpm2_owner_config ?: OWNER_CONFIG_PATH,
		       from_default ? ": absent, the default password" : "");
	else
		printf("owner: already owned with this password\n");
	return 0;
}

static int owner_clear(struct tpm2_ctx *ctx, const TPM2B_AUTH *secret)
{
	static const TPM2B_AUTH empty;
	struct owner_state st;
	TSS2_RC rc;
	int ret;

	ret = read_state(ctx, &st);
	if (ret)
		return ret;
	if (st.perm & TPMA_PERMANENT_DISABLECLEAR) {
		fprintf(stderr, "xenmb: owner clear: TPM2_Clear is disabled "
				"(disableClear); only the platform can clear "
				"this TPM\n");
		return EXIT_TPM_ERROR;
	}
	/*
	 * A wrong password must not cost a lockout-hierarchy lockout: check
	 * it against the owner auth (not DA-protected) first.
	 */
	if (st.perm & TPMA_PERMANENT_OWNERAUTHSET) {
		rc = change_auth(ctx, ESYS_TR_RH_OWNER, secret, secret);
		if (rc)
			return lockout_fail("owner clear: checking the owner "
					    "password",
					    rc);
	}
	rc = Esys_TR_SetAuth(
	    ctx->esys, ESYS_TR_RH_LOCKOUT,
	    (st.perm & TPMA_PERMANENT_LOCKOUTAUTHSET) ? secret : &empty);
	if (!rc)
		rc = Esys_Clear(ctx->esys, ESYS_TR_RH_LOCKOUT, ESYS_TR_PASSWORD,
				ESYS_TR_NONE, ESYS_TR_NONE);
	if (rc)
		return lockout_fail("TPM2_Clear (lockout authorization)", rc);
	if (!owner_json)
		printf("owner: cleared (hierarchy auths empty, owner and "
		       "endorsement keys and NV indices gone)\n");
	return 0;
}

int cmd_owner(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"config", required_argument, NULL, 'C'},
	    TPM2_TCTI_OPTION,
	    {NULL, 0, NULL, 0},
	};
	uint8_t raw[OWNER_SECRET_LEN];
	TPM2B_AUTH secret = {0};
	struct owner_state st;
	const char *tcti = NULL, *op, *why = "?";
	struct tpm2_ctx ctx;
	bool json = false;
	int c, ret, from_default = 0;

	while ((c = getopt_long(argc, argv, "jC:T:", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'C':
			tpm2_owner_config = optarg;
			break;
		case 'T':
			tcti = optarg;
			break;
		default:
			return cli_usage_error("unknown option to 'owner'");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("'owner' takes one of status, take, "
				       "clear");
	op = argv[optind];
	if (strcmp(op, "status") && strcmp(op, "take") && strcmp(op, "clear"))
		return cli_usage_error("'owner' takes one of status, take, "
				       "clear");
	if (!tcti && tpm12_is_family())
		return tpm12_owner(op, json, tpm2_owner_config);
	/* ESAPI's own error lines would repeat ours; ours say what to do. */
	setenv("TSS2_LOG", "all+NONE", 0);

	/* The secret before the TPM: a bad config file changes nothing. */
	if (strcmp(op, "status")) {
		ret = owner_secret_get(tpm2_owner_config, raw, &from_default,
				       &why);
		if (ret) {
			fprintf(stderr, "xenmb: owner config %s: %s\n",
				tpm2_owner_config ?: OWNER_CONFIG_PATH, why);
			return EXIT_BAD_AUTH;
		}
		secret.size = OWNER_SECRET_LEN;
		memcpy(secret.buffer, raw, OWNER_SECRET_LEN);
		owner_secret_wipe(raw);
	}
	ret = tpm2_open(&ctx, tcti);
	if (ret)
		goto out;
	if (!strcmp(op, "status")) {
		ret = read_state(&ctx, &st);
		if (!ret)
			print_state(&st, json);
	} else {
		owner_json = json;
		ret = !strcmp(op, "take")
			  ? owner_take(&ctx, &secret, from_default)
			  : owner_clear(&ctx, &secret);
		if (!ret && json && !(ret = read_state(&ctx, &st)))
			print_state(&st, true);
	}
	tpm2_close(&ctx);
out:
	explicit_bzero(&secret, sizeof(secret));
	return ret;
}
