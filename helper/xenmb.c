// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb: the command line over /dev/xenmb.
 *
 * Exit codes: see exit_codes.h, 'xenmb --help' and the README.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../driver/policy.h"
#include "../driver/tpm_cmd.h"
#include "cli.h"
#include "encoding.h"
#include "subcommands.h"
#include "tpm12_flows.h"
#include "tpm2_esys.h"
#include "xenmb_dev.h"

static const char usage_text[] =
    "usage: xenmb info [--json]\n"
    "       xenmb tpm send --locality N [--json] HEX|-\n"
    "       xenmb txt [--json]\n"
    "       xenmb eventlog [--drtm | --srtm | --file F] [--json | --raw]\n"
    "                      [--replay] [--check]\n"
    "       xenmb ek [--pem] [--cert] [--tcti CONF]\n"
    "       xenmb ak [--pem] [--public FILE] [--name] [--tcti CONF]\n"
    "       xenmb quote --nonce BASE64 [--pcrs SEL] [--out DIR] [--json]\n"
    "                   [--tcti CONF]\n"
    "       xenmb challenge BASE64 | --file F [--raw | --json] [--tcti CONF]\n"
    "       xenmb owner status|take|clear [--json] [--config PATH]\n"
    "       xenmb asset-tag set TAG | clear | show [--json] [--config PATH]\n"
    "       xenmb verify INPUT [--ak PEM] [--nonce BASE64] [--srtm-log F]\n"
    "                    [--drtm-log F] [--known-good LIST] [--json]\n"
    "       xenmb known-good record (INPUT | --live [--tcti CONF]) --out LIST\n"
    "       xenmb known-good diff LIST INPUT [--json]\n"
    "  INPUT: --quote-dir DIR | --quote-json F | --attestation F |\n"
    "         --tpm12-quote F, with the options of verify\n"
    "\n"
    "  info      what /dev/xenmb and its TPM are: family, interface,\n"
    "            usable localities, policy, counters\n"
    "  tpm send  send one raw TPM command (HEX, or hex on stdin for -)\n"
    "            at locality N (0..3); prints the response and the TPM\n"
    "            return code by name\n"
    "  txt       the Intel TXT registers decoded, the TXT heap and where\n"
    "            the DRTM event log is\n"
    "  eventlog  an event log: the DRTM log from the TXT heap (default),\n"
    "            the firmware (SRTM) log, or a file; --replay computes\n"
    "            the PCRs, --check compares them with the TPM's\n"
    "  ek        TPM 2.0: find or create the EK (0x81010001); --pem its\n"
    "            public key, --cert the EK certificate from NV 0x01C00002\n"
    "  ak        TPM 2.0: find or create the AK under the EK (0x81018000);\n"
    "            --pem, --public (TPM2B_PUBLIC file), --name (hex)\n"
    "  quote     TPM 2.0: quote PCRs (default sha256:all, plus sha1:all\n"
    "            when allocated) over the nonce with the AK; --out DIR\n"
    "            writes quote.msg quote.sig quote.pcrs ak.pem (what\n"
    "            tpm2_checkquote reads) and srtm.log drtm.log; JSON on\n"
    "            stdout with --json or without --out\n"
    "  challenge TPM2 ActivateCredential of a tpm2_makecredential file\n"
    "            (base64, or --file F) with the EK and AK; prints the\n"
    "            secret in base64 (--raw: its bytes, --json)\n"
    "  owner     TPM 2.0: status (which hierarchy auths are set, DA\n"
    "            lockout), take (owner, endorsement and lockout auth :=\n"
    "            the secret of --config, default /opt/xensource/tpm/config;\n"
    "            no file: SHA-1(\"xenroot\")), clear (TPM2_Clear, lockout\n"
    "            auth). A wrong lockout password locks the lockout\n"
    "            hierarchy: take and clear check the owner auth first\n"
    "  asset-tag TPM 2.0: NV 0x01C10110 (owner-written), extended into\n"
    "            PCR 22 at the next measured launch; TAG: 32 bytes, or 20\n"
    "            stored zero-padded, as hex or base64\n"
    "  verify    the attestation verdict, trusted or untrusted with every\n"
    "            reason a line: the AK's signature, the nonce, the PCR\n"
    "            digest, the replay of the event logs and, with\n"
    "            --known-good, the list. INPUT: the files of 'quote --out'\n"
    "            (ak.pem, srtm.log, drtm.log beside it are used unless\n"
    "            --ak / --*-log say otherwise), 'quote --json' output,\n"
    "            a go-attestation attestation JSON (TPM 2.0 or 1.2; its\n"
    "            Quote.Nonce is the default nonce), or xentpm's TPM 1.2\n"
    "            quote blob (base64)\n"
    "  known-good record writes the list of a clean host (per PCR the\n"
    "            accepted values, per event the accepted digests, type,\n"
    "            component, description) from a quote that verifies, or\n"
    "            --live from a fresh quote of this host; diff says, one\n"
    "            line a change, which event and component differ\n"
    "  TPM 1.2   the same commands when /dev/xenmb has a TPM 1.2: the EK\n"
    "            (certificate: NV 0x1000F000), the AIK (TPM_MakeIdentity,\n"
    "            blob in " TPM12_AIK_PATH "), the quote as the\n"
    "            original xentpm's blob (--out DIR: quote.bin), the\n"
    "            original servers' identity challenge, the asset tag in\n"
    "            NV 0x40000010 (20 bytes); owner clear leaves the TPM\n"
    "            disabled and deactivated (the firmware setup enables it)\n"
    "  --tcti    the tpm2-tss TCTI (default \"" XENMB_TCTI_DEFAULT "\")\n"
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
	    json_object_new_string(tpm_family_name(info->tpm_family)));
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
		printf("tpm: %s (%s, %s)\n", tpm_family_name(info->tpm_family),
		       info->chip_name, xenmb_interface_name(info->interface));
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

