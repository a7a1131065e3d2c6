/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Byte-building macros for TXT heap and TCG event log test vectors:
 * little-endian fields, and sizes computed from the bytes that follow.
 * Used by tests/txt_cases.h and by tests that build logs of their own.
 */
#ifndef XENMB_TESTS_TXT_BYTES_H
#define XENMB_TESTS_TXT_BYTES_H

#include "../driver/compat.h"
#include "../driver/tcg_log.h"

#define TC_B(v, shift)	(u8)(((u64)(v) >> (shift)) & 0xFF)
#define TC_LE16(v)	TC_B(v, 0), TC_B(v, 8)
#define TC_LE32(v)	TC_B(v, 0), TC_B(v, 8), TC_B(v, 16), TC_B(v, 24)
#define TC_LE64(v)	TC_LE32(v), TC_B(v, 32), TC_B(v, 40), TC_B(v, 48), \
			TC_B(v, 56)

/* A byte array and its length, as two initializers. */
#define TC_BYTES(...)	(const u8[]){ __VA_ARGS__ }, \
			sizeof((const u8[]){ __VA_ARGS__ })

/* Number of bytes in the (possibly empty) argument list. */
#define TC_COUNT(...)	(sizeof((const u8[]){ 0, __VA_ARGS__ }) - 1)

/* An empty buffer (the pointer stays valid). */
#define TC_EMPTY	(const u8[]){ 0 }, 0

/* The bytes given, repeated N times (variadic: they may be a list). */
#define TC_X4(...)	__VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__
#define TC_X8(...)	TC_X4(__VA_ARGS__), TC_X4(__VA_ARGS__)
#define TC_X20(...)	TC_X8(__VA_ARGS__), TC_X8(__VA_ARGS__), \
			TC_X4(__VA_ARGS__)
#define TC_X32(...)	TC_X8(__VA_ARGS__), TC_X8(__VA_ARGS__), \
			TC_X8(__VA_ARGS__), TC_X8(__VA_ARGS__)
#define TC_X48(...)	TC_X32(__VA_ARGS__), TC_X8(__VA_ARGS__), \
			TC_X8(__VA_ARGS__)
#define TC_X88(...)	TC_X48(__VA_ARGS__), TC_X32(__VA_ARGS__), \
			TC_X8(__VA_ARGS__)

/* ---- TCG event logs ---------------------------------------------------- */

/* SHA1-format record: pcr, type, 20 bytes of @fill, data. */
#define TC_EV1(pcr, type, fill, ...) \
	TC_LE32(pcr), TC_LE32(type), TC_X20(fill), \
	TC_LE32(TC_COUNT(__VA_ARGS__)), ##__VA_ARGS__

/* Spec ID Event03 data: class 0, version 2.0 errata 0, uintn 2, algs. */
#define TC_SPEC_ID_SIG \
	'S', 'p', 'e', 'c', ' ', 'I', 'D', ' ', \
	'E', 'v', 'e', 'n', 't', '0', '3', 0
#define TC_SPEC_ID_DATA(count, ...) \
	TC_SPEC_ID_SIG, TC_LE32(0), 0, 2, 0, 2, TC_LE32(count), __VA_ARGS__
#define TC_ALG(alg, size)	TC_LE16(alg), TC_LE16(size)

/* The header record holding @... as its data. */
#define TC_HDR(...)	TC_EV1(0, TCG_EV_NO_ACTION, 0, __VA_ARGS__)

/* The usual header: SHA1 and SHA256, no vendor info. */
#define TC_HDR_1_256 \
	TC_HDR(TC_SPEC_ID_DATA(2, TC_ALG(TCG_ALG_SHA1, 20), \
			       TC_ALG(TCG_ALG_SHA256, 32), 0))

/* TCG_PCR_EVENT2 pieces: head, digests, then the event data. */
#define TC_EV2(pcr, type, count)	TC_LE32(pcr), TC_LE32(type), \
					TC_LE32(count)
#define TC_SHA1(fill)		TC_LE16(TCG_ALG_SHA1), TC_X20(fill)
#define TC_SHA256(fill)		TC_LE16(TCG_ALG_SHA256), TC_X32(fill)
#define TC_SHA384(fill)		TC_LE16(TCG_ALG_SHA384), TC_X48(fill)
#define TC_DATA(...)		TC_LE32(TC_COUNT(__VA_ARGS__)), ##__VA_ARGS__

/* The header record of a non-SHA1 per-bank log: signature, revision,
 * digest id, digest size (tboot's tpm20_log_descr_t). */
#define TC_BANK_HDR(digest_id, size) \
	TC_HDR('T', 'X', 'T', ' ', 'P', 'e', 'r', '-', \
	       'B', 'a', 'n', 'k', ' ', 'L', 'o', 'g', \
	       TC_LE32(1), TC_LE32(digest_id), TC_LE32(size))

/* A TXT per-bank record: pcr, type, digest bytes, data. */
#define TC_EVB(pcr, type, digest, ...) \
	TC_LE32(pcr), TC_LE32(type), digest, \
	TC_LE32(TC_COUNT(__VA_ARGS__)), ##__VA_ARGS__

#define TC_STARTUP_LOCALITY_DATA(loc) \
	'S', 't', 'a', 'r', 't', 'u', 'p', 'L', 'o', 'c', 'a', 'l', 'i', \
	't', 'y', 0, loc
#define TC_STARTUP_LOCALITY(loc) \
	TC_EV1(0, TCG_EV_NO_ACTION, 0, TC_STARTUP_LOCALITY_DATA(loc))

/* Two good agile records, for prefixes. */
#define TC_AGILE_2 \
	TC_EV2(0, TCG_EV_S_CRTM_VERSION, 2), TC_SHA1(0x11), TC_SHA256(0x22), \
	TC_DATA('v', '1', 0, 0), \
	TC_EV2(7, TCG_EV_SEPARATOR, 2), TC_SHA256(0x33), TC_SHA1(0x44), \
	TC_DATA(0, 0, 0, 0)

/* ---- TXT Event Container ------------------------------------------------ */

#define TC_CONTAINER_SIG \
	'T', 'X', 'T', ' ', 'E', 'v', 'e', 'n', 't', ' ', \
	'C', 'o', 'n', 't', 'a', 'i', 'n', 'e', 'r', 0
#define TC_CONTAINER(cmaj, cmin, emaj, emin, alloc, first, next) \
	TC_CONTAINER_SIG, TC_X8(0), TC_X4(0), cmaj, cmin, emaj, emin, \
	TC_LE32(alloc), TC_LE32(first), TC_LE32(next)

#endif /* XENMB_TESTS_TXT_BYTES_H */
