// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb-abuse: random and malformed ioctls on /dev/xenmb from 4 threads,
 * while a fifth thread keeps trying to unload the module.
 *
 *   xenmb-abuse SEED CALLS
 *
 * Each call starts from a valid INFO, TPM_CMD, TXT_INFO or TXT_READ and gets
 * zero or more mutations (bad pointers, sizes, flags, fields ...). Every
 * mutation names the errno the uapi header promises for it and the step at
 * which the driver checks it, so the expected errno of a call is that of
 * its earliest mutation; a call without mutations must succeed. Each result
 * is tallied against that expectation. One JSON line at the end holds the
 * tallies, the errno histogram and the INFO counters before and after, for
 * the host to judge. Rerun with the printed SEED to reproduce a run.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
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

#define THREADS 4
#define PAGE 4096UL
#define MAX_ERRNO 160
#define SHOWN_MISMATCHES 20
#define ARRAY_LEN(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

/*
 * The order in which the driver checks things (main.c, policy.c): the
 * expected errno of a call is that of its lowest-ranked mutation.
 */
enum rank {
	R_ARG_PTR,   /* get_user(size): EFAULT */
	R_SIZE,	     /* size outside VER0..PAGE_SIZE: EINVAL */
	R_ARG_COPY,  /* copy_struct_from_user: EFAULT or E2BIG */
	R_FIELDS,    /* flags, reserved, locality, lengths: EINVAL */
	R_NO_TXT,    /* TXT_READ without TXT: ENODEV */
	R_RSP_SIZE,  /* ENOSPC */
	R_CMD_COPY,  /* EFAULT */
	R_HEADER,    /* header length or tag: EINVAL */
	R_LOCALITY4, /* EPERM */
	R_POLICY,    /* EACCES */
	R_LOG_INDEX, /* TXT_READ of a log past log_count: EINVAL */
	R_OUT_COPY,  /* after the work is done (TPM reached): EFAULT */
	R_NONE,
};

struct expect {
	enum rank rank;
	int err;
	const char *what;
};

static void mutate(struct expect *e, enum rank rank, int err, const char *what)
{
	if (rank < e->rank) {
		e->rank = rank;
		e->err = err;
		e->what = what;
	}
}

/* xorshift64*: fast, and the same sequence for the same seed. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static uint32_t below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(next_rand(s) % n);
}

static bool chance(uint64_t *s, uint32_t percent)
{
	return below(s, 100) < percent;
}

struct tally {
	uint64_t calls, ok, mismatches, unexpected_success;
	uint64_t tpm_sent, tpm_denied, tpm_errors, tpm_valid;
	uint64_t by_errno[MAX_ERRNO];
	uint64_t by_ioctl[5];
};

struct txt_view {
	uint32_t present, log_count;
	uint64_t heap_size;
	uint32_t log_size[XENMB_TXT_MAX_LOGS];
};

struct worker {
	pthread_t thread;
	int fd;
	uint64_t seed;
	uint64_t calls;
	uint32_t localities;
	struct txt_view txt;
	uint8_t *rw;	 /* two read-write pages, then a PROT_NONE page */
	uint8_t *ro;	 /* a read-only view of rw's first page */
	uint8_t *edge;	 /* the first byte of the PROT_NONE page */
	uint8_t *bigbuf; /* XENMB_TXT_READ_MAX bytes */
	struct tally t;
};

static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint shown;
static atomic_bool stop_rmmod;

/* Addresses no user copy can succeed on. */
static uint64_t bad_pointer(struct worker *w)
{
	static const uint64_t kernel[] = {0xffff888000000000ULL,
					  0xffffffff81000000ULL,
					  ~0ULL - 7,
					  0x00007ffffffff000ULL,
					  0x1ULL,
					  0x10ULL,
					  0};

	if (chance(&w->seed, 30))
		return (uintptr_t)w->edge + below(&w->seed, PAGE);
	return kernel[below(&w->seed, sizeof(kernel) / sizeof(kernel[0]))];
}

