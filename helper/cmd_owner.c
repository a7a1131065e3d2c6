// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb owner status|take|clear: ownership as the seed product
 * understands it, on either family (attest.h; the flows: tpm2_flows.h,
 * tpm12_flows.h). On a TPM 2.0 "owned" means the owner and lockout auths
 * are the 20-byte owner secret of owner_secret.h; the endorsement auth is
 * the secret too, or empty after 'take --endorsement empty'.
 */
#include <getopt.h>
#include <stdbool.h>
#include <string.h>

#include "attest.h"
#include "cli.h"
#include "subcommands.h"
#include "tpm2_esys.h" /* tpm2_owner_config, TPM2_TCTI_OPTION */

int cmd_owner(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"config", required_argument, NULL, 'C'},
	    {"endorsement", required_argument, NULL, 'E'},
	    TPM2_TCTI_OPTION,
	    {NULL, 0, NULL, 0},
	};
	const char *tcti = NULL, *op, *endorsement = NULL;
	struct attest *a;
	bool json = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "jC:E:T:", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'C':
			tpm2_owner_config = optarg;
			break;
		case 'E':
			endorsement = optarg;
			break;
		case 'T':
			tcti = optarg;
			break;
		default:
			return cli_usage_error("unknown option to 'owner'");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("'owner' takes one of status, take, "
				       "clear");
	op = argv[optind];
	if (strcmp(op, "status") && strcmp(op, "take") && strcmp(op, "clear"))
		return cli_usage_error("'owner' takes one of status, take, "
				       "clear");
	if (endorsement && strcmp(op, "take"))
		return cli_usage_error("--endorsement is for 'owner take'");
	if (endorsement && strcmp(endorsement, "secret") &&
	    strcmp(endorsement, "empty"))
		return cli_usage_error("--endorsement takes secret or empty");
	ret = attest_open(&a, tcti);
	if (ret)
		return ret;
	ret = attest_owner_show(a, op, json,
				endorsement && !strcmp(endorsement, "empty"));
	attest_close(a);
	return ret;
}
