/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The helper's exit codes, documented in 'xenmb --help' and the README.
 * Apart from cli.h, so that code returning them need not take the CLI's
 * printers too.
 */
#ifndef XENMB_EXIT_CODES_H
#define XENMB_EXIT_CODES_H

enum {
	EXIT_TPM_ERROR = 1, /* the TPM answered with an error code */
	EXIT_USAGE = 2,
	EXIT_NO_DEVICE = 3,   /* /dev/xenmb cannot be opened */
	EXIT_KERNEL = 4,      /* the kernel refused or failed the request */
	EXIT_NOT_PRESENT = 5, /* no TXT, or no such event log */
	EXIT_MISMATCH = 6,    /* eventlog --check: a PCR does not match */
	EXIT_BAD_LOG = 7,     /* an event log that cannot be parsed */
	EXIT_NO_EK_CERT = 8,  /* ek --cert: no EK certificate in NV */
	EXIT_BAD_AUTH = 9,    /* wrong owner password (or owned with another) */
	EXIT_NOT_FOR_US = 10, /* challenge: made for another EK or AK */
	EXIT_BAD_CRED = 11,   /* challenge: not a tpm2_makecredential file */
	EXIT_UNTRUSTED = 12,  /* verify, known-good: the verdict is untrusted */
	EXIT_HEAP_HIDDEN = 13, /* txt, eventlog: Xen hides the TXT heap */
};

#endif /* XENMB_EXIT_CODES_H */
