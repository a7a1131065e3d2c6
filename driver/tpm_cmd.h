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

/*
 * TPM 1.2 ordinals (TPM Main part 2, 17; TSC_ORD_*: part 2, 17.1), the one
 * definition for the module, the helper and the tests; the names table of
 * tpm_cmd.c is built from them.
 */
#define TPM12_ORD_OIAP				0x0000000A
#define TPM12_ORD_OSAP				0x0000000B
#define TPM12_ORD_TAKE_OWNERSHIP		0x0000000D
#define TPM12_ORD_EXTEND			0x00000014
#define TPM12_ORD_PCR_READ			0x00000015
#define TPM12_ORD_QUOTE				0x00000016
#define TPM12_ORD_SEAL				0x00000017
#define TPM12_ORD_UNSEAL			0x00000018
#define TPM12_ORD_CREATE_WRAP_KEY		0x0000001F
#define TPM12_ORD_GET_PUB_KEY			0x00000021
#define TPM12_ORD_SIGN				0x0000003C
#define TPM12_ORD_QUOTE2			0x0000003E
#define TPM12_ORD_LOAD_KEY2			0x00000041
#define TPM12_ORD_GET_RANDOM			0x00000046
#define TPM12_ORD_STIR_RANDOM			0x00000047
#define TPM12_ORD_SELF_TEST_FULL		0x00000050
#define TPM12_ORD_CONTINUE_SELF_TEST		0x00000053
#define TPM12_ORD_GET_TEST_RESULT		0x00000054
#define TPM12_ORD_OWNER_CLEAR			0x0000005B
#define TPM12_ORD_FORCE_CLEAR			0x0000005D
#define TPM12_ORD_GET_CAPABILITY		0x00000065
#define TPM12_ORD_OWNER_SET_DISABLE		0x0000006E
#define TPM12_ORD_PHYSICAL_ENABLE		0x0000006F
#define TPM12_ORD_PHYSICAL_DISABLE		0x00000070
#define TPM12_ORD_SET_OWNER_INSTALL		0x00000071
#define TPM12_ORD_PHYSICAL_SET_DEACTIVATED	0x00000072
#define TPM12_ORD_CREATE_ENDORSEMENT_KEY_PAIR	0x00000078
#define TPM12_ORD_MAKE_IDENTITY			0x00000079
#define TPM12_ORD_ACTIVATE_IDENTITY		0x0000007A
#define TPM12_ORD_READ_PUBEK			0x0000007C
#define TPM12_ORD_OWNER_READ_PUBEK		0x0000007D
#define TPM12_ORD_SAVE_STATE			0x00000098
#define TPM12_ORD_STARTUP			0x00000099
#define TPM12_ORD_SHA1_START			0x000000A0
#define TPM12_ORD_SHA1_UPDATE			0x000000A1
#define TPM12_ORD_SHA1_COMPLETE			0x000000A2
#define TPM12_ORD_SHA1_COMPLETE_EXTEND		0x000000A3
#define TPM12_ORD_FLUSH_SPECIFIC		0x000000BA
#define TPM12_ORD_PCR_RESET			0x000000C8
#define TPM12_ORD_NV_DEFINE_SPACE		0x000000CC
#define TPM12_ORD_NV_WRITE_VALUE		0x000000CD
#define TPM12_ORD_NV_WRITE_VALUE_AUTH		0x000000CE
#define TPM12_ORD_NV_READ_VALUE			0x000000CF
#define TPM12_ORD_NV_READ_VALUE_AUTH		0x000000D0
#define TPM12_ORD_GET_TICKS			0x000000F1
#define TPM12_TSC_ORD_PHYSICAL_PRESENCE		0x4000000A
#define TPM12_TSC_ORD_RESET_ESTABLISHMENT_BIT	0x4000000B
/* Ordinals the module tracks handles of; not in the names table. */
#define TPM12_ORD_DSAP				0x00000011
#define TPM12_ORD_TERMINATE_HANDLE		0x00000096

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

/* TPM 2.0 return codes the tests and the helper name. */
#define TPM2_RESP_SUCCESS		0x000
#define TPM2_RESP_LOCALITY	0x907

/*
 * TPM 1.2 return codes (TPM Main part 2, 16), the one definition; the
 * names table of tpm_cmd.c is built from them.
 */
