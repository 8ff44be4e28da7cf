// SPDX-License-Identifier: GPL-2.0-only
/*
 * Malformed input: every validation rule of the decoders has a test here
 * that breaks it, and every sample reply is cut at every byte offset.
 * All decoding goes through p9t_decode(), whose exactly-sized heap copy
 * lets AddressSanitizer catch a read past the end.
 */
#include <string.h>

#include "unit.h"

static u8 wire[P9T_BUFSZ];
static u8 work[P9T_BUFSZ];

static void put32(u8 *p, u32 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
	p[2] = (u8)(v >> 16);
	p[3] = (u8)(v >> 24);
}

/* Decoding must fail with -EIO and leave @r zeroed. */
static bool rejects(const struct p9_tmsg *req, enum p9_dialect d,
		    const u8 *bytes, size_t len, size_t ext)
{
	struct p9_rmsg r;

	memset(&r, 0xa5, sizeof(r));
	return p9t_decode(req, d, bytes, len, ext, &r) == -EIO &&
	       p9t_rmsg_zero(&r);
}

static bool accepts(const struct p9_tmsg *req, enum p9_dialect d,
		    const u8 *bytes, size_t len, size_t ext)
{
	struct p9_rmsg r;

	return !p9t_decode(req, d, bytes, len, ext, &r);
}

/* Every generic damage to one well-formed reply. */
static void damage(const struct p9_tmsg *t, enum p9_dialect d, u8 rtype,
		   const u8 *good, size_t len)
{
	const char *what = p9t_name(rtype);
	const char *dn = p9t_dname(d);
	bool ok = true;
	size_t cut;
	unsigned int v;

	tap_ok(accepts(t, d, good, len, 0), "%s to %s in %s: sample accepted",
	       what, p9t_name(t->type), dn);

	/* Truncated, the size field still claiming the whole. */
	for (cut = 0; cut < len; cut++)
		if (!rejects(t, d, good, cut, 0)) {
			tap_diag("accepted when cut to %zu", cut);
			ok = false;
		}
	tap_ok(ok, "%s in %s: cut at every offset, size kept: rejected",
	       what, dn);

	/* Truncated, the size field agreeing with the cut. */
	ok = true;
	for (cut = 4; cut < len; cut++) {
		/* Before Tversion settles, Rerror may drop its errno[4]. */
		if (t->type == P9_TVERSION && rtype == P9_RERROR &&
		    d == P9_DOTU && cut == len - 4)
			continue;
		memcpy(work, good, cut);
		put32(work, (u32)cut);
		if (!rejects(t, d, work, cut, 0)) {
			tap_diag("accepted when cut to %zu", cut);
			ok = false;
		}
	}
	tap_ok(ok, "%s in %s: cut at every offset, size fixed: rejected",
	       what, dn);

	/* Trailing garbage, counted by the size field. */
	memcpy(work, good, len);
	memset(work + len, 'x', 8);
	put32(work, (u32)len + 1);
	ok = rejects(t, d, work, len + 1, 0);
	put32(work, (u32)len + 8);
	ok &= rejects(t, d, work, len + 8, 0);
	tap_ok(ok, "%s in %s: trailing bytes rejected", what, dn);

	/* Size field off by one either way, zero, huge. */
	memcpy(work, good, len);
	put32(work, (u32)len + 1);
	ok = rejects(t, d, work, len, 0);
	put32(work, (u32)len - 1);
	ok &= rejects(t, d, work, len, 0);
	put32(work, 0);
	/* ...but for QEMU's Rwstat of size 0: see test_rwstat_size0(). */
	if (rtype != P9_RWSTAT || len != P9_HDRSZ)
		ok &= rejects(t, d, work, len, 0);
	put32(work, U32_MAX);
	ok &= rejects(t, d, work, len, 0);
	tap_ok(ok, "%s in %s: size field too big/small/0/U32_MAX rejected",
	       what, dn);

	/* Any other type byte. */
	ok = true;
	memcpy(work, good, len);
	for (v = 0; v < 256; v++) {
		if (v == t->type + 1U || v == P9_RLERROR || v == P9_RERROR)
			continue;
		work[4] = (u8)v;
		if (!rejects(t, d, work, len, 0)) {
			tap_diag("accepted with type %u", v);
			ok = false;
		}
	}
	tap_ok(ok, "%s in %s: every wrong type byte rejected", what, dn);

	/* Out-of-line payload on anything but a data reply. */
	if (rtype != P9_RREAD && rtype != P9_RREADDIR) {
		memcpy(work, good, len);
		put32(work, (u32)len + 1);
		tap_ok(rejects(t, d, work, len, 1),
		       "%s in %s: out-of-line bytes (ext 1) rejected", what,
		       dn);
	}
}

