/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The JSON of a quote, as 'xenmb quote --json' prints it and xentpm's
 * --tpm_quote sends (base64 of it) on a TPM 2.0: one builder per family,
 * over the flows' results, with the event logs that go beside the quote.
 */
#ifndef XENMB_QUOTE_JSON_H
#define XENMB_QUOTE_JSON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tpm12_attest.h"
#include "tpm2_flows.h"

/* Strict base64 of 1 to TPM2_QUOTE_NONCE_MAX bytes, either family's
 * nonce; 0 or -1. */
int quote_nonce_decode(const char *text, TPM2B_DATA *nonce);

/* The SRTM and DRTM logs' raw bytes; NULL: the host has no such log. */
struct quote_logs {
	uint8_t *srtm;
	size_t srtm_len;
	uint8_t *drtm;
	size_t drtm_len;
};

/* The host's logs, as 'quote --out' saves them; 0 or an exit code. */
int quote_logs_load(struct quote_logs *logs);

/* The logs saved in @dir (srtm.log, drtm.log), those that are there;
 * none when @dir is NULL. */
void quote_logs_read_dir(struct quote_logs *logs, const char *dir);

void quote_logs_free(struct quote_logs *logs);

/* The JSON object of a quote; @logs may be NULL (no logs in it). */
struct json_object *quote_json_tpm2(const TPM2B_DATA *nonce,
				    const struct tpm2_quote_result *q,
				    const struct quote_logs *logs);
struct json_object *quote_json_tpm12(const TPM2B_DATA *nonce,
				     const struct tpm12_quote_result *q,
				     const struct quote_logs *logs);

/* The text 'xenmb quote --json' prints for @o (released), malloc()ed. */
char *quote_json_text(struct json_object *o);

#endif /* XENMB_QUOTE_JSON_H */
