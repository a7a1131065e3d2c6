/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test vectors for the TXT heap walk, the TXT Event Container header and
 * the TCG event log parser (driver/txt_heap.c, driver/tcg_log.c), shared by
 * the user-space unit test (tests/unit) and the KUnit suite (tests/kunit)
 * so that every expectation is written once. Plain C over compat.h: no
 * libc or kernel calls, only tables.
 *
 * Bytes are written with the TC_* macros of txt_bytes.h and below:
 * little-endian fields, and sizes computed from the bytes that follow
 * unless a case sets one on purpose.
 */
#ifndef XENMB_TESTS_TXT_CASES_H
#define XENMB_TESTS_TXT_CASES_H

#include "../driver/compat.h"
#include "../driver/tcg_log.h"
#include "../driver/tis.h"
#include "../driver/txt_heap.h"
#include "txt_bytes.h"

/* ---- TXT heap ---------------------------------------------------------- */

/* A region holding only its size field and version. */
#define TC_REGION(ver)		TC_LE64(12), TC_LE32(ver)

/* OsSinitData: size, version, the rest of the 92-byte fixed part, elements */
#define TC_OS_SINIT(ver, ...) \
	TC_LE64(8 + TXT_OS_SINIT_V6_FIXED_LEN + TC_COUNT(__VA_ARGS__)), \
	TC_LE32(ver), TC_X88(0), ##__VA_ARGS__

/* The four regions, OsSinitData version 7 with the elements given. */
#define TC_HEAP(...) \
	TC_REGION(5), TC_REGION(3), TC_OS_SINIT(7, __VA_ARGS__), TC_REGION(9)

/* An extended data element and its size, header included. */
#define TC_ELT(type, ...) \
	TC_LE32(type), TC_LE32(8 + TC_COUNT(__VA_ARGS__)), ##__VA_ARGS__
#define TC_END			TC_LE32(TXT_ELT_END), TC_LE32(8)
#define TC_PAD			TC_ELT(0x7F)	/* a header-only element */

#define TC_ELT5(phys)		TC_ELT(TXT_ELT_TPM_EVENT_LOG_PTR, TC_LE64(phys))
#define TC_DESCR(alg, phys, alloc, first, next) \
	TC_LE16(alg), TC_LE16(0), TC_LE64(phys), TC_LE32(alloc), \
	TC_LE32(first), TC_LE32(next)
#define TC_ELT7(count, ...) \
	TC_ELT(TXT_ELT_TPM_EVENT_LOG_PTR_2, TC_LE32(count), __VA_ARGS__)
#define TC_ELT8(phys, alloc, first, next) \
	TC_ELT(TXT_ELT_TPM_EVENT_LOG_PTR_2_1, TC_LE64(phys), TC_LE32(alloc), \
	       TC_LE32(first), TC_LE32(next))

/* Size of the heap TC_HEAP() builds around @elts bytes of elements. */
#define TC_HEAP_LEN(elts)	(3 * 12 + 8 + TXT_OS_SINIT_V6_FIXED_LEN + (elts))
#define TC_OS_SINIT_LEN(elts)	(8 + TXT_OS_SINIT_V6_FIXED_LEN + (elts))

#define TC_LOG_A	0x7F000000ULL
#define TC_LOG_B	0x7F100000ULL
#define TC_LOG_C	0x7F200000ULL

/*
 * One xenmb_txt_heap_walk() call on @heap (@len bytes; @size_arg, when not 0, is
 * passed as the heap size instead), and the summary it must produce.
 */
struct heap_case {
	const char *desc;
	const u8 *heap;
	size_t len;
	u64 size_arg;
	int ret;
	u32 log_format;
	u32 log_count;
	struct txt_log_ref logs[TXT_HEAP_MAX_LOGS];
	u64 region_size[4];	/* checked when ret is 0 or -ENOENT */
};

#define TC_REGIONS(elts)	{ 12, 12, TC_OS_SINIT_LEN(elts), 12 }

