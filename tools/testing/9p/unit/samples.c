// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sample messages for the unit tests: one request of every type, its
 * encoding written out field by field from the protocol's layouts, and a
 * well-formed reply to it.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* Every request of the codec's message table, in the table's order. */
#define P9T_TTYPE(NAME, ...)	P9_T##NAME,
const u8 p9t_ttypes[] = { P9_MESSAGES(P9T_TTYPE) };

const size_t p9t_nttypes = sizeof(p9t_ttypes);

bool p9t_is_ttype(unsigned int type)
{
	return memchr(p9t_ttypes, type, p9t_nttypes) != NULL;
}

const enum p9_dialect p9t_dialects[P9T_NDIALECTS] = {
	P9_LEGACY, P9_DOTU, P9_DOTL,
};

const char *p9t_name(u8 type)
{
	return p9_msg_name(type) ? p9_msg_name(type) : "T?";
}

const char *p9t_dname(enum p9_dialect d)
{
	switch (d) {
	case P9_LEGACY:
		return "9P2000";
	case P9_DOTU:
		return "9P2000.u";
	case P9_DOTL:
		return "9P2000.L";
	}
	return "9P?";
}

/* Which dialects have which message, as the protocol documents say:
 * written apart from the codec's table, so that tests can catch it.
 */
bool p9t_exists(u8 ttype, enum p9_dialect d)
{
	switch (ttype) {
	case P9_TVERSION:
	case P9_TAUTH:
	case P9_TATTACH:
	case P9_TFLUSH:
	case P9_TWALK:
	case P9_TREAD:
	case P9_TWRITE:
	case P9_TCLUNK:
	case P9_TREMOVE:
		return true;
	case P9_TOPEN:
	case P9_TCREATE:
	case P9_TSTAT:
	case P9_TWSTAT:
		return d != P9_DOTL;
	default:
		return d == P9_DOTL;
	}
}

static const struct p9_qid qid_a = { P9_QTDIR, 0x01020304, 0x1122334455667788ULL };
static const struct p9_qid qid_b = { P9_QTFILE, 7, 42 };
static const struct p9_qid qid_c = { P9_QTSYMLINK, 0xffffffff, ~0ULL };

static void sample_stat(struct p9_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->type = 0x0102;
	st->dev = 0x03040506;
	st->qid = qid_a;
	st->mode = P9_DMDIR | 0755;
	st->atime = 1700000000;
	st->mtime = 1700000001;
	st->length = 0x123456789aULL;
	st->name = p9t_str("usr");
	st->uid = p9t_str("glenda");
	st->gid = p9t_str("sys");
	st->muid = p9t_str("bootes");
	st->extension = p9t_str("");
	st->n_uid = 1000;
	st->n_gid = 100;
	st->n_muid = 1001;
}

