// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit run of the shared vectors (tests/policy_cases.h) against
 * driver/policy.c and driver/tpm_cmd.c built as kernel code. One
 * parameterised case per table, one result per vector; tests/kunit/run.sh
 * builds it into a UML kernel.
 *
 * Inputs are copied into kmalloc() buffers of their exact size, so that
 * KASAN (when enabled) reports any read past what the code was given.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../policy_cases.h"

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
	};
	struct tpm_cmd_header hdr;

	/* The check must set every field, whatever was there before. */
	memset(&hdr, 0xA5, sizeof(hdr));
	KUNIT_EXPECT_EQ(test, xenmb_policy_check(&req, &hdr), c->ret);
	KUNIT_EXPECT_EQ(test, hdr.code, c->code);
}

static void cmd_name_case_desc(const struct cmd_name_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "tpm_cmd_name(%u, 0x%x)",
		 c->family, c->code);
}

KUNIT_ARRAY_PARAM(cmd_name, cmd_name_cases, cmd_name_case_desc);

static void tpm_cmd_name_test(struct kunit *test)
{
	const struct cmd_name_case *c = test->param_value;
	const char *name = tpm_cmd_name(c->family, c->code);

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
		 "tpm_rc_describe(%u, 0x%x, size %u)", c->family, c->rc,
		 c->size ? c->size : 64);
}

KUNIT_ARRAY_PARAM(rc, rc_cases, rc_case_desc);

static void tpm_rc_describe_test(struct kunit *test)
{
	const struct rc_case *c = test->param_value;
	size_t size = c->size ? c->size : 64;
	char *out = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, out);
	KUNIT_EXPECT_PTR_EQ(test, tpm_rc_describe(c->family, c->rc, out, size),
			    (const char *)out);
	KUNIT_EXPECT_STREQ(test, out, c->text);
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

static struct kunit_case xenmb_test_cases[] = {
	KUNIT_CASE_PARAM(xenmb_policy_check_test, policy_gen_params),
	KUNIT_CASE_PARAM(tpm_cmd_name_test, cmd_name_gen_params),
	KUNIT_CASE_PARAM(tpm_rc_describe_test, rc_gen_params),
	KUNIT_CASE_PARAM(xenmb_policy_parse_test, policy_parse_gen_params),
	KUNIT_CASE_PARAM(xenmb_policy_level_test, policy_level_gen_params),
	KUNIT_CASE_PARAM(uapi_layout_test, abi_gen_params),
	{}
};

static struct kunit_suite xenmb_test_suite = {
	.name = "xenmb",
	.test_cases = xenmb_test_cases,
};

kunit_test_suite(xenmb_test_suite);

MODULE_DESCRIPTION("KUnit tests of the xenmb policy and TPM command parser");
MODULE_LICENSE("GPL");
