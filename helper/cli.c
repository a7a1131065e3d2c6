// SPDX-License-Identifier: GPL-2.0
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

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

char *cli_hex(const uint8_t *data, size_t len)
{
	char *s = malloc(2 * len + 1);
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; i < len; i++)
		sprintf(s + 2 * i, "%02x", data[i]);
	s[2 * len] = '\0';
	return s;
}
