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
 *               locality (CRB in Linux 6.1, a TIS not mapped in memory,
 *               a locality whose ACCESS register does not read valid, a
 *               locality 1 or 2 that TXT.STS does not show open where TXT
 *               is present, or a TIS whose driver runs in IRQ mode)
 *   EACCES      the policy does not allow this command at this locality
 *               (NV above locality 0: only the indices in nv_allow)
 *   EBUSY       the TPM did not grant a locality in time: the requested
 *               one (the request was withdrawn and locality 0 given
 *               back), or locality 0 to the kernel's TPM driver (a
 *               command someone gave up on still runs)
 *   EINTR       a fatal signal ended the wait for a locality above 0, or
 *               the transfer of a command there before tpmGo; the command
 *               was not executed and locality 0 was given back
 *   ETIME       the TPM did not answer in time; the command was aborted.
 *               Above locality 0 the TPM may keep that locality until the
 *               command ends, and every user gets EBUSY meanwhile
 *   EIO         the transport to the TPM failed or the response was bad:
 *               its tag is no response tag (TPM 2.0: not the request's
 *               tag on success), a TPM 2.0 error carries a body, or a
 *               TPM 2.0 response with sessions does not end where its
 *               sessions area does
 *
 * On success (return 0) the TPM answered: rsp_len bytes were written and
 * tpm_rc holds the TPM's return code, which may itself be an error.
 *
 * Errors of XENMB_IOC_INFO: EFAULT, EINVAL and E2BIG as above, then EPERM
 * when the caller lacks CAP_SYS_ADMIN (describing the chip takes its ops
 * and reads its registers).
 *
 * Errors of XENMB_IOC_TXT_INFO and XENMB_IOC_TXT_READ:
 *
 *   EFAULT      an argument or buffer pointer cannot be read or written
 *   EINVAL      bad size, unknown flag, non-zero reserved field, unknown
 *               region, an index for the heap, buf_len above
 *               XENMB_TXT_READ_MAX; (TXT_READ of a log, checked once the
 *               heap was walked) index beyond log_count
 *   E2BIG       size larger than the driver knows with non-zero extra bytes
 *   EPERM       caller lacks CAP_SYS_ADMIN
 *   ENODEV      (TXT_READ) no TXT public space answers on this host
 *   EACCES      this kernel may not read the public space, the heap or the
 *               log: Xen's machine memory map (in a dom0) or the E820 marks
 *               part of it unusable, as Xen does with tboot's heap, or a
 *               read of it faulted (TXT_INFO of the heap reports it in
 *               heap_status and succeeds)
 *   EBADMSG     (TXT_READ) the heap or the log pointer is malformed, or
 *               points at RAM, firmware memory (ACPI, NVS) or a range a
 *               driver claimed; the kernel log says what was wrong
 *               (TXT_INFO reports it in heap_status and succeeds)
 *   ENOENT      (TXT_READ of a log) the heap holds no event log pointer
 *   ENOMEM      the heap could not be copied
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

/* struct xenmb_txt_info.log_format: which heap element located the log */
#define XENMB_TXT_LOG_NONE		0
#define XENMB_TXT_LOG_TPM12		1	/* TXT Event Container, SHA1 */
#define XENMB_TXT_LOG_TPM20_BANKS	2	/* one log per PCR bank */
#define XENMB_TXT_LOG_TPM20_AGILE	3	/* one TCG crypto-agile log */

#define XENMB_TXT_MAX_LOGS	5

/**
 * struct xenmb_txt_log - where one DRTM event log is
 * @alg:       TPM_ALG_ID of the bank (XENMB_TXT_LOG_TPM20_BANKS), else 0
 * @reserved0: 0
 * @allocated: bytes allocated for the log
 * @phys:      physical address of the allocation
 * @first:     offset of the first record in the allocation
 * @next:      offset after the last record: the used end
 */
struct xenmb_txt_log {
	__u16 alg;
	__u16 reserved0;
	__u32 allocated;
	__u64 phys;
	__u32 first;
	__u32 next;
};

