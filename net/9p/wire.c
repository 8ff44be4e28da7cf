// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 9P wire codec: encoders for every T-message and validating decoders
 * for every R-message of 9P2000, 9P2000.u and 9P2000.L.
 *
 * All integers are little-endian; a message is size[4] type[1] tag[2]
 * followed by its body; a string is len[2] and that many bytes; a qid is
 * type[1] version[4] path[8].
 *
 * Encoding runs one routine twice: first with no buffer, which only
 * counts, then for real.  p9_encoded_size() is the counting pass alone, so
 * the size it reports is exactly what p9_encode() writes.  Strings to be
 * encoded may not hold a NUL byte.
 *
 * Decoding trusts nothing in the received bytes.  Every read goes through
 * a cursor that refuses to step past the bytes received; a reply must
 * consume its size field exactly.  Choices a caller must know about:
 *
 *  - The error reply of a dialect is Rerror for 9P2000 and 9P2000.u and
 *    Rlerror for 9P2000.L, and only that one is accepted: a .L session
 *    that gets an Rerror (or a legacy one an Rlerror) is talking to a
 *    confused server and the reply is malformed (-EIO).  The exception is
 *    the reply to Tversion, sent before a dialect is agreed: there Rlerror
 *    and both layouts of Rerror (ename[s], or ename[s] errno[4]; the size
 *    field tells which) are accepted whatever @d says.
 *  - An error reply must arrive whole in the buffer (@ext == 0).
 *  - r->err of a 9P2000.u Rerror comes from its errno when that is a
 *    known errno, else from the text (as for plain 9P2000); of an Rlerror
 *    from its ecode alone.  Unknown numbers and texts become -EIO.
 *  - The tag is reported, not compared with the request's: matching
 *    replies to requests is the caller's job.
 *  - Rversion's msize must be nonzero and no larger than the Tversion's.
 *  - Rwalk's nwqid must not exceed the Twalk's nwname; Rread's and
 *    Rreaddir's count must not exceed the request's count; Rwrite's count
 *    must not exceed the Twrite's count.
 *  - Rlock's status must be a known P9_LOCK_* value and Rgetlock's type a
 *    known P9_LOCK_TYPE_* value.
 *  - qid.type is not checked: all eight bits are defined by the protocol,
 *    so there is no unknown bit to reject, and the meaning of odd
 *    combinations is the file system's business.
 *  - Decoded strings are only checked for bounds and for NUL bytes.  Names
 *    from a server (directory entries, stat names) must still be passed
 *    through p9_str_is_name() before they are used as path elements.
 */

#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <net/9p/compat.h>
#include <net/9p/wire.h>

/* Largest value of a size field, and so of a whole message. */
#define P9_WIRE_MAX		U32_MAX
/* Bound assumed for an Rerror ename when sizing receive buffers. */
#define P9_ENAME_MAX		1024

#define P9_RLERRORSZ		(P9_HDRSZ + 4)

/* One row of the message table (P9_MESSAGES in <net/9p/9p.h>), indexed
 * by the request's type.  @enc writes the request's body; @dec reads the
 * body of its reply proper (NULL: the reply has none).  Decoders find the
 * request, the dialect and the out-of-line payload in their cursor.  The
 * reply proper is at most @rmax bytes, plus @rper per name of a Twalk,
 * plus the count of a request whose @zc is P9_ZC_IN.
 */
struct p9_wr;
struct p9_rd;
struct p9_msg {
	void (*enc)(struct p9_wr *w, const struct p9_tmsg *t);
	void (*dec)(struct p9_rd *c, struct p9_rmsg *r);
	u32 rmax;
	u8 in;
	u8 rper;
	u8 zc;
	bool fid;
};

static const struct p9_msg *p9_msg_of(u8 type);

static bool p9_dialect_valid(enum p9_dialect d)
{
	return d == P9_LEGACY || d == P9_DOTU || d == P9_DOTL;
}

/**
 * p9_msg_in() - is a type a T-message of a dialect?
 * @type: the message type
 * @d: the dialect
 *
 * Return: true if @type is a request that @d has.
 */
bool p9_msg_in(u8 type, enum p9_dialect d)
{
	const struct p9_msg *m = p9_msg_of(type);

	return m && p9_dialect_valid(d) && (m->in & BIT(d));
}
EXPORT_SYMBOL_GPL(p9_msg_in);

/* ---- encoding ---- */

/**
 * struct p9_wr - an encoding cursor
 * @buf: the output, or NULL to count only
 * @cap: the room at @buf
 * @pos: bytes placed (or counted) in the buffer so far
 * @extra: payload bytes that go on the wire after the buffer (zero copy)
 * @err: the first error met; once set, nothing more is written
 * @d: the dialect of the session
 *
 * Invariant: @pos + @extra <= P9_WIRE_MAX, and @pos <= @cap when @buf is
 * set.
 */
