/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checks of an attestation over what verify_load.h loaded: the AK's
 * signature over the quote, its structure, the nonce, the PCR digest and
 * the replay of the event logs against the quoted PCRs. Their outcome is
 * a verdict (verdict.h); the comparison with a known-good list is
 * known_good.h's, which the caller adds. Pure computation (OpenSSL,
 * tss2-mu): no TPM, no files.
 */
#ifndef XENMB_VERIFY_H
#define XENMB_VERIFY_H

#include "verdict.h"
#include "verify_load.h"

/*
 * Checks @in. Fills @res (free it with verify_result_free()); returns 0,
 * or -ENOMEM.
 */
int verify_run(const struct verify_input *in, struct verify_result *res);

#endif /* XENMB_VERIFY_H */
