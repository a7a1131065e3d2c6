// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb eventlog: read an event log (the DRTM log from the TXT heap, the
 * firmware's SRTM log, or a file), list it, replay it into PCR values, and
 * compare those with the TPM's PCRs.
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

#include "../driver/txt_heap.h"
#include "cli.h"
#include "eventlog.h"
#include "pcr.h"
#include "xenmb_dev.h"

#define SRTM_LOG_PATH "/sys/kernel/security/tpm0/binary_bios_measurements"

/* PCRs a DRTM launch resets: all of them are checked after a launch. */
#define DRTM_PCRS 0x007E0000U

enum source { SRC_DRTM, SRC_SRTM, SRC_FILE };

struct log_part {
	uint8_t *buf;
	size_t len;
	uint32_t format; /* TCG_LOG_* */
	uint16_t alg;	 /* for TCG_LOG_BANK */
};

struct loaded {
	const char *source_name;
	struct log_part parts[XENMB_TXT_MAX_LOGS];
	unsigned int count;
	uint32_t ones_mask;  /* replay start values, see tcg_replay_init() */
	uint32_t check_mask; /* PCRs --check compares even if not extended */
};

static void free_loaded(struct loaded *l)
{
	unsigned int i;

	for (i = 0; i < l->count; i++)
		free(l->parts[i].buf);
}

/* @quiet: say nothing when the host has no DRTM log (quote's copy). */
static int load_drtm(struct loaded *l, bool quiet)
{
	struct xenmb_txt_info info;
	unsigned int i;
	int fd, ret;

	fd = quiet ? xenmb_open() : cli_open_device();
	if (fd < 0 && quiet) {
		/* A quote over another TCTI still works; say what it lacks. */
		fprintf(stderr,
			"xenmb: no DRTM log copied: cannot open %s: %s\n",
			XENMB_DEVICE_PATH, xenmb_open_strerror(fd));
		return EXIT_NOT_PRESENT;
	}
	if (fd < 0)
		return EXIT_NO_DEVICE;
	ret = xenmb_get_txt_info(fd, &info);
	if (!ret && !info.present)
		ret = -ENODEV;
	if (!ret && info.heap_status)
		ret = -(int)info.heap_status;
	for (i = 0; !ret && i < info.log_count && i < XENMB_TXT_MAX_LOGS; i++) {
		const struct xenmb_txt_log *log = &info.logs[i];
		struct log_part *part = &l->parts[i];

		part->buf = malloc(log->next - log->first + 1);
		if (!part->buf) {
			ret = -ENOMEM;
			break;
		}
		ret = xenmb_txt_read_all(fd, XENMB_TXT_REGION_LOG, i,
					 log->first, part->buf,
					 log->next - log->first, &part->len);
		part->alg = log->alg;
		part->format = info.log_format == XENMB_TXT_LOG_TPM12
				   ? TCG_LOG_SHA1
			       : info.log_format == XENMB_TXT_LOG_TPM20_BANKS
				   ? TCG_LOG_BANK
				   : TCG_LOG_AGILE;
		l->count = i + 1;
	}
	close(fd);
	if (ret) {
		bool absent = ret == -ENODEV || ret == -ENOENT;

		if (!quiet || !absent)
			fprintf(stderr,
				"xenmb: cannot read the DRTM event log: %s\n",
				xenmb_txt_strerror(ret));
		/* A quote goes on without the log, having said why. */
		if (ret == -EACCES)
			return quiet ? EXIT_NOT_PRESENT : EXIT_HEAP_HIDDEN;
		return absent ? EXIT_NOT_PRESENT : EXIT_KERNEL;
	}
	l->source_name = "drtm";
	l->ones_mask = 0;
	l->check_mask = DRTM_PCRS;
	return 0;
}

static int load_path(struct loaded *l, const char *path, const char *name,
		     uint32_t ones_mask, bool quiet)
{
	int ret = cli_read_file(path, TXT_LOG_MAX_SIZE, &l->parts[0].buf,
				&l->parts[0].len);

	l->count = 1;
	if (ret) {
		if (!quiet || ret != -ENOENT)
			fprintf(stderr, "xenmb: cannot read %s: %s\n", path,
				strerror(-ret));
		return ret == -ENOENT ? EXIT_NOT_PRESENT : EXIT_BAD_LOG;
	}
	l->parts[0].format = TCG_LOG_AUTO;
	l->source_name = name;
	l->ones_mask = ones_mask;
	l->check_mask = 0;
	return 0;
}

