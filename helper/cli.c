// SPDX-License-Identifier: GPL-2.0
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "files.h"
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
	char *b64 = base64_encode(data, len);

	json_object_object_add(o, key, json_object_new_string(b64 ? b64 : ""));
	free(b64);
}

void cli_json_add_file_b64(struct json_object *o, const char *key,
			   const char *path)
{
	uint8_t *data;
	size_t len;

	if (files_read_bounded(path, FILES_READ_MAX, &data, &len))
		return;
	cli_json_add_b64(o, key, data, len);
	free(data);
}

int cli_print_asset_tag(const char *nv_index, bool present, const uint8_t *tag,
			size_t len, bool json)
{
	char *hex = present ? hex_encode(tag, len) : NULL;

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

int cli_print_secret(const uint8_t *secret, size_t len, bool raw, bool json)
{
	char *b64;

	if (raw)
		return fwrite(secret, 1, len, stdout) == len ? 0 : EXIT_KERNEL;
	b64 = base64_encode(secret, len);
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
