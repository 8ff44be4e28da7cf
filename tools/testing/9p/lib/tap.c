// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>

#include "tap.h"

static unsigned int tap_passed, tap_failed;

void tap_start(void)
{
	printf("TAP version 13\n");
}

bool tap_ok(bool pass, const char *fmt, ...)
{
	va_list ap;

	printf("%s %u - ", pass ? "ok" : "not ok", tap_passed + tap_failed + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (pass)
		tap_passed++;
	else
		tap_failed++;
	fflush(stdout);
	return pass;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int tap_finish(const char *name)
{
	printf("1..%u\n", tap_passed + tap_failed);
	printf("%s: %u passed, %u failed\n", name, tap_passed, tap_failed);
	return tap_failed ? 1 : 0;
}
