/* SPDX-License-Identifier: GPL-2.0-only */
/* Minimal TAP output for the 9P codec's user-space tests. */
#ifndef _P9T_TAP_H
#define _P9T_TAP_H

#include <stdbool.h>

void tap_start(void);
/* Record one test; returns @pass.  @fmt describes it. */
bool tap_ok(bool pass, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A diagnostic line ("# ...") for the test about to be reported. */
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the plan and the summary; returns the exit status. */
int tap_finish(const char *name);

#endif /* _P9T_TAP_H */
