// SPDX-License-Identifier: GPL-2.0-only
/* Fuzz Rwalk, against Twalks of 0..17 names. */
#include "fuzz.h"

static const u8 types[] = { P9_TWALK };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_reply_input(data, size, types, sizeof(types));
}