struct p9_wr {
	u8 *buf;
	size_t cap;
	size_t pos;
	size_t extra;
	int err;
	enum p9_dialect d;
};

/* Reserve @n bytes; returns where to write them, or NULL if counting. */
static u8 *p9_wr_room(struct p9_wr *w, size_t n)
{
	u8 *p = NULL;

	if (w->err)
		return NULL;
	if (n > P9_WIRE_MAX - w->pos - w->extra) {
		w->err = -EMSGSIZE;
		return NULL;
	}
	if (w->buf) {
		if (n > w->cap - w->pos) {
			w->err = -EMSGSIZE;
			return NULL;
		}
		p = w->buf + w->pos;
	}
	w->pos += n;
	return p;
}

static void p9_w8(struct p9_wr *w, u8 v)
{
	u8 *p = p9_wr_room(w, 1);

	if (p)
		*p = v;
}

static void p9_w16(struct p9_wr *w, u16 v)
{
	u8 *p = p9_wr_room(w, 2);

	if (p)
		put_unaligned_le16(v, p);
}

static void p9_w32(struct p9_wr *w, u32 v)
{
	u8 *p = p9_wr_room(w, 4);

	if (p)
		put_unaligned_le32(v, p);
}

static void p9_w64(struct p9_wr *w, u64 v)
{
	u8 *p = p9_wr_room(w, 8);

	if (p)
		put_unaligned_le64(v, p);
}

static void p9_wstr(struct p9_wr *w, const struct p9_str *s)
{
	u8 *p;

	if (w->err)
		return;
	if (s->len > U16_MAX) {
		w->err = -ENAMETOOLONG;
		return;
	}
	if (s->len && (!s->s || memchr(s->s, 0, s->len))) {
		w->err = -EINVAL;
		return;
	}
	p9_w16(w, s->len);
	p = p9_wr_room(w, s->len);
	if (p && s->len)
		memcpy(p, s->s, s->len);
}

static void p9_wqid(struct p9_wr *w, const struct p9_qid *q)
{
	p9_w8(w, q->type);
	p9_w32(w, q->version);
	p9_w64(w, q->path);
}

/* The payload of a Twrite: in the buffer, or counted as sent after it. */
static void p9_wdata(struct p9_wr *w, const void *data, u32 count)
{
	u8 *p;

	if (w->err)
		return;
	if (data) {
		p = p9_wr_room(w, count);
		if (p && count)
			memcpy(p, data, count);
		return;
	}
	if (count > P9_WIRE_MAX - w->pos - w->extra) {
		w->err = -EMSGSIZE;
		return;
	}
	w->extra += count;
}

/* A stat structure without its leading size[2]. */
static void p9_wstat_body(struct p9_wr *w, const struct p9_stat *st,
			  enum p9_dialect d)
{
	p9_w16(w, st->type);
	p9_w32(w, st->dev);
	p9_wqid(w, &st->qid);
	p9_w32(w, st->mode);
	p9_w32(w, st->atime);
	p9_w32(w, st->mtime);
	p9_w64(w, st->length);
	p9_wstr(w, &st->name);
	p9_wstr(w, &st->uid);
	p9_wstr(w, &st->gid);
	p9_wstr(w, &st->muid);
	if (d == P9_DOTU) {
		p9_wstr(w, &st->extension);
		p9_w32(w, st->n_uid);
		p9_w32(w, st->n_gid);
		p9_w32(w, st->n_muid);
	}
}

/* Twstat's stat[n]: n[2], then the stat, which begins with its size[2]. */
static void p9_wstat(struct p9_wr *w, const struct p9_stat *st,
		     enum p9_dialect d)
{
	struct p9_wr count = { };

	p9_wstat_body(&count, st, d);
	if (count.err) {
		if (!w->err)
			w->err = count.err;
		return;
	}
	if (count.pos + 2 > U16_MAX) {
		if (!w->err)
			w->err = -ENAMETOOLONG;
		return;
	}
	p9_w16(w, count.pos + 2);
	p9_w16(w, count.pos);
	p9_wstat_body(w, st, d);
}

static void p9_wflock(struct p9_wr *w, const struct p9_flock *l)
{
	p9_w8(w, l->type);
	p9_w32(w, l->flags);
	p9_w64(w, l->start);
	p9_w64(w, l->length);
	p9_w32(w, l->proc_id);
	p9_wstr(w, &l->client_id);
}

static void p9_wgetlock(struct p9_wr *w, const struct p9_getlock *l)
{
	p9_w8(w, l->type);
	p9_w64(w, l->start);
	p9_w64(w, l->length);
	p9_w32(w, l->proc_id);
	p9_wstr(w, &l->client_id);
}

static void p9_wiattr(struct p9_wr *w, const struct p9_iattr *a)
{
	p9_w32(w, a->valid);
	p9_w32(w, a->mode);
	p9_w32(w, a->uid);
	p9_w32(w, a->gid);
	p9_w64(w, a->size);
	p9_w64(w, a->atime_sec);
	p9_w64(w, a->atime_nsec);
	p9_w64(w, a->mtime_sec);
	p9_w64(w, a->mtime_nsec);
}