static const struct heap_case heap_cases[] = {
	/* Well formed, one of each pointer kind. */
	{ "ELT 5: TPM 1.2 event container pointer",
	  TC_BYTES(TC_HEAP(TC_ELT5(TC_LOG_A), TC_END)),
	  .log_format = TXT_LOG_FORMAT_TPM12, .log_count = 1,
	  .logs = { { 0, TC_LOG_A, 0, 0, 0 } },
	  .region_size = TC_REGIONS(16 + 8) },
	{ "ELT 7: per-bank logs, SHA1 and SHA256",
	  TC_BYTES(TC_HEAP(TC_ELT7(2,
		TC_DESCR(TCG_ALG_SHA1, TC_LOG_A, 0x10000, 0x45, 0x200),
		TC_DESCR(TCG_ALG_SHA256, TC_LOG_B, 0x8000, 0, 0x300)),
		TC_END)),
	  .log_format = TXT_LOG_FORMAT_TPM20_BANKS, .log_count = 2,
	  .logs = { { TCG_ALG_SHA1, TC_LOG_A, 0x10000, 0x45, 0x200 },
		    { TCG_ALG_SHA256, TC_LOG_B, 0x8000, 0, 0x300 } },
	  .region_size = TC_REGIONS(8 + 4 + 2 * 24 + 8) },
	{ "ELT 7: five banks, a full log (first = next = allocated)",
	  TC_BYTES(TC_HEAP(TC_ELT7(5,
		TC_DESCR(TCG_ALG_SHA1, TC_LOG_A, 0x1000, 0, 0x100),
		TC_DESCR(TCG_ALG_SHA256, TC_LOG_B, 0x1000, 0x10, 0x10),
		TC_DESCR(TCG_ALG_SHA384, TC_LOG_C, 0x1000, 0x1000, 0x1000),
		TC_DESCR(TCG_ALG_SHA512, 0x7F300000, 0x1000, 0, 0),
		TC_DESCR(TCG_ALG_SM3_256, 0x7F400000, 0x1000, 0, 1)),
		TC_END)),
	  .log_format = TXT_LOG_FORMAT_TPM20_BANKS, .log_count = 5,
	  .logs = { { TCG_ALG_SHA1, TC_LOG_A, 0x1000, 0, 0x100 },
		    { TCG_ALG_SHA256, TC_LOG_B, 0x1000, 0x10, 0x10 },
		    { TCG_ALG_SHA384, TC_LOG_C, 0x1000, 0x1000, 0x1000 },
		    { TCG_ALG_SHA512, 0x7F300000, 0x1000, 0, 0 },
		    { TCG_ALG_SM3_256, 0x7F400000, 0x1000, 0, 1 } },
	  .region_size = TC_REGIONS(8 + 4 + 5 * 24 + 8) },
	{ "ELT 8: one crypto-agile log",
	  TC_BYTES(TC_HEAP(TC_ELT8(TC_LOG_C, 0x10000, 0, 0x1234), TC_END)),
	  .log_format = TXT_LOG_FORMAT_TPM20_AGILE, .log_count = 1,
	  .logs = { { 0, TC_LOG_C, 0x10000, 0, 0x1234 } },
	  .region_size = TC_REGIONS(28 + 8) },
	{ "other elements before the pointer are skipped",
	  TC_BYTES(TC_HEAP(TC_ELT(1, TC_LE32(2), TC_LE32(0)), TC_PAD,
			   TC_ELT8(TC_LOG_C, 0x2000, 0x10, 0x20), TC_END)),
	  .log_format = TXT_LOG_FORMAT_TPM20_AGILE, .log_count = 1,
	  .logs = { { 0, TC_LOG_C, 0x2000, 0x10, 0x20 } },
	  .region_size = TC_REGIONS(16 + 8 + 28 + 8) },
	{ "the first pointer element is the one reported",
	  TC_BYTES(TC_HEAP(TC_ELT8(TC_LOG_C, 0x2000, 0, 0x20),
			   TC_ELT5(TC_LOG_A), TC_END)),
	  .log_format = TXT_LOG_FORMAT_TPM20_AGILE, .log_count = 1,
	  .logs = { { 0, TC_LOG_C, 0x2000, 0, 0x20 } },
	  .region_size = TC_REGIONS(28 + 16 + 8) },
	{ "free heap space after SinitMleData is ignored",
	  TC_BYTES(TC_HEAP(TC_ELT5(TC_LOG_A), TC_END), TC_X32(0xEE)),
	  .log_format = TXT_LOG_FORMAT_TPM12, .log_count = 1,
	  .logs = { { 0, TC_LOG_A, 0, 0, 0 } },
	  .region_size = TC_REGIONS(16 + 8) },
	{ "bytes after END inside OsSinitData are not read",
	  TC_BYTES(TC_REGION(5), TC_REGION(3),
		   TC_LE64(8 + TXT_OS_SINIT_V6_FIXED_LEN + 24 + 8),
		   TC_LE32(6), TC_X88(0), TC_ELT5(TC_LOG_A), TC_END,
		   TC_X8(0xFF), TC_REGION(9)),
	  .log_format = TXT_LOG_FORMAT_TPM12, .log_count = 1,
	  .logs = { { 0, TC_LOG_A, 0, 0, 0 } },
	  .region_size = { 12, 12, 8 + TXT_OS_SINIT_V6_FIXED_LEN + 32, 12 } },

	/* Well formed without a log pointer: -ENOENT, regions still read. */
	{ "OsSinitData version 5 has no elements",
	  TC_BYTES(TC_REGION(5), TC_REGION(3), TC_REGION(5), TC_REGION(9)),
	  .ret = -ENOENT, .region_size = { 12, 12, 12, 12 } },
	{ "OsSinitData version 6 with only END",
	  TC_BYTES(TC_HEAP(TC_END)), .ret = -ENOENT,
	  .region_size = TC_REGIONS(8) },
	{ "63 other elements and END: no log",
	  TC_BYTES(TC_HEAP(TC_X32(TC_PAD), TC_X20(TC_PAD), TC_X8(TC_PAD),
			   TC_PAD, TC_PAD, TC_PAD, TC_END)),
	  .ret = -ENOENT, .region_size = TC_REGIONS(64 * 8) },

	/* Malformed regions. */
	{ "empty heap", TC_EMPTY, .ret = -EINVAL },
	{ "heap shorter than a size field and version",
	  TC_BYTES(TC_LE64(12), 0, 0, 0), .ret = -EINVAL },
	{ "BiosData size 0", TC_BYTES(TC_LE64(0), TC_LE32(5), TC_X48(0)),
	  .ret = -EINVAL },
	{ "BiosData size 11: no room for its version",
	  TC_BYTES(TC_LE64(11), TC_LE32(5), TC_X48(0)), .ret = -EINVAL },
	{ "BiosData runs past the heap",
	  TC_BYTES(TC_LE64(0x1000), TC_LE32(5), TC_X48(0)), .ret = -EINVAL },
	{ "OsMleData size 2^64 - 8 wraps back onto BiosData",
	  TC_BYTES(TC_REGION(5), TC_LE64(0xFFFFFFFFFFFFFFF8ULL), TC_LE32(3),
		   TC_REGION(5), TC_REGION(9)),
	  .ret = -EINVAL },
	{ "SinitMleData size 2^64 - 1",
	  TC_BYTES(TC_REGION(5), TC_REGION(3), TC_REGION(5),
		   TC_LE64(0xFFFFFFFFFFFFFFFFULL), TC_LE32(9)),
	  .ret = -EINVAL },
	{ "SinitMleData missing",
	  TC_BYTES(TC_REGION(5), TC_REGION(3), TC_OS_SINIT(7, TC_END)),
	  .ret = -EINVAL },
	{ "heap size over TXT_HEAP_MAX_SIZE",
	  TC_BYTES(TC_HEAP(TC_ELT5(TC_LOG_A), TC_END)),
	  .size_arg = (u64)TXT_HEAP_MAX_SIZE + 1, .ret = -EINVAL },
	{ "OsSinitData version 7 in 12 bytes: its fields would overlap SinitMleData",
	  TC_BYTES(TC_REGION(5), TC_REGION(3), TC_REGION(7), TC_REGION(9)),
	  .ret = -EINVAL },
	{ "OsSinitData version 6 with the fixed part but no room for END",
	  TC_BYTES(TC_REGION(5), TC_REGION(3),
		   TC_LE64(8 + TXT_OS_SINIT_V6_FIXED_LEN), TC_LE32(6),
		   TC_X88(0), TC_REGION(9)),
	  .ret = -EINVAL },

	/* Malformed elements. */
	{ "element size 0 (would never advance)",
	  TC_BYTES(TC_HEAP(TC_LE32(0x7F), TC_LE32(0), TC_END)),
	  .ret = -EINVAL },
	{ "element size 7, shorter than its header",
	  TC_BYTES(TC_HEAP(TC_LE32(0x7F), TC_LE32(7), TC_END)),
	  .ret = -EINVAL },
	{ "element runs past OsSinitData into SinitMleData",
	  TC_BYTES(TC_HEAP(TC_LE32(0x7F), TC_LE32(24), TC_END)),
	  .ret = -EINVAL },
	{ "element size 0xFFFFFFFF",
	  TC_BYTES(TC_HEAP(TC_LE32(0x7F), TC_LE32(0xFFFFFFFF), TC_END)),
	  .ret = -EINVAL },
	{ "no END before OsSinitData ends",
	  TC_BYTES(TC_HEAP(TC_ELT5(TC_LOG_A))), .ret = -EINVAL },
	{ "END with size 16",
	  TC_BYTES(TC_HEAP(TC_ELT5(TC_LOG_A), TC_LE32(0), TC_LE32(16),
			   TC_X8(0))),
	  .ret = -EINVAL },
	{ "64 other elements and END: more than TXT_HEAP_MAX_ELTS",
	  TC_BYTES(TC_HEAP(TC_X32(TC_PAD), TC_X32(TC_PAD), TC_END)),
	  .ret = -EINVAL },
	{ "ELT 5 with 4 bytes of data",
	  TC_BYTES(TC_HEAP(TC_ELT(TXT_ELT_TPM_EVENT_LOG_PTR, TC_LE32(1)),
			   TC_END)),
	  .ret = -EINVAL },
	{ "ELT 5 pointing at address 0",
	  TC_BYTES(TC_HEAP(TC_ELT5(0), TC_END)), .ret = -EINVAL },
	{ "ELT 5 container header would wrap the address space",
	  TC_BYTES(TC_HEAP(TC_ELT5(0xFFFFFFFFFFFFFFE0ULL), TC_END)),
	  .ret = -EINVAL },
	{ "ELT 7 with count 0",
	  TC_BYTES(TC_HEAP(TC_ELT(TXT_ELT_TPM_EVENT_LOG_PTR_2, TC_LE32(0)),
			   TC_END)),
	  .ret = -EINVAL },
	{ "ELT 7 with count 6, more banks than exist",
	  TC_BYTES(TC_HEAP(TC_ELT7(6,
		TC_DESCR(1, TC_LOG_A, 0x100, 0, 0),
		TC_DESCR(2, TC_LOG_A, 0x100, 0, 0),
		TC_DESCR(3, TC_LOG_A, 0x100, 0, 0),
		TC_DESCR(4, TC_LOG_A, 0x100, 0, 0),
		TC_DESCR(5, TC_LOG_A, 0x100, 0, 0),
		TC_DESCR(6, TC_LOG_A, 0x100, 0, 0)), TC_END)),
	  .ret = -EINVAL },
	{ "ELT 7 with count 2 and one descriptor",
	  TC_BYTES(TC_HEAP(TC_ELT7(2,
		TC_DESCR(TCG_ALG_SHA1, TC_LOG_A, 0x100, 0, 0)), TC_END)),
	  .ret = -EINVAL },
	{ "ELT 7 with count 0xFFFFFFFF",
	  TC_BYTES(TC_HEAP(TC_ELT7(0xFFFFFFFF,
		TC_DESCR(TCG_ALG_SHA1, TC_LOG_A, 0x100, 0, 0)), TC_END)),
	  .ret = -EINVAL },
	{ "ELT 7 with the same bank twice",
	  TC_BYTES(TC_HEAP(TC_ELT7(2,
		TC_DESCR(TCG_ALG_SHA256, TC_LOG_A, 0x100, 0, 0),
		TC_DESCR(TCG_ALG_SHA256, TC_LOG_B, 0x100, 0, 0)), TC_END)),
	  .ret = -EINVAL },
	{ "ELT 7 with algorithm 0",
	  TC_BYTES(TC_HEAP(TC_ELT7(1, TC_DESCR(0, TC_LOG_A, 0x100, 0, 0)),
			   TC_END)),
	  .ret = -EINVAL },
	{ "ELT 7 descriptor with first > next",
	  TC_BYTES(TC_HEAP(TC_ELT7(1,
		TC_DESCR(TCG_ALG_SHA1, TC_LOG_A, 0x100, 0x20, 0x10)), TC_END)),
	  .ret = -EINVAL },
	{ "ELT 7 descriptor with next > allocated",
	  TC_BYTES(TC_HEAP(TC_ELT7(1,
		TC_DESCR(TCG_ALG_SHA1, TC_LOG_A, 0x100, 0, 0x101)), TC_END)),
	  .ret = -EINVAL },
	{ "ELT 7 second descriptor at address 0",
	  TC_BYTES(TC_HEAP(TC_ELT7(2,
		TC_DESCR(TCG_ALG_SHA1, TC_LOG_A, 0x100, 0, 0),
		TC_DESCR(TCG_ALG_SHA256, 0, 0x100, 0, 0)), TC_END)),
	  .ret = -EINVAL },
	{ "ELT 8 allocation wraps the address space",
	  TC_BYTES(TC_HEAP(TC_ELT8(0xFFFFFFFFFFFFF000ULL, 0x2000, 0, 0),
			   TC_END)),
	  .ret = -EINVAL },
	{ "ELT 8 allocation over TXT_LOG_MAX_SIZE",
	  TC_BYTES(TC_HEAP(TC_ELT8(TC_LOG_C, TXT_LOG_MAX_SIZE + 1, 0, 0),
			   TC_END)),
	  .ret = -EINVAL },
	{ "ELT 8 allocation of 0 bytes",
	  TC_BYTES(TC_HEAP(TC_ELT8(TC_LOG_C, 0, 0, 0), TC_END)),
	  .ret = -EINVAL },
	{ "ELT 8 with first > next",
	  TC_BYTES(TC_HEAP(TC_ELT8(TC_LOG_C, 0x1000, 0x100, 0x40), TC_END)),
	  .ret = -EINVAL },
	{ "ELT 8 with next > allocated",
	  TC_BYTES(TC_HEAP(TC_ELT8(TC_LOG_C, 0x1000, 0, 0x1001), TC_END)),
	  .ret = -EINVAL },
	{ "ELT 8 with 16 bytes of data",
	  TC_BYTES(TC_HEAP(TC_ELT(TXT_ELT_TPM_EVENT_LOG_PTR_2_1,
				  TC_LE64(TC_LOG_C), TC_LE32(0x1000),
				  TC_LE32(0)), TC_END)),
	  .ret = -EINVAL },
	{ "a malformed second pointer element spoils the heap",
	  TC_BYTES(TC_HEAP(TC_ELT5(TC_LOG_A),
			   TC_ELT8(TC_LOG_C, 0x1000, 0, 0x2000), TC_END)),
	  .ret = -EINVAL },
};

