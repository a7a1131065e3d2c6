// SPDX-License-Identifier: GPL-2.0
/*
 * xenmb: the /dev/xenmb misc device and its ioctls.
 *
 * The ABI is uapi/linux/xenmb.h; this file checks every field a caller
 * hands in before anything else runs.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "../uapi/linux/xenmb.h"
#include "policy.h"
#include "xenmb.h"

struct xenmb_counters xenmb_counters;

static u32 xenmb_policy = XENMB_POLICY_DEFAULT;

/* The policy can be made stricter at run time, never looser. */
static int policy_param_set(const char *val, const struct kernel_param *kp)
{
	int level = xenmb_policy_parse(val);

	if (level < 0)
		return -EINVAL;
	if ((u32)level < READ_ONCE(xenmb_policy))
		return -EPERM;
	WRITE_ONCE(xenmb_policy, level);
	return 0;
}

static int policy_param_get(char *buffer, const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%s\n",
			  xenmb_policy_name(READ_ONCE(xenmb_policy)));
}

static const struct kernel_param_ops policy_param_ops = {
	.set = policy_param_set,
	.get = policy_param_get,
};

module_param_cb(policy, &policy_param_ops, NULL, 0644);
MODULE_PARM_DESC(policy,
		 "default | locality0 | read-only; can only be made stricter");

/*
 * NV indices that commands at localities 1-3 may read or write; none by
 * default, as no shipped flow needs one (the asset tag is set and read at
 * locality 0; SINIT reads it at launch, before Linux runs). Fixed at load:
 * see policy.c for why the TPM's own locality checks do not suffice.
 */
u32 xenmb_nv_allow[XENMB_NV_ALLOW_MAX];
unsigned int xenmb_nv_allow_count;
module_param_array_named(nv_allow, xenmb_nv_allow, uint,
			 &xenmb_nv_allow_count, 0400);
MODULE_PARM_DESC(nv_allow,
		 "NV indices (up to 8) open to NV reads and writes at localities 1-3; none by default");

/*
 * Reads an extensible ioctl argument: the caller's size must cover the
 * first published layout, and bytes past what this driver knows must be 0.
 */
