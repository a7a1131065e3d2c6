// SPDX-License-Identifier: GPL-2.0
/*
 * TPM command submission at a chosen locality, through the kernel's own TPM
 * driver: the chip's ops semaphore and mutex serialize us with every other
 * kernel user (IMA, hwrng, /dev/tpm0, /dev/tpmrm0), and the driver's
 * timeouts apply.
 */
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/sched/signal.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/pnp.h>
#include <linux/tpm.h>

#include "../uapi/linux/xenmb.h"
#include "policy.h"
#include "tis.h"
#include "tpm_handles.h"
#include "xenmb.h"

/*
 * Localities 1-3 are driven here, on the TIS FIFO registers (TCG PC Client
 * PTP), not through chip->ops->request_locality(). tpm_tis counts locality
 * requests, and how it counts is not stable (6.1 counts only a request
 * that returns 0, a pending upstream change counts every one): a request
 * or release it did not expect leaves every other user of the chip
 * without a granted locality. So tpm_tis's own state is never touched.
 * tpm_try_get_ops() excludes every other sender and leaves locality 0
 * active with tpm_tis's count at one; we trade it for locality N in the
 * hardware alone, and ask for locality 0 again before tpm_put_ops().
 * Should N not be granted, or 0 not come back, locality 0 is simply not
 * active while the count is one: tpm_put_ops() still releases it by its
 * count, and tpm_tis requests it afresh at its next command. The count
 * stays balanced whatever the TPM does.
 */

/* tpm_tis polls every millisecond; half that keeps our latency close. */
#define TIS_POLL_MIN_US			250
#define TIS_POLL_MAX_US			500

static DEFINE_MUTEX(tis_window_lock);
static resource_size_t tis_window_start;
static void __iomem *tis_window;
static bool tis_itpm;

static u32 chip_interface(struct tpm_chip *chip)
{
	struct device *parent = chip->dev.parent;

	if (!parent || !parent->driver)
		return XENMB_IFACE_OTHER;
	if (!strcmp(parent->driver->name, "tpm_tis"))
		return XENMB_IFACE_TIS;
	if (!strcmp(parent->driver->name, "tpm_crb"))
		return XENMB_IFACE_CRB;
	return XENMB_IFACE_OTHER;
}

static struct resource *chip_mmio_resource(struct tpm_chip *chip)
{
	struct device *parent = chip->dev.parent;

	if (dev_is_platform(parent))
		return platform_get_resource(to_platform_device(parent),
					     IORESOURCE_MEM, 0);
#ifdef CONFIG_PNP
	/* pnp_bus_type is not exported; its name is ABI (/sys/bus/pnp). */
	if (parent->bus && !strcmp(parent->bus->name, "pnp"))
		return pnp_get_resource(to_pnp_dev(parent), IORESOURCE_MEM, 0);
#endif
	return NULL;
}

/*
 * Maps the TIS window of @chip for localities 0..3; false if impossible.
 * The first chip's window stays mapped until the module unloads: another
 * thread may still be using it, so a chip at another address (a rebind
 * elsewhere) gets locality 0 only rather than an unmap under its feet.
 */
static bool tis_window_map(struct tpm_chip *chip)
{
	struct resource *res = chip_mmio_resource(chip);
	resource_size_t need = TIS_LOCALITY_STRIDE * (XENMB_LOCALITY_MAX + 1);
	bool ok;

	if (!res || resource_size(res) < need)
		return false;

	mutex_lock(&tis_window_lock);
	if (!tis_window) {
		tis_window = ioremap(res->start, need);
		tis_window_start = res->start;
		/* Intel's iTPM: tpm_tis skips its Expect check there too. */
		tis_itpm = tis_window &&
			   ioread16(tis_window + TIS_DID_VID) == TIS_VID_INTEL;
	}
	ok = tis_window && tis_window_start == res->start;
	mutex_unlock(&tis_window_lock);
	return ok;
}

