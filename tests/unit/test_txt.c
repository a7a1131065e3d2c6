// SPDX-License-Identifier: GPL-2.0
/*
 * User-space run of the shared TXT vectors (tests/txt_cases.h) against
 * driver/txt_heap.c and driver/tcg_log.c, plus the cases too big for a
 * table (the record count bound). One "ok"/"not ok" line per vector; the
 * last line is "N passed, N failed".
 */
#include "../txt_cases.h"
#include "tap.h"

static bool same_ref(const struct txt_log_ref *a, const struct txt_log_ref *b)
{
	return a->alg == b->alg && a->phys == b->phys &&
	       a->allocated == b->allocated && a->first == b->first &&
	       a->next == b->next;
}

static void run_heap_case(const struct heap_case *c)
{
	u8 *heap = dup_exact(c->heap, c->len);
	u64 size = c->size_arg ? c->size_arg : c->len;
	struct txt_heap_summary sum;
	const struct txt_heap_region *regions[] = {
	    &sum.bios_data, &sum.os_mle_data, &sum.os_sinit_data,
	    &sum.sinit_mle_data};
	char why[160] = "";
	int ret, i;

	memset(&sum, 0xA5, sizeof(sum));
	ret = xenmb_txt_heap_walk(heap, size, &sum);
	free(heap);
	if (ret != c->ret)
		snprintf(why, sizeof(why), "returned %d, expected %d", ret,
			 c->ret);
	else if (sum.log_format != c->log_format ||
		 sum.log_count != c->log_count)
		snprintf(
		    why, sizeof(why), "log format %u count %u, expected %u %u",
		    sum.log_format, sum.log_count, c->log_format, c->log_count);
	for (i = 0; !why[0] && i < TXT_HEAP_MAX_LOGS; i++)
		if (!same_ref(&sum.logs[i], &c->logs[i]))
			snprintf(why, sizeof(why),
				 "log %d: alg 0x%x phys 0x%llx alloc 0x%x "
				 "first 0x%x next 0x%x",
				 i, sum.logs[i].alg,
				 (unsigned long long)sum.logs[i].phys,
				 sum.logs[i].allocated, sum.logs[i].first,
				 sum.logs[i].next);
	for (i = 0; !why[0] && (!ret || ret == -ENOENT) && i < 4; i++)
		if (regions[i]->size != c->region_size[i])
			snprintf(why, sizeof(why),
				 "region %d size %llu, expected %llu", i,
				 (unsigned long long)regions[i]->size,
				 (unsigned long long)c->region_size[i]);
	report(!why[0], c->desc, "%s", why);
}

static void run_container_case(const struct container_case *c)
{
	u8 *hdr = dup_exact(c->hdr, c->len);
	struct txt_log_ref ref = {.phys = c->phys,
				  .allocated = 0x5A5A5A5A,
				  .first = 0x5A5A5A5A,
				  .next = 0x5A5A5A5A};
	struct txt_log_ref want = ref;
	int ret;

	ret = xenmb_txt_event_container_parse(hdr, (u32)c->len, &ref);
	free(hdr);
	if (!c->ret) {
		want.allocated = c->allocated;
		want.first = c->first;
		want.next = c->next;
	}
	report(ret == c->ret && same_ref(&ref, &want), c->desc,
	       "returned %d alloc 0x%x first 0x%x next 0x%x, expected %d", ret,
	       ref.allocated, ref.first, ref.next, c->ret);
}

static void run_sts_locality_case(const struct sts_locality_case *c)
{
	u32 open = xenmb_txt_sts_open_localities(c->sts);

	report(open == c->open, c->desc, "localities 0x%x, expected 0x%x", open,
	       c->open);
}

static void run_access_case(const struct access_case *c)
{
	bool answers = tis_access_answers(c->access);

	report(answers == c->answers, c->desc, "answers %d, expected %d",
	       answers, c->answers);
}

/*
 * Walks a log to its end; checks that the records tile the buffer and
 * that every pointer stays inside it. Returns the last xenmb_tcg_log_next().
 */
