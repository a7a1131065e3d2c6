// SPDX-License-Identifier: GPL-2.0
/*
 * Which TPM handles a command creates or ends. Pure code: see compat.h.
 *
 * Only what the module can know for sure is tracked. A handle is
 * forgotten as soon as a command may have ended it (a flush, or a session
 * used without continueSession), even if that command then fails: the
 * TPM may give the handle's value to someone else next, and flushing
 * another user's object is worse than leaving one of ours loaded.
 */
#include "tpm_handles.h"
#include "tpm_cmd.h"
#include "../uapi/linux/xenmb.h"

/* TPM 2.0 command codes (Library part 2, TPM_CC). */
#define CC_CREATE_PRIMARY	0x131
#define CC_SEQUENCE_COMPLETE	0x13E
#define CC_HMAC_START		0x15B	/* also MAC_Start's code */
#define CC_LOAD			0x157
#define CC_CONTEXT_LOAD		0x161
#define CC_FLUSH_CONTEXT	0x165
#define CC_LOAD_EXTERNAL	0x167
#define CC_START_AUTH_SESSION	0x176
#define CC_EVENT_SEQUENCE_COMPLETE 0x185
#define CC_HASH_SEQUENCE_START	0x186
#define CC_CREATE_LOADED	0x191

/* TPM 1.2 authorization trailer: authHandle, nonceOdd, continue, auth. */
#define TPM12_AUTH_TRAILER	(4 + 20 + 1 + 20)

/* The handle types a TPM 2.0 flush can end (part 2, TPM_HT). */
static bool tpm2_flushable(u32 handle)
{
	u8 type = handle >> 24;

	return type == 0x80 || type == 0x02 || type == 0x03;
}

static void plan_end(struct tpm_handle_plan *plan, u8 kind, u32 handle)
{
	if (plan->n_ended < TPM_HANDLES_ENDED_MAX) {
		plan->ended_kind[plan->n_ended] = kind;
		plan->ended[plan->n_ended++] = handle;
	}
}

/* Ends the handle in slot @slot of the handle area (right after the header). */
static int plan_end_handle_at(struct tpm_handle_plan *plan, const u8 *cmd,
			      u32 len, u32 slot)
{
	u32 at = TPM_HEADER_LEN + 4 * slot;

	if (len < at + 4)
		return -EINVAL;
	plan_end(plan, TPM_HANDLE_TPM2, xenmb_get_be32(cmd + at));
	return 0;
}

/* The sessions of a TPM 2.0 authorization area not continued. */
static int tpm2_plan_sessions(const u8 *cmd, u32 len, u32 at,
			      struct tpm_handle_plan *plan)
{
	u32 size, end, handle, nonce, hmac;

	if (len < at + 4)
		return -EINVAL;
	size = xenmb_get_be32(cmd + at);
	at += 4;
	if (size > len - at)
		return -EINVAL;
	for (end = at + size; at < end; at += 2 + hmac) {
		if (end - at < 4 + 2)
			return -EINVAL;
		handle = xenmb_get_be32(cmd + at);
		nonce = xenmb_get_be16(cmd + at + 4);
		at += 6;
		if (end - at < nonce + 1 + 2)
			return -EINVAL;
		at += nonce;
		/* TPMA_SESSION bit 0: continueSession. */
		if (!(cmd[at] & 0x01) && tpm2_flushable(handle))
			plan_end(plan, TPM_HANDLE_TPM2, handle);
		hmac = xenmb_get_be16(cmd + at + 1);
		at += 1;
		if (end - at < 2 + hmac)
			return -EINVAL;
	}
	return 0;
}

static int tpm2_plan(const u8 *cmd, u32 len, int cmd_handles,
		     struct tpm_handle_plan *plan)
{
	u32 code = xenmb_get_be32(cmd + 6);
	int ret = 0;

	switch (code) {
	case CC_CREATE_PRIMARY:
	case CC_LOAD:
	case CC_LOAD_EXTERNAL:
	case CC_CREATE_LOADED:
	case CC_START_AUTH_SESSION:
	case CC_CONTEXT_LOAD:
	case CC_HMAC_START:
	case CC_HASH_SEQUENCE_START:
		plan->creates = TPM_HANDLE_TPM2;
		break;
	case CC_FLUSH_CONTEXT:
		/* Its handle is a parameter, where a handle area would be. */
		ret = plan_end_handle_at(plan, cmd, len, 0);
		break;
	case CC_SEQUENCE_COMPLETE:
		/* The sequence object is flushed when it completes. */
		ret = plan_end_handle_at(plan, cmd, len, 0);
		break;
	case CC_EVENT_SEQUENCE_COMPLETE:
		/* Handles: the PCR, then the sequence object. */
		ret = plan_end_handle_at(plan, cmd, len, 1);
		break;
	}
	if (ret)
		return ret;
	if (xenmb_get_be16(cmd) != TPM2_TAG_SESSIONS || cmd_handles < 0)
		return 0;
	return tpm2_plan_sessions(cmd, len, TPM_HEADER_LEN + 4 * cmd_handles,
				  plan);
}

