// SPDX-License-Identifier: GPL-2.0-only
/* Decoder round trips: every reply of every dialect, and error replies. */
#include <string.h>

#include "unit.h"

static u8 wire[P9T_BUFSZ];

/* Encode @want as a server speaking @ed would, decode it as @d, compare. */
static bool round_trip_as(const struct p9_tmsg *req, enum p9_dialect ed,
			  enum p9_dialect d, const struct p9_rmsg *want,
			  bool zc)
{
	struct p9_rmsg got;
	size_t n, len, ext = 0;
	int ret;

	n = p9t_encode_reply(req, ed, want, zc, wire, sizeof(wire));
	if (!n)
		return false;
	len = n;
	if (zc) {
		ext = want->data.count;
		if (n != 11)
			return false;
	}
	ret = p9t_decode(req, d, wire, len, ext, &got);
	if (ret) {
		tap_diag("decode returned %d", ret);
		return false;
	}
	if (zc) {
		/* The payload is elsewhere: compare all but the pointer. */
		struct p9_rmsg w2 = *want;

		w2.data.data = NULL;
		return !got.data.data && p9t_rmsg_equal(req, &w2, &got);
	}
	return p9t_rmsg_equal(req, want, &got);
}

static bool round_trip(const struct p9_tmsg *req, enum p9_dialect d,
		       const struct p9_rmsg *want, bool zc)
{
	return round_trip_as(req, d, d, want, zc);
}

static void test_all_replies(void)
{
	struct p9_tmsg t;
	struct p9_rmsg r;
	size_t i;
	unsigned int k;

	for (i = 0; i < p9t_nttypes; i++) {
		for (k = 0; k < P9T_NDIALECTS; k++) {
			enum p9_dialect d = p9t_dialects[k];

			p9t_sample_t(p9t_ttypes[i], &t);
			if (!p9t_exists(t.type, d))
				continue;
			p9t_sample_r(&t, d, &r);
			tap_ok(round_trip(&t, d, &r, false),
			       "%s round trip in %s", p9t_name(r.type),
			       p9t_dname(d));
			p9t_sample_err(&t, d, &r);
			tap_ok(round_trip(&t, d, &r, false),
			       "%s to %s in %s", p9t_name(r.type),
			       p9t_name(t.type), p9t_dname(d));
		}
	}
}

/* A request of a type that does not exist in the dialect: never decoded. */
static void test_wrong_dialect(void)
{
	struct p9_tmsg t;
	struct p9_rmsg r;
	size_t i, n;
	unsigned int k;
	bool ok = true;

	for (i = 0; i < p9t_nttypes; i++) {
		for (k = 0; k < P9T_NDIALECTS; k++) {
			enum p9_dialect d = p9t_dialects[k];
			enum p9_dialect other = d == P9_DOTL ? P9_DOTU :
							       P9_DOTL;

			p9t_sample_t(p9t_ttypes[i], &t);
			if (p9t_exists(t.type, d))
				continue;
			p9t_sample_r(&t, other, &r);
			n = p9t_encode_reply(&t, other, &r, false, wire,
					     sizeof(wire));
			if (p9t_decode(&t, d, wire, n, 0, &r) != -EIO ||
			    !p9t_rmsg_zero(&r))
				ok = false;
		}
	}
	tap_ok(ok, "replies to requests foreign to the dialect rejected");
}

static void test_walk_variants(void)
{
	struct p9_tmsg t;
	struct p9_rmsg r;
	unsigned int i;

	p9t_sample_t(P9_TWALK, &t);
	p9t_sample_r(&t, P9_DOTL, &r);
	r.walk.nwqid = 1;
	tap_ok(round_trip(&t, P9_DOTL, &r, false),
	       "Rwalk with nwqid < nwname (partial walk) accepted");
	r.walk.nwqid = 0;
	tap_ok(round_trip(&t, P9_DOTL, &r, false),
	       "Rwalk with nwqid 0 accepted");
	t.walk.nwname = 0;
	tap_ok(round_trip(&t, P9_DOTU, &r, false),
	       "Rwalk with nwqid 0 to a clone walk accepted");
	t.walk.nwname = P9_MAXWELEM;
	r.walk.nwqid = P9_MAXWELEM;
	for (i = 0; i < P9_MAXWELEM; i++) {
		r.walk.wqid[i].type = (u8)i;
		r.walk.wqid[i].version = i * 3;
		r.walk.wqid[i].path = i * 0x100000001ULL;
	}
	tap_ok(round_trip(&t, P9_LEGACY, &r, false),
	       "Rwalk with 16 qids accepted");
}

