// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz p9_decode_stat: the first byte picks the dialect, the rest is
 * walked as the payload of a 9P2000(.u) directory read.  Each stat decoded
 * must lie inside the input and re-encode to its bytes.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 again[2 + 65535];
	enum p9_dialect d;
	struct p9_stat st;
	struct bb b;
	size_t off = 0, len;
	u8 *buf;
	int ret;

	if (size < 1)
		return 0;
	d = (enum p9_dialect)(data[0] % 3);
	len = size - 1;
	buf = malloc(len ? len : 1);
	if (!buf)
		abort();
	memcpy(buf, data + 1, len);
	while (off < len) {
		ret = p9_decode_stat(buf + off, len - off, d, &st);
		if (ret == -EIO) {
			if (!fz_zero(&st, sizeof(st)))
				abort();
			break;
		}
		if (d == P9_DOTL || ret < 2 || (size_t)ret > len - off ||
		    !p9t_stat_in(&st, buf + off, ret))
			abort();
		bb_init(&b, again, sizeof(again));
		p9t_put_stat(&b, &st, d);
		if (b.len != (size_t)ret || memcmp(again, buf + off, ret))
			abort();
		off += ret;
	}
	free(buf);
	return 0;
}
