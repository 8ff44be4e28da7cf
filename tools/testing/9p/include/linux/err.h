/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space stand-in for <linux/err.h>. */
#ifndef _SHIM_LINUX_ERR_H
#define _SHIM_LINUX_ERR_H

#include <linux/errno.h>

#define MAX_ERRNO	4095

#endif /* _SHIM_LINUX_ERR_H */
