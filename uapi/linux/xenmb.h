/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * xenmb: measured-boot and attestation access for a Xen dom0.
 *
 * This header is the whole contract between /dev/xenmb and user space.
 *
 * Every ioctl argument starts with two __u32 fields:
 *
 *   size   the size of the structure as the caller knows it. The driver
 *          accepts any size from the first published layout (the *_SIZE_VER0
 *          constants) upwards; bytes the driver does not know must be zero
 *          (-E2BIG otherwise), so structures can grow at their end without
 *          breaking old callers or old drivers.
 *   flags  must be zero unless a flag is defined for that ioctl (-EINVAL).
 *
 * Every field named reserved* must be zero on input (-EINVAL) and is zero
 * on output.
 *
 * Errors, in the order the driver checks them, for XENMB_IOC_TPM_CMD:
 *
 *   EFAULT      an argument or buffer pointer cannot be read or written
 *   EINVAL      bad size, unknown flag, non-zero reserved field,
 *               locality above 4, command length outside 10..4096 bytes,
 *               TPM header length differing from cmd_len, or a tag that is
 *               not a request tag of the chip's TPM family
 *   E2BIG       size larger than the driver knows with non-zero extra bytes
 *   EPERM       caller lacks CAP_SYS_ADMIN, or locality 4 was asked for
 *               (locality 4 is reserved to the hardware, e.g. the DRTM)
 *   ENOSPC      rsp_size below XENMB_TPM_BUF_MAX (checked before the TPM
 *               sees the command, so a response is never cut short)
 *   ENODEV      no TPM chip, or the chip went away
 *   EOPNOTSUPP  locality above 0 on an interface that cannot change
 *               locality (CRB in Linux 6.1, or a TIS not mapped in memory)
 *   EACCES      the policy does not allow this command at this locality
 *   EBUSY       the TPM did not grant the requested locality
 *   ETIME       the TPM did not answer in time; the chip remains usable
 *   EIO         the transport to the TPM failed or the response was bad
 *
 * On success (return 0) the TPM answered: rsp_len bytes were written and
 * tpm_rc holds the TPM's return code, which may itself be an error.
 *
 * Policy: see XENMB_POLICY_* below and the README.
 */
#ifndef _UAPI_LINUX_XENMB_H
#define _UAPI_LINUX_XENMB_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define XENMB_DEVICE_NAME	"xenmb"
#define XENMB_ABI_VERSION	1

/* Unused in Documentation/userspace-api/ioctl/ioctl-number.rst. */
#define XENMB_IOC_MAGIC		0xB8

/* TPM command and response size limits (bytes), as Linux's TPM_BUFSIZE. */
#define XENMB_TPM_CMD_MIN	10
#define XENMB_TPM_BUF_MAX	4096

/* Localities: 0..3 may be asked for; 4 is the hardware's (DRTM). */
#define XENMB_LOCALITY_MAX	3
#define XENMB_LOCALITY_HW	4

/* struct xenmb_info.tpm_family */
#define XENMB_TPM_FAMILY_NONE	0
#define XENMB_TPM_FAMILY_1_2	1
#define XENMB_TPM_FAMILY_2_0	2

/* struct xenmb_info.interface */
#define XENMB_IFACE_NONE	0	/* no TPM chip */
#define XENMB_IFACE_TIS		1	/* TIS / FIFO, memory mapped */
#define XENMB_IFACE_CRB		2	/* Command Response Buffer */
#define XENMB_IFACE_OTHER	3	/* SPI, I2C, virtual ... */

/*
 * struct xenmb_info.policy: how strict the module's policy is. It is set by
 * the module parameter "policy" and can only be made stricter at run time.
 *
 * DEFAULT        locality 0: any command. Localities 1-3: only
 *                PCR extend / event / reset of PCR 16-23, PCR read, NV read
 *                and write, NV read-public, GetCapability, GetRandom.
 * LOCALITY0      as DEFAULT, but every locality above 0 is refused.
 * READ_ONLY      as LOCALITY0, and only commands that change no TPM state
 *                (PCR read, NV read, NV read-public, GetCapability,
 *                GetRandom) are allowed.
 */
#define XENMB_POLICY_DEFAULT	0
#define XENMB_POLICY_LOCALITY0	1
#define XENMB_POLICY_READ_ONLY	2

/**
 * struct xenmb_info - what /dev/xenmb and its TPM are
 * @size:        in: sizeof(struct xenmb_info) as the caller knows it
 * @flags:       in: must be 0
 * @abi_version: out: XENMB_ABI_VERSION of the driver
 * @tpm_family:  out: XENMB_TPM_FAMILY_*
 * @interface:   out: XENMB_IFACE_*
 * @localities:  out: bit N set when locality N can be used now (policy and
 *               interface both allow it)
 * @policy:      out: XENMB_POLICY_* in force
 * @reserved0:   must be 0
 * @chip_name:   out: the kernel's name of the chip ("tpm0"), NUL terminated
 * @commands:    out: commands handed to the TPM since the module loaded
 * @denials:     out: commands refused before reaching the TPM
 * @tpm_errors:  out: commands the TPM answered with a non-zero return code
 * @timeouts:    out: commands the TPM did not answer in time
 * @io_errors:   out: other transport failures
 * @reserved:    must be 0
 */
struct xenmb_info {
	__u32 size;
	__u32 flags;
	__u32 abi_version;
	__u32 tpm_family;
	__u32 interface;
	__u32 localities;
	__u32 policy;
	__u32 reserved0;
	char chip_name[32];
	__u64 commands;
	__u64 denials;
	__u64 tpm_errors;
	__u64 timeouts;
	__u64 io_errors;
	__u64 reserved[8];
};

#define XENMB_INFO_SIZE_VER0	168

/**
 * struct xenmb_tpm_cmd - one TPM command at a chosen locality
 * @size:        in: sizeof(struct xenmb_tpm_cmd) as the caller knows it
 * @flags:       in: must be 0
 * @locality:    in: 0..3
 * @cmd_len:     in: bytes at @cmd_ptr; must equal the header's length field
 * @cmd_ptr:     in: user address of the command
 * @rsp_ptr:     in: user address of the response buffer
 * @rsp_size:    in: bytes at @rsp_ptr, at least XENMB_TPM_BUF_MAX
 * @rsp_len:     out: bytes of response written
 * @tpm_rc:      out: the response header's return code
 * @reserved0:   must be 0
 * @duration_ns: out: time from submission to the TPM's answer
 * @reserved:    must be 0
 */
struct xenmb_tpm_cmd {
	__u32 size;
	__u32 flags;
	__u32 locality;
	__u32 cmd_len;
	__u64 cmd_ptr;
	__u64 rsp_ptr;
	__u32 rsp_size;
	__u32 rsp_len;
	__u32 tpm_rc;
	__u32 reserved0;
	__u64 duration_ns;
	__u64 reserved[4];
};

#define XENMB_TPM_CMD_SIZE_VER0	88

#define XENMB_IOC_INFO		_IOWR(XENMB_IOC_MAGIC, 0x00, struct xenmb_info)
#define XENMB_IOC_TPM_CMD	_IOWR(XENMB_IOC_MAGIC, 0x01, struct xenmb_tpm_cmd)

#endif /* _UAPI_LINUX_XENMB_H */
