/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TPM 1.2 commands, marshaled by hand (TPM Main spec parts 2 and 3). Why no
 * library: the only one, trousers, needs its tcsd daemon (a dom0 should not
 * run one just to send a dozen commands) and is no longer maintained. This is
 * the one place TPM 1.2 structures are built and parsed; the helper, the
 * tests and the fuzzers all use it.
 *
 * Conventions of every function taking a transport: returns 0, the positive
 * TPM return code when the TPM refused the command, -EBADMSG when the
 * response is malformed or its authorization HMAC does not verify, or the
 * -errno of the transport. Auth values are 20-byte secrets (SHA-1 of a
 * password, or TPM12_WELL_KNOWN_AUTH); they are never logged and every copy
 * this module makes is wiped after use.
 */
#ifndef XENMB_TPM12_H
#define XENMB_TPM12_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* The ordinals, return codes and resource types: one definition. */
#include "../driver/tpm_cmd.h"

#define TPM12_DIGEST_LEN 20
#define TPM12_NONCE_LEN 20
#define TPM12_AUTH_LEN 20
/* Room for any key blob, public key, signature or composite we handle. */
#define TPM12_BLOB_MAX 4096
/* TPM_PCR_SELECTION sizes we accept: up to 64 PCRs. */
#define TPM12_PCR_SELECT_MAX 8
#define TPM12_PCR_MAX (8 * TPM12_PCR_SELECT_MAX)

/* The well-known secret: 20 zero bytes (SRK auth of a standard owner). */
extern const uint8_t TPM12_WELL_KNOWN_AUTH[TPM12_AUTH_LEN];

/* Handles (part 2, 19.1). */
#define TPM12_KH_SRK 0x40000000
#define TPM12_KH_OWNER 0x40000001
/* OSAP entity types (part 2, 4.9). */
#define TPM12_ET_KEYHANDLE 0x0001
#define TPM12_ET_OWNER 0x0002
#define TPM12_ET_SRK 0x0004
/* TPM_Startup types. */
#define TPM12_ST_CLEAR 0x0001
#define TPM12_ST_STATE 0x0002
/* NV (part 2, 19.2): the asset tag index and the EK certificate index. */
#define TPM12_NV_INDEX_ASSET_TAG 0x40000010
#define TPM12_NV_INDEX_EK_CERT 0x1000F000
#define TPM12_NV_PER_OWNERWRITE 0x00000002
#define TPM12_NV_PER_AUTHWRITE 0x00000004
#define TPM12_NV_PER_OWNERREAD 0x00020000
#define TPM12_NV_PER_AUTHREAD 0x00040000
/* TSC_PhysicalPresence bits (part 2, 4.6). */
#define TPM12_PHYSICAL_PRESENCE_CMD_ENABLE 0x0020
#define TPM12_PHYSICAL_PRESENCE_PRESENT 0x0008
#define TPM12_PHYSICAL_PRESENCE_NOTPRESENT 0x0010
/* Symmetric algorithm and scheme of TPM_SYMMETRIC_KEY (part 2, 4.3, 4.4). */
#define TPM12_ALG_AES128 0x00000006
#define TPM12_ES_SYM_CBC_PKCS5PAD 0x00FF
/* Key usages (part 2, 5.8). */
#define TPM12_KEY_STORAGE 0x0011
#define TPM12_KEY_IDENTITY 0x0012

/*
 * How commands reach the TPM: @transmit sends @cmd_len bytes and stores the
 * whole response (at most @rsp_size bytes) in @rsp, its length in *@rsp_len.
 * Returns 0 when a response came back (even an error response) or -errno.
 */
struct tpm12_transport {
	int (*transmit)(void *ctx, const uint8_t *cmd, size_t cmd_len,
			uint8_t *rsp, size_t rsp_size, size_t *rsp_len);
	void *ctx;
};

/* The production transport: /dev/xenmb @fd, locality 0. */
struct tpm12_transport tpm12_xenmb_transport(int fd);

/* A variable-size TPM structure as the TPM produced it. */
struct tpm12_blob {
	uint8_t data[TPM12_BLOB_MAX];
	size_t len;
};

/*
 * An authorization session. @key is the HMAC key: the entity's usage auth
 * (OIAP) or the OSAP shared secret. @nonce_even rolls with every command.
 * @open is false once the TPM has ended the session.
 */
struct tpm12_session {
	uint32_t handle;
	uint8_t key[TPM12_AUTH_LEN];
	uint8_t nonce_even[TPM12_NONCE_LEN];
	bool open;
};

/*
 * ---- sessions ----
 * The commands below open the sessions they need and end them; these calls
 * are their building blocks, public for the tests.
 */

/* TPM_OIAP; @usage_auth becomes the session's HMAC key. */
int tpm12_oiap(const struct tpm12_transport *t,
	       const uint8_t usage_auth[TPM12_AUTH_LEN],
	       struct tpm12_session *s);