static int cmd_info(int argc, char **argv)
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

/* Parses hex text, ignoring white space; returns the byte count or -1. */
static long parse_hex(const char *text, uint8_t *out, size_t size)
{
	size_t n = 0;
	int hi = -1;

	for (; *text; text++) {
		int v;

		if (isspace((unsigned char)*text))
			continue;
		if (!isxdigit((unsigned char)*text))
			return -1;
		v = isdigit((unsigned char)*text)
			? *text - '0'
			: tolower((unsigned char)*text) - 'a' + 10;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == size)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? (long)n : -1;
}

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
	tpm_rc_describe(family, rsp->tpm_rc, rc_name, sizeof(rc_name));
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

static int cmd_tpm_send(int argc, char **argv)
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
	len = parse_hex(text, cmd, sizeof(cmd));
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

int main(int argc, char **argv)
{
	if (argc > 0 && xentpm_invoked(argv[0]))
		return xentpm_main(argc, argv);
	if (argc < 2)
		return cli_usage_error("missing command");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "info"))
		return cmd_info(argc - 1, argv + 1);
	if (!strcmp(argv[1], "tpm") && argc >= 3 && !strcmp(argv[2], "send"))
		return cmd_tpm_send(argc - 2, argv + 2);
	if (!strcmp(argv[1], "txt"))
		return cmd_txt(argc - 1, argv + 1);
	if (!strcmp(argv[1], "eventlog"))
		return cmd_eventlog(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ek"))
		return cmd_ek(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ak"))
		return cmd_ak(argc - 1, argv + 1);
	if (!strcmp(argv[1], "quote"))
		return cmd_quote(argc - 1, argv + 1);
	if (!strcmp(argv[1], "owner"))
		return cmd_owner(argc - 1, argv + 1);
	if (!strcmp(argv[1], "asset-tag"))
		return cmd_asset_tag(argc - 1, argv + 1);
	if (!strcmp(argv[1], "challenge"))
		return cmd_challenge(argc - 1, argv + 1);
	if (!strcmp(argv[1], "verify"))
		return cmd_verify(argc - 1, argv + 1);
	if (!strcmp(argv[1], "known-good"))
		return cmd_known_good(argc - 1, argv + 1);
	return cli_usage_error("unknown command");
}
