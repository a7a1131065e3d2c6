/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hex and base64, the text forms of the bytes the helper reads and prints.
 */
#ifndef XENMB_ENCODING_H
#define XENMB_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* @len bytes as a lower-case hex string; the caller frees it. NULL: no memory.
 */
char *hex_encode(const uint8_t *data, size_t len);

/* The same into @out, which holds 2 * @len + 1 bytes. */
void hex_encode_to(const uint8_t *data, size_t len, char *out);

/* A hex digit's value (either case), or -1: inline for the pure code too. */
static inline int hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Strict hex: @len characters of @text, two hex digits (either case) a
 * byte, white space between digits skipped only with @skip_space. Returns
 * the byte count, or -1 for another character, an odd digit count or more
 * than @max bytes (nothing past @max is written).
 */
long hex_decode(const char *text, size_t len, uint8_t *out, size_t max,
		bool skip_space);

/*
 * Strict base64: white space is skipped, every other character must be of
 * the alphabet, '=' only as the final padding. Returns the bytes (freed by
 * the caller; *@len their count, possibly 0) or NULL for bad input.
 */
uint8_t *base64_decode(const char *text, size_t *len);

/* @len bytes as base64 on one line; the caller frees it. NULL: no memory. */
char *base64_encode(const uint8_t *data, size_t len);

#endif /* XENMB_ENCODING_H */
