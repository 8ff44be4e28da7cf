// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "rencode.h"

enum p9t_rkind p9t_rkind(u8 treq, u8 rtype)
{
	if (rtype == P9_RERROR)
		return P9T_R_ERROR;
	if (rtype == P9_RLERROR)
		return P9T_R_LERROR;
	switch (treq) {
	case P9_TVERSION:
		return P9T_R_VERSION;
	case P9_TAUTH:
	case P9_TATTACH:
	case P9_TSYMLINK:
	case P9_TMKNOD:
	case P9_TMKDIR:
		return P9T_R_QID;
	case P9_TWALK:
		return P9T_R_WALK;
	case P9_TOPEN:
	case P9_TCREATE:
	case P9_TLOPEN:
	case P9_TLCREATE:
		return P9T_R_OPEN;
	case P9_TREAD:
	case P9_TREADDIR:
		return P9T_R_DATA;
	case P9_TWRITE:
		return P9T_R_WRITE;
	case P9_TSTAT:
		return P9T_R_STAT;
	case P9_TSTATFS:
		return P9T_R_STATFS;
	case P9_TREADLINK:
		return P9T_R_READLINK;
	case P9_TGETATTR:
		return P9T_R_ATTR;
	case P9_TXATTRWALK:
		return P9T_R_XATTRWALK;
	case P9_TLOCK:
		return P9T_R_LOCK;
	case P9_TGETLOCK:
		return P9T_R_GETLOCK;
	default:
		return P9T_R_NONE;
	}
}

/* Write a u16 placeholder now; patch it later with what follows it. */
static size_t bb_mark16(struct bb *b)
{
	size_t at = b->len;

	bb_u16(b, 0);
	return at;
}

static void bb_patch16(struct bb *b, size_t at)
{
	size_t n = b->len - at - 2;

	if (b->overflow || at + 2 > b->len)
		return;
	b->buf[at] = (u8)n;
	b->buf[at + 1] = (u8)(n >> 8);
}

void p9t_put_stat(struct bb *b, const struct p9_stat *st, enum p9_dialect d)
{
	size_t at = bb_mark16(b);

	bb_u16(b, st->type);
	bb_u32(b, st->dev);
	bb_qid(b, &st->qid);
	bb_u32(b, st->mode);
	bb_u32(b, st->atime);
	bb_u32(b, st->mtime);
	bb_u64(b, st->length);
	bb_pstr(b, st->name);
	bb_pstr(b, st->uid);
	bb_pstr(b, st->gid);
	bb_pstr(b, st->muid);
	if (d == P9_DOTU) {
		bb_pstr(b, st->extension);
		bb_u32(b, st->n_uid);
		bb_u32(b, st->n_gid);
		bb_u32(b, st->n_muid);
	}
	bb_patch16(b, at);
}

void p9t_put_dirent(struct bb *b, const struct p9_dirent *de)
{
	bb_qid(b, &de->qid);
	bb_u64(b, de->offset);
	bb_u8(b, de->type);
	bb_pstr(b, de->name);
}

