// SPDX-License-Identifier: GPL-2.0-only
/* Fuzz the replies of the 9P2000.L operations. */
#include "fuzz.h"

static const u8 types[] = {
	P9_TSTATFS, P9_TLOPEN, P9_TLCREATE, P9_TSYMLINK, P9_TMKNOD,
	P9_TRENAME, P9_TREADLINK, P9_TGETATTR, P9_TSETATTR, P9_TXATTRWALK,
	P9_TXATTRCREATE, P9_TFSYNC, P9_TLOCK, P9_TGETLOCK, P9_TLINK,
	P9_TMKDIR, P9_TRENAMEAT, P9_TUNLINKAT,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_reply_input(data, size, types, sizeof(types));
}