/*
 * TPM_OSAP for entity (@entity_type, @entity_value), e.g. (TPM12_ET_OWNER,
 * TPM12_KH_OWNER); the key is the shared secret derived from @usage_auth.
 */
int tpm12_osap(const struct tpm12_transport *t, uint16_t entity_type,
	       uint32_t entity_value, const uint8_t usage_auth[TPM12_AUTH_LEN],
	       struct tpm12_session *s);

/* Flushes @s if still open (errors ignored) and wipes it. */
void tpm12_session_close(const struct tpm12_transport *t,
			 struct tpm12_session *s);

/* ---- unauthorized commands ---- */

/* TPM_Startup(@type); TPM12_ST_CLEAR after a reset. */
int tpm12_startup(const struct tpm12_transport *t, uint16_t type);

/* TPM_PCRRead of @pcr. */
int tpm12_pcr_read_via(const struct tpm12_transport *t, unsigned int pcr,
		       uint8_t digest[TPM12_DIGEST_LEN]);

/* tpm12_pcr_read_via() over tpm12_xenmb_transport(@fd). */
int tpm12_pcr_read(int fd, unsigned int pcr, uint8_t digest[TPM12_DIGEST_LEN]);

/* TPM_Extend of @pcr with @digest; @new_value (may be NULL) gets the result. */
int tpm12_extend(const struct tpm12_transport *t, unsigned int pcr,
		 const uint8_t digest[TPM12_DIGEST_LEN],
		 uint8_t new_value[TPM12_DIGEST_LEN]);

/*
 * TPM_ReadPubek with a fresh nonce; the checksum over the key and nonce is
 * verified. @pubkey gets the TPM_PUBKEY. Refused with TPM12_RC_DISABLED_CMD
 * once the TPM has an owner: use tpm12_owner_read_pubek() then.
 */
int tpm12_read_pubek(const struct tpm12_transport *t,
		     struct tpm12_blob *pubkey);

/* TPM_FlushSpecific of @handle of @resource_type (TPM12_RT_*). */
int tpm12_flush_specific(const struct tpm12_transport *t, uint32_t handle,
			 uint32_t resource_type);

/*
 * TPM_GetCapability(@cap, @sub_cap of @sub_cap_len bytes): the raw answer in
 * @out. The typed calls below cover what the flows need.
 */
int tpm12_get_capability(const struct tpm12_transport *t, uint32_t cap,
			 const uint8_t *sub_cap, size_t sub_cap_len,
			 struct tpm12_blob *out);

/* TPM_CAP_PROPERTY / TPM_CAP_PROP_OWNER: whether an owner is installed. */
int tpm12_get_owner_present(const struct tpm12_transport *t, bool *owned);

/* TPM_CAP_PROPERTY / TPM_CAP_PROP_PCR: the number of PCRs. */
int tpm12_get_pcr_count(const struct tpm12_transport *t, uint32_t *count);

/* TPM_CAP_VERSION_VAL (TPM_CAP_VERSION_INFO). */
struct tpm12_version {
	uint8_t major, minor, rev_major, rev_minor;
	uint16_t spec_level;
	uint8_t errata_rev;
	char vendor[5]; /* TPM vendor ID, NUL-terminated */
};
int tpm12_get_version(const struct tpm12_transport *t, struct tpm12_version *v);

/*
 * The flags telling whether the TPM can be used: TPM_PERMANENT_FLAGS
 * (disable, ownership, deactivated, readPubek) and TPM_STCLEAR_FLAGS
 * (deactivated, physicalPresence). The TPM is usable when neither
 * @disabled nor @deactivated nor @volatile_deactivated is set.
 */
struct tpm12_flags {
	bool disabled;
	bool ownership_allowed;
	bool deactivated;
	bool read_pubek;
	bool nv_locked;
	bool volatile_deactivated;
	bool physical_presence;
	bool physical_presence_lock;
};
int tpm12_get_flags(const struct tpm12_transport *t, struct tpm12_flags *f);

/*
 * TPM_GetCapability(TPM_CAP_NV_INDEX, @index): the size of an NV space.
 * TPM12_RC_BADINDEX when the index is not defined.
 */
int tpm12_nv_get_size(const struct tpm12_transport *t, uint32_t index,
		      uint32_t *size);

/* TSC_PhysicalPresence(@bits), TPM12_PHYSICAL_PRESENCE_*. */
int tpm12_physical_presence(const struct tpm12_transport *t, uint16_t bits);

/* TPM_PhysicalEnable / TPM_PhysicalDisable (need physical presence). */
int tpm12_physical_enable(const struct tpm12_transport *t, bool enable);