size_t p9t_encode_reply(const struct p9_tmsg *req, enum p9_dialect d,
			const struct p9_rmsg *r, bool zc, u8 *buf, size_t cap)
{
	struct bb b;
	u32 extra = 0;
	size_t at;
	unsigned int i;

	bb_init(&b, buf, cap);
	bb_hdr(&b, r->type, r->tag);
	switch (p9t_rkind(req->type, r->type)) {
	case P9T_R_NONE:
		break;
	case P9T_R_VERSION:
		bb_u32(&b, r->version.msize);
		bb_pstr(&b, r->version.version);
		break;
	case P9T_R_ERROR:
		bb_pstr(&b, r->error.ename);
		if (d == P9_DOTU)
			bb_u32(&b, r->error.errnum);
		break;
	case P9T_R_LERROR:
		bb_u32(&b, r->lerror.ecode);
		break;
	case P9T_R_QID:
		bb_qid(&b, &r->qid.qid);
		break;
	case P9T_R_WALK:
		bb_u16(&b, r->walk.nwqid);
		for (i = 0; i < r->walk.nwqid && i < P9_MAXWELEM; i++)
			bb_qid(&b, &r->walk.wqid[i]);
		break;
	case P9T_R_OPEN:
		bb_qid(&b, &r->open.qid);
		bb_u32(&b, r->open.iounit);
		break;
	case P9T_R_DATA:
		bb_u32(&b, r->data.count);
		if (zc)
			extra = r->data.count;
		else
			bb_bytes(&b, r->data.data, r->data.count);
		break;
	case P9T_R_WRITE:
		bb_u32(&b, r->write.count);
		break;
	case P9T_R_STAT:
		at = bb_mark16(&b);
		p9t_put_stat(&b, &r->stat, d);
		bb_patch16(&b, at);
		break;
	case P9T_R_STATFS:
		bb_u32(&b, r->statfs.type);
		bb_u32(&b, r->statfs.bsize);
		bb_u64(&b, r->statfs.blocks);
		bb_u64(&b, r->statfs.bfree);
		bb_u64(&b, r->statfs.bavail);
		bb_u64(&b, r->statfs.files);
		bb_u64(&b, r->statfs.ffree);
		bb_u64(&b, r->statfs.fsid);
		bb_u32(&b, r->statfs.namelen);
		break;
	case P9T_R_READLINK:
		bb_pstr(&b, r->readlink.target);
		break;
	case P9T_R_ATTR:
		bb_u64(&b, r->attr.valid);
		bb_qid(&b, &r->attr.qid);
		bb_u32(&b, r->attr.mode);
		bb_u32(&b, r->attr.uid);
		bb_u32(&b, r->attr.gid);
		bb_u64(&b, r->attr.nlink);
		bb_u64(&b, r->attr.rdev);
		bb_u64(&b, r->attr.size);
		bb_u64(&b, r->attr.blksize);
		bb_u64(&b, r->attr.blocks);
		bb_u64(&b, r->attr.atime_sec);
		bb_u64(&b, r->attr.atime_nsec);
		bb_u64(&b, r->attr.mtime_sec);
		bb_u64(&b, r->attr.mtime_nsec);
		bb_u64(&b, r->attr.ctime_sec);
		bb_u64(&b, r->attr.ctime_nsec);
		bb_u64(&b, r->attr.btime_sec);
		bb_u64(&b, r->attr.btime_nsec);
		bb_u64(&b, r->attr.gen);
		bb_u64(&b, r->attr.data_version);
		break;
	case P9T_R_XATTRWALK:
		bb_u64(&b, r->xattrwalk.size);
		break;
	case P9T_R_LOCK:
		bb_u8(&b, r->lock.status);
		break;
	case P9T_R_GETLOCK:
		bb_u8(&b, r->getlock.type);
		bb_u64(&b, r->getlock.start);
		bb_u64(&b, r->getlock.length);
		bb_u32(&b, r->getlock.proc_id);
		bb_pstr(&b, r->getlock.client_id);
		break;
	}
	bb_finish(&b, extra);
	return b.overflow ? 0 : b.len;
}

bool p9t_str_equal(struct p9_str a, struct p9_str b)
{
	return a.len == b.len && (!a.len || !memcmp(a.s, b.s, a.len));
}

bool p9t_qid_equal(const struct p9_qid *a, const struct p9_qid *b)
{
	return a->type == b->type && a->version == b->version &&
	       a->path == b->path;
}

bool p9t_stat_equal(const struct p9_stat *a, const struct p9_stat *b)
{
	return a->type == b->type && a->dev == b->dev &&
	       p9t_qid_equal(&a->qid, &b->qid) && a->mode == b->mode &&
	       a->atime == b->atime && a->mtime == b->mtime &&
	       a->length == b->length &&
	       p9t_str_equal(a->name, b->name) &&
	       p9t_str_equal(a->uid, b->uid) &&
	       p9t_str_equal(a->gid, b->gid) &&
	       p9t_str_equal(a->muid, b->muid) &&
	       p9t_str_equal(a->extension, b->extension) &&
	       a->n_uid == b->n_uid && a->n_gid == b->n_gid &&
	       a->n_muid == b->n_muid;
}

