// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb ak: find or create the attestation key (a restricted RSA-2048
 * RSASSA-SHA256 signing key under the EK, persistent at 0x81018000) and
 * export its public part as PEM, as a marshaled TPM2B_PUBLIC (what
 * tpm2_createak -u writes) and as its name (what tpm2_makecredential -n
 * takes).
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "encoding.h"
#include "files.h"
#include "subcommands.h"
#include "tpm12_attest.h"
#include "tpm12_flows.h"
#include "tpm2_flows.h"

/* ak [--pem] [--public FILE] [--name] on a TPM 1.2 (tpm12_attest.h). */
static int ak12(bool pem, const char *public_path, bool show_name)
{
	char hex[2 * TPM12_DIGEST_LEN + 1], *text = NULL;
	struct tpm12_aik *aik = calloc(1, sizeof(*aik));
	struct tpm12_blob pub;
	struct t12 *c;
	int ret;

	if (!aik)
		return EXIT_KERNEL;
	ret = tpm12_open(&c, NULL);
	if (ret) {
		free(aik);
		return ret;
	}
	ret = tpm12_flow_ak(c, aik);
	if (ret)
		goto out;
	tpm12_key_pubkey_sha1_hex(&aik->info, hex);
	/* The TCPA blob: the TPM_PUBKEY, as the original exported. */
	if (public_path) {
		ret = tpm12_aik_pubkey(aik, &pub);
		if (!ret)
			ret = files_write_atomic(public_path, pub.data, pub.len,
						 0644);
		if (ret)
			goto out;
	}
	if (pem &&
	    (tpm12_key_to_pem(&aik->info, &text) || fputs(text, stdout) < 0)) {
		fprintf(stderr, "xenmb: cannot write the AIK as PEM\n");
		ret = EXIT_KERNEL;
		goto out;
	}
	if (show_name)
		printf("%s\n", hex);
	if (!pem && !show_name)
		printf("ak: TPM 1.2 AIK, RSA-%u, %s (%s)\npubkey_sha1: %s\n",
		       aik->info.key_bits, TPM12_AIK_PATH,
		       aik->created ? "created" : "found", hex);
out:
	free(text);
	tpm12_close(c);
	explicit_bzero(aik, sizeof(*aik));
	free(aik);
	return ret;
}

int cmd_ak(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"pem", no_argument, NULL, 'p'},
	    {"public", required_argument, NULL, 'u'},
	    {"name", no_argument, NULL, 'n'},
	    TPM2_TCTI_OPTION,
	    {NULL, 0, NULL, 0},
	};
	bool pem = false, show_name = false;
	const char *tcti = NULL, *public_path = NULL;
	uint8_t blob[sizeof(TPM2B_PUBLIC)];
	struct tpm2_key ak = {0};
	struct tpm2_ctx ctx;
	char *hex = NULL;
	size_t len = 0;
	int c, ret;

	while ((c = getopt_long(argc, argv, "pu:nT:", opts, NULL)) != -1) {
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
		case 'T':
			tcti = optarg;
			break;
		default:
			return cli_usage_error("unknown option to 'ak'");
		}
	}
	if (optind != argc)
		return cli_usage_error("'ak' takes no arguments");
	if (!tcti && tpm12_is_family())
		return ak12(pem, public_path, show_name);

	ret = tpm2_open(&ctx, tcti);
	if (ret)
		return ret;
	ret = tpm2_flow_ak(&ctx, &ak);
	if (ret)
		goto out;
	hex = hex_encode(ak.name->name, ak.name->size);
	if (!hex) {
		ret = EXIT_KERNEL;
		goto out;
	}
	if (public_path) {
		ret = tpm2_ak_public_blob(&ak, blob, sizeof(blob), &len);
		if (!ret)
			ret = xenmb_write_file(public_path, blob, len);
		if (ret)
			goto out;
	}
	if (pem && tpm2_write_pem(ak.pub, stdout)) {
		fprintf(stderr, "xenmb: cannot write the AK as PEM\n");
		ret = EXIT_KERNEL;
		goto out;
	}
	if (show_name)
		printf("%s\n", hex);
	if (!pem && !show_name)
		printf("ak: 0x%08x (%s)\nname: %s\n", TPM2_AK_HANDLE,
		       ak.created ? "created" : "found", hex);
out:
	free(hex);
	tpm2_key_release(&ak);
	tpm2_close(&ctx);
	return ret;
}