/* Where the argument structure goes; EFAULT or EINVAL mutations of it. */
static uint8_t *place_arg(struct worker *w, struct expect *e, uint32_t *usize,
			  uint32_t min, uint32_t full, bool *readonly)
{
	uint32_t k;

	*readonly = false;
	/* TPM_CMD: the read-only case reaches the TPM, so keep it rarer. */
	switch (
	    below(&w->seed, full == sizeof(struct xenmb_tpm_cmd) ? 30 : 12)) {
	case 0: /* a size the driver refuses before it reads more */
		switch (below(&w->seed, 5)) {
		case 0:
			*usize = below(&w->seed, min);
			break;
		case 1:
			*usize = min - 1 - below(&w->seed, 8);
			break;
		case 2:
			*usize = (uint32_t)PAGE + 1 + below(&w->seed, 1 << 20);
			break;
		case 3:
			*usize = 0xFFFFFFFFU - below(&w->seed, 4);
			break;
		default:
			*usize = 0x80000000U;
			break;
		}
		mutate(e, R_SIZE, EINVAL, "size out of range");
		return w->rw;
	case 1: /* ends at a page edge: the size field reads, the rest not */
		k = 4 + below(&w->seed, *usize - 4);
		mutate(e, R_ARG_COPY, EFAULT, "argument ends at a page edge");
		return w->edge - k;
	case 2: /* larger than the driver knows, a non-zero byte beyond */
		k = 8 + below(&w->seed, 256);
		*usize = full + k;
		w->rw[full + below(&w->seed, k)] =
		    (uint8_t)(1 + below(&w->seed, 255));
		mutate(e, R_ARG_COPY, E2BIG,
		       "non-zero bytes past the known size");
		return w->rw;
	case 3: /* larger, zero beyond: accepted */
		*usize = full + 8 * below(&w->seed, 64);
		return w->rw;
	case 4: /* the first published layout exactly */
		*usize = min;
		return w->rw;
	case 5: /* unaligned: must still work */
		return w->rw + 1 + below(&w->seed, 7);
	case 6: /* read-only: read fine, the answer cannot be written */
		*readonly = true;
		mutate(e, R_OUT_COPY, EFAULT, "argument read-only");
		return w->rw;
	default:
		return w->rw;
	}
}

static size_t build_tpm2_get_random(uint8_t *cmd, uint16_t n)
{
	xenmb_put_be16(cmd, TPM2_TAG_NO_SESSIONS);
	xenmb_put_be32(cmd + 2, 12);
	xenmb_put_be32(cmd + 6, TPM2_CMD_GET_RANDOM);
	xenmb_put_be16(cmd + 10, n);
	return 12;
}

static size_t build_tpm2_pcr_read(uint8_t *cmd, uint32_t pcr)
{
	memset(cmd, 0, 20);
	xenmb_put_be16(cmd, TPM2_TAG_NO_SESSIONS);
	xenmb_put_be32(cmd + 2, 20);
	xenmb_put_be32(cmd + 6, TPM2_CMD_PCR_READ);
	xenmb_put_be32(cmd + 10, 1);	  /* one selection */
	xenmb_put_be16(cmd + 14, 0x000B); /* SHA-256 */
	cmd[16] = 3;			  /* sizeofSelect */
	cmd[17 + pcr / 8] = (uint8_t)(1U << (pcr % 8));
	return 20;
}

/*
 * The argument is prepared in the read-write page; for a read-only
 * placement the ioctl gets the read-only view of the same bytes.
 */
static uint8_t *finish_arg(struct worker *w, uint8_t *where, bool readonly,
			   const void *arg, size_t len)
{
	if (where >= w->rw && where < w->rw + 2 * PAGE &&
	    where + len > w->rw + 2 * PAGE)
		len = (size_t)(w->rw + 2 * PAGE - where);
	if (where + len > w->edge && where < w->edge)
		len = (size_t)(w->edge - where);
	memcpy(where, arg, len);
	return readonly ? w->ro + (where - w->rw) : where;
}

static int call(int fd, unsigned long nr, void *arg)
{
	return ioctl(fd, nr, arg) ? errno : 0;
}

