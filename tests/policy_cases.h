/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test vectors for the pure code (driver/policy.c, driver/tpm_cmd.c), shared
 * by the user-space unit test (tests/unit) and the KUnit suite (tests/kunit)
 * so that every expectation is written once. Plain C over compat.h: no libc
 * or kernel calls, only tables.
 *
 * Command bytes are written with the PC_* macros below: big-endian fields,
 * and a header whose length field is computed from the bytes that follow it
 * unless a case sets it on purpose (PC_CMD_LEN).
 */
#ifndef XENMB_TESTS_POLICY_CASES_H
#define XENMB_TESTS_POLICY_CASES_H

#include "../driver/compat.h"
#include "../driver/policy.h"
#include "../driver/tpm_cmd.h"
#include "../driver/tpm_handles.h"
#include "../uapi/linux/xenmb.h"

#define PC_BYTE(v, shift)	(u8)(((v) >> (shift)) & 0xFF)
#define PC_BE16(v)	PC_BYTE(v, 8), PC_BYTE(v, 0)
#define PC_BE32(v)	PC_BYTE(v, 24), PC_BYTE(v, 16), PC_BYTE(v, 8), \
			PC_BYTE(v, 0)

/* A byte array and its length, as two initializers. */
#define PC_BYTES(...)	(const u8[]){ __VA_ARGS__ }, \
			sizeof((const u8[]){ __VA_ARGS__ })

/* Number of bytes in the (possibly empty) argument list. */
#define PC_COUNT(...)	(sizeof((const u8[]){ 0, ##__VA_ARGS__ }) - 1)