/* TPM_PhysicalSetDeactivated(@deactivated) (needs physical presence). */
int tpm12_physical_set_deactivated(const struct tpm12_transport *t,
				   bool deactivated);

/* TPM_ForceClear (needs physical presence). */
int tpm12_force_clear(const struct tpm12_transport *t);

/* ---- owner ---- */

/*
 * TPM_TakeOwnership: reads the EK (TPM_ReadPubek), encrypts @owner_auth and
 * the well-known SRK auth to it (RSA-OAEP SHA-1, label "TCPA") and creates a
 * 2048-bit SRK. @srk (may be NULL) gets the SRK TPM_KEY the TPM returned.
 * TPM12_RC_OWNER_SET when the TPM already has an owner.
 */
int tpm12_take_ownership(const struct tpm12_transport *t,
			 const uint8_t owner_auth[TPM12_AUTH_LEN],
			 struct tpm12_blob *srk);

/*
 * TPM_OwnerClear, authorized by @owner_auth. The TPM is then disabled and
 * deactivated (part 3, 6.1) until physical presence enables and activates
 * it (TPM_PhysicalEnable, TPM_PhysicalSetDeactivated(FALSE), a reset).
 */
int tpm12_owner_clear(const struct tpm12_transport *t,
		      const uint8_t owner_auth[TPM12_AUTH_LEN]);

/* TPM_OwnerReadPubek: the EK TPM_PUBKEY when the TPM has an owner. */
int tpm12_owner_read_pubek(const struct tpm12_transport *t,
			   const uint8_t owner_auth[TPM12_AUTH_LEN],
			   struct tpm12_blob *pubkey);

/* ---- identity (AIK) ---- */

/*
 * TPM_MakeIdentity: a 2048-bit AIK (TPM_KEY, PKCS#1 v1.5 SHA-1 signing)
 * with usage auth @aik_auth (sent encrypted with the owner OSAP secret),
 * authorized by @owner_auth (OSAP) and @srk_auth (OIAP). @label_digest is
 * labelPrivCADigest, SHA1(identityLabel || privacy CA TPM_PUBKEY) as the
 * caller's CA protocol defines it. @aik gets the AIK TPM_KEY blob, and
 * @identity_binding (may be NULL) the TPM's signature over the request.
 */
int tpm12_make_identity(const struct tpm12_transport *t,
			const uint8_t owner_auth[TPM12_AUTH_LEN],
			const uint8_t srk_auth[TPM12_AUTH_LEN],
			const uint8_t aik_auth[TPM12_AUTH_LEN],
			const uint8_t label_digest[TPM12_DIGEST_LEN],
			struct tpm12_blob *aik,
			struct tpm12_blob *identity_binding);

/* TPM_SYMMETRIC_KEY (part 2, 11.2). */
struct tpm12_symmetric_key {
	uint32_t alg_id;
	uint16_t enc_scheme;
	uint16_t size;
	uint8_t data[256];
};

/*
 * TPM_ActivateIdentity of the loaded AIK @aik_handle on @blob (a TPM_EK_BLOB
 * or TPM_ASYM_CA_CONTENTS encrypted to the EK), authorized by @aik_auth and
 * @owner_auth (two OIAP sessions). @key gets the session key; the caller
 * wipes it.
 */
int tpm12_activate_identity(const struct tpm12_transport *t,
			    uint32_t aik_handle,
			    const uint8_t aik_auth[TPM12_AUTH_LEN],
			    const uint8_t owner_auth[TPM12_AUTH_LEN],
			    const uint8_t *blob, size_t blob_len,
			    struct tpm12_symmetric_key *key);

/* ---- keys, quote ---- */

/*
 * TPM_LoadKey2 of the TPM_KEY @key (@key_len bytes) under the parent
 * @parent_handle (TPM12_KH_SRK) whose auth is @parent_auth. *@handle gets
 * the loaded key's handle; free it with tpm12_flush_specific(TPM12_RT_KEY).
 */
int tpm12_load_key2(const struct tpm12_transport *t, uint32_t parent_handle,
		    const uint8_t parent_auth[TPM12_AUTH_LEN],
		    const uint8_t *key, size_t key_len, uint32_t *handle);

/*
 * TPM_Quote with the loaded key @key_handle (auth @key_auth) over PCRs
 * 0 .. @pcr_count - 1 and @external_data. @composite gets the
 * TPM_PCR_COMPOSITE, @signature the signature over TPM_QUOTE_INFO.
 */
int tpm12_quote(const struct tpm12_transport *t, uint32_t key_handle,
		const uint8_t key_auth[TPM12_AUTH_LEN],
		const uint8_t external_data[TPM12_NONCE_LEN],
		unsigned int pcr_count, struct tpm12_blob *composite,
		struct tpm12_blob *signature);

/* ---- NV ---- */

