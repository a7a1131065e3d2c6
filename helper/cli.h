/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the xenmb subcommands share: exit codes, error lines, JSON output.
 */
#ifndef XENMB_CLI_H
#define XENMB_CLI_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes, documented in 'xenmb --help' and the README. */
enum {
	EXIT_TPM_ERROR = 1, /* the TPM answered with an error code */
	EXIT_USAGE = 2,
	EXIT_NO_DEVICE = 3,   /* /dev/xenmb cannot be opened */
	EXIT_KERNEL = 4,      /* the kernel refused or failed the request */
	EXIT_NOT_PRESENT = 5, /* no TXT, or no such event log */
	EXIT_MISMATCH = 6,    /* eventlog --check: a PCR does not match */
	EXIT_BAD_LOG = 7,     /* an event log that cannot be parsed */
	EXIT_NO_EK_CERT = 8,  /* ek --cert: no EK certificate in NV */
	EXIT_BAD_AUTH = 9,    /* wrong owner password (or owned with another) */
	EXIT_NOT_FOR_US = 10, /* challenge: made for another EK or AK */
	EXIT_BAD_CRED = 11,   /* challenge: not a tpm2_makecredential file */
	EXIT_UNTRUSTED = 12,  /* verify, known-good: the verdict is untrusted */
	EXIT_HEAP_HIDDEN = 13, /* txt, eventlog: Xen hides the TXT heap */
};

/* Prints "xenmb: WHAT; see 'xenmb --help'" and returns EXIT_USAGE. */
int cli_usage_error(const char *what);

/* Opens /dev/xenmb, or prints why not and returns -errno. */
int cli_open_device(void);

/* @len bytes as a lower-case hex string; the caller frees it. NULL: no memory.
 */
char *cli_hex(const uint8_t *data, size_t len);

/* The same into @out, which holds 2 * @len + 1 bytes. */
void cli_hex_to(const uint8_t *data, size_t len, char *out);

/* Files the helper reads whole (logs, key blobs) are at most this big. */
#define CLI_FILE_MAX (16U << 20)

/*
 * Reads all of @path, at most @max bytes, into *@data (freed by the
 * caller; one spare byte at the end) and *@len. Works for sysfs and
 * securityfs files, whose size reads as 0. Returns 0, -EFBIG when the
 * file is larger, or -errno.
 */
int cli_read_file(const char *path, size_t max, uint8_t **data, size_t *len);

/*
 * Strict base64: white space is skipped, every other character must be of
 * the alphabet, '=' only as the final padding. Returns the bytes (freed by
 * the caller; *@len their count, possibly 0) or NULL for bad input.
 */
uint8_t *cli_base64_decode(const char *text, size_t *len);

/* @len bytes as base64 on one line; the caller frees it. NULL: no memory. */
char *cli_base64(const uint8_t *data, size_t len);

/*
 * Writes @len bytes to @path with permissions @mode atomically: a
 * temporary file beside it, fsync, rename, fsync of the directory. A crash
 * leaves the old file or the new one, never half of one. Returns 0 or
 * EXIT_KERNEL, having said why.
 */
int cli_write_file_atomic(const char *path, const void *data, size_t len,
			  unsigned int mode);

/*
 * Prints a challenge's recovered secret: the bytes (@raw), {"secret": base64}
 * (@json) or base64 on one line. One format for both TPM families. Its own
 * base64 copy is wiped; @secret stays the caller's to wipe. Returns 0 or
 * EXIT_KERNEL.
 */
int cli_print_secret(const uint8_t *secret, size_t len, bool raw, bool json);

/* Longest path the helper builds from an --out directory and a file name. */
#define CLI_PATH_MAX 4096 /* PATH_MAX */

/*
 * Writes "@dir/@name" into @path (CLI_PATH_MAX bytes). A path cut to fit
 * would name another file, so one that does not fit is refused: returns 0,
 * or EXIT_USAGE having said so.
 */
int cli_path_in(char *path, const char *dir, const char *name);

/*
 * Creates the output directory @dir (--out), which may already exist.
 * Returns 0 or EXIT_KERNEL, having said why.
 */
int cli_out_dir(const char *dir);

/* Prints @obj pretty and releases it. */
void cli_print_json(struct json_object *obj);

/* Adds @key: base64 of @len bytes (of the file @path, when it is there). */
void cli_json_add_b64(struct json_object *o, const char *key, const void *data,
		      size_t len);
void cli_json_add_file_b64(struct json_object *o, const char *key,
			   const char *path);

/*
 * 'asset-tag show' of both TPM families, so that scripts read one format:
 * the NV index (@nv_index, "0x..."), whether a tag is there, and the tag
 * (@len bytes) in hex and base64. Returns 0 or EXIT_KERNEL (no memory).
 */
int cli_print_asset_tag(const char *nv_index, bool present, const uint8_t *tag,
			size_t len, bool json);

int cmd_txt(int argc, char **argv);
int cmd_eventlog(int argc, char **argv);
int cmd_ek(int argc, char **argv);
int cmd_ak(int argc, char **argv);
int cmd_quote(int argc, char **argv);

/* xentpm, the seed product's CLI: xenmb called by that name (xentpm.c). */
bool xentpm_invoked(const char *argv0);
int xentpm_main(int argc, char **argv);
int cmd_challenge(int argc, char **argv);
int cmd_owner(int argc, char **argv);
int cmd_asset_tag(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_known_good(int argc, char **argv);

#endif /* XENMB_CLI_H */
