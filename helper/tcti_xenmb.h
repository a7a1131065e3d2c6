/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libtss2-tcti-xenmb: a tpm2-tss TCTI (version 2) that sends each TPM 2.0
 * command through /dev/xenmb at a chosen locality, so the module's policy
 * and audit apply to tpm2-tss and tpm2-tools ("tpm2_* -T xenmb:locality=2").
 *
 * Exported from the shared object: Tss2_Tcti_Info and Tss2_Tcti_Xenmb_Init.
 */
#ifndef XENMB_TCTI_XENMB_H
#define XENMB_TCTI_XENMB_H

#include <tss2/tss2_tcti.h>

/*
 * The configuration string is empty (locality 0) or "locality=N" with N in
 * 0..3. With @ctx NULL, sets *@size to the context size and returns.
 */
TSS2_RC Tss2_Tcti_Xenmb_Init(TSS2_TCTI_CONTEXT *ctx, size_t *size,
			     const char *conf);

/* The TCTI's description, for libtss2-tctildr (TSS2_TCTI_INFO_SYMBOL). */
const TSS2_TCTI_INFO *Tss2_Tcti_Info(void);

/*
 * Parses @conf (NULL or "" or "locality=N") into *@locality. Returns
 * TSS2_RC_SUCCESS or TSS2_TCTI_RC_BAD_VALUE after one line on stderr.
 * Internal; declared here for the unit tests.
 */
TSS2_RC xenmb_tcti_parse_conf(const char *conf, unsigned int *locality);

#endif /* XENMB_TCTI_XENMB_H */
