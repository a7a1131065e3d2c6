/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs per TPM family in what xenmb prints, one printer per
 * family: attest.c picks the one for the TPM it has, so that the front
 * ends print without asking which family it is.
 */
#ifndef XENMB_ATTEST_PRINT_H
#define XENMB_ATTEST_PRINT_H

#include <stdbool.h>

#include "tpm12_flows.h"
#include "tpm2_flows.h"

/* 'owner status' (@json: as JSON) of a TPM 2.0: the auths, DA counters. */
void attest_print_owner_tpm2(const struct tpm2_owner_state *st, bool json);

/* 'owner status' of a TPM 1.2: its flags, the owner, the version. */
void attest_print_owner_tpm12(const struct tpm12_owner_state *st, bool json);

/* What 'owner take' says: taken with the secret of @config, or owned. */
void attest_print_owner_taken_tpm2(bool changed, const char *config,
				   bool from_default, bool empty_endorsement);
void attest_print_owner_taken_tpm12(bool taken, const char *config,
				    bool from_default);

/* What 'owner clear' says; @f: the flags after (NULL: unknown). */
void attest_print_owner_cleared_tpm2(void);
void attest_print_owner_cleared_tpm12(bool cleared,
				      const struct tpm12_flags *f);

#endif /* XENMB_ATTEST_PRINT_H */
