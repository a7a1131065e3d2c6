// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb quote: TPM2_Quote with the AK over a caller's nonce, written as
 * the files tpm2_checkquote reads (quote.msg, quote.sig, quote.pcrs,
 * ak.pem), as JSON, and with the host's SRTM and DRTM event logs beside
 * them so a verifier can replay what the PCRs say. On a TPM 1.2, the
 * original tool's quote blob and the AIK (quote_out.h). The family is
 * attest.h's to pick.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "attest.h"
#include "cli.h"
#include "files.h"
#include "quote_out.h"
#include "subcommands.h"
#include "tpm2_esys.h" /* TPM2_TCTI_OPTION */

int cmd_quote(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"nonce", required_argument, NULL, 'n'},
	    {"pcrs", required_argument, NULL, 'l'},
	    {"out", required_argument, NULL, 'o'},
	    {"json", no_argument, NULL, 'j'},
	    {"ak-handle", required_argument, NULL, 'A'},
	    TPM2_TCTI_OPTION,
	    {NULL, 0, NULL, 0},
	};
	const char *tcti = NULL, *nonce_text = NULL, *spec = NULL, *dir = NULL;
	const char *ak_handle = NULL;
	struct attest_quote *q = NULL;
	struct quote_logs logs;
	struct attest *a;
	TPM2B_DATA nonce;
	bool json = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "n:l:o:jA:T:", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			nonce_text = optarg;
			break;
		case 'l':
			spec = optarg;
			break;
		case 'o':
			dir = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'A':
			ak_handle = optarg;
			break;
		case 'T':
			tcti = optarg;
			break;
		default:
			return cli_usage_error("unknown option to 'quote'");
		}
	}
	if (optind != argc)
		return cli_usage_error("'quote' takes no arguments");
	if (!nonce_text)
		return cli_usage_error("'quote' needs --nonce BASE64");
	if (quote_nonce_decode(nonce_text, &nonce))
		return cli_usage_error("--nonce wants base64 of 1 to 64 bytes");
	/*
	 * Refused before the TPM is asked (the file names are checked again
	 * as each is built): the longest name is "quote.pcrs".
	 */
	if (dir && strlen(dir) + sizeof("/quote.pcrs") > FILES_PATH_MAX)
		return cli_usage_error("--out is longer than a path can be");
	ret = attest_open(&a, tcti);
	if (ret)
		return ret;
	ret = attest_key_handles(a, NULL, ak_handle);
	if (!ret)
		ret = attest_quote(a, &nonce, spec, &q);
	if (!ret && dir)
		ret = attest_quote_save(q, dir);
	if (!ret && (json || !dir)) {
		quote_logs_read_dir(&logs, json ? dir : NULL);
		cli_print_json(attest_quote_json(q, &logs));
		quote_logs_free(&logs);
	}
	attest_quote_free(q);
	attest_close(a);
	return ret;
}