/* The encoders of the bodies, named p9_t_<tbody> after the message table
 * (P9_MESSAGES).  Each writes everything after the header of @t, which is
 * a T-message of dialect @w->d.
 */
static void p9_t_version(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->version.msize);
	p9_wstr(w, &t->version.version);
}

static void p9_t_auth(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->auth.afid);
	p9_wstr(w, &t->auth.uname);
	p9_wstr(w, &t->auth.aname);
	if (w->d != P9_LEGACY)
		p9_w32(w, t->auth.n_uname);
}

static void p9_t_attach(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->attach.fid);
	p9_w32(w, t->attach.afid);
	p9_wstr(w, &t->attach.uname);
	p9_wstr(w, &t->attach.aname);
	if (w->d != P9_LEGACY)
		p9_w32(w, t->attach.n_uname);
}

static void p9_t_flush(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w16(w, t->flush.oldtag);
}

static void p9_t_walk(struct p9_wr *w, const struct p9_tmsg *t)
{
	const struct p9_twalk *walk = &t->walk;
	unsigned int i;

	if (walk->nwname > P9_MAXWELEM) {
		if (!w->err)
			w->err = -EINVAL;
		return;
	}
	p9_w32(w, walk->fid);
	p9_w32(w, walk->newfid);
	p9_w16(w, walk->nwname);
	for (i = 0; i < walk->nwname; i++)
		p9_wstr(w, &walk->wname[i]);
}

static void p9_t_open(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->open.fid);
	p9_w8(w, t->open.mode);
}

static void p9_t_create(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->create.fid);
	p9_wstr(w, &t->create.name);
	p9_w32(w, t->create.perm);
	p9_w8(w, t->create.mode);
	if (w->d == P9_DOTU)
		p9_wstr(w, &t->create.extension);
}

/* Tread and Treaddir, which share struct p9_tread. */
static void p9_t_io(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->read.fid);
	p9_w64(w, t->read.offset);
	p9_w32(w, t->read.count);
}

static void p9_t_write(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->write.fid);
	p9_w64(w, t->write.offset);
	p9_w32(w, t->write.count);
	p9_wdata(w, t->write.data, t->write.count);
}

/* Tclunk Tremove Tstat Tstatfs Treadlink: struct p9_tfid alike. */
static void p9_t_fid(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->clunk.fid);
}

static void p9_t_wstat(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->wstat.fid);
	p9_wstat(w, &t->wstat.stat, w->d);
}

static void p9_t_lopen(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->lopen.fid);
	p9_w32(w, t->lopen.flags);
}

static void p9_t_lcreate(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->lcreate.fid);
	p9_wstr(w, &t->lcreate.name);
	p9_w32(w, t->lcreate.flags);
	p9_w32(w, t->lcreate.mode);
	p9_w32(w, t->lcreate.gid);
}

static void p9_t_symlink(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->symlink.fid);
	p9_wstr(w, &t->symlink.name);
	p9_wstr(w, &t->symlink.target);
	p9_w32(w, t->symlink.gid);
}

static void p9_t_mknod(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->mknod.dfid);
	p9_wstr(w, &t->mknod.name);
	p9_w32(w, t->mknod.mode);
	p9_w32(w, t->mknod.major);
	p9_w32(w, t->mknod.minor);
	p9_w32(w, t->mknod.gid);
}

static void p9_t_rename(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->rename.fid);
	p9_w32(w, t->rename.dfid);
	p9_wstr(w, &t->rename.name);
}

static void p9_t_getattr(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->getattr.fid);
	p9_w64(w, t->getattr.mask);
}

static void p9_t_setattr(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->setattr.fid);
	p9_wiattr(w, &t->setattr.attr);
}

static void p9_t_xattrwalk(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->xattrwalk.fid);
	p9_w32(w, t->xattrwalk.newfid);
	p9_wstr(w, &t->xattrwalk.name);
}

static void p9_t_xattrcreate(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->xattrcreate.fid);
	p9_wstr(w, &t->xattrcreate.name);
	p9_w64(w, t->xattrcreate.size);
	p9_w32(w, t->xattrcreate.flags);
}

static void p9_t_fsync(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->fsync.fid);
	p9_w32(w, t->fsync.datasync);
}

static void p9_t_lock(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->lock.fid);
	p9_wflock(w, &t->lock.lock);
}

static void p9_t_getlock(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->getlock.fid);
	p9_wgetlock(w, &t->getlock.lock);
}

static void p9_t_link(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->link.dfid);
	p9_w32(w, t->link.fid);
	p9_wstr(w, &t->link.name);
}

static void p9_t_mkdir(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->mkdir.dfid);
	p9_wstr(w, &t->mkdir.name);
	p9_w32(w, t->mkdir.mode);
	p9_w32(w, t->mkdir.gid);
}

