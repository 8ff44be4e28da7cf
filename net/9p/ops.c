// SPDX-License-Identifier: GPL-2.0-only
/*
 * File operations, one function per operation: every dialect difference
 * of an operation is decided here, in that function.
 */
#define pr_fmt(fmt) "9pnet: " fmt

#include <linux/slab.h>
#include <linux/fcntl.h>
#include <linux/stat.h>
#include <linux/kdev_t.h>
#include <linux/fs.h>
#include <linux/timekeeping.h>
#include <linux/xattr.h>
#include "internal.h"

/* Whether the server said it has no @type (see p9_client.lacks). */
static bool p9_lacks(struct p9_client *clnt, u8 type)
{
	return test_bit(P9_STAT_SLOT(type), clnt->lacks);
}

/* Whether @err, a server's answer to @type, says it has no such message
 * (EOPNOTSUPP; a server's ENOSYS arrives as that, see error.c): then
 * remember it, so that the next call goes the other way at once.
 * Operations that may fail so for one file only (xattrs, mknod) do not
 * ask this.
 */
static bool p9_learn_lack(struct p9_client *clnt, u8 type, int err)
{
	if (err != -EOPNOTSUPP)
		return false;
	if (!test_and_set_bit(P9_STAT_SLOT(type), clnt->lacks))
		pr_info("client %d: the server has no %s: not sent again\n",
			clnt->id, p9_msg_name(type));
	return true;
}

static enum p9_dialect dialect_of(const struct p9_fid *fid)
{
	return fid->clnt->dialect;
}

static struct p9_str p9_cstr(const char *s)
{
	struct p9_str r = { s ?: "", s ? strlen(s) : 0 };

	return r;
}

/* Whether a request on @fid ended without its answer: the server may
 * or may not have done it (a signal, the request timeout, or umount -f of
 * a mount sharing its channel, which goes on: fid numbers must come back).
 */
static bool p9_gave_up(const struct p9_fid *fid, int err)
{
	return err == -EINTR || err == -ETIMEDOUT ||
	       (err == -EIO && READ_ONCE(fid->sess->dead));
}

/* A synchronous clunk whose result matters (xattr commit). */
static int p9_clunk_sync(struct p9_fid *fid)
{
	struct p9_tmsg tc = { .type = P9_TCLUNK };
	struct p9_rmsg r;
	int err;

	tc.clunk.fid = fid->fid;
	err = p9_rpc(fid->sess, &tc, &r, NULL);
	/* Given up on: the server may hold the fid yet; make sure. */
	if (p9_gave_up(fid, err))
		p9_clunk_async(fid);
	else
		p9_fid_release(fid);
	return err;
}

/* Drop a reference on a fid the server never created. */
static void p9_fid_discard(struct p9_fid *fid)
{
	if (refcount_dec_and_test(&fid->ref))
		p9_fid_release(fid);
}

/**
 * p9_client_walk - walk to a new fid
 * @fid: where to start
 * @nwname: number of names (0: clone @fid)
 * @names: the names
 *
 * Return: the new fid, or an ERR_PTR (-ENOENT if the walk stopped short).
 */
