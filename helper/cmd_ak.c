// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb ak: find or create the attestation key (TPM 2.0: a restricted
 * RSA-2048 RSASSA-SHA256 signing key under the EK, persistent at
 * 0x81018000 or --handle; TPM 1.2: the AIK) and export its public part as PEM,
 * as its family's blob (a marshaled TPM2B_PUBLIC, what tpm2_createak -u writes;
 * 1.2's TCPA blob) and as its name (what tpm2_makecredential -n takes).
 * The family is attest.h's to pick.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "attest.h"
#include "cli.h"
#include "files.h"
#include "subcommands.h"
#include "tpm2_esys.h" /* TPM2_TCTI_OPTION */

int cmd_ak(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"pem", no_argument, NULL, 'p'},
	    {"public", required_argument, NULL, 'u'},
	    {"name", no_argument, NULL, 'n'},
	    {"handle", required_argument, NULL, 'H'},
	    {"ek-handle", required_argument, NULL, 'E'},
	    TPM2_TCTI_OPTION,
	    {NULL, 0, NULL, 0},
	};
	bool pem = false, show_name = false;
	const char *tcti = NULL, *public_path = NULL;
	const char *handle = NULL, *ek_handle = NULL;
	struct attest_ak_view v;
	struct attest *a;
	int c, ret;

	while ((c = getopt_long(argc, argv, "pu:nH:E:T:", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pem = true;
			break;
		case 'u':
			public_path = optarg;
			break;
		case 'n':
			show_name = true;
			break;
		case 'H':
			handle = optarg;
			break;
		case 'E':
			ek_handle = optarg;
			break;
		case 'T':
			tcti = optarg;
			break;
		default:
			return cli_usage_error("unknown option to 'ak'");
		}
	}
	if (optind != argc)
		return cli_usage_error("'ak' takes no arguments");

	ret = attest_open(&a, tcti);
	if (ret)
		return ret;
	ret = attest_key_handles(a, ek_handle, handle);
	if (!ret)
		ret = attest_ak_show(a, pem, public_path != NULL, &v);
	attest_close(a);
	if (ret)
		return ret;
	if (public_path)
		ret = files_write_atomic(public_path, v.blob, v.blob_len, 0644);
	if (!ret && pem && fputs(v.pem, stdout) < 0)
		ret = EXIT_KERNEL;
	if (!ret && show_name)
		printf("%s\n", v.name);
	if (!ret && !pem && !show_name)
		fputs(v.summary, stdout);
	attest_ak_view_free(&v);
	return ret;
}
