/* SPDX-License-Identifier: GPL-2.0 */
/* Reading PCRs through /dev/xenmb, for either TPM family. */
#ifndef XENMB_PCR_H
#define XENMB_PCR_H

#include <stddef.h>
#include <stdint.h>

#define XENMB_PCR_COUNT 24
#define XENMB_DIGEST_MAX 64

/*
 * Reads PCR @pcr of bank @alg (TPM_ALG_ID; a TPM 1.2 has SHA1 only) into
 * @digest, *@len set to its size. Returns 0; -ENOENT when the TPM has no
 * such bank allocated; a positive TPM return code; or -errno.
 */
int xenmb_pcr_read(int fd, uint32_t family, uint16_t alg, unsigned int pcr,
		   uint8_t digest[XENMB_DIGEST_MAX], size_t *len);

#endif /* XENMB_PCR_H */
