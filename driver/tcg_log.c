// SPDX-License-Identifier: GPL-2.0
/*
 * TCG event log parsing and replay. Pure code: see compat.h.
 *
 * The parser never reads a byte before checking that it lies inside the
 * buffer, and all arithmetic is done on "what remains" so nothing wraps.
 * Every record consumes at least 12 bytes and the number of records is
 * bounded as well, so a hostile log cannot keep a caller busy.
 */
#include "tcg_log.h"

/* Spec ID Event03 data: fixed part before the algorithm list. */
#define SPEC_ID_FIXED_LEN	28	/* sig[16], class, 4 x u8, numAlgs */
#define SPEC_ID_ALG_LEN		4	/* u16 alg, u16 digest size */
#define STARTUP_LOCALITY_LEN	(TCG_SIG_LEN + 1)

struct tcg_name {
	u32 code;
	const char *name;
};

/*
 * The one table of the PCR banks we know, for the module, the helper and the
 * tests: id, name as tpm2-tools spells it (--pcrs sha256:0), digest size.
 * Table order breaks the tie of a lookup by size: SHA-256 before SM3-256.
 */
static const struct tcg_alg tcg_algs[] = {
	{ TCG_ALG_SHA1, 20, "sha1" },
	{ TCG_ALG_SHA256, 32, "sha256" },
	{ TCG_ALG_SHA384, 48, "sha384" },
	{ TCG_ALG_SHA512, 64, "sha512" },
	{ TCG_ALG_SM3_256, 32, "sm3_256" },
};

/* The one table of event type names, for the kernel and the helper. */
static const struct tcg_name tcg_event_types[] = {
	{ 0x00000000, "EV_PREBOOT_CERT" },
	{ 0x00000001, "EV_POST_CODE" },
	{ 0x00000002, "EV_UNUSED" },
	{ 0x00000003, "EV_NO_ACTION" },
	{ 0x00000004, "EV_SEPARATOR" },
	{ 0x00000005, "EV_ACTION" },
	{ 0x00000006, "EV_EVENT_TAG" },
	{ 0x00000007, "EV_S_CRTM_CONTENTS" },
	{ 0x00000008, "EV_S_CRTM_VERSION" },
	{ 0x00000009, "EV_CPU_MICROCODE" },
	{ 0x0000000A, "EV_PLATFORM_CONFIG_FLAGS" },
	{ 0x0000000B, "EV_TABLE_OF_DEVICES" },
	{ 0x0000000C, "EV_COMPACT_HASH" },
	{ 0x0000000D, "EV_IPL" },
	{ 0x0000000E, "EV_IPL_PARTITION_DATA" },
	{ 0x0000000F, "EV_NONHOST_CODE" },
	{ 0x00000010, "EV_NONHOST_CONFIG" },
	{ 0x00000011, "EV_NONHOST_INFO" },
	{ 0x00000012, "EV_OMIT_BOOT_DEVICE_EVENTS" },
	{ 0x00000013, "EV_POST_CODE2" },
	{ 0x80000000, "EV_EFI_EVENT_BASE" },
	{ 0x80000001, "EV_EFI_VARIABLE_DRIVER_CONFIG" },
	{ 0x80000002, "EV_EFI_VARIABLE_BOOT" },
	{ 0x80000003, "EV_EFI_BOOT_SERVICES_APPLICATION" },
	{ 0x80000004, "EV_EFI_BOOT_SERVICES_DRIVER" },
	{ 0x80000005, "EV_EFI_RUNTIME_SERVICES_DRIVER" },
	{ 0x80000006, "EV_EFI_GPT_EVENT" },
	{ 0x80000007, "EV_EFI_ACTION" },
	{ 0x80000008, "EV_EFI_PLATFORM_FIRMWARE_BLOB" },
	{ 0x80000009, "EV_EFI_HANDOFF_TABLES" },
	{ 0x8000000A, "EV_EFI_PLATFORM_FIRMWARE_BLOB2" },
	{ 0x8000000B, "EV_EFI_HANDOFF_TABLES2" },
	{ 0x8000000C, "EV_EFI_VARIABLE_BOOT2" },
	{ 0x8000000D, "EV_EFI_GPT_EVENT2" },
	{ 0x80000010, "EV_EFI_HCRTM_EVENT" },
	{ 0x800000E0, "EV_EFI_VARIABLE_AUTHORITY" },
	{ 0x800000E1, "EV_EFI_SPDM_FIRMWARE_BLOB" },
	{ 0x800000E2, "EV_EFI_SPDM_FIRMWARE_CONFIG" },
	{ 0x00000400, "EVTYPE_BASE" },
	{ 0x00000401, "EVTYPE_PCRMAPPING" },
	{ 0x00000402, "EVTYPE_HASH_START" },
	{ 0x00000403, "EVTYPE_COMBINED_HASH" },
	{ 0x00000404, "EVTYPE_MLE_HASH" },
	{ 0x0000040A, "EVTYPE_BIOSAC_REG_DATA" },
	{ 0x0000040B, "EVTYPE_CPU_SCRTM_STAT" },
	{ 0x0000040C, "EVTYPE_LCP_CONTROL_HASH" },
	{ 0x0000040D, "EVTYPE_ELEMENTS_HASH" },
	{ 0x0000040E, "EVTYPE_STM_HASH" },
	{ 0x0000040F, "EVTYPE_OSSINITDATA_CAP_HASH" },
	{ 0x00000410, "EVTYPE_SINIT_PUBKEY_HASH" },
	{ 0x00000411, "EVTYPE_LCP_HASH" },
	{ 0x00000412, "EVTYPE_LCP_DETAILS_HASH" },
	{ 0x00000413, "EVTYPE_LCP_AUTHORITIES_HASH" },
	{ 0x00000414, "EVTYPE_NV_INFO_HASH" },
	{ 0x00000415, "EVTYPE_COLD_BOOT_BIOS_HASH" },
	{ 0x00000416, "EVTYPE_KM_HASH" },
	{ 0x00000417, "EVTYPE_BPM_HASH" },
	{ 0x00000418, "EVTYPE_KM_INFO_HASH" },
	{ 0x00000419, "EVTYPE_BPM_INFO_HASH" },
	{ 0x0000041A, "EVTYPE_BOOT_POL_HASH" },
	{ 0x000004FE, "EVTYPE_RANDOM_VALUE" },
	{ 0x000004FF, "EVTYPE_CAP_VALUE" },
};

