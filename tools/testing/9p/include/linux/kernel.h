/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space stand-in for the parts of <linux/kernel.h> the codec uses. */
#ifndef _SHIM_LINUX_KERNEL_H
#define _SHIM_LINUX_KERNEL_H

#include <linux/types.h>

#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)

#define BIT(nr)		(1UL << (nr))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define min_t(type, x, y) ({ type __x = (x); type __y = (y); \
			     __x < __y ? __x : __y; })
#define max_t(type, x, y) ({ type __x = (x); type __y = (y); \
			     __x > __y ? __x : __y; })
#define min(x, y)	min_t(__typeof__((x) + (y)), x, y)
#define max(x, y)	max_t(__typeof__((x) + (y)), x, y)

#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), #cond)

#endif /* _SHIM_LINUX_KERNEL_H */
