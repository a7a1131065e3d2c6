/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The xenmb subcommands main() dispatches to: each parses its own options
 * (argv[0] is the command's name) and returns an exit code (exit_codes.h).
 */
#ifndef XENMB_SUBCOMMANDS_H
#define XENMB_SUBCOMMANDS_H

#include <stdbool.h>

int cmd_info(int argc, char **argv);
int cmd_tpm_send(int argc, char **argv);
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

#endif /* XENMB_SUBCOMMANDS_H */
