/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Getting the event logs 'xenmb eventlog' reads and 'quote --out' saves:
 * the DRTM log from the TXT heap, the firmware's SRTM log, or a file.
 * The loaders say why a log cannot be had through xenmb_error()
 * (report.h) and return 0 or an exit code (exit_codes.h).
 */
#ifndef XENMB_EVENTLOG_LOAD_H
#define XENMB_EVENTLOG_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../uapi/linux/xenmb.h"

/* One log as read; the caller replays it (eventlog.h). */
struct eventlog_part {
	uint8_t *buf;
	size_t len;
	uint32_t format; /* TCG_LOG_* */
	uint16_t alg;	 /* for TCG_LOG_BANK */
};

/* A source's logs: one, or the DRTM log's per-bank logs (TXT element 7). */
struct eventlog_loaded {
	const char *source_name;
	struct eventlog_part parts[XENMB_TXT_MAX_LOGS];
	unsigned int count;
	uint32_t
	    ones_mask; /* replay start values, see xenmb_tcg_replay_init() */
	uint32_t check_mask; /* PCRs --check compares even if not extended */
};

/* Frees the parts' bytes; @l itself is the caller's. */
void eventlog_loaded_free(struct eventlog_loaded *l);

/*
 * Loads the DRTM log into @l, every part of it. @quiet: say nothing when
 * the host has no DRTM log (quote's copy).
 */
int eventlog_load_drtm(struct eventlog_loaded *l, bool quiet);

/* The firmware's SRTM log (securityfs); @quiet as for the DRTM log. */
int eventlog_load_srtm(struct eventlog_loaded *l, bool quiet);

/* The log in the file @path, its format found from its bytes. */
int eventlog_load_file(struct eventlog_loaded *l, const char *path);

/* The log's bytes as read, every part in order; 0 or -1 (ferror). */
int eventlog_write_raw(const struct eventlog_loaded *l, FILE *out);

/*
 * The raw bytes of the DRTM log (@drtm) or the firmware's SRTM log,
 * every part in order, malloc()ed: what eventlog_save_raw() writes.
 * Returns 0, EXIT_NOT_PRESENT (silently) when the host has no such log,
 * or another exit code.
 */
int eventlog_read_raw(bool drtm, uint8_t **buf, size_t *len);

/*
 * Writes the raw bytes of the DRTM log (@drtm) or the firmware's SRTM log
 * to @path, as 'xenmb eventlog --raw' does. Returns 0, EXIT_NOT_PRESENT
 * (silently) when the host has no such log, or another exit code.
 */
int eventlog_save_raw(bool drtm, const char *path);

/*
 * Saves both logs into @dir as srtm.log and drtm.log, for a verifier to
 * replay beside a quote. A log the host lacks is no error, but an old one
 * left in @dir by an earlier quote is removed: it must not pass for this
 * quote's. Returns 0 or an exit code, having said why.
 */
int eventlog_save_both_in(const char *dir);

#endif /* XENMB_EVENTLOG_LOAD_H */
