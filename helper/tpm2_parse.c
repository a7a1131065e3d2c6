// SPDX-License-Identifier: GPL-2.0
#include "tpm2_parse.h"

#include <errno.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#include "../driver/tcg_log.h"
#include "../driver/tpm_cmd.h"
#include "../uapi/linux/xenmb.h"
#include "encoding.h"

#define CRED_MAGIC 0xBADCC0DEU
#define CRED_VERSION 1U

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Byte @i of a selection's bitmap; bytes past sizeofSelect select none. */
static uint8_t select_byte(const TPMS_PCR_SELECTION *s, unsigned int i)
{
	return i < s->sizeofSelect ? s->pcrSelect[i] : 0;
}

uint32_t xenmb_tpm2_selection_mask(const TPMS_PCR_SELECTION *s)
{
	return (uint32_t)select_byte(s, 0) | (uint32_t)select_byte(s, 1) << 8 |
	       (uint32_t)select_byte(s, 2) << 16;
}

static bool same_pcrs(const TPMS_PCR_SELECTION *a, const TPMS_PCR_SELECTION *b)
{
	unsigned int i;

	if (a->hash != b->hash)
		return false;
	for (i = 0; i < TPM2_PCR_SELECT_MAX; i++)
		if (select_byte(a, i) != select_byte(b, i))
			return false;
	return true;
}

int xenmb_tpm2_pcr_read_parse(const uint8_t *rsp, size_t len, TPMI_ALG_HASH alg,
			      unsigned int pcr, uint8_t *digest, size_t size,
			      size_t *digest_len)
{
	TPMS_PCR_SELECTION want = {.hash = alg, .sizeofSelect = 3};
	struct tpm_rsp_header hdr;
	TPML_PCR_SELECTION sel;
	TPML_DIGEST digests;
	size_t off = TPM_HEADER_LEN, expect = xenmb_tcg_alg_digest_size(alg);
	UINT32 counter;

	if (pcr >= 8 * TPM2_PCR_SELECT_MAX || len > UINT32_MAX ||
	    xenmb_tpm_rsp_parse_header(XENMB_TPM_FAMILY_2_0, rsp, (uint32_t)len,
				       &hdr) ||
	    hdr.tag != TPM2_TAG_NO_SESSIONS || hdr.rc)
		return -EBADMSG;
	if (Tss2_MU_UINT32_Unmarshal(rsp, len, &off, &counter) ||
	    Tss2_MU_TPML_PCR_SELECTION_Unmarshal(rsp, len, &off, &sel) ||
	    Tss2_MU_TPML_DIGEST_Unmarshal(rsp, len, &off, &digests) ||
	    off != len)
		return -EBADMSG;
	/* An unallocated bank comes back as an empty list. */
	if (!digests.count)
		return -ENOENT;
	want.pcrSelect[pcr / 8] = (uint8_t)(1U << (pcr % 8));
	if (digests.count != 1 || sel.count != 1 ||
	    !same_pcrs(&sel.pcrSelections[0], &want) ||
	    (expect && digests.digests[0].size != expect) ||
	    !digests.digests[0].size || digests.digests[0].size > size)
		return -EBADMSG;
	memcpy(digest, digests.digests[0].buffer, digests.digests[0].size);
	*digest_len = digests.digests[0].size;
	return 0;
}

