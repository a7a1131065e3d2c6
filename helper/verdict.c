// SPDX-License-Identifier: GPL-2.0
/*
 * The verdict (see verdict.h): PCR values by bank, the reasons and notes
 * the checks collect, and the verdict's JSON form.
 */
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
#define _GNU_SOURCE /* vasprintf */
#include "verdict.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const check_names[VERIFY_CHECK_COUNT] = {
    [VERIFY_INPUT] = "input",		[VERIFY_SIGNATURE] = "signature",
    [VERIFY_QUOTE] = "quote",		[VERIFY_NONCE] = "nonce",
    [VERIFY_PCR_DIGEST] = "pcr-digest", [VERIFY_LOG] = "log",
    [VERIFY_REPLAY] = "replay",		[VERIFY_KNOWN_GOOD] = "known-good",
};

const char *verify_check_name(enum verify_check check)
{
	return check < VERIFY_CHECK_COUNT ? check_names[check] : "?";
}

const struct verify_bank *verify_pcrs_bank(const struct verify_pcrs *pcrs,
					   uint16_t alg)
{
	uint32_t i;

	for (i = 0; i < pcrs->count; i++)
		if (pcrs->banks[i].alg == alg)
			return &pcrs->banks[i];
	return NULL;
}

/* The bank of @alg in @pcrs, added when new; NULL when full or unknown. */
static struct verify_bank *pcrs_bank_add(struct verify_pcrs *pcrs, uint16_t alg)
{
	struct verify_bank *b =
	    (struct verify_bank *)verify_pcrs_bank(pcrs, alg);

	if (b)
		return b;
	if (pcrs->count == VERIFY_MAX_BANKS || !xenmb_tcg_alg_digest_size(alg))
		return NULL;
	b = &pcrs->banks[pcrs->count++];
	memset(b, 0, sizeof(*b));
	b->alg = alg;
	b->size = xenmb_tcg_alg_digest_size(alg);
	return b;
}

int verify_pcrs_set(struct verify_pcrs *pcrs, uint16_t alg, uint32_t pcr,
		    const uint8_t *value, size_t len)
{
	struct verify_bank *b = pcrs_bank_add(pcrs, alg);

	if (!b || pcr >= TCG_PCR_COUNT || len != b->size)
		return -1;
	memcpy(b->value[pcr], value, len);
	b->mask |= 1U << pcr;
	return 0;
}

int verify_add(struct verify_result *res, bool reason, enum verify_check check,
	       const char *fmt, ...)
{
	struct verify_line **lines = reason ? &res->reasons : &res->notes;
	size_t *count = reason ? &res->reason_count : &res->note_count;
	struct verify_line *grown;
	char *text = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	grown = realloc(*lines, (*count + 1) * sizeof(**lines));
	if (!grown) {
		free(text);
		return -ENOMEM;
	}
	*lines = grown;
	/* A reason added after verify_run() (known_good_compare) counts. */
	if (reason)
		res->trusted = false;
	grown[*count].check = check;
	grown[*count].text = text;
	(*count)++;
	return 0;
}

void verify_result_free(struct verify_result *res)
{
	size_t i;

	for (i = 0; i < res->reason_count; i++)
		free(res->reasons[i].text);
	for (i = 0; i < res->note_count; i++)
		free(res->notes[i].text);
	free(res->reasons);
	free(res->notes);
	memset(res, 0, sizeof(*res));
}

static struct json_object *lines_json(const struct verify_line *lines,
				      size_t count)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < count; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(
		    o, "check",
		    json_object_new_string(verify_check_name(lines[i].check)));
		json_object_object_add(o, "text",
				       json_object_new_string(lines[i].text));
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *verify_result_json(const struct verify_result *res)
{
	struct json_object *o = json_object_new_object();
	struct json_object *checks = json_object_new_object();
	size_t i, c;

	json_object_object_add(
	    o, "verdict",
	    json_object_new_string(res->trusted ? "trusted" : "untrusted"));
	/* Per check: "ok", "failed", or "not done" (no input for it). */
	for (c = 0; c < VERIFY_CHECK_COUNT; c++) {
		bool failed = false;

		for (i = 0; i < res->reason_count; i++)
			failed |= res->reasons[i].check == c;
		if (c == VERIFY_INPUT && !failed)
			continue;
		json_object_object_add(
		    checks, check_names[c],
		    json_object_new_string(failed	 ? "failed"
					   : res->ran[c] ? "ok"
							 : "not done"));
	}
	json_object_object_add(o, "checks", checks);
	json_object_object_add(o, "reasons",
			       lines_json(res->reasons, res->reason_count));
	json_object_object_add(o, "notes",
			       lines_json(res->notes, res->note_count));
	return o;
}
