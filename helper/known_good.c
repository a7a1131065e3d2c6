// SPDX-License-Identifier: GPL-2.0
/*
 * Known-good lists (see known_good.h): recording them from a verified
 * quote and its logs, and explaining, one line a difference, how a fresh
 * quote departs from one.
 */
#include "encoding.h"
#include "known_good.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eventlog.h"

#define DESC_MAX 160

/* One event of a fresh log, or of the list, with its place. */
struct kg_event {
	const char *log;
	uint32_t pcr;
	uint32_t type;
	uint32_t pos; /* among the events of the same log and PCR */
	uint32_t seq; /* among all events of its log */
	bool matched; /* a list entry: a fresh event was compared to it */
	struct tcg_event ev;	  /* fresh events */
	struct json_object *item; /* list entries */
};

struct kg_events {
	struct kg_event *e;
	size_t count;
};

static bool contains(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (!strncasecmp(haystack, needle, n))
			return true;
	return false;
}

const char *known_good_component(uint32_t type, const char *desc)
{
	static const struct {
		uint32_t type;
		const char *component;
	} by_type[] = {
	    {0x402, "SINIT ACM"},
	    {0x404, "MLE (tboot)"},
	    {0x40A, "BIOS ACM registers"},
	    {0x40B, "CPU S-CRTM status"},
	    {0x40C, "launch control policy"},
	    {0x40F, "OsSinitData capabilities"},
	    {0x410, "SINIT signing key"},
	    {0x411, "launch control policy"},
	    {0x412, "launch control policy"},
	    {0x413, "launch control policy"},
	    {0x414, "TPM NV information"},
	    {0x415, "BIOS (cold boot)"},
	    {0x501, "tboot launch policy"},
	    {0x502, "tboot module"},
	    {0x503, "asset tag"},
	    {TCG_EV_NO_ACTION, "log information (not measured)"},
	    {TCG_EV_SEPARATOR, "separator"},
	    {TCG_EV_POST_CODE, "firmware"},
	    {TCG_EV_S_CRTM_CONTENTS, "firmware"},
	    {TCG_EV_S_CRTM_VERSION, "firmware version"},
	    {0x08, "firmware version"},
	    {0x09, "CPU microcode"},
	    {0x0A, "platform configuration"},
	    {TCG_EV_IPL, "boot loader"},
	    {0x0E, "partition table"},
	    {TCG_EV_ACTION, "firmware action"},
	    {TCG_EV_EFI_ACTION, "firmware action"},
	    {TCG_EV_EFI_VARIABLE_DRIVER_CONFIG, "Secure Boot configuration"},
	    {TCG_EV_EFI_VARIABLE_AUTHORITY, "Secure Boot authority"},
	    {TCG_EV_EFI_VARIABLE_BOOT, "UEFI boot variable"},
	    {TCG_EV_EFI_BOOT_SERVICES_APPLICATION, "boot loader"},
	    {0x80000004, "UEFI driver"},
	    {0x80000005, "UEFI driver"},
	    {0x80000006, "partition table"},
	    {0x80000008, "firmware"},
	    {0x80000009, "ACPI/SMBIOS tables"},
	};
	size_t i;

	/* tboot names its modules by file name and command line. */
	if (type == 0x503 || contains(desc, "asset tag"))
		return "asset tag";
	if (contains(desc, "initrd") || contains(desc, "initramfs"))
		return "initrd";
	if (contains(desc, "command line") || contains(desc, "cmdline"))
		return contains(desc, "dom0") ? "dom0 command line"
					      : "command line";
	if (contains(desc, "vmlinuz") || contains(desc, "dom0 kernel") ||
	    contains(desc, "bzImage"))
		return "dom0 kernel";
	if (contains(desc, "xen"))
		return "Xen";
	if (contains(desc, "tboot") && type != 0x501)
		return "tboot";
	for (i = 0; i < sizeof(by_type) / sizeof(by_type[0]); i++)
		if (by_type[i].type == type)
			return by_type[i].component;
	return "other";
}

static void describe(const struct tcg_event *ev, char *out, size_t size)
{
	eventlog_data_text(ev->data, ev->data_len, out, size, 32);
}

static void data_sha256(const struct tcg_event *ev, char *out)
{
	uint8_t md[SHA256_DIGEST_LENGTH];

	SHA256(ev->data, ev->data_len, md);
	hex_encode_to(md, sizeof(md), out);
}

/* The events of every log of @logs, each with its place; -1 on a bad log. */
static int fresh_events(const struct verify_log *logs, unsigned int log_count,
			struct kg_events *out, char *err, size_t size)
{
	unsigned int l;
	size_t cap = 0;

