// SPDX-License-Identifier: GPL-2.0
/*
 * TPM command headers and names. Pure code: see compat.h.
 *
 * The tables hold the commands a dom0 attestation stack meets; an unknown
 * code is printed in hex, never refused for being unknown here (refusing is
 * policy.c's business).
 */
#include "tpm_cmd.h"
#include "../uapi/linux/xenmb.h"

struct tpm_code_name {
	u32 code;
	const char *name;
};

static const struct tpm_code_name tpm2_commands[] = {
	{ 0x11F, "TPM2_NV_UndefineSpaceSpecial" },
	{ 0x120, "TPM2_EvictControl" },
	{ 0x121, "TPM2_HierarchyControl" },
	{ 0x122, "TPM2_NV_UndefineSpace" },
	{ 0x126, "TPM2_Clear" },
	{ 0x127, "TPM2_ClearControl" },
	{ 0x129, "TPM2_HierarchyChangeAuth" },
	{ 0x12A, "TPM2_NV_DefineSpace" },
	{ 0x12B, "TPM2_PCR_Allocate" },
	{ 0x131, "TPM2_CreatePrimary" },
	{ 0x134, "TPM2_NV_Increment" },
	{ 0x135, "TPM2_NV_SetBits" },
	{ 0x136, "TPM2_NV_Extend" },
	{ 0x137, "TPM2_NV_Write" },
	{ 0x138, "TPM2_NV_WriteLock" },
	{ 0x139, "TPM2_DictionaryAttackLockReset" },
	{ 0x13A, "TPM2_DictionaryAttackParameters" },
	{ 0x13B, "TPM2_NV_ChangeAuth" },
	{ 0x13C, "TPM2_PCR_Event" },
	{ 0x13D, "TPM2_PCR_Reset" },
	{ 0x13E, "TPM2_SequenceComplete" },
	{ 0x142, "TPM2_IncrementalSelfTest" },
	{ 0x143, "TPM2_SelfTest" },
	{ 0x144, "TPM2_Startup" },
	{ 0x145, "TPM2_Shutdown" },
	{ 0x146, "TPM2_StirRandom" },
	{ 0x147, "TPM2_ActivateCredential" },
	{ 0x148, "TPM2_Certify" },
	{ 0x149, "TPM2_PolicyNV" },
	{ 0x14C, "TPM2_GetTime" },
	{ 0x14E, "TPM2_NV_Read" },
	{ 0x14F, "TPM2_NV_ReadLock" },
	{ 0x150, "TPM2_ObjectChangeAuth" },
	{ 0x151, "TPM2_PolicySecret" },
	{ 0x153, "TPM2_Create" },
	{ 0x155, "TPM2_HMAC" },
	{ 0x156, "TPM2_Import" },
	{ 0x157, "TPM2_Load" },
	{ 0x158, "TPM2_Quote" },
	{ 0x159, "TPM2_RSA_Decrypt" },
	{ 0x15B, "TPM2_HMAC_Start" },
	{ 0x15C, "TPM2_SequenceUpdate" },
	{ 0x15D, "TPM2_Sign" },
	{ 0x15E, "TPM2_Unseal" },
	{ 0x160, "TPM2_PolicySigned" },
	{ 0x161, "TPM2_ContextLoad" },
	{ 0x162, "TPM2_ContextSave" },
	{ 0x164, "TPM2_EncryptDecrypt" },
	{ 0x165, "TPM2_FlushContext" },
	{ 0x167, "TPM2_LoadExternal" },
	{ 0x168, "TPM2_MakeCredential" },
	{ 0x169, "TPM2_NV_ReadPublic" },
	{ 0x16B, "TPM2_PolicyAuthValue" },
	{ 0x16C, "TPM2_PolicyCommandCode" },
	{ 0x16F, "TPM2_PolicyLocality" },
	{ 0x171, "TPM2_PolicyOR" },
	{ 0x173, "TPM2_ReadPublic" },
	{ 0x174, "TPM2_RSA_Encrypt" },
	{ 0x176, "TPM2_StartAuthSession" },
	{ 0x177, "TPM2_VerifySignature" },
	{ 0x17A, "TPM2_GetCapability" },
	{ 0x17B, "TPM2_GetRandom" },
	{ 0x17C, "TPM2_GetTestResult" },
	{ 0x17D, "TPM2_Hash" },
	{ 0x17E, "TPM2_PCR_Read" },
	{ 0x17F, "TPM2_PolicyPCR" },
	{ 0x180, "TPM2_PolicyRestart" },
	{ 0x181, "TPM2_ReadClock" },
	{ 0x182, "TPM2_PCR_Extend" },
	{ 0x185, "TPM2_EventSequenceComplete" },
	{ 0x186, "TPM2_HashSequenceStart" },
	{ 0x189, "TPM2_PolicyGetDigest" },
	{ 0x18A, "TPM2_TestParms" },
	{ 0x191, "TPM2_CreateLoaded" },
};

