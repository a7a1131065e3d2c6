// SPDX-License-Identifier: GPL-2.0
/* Hex and base64: OpenSSL's base64, with the strictness it lacks. */
#include "encoding.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hex_encode_to(const uint8_t *data, size_t len, char *out)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", data[i]);
	out[2 * len] = '\0';
}

char *hex_encode(const uint8_t *data, size_t len)
{
	char *s = malloc(2 * len + 1);

	if (s)
		hex_encode_to(data, len, s);
	return s;
}

long hex_decode(const char *text, size_t len, uint8_t *out, size_t max,
		bool skip_space)
{
	size_t n = 0, i;
	int hi = -1;

	for (i = 0; i < len; i++) {
		int v = hex_digit_value(text[i]);

		if (v < 0 && skip_space && isspace((unsigned char)text[i]))
			continue;
		if (v < 0)
			return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == max)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? (long)n : -1;
}

uint8_t *base64_decode(const char *text, size_t *len)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/=";
	size_t n = 0, i, pad = 0;
	char *clean = malloc(strlen(text) + 1);
	uint8_t *out = NULL;
	int got;

	if (!clean)
		return NULL;
	for (i = 0; text[i]; i++)
		if (!strchr(" \t\r\n", text[i]))
			clean[n++] = text[i];
	clean[n] = '\0';
	if (n % 4 || strspn(clean, alphabet) != n)
		goto out;
	while (pad < 2 && pad < n && clean[n - 1 - pad] == '=')
		pad++;
	/* '=' is padding only: none before the last one or two characters. */
	if (strchr(clean, '=') && strchr(clean, '=') < clean + n - pad)
		goto out;
	out = malloc(n / 4 * 3 + 1);
	if (!out)
		goto out;
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	got = n ? EVP_DecodeBlock(out, (unsigned char *)clean, (int)n) : 0;
	if (got < 0 || (size_t)got < pad) {
		free(out);
		out = NULL;
		goto out;
	}
	*len = (size_t)got - pad;
out:
	free(clean);
	return out;
}

char *base64_encode(const uint8_t *data, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}