/*
 * In IRQ mode tpm_tis's threaded interrupt handler runs outside tpm_mutex:
 * in 6.1, on a locality-change interrupt, it points the driver at
 * whichever locality is active (caught while we hold N, tpm_tis would go
 * on talking to N's registers), and it clears interrupts at the locality it
 * believes is active, a write the TPM ignores while N is (an interrupt
 * storm on a level-triggered line). Localities 1-3 are offered in polling
 * mode only (tpm_tis.interrupts=0, or a TPM without a working interrupt).
 */
static bool tis_irq_mode(void)
{
	return ioread32(tis_window + TIS_INT_ENABLE(0)) & TIS_INT_GLOBAL_ENABLE;
}

/*
 * Call with the chip's ops held (tpm_try_get_ops). @txt_open: the
 * localities above 0 TXT leaves to software, read before the ops were
 * taken (xenmb_txt_open_localities()); 0 for a locality-0 command, which
 * needs no probing above 0.
 */
static void describe_chip(struct tpm_chip *chip, struct xenmb_chip_info *info,
			  u32 txt_open)
{
	u32 l;

	info->family = chip->flags & TPM_CHIP_FLAG_TPM2 ?
		       XENMB_TPM_FAMILY_2_0 : XENMB_TPM_FAMILY_1_2;
	info->interface = chip_interface(chip);
	info->iface_localities = 0x1;
	if (txt_open && info->interface == XENMB_IFACE_TIS &&
	    tis_window_map(chip) && !tis_irq_mode())
		for (l = 1; l <= XENMB_LOCALITY_MAX; l++)
			if ((txt_open & BIT(l)) &&
			    tis_access_answers(ioread8(tis_window +
						       TIS_ACCESS(l))))
				info->iface_localities |= BIT(l);
	strscpy(info->name, dev_name(&chip->dev), sizeof(info->name));
}

void xenmb_tpm_describe(struct xenmb_chip_info *info)
{
	struct tpm_chip *chip = tpm_default_chip();
	u32 txt_open;

	memset(info, 0, sizeof(*info));
	if (!chip)
		return;
	/* TXT's registers are read without holding the chip's lock. */
	txt_open = xenmb_txt_open_localities();
	if (!tpm_try_get_ops(chip)) {
		describe_chip(chip, info, txt_open);
		tpm_put_ops(chip);
	}
	put_device(&chip->dev);
}

/*
 * Polls a TIS register until (value & @mask) == @want. -ETIME after
 * @timeout jiffies; -EINTR on a fatal signal when @killable (a dying
 * process should not wait out a slow TPM; the caller then cleans up).
 */
static int tis_wait(unsigned long reg, bool byte, u32 mask, u32 want,
		    unsigned long timeout, bool killable, u32 *value)
{
	unsigned long stop = jiffies + timeout;
	u32 v;

	for (;;) {
		v = byte ? ioread8(tis_window + reg) : ioread32(tis_window + reg);
		/* All ones: a locality not (or no longer) active; never a match. */
		if (v != (byte ? 0xFF : 0xFFFFFFFF) && (v & mask) == want)
			break;
		if (time_after(jiffies, stop))
			return -ETIME;
		if (killable && fatal_signal_pending(current))
			return -EINTR;
		usleep_range(TIS_POLL_MIN_US, TIS_POLL_MAX_US);
	}
	if (value)
		*value = v;
	return 0;
}

/*
 * Trades locality 0 for @l in the hardware; 0, -EBUSY or -EINTR.
 *
 * Hand-overs (here and in tis_leave_locality()) ask for the new locality
 * before releasing the old one. The TPM then switches only when it is
 * idle: a command still running at the old locality (one tpm_tis gave up
 * on, or ours) finishes or is aborted first, and the pending request is
 * granted after. Released first, no locality would be active while that
 * command runs; QEMU's TIS then grants the next request at once, and a
 * command sent there is given the old command's answer.
 */
