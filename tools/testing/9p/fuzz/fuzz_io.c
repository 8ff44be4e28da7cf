// SPDX-License-Identifier: GPL-2.0-only
/* Fuzz Rread, Rreaddir and Rwrite, in line and zero copy. */
#include "fuzz.h"

static const u8 types[] = { P9_TREAD, P9_TREADDIR, P9_TWRITE };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_reply_input(data, size, types, sizeof(types));
}
