// SPDX-License-Identifier: GPL-2.0
/*
 * Event log parsing and replay against real logs and independent judges:
 *  - every log of $XENMB_SHARED_DATA/eventlogs parses to its end;
 *  - where tpm2_eventlog (tpm2-tools) computes PCRs from a log, our replay
 *    gives the same values, bank by bank;
 *  - the attestations recorded with their logs (Log.Raw beside Log.PCRs)
 *    replay to the recorded PCR values;
 *  - crafted logs replay to values computed here with OpenSSL directly.
 * The last line is "N passed, N failed". Without $XENMB_SHARED_DATA/eventlogs
 * (real-world data, not in the repository) the SHARED_CASES cases that read
 * it are skipped, said in one "skip:" line, and the line is
 * "N passed, N failed, N skipped"; with it, their number is checked, so the
 * skip count stays what the data gives.
 */
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include "../../driver/txt_heap.h"
#include "../../helper/eventlog.h"
#include "../txt_bytes.h"
#include "tap.h"

struct real_log {
	const char *file;
	u32 format; /* what TCG_LOG_AUTO must find */
	u32 events; /* records, the Spec ID header included */
	u32 banks;
	bool judged; /* tpm2_eventlog computes its PCRs */
};

/*
 * Counted by an independent reading of the logs. tpm2_eventlog 5.4
 * crashes on option_rom_eventlog (an EV_NO_ACTION record on PCR
 * 0xFFFFFFFF) and refuses short_no_action_eventlog (it takes any first
 * EV_NO_ACTION record for a Spec ID header), so it judges the others.
 */
static const struct real_log real_logs[] = {
    {"coreos_36_shielded_vm_no_secure_boot_eventlog", TCG_LOG_AGILE, 76, 3,
     true},
    {"crypto_agile_eventlog", TCG_LOG_AGILE, 27, 1, true},
    {"ebs_event_missing_eventlog", TCG_LOG_SHA1, 38, 1, true},
    {"option_rom_eventlog", TCG_LOG_SHA1, 61, 1, false},
    {"sb_cert_eventlog", TCG_LOG_AGILE, 15, 3, true},
    {"short_no_action_eventlog", TCG_LOG_SHA1, 1, 1, false},
    {"ubuntu_2104_shielded_vm_no_secure_boot_eventlog", TCG_LOG_AGILE, 106, 3,
     true},
};

/*
 * What the cases on the shared data report: the directory check, 3 per
 * judged log and 2 per other one, the StartupLocality case, and per
 * attestation its replay and one per recorded PCR (24 each); and the
 * check of this number.
 */
#define SHARED_CASES 72

static const char *data_dir;

static u8 *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	u8 *buf = NULL;
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		goto out;
	/* Exactly the file's size, so ASan sees any overread. */
	buf = malloc(size ? (size_t)size : 1);
	if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		buf = NULL;
	}
	*len = (size_t)size;
out:
	fclose(f);
	return buf;
}

static char *data_path(const char *sub, const char *file)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s/%s", data_dir, sub, file);
	return path;
}

static void hex(const u8 *p, u32 len, char *out)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

/* ---- tpm2_eventlog as the judge ---------------------------------------- */

struct judged_bank {
	u16 alg;
	u32 listed; /* bit N: tpm2_eventlog printed PCR N */
	u8 pcr[TCG_PCR_COUNT][TCG_MAX_DIGEST_SIZE];
};

static int hex_to_bytes(const char *s, u8 *out, u32 max)
{
	u32 n = 0;
	unsigned int b;

	/* Two digits at most: the value cannot overflow. */
	/* NOLINTNEXTLINE(cert-err34-c) */
	while (s[0] && s[1] && n < max && sscanf(s, "%2x", &b) == 1) {
		out[n++] = (u8)b;
		s += 2;
	}
	return (int)n;
}

