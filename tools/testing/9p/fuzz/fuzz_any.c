// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz p9_decode against any request type byte at all (most are not
 * T-messages, or not of the dialect, and must be refused), and the
 * helpers that take server text: p9_errno_from_string, p9_str_is_name.
 */
#include "fuzz.h"

static u8 types[256];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct p9_str s;
	unsigned int i;
	int err;

	if (!types[1])
		for (i = 0; i < 256; i++)
			types[i] = (u8)i;
	if (size >= FZ_PREFIX) {
		char *copy = malloc(size - FZ_PREFIX + 1);

		if (!copy)
			abort();
		memcpy(copy, data + FZ_PREFIX, size - FZ_PREFIX);
		s.s = copy;
		s.len = size - FZ_PREFIX;
		err = p9_errno_from_string(s);
		if (err >= 0 || err < -4095)
			abort();
		if (p9_str_is_name(s) &&
		    (!s.len || memchr(s.s, '/', s.len) ||
		     memchr(s.s, 0, s.len)))
			abort();
		free(copy);
		err = p9_errno_from_wire(fz_le32(data + 2));
		if (err >= 0 || err < -4095)
			abort();
	}
	return fz_reply_input(data, size, types, sizeof(types));
}