struct tpm_case {
	struct expect e;
	bool sent;     /* the TPM sees it */
	bool bad_code; /* the TPM must answer with an error */
};

/* Mutations of a TPM_CMD; none at all for the few calls kept valid. */
static void mutate_tpm_cmd(struct worker *w, struct tpm_case *tc,
			   struct xenmb_tpm_cmd *arg, uint8_t *cmd, size_t len)
{
	struct expect *e = &tc->e;

	if (chance(&w->seed, 15)) {
		arg->flags = 1U << below(&w->seed, 32);
		mutate(e, R_FIELDS, EINVAL, "a flag bit");
	}
	if (chance(&w->seed, 8)) {
		if (chance(&w->seed, 50))
			arg->reserved0 = 1 + below(&w->seed, 1000);
		else
			arg->reserved[below(&w->seed, 4)] = 1;
		mutate(e, R_FIELDS, EINVAL, "a reserved field");
	}
	if (chance(&w->seed, 8)) {
		arg->locality = 5 + below(&w->seed, 0xFFFFFFF0U);
		mutate(e, R_FIELDS, EINVAL, "locality above 4");
	} else if (chance(&w->seed, 5)) {
		arg->locality = XENMB_LOCALITY_HW;
		mutate(e, R_LOCALITY4, EPERM, "locality 4");
	}
	if (chance(&w->seed, 8)) {
		arg->cmd_len =
		    chance(&w->seed, 50)
			? below(&w->seed, XENMB_TPM_CMD_MIN)
			: XENMB_TPM_BUF_MAX + 1 + below(&w->seed, 0x7FFFFFFF);
		mutate(e, R_FIELDS, EINVAL, "cmd_len out of range");
	}
	if (chance(&w->seed, 10)) {
		arg->rsp_size = below(&w->seed, XENMB_TPM_BUF_MAX);
		mutate(e, R_RSP_SIZE, ENOSPC, "response buffer too small");
	}
	if (chance(&w->seed, 10)) {
		if (chance(&w->seed, 50)) {
			arg->cmd_ptr = bad_pointer(w);
		} else {
			/* The command runs into the PROT_NONE page. */
			memcpy(w->edge - 6, cmd, 6);
			arg->cmd_ptr = (uintptr_t)(w->edge - 6);
		}
		mutate(e, R_CMD_COPY, EFAULT, "bad cmd_ptr");
	}
	if (chance(&w->seed, 10)) {
		xenmb_put_be32(cmd + 2,
			       (uint32_t)len + 1 + below(&w->seed, 99));
		mutate(e, R_HEADER, EINVAL, "header length differs");
	}
	if (chance(&w->seed, 8)) {
		uint16_t tag = (uint16_t)below(&w->seed, 0x10000);

		if (tag != TPM2_TAG_NO_SESSIONS && tag != TPM2_TAG_SESSIONS) {
			xenmb_put_be16(cmd, tag);
			mutate(e, R_HEADER, EINVAL, "not a request tag");
		}
	}
	if (chance(&w->seed, 3)) {
		/* Unassigned in TPM 2.0: harmless, the TPM refuses it. */
		xenmb_put_be32(cmd + 6, 0x1F0 + below(&w->seed, 0x10));
		tc->bad_code = true;
		if (arg->locality > 0 && arg->locality < XENMB_LOCALITY_HW)
			mutate(e, R_POLICY, EACCES, "refused by the policy");
	}
	if (chance(&w->seed, 3)) {
		arg->rsp_ptr = chance(&w->seed, 50) ? bad_pointer(w)
						    : (uintptr_t)(w->edge - 8);
		mutate(e, R_OUT_COPY, EFAULT, "bad rsp_ptr");
	}
	/* Not valid by chance: the valid share stays small (TPM time). */
	if (e->rank == R_NONE && !tc->bad_code) {
		arg->flags = 1U << below(&w->seed, 32);
		mutate(e, R_FIELDS, EINVAL, "a flag bit");
	}
}