static void p9_t_renameat(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->renameat.olddfid);
	p9_wstr(w, &t->renameat.oldname);
	p9_w32(w, t->renameat.newdfid);
	p9_wstr(w, &t->renameat.newname);
}

static void p9_t_unlinkat(struct p9_wr *w, const struct p9_tmsg *t)
{
	p9_w32(w, t->unlinkat.dfid);
	p9_wstr(w, &t->unlinkat.name);
	p9_w32(w, t->unlinkat.flags);
}

/* The whole message; p9_tmsg_check() has passed @t in @w->d. */
static void p9_wmsg(struct p9_wr *w, const struct p9_tmsg *t, u32 size)
{
	p9_w32(w, size);
	p9_w8(w, t->type);
	p9_w16(w, t->tag);
	p9_msg_of(t->type)->enc(w, t);
}

/* Check that @t may be encoded in @d; 0 or a negative errno. */
static int p9_tmsg_check(const struct p9_tmsg *t, enum p9_dialect d)
{
	if (!p9_dialect_valid(d) || !p9_msg_of(t->type))
		return -EINVAL;
	if (!p9_msg_in(t->type, d))
		return -EOPNOTSUPP;
	return 0;
}

/**
 * p9_encode() - encode a T-message
 * @t: the message; @t->type selects the member of the union
 * @d: the dialect of the session
 * @buf: where to write
 * @cap: the room at @buf
 * @lenp: on success, the number of bytes written to @buf
 *
 * For a Twrite whose data is NULL only the message up to and including
 * count[4] is written, but the size field counts the payload too: the
 * transport sends the payload right after the buffer.
 *
 * Return: 0; -EMSGSIZE if the message needs more than @cap bytes (or more
 * than a size field can count); -ENAMETOOLONG if a string is longer than
 * U16_MAX (or a stat longer than its size[2] can count); -EINVAL for an
 * unknown type, nwname > P9_MAXWELEM, a NUL byte in a string or a string
 * of nonzero length without bytes; -EOPNOTSUPP if the message does not
 * exist in @d.  Nothing useful is in @buf after an error.
 */
int p9_encode(const struct p9_tmsg *t, enum p9_dialect d, u8 *buf,
	      size_t cap, size_t *lenp)
{
	struct p9_wr count = { .d = d };
	struct p9_wr out = { .d = d };
	int ret;

	ret = p9_tmsg_check(t, d);
	if (ret)
		return ret;
	p9_wmsg(&count, t, 0);
	if (count.err)
		return count.err;
	if (count.pos > cap)
		return -EMSGSIZE;

	out.buf = buf;
	out.cap = cap;
	p9_wmsg(&out, t, count.pos + count.extra);
	if (out.err)
		return out.err;
	*lenp = out.pos;
	return 0;
}
EXPORT_SYMBOL_GPL(p9_encode);

/**
 * p9_encoded_size() - the length p9_encode() would write
 * @t: the message
 * @d: the dialect of the session
 *
 * For a zero-copy Twrite (data NULL) this is the part in the buffer only.
 *
 * Return: the exact number of bytes p9_encode() writes for @t, or the
 * negative errno p9_encode() would refuse @t with for any reason other
 * than a short buffer.
 */
ssize_t p9_encoded_size(const struct p9_tmsg *t, enum p9_dialect d)
{
	struct p9_wr count = { .d = d };
	int ret;

	ret = p9_tmsg_check(t, d);
	if (ret)
		return ret;
	p9_wmsg(&count, t, 0);
	if (count.err)
		return count.err;
	return count.pos;
}
EXPORT_SYMBOL_GPL(p9_encoded_size);

/**
 * p9_reply_max() - an upper bound on the length of the reply to a request
 * @t: the request
 * @d: the dialect of the session
 * @msize: the negotiated (for Tversion: the proposed) msize
 *
 * The bound covers the reply proper and the dialect's error reply.  An
 * Rerror is assumed to carry at most 1024 bytes of text; a server that
 * sends more gets its reply refused for want of room.  Replies whose
 * length the request does not bound (Rversion, Rstat, Rreadlink,
 * Rgetlock) are bounded by @msize.
 *
 * Return: the bound, never more than @msize; 0 if @t is not a request of
 * dialect @d.
 */
size_t p9_reply_max(const struct p9_tmsg *t, enum p9_dialect d, u32 msize)
{
	const struct p9_msg *m = p9_msg_of(t->type);
	u64 ok, err;

	if (!p9_msg_in(t->type, d))
		return 0;

	if (t->type == P9_TVERSION)
		err = P9_HDRSZ + 2 + P9_ENAME_MAX + 4;
	else if (d == P9_DOTL)
		err = P9_RLERRORSZ;
	else
		err = P9_HDRSZ + 2 + P9_ENAME_MAX + (d == P9_DOTU ? 4 : 0);

	ok = m->rmax;
	if (m->rper)
		ok += (u64)m->rper * min_t(u16, t->walk.nwname, P9_MAXWELEM);
	if (m->zc == P9_ZC_IN)
		ok += t->read.count;	/* Tread, Treaddir: struct p9_tread */
	ok = max(ok, err);
	return min_t(u64, ok, msize);
}
EXPORT_SYMBOL_GPL(p9_reply_max);

