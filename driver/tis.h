/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TPM's TIS FIFO interface registers (TCG PC Client Platform TPM
 * Profile, "FIFO Interface"), one 4 KiB page per locality from 0xFED40000.
 * Pure code (see compat.h): built into xenmb.ko and the tests.
 */
#ifndef XENMB_TIS_H
#define XENMB_TIS_H

#include "compat.h"

#define TIS_LOCALITY_STRIDE		0x1000
#define TIS_ACCESS(l)			((l) * TIS_LOCALITY_STRIDE + 0x00)
#define TIS_INT_ENABLE(l)		((l) * TIS_LOCALITY_STRIDE + 0x08)
#define TIS_STS(l)			((l) * TIS_LOCALITY_STRIDE + 0x18)
#define TIS_DATA_FIFO(l)		((l) * TIS_LOCALITY_STRIDE + 0x24)
#define TIS_DID_VID			0xF00
#define TIS_VID_INTEL			0x8086

#define TIS_ACCESS_VALID		0x80
#define TIS_ACCESS_ACTIVE		0x20
#define TIS_ACCESS_SEIZED		0x10
#define TIS_ACCESS_REQUEST_USE		0x02
#define TIS_GRANTED			(TIS_ACCESS_VALID | TIS_ACCESS_ACTIVE)
#define TIS_INT_GLOBAL_ENABLE		0x80000000U
#define TIS_STS_VALID			0x80
#define TIS_STS_COMMAND_READY		0x40
#define TIS_STS_GO			0x20
#define TIS_STS_DATA_AVAIL		0x10
#define TIS_STS_EXPECT			0x08
#define TIS_STS_BURST(sts)		(((sts) >> 8) & 0xFFFF)

/*
 * Whether the chipset answers for a locality, from its TPM_ACCESS: a
 * locality it decodes reads tpmRegValidSts set; one it does not (closed by
 * TXT, or absent) reads all ones, or without that bit.
 */
static inline bool tis_access_answers(u8 access)
{
	return (access & TIS_ACCESS_VALID) && access != 0xFF;
}

#endif /* XENMB_TIS_H */
