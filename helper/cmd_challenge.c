// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb challenge: TPM2_ActivateCredential for a credential an attestation
 * server made with tpm2_makecredential for this host's EK public key and
 * AK name. Only this TPM, holding both keys, can recover the secret, so
 * the server learns that the AK it was shown lives beside that EK.
 *
 * The input is the file tpm2_makecredential -o writes (tpm2-tools 5.4,
 * tools/tpm2_makecredential.c and lib/files.c), read by
 * tpm2_cred_file_parse(). The xapi plugin passes it base64-encoded.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "encoding.h"
#include "files.h"
#include "subcommands.h"
#include "tpm12_attest.h"
#include "tpm12_challenge.h"
#include "tpm12_flows.h"
#include "tpm2_flows.h"
#include "tpm2_parse.h"

/*
 * Strict base64 into @out (at most @size bytes). White space is skipped:
 * a server may pass base64(1)'s output, wrapped every 76 characters.
 * Returns the decoded length (more than @size: nothing copied) or -1.
 */
static long decode_b64(const char *text, uint8_t *out, size_t size)
{
	size_t len;
	uint8_t *dec = base64_decode(text, &len);

	if (!dec || !len) {
		free(dec);
		return -1;
	}
	/* Too long for @size: the count alone tells the caller. */
	if (len <= size)
		memcpy(out, dec, len);
	free(dec);
	return (long)len;
}

/* Reads all of @path, at most @size bytes; the count, or -1 (said why). */
static long read_file(const char *path, uint8_t *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "xenmb: cannot open %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	/* One byte more than fits, so an oversized file is noticed. */
	n = fread(buf, 1, size, f);
	if (n == size && fgetc(f) != EOF)
		n = size + 1;
	if (ferror(f)) {
		fprintf(stderr, "xenmb: cannot read %s: %s\n", path,
			strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	return (long)n;
}

/* The secret of the TPM 1.2 identity challenge @buf, printed. */
static int activate12(const uint8_t *buf, size_t len, bool raw, bool json)
{
	struct tpm12_challenge ch;
	uint8_t *secret = NULL;
	size_t secret_len = 0;
	const char *why;
	struct t12 *c;
	int ret;

	/* Checked before the TPM is asked, as the TPM 2.0 credential is. */
	why = tpm12_challenge_parse(buf, len, &ch);
	if (why) {
		fprintf(stderr,
			"xenmb: the challenge is not a TPM 1.2 identity "
			"challenge: %s; see 'xenmb --help'\n",
			why);
		return EXIT_BAD_CRED;
	}
	ret = tpm12_open(&c, NULL);
	if (ret)
		return ret;
	ret = tpm12_flow_challenge(c, &ch, &secret, &secret_len);
	tpm12_close(c);
	if (!ret)
		ret = cli_print_secret(secret, secret_len, raw, json);
	/* The recovered secret is a credential: do not leave it around. */
	if (secret)
		explicit_bzero(secret, secret_len);
	free(secret);
	return ret;
}

/*
 * TPM 1.2: the challenge the original servers build (tpm12_attest.h), from
 * @path or base64 @text; its credential may be a certificate, larger than
 * any TPM 2.0 one.
 */
static int challenge12(const char *path, const char *text, bool raw, bool json)
{
	uint8_t *buf;
	size_t len;
	int ret;

	if (path) {
		ret = files_read_bounded(path, FILES_READ_MAX, &buf, &len);
		if (ret) {
			fprintf(stderr, "xenmb: cannot read %s: %s\n", path,
				strerror(-ret));
			return EXIT_USAGE;
		}
	} else {
		buf = base64_decode(text, &len);
		if (!buf || !len) {
			free(buf);
			return cli_usage_error("the challenge is not base64 of "
					       "a TPM 1.2 identity challenge");
		}
	}
	ret = activate12(buf, len, raw, json);
	free(buf);
	return ret;
}

int cmd_challenge(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"file", required_argument, NULL, 'f'},
	    {"raw", no_argument, NULL, 'r'},
	    {"json", no_argument, NULL, 'j'},
	    TPM2_TCTI_OPTION,
	    {NULL, 0, NULL, 0},
	};
	const char *tcti = NULL, *path = NULL, *why;
	uint8_t buf[TPM2_CRED_FILE_MAX];
	TPM2B_ENCRYPTED_SECRET secret;
	TPM2B_DIGEST recovered = {0};
	TPM2B_ID_OBJECT blob;
	bool raw = false, json = false;
	struct tpm2_ctx ctx;
	long len;
	int c, ret;

	while ((c = getopt_long(argc, argv, "f:rjT:", opts, NULL)) != -1) {
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

	if (!tcti && tpm12_is_family())
		return challenge12(path, argv[optind], raw, json);
	if (path) {
		len = read_file(path, buf, sizeof(buf));
		if (len < 0)
			return EXIT_USAGE;
	} else {
		len = decode_b64(argv[optind], buf, sizeof(buf));
		if (len < 0)
			return cli_usage_error(
			    "the challenge is not base64 of a "
			    "tpm2_makecredential file");
	}
	why = (size_t)len > sizeof(buf)
		  ? "it is larger than any credential"
		  : tpm2_cred_file_parse(buf, (size_t)len, &blob, &secret);
	if (why) {
		fprintf(stderr,
			"xenmb: the challenge is not a tpm2_makecredential "
			"credential: %s; see 'xenmb --help'\n",
			why);
		return EXIT_BAD_CRED;
	}

	/*
	 * A credential for another key is an expected answer, said in one
	 * line below: keep ESAPI from logging it as an error first (unless
	 * the caller asked for ESAPI's log).
	 */
	setenv("TSS2_LOG", "esys+none", 0);
	ret = tpm2_open(&ctx, tcti);
	if (ret)
		return ret;
	ret = tpm2_flow_challenge(&ctx, &blob, &secret, &recovered);
	tpm2_close(&ctx);
	if (ret)
		return ret;
	ret = cli_print_secret(recovered.buffer, recovered.size, raw, json);
	/* The recovered secret is a credential: do not leave it around. */
	explicit_bzero(&recovered, sizeof(recovered));
	return ret;
}
