/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space stand-in for <linux/export.h>: nothing is exported, but the
 * macro still has to swallow the semicolon after it, so it expands to a
 * harmless redeclaration.
 */
#ifndef _SHIM_LINUX_EXPORT_H
#define _SHIM_LINUX_EXPORT_H

#define EXPORT_SYMBOL(sym)	extern __typeof__(sym) sym
#define EXPORT_SYMBOL_GPL(sym)	extern __typeof__(sym) sym

#endif /* _SHIM_LINUX_EXPORT_H */
