// SPDX-License-Identifier: GPL-2.0
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
#define _GNU_SOURCE /* O_TMPFILE, linkat() */
#include "cli.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xenmb_dev.h"

int cli_usage_error(const char *what)
{
	fprintf(stderr, "xenmb: %s; see 'xenmb --help'\n", what);
	return EXIT_USAGE;
}

int cli_open_device(void)
{
	int fd = xenmb_open();

	if (fd < 0)
		fprintf(stderr, "xenmb: cannot open %s: %s\n",
			XENMB_DEVICE_PATH, xenmb_open_strerror(fd));
	return fd;
}

void cli_print_json(struct json_object *obj)
{
	puts(json_object_to_json_string_ext(
	    obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

void cli_json_add_b64(struct json_object *o, const char *key, const void *data,
		      size_t len)
{
	char *b64 = cli_base64(data, len);

	json_object_object_add(o, key, json_object_new_string(b64 ? b64 : ""));
	free(b64);
}

void cli_json_add_file_b64(struct json_object *o, const char *key,
			   const char *path)
{
	uint8_t *data;
	size_t len;

	if (cli_read_file(path, CLI_FILE_MAX, &data, &len))
		return;
	cli_json_add_b64(o, key, data, len);
	free(data);
}

int cli_print_asset_tag(const char *nv_index, bool present, const uint8_t *tag,
			size_t len, bool json)
{
	char *hex = present ? cli_hex(tag, len) : NULL;

	if (present && !hex) {
		fprintf(stderr, "xenmb: out of memory\n");
		return EXIT_KERNEL;
	}
	if (json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "nv_index",
				       json_object_new_string(nv_index));
		json_object_object_add(o, "present",
				       json_object_new_boolean(present));
		if (present) {
			json_object_object_add(o, "tag",
					       json_object_new_string(hex));
			cli_json_add_b64(o, "tag_base64", tag, len);
		}
		cli_print_json(o);
	} else if (present) {
		printf("asset tag: %s\n", hex);
	} else {
		printf("no asset tag\n");
	}
	free(hex);
	return 0;
}

void cli_hex_to(const uint8_t *data, size_t len, char *out)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", data[i]);
	out[2 * len] = '\0';
}

char *cli_hex(const uint8_t *data, size_t len)
{
	char *s = malloc(2 * len + 1);

	if (s)
		cli_hex_to(data, len, s);
	return s;
}

int cli_read_file(const char *path, size_t max, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0, n = 0, got;
	uint8_t *buf = NULL, *grown;
	int ret = 0;

	*data = NULL;
	*len = 0;
	if (!f)
		return -errno;
	do {
		if (n == cap) {
			if (cap > max) {
				ret = -EFBIG;
				break;
			}
			cap = cap ? 2 * cap : 1 << 16;
			grown = realloc(buf, cap + 1);
			if (!grown) {
				ret = -ENOMEM;
				break;
			}
			buf = grown;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (!ret && ferror(f))
		ret = -EIO;
	if (!ret && n > max)
		ret = -EFBIG;
	fclose(f);
	if (ret) {
		free(buf);
		return ret;
	}
	*data = buf;
	*len = n;
	return 0;
}
uint8_t *cli_base64_decode(const char *text, size_t *len)
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

char *cli_base64(const uint8_t *data, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

int cli_print_secret(const uint8_t *secret, size_t len, bool raw, bool json)
{
	char *b64;

	if (raw)
		return fwrite(secret, 1, len, stdout) == len ? 0 : EXIT_KERNEL;
	b64 = cli_base64(secret, len);
	if (!b64)
		return EXIT_KERNEL;
	if (json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "secret",
				       json_object_new_string(b64));
		cli_print_json(o);
	} else {
		printf("%s\n", b64);
	}
	/* Our copy of the credential; the caller wipes @secret itself. */
	explicit_bzero(b64, strlen(b64));
	free(b64);
	return 0;
}

int cli_path_in(char *path, const char *dir, const char *name)
{
	int n = snprintf(path, CLI_PATH_MAX, "%s/%s", dir, name);

	if (n < 0 || n >= (int)CLI_PATH_MAX) {
		fprintf(stderr,
			"xenmb: %s/%s is longer than a path can be; see "
			"'xenmb --help'\n",
			dir, name);
		return EXIT_USAGE;
	}
	return 0;
}

int cli_out_dir(const char *dir)
{
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "xenmb: cannot create %s: %s\n", dir,
			strerror(errno));
		return EXIT_KERNEL;
	}
	return 0;
}

/*
 * @path's directory, opened once for the writer's three uses of it: the
 * unnamed file, the scan for dead writers' files and the final fsync (the
 * directory entry of a rename survives a crash only once synced).
 * *@base gets the file name within it.
 */
static int open_dir_of(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	*base = slash ? slash + 1 : path;
	if (!slash)
		return open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (!dir)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	return fd;
}

/*
 * An unnamed file in @dir_fd (O_TMPFILE) that gets a name only once it is
 * whole. -1 where the file system cannot (then mkstemp() is used).
 */
static int open_unnamed_in(int dir_fd)
{
	return openat(dir_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
}

/*
 * A writer killed between naming its whole temporary file and the rename
 * leaves "@base.<pid>" behind (no SIGKILL-proof way to replace a file
 * without a second name exists). The next writer of @base in @dir_fd
 * removes those whose process is gone.
 */
static void remove_dead_writers_files(int dir_fd, const char *base)
{
	size_t blen = strlen(base);
	int scan_fd = dup(dir_fd);
	DIR *d = scan_fd >= 0 ? fdopendir(scan_fd) : NULL;
	struct dirent *e;

	if (!d) {
		if (scan_fd >= 0)
			close(scan_fd);
		return;
	}
	while ((e = readdir(d))) {
		char *end;
		long pid;

		if (strncmp(e->d_name, base, blen) || e->d_name[blen] != '.' ||
		    !isdigit((unsigned char)e->d_name[blen + 1]))
			continue;
		errno = 0;
		pid = strtol(e->d_name + blen + 1, &end, 10);
		if (*end || errno || pid <= 0 || pid > INT_MAX ||
		    !kill((pid_t)pid, 0) || errno != ESRCH)
			continue;
		unlinkat(dir_fd, e->d_name, 0);
	}
	closedir(d);
}

/* Gives the unnamed file @fd the name @tmp (a stale one is replaced). */
static bool name_unnamed(int fd, const char *tmp)
{
	char proc[32];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (!linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW))
		return true;
	return errno == EEXIST && !unlink(tmp) &&
	       !linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW);
}

