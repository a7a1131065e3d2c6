// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb-bench: the measurements behind 'make bench' (bench/run.py). Each
 * mode prints its raw samples as JSON lines, one line a series; run.py
 * computes the medians, p99 and ratios, so the statistics exist once.
 * Paired series are measured interleaved (A B A B ...), so a load change
 * on the machine hits both alike.
 *
 *   xenmb-bench cmd N          TPM2_GetRandom(8) and TPM2_PCR_Read (8 PCRs)
 *                              through XENMB_IOC_TPM_CMD and through
 *                              write/read on /dev/tpm0, N of each
 *   xenmb-bench locality N B   that PCR_Read through xenmb at locality 2
 *                              and at locality 0, N of each, alternating
 *                              in blocks of B commands
 *   xenmb-bench clients S R C  R rounds: S seconds of 1 client, then S
 *                              seconds of C clients, each a process
 *                              sending GetRandom(8) through xenmb
 *   xenmb-bench exec N -- A... -- B...
 *                              whole-process wall time of commands A and B
 *                              (stdout to /dev/null), N of each
 *   xenmb-bench replay FILE N  the event log replay of 'xenmb eventlog
 *                              --file FILE --replay' (eventlog_replay())
 *                              and SHA-256 of the same bytes (EVP), N each;
 *                              and the same replay with OpenSSL's low-level
 *                              SHA-1/SHA-256 (no allocation: the floor
 *                              of any replay of a SHA-1 + SHA-256 log)
 *
 * Every TPM answer is checked (TPM_RC_SUCCESS and the expected size), every
 * exec'd command must exit 0, every replay must read every record: a
 * failure ends the run with exit 1 instead of producing a figure.
 */
/* The floor of a replay uses SHA1_* / SHA256_*, deprecated in OpenSSL 3. */
#define OPENSSL_API_COMPAT 0x10101000L

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../driver/tpm_cmd.h"
#include "../helper/eventlog.h"
#include "../helper/files.h"
#include "../helper/xenmb_dev.h"

#define TPM_DEVICE "/dev/tpm0"
#define WARMUP 20
#define MAX_CLIENTS 64

extern char **environ;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void __attribute__((noreturn)) die(const char *fmt, const char *what)
{
	fprintf(stderr, "xenmb-bench: ");
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	exit(1);
}

static void print_series(const char *name, const uint64_t *ns, size_t n)
{
	size_t i;

	printf("{\"series\":\"%s\",\"unit\":\"ns\",\"samples\":[", name);
	for (i = 0; i < n; i++)
		printf("%s%llu", i ? "," : "", (unsigned long long)ns[i]);
	printf("]}\n");
	fflush(stdout);
}

static uint64_t *samples(size_t n)
{
	uint64_t *s = calloc(n ? n : 1, sizeof(*s));

	if (!s)
		die("%s", "out of memory");
	return s;
}

/* TPM2_GetRandom(8): answer 10 + 2 + 8 bytes. */
static size_t build_get_random(uint8_t *cmd)
{
	xenmb_put_be16(cmd, TPM2_TAG_NO_SESSIONS);
	xenmb_put_be32(cmd + 2, 12);
	xenmb_put_be32(cmd + 6, TPM2_CMD_GET_RANDOM);
	xenmb_put_be16(cmd + 10, 8);
	return 12;
}

/* TPM2_PCR_Read of SHA-256 PCR 0-7 (one TPML_PCR_SELECTION entry). */
static size_t build_pcr_read(uint8_t *cmd)
{
	xenmb_put_be16(cmd, TPM2_TAG_NO_SESSIONS);
	xenmb_put_be32(cmd + 2, 20);
	xenmb_put_be32(cmd + 6, TPM2_CMD_PCR_READ);
	xenmb_put_be32(cmd + 10, 1);	  /* count */
	xenmb_put_be16(cmd + 14, 0x000B); /* TPM_ALG_SHA256 */
	cmd[16] = 3;			  /* sizeofSelect */
	cmd[17] = 0xFF;			  /* PCR 0-7 */
	cmd[18] = 0;
	cmd[19] = 0;
	return 20;
}

