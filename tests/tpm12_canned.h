/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A TPM 1.2 transport (helper/tpm12.h) that answers with canned responses,
 * one per command, in order, then -EIO: for the unit tests of tpm12.c's
 * response parsing (tests/unit/test_tpm12.c) and its fuzzer
 * (tests/fuzz/fuzz_tpm12.c), which hands in what the TPM "answered".
 */
#ifndef XENMB_TESTS_TPM12_CANNED_H
#define XENMB_TESTS_TPM12_CANNED_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../helper/tpm12.h"

/* Up to three commands are answered: OIAP, OSAP and the command itself. */
#define TPM12_CANNED_MAX 3

struct tpm12_canned {
	const uint8_t *rsp[TPM12_CANNED_MAX];
	size_t len[TPM12_CANNED_MAX];
	int next, count;
};

static inline int tpm12_canned_transmit(void *ctx, const uint8_t *cmd,
					size_t cmd_len, uint8_t *rsp,
					size_t rsp_size, size_t *rsp_len)
{
	struct tpm12_canned *c = ctx;
	int i = c->next++;

	(void)cmd;
	(void)cmd_len;
	if (i >= c->count)
		return -EIO;
	if (c->len[i] > rsp_size)
		return -EMSGSIZE;
	memcpy(rsp, c->rsp[i], c->len[i]);
	*rsp_len = c->len[i];
	return 0;
}

#endif /* XENMB_TESTS_TPM12_CANNED_H */