/* A request with header length @len, whatever the real length is. */
#define PC_CMD_LEN(tag, len, code, ...) \
	PC_BYTES(PC_BE16(tag), PC_BE32(len), PC_BE32(code), ##__VA_ARGS__)

/* A well-formed request: header length = 10 + the body's length. */
#define PC_CMD(tag, code, ...) \
	PC_CMD_LEN(tag, TPM_HEADER_LEN + PC_COUNT(__VA_ARGS__), code, \
		   ##__VA_ARGS__)

#define TPM2_CMD(code, ...)	PC_CMD(TPM2_TAG_NO_SESSIONS, code, ##__VA_ARGS__)
#define TPM2_CMD_AUTH(code, ...) PC_CMD(TPM2_TAG_SESSIONS, code, ##__VA_ARGS__)
#define TPM12_CMD(ord, ...)	PC_CMD(TPM12_TAG_RQU_COMMAND, ord, ##__VA_ARGS__)

/* TPM 2.0 authorization area: one empty password session (TPM_RS_PW). */
#define TPM2_PW_AUTH	PC_BE32(9), PC_BE32(0x40000009), PC_BE16(0), 0, \
			PC_BE16(0)

/*
 * TPM2_PCR_Extend / PCR_Event body (no digests) and PCR_Reset body for the
 * PCR handle @pcr.
 */
#define TPM2_PCR_BODY(pcr)	PC_BE32(pcr), TPM2_PW_AUTH, PC_BE32(0)
#define TPM2_PCR_RESET_BODY(pcr) PC_BE32(pcr), TPM2_PW_AUTH

#define PC_ZERO4	0, 0, 0, 0
#define PC_ZERO20	PC_ZERO4, PC_ZERO4, PC_ZERO4, PC_ZERO4, PC_ZERO4

/* TPM_ORD_Extend: pcrNum, then a SHA-1 digest. */
#define TPM12_EXTEND_BODY(pcr)	PC_BE32(pcr), PC_ZERO20

/* TPM_PCR_SELECTION: sizeOfSelect 3, PCR 0 in the LSB of the first byte. */
#define TPM12_SELECT3(b0, b1, b2)	PC_BE16(3), b0, b1, b2

/* Short names for the table. */
#define PC_TPM12	XENMB_TPM_FAMILY_1_2
#define PC_TPM2		XENMB_TPM_FAMILY_2_0
#define PC_DEFAULT	XENMB_POLICY_DEFAULT
#define PC_LOC0		XENMB_POLICY_LOCALITY0
#define PC_RO		XENMB_POLICY_READ_ONLY
#define PC_UNKNOWN	7	/* not a level: must act as the strictest */
#define PC_TIS		0xF	/* TIS: localities 0-3 */
#define PC_CRB		0x1	/* CRB in Linux 6.1: locality 0 only */

/*
 * One xenmb_policy_check() call: the request, the expected return and the
 * command code the header parse must leave in hdr->code (0 when the header
 * is not read: locality above 4, or a buffer outside 10..4096 bytes).
 */
struct policy_case {
	const char *desc;
	u32 family;
	u32 policy;
	u32 iface_localities;
	u32 locality;
	int ret;
	u32 code;
	const u8 *cmd;
	u32 cmd_len;
};

/*
 * The NV allowlist every case runs with (the module's nv_allow parameter):
 * the two asset tag indices, so that both an allowed and a refused index
 * are tested for each family.
 */
static const u32 pc_nv_allow[] = { 0x01C10110, 0x40000010 };
#define PC_NV_ALLOW_COUNT	ARRAY_SIZE(pc_nv_allow)

/* Buffers at the size limits: a header, then zeros. */
static const u8 pc_tpm2_cmd_4096[XENMB_TPM_BUF_MAX] = {
	PC_BE16(TPM2_TAG_NO_SESSIONS), PC_BE32(XENMB_TPM_BUF_MAX),
	PC_BE32(TPM2_CMD_GET_RANDOM), PC_BE16(32),
};

static const u8 pc_tpm2_cmd_4097[XENMB_TPM_BUF_MAX + 1] = {
	PC_BE16(TPM2_TAG_NO_SESSIONS), PC_BE32(XENMB_TPM_BUF_MAX + 1),
	PC_BE32(TPM2_CMD_GET_RANDOM), PC_BE16(32),
};

static const struct policy_case policy_cases[] = {
	/* TPM 2.0, default policy, TIS */
	{ "tpm2 PCR_Extend PCR 22 at locality 2",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 2, 0, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, TPM2_PCR_BODY(22)) },
	{ "tpm2 PCR_Extend PCR 17 at locality 3",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 3, 0, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, TPM2_PCR_BODY(17)) },
	{ "tpm2 PCR_Extend PCR 16 at locality 1",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 1, 0, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, TPM2_PCR_BODY(16)) },
	{ "tpm2 PCR_Extend PCR 15 at locality 2 refused",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 2, -EACCES, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, TPM2_PCR_BODY(15)) },
	{ "tpm2 PCR_Extend PCR 24 at locality 2 refused",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 2, -EACCES, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, TPM2_PCR_BODY(24)) },
	{ "tpm2 PCR_Extend handle TPM_RH_PLATFORM at locality 2 refused",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 2, -EACCES, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, TPM2_PCR_BODY(0x4000000C)) },
	{ "tpm2 PCR_Extend PCR 23 at locality 0",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, 0, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, TPM2_PCR_BODY(23)) },
	{ "tpm2 PCR_Extend PCR 0 at locality 0",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, 0, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, TPM2_PCR_BODY(0)) },
	{ "tpm2 PCR_Event PCR 20 at locality 1",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 1, 0, TPM2_CMD_PCR_EVENT,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EVENT, TPM2_PCR_BODY(20)) },
	{ "tpm2 PCR_Event PCR 7 at locality 1 refused",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 1, -EACCES, TPM2_CMD_PCR_EVENT,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EVENT, TPM2_PCR_BODY(7)) },
	{ "tpm2 locality 4 refused",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 4, -EPERM, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, TPM2_PCR_BODY(17)) },
	{ "tpm2 locality 5 invalid",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 5, -EINVAL, 0,
	  TPM2_CMD(TPM2_CMD_GET_RANDOM, PC_BE16(8)) },
	{ "tpm2 locality 0xffffffff invalid",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0xFFFFFFFF, -EINVAL, 0,
	  TPM2_CMD(TPM2_CMD_GET_RANDOM, PC_BE16(8)) },
	{ "tpm2 malformed header at locality 4 is EINVAL, not EPERM",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 4, -EINVAL, TPM2_CMD_PCR_EXTEND,
	  PC_CMD_LEN(TPM2_TAG_SESSIONS, 30, TPM2_CMD_PCR_EXTEND, PC_BE32(17)) },
	{ "tpm2 locality 2 on CRB not supported",
	  PC_TPM2, PC_DEFAULT, PC_CRB, 2, -EOPNOTSUPP, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, TPM2_PCR_BODY(22)) },
	{ "tpm2 locality 1 on CRB not supported, even if policy refuses",
	  PC_TPM2, PC_LOC0, PC_CRB, 1, -EOPNOTSUPP, TPM2_CMD_PCR_READ,
	  TPM2_CMD(TPM2_CMD_PCR_READ, PC_BE32(0)) },
	{ "tpm2 locality 0 on CRB",
	  PC_TPM2, PC_DEFAULT, PC_CRB, 0, 0, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, TPM2_PCR_BODY(22)) },
	{ "tpm2 Quote at locality 1 refused",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 1, -EACCES, 0x158,
	  TPM2_CMD_AUTH(0x158, PC_BE32(0x81010002), TPM2_PW_AUTH) },
	{ "tpm2 Create at locality 2 refused",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 2, -EACCES, 0x153,
	  TPM2_CMD_AUTH(0x153, PC_BE32(0x81000001), TPM2_PW_AUTH) },
	{ "tpm2 Sign at locality 3 refused",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 3, -EACCES, 0x15D,
	  TPM2_CMD_AUTH(0x15D, PC_BE32(0x81010002), TPM2_PW_AUTH) },
	{ "tpm2 Quote at locality 0",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, 0, 0x158,
	  TPM2_CMD_AUTH(0x158, PC_BE32(0x81010002), TPM2_PW_AUTH) },
	{ "tpm2 Clear at locality 3 refused",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 3, -EACCES, 0x126,
	  TPM2_CMD_AUTH(0x126, PC_BE32(0x4000000C), TPM2_PW_AUTH) },
	{ "tpm2 PCR_Read at locality 3",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 3, 0, TPM2_CMD_PCR_READ,
	  TPM2_CMD(TPM2_CMD_PCR_READ, PC_BE32(1), PC_BE16(0x000B), 3, 0, 0,
		   0x7F) },
	{ "tpm2 NV_Read of an allowlisted index at locality 3",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 3, 0, TPM2_CMD_NV_READ,
	  TPM2_CMD_AUTH(TPM2_CMD_NV_READ, PC_BE32(0x01C10110),
			PC_BE32(0x01C10110), TPM2_PW_AUTH, PC_BE16(32),
			PC_BE16(0)) },
	{ "tpm2 NV_Write of an allowlisted index at locality 3",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 3, 0, TPM2_CMD_NV_WRITE,
	  TPM2_CMD_AUTH(TPM2_CMD_NV_WRITE, PC_BE32(0x01C10110),
			PC_BE32(0x01C10110), TPM2_PW_AUTH, PC_BE16(0),
			PC_BE16(0)) },
	{ "tpm2 NV_Read of another index at locality 2 refused",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 2, -EACCES, TPM2_CMD_NV_READ,
	  TPM2_CMD_AUTH(TPM2_CMD_NV_READ, PC_BE32(0x01C00002),
			PC_BE32(0x01C00002), TPM2_PW_AUTH, PC_BE16(32),
			PC_BE16(0)) },
	{ "tpm2 NV_Read by owner auth of another index at locality 1 refused",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 1, -EACCES, TPM2_CMD_NV_READ,
	  TPM2_CMD_AUTH(TPM2_CMD_NV_READ, PC_BE32(0x40000001),
			PC_BE32(0x01500000), TPM2_PW_AUTH, PC_BE16(32),
			PC_BE16(0)) },
	{ "tpm2 NV_Read naming the allowlisted index as authHandle only refused",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 3, -EACCES, TPM2_CMD_NV_READ,
	  TPM2_CMD_AUTH(TPM2_CMD_NV_READ, PC_BE32(0x01C10110),
			PC_BE32(0x01500000), TPM2_PW_AUTH, PC_BE16(32),
			PC_BE16(0)) },
	{ "tpm2 NV_Write of another index at locality 3 refused",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 3, -EACCES, TPM2_CMD_NV_WRITE,
	  TPM2_CMD_AUTH(TPM2_CMD_NV_WRITE, PC_BE32(0x01500001),
			PC_BE32(0x01500001), TPM2_PW_AUTH, PC_BE16(0),
			PC_BE16(0)) },
	{ "tpm2 NV_Read of another index at locality 0",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, 0, TPM2_CMD_NV_READ,
	  TPM2_CMD_AUTH(TPM2_CMD_NV_READ, PC_BE32(0x01C00002),
			PC_BE32(0x01C00002), TPM2_PW_AUTH, PC_BE16(32),
			PC_BE16(0)) },
	{ "tpm2 NV_Read too short to name its index at locality 2",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 2, -EINVAL, TPM2_CMD_NV_READ,
	  TPM2_CMD_AUTH(TPM2_CMD_NV_READ, PC_BE32(0x01C10110)) },
	{ "tpm2 GetCapability at locality 3",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 3, 0, TPM2_CMD_GET_CAPABILITY,
	  TPM2_CMD(TPM2_CMD_GET_CAPABILITY, PC_BE32(6), PC_BE32(0x100),
		   PC_BE32(64)) },
	{ "tpm2 GetRandom at locality 3",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 3, 0, TPM2_CMD_GET_RANDOM,
	  TPM2_CMD(TPM2_CMD_GET_RANDOM, PC_BE16(16)) },
	{ "tpm2 NV_ReadPublic at locality 3",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 3, 0, TPM2_CMD_NV_READ_PUBLIC,
	  TPM2_CMD(TPM2_CMD_NV_READ_PUBLIC, PC_BE32(0x01C10110)) },
	{ "tpm2 PCR_Reset PCR 16 at locality 2",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 2, 0, TPM2_CMD_PCR_RESET,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_RESET, TPM2_PCR_RESET_BODY(16)) },
	{ "tpm2 PCR_Reset PCR 0 at locality 2 refused",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 2, -EACCES, TPM2_CMD_PCR_RESET,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_RESET, TPM2_PCR_RESET_BODY(0)) },
	{ "tpm2 unknown command code at locality 1 refused",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 1, -EACCES, 0x20000000,
	  TPM2_CMD(0x20000000) },
	{ "tpm2 unknown command code at locality 0",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, 0, 0x20000000,
	  TPM2_CMD(0x20000000) },

	/* TPM 2.0 malformed commands */
	{ "tpm2 header length shorter than buffer",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, -EINVAL, TPM2_CMD_GET_RANDOM,
	  PC_CMD_LEN(TPM2_TAG_NO_SESSIONS, 11, TPM2_CMD_GET_RANDOM,
		     PC_BE16(8)) },
	{ "tpm2 header length longer than buffer",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, -EINVAL, TPM2_CMD_GET_RANDOM,
	  PC_CMD_LEN(TPM2_TAG_NO_SESSIONS, 13, TPM2_CMD_GET_RANDOM,
		     PC_BE16(8)) },
	{ "tpm2 header length 0",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, -EINVAL, TPM2_CMD_GET_RANDOM,
	  PC_CMD_LEN(TPM2_TAG_NO_SESSIONS, 0, TPM2_CMD_GET_RANDOM,
		     PC_BE16(8)) },
	{ "tpm2 buffer of 9 bytes",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, -EINVAL, 0,
	  PC_BYTES(PC_BE16(TPM2_TAG_NO_SESSIONS), PC_BE32(9), 0, 0, 1) },
	{ "tpm2 buffer of 1 byte",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, -EINVAL, 0, PC_BYTES(0x80) },
	{ "tpm2 header only (10 bytes)",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, 0, TPM2_CMD_GET_RANDOM,
	  TPM2_CMD(TPM2_CMD_GET_RANDOM) },
	{ "tpm2 buffer of exactly 4096 bytes",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, 0, TPM2_CMD_GET_RANDOM,
	  pc_tpm2_cmd_4096, sizeof(pc_tpm2_cmd_4096) },
	{ "tpm2 buffer of 4096 bytes at locality 3",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 3, 0, TPM2_CMD_GET_RANDOM,
	  pc_tpm2_cmd_4096, sizeof(pc_tpm2_cmd_4096) },
	{ "tpm2 buffer of 4097 bytes",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, -EINVAL, 0,
	  pc_tpm2_cmd_4097, sizeof(pc_tpm2_cmd_4097) },
	{ "tpm2 chip given a TPM 1.2 tag",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, -EINVAL, TPM2_CMD_GET_RANDOM,
	  PC_CMD(TPM12_TAG_RQU_COMMAND, TPM2_CMD_GET_RANDOM, PC_BE16(8)) },
	{ "tpm2 chip given tag 0x0000",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, -EINVAL, TPM2_CMD_GET_RANDOM,
	  PC_CMD(0x0000, TPM2_CMD_GET_RANDOM, PC_BE16(8)) },
	{ "tpm2 chip given tag 0xFFFF",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, -EINVAL, TPM2_CMD_GET_RANDOM,
	  PC_CMD(0xFFFF, TPM2_CMD_GET_RANDOM, PC_BE16(8)) },
	{ "tpm2 chip given response tag TPM_ST_RSP_COMMAND",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, -EINVAL, TPM2_CMD_GET_RANDOM,
	  PC_CMD(0x00C4, TPM2_CMD_GET_RANDOM, PC_BE16(8)) },
	{ "no chip family",
	  XENMB_TPM_FAMILY_NONE, PC_DEFAULT, PC_TIS, 0, -EINVAL,
	  TPM2_CMD_GET_RANDOM, TPM2_CMD(TPM2_CMD_GET_RANDOM, PC_BE16(8)) },
	{ "tpm2 PCR_Extend cut before the handle at locality 2",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 2, -EINVAL, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, 0, 0, 0) },
	{ "tpm2 PCR_Extend cut before the handle at locality 0",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 0, 0, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, 0, 0, 0) },
	{ "tpm2 PCR_Extend with only the handle at locality 2",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 2, 0, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, PC_BE32(22)) },
	{ "tpm2 PCR_Reset header only at locality 2",
	  PC_TPM2, PC_DEFAULT, PC_TIS, 2, -EINVAL, TPM2_CMD_PCR_RESET,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_RESET) },

	/* Policy levels */
	{ "locality0 policy refuses locality 1",
	  PC_TPM2, PC_LOC0, PC_TIS, 1, -EACCES, TPM2_CMD_PCR_READ,
	  TPM2_CMD(TPM2_CMD_PCR_READ, PC_BE32(0)) },
	{ "locality0 policy refuses PCR_Extend PCR 22 at locality 2",
	  PC_TPM2, PC_LOC0, PC_TIS, 2, -EACCES, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, TPM2_PCR_BODY(22)) },
	{ "locality0 policy allows Quote at locality 0",
	  PC_TPM2, PC_LOC0, PC_TIS, 0, 0, 0x158,
	  TPM2_CMD_AUTH(0x158, PC_BE32(0x81010002), TPM2_PW_AUTH) },
	{ "read-only policy refuses PCR_Extend at locality 0",
	  PC_TPM2, PC_RO, PC_TIS, 0, -EACCES, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, TPM2_PCR_BODY(23)) },
	{ "read-only policy refuses NV_Write at locality 0",
	  PC_TPM2, PC_RO, PC_TIS, 0, -EACCES, TPM2_CMD_NV_WRITE,
	  TPM2_CMD_AUTH(TPM2_CMD_NV_WRITE, PC_BE32(0x01C10110),
			PC_BE32(0x01C10110), TPM2_PW_AUTH, PC_BE16(0),
			PC_BE16(0)) },
	{ "read-only policy allows PCR_Read at locality 0",
	  PC_TPM2, PC_RO, PC_TIS, 0, 0, TPM2_CMD_PCR_READ,
	  TPM2_CMD(TPM2_CMD_PCR_READ, PC_BE32(0)) },
	{ "read-only policy allows GetCapability at locality 0",
	  PC_TPM2, PC_RO, PC_TIS, 0, 0, TPM2_CMD_GET_CAPABILITY,
	  TPM2_CMD(TPM2_CMD_GET_CAPABILITY, PC_BE32(6), PC_BE32(0x100),
		   PC_BE32(64)) },
	{ "read-only policy refuses PCR_Read at locality 3",
	  PC_TPM2, PC_RO, PC_TIS, 3, -EACCES, TPM2_CMD_PCR_READ,
	  TPM2_CMD(TPM2_CMD_PCR_READ, PC_BE32(0)) },
	{ "read-only policy refuses TPM 1.2 Extend at locality 0",
	  PC_TPM12, PC_RO, PC_TIS, 0, -EACCES, TPM12_ORD_EXTEND,
	  TPM12_CMD(TPM12_ORD_EXTEND, TPM12_EXTEND_BODY(23)) },
	{ "read-only policy allows TPM 1.2 PcrRead at locality 0",
	  PC_TPM12, PC_RO, PC_TIS, 0, 0, TPM12_ORD_PCR_READ,
	  TPM12_CMD(TPM12_ORD_PCR_READ, PC_BE32(17)) },
	{ "unknown policy refuses PCR_Extend at locality 0",
	  PC_TPM2, PC_UNKNOWN, PC_TIS, 0, -EACCES, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, TPM2_PCR_BODY(23)) },
	{ "unknown policy refuses Quote at locality 0",
	  PC_TPM2, PC_UNKNOWN, PC_TIS, 0, -EACCES, 0x158,
	  TPM2_CMD_AUTH(0x158, PC_BE32(0x81010002), TPM2_PW_AUTH) },
	{ "unknown policy refuses PCR_Extend PCR 22 at locality 2",
	  PC_TPM2, PC_UNKNOWN, PC_TIS, 2, -EACCES, TPM2_CMD_PCR_EXTEND,
	  TPM2_CMD_AUTH(TPM2_CMD_PCR_EXTEND, TPM2_PCR_BODY(22)) },
	{ "unknown policy refuses PCR_Read at locality 1",
	  PC_TPM2, PC_UNKNOWN, PC_TIS, 1, -EACCES, TPM2_CMD_PCR_READ,
	  TPM2_CMD(TPM2_CMD_PCR_READ, PC_BE32(0)) },
	{ "unknown policy allows PCR_Read at locality 0",
	  PC_TPM2, PC_UNKNOWN, PC_TIS, 0, 0, TPM2_CMD_PCR_READ,
	  TPM2_CMD(TPM2_CMD_PCR_READ, PC_BE32(0)) },
	{ "unknown policy refuses TPM 1.2 OwnerClear at locality 0",
	  PC_TPM12, PC_UNKNOWN, PC_TIS, 0, -EACCES, 0x5B,
	  PC_CMD(TPM12_TAG_RQU_AUTH1_COMMAND, 0x5B, PC_BE32(0x02000000),
		 PC_ZERO20, 0, PC_ZERO20) },

	/* TPM 1.2, default policy, TIS */
	{ "tpm12 Extend PCR 17 at locality 2",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 2, 0, TPM12_ORD_EXTEND,
	  TPM12_CMD(TPM12_ORD_EXTEND, TPM12_EXTEND_BODY(17)) },
	{ "tpm12 Extend PCR 10 at locality 2 refused",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 2, -EACCES, TPM12_ORD_EXTEND,
	  TPM12_CMD(TPM12_ORD_EXTEND, TPM12_EXTEND_BODY(10)) },
	{ "tpm12 Extend PCR 10 at locality 0",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 0, 0, TPM12_ORD_EXTEND,
	  TPM12_CMD(TPM12_ORD_EXTEND, TPM12_EXTEND_BODY(10)) },
	{ "tpm12 Extend cut before pcrNum at locality 2",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 2, -EINVAL, TPM12_ORD_EXTEND,
	  TPM12_CMD(TPM12_ORD_EXTEND, 0, 0) },
	{ "tpm12 PCR_Reset {16,17} at locality 2",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 2, 0, TPM12_ORD_PCR_RESET,
	  TPM12_CMD(TPM12_ORD_PCR_RESET, TPM12_SELECT3(0x00, 0x00, 0x03)) },
	{ "tpm12 PCR_Reset {23} at locality 1",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 1, 0, TPM12_ORD_PCR_RESET,
	  TPM12_CMD(TPM12_ORD_PCR_RESET, TPM12_SELECT3(0x00, 0x00, 0x80)) },
	{ "tpm12 PCR_Reset {0,16,17} at locality 2 refused",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 2, -EACCES, TPM12_ORD_PCR_RESET,
	  TPM12_CMD(TPM12_ORD_PCR_RESET, TPM12_SELECT3(0x01, 0x00, 0x03)) },
	{ "tpm12 PCR_Reset {15} at locality 2 refused",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 2, -EACCES, TPM12_ORD_PCR_RESET,
	  TPM12_CMD(TPM12_ORD_PCR_RESET, TPM12_SELECT3(0x00, 0x80, 0x00)) },
	{ "tpm12 PCR_Reset empty selection at locality 2 refused",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 2, -EACCES, TPM12_ORD_PCR_RESET,
	  TPM12_CMD(TPM12_ORD_PCR_RESET, TPM12_SELECT3(0x00, 0x00, 0x00)) },
	{ "tpm12 PCR_Reset sizeOfSelect 0 at locality 2 refused",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 2, -EACCES, TPM12_ORD_PCR_RESET,
	  TPM12_CMD(TPM12_ORD_PCR_RESET, PC_BE16(0)) },
	{ "tpm12 PCR_Reset selection of 4 bytes, {16} at locality 2",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 2, 0, TPM12_ORD_PCR_RESET,
	  TPM12_CMD(TPM12_ORD_PCR_RESET, PC_BE16(4), 0, 0, 0x01, 0) },
	{ "tpm12 PCR_Reset selection of 4 bytes, {24} at locality 2 refused",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 2, -EACCES, TPM12_ORD_PCR_RESET,
	  TPM12_CMD(TPM12_ORD_PCR_RESET, PC_BE16(4), 0, 0, 0, 0x01) },
	{ "tpm12 PCR_Reset selection bytes cut short at locality 2",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 2, -EINVAL, TPM12_ORD_PCR_RESET,
	  TPM12_CMD(TPM12_ORD_PCR_RESET, PC_BE16(3), 0x00, 0x00) },
	{ "tpm12 PCR_Reset cut before sizeOfSelect at locality 2",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 2, -EINVAL, TPM12_ORD_PCR_RESET,
	  TPM12_CMD(TPM12_ORD_PCR_RESET, 0x00) },
	{ "tpm12 PCR_Reset selection cut short at locality 0",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 0, 0, TPM12_ORD_PCR_RESET,
	  TPM12_CMD(TPM12_ORD_PCR_RESET, PC_BE16(3), 0x00, 0x00) },
	{ "tpm12 Quote at locality 1 refused",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 1, -EACCES, 0x16,
	  PC_CMD(TPM12_TAG_RQU_AUTH1_COMMAND, 0x16, PC_BE32(0x01000000),
		 PC_ZERO20, TPM12_SELECT3(0, 0, 0x06)) },
	{ "tpm12 OIAP at locality 2 refused",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 2, -EACCES, 0x0A,
	  TPM12_CMD(0x0A) },
	{ "tpm12 GetCapability at locality 3",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 3, 0, TPM12_ORD_GET_CAPABILITY,
	  TPM12_CMD(TPM12_ORD_GET_CAPABILITY, PC_BE32(5), PC_BE32(4),
		    PC_BE32(0x101)) },
	{ "tpm12 NV_ReadValue of an allowlisted index at locality 2",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 2, 0, TPM12_ORD_NV_READ_VALUE,
	  TPM12_CMD(TPM12_ORD_NV_READ_VALUE, PC_BE32(0x40000010),
		    PC_BE32(0), PC_BE32(20)) },
	{ "tpm12 NV_WriteValue of an allowlisted index at locality 2",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 2, 0, TPM12_ORD_NV_WRITE_VALUE,
	  TPM12_CMD(TPM12_ORD_NV_WRITE_VALUE, PC_BE32(0x40000010),
		    PC_BE32(0), PC_BE32(0)) },
	{ "tpm12 NV_ReadValue of another index at locality 2 refused",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 2, -EACCES, TPM12_ORD_NV_READ_VALUE,
	  TPM12_CMD(TPM12_ORD_NV_READ_VALUE, PC_BE32(0x10000001),
		    PC_BE32(0), PC_BE32(20)) },
	{ "tpm12 NV_ReadValueAuth of another index at locality 1 refused",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 1, -EACCES,
	  TPM12_ORD_NV_READ_VALUE_AUTH,
	  TPM12_CMD(TPM12_ORD_NV_READ_VALUE_AUTH, PC_BE32(0x00011101),
		    PC_BE32(0), PC_BE32(20)) },
	{ "tpm12 NV_WriteValueAuth of another index at locality 3 refused",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 3, -EACCES,
	  TPM12_ORD_NV_WRITE_VALUE_AUTH,
	  TPM12_CMD(TPM12_ORD_NV_WRITE_VALUE_AUTH, PC_BE32(0x00011101),
		    PC_BE32(0), PC_BE32(0)) },
	{ "tpm12 NV_WriteValue too short to name its index at locality 2",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 2, -EINVAL, TPM12_ORD_NV_WRITE_VALUE,
	  TPM12_CMD(TPM12_ORD_NV_WRITE_VALUE, 0x40, 0) },
	{ "tpm12 read-only: NV_ReadValue of 20 bytes",
	  PC_TPM12, PC_RO, PC_TIS, 0, 0, TPM12_ORD_NV_READ_VALUE,
	  TPM12_CMD(TPM12_ORD_NV_READ_VALUE, PC_BE32(0x40000010),
		    PC_BE32(0), PC_BE32(20)) },
	{ "tpm12 read-only: NV_ReadValue of 0 bytes (sets bReadSTClear) refused",
	  PC_TPM12, PC_RO, PC_TIS, 0, -EACCES, TPM12_ORD_NV_READ_VALUE,
	  TPM12_CMD(TPM12_ORD_NV_READ_VALUE, PC_BE32(0x40000010),
		    PC_BE32(0), PC_BE32(0)) },
	{ "tpm12 read-only: NV_ReadValueAuth of 0 bytes refused",
	  PC_TPM12, PC_RO, PC_TIS, 0, -EACCES, TPM12_ORD_NV_READ_VALUE_AUTH,
	  TPM12_CMD(TPM12_ORD_NV_READ_VALUE_AUTH, PC_BE32(0x40000010),
		    PC_BE32(0), PC_BE32(0)) },
	{ "tpm12 read-only: NV_ReadValue without dataSize",
	  PC_TPM12, PC_RO, PC_TIS, 0, -EINVAL, TPM12_ORD_NV_READ_VALUE,
	  TPM12_CMD(TPM12_ORD_NV_READ_VALUE, PC_BE32(0x40000010),
		    PC_BE32(0)) },
	{ "tpm12 PcrRead at locality 1",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 1, 0, TPM12_ORD_PCR_READ,
	  TPM12_CMD(TPM12_ORD_PCR_READ, PC_BE32(17)) },
	{ "tpm12 GetRandom at locality 3",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 3, 0, TPM12_ORD_GET_RANDOM,
	  TPM12_CMD(TPM12_ORD_GET_RANDOM, PC_BE32(20)) },
	{ "tpm12 auth1 tag accepted",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 0, 0, 0x5B,
	  PC_CMD(TPM12_TAG_RQU_AUTH1_COMMAND, 0x5B) },
	{ "tpm12 auth2 tag accepted",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 0, 0, 0x18,
	  PC_CMD(TPM12_TAG_RQU_AUTH2_COMMAND, 0x18) },
	{ "tpm12 chip given a TPM 2.0 tag",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 0, -EINVAL, TPM12_ORD_GET_RANDOM,
	  PC_CMD(TPM2_TAG_NO_SESSIONS, TPM12_ORD_GET_RANDOM, PC_BE32(20)) },
	{ "tpm12 chip given tag 0x0000",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 0, -EINVAL, TPM12_ORD_GET_RANDOM,
	  PC_CMD(0x0000, TPM12_ORD_GET_RANDOM, PC_BE32(20)) },
	{ "tpm12 chip given tag 0xFFFF",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 0, -EINVAL, TPM12_ORD_GET_RANDOM,
	  PC_CMD(0xFFFF, TPM12_ORD_GET_RANDOM, PC_BE32(20)) },
	{ "tpm12 chip given response tag TPM_TAG_RSP_COMMAND",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 0, -EINVAL, TPM12_ORD_GET_RANDOM,
	  PC_CMD(0x00C4, TPM12_ORD_GET_RANDOM, PC_BE32(20)) },
	{ "tpm12 header length longer than buffer",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 0, -EINVAL, TPM12_ORD_GET_RANDOM,
	  PC_CMD_LEN(TPM12_TAG_RQU_COMMAND, 15, TPM12_ORD_GET_RANDOM,
		     PC_BE32(20)) },
	{ "tpm12 header length shorter than buffer",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 0, -EINVAL, TPM12_ORD_GET_RANDOM,
	  PC_CMD_LEN(TPM12_TAG_RQU_COMMAND, 10, TPM12_ORD_GET_RANDOM,
		     PC_BE32(20)) },
	{ "tpm12 locality 4 refused",
	  PC_TPM12, PC_DEFAULT, PC_TIS, 4, -EPERM, TPM12_ORD_EXTEND,
	  TPM12_CMD(TPM12_ORD_EXTEND, TPM12_EXTEND_BODY(17)) },
	{ "tpm12 locality 3 on an interface with locality 0 only",
	  PC_TPM12, PC_DEFAULT, PC_CRB, 3, -EOPNOTSUPP, TPM12_ORD_PCR_READ,
	  TPM12_CMD(TPM12_ORD_PCR_READ, PC_BE32(17)) },
};

