// SPDX-License-Identifier: GPL-2.0-only
/*
 * Golden vectors: messages written out byte by byte by hand from the
 * protocol documents (little-endian; size[4] type[1] tag[2] ...), checked
 * against the encoder (T) and the decoder (R).
 */
#include <string.h>

#include "unit.h"

static u8 out[1024];

static bool encodes_to(const struct p9_tmsg *t, enum p9_dialect d,
		       const u8 *want, size_t wlen)
{
	size_t len = 0;

	return !p9_encode(t, d, out, sizeof(out), &len) && len == wlen &&
	       !memcmp(out, want, wlen);
}

#define S(x)	((struct p9_str){ x, sizeof(x) - 1 })

static void golden_version(void)
{
	static const u8 tversion[] = {
		0x15, 0x00, 0x00, 0x00,		/* size 21 */
		0x64,				/* Tversion */
		0xff, 0xff,			/* NOTAG */
		0x00, 0x20, 0x00, 0x00,		/* msize 8192 */
		0x08, 0x00, '9', 'P', '2', '0', '0', '0', '.', 'L',
	};
	static const u8 rversion[] = {
		0x13, 0x00, 0x00, 0x00,		/* size 19 */
		0x65,				/* Rversion */
		0xff, 0xff,
		0x00, 0x10, 0x00, 0x00,		/* msize 4096 */
		0x06, 0x00, '9', 'P', '2', '0', '0', '0',
	};
	struct p9_tmsg t = { .type = P9_TVERSION, .tag = P9_NOTAG };
	struct p9_rmsg r;

	t.version.msize = 8192;
	t.version.version = S("9P2000.L");
	tap_ok(encodes_to(&t, P9_DOTL, tversion, sizeof(tversion)),
	       "golden Tversion");
	tap_ok(!p9t_decode(&t, P9_DOTL, rversion, sizeof(rversion), 0, &r) &&
	       r.type == P9_RVERSION && r.tag == P9_NOTAG && !r.err &&
	       r.version.msize == 4096 &&
	       p9t_str_equal(r.version.version, S("9P2000")),
	       "golden Rversion (server answers 9P2000, msize 4096)");
}

static void golden_attach(void)
{
	static const u8 tattach_l[] = {
		0x1b, 0x00, 0x00, 0x00,		/* size 27 */
		0x68, 0x01, 0x00,		/* Tattach, tag 1 */
		0x01, 0x00, 0x00, 0x00,		/* fid 1 */
		0xff, 0xff, 0xff, 0xff,		/* afid NOFID */
		0x04, 0x00, 'r', 'o', 'o', 't',	/* uname */
		0x00, 0x00,			/* aname "" */
		0x00, 0x00, 0x00, 0x00,		/* n_uname 0 */
	};
	static const u8 tattach_legacy[] = {
		0x17, 0x00, 0x00, 0x00,		/* size 23 */
		0x68, 0x01, 0x00,
		0x01, 0x00, 0x00, 0x00,
		0xff, 0xff, 0xff, 0xff,
		0x04, 0x00, 'r', 'o', 'o', 't',
		0x00, 0x00,
	};
	static const u8 rattach[] = {
		0x14, 0x00, 0x00, 0x00,		/* size 20 */
		0x69, 0x01, 0x00,		/* Rattach, tag 1 */
		0x80,				/* qid.type QTDIR */
		0x00, 0x00, 0x00, 0x00,		/* qid.version */
		0x01, 0x00, 0x00, 0x00,		/* qid.path 1 */
		0x00, 0x00, 0x00, 0x00,
	};
	struct p9_tmsg t = { .type = P9_TATTACH, .tag = 1 };
	struct p9_rmsg r;

	t.attach.fid = 1;
	t.attach.afid = P9_NOFID;
	t.attach.uname = S("root");
	t.attach.aname = S("");
	t.attach.n_uname = 0;
	tap_ok(encodes_to(&t, P9_DOTL, tattach_l, sizeof(tattach_l)),
	       "golden Tattach (9P2000.L, with n_uname)");
	tap_ok(encodes_to(&t, P9_LEGACY, tattach_legacy,
			  sizeof(tattach_legacy)),
	       "golden Tattach (9P2000, without n_uname)");
	tap_ok(!p9t_decode(&t, P9_DOTL, rattach, sizeof(rattach), 0, &r) &&
	       r.type == P9_RATTACH && r.tag == 1 &&
	       r.qid.qid.type == P9_QTDIR && r.qid.qid.version == 0 &&
	       r.qid.qid.path == 1,
	       "golden Rattach");
}