static const char *const tcg_reason_texts[] = {
	[TCG_LOG_OK] = "no error",
	[TCG_LOG_ERR_TRUNCATED] = "record runs past the end of the log",
	[TCG_LOG_ERR_ZERO_RECORD] = "empty record (type 0, no data): unused space, not an event",
	[TCG_LOG_ERR_SPEC_ID] = "missing or malformed Spec ID Event03 header",
	[TCG_LOG_ERR_DIGEST_COUNT] = "digest count differs from the banks of the header",
	[TCG_LOG_ERR_UNKNOWN_ALG] = "digest of a bank the header does not declare",
	[TCG_LOG_ERR_DUP_ALG] = "two digests of the same bank in one record",
	[TCG_LOG_ERR_TOO_MANY] = "more records than a log may hold",
	[TCG_LOG_ERR_BAD_ARG] = "unknown log format or bank",
	[TCG_LOG_ERR_BANK_HEADER] = "per-bank log without its EV_NO_ACTION header record",
};

static const char *tcg_lookup(const struct tcg_name *table, size_t count,
			      u32 code)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (table[i].code == code)
			return table[i].name;
	return NULL;
}

const struct tcg_alg *xenmb_tcg_alg_by_id(u16 id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tcg_algs); i++)
		if (tcg_algs[i].id == id)
			return &tcg_algs[i];
	return NULL;
}

const struct tcg_alg *xenmb_tcg_alg_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tcg_algs); i++)
		if (!strcmp(tcg_algs[i].name, name))
			return &tcg_algs[i];
	return NULL;
}

