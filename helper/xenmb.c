// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb: the command line over /dev/xenmb. main() picks the subcommand
 * from one table, which also writes 'xenmb --help'.
 *
 * Exit codes: see exit_codes.h, 'xenmb --help' and the README.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "subcommands.h"
#include "tpm12_flows.h" /* TPM12_AIK_PATH */
#include "tpm2_esys.h"	 /* XENMB_TCTI_DEFAULT */

/*
 * The subcommands, in the order 'xenmb --help' lists them. @name is what
 * follows "xenmb" ("tpm send" is two words), @synopsis its usage lines
 * after "xenmb ", @about its paragraph of the help, after the name column.
 */
static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
	const char *about;
} commands[] = {
    {"info", cmd_info, "info [--json]",
     "what /dev/xenmb and its TPM are: family, interface,\n"
     "            usable localities, policy, counters"},
    {"tpm send", cmd_tpm_send, "tpm send --locality N [--json] HEX|-",
     "send one raw TPM command (HEX, or hex on stdin for -)\n"
     "            at locality N (0..3); prints the response and the TPM\n"
     "            return code by name"},
    {"txt", cmd_txt, "txt [--json | --format txt-stat]",
     "the Intel TXT registers decoded, the TXT heap and where\n"
     "            the DRTM event log is; --format txt-stat: in the\n"
     "            layout of tboot's txt-stat --heap"},
    {"eventlog", cmd_eventlog,
     "eventlog [--drtm | --srtm | --file F] [--json | --raw]\n"
     "                      [--replay] [--check]",
     "an event log: the DRTM log from the TXT heap (default),\n"
     "            the firmware (SRTM) log, or a file; --replay computes\n"
     "            the PCRs, --check compares them with the TPM's"},
    {"ek", cmd_ek, "ek [--pem] [--cert] [--handle HANDLE] [--tcti CONF]",
     "TPM 2.0: find or create the EK (0x81010001, or --handle\n"
     "            in 0x81010000-0x8101FFFF); --pem its public key,\n"
     "            --cert the EK certificate from NV 0x01C00002"},
    {"ak", cmd_ak,
     "ak [--pem] [--public FILE] [--name] [--handle HANDLE]\n"
     "                [--ek-handle HANDLE] [--tcti CONF]",
     "TPM 2.0: find or create the AK (0x81018000, or --handle\n"
     "            in 0x81000000-0x817FFFFF) under the EK (--ek-handle, as\n"
     "            ek --handle); --pem, --public (TPM2B_PUBLIC file),\n"
     "            --name (hex)"},
    {"quote", cmd_quote,
     "quote --nonce BASE64 [--pcrs SEL] [--out DIR] [--json]\n"
     "                   [--ak-handle HANDLE] [--tcti CONF]",
     "TPM 2.0: quote PCRs (default sha256:all, plus sha1:all\n"
     "            when allocated) over the nonce with the AK; --out DIR\n"
     "            writes quote.msg quote.sig quote.pcrs ak.pem (what\n"
     "            tpm2_checkquote reads) and srtm.log drtm.log; JSON on\n"
     "            stdout with --json or without --out; --ak-handle: the\n"
     "            AK at that handle (ak --handle)"},
    {"challenge", cmd_challenge,
     "challenge BASE64 | --file F [--raw | --json]\n"
     "                       [--ek-handle HANDLE] [--ak-handle HANDLE]\n"
     "                       [--tcti CONF]",
     "TPM2 ActivateCredential of a tpm2_makecredential file\n"
     "            (base64, or --file F) with the EK and AK (at their\n"
     "            defaults, or --ek-handle, --ak-handle); prints the\n"
     "            secret in base64 (--raw: its bytes, --json)"},
    {"owner", cmd_owner,
     "owner status|take|clear [--json] [--config PATH]\n"
     "                   [--endorsement secret|empty] [--tcti CONF]",
     "TPM 2.0: status (which hierarchy auths are set, DA\n"
     "            lockout), take (owner, endorsement and lockout auth :=\n"
     "            the secret of --config, default /opt/xensource/tpm/config;\n"
     "            no file: SHA-1(\"xenroot\")), clear (TPM2_Clear, lockout\n"
     "            auth). A wrong lockout password locks the lockout\n"
     "            hierarchy: take and clear check the owner auth first;\n"
     "            take --endorsement empty leaves the endorsement auth\n"
     "            empty (go-attestation, Keylime) and prints Keylime's\n"
     "            tpm_ownerpassword line"},
    {"asset-tag", cmd_asset_tag,
     "asset-tag set TAG | clear | show [--json] [--config PATH]\n"
     "                       [--tcti CONF]",
     "TPM 2.0: NV 0x01C10110 (owner-written), extended into\n"
     "            PCR 22 at the next measured launch; TAG: 32 bytes, or 20\n"
     "            stored zero-padded, as hex or base64"},
    {"verify", cmd_verify,
     "verify INPUT [--ak PEM] [--nonce BASE64] [--srtm-log F]\n"
     "                    [--drtm-log F] [--known-good LIST] [--json]",
     "the attestation verdict, trusted or untrusted with every\n"
     "            reason a line: the AK's signature, the nonce, the PCR\n"
     "            digest, the replay of the event logs and, with\n"
     "            --known-good, the list. INPUT: the files of 'quote --out'\n"
     "            (ak.pem, srtm.log, drtm.log beside it are used unless\n"
     "            --ak / --*-log say otherwise), 'quote --json' output,\n"
     "            a go-attestation attestation JSON (TPM 2.0 or 1.2; its\n"
     "            Quote.Nonce is the default nonce), or xentpm's TPM 1.2\n"
     "            quote blob (base64)"},
    {"known-good", cmd_known_good,
     "known-good record (INPUT | --live [--tcti CONF]) --out LIST\n"
     "       xenmb known-good diff LIST INPUT [--json]",
     "record writes the list of a clean host (per PCR the\n"
     "            accepted values, per event the accepted digests, type,\n"
     "            component, description) from a quote that verifies, or\n"
     "            --live from a fresh quote of this host; diff says, one\n"
     "            line a change, which event and component differ"},
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

/* Between the synopses and the paragraphs: what INPUT stands for. */
static const char help_input[] =
    "  INPUT: --quote-dir DIR | --quote-json F | --attestation F |\n"
    "         --tpm12-quote F, with the options of verify\n"
    "         but --known-good\n"
    "\n";

/* After the paragraphs: what is no one command's, and the exit codes. */
static const char help_tpm12[] =
    "  TPM 1.2   the same commands when /dev/xenmb has a TPM 1.2: the EK\n"
    "            (certificate: NV 0x1000F000), the AIK (TPM_MakeIdentity,\n"
    "            blob in " TPM12_AIK_PATH "), the quote as the\n"
    "            original xentpm's blob (--out DIR: quote.bin), the\n"
    "            original servers' identity challenge, the asset tag in\n"
    "            NV 0x40000010 (20 bytes); owner clear leaves the TPM\n"
    "            disabled and deactivated (the firmware setup enables it)\n";
/* Also in the help of each command that takes --tcti. */
static const char help_tcti[] =
    "  --tcti    the tpm2-tss TCTI (default \"" XENMB_TCTI_DEFAULT "\")\n";
static const char help_exit_codes[] =
    "\n"
    "exit codes: 0 success, 1 the TPM answered with an error code,\n"
    "            2 usage error, 3 /dev/xenmb (or the TCTI) cannot be opened,\n"
    "            4 the kernel refused or failed the request,\n"
    "            5 no TXT or no such event log, 6 a PCR does not match\n"
    "            its log, 7 an event log cannot be parsed,\n"
    "            8 no EK certificate in NV,\n"
    "            9 wrong owner password (or owned with another),\n"
    "            10 challenge: made for another EK or AK,\n"
    "            11 challenge: not a tpm2_makecredential file,\n"
    "            12 verify, known-good: the verdict is untrusted\n"
    "            13 txt, eventlog --drtm: the TXT heap is not accessible\n"
    "               to dom0 (Xen marks it unusable)\n";

static void print_help(void)
{
	size_t i;

	for (i = 0; i < COMMAND_COUNT; i++)
		printf("%s xenmb %s\n",
		       i ? "      " : "usage:", commands[i].synopsis);
	fputs(help_input, stdout);
	for (i = 0; i < COMMAND_COUNT; i++)
		printf("  %-9s %s\n", commands[i].name, commands[i].about);
	fputs(help_tpm12, stdout);
	fputs(help_tcti, stdout);
	fputs(help_exit_codes, stdout);
}

/*
 * 'xenmb CMD --help': that command's synopsis and paragraph from the
 * table, and the notes of the whole help that apply to it.
 */
static void print_command_help(const struct command *cmd)
{
	printf("usage: xenmb %s\n", cmd->synopsis);
	if (strstr(cmd->synopsis, "INPUT"))
		fputs(help_input, stdout);
	else
		putchar('\n');
	printf("  %-9s %s\n", cmd->name, cmd->about);
	if (strstr(cmd->synopsis, "--tcti"))
		fputs(help_tcti, stdout);
	fputs("\nexit codes and the TPM 1.2 forms: 'xenmb --help', xenmb(8)\n",
	      stdout);
}

/*
 * Whether the arguments after a command ask for its help: "--help" or
 * "-h" before any "--". No command takes either as an option's value.
 */
static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/*
 * How many words of argv[1..] spell @name: 1, 2 (the two of "tpm send"),
 * or 0 when they are another command.
 */
static int words_of(const char *name, int argc, char **argv)
{
	size_t len = strlen(argv[1]);

	if (strncmp(name, argv[1], len))
		return 0;
	if (!name[len])
		return 1;
	if (name[len] == ' ' && argc >= 3 && !strcmp(name + len + 1, argv[2]))
		return 2;
	return 0;
}

int main(int argc, char **argv)
{
	size_t i;
	int words;

	if (argc > 0 && xentpm_invoked(argv[0]))
		return xentpm_main(argc, argv);
	xenmb_progress_enable();
	if (argc < 2)
		return cli_usage_error("missing command");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		print_help();
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("xenmb %s\n", XENMB_VERSION);
		return 0;
	}
	for (i = 0; i < COMMAND_COUNT; i++) {
		words = words_of(commands[i].name, argc, argv);
		if (!words)
			continue;
		if (wants_help(argc - words, argv + words)) {
			print_command_help(&commands[i]);
			return 0;
		}
		return commands[i].run(argc - words, argv + words);
	}
	return cli_usage_error("unknown command");
}