/* ---- TXT Event Container ------------------------------------------------ */

/* One xenmb_txt_event_container_parse() call with @ref->phys = @phys. */
struct container_case {
	const char *desc;
	const u8 *hdr;
	size_t len;
	u64 phys;
	int ret;
	u32 allocated, first, next;	/* expected when ret is 0 */
};

static const struct container_case container_cases[] = {
	{ "container 1.0, events 1.0",
	  TC_BYTES(TC_CONTAINER(1, 0, 1, 0, 0x2000, 48, 0x100)), TC_LOG_A,
	  0, 0x2000, 48, 0x100 },
	{ "container 1.5, events 1.3: minor versions are compatible",
	  TC_BYTES(TC_CONTAINER(1, 5, 1, 3, 0x2000, 48, 48)), TC_LOG_A,
	  0, 0x2000, 48, 48 },
	{ "a full container: next = allocated",
	  TC_BYTES(TC_CONTAINER(1, 0, 1, 0, 0x80, 48, 0x80)), TC_LOG_A,
	  0, 0x80, 48, 0x80 },
	{ "header of 47 bytes",
	  TC_BYTES(TC_CONTAINER_SIG, TC_X8(0), TC_X4(0), 1, 0, 1, 0,
		   TC_LE32(0x2000), TC_LE32(48), 0, 0, 0),
	  TC_LOG_A, -EINVAL, .allocated = 0 },
	{ "signature in lower case",
	  TC_BYTES('t', 'X', 'T', ' ', 'E', 'v', 'e', 'n', 't', ' ',
		   'C', 'o', 'n', 't', 'a', 'i', 'n', 'e', 'r', 0,
		   TC_X8(0), TC_X4(0), 1, 0, 1, 0, TC_LE32(0x2000),
		   TC_LE32(48), TC_LE32(48)),
	  TC_LOG_A, -EINVAL, .allocated = 0 },
	{ "signature without its NUL",
	  TC_BYTES('T', 'X', 'T', ' ', 'E', 'v', 'e', 'n', 't', ' ',
		   'C', 'o', 'n', 't', 'a', 'i', 'n', 'e', 'r', '!',
		   TC_X8(0), TC_X4(0), 1, 0, 1, 0, TC_LE32(0x2000),
		   TC_LE32(48), TC_LE32(48)),
	  TC_LOG_A, -EINVAL, .allocated = 0 },
	{ "container version 2.0",
	  TC_BYTES(TC_CONTAINER(2, 0, 1, 0, 0x2000, 48, 48)), TC_LOG_A,
	  -EINVAL, .allocated = 0 },
	{ "container version 0.9",
	  TC_BYTES(TC_CONTAINER(0, 9, 1, 0, 0x2000, 48, 48)), TC_LOG_A,
	  -EINVAL, .allocated = 0 },
	{ "PCR event version 2.0",
	  TC_BYTES(TC_CONTAINER(1, 0, 2, 0, 0x2000, 48, 48)), TC_LOG_A,
	  -EINVAL, .allocated = 0 },
	{ "first record inside the header",
	  TC_BYTES(TC_CONTAINER(1, 0, 1, 0, 0x2000, 40, 48)), TC_LOG_A,
	  -EINVAL, .allocated = 0 },
	{ "first > next",
	  TC_BYTES(TC_CONTAINER(1, 0, 1, 0, 0x2000, 0x100, 0x80)), TC_LOG_A,
	  -EINVAL, .allocated = 0 },
	{ "next > allocated",
	  TC_BYTES(TC_CONTAINER(1, 0, 1, 0, 0x2000, 48, 0x2001)), TC_LOG_A,
	  -EINVAL, .allocated = 0 },
	{ "allocation over TXT_LOG_MAX_SIZE",
	  TC_BYTES(TC_CONTAINER(1, 0, 1, 0, TXT_LOG_MAX_SIZE + 1, 48, 48)),
	  TC_LOG_A, -EINVAL, .allocated = 0 },
	{ "allocation wraps the address space",
	  TC_BYTES(TC_CONTAINER(1, 0, 1, 0, 0x2000, 48, 48)),
	  0xFFFFFFFFFFFFF000ULL, -EINVAL, .allocated = 0 },
	{ "offsets 0xFFFFFFFF",
	  TC_BYTES(TC_CONTAINER(1, 0, 1, 0, 0xFFFFFFFF, 0xFFFFFFFF,
				0xFFFFFFFF)),
	  TC_LOG_A, -EINVAL, .allocated = 0 },
};