/* ---- decoding ---- */

/**
 * struct p9_rd - a decoding cursor
 * @p: the next byte to read
 * @left: the bytes from @p on that belong to what is being decoded
 * @bad: set by the first read that would step past @left; sticky
 * @req: for a reply, the request it answers
 * @d: for a reply, the dialect of the session
 * @ext: for a reply, its payload bytes received out of line
 */
struct p9_rd {
	const u8 *p;
	size_t left;
	bool bad;
	const struct p9_tmsg *req;
	enum p9_dialect d;
	size_t ext;
};

/* Take @n bytes; NULL (and the cursor marked bad) if they are not there. */
static const u8 *p9_rd_take(struct p9_rd *c, size_t n)
{
	const u8 *p;

	if (c->bad || n > c->left) {
		c->bad = true;
		return NULL;
	}
	p = c->p;
	c->p += n;
	c->left -= n;
	return p;
}

static u8 p9_r8(struct p9_rd *c)
{
	const u8 *p = p9_rd_take(c, 1);

	return p ? *p : 0;
}

static u16 p9_r16(struct p9_rd *c)
{
	const u8 *p = p9_rd_take(c, 2);

	return p ? get_unaligned_le16(p) : 0;
}

static u32 p9_r32(struct p9_rd *c)
{
	const u8 *p = p9_rd_take(c, 4);

	return p ? get_unaligned_le32(p) : 0;
}

static u64 p9_r64(struct p9_rd *c)
{
	const u8 *p = p9_rd_take(c, 8);

	return p ? get_unaligned_le64(p) : 0;
}

/* A string: it must lie within the cursor and hold no NUL byte. */
static void p9_rstr(struct p9_rd *c, struct p9_str *s)
{
	size_t n = p9_r16(c);
	const u8 *p = p9_rd_take(c, n);

	if (!p || memchr(p, 0, n)) {
		c->bad = true;
		s->s = NULL;
		s->len = 0;
		return;
	}
	s->s = (const char *)p;
	s->len = n;
}

static void p9_rqid(struct p9_rd *c, struct p9_qid *q)
{
	q->type = p9_r8(c);
	q->version = p9_r32(c);
	q->path = p9_r64(c);
}

/**
 * p9_decode_stat() - decode one stat structure
 * @buf: the stat, starting at its own size[2]
 * @len: the bytes available at @buf (the stat may be followed by others,
 *	 as in the payload of an Rread of a 9P2000 directory)
 * @d: the dialect: P9_LEGACY or P9_DOTU (there is no stat in 9P2000.L)
 * @st: the result; its strings point into @buf
 *
 * The stat's size field must cover exactly the fields of the dialect.
 *
 * Return: the bytes the stat occupies (2 + its size field), or -EIO.
 */
int p9_decode_stat(const u8 *buf, size_t len, enum p9_dialect d,
		   struct p9_stat *st)
{
	struct p9_rd c = { .p = buf, .left = len };
	u16 size;

	memset(st, 0, sizeof(*st));
	if (d != P9_LEGACY && d != P9_DOTU)
		return -EIO;
	size = p9_r16(&c);
	if (c.bad || size > c.left)
		return -EIO;
	c.left = size;

	st->type = p9_r16(&c);
	st->dev = p9_r32(&c);
	p9_rqid(&c, &st->qid);
	st->mode = p9_r32(&c);
	st->atime = p9_r32(&c);
	st->mtime = p9_r32(&c);
	st->length = p9_r64(&c);
	p9_rstr(&c, &st->name);
	p9_rstr(&c, &st->uid);
	p9_rstr(&c, &st->gid);
	p9_rstr(&c, &st->muid);
	if (d == P9_DOTU) {
		p9_rstr(&c, &st->extension);
		st->n_uid = p9_r32(&c);
		st->n_gid = p9_r32(&c);
		st->n_muid = p9_r32(&c);
	}
	if (c.bad || c.left) {
		memset(st, 0, sizeof(*st));
		return -EIO;
	}
	return 2 + size;
}
EXPORT_SYMBOL_GPL(p9_decode_stat);

/**
 * p9_decode_dirent() - decode one entry of an Rreaddir payload
 * @buf: the entry: qid[13] offset[8] type[1] name[s]
 * @len: the bytes left in the payload from @buf on
 * @de: the result; @de->name points into @buf
 *
 * The name is only checked to lie within @len and to hold no NUL byte; it
 * may be "." or ".." or contain '/', so check it with p9_str_is_name().
 *
 * Return: the bytes the entry occupies (> 0), or -EIO.
 */