static void test_data_variants(void)
{
	static u8 payload[8192];
	struct p9_tmsg t;
	struct p9_rmsg r;
	size_t i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (u8)(i * 7);

	p9t_sample_t(P9_TREAD, &t);
	p9t_sample_r(&t, P9_DOTL, &r);
	r.data.count = 0;
	tap_ok(round_trip(&t, P9_DOTL, &r, false),
	       "Rread of 0 bytes (end of file) accepted");
	r.data.count = t.read.count;
	r.data.data = payload;
	tap_ok(round_trip(&t, P9_DOTL, &r, false),
	       "Rread of exactly the count requested accepted");
	tap_ok(round_trip(&t, P9_DOTL, &r, true),
	       "zero-copy Rread: 11-byte header, count == ext");
	r.data.count = 1;
	tap_ok(round_trip(&t, P9_LEGACY, &r, true),
	       "zero-copy Rread of 1 byte in 9P2000");

	p9t_sample_t(P9_TREADDIR, &t);
	p9t_sample_r(&t, P9_DOTL, &r);
	tap_ok(round_trip(&t, P9_DOTL, &r, true),
	       "zero-copy Rreaddir: 11-byte header, count == ext");
	r.data.count = 0;
	tap_ok(round_trip(&t, P9_DOTL, &r, false),
	       "Rreaddir of 0 bytes (end of directory) accepted");

	p9t_sample_t(P9_TWRITE, &t);
	p9t_sample_r(&t, P9_DOTU, &r);
	r.write.count = 0;
	tap_ok(round_trip(&t, P9_DOTU, &r, false),
	       "Rwrite of 0 bytes accepted");
}

static void test_version_errors(void)
{
	struct p9_tmsg t;
	struct p9_rmsg r;
	unsigned int k;
	bool ok = true;

	/* Before the dialect is settled, every error layout is accepted. */
	p9t_sample_t(P9_TVERSION, &t);
	for (k = 0; k < P9T_NDIALECTS; k++) {
		enum p9_dialect d = p9t_dialects[k];

		memset(&r, 0, sizeof(r));
		r.type = P9_RERROR;
		r.tag = P9_NOTAG;
		r.error.ename = p9t_str("message size too small");
		r.err = -EIO;
		/* Encoded plain 9P2000 style (ename only), decoded as @d. */
		if (!round_trip_as(&t, P9_LEGACY, d, &r, false))
			ok = false;
		/* Encoded .u style (ename + errno), decoded as @d. */
		r.error.errnum = 22;
		r.err = -EINVAL;
		if (!round_trip_as(&t, P9_DOTU, d, &r, false))
			ok = false;
		memset(&r, 0, sizeof(r));
		r.type = P9_RLERROR;
		r.tag = P9_NOTAG;
		r.lerror.ecode = 71;
		r.err = -EPROTO;
		if (!round_trip(&t, d, &r, false))
			ok = false;
	}
	tap_ok(ok, "Tversion: Rerror (both layouts) and Rlerror accepted in every dialect");

	p9t_sample_r(&t, P9_DOTL, &r);
	r.version.msize = t.version.msize;
	tap_ok(round_trip(&t, P9_DOTL, &r, false),
	       "Rversion with msize equal to the request's accepted");
	r.version.msize = 1;
	r.version.version = p9t_str("unknown");
	tap_ok(round_trip(&t, P9_DOTL, &r, false),
	       "Rversion \"unknown\" (msize 1) accepted");
}

