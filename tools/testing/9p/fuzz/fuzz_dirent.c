// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz p9_decode_dirent: walk the input as an Rreaddir payload.  Each
 * entry decoded must lie inside the input and re-encode to its bytes.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 *buf = malloc(size ? size : 1);
	static u8 again[2 + 13 + 8 + 1 + 65535];
	struct p9_dirent de;
	struct bb b;
	size_t off = 0;
	int ret;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	while (off < size) {
		ret = p9_decode_dirent(buf + off, size - off, &de);
		if (ret == -EIO) {
			if (!fz_zero(&de, sizeof(de)))
				abort();
			break;
		}
		if (ret <= 0 || (size_t)ret > size - off ||
		    !p9t_in(de.name.s, de.name.len, buf + off, ret))
			abort();
		bb_init(&b, again, sizeof(again));
		p9t_put_dirent(&b, &de);
		if (b.len != (size_t)ret || memcmp(again, buf + off, ret))
			abort();
		off += ret;
	}
	free(buf);
	return 0;
}