const struct tcg_alg *xenmb_tcg_alg_by_size(u16 size)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tcg_algs); i++)
		if (tcg_algs[i].size == size)
			return &tcg_algs[i];
	return NULL;
}

const char *xenmb_tcg_alg_name(u16 alg)
{
	const struct tcg_alg *a = xenmb_tcg_alg_by_id(alg);

	return a ? a->name : NULL;
}

u16 xenmb_tcg_alg_digest_size(u16 alg)
{
	const struct tcg_alg *a = xenmb_tcg_alg_by_id(alg);

	return a ? a->size : 0;
}

const char *xenmb_tcg_event_type_name(u32 type)
{
	return tcg_lookup(tcg_event_types, ARRAY_SIZE(tcg_event_types), type);
}

const char *xenmb_tcg_log_reason_text(u32 reason)
{
	if (reason >= ARRAY_SIZE(tcg_reason_texts))
		return "unknown error";
	return tcg_reason_texts[reason];
}

static int tcg_fail(struct tcg_log_iter *it, int err, u32 reason, u32 offset)
{
	it->error = err;
	it->reason = reason;
	it->error_offset = offset;
	return err;
}

static int tcg_bank_index(const struct tcg_log_iter *it, u16 alg)
{
	u32 i;

	for (i = 0; i < it->bank_count; i++)
		if (it->banks[i].alg == alg)
			return (int)i;
	return -1;
}

/* Is the record at offset 0 a Spec ID Event03 header? */
static bool tcg_has_spec_id(const u8 *buf, u32 len)
{
	return len >= TCG_PCR_EVENT_HDR_LEN + TCG_SIG_LEN &&
	       xenmb_get_le32(buf + 4) == TCG_EV_NO_ACTION &&
	       xenmb_get_le32(buf + 28) >= TCG_SIG_LEN &&
	       !memcmp(buf + TCG_PCR_EVENT_HDR_LEN, TCG_SPEC_ID_SIG,
		       TCG_SIG_LEN);
}

/*
 * Reads the banks of the Spec ID header at the start of @it's buffer:
 * 1..TCG_LOG_MAX_BANKS algorithms, none 0 or twice, digest sizes 1..64 and
 * right for the algorithms we know, all inside the header's data.
 */
static int tcg_read_spec_id(struct tcg_log_iter *it)
{
	const u8 *data = it->buf + TCG_PCR_EVENT_HDR_LEN;
	u32 len = xenmb_get_le32(it->buf + 28);
	u32 count, i, need;
	u16 alg, size, known;

	if (len > it->len - TCG_PCR_EVENT_HDR_LEN)
		return tcg_fail(it, -EINVAL, TCG_LOG_ERR_TRUNCATED, 0);
	if (len < SPEC_ID_FIXED_LEN)
		return tcg_fail(it, -EINVAL, TCG_LOG_ERR_SPEC_ID, 0);
	count = xenmb_get_le32(data + SPEC_ID_FIXED_LEN - 4);
	if (!count || count > TCG_LOG_MAX_BANKS)
		return tcg_fail(it, -EINVAL, TCG_LOG_ERR_SPEC_ID, 0);
	/* The algorithm list, then u8 vendorInfoSize and vendorInfo. */
	need = SPEC_ID_FIXED_LEN + count * SPEC_ID_ALG_LEN + 1;
	if (len < need || len - need < data[need - 1])
		return tcg_fail(it, -EINVAL, TCG_LOG_ERR_SPEC_ID, 0);

	for (i = 0; i < count; i++) {
		alg = xenmb_get_le16(data + SPEC_ID_FIXED_LEN +
				     i * SPEC_ID_ALG_LEN);
		size = xenmb_get_le16(data + SPEC_ID_FIXED_LEN +
				      i * SPEC_ID_ALG_LEN + 2);
		known = xenmb_tcg_alg_digest_size(alg);
		if (!alg || !size || size > TCG_MAX_DIGEST_SIZE ||
		    (known && size != known) || tcg_bank_index(it, alg) >= 0)
			return tcg_fail(it, -EINVAL, TCG_LOG_ERR_SPEC_ID, 0);
		it->banks[i].alg = alg;
		it->banks[i].size = size;
		it->bank_count = i + 1;
	}
	it->format = TCG_LOG_AGILE;
	return 0;
}