static void test_damage_all(void)
{
	struct p9_tmsg t;
	struct p9_rmsg r;
	size_t i, n;
	unsigned int k;

	for (i = 0; i < p9t_nttypes; i++) {
		for (k = 0; k < P9T_NDIALECTS; k++) {
			enum p9_dialect d = p9t_dialects[k];

			p9t_sample_t(p9t_ttypes[i], &t);
			if (!p9t_exists(t.type, d))
				continue;
			p9t_sample_r(&t, d, &r);
			n = p9t_encode_reply(&t, d, &r, false, wire,
					     sizeof(wire));
			damage(&t, d, r.type, wire, n);
			p9t_sample_err(&t, d, &r);
			n = p9t_encode_reply(&t, d, &r, false, wire,
					     sizeof(wire));
			damage(&t, d, r.type, wire, n);
		}
	}
}

/* The wrong dialect's error reply. */
static void test_foreign_errors(void)
{
	struct p9_tmsg t;
	u8 rl[11], re[32];
	struct bb b;

	bb_init(&b, rl, sizeof(rl));
	bb_hdr(&b, P9_RLERROR, 1);
	bb_u32(&b, 2);
	bb_finish(&b, 0);
	bb_init(&b, re, sizeof(re));
	bb_hdr(&b, P9_RERROR, 1);
	bb_str(&b, "no");
	bb_finish(&b, 0);

	p9t_sample_t(P9_TCLUNK, &t);
	tap_ok(rejects(&t, P9_LEGACY, rl, sizeof(rl), 0) &&
	       rejects(&t, P9_DOTU, rl, sizeof(rl), 0),
	       "Rlerror rejected in 9P2000 and 9P2000.u");
	tap_ok(rejects(&t, P9_DOTL, re, b.len, 0),
	       "Rerror rejected in 9P2000.L (outside Tversion)");
	p9t_sample_t(P9_TVERSION, &t);
	tap_ok(accepts(&t, P9_DOTL, re, b.len, 0) &&
	       accepts(&t, P9_LEGACY, rl, sizeof(rl), 0),
	       "Tversion accepts either error reply");
}

static size_t build_rwalk(const struct p9_tmsg *t, unsigned int nwqid)
{
	struct p9_qid q = { 0, 1, 2 };
	struct bb b;
	unsigned int i;

	bb_init(&b, wire, sizeof(wire));
	bb_hdr(&b, P9_RWALK, t->tag);
	bb_u16(&b, (u16)nwqid);
	for (i = 0; i < nwqid; i++)
		bb_qid(&b, &q);
	bb_finish(&b, 0);
	return b.len;
}

static void test_walk(void)
{
	struct p9_tmsg t;
	size_t n;

	p9t_sample_t(P9_TWALK, &t);		/* nwname 3 */
	n = build_rwalk(&t, 4);
	tap_ok(rejects(&t, P9_DOTL, wire, n, 0), "Rwalk nwqid 4 > nwname 3");
	t.walk.nwname = 0;
	n = build_rwalk(&t, 1);
	tap_ok(rejects(&t, P9_DOTL, wire, n, 0), "Rwalk nwqid 1 > nwname 0");
	t.walk.nwname = P9_MAXWELEM;
	n = build_rwalk(&t, P9_MAXWELEM + 1);
	tap_ok(rejects(&t, P9_DOTU, wire, n, 0),
	       "Rwalk nwqid 17 > nwname 16");
	t.walk.nwname = P9_MAXWELEM + 1;
	n = build_rwalk(&t, 0);
	tap_ok(rejects(&t, P9_DOTU, wire, n, 0),
	       "Rwalk to a request with nwname 17 rejected");
	t.walk.nwname = 3;
	n = build_rwalk(&t, 3);
	wire[7] = 2;	/* nwqid 2, three qids present */
	tap_ok(rejects(&t, P9_DOTL, wire, n, 0),
	       "Rwalk with more qids than nwqid rejected");
	wire[7] = 0xff;
	wire[8] = 0xff;
	tap_ok(rejects(&t, P9_DOTL, wire, n, 0), "Rwalk nwqid 65535 rejected");
}

