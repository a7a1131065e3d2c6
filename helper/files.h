/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The files the helper reads whole and writes: bounded reads, the atomic
 * write, and the paths it builds under an --out directory.
 */
#ifndef XENMB_FILES_H
#define XENMB_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "exit_codes.h"

/* Files the helper reads whole (logs, key blobs) are at most this big. */
#define FILES_READ_MAX (16U << 20)

/*
 * Reads all of @path, at most @max bytes, into *@data (freed by the
 * caller; one spare byte at the end) and *@len. Works for sysfs and
 * securityfs files, whose size reads as 0. Returns 0, -EFBIG when the
 * file is larger, or -errno.
 */
int files_read_bounded(const char *path, size_t max, uint8_t **data,
		       size_t *len);

/*
 * Writes @len bytes to @path with permissions @mode atomically: a
 * temporary file beside it, fsync, rename, fsync of the directory. A crash
 * leaves the old file or the new one, never half of one. Returns 0 or
 * EXIT_KERNEL, having said why.
 */
int files_write_atomic(const char *path, const void *data, size_t len,
		       unsigned int mode);

/* Longest path the helper builds from an --out directory and a file name. */
#define FILES_PATH_MAX 4096 /* PATH_MAX */

/*
 * Writes "@dir/@name" into @path (FILES_PATH_MAX bytes). A path cut to fit
 * would name another file, so one that does not fit is refused: returns 0,
 * or EXIT_USAGE having said so.
 */
int files_path_in(char *path, const char *dir, const char *name);

/*
 * Creates the output directory @dir (--out), which may already exist.
 * Returns 0 or EXIT_KERNEL, having said why.
 */
int files_make_out_dir(const char *dir);

#endif /* XENMB_FILES_H */
