/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared part of the reply-decoder fuzzers.  An input is
 *
 *	[0]	dialect (taken modulo 3)
 *	[1]	which request of the harness's table (modulo its length)
 *	[2..5]	a parameter of the request, little-endian: Tversion's
 *		msize, Twalk's nwname (modulo 18), Tread's, Treaddir's or
 *		Twrite's count
 *	[6]	bit 0: deliver the reply zero-copy style -- the decoder
 *		gets the first 11 bytes, the rest counts as out of line
 *	[7..]	the reply, from its size field on
 *
 * After a decode the result is checked: a failure is -EIO with the
 * result zeroed; a success points only inside the input, agrees with the
 * request, and re-encodes (with the test-only encoder) to exactly the
 * input bytes -- the decoders accept one encoding of each reply and no
 * other.
 */
#ifndef _P9T_FUZZ_H
#define _P9T_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <net/9p/wire.h>
#include "../lib/bb.h"
#include "../lib/rencode.h"

#define FZ_PREFIX	7

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline u32 fz_le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static inline void fz_make_req(struct p9_tmsg *t, u8 type, u32 param)
{
	static const char *const names[P9_MAXWELEM] = {
		"a", "b", "c", "d", "e", "f", "g", "h",
		"i", "j", "k", "l", "m", "n", "o", "p",
	};
	unsigned int i;

	memset(t, 0, sizeof(*t));
	t->type = type;
	t->tag = 1;
	switch (type) {
	case P9_TVERSION:
		t->tag = P9_NOTAG;
		t->version.msize = param;
		t->version.version = p9t_str("9P2000.L");
		break;
	case P9_TWALK:
		t->walk.nwname = (u16)(param % (P9_MAXWELEM + 2));
		for (i = 0; i < P9_MAXWELEM; i++)
			t->walk.wname[i] = p9t_str(names[i]);
		break;
	case P9_TREAD:
		t->read.count = param;
		break;
	case P9_TREADDIR:
		t->readdir.count = param;
		break;
	case P9_TWRITE:
		t->write.count = param;
		break;
	default:
		break;
	}
}

static inline bool fz_zero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

/* Decode @reply as the answer to @req and check everything about it. */
static inline void fz_decode_check(const struct p9_tmsg *req,
				   enum p9_dialect d, const u8 *reply,
				   size_t len, bool zc)
{
	static u8 again[1 << 17];
	struct p9_rmsg r;
	size_t blen = len, ext = 0, n;
	enum p9_dialect ed = d;
	u8 *buf;
	int ret;

	if (zc && len > 11) {
		blen = 11;
		ext = len - 11;
	}
	/* An exactly sized copy, so that any overread is caught. */
	buf = malloc(blen ? blen : 1);
	if (!buf)
		abort();
	memcpy(buf, reply, blen);
	ret = p9_decode(req, d, buf, blen, ext, &r);
	if (ret) {
		if (ret != -EIO || !fz_zero(&r, sizeof(r)))
			abort();
		free(buf);
		return;
	}

	if (!p9t_rmsg_in(req, &r, buf, blen))
		abort();
	if (r.type != req->type + 1 && r.type != P9_RERROR &&
	    r.type != P9_RLERROR)
		abort();
	if ((r.type == P9_RERROR || r.type == P9_RLERROR) ?
	    (r.err >= 0 || r.err < -4095) : r.err != 0)
		abort();
	switch (p9t_rkind(req->type, r.type)) {
	case P9T_R_WALK:
		if (r.walk.nwqid > req->walk.nwname)
			abort();
		break;
	case P9T_R_DATA:
		if (r.data.count > (req->type == P9_TREAD ? req->read.count :
				    req->readdir.count))
			abort();
		if (ext ? (r.data.data || r.data.count != ext) :
			  (!r.data.data ||
			   r.data.data + r.data.count != buf + blen))
			abort();
		break;
	case P9T_R_ERROR:
		/* Which Rerror layout came in (only Tversion allows both). */
		if (req->type == P9_TVERSION)
			ed = blen == P9_HDRSZ + 2 + r.error.ename.len ?
			     P9_LEGACY : P9_DOTU;
		break;
	default:
		break;
	}

	/* The one encoding of what was decoded is what came in. */
	n = p9t_encode_reply(req, ed, &r, ext != 0, again, sizeof(again));
	/* ...but for Rstat's n[2], which may be 0 (QEMU's server sends it). */
	if (r.type == P9_RSTAT && n == blen && n > 8 && !buf[7] && !buf[8]) {
		again[7] = 0;
		again[8] = 0;
	}
	/* ...and for QEMU's Rwstat whose size field is 0. */
	if (r.type == P9_RWSTAT && n == blen && n == P9_HDRSZ &&
	    !buf[0] && !buf[1] && !buf[2] && !buf[3])
		memset(again, 0, 4);
	if (n != blen || memcmp(again, buf, blen))
		abort();
	free(buf);
}

/* The reply-decoder harness body, for a table of request types. */
static inline int fz_reply_input(const uint8_t *data, size_t size,
				 const u8 *types, size_t ntypes)
{
	struct p9_tmsg req;
	enum p9_dialect d;

	if (size < FZ_PREFIX)
		return 0;
	d = (enum p9_dialect)(data[0] % 3);
	fz_make_req(&req, types[data[1] % ntypes], fz_le32(data + 2));
	fz_decode_check(&req, d, data + FZ_PREFIX, size - FZ_PREFIX,
			data[6] & 1);
	return 0;
}

#endif /* _P9T_FUZZ_H */
