/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space stand-in for the kernel's <linux/types.h>, for building the
 * 9P codec in tools/testing/9p.  It must come before the system include
 * directories on the include path; it pulls in the uapi header of the
 * same name (for __u8 and friends) and adds the kernel's own names.
 */
#ifndef _SHIM_LINUX_TYPES_H
#define _SHIM_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>	/* ssize_t */

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

#endif /* _SHIM_LINUX_TYPES_H */
