// SPDX-License-Identifier: GPL-2.0
/*
 * Getting the event logs: the DRTM log from the TXT heap (/dev/xenmb), the
 * firmware's SRTM log from securityfs, or a file; and saving the host's
 * two logs raw beside a quote.
 */
#include "eventlog_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../driver/tcg_log.h"
#include "../driver/txt_heap.h"
#include "cli.h"
#include "files.h"
#include "report.h"
#include "xenmb_dev.h"

#define SRTM_LOG_PATH "/sys/kernel/security/tpm0/binary_bios_measurements"

/* PCRs a DRTM launch resets: all of them are checked after a launch. */
#define DRTM_PCRS 0x007E0000U

void eventlog_loaded_free(struct eventlog_loaded *l)
{
	unsigned int i;

	for (i = 0; i < l->count; i++)
		free(l->parts[i].buf);
}

int eventlog_load_drtm(struct eventlog_loaded *l, bool quiet)
{
	struct xenmb_txt_info info;
	unsigned int i;
	int fd, ret;

	fd = quiet ? xenmb_open() : cli_open_device();
	if (fd < 0 && quiet) {
		/* A quote over another TCTI still works; say what it lacks. */
		xenmb_error("xenmb: no DRTM log copied: cannot open %s: %s\n",
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
		struct eventlog_part *part = &l->parts[i];

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
			xenmb_error(
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

static int load_path(struct eventlog_loaded *l, const char *path,
		     const char *name, uint32_t ones_mask, bool quiet)
{
	int ret = files_read_bounded(path, TXT_LOG_MAX_SIZE, &l->parts[0].buf,
				     &l->parts[0].len);

	l->count = 1;
	if (ret) {
		if (!quiet || ret != -ENOENT)
			xenmb_error("xenmb: cannot read %s: %s\n", path,
				    strerror(-ret));
		return ret == -ENOENT ? EXIT_NOT_PRESENT : EXIT_BAD_LOG;
	}
	l->parts[0].format = TCG_LOG_AUTO;
	l->source_name = name;
	l->ones_mask = ones_mask;
	l->check_mask = 0;
	return 0;
}

int eventlog_load_srtm(struct eventlog_loaded *l, bool quiet)
{
	return load_path(l, SRTM_LOG_PATH, "srtm", DRTM_PCRS, quiet);
}

int eventlog_load_file(struct eventlog_loaded *l, const char *path)
{
	return load_path(l, path, "file", 0, false);
}

int eventlog_write_raw(const struct eventlog_loaded *l, FILE *out)
{
	unsigned int i;

	for (i = 0; i < l->count; i++)
		fwrite(l->parts[i].buf, 1, l->parts[i].len, out);
	return ferror(out) ? -1 : 0;
}

int eventlog_read_raw(bool drtm, uint8_t **buf, size_t *len)
{
	struct eventlog_loaded l = {0};
	char *text = NULL;
	FILE *f;
	int ret;

	*buf = NULL;
	*len = 0;
	ret =
	    drtm ? eventlog_load_drtm(&l, true) : eventlog_load_srtm(&l, true);
	if (!ret && !l.count)
		ret = EXIT_NOT_PRESENT;
	if (ret) {
		eventlog_loaded_free(&l);
		return ret;
	}
	f = open_memstream(&text, len);
	if (!f || eventlog_write_raw(&l, f)) {
		xenmb_error("xenmb: out of memory\n");
		ret = EXIT_KERNEL;
	}
	if (f && fclose(f))
		ret = EXIT_KERNEL;
	eventlog_loaded_free(&l);
	if (ret)
		free(text);
	else
		*buf = (uint8_t *)text;
	return ret;
}

int eventlog_save_raw(bool drtm, const char *path)
{
	uint8_t *buf;
	size_t len;
	FILE *f;
	int ret;

	ret = eventlog_read_raw(drtm, &buf, &len);
	if (ret)
		return ret;
	f = fopen(path, "wb");
	if (!f) {
		xenmb_error("xenmb: cannot create %s: %s\n", path,
			    strerror(errno));
		free(buf);
		return EXIT_KERNEL;
	}
	ret = fwrite(buf, 1, len, f) == len ? 0 : -1;
	if (fclose(f) || ret) {
		xenmb_error("xenmb: cannot write %s\n", path);
		unlink(path);
		ret = EXIT_KERNEL;
	}
	free(buf);
	return ret;
}

int eventlog_save_both_in(const char *dir)
{
	static const char *const names[] = {"srtm.log", "drtm.log"};
	char path[FILES_PATH_MAX];
	int i, ret;

	for (i = 0; i < 2; i++) {
		ret = files_path_in(path, dir, names[i]);
		if (!ret)
			ret = eventlog_save_raw(i == 1, path);
		if (ret == EXIT_NOT_PRESENT)
			ret = unlink(path) && errno != ENOENT ? EXIT_KERNEL : 0;
		if (ret)
			return ret;
	}
	return 0;
}
