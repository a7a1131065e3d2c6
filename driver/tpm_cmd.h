/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TPM command headers: parsing, and the names of command codes and return
 * codes for both TPM families. Pure code (see compat.h): it is built into
 * xenmb.ko, the helper and the tests.
 */
#ifndef XENMB_TPM_CMD_H
#define XENMB_TPM_CMD_H

#include "compat.h"

#define TPM_HEADER_LEN		10

/* TPM 1.2 request tags (TPM Main part 2, 6). */
#define TPM12_TAG_RQU_COMMAND		0x00C1
#define TPM12_TAG_RQU_AUTH1_COMMAND	0x00C2
#define TPM12_TAG_RQU_AUTH2_COMMAND	0x00C3

/* TPM 2.0 request tags (TPM 2.0 Library part 2, TPM_ST). */
#define TPM2_TAG_NO_SESSIONS	0x8001
#define TPM2_TAG_SESSIONS	0x8002

/*
 * Response tags. A TPM 2.0 answers a command with a TPM 1.2 tag in the
 * TPM 1.2 format, tag TPM_ST_RSP_COMMAND (TPM 2.0 Library part 1, 6.2).
 */
#define TPM12_TAG_RSP_COMMAND		0x00C4
#define TPM12_TAG_RSP_AUTH1_COMMAND	0x00C5
#define TPM12_TAG_RSP_AUTH2_COMMAND	0x00C6

/* TPM 1.2 ordinals the policy and the tests name. */
#define TPM12_ORD_EXTEND		0x00000014
#define TPM12_ORD_PCR_READ		0x00000015
#define TPM12_ORD_GET_RANDOM		0x00000046
#define TPM12_ORD_GET_CAPABILITY	0x00000065
#define TPM12_ORD_PCR_RESET		0x000000C8
#define TPM12_ORD_NV_WRITE_VALUE	0x000000CD
#define TPM12_ORD_NV_WRITE_VALUE_AUTH	0x000000CE
#define TPM12_ORD_NV_READ_VALUE		0x000000CF
#define TPM12_ORD_NV_READ_VALUE_AUTH	0x000000D0

/*
 * TPM 2.0 command codes the policy and the tests name; named apart from the
 * TPM2_CC_* enum of <linux/tpm.h>, which kernel files include too.
 */
#define TPM2_CMD_NV_WRITE	0x00000137
#define TPM2_CMD_PCR_EVENT	0x0000013C
#define TPM2_CMD_PCR_RESET	0x0000013D
#define TPM2_CMD_NV_READ		0x0000014E
#define TPM2_CMD_NV_READ_PUBLIC	0x00000169
#define TPM2_CMD_GET_CAPABILITY	0x0000017A
#define TPM2_CMD_GET_RANDOM	0x0000017B
#define TPM2_CMD_PCR_READ	0x0000017E
#define TPM2_CMD_PCR_EXTEND	0x00000182

/* Return codes the tests and the helper name. */
#define TPM2_RESP_SUCCESS		0x000
#define TPM2_RESP_LOCALITY	0x907
#define TPM12_RESP_BAD_LOCALITY	0x03D

/* The PCRs whose extend and reset are bound to localities (PTP). */
#define TPM_PCR_DRTM_FIRST	16
#define TPM_PCR_DRTM_LAST	23

struct tpm_cmd_header {
	u16 tag;
	u32 length;
	u32 code;	/* TPM 1.2 ordinal or TPM 2.0 command code */
};

/*
 * Reads and checks the 10-byte request header of @len bytes at @buf for a
 * TPM of @family (XENMB_TPM_FAMILY_*). Returns 0, or -EINVAL when the
 * buffer is shorter than a header or longer than XENMB_TPM_BUF_MAX, the
 * header's length differs from @len, or the tag is not a request tag of
 * that family.
 */
int tpm_cmd_parse_header(u32 family, const u8 *buf, u32 len,
			 struct tpm_cmd_header *hdr);

struct tpm_rsp_header {
	u16 tag;
	u32 length;
	u32 rc;		/* TPM 1.2 or TPM 2.0 return code */
};

/*
 * Reads and checks the 10-byte response header of @len bytes at @buf from a
 * TPM of @family. Returns 0, or -EBADMSG when the buffer is shorter than a
 * header or longer than XENMB_TPM_BUF_MAX, the header's length differs from
 * @len, or the tag is not a response tag of that family.
 */
int tpm_rsp_parse_header(u32 family, const u8 *buf, u32 len,
			 struct tpm_rsp_header *hdr);

/*
 * tpm_rsp_parse_header(), and whether the response can answer a request
 * tagged @cmd_tag. TPM 2.0 is stricter (Part 1, "Response
 * Structure"): a success carries the request's tag, an error is a bare
 * header tagged TPM_ST_NO_SESSIONS, and a success with sessions must end
 * exactly where its sessions area does. Returns 0 or -EBADMSG.
 */
int tpm_rsp_check_header(u32 family, u16 cmd_tag, const u8 *buf, u32 len);

/* "1.2", "2.0", or "none" for XENMB_TPM_FAMILY_NONE and unknown values. */
const char *tpm_family_name(u32 family);

/* "TPM2_PCR_Extend", "TPM_ORD_Extend" ...; NULL when unknown. */
const char *tpm_cmd_name(u32 family, u32 code);

/*
 * Writes a readable name of a TPM return code into @out, e.g.
 * "TPM_RC_LOCALITY", "TPM_RC_VALUE (parameter 1)", "TPM_BAD_LOCALITY",
 * or "TPM_RC 0x123" when unknown. Returns @out.
 */
const char *tpm_rc_describe(u32 family, u32 rc, char *out, size_t size);

#endif /* XENMB_TPM_CMD_H */
