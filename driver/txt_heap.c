// SPDX-License-Identifier: GPL-2.0
/*
 * The TXT heap walk. Pure code: see compat.h.
 *
 * Offsets and sizes are u64 and every comparison is written as "does it
 * fit in what remains", never as a sum that could wrap.
 */
#include "txt_heap.h"

#define TXT_REGION_MIN_LEN	(8 + 4)		/* size field + version */
#define TXT_OS_SINIT_ELTS_VERSION 6		/* first with extended elements */

/* Element data lengths (after the 8-byte element header). */
#define TXT_ELT5_DATA_LEN	8		/* u64 container address */
#define TXT_ELT7_COUNT_LEN	4		/* u32 count, then descriptors */
#define TXT_ELT8_DATA_LEN	20		/* u64 phys, u32 alloc/first/next */

/*
 * Reads the region whose size field is at @*offset and moves @*offset past
 * it. The size includes its own 8 bytes and must hold the version.
 */
static int read_region(const u8 *heap, u64 size, u64 *offset,
		       struct txt_heap_region *region)
{
	u64 left = size - *offset;
	u64 len;

	if (left < TXT_REGION_MIN_LEN)
		return -EINVAL;
	len = xenmb_get_le64(heap + *offset);
	if (len < TXT_REGION_MIN_LEN || len > left)
		return -EINVAL;
	region->offset = *offset;
	region->size = len;
	region->version = xenmb_get_le32(heap + *offset + 8);
	*offset += len;
	return 0;
}

/*
 * A log's allocation: not at address 0, not empty, not wrapping the
 * address space, at most TXT_LOG_MAX_SIZE, and first <= next <= allocated.
 */
static int check_log_ref(const struct txt_log_ref *ref)
{
	if (!ref->phys || !ref->allocated ||
	    ref->allocated > TXT_LOG_MAX_SIZE ||
	    ref->phys > ~0ULL - ref->allocated)
		return -EINVAL;
	if (ref->first > ref->next || ref->next > ref->allocated)
		return -EINVAL;
	return 0;
}

/* One element-7 descriptor: u16 alg, u16 reserved, u64 phys, u32 x 3. */
static void read_log_descr(const u8 *p, struct txt_log_ref *ref)
{
	ref->alg = xenmb_get_le16(p);
	ref->phys = xenmb_get_le64(p + 4);
	ref->allocated = xenmb_get_le32(p + 12);
	ref->first = xenmb_get_le32(p + 16);
	ref->next = xenmb_get_le32(p + 20);
}

/*
 * Decodes an event log pointer element (@type, @len data bytes at @data)
 * into @sum's log fields. Returns 0 or -EINVAL.
 */
static int read_log_element(u32 type, const u8 *data, u32 len,
			    struct txt_heap_summary *sum)
{
	struct txt_log_ref *ref = &sum->logs[0];
	u32 count, i, j;

	memset(sum->logs, 0, sizeof(sum->logs));
	switch (type) {
	case TXT_ELT_TPM_EVENT_LOG_PTR:
		if (len < TXT_ELT5_DATA_LEN)
			return -EINVAL;
		/* The rest is in the container: xenmb_txt_event_container_parse(). */
		ref->phys = xenmb_get_le64(data);
		if (!ref->phys ||
		    ref->phys > ~0ULL - TXT_EVENT_CONTAINER_HDR_LEN)
			return -EINVAL;
		sum->log_format = TXT_LOG_FORMAT_TPM12;
		sum->log_count = 1;
		return 0;
	case TXT_ELT_TPM_EVENT_LOG_PTR_2:
		if (len < TXT_ELT7_COUNT_LEN)
			return -EINVAL;
		count = xenmb_get_le32(data);
		if (!count || count > TXT_HEAP_MAX_LOGS ||
		    count > (len - TXT_ELT7_COUNT_LEN) / TXT_LOG_DESCR_LEN)
			return -EINVAL;
		for (i = 0; i < count; i++) {
			ref = &sum->logs[i];
			read_log_descr(data + TXT_ELT7_COUNT_LEN +
				       i * TXT_LOG_DESCR_LEN, ref);
			if (!ref->alg || check_log_ref(ref))
				return -EINVAL;
			for (j = 0; j < i; j++)
				if (sum->logs[j].alg == ref->alg)
					return -EINVAL;
		}
		sum->log_format = TXT_LOG_FORMAT_TPM20_BANKS;
		sum->log_count = count;
		return 0;
	case TXT_ELT_TPM_EVENT_LOG_PTR_2_1:
		if (len < TXT_ELT8_DATA_LEN)
			return -EINVAL;
		ref->phys = xenmb_get_le64(data);
		ref->allocated = xenmb_get_le32(data + 8);
		ref->first = xenmb_get_le32(data + 12);
		ref->next = xenmb_get_le32(data + 16);
		if (check_log_ref(ref))
			return -EINVAL;
		sum->log_format = TXT_LOG_FORMAT_TPM20_AGILE;
		sum->log_count = 1;
		return 0;
	}
	return -EINVAL;
}

