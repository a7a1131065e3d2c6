/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which TPM handles a command creates or ends, so that xenmb.ko can flush
 * what a closed /dev/xenmb file left loaded: a process killed between Load
 * and FlushContext would otherwise leave the TPM's few object slots full
 * for every other user. Pure code (see compat.h).
 */
#ifndef XENMB_TPM_HANDLES_H
#define XENMB_TPM_HANDLES_H

#include "compat.h"

/* How a handle is flushed: its family and, for TPM 1.2, resource type. */
enum tpm_handle_kind {
	TPM_HANDLE_TPM2 = 1,	/* TPM2_FlushContext */
	TPM_HANDLE_TPM12_KEY,	/* TPM_FlushSpecific, TPM_RT_KEY */
	TPM_HANDLE_TPM12_AUTH,	/* TPM_FlushSpecific, TPM_RT_AUTH */
};

#define TPM_HANDLES_ENDED_MAX	3

/* What a command will do to handles, read from it before it is sent. */
struct tpm_handle_plan {
	u8 creates;		/* enum tpm_handle_kind its answer's handle has */
	u32 n_ended;
	u32 ended[TPM_HANDLES_ENDED_MAX];	/* flushed, or sessions not */
	u8 ended_kind[TPM_HANDLES_ENDED_MAX];	/* continued (whatever the */
						/* answer: doubt forgets) */
};

/*
 * Reads @cmd (@len bytes, a header already checked for @family). For TPM
 * 2.0 @cmd_handles is the size of its handle area from the TPM's command
 * attributes, or -1 if the TPM did not list the command. Returns 0, or
 * -EINVAL if the command is too short for what it says it holds.
 */
int xenmb_tpm_handles_plan(u32 family, const u8 *cmd, u32 len, int cmd_handles,
			   struct tpm_handle_plan *plan);

/* The handle a successful answer created, or 0 (none, or an error). */
u32 xenmb_tpm_handles_created(const struct tpm_handle_plan *plan, const u8 *rsp,
			      u32 len);

/* The flush command for @handle of @kind into @buf (>= 18 bytes): length. */
u32 xenmb_tpm_handles_flush_cmd(u8 kind, u32 handle, u8 *buf);

#endif /* XENMB_TPM_HANDLES_H */
