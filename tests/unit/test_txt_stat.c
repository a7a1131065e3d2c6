// SPDX-License-Identifier: GPL-2.0
/*
 * helper/txt_stat.c: the txt-stat layout of the registers and BiosData,
 * byte for byte, for a launched TPM 2.0 heap, for the registers alone, and
 * for heaps too short or malformed to show BiosData.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../helper/txt_stat.h"
#include "tap.h"

static void put_le(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * Four regions: BiosData version @bios_version with @bios_len bytes after
 * its size field, then three minimal regions (size and version only).
 * Returns the heap's length.
 */
static size_t build_heap(uint8_t *heap, uint32_t bios_version, size_t bios_len)
{
	size_t at = 0;
	int r;

	memset(heap, 0, 512);
	put_le(heap, 8 + bios_len, 8);
	put_le(heap + 8, bios_version, 4);
	put_le(heap + 12, 0x30000, 4);	      /* bios_sinit_size */
	put_le(heap + 16, 0xfed00000, 8);     /* lcp_pd_base */
	put_le(heap + 24, 0x2000, 8);	      /* lcp_pd_size */
	put_le(heap + 32, 4, 4);	      /* num_logical_procs */
	put_le(heap + 36, 0x200000000ULL, 8); /* flags */
	at = 8 + bios_len;
	for (r = 0; r < 3; r++, at += 12) {
		put_le(heap + at, 12, 8);
		put_le(heap + at + 8, 3, 4);
	}
	return at;
}

static const struct xenmb_txt_info launched = {
    .present = 1,
    .base = 0xfed30000,
    .sts = 0x180c1,
    .ests = 0,
    .errorcode = 0xc0000001,
    .ver_fsbif = 0x80000000,
    .didvid = 0x00000001b00c8086ULL,
    .heap_base = 0x7ff00000,
    .heap_size = 0x100000,
};

#define BANNER "***********************************************************\n"
static const char registers[] = "Intel(r) TXT Configuration Registers:\n"
				"\tSTS: 0x000180c1\n"
				"\t    senter_done: TRUE\n"
				"\t    sexit_done: FALSE\n"
				"\t    mem_config_lock: TRUE\n"
				"\t    private_open: TRUE\n"
				"\t    locality_1_open: TRUE\n"
				"\t    locality_2_open: TRUE\n"
				"\tESTS: 0x00\n"
				"\t    txt_reset: FALSE\n"
				"\tERRORCODE: 0xc0000001\n"
				"\tDIDVID: 0x00000001b00c8086\n"
				"\t    vendor_id: 0x8086\n"
				"\t    device_id: 0xb00c\n"
				"\t    revision_id: 0x1\n"
				"\tFSBIF: 0x0000000080000000\n"
				"\tHEAP.BASE: 0x7ff00000\n"
				"\tHEAP.SIZE: 1048576B (0x100000)\n" BANNER
				"\t TXT measured launch: TRUE\n" BANNER;

static const char bios_v6[] = "bios_data (@0x7ff00008, 3c):\n"
			      "\t version: 6\n"
			      "\t bios_sinit_size: 0x30000 (196608)\n"
			      "\t lcp_pd_base: 0xfed00000\n"
			      "\t lcp_pd_size: 0x2000 (8192)\n"
			      "\t num_logical_procs: 4\n"
			      "\t flags: 0x200000000\n";

static const char bios_v2[] = "bios_data (@0x7ff00008, 24):\n"
			      "\t version: 2\n"
			      "\t bios_sinit_size: 0x30000 (196608)\n"
			      "\t lcp_pd_base: 0xfed00000\n"
			      "\t lcp_pd_size: 0x2000 (8192)\n"
			      "\t num_logical_procs: 4\n";

static void expect(const char *name, const struct xenmb_txt_info *t,
		   const uint8_t *heap, size_t len, const char *want1,
		   const char *want2)
{
	char *got = NULL, want[4096];
	size_t got_len = 0;
	uint8_t *copy = len ? dup_exact(heap, len) : NULL;
	FILE *out = open_memstream(&got, &got_len);

	if (!out) {
		report(false, name, "open_memstream failed");
		free(copy);
		return;
	}
	txt_stat_print(out, t, copy, len);
	fclose(out);
	snprintf(want, sizeof(want), "%s%s", want1, want2);
	report(got && !strcmp(got, want), name, "got:\n%s\nwant:\n%s",
	       got ? got : "(null)", want);
	free(got);
	free(copy);
}

int main(void)
{
	uint8_t heap[512];
	struct xenmb_txt_info t = launched;
	size_t len;

	len = build_heap(heap, 6, 52);
	expect("launched, BiosData version 6 (extended elements not shown)", &t,
	       heap, len, registers, bios_v6);
	len = build_heap(heap, 2, 28);
	expect("BiosData version 2: no flags line", &t, heap, len, registers,
	       bios_v2);
	expect("no heap copy: the registers alone", &t, NULL, 0, registers, "");
	len = build_heap(heap, 6, 20);
	expect("BiosData shorter than version 2's fields: not shown", &t, heap,
	       len, registers, "");
	len = build_heap(heap, 6, 52);
	put_le(heap, 0xfffffffffffffff0ULL, 8);
	expect("a BiosData size past the heap: not shown", &t, heap, len,
	       registers, "");

	t.sts = 0;
	t.ests = 1;
	expect("not launched, TXT reset pending", &t, NULL, 0,
	       "Intel(r) TXT Configuration Registers:\n"
	       "\tSTS: 0x00000000\n"
	       "\t    senter_done: FALSE\n"
	       "\t    sexit_done: FALSE\n"
	       "\t    mem_config_lock: FALSE\n"
	       "\t    private_open: FALSE\n"
	       "\t    locality_1_open: FALSE\n"
	       "\t    locality_2_open: FALSE\n"
	       "\tESTS: 0x01\n"
	       "\t    txt_reset: TRUE\n",
	       "\tERRORCODE: 0xc0000001\n"
	       "\tDIDVID: 0x00000001b00c8086\n"
	       "\t    vendor_id: 0x8086\n"
	       "\t    device_id: 0xb00c\n"
	       "\t    revision_id: 0x1\n"
	       "\tFSBIF: 0x0000000080000000\n"
	       "\tHEAP.BASE: 0x7ff00000\n"
	       "\tHEAP.SIZE: 1048576B (0x100000)\n" BANNER
	       "\t TXT measured launch: FALSE\n" BANNER);
	return tally();
}
