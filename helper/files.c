// SPDX-License-Identifier: GPL-2.0
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
#define _GNU_SOURCE /* O_TMPFILE, linkat() */
#include "files.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"

int files_read_bounded(const char *path, size_t max, uint8_t **data,
		       size_t *len)
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

int files_path_in(char *path, const char *dir, const char *name)
{
	int n = snprintf(path, FILES_PATH_MAX, "%s/%s", dir, name);

	if (n < 0 || n >= (int)FILES_PATH_MAX) {
		xenmb_error("xenmb: %s/%s is longer than a path can be; see "
			    "'xenmb --help'\n",
			    dir, name);
		return EXIT_USAGE;
	}
	return 0;
}

int files_make_out_dir(const char *dir)
{
	if (mkdir(dir, 0755) && errno != EEXIST) {
		xenmb_error("xenmb: cannot create %s: %s\n", dir,
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

int files_write_atomic(const char *path, const void *data, size_t len,
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
		xenmb_error("xenmb: cannot create %s: %s\n", path,
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
		xenmb_error("xenmb: cannot create %s: %s\n", path,
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
		xenmb_error("xenmb: cannot write %s: %s\n", path,
			    strerror(errno));
		unlink(tmp);
	} else {
		fsync(dir_fd);
	}
	close(dir_fd);
	free(tmp);
	return ok ? 0 : EXIT_KERNEL;
}