/**
 * struct xenmb_txt_info - the TXT registers, heap and DRTM log location
 * @size:           in: sizeof(struct xenmb_txt_info) as the caller knows it
 * @flags:          in: must be 0
 * @present:        out: 1 if a TXT public space answers (DIDVID neither
 *                  all zeros nor all ones), else 0 and nothing below is set
 * @heap_status:    out: 0 if the heap was walked and a log found, else the
 *                  positive errno a TXT_READ of the log would return
 * @base:           out: physical address of the public space read
 * @sts:            out: TXT.STS (SENTER.DONE is bit 0)
 * @ests:           out: TXT.ESTS
 * @errorcode:      out: TXT.ERRORCODE
 * @ver_fsbif:      out: TXT.VER.FSBIF
 * @didvid:         out: TXT.DIDVID
 * @heap_base:      out: TXT.HEAP.BASE
 * @heap_size:      out: TXT.HEAP.SIZE
 * @region_size:    out: sizes of BiosData, OsMleData, OsSinitData and
 *                  SinitMleData, each including its 8-byte size field
 * @region_version: out: the version field of each region
 * @log_format:     out: XENMB_TXT_LOG_*
 * @log_count:      out: entries used in @logs
 * @logs:           out: the DRTM log(s)
 * @log_events:     out: records in the log(s), as the kernel parsed them
 * @log_status:     out: 0 if every log parsed to its end, else EBADMSG
 *                  (the kernel log names the record)
 * @reserved:       must be 0
 */
struct xenmb_txt_info {
	__u32 size;
	__u32 flags;
	__u32 present;
	__u32 heap_status;
	__u64 base;
	__u64 sts;
	__u64 ests;
	__u64 errorcode;
	__u64 ver_fsbif;
	__u64 didvid;
	__u64 heap_base;
	__u64 heap_size;
	__u64 region_size[4];
	__u32 region_version[4];
	__u32 log_format;
	__u32 log_count;
	struct xenmb_txt_log logs[XENMB_TXT_MAX_LOGS];
	__u32 log_events;
	__u32 log_status;
	__u64 reserved[7];
};

#define XENMB_TXT_INFO_SIZE_VER0	320

/* struct xenmb_txt_read.region */
#define XENMB_TXT_REGION_HEAP	1	/* the TXT heap, HEAP.SIZE bytes */
#define XENMB_TXT_REGION_LOG	2	/* a log's whole allocation */

#define XENMB_TXT_READ_MAX	0x100000	/* 1 MiB */

/**
 * struct xenmb_txt_read - a bounded read of the TXT heap or a DRTM log
 * @size:     in: sizeof(struct xenmb_txt_read) as the caller knows it
 * @flags:    in: must be 0
 * @region:   in: XENMB_TXT_REGION_*
 * @index:    in: which log (0 .. log_count - 1); 0 for the heap
 * @offset:   in: from the start of the region
 * @buf_ptr:  in: user address of the buffer
 * @buf_len:  in: bytes wanted, at most XENMB_TXT_READ_MAX
 * @read_len: out: bytes copied; fewer at the end of the region, 0 past it
 * @reserved: must be 0
 */
struct xenmb_txt_read {
	__u32 size;
	__u32 flags;
	__u32 region;
	__u32 index;
	__u64 offset;
	__u64 buf_ptr;
	__u32 buf_len;
	__u32 read_len;
	__u64 reserved[4];
};

#define XENMB_TXT_READ_SIZE_VER0	72

#define XENMB_IOC_INFO		_IOWR(XENMB_IOC_MAGIC, 0x00, struct xenmb_info)
#define XENMB_IOC_TPM_CMD	_IOWR(XENMB_IOC_MAGIC, 0x01, struct xenmb_tpm_cmd)
#define XENMB_IOC_TXT_INFO	_IOWR(XENMB_IOC_MAGIC, 0x02, struct xenmb_txt_info)
#define XENMB_IOC_TXT_READ	_IOWR(XENMB_IOC_MAGIC, 0x03, struct xenmb_txt_read)

#endif /* _UAPI_LINUX_XENMB_H */