/* xenmb_tpm_cmd_name(): @name NULL when the code must be unknown. */
struct cmd_name_case {
	u32 family;
	u32 code;
	const char *name;
};

static const struct cmd_name_case cmd_name_cases[] = {
	{ PC_TPM2, TPM2_CMD_PCR_EXTEND, "TPM2_PCR_Extend" },
	{ PC_TPM2, TPM2_CMD_PCR_READ, "TPM2_PCR_Read" },
	{ PC_TPM2, TPM2_CMD_PCR_RESET, "TPM2_PCR_Reset" },
	{ PC_TPM2, TPM2_CMD_NV_READ_PUBLIC, "TPM2_NV_ReadPublic" },
	{ PC_TPM2, 0x11F, "TPM2_NV_UndefineSpaceSpecial" },
	{ PC_TPM2, 0x158, "TPM2_Quote" },
	{ PC_TPM2, 0x191, "TPM2_CreateLoaded" },
	{ PC_TPM2, 0x000, NULL },
	{ PC_TPM2, 0x11E, NULL },
	{ PC_TPM2, 0x192, NULL },
	{ PC_TPM2, 0x20000182, NULL },
	{ PC_TPM2, TPM12_ORD_EXTEND, NULL },
	{ PC_TPM12, TPM12_ORD_EXTEND, "TPM_ORD_Extend" },
	{ PC_TPM12, TPM12_ORD_PCR_RESET, "TPM_ORD_PCR_Reset" },
	{ PC_TPM12, TPM12_ORD_NV_READ_VALUE, "TPM_ORD_NV_ReadValue" },
	{ PC_TPM12, 0x0A, "TPM_ORD_OIAP" },
	{ PC_TPM12, 0x16, "TPM_ORD_Quote" },
	{ PC_TPM12, 0x7A, "TPM_ORD_ActivateIdentity" },
	{ PC_TPM12, 0x4000000A, "TSC_ORD_PhysicalPresence" },
	{ PC_TPM12, 0x000, NULL },
	{ PC_TPM12, 0x0FF, NULL },
	{ PC_TPM12, TPM2_CMD_PCR_EXTEND, NULL },
	{ XENMB_TPM_FAMILY_NONE, TPM2_CMD_PCR_EXTEND, NULL },
	{ 9, TPM12_ORD_EXTEND, NULL },
};