int xenmb_tcg_log_open(struct tcg_log_iter *it, const u8 *buf, u32 len, u32 format,
		       u16 alg)
{
	memset(it, 0, sizeof(*it));
	it->buf = buf;
	it->len = len;

	switch (format) {
	case TCG_LOG_BANK:
		it->banks[0].size = xenmb_tcg_alg_digest_size(alg);
		if (!it->banks[0].size)
			return tcg_fail(it, -EINVAL, TCG_LOG_ERR_BAD_ARG, 0);
		it->banks[0].alg = alg;
		it->bank_count = 1;
		it->format = TCG_LOG_BANK;
		if (alg != TCG_ALG_SHA1 && len &&
		    (len < TCG_PCR_EVENT_HDR_LEN ||
		     xenmb_get_le32(buf + 4) != TCG_EV_NO_ACTION))
			return tcg_fail(it, -EINVAL, TCG_LOG_ERR_BANK_HEADER, 0);
		return 0;
	case TCG_LOG_AUTO:
		if (!tcg_has_spec_id(buf, len))
			goto sha1;
		return tcg_read_spec_id(it);
	case TCG_LOG_AGILE:
		if (!tcg_has_spec_id(buf, len))
			return tcg_fail(it, -EINVAL, TCG_LOG_ERR_SPEC_ID, 0);
		return tcg_read_spec_id(it);
	case TCG_LOG_SHA1:
		goto sha1;
	default:
		return tcg_fail(it, -EINVAL, TCG_LOG_ERR_BAD_ARG, 0);
	}
sha1:
	it->banks[0].alg = TCG_ALG_SHA1;
	it->banks[0].size = xenmb_tcg_alg_digest_size(TCG_ALG_SHA1);
	it->bank_count = 1;
	it->format = TCG_LOG_SHA1;
	return 0;
}

/*
 * A record with one digest of @size bytes: the SHA1 format (and the
 * header record of an agile log), or a TXT per-bank log.
 */
static int tcg_read_one_digest(struct tcg_log_iter *it, const u8 *p, u32 rem,
			       const struct tcg_bank *bank,
			       struct tcg_event *ev)
{
	u32 fixed = 8 + bank->size + 4;

	if (rem < fixed)
		return tcg_fail(it, -EINVAL, TCG_LOG_ERR_TRUNCATED, it->pos);
	ev->digest_count = 1;
	ev->digests[0].alg = bank->alg;
	ev->digests[0].size = bank->size;
	ev->digests[0].digest = p + 8;
	ev->data_len = xenmb_get_le32(p + 8 + bank->size);
	if (ev->data_len > rem - fixed)
		return tcg_fail(it, -EINVAL, TCG_LOG_ERR_TRUNCATED, it->pos);
	ev->data = p + fixed;
	ev->length = fixed + ev->data_len;
	return 0;
}

/*
 * A TCG_PCR_EVENT2: one digest per bank of the header, each once, in any
 * order; they are stored in the header's bank order.
 */
static int tcg_read_event2(struct tcg_log_iter *it, const u8 *p, u32 rem,
			   struct tcg_event *ev)
{
	u32 count, i, off = TCG_PCR_EVENT2_HDR_LEN;
	u32 seen = 0;
	int bank;
	u16 alg;

