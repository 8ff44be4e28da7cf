/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared declarations of the 9P codec's unit tests. */
#ifndef _P9T_UNIT_H
#define _P9T_UNIT_H

#include <net/9p/wire.h>
#include "../lib/bb.h"
#include "../lib/rencode.h"
#include "../lib/tap.h"

#define P9T_BUFSZ	(256 * 1024)
#define P9T_NDIALECTS	3

extern const u8 p9t_ttypes[];
extern const size_t p9t_nttypes;
extern const enum p9_dialect p9t_dialects[P9T_NDIALECTS];

const char *p9t_name(u8 type);
const char *p9t_dname(enum p9_dialect d);
bool p9t_exists(u8 ttype, enum p9_dialect d);
/* Is @type one of p9t_ttypes[]? */
bool p9t_is_ttype(unsigned int type);

/* The sample request of type @type, with distinct field values. */
void p9t_sample_t(u8 type, struct p9_tmsg *t);
/* Its expected encoding in @d, written field by field; returns the length. */
size_t p9t_expect_t(const struct p9_tmsg *t, enum p9_dialect d, u8 *buf,
		    size_t cap);
/* A well-formed reply to the sample request @req in @d. */
void p9t_sample_r(const struct p9_tmsg *req, enum p9_dialect d,
		  struct p9_rmsg *r);
/* The dialect's error reply, with @r->err set as the codec must map it. */
void p9t_sample_err(const struct p9_tmsg *req, enum p9_dialect d,
		    struct p9_rmsg *r);

/*
 * Decode from an exactly sized heap copy of @bytes, so that AddressSanitizer
 * catches any read past the end.  The copy lives until the next call.
 */
int p9t_decode(const struct p9_tmsg *req, enum p9_dialect d, const u8 *bytes,
	       size_t len, size_t ext, struct p9_rmsg *r);
/* Is @r all zero bytes (as a failed decode must leave it)? */
bool p9t_rmsg_zero(const struct p9_rmsg *r);

void p9t_encode_tests(void);
void p9t_decode_tests(void);
void p9t_golden_tests(void);
void p9t_malformed_tests(void);
void p9t_misc_tests(void);

#endif /* _P9T_UNIT_H */