/* Runs tpm2_eventlog on @path; reads the "pcrs:" section it prints. */
static int judge(const char *path, struct judged_bank *banks, u32 *count)
{
	static const char *const names[] = {"sha1", "sha256", "sha384",
					    "sha512", "sm3_256"};
	static const u16 algs[] = {TCG_ALG_SHA1, TCG_ALG_SHA256, TCG_ALG_SHA384,
				   TCG_ALG_SHA512, TCG_ALG_SM3_256};
	char cmd[4200], line[512], name[32], value[160];
	struct judged_bank *bank = NULL;
	bool in_pcrs = false;
	unsigned int pcr;
	FILE *p;
	size_t i;

	if (strchr(path, '\''))
		return -EINVAL;
	snprintf(cmd, sizeof(cmd), "tpm2_eventlog '%s' 2>/dev/null", path);
	/* tpm2_eventlog is the independent judge; @path has no quote. */
	p = popen(cmd, "r"); /* NOLINT(cert-env33-c) */
	if (!p)
		return -errno;
	*count = 0;
	while (fgets(line, sizeof(line), p)) {
		if (!strcmp(line, "pcrs:\n")) {
			in_pcrs = true;
			continue;
		}
		if (!in_pcrs)
			continue;
		if (sscanf(line, "  %31[a-z0-9_]:", name) == 1 &&
		    line[2] != ' ') {
			bank = NULL;
			for (i = 0; i < ARRAY_SIZE(names); i++)
				if (!strcmp(name, names[i]) && *count < 8)
					bank = &banks[(*count)++];
			if (!bank)
				break;
			memset(bank, 0, sizeof(*bank));
			for (i = 0; i < ARRAY_SIZE(names); i++)
				if (!strcmp(name, names[i]))
					bank->alg = algs[i];
		} else if (bank &&
			   /* tpm2-tools' own output; the index is
			      range-checked. */
			   /* NOLINTNEXTLINE(cert-err34-c) */
			   sscanf(line, " %u : 0x%150s", &pcr, value) == 2 &&
			   pcr < TCG_PCR_COUNT) {
			hex_to_bytes(value, bank->pcr[pcr],
				     TCG_MAX_DIGEST_SIZE);
			bank->listed |= 1U << pcr;
		}
	}
	return pclose(p) == 0 && *count ? 0 : -EIO;
}

/* Our replay of @path must equal tpm2_eventlog's, PCR by PCR. */
static void judge_replay(const struct real_log *l, const struct tcg_replay *r)
{
	struct judged_bank banks[8];
	const struct tcg_pcr_bank *ours;
	char desc[160], why[200] = "";
	u32 count = 0, i, pcr;

	snprintf(desc, sizeof(desc), "%s: replay agrees with tpm2_eventlog",
		 l->file);
	if (judge(data_path("eventlogs", l->file), banks, &count)) {
		report(false, desc,
		       "tpm2_eventlog failed (tpm2-tools missing? "
		       "run tests/deps.sh)");
		return;
	}
	if (count != r->bank_count)
		snprintf(why, sizeof(why), "%u banks, tpm2_eventlog has %u",
			 r->bank_count, count);
	for (i = 0; !why[0] && i < count; i++) {
		ours = xenmb_tcg_replay_bank(r, banks[i].alg);
		if (!ours || ours->status) {
			snprintf(why, sizeof(why), "no bank 0x%x",
				 banks[i].alg);
			break;
		}
		if (ours->extended != banks[i].listed)
			snprintf(why, sizeof(why),
				 "bank 0x%x: PCRs 0x%x extended, it lists 0x%x",
				 banks[i].alg, ours->extended, banks[i].listed);
		for (pcr = 0; !why[0] && pcr < TCG_PCR_COUNT; pcr++)
			if ((banks[i].listed & (1U << pcr)) &&
			    memcmp(ours->pcr[pcr], banks[i].pcr[pcr],
				   ours->size))
				snprintf(why, sizeof(why),
					 "bank 0x%x PCR %u differs",
					 banks[i].alg, pcr);
	}
	report(!why[0], desc, "%s", why);
}

/* ---- the real logs ----------------------------------------------------- */