	if (rem < TCG_PCR_EVENT2_HDR_LEN)
		return tcg_fail(it, -EINVAL, TCG_LOG_ERR_TRUNCATED, it->pos);
	count = xenmb_get_le32(p + 8);
	if (count != it->bank_count)
		return tcg_fail(it, -EINVAL, TCG_LOG_ERR_DIGEST_COUNT, it->pos);
	for (i = 0; i < count; i++) {
		if (rem - off < 2)
			return tcg_fail(it, -EINVAL, TCG_LOG_ERR_TRUNCATED,
					it->pos);
		alg = xenmb_get_le16(p + off);
		bank = tcg_bank_index(it, alg);
		if (bank < 0)
			return tcg_fail(it, -EINVAL, TCG_LOG_ERR_UNKNOWN_ALG,
					it->pos);
		if (seen & (1U << bank))
			return tcg_fail(it, -EINVAL, TCG_LOG_ERR_DUP_ALG,
					it->pos);
		seen |= 1U << bank;
		off += 2;
		if (rem - off < it->banks[bank].size)
			return tcg_fail(it, -EINVAL, TCG_LOG_ERR_TRUNCATED,
					it->pos);
		ev->digests[bank].alg = alg;
		ev->digests[bank].size = it->banks[bank].size;
		ev->digests[bank].digest = p + off;
		off += it->banks[bank].size;
	}
	ev->digest_count = count;
	if (rem - off < 4)
		return tcg_fail(it, -EINVAL, TCG_LOG_ERR_TRUNCATED, it->pos);
	ev->data_len = xenmb_get_le32(p + off);
	off += 4;
	if (ev->data_len > rem - off)
		return tcg_fail(it, -EINVAL, TCG_LOG_ERR_TRUNCATED, it->pos);
	ev->data = p + off;
	ev->length = off + ev->data_len;
	return 0;
}

int xenmb_tcg_log_next(struct tcg_log_iter *it, struct tcg_event *ev)
{
	static const struct tcg_bank sha1 = { TCG_ALG_SHA1, 20 };
	const u8 *p = it->buf + it->pos;
	u32 rem = it->len - it->pos;
	int ret;

	if (it->error)
		return it->error;
	if (!rem)
		return 0;
	if (it->events >= TCG_LOG_MAX_EVENTS)
		return tcg_fail(it, -E2BIG, TCG_LOG_ERR_TOO_MANY, it->pos);

	memset(ev, 0, sizeof(*ev));
	ev->offset = it->pos;
	/* Each format starts with u32 pcr, u32 type. */
	if (rem >= 8) {
		ev->pcr = xenmb_get_le32(p);
		ev->type = xenmb_get_le32(p + 4);
	}
	/* SHA1 layout: SHA1 logs, and the header of agile and bank logs. */
	if (it->format == TCG_LOG_AGILE && it->pos)
		ret = tcg_read_event2(it, p, rem, ev);
	else if (it->format == TCG_LOG_BANK &&
		 (it->pos || it->banks[0].alg == TCG_ALG_SHA1))
		ret = tcg_read_one_digest(it, p, rem, &it->banks[0], ev);
	else
		ret = tcg_read_one_digest(it, p, rem, &sha1, ev);
	if (ret)
		return ret;
	if (ev->type == TCG_EV_PREBOOT_CERT && !ev->data_len)
		return tcg_fail(it, -EINVAL, TCG_LOG_ERR_ZERO_RECORD, it->pos);

	it->pos += ev->length;
	it->events++;
	return 1;
}

bool xenmb_tcg_event_startup_locality(const struct tcg_event *ev, u8 *locality)
{
	if (ev->type != TCG_EV_NO_ACTION || ev->pcr != 0 ||
	    ev->data_len != STARTUP_LOCALITY_LEN ||
	    memcmp(ev->data, TCG_STARTUP_LOCALITY_SIG, TCG_SIG_LEN))
		return false;
	*locality = ev->data[TCG_SIG_LEN];
	return true;
}

void xenmb_tcg_replay_init(struct tcg_replay *r, u32 ones_mask)
{
	memset(r, 0, sizeof(*r));
	r->ones_mask = ones_mask;
	r->startup_locality = -1;
}

/* PCR 0 starts at zero but for the startup locality in its last byte. */
static void tcg_bank_set_locality(struct tcg_pcr_bank *b, u8 locality)
{
	memset(b->pcr[0], 0, sizeof(b->pcr[0]));
	b->pcr[0][b->size - 1] = locality;
}

