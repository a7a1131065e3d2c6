// SPDX-License-Identifier: GPL-2.0
/*
 * xentpm: the seed product's command line (/opt/xensource/tpm/xentpm),
 * kept compatible, on the attestation layer (attest.h), which picks the
 * TPM family. The same program as xenmb: main() comes here when it is
 * called by the name "xentpm".
 *
 * The convention callers (the xapi plugin "tpm") depend on: the result on
 * stdout in the original tool's format, exit 0; on failure exit 1 and only
 * a decimal error code on stderr, without a newline. The messages of a
 * failed step go to syslog (ident "xentpm"), as the original logged there;
 * on a terminal they are shown too. Codes: xentpm_code() and the README.
 */
/* glibc's own feature macro, reserved for exactly this use. */
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
#define _GNU_SOURCE /* open_memstream */
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "attest.h"
#include "encoding.h"
#include "exit_codes.h"
#include "report.h"
#include "subcommands.h"

/*
 * Error codes on stderr. The first five are the original tool's. -11 (a
 * build without the flow) no longer occurs: every flow is linked in.
 */
enum {
	XENTPM_E_AUTHFAIL = 1,	    /* owner authorization failed */
	XENTPM_E_BAD_PARAMETER = 3, /* options or arguments wrong */
	XENTPM_E_INTERNAL = -3,
	XENTPM_E_CERT = -4,	   /* no EK certificate in NV */
	XENTPM_E_NO_TPM = -10,	   /* /dev/xenmb or the TCTI cannot be opened */
	XENTPM_E_NOT_FOR_US = -12, /* challenge made for another EK or AK */
	XENTPM_E_BAD_CHALLENGE = -13, /* not a tpm2_makecredential blob */
};

/*
 * One step's messages, kept until the step's outcome is known: a step
 * that succeeds logs nothing (what it said was on the way, e.g. a
 * credential that did not decrypt with one key), one that fails logs all.
 * Two sources write them: the flows, through xenmb_error(), and the
 * libraries below them (tpm2-tss's log and its TCTIs), which write to
 * the C stream stderr. So for a step stderr itself is pointed at a
 * memory stream, and the flows' handler writes into the same stream:
 * both keep their order, as they had on the one captured stderr.
 */
struct step {
	FILE *saved;
	FILE *buf;
	char *text;
	size_t len;
};

static void step_collect(const char *text, void *arg)
{
	struct step *s = arg;

	fputs(text, s->buf);
}

static void step_begin(struct step *s)
{
	fflush(stderr);
	s->text = NULL;
	s->len = 0;
	s->saved = stderr;
	s->buf = open_memstream(&s->text, &s->len);
	if (s->buf) {
		stderr = s->buf;
		xenmb_error_handler(step_collect, s);
	}
	attest_last_tpm_rc_clear();
}

/* The messages: to syslog, and to a terminal if there is one. */
static void report(const char *text)
{
	char *copy, *line, *save = NULL;

	if (!text || !*text)
		return;
	if (isatty(STDERR_FILENO))
		fputs(text, stderr);
	copy = strdup(text);
	if (!copy)
		return;
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		syslog(LOG_ERR, "%s", line);
	free(copy);
}

/* The code on stderr for a flow's exit code. */
static int xentpm_code(int exit_code)
{
	uint32_t rc;
	bool auth;

	switch (exit_code) {
	case EXIT_TPM_ERROR:
		/* TPM 1.2 codes as the original: 6 deactivated, 7 disabled. */
		if (!attest_last_tpm_rc(&rc, &auth))
			return XENTPM_E_INTERNAL;
		return auth ? XENTPM_E_AUTHFAIL : (int)rc;
	case EXIT_USAGE:
		return XENTPM_E_BAD_PARAMETER;
	case EXIT_NO_DEVICE:
		return XENTPM_E_NO_TPM;
	case EXIT_NO_EK_CERT:
		return XENTPM_E_CERT;
	case EXIT_BAD_AUTH:
		return XENTPM_E_AUTHFAIL;
	case EXIT_NOT_FOR_US:
		return XENTPM_E_NOT_FOR_US;
	case EXIT_BAD_CRED:
		return XENTPM_E_BAD_CHALLENGE;
	default:
		return XENTPM_E_INTERNAL;
	}
}

/* Ends the step with exit code @ret: 0, or the xentpm code for it. */
static int step_end(struct step *s, int ret)
{
	if (s->buf) {
		xenmb_error_handler(NULL, NULL);
		stderr = s->saved;
		fclose(s->buf);
	}
	if (ret)
		report(s->text);
	free(s->text);
	return ret ? xentpm_code(ret) : 0;
}

/*
 * Base64 as the original printed it (OpenSSL's BIO: lines of 64
 * characters, the last newline dropped).
 */