const char *xenmb_tpm2_quote_attest_check(const uint8_t *attest, size_t len,
					  const TPM2B_DATA *nonce,
					  const TPML_PCR_SELECTION *sel,
					  const uint8_t pcr_digest[32],
					  bool *consistent)
{
	const TPMS_QUOTE_INFO *quote;
	TPMS_ATTEST a;
	size_t off = 0;
	uint32_t i;

	*consistent = false;
	if (Tss2_MU_TPMS_ATTEST_Unmarshal(attest, len, &off, &a) || off != len)
		return "it is not one TPMS_ATTEST";
	if (a.magic != TPM2_GENERATED_VALUE || a.type != TPM2_ST_ATTEST_QUOTE)
		return "it is not a quote the TPM generated";
	if (a.extraData.size != nonce->size ||
	    memcmp(a.extraData.buffer, nonce->buffer, nonce->size) != 0)
		return "it is not over our nonce";
	/* The digest covers these PCRs: others than asked would mislead. */
	quote = &a.attested.quote;
	if (quote->pcrSelect.count != sel->count)
		return "it quotes other PCRs than asked";
	for (i = 0; i < sel->count; i++)
		if (!same_pcrs(&quote->pcrSelect.pcrSelections[i],
			       &sel->pcrSelections[i]))
			return "it quotes other PCRs than asked";
	if (quote->pcrDigest.size != TPM2_SHA256_DIGEST_SIZE)
		return "its PCR digest is not a SHA-256";
	*consistent = !memcmp(quote->pcrDigest.buffer, pcr_digest,
			      TPM2_SHA256_DIGEST_SIZE);
	return NULL;
}

const char *xenmb_tpm2_cred_file_parse(const uint8_t *buf, size_t len,
				       TPM2B_ID_OBJECT *blob,
				       TPM2B_ENCRYPTED_SECRET *secret)
{
	size_t off = 8;
	uint16_t n;

	if (len < 8 || get_be32(buf) != CRED_MAGIC)
		return "it does not start with tpm2-tools' magic 0xBADCC0DE";
	if (get_be32(buf + 4) != CRED_VERSION)
		return "its format version is not 1";
	if (len - off < 2)
		return "it ends before the credential blob";
	n = get_be16(buf + off);
	off += 2;
	if (!n || n > sizeof(blob->credential) || len - off < n)
		return "its credential blob (TPM2B_ID_OBJECT) is empty, too "
		       "large or cut short";
	blob->size = n;
	memcpy(blob->credential, buf + off, n);
	off += n;
	if (len - off < 2)
		return "it ends before the encrypted secret";
	n = get_be16(buf + off);
	off += 2;
	if (!n || n > sizeof(secret->secret) || len - off < n)
		return "its encrypted secret (TPM2B_ENCRYPTED_SECRET) is "
		       "empty, too large or cut short";
	secret->size = n;
	memcpy(secret->secret, buf + off, n);
	off += n;
	/* A longer file is not what tpm2_makecredential wrote: refuse it. */
	if (off != len)
		return "it has bytes after the encrypted secret";
	return NULL;
}

const char *xenmb_tpm2_persistent_handle_parse(const char *text, bool ek,
					       TPM2_HANDLE *handle)
{
	/*
	 * Owner-authorized EvictControl stops below the platform's range
	 * (TPM2_PLATFORM_PERSISTENT, whose tpm2-tss macro shifts a signed
	 * int into the sign bit: UBSan refuses it).
	 */
	const TPM2_HANDLE persistent_first = 0x81000000U;
	const TPM2_HANDLE owner_last = 0x817FFFFFU;
	TPM2_HANDLE value = 0;
	size_t i, digits;

	*handle = 0;
	if (!strncmp(text, "0x", 2) || !strncmp(text, "0X", 2))
		text += 2;
	digits = strlen(text);
	/* strtoul would take a sign, spaces and more than 32 bits. */
	if (!digits || digits > 8)
		return "not a hex handle such as 0x81010000";
	for (i = 0; i < digits; i++) {
		int d = hex_digit_value(text[i]);

		if (d < 0)
			return "not a hex handle such as 0x81010000";
		value = value << 4 | (TPM2_HANDLE)d;
	}
	if (value < persistent_first || value > owner_last)
		return "not a persistent handle the owner may use "
		       "(0x81000000-0x817FFFFF)";
	if (ek && (value < TPM2_EK_HANDLE_FIRST || value > TPM2_EK_HANDLE_LAST))
		return "not in the TCG's endorsement key range "
		       "(0x81010000-0x8101FFFF)";
	*handle = value;
	return NULL;
}