static struct json_object *event_json(const struct tcg_event *ev)
{
	struct json_object *o = json_object_new_object();
	struct json_object *digests = json_object_new_object();
	char name[32], buf[2 * TCG_MAX_DIGEST_SIZE + 1], data[512];
	uint32_t i;

	json_object_object_add(o, "pcr", json_object_new_int((int)ev->pcr));
	json_object_object_add(o, "type", json_object_new_int64(ev->type));
	json_object_object_add(o, "type_name",
			       json_object_new_string(eventlog_type_name(
				   ev->type, name, sizeof(name))));
	for (i = 0; i < ev->digest_count; i++) {
		cli_hex_to(ev->digests[i].digest, ev->digests[i].size, buf);
		json_object_object_add(
		    digests,
		    eventlog_alg_name(ev->digests[i].alg, name, sizeof(name)),
		    json_object_new_string(buf));
	}
	json_object_object_add(o, "digests", digests);
	eventlog_data_text(ev->data, ev->data_len, data, sizeof(data), 200);
	json_object_object_add(o, "data", json_object_new_string(data));
	json_object_object_add(o, "data_len",
			       json_object_new_int64(ev->data_len));
	return o;
}

static void event_text(const struct tcg_event *ev)
{
	char name[32], buf[2 * TCG_MAX_DIGEST_SIZE + 1], data[200];
	uint32_t i;

	eventlog_data_text(ev->data, ev->data_len, data, sizeof(data), 32);
	printf("%2u %-28s %s\n", ev->pcr,
	       eventlog_type_name(ev->type, name, sizeof(name)), data);
	for (i = 0; i < ev->digest_count; i++) {
		cli_hex_to(ev->digests[i].digest, ev->digests[i].size, buf);
		printf(
		    "   %-7s %s\n",
		    eventlog_alg_name(ev->digests[i].alg, name, sizeof(name)),
		    buf);
	}
}

/* Lists the events and replays them; returns 0 or EXIT_BAD_LOG. */
static int walk(const struct loaded *l, struct tcg_replay *r, bool list,
		struct json_object *events)
{
	unsigned int i;
	char why[160];
	int ret;

	tcg_replay_init(r, l->ones_mask);
	for (i = 0; i < l->count; i++) {
		const struct log_part *p = &l->parts[i];
		struct tcg_log_iter it;
		struct tcg_event ev;

		/* The listing walks on its own: replay stops at the end. */
		if (list || events) {
			ret = tcg_log_open(&it, p->buf, (u32)p->len, p->format,
					   p->alg);
			while (!ret && (ret = tcg_log_next(&it, &ev)) == 1) {
				if (events)
					json_object_array_add(events,
							      event_json(&ev));
				else
					event_text(&ev);
				ret = 0;
			}
			if (ret < 0) {
				fprintf(stderr, "xenmb: %s event log: %s\n",
					l->source_name,
					eventlog_strerror(&it, ret, why,
							  sizeof(why)));
				return EXIT_BAD_LOG;
			}
		}
		ret =
		    eventlog_replay(p->buf, p->len, p->format, p->alg, r, &it);
		if (ret) {
			fprintf(stderr, "xenmb: %s event log: %s\n",
				l->source_name,
				eventlog_strerror(&it, ret, why, sizeof(why)));
			return EXIT_BAD_LOG;
		}
	}
	return 0;
}