int p9_decode_dirent(const u8 *buf, size_t len, struct p9_dirent *de)
{
	struct p9_rd c = { .p = buf, .left = len };

	p9_rqid(&c, &de->qid);
	de->offset = p9_r64(&c);
	de->type = p9_r8(&c);
	p9_rstr(&c, &de->name);
	if (c.bad) {
		memset(de, 0, sizeof(*de));
		return -EIO;
	}
	return len - c.left;
}
EXPORT_SYMBOL_GPL(p9_decode_dirent);

/* Rerror or Rlerror, already known to be acceptable here. */
static void p9_rerror(struct p9_rd *c, u8 type, enum p9_dialect d,
		      bool tversion, struct p9_rmsg *r)
{
	bool has_errno;
	int err;

	if (type == P9_RLERROR) {
		r->lerror.ecode = p9_r32(c);
		r->err = p9_errno_from_wire(r->lerror.ecode);
		return;
	}

	p9_rstr(c, &r->error.ename);
	/* Before Tversion has settled the dialect the size field tells. */
	has_errno = tversion ? c->left == 4 : d == P9_DOTU;
	if (!has_errno) {
		r->err = p9_errno_from_string(r->error.ename);
		return;
	}
	r->error.errnum = p9_r32(c);
	/* A usable errno wins; else what the text says, if it says much. */
	err = p9_errno_from_wire(r->error.errnum);
	if (err == -EIO)
		err = p9_errno_from_string(r->error.ename);
	r->err = err;
}

/* The decoders of the reply bodies, named p9_r_<rbody> after the message
 * table (P9_MESSAGES); @c->req is the request the reply answers.
 */
static void p9_r_version(struct p9_rd *c, struct p9_rmsg *r)
{
	r->version.msize = p9_r32(c);
	p9_rstr(c, &r->version.version);
	if (!r->version.msize || r->version.msize > c->req->version.msize)
		c->bad = true;
}

/* Rauth Rattach Rsymlink Rmknod Rmkdir */
static void p9_r_qid(struct p9_rd *c, struct p9_rmsg *r)
{
	p9_rqid(c, &r->qid.qid);
}

/* Ropen Rcreate Rlopen Rlcreate */
static void p9_r_open(struct p9_rd *c, struct p9_rmsg *r)
{
	p9_rqid(c, &r->open.qid);
	r->open.iounit = p9_r32(c);
}

/* Rread and Rreaddir: count[4], then count bytes here or out of line. */
static void p9_r_data(struct p9_rd *c, struct p9_rmsg *r)
{
	struct p9_rdata *rd = &r->data;

	rd->count = p9_r32(c);
	if (c->bad || rd->count > c->req->read.count) {
		c->bad = true;
		return;
	}
	if (c->ext) {
		/* Only the header is here; the payload went to pages. */
		if (c->left || rd->count != c->ext)
			c->bad = true;
		rd->data = NULL;
		return;
	}
	rd->data = p9_rd_take(c, rd->count);
}

static void p9_r_write(struct p9_rd *c, struct p9_rmsg *r)
{
	r->write.count = p9_r32(c);
	if (r->write.count > c->req->write.count)
		c->bad = true;
}

static void p9_r_walk(struct p9_rd *c, struct p9_rmsg *r)
{
	u16 nwname = c->req->walk.nwname;
	struct p9_rwalk *rw = &r->walk;
	unsigned int i;

	rw->nwqid = p9_r16(c);
	if (c->bad || nwname > P9_MAXWELEM || rw->nwqid > nwname) {
		c->bad = true;
		return;
	}
	for (i = 0; i < rw->nwqid; i++)
		p9_rqid(c, &rw->wqid[i]);
}

/* Rstat: n[2] stat[n], the stat filling the rest of the message.  QEMU's
 * server sends n = 0; the stat's own size field is checked either way.
 */
static void p9_r_stat(struct p9_rd *c, struct p9_rmsg *r)
{
	u16 n = p9_r16(c);

	if (!c->bad && n == 0)
		n = c->left;
	if (c->bad || n != c->left ||
	    p9_decode_stat(c->p, c->left, c->d, &r->stat) != n) {
		c->bad = true;
		return;
	}
	p9_rd_take(c, n);
}

static void p9_r_getattr(struct p9_rd *c, struct p9_rmsg *r)
{
	struct p9_attr *a = &r->attr;

	a->valid = p9_r64(c);
	p9_rqid(c, &a->qid);
	a->mode = p9_r32(c);
	a->uid = p9_r32(c);
	a->gid = p9_r32(c);
	a->nlink = p9_r64(c);
	a->rdev = p9_r64(c);
	a->size = p9_r64(c);
	a->blksize = p9_r64(c);
	a->blocks = p9_r64(c);
	a->atime_sec = p9_r64(c);
	a->atime_nsec = p9_r64(c);
	a->mtime_sec = p9_r64(c);
	a->mtime_nsec = p9_r64(c);
	a->ctime_sec = p9_r64(c);
	a->ctime_nsec = p9_r64(c);
	a->btime_sec = p9_r64(c);
	a->btime_nsec = p9_r64(c);
	a->gen = p9_r64(c);
	a->data_version = p9_r64(c);
}