static int abuse_tpm_cmd(struct worker *w, struct tpm_case *tc)
{
	struct xenmb_tpm_cmd arg = {.size = sizeof(arg)}, *back;
	uint8_t *cmd = w->rw + PAGE + 2048;
	uint8_t *rsp = w->bigbuf;
	uint32_t usize = sizeof(arg), locality = below(&w->seed, 4);
	unsigned long nr = XENMB_IOC_TPM_CMD;
	bool readonly = false;
	uint8_t *where = w->rw;
	size_t len;
	int err;

	memset(w->rw, 0, 2 * PAGE);
	if (!(w->localities & (1U << locality)))
		locality = 0;
	len = chance(&w->seed, 50)
		  ? build_tpm2_get_random(cmd, 1 + below(&w->seed, 48))
		  : build_tpm2_pcr_read(cmd, below(&w->seed, 24));
	arg.locality = locality;
	arg.cmd_len = (uint32_t)len;
	arg.cmd_ptr = (uintptr_t)cmd;
	arg.rsp_ptr = (uintptr_t)rsp;
	arg.rsp_size = XENMB_TPM_BUF_MAX + below(&w->seed, 3) * 4096;
	/* About 1 call in 100 is valid: TPM time is what TCG makes slow. */
	if (!chance(&w->seed, 1)) {
		where = place_arg(w, &tc->e, &usize, XENMB_TPM_CMD_SIZE_VER0,
				  sizeof(arg), &readonly);
		mutate_tpm_cmd(w, tc, &arg, cmd, len);
	}
	/* The driver dispatches on the number, not on _IOC_SIZE. */
	if (chance(&w->seed, 2))
		nr = _IOC(_IOC_READ | _IOC_WRITE, XENMB_IOC_MAGIC, 0x01,
			  below(&w->seed, 1 << 14));
	tc->sent = tc->e.rank >= R_OUT_COPY;
	arg.size = usize;
	where = finish_arg(w, where, readonly, &arg, sizeof(arg));
	if (chance(&w->seed, 3)) {
		where = (uint8_t *)(uintptr_t)bad_pointer(w);
		mutate(&tc->e, R_ARG_PTR, EFAULT, "bad argument pointer");
		tc->sent = false;
	}
	err = call(w->fd, nr, where);
	if (err || tc->e.rank != R_NONE)
		return err;
	/* A success must carry the TPM's own answer. */
	back = (struct xenmb_tpm_cmd *)where;
	if (back->rsp_len < TPM_HEADER_LEN ||
	    xenmb_get_be16(rsp) != TPM2_TAG_NO_SESSIONS ||
	    xenmb_get_be32(rsp + 2) != back->rsp_len ||
	    xenmb_get_be32(rsp + 6) != back->tpm_rc ||
	    !back->tpm_rc != !tc->bad_code)
		return -1;
	return 0;
}

/*
 * Every argument carries flags and reserved words: the kernel must refuse
 * an unknown flag bit and a non-zero reserved word alike. @flag_pct and
 * @reserved_pct: how often each is spoiled, in percent.
 */
static void spoil_flags_reserved(struct worker *w, struct expect *e,
				 __u32 *flags, __u64 *reserved,
				 uint32_t n_reserved, uint32_t flag_pct,
				 uint32_t reserved_pct)
{
	if (chance(&w->seed, flag_pct)) {
		*flags = 1U << below(&w->seed, 32);
		mutate(e, R_FIELDS, EINVAL, "a flag bit");
	}
	if (chance(&w->seed, reserved_pct)) {
		reserved[below(&w->seed, n_reserved)] = 1;
		mutate(e, R_FIELDS, EINVAL, "a reserved field");
	}
}

/*
 * Copies @arg into place (finish_arg) and, in 1 call of 20, hands the
 * kernel a bad pointer instead. Returns what the ioctl gets.
 */
static uint8_t *hand_over(struct worker *w, struct expect *e, uint8_t *where,
			  bool readonly, const void *arg, size_t len)
{
	where = finish_arg(w, where, readonly, arg, len);
	if (chance(&w->seed, 5)) {
		where = (uint8_t *)(uintptr_t)bad_pointer(w);
		mutate(e, R_ARG_PTR, EFAULT, "bad argument pointer");
	}
	return where;
}

