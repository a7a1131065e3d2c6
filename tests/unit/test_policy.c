// SPDX-License-Identifier: GPL-2.0
/*
 * User-space run of the shared vectors (tests/policy_cases.h) against
 * driver/policy.c and driver/tpm_cmd.c. Each vector is one "ok"/"not ok"
 * line; the last line is "N passed, N failed", which CI reads.
 *
 * Inputs are copied into heap buffers of their exact size, so that
 * AddressSanitizer reports any read past what the code was given.
 */
#include "../policy_cases.h"
#include "tap.h"

static void run_policy_case(const struct policy_case *c)
{
	u8 *cmd = dup_exact(c->cmd, c->cmd_len);
	struct xenmb_policy_request req = {
	    .family = c->family,
	    .policy = c->policy,
	    .iface_localities = c->iface_localities,
	    .locality = c->locality,
	    .cmd = cmd,
	    .cmd_len = c->cmd_len,
	    .nv_allow = pc_nv_allow,
	    .nv_allow_count = PC_NV_ALLOW_COUNT,
	};
	struct tpm_cmd_header hdr;
	int ret;

	/* The check must set every field, whatever was there before. */
	memset(&hdr, 0xA5, sizeof(hdr));
	ret = xenmb_policy_check(&req, &hdr);
	report(ret == c->ret && hdr.code == c->code, c->desc,
	       "returned %d code 0x%x, expected %d code 0x%x", ret, hdr.code,
	       c->ret, c->code);
	free(cmd);
}

/* The plan and the created handle are what @c says (on success). */
static bool handle_case_ok(const struct handle_case *c, int ret,
			   const struct tpm_handle_plan *plan, u32 created)
{
	if (ret != c->ret)
		return false;
	if (ret)
		return true;
	if (plan->creates != c->creates || created != c->created ||
	    plan->n_ended != c->n_ended)
		return false;
	return !c->n_ended || (plan->ended[0] == c->ended &&
			       plan->ended_kind[0] == c->ended_kind);
}

static void run_handle_case(const struct handle_case *c)
{
	struct tpm_handle_plan plan;
	u32 created;
	int ret;

	ret = xenmb_tpm_handles_plan(c->family, c->cmd, c->cmd_len,
				     c->cmd_handles, &plan);
	created =
	    ret ? 0 : xenmb_tpm_handles_created(&plan, c->rsp, c->rsp_len);
	report(handle_case_ok(c, ret, &plan, created), c->desc,
	       "ret %d creates %u created 0x%x ended %u (0x%x kind %u)", ret,
	       plan.creates, created, plan.n_ended, plan.ended[0],
	       plan.ended_kind[0]);
}

static void run_flush_cmd_cases(void)
{
	static const u8 tpm2[] = {0x80, 0x01, 0,    0,	  0, 14, 0,
				  0,	0x01, 0x65, 0x80, 0, 0,	 1};
	static const u8 tpm12[] = {0x00, 0xC1, 0, 0, 0, 18, 0, 0, 0,
				   0xBA, 0x01, 0, 0, 5, 0,  0, 0, 2};
	u8 buf[18];
	u32 len;

	len = xenmb_tpm_handles_flush_cmd(TPM_HANDLE_TPM2, 0x80000001, buf);
	report(len == sizeof(tpm2) && !memcmp(buf, tpm2, len),
	       "FlushContext of 0x80000001, byte for byte", "len %u", len);
	len =
	    xenmb_tpm_handles_flush_cmd(TPM_HANDLE_TPM12_AUTH, 0x01000005, buf);
	report(len == sizeof(tpm12) && !memcmp(buf, tpm12, len),
	       "FlushSpecific of auth session 0x01000005, byte for byte",
	       "len %u", len);
}

static void run_cmd_name_case(const struct cmd_name_case *c)
{
	const char *name = xenmb_tpm_cmd_name(c->family, c->code);
	char desc[80];
	bool ok;

	snprintf(desc, sizeof(desc), "xenmb_tpm_cmd_name(%u, 0x%x)", c->family,
		 c->code);
	if (c->name)
		ok = name && !strcmp(name, c->name);
	else
		ok = !name;
	report(ok, desc, "got \"%s\", expected \"%s\"", name ? name : "(null)",
	       c->name ? c->name : "(null)");
}