static int tis_enter_locality(struct tpm_chip *chip, u32 l)
{
	int ret;

	iowrite8(TIS_ACCESS_REQUEST_USE, tis_window + TIS_ACCESS(l));
	iowrite8(TIS_ACCESS_ACTIVE, tis_window + TIS_ACCESS(0));
	ret = tis_wait(TIS_ACCESS(l), true, TIS_GRANTED, TIS_GRANTED,
		       chip->timeout_a, true, NULL);
	if (!ret) {
		/* beenSeized is sticky until written: clear an old seizure. */
		iowrite8(TIS_ACCESS_SEIZED, tis_window + TIS_ACCESS(l));
		return 0;
	}
	/*
	 * Not granted: a command tpm_tis timed out still runs at locality 0
	 * (under the chip's ops, no other can). commandReady at 0 aborts it,
	 * as tpm_tis itself does on a timeout, and makes 0 the locality the
	 * TPM keeps when it ends (QEMU remembers the last hand-over asked
	 * for, and would otherwise grant @l then, to nobody). Then withdraw
	 * the request for @l, or release @l if it was granted just now; only
	 * then does asking for 0 (active still, in the first case: a no-op)
	 * matter.
	 */
	iowrite8(TIS_STS_COMMAND_READY, tis_window + TIS_STS(0));
	iowrite8(TIS_ACCESS_ACTIVE, tis_window + TIS_ACCESS(l));
	iowrite8(TIS_ACCESS_REQUEST_USE, tis_window + TIS_ACCESS(0));
	return ret == -ETIME ? -EBUSY : ret;
}

/*
 * Idles and releases @l, asking for locality 0 first for tpm_tis. A
 * command that timed out is still running: commandReady aborts it, within
 * TIMEOUT_B by the spec (QEMU's TIS only when the command ends). Should it
 * run on, the TPM keeps @l until it ends and then grants the request for
 * 0, so there is no need to wait as long as the command may run, with
 * every other user of the chip blocked behind tpm_mutex. tpm_put_ops()
 * releases 0 by tpm_tis's count meanwhile (withdrawing the request), and
 * tpm_tis asks afresh at its next command.
 */
static void tis_leave_locality(struct tpm_chip *chip, u32 l)
{
	iowrite8(TIS_STS_COMMAND_READY, tis_window + TIS_STS(l));
	tis_wait(TIS_STS(l), true, TIS_STS_COMMAND_READY, TIS_STS_COMMAND_READY,
		 chip->timeout_b, false, NULL);
	iowrite8(TIS_ACCESS_REQUEST_USE, tis_window + TIS_ACCESS(0));
	iowrite8(TIS_ACCESS_ACTIVE, tis_window + TIS_ACCESS(l));
	if (tis_wait(TIS_ACCESS(0), true, TIS_GRANTED, TIS_GRANTED,
		     chip->timeout_a, false, NULL))
		dev_warn_ratelimited(&chip->dev,
				     "xenmb: locality 0 not granted back after locality %u (a command still runs)\n",
				     l);
}

/*
 * Waits for STS to show @need and a non-zero burst count, the TPM's "how
 * many bytes now" for FIFO transfers.
 */
static int tis_burst(struct tpm_chip *chip, u32 l, u32 need, bool killable,
		     u32 *burst)
{
	unsigned long stop = jiffies + chip->timeout_d;
	u32 sts;
	int ret;

	do {
		ret = tis_wait(TIS_STS(l), false, need, need, chip->timeout_c,
			       killable, &sts);
		if (ret)
			return ret;
		*burst = TIS_STS_BURST(sts);
		if (*burst)
			return 0;
		usleep_range(TIS_POLL_MIN_US, TIS_POLL_MAX_US);
	} while (!time_after(jiffies, stop));
	return -ETIME;
}

