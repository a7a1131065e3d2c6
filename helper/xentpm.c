// SPDX-License-Identifier: GPL-2.0
/*
 * xentpm: the seed product's command line (/opt/xensource/tpm/xentpm),
 * kept compatible, on the xenmb subcommands. The same program as xenmb:
 * main() comes here when it is called by the name "xentpm".
 *
 * The convention callers (the xapi plugin "tpm") depend on: the result on
 * stdout in the original tool's format, exit 0; on failure exit 1 and only
 * a decimal error code on stderr, without a newline. The subcommands' own
 * messages go to syslog (ident "xentpm"), as the original logged there;
 * on a terminal they are shown too. Codes: xentpm_code() and the README.
 */
/* glibc's own feature macro, reserved for exactly this use. */
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "encoding.h"
#include "exit_codes.h"
#include "files.h"
#include "subcommands.h"
#include "tpm12_flows.h"
#include "tpm2_esys.h"

/* Error codes on stderr. The first five are the original tool's. */
enum {
	XENTPM_E_AUTHFAIL = 1,	    /* owner authorization failed */
	XENTPM_E_BAD_PARAMETER = 3, /* options or arguments wrong */
	XENTPM_E_INTERNAL = -3,
	XENTPM_E_CERT = -4,    /* no EK certificate in NV */
	XENTPM_E_NO_TPM = -10, /* /dev/xenmb or the TCTI cannot be opened */
	XENTPM_E_UNAVAILABLE = -11,   /* this build lacks the flow */
	XENTPM_E_NOT_FOR_US = -12,    /* challenge made for another EK or AK */
	XENTPM_E_BAD_CHALLENGE = -13, /* not a tpm2_makecredential blob */
};

/*
 * Flows other parts of the helper provide. Weak: until they are linked in,
 * the option fails with XENTPM_E_UNAVAILABLE rather than pretend.
 */
/* NOLINTBEGIN(readability-redundant-declaration): these add the weak
 * attribute to subcommands.h's declarations; they are not repeats. */
int cmd_owner(int argc, char **argv) __attribute__((weak));
int cmd_asset_tag(int argc, char **argv) __attribute__((weak));
int cmd_challenge(int argc, char **argv) __attribute__((weak));
/* NOLINTEND(readability-redundant-declaration) */

struct output {
	char *data;
	size_t len;
};

static void output_free(struct output *o)
{
	free(o->data);
	o->data = NULL;
	o->len = 0;
}