	out->e = NULL;
	out->count = 0;
	for (l = 0; l < log_count; l++) {
		const struct verify_log *log = &logs[l];
		struct tcg_log_iter it;
		struct tcg_event ev;
		uint32_t seq = 0;
		int ret;

		if (log->len > UINT32_MAX)
			return -1;
		ret = xenmb_tcg_log_open(&it, log->buf, (uint32_t)log->len,
					 TCG_LOG_AUTO, 0);
		while (!ret && (ret = xenmb_tcg_log_next(&it, &ev)) == 1) {
			struct kg_event *k;

			if (out->count == cap) {
				cap = cap ? 2 * cap : 256;
				k = realloc(out->e, cap * sizeof(*k));
				if (!k)
					return -1;
				out->e = k;
			}
			k = &out->e[out->count++];
			memset(k, 0, sizeof(*k));
			k->log = log->name;
			k->pcr = ev.pcr;
			k->type = ev.type;
			k->seq = seq++;
			k->ev = ev;
			ret = 0;
		}
		if (ret < 0) {
			char why[200];

			snprintf(err, size, "the %s log cannot be read: %s",
				 log->name,
				 eventlog_strerror(&it, ret, why, sizeof(why)));
			return -1;
		}
	}
	return 0;
}

/*
 * Events are matched by their place among the events of the same log and
 * PCR. Groups: the log (srtm, drtm, any other name) times the PCR (0-23,
 * any other). Matching also wants the same PCR and log name, so a shared
 * group only costs a mismatch, never a wrong match. Linear, as a log may
 * hold TCG_LOG_MAX_EVENTS records.
 */
#define KG_LOGS 3
#define KG_SLOTS (TCG_PCR_COUNT + 1)

static unsigned int group_of(const struct kg_event *e)
{
	unsigned int log = !strcmp(e->log, "srtm")   ? 0
			   : !strcmp(e->log, "drtm") ? 1
						     : 2;

	return log * KG_SLOTS +
	       (e->pcr < TCG_PCR_COUNT ? e->pcr : TCG_PCR_COUNT);
}

/* Numbers each event within its group, in log order. */
static void number(struct kg_events *events)
{
	uint32_t count[KG_LOGS * KG_SLOTS] = {0};
	size_t i;

	for (i = 0; i < events->count; i++)
		events->e[i].pos = count[group_of(&events->e[i])]++;
}

static struct json_object *event_entry(const struct kg_event *k)
{
	struct json_object *o = json_object_new_object();
	struct json_object *digests = json_object_new_object();
	char desc[DESC_MAX], name[32], hexbuf[2 * TCG_MAX_DIGEST_SIZE + 1];
	uint32_t i;

	describe(&k->ev, desc, sizeof(desc));
	json_object_object_add(o, "log", json_object_new_string(k->log));
	json_object_object_add(o, "pcr", json_object_new_int64(k->pcr));
	json_object_object_add(o, "type", json_object_new_int64(k->type));
	json_object_object_add(o, "type_name",
			       json_object_new_string(eventlog_type_name(
				   k->type, name, sizeof(name))));
	json_object_object_add(
	    o, "component",
	    json_object_new_string(known_good_component(k->type, desc)));
	json_object_object_add(o, "description", json_object_new_string(desc));
	for (i = 0; i < k->ev.digest_count; i++) {
		struct json_object *a = json_object_new_array();

		hex_encode_to(k->ev.digests[i].digest, k->ev.digests[i].size,
			      hexbuf);
		json_object_array_add(a, json_object_new_string(hexbuf));
		json_object_object_add(
		    digests,
		    eventlog_alg_name(k->ev.digests[i].alg, name, sizeof(name)),
		    a);
	}
	json_object_object_add(o, "digests", digests);
	data_sha256(&k->ev, hexbuf);
	json_object_object_add(o, "data_sha256",
			       json_object_new_string(hexbuf));
	return o;
}

