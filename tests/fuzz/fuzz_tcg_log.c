// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the TCG event log parser in every format, and the replay
 * over it. The hash is a cheap stand-in (the parser, not OpenSSL, is under
 * test); the first input byte picks the format and the bank.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driver/tcg_log.h"

struct fold {
	u8 acc[TCG_MAX_DIGEST_SIZE];
	u32 n;
};

static void *fold_init(void *priv, u16 alg)
{
	(void)priv;
	if (!xenmb_tcg_alg_digest_size(alg))
		return NULL;
	return calloc(1, sizeof(struct fold));
}

static int fold_update(void *ctx, const u8 *data, u32 len)
{
	struct fold *f = ctx;
	u32 i;

	for (i = 0; i < len; i++)
		f->acc[f->n++ % TCG_MAX_DIGEST_SIZE] ^= data[i];
	return 0;
}

static int fold_final(void *ctx, u8 *digest, u32 size)
{
	memcpy(digest, ((struct fold *)ctx)->acc,
	       size < TCG_MAX_DIGEST_SIZE ? size : TCG_MAX_DIGEST_SIZE);
	free(ctx);
	return 0;
}

static const struct tcg_hash_ops fold_ops = {
    .init = fold_init,
    .update = fold_update,
    .final = fold_final,
};

static const u16 bank_algs[] = {
    TCG_ALG_SHA1,   TCG_ALG_SHA256,  TCG_ALG_SHA384,
    TCG_ALG_SHA512, TCG_ALG_SM3_256,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tcg_replay replay;
	struct tcg_log_iter it;
	struct tcg_event ev;
	u32 format;
	u16 alg;
	uint8_t *log;

	if (!size)
		return 0;
	format = data[0] % 4; /* AUTO, SHA1, AGILE, BANK */
	alg = bank_algs[(data[0] >> 2) % 5];
	log = malloc(size - 1 ? size - 1 : 1);
	if (!log)
		return 0;
	memcpy(log, data + 1, size - 1);

	if (!xenmb_tcg_log_open(&it, log, (u32)(size - 1), format, alg))
		while (xenmb_tcg_log_next(&it, &ev) == 1)
			xenmb_tcg_event_type_name(ev.type);
	xenmb_tcg_log_reason_text(it.reason);

	xenmb_tcg_replay_init(&replay, data[0] & 0x80 ? TCG_PCRS_DRTM : 0);
	if (!xenmb_tcg_log_open(&it, log, (u32)(size - 1), format, alg))
		xenmb_tcg_replay_log(&replay, &it, &fold_ops);
	free(log);
	return 0;
}
