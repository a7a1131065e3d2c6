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
#include "tpm2_esys.h"

/* TPM2_PT_NV_BUFFER_MAX: how much one TPM2_NV_Read may return. */
static int nv_buffer_max(struct tpm2_ctx *ctx, uint16_t *max)
{
	uint32_t value;
	bool present;
	int ret;

	ret = tpm2_property(ctx, TPM2_PT_NV_BUFFER_MAX, &value, &present);
	if (ret)
		return ret;
	*max = 512; /* the PC Client minimum, should the TPM not say */
	if (present && value)
		*max = (uint16_t)value;
	if (*max > sizeof(((TPM2B_MAX_NV_BUFFER *)0)->buffer))
		*max = sizeof(((TPM2B_MAX_NV_BUFFER *)0)->buffer);
	return 0;
}

/* Reads the whole NV index @index, authorized by itself (AUTHREAD). */
static int nv_read_all(struct tpm2_ctx *ctx, TPM2_HANDLE index, uint8_t **out,
		       size_t *len)
{
	TPM2B_NV_PUBLIC *pub = NULL;
	ESYS_TR nv = ESYS_TR_NONE;
	uint16_t size, off = 0, chunk = 512;
	uint8_t *buf = NULL;
	TSS2_RC rc;
	int ret;

	ret = nv_buffer_max(ctx, &chunk);
	if (ret)
		return ret;
	rc = Esys_TR_FromTPMPublic(ctx->esys, index, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, &nv);
	if (!rc)
		rc = Esys_NV_ReadPublic(ctx->esys, nv, ESYS_TR_NONE,
					ESYS_TR_NONE, ESYS_TR_NONE, &pub, NULL);
	if (rc) {
		ret = tpm2_fail("TPM2_NV_ReadPublic (EK certificate)", rc);
		goto out;
	}
	size = pub->nvPublic.dataSize;
	buf = malloc(size ? size : 1);
	if (!buf) {
		ret = EXIT_KERNEL;
		goto out;
	}
	while (off < size) {
		TPM2B_MAX_NV_BUFFER *data = NULL;
		uint16_t n = size - off < chunk ? size - off : chunk;

		rc = Esys_NV_Read(ctx->esys, nv, nv, ESYS_TR_PASSWORD,
				  ESYS_TR_NONE, ESYS_TR_NONE, n, off, &data);
		if (rc || data->size != n) {
			Esys_Free(data);
			ret = tpm2_fail("TPM2_NV_Read (EK certificate)",
					rc ? rc
					   : TSS2_ESYS_RC_MALFORMED_RESPONSE);
			goto out;
		}
		memcpy(buf + off, data->buffer, n);
		off += n;
		Esys_Free(data);
	}
	*out = buf;
	*len = size;
	buf = NULL;
out:
	free(buf);
	Esys_Free(pub);
	tpm2_forget(ctx, &nv);
	return ret;
}

static int print_ek_cert(struct tpm2_ctx *ctx)
{
	const unsigned char *p;
	uint8_t *der = NULL;
	X509 *cert;
	bool exists;
	size_t len = 0;
	int ret;

	ret = tpm2_handle_exists(ctx, TPM2_EK_CERT_RSA_NV, &exists);
	if (ret)
		return ret;
	if (!exists) {
		fprintf(stderr, "xenmb: no EK certificate in NV 0x%08X\n",
			TPM2_EK_CERT_RSA_NV);
		return EXIT_NO_EK_CERT;
	}
	ret = nv_read_all(ctx, TPM2_EK_CERT_RSA_NV, &der, &len);
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

int cmd_ek(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"pem", no_argument, NULL, 'p'},
	    {"cert", no_argument, NULL, 'c'},
	    TPM2_TCTI_OPTION,
	    {NULL, 0, NULL, 0},
	};
	struct tpm2_auth auth = {0};
	bool pem = false, cert = false, created;
	const char *tcti = NULL;
	TPM2B_PUBLIC *pub = NULL;
	TPM2B_NAME *name = NULL;
	ESYS_TR ek = ESYS_TR_NONE;
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
		return tpm12_ek(pem, cert);

	ret = tpm2_open(&ctx, tcti);
	if (ret)
		return ret;
	/* --cert alone only reads NV: it needs no key, so makes none. */
	if (cert && !pem) {
		ret = print_ek_cert(&ctx);
		goto out;
	}
	ret = tpm2_ek_get(&ctx, &auth, &ek, &created);
	if (!ret)
		ret = tpm2_read_public(&ctx, ek, &pub, &name);
	if (ret)
		goto out;
	if (pem) {
		if (tpm2_write_pem(pub, stdout)) {
			fprintf(stderr, "xenmb: cannot write the EK as PEM\n");
			ret = EXIT_KERNEL;
		}
	} else {
		hex = hex_encode(name->name, name->size);
		printf("ek: 0x%08x (%s)\nname: %s\n", TPM2_EK_HANDLE,
		       created ? "created" : "found", hex ? hex : "?");
	}
	if (!ret && cert)
		ret = print_ek_cert(&ctx);
out:
	free(hex);
	Esys_Free(pub);
	Esys_Free(name);
	tpm2_forget(&ctx, &ek);
	tpm2_close(&ctx);
	tpm2_auth_clear(&auth);
	return ret;
}
