// SPDX-License-Identifier: GPL-2.0
#include "owner_secret.h"

#include <errno.h>
#include <fcntl.h>
#include <keyutils.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "encoding.h"

/* The config file is a few lines; anything bigger is not ours. */
#define OWNER_CONFIG_MAX 4096
/* The cache lives as long as a management session, not forever. */
#define OWNER_CACHE_SECONDS 600

void owner_secret_wipe(uint8_t secret[OWNER_SECRET_LEN])
{
	OPENSSL_cleanse(secret, OWNER_SECRET_LEN);
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

static const char *trim_end(const char *start, const char *end)
{
	while (end > start &&
	       (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	return end;
}

static int parse_hex_secret(const char *v, const char *end,
			    uint8_t secret[OWNER_SECRET_LEN])
{
	return hex_decode(v, (size_t)(end - v), secret, OWNER_SECRET_LEN,
			  false) == OWNER_SECRET_LEN
		   ? 0
		   : -EINVAL;
}

int owner_config_parse(const char *text, size_t len,
		       uint8_t secret[OWNER_SECRET_LEN], const char **why)
{
	const char *p = text, *end = text + len;
	int found = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol ? eol : end;
		const char *key = skip_space(p, line_end), *eq, *key_end, *v;

		p = eol ? eol + 1 : end;
		if (key == line_end || *key == '#')
			continue;
		eq = memchr(key, '=', (size_t)(line_end - key));
		if (!eq) {
			*why = "a line without '=' (want password=<40 hex "
			       "digits>)";
			return -EINVAL;
		}
		key_end = trim_end(key, eq);
		if ((size_t)(key_end - key) != strlen("password") ||
		    memcmp(key, "password", strlen("password")))
			continue;
		if (found++) {
			*why = "password is given twice";
			goto fail;
		}
		v = skip_space(eq + 1, line_end);
		if (parse_hex_secret(v, trim_end(v, line_end), secret)) {
			*why = "password must be 40 hex digits (the SHA-1 of "
			       "the owner password)";
			goto fail;
		}
	}
	if (found)
		return 0;
	*why = "no password= line";
fail:
	owner_secret_wipe(secret);
	return -EINVAL;
}

/* The keyring entry: the file's mtime and size, then the secret. */
struct cache_entry {
	int64_t mtime_ns;
	int64_t size;
	uint8_t secret[OWNER_SECRET_LEN];
};

static void cache_description(const char *path, char *desc, size_t size)
{
	snprintf(desc, size, "xenmb:owner-secret:%s", path);
}

static int cache_lookup(const char *path, const struct stat *st,
			uint8_t secret[OWNER_SECRET_LEN])
{
	char desc[300];
	void *payload = NULL;
	struct cache_entry entry;
	key_serial_t key;
	long n;
	int hit = 0;

	cache_description(path, desc, sizeof(desc));
	key = (key_serial_t)keyctl_search(KEY_SPEC_SESSION_KEYRING, "user",
					  desc, 0);
	if (key < 0)
		return 0;
	n = keyctl_read_alloc(key, &payload);
	if (n == (long)sizeof(entry)) {
		memcpy(&entry, payload, sizeof(entry));
		/* A file written since the cache was filled wins. */
		hit =
		    st &&
		    entry.mtime_ns == (int64_t)st->st_mtim.tv_sec * 1000000000 +
					  st->st_mtim.tv_nsec &&
		    entry.size == (int64_t)st->st_size;
		if (hit)
			memcpy(secret, entry.secret, OWNER_SECRET_LEN);
		OPENSSL_cleanse(&entry, sizeof(entry));
	}
	if (payload) {
		OPENSSL_cleanse(payload, (size_t)(n > 0 ? n : 0));
		free(payload);
	}
	return hit;
}

static void cache_store(const char *path, const struct stat *st,
			const uint8_t secret[OWNER_SECRET_LEN])
{
	struct cache_entry entry = {
	    .mtime_ns =
		(int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec,
	    .size = (int64_t)st->st_size,
	};
	char desc[300];
	key_serial_t key;

	memcpy(entry.secret, secret, OWNER_SECRET_LEN);
	cache_description(path, desc, sizeof(desc));
	key = add_key("user", desc, &entry, sizeof(entry),
		      KEY_SPEC_SESSION_KEYRING);
	if (key >= 0)
		keyctl_set_timeout(key, OWNER_CACHE_SECONDS);
	OPENSSL_cleanse(&entry, sizeof(entry));
}

void owner_secret_forget(const char *path)
{
	char desc[300];
	key_serial_t key;

	cache_description(path ? path : OWNER_CONFIG_PATH, desc, sizeof(desc));
	key = (key_serial_t)keyctl_search(KEY_SPEC_SESSION_KEYRING, "user",
					  desc, 0);
	if (key >= 0)
		keyctl_invalidate(key);
}

int owner_secret_get(const char *path, uint8_t secret[OWNER_SECRET_LEN],
		     int *from_default, const char **why)
{
	char text[OWNER_CONFIG_MAX + 1];
	struct stat st;
	ssize_t n;
	int fd, ret;

	if (!path)
		path = OWNER_CONFIG_PATH;
	*from_default = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT) {
		/* The seed product's documented default. */
		SHA1((const unsigned char *)OWNER_DEFAULT_PASSWORD,
		     strlen(OWNER_DEFAULT_PASSWORD), secret);
		*from_default = 1;
		return 0;
	}
	if (fd < 0) {
		*why = "cannot open the owner config file";
		return -errno;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		*why = "the owner config file is not a regular file";
		return -EINVAL;
	}
	/* Anyone who may write it could take the TPM: refuse loose modes. */
	if (st.st_mode & (S_IWGRP | S_IWOTH) || st.st_uid != 0) {
		close(fd);
		*why = "the owner config file must belong to root and not be "
		       "writable by group or others";
		return -EPERM;
	}
	if (cache_lookup(path, &st, secret)) {
		close(fd);
		return 0;
	}
	n = read(fd, text, OWNER_CONFIG_MAX + 1);
	close(fd);
	if (n < 0) {
		*why = "cannot read the owner config file";
		return -errno;
	}
	if (n > OWNER_CONFIG_MAX) {
		*why = "the owner config file is too large";
		return -EFBIG;
	}
	ret = owner_config_parse(text, (size_t)n, secret, why);
	OPENSSL_cleanse(text, sizeof(text));
	if (!ret)
		cache_store(path, &st, secret);
	return ret;
}
