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

#include "cli.h"
#include "encoding.h"
#include "eventlog.h"
#include "eventlog_load.h"
#include "pcr.h"
#include "subcommands.h"
#include "xenmb_dev.h"

enum source { SRC_DRTM, SRC_SRTM, SRC_FILE };

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
		hex_encode_to(ev->digests[i].digest, ev->digests[i].size, buf);
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
		hex_encode_to(ev->digests[i].digest, ev->digests[i].size, buf);
		printf(
		    "   %-7s %s\n",
		    eventlog_alg_name(ev->digests[i].alg, name, sizeof(name)),
		    buf);
	}
}

/* Lists the events and replays them; returns 0 or EXIT_BAD_LOG. */
static int walk(const struct eventlog_loaded *l, struct tcg_replay *r,
		bool list, struct json_object *events)
{
	unsigned int i;
	char why[160];
	int ret;

	xenmb_tcg_replay_init(r, l->ones_mask);
	for (i = 0; i < l->count; i++) {
		const struct eventlog_part *p = &l->parts[i];
		struct tcg_log_iter it;
		struct tcg_event ev;

		/* The listing walks on its own: replay stops at the end. */
		if (list || events) {
			ret = xenmb_tcg_log_open(&it, p->buf, (u32)p->len,
						 p->format, p->alg);
			while (!ret &&
			       (ret = xenmb_tcg_log_next(&it, &ev)) == 1) {
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
			hex_encode_to(bank->pcr[p], bank->size, buf);
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
static int check(const struct eventlog_loaded *l, const struct tcg_replay *r,
		 struct json_object *out)
{
	char name[32], want[2 * TCG_MAX_DIGEST_SIZE + 1];
	char got[2 * TCG_MAX_DIGEST_SIZE + 1];
	uint8_t digest[TCG_MAX_DIGEST_SIZE];
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
			hex_encode_to(bank->pcr[p], bank->size, want);
			hex_encode_to(digest, len, got);
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
	struct eventlog_loaded l = {0};
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
		ret = eventlog_load_drtm(&l, false);
	else if (src == SRC_SRTM)
		ret = eventlog_load_srtm(&l, false);
	else
		ret = eventlog_load_file(&l, file);
	if (ret) {
		eventlog_loaded_free(&l);
		return ret;
	}

	if (raw) {
		ret = eventlog_write_raw(&l, stdout) ? EXIT_KERNEL : 0;
		eventlog_loaded_free(&l);
		return ret;
	}

	r = calloc(1, sizeof(*r));
	if (!r) {
		eventlog_loaded_free(&l);
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
	eventlog_loaded_free(&l);
	return ret;
}