/* GetRandom: 20 bytes; PCR_Read: header, counter, selection, 8 digests. */
#define GET_RANDOM_RSP_LEN 20
#define PCR_READ_RSP_LEN (10 + 4 + 10 + 4 + 8 * (2 + 32))

static void check_answer(const uint8_t *rsp, size_t len, size_t want,
			 const char *what)
{
	if (len != want || len < TPM_HEADER_LEN ||
	    xenmb_get_be32(rsp + 6) != TPM2_RESP_SUCCESS ||
	    xenmb_get_be32(rsp + 2) != len)
		die("%s: unexpected TPM answer", what);
}

/*
 * One command through XENMB_IOC_TPM_CMD; returns its duration. The driver's
 * own time (tpm_transmit_cmd(), rsp->duration_ns) tells how much of it was
 * the TPM and its driver, and how much xenmb's path around them.
 */
static uint64_t via_xenmb(int fd, unsigned int locality, const uint8_t *cmd,
			  size_t len, size_t want, struct xenmb_response *rsp)
{
	uint64_t t0 = now_ns(), t1;
	int ret = xenmb_tpm_transmit(fd, locality, cmd, len, rsp);

	t1 = now_ns();
	if (ret)
		die("XENMB_IOC_TPM_CMD: %s", xenmb_cmd_strerror(ret, locality));
	check_answer(rsp->data, rsp->len, want, "xenmb");
	return t1 - t0;
}

/* The same on /dev/tpm0: write the command, read the answer. */
static uint64_t via_tpm0(int fd, const uint8_t *cmd, size_t len, size_t want,
			 uint8_t *rsp)
{
	uint64_t t0 = now_ns(), t1;
	ssize_t w = write(fd, cmd, len), r = -1;

	if (w == (ssize_t)len)
		r = read(fd, rsp, XENMB_TPM_BUF_MAX);
	t1 = now_ns();
	if (r < 0)
		die("/dev/tpm0: %s", strerror(errno));
	check_answer(rsp, (size_t)r, want, TPM_DEVICE);
	return t1 - t0;
}

static int open_xenmb(void)
{
	int fd = xenmb_open();

	if (fd < 0)
		die("%s", xenmb_open_strerror(fd));
	return fd;
}

static int mode_cmd(size_t n)
{
	static struct xenmb_response rsp;
	static uint8_t raw[XENMB_TPM_BUF_MAX];
	uint8_t rnd[16], pcr[32];
	size_t rnd_len = build_get_random(rnd), pcr_len = build_pcr_read(pcr);
	uint64_t *rx = samples(n), *rt = samples(n), *px = samples(n),
		 *pt = samples(n), *rd = samples(n), *pd = samples(n);
	int xfd = open_xenmb(), tfd = open(TPM_DEVICE, O_RDWR | O_CLOEXEC);
	size_t i;

	if (tfd < 0)
		die(TPM_DEVICE ": %s", strerror(errno));
	for (i = 0; i < WARMUP; i++) {
		via_xenmb(xfd, 0, rnd, rnd_len, GET_RANDOM_RSP_LEN, &rsp);
		via_tpm0(tfd, rnd, rnd_len, GET_RANDOM_RSP_LEN, raw);
	}
	for (i = 0; i < n; i++) {
		rx[i] =
		    via_xenmb(xfd, 0, rnd, rnd_len, GET_RANDOM_RSP_LEN, &rsp);
		rd[i] = rsp.duration_ns;
		rt[i] = via_tpm0(tfd, rnd, rnd_len, GET_RANDOM_RSP_LEN, raw);
		px[i] = via_xenmb(xfd, 0, pcr, pcr_len, PCR_READ_RSP_LEN, &rsp);
		pd[i] = rsp.duration_ns;
		pt[i] = via_tpm0(tfd, pcr, pcr_len, PCR_READ_RSP_LEN, raw);
	}
	print_series("getrandom.xenmb", rx, n);
	print_series("getrandom.tpm0", rt, n);
	print_series("pcrread.xenmb", px, n);
	print_series("pcrread.tpm0", pt, n);
	print_series("getrandom.xenmb.driver", rd, n);
	print_series("pcrread.xenmb.driver", pd, n);
	close(tfd);
	close(xfd);
	return 0;
}