/* ---- TCG event logs ------------------------------------------------------ */

/*
 * xenmb_tcg_log_open(@format, @alg) over the bytes, then xenmb_tcg_log_next() until it
 * stops: it must have returned @events records, then @ret (0 at the clean
 * end), with @reason and @error_offset when @ret is an error.
 */
struct log_case {
	const char *desc;
	const u8 *log;
	size_t len;
	u32 format;
	u16 alg;
	int open_ret;
	u32 bank_count;		/* after a successful open */
	u32 events;
	int ret;
	u32 reason;
	u32 error_offset;
};

static const struct log_case log_cases[] = {
	/* SHA1 format */
	{ "SHA1: two records",
	  TC_BYTES(TC_EV1(0, TCG_EV_S_CRTM_VERSION, 1, 'v', 0),
		   TC_EV1(4, TCG_EV_SEPARATOR, 2, 0, 0, 0, 0)),
	  TCG_LOG_SHA1, .bank_count = 1, .events = 2 },
	{ "SHA1: empty log", TC_EMPTY, TCG_LOG_SHA1, .bank_count = 1 },
	{ "SHA1: record header cut at 31 bytes",
	  TC_BYTES(TC_LE32(0), TC_LE32(1), TC_X20(0), 0, 0, 0),
	  TCG_LOG_SHA1, .bank_count = 1, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_TRUNCATED },
	{ "SHA1: data runs past the end",
	  TC_BYTES(TC_EV1(0, TCG_EV_POST_CODE, 1, 1, 2),
		   TC_LE32(1), TC_LE32(1), TC_X20(1), TC_LE32(5), 1, 2, 3, 4),
	  TCG_LOG_SHA1, .bank_count = 1, .events = 1, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_TRUNCATED, .error_offset = 32 + 2 },
	{ "SHA1: data size 0xFFFFFFFF",
	  TC_BYTES(TC_LE32(1), TC_LE32(1), TC_X20(1), TC_LE32(0xFFFFFFFF),
		   1, 2, 3, 4),
	  TCG_LOG_SHA1, .bank_count = 1, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_TRUNCATED },
	{ "SHA1: empty record (type 0, no data) is not an event",
	  TC_BYTES(TC_EV1(0, TCG_EV_POST_CODE, 1, 1, 2),
		   TC_EV1(0, 0, 0), TC_EV1(0, 0, 0)),
	  TCG_LOG_SHA1, .bank_count = 1, .events = 1, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_ZERO_RECORD, .error_offset = 32 + 2 },
	{ "SHA1: EV_NO_ACTION on PCR 0xFFFFFFFF is read",
	  TC_BYTES(TC_EV1(0xFFFFFFFF, TCG_EV_NO_ACTION, 0, 'x')),
	  TCG_LOG_SHA1, .bank_count = 1, .events = 1 },
	{ "auto: a StartupLocality record alone is a SHA1 log",
	  TC_BYTES(TC_STARTUP_LOCALITY(3)), TCG_LOG_AUTO, .bank_count = 1,
	  .events = 1 },

	/* Crypto-agile format */
	{ "agile: header and two records, digests in either order",
	  TC_BYTES(TC_HDR_1_256, TC_AGILE_2), TCG_LOG_AGILE,
	  .bank_count = 2, .events = 3 },
	{ "auto: a Spec ID header makes the log agile",
	  TC_BYTES(TC_HDR_1_256, TC_AGILE_2), TCG_LOG_AUTO,
	  .bank_count = 2, .events = 3 },
	{ "agile: header alone",
	  TC_BYTES(TC_HDR_1_256), TCG_LOG_AGILE, .bank_count = 2,
	  .events = 1 },
	{ "agile: a bank we do not know, declared with its size",
	  TC_BYTES(TC_HDR(TC_SPEC_ID_DATA(1, TC_ALG(0x0027, 32), 2, 'h', 'i')),
		   TC_EV2(8, TCG_EV_IPL, 1), TC_LE16(0x0027), TC_X32(5),
		   TC_DATA('x')),
	  TCG_LOG_AGILE, .bank_count = 1, .events = 2 },
	{ "agile: one digest where the header has two banks",
	  TC_BYTES(TC_HDR_1_256, TC_AGILE_2, TC_EV2(1, 1, 1), TC_SHA1(1),
		   TC_DATA(0)),
	  TCG_LOG_AGILE, .bank_count = 2, .events = 3, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_DIGEST_COUNT,
	  .error_offset = TC_COUNT(TC_HDR_1_256, TC_AGILE_2) },
	{ "agile: digest count 0xFFFFFFFF",
	  TC_BYTES(TC_HDR_1_256, TC_EV2(1, 1, 0xFFFFFFFF), TC_SHA1(1),
		   TC_SHA256(2), TC_DATA(0)),
	  TCG_LOG_AGILE, .bank_count = 2, .events = 1, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_DIGEST_COUNT,
	  .error_offset = TC_COUNT(TC_HDR_1_256) },
	{ "agile: a SHA384 digest the header does not declare",
	  TC_BYTES(TC_HDR_1_256, TC_EV2(1, 1, 2), TC_SHA1(1), TC_SHA384(2),
		   TC_DATA(0)),
	  TCG_LOG_AGILE, .bank_count = 2, .events = 1, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_UNKNOWN_ALG,
	  .error_offset = TC_COUNT(TC_HDR_1_256) },
	{ "agile: SHA1 twice in one record",
	  TC_BYTES(TC_HDR_1_256, TC_AGILE_2, TC_EV2(1, 1, 2), TC_SHA1(1),
		   TC_SHA1(2), TC_DATA(0)),
	  TCG_LOG_AGILE, .bank_count = 2, .events = 3, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_DUP_ALG,
	  .error_offset = TC_COUNT(TC_HDR_1_256, TC_AGILE_2) },
	{ "agile: log ends inside a digest",
	  TC_BYTES(TC_HDR_1_256, TC_EV2(1, 1, 2), TC_SHA1(1),
		   TC_LE16(TCG_ALG_SHA256), TC_X20(2)),
	  TCG_LOG_AGILE, .bank_count = 2, .events = 1, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_TRUNCATED,
	  .error_offset = TC_COUNT(TC_HDR_1_256) },
	{ "agile: log ends inside an algorithm id",
	  TC_BYTES(TC_HDR_1_256, TC_EV2(1, 1, 2), TC_SHA1(1), 0x0B),
	  TCG_LOG_AGILE, .bank_count = 2, .events = 1, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_TRUNCATED,
	  .error_offset = TC_COUNT(TC_HDR_1_256) },
	{ "agile: log ends inside the event size",
	  TC_BYTES(TC_HDR_1_256, TC_EV2(1, 1, 2), TC_SHA1(1), TC_SHA256(2),
		   4, 0),
	  TCG_LOG_AGILE, .bank_count = 2, .events = 1, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_TRUNCATED,
	  .error_offset = TC_COUNT(TC_HDR_1_256) },
	{ "agile: event data runs past the end",
	  TC_BYTES(TC_HDR_1_256, TC_AGILE_2, TC_EV2(1, 1, 2), TC_SHA1(1),
		   TC_SHA256(2), TC_LE32(9), 1, 2, 3),
	  TCG_LOG_AGILE, .bank_count = 2, .events = 3, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_TRUNCATED,
	  .error_offset = TC_COUNT(TC_HDR_1_256, TC_AGILE_2) },
	{ "agile: record head cut at 11 bytes",
	  TC_BYTES(TC_HDR_1_256, TC_LE32(1), TC_LE32(1), 2, 0, 0),
	  TCG_LOG_AGILE, .bank_count = 2, .events = 1, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_TRUNCATED,
	  .error_offset = TC_COUNT(TC_HDR_1_256) },
	{ "agile: empty record (type 0, no data)",
	  TC_BYTES(TC_HDR_1_256, TC_EV2(0, 0, 2), TC_SHA1(0), TC_SHA256(0),
		   TC_DATA()),
	  TCG_LOG_AGILE, .bank_count = 2, .events = 1, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_ZERO_RECORD,
	  .error_offset = TC_COUNT(TC_HDR_1_256) },

	/* Spec ID header */
	{ "agile asked of a SHA1 log",
	  TC_BYTES(TC_EV1(0, TCG_EV_S_CRTM_VERSION, 1, 'v', 0)),
	  TCG_LOG_AGILE, .open_ret = -EINVAL, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_SPEC_ID },
	{ "agile asked of an empty buffer", TC_EMPTY, TCG_LOG_AGILE,
	  .open_ret = -EINVAL, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_SPEC_ID },
	{ "Spec ID header with no algorithm",
	  TC_BYTES(TC_HDR(TC_SPEC_ID_DATA(0, 0))), TCG_LOG_AUTO,
	  .open_ret = -EINVAL, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_SPEC_ID },
	{ "Spec ID header with 9 algorithms",
	  TC_BYTES(TC_HDR(TC_SPEC_ID_DATA(9, TC_ALG(1, 20), TC_ALG(2, 20),
		TC_ALG(3, 20), TC_ALG(5, 20), TC_ALG(6, 20), TC_ALG(7, 20),
		TC_ALG(8, 20), TC_ALG(9, 20), TC_ALG(10, 20), 0))),
	  TCG_LOG_AUTO, .open_ret = -EINVAL, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_SPEC_ID },
	{ "Spec ID header: SHA256 with a 20-byte digest",
	  TC_BYTES(TC_HDR(TC_SPEC_ID_DATA(1, TC_ALG(TCG_ALG_SHA256, 20), 0))),
	  TCG_LOG_AUTO, .open_ret = -EINVAL, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_SPEC_ID },
	{ "Spec ID header: digest size 0",
	  TC_BYTES(TC_HDR(TC_SPEC_ID_DATA(1, TC_ALG(0x0027, 0), 0))),
	  TCG_LOG_AUTO, .open_ret = -EINVAL, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_SPEC_ID },
	{ "Spec ID header: digest size 65",
	  TC_BYTES(TC_HDR(TC_SPEC_ID_DATA(1, TC_ALG(0x0027, 65), 0))),
	  TCG_LOG_AUTO, .open_ret = -EINVAL, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_SPEC_ID },
	{ "Spec ID header: algorithm 0",
	  TC_BYTES(TC_HDR(TC_SPEC_ID_DATA(1, TC_ALG(0, 20), 0))),
	  TCG_LOG_AUTO, .open_ret = -EINVAL, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_SPEC_ID },
	{ "Spec ID header: SHA1 twice",
	  TC_BYTES(TC_HDR(TC_SPEC_ID_DATA(2, TC_ALG(TCG_ALG_SHA1, 20),
					  TC_ALG(TCG_ALG_SHA1, 20), 0))),
	  TCG_LOG_AUTO, .open_ret = -EINVAL, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_SPEC_ID },
	{ "Spec ID header: 2 algorithms listed, room for 1",
	  TC_BYTES(TC_HDR(TC_SPEC_ID_DATA(2, TC_ALG(TCG_ALG_SHA1, 20)))),
	  TCG_LOG_AUTO, .open_ret = -EINVAL, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_SPEC_ID },
	{ "Spec ID header: vendor info past the header",
	  TC_BYTES(TC_HDR(TC_SPEC_ID_DATA(1, TC_ALG(TCG_ALG_SHA1, 20), 4,
					  'a', 'b', 'c'))),
	  TCG_LOG_AUTO, .open_ret = -EINVAL, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_SPEC_ID },
	{ "Spec ID header: its data runs past the log",
	  TC_BYTES(TC_LE32(0), TC_LE32(TCG_EV_NO_ACTION), TC_X20(0),
		   TC_LE32(100), TC_SPEC_ID_DATA(1, TC_ALG(TCG_ALG_SHA1, 20),
						 0)),
	  TCG_LOG_AUTO, .open_ret = -EINVAL, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_TRUNCATED },

	/* TXT element 7: one bank per log */
	{ "bank SHA256: header and two records",
	  TC_BYTES(TC_BANK_HDR(2, 32),
		   TC_EVB(17, TXT_EVTYPE_HASH_START, TC_X32(1), 'h'),
		   TC_EVB(18, TXT_EVTYPE_MLE_HASH, TC_X32(2))),
	  TCG_LOG_BANK, TCG_ALG_SHA256, .bank_count = 1, .events = 3 },
	{ "bank SHA256 without its header record",
	  TC_BYTES(TC_EVB(17, TXT_EVTYPE_HASH_START, TC_X32(1), 'h')),
	  TCG_LOG_BANK, TCG_ALG_SHA256, .open_ret = -EINVAL, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_BANK_HEADER },
	{ "bank SHA256: log shorter than a header record",
	  TC_BYTES(TC_LE32(0), TC_LE32(TCG_EV_NO_ACTION), TC_X8(0)),
	  TCG_LOG_BANK, TCG_ALG_SHA256, .open_ret = -EINVAL, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_BANK_HEADER },
	{ "bank SHA384: log ends inside a digest",
	  TC_BYTES(TC_BANK_HDR(3, 48),
		   TC_EVB(17, TXT_EVTYPE_HASH_START, TC_X48(1)),
		   TC_LE32(17), TC_LE32(TXT_EVTYPE_MLE_HASH), TC_X32(2)),
	  TCG_LOG_BANK, TCG_ALG_SHA384, .bank_count = 1, .events = 2,
	  .ret = -EINVAL, .reason = TCG_LOG_ERR_TRUNCATED,
	  .error_offset = 60 + 8 + 48 + 4 },
	{ "bank of an algorithm we do not know",
	  TC_BYTES(TC_EVB(17, 1, TC_X32(1))), TCG_LOG_BANK, 0x0027,
	  .open_ret = -EINVAL, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_BAD_ARG },
	{ "unknown format", TC_BYTES(TC_EV1(0, 1, 1)), 7,
	  .open_ret = -EINVAL, .ret = -EINVAL,
	  .reason = TCG_LOG_ERR_BAD_ARG },
};

