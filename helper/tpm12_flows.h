/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TPM 1.2 side of the xenmb subcommands owner, ek, ak, quote,
 * challenge and asset-tag, over tpm12.h and /dev/xenmb at locality 0. The
 * cmd_*.c files parse the options and come here when /dev/xenmb reports a
 * TPM 1.2 (and no --tcti was given). Outputs are those of the seed
 * product's TPM 1.2 tool, which attestation servers parse.
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

/* Where the AIK's TPM_KEY blob lives (the original kept it in trousers'
 * system persistent storage, which this stack does not have). */
#ifndef TPM12_AIK_PATH
#define TPM12_AIK_PATH "/opt/xensource/tpm/aik.tpm12"
#endif

/* The identity label the original tool gave its AIK. */
#define TPM12_AIK_LABEL "citrix"

/* The last TPM 1.2 return code a flow failed with (xentpm reports it). */
extern uint32_t tpm12_last_rc;

/*
 * Whether /dev/xenmb's TPM is a TPM 1.2. False when the device cannot be
 * opened: the TPM 2.0 path then says why.
 */
bool tpm12_is_family(void);

/* owner status|take|clear; @config: the owner config file (NULL: default). */
int tpm12_owner(const char *op, bool json, const char *config);

/* ek [--pem] [--cert] */
int tpm12_ek(bool pem, bool cert);

/* ak [--pem] [--public FILE (the TPM_PUBKEY)] [--name] */
int tpm12_ak(bool pem, const char *public_path, bool show_name);

/*
 * quote --nonce: TPM_Quote of all PCRs over SHA1(@nonce). @dir (may be
 * NULL) gets quote.bin (the original's blob), aik.pem and the event logs;
 * the JSON goes to stdout with @json or without @dir.
 */
int tpm12_quote_cmd(const uint8_t *nonce, size_t nonce_len, const char *dir,
		    bool json);

/* challenge: the secret of an identity challenge (u32 size, EK blob, u32
 * size, TPM_SYM_CA_ATTESTATION), printed base64, @raw, or as JSON. */
int tpm12_challenge_cmd(const uint8_t *buf, size_t len, bool raw, bool json);

/* asset-tag set|clear|show; @tag of @tag_len bytes for set. */
int tpm12_asset_tag(const char *op, const uint8_t *tag, size_t tag_len,
		    bool json, const char *config);

#endif /* XENMB_TPM12_FLOWS_H */