static size_t build_rdata(u8 type, u32 count, size_t present)
{
	struct bb b;

	bb_init(&b, wire, sizeof(wire));
	bb_hdr(&b, type, 9);
	bb_u32(&b, count);
	memset(work, 'd', present);
	bb_bytes(&b, work, present);
	bb_finish(&b, 0);
	return b.len;
}

static void test_data(void)
{
	struct p9_tmsg t, td;
	size_t n;

	p9t_sample_t(P9_TREAD, &t);		/* count 4096 */
	t.read.count = 100;
	n = build_rdata(P9_RREAD, 101, 101);
	tap_ok(rejects(&t, P9_DOTL, wire, n, 0),
	       "Rread count 101 > requested 100 rejected");
	n = build_rdata(P9_RREAD, 100, 100);
	tap_ok(accepts(&t, P9_DOTL, wire, n, 0),
	       "Rread count 100 == requested 100 accepted");
	n = build_rdata(P9_RREAD, 6, 5);
	tap_ok(rejects(&t, P9_DOTL, wire, n, 0),
	       "Rread count 6 with 5 bytes present rejected");
	n = build_rdata(P9_RREAD, 4, 5);
	tap_ok(rejects(&t, P9_DOTL, wire, n, 0),
	       "Rread count 4 with 5 bytes present rejected");

	/* Zero copy: header-only buffer of 11 bytes, count == ext. */
	n = build_rdata(P9_RREAD, 50, 0);
	put32(wire, 11 + 50);
	tap_ok(accepts(&t, P9_DOTL, wire, 11, 50),
	       "zero-copy Rread count 50, ext 50 accepted");
	put32(wire, 11 + 51);
	tap_ok(rejects(&t, P9_DOTL, wire, 11, 51),
	       "zero-copy Rread count 50, ext 51 rejected");
	put32(wire, 11 + 49);
	tap_ok(rejects(&t, P9_DOTL, wire, 11, 49),
	       "zero-copy Rread count 50, ext 49 rejected");
	n = build_rdata(P9_RREAD, 101, 0);
	put32(wire, 11 + 101);
	tap_ok(rejects(&t, P9_DOTL, wire, 11, 101),
	       "zero-copy Rread count 101 > requested 100 rejected");
	n = build_rdata(P9_RREAD, 50, 1);
	put32(wire, 11 + 50);
	tap_ok(rejects(&t, P9_DOTL, wire, 12, 49),
	       "zero-copy Rread with 12 bytes in the buffer rejected");
	n = build_rdata(P9_RREAD, 0, 0);
	tap_ok(accepts(&t, P9_DOTL, wire, 11, 0),
	       "zero-copy-able Rread of 0 bytes (ext 0) accepted");
	(void)n;

	p9t_sample_t(P9_TREADDIR, &td);
	td.readdir.count = 30;
	n = build_rdata(P9_RREADDIR, 31, 31);
	tap_ok(rejects(&td, P9_DOTL, wire, n, 0),
	       "Rreaddir count 31 > requested 30 rejected");
	n = build_rdata(P9_RREADDIR, 31, 0);
	put32(wire, 11 + 31);
	tap_ok(rejects(&td, P9_DOTL, wire, 11, 31),
	       "zero-copy Rreaddir count 31 > requested 30 rejected");

	/* ext on an error reply to a read. */
	{
		u8 rl[11];
		struct bb b;

		bb_init(&b, rl, sizeof(rl));
		bb_hdr(&b, P9_RLERROR, 9);
		bb_u32(&b, 5);
		bb_finish(&b, 4);
		tap_ok(rejects(&t, P9_DOTL, rl, 11, 4),
		       "Rlerror with out-of-line bytes rejected");
	}

	p9t_sample_t(P9_TWRITE, &t);		/* count 5 */
	n = build_rdata(P9_RWRITE, 6, 0);
	tap_ok(rejects(&t, P9_DOTU, wire, n, 0),
	       "Rwrite count 6 > written 5 rejected");
}