/*
 * TPM_NV_DefineSpace of @index, @size bytes, permissions @permission
 * (TPM12_NV_PER_*), no PCR binding, authorized by @owner_auth (OSAP; the
 * space's own auth is the well-known secret). @size 0 deletes the space.
 */
int tpm12_nv_define_space(const struct tpm12_transport *t,
			  const uint8_t owner_auth[TPM12_AUTH_LEN],
			  uint32_t index, uint32_t size, uint32_t permission);

/*
 * TPM_NV_WriteValue of @len bytes at @offset of @index, authorized by
 * @owner_auth (OIAP), or without authorization when @owner_auth is NULL
 * (spaces without write protection, or any space before nvLocked is set).
 */
int tpm12_nv_write_value(const struct tpm12_transport *t,
			 const uint8_t *owner_auth, uint32_t index,
			 uint32_t offset, const uint8_t *data, size_t len);

/*
 * TPM_NV_ReadValue of @len bytes at @offset of @index into @out, with
 * @owner_auth (OIAP; only for TPM12_NV_PER_OWNERREAD spaces, others answer
 * TPM12_RC_AUTH_CONFLICT) or unauthorized when NULL. *@got gets the length.
 */
int tpm12_nv_read_value(const struct tpm12_transport *t,
			const uint8_t *owner_auth, uint32_t index,
			uint32_t offset, size_t len, uint8_t *out, size_t *got);

/* ---- pure parsers (no TPM) ---- */

/*
 * The public part of a TPM_KEY / TPM_KEY12 (part 2, 10.2, 10.3) or of a
 * TPM_PUBKEY (10.5). Pointers refer into the parsed buffer.
 */
struct tpm12_key_info {
	uint16_t key_usage; /* TPM_KEY only */
	uint32_t key_flags; /* TPM_KEY only */
	uint8_t auth_usage; /* TPM_KEY only */
	uint32_t alg_id;    /* TPM_ALG_RSA = 1 */
	uint16_t enc_scheme;
	uint16_t sig_scheme;
	uint32_t key_bits;
	uint32_t exponent; /* 65537 when the blob leaves it empty */
	const uint8_t *modulus;
	size_t modulus_len;
	/*
	 * The two halves of the key's TPM_PUBKEY (algorithmParms, then
	 * pubKey with its length); in a TPM_KEY the PCR info sits between.
	 */
	const uint8_t *parms;
	size_t parms_len;
	const uint8_t *pub;
	size_t pub_len;
};

/*
 * Parses the TPM_KEY or TPM_KEY12 at @buf (@len bytes); *@used (may be
 * NULL) gets the length of the structure. -EBADMSG when malformed,
 * -EOPNOTSUPP when not an RSA key.
 */
int tpm12_key_parse(const uint8_t *buf, size_t len, struct tpm12_key_info *k,
		    size_t *used);

/* Parses the TPM_PUBKEY at @buf; like tpm12_key_parse(). */
int tpm12_pubkey_parse(const uint8_t *buf, size_t len, struct tpm12_key_info *k,
		       size_t *used);

/* The TPM_PUBKEY of @k (parms || pub), e.g. to hash it for idDigest. */
int tpm12_key_to_pubkey(const struct tpm12_key_info *k,
			struct tpm12_blob *pubkey);

/* The RSA public key of @k as a new EVP_PKEY. 0 or -errno. */
int tpm12_key_to_evp(const struct tpm12_key_info *k, EVP_PKEY **pkey);

/*
 * The SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY") of @k; *@pem is
 * malloc'ed and NUL-terminated. 0 or -errno.
 */
int tpm12_key_to_pem(const struct tpm12_key_info *k, char **pem);

/* A parsed TPM_PCR_COMPOSITE (part 2, 8.2). */
struct tpm12_pcr_composite {
	uint16_t select_size;
	uint8_t select[TPM12_PCR_SELECT_MAX]; /* bit 0 of byte 0 = PCR 0 */
	unsigned int count; /* selected PCRs, ascending in @values */
	uint8_t pcr_index[TPM12_PCR_MAX];
	uint8_t values[TPM12_PCR_MAX][TPM12_DIGEST_LEN];
};

/*
 * Parses the TPM_PCR_COMPOSITE at @buf; valueSize must be 20 bytes per
 * selected PCR. *@used (may be NULL) gets the structure's length.
 */
int tpm12_pcr_composite_parse(const uint8_t *buf, size_t len,
			      struct tpm12_pcr_composite *c, size_t *used);

/*
 * Parses the TPM_SYMMETRIC_KEY at @buf (what a TPM_ASYM_CA_CONTENTS or
 * TPM_EK_BLOB_ACTIVATE carries).
 */
int tpm12_symmetric_key_parse(const uint8_t *buf, size_t len,
			      struct tpm12_symmetric_key *key, size_t *used);

#endif /* XENMB_TPM12_H */
