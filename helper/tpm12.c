// SPDX-License-Identifier: GPL-2.0
#include "tpm12.h"

#include <errno.h>

#include "../driver/compat.h"
#include "../driver/tpm_cmd.h"
#include "xenmb_dev.h"

#define TPM12_TAG_RSP_COMMAND 0x00C4

int tpm12_pcr_read(int fd, unsigned int pcr, uint8_t digest[TPM12_DIGEST_LEN])
{
	static struct xenmb_response rsp;
	uint8_t cmd[14];
	int ret;

	xenmb_put_be16(cmd, TPM12_TAG_RQU_COMMAND);
	xenmb_put_be32(cmd + 2, sizeof(cmd));
	xenmb_put_be32(cmd + 6, TPM12_ORD_PCR_READ);
	xenmb_put_be32(cmd + 10, pcr);
	ret = xenmb_tpm_transmit(fd, 0, cmd, sizeof(cmd), &rsp);
	if (ret)
		return ret;
	if (rsp.tpm_rc)
		return (int)rsp.tpm_rc;
	if (rsp.len != TPM_HEADER_LEN + TPM12_DIGEST_LEN ||
	    xenmb_get_be16(rsp.data) != TPM12_TAG_RSP_COMMAND)
		return -EBADMSG;
	memcpy(digest, rsp.data + TPM_HEADER_LEN, TPM12_DIGEST_LEN);
	return 0;
}