static size_t build_rversion(u32 msize, const char *v, size_t vlen,
			     u16 claimed)
{
	struct bb b;

	bb_init(&b, wire, sizeof(wire));
	bb_hdr(&b, P9_RVERSION, P9_NOTAG);
	bb_u32(&b, msize);
	bb_u16(&b, claimed);
	bb_bytes(&b, v, vlen);
	bb_finish(&b, 0);
	return b.len;
}

static void test_version(void)
{
	struct p9_tmsg t;
	size_t n;

	p9t_sample_t(P9_TVERSION, &t);
	n = build_rversion(0, "9P2000.L", 8, 8);
	tap_ok(rejects(&t, P9_DOTL, wire, n, 0), "Rversion msize 0 rejected");
	n = build_rversion(t.version.msize + 1, "9P2000.L", 8, 8);
	tap_ok(rejects(&t, P9_DOTL, wire, n, 0),
	       "Rversion msize above the request's rejected");
	n = build_rversion(4096, "9P2000.L", 8, 100);
	tap_ok(rejects(&t, P9_DOTL, wire, n, 0),
	       "Rversion string overrunning the message rejected");
	n = build_rversion(4096, "9P2000.L", 8, 7);
	tap_ok(rejects(&t, P9_DOTL, wire, n, 0),
	       "Rversion string shorter than the message rejected");
	n = build_rversion(4096, "9P\0" "000.L", 8, 8);
	tap_ok(rejects(&t, P9_DOTL, wire, n, 0),
	       "Rversion string with a NUL byte rejected");
	n = build_rversion(4096, "", 0, 0);
	tap_ok(accepts(&t, P9_DOTL, wire, n, 0),
	       "Rversion with an empty string accepted (the client judges)");
}

static void test_nul_strings(void)
{
	struct p9_tmsg t;
	struct bb b;

	p9t_sample_t(P9_TREADLINK, &t);
	bb_init(&b, wire, sizeof(wire));
	bb_hdr(&b, P9_RREADLINK, t.tag);
	bb_u16(&b, 3);
	bb_bytes(&b, "a\0b", 3);
	bb_finish(&b, 0);
	tap_ok(rejects(&t, P9_DOTL, wire, b.len, 0),
	       "Rreadlink target with a NUL byte rejected");

	p9t_sample_t(P9_TCLUNK, &t);
	bb_init(&b, wire, sizeof(wire));
	bb_hdr(&b, P9_RERROR, t.tag);
	bb_u16(&b, 4);
	bb_bytes(&b, "ba\0d", 4);
	bb_u32(&b, 2);
	bb_finish(&b, 0);
	tap_ok(rejects(&t, P9_DOTU, wire, b.len, 0),
	       "Rerror ename with a NUL byte rejected");

	p9t_sample_t(P9_TGETLOCK, &t);
	bb_init(&b, wire, sizeof(wire));
	bb_hdr(&b, P9_RGETLOCK, t.tag);
	bb_u8(&b, P9_LOCK_TYPE_UNLCK);
	bb_u64(&b, 0);
	bb_u64(&b, 0);
	bb_u32(&b, 0);
	bb_u16(&b, 1);
	bb_u8(&b, 0);
	bb_finish(&b, 0);
	tap_ok(rejects(&t, P9_DOTL, wire, b.len, 0),
	       "Rgetlock client_id with a NUL byte rejected");
}

