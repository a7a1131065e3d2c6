/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Known-good lists: what a clean host measured, kept as JSON a person can
 * read and edit, and the comparison of a fresh quote with it.
 *
 *   {"xenmb_known_good": 1,
 *    "pcrs": {"sha256": {"17": ["<hex>", ...], ...}, ...},
 *    "events": [{"log": "drtm", "pcr": 19, "type": 1282,
 *                "type_name": "...", "component": "initrd",
 *                "description": "module 2: /boot/initrd-6.1-xen.img",
 *                "digests": {"sha256": ["<hex>", ...], ...},
 *                "data_sha256": "<hex>"}, ...]}
 *
 * Each PCR and each event digest lists the accepted values (a person may
 * add more, e.g. for a second kernel). Events are compared in order per
 * log and PCR; "data_sha256" pins the event data and may be removed to
 * accept any.
 */
#ifndef XENMB_KNOWN_GOOD_H
#define XENMB_KNOWN_GOOD_H

#include "verdict.h"

#define KNOWN_GOOD_FORMAT 1

/*
 * The list for the TPM @family's (1: 1.2, 2: 2.0) @logs and the PCR
 * values in @quoted (what a verified quote vouches for). NULL with a line
 * in @err when a log cannot be read.
 */
struct json_object *known_good_record(int family, const struct verify_log *logs,
				      unsigned int log_count,
				      const struct verify_pcrs *quoted,
				      char *err, size_t size);

/*
 * Adds one VERIFY_KNOWN_GOOD reason to @res per difference between @list
 * and (@logs, @quoted), which makes @res untrusted. Returns the number of
 * differences, or -ENOMEM.
 */
int known_good_compare(struct json_object *list, const struct verify_log *logs,
		       unsigned int log_count, const struct verify_pcrs *quoted,
		       struct verify_result *res);

/*
 * What an event measured, for people: "Xen", "dom0 kernel", "initrd",
 * "asset tag", "SINIT ACM" ... from its type and description.
 */
const char *known_good_component(uint32_t type, const char *description);

#endif /* XENMB_KNOWN_GOOD_H */
