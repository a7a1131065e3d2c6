// SPDX-License-Identifier: GPL-2.0
/*
 * The locality policy. Pure code: see compat.h.
 *
 * Localities 1-3 exist so that a DRTM and its measured environment can
 * extend PCRs nobody else can (PCR 17-22). The module hands them to root
 * processes only for the commands such software needs, so a dom0 process
 * cannot, say, seal or sign "as the DRTM".
 *
 * NV reads and writes above locality 0 are limited to the indices in an
 * allowlist fixed at module load (none by default). The TPM's own locality
 * check does not stop root: TPM 2.0 checks PolicyLocality when a session
 * authorizes, which root can build at locality 0 and then use at locality
 * 2; TPM 1.2 gates an index on the locality of the command itself.
 */
#include "policy.h"
#include "../uapi/linux/xenmb.h"

static const char *const policy_names[] = {
	[XENMB_POLICY_DEFAULT] = "default",
	[XENMB_POLICY_LOCALITY0] = "locality0",
	[XENMB_POLICY_READ_ONLY] = "read-only",
};

const char *xenmb_policy_name(u32 policy)
{
	if (policy >= ARRAY_SIZE(policy_names))
		return NULL;
	return policy_names[policy];
}

int xenmb_policy_parse(const char *name)
{
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(policy_names); i++) {
		n = strlen(policy_names[i]);
		/* Accept the trailing newline "echo" leaves in a sysfs write. */
		if (!strncmp(name, policy_names[i], n) &&
		    (name[n] == '\0' || (name[n] == '\n' && name[n + 1] == '\0')))
			return (int)i;
	}
	return -EINVAL;
}

u32 xenmb_policy_localities(u32 policy)
{
	return policy == XENMB_POLICY_DEFAULT ? 0xF : 0x1;
}

static bool pcr_is_locality_bound(u32 pcr)
{
	return pcr >= TPM_PCR_DRTM_FIRST && pcr <= TPM_PCR_DRTM_LAST;
}

/*
 * TPM 1.2 TPM_PCR_SELECTION after the header: u16 sizeOfSelect, then a
 * bitmap, PCR 0 in the LSB of the first byte. True when at least one PCR is
 * selected and every selected PCR is in 16..23.
 */
static int tpm12_selection_is_drtm_only(const u8 *cmd, u32 len)
{
	u32 size, i;
	bool any = false;

	if (len < TPM_HEADER_LEN + 2)
		return -EINVAL;
	size = xenmb_get_be16(cmd + TPM_HEADER_LEN);
	if (len < TPM_HEADER_LEN + 2 + size)
		return -EINVAL;
	for (i = 0; i < size; i++) {
		u8 bits = cmd[TPM_HEADER_LEN + 2 + i];

		if (bits && i != TPM_PCR_DRTM_FIRST / 8)
			return 0;
		any |= bits != 0;
	}
	return any;
}

/* The first u32 after the header: a PCR index (1.2) or handle (2.0). */
static int first_handle_is_drtm_pcr(const u8 *cmd, u32 len)
{
	if (len < TPM_HEADER_LEN + 4)
		return -EINVAL;
	return pcr_is_locality_bound(xenmb_get_be32(cmd + TPM_HEADER_LEN));
}

/*
 * The NV index at @offset of the command (TPM 2.0: the second handle,
 * after authHandle; TPM 1.2: the first parameter) is in the allowlist:
 * 1 yes, 0 no, -EINVAL if the command is too short to name one.
 */
static int nv_index_allowed(const struct xenmb_policy_request *req,
			    u32 offset)
{
	u32 index, i;

	if (req->cmd_len < offset + 4)
		return -EINVAL;
	index = xenmb_get_be32(req->cmd + offset);
	for (i = 0; i < req->nv_allow_count; i++)
		if (req->nv_allow[i] == index)
			return 1;
	return 0;
}

/* > 0 allowed, 0 refused, < 0 malformed. */
static int tpm2_allowed_above_locality0(const struct xenmb_policy_request *req,
					const struct tpm_cmd_header *hdr)
{
	const u8 *cmd = req->cmd;
	u32 len = req->cmd_len;

	switch (hdr->code) {
	case TPM2_CMD_PCR_EXTEND:
	case TPM2_CMD_PCR_EVENT:
	case TPM2_CMD_PCR_RESET:
		return first_handle_is_drtm_pcr(cmd, len);
	case TPM2_CMD_NV_READ:
	case TPM2_CMD_NV_WRITE:
		return nv_index_allowed(req, TPM_HEADER_LEN + 4);
	case TPM2_CMD_PCR_READ:
	case TPM2_CMD_NV_READ_PUBLIC:
	case TPM2_CMD_GET_CAPABILITY:
	case TPM2_CMD_GET_RANDOM:
		return 1;
	default:
		return 0;
	}
}

