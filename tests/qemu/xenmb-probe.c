// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb-probe: drives /dev/xenmb with hand-made ioctl arguments in the test
 * guest. Every TPM_CMD ioctl it makes is printed as one JSON line (the
 * ledger) so the host can check the answer and the audit record of each.
 *
 *   xenmb-probe malformed      every malformed-argument case, with the errno
 *                              the uapi header promises for it
 *   xenmb-probe nocap          a TPM command without CAP_SYS_ADMIN
 *   xenmb-probe open           just open the device (as an unprivileged user)
 *   xenmb-probe txt            the TXT ioctls: INFO, and READ with good and
 *                              malformed arguments; one JSON line each
 *   xenmb-probe loop SECONDS [mix]
 *                              open / INFO / GetRandom / close in a loop while
 *                              the module comes and goes; prints counts. With
 *                              "mix", every other command runs at locality 2.
 *   xenmb-probe sigsend LOCALITY HEX
 *                              one command with a SIGUSR1 handler installed
 *                              (no SA_RESTART): a signal that is not fatal
 *                              must not break it. One JSON line: errno,
 *                              tpm_rc, rsp_len and the signals caught.
 *                              SIGINT is reset to its default (fatal).
 *   xenmb-probe mix            commands from stdin, one a line:
 *                              "INDEX LOCALITY HEX FAULT REQUEST TIMED";
 *                              FAULT "-" or a tpmrelay.py fault, asked for
 *                              (REQUEST, '_' for ' ') on fd 3 (the guest's
 *                              ttyS2) before the command; TIMED 1: pause the
 *                              /dev/tpm* users (/tmp/pause, /tmp/paused)
 *                              and let the held answer drain afterwards.
 *                              Prints "INDEX rc=0 TPM_RC" or
 *                              "INDEX rc=4  STRERROR" per command; stops
 *                              after 20 ENODEV in a row.
 *   xenmb-probe memread ADDR LEN   LEN bytes of physical memory to stdout
 *   xenmb-probe memwrite ADDR      stdin to physical memory at ADDR
 *                              both through mmap() of /dev/mem: read() of
 *                              /dev/mem stops at high_memory, so a Xen dom0
 *                              with 512 MiB gets EFAULT for the launch
 *                              blob at 4 GiB; mmap() has no such limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <linux/capability.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../../driver/compat.h"
#include "../../driver/tpm_cmd.h"
#include "../../uapi/linux/xenmb.h"

static uint8_t rsp_buf[2 * XENMB_TPM_BUF_MAX];

/* The smallest harmless command of each family: GetRandom(8). */
static size_t build_get_random(uint32_t family, uint8_t *cmd)
{
	if (family == XENMB_TPM_FAMILY_2_0) {
		xenmb_put_be16(cmd, TPM2_TAG_NO_SESSIONS);
		xenmb_put_be32(cmd + 2, 12);
		xenmb_put_be32(cmd + 6, TPM2_CMD_GET_RANDOM);
		xenmb_put_be16(cmd + 10, 8);
		return 12;
	}
	xenmb_put_be16(cmd, TPM12_TAG_RQU_COMMAND);
	xenmb_put_be32(cmd + 2, 14);
	xenmb_put_be32(cmd + 6, TPM12_ORD_GET_RANDOM);
	xenmb_put_be32(cmd + 10, 8);
	return 14;
}

/* Extend of @pcr with a zero digest (no session needed on TPM 1.2). */
static size_t build_extend(uint32_t family, uint32_t pcr, uint8_t *cmd)
{
	if (family == XENMB_TPM_FAMILY_2_0) {
		size_t len = 10 + 4 + 4 + 9 + 4 + 2 + 32;

		memset(cmd, 0, len);
		xenmb_put_be16(cmd, TPM2_TAG_SESSIONS);
		xenmb_put_be32(cmd + 2, (uint32_t)len);
		xenmb_put_be32(cmd + 6, TPM2_CMD_PCR_EXTEND);
		xenmb_put_be32(cmd + 10, pcr);
		xenmb_put_be32(cmd + 14, 9);	      /* authorization size */
		xenmb_put_be32(cmd + 18, 0x40000009); /* TPM_RS_PW */
		xenmb_put_be32(cmd + 27, 1);	      /* one digest */
		xenmb_put_be16(cmd + 31, 0x000B);     /* SHA-256 */
		return len;
	}
	memset(cmd, 0, 34);
	xenmb_put_be16(cmd, TPM12_TAG_RQU_COMMAND);
	xenmb_put_be32(cmd + 2, 34);
	xenmb_put_be32(cmd + 6, TPM12_ORD_EXTEND);
	xenmb_put_be32(cmd + 10, pcr);
	return 34;
}