static int mode_locality(size_t n, size_t block)
{
	static struct xenmb_response rsp;
	uint8_t pcr[32];
	size_t len = build_pcr_read(pcr), i, j, done2 = 0, done0 = 0;
	uint64_t *l2 = samples(n), *l0 = samples(n);
	int fd = open_xenmb();

	for (i = 0; i < WARMUP; i++) {
		via_xenmb(fd, 2, pcr, len, PCR_READ_RSP_LEN, &rsp);
		via_xenmb(fd, 0, pcr, len, PCR_READ_RSP_LEN, &rsp);
	}
	while (done2 < n || done0 < n) {
		for (j = 0; j < block && done2 < n; j++)
			l2[done2++] =
			    via_xenmb(fd, 2, pcr, len, PCR_READ_RSP_LEN, &rsp);
		for (j = 0; j < block && done0 < n; j++)
			l0[done0++] =
			    via_xenmb(fd, 0, pcr, len, PCR_READ_RSP_LEN, &rsp);
	}
	print_series("pcrread.locality2", l2, n);
	print_series("pcrread.locality0", l0, n);
	close(fd);
	return 0;
}

/* One client: GetRandom(8) until @deadline; writes its count to @out. */
static void __attribute__((noreturn)) client(int go, int out)
{
	static struct xenmb_response rsp;
	uint64_t deadline, count = 0;
	uint8_t rnd[16];
	size_t len = build_get_random(rnd);
	int fd = open_xenmb();

	/* Everyone starts when the parent hands out the deadline. */
	if (read(go, &deadline, sizeof(deadline)) != sizeof(deadline))
		_exit(2);
	while (now_ns() < deadline) {
		via_xenmb(fd, 0, rnd, len, GET_RANDOM_RSP_LEN, &rsp);
		count++;
	}
	if (write(out, &count, sizeof(count)) != sizeof(count))
		_exit(2);
	_exit(0);
}