static int tpm12_allowed_above_locality0(const struct xenmb_policy_request *req,
					 const struct tpm_cmd_header *hdr)
{
	const u8 *cmd = req->cmd;
	u32 len = req->cmd_len;

	switch (hdr->code) {
	case TPM12_ORD_EXTEND:
		return first_handle_is_drtm_pcr(cmd, len);
	case TPM12_ORD_PCR_RESET:
		return tpm12_selection_is_drtm_only(cmd, len);
	case TPM12_ORD_NV_READ_VALUE:
	case TPM12_ORD_NV_READ_VALUE_AUTH:
	case TPM12_ORD_NV_WRITE_VALUE:
	case TPM12_ORD_NV_WRITE_VALUE_AUTH:
		return nv_index_allowed(req, TPM_HEADER_LEN);
	case TPM12_ORD_PCR_READ:
	case TPM12_ORD_GET_CAPABILITY:
	case TPM12_ORD_GET_RANDOM:
		return 1;
	default:
		return 0;
	}
}

/*
 * TPM 1.2 NV_ReadValue(Auth) with dataSize 0 reads nothing and sets the
 * index's bReadSTClear (read-locks it until the next Startup): a write.
 * Body: nvIndex, offset, dataSize. 1 yes, 0 no, -EINVAL if too short.
 */
static int tpm12_nv_read_locks(const struct xenmb_policy_request *req,
			       u32 code)
{
	const u32 size_at = TPM_HEADER_LEN + 8;

	if (code != TPM12_ORD_NV_READ_VALUE &&
	    code != TPM12_ORD_NV_READ_VALUE_AUTH)
		return 0;
	if (req->cmd_len < size_at + 4)
		return -EINVAL;
	return xenmb_get_be32(req->cmd + size_at) == 0;
}

/* Commands that change no TPM state. */
static bool is_read_only(u32 family, u32 code)
{
	if (family == XENMB_TPM_FAMILY_2_0)
		return code == TPM2_CMD_PCR_READ || code == TPM2_CMD_NV_READ ||
		       code == TPM2_CMD_NV_READ_PUBLIC ||
		       code == TPM2_CMD_GET_CAPABILITY ||
		       code == TPM2_CMD_GET_RANDOM;
	return code == TPM12_ORD_PCR_READ || code == TPM12_ORD_NV_READ_VALUE ||
	       code == TPM12_ORD_NV_READ_VALUE_AUTH ||
	       code == TPM12_ORD_GET_CAPABILITY ||
	       code == TPM12_ORD_GET_RANDOM;
}

int xenmb_policy_check(const struct xenmb_policy_request *req,
		       struct tpm_cmd_header *hdr)
{
	int allowed;
	int ret;

	memset(hdr, 0, sizeof(*hdr));
	if (req->locality > XENMB_LOCALITY_HW)
		return -EINVAL;
	ret = xenmb_tpm_cmd_parse_header(req->family, req->cmd, req->cmd_len, hdr);
	if (ret)
		return ret;
	if (req->locality == XENMB_LOCALITY_HW)
		return -EPERM;
	if (!(req->iface_localities & (1U << req->locality)))
		return -EOPNOTSUPP;
	if (!(xenmb_policy_localities(req->policy) & (1U << req->locality)))
		return -EACCES;
	/* A level this code does not know is taken as the strictest. */
	if (req->policy != XENMB_POLICY_DEFAULT &&
	    req->policy != XENMB_POLICY_LOCALITY0) {
		if (!is_read_only(req->family, hdr->code))
			return -EACCES;
		if (req->family == XENMB_TPM_FAMILY_1_2) {
			ret = tpm12_nv_read_locks(req, hdr->code);
			if (ret)
				return ret < 0 ? ret : -EACCES;
		}
	}
	if (req->locality == 0)
		return 0;

	if (req->family == XENMB_TPM_FAMILY_2_0)
		allowed = tpm2_allowed_above_locality0(req, hdr);
	else
		allowed = tpm12_allowed_above_locality0(req, hdr);
	if (allowed < 0)
		return allowed;
	return allowed ? 0 : -EACCES;
}
