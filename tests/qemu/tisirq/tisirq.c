// SPDX-License-Identifier: GPL-2.0
/*
 * TEST ONLY, never shipped: sets or clears TPM_GLOBAL_INT_ENABLE in the TIS
 * INT_ENABLE register of locality 0, under the chip's ops (so tpm_tis holds
 * locality 0 and QEMU accepts the write), and nothing else.
 *
 * Why: Debian's 6.1 tpm_tis never reaches IRQ mode (nothing in
 * tpm_tis_core.c sets TPM_CHIP_FLAG_IRQ, so the probe always ends with
 * "TPM interrupt not working, polling instead"). The register state is what
 * xenmb checks to refuse localities 1-3 in IRQ mode; this module gives the
 * test that state. No interrupt source bit is set, so QEMU raises no IRQ
 * and tpm_tis keeps polling.
 *
 *   insmod tisirq.ko on=1    then rmmod tisirq; insmod tisirq.ko on=0
 *   insmod tisirq.ko dump=1  only prints ACCESS(0..4) and STS(0..4), touching
 *                            nothing (no ops, no locality), then fails the
 *                            load on purpose (-EAGAIN) so it can run again
 *   insmod tisirq.ko hold=N  (1-3) takes locality N from tpm_tis's locality
 *                            0 under the chip's ops, and keeps it until
 *                            rmmod: the TPM then grants locality 0 to
 *                            nobody, as while another agent (an ACM, a
 *                            hung command) holds the TPM
 */
#include <linux/io.h>
#include <linux/module.h>
#include <linux/tpm.h>

#define TIS_BASE		0xFED40000UL
#define TIS_INT_ENABLE0		0x08
#define TIS_GLOBAL_INT_ENABLE	BIT(31)

static bool on = true;
module_param(on, bool, 0444);
static bool dump;
module_param(dump, bool, 0444);
static int hold;
module_param(hold, int, 0444);
static void __iomem *held;

static void tisirq_dump(void __iomem *w)
{
	int l;

	for (l = 0; l <= 4; l++)
		pr_info("tisirq: locality %d ACCESS 0x%02x STS 0x%08x\n", l,
			ioread8(w + l * 0x1000), ioread32(w + l * 0x1000 + 0x18));
}

static int __init tisirq_init(void)
{
	struct tpm_chip *chip = tpm_default_chip();
	void __iomem *w;
	u32 v;
	int ret = 0;

	if (!chip)
		return -ENODEV;
	w = ioremap(TIS_BASE, dump || hold ? 0x5000 : 0x1000);
	if (!w) {
		put_device(&chip->dev);
		return -ENOMEM;
	}
	if (dump) {
		tisirq_dump(w);
		ret = -EAGAIN;
		goto out;
	}
	if (tpm_try_get_ops(chip)) {
		ret = -EBUSY;
		goto out;
	}
	if (hold >= 1 && hold <= 3) {
		iowrite8(0x02, w + hold * 0x1000);	/* requestUse */
		iowrite8(0x20, w);			/* release 0 */
		pr_info("tisirq: hold %d: ACCESS 0x%02x\n", hold,
			ioread8(w + hold * 0x1000));
		tpm_put_ops(chip);
		held = w;
		put_device(&chip->dev);
		return 0;
	}
	v = ioread32(w + TIS_INT_ENABLE0);
	iowrite32(on ? v | TIS_GLOBAL_INT_ENABLE : v & ~TIS_GLOBAL_INT_ENABLE,
		  w + TIS_INT_ENABLE0);
	pr_info("tisirq: INT_ENABLE(0) 0x%08x -> 0x%08x\n", v,
		ioread32(w + TIS_INT_ENABLE0));
	tpm_put_ops(chip);
out:
	iounmap(w);
	put_device(&chip->dev);
	return ret;
}

static void __exit tisirq_exit(void)
{
	if (!held)
		return;
	iowrite8(0x20, held + hold * 0x1000);		/* release N */
	pr_info("tisirq: hold %d released: ACCESS 0x%02x\n", hold,
		ioread8(held + hold * 0x1000));
	iounmap(held);
}

module_init(tisirq_init);
module_exit(tisirq_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TEST ONLY: TIS INT_ENABLE(0) global bit for xenmb's tests");
