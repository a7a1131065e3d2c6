// SPDX-License-Identifier: GPL-2.0
/*
 * One record per XENMB_IOC_TPM_CMD, allowed or refused.
 *
 * The record names the command by its header only: parameters may hold
 * authorization values, keys or sealed data, so no byte past the 10-byte
 * header is ever logged.
 *
 * The record belongs in the kernel audit log, but a dom0 kernel may be
 * built without CONFIG_AUDIT, or boot with audit=0 (then audit takes no
 * record at all). A TPM command that
 * leaves no trace at all is what this module exists to prevent, so then
 * the same key=value text goes to the kernel log, rate limited so that a
 * flood of commands cannot flood the log; the number of records held back
 * is logged with the next record. Where audit is on but declines a record
 * (an exclude rule, a full backlog with audit's own message), that is the
 * administrator's audit configuration at work and is left alone. Every
 * record, whatever became of it, also goes to the tracepoint
 * xenmb:xenmb_tpm_cmd, which is never rate limited.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/audit.h>
#include <linux/bug.h>
#include <linux/cred.h>
#include <linux/kernel.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/uidgid.h>

#include "xenmb.h"

#define CREATE_TRACE_POINTS
#include "xenmb_trace.h"

/*
 * The longest record: every field at its widest (a 10-digit len and
 * errno, a 20-digit duration_ns, 10-digit ids, a comm of 15 bytes in hex)
 * is about 300 bytes; a record that fills the buffer is a bug here.
 */
#define XENMB_RECORD_MAX 512

static unsigned int record_log_burst = 100;
module_param(record_log_burst, uint, 0444);
MODULE_PARM_DESC(record_log_burst,
		 "records written to the kernel log per 5 s when audit does not take them (0: all)");

static struct ratelimit_state record_log_rs;
static atomic_t records_held_back = ATOMIC_INIT(0);

void xenmb_audit_init(void)
{
	/* ratelimit_state keeps the burst in an int. */
	int burst = min_t(unsigned int, record_log_burst, INT_MAX);

	ratelimit_state_init(&record_log_rs, burst ? 5 * HZ : 0, burst);
	/* The count of held-back records is ours to log, with the next one. */
	ratelimit_set_flags(&record_log_rs, RATELIMIT_MSG_ON_RELEASE);
}

static void log_held_back(void)
{
	int held_back = atomic_xchg(&records_held_back, 0);

	if (held_back)
		pr_notice("%d records not written to the kernel log (record_log_burst); the tracepoint xenmb:xenmb_tpm_cmd has them where it was enabled\n",
			  held_back);
}

void xenmb_audit_exit(void)
{
	log_held_back();
}

/* What audit_log_untrustedstring() does: quoted if plain, hex if not. */
static int format_untrusted(char *buf, size_t size, const char *s)
{
	const char *p;
	int n = 0;

	for (p = s; *p; p++)
		if (*p == '"' || *p < 0x21 || *p > 0x7e)
			break;
	if (!*p)
		return scnprintf(buf, size, "\"%s\"", s);
	for (p = s; *p; p++)
		n += scnprintf(buf + n, size - n, "%02X", (u8)*p);
	return n;
}

/*
 * The caller's part of the record when audit does not write it
 * (audit_log_task_info() does when it does). No exe=: audit reaches the
 * executable through mm helpers it does not export; pid and comm name
 * the caller.
 */
static int format_task(char *buf, size_t size)
{
	char comm[TASK_COMM_LEN];
	int n;

	get_task_comm(comm, current);
	n = scnprintf(buf, size, " pid=%d uid=%u euid=%u auid=%u ses=%u comm=",
		      task_tgid_nr(current),
		      from_kuid(&init_user_ns, current_uid()),
		      from_kuid(&init_user_ns, current_euid()),
		      from_kuid(&init_user_ns, audit_get_loginuid(current)),
		      audit_get_sessionid(current));
	return n + format_untrusted(buf + n, size - n, comm);
}

static int format_cmd(char *buf, size_t size,
		      const struct xenmb_cmd_outcome *out)
{
	const char *name = NULL;
	int n;

	n = scnprintf(buf, size, "op=xenmb_tpm_cmd tpm=%s",
		      out->have_family ? xenmb_tpm_family_name(out->family) : "?");
	if (out->have_locality)
		n += scnprintf(buf + n, size - n, " locality=%u",
			       out->locality);
	else
		n += scnprintf(buf + n, size - n, " locality=?");
	if (out->have_header) {
		name = xenmb_tpm_cmd_name(out->family, out->hdr.code);
		n += scnprintf(buf + n, size - n, " cmd=%s code=0x%x",
			       name ?: "unknown", out->hdr.code);
	} else {
		n += scnprintf(buf + n, size - n, " cmd=? code=?");
	}
	n += scnprintf(buf + n, size - n, " len=%u", out->len);
	if (out->tpm_answered)
		n += scnprintf(buf + n, size - n, " tpm_rc=0x%x",
			       out->tpm_rc);
	else
		n += scnprintf(buf + n, size - n, " tpm_rc=?");
	n += scnprintf(buf + n, size - n,
		       " errno=%d duration_ns=%llu res=%d", out->err,
		       out->duration_ns, out->err == 0);
	return n;
}

/*
 * audit_enabled is what auditctl -e set; audit_log_start() does not look at
 * it, and without auditd (audit_enabled 0) records still reach the kernel
 * log through kauditd. So it only tells why audit_log_start() returned
 * NULL: audit on means an exclude rule or a full backlog, audit's own
 * decision; audit off means audit=0 (audit never initialized) or, as
 * <linux/audit.h> defines it then, a kernel without CONFIG_AUDIT.
 */
static bool audit_is_on(void)
{
	/* auditctl -e may change it now: either answer fits one record. */
	return data_race(audit_enabled) != AUDIT_OFF;
}

void xenmb_audit_cmd(const struct xenmb_cmd_outcome *out)
{
	char record[XENMB_RECORD_MAX];
	struct audit_buffer *ab;
	int cmd_len, len;

	cmd_len = format_cmd(record, sizeof(record), out);
	len = cmd_len + format_task(record + cmd_len, sizeof(record) - cmd_len);
	/* scnprintf() stops at size - 1: a full buffer may be a cut record. */
	WARN_ON_ONCE(len == sizeof(record) - 1);
	trace_xenmb_tpm_cmd(record);

	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_KERNEL_OTHER);
	if (ab) {
		/* Records held back while audit took none: say so first. */
		log_held_back();
		audit_log_format(ab, "%.*s", cmd_len, record);
		audit_log_task_info(ab);
		audit_log_end(ab);
		return;
	}
	if (audit_is_on())
		return;

	/*
	 * __ratelimit() also says no when another CPU holds its lock: such a
	 * record is counted as held back, like one over the burst.
	 */
	if (!__ratelimit(&record_log_rs)) {
		atomic_inc(&records_held_back);
		return;
	}
	log_held_back();
	pr_notice("record: %s\n", record);
}
