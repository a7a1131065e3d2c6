// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb ek: find or create the TPM 2.0 endorsement key, print its public
 * key as PEM, and the EK certificate the manufacturer left in NV.
 */
#include <getopt.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "encoding.h"
#include "subcommands.h"
#include "tpm12_flows.h"
#include "tpm2_flows.h"

/* The EK certificate as PEM; NV may hold more than the certificate. */
static int print_ek_cert(struct tpm2_ctx *ctx)
{
	const unsigned char *p;
	uint8_t *der = NULL;
	X509 *cert;
	size_t len = 0;
	int ret;

	ret = tpm2_flow_ek_cert(ctx, &der, &len);
	if (ret)
		return ret;
	/* Parsing finds the certificate's own length: NV may be padded. */
	p = der;
	cert = d2i_X509(NULL, &p, (long)len);
	if (cert) {
		ret = PEM_write_X509(stdout, cert) ? 0 : EXIT_KERNEL;
		X509_free(cert);
	} else {
		fprintf(stderr,
			"xenmb: NV 0x%08X does not hold a DER X.509 "
			"certificate; printing its bytes as PEM\n",
			TPM2_EK_CERT_RSA_NV);
		ret = PEM_write(stdout, "CERTIFICATE", "", der, (long)len)
			  ? 0
			  : EXIT_KERNEL;
	}
	free(der);
	return ret;
}

/* The TPM 1.2 EK certificate as PEM. */
static int print_ek_cert12(struct t12 *c)
{
	const unsigned char *p;
	uint8_t *der = NULL;
	X509 *cert;
	size_t len = 0;
	int ret;

	ret = tpm12_flow_ek_cert(c, &der, &len);
	if (ret)
		return ret;
	p = der;
	cert = d2i_X509(NULL, &p, (long)len);
	if (!cert) {
		fprintf(stderr,
			"xenmb: NV 0x%08X: the EK certificate is not "
			"DER X.509\n",
			TPM12_NV_INDEX_EK_CERT);
		ret = EXIT_NO_EK_CERT;
	} else {
		ret = PEM_write_X509(stdout, cert) ? 0 : EXIT_KERNEL;
	}
	X509_free(cert);
	free(der);
	return ret;
}

/* ek [--pem] [--cert] on a TPM 1.2, through tpm12_flows.h. */
static int ek12(bool pem, bool cert)
{
	uint8_t sha1[TPM12_DIGEST_LEN];
	char hex[2 * TPM12_DIGEST_LEN + 1], *text = NULL;
	struct tpm12_key_info k;
	struct t12 *c;
	int ret;

	ret = tpm12_open(&c, NULL);
	if (ret)
		return ret;
	/* --cert alone only reads NV, as for TPM 2.0. */
	if (cert && !pem) {
		ret = print_ek_cert12(c);
		goto out;
	}
	ret = tpm12_flow_ek(c, &k);
	if (ret)
		goto out;
	if (pem) {
		if (tpm12_key_to_pem(&k, &text) || fputs(text, stdout) < 0) {
			fprintf(stderr, "xenmb: cannot write the EK as PEM\n");
			ret = EXIT_KERNEL;
		}
	} else {
		if (tpm12_key_pubkey_sha1(&k, sha1)) {
			ret = EXIT_KERNEL;
			goto out;
		}
		hex_encode_to(sha1, TPM12_DIGEST_LEN, hex);
		printf("ek: TPM 1.2 endorsement key, RSA-%u\n"
		       "pubkey_sha1: %s\n",
		       k.key_bits, hex);
	}
	if (!ret && cert)
		ret = print_ek_cert12(c);
out:
	free(text);
	tpm12_close(c);
	return ret;
}

int cmd_ek(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"pem", no_argument, NULL, 'p'},
	    {"cert", no_argument, NULL, 'c'},
	    TPM2_TCTI_OPTION,
	    {NULL, 0, NULL, 0},
	};
	struct tpm2_key ek = {0};
	bool pem = false, cert = false;
	const char *tcti = NULL;
	struct tpm2_ctx ctx;
	char *hex = NULL;
	int c, ret;

	while ((c = getopt_long(argc, argv, "pcT:", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pem = true;
			break;
		case 'c':
			cert = true;
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
	if (!tcti && tpm12_is_family())
		return ek12(pem, cert);

	ret = tpm2_open(&ctx, tcti);
	if (ret)
		return ret;
	/* --cert alone only reads NV: it needs no key, so makes none. */
	if (cert && !pem) {
		ret = print_ek_cert(&ctx);
		goto out;
	}
	ret = tpm2_flow_ek(&ctx, &ek);
	if (ret)
		goto out;
	if (pem) {
		if (tpm2_write_pem(ek.pub, stdout)) {
			fprintf(stderr, "xenmb: cannot write the EK as PEM\n");
			ret = EXIT_KERNEL;
		}
	} else {
		hex = hex_encode(ek.name->name, ek.name->size);
		printf("ek: 0x%08x (%s)\nname: %s\n", TPM2_EK_HANDLE,
		       ek.created ? "created" : "found", hex ? hex : "?");
	}
	if (!ret && cert)
		ret = print_ek_cert(&ctx);
out:
	free(hex);
	tpm2_key_release(&ek);
	tpm2_close(&ctx);
	return ret;
}
