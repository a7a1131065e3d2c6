/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a quote is written as, one writer per family over the flows'
 * results: the files of 'xenmb quote --out' (TPM 2.0: those
 * tpm2_checkquote reads; TPM 1.2: the original's blob and the AIK), and
 * the JSON 'xenmb quote --json' prints and xentpm's --tpm_quote sends
 * (base64 of it) on a TPM 2.0, with the event logs that go beside it.
 */
#ifndef XENMB_QUOTE_OUT_H
#define XENMB_QUOTE_OUT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tpm12_attest.h"
#include "tpm2_flows.h"

/*
 * Writes into @dir (made if missing): TPM 2.0: quote.msg, quote.sig,
 * quote.pcrs and ak.pem; TPM 1.2: quote.bin and aik.pem; both families
 * the host's event logs (eventlog_save_both_in()). 0 or an exit code.
 */
int quote_save_tpm2(const char *dir, const struct tpm2_quote_result *q);
int quote_save_tpm12(const char *dir, const struct tpm12_quote_result *q);

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

#endif /* XENMB_QUOTE_OUT_H */