/* A command no locality above 0 may run: Quote / TPM_ORD_Quote. */
static size_t build_quote_header(uint32_t family, uint8_t *cmd)
{
	xenmb_put_be16(cmd, family == XENMB_TPM_FAMILY_2_0
				? TPM2_TAG_SESSIONS
				: TPM12_TAG_RQU_AUTH1_COMMAND);
	xenmb_put_be32(cmd + 2, 10);
	xenmb_put_be32(
	    cmd + 6, family == XENMB_TPM_FAMILY_2_0 ? 0x158 : TPM12_ORD_QUOTE);
	return 10;
}

static void default_arg(struct xenmb_tpm_cmd *arg, const uint8_t *cmd,
			size_t len, uint32_t locality)
{
	memset(arg, 0, sizeof(*arg));
	arg->size = sizeof(*arg);
	arg->locality = locality;
	arg->cmd_len = (uint32_t)len;
	arg->cmd_ptr = (uintptr_t)cmd;
	arg->rsp_ptr = (uintptr_t)rsp_buf;
	arg->rsp_size = XENMB_TPM_BUF_MAX;
}

/*
 * What the kernel can know of a call, and so what its audit record must say:
 * SEES_NOTHING, the argument structure was not accepted (locality=?);
 * SEES_ARG, the structure but not the command (cmd=?); SEES_CMD, both.
 */
enum { SEES_NOTHING, SEES_ARG, SEES_CMD, NOT_AUDITED };

/*
 * Ledger: one JSON line per ioctl. locality and code are what the audit
 * record must show (null: "?"); tpm_rc is null unless the TPM's answer
 * reached us.
 */
static void ledger(const char *name, int sees, const struct xenmb_tpm_cmd *arg,
		   const uint8_t *cmd, int err, int expected)
{
	char loc[16] = "null", code[16] = "null", rc[16] = "null";

	if (sees >= SEES_ARG && sees != NOT_AUDITED)
		snprintf(loc, sizeof(loc), "%u", arg->locality);
	if (sees == SEES_CMD)
		snprintf(code, sizeof(code), "%u", xenmb_get_be32(cmd + 6));
	if (!err && arg)
		snprintf(rc, sizeof(rc), "%u", arg->tpm_rc);
	printf("{\"case\":\"%s\",\"pid\":%d,\"audited\":%s,\"locality\":%s,"
	       "\"code\":%s,\"errno\":%d,\"expected\":%d,\"tpm_rc\":%s}\n",
	       name, getpid(), sees == NOT_AUDITED ? "false" : "true", loc,
	       code, err, expected, rc);
	fflush(stdout);
}

static int open_dev(void)
{
	int fd = open("/dev/" XENMB_DEVICE_NAME, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "xenmb-probe: open: %s\n", strerror(errno));
		exit(3);
	}
	return fd;
}

static uint32_t usable_localities;

static uint32_t family_of(int fd)
{
	struct xenmb_info info = {.size = sizeof(info)};

	if (ioctl(fd, XENMB_IOC_INFO, &info)) {
		fprintf(stderr, "xenmb-probe: INFO: %s\n", strerror(errno));
		exit(4);
	}
	usable_localities = info.localities;
	return info.tpm_family;
}

/* What a policy case at @locality gets where the interface cannot go. */
static int above0(uint32_t locality, int expected)
{
	return usable_localities & (1U << locality) ? expected : EOPNOTSUPP;
}

static int submit(int fd, void *arg)
{
	return ioctl(fd, XENMB_IOC_TPM_CMD, arg) ? errno : 0;
}

