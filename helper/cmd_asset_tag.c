// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb asset-tag set TAG | clear | show: the TPM 2.0 asset tag in NV index
 * 0x01C10110, which the measured launch (tboot; in the tests the launch
 * emulator) extends into PCR 22 of the SHA-256 bank: after set + reboot
 * PCR 22 = SHA256(32 zero bytes || the index's 32 bytes).
 *
 * The index: 32 bytes, written only with the owner auth (OWNERWRITE), read
 * with the owner auth or its own empty auth (OWNERREAD | AUTHREAD), NO_DA.
 * The tag is no secret (it ends up in a PCR and the event log), and the
 * launch reads it before any config file is at hand, with the empty auth.
 *
 * A 20-byte (SHA-1) tag is stored zero-padded to 32 bytes: the launch
 * extends all 32 bytes, so PCR 22 = SHA256(32 zeros || tag || 12 zeros).
 */
#include <ctype.h>
#include <getopt.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "encoding.h"
#include "subcommands.h"
#include "tpm12_flows.h"
#include "tpm2_esys.h"

#define ASSET_TAG_NV 0x01C10110U
#define ASSET_TAG_SIZE 32

static const TPMA_NV asset_tag_attrs =
    TPMA_NV_OWNERWRITE | TPMA_NV_OWNERREAD | TPMA_NV_AUTHREAD | TPMA_NV_NO_DA;

/* 64 or 40 hex digits, or base64 of 32 or 20 bytes; 0 or -1. *@tag_len
 * gets the tag's own length (20 or 32). */
static int parse_tag(const char *text, uint8_t tag[ASSET_TAG_SIZE],
		     size_t *tag_len)
{
	size_t len = strlen(text), i, n;
	uint8_t *buf;
	int ret;

	memset(tag, 0, ASSET_TAG_SIZE);
	if (len == 64 || len == 40) {
		for (i = 0; i < len && isxdigit((unsigned char)text[i]); i++)
			;
		if (i == len) {
			*tag_len = len / 2;
			for (i = 0; i < len / 2; i++) {
				char hex[3] = {text[2 * i], text[2 * i + 1], 0};

				tag[i] = (uint8_t)strtoul(hex, NULL, 16);
			}
			return 0;
		}
	}
	buf = base64_decode(text, &n);
	ret = buf && (n == 32 || n == 20) ? 0 : -1;
	if (!ret) {
		memcpy(tag, buf, n);
		*tag_len = n;
	}
	free(buf);
	return ret;
}

/* The index's ESYS_TR if it exists (*nv NONE if not); 0 or an exit code. */
static int open_index(struct tpm2_ctx *ctx, ESYS_TR *nv)
{
	TPM2B_NV_PUBLIC *pub = NULL;
	bool exists;
	TSS2_RC rc;
	int ret;

	*nv = ESYS_TR_NONE;
	ret = tpm2_handle_exists(ctx, ASSET_TAG_NV, &exists);
	if (ret || !exists)
		return ret;
	rc = Esys_TR_FromTPMPublic(ctx->esys, ASSET_TAG_NV, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, nv);
	if (!rc)
		rc = Esys_NV_ReadPublic(ctx->esys, *nv, ESYS_TR_NONE,
					ESYS_TR_NONE, ESYS_TR_NONE, &pub, NULL);
	if (rc) {
		tpm2_forget(ctx, nv);
		return tpm2_fail("TPM2_NV_ReadPublic (asset tag)", rc);
	}
	/* Someone else's index there: neither overwrite nor trust it. */
	if (pub->nvPublic.dataSize != ASSET_TAG_SIZE ||
	    (pub->nvPublic.attributes & TPMA_NV_TPM2_NT_MASK) !=
		(TPM2_NT_ORDINARY << TPMA_NV_TPM2_NT_SHIFT)) {
		fprintf(stderr,
			"xenmb: NV 0x%08X exists but is not a 32-byte ordinary "
			"index; undefine it (tpm2_nvundefine) first\n",
			ASSET_TAG_NV);
		tpm2_forget(ctx, nv);
		ret = EXIT_TPM_ERROR;
	}
	Esys_Free(pub);
	return ret;
}

/* Reads the tag with the index's own empty auth, as the launch does. */
static int read_tag(struct tpm2_ctx *ctx, ESYS_TR nv,
		    uint8_t tag[ASSET_TAG_SIZE], bool *written)
{
	TPM2B_MAX_NV_BUFFER *data = NULL;
	TSS2_RC rc;

	*written = false;
	rc = Esys_NV_Read(ctx->esys, nv, nv, ESYS_TR_PASSWORD, ESYS_TR_NONE,
			  ESYS_TR_NONE, ASSET_TAG_SIZE, 0, &data);
	if (rc == TPM2_RC_NV_UNINITIALIZED)
		return 0;
	if (rc || data->size != ASSET_TAG_SIZE) {
		Esys_Free(data);
		return tpm2_fail("TPM2_NV_Read (asset tag)",
				 rc ?: TSS2_ESYS_RC_MALFORMED_RESPONSE);
	}
	memcpy(tag, data->buffer, ASSET_TAG_SIZE);
	Esys_Free(data);
	*written = true;
	return 0;
}

static int tag_set(struct tpm2_ctx *ctx, const uint8_t tag[ASSET_TAG_SIZE])
{
	static const TPM2B_AUTH empty;
	TPM2B_NV_PUBLIC pub = {
	    .nvPublic =
		{
		    .nvIndex = ASSET_TAG_NV,
		    .nameAlg = TPM2_ALG_SHA256,
		    .attributes = asset_tag_attrs,
		    .dataSize = ASSET_TAG_SIZE,
		},
	};
	TPM2B_MAX_NV_BUFFER data = {.size = ASSET_TAG_SIZE};
	ESYS_TR nv;
	bool defined = false;
	TSS2_RC rc;
	int ret;

	memcpy(data.buffer, tag, ASSET_TAG_SIZE);
	ret = open_index(ctx, &nv);
	if (ret)
		return ret;
	ret = tpm2_hierarchy_auth(ctx, ESYS_TR_RH_OWNER, NULL);
	if (ret)
		goto out;
	if (nv == ESYS_TR_NONE) {
		rc = Esys_NV_DefineSpace(ctx->esys, ESYS_TR_RH_OWNER,
					 ESYS_TR_PASSWORD, ESYS_TR_NONE,
					 ESYS_TR_NONE, &empty, &pub, &nv);
		if (rc) {
			nv = ESYS_TR_NONE;
			ret = tpm2_fail("TPM2_NV_DefineSpace (asset tag; owner "
					"authorization)",
					rc);
			goto out;
		}
		defined = true;
	}
	/* One NV_Write of all 32 bytes: the TPM applies it whole or not. */
	rc = Esys_NV_Write(ctx->esys, ESYS_TR_RH_OWNER, nv, ESYS_TR_PASSWORD,
			   ESYS_TR_NONE, ESYS_TR_NONE, &data, 0);
	if (rc) {
		ret = tpm2_fail("TPM2_NV_Write (asset tag; owner "
				"authorization)",
				rc);
		/* A new index never written would be a half-set tag. */
		if (defined &&
		    !Esys_NV_UndefineSpace(ctx->esys, ESYS_TR_RH_OWNER, nv,
					   ESYS_TR_PASSWORD, ESYS_TR_NONE,
					   ESYS_TR_NONE))
			nv = ESYS_TR_NONE;
		goto out;
	}
	printf("asset tag: set (NV 0x%08X; extended into PCR 22 at the next "
	       "measured launch)\n",
	       ASSET_TAG_NV);
out:
	tpm2_forget(ctx, &nv);
	return ret;
}

static int tag_clear(struct tpm2_ctx *ctx)
{
	ESYS_TR nv;
	TSS2_RC rc;
	int ret;

	ret = open_index(ctx, &nv);
	if (ret)
		return ret;
	if (nv == ESYS_TR_NONE) {
		printf("no asset tag\n");
		return 0;
	}
	/* Undefined, not zeroed: the launch then extends nothing. */
	ret = tpm2_hierarchy_auth(ctx, ESYS_TR_RH_OWNER, NULL);
	if (!ret) {
		rc = Esys_NV_UndefineSpace(ctx->esys, ESYS_TR_RH_OWNER, nv,
					   ESYS_TR_PASSWORD, ESYS_TR_NONE,
					   ESYS_TR_NONE);
		if (rc)
			ret = tpm2_fail("TPM2_NV_UndefineSpace (asset tag; "
					"owner authorization)",
					rc);
		else
			nv = ESYS_TR_NONE; /* ESAPI dropped it */
	}
	if (!ret)
		printf("asset tag: cleared (PCR 22 stays zero from the next "
		       "measured launch)\n");
	tpm2_forget(ctx, &nv);
	return ret;
}

static int tag_show(struct tpm2_ctx *ctx, bool json)
{
	uint8_t tag[ASSET_TAG_SIZE];
	bool written = false;
	ESYS_TR nv;
	int ret;

	ret = open_index(ctx, &nv);
	if (!ret && nv != ESYS_TR_NONE)
		ret = read_tag(ctx, nv, tag, &written);
	tpm2_forget(ctx, &nv);
	if (ret)
		return ret;
	return cli_print_asset_tag("0x01C10110", written, tag, ASSET_TAG_SIZE,
				   json);
}

int cmd_asset_tag(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"config", required_argument, NULL, 'C'},
	    TPM2_TCTI_OPTION,
	    {NULL, 0, NULL, 0},
	};
	uint8_t tag[ASSET_TAG_SIZE];
	size_t tag_len = 0;
	const char *tcti = NULL, *op;
	struct tpm2_ctx ctx;
	bool json = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "jC:T:", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'C':
			tpm2_owner_config = optarg;
			break;
		case 'T':
			tcti = optarg;
			break;
		default:
			return cli_usage_error("unknown option to "
					       "'asset-tag'");
		}
	}
	if (optind >= argc)
		return cli_usage_error("'asset-tag' takes set TAG, clear or "
				       "show");
	op = argv[optind];
	if (!strcmp(op, "set")) {
		if (optind + 2 != argc)
			return cli_usage_error("'asset-tag set' takes one TAG");
		/* Refused before the TPM is touched: the old tag stays. */
		if (parse_tag(argv[optind + 1], tag, &tag_len))
			return cli_usage_error(
			    "the asset tag must be 32 bytes (SHA-256) or "
			    "20 bytes (SHA-1), as hex or base64");
	} else if ((strcmp(op, "clear") && strcmp(op, "show")) ||
		   optind + 1 != argc) {
		return cli_usage_error("'asset-tag' takes set TAG, clear or "
				       "show");
	}
	if (!tcti && tpm12_is_family())
		return tpm12_asset_tag(op, tag, tag_len, json,
				       tpm2_owner_config);
	setenv("TSS2_LOG", "all+NONE", 0);

	ret = tpm2_open(&ctx, tcti);
	if (ret)
		return ret;
	if (!strcmp(op, "set"))
		ret = tag_set(&ctx, tag);
	else if (!strcmp(op, "clear"))
		ret = tag_clear(&ctx);
	else
		ret = tag_show(&ctx, json);
	tpm2_close(&ctx);
	return ret;
}
