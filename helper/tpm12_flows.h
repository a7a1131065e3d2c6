/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TPM 1.2 side of the xenmb subcommands owner, ek and asset-tag
 * (ak, quote and challenge: tpm12_attest.h), over tpm12.h and /dev/xenmb
 * at locality 0. The cmd_*.c files parse the options and come here when
 * /dev/xenmb reports a TPM 1.2 (and no --tcti was given). Outputs are
 * those of the seed product's TPM 1.2 tool, which attestation servers
 * parse.
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

/* asset-tag set|clear|show; @tag of @tag_len bytes for set. */
int tpm12_asset_tag(const char *op, const uint8_t *tag, size_t tag_len,
		    bool json, const char *config);

#endif /* XENMB_TPM12_FLOWS_H */