/* Runs one case: @arg as prepared, expecting @expected (0 or an errno). */
static int run_case(int fd, const char *name, struct xenmb_tpm_cmd *arg,
		    const uint8_t *cmd, int sees, int expected)
{
	int err = submit(fd, arg);

	ledger(name, sees, arg, cmd, err, expected);
	return err == expected ? 0 : 1;
}

static int probe_malformed(void)
{
	int fd = open_dev();
	uint32_t family = family_of(fd);
	uint8_t cmd[XENMB_TPM_BUF_MAX + 16];
	uint8_t big[sizeof(struct xenmb_tpm_cmd) + 16];
	struct xenmb_tpm_cmd arg;
	struct xenmb_tpm_cmd *grown = (struct xenmb_tpm_cmd *)big;
	size_t len;
	int failures = 0;
	int err;

	len = build_get_random(family, cmd);

	default_arg(&arg, cmd, len, 0);
	failures += run_case(fd, "valid_get_random", &arg, cmd, SEES_CMD, 0);

	default_arg(&arg, cmd, len, 0);
	arg.size = XENMB_TPM_CMD_SIZE_VER0 - 8;
	failures +=
	    run_case(fd, "size_too_small", &arg, cmd, SEES_NOTHING, EINVAL);

	default_arg(&arg, cmd, len, 0);
	arg.size = 8192;
	failures +=
	    run_case(fd, "size_above_page", &arg, cmd, SEES_NOTHING, EINVAL);

	/* A newer caller's larger structure: zero tail accepted, else E2BIG. */
	memset(big, 0, sizeof(big));
	default_arg(grown, cmd, len, 0);
	grown->size = sizeof(big);
	failures +=
	    run_case(fd, "size_grown_zero_tail", grown, cmd, SEES_CMD, 0);
	big[sizeof(big) - 1] = 1;
	grown->size = sizeof(big);
	failures += run_case(fd, "size_grown_nonzero_tail", grown, cmd,
			     SEES_NOTHING, E2BIG);

	default_arg(&arg, cmd, len, 0);
	arg.flags = 1;
	failures += run_case(fd, "unknown_flag", &arg, cmd, SEES_ARG, EINVAL);
	default_arg(&arg, cmd, len, 0);
	arg.flags = 0x80000000;
	failures +=
	    run_case(fd, "unknown_high_flag", &arg, cmd, SEES_ARG, EINVAL);

	default_arg(&arg, cmd, len, 0);
	arg.reserved0 = 1;
	failures += run_case(fd, "reserved0_set", &arg, cmd, SEES_ARG, EINVAL);
	default_arg(&arg, cmd, len, 0);
	arg.reserved[3] = 1;
	failures +=
	    run_case(fd, "reserved_tail_set", &arg, cmd, SEES_ARG, EINVAL);

	default_arg(&arg, cmd, len, 5);
	failures += run_case(fd, "locality_5", &arg, cmd, SEES_ARG, EINVAL);
	default_arg(&arg, cmd, len, 0xFFFFFFFF);
	failures += run_case(fd, "locality_huge", &arg, cmd, SEES_ARG, EINVAL);
	default_arg(&arg, cmd, len, XENMB_LOCALITY_HW);
	failures += run_case(fd, "locality_4", &arg, cmd, SEES_CMD, EPERM);

	default_arg(&arg, cmd, 9, 0);
	failures += run_case(fd, "cmd_len_9", &arg, cmd, SEES_ARG, EINVAL);
	default_arg(&arg, cmd, 0, 0);
	failures += run_case(fd, "cmd_len_0", &arg, cmd, SEES_ARG, EINVAL);
	default_arg(&arg, cmd, XENMB_TPM_BUF_MAX + 1, 0);
	failures += run_case(fd, "cmd_len_4097", &arg, cmd, SEES_ARG, EINVAL);

	/* The header says one length, the buffer another. */
	default_arg(&arg, cmd, len + 2, 0);
	failures += run_case(fd, "header_shorter_than_buffer", &arg, cmd,
			     SEES_CMD, EINVAL);
	default_arg(&arg, cmd, len - 1, 0);
	failures += run_case(fd, "header_longer_than_buffer", &arg, cmd,
			     SEES_CMD, EINVAL);

	/* A request tag of the other family, and a response tag. */
	len = build_get_random(family, cmd);
	xenmb_put_be16(cmd, family == XENMB_TPM_FAMILY_2_0
				? TPM12_TAG_RQU_COMMAND
				: TPM2_TAG_NO_SESSIONS);
	default_arg(&arg, cmd, len, 0);
	failures +=
	    run_case(fd, "tag_of_other_family", &arg, cmd, SEES_CMD, EINVAL);
	xenmb_put_be16(cmd, 0x00C4);
	default_arg(&arg, cmd, len, 0);
	failures += run_case(fd, "response_tag", &arg, cmd, SEES_CMD, EINVAL);
	len = build_get_random(family, cmd);

	default_arg(&arg, cmd, len, 0);
	arg.rsp_size = XENMB_TPM_BUF_MAX - 1;
	failures += run_case(fd, "rsp_size_4095", &arg, cmd, SEES_ARG, ENOSPC);
	default_arg(&arg, cmd, len, 0);
	arg.rsp_size = 0;
	failures += run_case(fd, "rsp_size_0", &arg, cmd, SEES_ARG, ENOSPC);

	default_arg(&arg, NULL, len, 0);
	failures += run_case(fd, "cmd_ptr_null", &arg, NULL, SEES_ARG, EFAULT);
	default_arg(&arg, cmd, len, 0);
	arg.cmd_ptr = 0xFFFFFFFFFFFF0000ULL;
	failures += run_case(fd, "cmd_ptr_kernel", &arg, cmd, SEES_ARG, EFAULT);
	default_arg(&arg, cmd, len, 0);
	arg.rsp_ptr = 8;
	failures += run_case(fd, "rsp_ptr_bad", &arg, cmd, SEES_CMD, EFAULT);

	/* The argument pointer itself. */
	err = submit(fd, NULL);
	ledger("arg_ptr_null", SEES_NOTHING, NULL, NULL, err, EFAULT);
	failures += err != EFAULT;

	/* Not a TPM_CMD: refused before anything, so not audited. */
	err =
	    ioctl(fd, _IOWR(XENMB_IOC_MAGIC, 0x7F, struct xenmb_tpm_cmd), &arg)
		? errno
		: 0;
	ledger("unknown_ioctl", NOT_AUDITED, NULL, NULL, err, ENOTTY);
	failures += err != ENOTTY;
	err = ioctl(fd, _IO(XENMB_IOC_MAGIC, 0x01), &arg) ? errno : 0;
	ledger("wrong_direction", NOT_AUDITED, NULL, NULL, err, ENOTTY);
	failures += err != ENOTTY;

	/* Policy: what localities above 0 must not do. */
	len = build_quote_header(family, cmd);
	default_arg(&arg, cmd, len, 1);
	failures += run_case(fd, "quote_at_locality_1", &arg, cmd, SEES_CMD,
			     above0(1, EACCES));
	len = build_extend(family, 15, cmd);
	default_arg(&arg, cmd, len, 2);
	failures += run_case(fd, "extend_pcr15_at_locality_2", &arg, cmd,
			     SEES_CMD, above0(2, EACCES));
	/* Too short to name its PCR: malformed, not merely refused. */
	default_arg(&arg, cmd, 12, 2);
	xenmb_put_be32(cmd + 2, 12);
	failures += run_case(fd, "extend_without_pcr_at_locality_2", &arg, cmd,
			     SEES_CMD, above0(2, EINVAL));

	close(fd);
	return failures ? 1 : 0;
}