static int abuse_info(struct worker *w, struct expect *e)
{
	struct xenmb_info arg = {.size = sizeof(arg)};
	uint32_t usize = sizeof(arg);
	bool readonly;
	uint8_t *where;

	memset(w->rw, 0, PAGE);
	where = place_arg(w, e, &usize, XENMB_INFO_SIZE_VER0, sizeof(arg),
			  &readonly);
	spoil_flags_reserved(w, e, &arg.flags, arg.reserved,
			     ARRAY_LEN(arg.reserved), 15, 10);
	arg.size = usize;
	where = hand_over(w, e, where, readonly, &arg, sizeof(arg));
	return call(w->fd, XENMB_IOC_INFO, where);
}

static int abuse_txt_info(struct worker *w, struct expect *e)
{
	struct xenmb_txt_info arg = {.size = sizeof(arg)};
	uint32_t usize = sizeof(arg);
	bool readonly;
	uint8_t *where;

	memset(w->rw, 0, PAGE);
	where = place_arg(w, e, &usize, XENMB_TXT_INFO_SIZE_VER0, sizeof(arg),
			  &readonly);
	spoil_flags_reserved(w, e, &arg.flags, arg.reserved,
			     ARRAY_LEN(arg.reserved), 15, 10);
	arg.size = usize;
	where = hand_over(w, e, where, readonly, &arg, sizeof(arg));
	return call(w->fd, XENMB_IOC_TXT_INFO, where);
}

/* What read_len a successful TXT_READ must report. */
static uint64_t txt_expected_len(const struct worker *w,
				 const struct xenmb_txt_read *arg)
{
	uint64_t size = arg->region == XENMB_TXT_REGION_HEAP
			    ? w->txt.heap_size
			    : w->txt.log_size[arg->index];

	if (arg->offset >= size)
		return 0;
	return size - arg->offset < arg->buf_len ? size - arg->offset
						 : arg->buf_len;
}

static int abuse_txt_read(struct worker *w, struct expect *e)
{
	struct xenmb_txt_read arg = {.size = sizeof(arg)};
	uint32_t usize = sizeof(arg);
	uint64_t size, want = 0;
	bool readonly;
	uint8_t *where;
	int err;

	memset(w->rw, 0, PAGE);
	arg.region =
	    chance(&w->seed, 50) ? XENMB_TXT_REGION_HEAP : XENMB_TXT_REGION_LOG;
	if (!w->txt.log_count)
		arg.region = XENMB_TXT_REGION_HEAP;
	if (arg.region == XENMB_TXT_REGION_LOG)
		arg.index = below(&w->seed, w->txt.log_count);
	size = arg.region == XENMB_TXT_REGION_HEAP ? w->txt.heap_size
						   : w->txt.log_size[arg.index];
	switch (below(&w->seed, 4)) {
	case 0: /* inside */
		arg.offset = size ? below(&w->seed, (uint32_t)size) : 0;
		break;
	case 1: /* near the end, across it or past it */
		arg.offset = size + below(&w->seed, 8192) - 4096;
		break;
	case 2: /* far past, up to wrapping */
		arg.offset = ~0ULL - below(&w->seed, 1 << 20);
		break;
	default:
		arg.offset = 0;
		break;
	}
	arg.buf_len =
	    chance(&w->seed, 10) ? XENMB_TXT_READ_MAX : below(&w->seed, 65536);
	arg.buf_ptr = (uintptr_t)w->bigbuf;

	where = place_arg(w, e, &usize, XENMB_TXT_READ_SIZE_VER0, sizeof(arg),
			  &readonly);
	spoil_flags_reserved(w, e, &arg.flags, arg.reserved,
			     ARRAY_LEN(arg.reserved), 10, 6);
	if (chance(&w->seed, 6)) {
		arg.buf_len = XENMB_TXT_READ_MAX + 1 + below(&w->seed, 1 << 30);
		mutate(e, R_FIELDS, EINVAL, "buf_len above the maximum");
	}
	if (chance(&w->seed, 6)) {
		arg.region = chance(&w->seed, 50) ? 0 : 3 + below(&w->seed, 99);
		mutate(e, R_FIELDS, EINVAL, "unknown region");
	} else if (chance(&w->seed, 6)) {
		if (arg.region == XENMB_TXT_REGION_HEAP) {
			arg.index = 1 + below(&w->seed, 1000);
			mutate(e, R_FIELDS, EINVAL, "an index for the heap");
		} else {
			arg.index = w->txt.log_count + below(&w->seed, 1000);
			mutate(e, R_LOG_INDEX, EINVAL, "log index past count");
		}
	}
	if (!w->txt.present)
		mutate(e, R_NO_TXT, ENODEV, "no TXT");
	if (e->rank > R_LOG_INDEX)
		want = txt_expected_len(w, &arg);
	if (chance(&w->seed, 8)) {
		/* Only a read that copies something can fault. */
		if (chance(&w->seed, 50)) {
			arg.buf_ptr = bad_pointer(w);
			if (want)
				mutate(e, R_OUT_COPY, EFAULT, "bad buf_ptr");
		} else {
			uint32_t room = below(&w->seed, 64);

			arg.buf_ptr = (uintptr_t)(w->edge - room);
			if (want > room)
				mutate(e, R_OUT_COPY, EFAULT,
				       "buf_ptr at a page edge");
		}
	}
	arg.size = usize;
	where = hand_over(w, e, where, readonly, &arg, sizeof(arg));
	err = call(w->fd, XENMB_IOC_TXT_READ, where);
	if (!err && ((struct xenmb_txt_read *)where)->read_len != want)
		err = -1; /* a success must report exactly what it copied */
	return err;
}