struct json_object *known_good_record(int family, const struct verify_log *logs,
				      unsigned int log_count,
				      const struct verify_pcrs *quoted,
				      char *err, size_t size)
{
	struct json_object *list, *pcrs, *events;
	char key[8], hexbuf[2 * TCG_MAX_DIGEST_SIZE + 1];
	struct kg_events fresh;
	uint32_t b, pcr;
	size_t i;

	if (fresh_events(logs, log_count, &fresh, err, size)) {
		free(fresh.e);
		return NULL;
	}
	list = json_object_new_object();
	pcrs = json_object_new_object();
	events = json_object_new_array();
	json_object_object_add(list, "xenmb_known_good",
			       json_object_new_int(KNOWN_GOOD_FORMAT));
	json_object_object_add(
	    list, "tpm", json_object_new_string(family == 1 ? "1.2" : "2.0"));
	for (b = 0; b < quoted->count; b++) {
		const struct verify_bank *q = &quoted->banks[b];
		struct json_object *bank = json_object_new_object();

		for (pcr = 0; pcr < TCG_PCR_COUNT; pcr++) {
			struct json_object *a;

			if (!(q->mask & (1U << pcr)))
				continue;
			a = json_object_new_array();
			hex_encode_to(q->value[pcr], q->size, hexbuf);
			json_object_array_add(a,
					      json_object_new_string(hexbuf));
			snprintf(key, sizeof(key), "%u", pcr);
			json_object_object_add(bank, key, a);
		}
		json_object_object_add(pcrs, xenmb_tcg_alg_name(q->alg), bank);
	}
	json_object_object_add(list, "pcrs", pcrs);
	for (i = 0; i < fresh.count; i++)
		json_object_array_add(events, event_entry(&fresh.e[i]));
	json_object_object_add(list, "events", events);
	free(fresh.e);
	return list;
}

/* ---- comparison ------------------------------------------------------- */

static bool accepted(struct json_object *values, const char *hexval)
{
	size_t i, n;

	if (!values || !json_object_is_type(values, json_type_array))
		return false;
	n = json_object_array_length(values);
	for (i = 0; i < n; i++) {
		const char *s = json_object_get_string(
		    json_object_array_get_idx(values, i));

		if (s && !strcasecmp(s, hexval))
			return true;
	}
	return false;
}

/* The first accepted value, for the message; "" when none. */
static const char *first_value(struct json_object *values)
{
	const char *s = NULL;

	if (values && json_object_is_type(values, json_type_array) &&
	    json_object_array_length(values))
		s = json_object_get_string(
		    json_object_array_get_idx(values, 0));
	return s ? s : "";
}

static const char *str_field(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return "";
	return json_object_get_string(v) ?: "";
}

static int compare_pcrs(struct json_object *list,
			const struct verify_pcrs *quoted,
			struct verify_result *res)
{
	struct json_object *pcrs;
	char hexbuf[2 * TCG_MAX_DIGEST_SIZE + 1];
	int diffs = 0;

	if (!json_object_object_get_ex(list, "pcrs", &pcrs) ||
	    !json_object_is_type(pcrs, json_type_object))
		return 0;
	json_object_object_foreach(pcrs, bank_name, bank)
	{
		const struct verify_bank *q = NULL;
		uint32_t b;

		for (b = 0; b < quoted->count; b++)
			if (!strcmp(xenmb_tcg_alg_name(quoted->banks[b].alg),
				    bank_name))
				q = &quoted->banks[b];
		if (!json_object_is_type(bank, json_type_object))
			continue;
		json_object_object_foreach(bank, key, values)
		{
			char *end;
			unsigned long pcr = strtoul(key, &end, 10);

			if (*end || pcr >= TCG_PCR_COUNT)
				continue;
			diffs++;
			if (!q || !(q->mask & (1U << pcr))) {
				if (verify_add(res, true, VERIFY_KNOWN_GOOD,
					       "PCR %lu (%s): in the list, but "
					       "not in the quote",
					       pcr, bank_name))
					return -ENOMEM;
				continue;
			}
			hex_encode_to(q->value[pcr], q->size, hexbuf);
			if (accepted(values, hexbuf)) {
				diffs--;
				continue;
			}
			if (verify_add(res, true, VERIFY_KNOWN_GOOD,
				       "PCR %lu (%s): %s is not an accepted "
				       "value (known good: %s)",
				       pcr, bank_name, hexbuf,
				       first_value(values)))
				return -ENOMEM;
		}
	}
	return diffs;
}

/* The list's events, with the place of each; entries not objects skipped. */
static int list_events(struct json_object *list, struct kg_events *out)
{
	struct json_object *events, *v;
	size_t i, n;

	out->e = NULL;
	out->count = 0;
	if (!json_object_object_get_ex(list, "events", &events) ||
	    !json_object_is_type(events, json_type_array))
		return 0;
	n = json_object_array_length(events);
	out->e = calloc(n ? n : 1, sizeof(*out->e));
	if (!out->e)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct json_object *item = json_object_array_get_idx(events, i);
		struct kg_event *k = &out->e[out->count];

		if (!json_object_is_type(item, json_type_object))
			continue;
		k->item = item;
		k->log = str_field(item, "log");
		if (json_object_object_get_ex(item, "pcr", &v))
			k->pcr = (uint32_t)json_object_get_int64(v);
		if (json_object_object_get_ex(item, "type", &v))
			k->type = (uint32_t)json_object_get_int64(v);
		out->count++;
	}
	number(out);
	return 0;
}

