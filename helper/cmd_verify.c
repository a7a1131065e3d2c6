// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb verify: the attestation verdict over what a quote produced, and
 * xenmb known-good record | diff: the list of what a clean host measured,
 * and what changed since. The loaders, checks and verdict are
 * verify_load.c, verify.c and verdict.c, the comparison known_good.c;
 * this file reads the input files, runs the checks and the comparison,
 * and prints.
 */
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <getopt.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attest.h"
#include "cli.h"
#include "encoding.h"
#include "files.h"
#include "known_good.h"
#include "subcommands.h"
#include "tpm2_esys.h"
#include "verdict.h"
#include "verify.h"
#include "verify_load.h"

struct verify_opts {
	const char *attestation, *quote_dir, *quote_json, *tpm12_quote;
	const char *ak, *nonce, *srtm_log, *drtm_log, *known_good, *out;
	const char *tcti;
	bool json, live;
};

enum { OPT_SRTM = 256, OPT_DRTM, OPT_TPM12, OPT_QJSON, OPT_LIVE };

static const struct option verify_options[] = {
    {"attestation", required_argument, NULL, 'a'},
    {"quote-dir", required_argument, NULL, 'd'},
    {"quote-json", required_argument, NULL, OPT_QJSON},
    {"tpm12-quote", required_argument, NULL, OPT_TPM12},
    {"ak", required_argument, NULL, 'k'},
    {"nonce", required_argument, NULL, 'n'},
    {"srtm-log", required_argument, NULL, OPT_SRTM},
    {"drtm-log", required_argument, NULL, OPT_DRTM},
    {"known-good", required_argument, NULL, 'g'},
    {"out", required_argument, NULL, 'o'},
    {"live", no_argument, NULL, OPT_LIVE},
    {"json", no_argument, NULL, 'j'},
    TPM2_TCTI_OPTION,
    {NULL, 0, NULL, 0},
};

