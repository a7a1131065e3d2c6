/* SPDX-License-Identifier: GPL-2.0 */
/* Reading PCRs through /dev/xenmb, for either TPM family. */
#ifndef XENMB_PCR_H
#define XENMB_PCR_H

#include <stddef.h>
#include <stdint.h>

/* TCG_PCR_COUNT PCRs, digests of at most TCG_MAX_DIGEST_SIZE bytes. */
#include "../driver/tcg_log.h"

/*
 * Reads PCR @pcr of bank @alg (TPM_ALG_ID; a TPM 1.2 has SHA1 only) into
 * @digest, *@len set to its size. Returns 0; -ENOENT when the TPM has no
 * such bank allocated; a positive TPM return code; or -errno.
 */
int xenmb_pcr_read(int fd, uint32_t family, uint16_t alg, unsigned int pcr,
		   uint8_t digest[TCG_MAX_DIGEST_SIZE], size_t *len);

#endif /* XENMB_PCR_H */
