// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: TPM command header validation, the locality policy and the
 * handle tracking, as the module runs them on what a root process hands
 * in. The first four bytes pick family, policy level, interface
 * localities and locality (also the handle-area size); the rest is the
 * command, and read as an answer too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driver/policy.h"
#include "driver/tpm_handles.h"
#include "uapi/linux/xenmb.h"

static const u32 nv_allow[] = {0x01C10110, 0x40000010};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xenmb_policy_request req;
	struct tpm_cmd_header hdr;
	char rc_name[64];
	uint8_t *cmd;

	if (size < 4)
		return 0;
	cmd = malloc(size - 4 ? size - 4 : 1);
	if (!cmd)
		return 0;
	memcpy(cmd, data + 4, size - 4);
	req.family = data[0] % 3;
	req.policy = data[1];
	req.iface_localities = data[2] & 0x1F;
	req.locality = data[3];
	req.cmd = cmd;
	req.cmd_len = (u32)(size - 4);
	req.nv_allow = nv_allow;
	req.nv_allow_count = 2;
	if (!xenmb_policy_check(&req, &hdr)) {
		struct tpm_handle_plan plan;

		/* As the module does: plan, then the answer (here, the same).
		 */
		if (!xenmb_tpm_handles_plan(req.family, cmd, req.cmd_len,
					    (int)(data[3] % 5) - 1, &plan))
			xenmb_tpm_handles_created(&plan, cmd, req.cmd_len);
	}
	xenmb_tpm_cmd_name(req.family, hdr.code);
	if (size >= 8)
		xenmb_tpm_rc_describe(req.family, xenmb_get_be32(data + 4),
				      rc_name, sizeof(rc_name));
	free(cmd);
	return 0;
}