static int tpm12_plan(const u8 *cmd, u32 len, struct tpm_handle_plan *plan)
{
	u32 code = xenmb_get_be32(cmd + 6);
	u16 tag = xenmb_get_be16(cmd);
	u32 sessions, i, at;

	switch (code) {
	case TPM12_ORD_OIAP:
	case TPM12_ORD_OSAP:
	case TPM12_ORD_DSAP:
		plan->creates = TPM_HANDLE_TPM12_AUTH;
		break;
	case TPM12_ORD_LOAD_KEY2:
		plan->creates = TPM_HANDLE_TPM12_KEY;
		break;
	case TPM12_ORD_TERMINATE_HANDLE:
		if (len < TPM_HEADER_LEN + 4)
			return -EINVAL;
		plan_end(plan, TPM_HANDLE_TPM12_AUTH,
			 xenmb_get_be32(cmd + TPM_HEADER_LEN));
		break;
	case TPM12_ORD_FLUSH_SPECIFIC:
		if (len < TPM_HEADER_LEN + 8)
			return -EINVAL;
		switch (xenmb_get_be32(cmd + TPM_HEADER_LEN + 4)) {
		case TPM12_RT_KEY:
			plan_end(plan, TPM_HANDLE_TPM12_KEY,
				 xenmb_get_be32(cmd + TPM_HEADER_LEN));
			break;
		case TPM12_RT_AUTH:
			plan_end(plan, TPM_HANDLE_TPM12_AUTH,
				 xenmb_get_be32(cmd + TPM_HEADER_LEN));
			break;
		}
		break;
	}
	sessions = tag == TPM12_TAG_RQU_AUTH2_COMMAND ? 2 :
		   tag == TPM12_TAG_RQU_AUTH1_COMMAND ? 1 : 0;
	if (len < TPM_HEADER_LEN + sessions * TPM12_AUTH_TRAILER)
		return -EINVAL;
	for (i = 0; i < sessions; i++) {
		at = len - (i + 1) * TPM12_AUTH_TRAILER;
		if (!cmd[at + 4 + 20])	/* continueAuthSession */
			plan_end(plan, TPM_HANDLE_TPM12_AUTH,
				 xenmb_get_be32(cmd + at));
	}
	return 0;
}

int xenmb_tpm_handles_plan(u32 family, const u8 *cmd, u32 len, int cmd_handles,
			   struct tpm_handle_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	if (len < TPM_HEADER_LEN)
		return -EINVAL;
	if (family == XENMB_TPM_FAMILY_2_0)
		return tpm2_plan(cmd, len, cmd_handles, plan);
	return tpm12_plan(cmd, len, plan);
}

u32 xenmb_tpm_handles_created(const struct tpm_handle_plan *plan, const u8 *rsp,
			      u32 len)
{
	u32 handle;

	if (!plan->creates || len < TPM_HEADER_LEN + 4 ||
	    xenmb_get_be32(rsp + 6))
		return 0;
	handle = xenmb_get_be32(rsp + TPM_HEADER_LEN);
	if (plan->creates == TPM_HANDLE_TPM2 && !tpm2_flushable(handle))
		return 0;
	return handle;
}

u32 xenmb_tpm_handles_flush_cmd(u8 kind, u32 handle, u8 *buf)
{
	u32 len = kind == TPM_HANDLE_TPM2 ? 14 : 18;

	xenmb_put_be16(buf, kind == TPM_HANDLE_TPM2 ? TPM2_TAG_NO_SESSIONS :
						TPM12_TAG_RQU_COMMAND);
	xenmb_put_be32(buf + 2, len);
	xenmb_put_be32(buf + 6, kind == TPM_HANDLE_TPM2 ? CC_FLUSH_CONTEXT :
						    TPM12_ORD_FLUSH_SPECIFIC);
	xenmb_put_be32(buf + 10, handle);
	if (kind != TPM_HANDLE_TPM2)
		xenmb_put_be32(buf + 14, kind == TPM_HANDLE_TPM12_KEY ?
				   TPM12_RT_KEY : TPM12_RT_AUTH);
	return len;
}