/*
 * xenmb_tpm_rc_describe() into a buffer of @size bytes (0: a roomy 64), which
 * must then hold exactly @text.
 */
struct rc_case {
	u32 family;
	u32 rc;
	u32 size;
	const char *text;
};

static const struct rc_case rc_cases[] = {
	{ PC_TPM2, TPM2_RESP_SUCCESS, 0, "TPM_RC_SUCCESS" },
	{ PC_TPM2, TPM2_RESP_LOCALITY, 0, "TPM_RC_LOCALITY" },
	{ PC_TPM2, 0x01E, 0, "TPM_RC_BAD_TAG" },
	{ PC_TPM2, 0x101, 0, "TPM_RC_FAILURE" },
	{ PC_TPM2, 0x922, 0, "TPM_RC_RETRY" },
	/* format one: bit 7; P (bit 6) parameter N, else N<8 handle, session */
	{ PC_TPM2, 0x084, 0, "TPM_RC_VALUE" },
	{ PC_TPM2, 0x1C4, 0, "TPM_RC_VALUE (parameter 1)" },
	{ PC_TPM2, 0xFC4, 0, "TPM_RC_VALUE (parameter 15)" },
	{ PC_TPM2, 0x18B, 0, "TPM_RC_HANDLE (handle 1)" },
	{ PC_TPM2, 0x78B, 0, "TPM_RC_HANDLE (handle 7)" },
	{ PC_TPM2, 0x98B, 0, "TPM_RC_HANDLE (session 1)" },
	{ PC_TPM2, 0x9A2, 0, "TPM_RC_BAD_AUTH (session 1)" },
	{ PC_TPM2, 0x2D5, 0, "TPM_RC_SIZE (parameter 2)" },
	{ PC_TPM2, 0x0A7, 0, "TPM_RC_ECC_POINT" },
	{ PC_TPM2, 0x123, 0, "TPM_RC 0x123" },
	{ PC_TPM2, 0x0BF, 0, "TPM_RC 0x0bf" },
	{ PC_TPM2, 0x1FF, 0, "TPM_RC 0x1ff" },
	{ PC_TPM2, 0x80284, 0, "TPM_RC 0x80284" },
	{ PC_TPM2, 0x1C4, 8, "TPM_RC_" },
	{ PC_TPM2, 0x1C4, 1, "" },
	{ PC_TPM12, 0x000, 0, "TPM_SUCCESS" },
	{ PC_TPM12, TPM12_RC_BAD_LOCALITY, 0, "TPM_BAD_LOCALITY" },
	{ PC_TPM12, 0x006, 0, "TPM_DEACTIVATED" },
	{ PC_TPM12, 0x001, 0, "TPM_AUTHFAIL" },
	{ PC_TPM12, 0x800, 0, "TPM_RETRY" },
	{ PC_TPM12, 0x004, 0, "TPM_RC 0x4" },
	{ PC_TPM12, 0x907, 0, "TPM_RC 0x907" },
	{ PC_TPM12, 0x3D, 5, "TPM_" },
};