static void tcg_bank_reset(const struct tcg_replay *r, struct tcg_pcr_bank *b)
{
	u32 i;

	for (i = 0; i < TCG_PCR_COUNT; i++)
		memset(b->pcr[i], r->ones_mask & (1U << i) ? 0xFF : 0,
		       sizeof(b->pcr[i]));
	if (r->startup_locality >= 0)
		tcg_bank_set_locality(b, (u8)r->startup_locality);
}

static struct tcg_pcr_bank *tcg_find_bank(struct tcg_replay *r, u16 alg)
{
	u32 i;

	for (i = 0; i < r->bank_count; i++)
		if (r->banks[i].alg == alg)
			return &r->banks[i];
	return NULL;
}

const struct tcg_pcr_bank *xenmb_tcg_replay_bank(const struct tcg_replay *r,
						 u16 alg)
{
	u32 i;

	for (i = 0; i < r->bank_count; i++)
		if (r->banks[i].alg == alg)
			return &r->banks[i];
	return NULL;
}

static int tcg_add_bank(struct tcg_replay *r, const struct tcg_bank *bank)
{
	struct tcg_pcr_bank *b = tcg_find_bank(r, bank->alg);

	if (b)
		return b->size == bank->size ? 0 : -EINVAL;
	if (r->bank_count >= TCG_LOG_MAX_BANKS)
		return -ENOSPC;
	b = &r->banks[r->bank_count++];
	b->alg = bank->alg;
	b->size = bank->size;
	tcg_bank_reset(r, b);
	return 0;
}

/* PCR = H(PCR || digest) in one bank; banks we cannot hash are skipped. */
static int tcg_extend(struct tcg_pcr_bank *b, u32 pcr, const u8 *digest,
		      const struct tcg_hash_ops *ops)
{
	u8 out[TCG_MAX_DIGEST_SIZE];
	void *ctx;
	int ret, ret2;

	if (b->status)
		return 0;
	ctx = ops->init(ops->priv, b->alg);
	if (!ctx) {
		b->status = -EOPNOTSUPP;
		return 0;
	}
	ret = ops->update(ctx, b->pcr[pcr], b->size);
	if (!ret)
		ret = ops->update(ctx, digest, b->size);
	ret2 = ops->final(ctx, out, b->size);
	if (ret || ret2)
		return ret ? ret : ret2;
	memcpy(b->pcr[pcr], out, b->size);
	b->extended |= 1U << pcr;
	return 0;
}

/* StartupLocality comes before any extend of PCR 0, or the log lies. */
static int tcg_replay_startup_locality(struct tcg_replay *r, u8 locality)
{
	u32 i;

	for (i = 0; i < r->bank_count; i++)
		if (r->banks[i].extended & 1)
			return -EINVAL;
	r->startup_locality = locality;
	for (i = 0; i < r->bank_count; i++)
		tcg_bank_set_locality(&r->banks[i], locality);
	return 0;
}

int xenmb_tcg_replay_log(struct tcg_replay *r, struct tcg_log_iter *it,
			 const struct tcg_hash_ops *ops)
{
	struct tcg_pcr_bank *bank;
	struct tcg_event ev;
	u32 i;
	u8 locality;
	int ret;

	if (it->error)
		return it->error;
	for (i = 0; i < it->bank_count; i++) {
		ret = tcg_add_bank(r, &it->banks[i]);
		if (ret)
			return ret;
	}
	while ((ret = xenmb_tcg_log_next(it, &ev)) > 0) {
		r->events++;
		if (ev.type == TCG_EV_NO_ACTION) {
			if (!xenmb_tcg_event_startup_locality(&ev, &locality))
				continue;
			ret = tcg_replay_startup_locality(r, locality);
			if (ret)
				return ret;
			continue;
		}
		if (ev.pcr >= TCG_PCR_COUNT)
			return -EINVAL;
		for (i = 0; i < ev.digest_count; i++) {
			bank = tcg_find_bank(r, ev.digests[i].alg);
			if (!bank)
				return -EINVAL;
			ret = tcg_extend(bank, ev.pcr, ev.digests[i].digest,
					 ops);
			if (ret)
				return ret;
		}
		r->extends++;
	}
	return ret;
}
