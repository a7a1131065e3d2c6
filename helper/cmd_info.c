// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb info: what /dev/xenmb and its TPM are (family, chip, interface,
 * usable localities, policy) and the driver's counters.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../driver/policy.h"
#include "../driver/tpm_cmd.h"
#include "cli.h"
#include "subcommands.h"
#include "xenmb_dev.h"

static void print_info_json(const struct xenmb_info *info)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *locs = json_object_new_array();
	struct json_object *counters = json_object_new_object();
	unsigned int l;

	for (l = 0; l <= XENMB_LOCALITY_MAX; l++)
		if (info->localities & (1U << l))
			json_object_array_add(locs,
					      json_object_new_int((int)l));
	json_object_object_add(obj, "abi_version",
			       json_object_new_int((int)info->abi_version));
	json_object_object_add(
	    obj, "tpm_family",
	    json_object_new_string(xenmb_tpm_family_name(info->tpm_family)));
	json_object_object_add(obj, "chip",
			       json_object_new_string(info->chip_name));
	json_object_object_add(
	    obj, "interface",
	    json_object_new_string(xenmb_interface_name(info->interface)));
	json_object_object_add(obj, "localities", locs);
	json_object_object_add(
	    obj, "policy",
	    json_object_new_string(xenmb_policy_name(info->policy) ?: "?"));
	json_object_object_add(counters, "commands",
			       json_object_new_int64((int64_t)info->commands));
	json_object_object_add(counters, "denials",
			       json_object_new_int64((int64_t)info->denials));
	json_object_object_add(
	    counters, "tpm_errors",
	    json_object_new_int64((int64_t)info->tpm_errors));
	json_object_object_add(counters, "timeouts",
			       json_object_new_int64((int64_t)info->timeouts));
	json_object_object_add(counters, "io_errors",
			       json_object_new_int64((int64_t)info->io_errors));
	json_object_object_add(obj, "counters", counters);
	cli_print_json(obj);
}

static void print_info_text(const struct xenmb_info *info)
{
	unsigned int l;

	printf("abi_version: %u\n", info->abi_version);
	if (info->tpm_family == XENMB_TPM_FAMILY_NONE)
		printf("tpm: none\n");
	else
		printf("tpm: %s (%s, %s)\n",
		       xenmb_tpm_family_name(info->tpm_family), info->chip_name,
		       xenmb_interface_name(info->interface));
	printf("localities:");
	for (l = 0; l <= XENMB_LOCALITY_MAX; l++)
		if (info->localities & (1U << l))
			printf(" %u", l);
	printf("\npolicy: %s\n", xenmb_policy_name(info->policy) ?: "?");
	printf("commands: %llu\ndenials: %llu\ntpm_errors: %llu\n"
	       "timeouts: %llu\nio_errors: %llu\n",
	       (unsigned long long)info->commands,
	       (unsigned long long)info->denials,
	       (unsigned long long)info->tpm_errors,
	       (unsigned long long)info->timeouts,
	       (unsigned long long)info->io_errors);
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	struct xenmb_info info;
	bool json = false;
	int fd, ret, c;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c != 'j')
			return cli_usage_error("unknown option to 'info'");
		json = true;
	}
	if (optind != argc)
		return cli_usage_error("'info' takes no arguments");

	fd = cli_open_device();
	if (fd < 0)
		return EXIT_NO_DEVICE;
	ret = xenmb_get_info(fd, &info);
	close(fd);
	if (ret) {
		fprintf(stderr, "xenmb: XENMB_IOC_INFO failed: %s\n",
			strerror(-ret));
		return EXIT_KERNEL;
	}
	if (json)
		print_info_json(&info);
	else
		print_info_text(&info);
	return 0;
}