/* Another magic, number or direction: refused before anything else. */
static int abuse_unknown(struct worker *w, struct expect *e)
{
	static const uint8_t magics[] = {0xB7, 0xB9, 0xA5, 0xEE, 0xFF};
	unsigned int dir = below(&w->seed, 4), nr = below(&w->seed, 256);
	unsigned int type = XENMB_IOC_MAGIC;

	if (chance(&w->seed, 30))
		type = magics[below(&w->seed, sizeof(magics))];
	else if (dir == (_IOC_READ | _IOC_WRITE) && nr < 4)
		nr = 4 + below(&w->seed, 252);
	mutate(e, R_ARG_PTR, ENOTTY, "unknown ioctl");
	memset(w->rw, 0, PAGE);
	return call(w->fd, _IOC(dir, type, nr, below(&w->seed, 1 << 14)),
		    chance(&w->seed, 50) ? (void *)w->rw
					 : (void *)(uintptr_t)bad_pointer(w));
}

static void record(struct worker *w, int kind, const struct expect *e, int err)
{
	struct tally *t = &w->t;

	t->calls++;
	t->by_ioctl[kind]++;
	if (err >= 0 && err < MAX_ERRNO)
		t->by_errno[err]++;
	if (err == e->err) {
		t->ok++;
		return;
	}
	t->mismatches++;
	if (err == 0)
		t->unexpected_success++;
	if (atomic_fetch_add(&shown, 1) < SHOWN_MISMATCHES) {
		pthread_mutex_lock(&print_lock);
		fprintf(stderr,
			"xenmb-abuse: ioctl kind %d (%s): got %d (%s), "
			"want %d (%s)\n",
			kind, e->what, err,
			err > 0 ? strerror(err) : "bad answer", e->err,
			strerror(e->err));
		pthread_mutex_unlock(&print_lock);
	}
}

static void *worker_main(void *p)
{
	struct worker *w = p;
	uint64_t i;

	for (i = 0; i < w->calls; i++) {
		struct tpm_case tc = {.e = {R_NONE, 0, "valid"}};
		struct expect e = {R_NONE, 0, "valid"};
		uint32_t pick = below(&w->seed, 100);
		int err;

		if (pick < 40) {
			err = abuse_tpm_cmd(w, &tc);
			record(w, 1, &tc.e, err);
			w->t.tpm_valid += tc.e.rank == R_NONE && !tc.bad_code;
			if (tc.sent) {
				w->t.tpm_sent++;
				w->t.tpm_errors += tc.bad_code;
			} else if (tc.e.err && tc.e.err != ENOTTY) {
				w->t.tpm_denied++;
			}
			continue;
		}
		if (pick < 55)
			err = abuse_info(w, &e), record(w, 0, &e, err);
		else if (pick < 70)
			err = abuse_txt_info(w, &e), record(w, 2, &e, err);
		else if (pick < 90)
			err = abuse_txt_read(w, &e), record(w, 3, &e, err);
		else
			err = abuse_unknown(w, &e), record(w, 4, &e, err);
	}
	return NULL;
}

