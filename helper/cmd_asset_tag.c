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
#include "tpm2_flows.h"

/* 64 or 40 hex digits, or base64 of 32 or 20 bytes; 0 or -1. *@tag_len
 * gets the tag's own length (20 or 32). */
static int parse_tag(const char *text, uint8_t tag[TPM2_ASSET_TAG_SIZE],
		     size_t *tag_len)
{
	size_t len = strlen(text), i, n;
	uint8_t *buf;
	int ret;

	memset(tag, 0, TPM2_ASSET_TAG_SIZE);
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

/* What set and clear say, the same for both families. */
static void print_set(uint32_t nv_index)
{
	printf("asset tag: set (NV 0x%08X; extended into PCR 22 at the next "
	       "measured launch)\n",
	       nv_index);
}

static void print_cleared(bool was_set)
{
	if (was_set)
		printf("asset tag: cleared (PCR 22 stays zero from the next "
		       "measured launch)\n");
	else
		printf("no asset tag\n");
}

/* asset-tag set|clear|show on a TPM 1.2, through tpm12_flows.h. */
static int asset_tag12(const char *op, const uint8_t *tag, size_t tag_len,
		       bool json)
{
	uint8_t current[TPM12_ASSET_TAG_SIZE];
	bool was_set, present;
	struct t12 *c;
	int ret;

	if (!strcmp(op, "set") && tag_len != TPM12_ASSET_TAG_SIZE)
		return cli_usage_error("a TPM 1.2 asset tag is 20 bytes "
				       "(SHA-1), as hex or base64");
	ret = tpm12_open(&c, tpm2_owner_config);
	if (ret)
		return ret;
	if (!strcmp(op, "set")) {
		ret = tpm12_flow_asset_tag_set(c, tag);
		if (!ret)
			print_set(TPM12_NV_INDEX_ASSET_TAG);
	} else if (!strcmp(op, "clear")) {
		ret = tpm12_flow_asset_tag_clear(c, &was_set);
		if (!ret)
			print_cleared(was_set);
	} else {
		ret = tpm12_flow_asset_tag_show(c, current, &present);
		if (!ret)
			ret =
			    cli_print_asset_tag("0x40000010", present, current,
						TPM12_ASSET_TAG_SIZE, json);
	}
	tpm12_close(c);
	return ret;
}

int cmd_asset_tag(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"config", required_argument, NULL, 'C'},
	    TPM2_TCTI_OPTION,
	    {NULL, 0, NULL, 0},
	};
	uint8_t tag[TPM2_ASSET_TAG_SIZE];
	size_t tag_len = 0;
	const char *tcti = NULL, *op;
	struct tpm2_ctx ctx;
	bool json = false, was_set, present;
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
		return asset_tag12(op, tag, tag_len, json);
	setenv("TSS2_LOG", "all+NONE", 0);

	ret = tpm2_open(&ctx, tcti);
	if (ret)
		return ret;
	if (!strcmp(op, "set")) {
		ret = tpm2_flow_asset_tag_set(&ctx, tag);
		if (!ret)
			print_set(TPM2_ASSET_TAG_NV);
	} else if (!strcmp(op, "clear")) {
		ret = tpm2_flow_asset_tag_clear(&ctx, &was_set);
		if (!ret)
			print_cleared(was_set);
	} else {
		ret = tpm2_flow_asset_tag_show(&ctx, tag, &present);
		if (!ret)
			ret = cli_print_asset_tag("0x01C10110", present, tag,
						  TPM2_ASSET_TAG_SIZE, json);
	}
	tpm2_close(&ctx);
	return ret;
}
