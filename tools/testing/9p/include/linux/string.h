/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space stand-in for <linux/string.h>: the C library's functions. */
#ifndef _SHIM_LINUX_STRING_H
#define _SHIM_LINUX_STRING_H

#include <string.h>
#include <strings.h>

#endif /* _SHIM_LINUX_STRING_H */
