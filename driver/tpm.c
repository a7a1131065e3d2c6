// SPDX-License-Identifier: GPL-2.0
/*
 * TPM command submission at a chosen locality, through the kernel's own TPM
 * driver: the chip's ops semaphore and mutex serialize us with every other
 * kernel user (IMA, hwrng, /dev/tpm0, /dev/tpmrm0), and the driver's
 * timeouts apply.
 */
#include <linux/device.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/pnp.h>
#include <linux/tpm.h>

#include "../uapi/linux/xenmb.h"
#include "policy.h"
#include "xenmb.h"

/* TIS / FIFO register layout (TCG PC Client PTP): 4 KiB per locality. */
#define TIS_LOCALITY_STRIDE		0x1000
#define TIS_ACCESS			0x0
#define TIS_ACCESS_ACTIVE_LOCALITY	0x20

/*
 * Linux 6.1's tpm_tis counts locality requests but only a request that
 * returns 0 (that is, for locality 0) is counted, so a granted locality N > 0
 * can never be released through chip->ops. We release it ourselves with the
 * one register write the TIS defines for it, through our own mapping of the
 * chip's memory window.
 */
static DEFINE_MUTEX(tis_window_lock);
static resource_size_t tis_window_start;
static void __iomem *tis_window;

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

/* Maps the TIS window of @chip for localities 0..3; false if impossible. */
static bool tis_window_map(struct tpm_chip *chip)
{
	struct resource *res = chip_mmio_resource(chip);
	resource_size_t need = TIS_LOCALITY_STRIDE * (XENMB_LOCALITY_MAX + 1);
	bool ok;

	if (!res || resource_size(res) < need)
		return false;

	mutex_lock(&tis_window_lock);
	if (tis_window && tis_window_start != res->start) {
		iounmap(tis_window);
		tis_window = NULL;
	}
	if (!tis_window) {
		tis_window = ioremap(res->start, need);
		tis_window_start = res->start;
	}
	ok = !!tis_window;
	mutex_unlock(&tis_window_lock);
	return ok;
}

static void tis_release_locality(u32 locality)
{
	mutex_lock(&tis_window_lock);
	if (tis_window)
		iowrite8(TIS_ACCESS_ACTIVE_LOCALITY,
			 tis_window + locality * TIS_LOCALITY_STRIDE +
			 TIS_ACCESS);
	mutex_unlock(&tis_window_lock);
}

/* Call with the chip's ops held (tpm_try_get_ops). */
static void describe_chip(struct tpm_chip *chip, struct xenmb_chip_info *info)
{
	info->family = chip->flags & TPM_CHIP_FLAG_TPM2 ?
		       XENMB_TPM_FAMILY_2_0 : XENMB_TPM_FAMILY_1_2;
	info->interface = chip_interface(chip);
	info->iface_localities = 0x1;
	if (info->interface == XENMB_IFACE_TIS && chip->ops->request_locality &&
	    chip->ops->relinquish_locality && tis_window_map(chip))
		info->iface_localities = 0xF;
	strscpy(info->name, dev_name(&chip->dev), sizeof(info->name));
}

void xenmb_tpm_describe(struct xenmb_chip_info *info)
{
	struct tpm_chip *chip = tpm_default_chip();

	memset(info, 0, sizeof(*info));
	if (!chip)
		return;
	if (!tpm_try_get_ops(chip)) {
		describe_chip(chip, info);
		tpm_put_ops(chip);
	}
	put_device(&chip->dev);
}

/*
 * tpm_try_get_ops() left the chip at locality 0. Trade it for @locality;
 * *counted says whether the driver counted the request (see tis_window).
 */
static int switch_locality(struct tpm_chip *chip, u32 locality, bool *counted)
{
	int rc;

	chip->ops->relinquish_locality(chip, chip->locality);
	chip->locality = -1;
	rc = chip->ops->request_locality(chip, locality);
	if (rc < 0) {
		rc = chip->ops->request_locality(chip, 0);
		chip->locality = rc < 0 ? -1 : 0;
		return -EBUSY;
	}
	*counted = rc == 0;
	chip->locality = locality;
	return 0;
}

/* Back to locality 0, the state tpm_put_ops() expects. */
static void restore_locality(struct tpm_chip *chip, u32 locality,
			     bool counted)
{
	int attempt, rc = -1;

	if (counted)
		chip->ops->relinquish_locality(chip, locality);
	else
		tis_release_locality(locality);

	for (attempt = 0; attempt < 2 && rc < 0; attempt++)
		rc = chip->ops->request_locality(chip, 0);
	if (rc < 0) {
		dev_err(&chip->dev, "xenmb: cannot return to locality 0\n");
		chip->locality = -1;
		return;
	}
	chip->locality = 0;
}

static int transmit(struct tpm_chip *chip, u32 family, u8 *buf,
		    struct xenmb_cmd_outcome *out)
{
	struct tpm_buf tb = xenmb_tpm_buf(buf);
	u16 cmd_tag = xenmb_get_be16(buf);
	u64 start;
	ssize_t rc;

	atomic64_inc(&xenmb_counters.commands);
	out->sent = true;
	start = ktime_get_ns();
	/* No description: a TPM error is the caller's to report, not dmesg's. */
	rc = tpm_transmit_cmd(chip, &tb, 0, NULL);
	out->duration_ns = ktime_get_ns() - start;

	if (rc == -ETIME) {
		atomic64_inc(&xenmb_counters.timeouts);
		return -ETIME;
	}
	if (rc < 0) {
		atomic64_inc(&xenmb_counters.io_errors);
		return -EIO;
	}
	/*
	 * tpm_transmit() checked the length field against what it read; a
	 * garbled tag or an error with a body is no answer to hand on.
	 */
	if (tpm_rsp_check_header(family, cmd_tag, buf,
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

int xenmb_tpm_submit(u8 *buf, u32 len, u32 locality, u32 policy,
		     struct xenmb_cmd_outcome *out)
{
	struct xenmb_policy_request req = {
		.policy = policy,
		.locality = locality,
		.cmd = buf,
		.cmd_len = len,
	};
	struct xenmb_chip_info info;
	struct tpm_chip *chip;
	bool counted = true;
	int ret;

	out->have_family = true;
	chip = tpm_default_chip();
	if (!chip)
		return -ENODEV;
	if (tpm_try_get_ops(chip)) {
		put_device(&chip->dev);
		return -ENODEV;
	}

	describe_chip(chip, &info);
	out->family = info.family;
	req.family = info.family;
	req.iface_localities = info.iface_localities;
	ret = xenmb_policy_check(&req, &out->hdr);
	out->have_header = len >= TPM_HEADER_LEN;
	if (ret)
		goto out_put;

	if (locality) {
		ret = switch_locality(chip, locality, &counted);
		if (ret)
			goto out_put;
	}
	ret = transmit(chip, info.family, buf, out);
	if (locality)
		restore_locality(chip, locality, counted);

out_put:
	tpm_put_ops(chip);
	put_device(&chip->dev);
	return ret;
}

void xenmb_tpm_exit(void)
{
	if (tis_window)
		iounmap(tis_window);
	tis_window = NULL;
}