static int tis_send(struct tpm_chip *chip, u32 l, const u8 *buf, u32 len)
{
	u32 sent = 0, burst, sts;
	int ret;

	iowrite8(TIS_STS_COMMAND_READY, tis_window + TIS_STS(l));
	ret = tis_wait(TIS_STS(l), true, TIS_STS_COMMAND_READY,
		       TIS_STS_COMMAND_READY, chip->timeout_b, true, NULL);
	while (!ret && sent < len) {
		ret = tis_burst(chip, l, 0, true, &burst);
		if (ret)
			break;
		burst = min(burst, len - sent);
		while (burst--)
			iowrite8(buf[sent++], tis_window + TIS_DATA_FIFO(l));
		ret = tis_wait(TIS_STS(l), true, TIS_STS_VALID, TIS_STS_VALID,
			       chip->timeout_c, true, &sts);
		/* Expect stays set until the last byte, and only then clears. */
		if (!ret && !tis_itpm &&
		    (sent < len ? !(sts & TIS_STS_EXPECT) :
				  sts & TIS_STS_EXPECT))
			ret = -EIO;
	}
	if (!ret)
		iowrite8(TIS_STS_GO, tis_window + TIS_STS(l));
	return ret;
}

static int tis_read(struct tpm_chip *chip, u32 l, u8 *buf, u32 from, u32 to)
{
	u32 burst;
	int ret;

	while (from < to) {
		ret = tis_burst(chip, l, TIS_STS_VALID | TIS_STS_DATA_AVAIL,
				false, &burst);
		if (ret)
			return ret;
		burst = min(burst, to - from);
		while (burst--)
			buf[from++] = ioread8(tis_window + TIS_DATA_FIFO(l));
	}
	return 0;
}

/*
 * Reads the response into @buf (@size bytes) as its header sizes it. Not
 * killable: after tpmGo the command may have loaded something, and only
 * its answer says what, for the file's cleanup list.
 */
static int tis_recv(struct tpm_chip *chip, u32 l, u8 *buf, u32 size,
		    unsigned long duration)
{
	u32 len, sts;
	int ret;

	ret = tis_wait(TIS_STS(l), true, TIS_STS_VALID | TIS_STS_DATA_AVAIL,
		       TIS_STS_VALID | TIS_STS_DATA_AVAIL, duration, false, NULL);
	if (!ret)
		ret = tis_read(chip, l, buf, 0, TPM_HEADER_LEN);
	if (ret)
		return ret;
	len = xenmb_get_be32(buf + 2);
	if (len < TPM_HEADER_LEN || len > size)
		return -EIO;
	ret = tis_read(chip, l, buf, TPM_HEADER_LEN, len);
	if (!ret)
		ret = tis_wait(TIS_STS(l), true, TIS_STS_VALID, TIS_STS_VALID,
			       chip->timeout_c, false, &sts);
	/* More data than the header announced is no answer to hand on. */
	if (!ret && (sts & TIS_STS_DATA_AVAIL))
		ret = -EIO;
	return ret;
}

/*
 * One command at locality @l > 0, under the chip's ops; the response
 * replaces the command in @buf. Returns what tpm_transmit_cmd() would:
 * the response length, -ETIME, or another -errno (-EBUSY: not granted).
 */
static ssize_t tis_transmit_at(struct tpm_chip *chip, u32 l, u8 *buf,
			       u32 len)
{
	unsigned long duration;
	int ret;

	duration = tpm_calc_ordinal_duration(chip, xenmb_get_be32(buf + 6));
	ret = tis_enter_locality(chip, l);
	if (ret)
		return ret;
	ret = tis_send(chip, l, buf, len);
	if (!ret)
		ret = tis_recv(chip, l, buf, XENMB_TPM_BUF_MAX, duration);
	/* The answer counts only if @l was ours from start to end. */
	if (!ret && (ioread8(tis_window + TIS_ACCESS(l)) &
		     (TIS_GRANTED | TIS_ACCESS_SEIZED)) != TIS_GRANTED)
		ret = -EIO;
	tis_leave_locality(chip, l);
	/*
	 * Not "ret ?: length": the u32 length would make that expression
	 * unsigned, and a negative errno a large positive length.
	 */
	if (ret)
		return ret;
	return xenmb_get_be32(buf + 2);
}

