// SPDX-License-Identifier: GPL-2.0
/*
 * helper/tpm2_parse.c against swtpm's real answers (tests/fuzz/tpm2/,
 * recorded by tests/fuzz/record_tpm2.py): TPM2_PCR_Read responses, two
 * quotes and a tpm2_makecredential file. The expected PCR values come
 * from the PC Client spec (a fresh TPM: PCRs 0-16 and 23 zero, 17-22 all
 * ones), the expected quote digests from OpenSSL over those values.
 */
#include <errno.h>
#include <openssl/evp.h>
#include <stdint.h>

#include "helper/tpm2_parse.h"
#include "tests/unit/tap.h"

static size_t load(const char *name, uint8_t *buf, size_t size)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", XENMB_TPM2_RECORDINGS, name);
	f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(2);
	}
	n = fread(buf, 1, size, f);
	fclose(f);
	return n;
}

static void test_pcr_read(void)
{
	static const struct {
		const char *name;
		TPMI_ALG_HASH alg;
		unsigned int pcr;
		size_t size;
	} cases[] = {
	    {"pcr_read-sha1-0.rsp", TPM2_ALG_SHA1, 0, 20},
	    {"pcr_read-sha256-16.rsp", TPM2_ALG_SHA256, 16, 32},
	    {"pcr_read-sha384-23.rsp", TPM2_ALG_SHA384, 23, 48},
	    {"pcr_read-sha512-0.rsp", TPM2_ALG_SHA512, 0, 64},
	};
	static const uint8_t zero[64];
	uint8_t rsp[256], digest[64], *copy;
	size_t i, n, len;
	int ret;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = load(cases[i].name, rsp, sizeof(rsp));
		copy = dup_exact(rsp, n);
		len = 0;
		ret = xenmb_tpm2_pcr_read_parse(copy, n, cases[i].alg,
						cases[i].pcr, digest,
						sizeof(digest), &len);
		report(!ret && len == cases[i].size &&
			   !memcmp(digest, zero, len),
		       cases[i].name, "ret %d, %zu bytes", ret, len);
		ret = xenmb_tpm2_pcr_read_parse(copy, n, cases[i].alg,
						cases[i].pcr + 1, digest,
						sizeof(digest), &len);
		report(ret == -EBADMSG, "the answer for another PCR: EBADMSG",
		       "ret %d", ret);
		ret = xenmb_tpm2_pcr_read_parse(copy, n, TPM2_ALG_SM3_256,
						cases[i].pcr, digest,
						sizeof(digest), &len);
		report(ret == -EBADMSG, "the answer for another bank: EBADMSG",
		       "ret %d", ret);
		ret = xenmb_tpm2_pcr_read_parse(copy, n - 1, cases[i].alg,
						cases[i].pcr, digest,
						sizeof(digest), &len);
		report(ret == -EBADMSG, "a response one byte short: EBADMSG",
		       "ret %d", ret);
		free(copy);
	}
	/* An unallocated bank: an empty selection and no digest. */
	{
		static const uint8_t empty[] = {0x80, 0x01, 0, 0, 0, 22, 0, 0,
						0,    0,    0, 0, 0, 5,	 0, 0,
						0,    0,    0, 0, 0, 0};
		ret = xenmb_tpm2_pcr_read_parse(empty, sizeof(empty),
						TPM2_ALG_SHA384, 0, digest,
						sizeof(digest), &len);
		report(ret == -ENOENT, "an empty answer: ENOENT", "ret %d",
		       ret);
	}
}

/* What the quote's pcrDigest should be: SHA-256 over the PCR values. */
static void expected_digest(const uint8_t *values, size_t len, uint8_t out[32])
{
	unsigned int n = 32;

	if (!EVP_Digest(values, len, out, &n, EVP_sha256(), NULL))
		exit(2);
}

static void add_bank(TPML_PCR_SELECTION *sel, TPMI_ALG_HASH alg, uint32_t mask)
{
	TPMS_PCR_SELECTION *s = &sel->pcrSelections[sel->count++];

	s->hash = alg;
	s->sizeofSelect = 3;
	s->pcrSelect[0] = (uint8_t)mask;
	s->pcrSelect[1] = (uint8_t)(mask >> 8);
	s->pcrSelect[2] = (uint8_t)(mask >> 16);
}

