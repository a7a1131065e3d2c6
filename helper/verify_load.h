/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading what a verification looks at from bytes in memory (OpenSSL,
 * tss2-mu, json-c): no TPM, no files. Used by 'xenmb verify', 'xenmb
 * known-good', tpm2_write_pem() (the key conversion) and the tests.
 *
 * TPM 2.0 input: TPMS_ATTEST (quote.msg), TPMT_SIGNATURE (quote.sig) and
 * the PCR values. TPM 1.2 input: TPM_QUOTE_INFO and the raw RSA signature,
 * or the original xentpm blob (TPM_PCR_COMPOSITE || signature), from which
 * the TPM_QUOTE_INFO is rebuilt with SHA1(nonce).
 */
#ifndef XENMB_VERIFY_LOAD_H
#define XENMB_VERIFY_LOAD_H

#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tss2/tss2_tpm2_types.h>

#include "verdict.h"

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

#endif /* XENMB_VERIFY_LOAD_H */
