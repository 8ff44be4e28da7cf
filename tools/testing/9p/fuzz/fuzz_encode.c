// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz the encoder: build a T-message from the input (type, dialect,
 * integers, strings pointing into the input) and check that p9_encode
 * and p9_encoded_size agree, that the size field is right (payload
 * included for a zero-copy Twrite), that one byte less of room is
 * refused, and that p9_reply_max stays within msize.
 *
 *	[0] dialect  [1] type  [2] flags (bit 0: Twrite data out of line)
 *	[3..4] a 16-bit count for walks  [5..] the rest: integers, then
 *	strings split at '\n'
 */
#include "fuzz.h"

struct fz_src {
	const u8 *p;
	size_t left;
};

static u32 src32(struct fz_src *s)
{
	u32 v = 0;
	unsigned int i;

	for (i = 0; i < 4 && s->left; i++, s->left--)
		v |= (u32)*s->p++ << (8 * i);
	return v;
}

static u64 src64(struct fz_src *s)
{
	u64 lo = src32(s);

	return lo | (u64)src32(s) << 32;
}

static struct p9_str srcstr(struct fz_src *s)
{
	struct p9_str r = { (const char *)s->p, 0 };

	while (r.len < s->left && s->p[r.len] != '\n')
		r.len++;
	s->p += r.len;
	s->left -= r.len;
	if (s->left) {
		s->p++;
		s->left--;
	}
	return r;
}

