// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit run of the shared vectors (tests/policy_cases.h, tests/txt_cases.h)
 * against driver/policy.c, tpm_cmd.c, txt_heap.c, tcg_log.c and tis.h
 * built as kernel code. One parameterised case per table, one result per
 * vector; tests/kunit/run.sh builds it into a UML kernel.
 *
 * Inputs are copied into kmalloc() buffers of their exact size, so that
 * KASAN (when enabled) reports any read past what the code was given.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../policy_cases.h"
#include "../txt_cases.h"

static void *dup_exact(struct kunit *test, const void *src, size_t len)
{
	void *p = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	memcpy(p, src, len);
	return p;
}

static void policy_case_desc(const struct policy_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(policy, policy_cases, policy_case_desc);

static void xenmb_policy_check_test(struct kunit *test)
{
	const struct policy_case *c = test->param_value;
	struct xenmb_policy_request req = {
		.family = c->family,
		.policy = c->policy,
		.iface_localities = c->iface_localities,
		.locality = c->locality,
		.cmd = dup_exact(test, c->cmd, c->cmd_len),
		.cmd_len = c->cmd_len,
		.nv_allow = pc_nv_allow,
		.nv_allow_count = PC_NV_ALLOW_COUNT,
	};
	struct tpm_cmd_header hdr;

	/* The check must set every field, whatever was there before. */
	memset(&hdr, 0xA5, sizeof(hdr));
	KUNIT_EXPECT_EQ(test, xenmb_policy_check(&req, &hdr), c->ret);
	KUNIT_EXPECT_EQ(test, hdr.code, c->code);
}

static void cmd_name_case_desc(const struct cmd_name_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "xenmb_tpm_cmd_name(%u, 0x%x)",
		 c->family, c->code);
}

KUNIT_ARRAY_PARAM(cmd_name, cmd_name_cases, cmd_name_case_desc);

static void tpm_cmd_name_test(struct kunit *test)
{
	const struct cmd_name_case *c = test->param_value;
	const char *name = xenmb_tpm_cmd_name(c->family, c->code);

	if (!c->name) {
		KUNIT_EXPECT_NULL(test, name);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, name);
	KUNIT_EXPECT_STREQ(test, name, c->name);
}

static void rc_case_desc(const struct rc_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE,
		 "xenmb_tpm_rc_describe(%u, 0x%x, size %u)", c->family, c->rc,
		 c->size ? c->size : 64);
}

KUNIT_ARRAY_PARAM(rc, rc_cases, rc_case_desc);

static void tpm_rc_describe_test(struct kunit *test)
{
	const struct rc_case *c = test->param_value;
	size_t size = c->size ? c->size : 64;
	char *out = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, out);
	KUNIT_EXPECT_PTR_EQ(test, xenmb_tpm_rc_describe(c->family, c->rc, out, size),
			    (const char *)out);
	KUNIT_EXPECT_STREQ(test, out, c->text);
}

static void handle_case_desc(const struct handle_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(handle, handle_cases, handle_case_desc);

static void tpm_handles_plan_test(struct kunit *test)
{
	const struct handle_case *c = test->param_value;
	struct tpm_handle_plan plan;
	int ret;

	ret = xenmb_tpm_handles_plan(c->family,
				     dup_exact(test, c->cmd, c->cmd_len), c->cmd_len,
				     c->cmd_handles, &plan);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	if (ret)
		return;
	KUNIT_EXPECT_EQ(test, plan.creates, c->creates);
	KUNIT_EXPECT_EQ(test, xenmb_tpm_handles_created(&plan, c->rsp, c->rsp_len),
			c->created);
	KUNIT_EXPECT_EQ(test, plan.n_ended, c->n_ended);
	if (c->n_ended) {
		KUNIT_EXPECT_EQ(test, plan.ended[0], c->ended);
		KUNIT_EXPECT_EQ(test, plan.ended_kind[0], c->ended_kind);
	}
}

static void rsp_case_desc(const struct rsp_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rsp, rsp_cases, rsp_case_desc);

static void tpm_rsp_check_header_test(struct kunit *test)
{
	const struct rsp_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test,
			xenmb_tpm_rsp_check_header(c->family, c->cmd_tag, c->rsp,
						   c->len),
			c->ret);
}