static void test_lock(void)
{
	struct p9_tmsg t;
	struct bb b;
	unsigned int v;
	bool ok = true;

	p9t_sample_t(P9_TLOCK, &t);
	for (v = 0; v < 256; v++) {
		bb_init(&b, wire, sizeof(wire));
		bb_hdr(&b, P9_RLOCK, t.tag);
		bb_u8(&b, (u8)v);
		bb_finish(&b, 0);
		if (v <= P9_LOCK_GRACE ? !accepts(&t, P9_DOTL, wire, b.len, 0)
				       : !rejects(&t, P9_DOTL, wire, b.len, 0))
			ok = false;
	}
	tap_ok(ok, "Rlock status 0..3 accepted, 4..255 rejected");

	p9t_sample_t(P9_TGETLOCK, &t);
	ok = true;
	for (v = 0; v < 256; v++) {
		bb_init(&b, wire, sizeof(wire));
		bb_hdr(&b, P9_RGETLOCK, t.tag);
		bb_u8(&b, (u8)v);
		bb_u64(&b, 0);
		bb_u64(&b, 0);
		bb_u32(&b, 0);
		bb_str(&b, "c");
		bb_finish(&b, 0);
		if (v <= P9_LOCK_TYPE_UNLCK ?
		    !accepts(&t, P9_DOTL, wire, b.len, 0) :
		    !rejects(&t, P9_DOTL, wire, b.len, 0))
			ok = false;
	}
	tap_ok(ok, "Rgetlock type 0..2 accepted, 3..255 rejected");
}

/* An Rstat whose n[2] and stat size[2] are set by hand. */
static size_t build_rstat(enum p9_dialect sd, int dn, int dsize, size_t pad)
{
	struct p9_tmsg t;
	struct p9_rmsg r;
	struct bb b;
	size_t st_at, st_len;

	p9t_sample_t(P9_TSTAT, &t);
	p9t_sample_r(&t, sd, &r);
	bb_init(&b, wire, sizeof(wire));
	bb_hdr(&b, P9_RSTAT, t.tag);
	bb_u16(&b, 0);
	st_at = b.len;
	p9t_put_stat(&b, &r.stat, sd);
	memset(work, 0, pad);
	bb_bytes(&b, work, pad);
	st_len = b.len - st_at;
	wire[7] = (u8)(st_len + dn);
	wire[8] = (u8)((st_len + dn) >> 8);
	wire[st_at] = (u8)(st_len - 2 + dsize);
	wire[st_at + 1] = (u8)((st_len - 2 + dsize) >> 8);
	bb_finish(&b, 0);
	return b.len;
}

static void test_stat(void)
{
	struct p9_tmsg t;
	struct p9_stat st;
	size_t n;

	p9t_sample_t(P9_TSTAT, &t);
	n = build_rstat(P9_DOTU, 0, 0, 0);
	tap_ok(accepts(&t, P9_DOTU, wire, n, 0), "Rstat sample accepted");
	/* QEMU's server leaves n at zero: the stat's own size must decide. */
	n = build_rstat(P9_DOTU, 0, 0, 0);
	wire[7] = 0;
	wire[8] = 0;
	tap_ok(accepts(&t, P9_DOTU, wire, n, 0), "Rstat with n = 0 accepted");
	n = build_rstat(P9_DOTU, 0, 0, 3);
	wire[7] = 0;
	wire[8] = 0;
	tap_ok(rejects(&t, P9_DOTU, wire, n, 0),
	       "Rstat with n = 0 and bytes after the stat rejected");
	n = build_rstat(P9_DOTU, 1, 0, 0);
	tap_ok(rejects(&t, P9_DOTU, wire, n, 0),
	       "Rstat n one more than the stat rejected");
	n = build_rstat(P9_DOTU, -1, 0, 0);
	tap_ok(rejects(&t, P9_DOTU, wire, n, 0),
	       "Rstat n one less than the stat rejected");
	n = build_rstat(P9_DOTU, 0, 1, 0);
	tap_ok(rejects(&t, P9_DOTU, wire, n, 0),
	       "Rstat stat size one too big rejected");
	n = build_rstat(P9_DOTU, 0, -1, 0);
	tap_ok(rejects(&t, P9_DOTU, wire, n, 0),
	       "Rstat stat size one too small rejected");
	n = build_rstat(P9_DOTU, 0, 0, 3);
	tap_ok(rejects(&t, P9_DOTU, wire, n, 0),
	       "Rstat stat with 3 unexplained bytes inside rejected");
	n = build_rstat(P9_DOTU, 0, -3, 3);
	tap_ok(rejects(&t, P9_DOTU, wire, n, 0),
	       "Rstat n covering bytes after the stat rejected");
	n = build_rstat(P9_DOTU, 0, 0, 0);
	tap_ok(rejects(&t, P9_LEGACY, wire, n, 0),
	       "9P2000.u Rstat rejected in 9P2000");
	n = build_rstat(P9_LEGACY, 0, 0, 0);
	tap_ok(rejects(&t, P9_DOTU, wire, n, 0),
	       "9P2000 Rstat rejected in 9P2000.u");

	/* p9_decode_stat on its own */
	n = build_rstat(P9_LEGACY, 0, 0, 0);
	tap_ok(p9_decode_stat(wire + 9, n - 9, P9_LEGACY, &st) ==
	       (int)(n - 9), "p9_decode_stat returns the bytes used");
	{
		size_t cut;
		bool ok = true;

		for (cut = 0; cut < n - 9; cut++) {
			memcpy(work, wire + 9, cut);
			if (p9_decode_stat(work, cut, P9_LEGACY, &st) != -EIO)
				ok = false;
		}
		tap_ok(ok, "p9_decode_stat: cut at every offset rejected");
	}
	/* A NUL byte in the name: "usr" -> "u\0r". */
	memcpy(work, wire + 9, n - 9);
	work[2 + 39 + 2 + 1] = 0;
	tap_ok(p9_decode_stat(work, n - 9, P9_LEGACY, &st) == -EIO,
	       "p9_decode_stat: NUL byte in the name rejected");
	/* The name's length overrunning the stat's size. */
	memcpy(work, wire + 9, n - 9);
	work[2 + 39] = 200;
	tap_ok(p9_decode_stat(work, n - 9, P9_LEGACY, &st) == -EIO,
	       "p9_decode_stat: name overrunning the stat rejected");
}