/* ---- Localities the chipset answers for -------------------------------- */

/* xenmb_txt_sts_open_localities(@sts): which of localities 1-3 TXT leaves open. */
struct sts_locality_case {
	const char *desc;
	u64 sts;
	u32 open;
};

#define TC_L(n) (1U << (n))

static const struct sts_locality_case sts_locality_cases[] = {
	{ "TXT.STS after SENTER, 1 and 2 open: 1, 2, 3",
	  TXT_STS_SENTER_DONE | TXT_STS_MEM_CONFIG_LOCK | TXT_STS_PRIVATE_OPEN |
	  TXT_STS_LOCALITY1_OPEN | TXT_STS_LOCALITY2_OPEN,
	  TC_L(1) | TC_L(2) | TC_L(3) },
	{ "TXT.STS with locality 2 closed: 1, 3",
	  TXT_STS_SENTER_DONE | TXT_STS_LOCALITY1_OPEN, TC_L(1) | TC_L(3) },
	{ "TXT.STS with locality 1 closed: 2, 3",
	  TXT_STS_SENTER_DONE | TXT_STS_LOCALITY2_OPEN, TC_L(2) | TC_L(3) },
	{ "TXT.STS with both closed: 3 only (it has no bit)", TXT_STS_SENTER_DONE,
	  TC_L(3) },
	{ "TXT.STS zero (no launch): 3 only", 0, TC_L(3) },
	{ "TXT.STS all ones: 1, 2, 3", ~0ULL, TC_L(1) | TC_L(2) | TC_L(3) },
};

