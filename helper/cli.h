/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the xenmb subcommands share: error lines, JSON output, the printers
 * both TPM families use, and (exit_codes.h) the exit codes.
 */
#ifndef XENMB_CLI_H
#define XENMB_CLI_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exit_codes.h"

/* Prints "xenmb: WHAT; see 'xenmb --help'" and returns EXIT_USAGE. */
int cli_usage_error(const char *what);

/* Opens /dev/xenmb, or prints why not and returns -errno. */
int cli_open_device(void);

/*
 * Prints a challenge's recovered secret: the bytes (@raw), {"secret": base64}
 * (@json) or base64 on one line. One format for both TPM families. Its own
 * base64 copy is wiped; @secret stays the caller's to wipe. Returns 0 or
 * EXIT_KERNEL.
 */
int cli_print_secret(const uint8_t *secret, size_t len, bool raw, bool json);

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

#endif /* XENMB_CLI_H */