static const struct tpm_code_name tpm12_commands[] = {
	{ TPM12_ORD_OIAP, "TPM_ORD_OIAP" },
	{ TPM12_ORD_OSAP, "TPM_ORD_OSAP" },
	{ TPM12_ORD_TAKE_OWNERSHIP, "TPM_ORD_TakeOwnership" },
	{ TPM12_ORD_EXTEND, "TPM_ORD_Extend" },
	{ TPM12_ORD_PCR_READ, "TPM_ORD_PcrRead" },
	{ TPM12_ORD_QUOTE, "TPM_ORD_Quote" },
	{ TPM12_ORD_SEAL, "TPM_ORD_Seal" },
	{ TPM12_ORD_UNSEAL, "TPM_ORD_Unseal" },
	{ TPM12_ORD_CREATE_WRAP_KEY, "TPM_ORD_CreateWrapKey" },
	{ TPM12_ORD_GET_PUB_KEY, "TPM_ORD_GetPubKey" },
	{ TPM12_ORD_SIGN, "TPM_ORD_Sign" },
	{ TPM12_ORD_QUOTE2, "TPM_ORD_Quote2" },
	{ TPM12_ORD_LOAD_KEY2, "TPM_ORD_LoadKey2" },
	{ TPM12_ORD_GET_RANDOM, "TPM_ORD_GetRandom" },
	{ TPM12_ORD_STIR_RANDOM, "TPM_ORD_StirRandom" },
	{ TPM12_ORD_SELF_TEST_FULL, "TPM_ORD_SelfTestFull" },
	{ TPM12_ORD_CONTINUE_SELF_TEST, "TPM_ORD_ContinueSelfTest" },
	{ TPM12_ORD_GET_TEST_RESULT, "TPM_ORD_GetTestResult" },
	{ TPM12_ORD_OWNER_CLEAR, "TPM_ORD_OwnerClear" },
	{ TPM12_ORD_FORCE_CLEAR, "TPM_ORD_ForceClear" },
	{ TPM12_ORD_GET_CAPABILITY, "TPM_ORD_GetCapability" },
	{ TPM12_ORD_OWNER_SET_DISABLE, "TPM_ORD_OwnerSetDisable" },
	{ TPM12_ORD_PHYSICAL_ENABLE, "TPM_ORD_PhysicalEnable" },
	{ TPM12_ORD_PHYSICAL_DISABLE, "TPM_ORD_PhysicalDisable" },
	{ TPM12_ORD_SET_OWNER_INSTALL, "TPM_ORD_SetOwnerInstall" },
	{ TPM12_ORD_PHYSICAL_SET_DEACTIVATED, "TPM_ORD_PhysicalSetDeactivated" },
	{ TPM12_ORD_CREATE_ENDORSEMENT_KEY_PAIR, "TPM_ORD_CreateEndorsementKeyPair" },
	{ TPM12_ORD_MAKE_IDENTITY, "TPM_ORD_MakeIdentity" },
	{ TPM12_ORD_ACTIVATE_IDENTITY, "TPM_ORD_ActivateIdentity" },
	{ TPM12_ORD_READ_PUBEK, "TPM_ORD_ReadPubek" },
	{ TPM12_ORD_OWNER_READ_PUBEK, "TPM_ORD_OwnerReadPubek" },
	{ TPM12_ORD_SAVE_STATE, "TPM_ORD_SaveState" },
	{ TPM12_ORD_STARTUP, "TPM_ORD_Startup" },
	{ TPM12_ORD_SHA1_START, "TPM_ORD_SHA1Start" },
	{ TPM12_ORD_SHA1_UPDATE, "TPM_ORD_SHA1Update" },
	{ TPM12_ORD_SHA1_COMPLETE, "TPM_ORD_SHA1Complete" },
	{ TPM12_ORD_SHA1_COMPLETE_EXTEND, "TPM_ORD_SHA1CompleteExtend" },
	{ TPM12_ORD_FLUSH_SPECIFIC, "TPM_ORD_FlushSpecific" },
	{ TPM12_ORD_PCR_RESET, "TPM_ORD_PCR_Reset" },
	{ TPM12_ORD_NV_DEFINE_SPACE, "TPM_ORD_NV_DefineSpace" },
	{ TPM12_ORD_NV_WRITE_VALUE, "TPM_ORD_NV_WriteValue" },
	{ TPM12_ORD_NV_WRITE_VALUE_AUTH, "TPM_ORD_NV_WriteValueAuth" },
	{ TPM12_ORD_NV_READ_VALUE, "TPM_ORD_NV_ReadValue" },
	{ TPM12_ORD_NV_READ_VALUE_AUTH, "TPM_ORD_NV_ReadValueAuth" },
	{ TPM12_ORD_GET_TICKS, "TPM_ORD_GetTicks" },
	{ TPM12_TSC_ORD_PHYSICAL_PRESENCE, "TSC_ORD_PhysicalPresence" },
	{ TPM12_TSC_ORD_RESET_ESTABLISHMENT_BIT, "TSC_ORD_ResetEstablishmentBit" },
};

