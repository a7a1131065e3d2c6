/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCG event logs: one bounded parser for every format a dom0 meets, and the
 * replay of a log into PCR values (TCG PC Client Platform Firmware Profile,
 * "Event Logging"; Intel TXT Software Development Guide, "Event Log").
 * Pure code (see compat.h): built into xenmb.ko, the helper and the tests.
 *
 * Formats:
 *  - SHA1: TCG_PCR_EVENT records {u32 pcr, u32 type, u8 sha1[20], u32 size,
 *    data}: the TPM 1.2 BIOS log, and the records of a TXT Event Container.
 *  - agile: a SHA1-format "Spec ID Event03" header record that lists the
 *    banks and their digest sizes, then TCG_PCR_EVENT2 records {u32 pcr,
 *    u32 type, u32 count, count x {u16 alg, digest}, u32 size, data}.
 *  - bank: one log per bank located by TXT extended element 7, records
 *    {u32 pcr, u32 type, u8 digest[size of that bank], u32 size, data}.
 *    A log of a bank other than SHA1 starts with a SHA1-format EV_NO_ACTION
 *    record describing the bank (tboot's tpm20_log_descr_t), which readers
 *    of these logs (tboot's txt-stat) skip by its SHA1 layout.
 * Everything is little-endian. The log is never trusted: every length is
 * checked against what remains of the buffer before it is used.
 */
#ifndef XENMB_TCG_LOG_H
#define XENMB_TCG_LOG_H

#include "compat.h"

/* TPM_ALG_ID (TPM 2.0 Library part 2) of the banks we know. */
#define TCG_ALG_SHA1		0x0004
#define TCG_ALG_SHA256		0x000B
#define TCG_ALG_SHA384		0x000C
#define TCG_ALG_SHA512		0x000D
#define TCG_ALG_SM3_256		0x0012

#define TCG_MAX_DIGEST_SIZE	64
#define TCG_LOG_MAX_BANKS	8	/* a Spec ID header listing more is absurd */
#define TCG_PCR_COUNT		24
/*
 * More records than this: -E2BIG. Real logs hold hundreds; the bound is
 * far above them and above the 100 000-record log of 'make bench'.
 */
#define TCG_LOG_MAX_EVENTS	262144

/* PCRs 17-22: all ones after TPM startup, zero after a DRTM launch. */
#define TCG_PCRS_DRTM		0x007E0000U

/* Event types (PC Client Platform Firmware Profile, "Event Types"). */
#define TCG_EV_PREBOOT_CERT			0x00000000
#define TCG_EV_POST_CODE			0x00000001
#define TCG_EV_NO_ACTION			0x00000003
#define TCG_EV_SEPARATOR			0x00000004
#define TCG_EV_ACTION				0x00000005
#define TCG_EV_EVENT_TAG			0x00000006
#define TCG_EV_S_CRTM_CONTENTS			0x00000007
#define TCG_EV_S_CRTM_VERSION			0x00000008
#define TCG_EV_IPL				0x0000000D
#define TCG_EV_EFI_VARIABLE_DRIVER_CONFIG	0x80000001
#define TCG_EV_EFI_VARIABLE_BOOT		0x80000002
#define TCG_EV_EFI_BOOT_SERVICES_APPLICATION	0x80000003
#define TCG_EV_EFI_ACTION			0x80000007
#define TCG_EV_EFI_VARIABLE_AUTHORITY		0x800000E0
/* Intel TXT DRTM event types (TXT Software Development Guide). */
#define TXT_EVTYPE_BASE				0x00000400
#define TXT_EVTYPE_PCRMAPPING			0x00000401
#define TXT_EVTYPE_HASH_START			0x00000402
#define TXT_EVTYPE_MLE_HASH			0x00000404
#define TXT_EVTYPE_CAP_VALUE			0x000004FF

/* The header record of an agile log, and the startup locality event. */
#define TCG_SPEC_ID_SIG			"Spec ID Event03"	/* + NUL: 16 */
#define TCG_STARTUP_LOCALITY_SIG	"StartupLocality"	/* + NUL: 16 */
#define TCG_SIG_LEN			16

/* Record layouts: fixed parts, in bytes. */
#define TCG_PCR_EVENT_HDR_LEN	32	/* pcr, type, sha1[20], size */
#define TCG_PCR_EVENT2_HDR_LEN	12	/* pcr, type, digest count */

enum tcg_log_format {
	TCG_LOG_AUTO = 0,	/* agile if the first record is a Spec ID header */
	TCG_LOG_SHA1 = 1,
	TCG_LOG_AGILE = 2,
	TCG_LOG_BANK = 3,	/* TXT element 7: give the bank's alg */
};

/* Why xenmb_tcg_log_next() stopped; all but TCG_LOG_OK come with an errno. */
enum tcg_log_reason {
	TCG_LOG_OK = 0,
	TCG_LOG_ERR_TRUNCATED,		/* a record runs past the buffer */
	TCG_LOG_ERR_ZERO_RECORD,	/* type 0, no data: unused space */
	TCG_LOG_ERR_SPEC_ID,		/* missing or malformed Spec ID header */
	TCG_LOG_ERR_DIGEST_COUNT,	/* count differs from the header's banks */
	TCG_LOG_ERR_UNKNOWN_ALG,	/* a digest of a bank the header lacks */
	TCG_LOG_ERR_DUP_ALG,		/* the same bank twice in one record */
	TCG_LOG_ERR_TOO_MANY,		/* more than TCG_LOG_MAX_EVENTS records */
	TCG_LOG_ERR_BAD_ARG,		/* unknown format or bank alg */
	TCG_LOG_ERR_BANK_HEADER,	/* non-SHA1 bank log without its header */
};

struct tcg_bank {
	u16 alg;	/* TPM_ALG_ID */
	u16 size;	/* digest size in bytes, 1..TCG_MAX_DIGEST_SIZE */
};

struct tcg_digest {
	u16 alg;
	u16 size;
	const u8 *digest;	/* @size bytes inside the log */
};

/* One record. Pointers point into the log buffer. */
struct tcg_event {
	u32 offset;		/* of the record from the start of the buffer */
	u32 length;		/* of the whole record */
	u32 pcr;
	u32 type;
	u32 digest_count;	/* in the log's bank order (see the iterator) */
	struct tcg_digest digests[TCG_LOG_MAX_BANKS];
	const u8 *data;
	u32 data_len;
};

struct tcg_log_iter {
	const u8 *buf;
	u32 len;
	u32 pos;		/* offset of the next record */
	u32 format;		/* TCG_LOG_SHA1, _AGILE or _BANK once open */
	u32 events;		/* records returned so far */
	u32 bank_count;
	struct tcg_bank banks[TCG_LOG_MAX_BANKS];
	/* Set when an error stops the walk; it stays stopped. */
	int error;		/* 0 or a negative errno */
	u32 reason;		/* enum tcg_log_reason */
	u32 error_offset;	/* of the record that could not be read */
};

/*
 * Prepares @it to walk the @len bytes at @buf in @format; @alg is the bank
 * for TCG_LOG_BANK and ignored otherwise. TCG_LOG_AUTO and TCG_LOG_AGILE
 * read and check the Spec ID header (the first record stays the first
 * event xenmb_tcg_log_next() returns). TCG_LOG_BANK of a bank other than SHA1
 * checks the bank header record likewise. An empty buffer is an empty log.
 * Returns 0, or -EINVAL (reason TCG_LOG_ERR_SPEC_ID, _BANK_HEADER,
 * _TRUNCATED or _BAD_ARG) and leaves @it stopped with that error.
 */
int xenmb_tcg_log_open(struct tcg_log_iter *it, const u8 *buf, u32 len, u32 format,
		       u16 alg);

/*
 * Reads the next record into @ev. Returns 1 when @ev was filled, 0 at the
 * clean end of the log, or a negative errno: -EINVAL for a malformed record
 * (it->reason says which way, it->error_offset where), -E2BIG past
 * TCG_LOG_MAX_EVENTS records. Errors are sticky.
 */
int xenmb_tcg_log_next(struct tcg_log_iter *it, struct tcg_event *ev);

/* "record runs past the end of the log" ...; never NULL. */
const char *xenmb_tcg_log_reason_text(u32 reason);

/* A PCR bank we know: its TPM_ALG_ID, digest size and tpm2-tools name. */
struct tcg_alg {
	u16 id;
	u16 size;
	const char *name;	/* "sha1", "sha256", "sha384", "sha512", "sm3_256" */
};

/* The bank of id @id; NULL when unknown. */
const struct tcg_alg *xenmb_tcg_alg_by_id(u16 id);

/* The bank named @name ("sha256"); NULL when unknown. */
const struct tcg_alg *xenmb_tcg_alg_by_name(const char *name);

/* The first bank whose digests are @size bytes (32: SHA-256); NULL if none. */
const struct tcg_alg *xenmb_tcg_alg_by_size(u16 size);

/* Digest size of a known bank, 0 when unknown. */
u16 xenmb_tcg_alg_digest_size(u16 alg);

/* The name of a known bank, NULL when unknown. */
const char *xenmb_tcg_alg_name(u16 alg);

/* "EV_SEPARATOR", "EVTYPE_MLE_HASH" ...; NULL when unknown. */
const char *xenmb_tcg_event_type_name(u32 type);

/*
 * True for the PFP StartupLocality event (EV_NO_ACTION on PCR 0, data
 * "StartupLocality\0" + one byte); *@locality gets that byte.
 */
bool xenmb_tcg_event_startup_locality(const struct tcg_event *ev, u8 *locality);

/*
 * Replay. Pure code cannot hash: the caller hands in a hash per bank.
 * init() returns a context for @alg, or NULL when it cannot hash it (that
 * bank is then skipped, see tcg_pcr_bank.status). final() writes the
 * digest and releases the context; it is called once after every
 * successful init(), even when update() failed.
 */
struct tcg_hash_ops {
	void *(*init)(void *priv, u16 alg);
	int (*update)(void *ctx, const u8 *data, u32 len);
	int (*final)(void *ctx, u8 *digest, u32 size);
	void *priv;
};

struct tcg_pcr_bank {
	u16 alg;
	u16 size;
	int status;		/* 0, or -EOPNOTSUPP: the hash ops lack @alg */
	u32 extended;		/* bit N: PCR N was extended by the log */
	u8 pcr[TCG_PCR_COUNT][TCG_MAX_DIGEST_SIZE];
};

/* About 13 KiB: allocate it, do not put it on a kernel stack. */
struct tcg_replay {
	u32 ones_mask;		/* PCRs that start all ones */
	int startup_locality;	/* -1, or the StartupLocality event's value */
	u32 bank_count;
	struct tcg_pcr_bank banks[TCG_LOG_MAX_BANKS];
	u32 events;		/* records read */
	u32 extends;		/* records extended (all but EV_NO_ACTION) */
};

/*
 * Starts a replay. Every PCR starts at zero except those in @ones_mask,
 * which start all ones: pass 0 for a DRTM log (PCRs 17-22 are zero after
 * the launch), TCG_PCRS_DRTM for an SRTM log of a boot without DRTM. A
 * StartupLocality event sets the last byte of PCR 0's starting value.
 */
void xenmb_tcg_replay_init(struct tcg_replay *r, u32 ones_mask);

/*
 * Extends every record of @it (opened, not yet read) into @r: bank by
 * bank, PCR[n] = H(PCR[n] || digest); EV_NO_ACTION records are not
 * extended. Banks are added to @r as logs name them, so the per-bank logs
 * of TXT element 7 replay into one @r, one call each. Returns 0, the
 * iterator's error, -EINVAL for an extend of a PCR above 23 or a
 * StartupLocality event after PCR 0 was extended, -ENOSPC when @r already
 * holds TCG_LOG_MAX_BANKS other banks, or a hash error.
 */
int xenmb_tcg_replay_log(struct tcg_replay *r, struct tcg_log_iter *it,
			 const struct tcg_hash_ops *ops);

/* The bank of @alg in @r, or NULL. */
const struct tcg_pcr_bank *xenmb_tcg_replay_bank(const struct tcg_replay *r,
						 u16 alg);

#endif /* XENMB_TCG_LOG_H */