void p9t_sample_t(u8 type, struct p9_tmsg *t)
{
	static const char hello[] = "hello";

	memset(t, 0, sizeof(*t));
	t->type = type;
	t->tag = type;
	switch (type) {
	case P9_TVERSION:
		t->tag = P9_NOTAG;
		t->version.msize = 8192 + P9_IOHDRSZ;
		t->version.version = p9t_str("9P2000.L");
		break;
	case P9_TAUTH:
		t->auth.afid = 5;
		t->auth.uname = p9t_str("glenda");
		t->auth.aname = p9t_str("/srv");
		t->auth.n_uname = 1000;
		break;
	case P9_TATTACH:
		t->attach.fid = 1;
		t->attach.afid = P9_NOFID;
		t->attach.uname = p9t_str("root");
		t->attach.aname = p9t_str("/");
		t->attach.n_uname = 0;
		break;
	case P9_TFLUSH:
		t->flush.oldtag = 0x1234;
		break;
	case P9_TWALK:
		t->walk.fid = 1;
		t->walk.newfid = 2;
		t->walk.nwname = 3;
		t->walk.wname[0] = p9t_str("usr");
		t->walk.wname[1] = p9t_str("lib");
		t->walk.wname[2] = p9t_str("x");
		break;
	case P9_TOPEN:
		t->open.fid = 3;
		t->open.mode = P9_ORDWR | P9_OTRUNC;
		break;
	case P9_TCREATE:
		t->create.fid = 4;
		t->create.name = p9t_str("new");
		t->create.perm = P9_DMSYMLINK | 0777;
		t->create.mode = P9_OWRITE;
		t->create.extension = p9t_str("target");
		break;
	case P9_TREAD:
		t->read.fid = 5;
		t->read.offset = 0x0102030405060708ULL;
		t->read.count = 4096;
		break;
	case P9_TWRITE:
		t->write.fid = 6;
		t->write.offset = 77;
		t->write.count = 5;
		t->write.data = hello;
		break;
	case P9_TCLUNK:
	case P9_TREMOVE:
	case P9_TSTAT:
	case P9_TSTATFS:
	case P9_TREADLINK:
		t->clunk.fid = 0x100 + type;
		break;
	case P9_TWSTAT:
		t->wstat.fid = 10;
		sample_stat(&t->wstat.stat);
		t->wstat.stat.extension = p9t_str("ext");
		break;
	case P9_TLOPEN:
		t->lopen.fid = 12;
		t->lopen.flags = P9_DOTL_RDWR | P9_DOTL_NOATIME;
		break;
	case P9_TLCREATE:
		t->lcreate.fid = 13;
		t->lcreate.name = p9t_str("file");
		t->lcreate.flags = P9_DOTL_CREATE | P9_DOTL_WRONLY;
		t->lcreate.mode = 0100644;
		t->lcreate.gid = 100;
		break;
	case P9_TSYMLINK:
		t->symlink.fid = 14;
		t->symlink.name = p9t_str("link");
		t->symlink.target = p9t_str("../t");
		t->symlink.gid = 101;
		break;
	case P9_TMKNOD:
		t->mknod.dfid = 15;
		t->mknod.name = p9t_str("dev");
		t->mknod.mode = 020644;
		t->mknod.major = 8;
		t->mknod.minor = 1;
		t->mknod.gid = 6;
		break;
	case P9_TRENAME:
		t->rename.fid = 16;
		t->rename.dfid = 17;
		t->rename.name = p9t_str("moved");
		break;
	case P9_TGETATTR:
		t->getattr.fid = 19;
		t->getattr.mask = P9_GETATTR_ALL;
		break;
	case P9_TSETATTR:
		t->setattr.fid = 20;
		t->setattr.attr.valid = P9_ATTR_MODE | P9_ATTR_SIZE;
		t->setattr.attr.mode = 0600;
		t->setattr.attr.uid = 1;
		t->setattr.attr.gid = 2;
		t->setattr.attr.size = 3;
		t->setattr.attr.atime_sec = 4;
		t->setattr.attr.atime_nsec = 5;
		t->setattr.attr.mtime_sec = 6;
		t->setattr.attr.mtime_nsec = 7;
		break;
	case P9_TXATTRWALK:
		t->xattrwalk.fid = 21;
		t->xattrwalk.newfid = 22;
		t->xattrwalk.name = p9t_str("user.x");
		break;
	case P9_TXATTRCREATE:
		t->xattrcreate.fid = 23;
		t->xattrcreate.name = p9t_str("user.y");
		t->xattrcreate.size = 99;
		t->xattrcreate.flags = P9_XATTR_CREATE;
		break;
	case P9_TREADDIR:
		t->readdir.fid = 24;
		t->readdir.offset = 0xfedcba9876543210ULL;
		t->readdir.count = 8192;
		break;
	case P9_TFSYNC:
		t->fsync.fid = 25;
		t->fsync.datasync = 1;
		break;
	case P9_TLOCK:
		t->lock.fid = 26;
		t->lock.lock.type = P9_LOCK_TYPE_WRLCK;
		t->lock.lock.flags = P9_LOCK_FLAGS_BLOCK;
		t->lock.lock.start = 0;
		t->lock.lock.length = 100;
		t->lock.lock.proc_id = 42;
		t->lock.lock.client_id = p9t_str("host");
		break;
	case P9_TGETLOCK:
		t->getlock.fid = 27;
		t->getlock.lock.type = P9_LOCK_TYPE_RDLCK;
		t->getlock.lock.start = 1;
		t->getlock.lock.length = 2;
		t->getlock.lock.proc_id = 3;
		t->getlock.lock.client_id = p9t_str("c");
		break;
	case P9_TLINK:
		t->link.dfid = 28;
		t->link.fid = 29;
		t->link.name = p9t_str("hard");
		break;
	case P9_TMKDIR:
		t->mkdir.dfid = 30;
		t->mkdir.name = p9t_str("dir");
		t->mkdir.mode = 040755;
		t->mkdir.gid = 7;
		break;
	case P9_TRENAMEAT:
		t->renameat.olddfid = 31;
		t->renameat.oldname = p9t_str("a");
		t->renameat.newdfid = 32;
		t->renameat.newname = p9t_str("b");
		break;
	case P9_TUNLINKAT:
		t->unlinkat.dfid = 33;
		t->unlinkat.name = p9t_str("gone");
		t->unlinkat.flags = P9_AT_REMOVEDIR;
		break;
	}
}

