/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space stand-in for the kernel's <linux/errno.h>.  The C library's
 * <errno.h> includes <linux/errno.h> too and finds this file, so it must
 * define exactly what the uapi header does: the E* values, from
 * <asm/errno.h>.  Kernel-only names live in <linux/err.h>.
 */
#ifndef _SHIM_LINUX_ERRNO_H
#define _SHIM_LINUX_ERRNO_H

#include <asm/errno.h>

#endif /* _SHIM_LINUX_ERRNO_H */
