// SPDX-License-Identifier: GPL-2.0
#include "pcr.h"

#include <errno.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#include "../driver/compat.h"
#include "../driver/tpm_cmd.h"
#include "tpm12.h"
#include "tpm2_parse.h"
#include "xenmb_dev.h"

/*
 * TPM2_PCR_Read of one PCR of one bank, marshaled with tpm2-tss's MU; the
 * answer is read by xenmb_tpm2_pcr_read_parse().
 */
static int tpm2_pcr_read(int fd, uint16_t alg, unsigned int pcr,
			 uint8_t digest[TCG_MAX_DIGEST_SIZE], size_t *len)
{
	static struct xenmb_response rsp;
	TPML_PCR_SELECTION sel = {.count = 1};
	uint8_t cmd[64];
	size_t off = TPM_HEADER_LEN;
	int ret;

	sel.pcrSelections[0].hash = alg;
	sel.pcrSelections[0].sizeofSelect = 3;
	sel.pcrSelections[0].pcrSelect[pcr / 8] = (uint8_t)(1U << (pcr % 8));
	if (Tss2_MU_TPML_PCR_SELECTION_Marshal(&sel, cmd, sizeof(cmd), &off))
		return -EINVAL;
	xenmb_put_be16(cmd, TPM2_TAG_NO_SESSIONS);
	xenmb_put_be32(cmd + 2, (uint32_t)off);
	xenmb_put_be32(cmd + 6, TPM2_CMD_PCR_READ);

	ret = xenmb_tpm_transmit(fd, 0, cmd, off, &rsp);
	if (ret)
		return ret;
	if (rsp.tpm_rc)
		return (int)rsp.tpm_rc;
	return xenmb_tpm2_pcr_read_parse(rsp.data, rsp.len, alg, pcr, digest,
					 TCG_MAX_DIGEST_SIZE, len);
}

int xenmb_pcr_read(int fd, uint32_t family, uint16_t alg, unsigned int pcr,
		   uint8_t digest[TCG_MAX_DIGEST_SIZE], size_t *len)
{
	int ret;

	if (pcr >= TCG_PCR_COUNT)
		return -EINVAL;
	if (family == XENMB_TPM_FAMILY_2_0)
		return tpm2_pcr_read(fd, alg, pcr, digest, len);
	if (alg != TCG_ALG_SHA1)
		return -ENOENT;
	ret = tpm12_pcr_read(fd, pcr, digest);
	if (!ret)
		*len = TPM12_DIGEST_LEN;
	return ret;
}
