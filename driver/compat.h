/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few definitions the pure xenmb code needs, from the kernel when it is
 * built into xenmb.ko or a KUnit suite, from libc when it is built into the
 * helper and the user-space tests. Nothing else may be included by pure code.
 */
#ifndef XENMB_COMPAT_H
#define XENMB_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/kernel.h>
#else
#include <errno.h>
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef BIT_ULL
#define BIT_ULL(nr) (1ULL << (nr))
#endif
#endif

/* TPM structures are big-endian and unaligned inside byte buffers. */
static inline u16 xenmb_get_be16(const u8 *p)
{
	return (u16)((p[0] << 8) | p[1]);
}

static inline u32 xenmb_get_be32(const u8 *p)
{
	return ((u32)p[0] << 24) | ((u32)p[1] << 16) | ((u32)p[2] << 8) | p[3];
}

static inline void xenmb_put_be16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static inline void xenmb_put_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

/* The TXT heap and TCG event logs are little-endian. */
static inline u16 xenmb_get_le16(const u8 *p)
{
	return (u16)(p[0] | (p[1] << 8));
}

static inline u32 xenmb_get_le32(const u8 *p)
{
	return (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) |
	       ((u32)p[3] << 24);
}

static inline u64 xenmb_get_le64(const u8 *p)
{
	return (u64)xenmb_get_le32(p) | ((u64)xenmb_get_le32(p + 4) << 32);
}

#endif /* XENMB_COMPAT_H */
