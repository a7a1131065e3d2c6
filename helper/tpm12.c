// SPDX-License-Identifier: GPL-2.0
#include "tpm12.h"

#include <errno.h>
#include <string.h>

#include "../driver/compat.h"
#include "../driver/tpm_cmd.h"
#include "xenmb_dev.h"

#define TPM12_TAG_RSP_COMMAND 0x00C4

const uint8_t TPM12_WELL_KNOWN_AUTH[TPM12_AUTH_LEN];

static int xenmb_transmit(void *ctx, const uint8_t *cmd, size_t cmd_len,
			  uint8_t *rsp, size_t rsp_size, size_t *rsp_len)
{
	static struct xenmb_response r;
	int fd = (int)(intptr_t)ctx;
	int ret;

	ret = xenmb_tpm_transmit(fd, 0, cmd, cmd_len, &r);
	if (ret)
		return ret;
	if (r.len > rsp_size)
		return -EMSGSIZE;
	memcpy(rsp, r.data, r.len);
	*rsp_len = r.len;
	return 0;
}

struct tpm12_transport tpm12_xenmb_transport(int fd)
{
	struct tpm12_transport t = {xenmb_transmit, (void *)(intptr_t)fd};

	return t;
}

int tpm12_pcr_read(int fd, unsigned int pcr, uint8_t digest[TPM12_DIGEST_LEN])
{
	struct tpm12_transport t = tpm12_xenmb_transport(fd);

	return tpm12_pcr_read_via(&t, pcr, digest);
}

int tpm12_pcr_read_via(const struct tpm12_transport *t, unsigned int pcr,
		       uint8_t digest[TPM12_DIGEST_LEN])
{
	uint8_t cmd[14], rsp[64];
	size_t len;
	int ret;

	xenmb_put_be16(cmd, TPM12_TAG_RQU_COMMAND);
	xenmb_put_be32(cmd + 2, sizeof(cmd));
	xenmb_put_be32(cmd + 6, TPM12_ORD_PCR_READ);
	xenmb_put_be32(cmd + 10, pcr);
	ret = t->transmit(t->ctx, cmd, sizeof(cmd), rsp, sizeof(rsp), &len);
	if (ret)
		return ret;
	if (len < TPM_HEADER_LEN)
		return -EBADMSG;
	if (xenmb_get_be32(rsp + 6))
		return (int)xenmb_get_be32(rsp + 6);
	if (len != TPM_HEADER_LEN + TPM12_DIGEST_LEN ||
	    xenmb_get_be16(rsp) != TPM12_TAG_RSP_COMMAND)
		return -EBADMSG;
	memcpy(digest, rsp + TPM_HEADER_LEN, TPM12_DIGEST_LEN);
	return 0;
}