struct rmmod_tally {
	uint64_t attempts, busy, other, unloaded;
};

/* delete_module(O_NONBLOCK) as busybox rmmod does it, every 20 ms. */
static void *rmmod_main(void *p)
{
	struct rmmod_tally *r = p;

	while (!atomic_load(&stop_rmmod)) {
		r->attempts++;
		if (!syscall(SYS_delete_module, "xenmb", O_NONBLOCK))
			r->unloaded++;
		else if (errno == EBUSY || errno == EAGAIN)
			r->busy++;
		else
			r->other++;
		usleep(20000);
	}
	return NULL;
}

static int setup_worker(struct worker *w, uint64_t seed, uint64_t calls)
{
	int memfd = (int)syscall(SYS_memfd_create, "xenmb-abuse", 0);
	uint8_t *map;

	w->seed = seed ? seed : 1;
	w->calls = calls;
	if (memfd < 0 || ftruncate(memfd, 2 * PAGE))
		return -1;
	map =
	    mmap(NULL, 3 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return -1;
	/* The first two pages are the memfd, so the read-only view matches. */
	w->rw = mmap(map, 2 * PAGE, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_FIXED, memfd, 0);
	w->ro = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, memfd, 0);
	close(memfd);
	if (w->rw == MAP_FAILED || w->ro == MAP_FAILED)
		return -1;
	w->edge = map + 2 * PAGE;
	w->bigbuf = malloc(XENMB_TXT_READ_MAX + PAGE);
	w->fd = open("/dev/" XENMB_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	return w->bigbuf && w->fd >= 0 ? 0 : -1;
}

static int read_info(int fd, struct xenmb_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(fd, XENMB_IOC_INFO, info);
}

static void read_txt(int fd, struct txt_view *v)
{
	struct xenmb_txt_info ti = {.size = sizeof(ti)};
	uint32_t i;

	memset(v, 0, sizeof(*v));
	if (ioctl(fd, XENMB_IOC_TXT_INFO, &ti) || !ti.present)
		return;
	v->present = 1;
	v->heap_size = ti.heap_size;
	if (ti.heap_status)
		return;
	v->log_count = ti.log_count;
	for (i = 0; i < ti.log_count && i < XENMB_TXT_MAX_LOGS; i++)
		v->log_size[i] = ti.logs[i].allocated;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_counters(const char *name, const struct xenmb_info *a,
			   const struct xenmb_info *b)
{
	printf("\"%s\":{\"commands\":%llu,\"denials\":%llu,"
	       "\"tpm_errors\":%llu,\"timeouts\":%llu,\"io_errors\":%llu}",
	       name, (unsigned long long)(b->commands - a->commands),
	       (unsigned long long)(b->denials - a->denials),
	       (unsigned long long)(b->tpm_errors - a->tpm_errors),
	       (unsigned long long)(b->timeouts - a->timeouts),
	       (unsigned long long)(b->io_errors - a->io_errors));
}

int main(int argc, char **argv)
{
	static struct worker w[THREADS];
	struct xenmb_info before, after;
	struct rmmod_tally rm = {0};
	struct tally sum = {0};
	struct txt_view txt;
	pthread_t rmmod_thread;
	uint64_t seed, calls;
	double start, secs;
	int i, e, fd;

	if (argc != 3) {
		fprintf(stderr, "usage: xenmb-abuse SEED CALLS\n");
		return 2;
	}
	seed = strtoull(argv[1], NULL, 0);
	calls = strtoull(argv[2], NULL, 0);
	fprintf(stderr, "xenmb-abuse: seed %llu, %llu calls\n",
		(unsigned long long)seed, (unsigned long long)calls);

	fd = open("/dev/" XENMB_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (fd < 0 || read_info(fd, &before)) {
		perror("xenmb-abuse: /dev/xenmb");
		return 3;
	}
	read_txt(fd, &txt);
	for (i = 0; i < THREADS; i++) {
		if (setup_worker(&w[i], seed * 0x9E3779B97F4A7C15ULL + i + 1,
				 calls / THREADS +
				     (i < (int)(calls % THREADS)))) {
			perror("xenmb-abuse: setup");
			return 3;
		}
		w[i].localities = before.localities;
		w[i].txt = txt;
	}

	start = now();
	pthread_create(&rmmod_thread, NULL, rmmod_main, &rm);
	for (i = 0; i < THREADS; i++)
		pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
	for (i = 0; i < THREADS; i++)
		pthread_join(w[i].thread, NULL);
	atomic_store(&stop_rmmod, true);
	pthread_join(rmmod_thread, NULL);
	secs = now() - start;

	if (read_info(fd, &after)) {
		perror("xenmb-abuse: INFO after the run");
		return 3;
	}
	for (i = 0; i < THREADS; i++) {
		struct tally *t = &w[i].t;

		sum.calls += t->calls;
		sum.ok += t->ok;
		sum.mismatches += t->mismatches;
		sum.unexpected_success += t->unexpected_success;
		sum.tpm_sent += t->tpm_sent;
		sum.tpm_denied += t->tpm_denied;
		sum.tpm_errors += t->tpm_errors;
		sum.tpm_valid += t->tpm_valid;
		for (e = 0; e < MAX_ERRNO; e++)
			sum.by_errno[e] += t->by_errno[e];
		for (e = 0; e < 5; e++)
			sum.by_ioctl[e] += t->by_ioctl[e];
		close(w[i].fd);
	}
	close(fd);

	printf("{\"seed\":%llu,\"threads\":%d,\"seconds\":%.3f,\"calls\":%llu,"
	       "\"as_expected\":%llu,\"mismatches\":%llu,"
	       "\"unexpected_success\":%llu,\"txt_present\":%u,"
	       "\"log_count\":%u,",
	       (unsigned long long)seed, THREADS, secs,
	       (unsigned long long)sum.calls, (unsigned long long)sum.ok,
	       (unsigned long long)sum.mismatches,
	       (unsigned long long)sum.unexpected_success, txt.present,
	       txt.log_count);
	printf("\"by_ioctl\":{\"info\":%llu,\"tpm_cmd\":%llu,\"txt_info\":%llu,"
	       "\"txt_read\":%llu,\"unknown\":%llu},",
	       (unsigned long long)sum.by_ioctl[0],
	       (unsigned long long)sum.by_ioctl[1],
	       (unsigned long long)sum.by_ioctl[2],
	       (unsigned long long)sum.by_ioctl[3],
	       (unsigned long long)sum.by_ioctl[4]);
	printf("\"errno\":{");
	for (e = 0, i = 0; e < MAX_ERRNO; e++)
		if (sum.by_errno[e])
			printf("%s\"%d\":%llu", i++ ? "," : "", e,
			       (unsigned long long)sum.by_errno[e]);
	printf("},\"tally\":{\"commands\":%llu,\"denials\":%llu,"
	       "\"tpm_errors\":%llu,\"valid_tpm\":%llu},",
	       (unsigned long long)sum.tpm_sent,
	       (unsigned long long)sum.tpm_denied,
	       (unsigned long long)sum.tpm_errors,
	       (unsigned long long)sum.tpm_valid);
	print_counters("counters", &before, &after);
	printf(",\"rmmod\":{\"attempts\":%llu,\"busy\":%llu,\"other\":%llu,"
	       "\"unloaded\":%llu}}\n",
	       (unsigned long long)rm.attempts, (unsigned long long)rm.busy,
	       (unsigned long long)rm.other, (unsigned long long)rm.unloaded);
	return sum.mismatches ? 1 : 0;
}