static int transmit(struct tpm_chip *chip, u32 family, u32 locality,
		    u8 *buf, u32 len, struct xenmb_cmd_outcome *out)
{
	struct tpm_buf tb = xenmb_tpm_buf(buf);
	u16 cmd_tag = xenmb_get_be16(buf);
	u64 start;
	ssize_t rc;

	atomic64_inc(&xenmb_counters.commands);
	out->sent = true;
	start = ktime_get_ns();
	/* No description: a TPM error is the caller's to report, not dmesg's. */
	rc = locality ? tis_transmit_at(chip, locality, buf, len) :
			tpm_transmit_cmd(chip, &tb, 0, NULL);
	out->duration_ns = ktime_get_ns() - start;

	/*
	 * Both paths leave a response whose header length matches what was
	 * read (tpm_transmit_cmd returns 0 or the TPM's code, ours a length).
	 */
	if (rc >= 0)
		out->wire_len = xenmb_get_be32(buf + 2);
	if (rc == -ETIME) {
		atomic64_inc(&xenmb_counters.timeouts);
		return -ETIME;
	}
	/*
	 * EBUSY and EINTR mean the command was never sent only on our own
	 * path (a locality not granted, a wait for it cut short); tpm_tis's
	 * -EBUSY is a burst count that timed out mid-transfer, an I/O error.
	 */
	if (locality && (rc == -EBUSY || rc == -EINTR))
		return rc;
	if (rc < 0) {
		atomic64_inc(&xenmb_counters.io_errors);
		return -EIO;
	}
	/*
	 * tpm_transmit() or tis_recv() checked the length field against what
	 * was read; a garbled tag or an error with a body is no answer.
	 */
	if (xenmb_tpm_rsp_check_header(family, cmd_tag, buf,
				       xenmb_get_be32(buf + 2))) {
		dev_err_ratelimited(&chip->dev,
				    "xenmb: malformed TPM response header\n");
		atomic64_inc(&xenmb_counters.io_errors);
		return -EIO;
	}
	out->rsp_len = xenmb_get_be32(buf + 2);
	out->tpm_rc = xenmb_get_be32(buf + 6);
	out->tpm_answered = true;
	if (out->tpm_rc)
		atomic64_inc(&xenmb_counters.tpm_errors);
	return 0;
}

/* TPMA_CC (TPM 2.0 Library part 2): the vendor bit, V. */
#define TPMA_CC_VENDOR		BIT(29)

/*
 * The size of a TPM 2.0 command's handle area, from the command list the
 * TPM core read from the TPM at startup (TPM_CAP_COMMANDS); -1 if absent.
 */
static int tpm2_cmd_handles(struct tpm_chip *chip, u32 code)
{
	u32 i, attr;

	for (i = 0; chip->cc_attrs_tbl && i < chip->nr_commands; i++) {
		attr = chip->cc_attrs_tbl[i];
		if ((attr & 0xFFFF) == (code & 0xFFFF) &&
		    !(attr & TPMA_CC_VENDOR) == !(code & TPMA_CC_VENDOR))
			return (attr >> TPM2_CC_ATTR_CHANDLES) & 0x7;
	}
	return -1;
}

static void owned_forget(struct xenmb_owned *owned, u8 kind, u32 handle)
{
	u32 i;

	for (i = 0; i < owned->count; i++)
		if (owned->handle[i] == handle && owned->kind[i] == kind) {
			owned->count--;
			owned->handle[i] = owned->handle[owned->count];
			owned->kind[i] = owned->kind[owned->count];
			return;
		}
}

static void owned_note(struct tpm_chip *chip, struct xenmb_owned *owned,
		       u8 kind, u32 handle)
{
	owned_forget(owned, kind, handle);
	if (owned->count == XENMB_OWNED_MAX) {
		/* More than any TPM holds: someone else flushed ours. */
		dev_warn_ratelimited(&chip->dev,
				     "xenmb: handle 0x%08x not tracked: list full\n",
				     handle);
		return;
	}
	owned->handle[owned->count] = handle;
	owned->kind[owned->count++] = kind;
}