static int parse_opts(int argc, char **argv, struct verify_opts *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "a:d:k:n:g:o:jT:", verify_options,
				NULL)) != -1) {
		switch (c) {
		case 'a':
			o->attestation = optarg;
			break;
		case 'd':
			o->quote_dir = optarg;
			break;
		case OPT_QJSON:
			o->quote_json = optarg;
			break;
		case OPT_TPM12:
			o->tpm12_quote = optarg;
			break;
		case 'k':
			o->ak = optarg;
			break;
		case 'n':
			o->nonce = optarg;
			break;
		case OPT_SRTM:
			o->srtm_log = optarg;
			break;
		case OPT_DRTM:
			o->drtm_log = optarg;
			break;
		case 'g':
			o->known_good = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case OPT_LIVE:
			o->live = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'T':
			o->tcti = optarg;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

/* Reads @path whole into a NUL-terminated buffer; prints why not. */
static uint8_t *read_input(const char *path, size_t *len)
{
	uint8_t *buf;
	int ret = files_read_bounded(path, FILES_READ_MAX, &buf, len);

	if (ret) {
		fprintf(stderr, "xenmb: cannot read %s: %s\n", path,
			strerror(-ret));
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

static int load_log(struct verify_input *in, const char *name, const char *path,
		    bool optional)
{
	uint8_t *buf;
	size_t len;
	int ret;

	if (optional && access(path, F_OK))
		return 0;
	buf = read_input(path, &len);
	if (!buf)
		return EXIT_USAGE;
	ret = verify_add_log(in, name, buf, len);
	free(buf);
	return ret ? EXIT_KERNEL : 0;
}

static int loaded(int ret, const char *what, const char *err)
{
	if (ret)
		fprintf(stderr, "xenmb: %s: %s\n", what, err);
	return ret ? EXIT_USAGE : 0;
}

/* The quote files of 'xenmb quote --out' / tpm2_quote in @dir. */
static int load_quote_dir(struct verify_input *in, const char *dir, char *err,
			  size_t size)
{
	static const char *const names[] = {"quote.msg", "quote.sig",
					    "quote.pcrs"};
	uint8_t *bufs[3] = {NULL, NULL, NULL};
	size_t lens[3] = {0, 0, 0};
	char path[FILES_PATH_MAX];
	int i, ret = 0;

	in->family = 2;
	for (i = 0; i < 3 && !ret; i++) {
		ret = files_path_in(path, dir, names[i]);
		if (ret)
			break;
		bufs[i] = read_input(path, &lens[i]);
		ret = bufs[i] ? 0 : EXIT_USAGE;
	}
	if (!ret) {
		in->quote = bufs[0];
		in->quote_len = lens[0];
		in->sig = bufs[1];
		in->sig_len = lens[1];
		bufs[0] = bufs[1] = NULL;
		ret = loaded(verify_parse_pcrs_file(&in->pcrs, bufs[2], lens[2],
						    err, size),
			     names[2], err);
	}
	for (i = 0; i < 3; i++)
		free(bufs[i]);
	return ret;
}

static int load_inputs(const struct verify_opts *o, struct verify_input *in)
{
	int sources = !!o->attestation + !!o->quote_dir + !!o->quote_json +
		      !!o->tpm12_quote;
	char err[256], path[FILES_PATH_MAX];
	uint8_t *buf = NULL;
	size_t len;
	int ret = 0;

	if (sources != 1)
		return cli_usage_error(
		    "give one of --attestation, --quote-dir, "
		    "--quote-json, --tpm12-quote");
	if (o->attestation) {
		buf = read_input(o->attestation, &len);
		ret = buf ? loaded(verify_load_attestation(in, (char *)buf, err,
							   sizeof(err)),
				   o->attestation, err)
			  : EXIT_USAGE;
	} else if (o->quote_json) {
		buf = read_input(o->quote_json, &len);
		ret = buf ? loaded(verify_load_quote_json(in, (char *)buf, err,
							  sizeof(err)),
				   o->quote_json, err)
			  : EXIT_USAGE;
	} else if (o->tpm12_quote) {
		buf = read_input(o->tpm12_quote, &len);
		ret = buf ? loaded(verify_load_xentpm_blob(in, (char *)buf, err,
							   sizeof(err)),
				   o->tpm12_quote, err)
			  : EXIT_USAGE;
	} else {
		ret = load_quote_dir(in, o->quote_dir, err, sizeof(err));
	}
	free(buf);
	buf = NULL;
	if (!ret && !o->ak && !o->attestation && !o->quote_dir)
		return cli_usage_error(
		    "give the AK's public key with --ak PEM");
	if (!ret && (o->ak || o->quote_dir)) {
		if (!o->ak && files_path_in(path, o->quote_dir, "ak.pem"))
			return EXIT_USAGE;
		buf = read_input(o->ak ? o->ak : path, &len);
		ret = buf ? loaded(verify_load_ak_pem(in, buf, len, err,
						      sizeof(err)),
				   o->ak ? o->ak : path, err)
			  : EXIT_USAGE;
		free(buf);
	}
	if (!ret && o->nonce) {
		free(in->nonce);
		in->nonce = base64_decode(o->nonce, &in->nonce_len);
		in->has_nonce = in->nonce != NULL;
		if (!in->nonce)
			return cli_usage_error("--nonce wants base64");
	}
	if (!ret && !in->has_nonce)
		return cli_usage_error("give the nonce the quote was made over "
				       "with --nonce BASE64");
	/* Logs named on the command line replace those beside the quote. */
	if (!ret && (o->srtm_log || o->drtm_log)) {
		while (in->log_count)
			free(in->logs[--in->log_count].buf);
		if (o->srtm_log)
			ret = load_log(in, "srtm", o->srtm_log, false);
		if (!ret && o->drtm_log)
			ret = load_log(in, "drtm", o->drtm_log, false);
	} else if (!ret && o->quote_dir) {
		ret = files_path_in(path, o->quote_dir, "srtm.log");
		if (!ret)
			ret = load_log(in, "srtm", path, true);
		if (!ret)
			ret = files_path_in(path, o->quote_dir, "drtm.log");
		if (!ret)
			ret = load_log(in, "drtm", path, true);
	}
	return ret;
}

static struct json_object *load_list(const char *path)
{
	struct json_object *list = json_object_from_file(path);

	if (!list)
		fprintf(stderr,
			"xenmb: cannot read the known-good list %s: %s\n", path,
			json_util_get_last_err() ?: "not JSON");
	return list;
}

/* The checks, then the comparison with @list when there is one. */
static int checks_and_list(const struct verify_input *in,
			   struct json_object *list, struct verify_result *res)
{
	int ret = verify_run(in, res);

	if (!ret && list) {
		ret = known_good_compare(list, in->logs, in->log_count,
					 &res->quoted, res);
		if (ret < 0)
			verify_result_free(res);
	}
	return ret < 0 ? ret : 0;
}

static void print_lines(const char *kind, const struct verify_line *lines,
			size_t count, int only)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (only < 0 || (int)lines[i].check == only)
			printf("%s: %s: %s\n", kind,
			       verify_check_name(lines[i].check),
			       lines[i].text);
}

int cmd_verify(int argc, char **argv)
{
	struct verify_opts o = {0};
	struct verify_input in = {0};
	struct json_object *list = NULL;
	struct verify_result res;
	int ret;

	/* A malformed quote is a reason, not a tss2-mu log line. */
	setenv("TSS2_LOG", "mu+NONE", 0);
	if (parse_opts(argc, argv, &o))
		return cli_usage_error("unknown option to 'verify'");
	if (optind != argc || o.out || o.live || o.tcti)
		return cli_usage_error("'verify' takes no arguments, --out, "
				       "--live or --tcti");
	ret = load_inputs(&o, &in);
	if (!ret && o.known_good && !(list = load_list(o.known_good)))
		ret = EXIT_USAGE;
	if (!ret && checks_and_list(&in, list, &res))
		ret = EXIT_KERNEL;
	if (!ret && !o.ak &&
	    verify_add(&res, false, VERIFY_SIGNATURE,
		       "the AK is the one that came with the "
		       "quote: give the enrolled AK with --ak")) {
		verify_result_free(&res);
		ret = EXIT_KERNEL;
	}
	if (!ret) {
		if (o.json) {
			cli_print_json(verify_result_json(&res));
		} else {
			printf("verdict: %s\n",
			       res.trusted ? "trusted" : "untrusted");
			print_lines("reason", res.reasons, res.reason_count,
				    -1);
			print_lines("note", res.notes, res.note_count, -1);
		}
		ret = res.trusted ? 0 : EXIT_UNTRUSTED;
		verify_result_free(&res);
	}
	json_object_put(list);
	verify_input_free(&in);
	return ret;
}

/* Writes @list to @path atomically. */
static int write_list(struct json_object *list, const char *path)
{
	const char *text = json_object_to_json_string_ext(
	    list, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	char *with_nl = NULL;
	int ret;

	if (asprintf(&with_nl, "%s\n", text) < 0)
		return EXIT_KERNEL;
	ret = files_write_atomic(path, with_nl, strlen(with_nl), 0644);
	free(with_nl);
	return ret;
}

/*
 * --live: a quote of this host into a private temporary directory with a
 * fresh nonce, read back as --quote-dir.
 */
static int quote_live(struct verify_opts *o, char *dir, size_t dir_size,
		      char *nonce_b64)
{
	TPM2B_DATA nonce = {.size = 32};
	struct attest_quote *q = NULL;
	struct attest *a;
	char *b64;
	int ret;

	snprintf(dir, dir_size, "%s/xenmb-known-good.XXXXXX",
		 getenv("TMPDIR") ?: "/tmp");
	if (!mkdtemp(dir)) {
		fprintf(stderr,
			"xenmb: cannot create a temporary directory: "
			"%s\n",
			strerror(errno));
		return EXIT_KERNEL;
	}
	if (RAND_bytes(nonce.buffer, nonce.size) != 1 ||
	    !(b64 = base64_encode(nonce.buffer, nonce.size)))
		return EXIT_KERNEL;
	snprintf(nonce_b64, 64, "%s", b64);
	free(b64);
	/* What 'quote --nonce N --out DIR [--tcti T]' does, as a flow. */
	ret = attest_open(&a, o->tcti);
	if (ret)
		return ret;
	ret = attest_quote(a, &nonce, NULL, &q);
	if (!ret)
		ret = attest_quote_save(q, dir);
	attest_quote_free(q);
	attest_close(a);
	o->quote_dir = dir;
	o->nonce = nonce_b64;
	return ret;
}

static void remove_live(const char *dir)
{
	static const char *const files[] = {"quote.msg",  "quote.sig",
					    "quote.pcrs", "ak.pem",
					    "srtm.log",	  "drtm.log"};
	char path[FILES_PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!files_path_in(path, dir, files[i]))
			unlink(path);
	rmdir(dir);
}

static int known_good_record_cmd(struct verify_opts *o)
{
	struct verify_input in = {0};
	struct json_object *list = NULL;
	struct verify_result res;
	char dir[4096] = "", nonce[64], err[256];
	int ret;

	if (!o->out)
		return cli_usage_error("'known-good record' needs --out LIST");
	if (o->live) {
		if (o->attestation || o->quote_dir || o->quote_json ||
		    o->tpm12_quote || o->nonce)
			return cli_usage_error("--live quotes this host: no "
					       "other quote input");
		ret = quote_live(o, dir, sizeof(dir), nonce);
		if (ret)
			goto out;
	}
	ret = load_inputs(o, &in);
	if (ret)
		goto out;
	if (verify_run(&in, &res)) {
		ret = EXIT_KERNEL;
		goto out;
	}
	if (!res.trusted) {
		fprintf(stderr, "xenmb: not recording a quote that does not "
				"verify:\n");
		print_lines("reason", res.reasons, res.reason_count, -1);
		verify_result_free(&res);
		ret = EXIT_UNTRUSTED;
		goto out;
	}
	list = known_good_record(in.family, in.logs, in.log_count, &res.quoted,
				 err, sizeof(err));
	verify_result_free(&res);
	if (!list) {
		fprintf(stderr, "xenmb: %s\n", err);
		ret = EXIT_BAD_LOG;
		goto out;
	}
	ret = write_list(list, o->out);
	if (!ret) {
		struct json_object *events;

		json_object_object_get_ex(list, "events", &events);
		printf("known-good list written to %s: %zu events\n", o->out,
		       events ? json_object_array_length(events) : 0);
	}
out:
	json_object_put(list);
	verify_input_free(&in);
	if (*dir)
		remove_live(dir);
	return ret;
}

static int known_good_diff_cmd(struct verify_opts *o, const char *list_path)
{
	struct verify_input in = {0};
	struct json_object *list;
	struct verify_result res;
	size_t i, other = 0;
	int ret;

	list = load_list(list_path);
	if (!list)
		return EXIT_USAGE;
	ret = load_inputs(o, &in);
	if (!ret && checks_and_list(&in, list, &res))
		ret = EXIT_KERNEL;
	if (!ret) {
		for (i = 0; i < res.reason_count; i++)
			other += res.reasons[i].check != VERIFY_KNOWN_GOOD;
		if (o->json) {
			cli_print_json(verify_result_json(&res));
		} else {
			/* What the list explains, then what else is wrong. */
			print_lines("changed", res.reasons, res.reason_count,
				    VERIFY_KNOWN_GOOD);
			if (other)
				for (i = 0; i < res.reason_count; i++)
					if (res.reasons[i].check !=
					    VERIFY_KNOWN_GOOD)
						printf(
						    "untrusted: %s: %s\n",
						    verify_check_name(
							res.reasons[i].check),
						    res.reasons[i].text);
			if (res.trusted)
				printf("no change\n");
		}
		ret = res.trusted ? 0 : EXIT_UNTRUSTED;
		verify_result_free(&res);
	}
	json_object_put(list);
	verify_input_free(&in);
	return ret;
}

int cmd_known_good(int argc, char **argv)
{
	struct verify_opts o = {0};
	const char *what;

	if (argc < 2)
		return cli_usage_error("'known-good' wants record or diff");
	what = argv[1];
	argc--;
	argv++;
	setenv("TSS2_LOG", "mu+NONE", 0);
	if (parse_opts(argc, argv, &o))
		return cli_usage_error("unknown option to 'known-good'");
	if (!strcmp(what, "record")) {
		if (optind != argc || o.known_good)
			return cli_usage_error("'known-good record' takes no "
					       "arguments or --known-good");
		return known_good_record_cmd(&o);
	}
	if (!strcmp(what, "diff")) {
		if (optind != argc - 1 || o.out || o.live || o.known_good)
			return cli_usage_error("'known-good diff' wants LIST "
					       "and the quote's inputs");
		return known_good_diff_cmd(&o, argv[optind]);
	}
	return cli_usage_error("'known-good' wants record or diff");
}
