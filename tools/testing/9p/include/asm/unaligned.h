/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space stand-in for <asm/unaligned.h>: little-endian loads and
 * stores at any alignment, byte by byte so that they are right on any
 * host byte order.
 */
#ifndef _SHIM_ASM_UNALIGNED_H
#define _SHIM_ASM_UNALIGNED_H

#include <linux/types.h>

static inline u16 get_unaligned_le16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] | b[1] << 8);
}

static inline u32 get_unaligned_le32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 |
	       (u32)b[3] << 24;
}

static inline u64 get_unaligned_le64(const void *p)
{
	const u8 *b = p;

	return (u64)get_unaligned_le32(b) |
	       (u64)get_unaligned_le32(b + 4) << 32;
}

static inline void put_unaligned_le16(u16 v, void *p)
{
	u8 *b = p;

	b[0] = (u8)v;
	b[1] = (u8)(v >> 8);
}

static inline void put_unaligned_le32(u32 v, void *p)
{
	u8 *b = p;

	b[0] = (u8)v;
	b[1] = (u8)(v >> 8);
	b[2] = (u8)(v >> 16);
	b[3] = (u8)(v >> 24);
}

static inline void put_unaligned_le64(u64 v, void *p)
{
	u8 *b = p;

	put_unaligned_le32((u32)v, b);
	put_unaligned_le32((u32)(v >> 32), b + 4);
}

#endif /* _SHIM_ASM_UNALIGNED_H */