static void run_rc_case(const struct rc_case *c)
{
	size_t size = c->size ? c->size : 64;
	char *out = malloc(size);
	const char *ret;
	char desc[80];

	if (!out) {
		perror("malloc");
		exit(2);
	}
	snprintf(desc, sizeof(desc),
		 "xenmb_tpm_rc_describe(%u, 0x%x, size %zu)", c->family, c->rc,
		 size);
	ret = xenmb_tpm_rc_describe(c->family, c->rc, out, size);
	report(ret == out && !strcmp(out, c->text), desc,
	       "got \"%s\", expected \"%s\"", out, c->text);
	free(out);
}

static void run_policy_parse_case(const struct policy_parse_case *c)
{
	char *input = dup_exact(c->input, strlen(c->input) + 1);
	int level = xenmb_policy_parse(input);

	report(level == c->level, c->desc, "got %d, expected %d", level,
	       c->level);
	free(input);
}

static void run_policy_level_case(const struct policy_level_case *c)
{
	const char *name = xenmb_policy_name(c->level);
	u32 localities = xenmb_policy_localities(c->level);
	char desc[80];
	bool ok;

	snprintf(desc, sizeof(desc), "policy level %u name and localities",
		 c->level);
	if (c->name)
		ok = name && !strcmp(name, c->name);
	else
		ok = !name;
	report(ok && localities == c->localities, desc,
	       "got \"%s\" 0x%x, expected \"%s\" 0x%x", name ? name : "(null)",
	       localities, c->name ? c->name : "(null)", c->localities);
}

static void run_abi_struct(const struct abi_struct *s)
{
	size_t end = 0, i;
	char desc[80];

	snprintf(desc, sizeof(desc), "%s layout", s->name);
	for (i = 0; i < s->nr_fields; i++) {
		const struct abi_field *f = &s->fields[i];

		if (f->offset != end) {
			report(false, desc, "%s at %zu, expected %zu (padding)",
			       f->name, f->offset, end);
			return;
		}
		if (f->offset % f->align) {
			report(false, desc, "%s at %zu, not %zu-aligned",
			       f->name, f->offset, f->align);
			return;
		}
		end = f->offset + f->size;
	}
	report(end == s->size && s->size == s->published, desc,
	       "fields end at %zu, sizeof %zu, published size %zu", end,
	       s->size, s->published);
}

static void run_rsp_case(const struct rsp_case *c)
{
	u8 *rsp = dup_exact(c->rsp, c->len);
	int ret =
	    xenmb_tpm_rsp_check_header(c->family, c->cmd_tag, rsp, c->len);

	report(ret == c->ret, c->desc, "returned %d, expected %d", ret, c->ret);
	free(rsp);
}

int main(void)
{
	size_t i;

	printf("1..%zu\n", PC_VECTOR_COUNT + 2);
	for (i = 0; i < ARRAY_SIZE(policy_cases); i++)
		run_policy_case(&policy_cases[i]);
	for (i = 0; i < ARRAY_SIZE(cmd_name_cases); i++)
		run_cmd_name_case(&cmd_name_cases[i]);
	for (i = 0; i < ARRAY_SIZE(rc_cases); i++)
		run_rc_case(&rc_cases[i]);
	for (i = 0; i < ARRAY_SIZE(policy_parse_cases); i++)
		run_policy_parse_case(&policy_parse_cases[i]);
	for (i = 0; i < ARRAY_SIZE(policy_level_cases); i++)
		run_policy_level_case(&policy_level_cases[i]);
	for (i = 0; i < ARRAY_SIZE(abi_structs); i++)
		run_abi_struct(&abi_structs[i]);
	for (i = 0; i < ARRAY_SIZE(rsp_cases); i++)
		run_rsp_case(&rsp_cases[i]);
	for (i = 0; i < ARRAY_SIZE(handle_cases); i++)
		run_handle_case(&handle_cases[i]);
	run_flush_cmd_cases();

	return tally() || passed != PC_VECTOR_COUNT + 2;
}