/* Drops CAP_SYS_ADMIN from the effective set, keeping the open fd. */
static int probe_nocap(void)
{
	struct __user_cap_header_struct hdr = {
	    .version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int fd = open_dev();
	uint32_t family = family_of(fd);
	struct xenmb_tpm_cmd arg;
	struct xenmb_info info;
	uint8_t cmd[64];
	int failures, err;
	size_t len;

	if (syscall(SYS_capget, &hdr, data)) {
		perror("xenmb-probe: capget");
		return 4;
	}
	data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &=
	    ~CAP_TO_MASK(CAP_SYS_ADMIN);
	if (syscall(SYS_capset, &hdr, data)) {
		perror("xenmb-probe: capset");
		return 4;
	}
	len = build_get_random(family, cmd);
	default_arg(&arg, cmd, len, 0);
	failures = run_case(fd, "no_cap_sys_admin", &arg, cmd, SEES_ARG, EPERM);
	/* INFO takes the chip's ops and reads its registers: root's only. */
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	err = ioctl(fd, XENMB_IOC_INFO, &info) ? errno : 0;
	printf("{\"case\":\"info_no_cap\",\"errno\":%d,\"audited\":false}\n",
	       err);
	return failures + (err != EPERM);
}

static int probe_open(void)
{
	int fd = open("/dev/" XENMB_DEVICE_NAME, O_RDWR | O_CLOEXEC);

	printf("{\"case\":\"open\",\"errno\":%d}\n", fd < 0 ? errno : 0);
	if (fd >= 0)
		close(fd);
	return 0;
}

static int txt_read_errno(uint32_t region, uint32_t index, uint64_t offset,
			  uint32_t len, uint32_t flags, uint64_t reserved,
			  uint32_t *read_len)
{
	static uint8_t buf[1 << 16];
	struct xenmb_txt_read arg = {
	    .size = sizeof(arg),
	    .flags = flags,
	    .region = region,
	    .index = index,
	    .offset = offset,
	    .buf_ptr = (uintptr_t)buf,
	    .buf_len = len,
	};
	int fd = open_dev();
	int err;

	arg.reserved[1] = reserved;
	err = ioctl(fd, XENMB_IOC_TXT_READ, &arg) ? errno : 0;
	close(fd);
	*read_len = arg.read_len;
	return err;
}

/* Each case: name, what the kernel answered, read_len. */
static int probe_txt(void)
{
	static const struct {
		const char *name;
		uint32_t region, index, len, flags;
		uint64_t offset, reserved;
	} cases[] = {
	    {"heap_first_page", XENMB_TXT_REGION_HEAP, 0, 4096, 0, 0, 0},
	    {"log0_first_page", XENMB_TXT_REGION_LOG, 0, 4096, 0, 0, 0},
	    {"heap_past_end", XENMB_TXT_REGION_HEAP, 0, 4096, 0, 1ULL << 40, 0},
	    {"heap_offset_wraps", XENMB_TXT_REGION_HEAP, 0, 4096, 0, ~0ULL - 16,
	     0},
	    {"log_index_5", XENMB_TXT_REGION_LOG, 5, 4096, 0, 0, 0},
	    {"heap_index_1", XENMB_TXT_REGION_HEAP, 1, 4096, 0, 0, 0},
	    {"region_0", 0, 0, 4096, 0, 0, 0},
	    {"region_9", 9, 0, 4096, 0, 0, 0},
	    {"unknown_flag", XENMB_TXT_REGION_HEAP, 0, 4096, 1, 0, 0},
	    {"reserved_set", XENMB_TXT_REGION_HEAP, 0, 4096, 0, 0, 1},
	    {"buf_len_too_big", XENMB_TXT_REGION_HEAP, 0,
	     XENMB_TXT_READ_MAX + 1, 0, 0, 0},
	};
	struct xenmb_txt_info info = {.size = sizeof(info)};
	int fd = open_dev();
	size_t i;
	int err;

	err = ioctl(fd, XENMB_IOC_TXT_INFO, &info) ? errno : 0;
	close(fd);
	printf("{\"case\":\"info\",\"errno\":%d,\"present\":%u,"
	       "\"heap_status\":%u,\"log_count\":%u}\n",
	       err, info.present, info.heap_status, info.log_count);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t got = 0;

		err = txt_read_errno(cases[i].region, cases[i].index,
				     cases[i].offset, cases[i].len,
				     cases[i].flags, cases[i].reserved, &got);
		printf("{\"case\":\"%s\",\"errno\":%d,\"read_len\":%u}\n",
		       cases[i].name, err, got);
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Keeps using the device while the module is unloaded and loaded again.
 * Absent device and ENODEV are expected; any other failure is counted.
 */
static int probe_loop(double seconds, bool mix)
{
	double end = now() + seconds;
	unsigned long ok = 0, absent = 0, other = 0;
	struct xenmb_tpm_cmd arg;
	uint8_t cmd[64];
	unsigned long n = 0;

	while (now() < end) {
		int fd = open("/dev/" XENMB_DEVICE_NAME, O_RDWR | O_CLOEXEC);
		struct xenmb_info info = {.size = sizeof(info)};
		size_t len;
		int err;

		if (fd < 0) {
			if (errno == ENOENT || errno == ENXIO ||
			    errno == ENODEV)
				absent++;
			else
				other++;
			usleep(1000);
			continue;
		}
		if (ioctl(fd, XENMB_IOC_INFO, &info)) {
			other++;
			close(fd);
			continue;
		}
		len = build_get_random(info.tpm_family, cmd);
		default_arg(&arg, cmd, len,
			    mix && (n++ & 1) && (info.localities & 4) ? 2 : 0);
		err = submit(fd, &arg);
		/* GetRandom(8): TPM2B (2 + 8) or u32 size + 8 after the header.
		 */
		if (!err && !arg.tpm_rc &&
		    arg.rsp_len ==
			(info.tpm_family == XENMB_TPM_FAMILY_2_0 ? 20U : 22U))
			ok++;
		else
			other++;
		close(fd);
		/* Leave rmmod a window: the device is busy while open. */
		usleep(3000);
	}
	printf("{\"case\":\"loop\",\"ok\":%lu,\"absent\":%lu,\"other\":%lu}\n",
	       ok, absent, other);
	return 0;
}

static volatile sig_atomic_t caught;

static void on_usr1(int sig)
{
	(void)sig;
	caught++;
}

static int probe_sigsend(uint32_t locality, const char *hex)
{
	struct sigaction sa = {.sa_handler = on_usr1};
	static uint8_t cmd[XENMB_TPM_BUF_MAX];
	struct xenmb_tpm_cmd arg;
	size_t len = strlen(hex) / 2, i;
	int fd, err;

	if (len > sizeof(cmd))
		return 2;
	for (i = 0; i < len; i++) {
		unsigned int b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return 2;
		cmd[i] = (uint8_t)b;
	}
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		return 3;
	/* A shell starts '&' jobs with SIGINT ignored: make it fatal again. */
	signal(SIGINT, SIG_DFL);
	fd = open_dev();
	printf("{\"case\":\"sigsend\",\"pid\":%d,\"ready\":true}\n", getpid());
	fflush(stdout);
	default_arg(&arg, cmd, len, locality);
	err = ioctl(fd, XENMB_IOC_TPM_CMD, &arg) ? errno : 0;
	printf(
	    "{\"case\":\"sigsend\",\"errno\":%d,\"tpm_rc\":%u,\"rsp_len\":%u,"
	    "\"caught\":%d}\n",
	    err, err ? 0 : arg.tpm_rc, err ? 0 : arg.rsp_len, (int)caught);
	close(fd);
	return err ? 4 : 0;
}

/* One request line to the relay on fd 3, its answer; true on "OK". */
static bool relay_ask(const char *req)
{
	char line[128];
	size_t n = 0;
	struct pollfd pfd = {.fd = 3, .events = POLLIN};

	if (dprintf(3, "%s\n", req) < 0)
		return false;
	while (n + 1 < sizeof(line)) {
		if (poll(&pfd, 1, 30000) != 1 || read(3, line + n, 1) != 1)
			return false;
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = 0;
	return !strncmp(line, "OK", 2);
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd >= 0)
		close(fd);
}

static int probe_mix(void)
{
	static uint8_t cmd[XENMB_TPM_BUF_MAX];
	char hex[2 * XENMB_TPM_BUF_MAX + 1], fault[32], req[64];
	struct xenmb_tpm_cmd arg;
	unsigned int index, locality, timed, nodev = 0;
	int fd = open_dev();

	while (scanf("%u %u %8192s %31s %63s %u", &index, &locality, hex, fault,
		     req, &timed) == 6) {
		size_t len = strlen(hex) / 2, i;
		int err;

		for (i = 0; i < len; i++) {
			unsigned int b;

			if (sscanf(hex + 2 * i, "%2x", &b) != 1)
				return 2;
			cmd[i] = (uint8_t)b;
		}
		if (timed) {
			unlink("/tmp/paused");
			touch("/tmp/pause");
			while (access("/tmp/paused", F_OK))
				usleep(10000);
		}
		for (i = 0; req[i]; i++)
			if (req[i] == '_')
				req[i] = ' ';
		if (strcmp(fault, "-")) {
			char line[96];

			snprintf(line, sizeof(line), "FAULT %s", req);
			if (!relay_ask(line))
				printf("ask %u failed\n", index);
		}
		default_arg(&arg, cmd, len, locality);
		err = submit(fd, &arg);
		nodev = err == ENODEV ? nodev + 1 : 0;
		if (err)
			printf("%u rc=4  %s\n", index, strerror(err));
		else
			printf("%u rc=0 %u\n", index, arg.tpm_rc);
		fflush(stdout);
		if (!strcmp(fault, "mute")) {
			if (!relay_ask("UNMUTE"))
				printf("ask %u failed\n", index);
			usleep(300000);
		} else if (!strcmp(fault, "delay")) {
			usleep(1000000);
		} else if (!strcmp(fault, "stall")) {
			sleep(6);
		}
		if (timed)
			unlink("/tmp/pause");
		/* A TPM that no longer grants locality 0 would take ~1 s a
		 * command for the rest of the plan. */
		if (nodev == 20) {
			printf("mix: 20 ENODEV in a row, stopped after %u\n",
			       index);
			break;
		}
	}
	close(fd);
	return 0;
}

/* memread / memwrite: one mmap() of /dev/mem covering [addr, addr + len). */
static int phys_rw(const char *addr_s, const char *len_s, bool write)
{
	unsigned long long addr = strtoull(addr_s, NULL, 0);
	size_t len = len_s ? strtoull(len_s, NULL, 0) : 0;
	static unsigned char in[16 << 20];
	long pg = sysconf(_SC_PAGESIZE);
	unsigned long long base = addr & ~(unsigned long long)(pg - 1);
	size_t off = addr - base, done = 0;
	unsigned char *map;
	ssize_t n;
	int fd;

	if (write) {
		while ((n = read(0, in + len, sizeof(in) - len)) > 0)
			len += n;
		if (n < 0) {
			perror("memwrite: stdin");
			return 1;
		}
	}
	if (!len)
		return 0;
	fd = open("/dev/mem", (write ? O_RDWR : O_RDONLY) | O_SYNC);
	if (fd < 0) {
		perror("/dev/mem");
		return 1;
	}
	map = mmap(NULL, off + len, write ? PROT_READ | PROT_WRITE : PROT_READ,
		   MAP_SHARED, fd, (off_t)base);
	if (map == MAP_FAILED) {
		perror("mmap /dev/mem");
		return 1;
	}
	if (write)
		memcpy(map + off, in, len);
	while (!write && done < len) {
		n = fwrite(map + off + done, 1, len - done, stdout);
		if (n <= 0)
			return 1;
		done += n;
	}
	munmap(map, off + len);
	close(fd);
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "mix"))
		return probe_mix();
	if (argc == 4 && !strcmp(argv[1], "sigsend"))
		return probe_sigsend((uint32_t)atoi(argv[2]), argv[3]);
	if (argc == 4 && !strcmp(argv[1], "memread"))
		return phys_rw(argv[2], argv[3], false);
	if (argc == 3 && !strcmp(argv[1], "memwrite"))
		return phys_rw(argv[2], NULL, true);
	if (argc == 2 && !strcmp(argv[1], "malformed"))
		return probe_malformed();
	if (argc == 2 && !strcmp(argv[1], "nocap"))
		return probe_nocap();
	if (argc == 2 && !strcmp(argv[1], "open"))
		return probe_open();
	if (argc == 2 && !strcmp(argv[1], "txt"))
		return probe_txt();
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "loop"))
		return probe_loop(atof(argv[2]),
				  argc == 4 && !strcmp(argv[3], "mix"));
	fprintf(
	    stderr,
	    "usage: xenmb-probe malformed|nocap|open|txt|loop SECONDS [mix]|"
	    "sigsend LOCALITY HEX|mix\n"
	    "       xenmb-probe memread ADDR LEN | memwrite ADDR\n");
	return 2;
}
