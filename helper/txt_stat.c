// SPDX-License-Identifier: GPL-2.0
/*
 * The txt-stat layout (tboot 1.10's utils/txt-stat.c and txt/heap.c, read
 * for the field names, their order and number formats): a tab, the name,
 * the value; a bit as TRUE or FALSE on its own line under its register.
 */
#include "txt_stat.h"

#include <inttypes.h>

#include "../driver/txt_heap.h"

/* BiosData after its u64 size field (TXT Software Development Guide). */
#define BIOS_DATA_SINIT_SIZE 4
#define BIOS_DATA_LCP_PD_BASE 8
#define BIOS_DATA_LCP_PD_SIZE 16
#define BIOS_DATA_NUM_PROCS 24
#define BIOS_DATA_FLAGS 28 /* version 3 and later */
#define BIOS_DATA_V2_LEN 28
#define BIOS_DATA_V3_LEN 36

static const char *truth(uint64_t bit)
{
	return bit ? "TRUE" : "FALSE";
}

static void print_banner(FILE *out)
{
	int i;

	for (i = 0; i < 59; i++)
		fputc('*', out);
	fputc('\n', out);
}

const struct txt_sts_bit txt_sts_bits[] = {
    {TXT_STS_SENTER_DONE, "SENTER.DONE", "senter_done"},
    {TXT_STS_SEXIT_DONE, "SEXIT.DONE", "sexit_done"},
    {TXT_STS_MEM_CONFIG_LOCK, "MEM-CONFIG-LOCK", "mem_config_lock"},
    {TXT_STS_PRIVATE_OPEN, "PRIVATE-OPEN", "private_open"},
    {TXT_STS_LOCALITY1_OPEN, "LOCALITY1.OPEN", "locality_1_open"},
    {TXT_STS_LOCALITY2_OPEN, "LOCALITY2.OPEN", "locality_2_open"},
};
const size_t txt_sts_bit_count = sizeof(txt_sts_bits) / sizeof(txt_sts_bits[0]);

static void print_registers(FILE *out, const struct xenmb_txt_info *t)
{
	size_t i;

	fprintf(out, "Intel(r) TXT Configuration Registers:\n");
	fprintf(out, "\tSTS: 0x%08" PRIx64 "\n", (uint64_t)t->sts);
	for (i = 0; i < txt_sts_bit_count; i++)
		fprintf(out, "\t    %s: %s\n", txt_sts_bits[i].txt_stat_name,
			truth(t->sts & txt_sts_bits[i].bit));
	fprintf(out, "\tESTS: 0x%02" PRIx64 "\n", (uint64_t)t->ests);
	fprintf(out, "\t    txt_reset: %s\n",
		truth(t->ests & TXT_ESTS_TXT_RESET));
	fprintf(out, "\tERRORCODE: 0x%08" PRIx64 "\n", (uint64_t)t->errorcode);
	fprintf(out, "\tDIDVID: 0x%016" PRIx64 "\n", (uint64_t)t->didvid);
	fprintf(out, "\t    vendor_id: 0x%x\n",
		(unsigned int)(t->didvid & 0xFFFF));
	fprintf(out, "\t    device_id: 0x%x\n",
		(unsigned int)((t->didvid >> 16) & 0xFFFF));
	fprintf(out, "\t    revision_id: 0x%x\n",
		(unsigned int)((t->didvid >> 32) & 0xFFFF));
	fprintf(out, "\tFSBIF: 0x%016" PRIx64 "\n", (uint64_t)t->ver_fsbif);
	fprintf(out, "\tHEAP.BASE: 0x%08" PRIx64 "\n", (uint64_t)t->heap_base);
	fprintf(out, "\tHEAP.SIZE: %" PRIu64 "B (0x%" PRIx64 ")\n",
		(uint64_t)t->heap_size, (uint64_t)t->heap_size);
	print_banner(out);
	fprintf(out, "\t TXT measured launch: %s\n",
		truth(t->sts & TXT_STS_SENTER_DONE));
	print_banner(out);
}

/*
 * BiosData's fixed fields, as far as its size and version say they are
 * there; xenmb_txt_heap_walk() has checked that the region lies in the heap.
 */
static void print_bios_data(FILE *out, const struct xenmb_txt_info *t,
			    const uint8_t *heap,
			    const struct txt_heap_region *bios)
{
	const uint8_t *data = heap + bios->offset + 8;
	uint64_t len = bios->size - 8;

	if (len < BIOS_DATA_V2_LEN)
		return;
	/* txt-stat's pointer is its own copy's; the physical address here. */
	fprintf(out, "bios_data (@0x%" PRIx64 ", %" PRIx64 "):\n",
		(uint64_t)(t->heap_base + bios->offset + 8),
		(uint64_t)bios->size);
	fprintf(out, "\t version: %u\n", bios->version);
	fprintf(out, "\t bios_sinit_size: 0x%x (%u)\n",
		txt_get_le32(data + BIOS_DATA_SINIT_SIZE),
		txt_get_le32(data + BIOS_DATA_SINIT_SIZE));
	fprintf(out, "\t lcp_pd_base: 0x%" PRIx64 "\n",
		(uint64_t)txt_get_le64(data + BIOS_DATA_LCP_PD_BASE));
	fprintf(out, "\t lcp_pd_size: 0x%" PRIx64 " (%" PRIu64 ")\n",
		(uint64_t)txt_get_le64(data + BIOS_DATA_LCP_PD_SIZE),
		(uint64_t)txt_get_le64(data + BIOS_DATA_LCP_PD_SIZE));
	fprintf(out, "\t num_logical_procs: %u\n",
		txt_get_le32(data + BIOS_DATA_NUM_PROCS));
	if (bios->version >= 3 && len >= BIOS_DATA_V3_LEN)
		fprintf(out, "\t flags: 0x%08" PRIx64 "\n",
			(uint64_t)txt_get_le64(data + BIOS_DATA_FLAGS));
}

void txt_stat_print(FILE *out, const struct xenmb_txt_info *t,
		    const uint8_t *heap, size_t heap_len)
{
	struct txt_heap_summary sum = {0};

	print_registers(out, t);
	if (!heap || !heap_len)
		return;
	/* A malformed heap still reports the regions read before the fault. */
	xenmb_txt_heap_walk(heap, heap_len, &sum);
	if (sum.bios_data.size)
		print_bios_data(out, t, heap, &sum.bios_data);
}