static int print_base64(const uint8_t *data, size_t len)
{
	char line[65];
	size_t off;

	if (!len)
		return 0;
	for (off = 0; off < len; off += 48) {
		size_t n = len - off < 48 ? len - off : 48;

		EVP_EncodeBlock((unsigned char *)line, data + off, (int)n);
		printf("%s%s", off ? "\n" : "", line);
	}
	return fflush(stdout) ? XENTPM_E_INTERNAL : 0;
}

/* The original's own check of its base64 arguments. */
static bool is_base64(const char *text)
{
	size_t len;
	uint8_t *bytes = base64_decode(text, &len);

	free(bytes);
	return bytes != NULL;
}

/* The TPM behind every step of this run (xentpm_main). */
static struct attest *tpm;

/*
 * The original's result is the status itself: exit 0 when the TPM is not
 * owned, exit 1 with "1" on stderr when it is (TPM 2.0: owner,
 * endorsement and lockout auth set).
 */
static int do_is_owned(void)
{
	struct step s;
	bool owned = false;
	int ret;

	step_begin(&s);
	ret = step_end(&s, attest_owner_owned(tpm, &owned));
	return ret ? ret : owned;
}

static int do_take_ownership(void)
{
	struct step s;
	bool taken;

	step_begin(&s);
	return step_end(&s, attest_owner_take(tpm, &taken));
}

/* Prints @text (@len bytes) as it is, once the step @ret succeeded. */
static int print_text(int ret, const char *text, size_t len)
{
	if (!ret && fwrite(text, 1, len, stdout) != len)
		ret = XENTPM_E_INTERNAL;
	return ret;
}

static int do_get_ekey(void)
{
	struct step s;
	char *pem = NULL;
	int ret;

	step_begin(&s);
	ret = step_end(&s, attest_ek_pem(tpm, &pem));
	ret = print_text(ret, pem, pem ? strlen(pem) : 0);
	free(pem);
	return ret;
}

/* The EK certificate as the original printed it: base64 of the DER. */
static int do_ekcert(void)
{
	struct step s;
	uint8_t *der = NULL;
	size_t len = 0;
	int ret;

	step_begin(&s);
	ret = step_end(&s, attest_ek_cert(tpm, &der, &len));
	if (!ret)
		ret = print_base64(der, len);
	free(der);
	return ret;
}

/* The host certificate went into the 1.2 AIK's label; 2.0 has none. */
static int do_gen_aik(void)
{
	struct step s;

	step_begin(&s);
	return step_end(&s, attest_ak(tpm));
}

static int do_get_aik_pem(void)
{
	struct step s;
	char *pem = NULL;
	int ret;

	step_begin(&s);
	ret = step_end(&s, attest_ak_pem(tpm, &pem));
	ret = print_text(ret, pem, pem ? strlen(pem) : 0);
	free(pem);
	return ret;
}

/* The AK's public part, base64: TPM 2.0's TPM2B_PUBLIC, 1.2's TCPA blob. */
static int do_aik_tcpa(void)
{
	struct step s;
	uint8_t *blob = NULL;
	size_t len = 0;
	int ret;

	step_begin(&s);
	ret = step_end(&s, attest_ak_public(tpm, &blob, &len));
	if (!ret)
		ret = print_base64(blob, len);
	free(blob);
	return ret;
}

/*
 * The quote, base64 (attest_quote_compat()): on a TPM 2.0 the JSON of
 * 'xenmb quote --json' (the nonce, TPMS_ATTEST, TPMT_SIGNATURE, the AK's
 * name, the PCR values and the SRTM and DRTM event logs: what a verifier
 * needs besides the AK); on a TPM 1.2 the original's blob.
 */
static int do_quote(const char *nonce)
{
	struct step s;
	uint8_t *out = NULL;
	size_t len = 0;
	int ret;

	if (!is_base64(nonce))
		return XENTPM_E_BAD_PARAMETER;
	step_begin(&s);
	ret = step_end(&s, attest_quote_compat(tpm, nonce, &out, &len));
	if (!ret)
		ret = print_base64(out, len);
	free(out);
	return ret;
}

/* The recovered secret, base64, as the original printed it. */
static int do_challenge(const char *challenge)
{
	uint8_t *buf = NULL, *secret = NULL;
	size_t len = 0, secret_len = 0;
	struct step s;
	int ret;

	if (!is_base64(challenge))
		return XENTPM_E_BAD_PARAMETER;
	step_begin(&s);
	ret = attest_challenge_decode(tpm, challenge, &buf, &len);
	if (!ret)
		ret = attest_challenge(tpm, buf, len, &secret, &secret_len);
	ret = step_end(&s, ret);
	free(buf);
	if (!ret)
		ret = print_base64(secret, secret_len);
	/* The recovered secret is a credential: do not leave it around. */
	if (secret)
		explicit_bzero(secret, secret_len);
	free(secret);
	return ret;
}