/* "drtm log event 12, PCR 19 (0x00000502, initrd: "module 2: ...")" */
static void event_label(const char *log, uint32_t seq, uint32_t pcr,
			uint32_t type, const char *desc, char *out, size_t size)
{
	char name[32];

	snprintf(out, size, "PCR %u, %s log event %u (%s, %s: \"%s\")", pcr,
		 log, seq, eventlog_type_name(type, name, sizeof(name)),
		 known_good_component(type, desc), desc);
}

/* Compares fresh event @f with list entry @k; one line if they differ. */
static int compare_event(const struct kg_event *f, const struct kg_event *k,
			 struct verify_result *res)
{
	char desc[DESC_MAX], label[DESC_MAX + 128], what[512] = "";
	char banks[64] = "", shown[320] = "";
	char hexbuf[2 * TCG_MAX_DIGEST_SIZE + 1], name[32];
	struct json_object *digests = NULL, *values;
	const char *want_data;
	uint32_t i;

	describe(&f->ev, desc, sizeof(desc));
	event_label(f->log, f->seq, f->pcr, f->type, desc, label,
		    sizeof(label));
	bool type_changed = f->type != k->type;

	if (type_changed) {
		snprintf(what, sizeof(what), "type is now %s, known good %s",
			 eventlog_type_name(f->type, name, sizeof(name)),
			 str_field(k->item, "type_name"));
	}
	json_object_object_get_ex(k->item, "digests", &digests);
	/*
	 * The banks whose digest is not accepted, in one line, with the
	 * values of one of them (SHA-256 when it is among them).
	 */
	for (i = 0; !type_changed && i < f->ev.digest_count; i++) {
		const char *bank =
		    eventlog_alg_name(f->ev.digests[i].alg, name, sizeof(name));
		size_t used = strlen(banks);

		hex_encode_to(f->ev.digests[i].digest, f->ev.digests[i].size,
			      hexbuf);
		values = NULL;
		if (digests)
			json_object_object_get_ex(digests, bank, &values);
		if (accepted(values, hexbuf))
			continue;
		snprintf(banks + used, sizeof(banks) - used, "%s%s",
			 used ? ", " : "", bank);
		if (!*shown || f->ev.digests[i].alg == TCG_ALG_SHA256)
			snprintf(shown, sizeof(shown),
				 "%s now %s, known good %s", bank, hexbuf,
				 first_value(values));
	}
	if (*banks)
		snprintf(what, sizeof(what), "%s digest not accepted (%s)",
			 banks, shown);
	want_data = str_field(k->item, "data_sha256");
	if (!*what && *want_data) {
		data_sha256(&f->ev, hexbuf);
		if (strcasecmp(hexbuf, want_data))
			snprintf(what, sizeof(what),
				 "its data changed (known good: \"%s\")",
				 str_field(k->item, "description"));
	}
	if (!*what)
		return 0;
	return verify_add(res, true, VERIFY_KNOWN_GOOD, "%s: %s", label, what)
		   ?: 1;
}

/* Which of the three log groups (see group_of()) have events. */
static void logs_present(const struct kg_events *events, bool *present)
{
	size_t i;

	memset(present, 0, KG_LOGS * sizeof(*present));
	for (i = 0; i < events->count; i++)
		present[group_of(&events->e[i]) / KG_SLOTS] = true;
}

/*
 * The list's events by group, in order: @index holds pointers, @start the
 * first of each group (counting sort). NULL when out of memory.
 */
static struct kg_event **index_groups(struct kg_events *known, size_t *start)
{
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	struct kg_event **index = calloc(known->count + 1, sizeof(*index));
	size_t fill[KG_LOGS * KG_SLOTS] = {0}, g, i;

	if (!index)
		return NULL;
	for (i = 0; i < known->count; i++)
		fill[group_of(&known->e[i])]++;
	start[0] = 0;
	for (g = 0; g < (size_t)KG_LOGS * KG_SLOTS; g++) {
		start[g + 1] = start[g] + fill[g];
		fill[g] = start[g];
	}
	for (i = 0; i < known->count; i++)
		index[fill[group_of(&known->e[i])]++] = &known->e[i];
	return index;
}