/*
 * The extended data elements of OsSinitData (@len bytes from @elts), up to
 * the END element. Every pointer element is checked; the first is kept.
 */
static int walk_elements(const u8 *elts, u64 len, struct txt_heap_summary *sum)
{
	struct txt_heap_summary found = { 0 };
	u64 pos = 0;
	u32 n, type, size;
	int ret;

	for (n = 0; n < TXT_HEAP_MAX_ELTS; n++) {
		if (len - pos < TXT_ELT_HEADER_LEN)
			return -EINVAL;
		type = xenmb_get_le32(elts + pos);
		size = xenmb_get_le32(elts + pos + 4);
		if (size < TXT_ELT_HEADER_LEN || size > len - pos)
			return -EINVAL;
		if (type == TXT_ELT_END) {
			if (size != TXT_ELT_HEADER_LEN)
				return -EINVAL;
			if (!sum->log_format)
				return -ENOENT;
			return 0;
		}
		if (type == TXT_ELT_TPM_EVENT_LOG_PTR ||
		    type == TXT_ELT_TPM_EVENT_LOG_PTR_2 ||
		    type == TXT_ELT_TPM_EVENT_LOG_PTR_2_1) {
			ret = read_log_element(type,
					       elts + pos + TXT_ELT_HEADER_LEN,
					       size - TXT_ELT_HEADER_LEN,
					       &found);
			if (ret)
				return ret;
			if (!sum->log_format) {
				sum->log_format = found.log_format;
				sum->log_count = found.log_count;
				memcpy(sum->logs, found.logs, sizeof(sum->logs));
			}
		}
		pos += size;
	}
	/* No END within TXT_HEAP_MAX_ELTS elements. */
	return -EINVAL;
}

static int walk(const u8 *heap, u64 size, struct txt_heap_summary *sum)
{
	const struct txt_heap_region *os_sinit = &sum->os_sinit_data;
	u64 offset = 0;
	int ret;

	if (size > TXT_HEAP_MAX_SIZE)
		return -EINVAL;
	ret = read_region(heap, size, &offset, &sum->bios_data);
	if (!ret)
		ret = read_region(heap, size, &offset, &sum->os_mle_data);
	if (!ret)
		ret = read_region(heap, size, &offset, &sum->os_sinit_data);
	if (!ret)
		ret = read_region(heap, size, &offset, &sum->sinit_mle_data);
	if (ret)
		return ret;

	if (os_sinit->version < TXT_OS_SINIT_ELTS_VERSION)
		return -ENOENT;
	/* The fixed part, then at least the END element. */
	if (os_sinit->size - 8 < TXT_OS_SINIT_V6_FIXED_LEN + TXT_ELT_HEADER_LEN)
		return -EINVAL;
	return walk_elements(heap + os_sinit->offset + 8 +
			     TXT_OS_SINIT_V6_FIXED_LEN,
			     os_sinit->size - 8 - TXT_OS_SINIT_V6_FIXED_LEN,
			     sum);
}

int xenmb_txt_heap_walk(const u8 *heap, u64 size, struct txt_heap_summary *sum)
{
	int ret;

	memset(sum, 0, sizeof(*sum));
	ret = walk(heap, size, sum);
	if (ret) {
		/* The regions read so far stay; no half-checked log does. */
		sum->log_format = TXT_LOG_FORMAT_NONE;
		sum->log_count = 0;
		memset(sum->logs, 0, sizeof(sum->logs));
	}
	return ret;
}

int xenmb_txt_event_container_parse(const u8 *hdr, u32 len, struct txt_log_ref *ref)
{
	/* signature[20], reserved[12], then these offsets: */
	const u32 ver = 32, alloc = 36, first = 40, next = 44;
	struct txt_log_ref tmp = *ref;

	if (len < TXT_EVENT_CONTAINER_HDR_LEN)
		return -EINVAL;
	/* The signature with its NUL: sizeof() counts it. */
	if (memcmp(hdr, TXT_EVENT_CONTAINER_SIG,
		   sizeof(TXT_EVENT_CONTAINER_SIG)))
		return -EINVAL;
	/* Container version 1.x holding PCR events version 1.x. */
	if (hdr[ver] != 1 || hdr[ver + 2] != 1)
		return -EINVAL;
	tmp.allocated = xenmb_get_le32(hdr + alloc);
	tmp.first = xenmb_get_le32(hdr + first);
	tmp.next = xenmb_get_le32(hdr + next);
	if (tmp.first < TXT_EVENT_CONTAINER_HDR_LEN || check_log_ref(&tmp))
		return -EINVAL;
	*ref = tmp;
	return 0;
}

u32 xenmb_txt_sts_open_localities(u64 sts)
{
	u32 open = 1U << 3;

	if (sts & TXT_STS_LOCALITY1_OPEN)
		open |= 1U << 1;
	if (sts & TXT_STS_LOCALITY2_OPEN)
		open |= 1U << 2;
	return open;
}