static void run_real_log(const struct real_log *l)
{
	struct tcg_replay *r = malloc(sizeof(*r));
	struct tcg_log_iter it;
	struct tcg_event ev;
	char desc[160], msg[160];
	u32 events = 0;
	size_t len;
	u8 *buf;
	int ret;

	snprintf(desc, sizeof(desc), "%s parses to its end", l->file);
	buf = read_whole(data_path("eventlogs", l->file), &len);
	if (!buf || !r) {
		report(false, desc, "cannot read %s",
		       data_path("eventlogs", l->file));
		free(r);
		return;
	}
	ret = xenmb_tcg_log_open(&it, buf, (u32)len, TCG_LOG_AUTO, 0);
	if (!ret)
		while ((ret = xenmb_tcg_log_next(&it, &ev)) > 0)
			events++;
	report(ret == 0 && it.format == l->format && events == l->events &&
		   it.bank_count == l->banks && it.pos == len,
	       desc, "%d (%s) after %u records, format %u, %u banks", ret,
	       eventlog_strerror(&it, ret, msg, sizeof(msg)), events, it.format,
	       it.bank_count);

	xenmb_tcg_replay_init(r, 0);
	ret = eventlog_replay(buf, len, TCG_LOG_AUTO, 0, r, &it);
	snprintf(desc, sizeof(desc), "%s replays", l->file);
	report(!ret && r->events == l->events, desc, "%d: %s", ret,
	       eventlog_strerror(&it, ret, msg, sizeof(msg)));
	if (l->judged)
		judge_replay(l, r);
	free(r);
	free(buf);
}

/*
 * short_no_action_eventlog is 49 bytes: one complete SHA1-format record,
 * EV_NO_ACTION on PCR 0 with the 17-byte StartupLocality data (locality
 * 3). It is not truncated: it is a log whose first EV_NO_ACTION record is
 * not a Spec ID header, so it reads as a SHA1 log of one record, and its
 * replay starts PCR 0 at locality 3 and extends nothing.
 */
static void run_short_no_action(void)
{
	static const char *desc = "short_no_action_eventlog: one "
				  "StartupLocality record, PCR 0 = 00..03";
	struct tcg_replay *r = malloc(sizeof(*r));
	const struct tcg_pcr_bank *b;
	struct tcg_log_iter it;
	struct tcg_event ev;
	u8 want[20] = {0};
	u8 locality = 0;
	size_t len = 0;
	u8 *buf;
	bool ok;

	want[19] = 3;
	buf = read_whole(data_path("eventlogs", "short_no_action_eventlog"),
			 &len);
	if (!buf || !r) {
		report(false, desc, "cannot read the log");
		free(r);
		free(buf);
		return;
	}
	ok = len == 49 &&
	     !xenmb_tcg_log_open(&it, buf, (u32)len, TCG_LOG_AUTO, 0) &&
	     xenmb_tcg_log_next(&it, &ev) == 1 && ev.type == TCG_EV_NO_ACTION &&
	     xenmb_tcg_event_startup_locality(&ev, &locality) &&
	     locality == 3 && xenmb_tcg_log_next(&it, &ev) == 0;
	xenmb_tcg_replay_init(r, 0);
	ok = ok && !eventlog_replay(buf, len, TCG_LOG_AUTO, 0, r, &it);
	b = xenmb_tcg_replay_bank(r, TCG_ALG_SHA1);
	ok = ok && b && !b->extended && r->extends == 0 &&
	     !memcmp(b->pcr[0], want, 20) && r->startup_locality == 3;
	report(ok, desc, "parse or replay differs");
	free(r);
	free(buf);
}

/* Every *_eventlog of the directory is in real_logs[]. */
static void run_dir_covered(void)
{
	char path[4096];
	struct dirent *d;
	size_t n, i;
	DIR *dir;
	bool ok = true;
	char *missing = NULL;

	snprintf(path, sizeof(path), "%s/eventlogs", data_dir);
	dir = opendir(path);
	if (!dir) {
		report(false, "every shared log is tested", "cannot open %s",
		       path);
		return;
	}
	while ((d = readdir(dir))) {
		n = strlen(d->d_name);
		if (n < 9 || strcmp(d->d_name + n - 9, "_eventlog"))
			continue;
		for (i = 0; i < ARRAY_SIZE(real_logs); i++)
			if (!strcmp(d->d_name, real_logs[i].file))
				break;
		if (i == ARRAY_SIZE(real_logs) && !missing) {
			ok = false;
			missing = strdup(d->d_name);
		}
	}
	closedir(dir);
	report(ok, "every shared log is tested", "%s is not in real_logs[]",
	       missing ? missing : "");
	free(missing);
}

/* ---- attestations: Log.Raw replays to Log.PCRs ----------------------------
 */

