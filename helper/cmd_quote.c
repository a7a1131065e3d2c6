// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb quote: TPM2_Quote with the AK over a caller's nonce, written as
 * the files tpm2_checkquote reads (quote.msg, quote.sig, quote.pcrs,
 * ak.pem), as JSON, and with the host's SRTM and DRTM event logs beside
 * them so a verifier can replay what the PCRs say.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eventlog_load.h"
#include "files.h"
#include "quote_json.h"
#include "subcommands.h"
#include "tpm12_attest.h"
#include "tpm12_flows.h"
#include "tpm2_flows.h"
#include "tpm2_parse.h"

/*
 * The PCR values file of tpm2_quote -o (tpm2-tools 5.x "serialized"):
 * the TPML_PCR_SELECTION structure as laid out in memory, a UINT32 count
 * of TPML_DIGEST structures, then those, eight digests each, in selection
 * order; integers little-endian. tpm2_checkquote -f reads it back with
 * the same tpm2-tss structures.
 */
static int write_pcrs_file(const char *path, const TPML_PCR_SELECTION *sel,
			   const struct tpm2_pcr_bank *vals)
{
	TPML_DIGEST lists[TPM2_MAX_PCRS] = {0};
	TPML_PCR_SELECTION le_sel;
	uint32_t b, count = 0, n;
	uint8_t *buf, *p;
	size_t size;
	int pcr, ret;

	memset(&le_sel, 0, sizeof(le_sel));
	le_sel.count = htole32(sel->count);
	for (b = 0; b < sel->count; b++) {
		le_sel.pcrSelections[b] = sel->pcrSelections[b];
		le_sel.pcrSelections[b].hash =
		    htole16(sel->pcrSelections[b].hash);
		for (pcr = 0; pcr < XENMB_PCR_COUNT; pcr++) {
			TPML_DIGEST *l;

			if (!(tpm2_selection_mask(&sel->pcrSelections[b]) &
			      (1U << pcr)))
				continue;
			if (count && lists[count - 1].count < 8) {
				l = &lists[count - 1];
			} else {
				if (count == TPM2_MAX_PCRS)
					return EXIT_USAGE;
				l = &lists[count++];
			}
			l->digests[l->count].size = htole16(vals[b].size);
			memcpy(l->digests[l->count].buffer, vals[b].value[pcr],
			       vals[b].size);
			l->count++;
		}
	}
	size = sizeof(le_sel) + sizeof(uint32_t) + count * sizeof(TPML_DIGEST);
	buf = malloc(size);
	if (!buf)
		return EXIT_KERNEL;
	p = buf;
	memcpy(p, &le_sel, sizeof(le_sel));
	p += sizeof(le_sel);
	n = htole32(count);
	memcpy(p, &n, sizeof(n));
	p += sizeof(n);
	for (b = 0; b < count; b++) {
		lists[b].count = htole32(lists[b].count);
		memcpy(p, &lists[b], sizeof(lists[b]));
		p += sizeof(lists[b]);
	}
	ret = xenmb_write_file(path, buf, size);
	free(buf);
	return ret;
}

/* Writes the checkquote files and the event logs into @dir. */
static int write_dir(const char *dir, const struct tpm2_quote_result *q)
{
	char path[FILES_PATH_MAX];
	int ret;

	ret = files_make_out_dir(dir);
	if (!ret)
		ret = files_path_in(path, dir, "quote.msg");
	if (!ret)
		ret = xenmb_write_file(path, q->attest->attestationData,
				       q->attest->size);
	if (!ret)
		ret = files_path_in(path, dir, "quote.sig");
	if (!ret)
		ret = xenmb_write_file(path, q->sig_blob, q->sig_len);
	if (!ret)
		ret = files_path_in(path, dir, "quote.pcrs");
	if (!ret)
		ret = write_pcrs_file(path, &q->sel, q->vals);
	if (!ret)
		ret = files_path_in(path, dir, "ak.pem");
	if (!ret)
		ret = tpm2_write_pem_file(q->ak_pub, path);
	if (!ret)
		ret = eventlog_save_both_in(dir);
	return ret;
}

