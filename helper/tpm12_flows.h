/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TPM 1.2 flows owner, ek and asset tag as typed functions over one
 * run's link to the TPM (ak, quote and challenge: tpm12_attest.h), over
 * tpm12.h and /dev/xenmb at locality 0: the mirror of tpm2_flows.h.
 * attest.c calls these when /dev/xenmb reports a TPM 1.2 (and no --tcti
 * was given); what is printed keeps the formats of the seed product's TPM
 * 1.2 tool, which attestation servers parse. A flow prints
 * nothing on success; its failures are said through xenmb_error()
 * (report.h; t12_fail).
 *
 * Keys and secrets: the owner auth is the owner secret (owner_secret.h);
 * the SRK and the AIK have the well-known auth (20 zero bytes), as is
 * usual for platform keys whose blobs are useless off this TPM. The AIK's
 * TPM_KEY blob is kept in TPM12_AIK_PATH (written atomically, mode 0600),
 * loaded with TPM_LoadKey2 for each use and flushed afterwards.
 */
#ifndef XENMB_TPM12_FLOWS_H
#define XENMB_TPM12_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tpm12.h"

/* Where the AIK's TPM_KEY blob lives (the original kept it in trousers'
 * system persistent storage, which this stack does not have). */
#ifndef TPM12_AIK_PATH
#define TPM12_AIK_PATH "/opt/xensource/tpm/aik.tpm12"
#endif

/* The last TPM 1.2 return code a flow failed with (xentpm reports it). */
extern uint32_t tpm12_last_rc;

/*
 * Whether /dev/xenmb's TPM is a TPM 1.2. False when the device cannot be
 * opened: the TPM 2.0 path then says why.
 */
bool tpm12_is_family(void);

/*
 * One run's link to the TPM 1.2 behind /dev/xenmb and the owner secret of
 * @config (NULL: OWNER_CONFIG_PATH), read when a flow first needs it.
 * Returns 0 with *@c set, or an exit code (said why). tpm12_close() wipes
 * the secret.
 */
struct t12;
int tpm12_open(struct t12 **c, const char *config);
void tpm12_close(struct t12 *c);

/* The owner config file in use, and whether it was absent (the default). */
const char *tpm12_config_path(const struct t12 *c);
bool tpm12_secret_from_default(const struct t12 *c);

/* What 'owner status' reports. */
struct tpm12_owner_state {
	struct tpm12_flags flags;
	bool owned;
	struct tpm12_version version; /* zero when the TPM does not say */
};

int tpm12_flow_owner_status(struct t12 *c, struct tpm12_owner_state *st);

/* The TPM's flags alone; nonzero, with nothing said, when it does not answer.
 */
int tpm12_flow_flags(struct t12 *c, struct tpm12_flags *f);

/*
 * TPM_TakeOwnership with the owner secret; on a TPM owned already, the
 * proof (TPM_OwnerReadPubek) that the secret is its owner auth. *@taken
 * says whether this call took it. Returns 0 or an exit code.
 */
int tpm12_flow_owner_take(struct t12 *c, bool *taken);

/*
 * TPM_OwnerClear (the TPM is left disabled and deactivated); *@cleared is
 * false when there was no owner. Returns 0 or an exit code.
 */
int tpm12_flow_owner_clear(struct t12 *c, bool *cleared);

/*
 * The EK: TPM_ReadPubek before ownership, TPM_OwnerReadPubek after
 * (with the default owner config). Returns 0 or an exit code.
 */
int tpm12_flow_ek(struct t12 *c, struct tpm12_key_info *ek);

/* SHA-1 of @k's TPM_PUBKEY (what the EK's "pubkey_sha1" is); 0 or -1. */
int tpm12_key_pubkey_sha1(const struct tpm12_key_info *k,
			  uint8_t sha1[TPM12_DIGEST_LEN]);

/* The same in hex, or "?": the AIK's name, the idDigest of a challenge. */
void tpm12_key_pubkey_sha1_hex(const struct tpm12_key_info *k,
			       char hex[2 * TPM12_DIGEST_LEN + 1]);

/*
 * The DER of the EK certificate in NV TPM12_NV_INDEX_EK_CERT, out of its
 * TCG_PCCLIENT_STORED_CERT envelope, malloc()ed. EXIT_NO_EK_CERT when
 * there is none, or no such envelope. Returns 0 or an exit code.
 */
int tpm12_flow_ek_cert(struct t12 *c, uint8_t **der, size_t *len);

/* The asset tag: NV TPM12_NV_INDEX_ASSET_TAG, 20 bytes, OWNERWRITE. */
#define TPM12_ASSET_TAG_SIZE 20

/*
 * Defines the space when missing and writes @tag with one
 * TPM_NV_WriteValue (owner authorization); a new space whose write fails
 * is deleted again. Returns 0 or an exit code.
 */
int tpm12_flow_asset_tag_set(struct t12 *c,
			     const uint8_t tag[TPM12_ASSET_TAG_SIZE]);

/* Deletes the space; *@was_set says whether there was one. */
int tpm12_flow_asset_tag_clear(struct t12 *c, bool *was_set);

/* Reads the tag unauthorized (or as the owner, should the space ask). */
int tpm12_flow_asset_tag_show(struct t12 *c, uint8_t tag[TPM12_ASSET_TAG_SIZE],
			      bool *present);

#endif /* XENMB_TPM12_FLOWS_H */