static u8 *b64_decode(const char *s, size_t *len)
{
	size_t n = strlen(s), pad = 0;
	u8 *out = malloc(n / 4 * 3 + 3);
	int got;

	if (!out || n % 4)
		goto fail;
	got = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
	if (got < 0)
		goto fail;
	while (pad < 2 && n > pad && s[n - 1 - pad] == '=')
		pad++;
	*len = (size_t)got - pad;
	return out;
fail:
	free(out);
	return NULL;
}

/*
 * PCRs an attestation records that its firmware log cannot explain:
 * Linux's IMA extends PCR 10 from its own log.
 */
static bool outside_log(const char *file, u32 pcr)
{
	return !strcmp(file, "linux_tpm12.json") && pcr == 10;
}

static void run_attestation(const char *file)
{
	struct json_object *root, *log, *raw, *pcrs, *e, *v;
	struct tcg_replay *r = malloc(sizeof(*r));
	const struct tcg_pcr_bank *b;
	struct tcg_log_iter it;
	char desc[160], why[300], got[130], want_hex[130], msg[160];
	size_t raw_len = 0, dlen = 0, i, n;
	u8 *rawbuf = NULL, *digest;
	u32 pcr, alg_code;
	u16 alg;
	int ret;

	root = json_object_from_file(data_path("eventlogs", file));
	snprintf(desc, sizeof(desc), "%s: Log.Raw replays", file);
	if (!r || !root || !json_object_object_get_ex(root, "Log", &log) ||
	    !json_object_object_get_ex(log, "Raw", &raw) ||
	    !json_object_object_get_ex(log, "PCRs", &pcrs) ||
	    !(rawbuf = b64_decode(json_object_get_string(raw), &raw_len))) {
		report(false, desc, "cannot read Log.Raw and Log.PCRs");
		goto out;
	}
	/* An SRTM log of a boot without DRTM: PCR 17-22 stay all ones. */
	xenmb_tcg_replay_init(r, TCG_PCRS_DRTM);
	ret = eventlog_replay(rawbuf, raw_len, TCG_LOG_AUTO, 0, r, &it);
	if (!report(!ret && it.pos == raw_len, desc, "%d: %s", ret,
		    eventlog_strerror(&it, ret, msg, sizeof(msg))))
		goto out;

	n = json_object_array_length(pcrs);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(pcrs, i);
		pcr = json_object_object_get_ex(e, "Index", &v)
			  ? (u32)json_object_get_int(v)
			  : TCG_PCR_COUNT;
		alg_code = json_object_object_get_ex(e, "DigestAlg", &v)
			       ? (u32)json_object_get_int(v)
			       : 0;
		/* go-attestation's numbering: 3 SHA1, 4 SHA256. */
		alg = alg_code == 3   ? TCG_ALG_SHA1
		      : alg_code == 4 ? TCG_ALG_SHA256
				      : 0;
		snprintf(desc, sizeof(desc), "%s: PCR %u bank 0x%x", file, pcr,
			 alg);
		digest = json_object_object_get_ex(e, "Digest", &v)
			     ? b64_decode(json_object_get_string(v), &dlen)
			     : NULL;
		b = xenmb_tcg_replay_bank(r, alg);
		if (!digest || !b || pcr >= TCG_PCR_COUNT || dlen != b->size) {
			report(false, desc, "unusable entry");
			free(digest);
			continue;
		}
		hex(b->pcr[pcr], b->size, got);
		hex(digest, b->size, want_hex);
		snprintf(why, sizeof(why), "replay %s, recorded %s", got,
			 want_hex);
		if (outside_log(file, pcr)) {
			/* Nothing in the log, and not the starting value. */
			snprintf(desc + strlen(desc),
				 sizeof(desc) - strlen(desc),
				 " (IMA: not in this log)");
			report(!(b->extended & (1U << pcr)) &&
				   memcmp(b->pcr[pcr], digest, b->size),
			       desc, "%s", why);
		} else {
			report(!memcmp(b->pcr[pcr], digest, b->size), desc,
			       "%s", why);
		}
		free(digest);
	}
out:
	free(rawbuf);
	free(r);
	json_object_put(root);
}

/* ---- crafted logs ----------------------------------------------------- */

