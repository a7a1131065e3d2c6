/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The attestation verdict: whether a quote, its signature, its nonce, the
 * PCR values it vouches for, the event logs and (optionally) a known-good
 * list agree (known_good_compare(), which the caller adds). Pure
 * computation over bytes in memory (OpenSSL, tss2-mu, json-c): no TPM,
 * no files. Used by 'xenmb verify', 'xenmb known-good'
 * and the unit tests.
 *
 * TPM 2.0 input: TPMS_ATTEST (quote.msg), TPMT_SIGNATURE (quote.sig) and
 * the PCR values. TPM 1.2 input: TPM_QUOTE_INFO and the raw RSA signature,
 * or the original xentpm blob (TPM_PCR_COMPOSITE || signature), from which
 * the TPM_QUOTE_INFO is rebuilt with SHA1(nonce).
 */
#ifndef XENMB_VERIFY_H
#define XENMB_VERIFY_H

#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tss2/tss2_tpm2_types.h>

#include "../driver/tcg_log.h"

#define VERIFY_MAX_BANKS 8
#define VERIFY_MAX_LOGS 2

/* PCR values of one bank; @mask says which PCRs have one. */
struct verify_bank {
	uint16_t alg;
	uint16_t size;
	uint32_t mask;
	uint8_t value[TCG_PCR_COUNT][TCG_MAX_DIGEST_SIZE];
};

struct verify_pcrs {
	uint32_t count;
	struct verify_bank banks[VERIFY_MAX_BANKS];
};

struct verify_log {
	char name[8]; /* "srtm" or "drtm" */
	uint8_t *buf;
	size_t len;
};

/* Everything a verification looks at; verify_input_free() frees it. */
struct verify_input {
	int family;	/* 2: TPM 2.0, 1: TPM 1.2 */
	uint8_t *quote; /* TPMS_ATTEST or TPM_QUOTE_INFO */
	size_t quote_len;
	uint8_t *composite; /* TPM 1.2 xentpm blob: TPM_PCR_COMPOSITE */
	size_t composite_len;
	uint8_t *sig; /* TPMT_SIGNATURE, or TPM 1.2's raw RSA signature */
	size_t sig_len;
	uint8_t *nonce;
	size_t nonce_len;
	bool has_nonce;
	EVP_PKEY *ak;
	struct verify_pcrs pcrs; /* the values the host says it quoted */
	struct verify_log logs[VERIFY_MAX_LOGS];
	unsigned int log_count;
};

void verify_input_free(struct verify_input *in);

/*
 * Loaders. Each fills its part of @in (zeroed by the caller) and returns 0,
 * or -1 with one line saying what is wrong in @err.
 */

/* go-attestation's attestation JSON (shared/data/eventlogs/ *.json). */
int verify_load_attestation(struct verify_input *in, const char *json_text,
			    char *err, size_t size);

/*
 * Our 'xenmb quote --json' output, or its base64: TPM 2.0 attest,
 * signature, pcrs; TPM 1.2 quote (the xentpm blob); the logs of either.
 */
int verify_load_quote_json(struct verify_input *in, const char *json_text,
			   char *err, size_t size);

/* tpm2_quote's serialized PCR file (quote.pcrs) into @pcrs. */
int verify_parse_pcrs_file(struct verify_pcrs *pcrs, const uint8_t *buf,
			   size_t len, char *err, size_t size);

/*
 * The original xentpm TPM 1.2 quote: base64 of u16 BE select size,
 * select (bit 0 of byte 0 is PCR 0), u32 BE size of the values, 20-byte
 * values, RSA signature.
 */
int verify_load_xentpm_blob(struct verify_input *in, const char *base64,
			    char *err, size_t size);

/* An AK / AIK public key: PEM (SubjectPublicKeyInfo or PKCS#1 RSA). */
int verify_load_ak_pem(struct verify_input *in, const uint8_t *pem, size_t len,
		       char *err, size_t size);

/* A TPMT_PUBLIC (RSA or ECC) as an OpenSSL key; NULL if unusable. */
EVP_PKEY *verify_tpmt_public_key(const TPMT_PUBLIC *pub);

/* The same from its marshaled bytes (AK.Public of an attestation). */
EVP_PKEY *verify_tpm2_public_key(const uint8_t *tpmt_public, size_t len);

/* A TPM 1.2 TPM_PUBKEY (RSA) as an OpenSSL key; NULL if unusable. */
EVP_PKEY *verify_tpm12_public_key(const uint8_t *pubkey, size_t len);

/* Stores a copy of the log @buf as @name ("srtm" or "drtm"); 0 or -1. */
int verify_add_log(struct verify_input *in, const char *name,
		   const uint8_t *buf, size_t len);

/* What a reason is about; its name is the first word of the line. */
enum verify_check {
	VERIFY_INPUT,	   /* the inputs themselves */
	VERIFY_SIGNATURE,  /* the AK's signature over the quote */
	VERIFY_QUOTE,	   /* the quote's structure */
	VERIFY_NONCE,	   /* extraData / externalData */
	VERIFY_PCR_DIGEST, /* pcrDigest / composite vs the PCR values */
	VERIFY_LOG,	   /* an event log that cannot be read */
	VERIFY_REPLAY,	   /* replay of the logs vs the quoted PCRs */
	VERIFY_KNOWN_GOOD, /* comparison with the known-good list */
	VERIFY_CHECK_COUNT,
};

struct verify_line {
	enum verify_check check;
	char *text;
};

struct verify_result {
	bool trusted;
	bool ran[VERIFY_CHECK_COUNT]; /* the check was done */
	struct verify_line *reasons;  /* why untrusted */
	size_t reason_count;
	struct verify_line *notes; /* facts that do not change the verdict */
	size_t note_count;
	struct verify_pcrs quoted; /* the values the quote vouches for */
};

/*
 * Checks @in. Fills @res (free it with verify_result_free()); returns 0,
 * or -ENOMEM.
 */
int verify_run(const struct verify_input *in, struct verify_result *res);

void verify_result_free(struct verify_result *res);

/* "signature", "nonce", "replay" ... */
const char *verify_check_name(enum verify_check check);

/*
 * Adds a reason (@reason true: @res is then untrusted) or a note to
 * @res; -ENOMEM on failure.
 */
__attribute__((format(printf, 4, 5))) int verify_add(struct verify_result *res,
						     bool reason,
						     enum verify_check check,
						     const char *fmt, ...);

/* The verdict for machines: {"verdict", "reasons", "notes", "checks"}. */
struct json_object *verify_result_json(const struct verify_result *res);

/* The bank of @alg in @pcrs, or NULL. */
const struct verify_bank *verify_pcrs_bank(const struct verify_pcrs *pcrs,
					   uint16_t alg);

#endif /* XENMB_VERIFY_H */