size_t p9t_expect_t(const struct p9_tmsg *t, enum p9_dialect d, u8 *buf,
		    size_t cap)
{
	struct bb b;
	u32 extra = 0;
	unsigned int i;
	size_t at;

	bb_init(&b, buf, cap);
	bb_hdr(&b, t->type, t->tag);
	switch (t->type) {
	case P9_TVERSION:
		bb_u32(&b, t->version.msize);
		bb_pstr(&b, t->version.version);
		break;
	case P9_TAUTH:
		bb_u32(&b, t->auth.afid);
		bb_pstr(&b, t->auth.uname);
		bb_pstr(&b, t->auth.aname);
		if (d != P9_LEGACY)
			bb_u32(&b, t->auth.n_uname);
		break;
	case P9_TATTACH:
		bb_u32(&b, t->attach.fid);
		bb_u32(&b, t->attach.afid);
		bb_pstr(&b, t->attach.uname);
		bb_pstr(&b, t->attach.aname);
		if (d != P9_LEGACY)
			bb_u32(&b, t->attach.n_uname);
		break;
	case P9_TFLUSH:
		bb_u16(&b, t->flush.oldtag);
		break;
	case P9_TWALK:
		bb_u32(&b, t->walk.fid);
		bb_u32(&b, t->walk.newfid);
		bb_u16(&b, t->walk.nwname);
		for (i = 0; i < t->walk.nwname; i++)
			bb_pstr(&b, t->walk.wname[i]);
		break;
	case P9_TOPEN:
		bb_u32(&b, t->open.fid);
		bb_u8(&b, t->open.mode);
		break;
	case P9_TCREATE:
		bb_u32(&b, t->create.fid);
		bb_pstr(&b, t->create.name);
		bb_u32(&b, t->create.perm);
		bb_u8(&b, t->create.mode);
		if (d == P9_DOTU)
			bb_pstr(&b, t->create.extension);
		break;
	case P9_TREAD:
		bb_u32(&b, t->read.fid);
		bb_u64(&b, t->read.offset);
		bb_u32(&b, t->read.count);
		break;
	case P9_TWRITE:
		bb_u32(&b, t->write.fid);
		bb_u64(&b, t->write.offset);
		bb_u32(&b, t->write.count);
		if (t->write.data)
			bb_bytes(&b, t->write.data, t->write.count);
		else
			extra = t->write.count;
		break;
	case P9_TCLUNK:
	case P9_TREMOVE:
	case P9_TSTAT:
	case P9_TSTATFS:
	case P9_TREADLINK:
		bb_u32(&b, t->clunk.fid);
		break;
	case P9_TWSTAT:
		bb_u32(&b, t->wstat.fid);
		/* n[2], then the stat with its own size[2] */
		at = b.len;
		bb_u16(&b, 0);
		p9t_put_stat(&b, &t->wstat.stat, d);
		buf[at] = (u8)(b.len - at - 2);
		buf[at + 1] = (u8)((b.len - at - 2) >> 8);
		break;
	case P9_TLOPEN:
		bb_u32(&b, t->lopen.fid);
		bb_u32(&b, t->lopen.flags);
		break;
	case P9_TLCREATE:
		bb_u32(&b, t->lcreate.fid);
		bb_pstr(&b, t->lcreate.name);
		bb_u32(&b, t->lcreate.flags);
		bb_u32(&b, t->lcreate.mode);
		bb_u32(&b, t->lcreate.gid);
		break;
	case P9_TSYMLINK:
		bb_u32(&b, t->symlink.fid);
		bb_pstr(&b, t->symlink.name);
		bb_pstr(&b, t->symlink.target);
		bb_u32(&b, t->symlink.gid);
		break;
	case P9_TMKNOD:
		bb_u32(&b, t->mknod.dfid);
		bb_pstr(&b, t->mknod.name);
		bb_u32(&b, t->mknod.mode);
		bb_u32(&b, t->mknod.major);
		bb_u32(&b, t->mknod.minor);
		bb_u32(&b, t->mknod.gid);
		break;
	case P9_TRENAME:
		bb_u32(&b, t->rename.fid);
		bb_u32(&b, t->rename.dfid);
		bb_pstr(&b, t->rename.name);
		break;
	case P9_TGETATTR:
		bb_u32(&b, t->getattr.fid);
		bb_u64(&b, t->getattr.mask);
		break;
	case P9_TSETATTR:
		bb_u32(&b, t->setattr.fid);
		bb_u32(&b, t->setattr.attr.valid);
		bb_u32(&b, t->setattr.attr.mode);
		bb_u32(&b, t->setattr.attr.uid);
		bb_u32(&b, t->setattr.attr.gid);
		bb_u64(&b, t->setattr.attr.size);
		bb_u64(&b, t->setattr.attr.atime_sec);
		bb_u64(&b, t->setattr.attr.atime_nsec);
		bb_u64(&b, t->setattr.attr.mtime_sec);
		bb_u64(&b, t->setattr.attr.mtime_nsec);
		break;
	case P9_TXATTRWALK:
		bb_u32(&b, t->xattrwalk.fid);
		bb_u32(&b, t->xattrwalk.newfid);
		bb_pstr(&b, t->xattrwalk.name);
		break;
	case P9_TXATTRCREATE:
		bb_u32(&b, t->xattrcreate.fid);
		bb_pstr(&b, t->xattrcreate.name);
		bb_u64(&b, t->xattrcreate.size);
		bb_u32(&b, t->xattrcreate.flags);
		break;
	case P9_TREADDIR:
		bb_u32(&b, t->readdir.fid);
		bb_u64(&b, t->readdir.offset);
		bb_u32(&b, t->readdir.count);
		break;
	case P9_TFSYNC:
		bb_u32(&b, t->fsync.fid);
		bb_u32(&b, t->fsync.datasync);
		break;
	case P9_TLOCK:
		bb_u32(&b, t->lock.fid);
		bb_u8(&b, t->lock.lock.type);
		bb_u32(&b, t->lock.lock.flags);
		bb_u64(&b, t->lock.lock.start);
		bb_u64(&b, t->lock.lock.length);
		bb_u32(&b, t->lock.lock.proc_id);
		bb_pstr(&b, t->lock.lock.client_id);
		break;
	case P9_TGETLOCK:
		bb_u32(&b, t->getlock.fid);
		bb_u8(&b, t->getlock.lock.type);
		bb_u64(&b, t->getlock.lock.start);
		bb_u64(&b, t->getlock.lock.length);
		bb_u32(&b, t->getlock.lock.proc_id);
		bb_pstr(&b, t->getlock.lock.client_id);
		break;
	case P9_TLINK:
		bb_u32(&b, t->link.dfid);
		bb_u32(&b, t->link.fid);
		bb_pstr(&b, t->link.name);
		break;
	case P9_TMKDIR:
		bb_u32(&b, t->mkdir.dfid);
		bb_pstr(&b, t->mkdir.name);
		bb_u32(&b, t->mkdir.mode);
		bb_u32(&b, t->mkdir.gid);
		break;
	case P9_TRENAMEAT:
		bb_u32(&b, t->renameat.olddfid);
		bb_pstr(&b, t->renameat.oldname);
		bb_u32(&b, t->renameat.newdfid);
		bb_pstr(&b, t->renameat.newname);
		break;
	case P9_TUNLINKAT:
		bb_u32(&b, t->unlinkat.dfid);
		bb_pstr(&b, t->unlinkat.name);
		bb_u32(&b, t->unlinkat.flags);
		break;
	}
	bb_finish(&b, extra);
	return b.overflow ? 0 : b.len;
}