/* The whole of @fd (a memfd), from its start, NUL-terminated. */
static int slurp(int fd, struct output *o)
{
	off_t size = lseek(fd, 0, SEEK_END);
	ssize_t got;

	o->data = NULL;
	o->len = 0;
	if (size < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	o->data = malloc((size_t)size + 1);
	if (!o->data)
		return -1;
	while (o->len < (size_t)size) {
		got = read(fd, o->data + o->len, (size_t)size - o->len);
		if (got <= 0)
			break;
		o->len += (size_t)got;
	}
	o->data[o->len] = '\0';
	return 0;
}

/*
 * Runs one xenmb subcommand with its stdout and stderr going to memory.
 * Returns its exit code; *@out and *@err hold what it printed.
 */
static int run_captured(int (*cmd)(int, char **), char **argv,
			struct output *out, struct output *err)
{
	int argc = 0, fds[2], saved[2], i, ret;

	while (argv[argc])
		argc++;
	fflush(stdout);
	fflush(stderr);
	fds[0] = memfd_create("xentpm-stdout", MFD_CLOEXEC);
	fds[1] = memfd_create("xentpm-stderr", MFD_CLOEXEC);
	saved[0] = dup(STDOUT_FILENO);
	saved[1] = dup(STDERR_FILENO);
	if (fds[0] < 0 || fds[1] < 0 || saved[0] < 0 || saved[1] < 0 ||
	    dup2(fds[0], STDOUT_FILENO) < 0 ||
	    dup2(fds[1], STDERR_FILENO) < 0) {
		ret = EXIT_KERNEL;
		goto restore;
	}
	optind = 0; /* each subcommand runs getopt_long from the start */
	ret = cmd(argc, argv);
	fflush(stdout);
	fflush(stderr);
restore:
	for (i = 0; i < 2; i++) {
		if (saved[i] >= 0) {
			dup2(saved[i], i ? STDERR_FILENO : STDOUT_FILENO);
			close(saved[i]);
		}
	}
	if (fds[0] < 0 || slurp(fds[0], out))
		ret = ret ? ret : EXIT_KERNEL;
	if (fds[1] < 0 || slurp(fds[1], err))
		ret = ret ? ret : EXIT_KERNEL;
	for (i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return ret;
}

/* The subcommand's messages: to syslog, and to a terminal if there is one. */
static void report(const struct output *err)
{
	char *copy, *line, *save = NULL;

	if (!err->data || !err->len)
		return;
	if (isatty(STDERR_FILENO))
		fputs(err->data, stderr);
	copy = strdup(err->data);
	if (!copy)
		return;
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		syslog(LOG_ERR, "%s", line);
	free(copy);
}

/* TPM 2.0 authorization failures: what the original called TPM_E_AUTHFAIL. */
static bool auth_failure(TSS2_RC rc)
{
	if ((rc & TSS2_RC_LAYER_MASK) != TSS2_TPM_RC_LAYER)
		return false;
	rc &= ~TSS2_RC_LAYER_MASK;
	if (rc & 0x80) /* format one: the error is in the low 6 bits */
		rc &= 0xbf;
	return rc == TPM2_RC_BAD_AUTH || rc == TPM2_RC_AUTH_FAIL ||
	       rc == TPM2_RC_LOCKOUT;
}

/* The code on stderr for a subcommand's exit code. */
static int xentpm_code(int exit_code)
{
	switch (exit_code) {
	case EXIT_TPM_ERROR:
		/* TPM 1.2 codes as the original: 6 deactivated, 7 disabled. */
		if (!tpm2_last_rc && tpm12_last_rc)
			return (int)tpm12_last_rc;
		if (!tpm2_last_rc)
			return XENTPM_E_INTERNAL;
		if (auth_failure(tpm2_last_rc))
			return XENTPM_E_AUTHFAIL;
		return (int)tpm2_last_rc;
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

/* Runs a subcommand; 0 with its stdout in *@out, or an xentpm code. */
static int run(int (*cmd)(int, char **), char **argv, struct output *out)
{
	struct output err = {0};
	int ret;

	if (!cmd) {
		syslog(LOG_ERR, "'xenmb %s' is not in this build", argv[0]);
		if (isatty(STDERR_FILENO))
			fprintf(stderr,
				"xentpm: 'xenmb %s' is not in this build\n",
				argv[0]);
		return XENTPM_E_UNAVAILABLE;
	}
	tpm2_last_rc = 0;
	tpm12_last_rc = 0;
	ret = run_captured(cmd, argv, out, &err);
	if (ret)
		report(&err);
	output_free(&err);
	if (ret)
		output_free(out);
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

static bool is_base64(const char *text)
{
	size_t len;
	uint8_t *bytes = base64_decode(text, &len);

	free(bytes);
	return bytes != NULL;
}

/*
 * The original's result is the status itself: exit 0 when the TPM is not
 * owned, exit 1 with "1" on stderr when it is. Owned: 'xenmb owner
 * status' says "owned: yes" (owner, endorsement and lockout auth set).
 */
static int do_is_owned(void)
{
	char *argv[] = {"owner", "status", NULL};
	struct output out = {0};
	int ret = run(cmd_owner, argv, &out);

	/* run() returns 0 only with out.data filled; xentpm_code() never 0. */
	/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
	if (!ret && strstr(out.data, "owned: yes\n"))
		ret = 1;
	else if (!ret && !strstr(out.data, "owned: no\n"))
		ret = XENTPM_E_INTERNAL;
	output_free(&out);
	return ret;
}

/* Commands whose result is their success alone, nothing on stdout. */
static int do_quietly(int (*cmd)(int, char **), char **argv)
{
	struct output out = {0};
	int ret = run(cmd, argv, &out);

	output_free(&out);
	return ret;
}

/* Commands whose stdout is the result, unchanged (PEM keys). */
static int do_print(int (*cmd)(int, char **), char **argv)
{
	struct output out = {0};
	int ret = run(cmd, argv, &out);

	if (!ret && fwrite(out.data, 1, out.len, stdout) != out.len)
		ret = XENTPM_E_INTERNAL;
	output_free(&out);
	return ret;
}

/* The EK certificate as the original printed it: base64 of the DER. */
static int do_ekcert(void)
{
	char *argv[] = {"ek", "--cert", NULL};
	struct output out = {0};
	char *begin, *end;
	uint8_t *der;
	size_t len;
	int ret = run(cmd_ek, argv, &out);

	if (ret)
		return ret;
	/* As in do_is_owned(): out.data is set when run() returns 0. */
	/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
	begin = strstr(out.data, "-----BEGIN CERTIFICATE-----\n");
	end = begin ? strstr(begin, "-----END CERTIFICATE-----") : NULL;
	if (!end) {
		output_free(&out);
		return XENTPM_E_INTERNAL;
	}
	*end = '\0';
	der = base64_decode(begin + strlen("-----BEGIN CERTIFICATE-----\n"),
			    &len);
	ret = der ? print_base64(der, len) : XENTPM_E_INTERNAL;
	free(der);
	output_free(&out);
	return ret;
}

/* A private directory for the files a subcommand writes. */
static char *make_workdir(void)
{
	char *dir = strdup("/tmp/xentpm.XXXXXX");

	if (dir && !mkdtemp(dir)) {
		free(dir);
		dir = NULL;
	}
	return dir;
}

static void remove_workdir(char *dir, const char *const *files)
{
	char path[4096];

	for (; *files; files++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *files);
		unlink(path);
	}
	rmdir(dir);
	free(dir);
}

/*
 * Runs @cmd, whose @argv makes it write @path among @files in @dir, prints
 * that file base64 as the original printed its blobs, and removes @dir.
 */
static int run_print_file_base64(int (*cmd)(int, char **), char **argv,
				 char *dir, const char *path,
				 const char *const *files)
{
	struct output out = {0};
	uint8_t *blob;
	size_t len;
	int ret;

	ret = run(cmd, argv, &out);
	output_free(&out);
	if (!ret && files_read_bounded(path, FILES_READ_MAX, &blob, &len))
		ret = XENTPM_E_INTERNAL;
	if (!ret) {
		ret = print_base64(blob, len);
		free(blob);
	}
	remove_workdir(dir, files);
	return ret;
}

/* The AK's TPM2B_PUBLIC, base64: the TPM 2.0 counterpart of its TCPA blob. */
static int do_aik_tcpa(void)
{
	static const char *const files[] = {"ak.pub", NULL};
	char *dir = make_workdir(), path[4096];
	char *argv[] = {"ak", "--public", path, NULL};

	if (!dir)
		return XENTPM_E_INTERNAL;
	snprintf(path, sizeof(path), "%s/ak.pub", dir);
	return run_print_file_base64(cmd_ak, argv, dir, path, files);
}

/* /dev/xenmb's TPM is a TPM 1.2 (set once by xentpm_main). */
static bool tpm12;

/*
 * TPM 1.2: the original's quote blob, base64 (tpm12_attest.h): the
 * TPM_PCR_COMPOSITE of all PCRs, then the signature over TPM_QUOTE_INFO.
 */
static int do_quote12(char *nonce)
{
	static const char *const files[] = {"quote.bin", "aik.pem", "srtm.log",
					    "drtm.log", NULL};
	char *dir = make_workdir(), path[4096];
	char *argv[] = {"quote", "--nonce", nonce, "--out", dir, NULL};

	if (!dir)
		return XENTPM_E_INTERNAL;
	snprintf(path, sizeof(path), "%s/quote.bin", dir);
	return run_print_file_base64(cmd_quote, argv, dir, path, files);
}

/*
 * The original took ownership first in every flow but the challenge
 * (xentpm had to work on a fresh host): on a TPM 1.2, so does this one,
 * when no owner is installed. An owned TPM is left alone.
 */
static int ensure_owned12(void)
{
	int ret;

	if (!tpm12)
		return 0;
	ret = do_is_owned();
	if (ret == 1)
		return 0;
	if (ret)
		return ret;
	return do_quietly(cmd_owner, (char *[]){"owner", "take", NULL});
}

/*
 * The quote, base64 of the JSON 'xenmb quote --json' prints: the nonce,
 * TPMS_ATTEST, TPMT_SIGNATURE, the AK's name, the PCR values and the
 * SRTM and DRTM event logs (what a verifier needs besides the AK).
 */
static int do_quote(char *nonce)
{
	static const char *const files[] = {
	    "quote.msg", "quote.sig", "quote.pcrs", "ak.pem",
	    "srtm.log",	 "drtm.log",  NULL,
	};
	char *dir, *argv[] = {"quote", "--nonce", nonce, "--out",
			      NULL,    "--json",  NULL};
	struct output out = {0};
	int ret;

	if (!is_base64(nonce))
		return XENTPM_E_BAD_PARAMETER;
	if (tpm12)
		return do_quote12(nonce);
	dir = make_workdir();
	if (!dir)
		return XENTPM_E_INTERNAL;
	argv[4] = dir;
	ret = run(cmd_quote, argv, &out);
	if (!ret)
		ret = print_base64((const uint8_t *)out.data, out.len);
	output_free(&out);
	remove_workdir(dir, files);
	return ret;
}

/*
 * The recovered secret, base64, as the original printed it. 'xenmb
 * challenge' prints it in base64 on one line.
 */
static int do_challenge(char *challenge)
{
	char *argv[] = {"challenge", challenge, NULL};
	struct output out = {0};
	uint8_t *secret;
	size_t len;
	int ret;

	if (!is_base64(challenge))
		return XENTPM_E_BAD_PARAMETER;
	ret = run(cmd_challenge, argv, &out);
	if (ret)
		return ret;
	secret = base64_decode(out.data, &len);
	ret = secret ? print_base64(secret, len) : XENTPM_E_INTERNAL;
	free(secret);
	output_free(&out);
	return ret;
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
static bool needs_owner12(int nargs, char **argv)
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

	tpm12 = tpm12_is_family();
	if (tpm12 && argc > 1 && needs_owner12(nargs, argv)) {
		ret = ensure_owned12();
		if (ret)
			return ret;
	}

	/* Each option alone, with exactly its arguments, as the original. */
	if (!strcmp(opt, "--is_tpm_owned") && !nargs)
		return do_is_owned();
	if (!strcmp(opt, "--take_ownership") && !nargs)
		return do_quietly(cmd_owner, (char *[]){"owner", "take", NULL});
	if (!strcmp(opt, "--get_ekey") && !nargs)
		return do_print(cmd_ek, (char *[]){"ek", "--pem", NULL});
	if (!strcmp(opt, "--get_ekcert") && !nargs)
		return do_ekcert();
	/* The host certificate went into the 1.2 AIK's label; 2.0 has none. */
	if (!strcmp(opt, "--gen_aik") && nargs <= 1) {
		if (nargs == 1 && !is_base64(argv[2]))
			return XENTPM_E_BAD_PARAMETER;
		return do_quietly(cmd_ak, (char *[]){"ak", NULL});
	}
	if (!strcmp(opt, "--get_aik_pem") && !nargs)
		return do_print(cmd_ak, (char *[]){"ak", "--pem", NULL});
	if (!strcmp(opt, "--get_aik_tcpa") && !nargs)
		return do_aik_tcpa();
	if (!strcmp(opt, "--tpm_challenge") && nargs == 1)
		return do_challenge(argv[2]);
	if (!strcmp(opt, "--tpm_quote") && nargs == 1)
		return do_quote(argv[2]);
	if (!strcmp(opt, "--tpm_set_asset_tag") && nargs == 1)
		return do_quietly(cmd_asset_tag, (char *[]){"asset-tag", "set",
							    argv[2], NULL});
	if (!strcmp(opt, "--tpm_clear_asset_tag") && !nargs)
		return do_quietly(cmd_asset_tag,
				  (char *[]){"asset-tag", "clear", NULL});
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
	status = dispatch(argc, argv);
	closelog();
	fflush(stdout);
	if (!status)
		return 0;
	/* Codes can exceed 255: the number goes to stderr, the exit is 1. */
	fprintf(stderr, "%d", status);
	return 1;
}
