// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: the parser of /opt/xensource/tpm/config. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helper/owner_secret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t secret[OWNER_SECRET_LEN];
	const char *why = "";
	char *text = malloc(size ? size : 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	owner_config_parse(text, size, secret, &why);
	free(text);
	return 0;
}