/* H(@a || @b) with OpenSSL directly: the expected values. */
static void ref_extend(const char *md, u8 *pcr, const u8 *digest, u32 size)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = 0;

	EVP_DigestInit_ex(ctx, EVP_get_digestbyname(md), NULL);
	EVP_DigestUpdate(ctx, pcr, size);
	EVP_DigestUpdate(ctx, digest, size);
	EVP_DigestFinal_ex(ctx, pcr, &len);
	EVP_MD_CTX_free(ctx);
}

static int replay_bytes(const u8 *bytes, size_t len, u32 format, u16 alg,
			struct tcg_replay *r, const struct tcg_hash_ops *ops)
{
	u8 *buf = dup_exact(bytes, len);
	struct tcg_log_iter it;
	int ret;

	ret = xenmb_tcg_log_open(&it, buf, (u32)len, format, alg);
	if (!ret)
		ret = xenmb_tcg_replay_log(r, &it, ops);
	free(buf);
	return ret;
}

#define REPLAY(r, ops, format, alg, ...)                                       \
	replay_bytes(TC_BYTES(__VA_ARGS__), format, alg, r, ops)

static bool pcr_is(const struct tcg_replay *r, u16 alg, u32 pcr, const u8 *want)
{
	const struct tcg_pcr_bank *b = xenmb_tcg_replay_bank(r, alg);

	return b && !b->status && !memcmp(b->pcr[pcr], want, b->size);
}

static void run_crafted_agile(struct tcg_replay *r)
{
	u8 p0_1[20] = {0}, p7_1[20] = {0}, p0_256[32] = {0}, p7_256[32] = {0};
	u8 d[32];
	int ret;

	memset(d, 0x11, 20);
	ref_extend("SHA1", p0_1, d, 20);
	memset(d, 0x44, 20);
	ref_extend("SHA1", p7_1, d, 20);
	memset(d, 0x22, 32);
	ref_extend("SHA256", p0_256, d, 32);
	memset(d, 0x33, 32);
	ref_extend("SHA256", p7_256, d, 32);

	xenmb_tcg_replay_init(r, 0);
	ret = REPLAY(r, &eventlog_openssl_hash, TCG_LOG_AUTO, 0, TC_HDR_1_256,
		     TC_AGILE_2);
	report(!ret && r->bank_count == 2 && r->events == 3 &&
		   r->extends == 2 && pcr_is(r, TCG_ALG_SHA1, 0, p0_1) &&
		   pcr_is(r, TCG_ALG_SHA1, 7, p7_1) &&
		   pcr_is(r, TCG_ALG_SHA256, 0, p0_256) &&
		   pcr_is(r, TCG_ALG_SHA256, 7, p7_256) &&
		   xenmb_tcg_replay_bank(r, TCG_ALG_SHA1)->extended == 0x81,
	       "agile log, two banks, digests in either order: replay",
	       "returned %d", ret);
}

static void run_crafted_locality(struct tcg_replay *r)
{
	u8 p0[32] = {0}, d[32];
	int ret;

	p0[31] = 3;
	memset(d, 0x22, 32);
	ref_extend("SHA256", p0, d, 32);
	xenmb_tcg_replay_init(r, 0);
	ret = REPLAY(r, &eventlog_openssl_hash, TCG_LOG_AGILE, 0,
		     TC_HDR(TC_SPEC_ID_DATA(1, TC_ALG(TCG_ALG_SHA256, 32), 0)),
		     TC_EV2(0, TCG_EV_NO_ACTION, 1), TC_SHA256(0),
		     TC_DATA(TC_STARTUP_LOCALITY_DATA(3)),
		     TC_EV2(0, TCG_EV_S_CRTM_VERSION, 1), TC_SHA256(0x22),
		     TC_DATA(0));
	report(!ret && r->startup_locality == 3 &&
		   pcr_is(r, TCG_ALG_SHA256, 0, p0),
	       "StartupLocality 3: PCR 0 starts at 00..03", "returned %d", ret);

	xenmb_tcg_replay_init(r, 0);
	ret = REPLAY(r, &eventlog_openssl_hash, TCG_LOG_SHA1, 0,
		     TC_EV1(0, TCG_EV_S_CRTM_VERSION, 1, 0),
		     TC_STARTUP_LOCALITY(3));
	report(ret == -EINVAL, "StartupLocality after an extend of PCR 0",
	       "returned %d", ret);

	xenmb_tcg_replay_init(r, 0);
	ret = REPLAY(r, &eventlog_openssl_hash, TCG_LOG_SHA1, 0,
		     TC_EV1(0xFFFFFFFF, TCG_EV_NO_ACTION, 0, 1),
		     TC_EV1(24, TCG_EV_POST_CODE, 1, 0));
	report(ret == -EINVAL && r->events == 2 && r->extends == 0,
	       "EV_NO_ACTION on PCR 0xFFFFFFFF is skipped, an extend of PCR "
	       "24 refused",
	       "returned %d", ret);
}