#define TPM12_RC_SUCCESS			0x000
#define TPM12_RC_AUTHFAIL			0x001
#define TPM12_RC_BADINDEX			0x002
#define TPM12_RC_BAD_PARAMETER			0x003
#define TPM12_RC_CLEAR_DISABLED			0x005
#define TPM12_RC_DEACTIVATED			0x006
#define TPM12_RC_DISABLED			0x007
#define TPM12_RC_DISABLED_CMD			0x008
#define TPM12_RC_FAIL				0x009
#define TPM12_RC_BAD_ORDINAL			0x00A
#define TPM12_RC_INVALID_KEYHANDLE		0x00C
#define TPM12_RC_KEYNOTFOUND			0x00D
#define TPM12_RC_INVALID_PCR_INFO		0x010
#define TPM12_RC_NOSPACE			0x011
#define TPM12_RC_NOSRK				0x012
#define TPM12_RC_OWNER_SET			0x014
#define TPM12_RC_RESOURCES			0x015
#define TPM12_RC_SIZE				0x017
#define TPM12_RC_WRONGPCRVAL			0x018
#define TPM12_RC_BAD_PARAM_SIZE			0x019
#define TPM12_RC_AUTH2FAIL			0x01D
#define TPM12_RC_BADTAG				0x01E
#define TPM12_RC_IOERROR			0x01F
#define TPM12_RC_INVALID_AUTHHANDLE		0x022
#define TPM12_RC_NO_ENDORSEMENT			0x023
#define TPM12_RC_INVALID_POSTINIT		0x026
#define TPM12_RC_NOTRESETABLE			0x032
#define TPM12_RC_NOTLOCAL			0x033
#define TPM12_RC_AUTH_CONFLICT			0x03B
#define TPM12_RC_AREA_LOCKED			0x03C
#define TPM12_RC_BAD_LOCALITY			0x03D
#define TPM12_RC_READ_ONLY			0x03E
#define TPM12_RC_PER_NOWRITE			0x03F
#define TPM12_RC_WRITE_LOCKED			0x041
#define TPM12_RC_BAD_ATTRIBUTES			0x042
#define TPM12_RC_INVALID_STRUCTURE		0x043
#define TPM12_RC_NOT_FULLWRITE			0x046
#define TPM12_RC_MAXNVWRITES			0x048
#define TPM12_RC_BAD_HANDLE			0x058
#define TPM12_RC_RETRY				0x800
#define TPM12_RC_NEEDS_SELFTEST			0x801
#define TPM12_RC_DOING_SELFTEST			0x802
#define TPM12_RC_DEFEND_LOCK_RUNNING		0x803
/* Return codes the helper explains; not in the names table. */
#define TPM12_RC_DECRYPT_ERROR			0x021
#define TPM12_RC_BAD_PRESENCE			0x02D

/* FlushSpecific resource types (TPM Main part 2, 4.1). */
#define TPM12_RT_KEY				0x00000001
#define TPM12_RT_AUTH				0x00000002

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
int xenmb_tpm_cmd_parse_header(u32 family, const u8 *buf, u32 len,
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
int xenmb_tpm_rsp_parse_header(u32 family, const u8 *buf, u32 len,
			       struct tpm_rsp_header *hdr);

/*
 * xenmb_tpm_rsp_parse_header(), and whether the response can answer a request
 * tagged @cmd_tag. TPM 2.0 is stricter (Part 1, "Response
 * Structure"): a success carries the request's tag, an error is a bare
 * header tagged TPM_ST_NO_SESSIONS, and a success with sessions must end
 * exactly where its sessions area does. Returns 0 or -EBADMSG.
 */
int xenmb_tpm_rsp_check_header(u32 family, u16 cmd_tag, const u8 *buf, u32 len);

/* "1.2", "2.0", or "none" for XENMB_TPM_FAMILY_NONE and unknown values. */
const char *xenmb_tpm_family_name(u32 family);

/* "TPM2_PCR_Extend", "TPM_ORD_Extend" ...; NULL when unknown. */
const char *xenmb_tpm_cmd_name(u32 family, u32 code);

/*
 * Writes a readable name of a TPM return code into @out, e.g.
 * "TPM_RC_LOCALITY", "TPM_RC_VALUE (parameter 1)", "TPM_BAD_LOCALITY",
 * or "TPM_RC 0x123" when unknown. Returns @out.
 */
const char *xenmb_tpm_rc_describe(u32 family, u32 rc, char *out, size_t size);

#endif /* XENMB_TPM_CMD_H */
