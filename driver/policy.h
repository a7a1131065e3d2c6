/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which TPM commands may run at which locality. Pure code (see compat.h):
 * the same decision is made in xenmb.ko and checked by the unit and KUnit
 * tests.
 */
#ifndef XENMB_POLICY_H
#define XENMB_POLICY_H

#include "compat.h"
#include "tpm_cmd.h"

struct xenmb_policy_request {
	u32 family;		/* XENMB_TPM_FAMILY_* of the chip */
	u32 policy;		/* XENMB_POLICY_* in force */
	u32 iface_localities;	/* bit N: the interface can switch to N */
	u32 locality;		/* what the caller asked for */
	const u8 *cmd;		/* the command, as the TPM would see it */
	u32 cmd_len;
	const u32 *nv_allow;	/* NV indices open at localities 1-3 */
	u32 nv_allow_count;
};

/*
 * Decides whether a command may be sent. Fills @hdr (for the audit record)
 * as far as the command could be parsed. Returns 0 or, checked in this
 * order: -EINVAL (locality above 4, malformed header, or a command too short
 * for the field the policy reads), -EPERM (locality 4), -EOPNOTSUPP (the
 * interface cannot use that locality), -EACCES (the policy refuses it).
 */
int xenmb_policy_check(const struct xenmb_policy_request *req,
		       struct tpm_cmd_header *hdr);

/* The localities @policy lets through at all (bit N for locality N). */
u32 xenmb_policy_localities(u32 policy);

/* "default", "locality0", "read-only"; NULL for an unknown level. */
const char *xenmb_policy_name(u32 policy);

/* Parses a level name as above; returns the level or -EINVAL. */
int xenmb_policy_parse(const char *name);

#endif /* XENMB_POLICY_H */