/* The per-bank logs of TXT element 7, one replay; PCR 17 from zero. */
static void run_crafted_banks(struct tcg_replay *r)
{
	u8 p17_1[20] = {0}, p17_384[48] = {0}, p18_1[20] = {0}, d[48];
	int ret, ret2;

	memset(d, 1, 20);
	ref_extend("SHA1", p17_1, d, 20);
	memset(d, 2, 20);
	ref_extend("SHA1", p18_1, d, 20);
	memset(d, 3, 48);
	ref_extend("SHA384", p17_384, d, 48);

	xenmb_tcg_replay_init(r, 0);
	ret =
	    REPLAY(r, &eventlog_openssl_hash, TCG_LOG_BANK, TCG_ALG_SHA1,
		   TC_EVB(17, 0x402, TC_X20(1)), TC_EVB(18, 0x404, TC_X20(2)));
	ret2 = REPLAY(r, &eventlog_openssl_hash, TCG_LOG_BANK, TCG_ALG_SHA384,
		      TC_BANK_HDR(3, 48), TC_EVB(17, 0x402, TC_X48(3)));
	report(!ret && !ret2 && r->bank_count == 2 &&
		   pcr_is(r, TCG_ALG_SHA1, 17, p17_1) &&
		   pcr_is(r, TCG_ALG_SHA1, 18, p18_1) &&
		   pcr_is(r, TCG_ALG_SHA384, 17, p17_384),
	       "TXT per-bank logs replay into one set of banks",
	       "returned %d %d", ret, ret2);
}

/* PCRs in the ones mask start all ones; the others zero. */
static void run_crafted_ones(struct tcg_replay *r)
{
	u8 p17[20], ones[20], zero[20] = {0}, d[20];
	int ret;

	memset(p17, 0xFF, 20);
	memset(ones, 0xFF, 20);
	memset(d, 9, 20);
	ref_extend("SHA1", p17, d, 20);
	xenmb_tcg_replay_init(r, TCG_PCRS_DRTM);
	ret = REPLAY(r, &eventlog_openssl_hash, TCG_LOG_SHA1, 0,
		     TC_EV1(17, 0x402, 9));
	report(!ret && pcr_is(r, TCG_ALG_SHA1, 17, p17) &&
		   pcr_is(r, TCG_ALG_SHA1, 18, ones) &&
		   pcr_is(r, TCG_ALG_SHA1, 16, zero) &&
		   pcr_is(r, TCG_ALG_SHA1, 23, zero),
	       "ones mask: PCR 17-22 start all ones", "returned %d", ret);
}

/* Hash ops that lack SHA256, or fail on update. */
static int fail_mode;

static void *odd_init(void *priv, u16 alg)
{
	if (fail_mode == 0 && alg == TCG_ALG_SHA256)
		return NULL;
	return eventlog_openssl_hash.init(priv, alg);
}

static int odd_update(void *ctx, const u8 *data, u32 len)
{
	if (fail_mode == 1)
		return -EIO;
	return eventlog_openssl_hash.update(ctx, data, len);
}