static int walk_log(struct tcg_log_iter *it, u32 *events, const char **bad)
{
	struct tcg_event ev;
	u32 pos = it->pos, i;
	int ret;

	*events = 0;
	*bad = NULL;
	while ((ret = xenmb_tcg_log_next(it, &ev)) > 0) {
		(*events)++;
		if (ev.offset != pos || !ev.length ||
		    ev.length > it->len - pos || ev.data < it->buf + pos ||
		    ev.data_len > ev.length ||
		    ev.data + ev.data_len != it->buf + pos + ev.length)
			*bad = "record outside its bounds";
		for (i = 0; i < ev.digest_count; i++)
			if (ev.digests[i].digest < it->buf + pos ||
			    ev.digests[i].digest + ev.digests[i].size > ev.data)
				*bad = "digest outside its record";
		pos += ev.length;
		if (*events > TCG_LOG_MAX_EVENTS + 1)
			break;
	}
	return ret;
}

static void run_log_case(const struct log_case *c)
{
	u8 *buf = dup_exact(c->log, c->len);
	struct tcg_log_iter it;
	const char *bad;
	u32 events;
	int open_ret, ret;

	memset(&it, 0xA5, sizeof(it));
	open_ret = xenmb_tcg_log_open(&it, buf, (u32)c->len, c->format, c->alg);
	ret = walk_log(&it, &events, &bad);
	/* Errors are sticky. */
	if (ret < 0 && xenmb_tcg_log_next(&it, &(struct tcg_event){0}) != ret)
		bad = "error not sticky";
	free(buf);
	if (bad) {
		report(false, c->desc, "%s", bad);
		return;
	}
	if (open_ret != c->open_ret ||
	    (!open_ret && it.bank_count != c->bank_count)) {
		report(false, c->desc, "open returned %d with %u banks",
		       open_ret, it.bank_count);
		return;
	}
	report(events == c->events && ret == c->ret &&
		   (!ret || (it.reason == c->reason &&
			     it.error_offset == c->error_offset)),
	       c->desc,
	       "%u records then %d (%s at %u), expected %u then %d (%s at %u)",
	       events, ret, xenmb_tcg_log_reason_text(it.reason),
	       it.error_offset, c->events, c->ret,
	       xenmb_tcg_log_reason_text(c->reason), c->error_offset);
}

/* @n SHA1-format EV_POST_CODE records without data. */
static u8 *sha1_records(u32 n, u32 *len)
{
	u8 *buf = calloc(n, TCG_PCR_EVENT_HDR_LEN);
	u32 i;

	if (!buf) {
		perror("calloc");
		exit(2);
	}
	for (i = 0; i < n; i++)
		buf[i * TCG_PCR_EVENT_HDR_LEN + 4] = TCG_EV_POST_CODE;
	*len = n * TCG_PCR_EVENT_HDR_LEN;
	return buf;
}

static void run_count_bound(void)
{
	struct tcg_log_iter it;
	const char *bad;
	u32 len, events;
	u8 *buf;
	int ret;

	buf = sha1_records(TCG_LOG_MAX_EVENTS, &len);
	xenmb_tcg_log_open(&it, buf, len, TCG_LOG_SHA1, 0);
	ret = walk_log(&it, &events, &bad);
	report(!bad && ret == 0 && events == TCG_LOG_MAX_EVENTS,
	       "TCG_LOG_MAX_EVENTS records are read", "%u records then %d",
	       events, ret);
	free(buf);

	buf = sha1_records(TCG_LOG_MAX_EVENTS + 1, &len);
	xenmb_tcg_log_open(&it, buf, len, TCG_LOG_SHA1, 0);
	ret = walk_log(&it, &events, &bad);
	report(!bad && ret == -E2BIG && events == TCG_LOG_MAX_EVENTS &&
		   it.reason == TCG_LOG_ERR_TOO_MANY &&
		   it.error_offset == len - TCG_PCR_EVENT_HDR_LEN,
	       "one record more than TCG_LOG_MAX_EVENTS is refused",
	       "%u records then %d (%s)", events, ret,
	       xenmb_tcg_log_reason_text(it.reason));
	free(buf);
}

