// SPDX-License-Identifier: GPL-2.0-only
/* Fuzz the 9P2000 and 9P2000.u file replies: Ropen Rcreate Rstat Rwstat. */
#include "fuzz.h"

static const u8 types[] = { P9_TOPEN, P9_TCREATE, P9_TSTAT, P9_TWSTAT };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_reply_input(data, size, types, sizeof(types));
}
