// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb txt: the TXT registers decoded (what tboot's txt-stat shows), the
 * heap's regions and where the DRTM event log is.
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../driver/txt_heap.h"
#include "cli.h"
#include "eventlog.h"
#include "subcommands.h"
#include "txt_stat.h"
#include "xenmb_dev.h"

static const char *const region_names[] = {
    "BiosData",
    "OsMleData",
    "OsSinitData",
    "SinitMleData",
};

static const char *log_format_name(uint32_t format)
{
	switch (format) {
	case XENMB_TXT_LOG_TPM12:
		return "tpm12-container";
	case XENMB_TXT_LOG_TPM20_BANKS:
		return "tpm20-per-bank";
	case XENMB_TXT_LOG_TPM20_AGILE:
		return "tpm20-crypto-agile";
	default:
		return "none";
	}
}

/*
 * TXT.ERRORCODE (TXT Software Development Guide): bit 31 valid, bit 30 set
 * when the error comes from software (the SINIT ACM or the MLE) rather
 * than the processor. An ACM error packs module type (3:0), class (9:4),
 * major (14:10), source (15: 0 ACM, 1 MLE) and minor (27:16).
 */
static void describe_errorcode(uint64_t code, char *out, size_t size)
{
	uint32_t v = (uint32_t)code;

	if (!(v & (1U << 31))) {
		snprintf(out, size, "no error reported");
		return;
	}
	if (!(v & (1U << 30))) {
		snprintf(out, size, "processor error 0x%x", v & 0x7FFF);
		return;
	}
	snprintf(out, size,
		 "%s error: module type %u, class 0x%x, major 0x%x, minor 0x%x",
		 v & (1U << 15) ? "MLE" : "SINIT ACM", v & 0xF, (v >> 4) & 0x3F,
		 (v >> 10) & 0x1F, (v >> 16) & 0xFFF);
}

static void sts_names(uint64_t sts, char *out, size_t size)
{
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < txt_sts_bit_count; i++)
		if (sts & txt_sts_bits[i].bit && used < size)
			used += (size_t)snprintf(out + used, size - used,
						 "%s%s", used ? " " : "",
						 txt_sts_bits[i].name);
}

static bool launched(const struct xenmb_txt_info *t)
{
	return t->sts & TXT_STS_SENTER_DONE;
}

static void print_text(const struct xenmb_txt_info *t)
{
	char buf[160], alg[24];
	uint32_t i;

	printf("txt: present (public space at 0x%llx)\n",
	       (unsigned long long)t->base);
	sts_names(t->sts, buf, sizeof(buf));
	printf("sts: 0x%016llx %s\n", (unsigned long long)t->sts,
	       buf[0] ? buf : "(no bit set)");
	printf("ests: 0x%016llx%s\n", (unsigned long long)t->ests,
	       t->ests & TXT_ESTS_TXT_RESET ? " TXT_RESET.STS" : "");
	describe_errorcode(t->errorcode, buf, sizeof(buf));
	printf("errorcode: 0x%016llx %s\n", (unsigned long long)t->errorcode,
	       buf);
	printf("didvid: 0x%016llx vendor 0x%04llx device 0x%04llx revision "
	       "0x%04llx\n",
	       (unsigned long long)t->didvid,
	       (unsigned long long)(t->didvid & 0xFFFF),
	       (unsigned long long)((t->didvid >> 16) & 0xFFFF),
	       (unsigned long long)((t->didvid >> 32) & 0xFFFF));
	printf("ver.fsbif: 0x%016llx\n", (unsigned long long)t->ver_fsbif);
	printf("heap: 0x%llx size 0x%llx\n", (unsigned long long)t->heap_base,
	       (unsigned long long)t->heap_size);
	for (i = 0; i < 4; i++)
		if (t->region_size[i])
			printf("  %s: version %u, %llu bytes\n",
			       region_names[i], t->region_version[i],
			       (unsigned long long)t->region_size[i]);
	if (t->heap_status == EACCES) {
		printf("%s; %s\n", launched(t) ? "TXT launched" : "TXT present",
		       xenmb_txt_strerror(-EACCES));
		return;
	}
	if (t->heap_status) {
		printf("drtm log: unavailable: %s\n",
		       xenmb_txt_strerror(-(int)t->heap_status));
		return;
	}
	printf("drtm log: %s, %u log%s, %u events%s\n",
	       log_format_name(t->log_format), t->log_count,
	       t->log_count == 1 ? "" : "s", t->log_events,
	       t->log_status ? ", MALFORMED (see the kernel log)" : "");
	for (i = 0; i < t->log_count && i < XENMB_TXT_MAX_LOGS; i++)
		printf(
		    "  log %u: %s%s0x%llx, %u of %u bytes used, first record "
		    "at %u\n",
		    i,
		    t->logs[i].alg
			? eventlog_alg_name(t->logs[i].alg, alg, sizeof(alg))
			: "",
		    t->logs[i].alg ? " at " : "at ",
		    (unsigned long long)t->logs[i].phys,
		    t->logs[i].next - t->logs[i].first, t->logs[i].allocated,
		    t->logs[i].first);
}