static int copy_arg_from_user(void *karg, size_t ksize, size_t min_size,
			      const void __user *uarg, u32 *usize)
{
	if (get_user(*usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (*usize < min_size || *usize > PAGE_SIZE)
		return -EINVAL;
	return copy_struct_from_user(karg, ksize, uarg, *usize);
}

static long xenmb_ioctl_info(void __user *uarg)
{
	struct xenmb_chip_info chip;
	struct xenmb_info info;
	u32 usize, policy;
	int ret;

	ret = copy_arg_from_user(&info, sizeof(info), XENMB_INFO_SIZE_VER0,
				 uarg, &usize);
	if (ret)
		return ret;
	if (info.flags || info.reserved0 ||
	    memchr_inv(info.reserved, 0, sizeof(info.reserved)))
		return -EINVAL;
	/* Describing the chip takes its ops and reads its registers. */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	xenmb_tpm_describe(&chip);
	policy = READ_ONCE(xenmb_policy);
	memset(&info, 0, sizeof(info));
	info.size = min_t(u32, usize, sizeof(info));
	info.abi_version = XENMB_ABI_VERSION;
	info.tpm_family = chip.family;
	info.interface = chip.family ? chip.interface : XENMB_IFACE_NONE;
	info.localities = chip.family ?
			  chip.iface_localities & xenmb_policy_localities(policy) :
			  0;
	info.policy = policy;
	strscpy(info.chip_name, chip.name, sizeof(info.chip_name));
	info.commands = atomic64_read(&xenmb_counters.commands);
	info.denials = atomic64_read(&xenmb_counters.denials);
	info.tpm_errors = atomic64_read(&xenmb_counters.tpm_errors);
	info.timeouts = atomic64_read(&xenmb_counters.timeouts);
	info.io_errors = atomic64_read(&xenmb_counters.io_errors);

	if (copy_to_user(uarg, &info, info.size))
		return -EFAULT;
	return 0;
}

static int tpm_cmd(struct xenmb_owned *owned, void __user *uarg,
		   struct xenmb_cmd_outcome *out)
{
	struct xenmb_tpm_cmd arg;
	u8 *buf;
	u32 usize;
	int ret;

	ret = copy_arg_from_user(&arg, sizeof(arg), XENMB_TPM_CMD_SIZE_VER0,
				 uarg, &usize);
	if (ret)
		return ret;
	out->have_locality = true;
	out->locality = arg.locality;
	out->len = arg.cmd_len;
	if (arg.flags || arg.reserved0 ||
	    memchr_inv(arg.reserved, 0, sizeof(arg.reserved)))
		return -EINVAL;
	if (arg.locality > XENMB_LOCALITY_HW ||
	    arg.cmd_len < XENMB_TPM_CMD_MIN || arg.cmd_len > XENMB_TPM_BUF_MAX)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (arg.rsp_size < XENMB_TPM_BUF_MAX)
		return -ENOSPC;

	/* tpm_transmit_cmd() wants a whole page: the response may be 4 KiB. */
	buf = (u8 *)__get_free_page(GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, u64_to_user_ptr(arg.cmd_ptr), arg.cmd_len)) {
		ret = -EFAULT;
		goto out_free;
	}

	mutex_lock(&owned->lock);
	ret = xenmb_tpm_submit(buf, arg.cmd_len, arg.locality,
			       READ_ONCE(xenmb_policy), owned, out);
	mutex_unlock(&owned->lock);
	if (ret)
		goto out_free;

	if (copy_to_user(u64_to_user_ptr(arg.rsp_ptr), buf, out->rsp_len)) {
		ret = -EFAULT;
		goto out_free;
	}
	arg.rsp_len = out->rsp_len;
	arg.tpm_rc = out->tpm_rc;
	arg.duration_ns = out->duration_ns;
	if (copy_to_user(uarg, &arg, min_t(u32, usize, sizeof(arg))))
		ret = -EFAULT;

out_free:
	/* The page held the command and the response: both may be secret. */
	memzero_explicit(buf, PAGE_SIZE);
	free_page((unsigned long)buf);
	return ret;
}

static long xenmb_ioctl_tpm_cmd(struct xenmb_owned *owned, void __user *uarg)
{
	struct xenmb_cmd_outcome out = { 0 };

	out.err = tpm_cmd(owned, uarg, &out);
	if (out.err && !out.sent)
		atomic64_inc(&xenmb_counters.denials);
	xenmb_audit_cmd(&out);
	return out.err;
}

static long xenmb_ioctl_txt_info(void __user *uarg)
{
	struct xenmb_txt_info info;
	u32 usize;
	int ret;

	ret = copy_arg_from_user(&info, sizeof(info), XENMB_TXT_INFO_SIZE_VER0,
				 uarg, &usize);
	if (ret)
		return ret;
	if (info.flags || memchr_inv(info.reserved, 0, sizeof(info.reserved)))
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	memset(&info, 0, sizeof(info));
	ret = xenmb_txt_info(&info);
	if (ret)
		return ret;
	info.size = min_t(u32, usize, sizeof(info));
	if (copy_to_user(uarg, &info, info.size))
		return -EFAULT;
	return 0;
}

static long xenmb_ioctl_txt_read(void __user *uarg)
{
	struct xenmb_txt_read arg;
	u32 usize;
	int ret;

	ret = copy_arg_from_user(&arg, sizeof(arg), XENMB_TXT_READ_SIZE_VER0,
				 uarg, &usize);
	if (ret)
		return ret;
	if (arg.flags || memchr_inv(arg.reserved, 0, sizeof(arg.reserved)) ||
	    arg.buf_len > XENMB_TXT_READ_MAX ||
	    (arg.region != XENMB_TXT_REGION_HEAP &&
	     arg.region != XENMB_TXT_REGION_LOG) ||
	    (arg.region == XENMB_TXT_REGION_HEAP && arg.index))
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	ret = xenmb_txt_read(&arg);
	if (ret)
		return ret;
	if (copy_to_user(uarg, &arg, min_t(u32, usize, sizeof(arg))))
		return -EFAULT;
	return 0;
}

/* Dispatch on the number only: the size field, not _IOC_SIZE, versions. */
static long xenmb_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	if (_IOC_TYPE(cmd) != XENMB_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;

	switch (_IOC_NR(cmd)) {
	case _IOC_NR(XENMB_IOC_INFO):
		return xenmb_ioctl_info(uarg);
	case _IOC_NR(XENMB_IOC_TPM_CMD):
		return xenmb_ioctl_tpm_cmd(file->private_data, uarg);
	case _IOC_NR(XENMB_IOC_TXT_INFO):
		return xenmb_ioctl_txt_info(uarg);
	case _IOC_NR(XENMB_IOC_TXT_READ):
		return xenmb_ioctl_txt_read(uarg);
	default:
		return -ENOTTY;
	}
}

static int xenmb_open(struct inode *inode, struct file *file)
{
	struct xenmb_owned *owned = kzalloc(sizeof(*owned), GFP_KERNEL);

	if (!owned)
		return -ENOMEM;
	mutex_init(&owned->lock);
	file->private_data = owned;
	return nonseekable_open(inode, file);
}

/* A close, or the process dying: flush what this file left loaded. */
static int xenmb_release(struct inode *inode, struct file *file)
{
	struct xenmb_owned *owned = file->private_data;

	xenmb_tpm_flush_owned(owned);
	mutex_destroy(&owned->lock);
	kfree(owned);
	return 0;
}

static const struct file_operations xenmb_fops = {
	.owner = THIS_MODULE,
	.open = xenmb_open,
	.release = xenmb_release,
	.unlocked_ioctl = xenmb_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = XENMB_NO_LLSEEK,
};

static struct miscdevice xenmb_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = XENMB_DEVICE_NAME,
	.fops = &xenmb_fops,
	.mode = 0600,
};

static int __init xenmb_init(void)
{
	int ret;

	BUILD_BUG_ON(sizeof(struct xenmb_info) != XENMB_INFO_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct xenmb_tpm_cmd) != XENMB_TPM_CMD_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct xenmb_txt_info) != XENMB_TXT_INFO_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct xenmb_txt_read) != XENMB_TXT_READ_SIZE_VER0);

	xenmb_audit_init();
	ret = xenmb_physmem_init();
	if (ret)
		return ret;
	ret = misc_register(&xenmb_misc);
	if (ret)
		xenmb_physmem_exit();
	return ret;
}

static void __exit xenmb_exit(void)
{
	misc_deregister(&xenmb_misc);
	xenmb_tpm_exit();
	xenmb_physmem_exit();
	xenmb_audit_exit();
}

module_init(xenmb_init);
module_exit(xenmb_exit);

MODULE_DESCRIPTION("Measured boot and attestation access for a Xen dom0");
MODULE_AUTHOR("The xenmb developers");
MODULE_LICENSE("GPL");