/* Two directory entries, as the payload of the sample Rreaddir. */
static u8 sample_dirents[128];
static size_t sample_dirents_len;

static void make_dirents(void)
{
	struct p9_dirent de = { qid_a, 1, 4, { ".", 1 } };
	struct bb b;

	bb_init(&b, sample_dirents, sizeof(sample_dirents));
	p9t_put_dirent(&b, &de);
	de.qid = qid_b;
	de.offset = 0xffffffffffffffffULL;
	de.type = 8;
	de.name = p9t_str("file.txt");
	p9t_put_dirent(&b, &de);
	sample_dirents_len = b.len;
}

void p9t_sample_r(const struct p9_tmsg *req, enum p9_dialect d,
		  struct p9_rmsg *r)
{
	static const u8 world[] = "world";

	memset(r, 0, sizeof(*r));
	r->type = req->type + 1;
	r->tag = req->tag;
	switch (req->type) {
	case P9_TVERSION:
		r->version.msize = 8192;
		r->version.version = p9t_str(d == P9_DOTL ? "9P2000.L" :
					    d == P9_DOTU ? "9P2000.u" :
					    "9P2000");
		break;
	case P9_TAUTH:
	case P9_TATTACH:
	case P9_TSYMLINK:
	case P9_TMKNOD:
	case P9_TMKDIR:
		r->qid.qid = qid_a;
		break;
	case P9_TWALK:
		r->walk.nwqid = 3;
		r->walk.wqid[0] = qid_a;
		r->walk.wqid[1] = qid_b;
		r->walk.wqid[2] = qid_c;
		break;
	case P9_TOPEN:
	case P9_TCREATE:
	case P9_TLOPEN:
	case P9_TLCREATE:
		r->open.qid = qid_b;
		r->open.iounit = 8168;
		break;
	case P9_TREAD:
		r->data.count = 5;
		r->data.data = world;
		break;
	case P9_TREADDIR:
		make_dirents();
		r->data.count = sample_dirents_len;
		r->data.data = sample_dirents;
		break;
	case P9_TWRITE:
		r->write.count = 5;
		break;
	case P9_TSTAT:
		sample_stat(&r->stat);
		if (d == P9_DOTU) {
			r->stat.extension = p9t_str("sym");
		} else {
			r->stat.n_uid = 0;
			r->stat.n_gid = 0;
			r->stat.n_muid = 0;
		}
		break;
	case P9_TSTATFS:
		r->statfs.type = 0x01021997;
		r->statfs.bsize = 4096;
		r->statfs.blocks = 1000000;
		r->statfs.bfree = 500000;
		r->statfs.bavail = 400000;
		r->statfs.files = 65536;
		r->statfs.ffree = 60000;
		r->statfs.fsid = 0xdeadbeefcafef00dULL;
		r->statfs.namelen = 255;
		break;
	case P9_TREADLINK:
		r->readlink.target = p9t_str("../target");
		break;
	case P9_TGETATTR:
		r->attr.valid = P9_GETATTR_BASIC;
		r->attr.qid = qid_b;
		r->attr.mode = 0100644;
		r->attr.uid = 1000;
		r->attr.gid = 100;
		r->attr.nlink = 1;
		r->attr.rdev = 0;
		r->attr.size = 12345;
		r->attr.blksize = 4096;
		r->attr.blocks = 24;
		r->attr.atime_sec = 1;
		r->attr.atime_nsec = 2;
		r->attr.mtime_sec = 3;
		r->attr.mtime_nsec = 4;
		r->attr.ctime_sec = 5;
		r->attr.ctime_nsec = 6;
		r->attr.btime_sec = 7;
		r->attr.btime_nsec = 8;
		r->attr.gen = 9;
		r->attr.data_version = 10;
		break;
	case P9_TXATTRWALK:
		r->xattrwalk.size = 123;
		break;
	case P9_TLOCK:
		r->lock.status = P9_LOCK_BLOCKED;
		break;
	case P9_TGETLOCK:
		r->getlock.type = P9_LOCK_TYPE_UNLCK;
		r->getlock.start = 11;
		r->getlock.length = 22;
		r->getlock.proc_id = 33;
		r->getlock.client_id = p9t_str("other");
		break;
	}
}

void p9t_sample_err(const struct p9_tmsg *req, enum p9_dialect d,
		    struct p9_rmsg *r)
{
	memset(r, 0, sizeof(*r));
	r->tag = req->tag;
	if (d == P9_DOTL) {
		r->type = P9_RLERROR;
		r->lerror.ecode = 13;
		r->err = -EACCES;
	} else {
		r->type = P9_RERROR;
		r->error.ename = p9t_str("file not found");
		r->err = -ENOENT;
		if (d == P9_DOTU) {
			r->error.errnum = 20;
			r->err = -ENOTDIR;	/* a known errno wins */
		}
	}
}

static u8 *held;

int p9t_decode(const struct p9_tmsg *req, enum p9_dialect d, const u8 *bytes,
	       size_t len, size_t ext, struct p9_rmsg *r)
{
	free(held);
	held = malloc(len ? len : 1);
	if (!held)
		abort();
	if (len)
		memcpy(held, bytes, len);
	return p9_decode(req, d, held, len, ext, r);
}

bool p9t_rmsg_zero(const struct p9_rmsg *r)
{
	const u8 *p = (const u8 *)r;
	size_t i;

	for (i = 0; i < sizeof(*r); i++)
		if (p[i])
			return false;
	return true;
}