/* TPM 2.0 format-zero codes: version-1 errors (0x1xx) and warnings (0x9xx). */
static const struct tpm_code_name tpm2_rc_fmt0[] = {
	{ 0x000, "TPM_RC_SUCCESS" },
	{ 0x01E, "TPM_RC_BAD_TAG" },
	{ 0x100, "TPM_RC_INITIALIZE" },
	{ 0x101, "TPM_RC_FAILURE" },
	{ 0x103, "TPM_RC_SEQUENCE" },
	{ 0x10B, "TPM_RC_PRIVATE" },
	{ 0x119, "TPM_RC_HMAC" },
	{ 0x120, "TPM_RC_DISABLED" },
	{ 0x121, "TPM_RC_EXCLUSIVE" },
	{ 0x124, "TPM_RC_AUTH_TYPE" },
	{ 0x125, "TPM_RC_AUTH_MISSING" },
	{ 0x126, "TPM_RC_POLICY" },
	{ 0x127, "TPM_RC_PCR" },
	{ 0x128, "TPM_RC_PCR_CHANGED" },
	{ 0x12D, "TPM_RC_UPGRADE" },
	{ 0x12E, "TPM_RC_TOO_MANY_CONTEXTS" },
	{ 0x12F, "TPM_RC_AUTH_UNAVAILABLE" },
	{ 0x130, "TPM_RC_REBOOT" },
	{ 0x131, "TPM_RC_UNBALANCED" },
	{ 0x142, "TPM_RC_COMMAND_SIZE" },
	{ 0x143, "TPM_RC_COMMAND_CODE" },
	{ 0x144, "TPM_RC_AUTHSIZE" },
	{ 0x145, "TPM_RC_AUTH_CONTEXT" },
	{ 0x146, "TPM_RC_NV_RANGE" },
	{ 0x147, "TPM_RC_NV_SIZE" },
	{ 0x148, "TPM_RC_NV_LOCKED" },
	{ 0x149, "TPM_RC_NV_AUTHORIZATION" },
	{ 0x14A, "TPM_RC_NV_UNINITIALIZED" },
	{ 0x14B, "TPM_RC_NV_SPACE" },
	{ 0x14C, "TPM_RC_NV_DEFINED" },
	{ 0x150, "TPM_RC_BAD_CONTEXT" },
	{ 0x151, "TPM_RC_CPHASH" },
	{ 0x152, "TPM_RC_PARENT" },
	{ 0x153, "TPM_RC_NEEDS_TEST" },
	{ 0x154, "TPM_RC_NO_RESULT" },
	{ 0x155, "TPM_RC_SENSITIVE" },
	{ 0x901, "TPM_RC_CONTEXT_GAP" },
	{ 0x902, "TPM_RC_OBJECT_MEMORY" },
	{ 0x903, "TPM_RC_SESSION_MEMORY" },
	{ 0x904, "TPM_RC_MEMORY" },
	{ 0x905, "TPM_RC_SESSION_HANDLES" },
	{ 0x906, "TPM_RC_OBJECT_HANDLES" },
	{ 0x907, "TPM_RC_LOCALITY" },
	{ 0x908, "TPM_RC_YIELDED" },
	{ 0x909, "TPM_RC_CANCELED" },
	{ 0x90A, "TPM_RC_TESTING" },
	{ 0x920, "TPM_RC_NV_RATE" },
	{ 0x921, "TPM_RC_LOCKOUT" },
	{ 0x922, "TPM_RC_RETRY" },
	{ 0x923, "TPM_RC_NV_UNAVAILABLE" },
};