bool p9t_rmsg_equal(const struct p9_tmsg *req, const struct p9_rmsg *a,
		    const struct p9_rmsg *b)
{
	unsigned int i;

	if (a->type != b->type || a->tag != b->tag || a->err != b->err)
		return false;
	switch (p9t_rkind(req->type, a->type)) {
	case P9T_R_NONE:
		return true;
	case P9T_R_VERSION:
		return a->version.msize == b->version.msize &&
		       p9t_str_equal(a->version.version, b->version.version);
	case P9T_R_ERROR:
		return p9t_str_equal(a->error.ename, b->error.ename) &&
		       a->error.errnum == b->error.errnum;
	case P9T_R_LERROR:
		return a->lerror.ecode == b->lerror.ecode;
	case P9T_R_QID:
		return p9t_qid_equal(&a->qid.qid, &b->qid.qid);
	case P9T_R_WALK:
		if (a->walk.nwqid != b->walk.nwqid)
			return false;
		for (i = 0; i < a->walk.nwqid && i < P9_MAXWELEM; i++)
			if (!p9t_qid_equal(&a->walk.wqid[i], &b->walk.wqid[i]))
				return false;
		return true;
	case P9T_R_OPEN:
		return p9t_qid_equal(&a->open.qid, &b->open.qid) &&
		       a->open.iounit == b->open.iounit;
	case P9T_R_DATA:
		if (a->data.count != b->data.count ||
		    !a->data.data != !b->data.data)
			return false;
		return !a->data.data || !a->data.count ||
		       !memcmp(a->data.data, b->data.data, a->data.count);
	case P9T_R_WRITE:
		return a->write.count == b->write.count;
	case P9T_R_STAT:
		return p9t_stat_equal(&a->stat, &b->stat);
	case P9T_R_STATFS:
		return !memcmp(&a->statfs, &b->statfs, sizeof(a->statfs));
	case P9T_R_READLINK:
		return p9t_str_equal(a->readlink.target, b->readlink.target);
	case P9T_R_ATTR:
		return a->attr.valid == b->attr.valid &&
		       p9t_qid_equal(&a->attr.qid, &b->attr.qid) &&
		       a->attr.mode == b->attr.mode &&
		       a->attr.uid == b->attr.uid &&
		       a->attr.gid == b->attr.gid &&
		       a->attr.nlink == b->attr.nlink &&
		       a->attr.rdev == b->attr.rdev &&
		       a->attr.size == b->attr.size &&
		       a->attr.blksize == b->attr.blksize &&
		       a->attr.blocks == b->attr.blocks &&
		       a->attr.atime_sec == b->attr.atime_sec &&
		       a->attr.atime_nsec == b->attr.atime_nsec &&
		       a->attr.mtime_sec == b->attr.mtime_sec &&
		       a->attr.mtime_nsec == b->attr.mtime_nsec &&
		       a->attr.ctime_sec == b->attr.ctime_sec &&
		       a->attr.ctime_nsec == b->attr.ctime_nsec &&
		       a->attr.btime_sec == b->attr.btime_sec &&
		       a->attr.btime_nsec == b->attr.btime_nsec &&
		       a->attr.gen == b->attr.gen &&
		       a->attr.data_version == b->attr.data_version;
	case P9T_R_XATTRWALK:
		return a->xattrwalk.size == b->xattrwalk.size;
	case P9T_R_LOCK:
		return a->lock.status == b->lock.status;
	case P9T_R_GETLOCK:
		return a->getlock.type == b->getlock.type &&
		       a->getlock.start == b->getlock.start &&
		       a->getlock.length == b->getlock.length &&
		       a->getlock.proc_id == b->getlock.proc_id &&
		       p9t_str_equal(a->getlock.client_id,
				     b->getlock.client_id);
	}
	return false;
}

bool p9t_in(const void *p, size_t n, const u8 *buf, size_t len)
{
	const u8 *q = p;

	if (!q)
		return n == 0;
	return q >= buf && q <= buf + len && n <= (size_t)(buf + len - q);
}

static bool p9t_str_in(struct p9_str s, const u8 *buf, size_t len)
{
	return p9t_in(s.s, s.len, buf, len) &&
	       (!s.len || !memchr(s.s, 0, s.len));
}

bool p9t_stat_in(const struct p9_stat *st, const u8 *buf, size_t len)
{
	return p9t_str_in(st->name, buf, len) &&
	       p9t_str_in(st->uid, buf, len) &&
	       p9t_str_in(st->gid, buf, len) &&
	       p9t_str_in(st->muid, buf, len) &&
	       p9t_str_in(st->extension, buf, len);
}

bool p9t_rmsg_in(const struct p9_tmsg *req, const struct p9_rmsg *r,
		 const u8 *buf, size_t len)
{
	switch (p9t_rkind(req->type, r->type)) {
	case P9T_R_VERSION:
		return p9t_str_in(r->version.version, buf, len);
	case P9T_R_ERROR:
		return p9t_str_in(r->error.ename, buf, len);
	case P9T_R_DATA:
		return p9t_in(r->data.data, r->data.data ? r->data.count : 0,
			      buf, len);
	case P9T_R_STAT:
		return p9t_stat_in(&r->stat, buf, len);
	case P9T_R_READLINK:
		return p9t_str_in(r->readlink.target, buf, len);
	case P9T_R_GETLOCK:
		return p9t_str_in(r->getlock.client_id, buf, len);
	default:
		return true;
	}
}
