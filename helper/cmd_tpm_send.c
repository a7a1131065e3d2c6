// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb tpm send: one raw TPM command, through the driver's policy, at a
 * locality; the response and the TPM's return code by name.
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../driver/tpm_cmd.h"
#include "cli.h"
#include "encoding.h"
#include "subcommands.h"
#include "xenmb_dev.h"

static char *read_stdin_text(void)
{
	size_t cap = 2 * XENMB_TPM_BUF_MAX * 2 + 2, len = 0;
	char *text = malloc(cap);
	size_t got;

	if (!text)
		return NULL;
	while ((got = fread(text + len, 1, cap - 1 - len, stdin)) > 0) {
		len += got;
		if (len == cap - 1)
			break;
	}
	text[len] = '\0';
	return text;
}

static int print_response(const struct xenmb_response *rsp, uint32_t family,
			  bool json)
{
	char rc_name[64];
	char *hex = hex_encode(rsp->data, rsp->len);

	if (!hex) {
		fprintf(stderr, "xenmb: out of memory\n");
		return EXIT_KERNEL;
	}
	xenmb_tpm_rc_describe(family, rsp->tpm_rc, rc_name, sizeof(rc_name));
	if (json) {
		struct json_object *obj = json_object_new_object();

		json_object_object_add(obj, "response",
				       json_object_new_string(hex));
		json_object_object_add(obj, "tpm_rc",
				       json_object_new_int64(rsp->tpm_rc));
		json_object_object_add(obj, "tpm_rc_name",
				       json_object_new_string(rc_name));
		json_object_object_add(
		    obj, "duration_ns",
		    json_object_new_int64((int64_t)rsp->duration_ns));
		cli_print_json(obj);
	} else {
		printf("response: %s\ntpm_rc: 0x%x %s\n", hex, rsp->tpm_rc,
		       rc_name);
	}
	free(hex);
	return rsp->tpm_rc ? EXIT_TPM_ERROR : 0;
}

int cmd_tpm_send(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"locality", required_argument, NULL, 'l'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	static struct xenmb_response rsp;
	uint8_t cmd[XENMB_TPM_BUF_MAX];
	struct xenmb_info info;
	long locality = -1, len;
	char *text, *end;
	bool json = false;
	int fd, ret, c;

	while ((c = getopt_long(argc, argv, "l:j", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			errno = 0;
			locality = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || locality < 0)
				return cli_usage_error("--locality takes 0..4");
			break;
		case 'j':
			json = true;
			break;
		default:
			return cli_usage_error("unknown option to 'tpm send'");
		}
	}
	if (locality < 0)
		return cli_usage_error("'tpm send' needs --locality N");
	if (optind + 1 != argc)
		return cli_usage_error(
		    "'tpm send' takes one command: HEX or -");

	text = strcmp(argv[optind], "-") ? strdup(argv[optind])
					 : read_stdin_text();
	if (!text) {
		fprintf(stderr, "xenmb: out of memory\n");
		return EXIT_KERNEL;
	}
	len = hex_decode(text, strlen(text), cmd, sizeof(cmd), true);
	free(text);
	if (len < 0)
		return cli_usage_error(
		    "the command must be an even number of hex "
		    "digits, at most 4096 bytes");

	fd = cli_open_device();
	if (fd < 0)
		return EXIT_NO_DEVICE;
	ret = xenmb_get_info(fd, &info);
	if (!ret)
		ret = xenmb_tpm_transmit(fd, (unsigned int)locality, cmd,
					 (size_t)len, &rsp);
	close(fd);
	if (ret) {
		fprintf(stderr,
			"xenmb: TPM command at locality %ld refused: "
			"%s (%s)\n",
			locality,
			xenmb_cmd_strerror(ret, (unsigned int)locality),
			strerror(-ret));
		return EXIT_KERNEL;
	}
	return print_response(&rsp, info.tpm_family, json);
}