/* TPM 2.0 format-one codes (bit 7 set), without the location bits. */
static const struct tpm_code_name tpm2_rc_fmt1[] = {
	{ 0x081, "TPM_RC_ASYMMETRIC" },
	{ 0x082, "TPM_RC_ATTRIBUTES" },
	{ 0x083, "TPM_RC_HASH" },
	{ 0x084, "TPM_RC_VALUE" },
	{ 0x085, "TPM_RC_HIERARCHY" },
	{ 0x087, "TPM_RC_KEY_SIZE" },
	{ 0x088, "TPM_RC_MGF" },
	{ 0x089, "TPM_RC_MODE" },
	{ 0x08A, "TPM_RC_TYPE" },
	{ 0x08B, "TPM_RC_HANDLE" },
	{ 0x08C, "TPM_RC_KDF" },
	{ 0x08D, "TPM_RC_RANGE" },
	{ 0x08E, "TPM_RC_AUTH_FAIL" },
	{ 0x08F, "TPM_RC_NONCE" },
	{ 0x090, "TPM_RC_PP" },
	{ 0x092, "TPM_RC_SCHEME" },
	{ 0x095, "TPM_RC_SIZE" },
	{ 0x096, "TPM_RC_SYMMETRIC" },
	{ 0x097, "TPM_RC_TAG" },
	{ 0x098, "TPM_RC_SELECTOR" },
	{ 0x09A, "TPM_RC_INSUFFICIENT" },
	{ 0x09B, "TPM_RC_SIGNATURE" },
	{ 0x09C, "TPM_RC_KEY" },
	{ 0x09D, "TPM_RC_POLICY_FAIL" },
	{ 0x09F, "TPM_RC_INTEGRITY" },
	{ 0x0A0, "TPM_RC_TICKET" },
	{ 0x0A1, "TPM_RC_RESERVED_BITS" },
	{ 0x0A2, "TPM_RC_BAD_AUTH" },
	{ 0x0A3, "TPM_RC_EXPIRED" },
	{ 0x0A4, "TPM_RC_POLICY_CC" },
	{ 0x0A5, "TPM_RC_BINDING" },
	{ 0x0A6, "TPM_RC_CURVE" },
	{ 0x0A7, "TPM_RC_ECC_POINT" },
};