/*
 * QEMU's server answers the sync Twstat (every field "don't touch") with
 * a bare header whose size field is 0.  Exactly that is taken as Rwstat.
 */
static void test_rwstat_size0(void)
{
	struct p9_tmsg t, other;
	u8 hdr[P9_HDRSZ + 4];

	p9t_sample_t(P9_TWSTAT, &t);
	put32(hdr, 0);
	hdr[4] = P9_RWSTAT;
	hdr[5] = (u8)t.tag;
	hdr[6] = (u8)(t.tag >> 8);
	tap_ok(accepts(&t, P9_DOTU, hdr, P9_HDRSZ, 0),
	       "Rwstat with size 0 (QEMU's sync reply) accepted in 9P2000.u");
	tap_ok(accepts(&t, P9_LEGACY, hdr, P9_HDRSZ, 0),
	       "Rwstat with size 0 accepted in 9P2000");
	tap_ok(rejects(&t, P9_DOTU, hdr, P9_HDRSZ, 1),
	       "Rwstat with size 0 and out-of-line bytes rejected");
	memset(hdr + P9_HDRSZ, 0, 4);
	tap_ok(rejects(&t, P9_DOTU, hdr, P9_HDRSZ + 4, 0),
	       "size 0 with bytes after the header rejected");
	tap_ok(rejects(&t, P9_DOTU, hdr, P9_HDRSZ - 1, 0),
	       "size 0 with a short header rejected");
	hdr[4] = P9_RERROR;
	tap_ok(rejects(&t, P9_DOTU, hdr, P9_HDRSZ, 0),
	       "Rerror with size 0 rejected");
	p9t_sample_t(P9_TCLUNK, &other);
	hdr[4] = P9_RCLUNK;
	tap_ok(rejects(&other, P9_DOTU, hdr, P9_HDRSZ, 0),
	       "Rclunk with size 0 rejected");
	hdr[4] = P9_RWSTAT;
	tap_ok(rejects(&other, P9_DOTU, hdr, P9_HDRSZ, 0),
	       "Rwstat with size 0 to a Tclunk rejected");
}

/*
 * Its virtio device reports 0 bytes used for that reply: p9_reply_len()
 * counts the header the buffer holds for Twstat alone, where the header
 * was zero before the reply and now holds size 0 and type Rwstat.
 */
