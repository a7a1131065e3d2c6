/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Intel TXT heap and the location of the DRTM event log in it (Intel TXT
 * Software Development Guide, "TXT Heap" and "Extended Data Elements").
 * Pure code (see compat.h): built into xenmb.ko, the helper and the tests.
 *
 * The heap comes from firmware and from the previous boot stage; nothing in
 * it is trusted. Every size, offset and version is checked before use, and
 * the walker works on a private copy so the bytes cannot change under it.
 */
#ifndef XENMB_TXT_HEAP_H
#define XENMB_TXT_HEAP_H

#include "compat.h"

/* TXT public configuration space: registers (offsets from its base). */
#define TXT_PUB_BASE		0xFED30000ULL
#define TXT_REG_STS		0x000
#define TXT_REG_ESTS		0x008
#define TXT_REG_ERRORCODE	0x030
#define TXT_REG_VER_FSBIF	0x100
#define TXT_REG_DIDVID		0x110
#define TXT_REG_HEAP_BASE	0x300
#define TXT_REG_HEAP_SIZE	0x308

/* TXT.STS and TXT.ESTS bits */
#define TXT_STS_SENTER_DONE	BIT_ULL(0)
#define TXT_STS_SEXIT_DONE	BIT_ULL(1)
#define TXT_STS_MEM_CONFIG_LOCK	BIT_ULL(6)
#define TXT_STS_PRIVATE_OPEN	BIT_ULL(7)
#define TXT_STS_LOCALITY1_OPEN	BIT_ULL(15)
#define TXT_STS_LOCALITY2_OPEN	BIT_ULL(16)
#define TXT_ESTS_TXT_RESET	BIT_ULL(0)

/*
 * Localities 1-3 (bit N) that a TXT.STS value leaves to software: 1 and 2
 * while their OPEN bits are set (the MLE opens them after SENTER with
 * TXT.CMD.OPEN.LOCALITYn and closes them before SEXIT); 3, the SINIT ACM's,
 * has no bit, and its ACCESS register alone decides.
 */
u32 xenmb_txt_sts_open_localities(u64 sts);

/* Extended data element types (OsSinitData version 6 and later). */
#define TXT_ELT_END			0
#define TXT_ELT_TPM_EVENT_LOG_PTR	5	/* TPM 1.2 event container */
#define TXT_ELT_TPM_EVENT_LOG_PTR_2	7	/* TPM 2.0, one log per bank */
#define TXT_ELT_TPM_EVENT_LOG_PTR_2_1	8	/* TPM 2.0, crypto-agile log */
#define TXT_ELT_HEADER_LEN		8	/* u32 type, u32 size */

/* Sizes of the fixed parts (little-endian, packed). */
#define TXT_OS_SINIT_V6_FIXED_LEN	92	/* version .. efi_rsdt_ptr */
#define TXT_EVENT_CONTAINER_HDR_LEN	48
#define TXT_EVENT_CONTAINER_SIG		"TXT Event Container"	/* + NUL: 20 */
#define TXT_LOG_DESCR_LEN		24	/* ELT 7, per bank */

/* Upper bounds that keep a hostile heap from making us read or loop far. */
#define TXT_HEAP_MAX_SIZE	(64U << 20)
#define TXT_LOG_MAX_SIZE	(16U << 20)
#define TXT_HEAP_MAX_ELTS	64
#define TXT_HEAP_MAX_LOGS	5	/* banks: SHA1 SHA256 SHA384 SHA512 SM3 */

/* Which pointer element located the log (XENMB_TXT_LOG_* in the uapi). */
#define TXT_LOG_FORMAT_NONE		0
#define TXT_LOG_FORMAT_TPM12		1	/* ELT 5: SHA1 events */
#define TXT_LOG_FORMAT_TPM20_BANKS	2	/* ELT 7: one log per bank */
#define TXT_LOG_FORMAT_TPM20_AGILE	3	/* ELT 8: TCG crypto-agile */

struct txt_heap_region {
	u64 offset;	/* of the region's u64 size field in the heap */
	u64 size;	/* as its size field says, the field included */
	u32 version;	/* the region's first u32; 0 if too small */
};

/*
 * Where one DRTM event log lives. For ELT 5 only @phys is known from the
 * heap: @allocated, @first and @next come from the container header, see
 * xenmb_txt_event_container_parse().
 */
struct txt_log_ref {
	u16 alg;	/* TPM_ALG_* of the bank (ELT 7); 0 otherwise */
	u64 phys;	/* physical address of the log's allocation */
	u32 allocated;	/* bytes allocated for the log */
	u32 first;	/* offset of the first record */
	u32 next;	/* offset where the next record would go: used end */
};

struct txt_heap_summary {
	struct txt_heap_region bios_data;
	struct txt_heap_region os_mle_data;
	struct txt_heap_region os_sinit_data;
	struct txt_heap_region sinit_mle_data;
	u32 log_format;		/* TXT_LOG_FORMAT_* */
	u32 log_count;		/* entries used in @logs */
	struct txt_log_ref logs[TXT_HEAP_MAX_LOGS];
};

/*
 * Walks the @size-byte heap copy at @heap: the four size-prefixed regions
 * (each at least 8 + 4 bytes, none past the end, no overflow), then the
 * extended data elements of OsSinitData (version 6 and later) up to the END
 * element, and records the first event log pointer element found. Every
 * pointer element is checked, not only the first.
 *
 * Returns 0; -EINVAL for a malformed heap (sizes that overflow, overlap or
 * run past the heap, or a heap over TXT_HEAP_MAX_SIZE; OsSinitData too
 * short for its version; an element shorter than its header or past its
 * region; no END element, or one whose size is not 8; more than
 * TXT_HEAP_MAX_ELTS elements; a pointer element too short for its data;
 * element 7 with 0 or more than TXT_HEAP_MAX_LOGS descriptors, algorithm 0
 * or the same algorithm twice; a log at address 0, a container header that
 * would wrap the address space, a log descriptor with first > next >
 * allocated, or an allocation that is empty, wraps or exceeds
 * TXT_LOG_MAX_SIZE); -ENOENT for a well formed heap without a log pointer
 * (OsSinitData older than version 6, or no such element).
 *
 * On any return the regions read so far are in @sum; on an error its log
 * fields are cleared (TXT_LOG_FORMAT_NONE, no logs).
 */
int xenmb_txt_heap_walk(const u8 *heap, u64 size, struct txt_heap_summary *sum);

/*
 * Reads the TPM 1.2 "TXT Event Container" header (@len >= 48 bytes at
 * @hdr) into @ref's allocated/first/next, checking the signature, version
 * 1.x, and 48 <= first <= next <= allocated <= TXT_LOG_MAX_SIZE. @ref->phys
 * (from xenmb_txt_heap_walk()) must be set: an allocation that wraps the address
 * space is refused too. Returns 0, or -EINVAL and leaves @ref unchanged.
 */
int xenmb_txt_event_container_parse(const u8 *hdr, u32 len, struct txt_log_ref *ref);

/*
 * Little-endian readers, kept for existing callers: the code is compat.h's
 * xenmb_get_le*(), which the TCG event log parser shares.
 */
static inline u32 txt_get_le32(const u8 *p)
{
	return xenmb_get_le32(p);
}

static inline u64 txt_get_le64(const u8 *p)
{
	return xenmb_get_le64(p);
}

#endif /* XENMB_TXT_HEAP_H */