/* Stubs: filled in by the following commits. */
#pragma GCC diagnostic ignored "-Wunused-parameter"
int tpm12_oiap(const struct tpm12_transport *t,
	       const uint8_t usage_auth[TPM12_AUTH_LEN], struct tpm12_session *s)
{ return -ENOSYS; }
int tpm12_osap(const struct tpm12_transport *t, uint16_t entity_type,
	       uint32_t entity_value, const uint8_t usage_auth[TPM12_AUTH_LEN],
	       struct tpm12_session *s)
{ return -ENOSYS; }
void tpm12_session_close(const struct tpm12_transport *t,
			 struct tpm12_session *s)
{ }
int tpm12_startup(const struct tpm12_transport *t, uint16_t type)
{ return -ENOSYS; }
int tpm12_extend(const struct tpm12_transport *t, unsigned int pcr,
		 const uint8_t digest[TPM12_DIGEST_LEN],
		 uint8_t new_value[TPM12_DIGEST_LEN])
{ return -ENOSYS; }
int tpm12_read_pubek(const struct tpm12_transport *t, struct tpm12_blob *pubkey)
{ return -ENOSYS; }
int tpm12_flush_specific(const struct tpm12_transport *t, uint32_t handle,
			 uint32_t resource_type)
{ return -ENOSYS; }
int tpm12_get_capability(const struct tpm12_transport *t, uint32_t cap,
			 const uint8_t *sub_cap, size_t sub_cap_len,
			 struct tpm12_blob *out)
{ return -ENOSYS; }
int tpm12_get_owner_present(const struct tpm12_transport *t, bool *owned)
{ return -ENOSYS; }
int tpm12_get_pcr_count(const struct tpm12_transport *t, uint32_t *count)
{ return -ENOSYS; }
int tpm12_get_version(const struct tpm12_transport *t, struct tpm12_version *v)
{ return -ENOSYS; }
int tpm12_get_flags(const struct tpm12_transport *t, struct tpm12_flags *f)
{ return -ENOSYS; }
int tpm12_nv_get_size(const struct tpm12_transport *t, uint32_t index,
		      uint32_t *size)
{ return -ENOSYS; }
int tpm12_physical_presence(const struct tpm12_transport *t, uint16_t bits)
{ return -ENOSYS; }
int tpm12_physical_enable(const struct tpm12_transport *t, bool enable)
{ return -ENOSYS; }
int tpm12_physical_set_deactivated(const struct tpm12_transport *t,
				   bool deactivated)
{ return -ENOSYS; }
int tpm12_force_clear(const struct tpm12_transport *t)
{ return -ENOSYS; }
int tpm12_take_ownership(const struct tpm12_transport *t,
			 const uint8_t owner_auth[TPM12_AUTH_LEN],
			 struct tpm12_blob *srk)
{ return -ENOSYS; }
int tpm12_owner_clear(const struct tpm12_transport *t,
		      const uint8_t owner_auth[TPM12_AUTH_LEN])
{ return -ENOSYS; }
int tpm12_owner_read_pubek(const struct tpm12_transport *t,
			   const uint8_t owner_auth[TPM12_AUTH_LEN],
			   struct tpm12_blob *pubkey)
{ return -ENOSYS; }
int tpm12_make_identity(const struct tpm12_transport *t,
			const uint8_t owner_auth[TPM12_AUTH_LEN],
			const uint8_t srk_auth[TPM12_AUTH_LEN],
			const uint8_t aik_auth[TPM12_AUTH_LEN],
			const uint8_t label_digest[TPM12_DIGEST_LEN],
			struct tpm12_blob *aik,
			struct tpm12_blob *identity_binding)
{ return -ENOSYS; }
int tpm12_activate_identity(const struct tpm12_transport *t,
			    uint32_t aik_handle,
			    const uint8_t aik_auth[TPM12_AUTH_LEN],
			    const uint8_t owner_auth[TPM12_AUTH_LEN],
			    const uint8_t *blob, size_t blob_len,
			    struct tpm12_symmetric_key *key)
{ return -ENOSYS; }
int tpm12_load_key2(const struct tpm12_transport *t, uint32_t parent_handle,
		    const uint8_t parent_auth[TPM12_AUTH_LEN],
		    const uint8_t *key, size_t key_len, uint32_t *handle)
{ return -ENOSYS; }
int tpm12_quote(const struct tpm12_transport *t, uint32_t key_handle,
		const uint8_t key_auth[TPM12_AUTH_LEN],
		const uint8_t external_data[TPM12_NONCE_LEN],
		unsigned int pcr_count, struct tpm12_blob *composite,
		struct tpm12_blob *signature)
{ return -ENOSYS; }
int tpm12_nv_define_space(const struct tpm12_transport *t,
			  const uint8_t owner_auth[TPM12_AUTH_LEN],
			  uint32_t index, uint32_t size, uint32_t permission)
{ return -ENOSYS; }
int tpm12_nv_write_value(const struct tpm12_transport *t,
			 const uint8_t *owner_auth, uint32_t index,
			 uint32_t offset, const uint8_t *data, size_t len)
{ return -ENOSYS; }
int tpm12_nv_read_value(const struct tpm12_transport *t,
			const uint8_t *owner_auth, uint32_t index,
			uint32_t offset, size_t len, uint8_t *out, size_t *got)
{ return -ENOSYS; }
int tpm12_key_parse(const uint8_t *buf, size_t len, struct tpm12_key_info *k,
		    size_t *used)
{ return -ENOSYS; }
int tpm12_pubkey_parse(const uint8_t *buf, size_t len,
		       struct tpm12_key_info *k, size_t *used)
{ return -ENOSYS; }
int tpm12_key_to_evp(const struct tpm12_key_info *k, EVP_PKEY **pkey)
{ return -ENOSYS; }
int tpm12_key_to_pem(const struct tpm12_key_info *k, char **pem)
{ return -ENOSYS; }
int tpm12_pcr_composite_parse(const uint8_t *buf, size_t len,
			      struct tpm12_pcr_composite *c, size_t *used)
{ return -ENOSYS; }
int tpm12_symmetric_key_parse(const uint8_t *buf, size_t len,
			      struct tpm12_symmetric_key *key, size_t *used)
{ return -ENOSYS; }