static void test_rwstat_len0(void)
{
	struct p9_tmsg t, other;
	u8 hdr[P9_HDRSZ] = { 0 };

	p9t_sample_t(P9_TWSTAT, &t);
	p9t_sample_t(P9_TCLUNK, &other);
	tap_ok(p9_reply_len(&t, hdr, sizeof(hdr), 0) == 0,
	       "p9_reply_len: an untouched (zero) header stays 0 bytes");
	hdr[4] = P9_RWSTAT;
	tap_ok(p9_reply_len(&t, hdr, sizeof(hdr), 0) == P9_HDRSZ,
	       "p9_reply_len: QEMU's empty Rwstat of 0 bytes is a header");
	tap_ok(p9_reply_len(&t, hdr, sizeof(hdr), 5) == 5 &&
	       p9_reply_len(&t, hdr, sizeof(hdr), 11) == 11,
	       "p9_reply_len: a counted length is kept");
	tap_ok(p9_reply_len(&t, hdr, P9_HDRSZ - 1, 0) == 0,
	       "p9_reply_len: no header without room for one");
	tap_ok(p9_reply_len(&other, hdr, sizeof(hdr), 0) == 0,
	       "p9_reply_len: not for a Tclunk");
	hdr[4] = P9_RERROR;
	tap_ok(p9_reply_len(&t, hdr, sizeof(hdr), 0) == 0,
	       "p9_reply_len: not for an Rerror");
	hdr[4] = P9_RWSTAT;
	hdr[0] = P9_HDRSZ;
	tap_ok(p9_reply_len(&t, hdr, sizeof(hdr), 0) == 0,
	       "p9_reply_len: not with a nonzero size field");
}

static void test_dirent(void)
{
	struct p9_dirent de;
	struct p9_qid q = { P9_QTFILE, 1, 2 };
	u8 buf[64];
	struct bb b;
	size_t cut;
	bool ok = true;

	bb_init(&b, buf, sizeof(buf));
	bb_qid(&b, &q);
	bb_u64(&b, 7);
	bb_u8(&b, 8);
	bb_str(&b, "name");
	tap_ok(p9_decode_dirent(buf, b.len, &de) == (int)b.len &&
	       b.len == 13 + 8 + 1 + 2 + 4,
	       "dirent: 28 bytes used");
	for (cut = 0; cut < b.len; cut++) {
		memcpy(work, buf, cut);
		if (p9_decode_dirent(work, cut, &de) != -EIO)
			ok = false;
	}
	tap_ok(ok, "dirent: cut at every offset rejected");
	memcpy(work, buf, b.len);
	work[24] = 0;
	tap_ok(p9_decode_dirent(work, b.len, &de) == -EIO,
	       "dirent: NUL byte in the name rejected");
	memcpy(work, buf, b.len);
	work[22] = 5;
	tap_ok(p9_decode_dirent(work, b.len, &de) == -EIO,
	       "dirent: name overrunning the payload rejected");
}

static void test_lengths(void)
{
	static u8 small[16];
	struct p9_tmsg t;
	struct p9_rmsg r;

	p9t_sample_t(P9_TREAD, &t);
	put32(small, 11);
	small[4] = P9_RREAD;
	tap_ok(p9_decode(&t, P9_DOTL, small, (size_t)U32_MAX + 12, 0, &r) ==
	       -EIO, "len beyond U32_MAX rejected before reading");
	tap_ok(p9_decode(&t, P9_DOTL, small, 11, (size_t)-1, &r) == -EIO,
	       "ext of SIZE_MAX rejected");
	tap_ok(p9_decode(&t, P9_DOTL, small, 11, U32_MAX, &r) == -EIO,
	       "len + ext beyond U32_MAX rejected");
	t.type = P9_RREAD;
	tap_ok(rejects(&t, P9_DOTL, small, 11, 0),
	       "a request of R type is not decoded against");
	t.type = P9_TLERROR;
	tap_ok(rejects(&t, P9_DOTL, small, 11, 0),
	       "a request of type Tlerror is not decoded against");
}

void p9t_malformed_tests(void)
{
	test_damage_all();
	test_foreign_errors();
	test_walk();
	test_data();
	test_version();
	test_nul_strings();
	test_lock();
	test_stat();
	test_rwstat_size0();
	test_rwstat_len0();
	test_dirent();
	test_lengths();
}