static void p9_r_statfs(struct p9_rd *c, struct p9_rmsg *r)
{
	struct p9_statfs *s = &r->statfs;

	s->type = p9_r32(c);
	s->bsize = p9_r32(c);
	s->blocks = p9_r64(c);
	s->bfree = p9_r64(c);
	s->bavail = p9_r64(c);
	s->files = p9_r64(c);
	s->ffree = p9_r64(c);
	s->fsid = p9_r64(c);
	s->namelen = p9_r32(c);
}

static void p9_r_readlink(struct p9_rd *c, struct p9_rmsg *r)
{
	p9_rstr(c, &r->readlink.target);
}

static void p9_r_xattrwalk(struct p9_rd *c, struct p9_rmsg *r)
{
	r->xattrwalk.size = p9_r64(c);
}

static void p9_r_lock(struct p9_rd *c, struct p9_rmsg *r)
{
	r->lock.status = p9_r8(c);
	if (r->lock.status > P9_LOCK_GRACE)
		c->bad = true;
}

static void p9_r_getlock(struct p9_rd *c, struct p9_rmsg *r)
{
	struct p9_getlock *l = &r->getlock;

	l->type = p9_r8(c);
	l->start = p9_r64(c);
	l->length = p9_r64(c);
	l->proc_id = p9_r32(c);
	p9_rstr(c, &l->client_id);
	if (l->type > P9_LOCK_TYPE_UNLCK)
		c->bad = true;
}

/* Replies without a body. */
#define p9_r_none	NULL

#define P9_MSG_ROW(NAME, lname, in_, tbody, rbody, rmax_, qids_, zc_,	\
		   fid_)						\
	[P9_T##NAME] = {						\
		.enc = p9_t_##tbody,					\
		.dec = p9_r_##rbody,					\
		.rmax = P9_RSZ_##rmax_,					\
		.in = P9_IN_##in_,					\
		.rper = (qids_) * P9_QIDSZ,				\
		.zc = P9_ZC_##zc_,					\
		.fid = (fid_),						\
	},

/* T-message types are even and below 128 (P9_STAT_SLOTS relies on it). */
static const struct p9_msg p9_msgs[128] = {
	P9_MESSAGES(P9_MSG_ROW)
};

