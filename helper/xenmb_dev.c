// SPDX-License-Identifier: GPL-2.0
#include "xenmb_dev.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int xenmb_open(void)
{
	int fd = open(XENMB_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	/* The descriptor is the result, the caller's to close. */
	// cppcheck-suppress resourceLeak
	return fd < 0 ? -errno : fd;
}

int xenmb_get_info(int fd, struct xenmb_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(fd, XENMB_IOC_INFO, info) ? -errno : 0;
}

int xenmb_tpm_transmit(int fd, unsigned int locality, const uint8_t *cmd,
		       size_t len, struct xenmb_response *rsp)
{
	struct xenmb_tpm_cmd arg = {
	    .size = sizeof(arg),
	    .locality = locality,
	    .cmd_len = (uint32_t)len,
	    .cmd_ptr = (uintptr_t)cmd,
	    .rsp_ptr = (uintptr_t)rsp->data,
	    .rsp_size = sizeof(rsp->data),
	};

	if (len > XENMB_TPM_BUF_MAX)
		return -EINVAL;
	if (ioctl(fd, XENMB_IOC_TPM_CMD, &arg))
		return -errno;
	rsp->len = arg.rsp_len;
	rsp->tpm_rc = arg.tpm_rc;
	rsp->duration_ns = arg.duration_ns;
	return 0;
}

int xenmb_get_txt_info(int fd, struct xenmb_txt_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(fd, XENMB_IOC_TXT_INFO, info) ? -errno : 0;
}

int xenmb_txt_read_all(int fd, uint32_t region, uint32_t index, uint64_t offset,
		       void *buf, size_t len, size_t *got)
{
	*got = 0;
	while (*got < len) {
		size_t want = len - *got;
		struct xenmb_txt_read arg = {
		    .size = sizeof(arg),
		    .region = region,
		    .index = index,
		    .offset = offset + *got,
		    .buf_ptr = (uintptr_t)buf + *got,
		    .buf_len = want > XENMB_TXT_READ_MAX ? XENMB_TXT_READ_MAX
							 : (uint32_t)want,
		};

		if (ioctl(fd, XENMB_IOC_TXT_READ, &arg))
			return -errno;
		if (!arg.read_len)
			break;
		*got += arg.read_len;
	}
	return 0;
}

const char *xenmb_txt_strerror(int err)
{
	switch (-err) {
	case ENODEV:
		return "no TXT on this host: no TXT public space answers";
	case EBADMSG:
		return "the TXT heap or its event log pointer is malformed: "
		       "see the kernel log";
	case ENOENT:
		return "the TXT heap holds no DRTM event log pointer (no "
		       "measured launch, or a launch without a log)";
	case EACCES:
		return "the heap is not accessible to dom0 (Xen marks it "
		       "unusable)";
	case EPERM:
		return "not permitted: needs CAP_SYS_ADMIN";
	default:
		return strerror(-err);
	}
}

const char *xenmb_open_strerror(int err)
{
	switch (-err) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
		return XENMB_DEVICE_PATH
		    " is missing: load the module (modprobe xenmb)";
	case EACCES:
	case EPERM:
		return XENMB_DEVICE_PATH " is root's: run as root";
	default:
		return strerror(-err);
	}
}

const char *xenmb_cmd_strerror(int err, unsigned int locality)
{
	switch (-err) {
	case EINVAL:
		return "malformed command: the header's length must equal the "
		       "command's 10..4096 bytes, its tag must suit the TPM "
		       "family, and the locality must be 0..3";
	case EPERM:
		if (locality == XENMB_LOCALITY_HW)
			return "locality 4 is reserved to the hardware (DRTM): "
			       "use 0..3";
		return "not permitted: needs CAP_SYS_ADMIN";
	case EACCES:
		return "the xenmb policy does not allow this command at this "
		       "locality (see 'Policy' in the README)";
	case EOPNOTSUPP:
		return "this TPM interface cannot change locality (CRB, no "
		       "memory-mapped TIS, a locality the chipset or TXT has "
		       "not opened, or tpm_tis in IRQ mode: boot with "
		       "tpm_tis.interrupts=0): see 'xenmb info'";
	case ENODEV:
		return "no TPM chip: check 'xenmb info' and the kernel log";
	case ENOSPC:
		return "response buffer below 4096 bytes";
	case EBUSY:
		return "the TPM did not grant the locality: retry";
	case ETIME:
		return "the TPM did not answer in time: retry, then check "
		       "the kernel log";
	case EIO:
		return "TPM transport error: check the kernel log";
	default:
		return strerror(-err);
	}
}

const char *xenmb_interface_name(uint32_t interface)
{
	switch (interface) {
	case XENMB_IFACE_TIS:
		return "tis";
	case XENMB_IFACE_CRB:
		return "crb";
	case XENMB_IFACE_OTHER:
		return "other";
	default:
		return "none";
	}
}