int cli_write_file_atomic(const char *path, const void *data, size_t len,
			  unsigned int mode)
{
	/* Beside the target, so the rename is atomic: old or new, never half.
	 */
	size_t n = strlen(path) + sizeof(".-2147483648");
	char *tmp = malloc(n);
	bool ok = false, unnamed;
	const char *base;
	int fd, dir_fd;

	if (!tmp)
		return EXIT_KERNEL;
	dir_fd = open_dir_of(path, &base);
	if (dir_fd < 0) {
		fprintf(stderr, "xenmb: cannot create %s: %s\n", path,
			strerror(errno));
		free(tmp);
		return EXIT_KERNEL;
	}
	remove_dead_writers_files(dir_fd, base);
	fd = open_unnamed_in(dir_fd);
	unnamed = fd >= 0;
	if (unnamed) {
		/* The writer's pid: remove_dead_writers_files() relies on it.
		 */
		snprintf(tmp, n, "%s.%d", path, (int)getpid());
	} else {
		/* Not all digits: never taken for a dead writer's file. */
		snprintf(tmp, n, "%s.tmpXXXXXX", path);
		fd = mkstemp(tmp);
	}
	if (fd < 0) {
		fprintf(stderr, "xenmb: cannot create %s: %s\n", path,
			strerror(errno));
		close(dir_fd);
		free(tmp);
		return EXIT_KERNEL;
	}
	ok = !fchmod(fd, (mode_t)mode) &&
	     write(fd, data, len) == (ssize_t)len && !fsync(fd);
	/* An unnamed file gets its temporary name only now, whole. */
	if (ok && unnamed)
		ok = name_unnamed(fd, tmp);
	ok = !close(fd) && ok && !rename(tmp, path);
	if (!ok) {
		fprintf(stderr, "xenmb: cannot write %s: %s\n", path,
			strerror(errno));
		unlink(tmp);
	} else {
		fsync(dir_fd);
	}
	close(dir_fd);
	free(tmp);
	return ok ? 0 : EXIT_KERNEL;
}