#define P9_MSG_NAMES(NAME, lname, ...)					\
	[P9_T##NAME] = "T" #lname, [P9_R##NAME] = "R" #lname,

static const char *const p9_msg_names[256] = {
	P9_MESSAGES(P9_MSG_NAMES)
	P9_MSG_NAMES(LERROR, lerror)
	P9_MSG_NAMES(ERROR, error)
};

/* The table's row for @type, or NULL if @type is no T-message. */
static const struct p9_msg *p9_msg_of(u8 type)
{
	if (type >= ARRAY_SIZE(p9_msgs) || !p9_msgs[type].enc)
		return NULL;
	return &p9_msgs[type];
}

/**
 * p9_msg_name() - the name of a message type
 * @type: a T- or R-message type
 *
 * Return: "Twalk", "Rlerror", ..., or NULL if no message has @type.
 */
const char *p9_msg_name(u8 type)
{
	return p9_msg_names[type];
}
EXPORT_SYMBOL_GPL(p9_msg_name);

/**
 * p9_tmsg_fid() - the fid a request acts on
 * @t: the request
 *
 * Return: the first fid @t names, or P9_NOFID if it names none (Tversion,
 * Tflush) or is no request.
 */
u32 p9_tmsg_fid(const struct p9_tmsg *t)
{
	const struct p9_msg *m = p9_msg_of(t->type);

	/* Every body that names a fid begins with it, as a u32. */
	return m && m->fid ? t->clunk.fid : P9_NOFID;
}
EXPORT_SYMBOL_GPL(p9_tmsg_fid);

/* QEMU's server answers the sync Twstat (every field "don't touch") with
 * a bare header whose size field is 0, and its virtio device reports 0
 * bytes used for it.  Take exactly that, and only for Twstat, as the
 * Rwstat it means: p9_reply_len() for the length, p9_decode() for the
 * size field.
 */
static bool p9_qemu_rwstat(const struct p9_tmsg *req, const u8 *hdr)
{
	return req->type == P9_TWSTAT && hdr[4] == P9_RWSTAT &&
	       !get_unaligned_le32(hdr);
}

/**
 * p9_reply_len() - the length of a received reply
 * @req: the request it answers
 * @buf: the receive buffer; its first P9_HDRSZ bytes were zero before
 *	 the transport received into it
 * @cap: the room at @buf
 * @len: the bytes the transport reports received
 *
 * Return: @len, or P9_HDRSZ for QEMU's empty Rwstat of 0 bytes (see
 * p9_qemu_rwstat()): the header is in @buf although none was counted.
 */
size_t p9_reply_len(const struct p9_tmsg *req, const u8 *buf, size_t cap,
		    size_t len)
{
	if (!len && cap >= P9_HDRSZ && p9_qemu_rwstat(req, buf))
		return P9_HDRSZ;
	return len;
}
EXPORT_SYMBOL_GPL(p9_reply_len);

/**
 * p9_decode() - validate and decode a reply
 * @req: the request this reply answers (the caller matched the tag)
 * @d: the dialect of the session
 * @buf: the reply's bytes received contiguously, from its size field on
 * @len: the number of bytes at @buf
 * @ext: payload bytes received out of line (a zero-copy Rread or
 *	 Rreaddir, where @buf holds just size[4] type[1] tag[2] count[4]);
 *	 0 for every other reply
 * @r: the result; strings and data point into @buf
 *
 * The size field must equal @len + @ext (but for QEMU's Rwstat of size
 * 0, see p9_qemu_rwstat()); the type must be @req's reply
 * type or the error reply of @d (Rerror for 9P2000 and 9P2000.u, Rlerror
 * for 9P2000.L; for Tversion either); the reply must consume its size
 * exactly; every count must agree with @req (see the head of this file).
 * An error reply is decoded into @r->error or @r->lerror and @r->err is
 * set to the negative errno it maps to.
 *
 * Return: 0 if the reply is well formed (then check @r->err), else -EIO
 * and @r is zeroed.
 */
int p9_decode(const struct p9_tmsg *req, enum p9_dialect d,
	      const u8 *buf, size_t len, size_t ext, struct p9_rmsg *r)
{
	struct p9_rd c = { .req = req, .d = d, .ext = ext };
	const struct p9_msg *m = p9_msg_of(req->type);
	bool tversion = req->type == P9_TVERSION;
	bool is_error;
	u32 size;
	u8 type;

	memset(r, 0, sizeof(*r));
	if (!p9_msg_in(req->type, d))
		return -EIO;
	if (len < P9_HDRSZ || len > P9_WIRE_MAX || ext > P9_WIRE_MAX - len)
		return -EIO;
	size = get_unaligned_le32(buf);
	type = buf[4];
	if (len == P9_HDRSZ && !ext && p9_qemu_rwstat(req, buf))
		size = P9_HDRSZ;
	if (size != len + ext)
		return -EIO;

	if (tversion)
		is_error = type == P9_RERROR || type == P9_RLERROR;
	else
		is_error = type == (d == P9_DOTL ? P9_RLERROR : P9_RERROR);
	if (!is_error && type != req->type + 1)
		return -EIO;
	if (ext && (is_error || m->zc != P9_ZC_IN))
		return -EIO;

	r->type = type;
	r->tag = get_unaligned_le16(buf + 5);
	c.p = buf + P9_HDRSZ;
	c.left = len - P9_HDRSZ;
	if (is_error)
		p9_rerror(&c, type, d, tversion, r);
	else if (m->dec)
		m->dec(&c, r);
	if (c.bad || c.left) {
		memset(r, 0, sizeof(*r));
		return -EIO;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(p9_decode);

/**
 * p9_peek_header() - read the header of a received message
 * @buf: the bytes received
 * @len: how many
 * @size: if not NULL, gets the size field
 * @type: if not NULL, gets the type
 * @tag: if not NULL, gets the tag
 *
 * Nothing is validated beyond the length: a transport uses this to learn
 * how much more to receive and which request the reply belongs to.
 *
 * Return: 0, or -EIO if @len < P9_HDRSZ.
 */
int p9_peek_header(const u8 *buf, size_t len, u32 *size, u8 *type, u16 *tag)
{
	if (len < P9_HDRSZ)
		return -EIO;
	if (size)
		*size = get_unaligned_le32(buf);
	if (type)
		*type = buf[4];
	if (tag)
		*tag = get_unaligned_le16(buf + 5);
	return 0;
}
EXPORT_SYMBOL_GPL(p9_peek_header);

/**
 * p9_str_is_name() - may a string be used as one path element?
 * @s: the string
 *
 * Return: true if @s is not empty, is encodable (at most U16_MAX bytes),
 * holds neither '/' nor NUL, and is neither "." nor "..".
 */
bool p9_str_is_name(struct p9_str s)
{
	if (!s.s || !s.len || s.len > U16_MAX)
		return false;
	if (s.s[0] == '.' && (s.len == 1 || (s.len == 2 && s.s[1] == '.')))
		return false;
	return !memchr(s.s, '/', s.len) && !memchr(s.s, 0, s.len);
}
EXPORT_SYMBOL_GPL(p9_str_is_name);