static void run_crafted_hash_errors(struct tcg_replay *r)
{
	static const struct tcg_hash_ops odd = {
	    .init = odd_init, .update = odd_update, .final = NULL};
	struct tcg_hash_ops ops = odd;
	const struct tcg_pcr_bank *b256;
	u8 p0_1[20] = {0}, d[20];
	int ret;

	ops.final = eventlog_openssl_hash.final;
	memset(d, 0x11, 20);
	ref_extend("SHA1", p0_1, d, 20);
	fail_mode = 0;
	xenmb_tcg_replay_init(r, 0);
	ret = REPLAY(r, &ops, TCG_LOG_AGILE, 0, TC_HDR_1_256, TC_AGILE_2);
	b256 = xenmb_tcg_replay_bank(r, TCG_ALG_SHA256);
	report(!ret && b256 && b256->status == -EOPNOTSUPP &&
		   pcr_is(r, TCG_ALG_SHA1, 0, p0_1),
	       "a bank the hash ops lack is marked, the others replay",
	       "returned %d", ret);

	fail_mode = 1;
	xenmb_tcg_replay_init(r, 0);
	ret = REPLAY(r, &ops, TCG_LOG_AGILE, 0, TC_HDR_1_256, TC_AGILE_2);
	report(ret == -EIO, "a hash error stops the replay", "returned %d",
	       ret);
}

/* The TPM 1.2 DRTM path: container header, then its SHA1 records. */
static void run_crafted_container(struct tcg_replay *r)
{
	static const u8 log[] = {
	    TC_CONTAINER(1, 0, 1, 0, 0x200, 48,
			 48 + TC_COUNT(TC_EV1(17, 0x402, 5, 'a', 'b'))),
	    TC_EV1(17, 0x402, 5, 'a', 'b'), TC_X32(0)};
	struct txt_log_ref ref = {.phys = 0x7F000000};
	u8 p17[20] = {0}, d[20];
	int ret;

	memset(d, 5, 20);
	ref_extend("SHA1", p17, d, 20);
	ret = xenmb_txt_event_container_parse(log, sizeof(log), &ref);
	xenmb_tcg_replay_init(r, 0);
	if (!ret)
		ret = replay_bytes(log + ref.first, ref.next - ref.first,
				   TCG_LOG_SHA1, 0, r, &eventlog_openssl_hash);
	report(!ret && r->events == 1 && pcr_is(r, TCG_ALG_SHA1, 17, p17),
	       "TXT 1.2 container: header, then its records replay",
	       "returned %d", ret);
}

static void run_helper_names(void)
{
	static const u8 cut[] = {TC_EV1(0, 1, 1, 'x'), 1, 2, 3};
	struct tcg_replay *r = malloc(sizeof(*r));
	struct tcg_log_iter it;
	char out[160];
	bool sm3;
	int ret;

	if (!r)
		exit(2);
	report(!strcmp(eventlog_type_name(0x4, out, sizeof(out)),
		       "EV_SEPARATOR") &&
		   !strcmp(eventlog_type_name(0x7FFF, out, sizeof(out)),
			   "0x00007fff") &&
		   !strcmp(eventlog_alg_name(TCG_ALG_SHA384, out, sizeof(out)),
			   "sha384") &&
		   !strcmp(eventlog_alg_name(0x27, out, sizeof(out)),
			   "alg_0x0027"),
	       "helper names of types and banks", "got %s", out);

	xenmb_tcg_replay_init(r, 0);
	ret = eventlog_replay(cut, sizeof(cut), TCG_LOG_AUTO, 0, r, &it);
	eventlog_strerror(&it, ret, out, sizeof(out));
	report(ret == -EINVAL &&
		   !strcmp(out, "record at offset 33: record runs past the "
				"end of the log"),
	       "helper error line of a cut log", "got \"%s\"", out);

	report(eventlog_alg_supported(TCG_ALG_SHA1) &&
		   eventlog_alg_supported(TCG_ALG_SHA256) &&
		   eventlog_alg_supported(TCG_ALG_SHA384) &&
		   eventlog_alg_supported(TCG_ALG_SHA512) &&
		   !eventlog_alg_supported(0x27),
	       "OpenSSL hashes SHA1, SHA256, SHA384, SHA512", "it does not");

	/* SM3 only if this OpenSSL has it; then its known answer. */
	sm3 = eventlog_alg_supported(TCG_ALG_SM3_256);
	if (sm3) {
		static const u8 abc_sm3[] = {
		    0x66, 0xc7, 0xf0, 0xf4, 0x62, 0xee, 0xed, 0xd9,
		    0xd1, 0xf2, 0xd4, 0x6b, 0xdc, 0x10, 0xe4, 0xe2,
		    0x41, 0x67, 0xc4, 0x87, 0x5c, 0xf2, 0xf7, 0xa2,
		    0x29, 0x7d, 0xa0, 0x2b, 0x8f, 0x4b, 0xa8, 0xe0};
		void *ctx = eventlog_openssl_hash.init(NULL, TCG_ALG_SM3_256);
		u8 md[32] = {0};

		sm3 = ctx &&
		      !eventlog_openssl_hash.update(ctx, (const u8 *)"abc", 3);
		if (ctx)
			sm3 = !eventlog_openssl_hash.final(ctx, md, 32) && sm3;
		report(sm3 && !memcmp(md, abc_sm3, 32), "SM3: known answer",
		       "differs");
	} else {
		report(true, "SM3: not in this OpenSSL, bank skipped", "%s",
		       "");
	}
	free(r);
}

