/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space access to /dev/xenmb: the ioctls of uapi/linux/xenmb.h and
 * the meaning of their errors, for the xenmb CLI and the later flows.
 */
#ifndef XENMB_DEV_H
#define XENMB_DEV_H

#include <stddef.h>
#include <stdint.h>

#include "../uapi/linux/xenmb.h"

#define XENMB_DEVICE_PATH "/dev/" XENMB_DEVICE_NAME

/* Opens /dev/xenmb read-write; returns the fd or -errno. */
int xenmb_open(void);

/* XENMB_IOC_INFO; returns 0 or -errno. */
int xenmb_get_info(int fd, struct xenmb_info *info);

struct xenmb_response {
	uint8_t data[XENMB_TPM_BUF_MAX];
	uint32_t len;
	uint32_t tpm_rc;
	uint64_t duration_ns;
};

/*
 * XENMB_IOC_TPM_CMD: sends @len bytes at @cmd at @locality. Returns 0 when
 * the TPM answered (rsp->tpm_rc may still be an error) or -errno.
 */
int xenmb_tpm_transmit(int fd, unsigned int locality, const uint8_t *cmd,
		       size_t len, struct xenmb_response *rsp);

/* XENMB_IOC_TXT_INFO; returns 0 or -errno. */
int xenmb_get_txt_info(int fd, struct xenmb_txt_info *info);

/*
 * Reads all of [@offset, @offset + @len) of a TXT region into @buf with
 * XENMB_IOC_TXT_READ calls; *@got is what the region held. 0 or -errno.
 */
int xenmb_txt_read_all(int fd, uint32_t region, uint32_t index, uint64_t offset,
		       void *buf, size_t len, size_t *got);

/* One line explaining a -errno of the TXT ioctls and what to do. */
const char *xenmb_txt_strerror(int err);

/* One line explaining a -errno of XENMB_IOC_TPM_CMD and what to do. */
const char *xenmb_cmd_strerror(int err, unsigned int locality);

/* One line explaining a -errno of xenmb_open() and what to do. */
const char *xenmb_open_strerror(int err);

const char *xenmb_interface_name(uint32_t interface);

#endif /* XENMB_DEV_H */