static void fill_stat(struct fz_src *s, struct p9_stat *st)
{
	st->type = (u16)src32(s);
	st->dev = src32(s);
	st->qid.type = (u8)src32(s);
	st->qid.version = src32(s);
	st->qid.path = src64(s);
	st->mode = src32(s);
	st->atime = src32(s);
	st->mtime = src32(s);
	st->length = src64(s);
	st->n_uid = src32(s);
	st->n_gid = src32(s);
	st->n_muid = src32(s);
	st->name = srcstr(s);
	st->uid = srcstr(s);
	st->gid = srcstr(s);
	st->muid = srcstr(s);
	st->extension = srcstr(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 out[1 << 18];
	struct fz_src s;
	struct p9_tmsg t;
	enum p9_dialect d;
	size_t len = 0, len2;
	ssize_t est;
	unsigned int i;
	u32 wire;
	int ret;

	if (size < 5)
		return 0;
	memset(&t, 0, sizeof(t));
	d = (enum p9_dialect)(data[0] % 3);
	t.type = data[1];
	t.tag = (u16)(data[3] | data[4] << 8);
	s.p = data + 5;
	s.left = size - 5;

	/* Integers of every member first; the union overlays them. */
	switch (t.type) {
	case P9_TWALK:
		t.walk.fid = src32(&s);
		t.walk.newfid = src32(&s);
		t.walk.nwname = (u16)(data[3] % 20);
		for (i = 0; i < P9_MAXWELEM; i++)
			t.walk.wname[i] = srcstr(&s);
		break;
	case P9_TWSTAT:
		t.wstat.fid = src32(&s);
		fill_stat(&s, &t.wstat.stat);
		break;
	case P9_TWRITE:
		t.write.fid = src32(&s);
		t.write.offset = src64(&s);
		if (data[2] & 1) {
			t.write.count = src32(&s);
			t.write.data = NULL;
		} else {
			t.write.count = s.left;
			t.write.data = s.p;
		}
		break;
	case P9_TLOCK:
		t.lock.fid = src32(&s);
		t.lock.lock.type = (u8)src32(&s);
		t.lock.lock.flags = src32(&s);
		t.lock.lock.start = src64(&s);
		t.lock.lock.length = src64(&s);
		t.lock.lock.proc_id = src32(&s);
		t.lock.lock.client_id = srcstr(&s);
		break;
	case P9_TGETLOCK:
		t.getlock.fid = src32(&s);
		t.getlock.lock.type = (u8)src32(&s);
		t.getlock.lock.start = src64(&s);
		t.getlock.lock.length = src64(&s);
		t.getlock.lock.proc_id = src32(&s);
		t.getlock.lock.client_id = srcstr(&s);
		break;
	case P9_TSETATTR:
		t.setattr.fid = src32(&s);
		t.setattr.attr.valid = src32(&s);
		t.setattr.attr.mode = src32(&s);
		t.setattr.attr.size = src64(&s);
		t.setattr.attr.mtime_nsec = src64(&s);
		break;
	case P9_TRENAMEAT:
		t.renameat.olddfid = src32(&s);
		t.renameat.newdfid = src32(&s);
		t.renameat.oldname = srcstr(&s);
		t.renameat.newname = srcstr(&s);
		break;
	case P9_TSYMLINK:
		t.symlink.fid = src32(&s);
		t.symlink.gid = src32(&s);
		t.symlink.name = srcstr(&s);
		t.symlink.target = srcstr(&s);
		break;
	case P9_TAUTH:
	case P9_TATTACH:
		t.attach.fid = src32(&s);
		t.attach.afid = src32(&s);
		t.attach.n_uname = src32(&s);
		t.attach.uname = srcstr(&s);
		t.attach.aname = srcstr(&s);
		if (t.type == P9_TAUTH) {
			struct p9_tattach a = t.attach;

			t.auth.afid = a.fid;
			t.auth.uname = a.uname;
			t.auth.aname = a.aname;
			t.auth.n_uname = a.n_uname;
		}
		break;
	default: {
		/* Enough for any other message: a raw fill of the union. */
		u8 *u = (u8 *)&t.version;
		size_t n = sizeof(t) - (size_t)(u - (u8 *)&t);

		n = n < s.left ? n : s.left;
		memcpy(u, s.p, n);
		s.p += n;
		s.left -= n;
		/* ...but strings must point at real memory. */
		switch (t.type) {
		case P9_TVERSION:
			t.version.version = srcstr(&s);
			break;
		case P9_TCREATE:
			t.create.name = srcstr(&s);
			t.create.extension = srcstr(&s);
			break;
		case P9_TLCREATE:
			t.lcreate.name = srcstr(&s);
			break;
		case P9_TMKNOD:
			t.mknod.name = srcstr(&s);
			break;
		case P9_TRENAME:
			t.rename.name = srcstr(&s);
			break;
		case P9_TXATTRWALK:
			t.xattrwalk.name = srcstr(&s);
			break;
		case P9_TXATTRCREATE:
			t.xattrcreate.name = srcstr(&s);
			break;
		case P9_TLINK:
			t.link.name = srcstr(&s);
			break;
		case P9_TMKDIR:
			t.mkdir.name = srcstr(&s);
			break;
		case P9_TUNLINKAT:
			t.unlinkat.name = srcstr(&s);
			break;
		case P9_TWRITE:
		case P9_TWALK:
			break;
		default:
			/* No strings: p9_tfid, Tread, Tgetattr, ... */
			break;
		}
		break;
	}
	}

	est = p9_encoded_size(&t, d);
	ret = p9_encode(&t, d, out, sizeof(out), &len);
	if (ret) {
		if (est != ret || (ret != -EINVAL && ret != -EOPNOTSUPP &&
			    ret != -ENAMETOOLONG && ret != -EMSGSIZE))
			abort();
		if (ret == -EMSGSIZE && t.type != P9_TWRITE)
			abort();
		return 0;
	}
	if (est != (ssize_t)len || len < P9_HDRSZ || out[4] != t.type ||
	    (u16)(out[5] | out[6] << 8) != t.tag)
		abort();
	wire = fz_le32(out);
	if (t.type == P9_TWRITE && !t.write.data) {
		if (wire != len + t.write.count || len != 23)
			abort();
	} else if (wire != len) {
		abort();
	}
	len2 = 777;
	if (p9_encode(&t, d, out, len - 1, &len2) != -EMSGSIZE || len2 != 777)
		abort();
	if (p9_reply_max(&t, d, 4096) > 4096 ||
	    p9_reply_max(&t, d, U32_MAX) < P9_HDRSZ)
		abort();
	return 0;
}