struct p9_fid *p9_client_walk(struct p9_fid *fid, unsigned int nwname,
			      const struct p9_str *names)
{
	struct p9_tmsg tc = { .type = P9_TWALK };
	struct p9_fid *nfid;
	struct p9_rmsg r;
	unsigned int done = 0, n;
	bool created = false;
	int err;

	nfid = p9_fid_new(fid->sess);
	if (IS_ERR(nfid))
		return nfid;
	do {
		n = min_t(unsigned int, nwname - done, P9_MAXWELEM);
		tc.walk.fid = created ? nfid->fid : fid->fid;
		tc.walk.newfid = nfid->fid;
		tc.walk.nwname = n;
		memcpy(tc.walk.wname, names + done, n * sizeof(*names));
		if (created)
			err = p9_rpc(fid->sess, &tc, &r, NULL);
		else
			err = p9_rpc_newfid(fid->sess, &tc, &r, nfid);
		if (err && !created)
			return ERR_PTR(err);	/* @nfid went with it */
		if (err)
			goto fail;
		if (r.walk.nwqid < n) {
			/* A short walk creates no new fid; in a later step
			 * the new fid walked itself and stays where it was.
			 */
			err = -ENOENT;
			goto fail;
		}
		created = true;
		if (n)
			nfid->qid = r.walk.wqid[n - 1];
		done += n;
	} while (done < nwname);
	if (!nwname)
		nfid->qid = fid->qid;
	nfid->uid = fid->uid;
	p9_fid_set_path(nfid, fid, names, nwname);
	return nfid;
fail:
	if (created)
		p9_fid_put(nfid);
	else
		p9_fid_discard(nfid);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(p9_client_walk);

/* Linux open flags as 9P2000.L Tlopen/Tlcreate flags. */
static u32 p9_flags_dotl(int flags)
{
	static const struct { int lx; u32 wire; } map[] = {
		{ O_CREAT, P9_DOTL_CREATE },	{ O_EXCL, P9_DOTL_EXCL },
		{ O_TRUNC, P9_DOTL_TRUNC },	{ O_APPEND, P9_DOTL_APPEND },
		{ O_NONBLOCK, P9_DOTL_NONBLOCK }, { O_DSYNC, P9_DOTL_DSYNC },
		{ O_LARGEFILE, P9_DOTL_LARGEFILE },
		{ O_DIRECTORY, P9_DOTL_DIRECTORY },
		{ O_NOFOLLOW, P9_DOTL_NOFOLLOW }, { O_NOATIME, P9_DOTL_NOATIME },
		{ __O_SYNC, P9_DOTL_SYNC },
	};
	u32 wire;
	int i;

	switch (flags & O_ACCMODE) {
	case O_WRONLY:
		wire = P9_DOTL_WRONLY;
		break;
	case O_RDWR:
		wire = P9_DOTL_RDWR;
		break;
	case O_RDONLY:
		wire = P9_DOTL_RDONLY;
		break;
	default:
		wire = P9_DOTL_NOACCESS;
		break;
	}
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (flags & map[i].lx)
			wire |= map[i].wire;
	return wire;
}

/* Linux open flags as a 9P2000(.u) Topen/Tcreate mode. */
static u8 p9_flags_legacy(enum p9_dialect d, int flags)
{
	u8 mode;

	switch (flags & O_ACCMODE) {
	case O_WRONLY:
		mode = P9_OWRITE;
		break;
	case O_RDWR:
		mode = P9_ORDWR;
		break;
	default:
		mode = P9_OREAD;
		break;
	}
	if (flags & O_TRUNC)
		mode |= P9_OTRUNC;
	if (d == P9_DOTU && (flags & O_APPEND))
		mode |= P9_OAPPEND;
	return mode;
}

/* Linux mode bits as a 9P2000(.u) perm; -EOPNOTSUPP if not expressible. */
int p9_mode_to_perm(enum p9_dialect d, umode_t mode, u32 *permp)
{
	u32 perm = mode & 0777;

	switch (mode & S_IFMT) {
	case 0:
	case S_IFREG:
		break;
	case S_IFDIR:
		perm |= P9_DMDIR;
		break;
	case S_IFLNK:
		perm |= P9_DMSYMLINK;
		break;
	case S_IFSOCK:
		perm |= P9_DMSOCKET;
		break;
	case S_IFIFO:
		perm |= P9_DMNAMEDPIPE;
		break;
	case S_IFBLK:
	case S_IFCHR:
		perm |= P9_DMDEVICE;
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (d == P9_DOTU) {
		if (mode & S_ISUID)
			perm |= P9_DMSETUID;
		if (mode & S_ISGID)
			perm |= P9_DMSETGID;
		if (mode & S_ISVTX)
			perm |= P9_DMSETVTX;
	} else if (perm & ~(P9_DMDIR | 0777)) {
		return -EOPNOTSUPP;
	}
	*permp = perm;
	return 0;
}

/**
 * p9_client_open - open a fid
 * @fid: a walked, not yet open fid
 * @flags: Linux O_ flags
 *
 * Return: 0 or a negative errno.
 */
int p9_client_open(struct p9_fid *fid, int flags)
{
	struct p9_tmsg tc;
	struct p9_rmsg r;
	int err;

	if (fid->open_flags != -1)
		return -EBUSY;
	if (dialect_of(fid) == P9_DOTL) {
		tc.type = P9_TLOPEN;
		tc.lopen.fid = fid->fid;
		tc.lopen.flags = p9_flags_dotl(flags & ~(O_CREAT | O_EXCL));
	} else {
		tc.type = P9_TOPEN;
		tc.open.fid = fid->fid;
		tc.open.mode = p9_flags_legacy(dialect_of(fid), flags);
	}
	err = p9_rpc(fid->sess, &tc, &r, NULL);
	if (err)
		return err;
	fid->qid = r.open.qid;
	fid->iounit = r.open.iounit;
	fid->open_flags = flags;
	return 0;
}
EXPORT_SYMBOL_GPL(p9_client_open);

/* 9P2000(.u) Tcreate on @fid; it becomes the new (open) file. */
static int p9_legacy_create(struct p9_fid *fid, struct p9_str name, u32 perm,
			    u8 mode, const char *ext, struct p9_qid *qid)
{
	struct p9_tmsg tc = { .type = P9_TCREATE };
	struct p9_rmsg r;
	int err;

	tc.create.fid = fid->fid;
	tc.create.name = name;
	tc.create.perm = perm;
	tc.create.mode = mode;
	tc.create.extension = p9_cstr(ext);
	err = p9_rpc(fid->sess, &tc, &r, NULL);
	if (err)
		return err;
	fid->qid = r.open.qid;
	fid->iounit = r.open.iounit;
	if (qid)
		*qid = r.open.qid;
	return 0;
}

/**
 * p9_client_fcreate - create and open a regular file
 * @fid: a clone of the directory; becomes the open file
 * @name: the new name
 * @flags: Linux O_ flags
 * @mode: S_IF type bits and permissions
 * @gid: the new file's group (9P2000.L)
 * @qid: receives the new file's qid (may be NULL)
 *
 * Return: 0 or a negative errno.
 */
int p9_client_fcreate(struct p9_fid *fid, struct p9_str name, int flags,
		      umode_t mode, kgid_t gid, struct p9_qid *qid)
{
	struct p9_tmsg tc = { .type = P9_TLCREATE };
	struct p9_rmsg r;
	u32 perm;
	int err;

	if (dialect_of(fid) != P9_DOTL) {
		err = p9_mode_to_perm(dialect_of(fid), mode, &perm);
		if (err)
			return err;
		err = p9_legacy_create(fid, name, perm,
				       p9_flags_legacy(dialect_of(fid), flags),
				       NULL, qid);
		if (!err) {
			fid->open_flags = flags;
			p9_fid_set_path(fid, fid, &name, 1);
		}
		return err;
	}
	tc.lcreate.fid = fid->fid;
	tc.lcreate.name = name;
	tc.lcreate.flags = p9_flags_dotl(flags);
	tc.lcreate.mode = mode;
	tc.lcreate.gid = from_kgid(&init_user_ns, gid);
	err = p9_rpc(fid->sess, &tc, &r, NULL);
	if (err)
		return err;
	fid->qid = r.open.qid;
	fid->iounit = r.open.iounit;
	fid->open_flags = flags;
	p9_fid_set_path(fid, fid, &name, 1);
	if (qid)
		*qid = r.open.qid;
	return 0;
}
EXPORT_SYMBOL_GPL(p9_client_fcreate);

/* Create a special file the 9P2000.u way: Tcreate on a clone of @dfid. */
static int p9_dotu_mkspecial(struct p9_fid *dfid, struct p9_str name,
			     u32 perm, const char *ext, struct p9_qid *qid)
{
	struct p9_fid *fid;
	int err;

	fid = p9_client_walk(dfid, 0, NULL);
	if (IS_ERR(fid))
		return PTR_ERR(fid);
	err = p9_legacy_create(fid, name, perm, P9_OREAD, ext, qid);
	p9_fid_put(fid);
	return err;
}

/* Send @tc, whose reply is an Rqid-shaped message, into @qid. */
static int p9_rpc_qid(struct p9_fid *fid, struct p9_tmsg *tc,
		      struct p9_qid *qid)
{
	struct p9_rmsg r;
	int err;

	err = p9_rpc(fid->sess, tc, &r, NULL);
	if (!err && qid)
		*qid = r.qid.qid;
	return err;
}

/**
 * p9_client_mkdir - make a directory
 * @dfid: the parent directory
 * @name: the new name
 * @mode: permissions
 * @gid: group (9P2000.L)
 * @qid: receives the new directory's qid (may be NULL)
 *
 * Return: 0 or a negative errno.
 */
int p9_client_mkdir(struct p9_fid *dfid, struct p9_str name, umode_t mode,
		    kgid_t gid, struct p9_qid *qid)
{
	struct p9_tmsg tc = { .type = P9_TMKDIR };
	u32 perm;
	int err;

	if (dialect_of(dfid) != P9_DOTL) {
		err = p9_mode_to_perm(dialect_of(dfid),
				      (mode & ~S_IFMT) | S_IFDIR, &perm);
		if (err)
			return err;
		return p9_dotu_mkspecial(dfid, name, perm, NULL, qid);
	}
	tc.mkdir.dfid = dfid->fid;
	tc.mkdir.name = name;
	tc.mkdir.mode = mode & ~S_IFMT;
	tc.mkdir.gid = from_kgid(&init_user_ns, gid);
	return p9_rpc_qid(dfid, &tc, qid);
}
EXPORT_SYMBOL_GPL(p9_client_mkdir);

/**
 * p9_client_symlink - make a symbolic link
 * @dfid: the parent directory
 * @name: the new name
 * @target: what it points to
 * @gid: group (9P2000.L)
 * @qid: receives the link's qid (may be NULL)
 *
 * Return: 0 or a negative errno (-EOPNOTSUPP on plain 9P2000).
 */
int p9_client_symlink(struct p9_fid *dfid, struct p9_str name,
		      struct p9_str target, kgid_t gid, struct p9_qid *qid)
{
	struct p9_tmsg tc = { .type = P9_TSYMLINK };
	char *ext;
	int err;

	switch (dialect_of(dfid)) {
	case P9_LEGACY:
		return -EOPNOTSUPP;
	case P9_DOTU:
		ext = kstrndup(target.s, target.len, GFP_NOFS);
		if (!ext)
			return -ENOMEM;
		err = p9_dotu_mkspecial(dfid, name, P9_DMSYMLINK | 0777, ext,
					qid);
		kfree(ext);
		return err;
	default:
		break;
	}
	tc.symlink.fid = dfid->fid;
	tc.symlink.name = name;
	tc.symlink.target = target;
	tc.symlink.gid = from_kgid(&init_user_ns, gid);
	return p9_rpc_qid(dfid, &tc, qid);
}
EXPORT_SYMBOL_GPL(p9_client_symlink);

/**
 * p9_client_mknod - make a device, fifo or socket node
 * @dfid: the parent directory
 * @name: the new name
 * @mode: S_IF type and permissions
 * @rdev: device number
 * @gid: group (9P2000.L)
 * @qid: receives the node's qid (may be NULL)
 *
 * Return: 0 or a negative errno (-EOPNOTSUPP on plain 9P2000).
 */
int p9_client_mknod(struct p9_fid *dfid, struct p9_str name, umode_t mode,
		    dev_t rdev, kgid_t gid, struct p9_qid *qid)
{
	struct p9_tmsg tc = { .type = P9_TMKNOD };
	char ext[32] = "";
	u32 perm;
	int err;

	switch (dialect_of(dfid)) {
	case P9_LEGACY:
		return -EOPNOTSUPP;
	case P9_DOTU:
		err = p9_mode_to_perm(P9_DOTU, mode, &perm);
		if (err)
			return err;
		if (S_ISBLK(mode) || S_ISCHR(mode))
			snprintf(ext, sizeof(ext), "%c %u %u",
				 S_ISBLK(mode) ? 'b' : 'c', MAJOR(rdev),
				 MINOR(rdev));
		return p9_dotu_mkspecial(dfid, name, perm, ext, qid);
	default:
		break;
	}
	tc.mknod.dfid = dfid->fid;
	tc.mknod.name = name;
	tc.mknod.mode = mode;
	tc.mknod.major = MAJOR(rdev);
	tc.mknod.minor = MINOR(rdev);
	tc.mknod.gid = from_kgid(&init_user_ns, gid);
	return p9_rpc_qid(dfid, &tc, qid);
}
EXPORT_SYMBOL_GPL(p9_client_mknod);

/**
 * p9_client_link - make a hard link
 * @dfid: the directory for the new name
 * @fid: the existing file
 * @name: the new name
 *
 * Return: 0 or a negative errno (-EOPNOTSUPP on plain 9P2000).
 */
int p9_client_link(struct p9_fid *dfid, struct p9_fid *fid,
		   struct p9_str name)
{
	struct p9_tmsg tc = { .type = P9_TLINK };
	struct p9_rmsg r;
	char ext[16];

	switch (dialect_of(dfid)) {
	case P9_LEGACY:
		return -EOPNOTSUPP;
	case P9_DOTU:
		snprintf(ext, sizeof(ext), "%u", fid->fid);
		return p9_dotu_mkspecial(dfid, name, P9_DMLINK, ext, NULL);
	default:
		break;
	}
	tc.link.dfid = dfid->fid;
	tc.link.fid = fid->fid;
	tc.link.name = name;
	return p9_rpc(dfid->sess, &tc, &r, NULL);
}
EXPORT_SYMBOL_GPL(p9_client_link);

/* Tstat into @st; the caller puts *@reqp after using @st's strings. */
static int p9_stat(struct p9_fid *fid, struct p9_stat *st,
		   struct p9_req **reqp)
{
	struct p9_tmsg tc = { .type = P9_TSTAT };
	struct p9_rmsg r;
	int err;

	tc.stat.fid = fid->fid;
	err = p9_rpc(fid->sess, &tc, &r, reqp);
	if (!err)
		*st = r.stat;
	return err;
}

/**
 * p9_client_readlink - read a symbolic link
 * @fid: the link
 * @target: receives a kmalloc'ed NUL-terminated copy of the target
 *
 * Return: 0 or a negative errno (-EOPNOTSUPP on plain 9P2000).
 */
int p9_client_readlink(struct p9_fid *fid, char **target)
{
	struct p9_tmsg tc = { .type = P9_TREADLINK };
	struct p9_req *req;
	struct p9_str s;
	struct p9_stat st;
	struct p9_rmsg r;
	int err;

	switch (dialect_of(fid)) {
	case P9_LEGACY:
		return -EOPNOTSUPP;
	case P9_DOTU:
		err = p9_stat(fid, &st, &req);
		if (err)
			return err;
		if (!(st.mode & P9_DMSYMLINK)) {
			p9_req_put(req);
			return -EINVAL;
		}
		s = st.extension;
		break;
	default:
		tc.readlink.fid = fid->fid;
		err = p9_rpc(fid->sess, &tc, &r, &req);
		if (err)
			return err;
		s = r.readlink.target;
		break;
	}
	*target = kstrndup(s.s, s.len, GFP_NOFS);
	p9_req_put(req);
	return *target ? 0 : -ENOMEM;
}
EXPORT_SYMBOL_GPL(p9_client_readlink);

/**
 * p9_client_remove - remove the file a fid names
 * @fid: the file; the caller's reference is consumed and the fid is
 *	clunked whatever the result
 *
 * Return: 0 or a negative errno.
 */
int p9_client_remove(struct p9_fid *fid)
{
	struct p9_tmsg tc = { .type = P9_TREMOVE };
	struct p9_rmsg r;
	int err;

	tc.remove.fid = fid->fid;
	err = p9_rpc(fid->sess, &tc, &r, NULL);
	if (p9_gave_up(fid, err)) {
		/* Given up on: the server may not have seen it (or may
		 * have, before a Tclunk: an Rerror then is harmless).
		 */
		p9_fid_put(fid);
		return err;
	}
	/* Tremove clunked it on the server, success or not. */
	p9_fid_discard(fid);
	return err;
}
EXPORT_SYMBOL_GPL(p9_client_remove);

/**
 * p9_client_unlinkat - remove a name from a directory
 * @dfid: the directory
 * @name: the name
 * @flags: 0 or P9_AT_REMOVEDIR
 *
 * Tunlinkat, or where the dialect or the server has none, Tremove of a
 * fid walked by @name.
 *
 * Return: 0 or a negative errno.
 */
int p9_client_unlinkat(struct p9_fid *dfid, struct p9_str name, u32 flags)
{
	struct p9_tmsg tc = { .type = P9_TUNLINKAT };
	struct p9_rmsg r;
	struct p9_fid *fid;
	int err;

	if (dialect_of(dfid) == P9_DOTL &&
	    !p9_lacks(dfid->clnt, P9_TUNLINKAT)) {
		tc.unlinkat.dfid = dfid->fid;
		tc.unlinkat.name = name;
		tc.unlinkat.flags = flags;
		err = p9_rpc(dfid->sess, &tc, &r, NULL);
		if (!p9_learn_lack(dfid->clnt, P9_TUNLINKAT, err))
			return err;
	}
	/* Without Tunlinkat: remove a fid walked by this very name (a fid
	 * of the file walked through another hard link would remove that
	 * name).
	 */
	fid = p9_client_walk(dfid, 1, &name);
	if (IS_ERR(fid))
		return PTR_ERR(fid);
	if (!!(flags & P9_AT_REMOVEDIR) != !!(fid->qid.type & P9_QTDIR)) {
		p9_fid_put(fid);
		return flags & P9_AT_REMOVEDIR ? -ENOTDIR : -EISDIR;
	}
	return p9_client_remove(fid);
}
EXPORT_SYMBOL_GPL(p9_client_unlinkat);

/* A 9P2000(.u) stat that changes nothing. */
static void p9_stat_untouched(struct p9_stat *st)
{
	memset(st, 0xff, sizeof(*st));
	st->name = p9_cstr(NULL);
	st->uid = p9_cstr(NULL);
	st->gid = p9_cstr(NULL);
	st->muid = p9_cstr(NULL);
	st->extension = p9_cstr(NULL);
}

static int p9_wstat(struct p9_fid *fid, const struct p9_stat *st)
{
	struct p9_tmsg tc = { .type = P9_TWSTAT };
	struct p9_rmsg r;

	tc.wstat.fid = fid->fid;
	tc.wstat.stat = *st;
	return p9_rpc(fid->sess, &tc, &r, NULL);
}

/* The rename on the wire: Trenameat, Trename, or 9P2000(.u)'s wstat. */
static int p9_rename_wire(struct p9_fid *fid, struct p9_fid *olddir,
			  struct p9_str oldname, struct p9_fid *newdir,
			  struct p9_str newname)
{
	struct p9_tmsg tc = { .type = P9_TRENAMEAT };
	struct p9_stat st;
	struct p9_rmsg r;
	int err;

	if (dialect_of(olddir) != P9_DOTL) {
		if (olddir->qid.path != newdir->qid.path)
			return -EXDEV;
		p9_stat_untouched(&st);
		st.name = newname;
		return p9_wstat(fid, &st);
	}
	if (!p9_lacks(olddir->clnt, P9_TRENAMEAT)) {
		tc.renameat.olddfid = olddir->fid;
		tc.renameat.oldname = oldname;
		tc.renameat.newdfid = newdir->fid;
		tc.renameat.newname = newname;
		err = p9_rpc(olddir->sess, &tc, &r, NULL);
		if (!p9_learn_lack(olddir->clnt, P9_TRENAMEAT, err))
			return err;
	}
	/* Trename moves the file's own fid: without one, no way left. */
	if (!fid)
		return -EOPNOTSUPP;
	tc.type = P9_TRENAME;
	tc.rename.fid = fid->fid;
	tc.rename.dfid = newdir->fid;
	tc.rename.name = newname;
	return p9_rpc(olddir->sess, &tc, &r, NULL);
}

/**
 * p9_client_rename - rename a file
 * @fid: the file
 * @olddir: its directory
 * @oldname: its name
 * @newdir: the new directory
 * @newname: the new name
 *
 * Return: 0 or a negative errno (-EXDEV across directories before
 * 9P2000.L).
 */
int p9_client_rename(struct p9_fid *fid, struct p9_fid *olddir,
		     struct p9_str oldname, struct p9_fid *newdir,
		     struct p9_str newname)
{
	int err = p9_rename_wire(fid, olddir, oldname, newdir, newname);

	/* A reconnect finds the file under its new name by this fid. */
	if (!err && fid)
		p9_fid_set_path(fid, newdir, &newname, 1);
	return err;
}
EXPORT_SYMBOL_GPL(p9_client_rename);

/* Parse a 9P2000.u device extension "b MAJ MIN" / "c MAJ MIN". */
static umode_t p9_dotu_device(struct p9_str ext, u64 *rdev)
{
	char buf[32], kind;
	unsigned int maj, min;

	if (!ext.len || ext.len >= sizeof(buf))
		return 0;
	memcpy(buf, ext.s, ext.len);
	buf[ext.len] = '\0';
	if (sscanf(buf, "%c %u %u", &kind, &maj, &min) != 3)
		return 0;
	*rdev = new_encode_dev(MKDEV(maj, min));
	return kind == 'b' ? S_IFBLK : kind == 'c' ? S_IFCHR : 0;
}

static void p9_stat_to_attr(enum p9_dialect d, const struct p9_stat *st,
			    struct p9_attr *a)
{
	u32 m = st->mode;
	umode_t type = S_IFREG;

	memset(a, 0, sizeof(*a));
	a->valid = P9_GETATTR_MODE | P9_GETATTR_ATIME | P9_GETATTR_MTIME |
		   P9_GETATTR_CTIME | P9_GETATTR_INO | P9_GETATTR_SIZE |
		   P9_GETATTR_BLOCKS;
	if (m & P9_DMDIR)
		type = S_IFDIR;
	else if (d == P9_DOTU && (m & P9_DMSYMLINK))
		type = S_IFLNK;
	else if (d == P9_DOTU && (m & P9_DMSOCKET))
		type = S_IFSOCK;
	else if (d == P9_DOTU && (m & P9_DMNAMEDPIPE))
		type = S_IFIFO;
	else if (d == P9_DOTU && (m & P9_DMDEVICE))
		type = p9_dotu_device(st->extension, &a->rdev) ?: S_IFREG;
	a->mode = type | (m & 0777);
	if (d == P9_DOTU) {
		if (m & P9_DMSETUID)
			a->mode |= S_ISUID;
		if (m & P9_DMSETGID)
			a->mode |= S_ISGID;
		if (m & P9_DMSETVTX)
			a->mode |= S_ISVTX;
	}
	a->qid = st->qid;
	a->uid = (u32)-1;
	a->gid = (u32)-1;
	if (d == P9_DOTU && st->n_uid != P9_NONUNAME) {
		a->uid = st->n_uid;
		a->valid |= P9_GETATTR_UID;
	}
	if (d == P9_DOTU && st->n_gid != P9_NONUNAME) {
		a->gid = st->n_gid;
		a->valid |= P9_GETATTR_GID;
	}
	if (a->rdev)
		a->valid |= P9_GETATTR_RDEV;
	a->nlink = 1;
	a->size = st->length;
	a->blksize = 4096;
	a->blocks = DIV_ROUND_UP_ULL(st->length, 512);
	a->atime_sec = st->atime;
	a->mtime_sec = st->mtime;
	a->ctime_sec = st->mtime;
}

/**
 * p9_client_getattr - read a file's attributes
 * @fid: the file
 * @mask: P9_GETATTR_* wanted (9P2000.L; others return what stat has)
 * @attr: receives them; @attr->valid says which are real
 *
 * Return: 0 or a negative errno.
 */
int p9_client_getattr(struct p9_fid *fid, u64 mask, struct p9_attr *attr)
{
	struct p9_tmsg tc = { .type = P9_TGETATTR };
	struct p9_req *req;
	struct p9_stat st;
	struct p9_rmsg r;
	int err;

	if (dialect_of(fid) != P9_DOTL) {
		err = p9_stat(fid, &st, &req);
		if (err)
			return err;
		p9_stat_to_attr(dialect_of(fid), &st, attr);
		p9_req_put(req);
		return 0;
	}
	tc.getattr.fid = fid->fid;
	tc.getattr.mask = mask;
	err = p9_rpc(fid->sess, &tc, &r, NULL);
	if (!err)
		*attr = r.attr;
	return err;
}
EXPORT_SYMBOL_GPL(p9_client_getattr);

/**
 * p9_client_setattr - change a file's attributes
 * @fid: the file
 * @iattr: what to change (P9_ATTR_* in @iattr->valid)
 *
 * Return: 0 or a negative errno (-EOPNOTSUPP for owners on plain 9P2000).
 */
int p9_client_setattr(struct p9_fid *fid, const struct p9_iattr *iattr)
{
	struct p9_tmsg tc = { .type = P9_TSETATTR };
	enum p9_dialect d = dialect_of(fid);
	struct p9_stat st;
	struct p9_rmsg r;
	u32 v = iattr->valid;
	u32 perm;
	int err;

	if (d == P9_DOTL) {
		tc.setattr.fid = fid->fid;
		tc.setattr.attr = *iattr;
		return p9_rpc(fid->sess, &tc, &r, NULL);
	}
	p9_stat_untouched(&st);
	if (v & P9_ATTR_MODE) {
		err = p9_mode_to_perm(d, iattr->mode & ~S_IFMT, &perm);
		if (err)
			return err;
		if (fid->qid.type & P9_QTDIR)
			perm |= P9_DMDIR;
		st.mode = perm;
	}
	if (v & (P9_ATTR_UID | P9_ATTR_GID)) {
		if (d == P9_LEGACY)
			return -EOPNOTSUPP;
		if (v & P9_ATTR_UID)
			st.n_uid = iattr->uid;
		if (v & P9_ATTR_GID)
			st.n_gid = iattr->gid;
	}
	if (v & P9_ATTR_SIZE)
		st.length = iattr->size;
	if (v & P9_ATTR_ATIME)
		st.atime = v & P9_ATTR_ATIME_SET ? (u32)iattr->atime_sec :
			   (u32)ktime_get_real_seconds();
	if (v & P9_ATTR_MTIME)
		st.mtime = v & P9_ATTR_MTIME_SET ? (u32)iattr->mtime_sec :
			   (u32)ktime_get_real_seconds();
	return p9_wstat(fid, &st);
}
EXPORT_SYMBOL_GPL(p9_client_setattr);

/**
 * p9_client_statfs - file system statistics
 * @fid: any fid on the file system
 * @st: receives them
 *
 * Return: 0 or a negative errno (-EOPNOTSUPP before 9P2000.L).
 */
int p9_client_statfs(struct p9_fid *fid, struct p9_statfs *st)
{
	struct p9_tmsg tc = { .type = P9_TSTATFS };
	struct p9_rmsg r;
	int err;

	/* Before 9P2000.L the codec refuses Tstatfs: -EOPNOTSUPP. */
	tc.statfs.fid = fid->fid;
	err = p9_rpc(fid->sess, &tc, &r, NULL);
	if (!err)
		*st = r.statfs;
	return err;
}
EXPORT_SYMBOL_GPL(p9_client_statfs);

/**
 * p9_client_fsync - flush a file to stable storage
 * @fid: an open fid
 * @datasync: only data (9P2000.L)
 *
 * Return: 0 or a negative errno.
 */
int p9_client_fsync(struct p9_fid *fid, bool datasync)
{
	struct p9_tmsg tc = { .type = P9_TFSYNC };
	struct p9_stat st;
	struct p9_rmsg r;

	if (dialect_of(fid) != P9_DOTL) {
		/* A wstat that changes nothing asks for a commit. */
		p9_stat_untouched(&st);
		return p9_wstat(fid, &st);
	}
	tc.fsync.fid = fid->fid;
	tc.fsync.datasync = datasync;
	return p9_rpc(fid->sess, &tc, &r, NULL);
}
EXPORT_SYMBOL_GPL(p9_client_fsync);

/**
 * p9_client_next_dirent - take one entry from a readdir buffer
 * @clnt: the client
 * @buf: the entries
 * @len: bytes left in @buf
 * @base: for 9P2000(.u), the directory offset of @buf
 * @de: receives the entry; its name points into @buf
 *
 * Return: bytes consumed, or -EIO.
 */
int p9_client_next_dirent(struct p9_client *clnt, const u8 *buf, size_t len,
			  u64 base, struct p9_dirent *de)
{
	struct p9_stat st;
	int n;

	if (clnt->dialect == P9_DOTL)
		return p9_decode_dirent(buf, len, de);
	n = p9_decode_stat(buf, len, clnt->dialect, &st);
	if (n < 0)
		return n;
	de->qid = st.qid;
	de->name = st.name;
	de->offset = base + n;
	if (st.mode & P9_DMDIR)
		de->type = DT_DIR;
	else if (clnt->dialect == P9_DOTU && (st.mode & P9_DMSYMLINK))
		de->type = DT_LNK;
	else if (clnt->dialect == P9_DOTU && (st.mode & P9_DMSOCKET))
		de->type = DT_SOCK;
	else if (clnt->dialect == P9_DOTU && (st.mode & P9_DMNAMEDPIPE))
		de->type = DT_FIFO;
	else if (clnt->dialect == P9_DOTU && (st.mode & P9_DMDEVICE))
		de->type = DT_UNKNOWN;
	else
		de->type = DT_REG;
	return n;
}
EXPORT_SYMBOL_GPL(p9_client_next_dirent);

/**
 * p9_client_getxattr - read or list extended attributes
 * @fid: the file
 * @name: the attribute, or NULL/"" to list names
 * @buf: where to put the value
 * @size: room in @buf; 0 asks for the size only
 *
 * Return: the value's size, or a negative errno (-ERANGE if @buf is too
 * small, -EOPNOTSUPP before 9P2000.L).
 */
ssize_t p9_client_getxattr(struct p9_fid *fid, const char *name,
			   void *buf, size_t size)
{
	struct p9_tmsg tc = { .type = P9_TXATTRWALK };
	struct p9_client *clnt = fid->clnt;
	struct p9_fid *afid;
	struct p9_rmsg r;
	struct iov_iter to;
	struct kvec kv = { buf, size };
	ssize_t n, err;
	u64 xsize;

	/* Asked of the message table before a fid is spent on it. */
	if (!p9_msg_in(P9_TXATTRWALK, clnt->dialect))
		return -EOPNOTSUPP;
	afid = p9_fid_new(fid->sess);
	if (IS_ERR(afid))
		return PTR_ERR(afid);
	tc.xattrwalk.fid = fid->fid;
	tc.xattrwalk.newfid = afid->fid;
	tc.xattrwalk.name = p9_cstr(name);
	err = p9_rpc(fid->sess, &tc, &r, NULL);
	if (err) {
		p9_fid_discard(afid);
		return err;
	}
	xsize = r.xattrwalk.size;
	afid->ready = true;	/* no path: a reconnect marks it stale */
	afid->open_flags = O_RDONLY;
	if (xsize > XATTR_SIZE_MAX) {
		err = -E2BIG;
	} else if (!size) {
		err = xsize;
	} else if (size < xsize) {
		err = -ERANGE;
	} else {
		err = 0;
		kv.iov_len = xsize;
		iov_iter_kvec(&to, ITER_DEST, &kv, 1, xsize);
		while (err < xsize) {
			n = p9_client_read(afid, err, &to);
			if (n <= 0) {
				err = n ?: -EIO;
				break;
			}
			err += n;
		}
	}
	p9_fid_put(afid);
	return err;
}
EXPORT_SYMBOL_GPL(p9_client_getxattr);

/**
 * p9_client_setxattr - set or remove an extended attribute
 * @fid: the file
 * @name: the attribute
 * @value: the value (NULL with @size 0 removes)
 * @size: its size
 * @flags: 0, P9_XATTR_CREATE or P9_XATTR_REPLACE
 *
 * Return: 0 or a negative errno (-EOPNOTSUPP before 9P2000.L).
 */
int p9_client_setxattr(struct p9_fid *fid, const char *name,
		       const void *value, size_t size, int flags)
{
	struct p9_tmsg tc = { .type = P9_TXATTRCREATE };
	struct p9_fid *afid;
	struct p9_rmsg r;
	struct iov_iter from;
	struct kvec kv = { (void *)value, size };
	size_t done = 0;
	ssize_t n;
	int err;

	/* Asked of the message table before the Twalk for it. */
	if (!p9_msg_in(P9_TXATTRCREATE, dialect_of(fid)))
		return -EOPNOTSUPP;
	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	afid = p9_client_walk(fid, 0, NULL);
	if (IS_ERR(afid))
		return PTR_ERR(afid);
	tc.xattrcreate.fid = afid->fid;
	tc.xattrcreate.name = p9_cstr(name);
	tc.xattrcreate.size = size;
	tc.xattrcreate.flags = flags;
	err = p9_rpc(fid->sess, &tc, &r, NULL);
	if (err) {
		p9_fid_put(afid);
		return err;
	}
	afid->open_flags = O_WRONLY;
	/* An xattr fid now: it is not the file its path names any more. */
	p9_fid_drop_path(afid);
	iov_iter_kvec(&from, ITER_SOURCE, &kv, 1, size);
	while (done < size) {
		n = p9_client_write(afid, done, &from);
		if (n <= 0) {
			err = n ?: -EIO;
			break;
		}
		done += n;
	}
	/* The Tclunk commits the attribute: its answer is the result. */
	if (refcount_dec_and_test(&afid->ref)) {
		n = p9_clunk_sync(afid);
		if (!err)
			err = n;
	}
	return err;
}
EXPORT_SYMBOL_GPL(p9_client_setxattr);

/**
 * p9_client_lock - take, release or test a POSIX lock
 * @fid: an open fid
 * @fl: the lock
 * @status: receives P9_LOCK_SUCCESS, _BLOCKED, _ERROR or _GRACE
 *
 * Return: 0 or a negative errno (-EOPNOTSUPP before 9P2000.L).
 */
int p9_client_lock(struct p9_fid *fid, const struct p9_flock *fl,
		   u8 *status)
{
	struct p9_tmsg tc = { .type = P9_TLOCK };
	struct p9_rmsg r;
	int err;

	/* Before 9P2000.L the codec refuses Tlock: -EOPNOTSUPP. */
	tc.lock.fid = fid->fid;
	tc.lock.lock = *fl;
	err = p9_rpc(fid->sess, &tc, &r, NULL);
	if (!err)
		*status = r.lock.status;
	/* A reconnect cannot take it again for its holder (recover.c). */
	if (!err && r.lock.status == P9_LOCK_SUCCESS &&
	    fl->type != P9_LOCK_TYPE_UNLCK && fid->clnt->reconnect)
		fid->locked = true;
	return err;
}
EXPORT_SYMBOL_GPL(p9_client_lock);

/**
 * p9_client_getlock - test for a conflicting POSIX lock
 * @fid: an open fid
 * @gl: the lock to test; receives the conflicting lock (its client_id
 *	is left as the caller set it)
 *
 * Return: 0 or a negative errno (-EOPNOTSUPP before 9P2000.L).
 */
int p9_client_getlock(struct p9_fid *fid, struct p9_getlock *gl)
{
	struct p9_tmsg tc = { .type = P9_TGETLOCK };
	struct p9_rmsg r;
	int err;

	/* Before 9P2000.L the codec refuses Tgetlock: -EOPNOTSUPP. */
	tc.getlock.fid = fid->fid;
	tc.getlock.lock = *gl;
	err = p9_rpc(fid->sess, &tc, &r, NULL);
	if (err)
		return err;
	gl->type = r.getlock.type;
	gl->start = r.getlock.start;
	gl->length = r.getlock.length;
	gl->proc_id = r.getlock.proc_id;
	return 0;
}
EXPORT_SYMBOL_GPL(p9_client_getlock);