/* @n clients for @seconds; their completed commands go to @counts. */
static void run_clients(unsigned int n, double seconds, uint64_t *counts)
{
	int go[2], out[MAX_CLIENTS][2], status;
	uint64_t deadline;
	pid_t pid[MAX_CLIENTS];
	unsigned int i;

	if (pipe(go))
		die("pipe: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		if (pipe(out[i]))
			die("pipe: %s", strerror(errno));
		fflush(stdout);
		pid[i] = fork();
		if (pid[i] < 0)
			die("fork: %s", strerror(errno));
		if (!pid[i])
			client(go[0], out[i][1]);
		close(out[i][1]);
	}
	/* Margin for the clients to be scheduled before the start. */
	deadline = now_ns() + 50000000ULL + (uint64_t)(seconds * 1e9);
	for (i = 0; i < n; i++)
		if (write(go[1], &deadline, sizeof(deadline)) !=
		    sizeof(deadline))
			die("pipe: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		if (read(out[i][0], &counts[i], sizeof(counts[i])) !=
		    sizeof(counts[i]))
			die("%s", "a client died");
		close(out[i][0]);
		if (waitpid(pid[i], &status, 0) != pid[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			die("%s", "a client failed");
	}
	close(go[0]);
	close(go[1]);
}

static void print_round(unsigned int round, unsigned int n, double seconds,
			const uint64_t *counts)
{
	unsigned int i;

	printf("{\"round\":%u,\"clients\":%u,\"seconds\":%g,\"counts\":[",
	       round, n, seconds);
	for (i = 0; i < n; i++)
		printf("%s%llu", i ? "," : "", (unsigned long long)counts[i]);
	printf("]}\n");
	fflush(stdout);
}

static int mode_clients(double seconds, unsigned int rounds, unsigned int n)
{
	uint64_t counts[MAX_CLIENTS];
	unsigned int r;

	if (n < 1 || n > MAX_CLIENTS || seconds <= 0)
		die("%s", "clients: bad arguments");
	for (r = 0; r < rounds; r++) {
		run_clients(1, seconds, counts);
		print_round(r, 1, seconds, counts);
		run_clients(n, seconds, counts);
		print_round(r, n, seconds, counts);
	}
	return 0;
}

/* Runs @argv once, stdout to /dev/null; returns the wall time. */
static uint64_t run_once(char **argv, posix_spawn_file_actions_t *fa)
{
	uint64_t t0 = now_ns(), t1;
	int status;
	pid_t pid;

	if (posix_spawnp(&pid, argv[0], fa, NULL, argv, environ))
		die("cannot run %s", argv[0]);
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid: %s", strerror(errno));
	t1 = now_ns();
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die("%s failed", argv[0]);
	return t1 - t0;
}

static int mode_exec(size_t n, char **a, char **b)
{
	uint64_t *sa = samples(n), *sb = samples(n);
	posix_spawn_file_actions_t fa;
	size_t i;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	/* One unmeasured run each: page cache and dynamic loader warm. */
	run_once(a, &fa);
	run_once(b, &fa);
	for (i = 0; i < n; i++) {
		sa[i] = run_once(a, &fa);
		sb[i] = run_once(b, &fa);
	}
	posix_spawn_file_actions_destroy(&fa);
	print_series("exec.a", sa, n);
	print_series("exec.b", sb, n);
	return 0;
}

/* The replay 'xenmb eventlog --file F --replay' does (cmd_eventlog.c). */
static uint64_t time_replay(const uint8_t *buf, size_t len,
			    struct tcg_replay *r, uint32_t *events)
{
	struct tcg_log_iter it;
	uint64_t t0 = now_ns(), t1;
	int ret;

	xenmb_tcg_replay_init(r, 0);
	ret = eventlog_replay(buf, len, TCG_LOG_AUTO, 0, r, &it);
	t1 = now_ns();
	if (ret || it.pos != len)
		die("%s", "the replay failed");
	*events = r->events;
	return t1 - t0;
}

static uint64_t time_sha256(const uint8_t *buf, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	uint64_t t0 = now_ns(), t1;

	if (EVP_Digest(buf, len, md, NULL, EVP_sha256(), NULL) != 1)
		die("%s", "EVP_Digest(SHA-256) failed");
	t1 = now_ns();
	return t1 - t0;
}

/*
 * Hash ops for the floor: SHA-1 and SHA-256 straight on the low-level
 * functions, one static context each (init() of a bank always follows the
 * previous final() in xenmb_tcg_replay_log()). Other banks: not hashed.
 */
struct floor_ctx {
	uint16_t alg;
	SHA_CTX sha1;
	SHA256_CTX sha256;
};

static struct floor_ctx floor_ctxs[2];

static void *floor_init(void *priv, uint16_t alg)
{
	struct floor_ctx *c = &floor_ctxs[alg == TCG_ALG_SHA256];

	(void)priv;
	c->alg = alg;
	if (alg == TCG_ALG_SHA1)
		return SHA1_Init(&c->sha1) ? c : NULL;
	if (alg == TCG_ALG_SHA256)
		return SHA256_Init(&c->sha256) ? c : NULL;
	return NULL;
}

static int floor_update(void *ctx, const uint8_t *data, uint32_t len)
{
	struct floor_ctx *c = ctx;
	int ok = c->alg == TCG_ALG_SHA1 ? SHA1_Update(&c->sha1, data, len)
					: SHA256_Update(&c->sha256, data, len);

	return ok ? 0 : -EIO;
}

static int floor_final(void *ctx, uint8_t *digest, uint32_t size)
{
	struct floor_ctx *c = ctx;
	int ok = c->alg == TCG_ALG_SHA1 ? SHA1_Final(digest, &c->sha1)
					: SHA256_Final(digest, &c->sha256);

	(void)size;
	return ok ? 0 : -EIO;
}

static const struct tcg_hash_ops floor_hash = {
    .init = floor_init,
    .update = floor_update,
    .final = floor_final,
};

static uint64_t time_floor(const uint8_t *buf, size_t len, struct tcg_replay *r)
{
	struct tcg_log_iter it;
	uint64_t t0 = now_ns(), t1;
	int ret;

	xenmb_tcg_replay_init(r, 0);
	ret = xenmb_tcg_log_open(&it, buf, (uint32_t)len, TCG_LOG_AUTO, 0);
	if (!ret)
		ret = xenmb_tcg_replay_log(r, &it, &floor_hash);
	t1 = now_ns();
	if (ret || it.pos != len)
		die("%s", "the floor replay failed");
	return t1 - t0;
}

static int mode_replay(const char *path, size_t n)
{
	struct tcg_replay *r = calloc(1, sizeof(*r)),
			  *f = calloc(1, sizeof(*f));
	uint64_t *sr = samples(n), *sh = samples(n), *sf = samples(n);
	uint32_t events = 0;
	uint8_t *buf;
	size_t len, i;
	int ret;

	ret = files_read_bounded(path, FILES_READ_MAX, &buf, &len);
	if (ret || !r || !f)
		die("cannot read %s", path);
	time_replay(buf, len, r, &events);
	time_sha256(buf, len);
	time_floor(buf, len, f);
	/* The floor did the same work only if it got the same PCRs. */
	if (memcmp(r->banks, f->banks, sizeof(r->banks)))
		die("%s", "the floor replay disagrees with eventlog_replay()");
	for (i = 0; i < n; i++) {
		sr[i] = time_replay(buf, len, r, &events);
		sh[i] = time_sha256(buf, len);
		sf[i] = time_floor(buf, len, f);
	}
	printf("{\"log_bytes\":%zu,\"records\":%u,\"extends\":%u}\n", len,
	       events, r->extends);
	print_series("replay", sr, n);
	print_series("sha256", sh, n);
	print_series("replay.floor", sf, n);
	free(buf);
	free(r);
	free(f);
	return 0;
}

static size_t count_arg(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*end || !v)
		die("not a positive count: %s", s);
	return v;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: xenmb-bench cmd N | locality N BLOCK | clients "
		"SECONDS ROUNDS CLIENTS\n"
		"       | exec N -- CMD... -- CMD... | replay FILE N\n");
	return 2;
}

int main(int argc, char **argv)
{
	int i, sep = 0;

	if (argc == 3 && !strcmp(argv[1], "cmd"))
		return mode_cmd(count_arg(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "locality"))
		return mode_locality(count_arg(argv[2]), count_arg(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "clients"))
		return mode_clients(atof(argv[2]),
				    (unsigned int)count_arg(argv[3]),
				    (unsigned int)count_arg(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "replay"))
		return mode_replay(argv[2], count_arg(argv[3]));
	if (argc > 5 && !strcmp(argv[1], "exec") && !strcmp(argv[3], "--")) {
		for (i = 4; i < argc && !sep; i++)
			if (!strcmp(argv[i], "--"))
				sep = i;
		if (sep <= 4 || sep == argc - 1)
			return usage();
		argv[sep] = NULL;
		argv[3] = NULL;
		return mode_exec(count_arg(argv[2]), argv + 4, argv + sep + 1);
	}
	return usage();
}
