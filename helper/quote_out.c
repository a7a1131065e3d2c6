// SPDX-License-Identifier: GPL-2.0
#include "quote_out.h"

#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../driver/tcg_log.h"
#include "cli.h"
#include "encoding.h"
#include "eventlog_load.h"
#include "files.h"
#include "tpm12_flows.h"
#include "tpm2_esys.h"
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
		for (pcr = 0; pcr < TCG_PCR_COUNT; pcr++) {
			TPML_DIGEST *l;

			if (!(xenmb_tpm2_selection_mask(
				  &sel->pcrSelections[b]) &
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
	ret = files_write_atomic(path, buf, size, 0644);
	free(buf);
	return ret;
}

int quote_save_tpm2(const char *dir, const struct tpm2_quote_result *q)
{
	char path[FILES_PATH_MAX];
	int ret;

	ret = files_make_out_dir(dir);
	if (!ret)
		ret = files_path_in(path, dir, "quote.msg");
	if (!ret)
		ret = files_write_atomic(path, q->attest->attestationData,
					 q->attest->size, 0644);
	if (!ret)
		ret = files_path_in(path, dir, "quote.sig");
	if (!ret)
		ret = files_write_atomic(path, q->sig_blob, q->sig_len, 0644);
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

int quote_save_tpm12(const char *dir, const struct tpm12_quote_result *q)
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

int quote_nonce_decode(const char *text, TPM2B_DATA *nonce)
{
	size_t len;
	uint8_t *buf = base64_decode(text, &len);
	int ret = buf && len && len <= TPM2_QUOTE_NONCE_MAX ? 0 : -1;

	if (!ret) {
		nonce->size = (uint16_t)len;
		memcpy(nonce->buffer, buf, len);
	}
	free(buf);
	return ret;
}

int quote_logs_load(struct quote_logs *logs)
{
	int ret;

	memset(logs, 0, sizeof(*logs));
	ret = eventlog_read_raw(false, &logs->srtm, &logs->srtm_len);
	if (ret == EXIT_NOT_PRESENT)
		ret = 0;
	if (!ret)
		ret = eventlog_read_raw(true, &logs->drtm, &logs->drtm_len);
	if (ret == EXIT_NOT_PRESENT)
		ret = 0;
	if (ret)
		quote_logs_free(logs);
	return ret;
}

void quote_logs_read_dir(struct quote_logs *logs, const char *dir)
{
	char path[FILES_PATH_MAX];

	memset(logs, 0, sizeof(*logs));
	if (!dir)
		return;
	if (!files_path_in(path, dir, "srtm.log") &&
	    files_read_bounded(path, FILES_READ_MAX, &logs->srtm,
			       &logs->srtm_len))
		logs->srtm = NULL;
	if (!files_path_in(path, dir, "drtm.log") &&
	    files_read_bounded(path, FILES_READ_MAX, &logs->drtm,
			       &logs->drtm_len))
		logs->drtm = NULL;
}

void quote_logs_free(struct quote_logs *logs)
{
	free(logs->srtm);
	free(logs->drtm);
	memset(logs, 0, sizeof(*logs));
}

static void add_logs(struct json_object *o, const struct quote_logs *logs)
{
	if (logs && logs->srtm)
		cli_json_add_b64(o, "srtm_log", logs->srtm, logs->srtm_len);
	if (logs && logs->drtm)
		cli_json_add_b64(o, "drtm_log", logs->drtm, logs->drtm_len);
}

static void add_hex(struct json_object *o, const char *key, const void *data,
		    size_t len)
{
	char *h = hex_encode(data, len);

	json_object_object_add(o, key, json_object_new_string(h ? h : ""));
	free(h);
}

struct json_object *quote_json_tpm2(const TPM2B_DATA *nonce,
				    const struct tpm2_quote_result *q,
				    const struct quote_logs *logs)
{
	const TPML_PCR_SELECTION *sel = &q->sel;
	struct json_object *o = json_object_new_object();
	struct json_object *pcrs = json_object_new_object();
	char key[4];
	uint32_t b;
	int pcr;

	cli_json_add_b64(o, "nonce", nonce->buffer, nonce->size);
	cli_json_add_b64(o, "attest", q->attest->attestationData,
			 q->attest->size);
	cli_json_add_b64(o, "signature", q->sig_blob, q->sig_len);
	add_hex(o, "ak_name", q->ak_name->name, q->ak_name->size);
	for (b = 0; b < sel->count; b++) {
		struct json_object *bank = json_object_new_object();

		for (pcr = 0; pcr < TCG_PCR_COUNT; pcr++) {
			if (!(xenmb_tpm2_selection_mask(
				  &sel->pcrSelections[b]) &
			      (1U << pcr)))
				continue;
			snprintf(key, sizeof(key), "%d", pcr);
			add_hex(bank, key, q->vals[b].value[pcr],
				q->vals[b].size);
		}
		json_object_object_add(
		    pcrs, xenmb_tcg_alg_name(q->vals[b].alg) ?: "?", bank);
	}
	json_object_object_add(o, "pcrs", pcrs);
	add_logs(o, logs);
	return o;
}

struct json_object *quote_json_tpm12(const TPM2B_DATA *nonce,
				     const struct tpm12_quote_result *q,
				     const struct quote_logs *logs)
{
	struct json_object *o = json_object_new_object();
	struct json_object *bank = json_object_new_object();
	struct json_object *pcrs = json_object_new_object();
	char hex[2 * TPM12_DIGEST_LEN + 1], idx[8];
	unsigned int i;

	cli_json_add_b64(o, "nonce", nonce->buffer, nonce->size);
	cli_json_add_b64(o, "quote", q->blob, q->blob_len);
	cli_json_add_b64(o, "composite", q->composite.data, q->composite.len);
	cli_json_add_b64(o, "signature", q->signature.data, q->signature.len);
	tpm12_key_pubkey_sha1_hex(&q->aik.info, hex);
	json_object_object_add(o, "aik_pubkey_sha1",
			       json_object_new_string(hex));
	for (i = 0; i < q->pcrs.count; i++) {
		hex_encode_to(q->pcrs.values[i], TPM12_DIGEST_LEN, hex);
		snprintf(idx, sizeof(idx), "%u", q->pcrs.pcr_index[i]);
		json_object_object_add(bank, idx, json_object_new_string(hex));
	}
	json_object_object_add(pcrs, "sha1", bank);
	json_object_object_add(o, "pcrs", pcrs);
	add_logs(o, logs);
	return o;
}

char *quote_json_text(struct json_object *o)
{
	const char *text = json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = text ? strlen(text) : 0;
	char *copy = text ? malloc(len + 2) : NULL;

	/* What cli_print_json() prints: puts() adds the newline. */
	if (copy) {
		memcpy(copy, text, len);
		copy[len] = '\n';
		copy[len + 1] = '\0';
	}
	json_object_put(o);
	return copy;
}
