/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of xenmb.ko call of each other.
 */
#ifndef XENMB_H
#define XENMB_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/mutex.h>
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

/* main.c: the nv_allow module parameter (see policy.c). */
#define XENMB_NV_ALLOW_MAX	8
extern u32 xenmb_nv_allow[XENMB_NV_ALLOW_MAX];
extern unsigned int xenmb_nv_allow_count;

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
	u32 wire_len;			/* what the TPM sent, even if dropped */
	u64 duration_ns;
	int err;			/* 0 or -errno returned to the caller */
};

/*
 * The TPM 2.0 objects and sessions, and TPM 1.2 keys and auth sessions,
 * that one open /dev/xenmb file created and has not flushed; flushed when
 * the file is released (a close, or the process dying). Persistent handles
 * are never listed. @lock serializes the file's commands.
 */
#define XENMB_OWNED_MAX		64
struct xenmb_owned {
	struct mutex lock;		/* the file's commands, one at a time */
	u32 count;
	u32 handle[XENMB_OWNED_MAX];
	u8 kind[XENMB_OWNED_MAX];	/* enum tpm_handle_kind */
};

/*
 * Sends the @len-byte command in @buf (a page) to the default chip at
 * @locality after xenmb_policy_check() accepts it; the response replaces
 * the command in @buf. @policy is the XENMB_POLICY_* in force. With
 * @owned (its lock held), what the command creates or ends is noted there.
 */
int xenmb_tpm_submit(u8 *buf, u32 len, u32 locality, u32 policy,
		     struct xenmb_owned *owned, struct xenmb_cmd_outcome *out);

/* Flushes, at locality 0 and audited, everything @owned lists. */
void xenmb_tpm_flush_owned(struct xenmb_owned *owned);

void xenmb_tpm_exit(void);

/* txt.c */

/* Fills @info (zeroed by the caller); 0 or -errno if nothing was read. */
int xenmb_txt_info(struct xenmb_txt_info *info);

/* A bounded read of the heap or a log into arg->buf_ptr; 0 or -errno. */
int xenmb_txt_read(struct xenmb_txt_read *arg);

/* Bit N (1-3): TXT leaves TPM locality N to software (all, without TXT). */
u32 xenmb_txt_open_localities(void);

/* physmem.c */

/* Fetches Xen's machine memory map in a dom0; 0 or -ENOMEM. */
int xenmb_physmem_init(void);
void xenmb_physmem_exit(void);

/*
 * 0 if this kernel may read [@phys, @phys + @len): -EACCES if Xen or the
 * E820 hides it (unusable), -EBADMSG if it is RAM, firmware memory, claimed
 * by a driver, empty or wrapping.
 */
int xenmb_phys_range_check(u64 phys, u64 len);

/*
 * The same for memory a launch left (heap, logs), which must also be E820
 * reserved, every byte: -EBADMSG if not.
 */
int xenmb_phys_memory_check(u64 phys, u64 len);

/*
 * Copies of such memory, checked with xenmb_phys_memory_check() and fault
 * tolerant: 0, an error above, -EACCES on a fault.
 */
int xenmb_phys_copy(u64 phys, size_t len, void *dst);
int xenmb_phys_copy_to_user(u64 phys, size_t len, void __user *dst);
int xenmb_phys_read64(const void __iomem *base, unsigned long offset,
		      u64 *val);

/* audit.c */

void xenmb_audit_init(void);
void xenmb_audit_exit(void);
void xenmb_audit_cmd(const struct xenmb_cmd_outcome *out);

#endif /* XENMB_H */
