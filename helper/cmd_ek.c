// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb ek: find or create the endorsement key, print its public key as
 * PEM, and the EK certificate the manufacturer left in NV, on either TPM
 * family (attest.h).
 */
#include <getopt.h>
#include <openssl/pem.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "attest.h"
#include "cli.h"
#include "subcommands.h"
#include "tpm2_esys.h" /* TPM2_TCTI_OPTION */

/* The EK certificate as PEM. */
static int print_ek_cert(struct attest *a)
{
	uint8_t *der = NULL;
	size_t len = 0;
	int ret;

	ret = attest_ek_cert(a, &der, &len);
	if (!ret)
		ret = PEM_write(stdout, "CERTIFICATE", "", der, (long)len)
			  ? 0
			  : EXIT_KERNEL;
	free(der);
	return ret;
}

int cmd_ek(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"pem", no_argument, NULL, 'p'},
	    {"cert", no_argument, NULL, 'c'},
	    {"handle", required_argument, NULL, 'H'},
	    TPM2_TCTI_OPTION,
	    {NULL, 0, NULL, 0},
	};
	bool pem = false, cert = false;
	const char *tcti = NULL, *handle = NULL;
	struct attest *a;
	char *text = NULL;
	int c, ret;

	while ((c = getopt_long(argc, argv, "pcH:T:", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pem = true;
			break;
		case 'c':
			cert = true;
			break;
		case 'H':
			handle = optarg;
			break;
		case 'T':
			tcti = optarg;
			break;
		default:
			return cli_usage_error("unknown option to 'ek'");
		}
	}
	if (optind != argc)
		return cli_usage_error("'ek' takes no arguments");

	ret = attest_open(&a, tcti);
	if (ret)
		return ret;
	ret = attest_key_handles(a, handle, NULL);
	if (ret)
		goto out;
	/* --cert alone only reads NV: it needs no key, so makes none. */
	if (cert && !pem) {
		ret = print_ek_cert(a);
		goto out;
	}
	ret = pem ? attest_ek_pem(a, &text) : attest_ek_summary(a, &text);
	if (!ret && fputs(text, stdout) < 0)
		ret = EXIT_KERNEL;
	if (!ret && cert)
		ret = print_ek_cert(a);
out:
	free(text);
	attest_close(a);
	return ret;
}