/* The name tables: spot checks, and no gap in the reason texts. */
static void run_names(void)
{
	static const struct {
		u32 type;
		const char *name;
	} types[] = {
	    {0x1, "EV_POST_CODE"},
	    {0x3, "EV_NO_ACTION"},
	    {0x4, "EV_SEPARATOR"},
	    {0x80000001, "EV_EFI_VARIABLE_DRIVER_CONFIG"},
	    {0x800000E0, "EV_EFI_VARIABLE_AUTHORITY"},
	    {0x401, "EVTYPE_PCRMAPPING"},
	    {0x404, "EVTYPE_MLE_HASH"},
	    {0x4FF, "EVTYPE_CAP_VALUE"},
	    {0x7FFF, NULL},
	};
	const char *name;
	size_t i;
	bool ok = true;
	u32 r;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		name = xenmb_tcg_event_type_name(types[i].type);
		if (types[i].name ? !name || strcmp(name, types[i].name)
				  : !!name)
			ok = false;
	}
	report(ok, "event type names", "a name differs");
	ok = xenmb_tcg_alg_digest_size(TCG_ALG_SHA1) == 20 &&
	     xenmb_tcg_alg_digest_size(TCG_ALG_SHA256) == 32 &&
	     xenmb_tcg_alg_digest_size(TCG_ALG_SHA384) == 48 &&
	     xenmb_tcg_alg_digest_size(TCG_ALG_SHA512) == 64 &&
	     xenmb_tcg_alg_digest_size(TCG_ALG_SM3_256) == 32 &&
	     !xenmb_tcg_alg_digest_size(0x0027) &&
	     !strcmp(xenmb_tcg_alg_name(TCG_ALG_SM3_256), "sm3_256") &&
	     !xenmb_tcg_alg_name(0);
	report(ok, "bank names and digest sizes", "a size or name differs");
	ok = xenmb_tcg_alg_by_name("sha384") &&
	     xenmb_tcg_alg_by_name("sha384")->id == TCG_ALG_SHA384 &&
	     !xenmb_tcg_alg_by_name("SHA256") &&
	     !xenmb_tcg_alg_by_name("sm3") && xenmb_tcg_alg_by_size(32) &&
	     xenmb_tcg_alg_by_size(32)->id == TCG_ALG_SHA256 &&
	     xenmb_tcg_alg_by_size(20) &&
	     xenmb_tcg_alg_by_size(20)->id == TCG_ALG_SHA1 &&
	     !xenmb_tcg_alg_by_size(28) &&
	     xenmb_tcg_alg_by_id(TCG_ALG_SHA512) &&
	     xenmb_tcg_alg_by_id(TCG_ALG_SHA512)->size == 64 &&
	     !xenmb_tcg_alg_by_id(0);
	report(ok, "bank lookups by id, by name and by size (32: SHA-256)",
	       "a lookup differs");
	ok = true;
	for (r = TCG_LOG_OK; r <= TCG_LOG_ERR_BAD_ARG; r++)
		if (!xenmb_tcg_log_reason_text(r) ||
		    !strcmp(xenmb_tcg_log_reason_text(r), "unknown error"))
			ok = false;
	report(ok, "every reason has a text", "reason %u has none", r);
}

int main(void)
{
	size_t i;

	printf("1..%zu\n", TC_VECTOR_COUNT + 6);
	for (i = 0; i < ARRAY_SIZE(heap_cases); i++)
		run_heap_case(&heap_cases[i]);
	for (i = 0; i < ARRAY_SIZE(container_cases); i++)
		run_container_case(&container_cases[i]);
	for (i = 0; i < ARRAY_SIZE(log_cases); i++)
		run_log_case(&log_cases[i]);
	for (i = 0; i < ARRAY_SIZE(sts_locality_cases); i++)
		run_sts_locality_case(&sts_locality_cases[i]);
	for (i = 0; i < ARRAY_SIZE(access_cases); i++)
		run_access_case(&access_cases[i]);
	run_count_bound();
	run_names();
	return tally() || passed != TC_VECTOR_COUNT + 6;
}
