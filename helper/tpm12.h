/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TPM 1.2 commands, marshaled by hand: no maintained library speaks TPM 1.2
 * without the trousers daemon (tcsd), which a dom0 should not need. This is
 * the one place TPM 1.2 structures are built and parsed.
 */
#ifndef XENMB_TPM12_H
#define XENMB_TPM12_H

#include <stddef.h>
#include <stdint.h>

#define TPM12_DIGEST_LEN 20

/*
 * TPM_PcrRead of @pcr at locality 0 over @fd. Returns 0, a positive TPM
 * return code, or -errno of the transport / -EBADMSG for a bad response.
 */
int tpm12_pcr_read(int fd, unsigned int pcr, uint8_t digest[TPM12_DIGEST_LEN]);

#endif /* XENMB_TPM12_H */