static void policy_parse_case_desc(const struct policy_parse_case *c,
				   char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(policy_parse, policy_parse_cases, policy_parse_case_desc);

static void xenmb_policy_parse_test(struct kunit *test)
{
	const struct policy_parse_case *c = test->param_value;
	char *input = dup_exact(test, c->input, strlen(c->input) + 1);

	KUNIT_EXPECT_EQ(test, xenmb_policy_parse(input), c->level);
}

static void policy_level_case_desc(const struct policy_level_case *c,
				   char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "policy level %u", c->level);
}

KUNIT_ARRAY_PARAM(policy_level, policy_level_cases, policy_level_case_desc);

static void xenmb_policy_level_test(struct kunit *test)
{
	const struct policy_level_case *c = test->param_value;
	const char *name = xenmb_policy_name(c->level);

	KUNIT_EXPECT_EQ(test, xenmb_policy_localities(c->level),
			c->localities);
	if (!c->name) {
		KUNIT_EXPECT_NULL(test, name);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, name);
	KUNIT_EXPECT_STREQ(test, name, c->name);
}

static void abi_struct_desc(const struct abi_struct *s, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s layout", s->name);
}

KUNIT_ARRAY_PARAM(abi, abi_structs, abi_struct_desc);

static void uapi_layout_test(struct kunit *test)
{
	const struct abi_struct *s = test->param_value;
	size_t end = 0, i;

	for (i = 0; i < s->nr_fields; i++) {
		const struct abi_field *f = &s->fields[i];

		KUNIT_EXPECT_EQ_MSG(test, f->offset, end, "padding before %s",
				    f->name);
		KUNIT_EXPECT_EQ_MSG(test, f->offset % f->align, (size_t)0,
				    "%s not naturally aligned", f->name);
		end = f->offset + f->size;
	}
	KUNIT_EXPECT_EQ(test, end, s->size);
	KUNIT_EXPECT_EQ(test, s->size, s->published);
}

