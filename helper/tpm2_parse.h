/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TPM 2.0 data the helper reads itself rather than through ESAPI: the
 * TPM2_PCR_Read response, a quote's TPMS_ATTEST, tpm2_makecredential's
 * file; and the persistent handles an operator names on the command line.
 * Pure (no device, no ESAPI) so the fuzzers run this very code.
 */
#ifndef XENMB_TPM2_PARSE_H
#define XENMB_TPM2_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tss2/tss2_tpm2_types.h>

/* The largest tpm2_makecredential file: header, two sizes, two bodies. */
#define TPM2_CRED_FILE_MAX                                                     \
	(8 + 2 + sizeof(((TPM2B_ID_OBJECT *)0)->credential) + 2 +              \
	 sizeof(((TPM2B_ENCRYPTED_SECRET *)0)->secret))

/* The PCRs 0..23 a selection picks, PCR 0 in bit 0. */
uint32_t xenmb_tpm2_selection_mask(const TPMS_PCR_SELECTION *s);

/*
 * The digest of PCR @pcr of bank @alg from the @len-byte TPM2_PCR_Read
 * response @rsp (header included) into @digest (@size bytes), its length
 * in *@digest_len. Returns 0; -ENOENT when the TPM has no such bank
 * allocated (it answers an empty list); -EBADMSG when the response is
 * malformed, is an error, or holds another PCR or bank than the one asked.
 */
int xenmb_tpm2_pcr_read_parse(const uint8_t *rsp, size_t len, TPMI_ALG_HASH alg,
			      unsigned int pcr, uint8_t *digest, size_t size,
			      size_t *digest_len);

/*
 * Checks the @len-byte TPMS_ATTEST @attest a TPM2_Quote returned: a quote
 * (magic, type) over @nonce and exactly the PCRs of @sel, its pcrDigest a
 * SHA-256. *@consistent says whether that digest equals @pcr_digest, the
 * hash of the PCR values read after it. Returns NULL, or what is wrong.
 */
const char *xenmb_tpm2_quote_attest_check(const uint8_t *attest, size_t len,
					  const TPM2B_DATA *nonce,
					  const TPML_PCR_SELECTION *sel,
					  const uint8_t pcr_digest[32],
					  bool *consistent);

/*
 * Splits the file tpm2_makecredential -o writes (tpm2-tools 5.4) into its
 * two TPM2B; all integers big-endian:
 *
 *   u32 magic 0xBADCC0DE, u32 version 1       files_write_header()
 *   u16 size, size bytes                      TPM2B_ID_OBJECT
 *   u16 size, size bytes                      TPM2B_ENCRYPTED_SECRET
 *
 * and nothing after it. Returns NULL, or why it is not one such file.
 */
const char *xenmb_tpm2_cred_file_parse(const uint8_t *buf, size_t len,
				       TPM2B_ID_OBJECT *blob,
				       TPM2B_ENCRYPTED_SECRET *secret);

/*
 * Where an EK may be persistent: the endorsement primary key range of the
 * TCG's "Registry of Reserved TPM 2.0 Handles and Localities" (the EK
 * Credential Profile's 0x81010001 and ISecL's 0x81010000 are in it).
 */
#define TPM2_EK_HANDLE_FIRST 0x81010000U
#define TPM2_EK_HANDLE_LAST 0x8101FFFFU

/*
 * Parses an EK's (@ek) or an AK's persistent handle as given to --handle,
 * --ek-handle or --ak-handle: hex, "0x" optional, at most 8 digits. Any
 * handle the owner may make persistent (TPM2_EvictControl with owner
 * authorization: 0x81000000-0x817FFFFF; the platform's 0x81800000 and up
 * are not ours) for an AK, the endorsement range for an EK. Returns NULL
 * with *@handle set, or why @text is not one such handle.
 */
const char *xenmb_tpm2_persistent_handle_parse(const char *text, bool ek,
					       TPM2_HANDLE *handle);

#endif /* XENMB_TPM2_PARSE_H */