static int compare_events(struct json_object *list,
			  const struct verify_log *logs, unsigned int log_count,
			  struct verify_result *res)
{
	struct kg_events fresh = {0}, known = {0};
	char err[256], desc[DESC_MAX], label[DESC_MAX + 128], name[32];
	size_t start[KG_LOGS * KG_SLOTS + 1], i, j;
	bool known_has[KG_LOGS], fresh_has[KG_LOGS], said[KG_LOGS] = {0};
	struct kg_event **index = NULL;
	int diffs = 0, ret = 0;

	if (list_events(list, &known))
		return -ENOMEM;
	/* A log that cannot be read is a 'log' reason already; compare none. */
	if (fresh_events(logs, log_count, &fresh, err, sizeof(err)))
		goto out;
	number(&fresh);
	index = index_groups(&known, start);
	if (!index) {
		ret = -ENOMEM;
		goto out;
	}
	logs_present(&known, known_has);
	logs_present(&fresh, fresh_has);
	for (i = 0; i < fresh.count && !ret; i++) {
		struct kg_event *f = &fresh.e[i], *k = NULL;
		unsigned int g = group_of(f), log = g / KG_SLOTS;

		if (!known_has[log]) {
			if (said[log])
				continue;
			said[log] = true;
			diffs++;
			ret = verify_add(res, true, VERIFY_KNOWN_GOOD,
					 "a %s log came with the quote; the "
					 "list has none",
					 f->log);
			continue;
		}
		if (f->pos < start[g + 1] - start[g])
			k = index[start[g] + f->pos];
		if (k && (k->pcr != f->pcr || strcmp(k->log, f->log)))
			k = NULL;
		if (k) {
			k->matched = true;
			ret = compare_event(f, k, res);
			diffs += ret > 0;
			ret = ret > 0 ? 0 : ret;
			continue;
		}
		describe(&f->ev, desc, sizeof(desc));
		event_label(f->log, f->seq, f->pcr, f->type, desc, label,
			    sizeof(label));
		diffs++;
		ret = verify_add(res, true, VERIFY_KNOWN_GOOD,
				 "%s: new, not in the list", label);
	}
	memset(said, 0, sizeof(said));
	for (j = 0; j < known.count && !ret; j++) {
		struct kg_event *k = &known.e[j];
		unsigned int log = group_of(k) / KG_SLOTS;
		size_t m, in_log = 0;

		if (k->matched)
			continue;
		if (fresh_has[log]) {
			diffs++;
			ret = verify_add(
			    res, true, VERIFY_KNOWN_GOOD,
			    "PCR %u, %s log: event %s (%s: \"%s\") of the list "
			    "is missing",
			    k->pcr, k->log,
			    eventlog_type_name(k->type, name, sizeof(name)),
			    str_field(k->item, "component"),
			    str_field(k->item, "description"));
			continue;
		}
		/* A whole log missing is one line. */
		if (said[log])
			continue;
		said[log] = true;
		for (m = 0; m < known.count; m++)
			in_log += group_of(&known.e[m]) / KG_SLOTS == log;
		diffs++;
		ret = verify_add(res, true, VERIFY_KNOWN_GOOD,
				 "the list has %zu events of a %s log; no %s "
				 "log came with the quote",
				 in_log, k->log, k->log);
	}
out:
	free(index);
	free(fresh.e);
	free(known.e);
	return ret ? ret : diffs;
}

int known_good_compare(struct json_object *list, const struct verify_log *logs,
		       unsigned int log_count, const struct verify_pcrs *quoted,
		       struct verify_result *res)
{
	struct json_object *v;
	int pcr_diffs, event_diffs;

	res->ran[VERIFY_KNOWN_GOOD] = true;
	if (!json_object_is_type(list, json_type_object) ||
	    !json_object_object_get_ex(list, "xenmb_known_good", &v) ||
	    json_object_get_int(v) != KNOWN_GOOD_FORMAT)
		return verify_add(res, true, VERIFY_KNOWN_GOOD,
				  "the known-good list is not format %d of "
				  "'xenmb known-good record'",
				  KNOWN_GOOD_FORMAT)
			   ?: 1;
	pcr_diffs = compare_pcrs(list, quoted, res);
	if (pcr_diffs < 0)
		return pcr_diffs;
	event_diffs = compare_events(list, logs, log_count, res);
	if (event_diffs < 0)
		return event_diffs;
	return pcr_diffs + event_diffs;
}