static void test_error_mapping(void)
{
	struct p9_tmsg t;
	struct p9_rmsg r, got;
	size_t n;

	p9t_sample_t(P9_TCLUNK, &t);
	p9t_sample_err(&t, P9_DOTU, &r);
	r.error.errnum = 0;
	r.err = -ENOENT;
	tap_ok(round_trip(&t, P9_DOTU, &r, false),
	       ".u Rerror with errno 0: the text decides (-ENOENT)");
	r.error.errnum = 5000;
	tap_ok(round_trip(&t, P9_DOTU, &r, false),
	       ".u Rerror with errno 5000: the text decides (-ENOENT)");
	r.error.ename = p9t_str("gremlins");
	r.err = -EIO;
	tap_ok(round_trip(&t, P9_DOTU, &r, false),
	       ".u Rerror with bad errno and unknown text: -EIO");

	p9t_sample_err(&t, P9_LEGACY, &r);
	r.error.ename = p9t_str("");
	r.err = -EIO;
	tap_ok(round_trip(&t, P9_LEGACY, &r, false),
	       "Rerror with an empty ename: -EIO");

	p9t_sample_err(&t, P9_DOTL, &r);
	r.lerror.ecode = 0;
	r.err = -EIO;
	tap_ok(round_trip(&t, P9_DOTL, &r, false), "Rlerror ecode 0: -EIO");
	r.lerror.ecode = 4096;
	tap_ok(round_trip(&t, P9_DOTL, &r, false), "Rlerror ecode 4096: -EIO");
	r.lerror.ecode = U32_MAX;
	tap_ok(round_trip(&t, P9_DOTL, &r, false),
	       "Rlerror ecode U32_MAX: -EIO");
	r.lerror.ecode = 512;
	tap_ok(round_trip(&t, P9_DOTL, &r, false),
	       "Rlerror ecode 512 (kernel-internal ERESTARTSYS): -EIO");
	r.lerror.ecode = 2;
	r.err = -ENOENT;
	n = p9t_encode_reply(&t, P9_DOTL, &r, false, wire, sizeof(wire));
	tap_ok(!p9t_decode(&t, P9_DOTL, wire, n, 0, &got) &&
	       got.type == P9_RLERROR && got.err == -ENOENT &&
	       got.lerror.ecode == 2 && got.tag == t.tag,
	       "Rlerror ecode 2: -ENOENT, type and tag reported");
}

static void test_dirent_stat(void)
{
	struct p9_tmsg t;
	struct p9_rmsg r, got;
	struct p9_dirent de;
	struct p9_stat st;
	u8 buf[512];
	struct bb b;
	size_t n, off;
	int ret, count = 0;
	bool ok = true;

	p9t_sample_t(P9_TREADDIR, &t);
	p9t_sample_r(&t, P9_DOTL, &r);
	n = p9t_encode_reply(&t, P9_DOTL, &r, false, wire, sizeof(wire));
	if (p9t_decode(&t, P9_DOTL, wire, n, 0, &got))
		ok = false;
	for (off = 0; ok && off < got.data.count; off += ret, count++) {
		ret = p9_decode_dirent(got.data.data + off,
				       got.data.count - off, &de);
		if (ret <= 0) {
			ok = false;
			break;
		}
		if (count == 0)
			ok &= de.offset == 1 && de.type == 4 &&
			      p9t_str_equal(de.name, p9t_str(".")) &&
			      de.qid.type == P9_QTDIR;
		else
			ok &= de.offset == ~0ULL && de.type == 8 &&
			      p9t_str_equal(de.name, p9t_str("file.txt"));
	}
	tap_ok(ok && count == 2 && off == got.data.count,
	       "Rreaddir payload walks as two dirents");

	/* Several stats back to back, as a 9P2000 directory read returns. */
	p9t_sample_t(P9_TSTAT, &t);
	p9t_sample_r(&t, P9_DOTU, &r);
	bb_init(&b, buf, sizeof(buf));
	p9t_put_stat(&b, &r.stat, P9_DOTU);
	p9t_put_stat(&b, &r.stat, P9_DOTU);
	ok = true;
	count = 0;
	for (off = 0; off < b.len; off += ret, count++) {
		ret = p9_decode_stat(buf + off, b.len - off, P9_DOTU, &st);
		if (ret <= 0 || !p9t_stat_equal(&st, &r.stat)) {
			ok = false;
			break;
		}
	}
	tap_ok(ok && count == 2 && off == b.len,
	       "two .u stats back to back decode");
	tap_ok(p9_decode_stat(buf, b.len, P9_DOTL, &st) == -EIO,
	       "p9_decode_stat refuses the .L dialect");
}

void p9t_decode_tests(void)
{
	test_all_replies();
	test_wrong_dialect();
	test_walk_variants();
	test_data_variants();
	test_version_errors();
	test_error_mapping();
	test_dirent_stat();
}