/* TPM 1.2: the original's blob, the AIK and the event logs into @dir. */
static int write_dir12(const char *dir, const struct tpm12_quote_result *q)
{
	char path[FILES_PATH_MAX], *pem = NULL;
	int ret;

	ret = files_make_out_dir(dir);
	if (!ret)
		ret = files_path_in(path, dir, "quote.bin");
	if (!ret)
		ret = files_write_atomic(path, q->blob, q->blob_len, 0644);
	if (!ret)
		ret = files_path_in(path, dir, "aik.pem");
	if (ret)
		return ret;
	if (tpm12_key_to_pem(&q->aik.info, &pem))
		return EXIT_KERNEL;
	ret = files_write_atomic(path, pem, strlen(pem), 0644);
	free(pem);
	if (!ret)
		ret = eventlog_save_both_in(dir);
	return ret;
}

/* quote on a TPM 1.2 (tpm12_attest.h): every PCR of its one bank. */
static int quote12(const TPM2B_DATA *nonce, const char *dir, bool json)
{
	struct tpm12_quote_result *q = calloc(1, sizeof(*q));
	struct quote_logs logs;
	struct t12 *c;
	int ret;

	if (!q)
		return EXIT_KERNEL;
	ret = tpm12_open(&c, NULL);
	if (ret)
		goto out;
	ret = tpm12_flow_quote(c, nonce->buffer, nonce->size, q);
	if (!ret && dir)
		ret = write_dir12(dir, q);
	if (!ret && (json || !dir)) {
		quote_logs_read_dir(&logs, dir);
		cli_print_json(quote_json_tpm12(nonce, q, &logs));
		quote_logs_free(&logs);
	}
	tpm12_close(c);
out:
	explicit_bzero(q, sizeof(*q));
	free(q);
	return ret;
}

int cmd_quote(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"nonce", required_argument, NULL, 'n'},
	    {"pcrs", required_argument, NULL, 'l'},
	    {"out", required_argument, NULL, 'o'},
	    {"json", no_argument, NULL, 'j'},
	    TPM2_TCTI_OPTION,
	    {NULL, 0, NULL, 0},
	};
	const char *tcti = NULL, *nonce_text = NULL, *spec = NULL, *dir = NULL;
	struct tpm2_quote_result *q = NULL;
	TPML_PCR_SELECTION sel = {0};
	struct quote_logs logs;
	struct tpm2_ctx ctx;
	TPM2B_DATA nonce;
	bool json = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "n:l:o:jT:", opts, NULL)) != -1) {
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
	if (!tcti && tpm12_is_family()) {
		/* A TPM 1.2 quote covers every PCR of its one bank. */
		if (spec && strcmp(spec, "sha1:all"))
			return cli_usage_error("a TPM 1.2 quotes sha1:all");
		return quote12(&nonce, dir, json);
	}
	if (spec && tpm2_pcr_selection_parse(spec, &sel))
		return cli_usage_error(
		    "--pcrs wants e.g. sha256:all,sha1:0,1,2 (banks sha1, "
		    "sha256, sha384, sha512, sm3_256; PCRs 0..23)");

	ret = tpm2_open(&ctx, tcti);
	if (ret)
		return ret;
	ret = tpm2_flow_quote(&ctx, &nonce, spec ? &sel : NULL, &q);
	if (!ret && dir)
		ret = write_dir(dir, q);
	if (!ret && (json || !dir)) {
		quote_logs_read_dir(&logs, json ? dir : NULL);
		cli_print_json(quote_json_tpm2(&nonce, q, &logs));
		quote_logs_free(&logs);
	}
	tpm2_quote_result_free(q);
	tpm2_close(&ctx);
	return ret;
}
