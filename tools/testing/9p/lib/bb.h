/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A byte builder for tests: writes 9P fields little-endian, independently
 * of the codec under test, so that tests can state what the bytes on the
 * wire must be.
 */
#ifndef _P9T_BB_H
#define _P9T_BB_H

#include <errno.h>
#include <linux/kernel.h>
#include <net/9p/wire.h>

struct bb {
	u8 *buf;
	size_t cap;
	size_t len;
	bool overflow;		/* a write did not fit */
};

void bb_init(struct bb *b, u8 *buf, size_t cap);
void bb_u8(struct bb *b, u8 v);
void bb_u16(struct bb *b, u16 v);
void bb_u32(struct bb *b, u32 v);
void bb_u64(struct bb *b, u64 v);
void bb_bytes(struct bb *b, const void *p, size_t n);
void bb_str(struct bb *b, const char *s);	/* C string */
void bb_pstr(struct bb *b, struct p9_str s);
void bb_qid(struct bb *b, const struct p9_qid *q);
/* size[4] (patched by bb_finish) type[1] tag[2] */
void bb_hdr(struct bb *b, u8 type, u16 tag);
/* Set the size field at offset 0 to the length so far plus @extra. */
void bb_finish(struct bb *b, u32 extra);

/* A struct p9_str for a C string. */
struct p9_str p9t_str(const char *s);

#endif /* _P9T_BB_H */
