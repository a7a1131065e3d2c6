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
 *
 * On a TPM 1.2: NV 0x40000010, 20 bytes (tpm12_flows.h). The family is
 * attest.h's to pick.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "attest.h"
#include "cli.h"
#include "subcommands.h"
#include "tpm2_esys.h" /* tpm2_owner_config, TPM2_TCTI_OPTION */

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

int cmd_asset_tag(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"config", required_argument, NULL, 'C'},
	    TPM2_TCTI_OPTION,
	    {NULL, 0, NULL, 0},
	};
	uint8_t tag[ATTEST_ASSET_TAG_MAX];
	const char *tcti = NULL, *op, *nv_name;
	bool json = false, was_set, present;
	size_t tag_len = 0;
	struct attest *a;
	uint32_t nv_index;
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
		ret = attest_asset_tag_parse(argv[optind + 1], tag, &tag_len);
		if (ret)
			return ret;
	} else if ((strcmp(op, "clear") && strcmp(op, "show")) ||
		   optind + 1 != argc) {
		return cli_usage_error("'asset-tag' takes set TAG, clear or "
				       "show");
	}
	ret = attest_open(&a, tcti);
	if (ret)
		return ret;
	if (!strcmp(op, "set")) {
		ret = attest_asset_tag_set(a, tag, tag_len, &nv_index);
		if (!ret)
			print_set(nv_index);
	} else if (!strcmp(op, "clear")) {
		ret = attest_asset_tag_clear(a, &was_set);
		if (!ret)
			print_cleared(was_set);
	} else {
		ret =
		    attest_asset_tag_show(a, tag, &tag_len, &present, &nv_name);
		if (!ret)
			ret = cli_print_asset_tag(nv_name, present, tag,
						  tag_len, json);
	}
	attest_close(a);
	return ret;
}