static const struct tpm_code_name tpm12_rcs[] = {
	{ TPM12_RC_SUCCESS, "TPM_SUCCESS" },
	{ TPM12_RC_AUTHFAIL, "TPM_AUTHFAIL" },
	{ TPM12_RC_BADINDEX, "TPM_BADINDEX" },
	{ TPM12_RC_BAD_PARAMETER, "TPM_BAD_PARAMETER" },
	{ TPM12_RC_CLEAR_DISABLED, "TPM_CLEAR_DISABLED" },
	{ TPM12_RC_DEACTIVATED, "TPM_DEACTIVATED" },
	{ TPM12_RC_DISABLED, "TPM_DISABLED" },
	{ TPM12_RC_DISABLED_CMD, "TPM_DISABLED_CMD" },
	{ TPM12_RC_FAIL, "TPM_FAIL" },
	{ TPM12_RC_BAD_ORDINAL, "TPM_BAD_ORDINAL" },
	{ TPM12_RC_INVALID_KEYHANDLE, "TPM_INVALID_KEYHANDLE" },
	{ TPM12_RC_KEYNOTFOUND, "TPM_KEYNOTFOUND" },
	{ TPM12_RC_INVALID_PCR_INFO, "TPM_INVALID_PCR_INFO" },
	{ TPM12_RC_NOSPACE, "TPM_NOSPACE" },
	{ TPM12_RC_NOSRK, "TPM_NOSRK" },
	{ TPM12_RC_OWNER_SET, "TPM_OWNER_SET" },
	{ TPM12_RC_RESOURCES, "TPM_RESOURCES" },
	{ TPM12_RC_SIZE, "TPM_SIZE" },
	{ TPM12_RC_WRONGPCRVAL, "TPM_WRONGPCRVAL" },
	{ TPM12_RC_BAD_PARAM_SIZE, "TPM_BAD_PARAM_SIZE" },
	{ TPM12_RC_AUTH2FAIL, "TPM_AUTH2FAIL" },
	{ TPM12_RC_BADTAG, "TPM_BADTAG" },
	{ TPM12_RC_IOERROR, "TPM_IOERROR" },
	{ TPM12_RC_INVALID_AUTHHANDLE, "TPM_INVALID_AUTHHANDLE" },
	{ TPM12_RC_NO_ENDORSEMENT, "TPM_NO_ENDORSEMENT" },
	{ TPM12_RC_INVALID_POSTINIT, "TPM_INVALID_POSTINIT" },
	{ TPM12_RC_NOTRESETABLE, "TPM_NOTRESETABLE" },
	{ TPM12_RC_NOTLOCAL, "TPM_NOTLOCAL" },
	{ TPM12_RC_AUTH_CONFLICT, "TPM_AUTH_CONFLICT" },
	{ TPM12_RC_AREA_LOCKED, "TPM_AREA_LOCKED" },
	{ TPM12_RC_BAD_LOCALITY, "TPM_BAD_LOCALITY" },
	{ TPM12_RC_READ_ONLY, "TPM_READ_ONLY" },
	{ TPM12_RC_PER_NOWRITE, "TPM_PER_NOWRITE" },
	{ TPM12_RC_WRITE_LOCKED, "TPM_WRITE_LOCKED" },
	{ TPM12_RC_BAD_ATTRIBUTES, "TPM_BAD_ATTRIBUTES" },
	{ TPM12_RC_INVALID_STRUCTURE, "TPM_INVALID_STRUCTURE" },
	{ TPM12_RC_NOT_FULLWRITE, "TPM_NOT_FULLWRITE" },
	{ TPM12_RC_MAXNVWRITES, "TPM_MAXNVWRITES" },
	{ TPM12_RC_BAD_HANDLE, "TPM_BAD_HANDLE" },
	{ TPM12_RC_RETRY, "TPM_RETRY" },
	{ TPM12_RC_NEEDS_SELFTEST, "TPM_NEEDS_SELFTEST" },
	{ TPM12_RC_DOING_SELFTEST, "TPM_DOING_SELFTEST" },
	{ TPM12_RC_DEFEND_LOCK_RUNNING, "TPM_DEFEND_LOCK_RUNNING" },
};