static void print_replay(const struct tcg_replay *r, struct json_object *out)
{
	char name[32], buf[2 * TCG_MAX_DIGEST_SIZE + 1], key[8];
	uint32_t b, p;

	for (b = 0; b < r->bank_count; b++) {
		const struct tcg_pcr_bank *bank = &r->banks[b];
		struct json_object *pcrs = json_object_new_object();

		eventlog_alg_name(bank->alg, name, sizeof(name));
		for (p = 0; p < TCG_PCR_COUNT; p++) {
			if (!(bank->extended & (1U << p)) || bank->status)
				continue;
			cli_hex_to(bank->pcr[p], bank->size, buf);
			if (out) {
				snprintf(key, sizeof(key), "%u", p);
				json_object_object_add(
				    pcrs, key, json_object_new_string(buf));
			} else {
				printf("pcr %2u %-7s %s\n", p, name, buf);
			}
		}
		if (out)
			json_object_object_add(out, name, pcrs);
		else
			json_object_put(pcrs);
		if (bank->status && !out)
			printf("bank %s: cannot hash it here, not replayed\n",
			       name);
	}
}

/* Compares the replayed PCRs with the TPM's; 0 or EXIT_MISMATCH / error. */
static int check(const struct loaded *l, const struct tcg_replay *r,
		 struct json_object *out)
{
	char name[32], want[2 * TCG_MAX_DIGEST_SIZE + 1];
	char got[2 * XENMB_DIGEST_MAX + 1];
	uint8_t digest[XENMB_DIGEST_MAX];
	struct xenmb_info info;
	unsigned int mismatches = 0, compared = 0;
	uint32_t b, p;
	size_t len;
	int fd, ret;

	fd = cli_open_device();
	if (fd < 0)
		return EXIT_NO_DEVICE;
	ret = xenmb_get_info(fd, &info);
	if (ret) {
		close(fd);
		fprintf(stderr, "xenmb: XENMB_IOC_INFO failed: %s\n",
			strerror(-ret));
		return EXIT_KERNEL;
	}
	for (b = 0; b < r->bank_count; b++) {
		const struct tcg_pcr_bank *bank = &r->banks[b];

		if (bank->status)
			continue;
		eventlog_alg_name(bank->alg, name, sizeof(name));
		for (p = 0; p < TCG_PCR_COUNT; p++) {
			bool match;

			if (!((bank->extended | l->check_mask) & (1U << p)))
				continue;
			ret = xenmb_pcr_read(fd, info.tpm_family, bank->alg, p,
					     digest, &len);
			if (ret == -ENOENT)
				break; /* the TPM has no such bank */
			if (ret) {
				close(fd);
				fprintf(stderr,
					"xenmb: reading PCR %u (%s) failed: "
					"%s\n",
					p, name,
					ret < 0 ? strerror(-ret) : "TPM error");
				return EXIT_KERNEL;
			}
			cli_hex_to(bank->pcr[p], bank->size, want);
			cli_hex_to(digest, len, got);
			match = len == bank->size && !strcmp(want, got);
			mismatches += !match;
			compared++;
			if (out) {
				struct json_object *o =
				    json_object_new_object();

				json_object_object_add(
				    o, "pcr", json_object_new_int((int)p));
				json_object_object_add(
				    o, "bank", json_object_new_string(name));
				json_object_object_add(
				    o, "match", json_object_new_boolean(match));
				json_object_object_add(
				    o, "log", json_object_new_string(want));
				json_object_object_add(
				    o, "tpm", json_object_new_string(got));
				json_object_array_add(out, o);
			} else {
				printf("pcr %2u %-7s %s\n", p, name,
				       match ? "matches the log"
					     : "DOES NOT MATCH the log");
				if (!match)
					printf("   log %s\n   tpm %s\n", want,
					       got);
			}
		}
	}
	close(fd);
	if (!compared) {
		fprintf(stderr, "xenmb: no PCR bank of the log is active in "
				"the TPM: nothing to compare\n");
		return EXIT_MISMATCH;
	}
	return mismatches ? EXIT_MISMATCH : 0;
}

/* The log's bytes as read, every part in order; 0 or -1 (ferror). */
static int write_raw(const struct loaded *l, FILE *out)
{
	unsigned int i;

	for (i = 0; i < l->count; i++)
		fwrite(l->parts[i].buf, 1, l->parts[i].len, out);
	return ferror(out) ? -1 : 0;
}

