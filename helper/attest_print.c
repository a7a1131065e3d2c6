// SPDX-License-Identifier: GPL-2.0
#include "attest_print.h"

#include <stdio.h>

#include "cli.h"

static const char *yes_no(bool v)
{
	return v ? "yes" : "no";
}

void attest_print_owner_tpm2(const struct tpm2_owner_state *st, bool json)
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

void attest_print_owner_tpm12(const struct tpm12_owner_state *st, bool json)
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

void attest_print_owner_taken_tpm2(bool changed, const char *config,
				   bool from_default, bool empty_endorsement)
{
	if (changed)
		printf("owner: taken (%s auth set from %s%s%s)\n",
		       empty_endorsement ? "owner and lockout"
					 : "owner, endorsement and lockout",
		       config,
		       from_default ? ": absent, the default password" : "",
		       empty_endorsement ? "; endorsement auth empty" : "");
	else
		printf("owner: already owned with this password\n");
	/*
	 * Keylime's agent sets its tpm_ownerpassword's bytes as the
	 * endorsement auth; the secret (20 binary bytes) has no such form.
	 */
	if (empty_endorsement)
		printf("keylime: tpm_ownerpassword = \"\"\n");
}

void attest_print_owner_taken_tpm12(bool taken, const char *config,
				    bool from_default)
{
	if (taken)
		printf("owner: taken (owner auth from %s%s; SRK with the "
		       "well-known auth)\n",
		       config,
		       from_default ? ": absent, the default password" : "");
	else
		printf("owner: already owned with this password\n");
}

void attest_print_owner_cleared_tpm2(void)
{
	printf("owner: cleared (hierarchy auths empty, owner and endorsement "
	       "keys and NV indices gone)\n");
}

void attest_print_owner_cleared_tpm12(bool cleared, const struct tpm12_flags *f)
{
	if (!cleared) {
		printf("owner: not owned, nothing to clear\n");
		return;
	}
	printf("owner: cleared (owner, SRK, the AIK and the NV spaces gone)\n");
	/* TPM_OwnerClear leaves a TPM 1.2 disabled and deactivated. */
	if (f && (f->disabled || f->deactivated || f->volatile_deactivated))
		printf("owner: the TPM is now %s: %s it in the firmware (BIOS) "
		       "setup before taking ownership again\n",
		       f->disabled ? "disabled and deactivated" : "deactivated",
		       f->disabled ? "enable and activate" : "activate");
}
