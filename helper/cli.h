/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the xenmb subcommands share: exit codes, error lines, JSON output.
 */
#ifndef XENMB_CLI_H
#define XENMB_CLI_H

#include <json-c/json.h>
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
};

/* Prints "xenmb: WHAT; see 'xenmb --help'" and returns EXIT_USAGE. */
int cli_usage_error(const char *what);

/* Opens /dev/xenmb, or prints why not and returns -errno. */
int cli_open_device(void);

/* Prints @obj pretty and releases it. */
void cli_print_json(struct json_object *obj);

int cmd_txt(int argc, char **argv);
int cmd_eventlog(int argc, char **argv);

#endif /* XENMB_CLI_H */
