/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test-only helpers around replies: an encoder for R-messages (what a
 * server would send), written with the byte builder and so independent of
 * the codec under test, plus comparisons and bounds checks of decoded
 * replies.  Shared by the unit tests, the fuzzers and the corpus generator.
 */
#ifndef _P9T_RENCODE_H
#define _P9T_RENCODE_H

#include <net/9p/wire.h>
#include "bb.h"

/* Which member of struct p9_rmsg's union a reply of type @rtype uses. */
enum p9t_rkind {
	P9T_R_NONE,		/* no body: Rflush, Rclunk, ... */
	P9T_R_VERSION,
	P9T_R_ERROR,
	P9T_R_LERROR,
	P9T_R_QID,
	P9T_R_WALK,
	P9T_R_OPEN,
	P9T_R_DATA,
	P9T_R_WRITE,
	P9T_R_STAT,
	P9T_R_STATFS,
	P9T_R_READLINK,
	P9T_R_ATTR,
	P9T_R_XATTRWALK,
	P9T_R_LOCK,
	P9T_R_GETLOCK,
};

enum p9t_rkind p9t_rkind(u8 treq, u8 rtype);

/* A stat with its size[2] (no Rstat n[2]); one Rreaddir entry. */
void p9t_put_stat(struct bb *b, const struct p9_stat *st, enum p9_dialect d);
void p9t_put_dirent(struct bb *b, const struct p9_dirent *de);

/*
 * Encode @r, the reply to @req, as a server speaking @d would.  Rerror
 * carries errno[4] when @d is P9_DOTU.  With @zc, an Rread or Rreaddir is
 * only its 11-byte header, its size field counting the payload.  Returns
 * the length, or 0 if @cap is too small.
 */
size_t p9t_encode_reply(const struct p9_tmsg *req, enum p9_dialect d,
			const struct p9_rmsg *r, bool zc, u8 *buf, size_t cap);

bool p9t_str_equal(struct p9_str a, struct p9_str b);
bool p9t_qid_equal(const struct p9_qid *a, const struct p9_qid *b);
bool p9t_stat_equal(const struct p9_stat *a, const struct p9_stat *b);
/* Field-by-field equality of two replies to @req; strings by content. */
bool p9t_rmsg_equal(const struct p9_tmsg *req, const struct p9_rmsg *a,
		    const struct p9_rmsg *b);

/* Does [p, p + n) lie within [buf, buf + len]? */
bool p9t_in(const void *p, size_t n, const u8 *buf, size_t len);
bool p9t_stat_in(const struct p9_stat *st, const u8 *buf, size_t len);
/* Does every string and data pointer of @r lie within the buffer? */
bool p9t_rmsg_in(const struct p9_tmsg *req, const struct p9_rmsg *r,
		 const u8 *buf, size_t len);

#endif /* _P9T_RENCODE_H */
