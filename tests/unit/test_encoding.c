// SPDX-License-Identifier: GPL-2.0
/*
 * helper/encoding.c: the one hex decoder every reader of hex uses (tpm
 * send, the owner config, verify's PCR values, the asset tag) and the
 * strict base64. Each input is a heap copy of exactly its length, so ASan
 * reports a read past it.
 */
#include "../../helper/encoding.h"

#include "tap.h"

static void hex_case(const char *name, const char *text, size_t max,
		     bool skip_space, long want, const char *want_bytes)
{
	char *copy = dup_exact(text, strlen(text));
	/* One byte past @max, to see that nothing is written there. */
	uint8_t out[64];
	long got;

	memset(out, 0xA5, sizeof(out));
	got = hex_decode(copy, strlen(text), out, max, skip_space);
	if (got != want)
		report(false, name, "returned %ld, want %ld", got, want);
	else if (want > 0 && memcmp(out, want_bytes, (size_t)want))
		report(false, name, "wrong bytes");
	else
		report(out[max] == 0xA5, name, "wrote past max (%zu)", max);
	free(copy);
}

int main(void)
{
	uint8_t *b;
	size_t n;
	char *s;

	hex_case("hex: lower and upper case", "00ffAb9C", 8, false, 4,
		 "\x00\xff\xab\x9c");
	hex_case("hex: empty is no bytes", "", 8, false, 0, "");
	hex_case("hex: odd digit count refused", "abc", 8, false, -1, "");
	hex_case("hex: non-digit refused", "0g", 8, false, -1, "");
	hex_case("hex: a 0x prefix is not hex", "0x12", 8, false, -1, "");
	hex_case("hex: white space refused without skip_space", "00 11", 8,
		 false, -1, "");
	hex_case("hex: white space between digits skipped with it",
		 " 0 0\n11\t", 8, true, 2, "\x00\x11");
	hex_case("hex: other characters refused with skip_space too", "00-11",
		 8, true, -1, "");
	hex_case("hex: exactly max bytes", "0102", 2, false, 2, "\x01\x02");
	hex_case("hex: one byte over max refused, nothing past max written",
		 "010203", 2, false, -1, "");

	/* Only the first @len characters count. */
	{
		long got = hex_decode("0102zz", 4, (uint8_t[4]){0}, 4, false);

		report(got == 2, "hex: reads @len characters only", "got %ld",
		       got);
	}

	b = base64_decode("AAEC\n/w==", &n);
	report(b && n == 4 && !memcmp(b, "\x00\x01\x02\xff", 4),
	       "base64: white space skipped, padding at the end", "n=%zu", n);
	free(b);
	b = base64_decode("AA=A", &n);
	report(!b, "base64: '=' before the end refused", "decoded");
	free(b);
	b = base64_decode("AA*A", &n);
	report(!b, "base64: a character outside the alphabet refused",
	       "decoded");
	free(b);
	s = base64_encode((const uint8_t *)"\x00\x01\x02\xff", 4);
	report(s && !strcmp(s, "AAEC/w=="), "base64: encode on one line",
	       "got %s", s ? s : "(null)");
	free(s);
	s = hex_encode((const uint8_t *)"\x00\xab", 2);
	report(s && !strcmp(s, "00ab"), "hex: encode in lower case", "got %s",
	       s ? s : "(null)");
	free(s);
	return tally();
}
