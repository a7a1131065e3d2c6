// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb owner status|take|clear: TPM 2.0 ownership as the seed product
 * understands it (the flows: tpm2_flows.h). "Owned" means the owner,
 * endorsement and lockout auths are all the 20-byte owner secret of
 * owner_secret.h.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "owner_secret.h"
#include "subcommands.h"
#include "tpm12_flows.h"
#include "tpm2_flows.h"

static const char *yes_no(bool v)
{
	return v ? "yes" : "no";
}

static void print_state(const struct tpm2_owner_state *st, bool json)
{
	TPMA_PERMANENT p = st->perm;

	if (json) {
		struct json_object *o = json_object_new_object();

#define ADD_BOOL(k, v) json_object_object_add(o, k, json_object_new_boolean(v))
#define ADD_INT(k, v) json_object_object_add(o, k, json_object_new_int64(v))
		ADD_BOOL("owned", tpm2_owner_state_owned(st));
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
	printf("owned: %s\n", yes_no(tpm2_owner_state_owned(st)));
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

/* 'owner status' of a TPM 1.2: its flags, the owner, the version. */
static void print_state12(const struct tpm12_owner_state *st, bool json)
{
	const struct tpm12_flags *f = &st->flags;
	const struct tpm12_version *v = &st->version;

	if (json) {
		struct json_object *o = json_object_new_object();

#define ADD_BOOL(k, val)                                                       \
	json_object_object_add(o, k, json_object_new_boolean(val))
		json_object_object_add(o, "tpm", json_object_new_string("1.2"));
		ADD_BOOL("owned", st->owned);
		ADD_BOOL("enabled", !f->disabled);
		ADD_BOOL("active", !f->deactivated && !f->volatile_deactivated);
		ADD_BOOL("ownership_allowed", f->ownership_allowed);
		ADD_BOOL("read_pubek", f->read_pubek);
		ADD_BOOL("nv_locked", f->nv_locked);
		ADD_BOOL("physical_presence_lock", f->physical_presence_lock);
#undef ADD_BOOL
		json_object_object_add(o, "vendor",
				       json_object_new_string(v->vendor));
		cli_print_json(o);
		return;
	}
	printf("owned: %s\n", yes_no(st->owned));
	printf("enabled: %s\n", yes_no(!f->disabled));
	printf("active: %s\n",
	       yes_no(!f->deactivated && !f->volatile_deactivated));
	printf("ownership_allowed: %s\n", yes_no(f->ownership_allowed));
	printf("read_pubek: %s\n", yes_no(f->read_pubek));
	printf("nv_locked: %s\n", yes_no(f->nv_locked));
	printf("tpm: 1.2 (TPM_CAP_VERSION_VAL %u.%u rev %u.%u, vendor %s)\n",
	       v->major, v->minor, v->rev_major, v->rev_minor,
	       v->vendor[0] ? v->vendor : "?");
}

/* owner status|take|clear on a TPM 1.2, through tpm12_flows.h. */
static int owner12(const char *op, bool json)
{
	struct tpm12_owner_state st;
	struct tpm12_flags f;
	bool done = false;
	struct t12 *c;
	int ret;

	ret = tpm12_open(&c, tpm2_owner_config);
	if (ret)
		return ret;
	if (!strcmp(op, "status")) {
		ret = tpm12_flow_owner_status(c, &st);
		if (!ret)
			print_state12(&st, json);
		goto out;
	}
	if (!strcmp(op, "take")) {
		ret = tpm12_flow_owner_take(c, &done);
		if (!ret && !json && done)
			printf("owner: taken (owner auth from %s%s; SRK with "
			       "the well-known auth)\n",
			       tpm12_config_path(c),
			       tpm12_secret_from_default(c)
				   ? ": absent, the default password"
				   : "");
		else if (!ret && !json)
			printf("owner: already owned with this password\n");
	} else {
		ret = tpm12_flow_owner_clear(c, &done);
		if (!ret && !json && !done)
			printf("owner: not owned, nothing to clear\n");
		if (!ret && !json && done) {
			printf("owner: cleared (owner, SRK, the AIK and the NV "
			       "spaces gone)\n");
			/* TPM_OwnerClear leaves a TPM 1.2 disabled and
			 * deactivated. */
			if (!tpm12_flow_flags(c, &f) &&
			    (f.disabled || f.deactivated ||
			     f.volatile_deactivated))
				printf("owner: the TPM is now %s: %s it in the "
				       "firmware (BIOS) setup before taking "
				       "ownership again\n",
				       f.disabled ? "disabled and deactivated"
						  : "deactivated",
				       f.disabled ? "enable and activate"
						  : "activate");
		}
	}
	if (!ret && json && !(ret = tpm12_flow_owner_status(c, &st)))
		print_state12(&st, true);
out:
	tpm12_close(c);
	return ret;
}

int cmd_owner(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"config", required_argument, NULL, 'C'},
	    TPM2_TCTI_OPTION,
	    {NULL, 0, NULL, 0},
	};
	TPM2B_AUTH secret = {0};
	struct tpm2_owner_state st;
	const char *tcti = NULL, *op;
	bool json = false, from_default = false, changed;
	struct tpm2_ctx ctx;
	int c, ret;

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
		return owner12(op, json);
	/* ESAPI's own error lines would repeat ours; ours say what to do. */
	setenv("TSS2_LOG", "all+NONE", 0);

	/* The secret before the TPM: a bad config file changes nothing. */
	if (strcmp(op, "status")) {
		ret = tpm2_owner_auth(&secret, &from_default);
		if (ret)
			return ret;
	}
	ret = tpm2_open(&ctx, tcti);
	if (ret)
		goto out;
	if (!strcmp(op, "status")) {
		ret = tpm2_flow_owner_status(&ctx, &st);
		if (!ret)
			print_state(&st, json);
		goto out_close;
	}
	if (!strcmp(op, "take")) {
		ret =
		    tpm2_flow_owner_take(&ctx, &secret, from_default, &changed);
		if (!ret && !json && changed)
			printf("owner: taken (owner, endorsement and lockout "
			       "auth set from %s%s)\n",
			       tpm2_owner_config ?: OWNER_CONFIG_PATH,
			       from_default ? ": absent, the default password"
					    : "");
		else if (!ret && !json)
			printf("owner: already owned with this password\n");
	} else {
		ret = tpm2_flow_owner_clear(&ctx, &secret);
		if (!ret && !json)
			printf("owner: cleared (hierarchy auths empty, owner "
			       "and endorsement keys and NV indices gone)\n");
	}
	/* With --json, take and clear print the status after instead. */
	if (!ret && json && !(ret = tpm2_flow_owner_status(&ctx, &st)))
		print_state(&st, true);
out_close:
	tpm2_close(&ctx);
out:
	explicit_bzero(&secret, sizeof(secret));
	return ret;
}
