/* SPDX-License-Identifier: GPL-2.0 */
/*
 * v9fs-ng: the kernel series this tree builds for, and the few spellings
 * of the kernel API that differ between them.  Every LINUX_VERSION_CODE
 * test of the tree lives here (and in fs/9p/compat.h for the VFS side):
 * the rest of net/9p and fs/9p is written once, against these names.
 *
 * Supported: Debian 12's 6.1 kernel and the 6.12 LTS kernel.
 */
#ifndef NET_9P_COMPAT_H
#define NET_9P_COMPAT_H

#include <linux/version.h>

/* major.minor of the kernel built for; its version test is this one */
#define V9FS_SERIES	(LINUX_VERSION_CODE >> 8)
#define V9FS_K61	(V9FS_SERIES == (KERNEL_VERSION(6, 1, 0) >> 8))
#define V9FS_K612	(V9FS_SERIES == (KERNEL_VERSION(6, 12, 0) >> 8))

#if !V9FS_K61 && !V9FS_K612
#error "v9fs-ng supports the Linux 6.1 and 6.12 series only: build with KVER= or KDIR= of a 6.1 or 6.12 kernel"
#endif

/* 6.12 moved the unaligned access helpers out of asm/ */
#if V9FS_K612
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#endif /* NET_9P_COMPAT_H */
