// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: helper/tpm12.c's parsers. The first byte picks the target: a
 * blob parser (TPM_KEY, TPM_PUBKEY, TPM_PCR_COMPOSITE, TPM_SYMMETRIC_KEY),
 * or every command's response parsing, the rest of the input being what
 * the TPM answered (after well-formed OIAP / OSAP answers for the
 * authorized commands). run.sh builds tpm12.c with
 * FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, which accepts any response
 * HMAC, so that those commands' output parameters are parsed too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helper/tpm12.h"
#include "tests/tpm12_canned.h"

static void fuzz_key(const uint8_t *data, size_t size, bool pubkey)
{
	struct tpm12_key_info k;
	struct tpm12_blob b;
	EVP_PKEY *pkey;
	size_t used;
	char *pem;
	int ret;

	ret = pubkey ? tpm12_pubkey_parse(data, size, &k, &used)
		     : tpm12_key_parse(data, size, &k, &used);
	if (ret)
		return;
	if (used > size)
		abort();
	tpm12_key_to_pubkey(&k, &b);
	/* Small keys only: RSA checks of huge moduli only cost time. */
	if (k.modulus_len > 512)
		return;
	if (!tpm12_key_to_evp(&k, &pkey))
		EVP_PKEY_free(pkey);
	if (!tpm12_key_to_pem(&k, &pem))
		free(pem);
}

static void fuzz_unauthorized(const uint8_t *data, size_t size)
{
	struct tpm12_canned s = {{data}, {size}, 0, 1};
	struct tpm12_transport t = {tpm12_canned_transmit, &s};
	struct tpm12_session session;
	struct tpm12_version v;
	struct tpm12_flags f;
	struct tpm12_blob b;
	uint8_t digest[20] = {0};
	uint32_t u32;
	bool owned;

#define AGAIN(call) (s.next = 0, (void)(call))
	AGAIN(tpm12_pcr_read_via(&t, 0, digest));
	AGAIN(tpm12_extend(&t, 0, digest, digest));
	AGAIN(tpm12_read_pubek(&t, &b));
	AGAIN(tpm12_get_capability(&t, 5, NULL, 0, &b));
	AGAIN(tpm12_get_owner_present(&t, &owned));
	AGAIN(tpm12_get_pcr_count(&t, &u32));
	AGAIN(tpm12_get_version(&t, &v));
	s.count = 2;
	s.rsp[1] = data;
	s.len[1] = size;
	AGAIN(tpm12_get_flags(&t, &f));
	/* cppcheck 2.10 misses that the calls read s through t.ctx. */
	// cppcheck-suppress [redundantAssignment, unreadVariable]
	s.count = 1;
	AGAIN(tpm12_nv_get_size(&t, TPM12_NV_INDEX_ASSET_TAG, &u32));
	AGAIN(tpm12_startup(&t, TPM12_ST_CLEAR));
	AGAIN(tpm12_flush_specific(&t, 1, TPM12_RT_KEY));
	AGAIN(tpm12_oiap(&t, TPM12_WELL_KNOWN_AUTH, &session));
	AGAIN(tpm12_osap(&t, TPM12_ET_OWNER, TPM12_KH_OWNER,
			 TPM12_WELL_KNOWN_AUTH, &session));
#undef AGAIN
}

static void fuzz_authorized(const uint8_t *data, size_t size)
{
	/* TPM_OIAP answer: handle 0x02000001 and a zero nonceEven. */
	static const uint8_t oiap[34] = {0, 0xC4, 0, 0,	   0, 34, 0,
					 0, 0,	  0, 0x02, 0, 0,  1};
	/* TPM_OSAP answer: handle, nonceEven, nonceEvenOSAP. */
	static const uint8_t osap[54] = {0, 0xC4, 0, 0,	   0, 54, 0,
					 0, 0,	  0, 0x02, 0, 0,  2};
	/* A TPM_KEY template: version 1.1, RSA parms, nothing else. */
	static const uint8_t template[] = {
	    1, 1, 0, 0, 0, 0x12, 0,  0, 0, 0, 1, 0, 0, 0, 1, 0,
	    1, 0, 2, 0, 0, 0,	 12, 0, 0, 8, 0, 0, 0, 0, 2, 0,
	    0, 0, 0, 0, 0, 0,	 0,  0, 0, 0, 0, 0, 0, 0, 0};
	struct tpm12_canned s = {{oiap, data}, {sizeof(oiap), size}, 0, 2};
	uint32_t handle;
	struct tpm12_transport t = {tpm12_canned_transmit, &s};
	struct tpm12_symmetric_key key;
	struct tpm12_blob a, b;
	uint8_t out[64], nonce[20] = {0};
	size_t got;

#define AGAIN(call) (s.next = 0, (void)(call))
	AGAIN(tpm12_load_key2(&t, TPM12_KH_SRK, TPM12_WELL_KNOWN_AUTH, template,
			      sizeof(template), &handle));
	AGAIN(tpm12_owner_clear(&t, TPM12_WELL_KNOWN_AUTH));
	AGAIN(tpm12_owner_read_pubek(&t, TPM12_WELL_KNOWN_AUTH, &a));
	AGAIN(tpm12_quote(&t, 1, TPM12_WELL_KNOWN_AUTH, nonce, 24, &a, &b));
	AGAIN(tpm12_nv_read_value(&t, TPM12_WELL_KNOWN_AUTH, 1, 0, sizeof(out),
				  out, &got));
	AGAIN(tpm12_nv_write_value(&t, TPM12_WELL_KNOWN_AUTH, 1, 0, nonce,
				   sizeof(nonce)));
	AGAIN(tpm12_activate_identity(&t, 1, TPM12_WELL_KNOWN_AUTH,
				      TPM12_WELL_KNOWN_AUTH, nonce,
				      sizeof(nonce), &key));
	/* Two sessions: OSAP for the owner, then OIAP for the SRK. */
	s = (struct tpm12_canned){
	    {osap, oiap, data}, {sizeof(osap), sizeof(oiap), size}, 0, 3};
	AGAIN(tpm12_make_identity(&t, TPM12_WELL_KNOWN_AUTH,
				  TPM12_WELL_KNOWN_AUTH, TPM12_WELL_KNOWN_AUTH,
				  nonce, &a, &b));
	s.rsp[0] = oiap;
	s.len[0] = sizeof(oiap);
	AGAIN(tpm12_nv_define_space(&t, TPM12_WELL_KNOWN_AUTH, 1, 20, 2));
#undef AGAIN
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tpm12_pcr_composite c;
	struct tpm12_symmetric_key key;
	uint8_t *copy;
	size_t used;

	if (!size)
		return 0;
	/* An exact heap copy, so that ASan sees any read past the end. */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	switch (data[0] % 6) {
	case 0:
		fuzz_key(copy, size - 1, false);
		break;
	case 1:
		fuzz_key(copy, size - 1, true);
		break;
	case 2:
		if (!tpm12_pcr_composite_parse(copy, size - 1, &c, &used) &&
		    used > size - 1)
			abort();
		break;
	case 3:
		if (!tpm12_symmetric_key_parse(copy, size - 1, &key, &used) &&
		    used > size - 1)
			abort();
		break;
	case 4:
		fuzz_unauthorized(copy, size - 1);
		break;
	default:
		fuzz_authorized(copy, size - 1);
		break;
	}
	free(copy);
	return 0;
}