/* tis_access_answers(@access): whether the chipset decodes the locality. */
struct access_case {
	const char *desc;
	u8 access;
	bool answers;
};

static const struct access_case access_cases[] = {
	{ "ACCESS all ones (a locality not decoded): no", 0xFF, false },
	{ "ACCESS zero (tpmRegValidSts clear): no", 0x00, false },
	{ "ACCESS 0x7F (every bit but tpmRegValidSts): no", 0x7F, false },
	{ "ACCESS 0x81 (valid, idle, establishment clear): yes", 0x81, true },
	{ "ACCESS 0x80 (valid, establishment set): yes", 0x80, true },
	{ "ACCESS 0xA1 (valid, active locality): yes", 0xA1, true },
	{ "ACCESS 0x85 (valid, another locality requests use): yes", 0x85, true },
	{ "ACCESS 0x91 (valid, seized): yes", 0x91, true },
};

/* Every vector above, each run as one test by both suites. */
#define TC_VECTOR_COUNT (ARRAY_SIZE(heap_cases) + \
			 ARRAY_SIZE(container_cases) + \
			 ARRAY_SIZE(log_cases) + \
			 ARRAY_SIZE(sts_locality_cases) + \
			 ARRAY_SIZE(access_cases))

#endif /* XENMB_TESTS_TXT_CASES_H */