static void golden_walk(void)
{
	static const u8 twalk[] = {
		0x1b, 0x00, 0x00, 0x00,		/* size 27 */
		0x6e, 0x02, 0x00,		/* Twalk, tag 2 */
		0x01, 0x00, 0x00, 0x00,		/* fid 1 */
		0x02, 0x00, 0x00, 0x00,		/* newfid 2 */
		0x02, 0x00,			/* nwname 2 */
		0x03, 0x00, 'u', 's', 'r',
		0x03, 0x00, 'b', 'i', 'n',
	};
	static const u8 rwalk[] = {
		0x23, 0x00, 0x00, 0x00,		/* size 35 */
		0x6f, 0x02, 0x00,		/* Rwalk, tag 2 */
		0x02, 0x00,			/* nwqid 2 */
		0x80, 0x00, 0x00, 0x00, 0x00,	/* QTDIR, version 0 */
		0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x05, 0x00, 0x00, 0x00,	/* QTFILE, version 5 */
		0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct p9_tmsg t = { .type = P9_TWALK, .tag = 2 };
	struct p9_rmsg r;

	t.walk.fid = 1;
	t.walk.newfid = 2;
	t.walk.nwname = 2;
	t.walk.wname[0] = S("usr");
	t.walk.wname[1] = S("bin");
	tap_ok(encodes_to(&t, P9_DOTU, twalk, sizeof(twalk)), "golden Twalk");
	tap_ok(!p9t_decode(&t, P9_DOTU, rwalk, sizeof(rwalk), 0, &r) &&
	       r.type == P9_RWALK && r.walk.nwqid == 2 &&
	       r.walk.wqid[0].type == P9_QTDIR &&
	       r.walk.wqid[0].path == 0x10 &&
	       r.walk.wqid[1].type == P9_QTFILE &&
	       r.walk.wqid[1].version == 5 && r.walk.wqid[1].path == 0x11,
	       "golden Rwalk");
}

static void golden_read(void)
{
	static const u8 tread[] = {
		0x17, 0x00, 0x00, 0x00,		/* size 23 */
		0x74, 0x03, 0x00,		/* Tread, tag 3 */
		0x02, 0x00, 0x00, 0x00,		/* fid 2 */
		0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 4096 */
		0x00, 0x10, 0x00, 0x00,		/* count 4096 */
	};
	static const u8 rread[] = {
		0x0e, 0x00, 0x00, 0x00,		/* size 14 */
		0x75, 0x03, 0x00,		/* Rread, tag 3 */
		0x03, 0x00, 0x00, 0x00,		/* count 3 */
		'a', 'b', 'c',
	};
	struct p9_tmsg t = { .type = P9_TREAD, .tag = 3 };
	struct p9_rmsg r;

	t.read.fid = 2;
	t.read.offset = 4096;
	t.read.count = 4096;
	tap_ok(encodes_to(&t, P9_LEGACY, tread, sizeof(tread)),
	       "golden Tread");
	tap_ok(!p9t_decode(&t, P9_LEGACY, rread, sizeof(rread), 0, &r) &&
	       r.type == P9_RREAD && r.data.count == 3 &&
	       r.data.data && !memcmp(r.data.data, "abc", 3),
	       "golden Rread");
	/* The same reply with its payload out of line. */
	tap_ok(!p9t_decode(&t, P9_LEGACY, rread, 11, 3, &r) &&
	       r.type == P9_RREAD && r.data.count == 3 && !r.data.data,
	       "golden Rread, zero copy (11 bytes here, 3 elsewhere)");
}

static void golden_getattr(void)
{
	static const u8 tgetattr[] = {
		0x13, 0x00, 0x00, 0x00,		/* size 19 */
		0x18, 0x04, 0x00,		/* Tgetattr, tag 4 */
		0x02, 0x00, 0x00, 0x00,		/* fid 2 */
		0xff, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* BASIC */
	};
	static const u8 rgetattr[] = {
		0xa0, 0x00, 0x00, 0x00,		/* size 160 */
		0x19, 0x04, 0x00,		/* Rgetattr, tag 4 */
		0xff, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* valid */
		0x00, 0x01, 0x00, 0x00, 0x00,	/* qid: file, version 1 */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* path 2 */
		0xa4, 0x81, 0x00, 0x00,		/* mode 0100644 */
		0xe8, 0x03, 0x00, 0x00,		/* uid 1000 */
		0x64, 0x00, 0x00, 0x00,		/* gid 100 */
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* nlink */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* rdev */
		0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* size */
		0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* blksize */
		0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* blocks */
		0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* atime */
		0xc8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x2c, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* mtime */
		0x90, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0xf4, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* ctime */
		0x58, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* btime */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* gen */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, /* data_v */
	};
	struct p9_tmsg t = { .type = P9_TGETATTR, .tag = 4 };
	struct p9_rmsg r;
	const struct p9_attr *a = &r.attr;

	t.getattr.fid = 2;
	t.getattr.mask = P9_GETATTR_BASIC;
	tap_ok(sizeof(rgetattr) == 160 &&
	       encodes_to(&t, P9_DOTL, tgetattr, sizeof(tgetattr)),
	       "golden Tgetattr");
	tap_ok(!p9t_decode(&t, P9_DOTL, rgetattr, sizeof(rgetattr), 0, &r) &&
	       r.type == P9_RGETATTR && r.tag == 4 &&
	       a->valid == P9_GETATTR_BASIC && a->qid.type == P9_QTFILE &&
	       a->qid.version == 1 && a->qid.path == 2 &&
	       a->mode == 0100644 && a->uid == 1000 && a->gid == 100 &&
	       a->nlink == 1 && a->rdev == 0 && a->size == 5 &&
	       a->blksize == 4096 && a->blocks == 8 &&
	       a->atime_sec == 100 && a->atime_nsec == 200 &&
	       a->mtime_sec == 300 && a->mtime_nsec == 400 &&
	       a->ctime_sec == 500 && a->ctime_nsec == 600 &&
	       !a->btime_sec && !a->btime_nsec && !a->gen &&
	       a->data_version == 0x8000000000000000ULL,
	       "golden Rgetattr");
}

static void golden_readdir(void)
{
	static const u8 treaddir[] = {
		0x17, 0x00, 0x00, 0x00,		/* size 23 */
		0x28, 0x05, 0x00,		/* Treaddir, tag 5 */
		0x03, 0x00, 0x00, 0x00,		/* fid 3 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* offset */
		0x00, 0x20, 0x00, 0x00,		/* count 8192 */
	};
	static const u8 rreaddir[] = {
		0x24, 0x00, 0x00, 0x00,		/* size 36 */
		0x29, 0x05, 0x00,		/* Rreaddir, tag 5 */
		0x19, 0x00, 0x00, 0x00,		/* count 25 */
		0x80, 0x00, 0x00, 0x00, 0x00,	/* qid: dir, version 0 */
		0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* path */
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* offset */
		0x04,				/* type DT_DIR */
		0x01, 0x00, '.',
	};
	struct p9_tmsg t = { .type = P9_TREADDIR, .tag = 5 };
	struct p9_rmsg r;
	struct p9_dirent de;

	t.readdir.fid = 3;
	t.readdir.offset = 0;
	t.readdir.count = 8192;
	tap_ok(encodes_to(&t, P9_DOTL, treaddir, sizeof(treaddir)),
	       "golden Treaddir");
	tap_ok(!p9t_decode(&t, P9_DOTL, rreaddir, sizeof(rreaddir), 0, &r) &&
	       r.type == P9_RREADDIR && r.data.count == 25 &&
	       p9_decode_dirent(r.data.data, r.data.count, &de) == 25 &&
	       de.qid.type == P9_QTDIR && de.qid.path == 0x20 &&
	       de.offset == 1 && de.type == 4 &&
	       p9t_str_equal(de.name, S(".")),
	       "golden Rreaddir and its dirent");
}

static void golden_errors(void)
{
	static const u8 rlerror[] = {
		0x0b, 0x00, 0x00, 0x00,		/* size 11 */
		0x07, 0x06, 0x00,		/* Rlerror, tag 6 */
		0x02, 0x00, 0x00, 0x00,		/* ENOENT */
	};
	static const u8 rerror_u[] = {
		0x1b, 0x00, 0x00, 0x00,		/* size 27 */
		0x6b, 0x06, 0x00,		/* Rerror, tag 6 */
		0x0e, 0x00, 'f', 'i', 'l', 'e', ' ', 'n', 'o', 't', ' ',
		'f', 'o', 'u', 'n', 'd',
		0x02, 0x00, 0x00, 0x00,		/* errno ENOENT */
	};
	static const u8 rerror[] = {
		0x17, 0x00, 0x00, 0x00,		/* size 23 */
		0x6b, 0x06, 0x00,		/* Rerror, tag 6 */
		0x0e, 0x00, 'f', 'i', 'l', 'e', ' ', 'n', 'o', 't', ' ',
		'f', 'o', 'u', 'n', 'd',
	};
	struct p9_tmsg t = { .type = P9_TCLUNK, .tag = 6 };
	struct p9_rmsg r;

	tap_ok(!p9t_decode(&t, P9_DOTL, rlerror, sizeof(rlerror), 0, &r) &&
	       r.type == P9_RLERROR && r.tag == 6 && r.lerror.ecode == 2 &&
	       r.err == -ENOENT,
	       "golden Rlerror");
	tap_ok(!p9t_decode(&t, P9_DOTU, rerror_u, sizeof(rerror_u), 0, &r) &&
	       r.type == P9_RERROR && r.error.errnum == 2 &&
	       p9t_str_equal(r.error.ename, S("file not found")) &&
	       r.err == -ENOENT,
	       "golden Rerror (9P2000.u)");
	tap_ok(!p9t_decode(&t, P9_LEGACY, rerror, sizeof(rerror), 0, &r) &&
	       r.type == P9_RERROR && r.error.errnum == 0 &&
	       r.err == -ENOENT,
	       "golden Rerror (9P2000)");
	tap_ok(p9t_decode(&t, P9_LEGACY, rerror_u, sizeof(rerror_u), 0, &r) ==
	       -EIO && p9t_decode(&t, P9_DOTU, rerror, sizeof(rerror), 0,
				  &r) == -EIO &&
	       p9t_decode(&t, P9_DOTL, rerror, sizeof(rerror), 0, &r) ==
	       -EIO && p9t_decode(&t, P9_DOTU, rlerror, sizeof(rlerror), 0,
				  &r) == -EIO,
	       "golden errors rejected in the wrong dialect");
}

static void golden_stat(void)
{
	static const u8 tstat[] = {
		0x0b, 0x00, 0x00, 0x00,		/* size 11 */
		0x7c, 0x07, 0x00,		/* Tstat, tag 7 */
		0x09, 0x00, 0x00, 0x00,		/* fid 9 */
	};
	static const u8 rstat[] = {
		0x3e, 0x00, 0x00, 0x00,		/* size 62 */
		0x7d, 0x07, 0x00,		/* Rstat, tag 7 */
		0x35, 0x00,			/* n 53 */
		0x33, 0x00,			/* stat size 51 */
		0x00, 0x00,			/* type */
		0x00, 0x00, 0x00, 0x00,		/* dev */
		0x80, 0x00, 0x00, 0x00, 0x00,	/* qid: dir */
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0xed, 0x01, 0x00, 0x80,		/* DMDIR | 0755 */
		0x01, 0x00, 0x00, 0x00,		/* atime */
		0x02, 0x00, 0x00, 0x00,		/* mtime */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* length */
		0x01, 0x00, '/',
		0x01, 0x00, 'u',
		0x01, 0x00, 'g',
		0x01, 0x00, 'm',
	};
	struct p9_tmsg t = { .type = P9_TSTAT, .tag = 7 };
	struct p9_rmsg r;

	t.stat.fid = 9;
	tap_ok(encodes_to(&t, P9_LEGACY, tstat, sizeof(tstat)),
	       "golden Tstat");
	tap_ok(sizeof(rstat) == 62 &&
	       !p9t_decode(&t, P9_LEGACY, rstat, sizeof(rstat), 0, &r) &&
	       r.type == P9_RSTAT && r.stat.mode == (P9_DMDIR | 0755) &&
	       r.stat.qid.type == P9_QTDIR && r.stat.atime == 1 &&
	       r.stat.mtime == 2 && p9t_str_equal(r.stat.name, S("/")) &&
	       p9t_str_equal(r.stat.muid, S("m")),
	       "golden Rstat (9P2000)");
	tap_ok(p9t_decode(&t, P9_DOTU, rstat, sizeof(rstat), 0, &r) == -EIO,
	       "golden 9P2000 Rstat rejected as 9P2000.u");
}

void p9t_golden_tests(void)
{
	golden_version();
	golden_attach();
	golden_walk();
	golden_read();
	golden_getattr();
	golden_readdir();
	golden_errors();
	golden_stat();
}
