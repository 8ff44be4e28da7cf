// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "bb.h"

void bb_init(struct bb *b, u8 *buf, size_t cap)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->overflow = false;
}

void bb_bytes(struct bb *b, const void *p, size_t n)
{
	if (n > b->cap - b->len) {
		b->overflow = true;
		return;
	}
	if (n)
		memcpy(b->buf + b->len, p, n);
	b->len += n;
}

void bb_u8(struct bb *b, u8 v)
{
	bb_bytes(b, &v, 1);
}

void bb_u16(struct bb *b, u16 v)
{
	u8 x[2] = { (u8)v, (u8)(v >> 8) };

	bb_bytes(b, x, sizeof(x));
}

void bb_u32(struct bb *b, u32 v)
{
	bb_u16(b, (u16)v);
	bb_u16(b, (u16)(v >> 16));
}

void bb_u64(struct bb *b, u64 v)
{
	bb_u32(b, (u32)v);
	bb_u32(b, (u32)(v >> 32));
}

void bb_pstr(struct bb *b, struct p9_str s)
{
	bb_u16(b, (u16)s.len);
	bb_bytes(b, s.s, s.len);
}

void bb_str(struct bb *b, const char *s)
{
	bb_pstr(b, p9t_str(s));
}

void bb_qid(struct bb *b, const struct p9_qid *q)
{
	bb_u8(b, q->type);
	bb_u32(b, q->version);
	bb_u64(b, q->path);
}

void bb_hdr(struct bb *b, u8 type, u16 tag)
{
	bb_u32(b, 0);
	bb_u8(b, type);
	bb_u16(b, tag);
}

void bb_finish(struct bb *b, u32 extra)
{
	u32 size = (u32)b->len + extra;

	if (b->cap < 4) {
		b->overflow = true;
		return;
	}
	b->buf[0] = (u8)size;
	b->buf[1] = (u8)(size >> 8);
	b->buf[2] = (u8)(size >> 16);
	b->buf[3] = (u8)(size >> 24);
}

struct p9_str p9t_str(const char *s)
{
	struct p9_str r = { .s = s, .len = s ? strlen(s) : 0 };

	return r;
}