static void print_json_info(const struct xenmb_txt_info *t)
{
	struct json_object *o = json_object_new_object();
	struct json_object *regions = json_object_new_array();
	struct json_object *logs = json_object_new_array();
	struct json_object *sts = json_object_new_array();
	char buf[160];
	uint32_t i;

	json_object_object_add(o, "present", json_object_new_boolean(1));
	json_object_object_add(o, "base", json_object_new_uint64(t->base));
	json_object_object_add(o, "sts", json_object_new_uint64(t->sts));
	for (i = 0; i < txt_sts_bit_count; i++)
		if (t->sts & txt_sts_bits[i].bit)
			json_object_array_add(
			    sts, json_object_new_string(txt_sts_bits[i].name));
	json_object_object_add(o, "sts_bits", sts);
	json_object_object_add(o, "ests", json_object_new_uint64(t->ests));
	json_object_object_add(o, "errorcode",
			       json_object_new_uint64(t->errorcode));
	describe_errorcode(t->errorcode, buf, sizeof(buf));
	json_object_object_add(o, "errorcode_text",
			       json_object_new_string(buf));
	json_object_object_add(o, "didvid", json_object_new_uint64(t->didvid));
	json_object_object_add(o, "ver_fsbif",
			       json_object_new_uint64(t->ver_fsbif));
	json_object_object_add(o, "heap_base",
			       json_object_new_uint64(t->heap_base));
	json_object_object_add(o, "heap_size",
			       json_object_new_uint64(t->heap_size));
	for (i = 0; i < 4; i++) {
		struct json_object *r = json_object_new_object();

		json_object_object_add(r, "name",
				       json_object_new_string(region_names[i]));
		json_object_object_add(
		    r, "size", json_object_new_uint64(t->region_size[i]));
		json_object_object_add(
		    r, "version",
		    json_object_new_int((int)t->region_version[i]));
		json_object_array_add(regions, r);
	}
	json_object_object_add(o, "regions", regions);
	json_object_object_add(o, "heap_status",
			       json_object_new_int((int)t->heap_status));
	json_object_object_add(
	    o, "heap_accessible",
	    json_object_new_boolean(t->heap_status != EACCES));
	json_object_object_add(
	    o, "log_format",
	    json_object_new_string(log_format_name(t->log_format)));
	for (i = 0; i < t->log_count && i < XENMB_TXT_MAX_LOGS; i++) {
		struct json_object *l = json_object_new_object();

		json_object_object_add(l, "alg",
				       json_object_new_int(t->logs[i].alg));
		json_object_object_add(l, "phys",
				       json_object_new_uint64(t->logs[i].phys));
		json_object_object_add(
		    l, "allocated",
		    json_object_new_int64(t->logs[i].allocated));
		json_object_object_add(l, "first",
				       json_object_new_int64(t->logs[i].first));
		json_object_object_add(l, "next",
				       json_object_new_int64(t->logs[i].next));
		json_object_array_add(logs, l);
	}
	json_object_object_add(o, "logs", logs);
	json_object_object_add(o, "log_events",
			       json_object_new_int64(t->log_events));
	json_object_object_add(o, "log_status",
			       json_object_new_int((int)t->log_status));
	cli_print_json(o);
}

/*
 * --format txt-stat: the heap copy too, when the kernel may read it (a
 * heap it cannot read leaves the registers alone, as txt-stat does).
 */
static void print_txt_stat(int fd, const struct xenmb_txt_info *t)
{
	uint8_t *heap = NULL;
	size_t got = 0;
	int ret;

	if (t->heap_status != EACCES && t->heap_size &&
	    t->heap_size <= TXT_HEAP_MAX_SIZE) {
		heap = malloc(t->heap_size);
		ret = heap ? xenmb_txt_read_all(fd, XENMB_TXT_REGION_HEAP, 0, 0,
						heap, t->heap_size, &got)
			   : -ENOMEM;
		if (ret) {
			fprintf(stderr, "xenmb: no bios_data: the heap: %s\n",
				xenmb_txt_strerror(ret));
			got = 0;
		}
	}
	txt_stat_print(stdout, t, heap, got);
	free(heap);
}

int cmd_txt(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"format", required_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	struct xenmb_txt_info info;
	bool json = false, txt_stat = false;
	int fd, ret, c;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'f' && !strcmp(optarg, "txt-stat"))
			txt_stat = true;
		else if (c == 'f')
			return cli_usage_error("'txt --format' takes txt-stat");
		else
			return cli_usage_error("unknown option to 'txt'");
	}
	if (optind != argc)
		return cli_usage_error("'txt' takes no arguments");
	if (json && txt_stat)
		return cli_usage_error(
		    "'txt' takes --json or --format, not both");

	fd = cli_open_device();
	if (fd < 0)
		return EXIT_NO_DEVICE;
	ret = xenmb_get_txt_info(fd, &info);
	if (ret || !info.present || !txt_stat)
		close(fd);
	if (ret == -EACCES) {
		fprintf(stderr, "xenmb: the TXT public space is not accessible "
				"to this kernel (Xen or the E820 marks it "
				"unusable)\n");
		return EXIT_HEAP_HIDDEN;
	}
	if (ret) {
		fprintf(stderr, "xenmb: XENMB_IOC_TXT_INFO failed: %s\n",
			xenmb_txt_strerror(ret));
		return EXIT_KERNEL;
	}
	if (!info.present) {
		if (json) {
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "present",
					       json_object_new_boolean(0));
			cli_print_json(o);
		}
		fprintf(stderr,
			"xenmb: no TXT on this host (nothing answers at the "
			"TXT public space 0x%llx)\n",
			(unsigned long long)info.base);
		return EXIT_NOT_PRESENT;
	}
	if (txt_stat) {
		print_txt_stat(fd, &info);
		close(fd);
	} else if (json)
		print_json_info(&info);
	else
		print_text(&info);
	return info.heap_status == EACCES ? EXIT_HEAP_HIDDEN : 0;
}
