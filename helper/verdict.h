/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verdict of an attestation: the PCR values a quote vouches for, and
 * the reasons (why untrusted) and notes the checks collect, each named by
 * its check. The checks (verify.h) and the known-good comparison
 * (known_good.h) both add to it; 'xenmb verify' prints it, as text or as
 * JSON. No TPM, no files, no crypto.
 */
#ifndef XENMB_VERDICT_H
#define XENMB_VERDICT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../driver/tcg_log.h"

#define VERIFY_MAX_BANKS 8
#define VERIFY_MAX_LOGS 2

/* PCR values of one bank; @mask says which PCRs have one. */
struct verify_bank {
	uint16_t alg;
	uint16_t size;
	uint32_t mask;
	uint8_t value[TCG_PCR_COUNT][TCG_MAX_DIGEST_SIZE];
};

struct verify_pcrs {
	uint32_t count;
	struct verify_bank banks[VERIFY_MAX_BANKS];
};

/* An event log that came with the quote. */
struct verify_log {
	char name[8]; /* "srtm" or "drtm" */
	uint8_t *buf;
	size_t len;
};

/* The bank of @alg in @pcrs, or NULL. */
const struct verify_bank *verify_pcrs_bank(const struct verify_pcrs *pcrs,
					   uint16_t alg);

/*
 * Sets PCR @pcr of bank @alg (added when new) to @value; -1 when the bank
 * is unknown or there is no room, the PCR above 23 or @len not its size.
 */
int verify_pcrs_set(struct verify_pcrs *pcrs, uint16_t alg, uint32_t pcr,
		    const uint8_t *value, size_t len);

/* What a reason is about; its name is the first word of the line. */
enum verify_check {
	VERIFY_INPUT,	   /* the inputs themselves */
	VERIFY_SIGNATURE,  /* the AK's signature over the quote */
	VERIFY_QUOTE,	   /* the quote's structure */
	VERIFY_NONCE,	   /* extraData / externalData */
	VERIFY_PCR_DIGEST, /* pcrDigest / composite vs the PCR values */
	VERIFY_LOG,	   /* an event log that cannot be read */
	VERIFY_REPLAY,	   /* replay of the logs vs the quoted PCRs */
	VERIFY_KNOWN_GOOD, /* comparison with the known-good list */
	VERIFY_CHECK_COUNT,
};

struct verify_line {
	enum verify_check check;
	char *text;
};

struct verify_result {
	bool trusted;
	bool ran[VERIFY_CHECK_COUNT]; /* the check was done */
	struct verify_line *reasons;  /* why untrusted */
	size_t reason_count;
	struct verify_line *notes; /* facts that do not change the verdict */
	size_t note_count;
	struct verify_pcrs quoted; /* the values the quote vouches for */
};

void verify_result_free(struct verify_result *res);

/* "signature", "nonce", "replay" ... */
const char *verify_check_name(enum verify_check check);

/*
 * Adds a reason (@reason true: @res is then untrusted) or a note to
 * @res; -ENOMEM on failure.
 */
__attribute__((format(printf, 4, 5))) int verify_add(struct verify_result *res,
						     bool reason,
						     enum verify_check check,
						     const char *fmt, ...);

/* The verdict for machines: {"verdict", "reasons", "notes", "checks"}. */
struct json_object *verify_result_json(const struct verify_result *res);

#endif /* XENMB_VERDICT_H */