static const char *tpm_code_lookup(const struct tpm_code_name *table,
				   size_t count, u32 code)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (table[i].code == code)
			return table[i].name;
	return NULL;
}

int xenmb_tpm_cmd_parse_header(u32 family, const u8 *buf, u32 len,
			       struct tpm_cmd_header *hdr)
{
	if (len < TPM_HEADER_LEN || len > XENMB_TPM_BUF_MAX)
		return -EINVAL;

	hdr->tag = xenmb_get_be16(buf);
	hdr->length = xenmb_get_be32(buf + 2);
	hdr->code = xenmb_get_be32(buf + 6);
	if (hdr->length != len)
		return -EINVAL;

	switch (family) {
	case XENMB_TPM_FAMILY_2_0:
		if (hdr->tag != TPM2_TAG_NO_SESSIONS &&
		    hdr->tag != TPM2_TAG_SESSIONS)
			return -EINVAL;
		return 0;
	case XENMB_TPM_FAMILY_1_2:
		if (hdr->tag != TPM12_TAG_RQU_COMMAND &&
		    hdr->tag != TPM12_TAG_RQU_AUTH1_COMMAND &&
		    hdr->tag != TPM12_TAG_RQU_AUTH2_COMMAND)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

int xenmb_tpm_rsp_parse_header(u32 family, const u8 *buf, u32 len,
			       struct tpm_rsp_header *hdr)
{
	if (len < TPM_HEADER_LEN || len > XENMB_TPM_BUF_MAX)
		return -EBADMSG;

	hdr->tag = xenmb_get_be16(buf);
	hdr->length = xenmb_get_be32(buf + 2);
	hdr->rc = xenmb_get_be32(buf + 6);
	if (hdr->length != len)
		return -EBADMSG;

	switch (family) {
	case XENMB_TPM_FAMILY_2_0:
		if (hdr->tag != TPM2_TAG_NO_SESSIONS &&
		    hdr->tag != TPM2_TAG_SESSIONS &&
		    hdr->tag != TPM12_TAG_RSP_COMMAND)
			return -EBADMSG;
		return 0;
	case XENMB_TPM_FAMILY_1_2:
		if (hdr->tag != TPM12_TAG_RSP_COMMAND &&
		    hdr->tag != TPM12_TAG_RSP_AUTH1_COMMAND &&
		    hdr->tag != TPM12_TAG_RSP_AUTH2_COMMAND)
			return -EBADMSG;
		return 0;
	default:
		return -EBADMSG;
	}
}

/*
 * A TPM 2.0 response's sessions area: one to three TPMS_AUTH_RESPONSE
 * (nonce, attributes, hmac) from @off to exactly @end.
 */
static bool tpm2_auth_area_exact(const u8 *buf, u32 off, u32 end)
{
	u32 n, size;

	for (n = 0; n < 3 && off < end; n++) {
		if (end - off < 2)
			return false;
		size = xenmb_get_be16(buf + off);
		off += 2;
		if (end - off < size + 1)	/* the nonce and the attributes */
			return false;
		off += size + 1;
		if (end - off < 2)
			return false;
		size = xenmb_get_be16(buf + off);
		off += 2;
		if (end - off < size)
			return false;
		off += size;
	}
	return n > 0 && off == end;
}

/*
 * With TPM_ST_SESSIONS, parameterSize follows the response handles (none
 * or one, Part 3) and the sessions area fills the rest: trailing or
 * missing bytes show there, whatever the command.
 */
static bool tpm2_sessions_rsp_whole(const u8 *buf, u32 len)
{
	u32 handles, off, params;

	for (handles = 0; handles <= 1; handles++) {
		off = TPM_HEADER_LEN + 4 * handles;
		if (len < off + 4)
			continue;
		params = xenmb_get_be32(buf + off);
		off += 4;
		if (params <= len - off &&
		    tpm2_auth_area_exact(buf, off + params, len))
			return true;
	}
	return false;
}

int xenmb_tpm_rsp_check_header(u32 family, u16 cmd_tag, const u8 *buf, u32 len)
{
	struct tpm_rsp_header hdr;
	int ret = xenmb_tpm_rsp_parse_header(family, buf, len, &hdr);

	if (ret || family != XENMB_TPM_FAMILY_2_0)
		return ret;
	/* An error is a bare header (tagged 1.2-style for a 1.2 request). */
	if (hdr.rc)
		return hdr.tag != TPM2_TAG_SESSIONS &&
		       len == TPM_HEADER_LEN ? 0 : -EBADMSG;
	if (hdr.tag != cmd_tag)
		return -EBADMSG;
	if (hdr.tag == TPM2_TAG_SESSIONS && !tpm2_sessions_rsp_whole(buf, len))
		return -EBADMSG;
	return 0;
}

const char *xenmb_tpm_family_name(u32 family)
{
	switch (family) {
	case XENMB_TPM_FAMILY_1_2:
		return "1.2";
	case XENMB_TPM_FAMILY_2_0:
		return "2.0";
	default:
		return "none";
	}
}

const char *xenmb_tpm_cmd_name(u32 family, u32 code)
{
	if (family == XENMB_TPM_FAMILY_2_0)
		return tpm_code_lookup(tpm2_commands,
				       ARRAY_SIZE(tpm2_commands), code);
	if (family == XENMB_TPM_FAMILY_1_2)
		return tpm_code_lookup(tpm12_commands,
				       ARRAY_SIZE(tpm12_commands), code);
	return NULL;
}

/*
 * TPM 2.0 format-one codes carry where the error is: bit 6 set means
 * parameter N (bits 8-11), otherwise handle N (bits 8-10) or, with bit 11,
 * session N.
 */
static const char *tpm2_rc_describe(u32 rc, char *out, size_t size)
{
	const char *name;
	u32 n;

	if (!(rc & 0x080)) {
		name = tpm_code_lookup(tpm2_rc_fmt0, ARRAY_SIZE(tpm2_rc_fmt0),
				       rc);
		if (name)
			snprintf(out, size, "%s", name);
		else
			snprintf(out, size, "TPM_RC 0x%03x", rc);
		return out;
	}

	name = tpm_code_lookup(tpm2_rc_fmt1, ARRAY_SIZE(tpm2_rc_fmt1),
			       rc & 0x0BF);
	if (!name || rc > 0xFFF) {
		snprintf(out, size, "TPM_RC 0x%03x", rc);
		return out;
	}
	n = (rc >> 8) & 0xF;
	if (rc & 0x040)
		snprintf(out, size, "%s (parameter %u)", name, n);
	else if (n & 0x8)
		snprintf(out, size, "%s (session %u)", name, n & 0x7);
	else if (n)
		snprintf(out, size, "%s (handle %u)", name, n);
	else
		snprintf(out, size, "%s", name);
	return out;
}

const char *xenmb_tpm_rc_describe(u32 family, u32 rc, char *out, size_t size)
{
	const char *name;

	if (family == XENMB_TPM_FAMILY_2_0)
		return tpm2_rc_describe(rc, out, size);

	name = tpm_code_lookup(tpm12_rcs, ARRAY_SIZE(tpm12_rcs), rc);
	if (name)
		snprintf(out, size, "%s", name);
	else
		snprintf(out, size, "TPM_RC 0x%x", rc);
	return out;
}
