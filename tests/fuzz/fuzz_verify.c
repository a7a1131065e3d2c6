// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: what 'xenmb verify' reads from an untrusted host. The first
 * byte picks the input: 0 attestation JSON, 1 xentpm TPM 1.2 blob, 2
 * tpm2_quote PCR file, 3 TPMS_ATTEST and TPMT_SIGNATURE (u16 BE length of
 * the first, then both), 4 'xenmb quote --json' (TPM 2.0 or 1.2). Whatever
 * loads is then verified (with no AK for 1 and 3) and recorded as a known-good
 * list, and compared with that list.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helper/encoding.h"
#include "helper/known_good.h"
#include "helper/verdict.h"
#include "helper/verify.h"
#include "helper/verify_load.h"

static void verify_and_record(struct verify_input *in)
{
	struct json_object *list = NULL;
	struct verify_result res;
	char err[256];

	if (verify_run(in, &res))
		return;
	list = known_good_record(in->family, in->logs, in->log_count,
				 &res.quoted, err, sizeof(err));
	verify_result_free(&res);
	/* 'xenmb known-good diff': the checks again, then the comparison. */
	if (list && !verify_run(in, &res)) {
		known_good_compare(list, in->logs, in->log_count, &res.quoted,
				   &res);
		verify_result_free(&res);
	}
	json_object_put(list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verify_input in = {0};
	char err[256], *text, *b64;
	size_t qlen;

	if (!size)
		return 0;
	setenv("TSS2_LOG", "all+NONE", 1);
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0]) {
	case 0:
		if (!verify_load_attestation(&in, text, err, sizeof(err)))
			verify_and_record(&in);
		break;
	case 1:
		b64 = base64_encode(data + 1, size - 1);
		if (b64 &&
		    !verify_load_xentpm_blob(&in, b64, err, sizeof(err))) {
			in.nonce = malloc(1);
			in.has_nonce = in.nonce != NULL;
			verify_and_record(&in);
		}
		free(b64);
		break;
	case 2:
		verify_parse_pcrs_file(&in.pcrs, data + 1, size - 1, err,
				       sizeof(err));
		break;
	case 3:
		if (size < 3)
			break;
		qlen = (size_t)data[1] << 8 | data[2];
		if (qlen > size - 3)
			break;
		in.family = 2;
		in.quote = malloc(qlen ? qlen : 1);
		in.sig = malloc(size - 3 - qlen + 1);
		if (!in.quote || !in.sig)
			break;
		memcpy(in.quote, data + 3, qlen);
		in.quote_len = qlen;
		memcpy(in.sig, data + 3 + qlen, size - 3 - qlen);
		in.sig_len = size - 3 - qlen;
		verify_and_record(&in);
		EVP_PKEY_free(verify_tpm2_public_key(data + 3, qlen));
		EVP_PKEY_free(verify_tpm12_public_key(data + 3, qlen));
		break;
	case 4:
		if (!verify_load_quote_json(&in, text, err, sizeof(err)))
			verify_and_record(&in);
		break;
	}
	verify_input_free(&in);
	free(text);
	return 0;
}