int eventlog_save_raw(bool drtm, const char *path)
{
	struct loaded l = {0};
	FILE *f;
	int ret;

	ret = drtm ? load_drtm(&l, true)
		   : load_path(&l, SRTM_LOG_PATH, "srtm", DRTM_PCRS, true);
	if (!ret && !l.count)
		ret = EXIT_NOT_PRESENT;
	if (ret) {
		free_loaded(&l);
		return ret;
	}
	f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "xenmb: cannot create %s: %s\n", path,
			strerror(errno));
		free_loaded(&l);
		return EXIT_KERNEL;
	}
	ret = write_raw(&l, f);
	if (fclose(f) || ret) {
		fprintf(stderr, "xenmb: cannot write %s\n", path);
		unlink(path);
		ret = EXIT_KERNEL;
	}
	free_loaded(&l);
	return ret;
}

int eventlog_save_both_in(const char *dir)
{
	static const char *const names[] = {"srtm.log", "drtm.log"};
	char path[CLI_PATH_MAX];
	int i, ret;

	for (i = 0; i < 2; i++) {
		ret = cli_path_in(path, dir, names[i]);
		if (!ret)
			ret = eventlog_save_raw(i == 1, path);
		if (ret == EXIT_NOT_PRESENT)
			ret = unlink(path) && errno != ENOENT ? EXIT_KERNEL : 0;
		if (ret)
			return ret;
	}
	return 0;
}

int cmd_eventlog(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"drtm", no_argument, NULL, 'd'},
	    {"srtm", no_argument, NULL, 's'},
	    {"file", required_argument, NULL, 'f'},
	    {"json", no_argument, NULL, 'j'},
	    {"raw", no_argument, NULL, 'r'},
	    {"replay", no_argument, NULL, 'p'},
	    {"check", no_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0},
	};
	bool json = false, raw = false, replay = false, do_check = false;
	struct json_object *root = NULL, *events = NULL;
	enum source src = SRC_DRTM;
	unsigned int sources = 0;
	struct loaded l = {0};
	struct tcg_replay *r;
	const char *file = NULL;
	int c, ret;

	while ((c = getopt_long(argc, argv, "dsf:jrpc", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			src = SRC_DRTM;
			sources++;
			break;
		case 's':
			src = SRC_SRTM;
			sources++;
			break;
		case 'f':
			src = SRC_FILE;
			file = optarg;
			sources++;
			break;
		case 'j':
			json = true;
			break;
		case 'r':
			raw = true;
			break;
		case 'p':
			replay = true;
			break;
		case 'c':
			do_check = true;
			break;
		default:
			return cli_usage_error("unknown option to 'eventlog'");
		}
	}
	if (optind != argc)
		return cli_usage_error("'eventlog' takes no arguments");
	if (sources > 1)
		return cli_usage_error("give one of --drtm, --srtm, --file");
	if (json && raw)
		return cli_usage_error("give one of --json, --raw");

	if (src == SRC_DRTM)
		ret = load_drtm(&l, false);
	else if (src == SRC_SRTM)
		ret = load_path(&l, SRTM_LOG_PATH, "srtm", DRTM_PCRS, false);
	else
		ret = load_path(&l, file, "file", 0, false);
	if (ret) {
		free_loaded(&l);
		return ret;
	}

	if (raw) {
		ret = write_raw(&l, stdout) ? EXIT_KERNEL : 0;
		free_loaded(&l);
		return ret;
	}

	r = calloc(1, sizeof(*r));
	if (!r) {
		free_loaded(&l);
		return EXIT_KERNEL;
	}
	if (json) {
		root = json_object_new_object();
		events = json_object_new_array();
		json_object_object_add(root, "source",
				       json_object_new_string(l.source_name));
		json_object_object_add(root, "events", events);
	}
	ret = walk(&l, r, !json && !replay && !do_check, events);
	if (!ret && replay) {
		struct json_object *pcrs =
		    json ? json_object_new_object() : NULL;

		print_replay(r, pcrs);
		if (pcrs)
			json_object_object_add(root, "pcrs", pcrs);
	}
	if (!ret && do_check) {
		struct json_object *checks =
		    json ? json_object_new_array() : NULL;

		ret = check(&l, r, checks);
		if (checks)
			json_object_object_add(root, "check", checks);
	}
	if (root)
		cli_print_json(root);
	free(r);
	free_loaded(&l);
	return ret;
}