/*
 * xenmb_policy_parse(): @level is the result (a level, or -EINVAL); @desc
 * shows @input with the newline escaped.
 */
struct policy_parse_case {
	const char *desc;
	const char *input;
	int level;
};

#define PC_PARSE(input, level) \
	{ "xenmb_policy_parse(" #input ")", input, level }

static const struct policy_parse_case policy_parse_cases[] = {
	PC_PARSE("default", XENMB_POLICY_DEFAULT),
	PC_PARSE("locality0", XENMB_POLICY_LOCALITY0),
	PC_PARSE("read-only", XENMB_POLICY_READ_ONLY),
	PC_PARSE("read-only\n", XENMB_POLICY_READ_ONLY),
	PC_PARSE("default\n", XENMB_POLICY_DEFAULT),
	PC_PARSE("read-onlyx", -EINVAL),
	PC_PARSE("read-only\n\n", -EINVAL),
	PC_PARSE("read-only\nx", -EINVAL),
	PC_PARSE("read", -EINVAL),
	PC_PARSE("Default", -EINVAL),
	PC_PARSE(" default", -EINVAL),
	PC_PARSE("locality", -EINVAL),
	PC_PARSE("0", -EINVAL),
	PC_PARSE("\n", -EINVAL),
	PC_PARSE("", -EINVAL),
};

/*
 * xenmb_policy_name() and xenmb_policy_localities() per level: @name NULL
 * for an unknown level, which lets locality 0 only.
 */
struct policy_level_case {
	u32 level;
	const char *name;
	u32 localities;
};

static const struct policy_level_case policy_level_cases[] = {
	{ XENMB_POLICY_DEFAULT, "default", 0xF },
	{ XENMB_POLICY_LOCALITY0, "locality0", 0x1 },
	{ XENMB_POLICY_READ_ONLY, "read-only", 0x1 },
	{ 3, NULL, 0x1 },
	{ 0xFFFFFFFF, NULL, 0x1 },
};

/*
 * The uapi structures, field by field in declaration order. A suite checks
 * that each field starts where the previous one ended (no hidden padding),
 * at a multiple of its element size (natural alignment), and that the last
 * ends at the published size.
 */
struct abi_field {
	const char *name;
	size_t offset;
	size_t size;
	size_t align;
};

#define PC_ABI_FIELD(type, field, elem) \
	{ #field, offsetof(type, field), \
	  sizeof(((type *)0)->field), sizeof(elem) }

static const struct abi_field abi_info_fields[] = {
	PC_ABI_FIELD(struct xenmb_info, size, __u32),
	PC_ABI_FIELD(struct xenmb_info, flags, __u32),
	PC_ABI_FIELD(struct xenmb_info, abi_version, __u32),
	PC_ABI_FIELD(struct xenmb_info, tpm_family, __u32),
	PC_ABI_FIELD(struct xenmb_info, interface, __u32),
	PC_ABI_FIELD(struct xenmb_info, localities, __u32),
	PC_ABI_FIELD(struct xenmb_info, policy, __u32),
	PC_ABI_FIELD(struct xenmb_info, reserved0, __u32),
	PC_ABI_FIELD(struct xenmb_info, chip_name, char),
	PC_ABI_FIELD(struct xenmb_info, commands, __u64),
	PC_ABI_FIELD(struct xenmb_info, denials, __u64),
	PC_ABI_FIELD(struct xenmb_info, tpm_errors, __u64),
	PC_ABI_FIELD(struct xenmb_info, timeouts, __u64),
	PC_ABI_FIELD(struct xenmb_info, io_errors, __u64),
	PC_ABI_FIELD(struct xenmb_info, reserved, __u64),
};

static const struct abi_field abi_tpm_cmd_fields[] = {
	PC_ABI_FIELD(struct xenmb_tpm_cmd, size, __u32),
	PC_ABI_FIELD(struct xenmb_tpm_cmd, flags, __u32),
	PC_ABI_FIELD(struct xenmb_tpm_cmd, locality, __u32),
	PC_ABI_FIELD(struct xenmb_tpm_cmd, cmd_len, __u32),
	PC_ABI_FIELD(struct xenmb_tpm_cmd, cmd_ptr, __u64),
	PC_ABI_FIELD(struct xenmb_tpm_cmd, rsp_ptr, __u64),
	PC_ABI_FIELD(struct xenmb_tpm_cmd, rsp_size, __u32),
	PC_ABI_FIELD(struct xenmb_tpm_cmd, rsp_len, __u32),
	PC_ABI_FIELD(struct xenmb_tpm_cmd, tpm_rc, __u32),
	PC_ABI_FIELD(struct xenmb_tpm_cmd, reserved0, __u32),
	PC_ABI_FIELD(struct xenmb_tpm_cmd, duration_ns, __u64),
	PC_ABI_FIELD(struct xenmb_tpm_cmd, reserved, __u64),
};

struct abi_struct {
	const char *name;
	size_t size;		/* sizeof() as compiled */
	size_t published;	/* the uapi's *_SIZE_VER0 */
	const struct abi_field *fields;
	size_t nr_fields;
};

static const struct abi_struct abi_structs[] = {
	{ "struct xenmb_info", sizeof(struct xenmb_info),
	  XENMB_INFO_SIZE_VER0, abi_info_fields,
	  ARRAY_SIZE(abi_info_fields) },
	{ "struct xenmb_tpm_cmd", sizeof(struct xenmb_tpm_cmd),
	  XENMB_TPM_CMD_SIZE_VER0, abi_tpm_cmd_fields,
	  ARRAY_SIZE(abi_tpm_cmd_fields) },
};

/* Every vector above, each run as one test by both suites. */
/* Response headers: does this response answer a request with @cmd_tag? */
struct rsp_case {
	const char *desc;
	u32 family;
	u16 cmd_tag;
	u8 rsp[40];
	u32 len;
	int ret;
};

static const struct rsp_case rsp_cases[] = {
	{ "2.0 success, request's tag", PC_TPM2, 0x8001,
	  { 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0 }, 12, 0 },
	/* parameterSize 2, parameters, one password session: 0 0 1 0 0 */
	{ "2.0 success with a session", PC_TPM2, 0x8002,
	  { 0x80, 0x02, 0, 0, 0, 21, 0, 0, 0, 0, 0, 0, 0, 2, 0xAB, 0xCD,
	    0, 0, 1, 0, 0 }, 21, 0 },
	{ "2.0 success with a handle and two sessions", PC_TPM2, 0x8002,
	  { 0x80, 0x02, 0, 0, 0, 31, 0, 0, 0, 0, 0x80, 0, 0, 1, 0, 0, 0, 1,
	    0xEE, 0, 2, 0x11, 0x22, 1, 0, 0, 0, 0, 1, 0, 0 }, 31, 0 },
	{ "2.0 session response with 4 stray bytes", PC_TPM2, 0x8002,
	  { 0x80, 0x02, 0, 0, 0, 25, 0, 0, 0, 0, 0, 0, 0, 2, 0xAB, 0xCD,
	    0, 0, 1, 0, 0, 0, 0, 0, 0 }, 25, -EBADMSG },
	{ "2.0 session response cut in its session", PC_TPM2, 0x8002,
	  { 0x80, 0x02, 0, 0, 0, 19, 0, 0, 0, 0, 0, 0, 0, 2, 0xAB, 0xCD,
	    0, 0, 1 }, 19, -EBADMSG },
	{ "2.0 session response with parameterSize too large", PC_TPM2, 0x8002,
	  { 0x80, 0x02, 0, 0, 0, 21, 0, 0, 0, 0, 0, 0, 0, 9, 0xAB, 0xCD,
	    0, 0, 1, 0, 0 }, 21, -EBADMSG },
	{ "2.0 session response without a session", PC_TPM2, 0x8002,
	  { 0x80, 0x02, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 2, 0xAB, 0xCD },
	  16, -EBADMSG },
	{ "2.0 error, bare header", PC_TPM2, 0x8002,
	  { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0x09, 0x07 }, 10, 0 },
	{ "2.0 success, other tag than the request", PC_TPM2, 0x8001,
	  { 0x80, 0x02, 0, 0, 0, 21, 0, 0, 0, 0, 0, 0, 0, 2, 0xAB, 0xCD,
	    0, 0, 1, 0, 0 }, 21, -EBADMSG },
	{ "2.0 garbage tag", PC_TPM2, 0x8001,
	  { 0x12, 0x34, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0 }, 12, -EBADMSG },
	{ "2.0 error with a body", PC_TPM2, 0x8001,
	  { 0x80, 0x01, 0, 0, 0, 18, 0, 0, 0x01, 0x43 }, 18, -EBADMSG },
	{ "2.0 error tagged with sessions", PC_TPM2, 0x8002,
	  { 0x80, 0x02, 0, 0, 0, 10, 0, 0, 0x01, 0x43 }, 10, -EBADMSG },
	{ "length field above the bytes", PC_TPM2, 0x8001,
	  { 0x80, 0x01, 0, 0, 0, 14, 0, 0, 0, 0, 0, 0 }, 12, -EBADMSG },
	{ "length field below the bytes", PC_TPM2, 0x8001,
	  { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0 }, 12, -EBADMSG },
	{ "shorter than a header", PC_TPM2, 0x8001,
	  { 0x80, 0x01, 0, 0, 0, 6 }, 6, -EBADMSG },
	{ "1.2 success", PC_TPM12, 0x00C1,
	  { 0x00, 0xC4, 0, 0, 0, 10, 0, 0, 0, 0 }, 10, 0 },
	{ "1.2 auth1 success", PC_TPM12, 0x00C2,
	  { 0x00, 0xC5, 0, 0, 0, 10, 0, 0, 0, 0 }, 10, 0 },
	{ "1.2 request tag as response", PC_TPM12, 0x00C1,
	  { 0x00, 0xC1, 0, 0, 0, 10, 0, 0, 0, 0 }, 10, -EBADMSG },
	{ "1.2 answer of a 2.0 TPM", PC_TPM12, 0x00C1,
	  { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0 }, 10, -EBADMSG },
};


/*
 * xenmb_tpm_handles_plan() and xenmb_tpm_handles_created(): what a command creates or
 * ends, for the per-file flush at close. @rsp is the answer (may be
 * empty); @created the handle it must yield; @ended the one handle (of
 * @ended_kind) the plan must list, 0 for none.
 */
struct handle_case {
	const char *desc;
	u32 family;
	int cmd_handles;
	const u8 *cmd;
	u32 cmd_len;
	const u8 *rsp;
	u32 rsp_len;
	int ret;
	u8 creates;
	u32 created;
	u32 n_ended;
	u32 ended;
	u8 ended_kind;
};

#define TPM2_RSP(rc, ...)	PC_CMD_LEN(0x8001, TPM_HEADER_LEN + \
					   PC_COUNT(__VA_ARGS__), rc, \
					   ##__VA_ARGS__)
#define TPM12_RSP(rc, ...)	PC_CMD_LEN(0x00C4, TPM_HEADER_LEN + \
					   PC_COUNT(__VA_ARGS__), rc, \
					   ##__VA_ARGS__)
/* A TPM 2.0 session in an authorization area, with @attrs. */
#define TPM2_SESSION(h, attrs)	PC_BE32(h), PC_BE16(0), attrs, PC_BE16(0)
/* A TPM 1.2 authorization trailer for @h with continueAuthSession @cont. */
#define TPM12_TRAILER(h, cont)	PC_BE32(h), PC_ZERO20, cont, PC_ZERO20

static const struct handle_case handle_cases[] = {
	{ "tpm2 CreatePrimary's transient handle is created", PC_TPM2, 1,
	  TPM2_CMD_AUTH(0x131, PC_BE32(0x40000001), TPM2_PW_AUTH),
	  TPM2_RSP(0, PC_BE32(0x80000001)), 0, TPM_HANDLE_TPM2, 0x80000001,
	  0, 0, 0 },
	{ "tpm2 Load that failed creates nothing", PC_TPM2, 1,
	  TPM2_CMD_AUTH(0x157, PC_BE32(0x80000000), TPM2_PW_AUTH),
	  TPM2_RSP(0x18B, PC_BE32(0x80000001)), 0, TPM_HANDLE_TPM2, 0,
	  0, 0, 0 },
	{ "tpm2 StartAuthSession's policy session is created", PC_TPM2, 2,
	  TPM2_CMD(0x176, PC_BE32(0x40000007), PC_BE32(0x40000007)),
	  TPM2_RSP(0, PC_BE32(0x03000000)), 0, TPM_HANDLE_TPM2, 0x03000000,
	  0, 0, 0 },
	{ "tpm2 a persistent handle in an answer is never tracked", PC_TPM2, 0,
	  TPM2_CMD(0x161), TPM2_RSP(0, PC_BE32(0x81010001)), 0,
	  TPM_HANDLE_TPM2, 0, 0, 0, 0 },
	{ "tpm2 an answer cut before its handle creates nothing", PC_TPM2, 0,
	  TPM2_CMD(0x167), TPM2_RSP(0, 0x80, 0), 0, TPM_HANDLE_TPM2, 0,
	  0, 0, 0 },
	{ "tpm2 FlushContext ends its handle", PC_TPM2, 0,
	  TPM2_CMD(0x165, PC_BE32(0x80000002)), TPM2_RSP(0), 0, 0, 0,
	  1, 0x80000002, TPM_HANDLE_TPM2 },
	{ "tpm2 FlushContext without its handle", PC_TPM2, 0,
	  TPM2_CMD(0x165, 0x80), TPM2_RSP(0), -EINVAL, 0, 0, 0, 0, 0 },
	{ "tpm2 HashSequenceStart's sequence object is created", PC_TPM2, 0,
	  TPM2_CMD(0x186, PC_BE16(0), PC_BE16(0x000B)),
	  TPM2_RSP(0, PC_BE32(0x80000003)), 0, TPM_HANDLE_TPM2, 0x80000003,
	  0, 0, 0 },
	{ "tpm2 HMAC_Start's sequence object is created", PC_TPM2, 1,
	  TPM2_CMD_AUTH(0x15B, PC_BE32(0x80000001), TPM2_PW_AUTH),
	  TPM2_RSP(0, PC_BE32(0x80000004)), 0, TPM_HANDLE_TPM2, 0x80000004,
	  0, 0, 0 },
	{ "tpm2 SequenceComplete ends its sequence object", PC_TPM2, 1,
	  TPM2_CMD_AUTH(0x13E, PC_BE32(0x80000003), TPM2_PW_AUTH),
	  TPM2_RSP(0), 0, 0, 0, 1, 0x80000003, TPM_HANDLE_TPM2 },
	{ "tpm2 EventSequenceComplete ends its sequence, not the PCR", PC_TPM2,
	  2,
	  TPM2_CMD_AUTH(0x185, PC_BE32(0x00000010), PC_BE32(0x80000003),
			TPM2_PW_AUTH),
	  TPM2_RSP(0), 0, 0, 0, 1, 0x80000003, TPM_HANDLE_TPM2 },
	{ "tpm2 SequenceComplete without its handle", PC_TPM2, 1,
	  TPM2_CMD(0x13E, 0x80), TPM2_RSP(0), -EINVAL, 0, 0, 0, 0, 0 },
	{ "tpm2 EventSequenceComplete without its sequence handle", PC_TPM2, 2,
	  TPM2_CMD(0x185, PC_BE32(0x00000010)), TPM2_RSP(0), -EINVAL, 0, 0, 0,
	  0, 0 },
	{ "tpm2 a session without continueSession ends", PC_TPM2, 1,
	  TPM2_CMD_AUTH(0x158, PC_BE32(0x80000001), PC_BE32(9),
			TPM2_SESSION(0x02000000, 0)),
	  TPM2_RSP(0), 0, 0, 0, 1, 0x02000000, TPM_HANDLE_TPM2 },
	{ "tpm2 a session with continueSession goes on", PC_TPM2, 1,
	  TPM2_CMD_AUTH(0x158, PC_BE32(0x80000001), PC_BE32(9),
			TPM2_SESSION(0x02000000, 1)),
	  TPM2_RSP(0), 0, 0, 0, 0, 0, 0 },
	{ "tpm2 the password session is no handle to end", PC_TPM2, 1,
	  TPM2_CMD_AUTH(0x158, PC_BE32(0x80000001), PC_BE32(9),
			TPM2_SESSION(0x40000009, 0)),
	  TPM2_RSP(0), 0, 0, 0, 0, 0, 0 },
	{ "tpm2 a command the TPM does not list: sessions unread", PC_TPM2, -1,
	  TPM2_CMD_AUTH(0x158, PC_BE32(0x80000001), PC_BE32(9),
			TPM2_SESSION(0x02000000, 0)),
	  TPM2_RSP(0), 0, 0, 0, 0, 0, 0 },
	{ "tpm2 an authorization area larger than the command", PC_TPM2, 1,
	  TPM2_CMD_AUTH(0x158, PC_BE32(0x80000001), PC_BE32(10),
			TPM2_SESSION(0x02000000, 0)),
	  TPM2_RSP(0), -EINVAL, 0, 0, 0, 0, 0 },
	{ "tpm2 a session whose nonce runs past its area", PC_TPM2, 1,
	  TPM2_CMD_AUTH(0x158, PC_BE32(0x80000001), PC_BE32(9),
			PC_BE32(0x02000000), PC_BE16(9), 0, PC_BE16(0)),
	  TPM2_RSP(0), -EINVAL, 0, 0, 0, 0, 0 },
	{ "tpm12 OIAP's auth session is created", PC_TPM12, -1,
	  TPM12_CMD(0x0A), TPM12_RSP(0, PC_BE32(0x01000005), PC_ZERO20), 0,
	  TPM_HANDLE_TPM12_AUTH, 0x01000005, 0, 0, 0 },
	{ "tpm12 DSAP's auth session is created", PC_TPM12, -1,
	  TPM12_CMD(0x11),
	  TPM12_RSP(0, PC_BE32(0x01000007), PC_ZERO20, PC_ZERO20), 0,
	  TPM_HANDLE_TPM12_AUTH, 0x01000007, 0, 0, 0 },
	{ "tpm12 LoadKey2's key is created", PC_TPM12, -1,
	  TPM12_CMD(0x41, PC_BE32(0x40000000)),
	  TPM12_RSP(0, PC_BE32(0x0A000001)), 0, TPM_HANDLE_TPM12_KEY,
	  0x0A000001, 0, 0, 0 },
	{ "tpm12 FlushSpecific of a key ends it", PC_TPM12, -1,
	  TPM12_CMD(0xBA, PC_BE32(0x0A000001), PC_BE32(1)), TPM12_RSP(0), 0,
	  0, 0, 1, 0x0A000001, TPM_HANDLE_TPM12_KEY },
	{ "tpm12 FlushSpecific of an auth session ends it", PC_TPM12, -1,
	  TPM12_CMD(0xBA, PC_BE32(0x01000005), PC_BE32(2)), TPM12_RSP(0), 0,
	  0, 0, 1, 0x01000005, TPM_HANDLE_TPM12_AUTH },
	{ "tpm12 an auth1 command without continueAuthSession ends it",
	  PC_TPM12, -1,
	  PC_CMD(TPM12_TAG_RQU_AUTH1_COMMAND, 0x14, PC_BE32(23),
		 TPM12_TRAILER(0x01000006, 0)),
	  TPM12_RSP(0), 0, 0, 0, 1, 0x01000006, TPM_HANDLE_TPM12_AUTH },
	{ "tpm12 an auth1 command continuing its session", PC_TPM12, -1,
	  PC_CMD(TPM12_TAG_RQU_AUTH1_COMMAND, 0x14, PC_BE32(23),
		 TPM12_TRAILER(0x01000006, 1)),
	  TPM12_RSP(0), 0, 0, 0, 0, 0, 0 },
	{ "tpm12 an auth2 command too short for two trailers", PC_TPM12, -1,
	  PC_CMD(TPM12_TAG_RQU_AUTH2_COMMAND, 0x14,
		 TPM12_TRAILER(0x01000006, 1)),
	  TPM12_RSP(0), -EINVAL, 0, 0, 0, 0, 0 },
};

#define PC_VECTOR_COUNT (ARRAY_SIZE(policy_cases) + \
			 ARRAY_SIZE(handle_cases) + \
			 ARRAY_SIZE(cmd_name_cases) + \
			 ARRAY_SIZE(rc_cases) + \
			 ARRAY_SIZE(rsp_cases) + \
			 ARRAY_SIZE(policy_parse_cases) + \
			 ARRAY_SIZE(policy_level_cases) + \
			 ARRAY_SIZE(abi_structs))

#endif /* XENMB_TESTS_POLICY_CASES_H */