/* Applies what the command in @cmd did, now that @buf holds its answer. */
static void owned_update(struct tpm_chip *chip, struct xenmb_owned *owned,
			 const struct tpm_handle_plan *plan, const u8 *buf,
			 const struct xenmb_cmd_outcome *out)
{
	u32 i, created;

	for (i = 0; i < plan->n_ended; i++)
		owned_forget(owned, plan->ended_kind[i], plan->ended[i]);
	/* Even an answer dropped as malformed may have loaded something. */
	created = out->wire_len ? xenmb_tpm_handles_created(plan, buf, out->wire_len) : 0;
	if (created)
		owned_note(chip, owned, plan->creates, created);
}

/*
 * What tpm_try_get_ops() failing means for the caller. -EIO is its own:
 * the chip is going away. The rest come from tpm_chip_start(): tpm_tis's
 * locality-0 request not granted (-1, i.e. -EPERM, in 6.1), CRB's -ETIME:
 * the TPM is still busy, with a command someone gave up on or with
 * another locality. Anything else is a transport error.
 */
static int chip_start_errno(int ret)
{
	switch (ret) {
	case -EIO:
		return -ENODEV;
	case -EPERM:
	case -ETIME:
	case -ETIMEDOUT:
	case -EBUSY:
		return -EBUSY;
	default:
		return -EIO;
	}
}

int xenmb_tpm_submit(u8 *buf, u32 len, u32 locality, u32 policy,
		     struct xenmb_owned *owned, struct xenmb_cmd_outcome *out)
{
	struct xenmb_policy_request req = {
		.policy = policy,
		.locality = locality,
		.cmd = buf,
		.cmd_len = len,
		.nv_allow = xenmb_nv_allow,
		.nv_allow_count = xenmb_nv_allow_count,
	};
	struct tpm_handle_plan plan;
	struct xenmb_chip_info info;
	struct tpm_chip *chip;
	u32 txt_open;
	int ret;

	out->have_family = true;
	chip = tpm_default_chip();
	if (!chip)
		return -ENODEV;
	txt_open = locality ? xenmb_txt_open_localities() : 0;
	ret = tpm_try_get_ops(chip);
	if (ret) {
		put_device(&chip->dev);
		return chip_start_errno(ret);
	}

	describe_chip(chip, &info, txt_open);
	out->family = info.family;
	req.family = info.family;
	req.iface_localities = info.iface_localities;
	ret = xenmb_policy_check(&req, &out->hdr);
	out->have_header = len >= TPM_HEADER_LEN;
	if (ret)
		goto out_put;

	/* Read before the answer overwrites the command; malformed: no plan. */
	if (xenmb_tpm_handles_plan(info.family, buf, len,
				   info.family == XENMB_TPM_FAMILY_2_0 ?
				   tpm2_cmd_handles(chip, out->hdr.code) : -1, &plan))
		memset(&plan, 0, sizeof(plan));
	ret = transmit(chip, info.family, locality, buf, len, out);
	if (owned)
		owned_update(chip, owned, &plan, buf, out);

out_put:
	tpm_put_ops(chip);
	put_device(&chip->dev);
	return ret;
}

void xenmb_tpm_flush_owned(struct xenmb_owned *owned)
{
	struct xenmb_cmd_outcome out;
	u8 *buf;
	u32 i, len;

	if (!owned->count)
		return;
	buf = (u8 *)__get_free_page(GFP_KERNEL);
	if (!buf)
		return;
	for (i = 0; i < owned->count; i++) {
		memset(&out, 0, sizeof(out));
		len = xenmb_tpm_handles_flush_cmd(owned->kind[i], owned->handle[i],
						  buf);
		out.have_locality = true;
		out.len = len;
		/* Undoing the file's own work passes whatever the policy. */
		out.err = xenmb_tpm_submit(buf, len, 0, XENMB_POLICY_DEFAULT,
					   NULL, &out);
		xenmb_audit_cmd(&out);
	}
	owned->count = 0;
	free_page((unsigned long)buf);
}

void xenmb_tpm_exit(void)
{
	if (tis_window)
		iounmap(tis_window);
	tis_window = NULL;
}