/*
 * eventlog_openssl_hash keeps one context per bank: a second init() of a
 * bank before the first's final() must get a context of its own, and
 * every context must hash from scratch, whatever came before.
 */
static void run_hash_contexts(void)
{
	const struct tcg_hash_ops *ops = &eventlog_openssl_hash;
	u8 a[32] = {1}, b[32] = {2}, want_a[32], want_b[32], got_a[32],
	   got_b[32], got_1[20], want_1[20];
	void *ca, *cb, *c1;
	unsigned int len;
	int ret = 0;

	EVP_Digest(a, sizeof(a), want_a, &len, EVP_sha256(), NULL);
	EVP_Digest(b, sizeof(b), want_b, &len, EVP_sha256(), NULL);
	EVP_Digest(a, sizeof(a), want_1, &len, EVP_sha1(), NULL);

	ca = ops->init(ops->priv, TCG_ALG_SHA256);
	cb = ops->init(ops->priv, TCG_ALG_SHA256);
	c1 = ops->init(ops->priv, TCG_ALG_SHA1);
	if (!ca || !cb || !c1 || ca == cb) {
		report(false, "overlapping hash contexts of one bank",
		       "contexts %p %p %p", ca, cb, c1);
		return;
	}
	ret |= ops->update(cb, b, sizeof(b));
	ret |= ops->update(ca, a, sizeof(a));
	ret |= ops->update(c1, a, sizeof(a));
	ret |= ops->final(ca, got_a, sizeof(got_a));
	ret |= ops->final(cb, got_b, sizeof(got_b));
	ret |= ops->final(c1, got_1, sizeof(got_1));
	report(!ret && !memcmp(got_a, want_a, 32) &&
		   !memcmp(got_b, want_b, 32) && !memcmp(got_1, want_1, 20),
	       "overlapping hash contexts of one bank", "wrong digests");

	/* The kept context again, after a use left it finalized. */
	ca = ops->init(ops->priv, TCG_ALG_SHA256);
	ret = ca ? ops->update(ca, b, sizeof(b)) : -1;
	ret |= ca ? ops->final(ca, got_b, sizeof(got_b)) : -1;
	report(!ret && !memcmp(got_b, want_b, 32),
	       "a kept hash context starts from scratch", "wrong digest");
}

int main(void)
{
	struct tcg_replay *r = malloc(sizeof(*r));
	char logs[4096];
	unsigned int before, n;
	size_t i;

	if (!r)
		return 2;
	data_dir = shared_data_dir(logs, sizeof(logs));
	if (!data_dir) {
		skip_cases(SHARED_CASES,
			   "no real event logs: %s is not a directory "
			   "(XENMB_SHARED_DATA; see README, Tests)",
			   logs);
	} else {
		before = passed + failed;
		run_dir_covered();
		for (i = 0; i < ARRAY_SIZE(real_logs); i++)
			run_real_log(&real_logs[i]);
		run_short_no_action();
		run_attestation("windows_gcp_shielded_vm.json");
		run_attestation("linux_tpm12.json");
		n = passed + failed - before;
		report(n + 1 == SHARED_CASES,
		       "the shared data gives the cases skipped without it",
		       "%u cases, SHARED_CASES says %u", n + 1, SHARED_CASES);
	}

	run_crafted_agile(r);
	run_crafted_locality(r);
	run_crafted_banks(r);
	run_crafted_ones(r);
	run_crafted_hash_errors(r);
	run_crafted_container(r);
	run_hash_contexts();
	run_helper_names();
	free(r);
	return tally();
}