static int do_set_asset_tag(const char *text)
{
	uint8_t tag[ATTEST_ASSET_TAG_MAX];
	size_t tag_len = 0;
	uint32_t nv_index;
	struct step s;
	int ret;

	step_begin(&s);
	/* Refused before the TPM is touched: the old tag stays. */
	ret = attest_asset_tag_parse(text, tag, &tag_len);
	if (!ret)
		ret = attest_asset_tag_set(tpm, tag, tag_len, &nv_index);
	return step_end(&s, ret);
}

static int do_clear_asset_tag(void)
{
	struct step s;
	bool was_set;

	step_begin(&s);
	return step_end(&s, attest_asset_tag_clear(tpm, &was_set));
}

/*
 * Ownership first (attest_owner_ensure()), as the original took it on a
 * TPM 1.2 before each of these flows.
 */
static int ensure_owned(void)
{
	struct step s;

	step_begin(&s);
	return step_end(&s, attest_owner_ensure(tpm));
}

static const char usage_text[] =
    "usage: xentpm --is_tpm_owned\n"
    "              --take_ownership\n"
    "              --get_ekey\n"
    "              --get_ekcert\n"
    "              --gen_aik [<xencert_base64>]\n"
    "              --get_aik_pem\n"
    "              --get_aik_tcpa\n"
    "              --tpm_challenge <challenge_base64>\n"
    "              --tpm_quote <nonce_base64>\n"
    "              --tpm_set_asset_tag <tag>\n"
    "              --tpm_clear_asset_tag\n";

/*
 * Options that took ownership first in the original (TPM 1.2), given
 * arguments that pass their checks: a usage error changes nothing.
 */
static bool needs_owner(int nargs, char **argv)
{
	static const char *const plain[] = {
	    "--get_ekey",     "--get_ekcert", "--get_aik_pem",
	    "--get_aik_tcpa", NULL,
	};
	const char *const *o;

	if (!strcmp(argv[1], "--tpm_quote"))
		return nargs == 1 && is_base64(argv[2]);
	if (!strcmp(argv[1], "--gen_aik"))
		return !nargs || (nargs == 1 && is_base64(argv[2]));
	for (o = plain; *o; o++)
		if (!strcmp(argv[1], *o))
			return !nargs;
	return false;
}

static int dispatch(int argc, char **argv)
{
	const char *opt = argc > 1 ? argv[1] : "";
	int nargs = argc - 2, ret;

	if (argc > 1 && needs_owner(nargs, argv)) {
		ret = ensure_owned();
		if (ret)
			return ret;
	}

	/* Each option alone, with exactly its arguments, as the original. */
	if (!strcmp(opt, "--is_tpm_owned") && !nargs)
		return do_is_owned();
	if (!strcmp(opt, "--take_ownership") && !nargs)
		return do_take_ownership();
	if (!strcmp(opt, "--get_ekey") && !nargs)
		return do_get_ekey();
	if (!strcmp(opt, "--get_ekcert") && !nargs)
		return do_ekcert();
	if (!strcmp(opt, "--gen_aik") && nargs <= 1) {
		if (nargs == 1 && !is_base64(argv[2]))
			return XENTPM_E_BAD_PARAMETER;
		return do_gen_aik();
	}
	if (!strcmp(opt, "--get_aik_pem") && !nargs)
		return do_get_aik_pem();
	if (!strcmp(opt, "--get_aik_tcpa") && !nargs)
		return do_aik_tcpa();
	if (!strcmp(opt, "--tpm_challenge") && nargs == 1)
		return do_challenge(argv[2]);
	if (!strcmp(opt, "--tpm_quote") && nargs == 1)
		return do_quote(argv[2]);
	if (!strcmp(opt, "--tpm_set_asset_tag") && nargs == 1)
		return do_set_asset_tag(argv[2]);
	if (!strcmp(opt, "--tpm_clear_asset_tag") && !nargs)
		return do_clear_asset_tag();
	if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
		fputs(usage_text, stdout);
		return 0;
	}
	fputs(usage_text, stdout);
	return XENTPM_E_BAD_PARAMETER;
}

bool xentpm_invoked(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	return !strcmp(base ? base + 1 : argv0, "xentpm");
}

int xentpm_main(int argc, char **argv)
{
	int status;

	openlog("xentpm", LOG_PID, LOG_USER);
	/* The family is picked for every option, as the original probed. */
	status =
	    attest_open(&tpm, NULL) ? XENTPM_E_INTERNAL : dispatch(argc, argv);
	attest_close(tpm);
	tpm = NULL;
	closelog();
	fflush(stdout);
	if (!status)
		return 0;
	/* Codes can exceed 255: the number goes to stderr, the exit is 1. */
	fprintf(stderr, "%d", status);
	return 1;
}
