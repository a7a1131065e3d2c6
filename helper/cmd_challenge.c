// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb challenge: TPM2_ActivateCredential for a credential an attestation
 * server made with tpm2_makecredential for this host's EK public key and
 * AK name. Only this TPM, holding both keys, can recover the secret, so
 * the server learns that the AK it was shown lives beside that EK.
 *
 * The input is the file tpm2_makecredential -o writes (tpm2-tools 5.4,
 * tools/tpm2_makecredential.c and lib/files.c), read by
 * xenmb_tpm2_cred_file_parse(). The xapi plugin passes it base64-encoded. On a
 * TPM 1.2, the identity challenge of the seed product's servers
 * (tpm12_challenge.h). The family is attest.h's to pick.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "attest.h"
#include "cli.h"
#include "subcommands.h"
#include "tpm2_esys.h" /* TPM2_TCTI_OPTION */

int cmd_challenge(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"file", required_argument, NULL, 'f'},
	    {"raw", no_argument, NULL, 'r'},
	    {"json", no_argument, NULL, 'j'},
	    {"ek-handle", required_argument, NULL, 'E'},
	    {"ak-handle", required_argument, NULL, 'A'},
	    TPM2_TCTI_OPTION,
	    {NULL, 0, NULL, 0},
	};
	const char *tcti = NULL, *path = NULL;
	const char *ek_handle = NULL, *ak_handle = NULL;
	uint8_t *buf = NULL, *secret = NULL;
	size_t len = 0, secret_len = 0;
	bool raw = false, json = false;
	struct attest *a;
	int c, ret;

	while ((c = getopt_long(argc, argv, "f:rjE:A:T:", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			path = optarg;
			break;
		case 'r':
			raw = true;
			break;
		case 'j':
			json = true;
			break;
		case 'E':
			ek_handle = optarg;
			break;
		case 'A':
			ak_handle = optarg;
			break;
		case 'T':
			tcti = optarg;
			break;
		default:
			return cli_usage_error("unknown option to 'challenge'");
		}
	}
	if (raw && json)
		return cli_usage_error("'challenge' takes --raw or --json, "
				       "not both");
	if (path ? optind != argc : optind + 1 != argc)
		return cli_usage_error("'challenge' takes the credential as "
				       "one BASE64 argument or --file F");

	ret = attest_open(&a, tcti);
	if (ret)
		return ret;
	ret = attest_key_handles(a, ek_handle, ak_handle);
	if (!ret)
		ret =
		    path ? attest_challenge_read(a, path, &buf, &len)
			 : attest_challenge_decode(a, argv[optind], &buf, &len);
	if (!ret)
		ret = attest_challenge(a, buf, len, &secret, &secret_len);
	attest_close(a);
	free(buf);
	if (!ret)
		ret = cli_print_secret(secret, secret_len, raw, json);
	/* The recovered secret is a credential: do not leave it around. */
	if (secret)
		explicit_bzero(secret, secret_len);
	free(secret);
	return ret;
}