static void heap_case_desc(const struct heap_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(heap, heap_cases, heap_case_desc);

static void txt_heap_walk_test(struct kunit *test)
{
	const struct heap_case *c = test->param_value;
	const u8 *heap = dup_exact(test, c->heap, c->len);
	struct txt_heap_summary *sum;
	const struct txt_heap_region *regions[4];
	int i;

	sum = kunit_kmalloc(test, sizeof(*sum), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sum);
	memset(sum, 0xA5, sizeof(*sum));
	KUNIT_ASSERT_EQ(test, xenmb_txt_heap_walk(heap, c->size_arg ?: c->len, sum),
			c->ret);
	KUNIT_EXPECT_EQ(test, sum->log_format, c->log_format);
	KUNIT_EXPECT_EQ(test, sum->log_count, c->log_count);
	for (i = 0; i < TXT_HEAP_MAX_LOGS; i++) {
		KUNIT_EXPECT_EQ_MSG(test, sum->logs[i].alg, c->logs[i].alg,
				    "log %d", i);
		KUNIT_EXPECT_EQ_MSG(test, sum->logs[i].phys, c->logs[i].phys,
				    "log %d", i);
		KUNIT_EXPECT_EQ_MSG(test, sum->logs[i].allocated,
				    c->logs[i].allocated, "log %d", i);
		KUNIT_EXPECT_EQ_MSG(test, sum->logs[i].first, c->logs[i].first,
				    "log %d", i);
		KUNIT_EXPECT_EQ_MSG(test, sum->logs[i].next, c->logs[i].next,
				    "log %d", i);
	}
	if (c->ret && c->ret != -ENOENT)
		return;
	regions[0] = &sum->bios_data;
	regions[1] = &sum->os_mle_data;
	regions[2] = &sum->os_sinit_data;
	regions[3] = &sum->sinit_mle_data;
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ_MSG(test, regions[i]->size, c->region_size[i],
				    "region %d", i);
}

static void container_case_desc(const struct container_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(container, container_cases, container_case_desc);

static void txt_event_container_parse_test(struct kunit *test)
{
	const struct container_case *c = test->param_value;
	const u8 *hdr = dup_exact(test, c->hdr, c->len);
	struct txt_log_ref ref = {
		.phys = c->phys,
		.allocated = 0x5A5A5A5A,
		.first = 0x5A5A5A5A,
		.next = 0x5A5A5A5A,
	};

	KUNIT_ASSERT_EQ(test, xenmb_txt_event_container_parse(hdr, c->len, &ref),
			c->ret);
	KUNIT_EXPECT_EQ(test, ref.phys, c->phys);
	KUNIT_EXPECT_EQ(test, ref.allocated, c->ret ? 0x5A5A5A5A : c->allocated);
	KUNIT_EXPECT_EQ(test, ref.first, c->ret ? 0x5A5A5A5A : c->first);
	KUNIT_EXPECT_EQ(test, ref.next, c->ret ? 0x5A5A5A5A : c->next);
}

static void log_case_desc(const struct log_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(log, log_cases, log_case_desc);

static void tcg_log_walk_test(struct kunit *test)
{
	const struct log_case *c = test->param_value;
	const u8 *buf = dup_exact(test, c->log, c->len);
	struct tcg_log_iter it;
	struct tcg_event ev;
	u32 events = 0;
	int ret;

	ret = xenmb_tcg_log_open(&it, buf, c->len, c->format, c->alg);
	KUNIT_ASSERT_EQ(test, ret, c->open_ret);
	if (!ret)
		KUNIT_EXPECT_EQ(test, it.bank_count, c->bank_count);
	while ((ret = xenmb_tcg_log_next(&it, &ev)) > 0 &&
	       events <= TCG_LOG_MAX_EVENTS) {
		KUNIT_EXPECT_LE(test, ev.length, c->len - ev.offset);
		events++;
	}
	KUNIT_EXPECT_EQ(test, events, c->events);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	if (!c->ret)
		return;
	KUNIT_EXPECT_EQ(test, it.reason, c->reason);
	KUNIT_EXPECT_EQ(test, it.error_offset, c->error_offset);
	/* Errors are sticky. */
	KUNIT_EXPECT_EQ(test, xenmb_tcg_log_next(&it, &ev), c->ret);
}

static void sts_locality_case_desc(const struct sts_locality_case *c,
				   char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sts_locality, sts_locality_cases, sts_locality_case_desc);

static void txt_sts_open_localities_test(struct kunit *test)
{
	const struct sts_locality_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, xenmb_txt_sts_open_localities(c->sts), c->open);
}

static void access_case_desc(const struct access_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(access, access_cases, access_case_desc);

static void tis_access_answers_test(struct kunit *test)
{
	const struct access_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, tis_access_answers(c->access), c->answers);
}

static struct kunit_case xenmb_test_cases[] = {
	KUNIT_CASE_PARAM(xenmb_policy_check_test, policy_gen_params),
	KUNIT_CASE_PARAM(tpm_cmd_name_test, cmd_name_gen_params),
	KUNIT_CASE_PARAM(tpm_rc_describe_test, rc_gen_params),
	KUNIT_CASE_PARAM(tpm_rsp_check_header_test, rsp_gen_params),
	KUNIT_CASE_PARAM(tpm_handles_plan_test, handle_gen_params),
	KUNIT_CASE_PARAM(xenmb_policy_parse_test, policy_parse_gen_params),
	KUNIT_CASE_PARAM(xenmb_policy_level_test, policy_level_gen_params),
	KUNIT_CASE_PARAM(uapi_layout_test, abi_gen_params),
	KUNIT_CASE_PARAM(txt_heap_walk_test, heap_gen_params),
	KUNIT_CASE_PARAM(txt_event_container_parse_test, container_gen_params),
	KUNIT_CASE_PARAM(tcg_log_walk_test, log_gen_params),
	KUNIT_CASE_PARAM(txt_sts_open_localities_test, sts_locality_gen_params),
	KUNIT_CASE_PARAM(tis_access_answers_test, access_gen_params),
	{}
};

static struct kunit_suite xenmb_test_suite = {
	.name = "xenmb",
	.test_cases = xenmb_test_cases,
};

kunit_test_suite(xenmb_test_suite);

MODULE_DESCRIPTION("KUnit tests of the xenmb policy, TPM command, TXT heap and event log parsers");
MODULE_LICENSE("GPL");
