// SPDX-License-Identifier: GPL-2.0
/*
 * One kernel audit record per XENMB_IOC_TPM_CMD, allowed or refused.
 *
 * The record names the command by its header only: parameters may hold
 * authorization values, keys or sealed data, so no byte past the 10-byte
 * header is ever logged.
 */
#include <linux/audit.h>

#include "xenmb.h"

void xenmb_audit_cmd(const struct xenmb_cmd_outcome *out)
{
	struct audit_buffer *ab;
	const char *name = NULL;

	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_KERNEL_OTHER);
	if (!ab)
		return;

	audit_log_format(ab, "op=xenmb_tpm_cmd tpm=%s",
			 out->have_family ? tpm_family_name(out->family) : "?");
	if (out->have_locality)
		audit_log_format(ab, " locality=%u", out->locality);
	else
		audit_log_format(ab, " locality=?");
	if (out->have_header) {
		name = tpm_cmd_name(out->family, out->hdr.code);
		audit_log_format(ab, " cmd=%s code=0x%x", name ?: "unknown",
				 out->hdr.code);
	} else {
		audit_log_format(ab, " cmd=? code=?");
	}
	audit_log_format(ab, " len=%u", out->len);
	if (out->tpm_answered)
		audit_log_format(ab, " tpm_rc=0x%x", out->tpm_rc);
	else
		audit_log_format(ab, " tpm_rc=?");
	audit_log_format(ab, " errno=%d duration_ns=%llu res=%d", out->err,
			 out->duration_ns, out->err == 0);
	audit_log_task_info(ab);
	audit_log_end(ab);
}
