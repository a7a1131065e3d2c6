/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version conditional of xenmb.ko, in this one file.
 *
 * Supported, built with W=1 and sparse and run in QEMU by make check
 * (tests/kernels/): Debian 11's 5.10, Debian 12's 6.1 and Debian 12
 * backports' 6.12. Older kernels stop at the #error below.
 *
 * 4.19, the dom0 kernel of XenServer 8 and XCP-ng 8.x, is not supported:
 * Debian's archive has no 4.19 to test against, and none of the code below
 * was ever compiled for it. What it lacks, interface by interface:
 *  - tpm_default_chip(): not in 4.18, in 5.0.
 *  - tpm_transmit_cmd(chip, struct tpm_buf *, min_rsp_len, desc): 4.19 has
 *    the older (chip, space, buf, bufsiz, min_rsp_len, flags, desc) form; the
 *    tpm_buf form came with the 5.1 locking rework (tpm_chip_start() et al.),
 *    present in 5.3.
 *  - struct tpm_chip (ops, locality, tpm_mutex) is defined only in
 *    drivers/char/tpm/tpm.h, which no out-of-tree module can include from
 *    the headers package; it moved to include/linux/tpm.h in 5.1.
 *  - security_locked_down() and compat_ptr_ioctl(): not in 5.3, in 5.4;
 *    copy_struct_from_user(): in 5.4 too; sysfs_emit(): not in 5.8, in
 *    5.10 (5.10.0-46 builds with it).
 * (Checked against DepSurf's symbol tables of Ubuntu's 4.18, 5.0, 5.3,
 * 5.4, 5.8 and 5.11 builds and our own 5.10 build, except three items from
 * the upstream history that no tree here could confirm: the 5.1 for the
 * tpm_buf form and for the move of struct tpm_chip, and the 5.4 for the
 * inline copy_struct_from_user(). None was re-checked on a 4.19 tree.)
 *
 * A port would be a separate file (driver/tpm_419.c) rather than #ifdefs
 * in tpm.c, because the locking differs, not just the names: from 5.1 the
 * chip's mutex and locality are held from tpm_try_get_ops() to
 * tpm_put_ops(), while 4.19's tpm_transmit() takes tpm_mutex and the
 * locality per command (to be confirmed on a 4.19 tree). The locality
 * protocol of tpm.c needs its own design there, reviewed against 4.19's
 * tpm-interface.c and tpm_tis_core.c plus XenServer's patch queue, and a
 * 4.19 kernel (XenServer's or XCP-ng's own, unpacked and booted as
 * tests/kernels/ does Debian's) to run the QEMU scenarios on. The small
 * helpers (copy_struct_from_user, compat_ptr_ioctl, sysfs_emit, a lockdown
 * check that always answers "not locked down") would be wrapped here.
 */
#ifndef XENMB_KCOMPAT_H
#define XENMB_KCOMPAT_H

#include <linux/fs.h>
#include <linux/tpm.h>
#include <linux/types.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)
#error "xenmb needs Linux 5.10 or newer"
#endif

/*
 * no_llseek: a function before 6.0, a NULL define from 6.0 (lseek() fails
 * with -ESPIPE on any file without FMODE_LSEEK, which nonseekable_open()
 * clears), and gone in 6.12. NULL is what 6.12 wants; before 6.0 keep
 * no_llseek itself.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define XENMB_NO_LLSEEK NULL
#else
#define XENMB_NO_LLSEEK no_llseek
#endif

/*
 * A struct tpm_buf around a command already in @cmd (one page, header
 * included), for tpm_transmit_cmd(). 6.10 added .length (the bytes in use,
 * which tpm_buf_length() and the tpm_buf_append*() helpers maintain, and
 * which tpm_transmit_cmd() sets to the response length) and .handles: set
 * .length from the command's header, as tpm_buf_init() plus the appends
 * would have left it. Before 6.10 the header's length field is the only
 * length.
 */
static inline struct tpm_buf xenmb_tpm_buf(u8 *cmd)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
	return (struct tpm_buf) {
		.flags = 0,
		.length = be32_to_cpu(((struct tpm_header *)cmd)->length),
		.data = cmd,
		.handles = 0,
	};
#else
	return (struct tpm_buf) { .flags = 0, .data = cmd };
#endif
}

/*
 * Exported (GPL) by the TPM core with this signature in 5.10, 6.1 and 6.12,
 * but declared only in its private drivers/char/tpm/tpm.h. tpm.c uses it
 * so that its own FIFO waits at localities 1-3 are the driver's limits.
 */
unsigned long tpm_calc_ordinal_duration(struct tpm_chip *chip, u32 ordinal);

#endif /* XENMB_KCOMPAT_H */