static void test_quote(void)
{
	uint8_t msg[1024], values[256], digest[32], *copy;
	TPML_PCR_SELECTION sel = {0}, other = {0};
	TPM2B_DATA nonce = {.size = 10};
	const char *why;
	bool consistent;
	size_t n, i;

	/* quote0: sha256:0,1,2,16,23, nonce 00112233445566778899. */
	for (i = 0; i < 10; i++)
		nonce.buffer[i] = (uint8_t)(0x11 * i);
	add_bank(&sel, TPM2_ALG_SHA256,
		 1U << 0 | 1U << 1 | 1U << 2 | 1U << 16 | 1U << 23);
	memset(values, 0, (size_t)5 * 32);
	expected_digest(values, (size_t)5 * 32, digest);
	n = load("quote0.msg", msg, sizeof(msg));
	copy = dup_exact(msg, n);
	why = xenmb_tpm2_quote_attest_check(copy, n, &nonce, &sel, digest,
					    &consistent);
	report(!why && consistent, "swtpm's quote over one bank is accepted",
	       "%s, consistent %d", why ? why : "accepted", consistent);
	digest[0] ^= 1;
	why = xenmb_tpm2_quote_attest_check(copy, n, &nonce, &sel, digest,
					    &consistent);
	report(!why && !consistent,
	       "PCR values that changed since: accepted, not consistent",
	       "%s, consistent %d", why ? why : "accepted", consistent);
	nonce.buffer[9] ^= 1;
	why = xenmb_tpm2_quote_attest_check(copy, n, &nonce, &sel, digest,
					    &consistent);
	report(why && !consistent, "another nonce: refused", "accepted");
	nonce.buffer[9] ^= 1;
	add_bank(&other, TPM2_ALG_SHA256, 1U << 0 | 1U << 1 | 1U << 2);
	why = xenmb_tpm2_quote_attest_check(copy, n, &nonce, &other, digest,
					    &consistent);
	report(why && !consistent, "other PCRs than asked: refused",
	       "accepted");
	why = xenmb_tpm2_quote_attest_check(copy, n - 1, &nonce, &sel, digest,
					    &consistent);
	report(why && !consistent, "a quote one byte short: refused",
	       "accepted");
	free(copy);

	/* quote1: sha1:0,16+sha256:0,17, nonce 32 x a5; PCR 17 all ones. */
	memset(&sel, 0, sizeof(sel));
	add_bank(&sel, TPM2_ALG_SHA1, 1U << 0 | 1U << 16);
	add_bank(&sel, TPM2_ALG_SHA256, 1U << 0 | 1U << 17);
	nonce.size = 32;
	memset(nonce.buffer, 0xa5, 32);
	memset(values, 0, (size_t)2 * 20 + 32);
	memset(values + (size_t)2 * 20 + 32, 0xff, 32);
	expected_digest(values, (size_t)2 * 20 + (size_t)2 * 32, digest);
	n = load("quote1.msg", msg, sizeof(msg));
	copy = dup_exact(msg, n);
	why = xenmb_tpm2_quote_attest_check(copy, n, &nonce, &sel, digest,
					    &consistent);
	report(!why && consistent, "swtpm's quote over two banks is accepted",
	       "%s, consistent %d", why ? why : "accepted", consistent);
	free(copy);
}

static void test_cred(void)
{
	uint8_t file[TPM2_CRED_FILE_MAX + 1], *copy;
	TPM2B_ENCRYPTED_SECRET secret;
	TPM2B_ID_OBJECT blob;
	const char *why;
	size_t n;

	n = load("makecredential.out", file, sizeof(file));
	copy = dup_exact(file, n);
	why = xenmb_tpm2_cred_file_parse(copy, n, &blob, &secret);
	/* An RSA-2048 EK: the encrypted seed is 256 bytes. */
	report(!why && secret.size == 256 &&
		   12 + (size_t)blob.size + secret.size == n,
	       "tpm2_makecredential's file splits into its two parts", "%s",
	       why ? why : "wrong sizes");
	free(copy);
	copy = dup_exact(file, n - 1);
	why = xenmb_tpm2_cred_file_parse(copy, n - 1, &blob, &secret);
	report(why != NULL, "the file one byte short: refused", "accepted");
	free(copy);
	file[n] = 0;
	copy = dup_exact(file, n + 1);
	why = xenmb_tpm2_cred_file_parse(copy, n + 1, &blob, &secret);
	report(why != NULL, "a byte after it: refused", "accepted");
	free(copy);
}

static void test_handle(void)
{
	static const struct {
		const char *text;
		bool ek;
		TPM2_HANDLE want; /* 0: refused */
	} cases[] = {
	    {"0x81010000", true, 0x81010000U},	/* ISecL's EK */
	    {"0x81010001", true, 0x81010001U},	/* the TCG's RSA EK */
	    {"8101FFFF", true, 0x8101FFFFU},	/* "0x" optional */
	    {"0X8101abcd", true, 0x8101ABCDU},	/* either case */
	    {"0x81020000", true, 0},		/* past the EK range */
	    {"0x8100ffff", true, 0},		/* below it */
	    {"0x81018000", false, 0x81018000U}, /* ISecL's AIK */
	    {"0x81000000", false, 0x81000000U}, /* first persistent */
	    {"0x817fffff", false, 0x817FFFFFU}, /* last the owner's */
	    {"0x81800000", false, 0},		/* the platform's */
	    {"0x81ffffff", false, 0},
	    {"0x80ffffff", false, 0},  /* transient */
	    {"0x01c10110", false, 0},  /* an NV index */
	    {"0x081018000", false, 0}, /* nine digits */
	    {"0x", false, 0},
	    {"", false, 0},
	    {"0x8101800g", false, 0},
	    {" 0x81018000", false, 0},
	    {"0x81018000 ", false, 0},
	    {"-0x81018000", false, 0},
	    {"+81018000", false, 0},
	    {"2164359168", false, 0}, /* 0x81018000 in decimal: not hex */
	};
	TPM2_HANDLE got;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[96];

		why = xenmb_tpm2_persistent_handle_parse(cases[i].text,
							 cases[i].ek, &got);
		snprintf(name, sizeof(name), "%s handle '%s': %s",
			 cases[i].ek ? "EK" : "AK", cases[i].text,
			 cases[i].want ? "accepted" : "refused");
		report(cases[i].want ? !why && got == cases[i].want
				     : why && !got,
		       name, "got 0x%08x, %s", got, why ? why : "accepted");
	}
}

int main(void)
{
	test_pcr_read();
	test_quote();
	test_cred();
	test_handle();
	return tally();
}
