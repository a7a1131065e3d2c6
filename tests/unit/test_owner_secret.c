// SPDX-License-Identifier: GPL-2.0
/*
 * The owner secret: the config file parser (every malformed form refused,
 * the reason never quoting the value), the default when the file is
 * absent, file ownership and mode checks, and the keyring cache (used while
 * the file is unchanged, dropped when it changes or is forgotten).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helper/owner_secret.h"
#include "tests/unit/tap.h"

/* SHA-1("xenroot"): the seed product's documented default owner secret. */
static const char default_hex[] = "dda779d83724f080ebfc83816ebebb6f8843b642";
static const char secret_hex[] = "00112233445566778899aabbccddeeff01234567";

static void hex_of(const uint8_t *s, char *out)
{
	size_t i;

	for (i = 0; i < OWNER_SECRET_LEN; i++)
		sprintf(out + 2 * i, "%02x", s[i]);
}

static void parse_case(const char *name, const char *text, int want_ret,
		       const char *want_hex)
{
	uint8_t secret[OWNER_SECRET_LEN];
	char *copy = dup_exact(text, strlen(text));
	const char *why = "";
	char got[2 * OWNER_SECRET_LEN + 1] = "";
	int ret;

	ret = owner_config_parse(copy, strlen(text), secret, &why);
	if (!ret)
		hex_of(secret, got);
	if (want_ret)
		report(ret == want_ret && why && *why &&
			   !strstr(why, "0011223344"),
		       name, "returned %d, why '%s'", ret, why);
	else
		report(!ret && !strcmp(got, want_hex), name,
		       "returned %d (%s), got %s", ret, why, got);
	free(copy);
}

static void parser_cases(void)
{
	parse_case("plain password line",
		   "password=00112233445566778899aabbccddeeff01234567\n", 0,
		   secret_hex);
	parse_case("no trailing newline",
		   "password=00112233445566778899aabbccddeeff01234567", 0,
		   secret_hex);
	parse_case("spaces, CRLF, upper case hex",
		   "  password = 00112233445566778899AABBCCDDEEFF01234567 \r\n",
		   0, secret_hex);
	parse_case("comments, blank lines, other keys",
		   "# "
		   "owner\n\nfoo=bar\npassword="
		   "00112233445566778899aabbccddeeff01234567\nbaz=1\n",
		   0, secret_hex);
	parse_case("empty file", "", -EINVAL, NULL);
	parse_case("no password key", "foo=bar\n", -EINVAL, NULL);
	parse_case("password twice",
		   "password=00112233445566778899aabbccddeeff01234567\n"
		   "password=00112233445566778899aabbccddeeff01234567\n",
		   -EINVAL, NULL);
	parse_case("39 hex digits",
		   "password=00112233445566778899aabbccddeeff0123456\n",
		   -EINVAL, NULL);
	parse_case("41 hex digits",
		   "password=00112233445566778899aabbccddeeff012345678\n",
		   -EINVAL, NULL);
	parse_case("a non-hex digit",
		   "password=00112233445566778899aabbccddeeff0123456g\n",
		   -EINVAL, NULL);
	parse_case("the clear-text password instead of its hash",
		   "password=xenroot\n", -EINVAL, NULL);
	parse_case("a line without '='", "password 0011\n", -EINVAL, NULL);
	parse_case("a value cut short", "password=0011223344556677\n", -EINVAL,
		   NULL);
	parse_case("passwordx is another key",
		   "passwordx=00112233445566778899aabbccddeeff01234567\n",
		   -EINVAL, NULL);
}

static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -1;
	fchmod(fd, mode);
	return close(fd);
}

static void file_cases(void)
{
	char dir[] = "/tmp/xenmb-owner-XXXXXX", path[64], got[41];
	uint8_t secret[OWNER_SECRET_LEN];
	const char *why = "";
	struct stat st;
	int dflt = -1, ret;

	if (!mkdtemp(dir)) {
		report(false, "temporary directory", "%s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/config", dir);

	ret = owner_secret_get(path, secret, &dflt, &why);
	hex_of(secret, got);
	report(!ret && dflt == 1 && !strcmp(got, default_hex),
	       "no config file: the default SHA-1(\"xenroot\")",
	       "ret %d dflt %d %s", ret, dflt, got);

	write_file(path, "password=00112233445566778899aabbccddeeff01234567\n",
		   0666);
	ret = owner_secret_get(path, secret, &dflt, &why);
	report(ret == -EPERM, "a world-writable config file is refused",
	       "ret %d", ret);

	owner_secret_forget(path);
	write_file(path, "password=00112233445566778899aabbccddeeff01234567\n",
		   0600);
	ret = owner_secret_get(path, secret, &dflt, &why);
	hex_of(secret, got);
	report(!ret && !dflt && !strcmp(got, secret_hex),
	       "a root-only config file is read", "ret %d (%s) %s", ret, why,
	       got);

	/* Same size and mtime, other contents: only the cache can answer. */
	stat(path, &st);
	write_file(path, "password=ffffffffffffffffffffffffffffffffffffffff\n",
		   0600);
	{
		struct timespec times[2] = {st.st_atim, st.st_mtim};

		utimensat(AT_FDCWD, path, times, 0);
	}
	ret = owner_secret_get(path, secret, &dflt, &why);
	hex_of(secret, got);
	report(!ret && !strcmp(got, secret_hex),
	       "an unchanged file is served from the keyring", "ret %d %s", ret,
	       got);

	owner_secret_forget(path);
	ret = owner_secret_get(path, secret, &dflt, &why);
	hex_of(secret, got);
	report(!ret && !strcmp(got, "ffffffffffffffffffffffffffffffffffffffff"),
	       "after forget the file is read again", "ret %d %s", ret, got);

	write_file(path, "password=bad\n", 0600);
	ret = owner_secret_get(path, secret, &dflt, &why);
	report(ret == -EINVAL && strstr(why, "40 hex digits"),
	       "a changed, malformed file is refused, not the stale cache",
	       "ret %d (%s)", ret, why);

	unlink(path);
	rmdir(dir);
	owner_secret_wipe(secret);
}

int main(void)
{
	parser_cases();
	file_cases();
	return tally();
}
