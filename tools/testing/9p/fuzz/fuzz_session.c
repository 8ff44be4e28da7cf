// SPDX-License-Identifier: GPL-2.0-only
/* Fuzz the replies of session management: Rversion Rauth Rattach Rflush
 * Rclunk Rremove, and Rerror/Rlerror to any of them.
 */
#include "fuzz.h"

static const u8 types[] = {
	P9_TVERSION, P9_TAUTH, P9_TATTACH, P9_TFLUSH, P9_TCLUNK, P9_TREMOVE,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_reply_input(data, size, types, sizeof(types));
}
