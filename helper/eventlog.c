// SPDX-License-Identifier: GPL-2.0
/*
 * Event log replay in user space: the parser is driver/tcg_log.c, the
 * hashes are OpenSSL's.
 */
#include <ctype.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "eventlog.h"

static const EVP_MD *eventlog_md(uint16_t alg)
{
	const EVP_MD *md;

	switch (alg) {
	case TCG_ALG_SHA1:
		md = EVP_sha1();
		break;
	case TCG_ALG_SHA256:
		md = EVP_sha256();
		break;
	case TCG_ALG_SHA384:
		md = EVP_sha384();
		break;
	case TCG_ALG_SHA512:
		md = EVP_sha512();
		break;
	case TCG_ALG_SM3_256:
		/* Not in every OpenSSL build (OPENSSL_NO_SM3). */
		md = EVP_get_digestbyname("SM3");
		break;
	default:
		return NULL;
	}
	/* The TCG digest size must be what OpenSSL produces. */
	if (!md || EVP_MD_size(md) != (int)xenmb_tcg_alg_digest_size(alg))
		return NULL;
	return md;
}

bool eventlog_alg_supported(uint16_t alg)
{
	return eventlog_md(alg) != NULL;
}

/*
 * A replay hashes two short inputs per event and bank. Fetching the digest
 * and allocating a context for each of them cost several times the hash
 * itself, so each bank keeps one fetched digest and one context, reset by
 * every init(). The helper is single-threaded; a context still in use (a
 * second init() of a bank before its final()) gets a fresh one.
 */
struct eventlog_hash_slot {
	uint16_t alg;
	bool busy;
	EVP_MD *md;
	EVP_MD_CTX *ctx;
};

static struct eventlog_hash_slot eventlog_slots[TCG_LOG_MAX_BANKS];

static struct eventlog_hash_slot *eventlog_slot(uint16_t alg)
{
	const EVP_MD *legacy = eventlog_md(alg);
	struct eventlog_hash_slot *s;
	size_t i;

	if (!legacy)
		return NULL;
	for (i = 0; i < TCG_LOG_MAX_BANKS; i++) {
		s = &eventlog_slots[i];
		if (s->md && s->alg == alg)
			return s;
		if (s->md)
			continue;
		s->md = EVP_MD_fetch(NULL, EVP_MD_get0_name(legacy), NULL);
		s->ctx = EVP_MD_CTX_new();
		if (!s->md || !s->ctx) {
			EVP_MD_free(s->md);
			EVP_MD_CTX_free(s->ctx);
			s->md = NULL;
			s->ctx = NULL;
			return NULL;
		}
		s->alg = alg;
		return s;
	}
	return NULL;
}

static void *eventlog_hash_init(void *priv, uint16_t alg)
{
	struct eventlog_hash_slot *s = eventlog_slot(alg);
	EVP_MD_CTX *ctx;

	(void)priv;
	if (s && !s->busy) {
		if (EVP_DigestInit_ex2(s->ctx, s->md, NULL) != 1)
			return NULL;
		s->busy = true;
		return s->ctx;
	}
	if (!eventlog_md(alg))
		return NULL;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return NULL;
	if (EVP_DigestInit_ex(ctx, eventlog_md(alg), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static int eventlog_hash_update(void *ctx, const uint8_t *data, uint32_t len)
{
	return EVP_DigestUpdate(ctx, data, len) == 1 ? 0 : -EIO;
}

/* Gives a slot's context back, or frees a context of its own. */
static void eventlog_hash_release(EVP_MD_CTX *ctx)
{
	size_t i;

	for (i = 0; i < TCG_LOG_MAX_BANKS; i++) {
		if (eventlog_slots[i].ctx == ctx) {
			eventlog_slots[i].busy = false;
			return;
		}
	}
	EVP_MD_CTX_free(ctx);
}

static int eventlog_hash_final(void *ctx, uint8_t *digest, uint32_t size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	int ret = -EIO;

	if (EVP_DigestFinal_ex(ctx, md, &len) == 1 && len == size) {
		memcpy(digest, md, size);
		ret = 0;
	}
	eventlog_hash_release(ctx);
	return ret;
}

const struct tcg_hash_ops eventlog_openssl_hash = {
    .init = eventlog_hash_init,
    .update = eventlog_hash_update,
    .final = eventlog_hash_final,
    .priv = NULL,
};

int eventlog_replay(const uint8_t *buf, size_t len, uint32_t format,
		    uint16_t alg, struct tcg_replay *r, struct tcg_log_iter *it)
{
	int ret;

	if (len > UINT32_MAX) {
		memset(it, 0, sizeof(*it));
		return -EFBIG;
	}
	ret = xenmb_tcg_log_open(it, buf, (uint32_t)len, format, alg);
	if (ret)
		return ret;
	return xenmb_tcg_replay_log(r, it, &eventlog_openssl_hash);
}

const char *eventlog_strerror(const struct tcg_log_iter *it, int err, char *out,
			      size_t size)
{
	if (it->error && it->error == err)
		snprintf(out, size, "record at offset %u: %s", it->error_offset,
			 xenmb_tcg_log_reason_text(it->reason));
	else if (err == -EINVAL)
		snprintf(out, size,
			 "the log extends a PCR above 23, or sets the startup "
			 "locality after PCR 0 was extended");
	else
		snprintf(out, size, "%s", strerror(-err));
	return out;
}

const char *eventlog_type_name(uint32_t type, char *out, size_t size)
{
	const char *name = xenmb_tcg_event_type_name(type);

	if (name)
		snprintf(out, size, "%s", name);
	else
		snprintf(out, size, "0x%08x", type);
	return out;
}

const char *eventlog_alg_name(uint16_t alg, char *out, size_t size)
{
	const char *name = xenmb_tcg_alg_name(alg);

	if (name)
		snprintf(out, size, "%s", name);
	else
		snprintf(out, size, "alg_0x%04x", alg);
	return out;
}

void eventlog_data_text(const uint8_t *data, uint32_t len, char *out,
			size_t size, size_t max_hex)
{
	uint32_t i, n = len;
	bool text = len > 0;

	while (n && data[n - 1] == '\0')
		n--;
	for (i = 0; i < n; i++)
		if (!isprint(data[i]))
			text = false;
	if (text && n) {
		snprintf(out, size, "%.*s", (int)n, (const char *)data);
		return;
	}
	out[0] = '\0';
	for (i = 0; i < len && i < max_hex && 2 * (size_t)i + 3 < size; i++)
		snprintf(out + 2 * (size_t)i, size - 2 * (size_t)i, "%02x",
			 data[i]);
	if (len > max_hex && 2 * max_hex + 4 < size)
		memcpy(out + 2 * (size_t)i, "...", sizeof("..."));
}
