/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xenmb txt --format txt-stat: the registers and BiosData in the text
 * layout of tboot's txt-stat --heap, for tools written against it. Pure:
 * no device, no allocation.
 */
#ifndef XENMB_TXT_STAT_H
#define XENMB_TXT_STAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../uapi/linux/xenmb.h"

/*
 * The TXT.STS bits the helper names, once: as 'xenmb txt' prints them
 * (@name) and as tboot's txt-stat does (@txt_stat_name).
 */
struct txt_sts_bit {
	uint64_t bit;
	const char *name;
	const char *txt_stat_name;
};
extern const struct txt_sts_bit txt_sts_bits[];
extern const size_t txt_sts_bit_count;

/*
 * Prints what @t holds, then BiosData from the @heap_len-byte heap copy at
 * @heap (NULL or 0 bytes: the registers alone), located by
 * xenmb_txt_heap_walk(). Lines for registers the module does not read (E2STS
 * and the secrets flag, QPIIF, SINIT.BASE/SIZE, DPR, PUBLIC.KEY), BiosData's
 * extended elements and the tboot log are left out rather than invented: see
 * docs/isecl.md.
 */
void txt_stat_print(FILE *out, const struct xenmb_txt_info *t,
		    const uint8_t *heap, size_t heap_len);

#endif /* XENMB_TXT_STAT_H */
