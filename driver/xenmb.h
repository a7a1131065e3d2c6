/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of xenmb.ko call of each other.
 */
#ifndef XENMB_H
#define XENMB_H

#include <linux/atomic.h>
#include <linux/types.h>

#include "../uapi/linux/xenmb.h"
#include "kcompat.h"
#include "tpm_cmd.h"

struct xenmb_counters {
	atomic64_t commands;
	atomic64_t denials;
	atomic64_t tpm_errors;
	atomic64_t timeouts;
	atomic64_t io_errors;
};

extern struct xenmb_counters xenmb_counters;

/* tpm.c */

struct xenmb_chip_info {
	u32 family;		/* XENMB_TPM_FAMILY_* */
	u32 interface;		/* XENMB_IFACE_* */
	u32 iface_localities;	/* bit N: the module can switch to N */
	char name[32];
};

/* Describes the default TPM chip; family NONE when there is none. */
void xenmb_tpm_describe(struct xenmb_chip_info *info);

/*
 * What one XENMB_IOC_TPM_CMD did, filled as far as it got; the audit
 * record is written from it.
 */
struct xenmb_cmd_outcome {
	bool have_locality;
	u32 locality;
	bool have_family;		/* the chip was looked up */
	u32 family;
	u32 len;
	bool have_header;
	struct tpm_cmd_header hdr;
	bool sent;			/* handed to the TPM */
	bool tpm_answered;
	u32 tpm_rc;
	u32 rsp_len;
	u64 duration_ns;
	int err;			/* 0 or -errno returned to the caller */
};

/*
 * Sends the @len-byte command in @buf (a page) to the default chip at
 * @locality after xenmb_policy_check() accepts it; the response replaces
 * the command in @buf. @policy is the XENMB_POLICY_* in force.
 */
int xenmb_tpm_submit(u8 *buf, u32 len, u32 locality, u32 policy,
		     struct xenmb_cmd_outcome *out);

void xenmb_tpm_exit(void);

/* txt.c */

/* Checks the module parameters; -EPERM for a test base under lockdown. */
int xenmb_txt_init(void);

/* Fills @info (zeroed by the caller); 0 or -errno if nothing was read. */
int xenmb_txt_info(struct xenmb_txt_info *info);

/* A bounded read of the heap or a log into arg->buf_ptr; 0 or -errno. */
int xenmb_txt_read(struct xenmb_txt_read *arg);

/* audit.c */

void xenmb_audit_cmd(const struct xenmb_cmd_outcome *out);

#endif /* XENMB_H */
