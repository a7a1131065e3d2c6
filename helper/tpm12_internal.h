/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What tpm12_flows.c and tpm12_attest.c share: one run's link to the TPM
 * and the owner secret, and the mapping of TPM 1.2 failures to lines and
 * exit codes.
 */
#ifndef XENMB_TPM12_INTERNAL_H
#define XENMB_TPM12_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "owner_secret.h"
#include "tpm12.h"

struct t12 {
	int fd;
	struct tpm12_transport t;
	const char *config; /* owner config file; NULL: OWNER_CONFIG_PATH */
	uint8_t secret[OWNER_SECRET_LEN];
	bool have_secret;
	int from_default;
};

/* Opens /dev/xenmb; 0 or EXIT_NO_DEVICE (said why). */
int t12_open(struct t12 *c, const char *config);

/* Wipes the secret and closes the device. */
void t12_close(struct t12 *c);

/* Reads the owner secret once; 0 or EXIT_BAD_AUTH (said why). */
int t12_load_secret(struct t12 *c);

const char *t12_config_path(const struct t12 *c);

/*
 * Says why @what failed with @rc (a TPM 1.2 return code, or -errno) in one
 * line and returns the exit code; a TPM code is kept in tpm12_last_rc.
 */
int t12_fail(const struct t12 *c, const char *what, int rc);

/*
 * For owner-authorized work: the TPM enabled, active and owned, and the
 * owner secret loaded. 0 or an exit code (said why).
 */
int t12_require_owner(struct t12 *c, const char *what);

/* The EK's TPM_PUBKEY: TPM_ReadPubek, or as the owner once owned. */
int t12_read_ek(struct t12 *c, struct tpm12_blob *pubek);

#endif /* XENMB_TPM12_INTERNAL_H */
