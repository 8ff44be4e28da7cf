// SPDX-License-Identifier: GPL-2.0-only
/*
 * v9fs-ng: inodes.
 *
 * There is one live inode per server file in every cache mode.  Inodes
 * are hashed by qid.path and matched on qid.path, file type and (when the
 * server reports one) generation.  A server may reuse a qid.path once a
 * file is gone; when a looked-up file has the path of a live inode but a
 * different type or generation, that inode is marked stale (it is never
 * found again, its dentries fail revalidation, attribute requests return
 * -ESTALE) and a new inode is made for the new file.
 *
 * Attributes come from one place, struct p9_attr, whatever the dialect;
 * nothing from the server is trusted: file types are checked, times and
 * counts clamped, unknown owners mapped to dfltuid/dfltgid.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/pagemap.h>
#include <linux/posix_acl.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/xattr.h>
#include "v9fs.h"

struct kmem_cache *v9fs_inode_cachep;

static bool v9fs_valid_type(umode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return true;
	}
	return false;
}

/*
 * The file type a server reported: from the mode, or from the qid when
 * the mode carries no type at all (servers that store whatever mode a
 * client once sent).  0 if there is no valid type.
 */
static umode_t v9fs_attr_type(const struct p9_attr *attr)
{
	umode_t type = attr->mode & S_IFMT;

	if (!(attr->valid & P9_GETATTR_MODE))
		return 0;
	if (!type) {
		if (attr->qid.type & P9_QTDIR)
			type = S_IFDIR;
		else if (attr->qid.type & P9_QTSYMLINK)
			type = S_IFLNK;
		else
			type = S_IFREG;
	}
	return v9fs_valid_type(type) ? type : 0;
}

static int v9fs_inode_test(struct inode *inode, void *data)
{
	const struct p9_attr *attr = data;
	struct v9fs_inode *v9i = V9I(inode);

	/* An unlinked file's path may already name a new file. */
	if (v9i->qid.path != attr->qid.path || v9fs_is_stale(inode) ||
	    test_bit(V9FS_INO_GONE, &v9i->flags))
		return 0;
	if ((inode->i_mode & S_IFMT) != v9fs_attr_type(attr) ||
	    (v9i->gen_valid && (attr->valid & P9_GETATTR_GEN) &&
	     v9i->gen != attr->gen)) {
		/* Same path, another file: retire the old inode. */
		set_bit(V9FS_INO_STALE, &v9i->flags);
		return 0;
	}
	return 1;
}

static int v9fs_inode_set(struct inode *inode, void *data)
{
	const struct p9_attr *attr = data;
	struct v9fs_inode *v9i = V9I(inode);

	v9i->qid = attr->qid;
	inode->i_ino = attr->qid.path;
	inode->i_mode = v9fs_attr_type(attr);
	return 0;
}

static struct timespec64 v9fs_time(u64 sec, u64 nsec)
{
	struct timespec64 ts;

	ts.tv_sec = (time64_t)sec;
	ts.tv_nsec = nsec < NSEC_PER_SEC ? nsec : 0;
	return ts;
}

/*
 * Update an inode from attributes the server sent.  @ours: the caller's
 * own writes are all that changed the data since the cached pages were
 * checked, so a new size or mtime is no reason to drop them.
 */
static int __v9fs_apply_attr(struct inode *inode, const struct p9_attr *attr,
			     u64 seq, bool ours)
{
	struct v9fs_sb *v9s = V9SB(inode->i_sb);
	struct v9fs_inode *v9i = V9I(inode);
	struct address_space *mapping = inode->i_mapping;
	u64 valid = attr->valid;
	bool changed = false, acl_stale = false, local, raced;
	struct timespec64 mt;
	loff_t size;
	kuid_t uid;
	kgid_t gid;

	if ((valid & P9_GETATTR_MODE) &&
	    (inode->i_mode & S_IFMT) != v9fs_attr_type(attr)) {
		set_bit(V9FS_INO_STALE, &v9i->flags);
		return -ESTALE;
	}

	spin_lock(&inode->i_lock);
	/*
	 * While writeback has data the server has not seen, the size and
	 * mtime kept here are the file's; the server's are behind.  So they
	 * are if one of our changes reached the server after this reply's
	 * request left: the server may have answered before it.
	 */
	raced = S_ISREG(inode->i_mode) && v9i->wseq > seq;
	local = raced ||
		(v9fs_page_cached(inode, V9FS_CF_WRITE) &&
		  (atomic_long_read(&v9i->wgen) !=
		   atomic_long_read(&v9i->wgen_sent) ||
		   mapping_tagged(mapping, PAGECACHE_TAG_DIRTY) ||
		   mapping_tagged(mapping, PAGECACHE_TAG_WRITEBACK)));
	if (valid & P9_GETATTR_MODE) {
		umode_t mode = (inode->i_mode & S_IFMT) |
			       (attr->mode & S_IALLUGO);

		/* New set-id bits must be seen by the next write. */
		if (mode != inode->i_mode) {
			inode->i_flags &= ~S_NOSEC;
			acl_stale = true;
		}
		inode->i_mode = mode;
	}
	if (valid & P9_GETATTR_UID) {
		uid = make_kuid(&init_user_ns, attr->uid);
		inode->i_uid = (attr->uid == (u32)-1 || !uid_valid(uid)) ?
			       v9s->o.dfltuid : uid;
	}
	if (valid & P9_GETATTR_GID) {
		gid = make_kgid(&init_user_ns, attr->gid);
		inode->i_gid = (attr->gid == (u32)-1 || !gid_valid(gid)) ?
			       v9s->o.dfltgid : gid;
	}
	if (valid & P9_GETATTR_NLINK) {
		u64 nlink = attr->nlink;

		/* an O_TMPFILE's hidden name is not a link (overlay.c) */
		if (test_bit(V9FS_INO_TMPFILE, &v9i->flags) && nlink)
			nlink--;
		set_nlink(inode, min_t(u64, nlink, UINT_MAX));
	}
	if ((valid & P9_GETATTR_RDEV) &&
	    (S_ISCHR(inode->i_mode) || S_ISBLK(inode->i_mode)))
		inode->i_rdev = new_decode_dev((u32)attr->rdev);
	if (valid & P9_GETATTR_ATIME)
		inode_set_atime_to_ts(inode, v9fs_time(attr->atime_sec,
						     attr->atime_nsec));
	if (valid & P9_GETATTR_CTIME) {
		struct timespec64 ct = v9fs_time(attr->ctime_sec,
						 attr->ctime_nsec);
		struct timespec64 old = inode_get_ctime(inode);

		/*
		 * An ACL or file capability set elsewhere changes the
		 * ctime: the next write checks for privileges to drop.
		 */
		if (!timespec64_equal(&ct, &old)) {
			inode->i_flags &= ~S_NOSEC;
			acl_stale = true;
		}
		inode_set_ctime_to_ts(inode, ct);
	}
	if ((valid & P9_GETATTR_MTIME) && !local) {
		mt = v9fs_time(attr->mtime_sec, attr->mtime_nsec);
		changed |= !timespec64_equal(&mt, &v9i->data_mtime);
		inode_set_mtime_to_ts(inode, mt);
		v9i->data_mtime = mt;
	}
	if ((valid & P9_GETATTR_SIZE) && !local) {
		size = min_t(u64, attr->size, MAX_LFS_FILESIZE);
		changed |= size != v9i->data_size;
		v9fs_i_size_write(inode, size);
		v9i->data_size = size;
	}
	if (valid & P9_GETATTR_BLOCKS)
		inode->i_blocks = attr->blocks;
	if (attr->blksize && is_power_of_2(attr->blksize) &&
	    attr->blksize >= 512 && attr->blksize <= SZ_1M)
		inode->i_blkbits = ilog2(attr->blksize);
	else
		inode->i_blkbits = PAGE_SHIFT;
	if (valid & P9_GETATTR_GEN) {
		v9i->gen = attr->gen;
		v9i->gen_valid = true;
	}
	/* A creation time of exactly 0 is a server's placeholder. */
	if ((valid & P9_GETATTR_BTIME) &&
	    (attr->btime_sec || attr->btime_nsec)) {
		v9i->btime = v9fs_time(attr->btime_sec, attr->btime_nsec);
		v9i->btime_valid = true;
	}
	spin_unlock(&inode->i_lock);
	/*
	 * The VFS keeps the ACLs it read for the inode's life: the server's
	 * may have changed with its mode or ctime, so read them again.
	 */
	if (acl_stale)
		forget_all_cached_acls(inode);

	/*
	 * Size or mtime moved since the cached pages were read: the file
	 * changed behind our back.  Drop the cached pages (mapped ones too)
	 * so readers and new faults fetch the new data.
	 */
	if (changed && !ours && !local && S_ISREG(inode->i_mode)) {
		/* The local cache of cache=fscache, first: pages refill from it. */
		v9fs_cache_changed(inode, 0);
		if (mapping->nrpages)
			invalidate_inode_pages2(mapping);
	} else if (changed && ours && S_ISREG(inode->i_mode)) {
		v9fs_cache_rebase(inode);
	}
	return raced;
}

/**
 * v9fs_apply_attr - update an inode from attributes the server sent
 * @inode: the inode
 * @attr: the attributes; fields not in @attr->valid are left alone
 * @seq: v9fs_attr_seq() from before the request for @attr was sent
 *
 * If the file's size or mtime moved since its cached pages were read,
 * they are dropped.
 *
 * Return: 0; 1 if size and mtime were left alone because one of our
 * changes to the file overtook the reply (the attributes are then not to
 * be cached); or -ESTALE if the file type changed (the inode is then
 * marked stale).
 */
int v9fs_apply_attr(struct inode *inode, const struct p9_attr *attr, u64 seq)
{
	return __v9fs_apply_attr(inode, attr, seq, false);
}

/**
 * v9fs_data_changed - one of our changes to a file's data or size is done
 * @inode: the inode
 *
 * Called when the server has answered a Twrite or a size change: replies
 * to attribute reads sent before this must not set the size or mtime.
 */
void v9fs_data_changed(struct inode *inode)
{
	struct v9fs_inode *v9i = V9I(inode);
	u64 seq = atomic64_inc_return(&V9SB(inode->i_sb)->wseq);

	spin_lock(&inode->i_lock);
	if (seq > v9i->wseq)
		v9i->wseq = seq;
	spin_unlock(&inode->i_lock);
}

/* truncate_setsize(), with the size set by v9fs_i_size_write() */
static void v9fs_truncate_setsize(struct inode *inode, loff_t size)
{
	loff_t old;

	lockdep_assert_held(&inode->i_rwsem);
	spin_lock(&inode->i_lock);
	old = i_size_read(inode);
	v9fs_i_size_write(inode, size);
	spin_unlock(&inode->i_lock);
	if (size > old)
		pagecache_isize_extended(inode, old, size);
	truncate_pagecache(inode, size);
}

/**
 * v9fs_data_written - writeback sent data: take the server's attributes
 * @inode: the inode
 * @fid: the fid the data went through
 *
 * The size and mtime the server now reports are the result of our own
 * writes; recording them keeps the next open's close-to-open check from
 * taking them for someone else's change.  A change by another client
 * between our Twrite and this Tgetattr goes unnoticed: 9P has no way to
 * tell the two apart.
 */
void v9fs_data_written(struct inode *inode, struct p9_fid *fid)
{
	u64 seq = v9fs_attr_seq(inode->i_sb);
	struct p9_attr attr;

	if (p9_client_getattr(fid, V9FS_ATTR_MASK, &attr))
		return;
	if (!__v9fs_apply_attr(inode, &attr, seq, true))
		v9fs_mark_fresh(inode);
}

static void v9fs_set_ops(struct inode *inode, bool nodevmap)
{
	switch (inode->i_mode & S_IFMT) {
	case S_IFDIR:
		inode->i_op = &v9fs_dir_iops;
		inode->i_fop = &v9fs_dir_fops;
		break;
	case S_IFLNK:
		inode->i_op = &v9fs_symlink_iops;
		break;
	case S_IFREG:
		inode->i_op = &v9fs_file_iops;
		inode->i_fop = &v9fs_file_fops;
		inode->i_mapping->a_ops = &v9fs_aops;
		break;
	default:
		if (nodevmap) {
			/* Opened through the server like a regular file. */
			inode->i_op = &v9fs_file_iops;
			inode->i_fop = &v9fs_file_fops;
			inode->i_mapping->a_ops = &v9fs_aops;
		} else {
			/* Same attribute operations as a regular file. */
			inode->i_op = &v9fs_file_iops;
			init_special_inode(inode, inode->i_mode,
					   inode->i_rdev);
		}
		break;
	}
}

/**
 * v9fs_iget - the inode of a server file
 * @sb: the super block
 * @attr: the file's attributes from p9_client_getattr() (qid and mode
 *	must be valid)
 * @seq: v9fs_attr_seq() from before @attr was asked for
 *
 * Return: a referenced inode (found and updated, or new), or an ERR_PTR.
 */
struct inode *v9fs_iget(struct super_block *sb, const struct p9_attr *attr,
			u64 seq)
{
	struct p9_attr *a = (struct p9_attr *)attr;
	struct inode *inode;
	int err;

	if (!v9fs_attr_type(attr)) {
		pr_warn_ratelimited("9p: server sent a bad file type (mode 0%o)\n",
				    attr->mode);
		return ERR_PTR(-EIO);
	}

	inode = iget5_locked(sb, (unsigned long)attr->qid.path,
			     v9fs_inode_test, v9fs_inode_set, a);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	if (!(inode->i_state & I_NEW)) {
		err = v9fs_apply_attr(inode, attr, seq);
		if (err < 0) {
			iput(inode);
			return ERR_PTR(err);
		}
		return inode;
	}

	/* What a dialect may not report: one link, the default owner. */
	inode->i_blkbits = PAGE_SHIFT;
	set_nlink(inode, 1);
	inode->i_uid = V9SB(sb)->o.dfltuid;
	inode->i_gid = V9SB(sb)->o.dfltgid;
	v9fs_apply_attr(inode, attr, seq);
	/*
	 * What file handles (export.c) tell this file by: the server's
	 * generation lets a handle outlive this inode; without one, a
	 * number of our own still tells a new file at this qid.path from
	 * the one a handle names.
	 */
	inode->i_generation = V9I(inode)->gen_valid ?
			      lower_32_bits(V9I(inode)->gen) : get_random_u32();
	v9fs_netfs_init(inode);
	v9fs_cache_inode_get(inode);
	v9fs_set_ops(inode, V9SB(sb)->o.nodevmap);
	unlock_new_inode(inode);
	return inode;
}

/**
 * v9fs_refresh - reread an inode's attributes from the server
 * @inode: the inode
 * @dentry: a dentry of it, or NULL
 *
 * Return: 0 or a negative errno.
 */
int v9fs_refresh(struct inode *inode, struct dentry *dentry)
{
	struct p9_attr attr;
	struct p9_fid *fid;
	u64 seq;
	int err;

	if (v9fs_is_stale(inode))
		return -ESTALE;
	fid = v9fs_attr_fid(inode, dentry);
	if (IS_ERR(fid))
		return PTR_ERR(fid);
	seq = v9fs_attr_seq(inode->i_sb);
	err = p9_client_getattr(fid, V9FS_ATTR_MASK, &attr);
	p9_fid_put(fid);
	if (err)
		return err;
	err = v9fs_apply_attr(inode, &attr, seq);
	if (!err && v9fs_cached(inode, V9FS_CF_META))
		v9fs_mark_fresh(inode);
	return err < 0 ? err : 0;
}

/**
 * v9fs_mark_fresh - note that an inode's attributes were just read
 * @inode: the inode
 *
 * With a metadata cache they serve stat(2) for actimeo; without one, a
 * stat(2) that follows a lookup in the same tick uses them instead of
 * asking the server a second time, once only.
 */
void v9fs_mark_fresh(struct inode *inode)
{
	struct v9fs_inode *v9i = V9I(inode);

	WRITE_ONCE(v9i->stamp, jiffies);
	set_bit(V9FS_INO_FRESH, &v9i->flags);
}

static bool v9fs_attr_recent(struct inode *inode, unsigned long ttl)
{
	struct v9fs_inode *v9i = V9I(inode);

	return test_bit(V9FS_INO_FRESH, &v9i->flags) &&
	       time_before_eq(jiffies, READ_ONCE(v9i->stamp) + ttl);
}

/**
 * v9fs_mark_looked_up - a lookup just read the inode's attributes
 * @inode: the inode
 */
void v9fs_mark_looked_up(struct inode *inode)
{
	v9fs_mark_fresh(inode);
	set_bit(V9FS_INO_LOOKUP, &V9I(inode)->flags);
}

/**
 * v9fs_open_needs_refresh - must open(2) ask for attributes (close-to-open)?
 * @inode: the inode being opened
 *
 * Not if the lookup of the path being opened read them in this very tick;
 * attributes kept from an earlier open, stat or writeback do not count.
 *
 * Return: true if the attributes must be read again.
 */
bool v9fs_open_needs_refresh(struct inode *inode)
{
	return !test_and_clear_bit(V9FS_INO_LOOKUP, &V9I(inode)->flags) ||
	       !v9fs_attr_recent(inode, 1);
}

/* May stat(2) answer from what the inode holds? */
static bool v9fs_attr_cached(struct inode *inode)
{
	struct v9fs_sb *v9s = V9SB(inode->i_sb);

	if (v9s->cf & V9FS_CF_META)
		return v9fs_attr_recent(inode, READ_ONCE(v9s->o.actimeo));
	return v9fs_attr_recent(inode, 1) &&
	       test_and_clear_bit(V9FS_INO_FRESH, &V9I(inode)->flags);
}

/**
 * v9fs_getattr - inode_operations.getattr: stat(2) from the server
 * @mnt_userns: the mount's user namespace
 * @path: what to stat
 * @stat: filled in
 * @request_mask: STATX_* wanted
 * @flags: AT_STATX_* sync flags
 *
 * Return: 0 or a negative errno.
 */
int v9fs_getattr(struct v9fs_idmap *mnt_userns, const struct path *path,
		 struct kstat *stat, u32 request_mask, unsigned int flags)
{
	struct inode *inode = d_inode(path->dentry);
	int err;

	err = v9fs_idmap_check(inode->i_sb, mnt_userns);
	if (err)
		return err;
	/*
	 * Written data still cached: send it, so that size, blocks and
	 * times are the server's (as NFS does).
	 */
	if (v9fs_page_cached(inode, V9FS_CF_WRITE) &&
	    (flags & AT_STATX_SYNC_TYPE) != AT_STATX_DONT_SYNC &&
	    mapping_tagged(inode->i_mapping, PAGECACHE_TAG_DIRTY)) {
		err = filemap_write_and_wait(inode->i_mapping);
		if (err)
			return err;
	}
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_FORCE_SYNC ||
	    ((flags & AT_STATX_SYNC_TYPE) != AT_STATX_DONT_SYNC &&
	     !v9fs_attr_cached(inode))) {
		err = v9fs_refresh(inode, path->dentry);
		if (err)
			return err;
	}
	v9fs_generic_fillattr(mnt_userns, request_mask, inode, stat);
	if (V9I(inode)->btime_valid) {
		spin_lock(&inode->i_lock);
		stat->btime = V9I(inode)->btime;
		spin_unlock(&inode->i_lock);
		stat->result_mask |= STATX_BTIME;
	}
	return 0;
}

/*
 * Whether the name @dentry had, which we removed, now names another file
 * on the server (a walk from the parent finds a file with another qid).
 */
static bool v9fs_name_reused(struct dentry *dentry, struct inode *inode)
{
	struct name_snapshot name;
	struct dentry *parent;
	struct p9_fid *dfid, *fid;
	struct p9_str s;
	bool reused = false;

	/* No rename_sem: v9fs_dentry_fid() may take it; a snapshot will do. */
	parent = dget_parent(dentry);
	take_dentry_name_snapshot(&name, dentry);
	dfid = v9fs_dentry_fid(parent);
	if (!IS_ERR(dfid)) {
		s.s = name.name.name;
		s.len = name.name.len;
		fid = p9_client_walk(dfid, 1, &s);
		if (!IS_ERR(fid)) {
			reused = fid->qid.path != V9I(inode)->qid.path;
			p9_fid_put(fid);
		}
		p9_fid_put(dfid);
	}
	release_dentry_name_snapshot(&name);
	dput(parent);
	return reused;
}

/*
 * The fid a setattr of @inode goes through: the file's own open fid for
 * ftruncate() (ATTR_FILE), else any fid of the file, else a walk of
 * @dentry's path.  Once we removed the file's last name (V9FS_INO_GONE)
 * no path is walked to it, as the name may already belong to a new file.
 * Some servers apply a Tsetattr, even on an open fid, to the name the fid
 * was opened under (QEMU's up to 9.x): on those it fails with ENOENT once
 * the name is free, but would change the new file if the name was taken
 * again, so then it is not sent at all and fails the same way.  (A new
 * file taking the name between that check and the Tsetattr still races.)
 */
static struct p9_fid *v9fs_setattr_fid(struct inode *inode,
				       struct dentry *dentry,
				       const struct iattr *iattr)
{
	struct v9fs_inode *v9i = V9I(inode);
	struct p9_fid *fid = NULL;

	if ((iattr->ia_valid & ATTR_FILE) && iattr->ia_file->private_data)
		fid = p9_fid_get(iattr->ia_file->private_data);
	if (!test_bit(V9FS_INO_GONE, &v9i->flags)) {
		if (!fid)
			fid = v9fs_dentry_fid(dentry);
		if (IS_ERR(fid) && PTR_ERR(fid) == -ENOENT)
			fid = v9fs_attr_fid(inode, NULL);
		return fid;
	}
	return v9fs_gone_fid(inode, dentry, fid);
}

/**
 * v9fs_gone_fid - a fid for a request about a file whose names we removed
 * @inode: the inode, V9FS_INO_GONE
 * @dentry: its (unhashed) dentry, or NULL for any
 * @fid: a fid of the caller's to use (its reference moves here), or NULL
 *
 * No name is walked to a GONE file; an open fid (or one kept with the
 * inode) is used, unless the removed name now names another file: a
 * server that goes by the name a fid was opened under (QEMU, for
 * Tsetattr and xattrs) would then change that file.  See
 * v9fs_setattr_fid().
 *
 * Return: a fid reference, or ERR_PTR(-ENOENT).
 */
struct p9_fid *v9fs_gone_fid(struct inode *inode, struct dentry *dentry,
			     struct p9_fid *fid)
{
	struct dentry *alias = NULL;
	bool reused;

	if (!fid)
		fid = v9fs_open_fid_find(inode);
	if (!fid)
		fid = v9fs_fid_find(inode, v9fs_fid_user(V9SB(inode->i_sb)));
	if (!fid)
		return ERR_PTR(-ENOENT);
	if (!dentry)
		dentry = alias = d_find_any_alias(inode);
	reused = dentry && !IS_ROOT(dentry) && v9fs_name_reused(dentry, inode);
	dput(alias);
	if (reused) {
		p9_fid_put(fid);
		return ERR_PTR(-ENOENT);
	}
	return fid;
}

/* Send a setattr's Tsetattr; see v9fs_setattr_fid() for the fid. */
static int v9fs_setattr_send(struct inode *inode, struct dentry *dentry,
			     const struct iattr *iattr, struct p9_iattr *pia)
{
	struct p9_fid *fid;
	int err;

	fid = v9fs_setattr_fid(inode, dentry, iattr);
	if (IS_ERR(fid))
		return PTR_ERR(fid);
	err = p9_client_setattr(fid, pia);
	p9_fid_put(fid);
	if (err == -ENOENT && !test_bit(V9FS_INO_GONE, &V9I(inode)->flags)) {
		/* The name is gone; an open file may still reach it. */
		fid = v9fs_open_fid_find(inode);
		if (fid) {
			err = p9_client_setattr(fid, pia);
			p9_fid_put(fid);
		}
	}
	if (pia->valid & P9_ATTR_SIZE)
		v9fs_data_changed(inode);
	return err;
}

/* Set v9fs_inode.wb_end; a truncation holds the invalidate lock. */
static void v9fs_set_wb_end(struct inode *inode, loff_t end)
{
	lockdep_assert_held_write(&inode->i_mapping->invalidate_lock);
	spin_lock(&inode->i_lock);
	V9I(inode)->wb_end = end;
	spin_unlock(&inode->i_lock);
}

/*
 * Before the Tsetattr of a regular file's new size, with i_rwsem and the
 * invalidate lock held, so that neither write(2) nor a store through a
 * shared mapping (v9fs_page_mkwrite()) dirties a page until the page
 * cache is truncated as well.  What is dirty below the new size is sent
 * first; nothing at or past it is sent from now on (v9fs_inode.wb_end),
 * not even by write-back already running: written at the old size after
 * the server's truncation, it would make the file grow back there.  The
 * dirty pages past the new end are not sent at all (the truncation drops
 * them, or they stay dirty if it fails), so a truncation that frees space
 * on a full server does not fail with ENOSPC for data it throws away.
 */
static int v9fs_truncate_begin(struct inode *inode, loff_t size)
{
	struct address_space *mapping = inode->i_mapping;
	int err;

	if (size) {
		err = filemap_write_and_wait_range(mapping, 0, size - 1);
		if (err)
			return err;
	}
	v9fs_set_wb_end(inode, size);
	/*
	 * Folios past @size that write-back started on before: their data
	 * must reach the server before the Tsetattr.  Their errors are
	 * write-back's, left for fsync and close.
	 */
	filemap_fdatawait_range_keep_errors(mapping, size, LLONG_MAX);
	return 0;
}

/*
 * Test hook, off by default: the next truncation that shrinks a file
 * waits this long between the server's reply and the page cache's
 * truncation, where a page dirtied through a shared mapping must not be
 * written back past the new end (t_truncmmap.sh).
 */
static unsigned int truncate_delay_ms;
module_param(truncate_delay_ms, uint, 0644);
MODULE_PARM_DESC(truncate_delay_ms,
		 "testing only: delay in ms inside the next shrinking truncate (default 0)");

/**
 * v9fs_setattr - inode_operations.setattr: chmod, chown, truncate, utimes
 * @mnt_userns: the mount's user namespace
 * @dentry: the file
 * @iattr: what to change
 *
 * Sent to the server as one Tsetattr (or the dialect's equivalent); times
 * without ATTR_[AM]TIME_SET are set by the server to its "now".
 *
 * Return: 0 or a negative errno.
 */
int v9fs_setattr(struct v9fs_idmap *mnt_userns, struct dentry *dentry,
		 struct iattr *iattr)
{
	struct inode *inode = d_inode(dentry);
	unsigned int ia = iattr->ia_valid;
	struct p9_iattr pia = {};
	bool trunc;
	int err;

	if (v9fs_is_stale(inode))
		return -ESTALE;
	err = v9fs_idmap_check(inode->i_sb, mnt_userns);
	if (err)
		return err;
	err = setattr_prepare(mnt_userns, dentry, iattr);
	if (err)
		return err;
	v9fs_clear_fresh(inode);

	if (ia & ATTR_MODE) {
		pia.valid |= P9_ATTR_MODE;
		/* With the type: some servers store the mode whole. */
		pia.mode = (iattr->ia_mode & S_IALLUGO) |
			   (inode->i_mode & S_IFMT);
	}
	/* The new owner as the mount shows it: the server's is under it. */
	if (ia & ATTR_UID) {
		pia.valid |= P9_ATTR_UID;
		pia.uid = from_kuid(&init_user_ns,
				    from_vfsuid(mnt_userns, &init_user_ns,
						iattr->ia_vfsuid));
	}
	if (ia & ATTR_GID) {
		pia.valid |= P9_ATTR_GID;
		pia.gid = from_kgid(&init_user_ns,
				    from_vfsgid(mnt_userns, &init_user_ns,
						iattr->ia_vfsgid));
	}
	if (ia & ATTR_SIZE) {
		pia.valid |= P9_ATTR_SIZE;
		pia.size = iattr->ia_size;
	}
	if (ia & ATTR_ATIME) {
		pia.valid |= P9_ATTR_ATIME;
		if (ia & ATTR_ATIME_SET) {
			pia.valid |= P9_ATTR_ATIME_SET;
			pia.atime_sec = iattr->ia_atime.tv_sec;
			pia.atime_nsec = iattr->ia_atime.tv_nsec;
		}
	}
	if (ia & ATTR_MTIME) {
		pia.valid |= P9_ATTR_MTIME;
		if (ia & ATTR_MTIME_SET) {
			pia.valid |= P9_ATTR_MTIME_SET;
			pia.mtime_sec = iattr->ia_mtime.tv_sec;
			pia.mtime_nsec = iattr->ia_mtime.tv_nsec;
		}
	}
	if (ia & ATTR_CTIME)
		pia.valid |= P9_ATTR_CTIME;

	trunc = (ia & ATTR_SIZE) && S_ISREG(inode->i_mode);
	if (trunc) {
		filemap_invalidate_lock(inode->i_mapping);
		err = v9fs_truncate_begin(inode, iattr->ia_size);
	}
	if (!err && pia.valid)
		err = v9fs_setattr_send(inode, dentry, iattr, &pia);
	if (!err && (ia & ATTR_SIZE)) {
		if (iattr->ia_size < i_size_read(inode))
			v9fs_test_delay(&truncate_delay_ms);
		if (iattr->ia_size != i_size_read(inode))
			v9fs_truncate_setsize(inode, iattr->ia_size);
		else
			truncate_pagecache(inode, iattr->ia_size);
		if (trunc)
			v9fs_cache_resize(inode, iattr->ia_size);
	}
	if (trunc) {
		v9fs_set_wb_end(inode, LLONG_MAX);
		filemap_invalidate_unlock(inode->i_mapping);
	}
	if (err)
		return err;
	setattr_copy(mnt_userns, inode, iattr);

	if ((ia & ATTR_MODE) && IS_POSIXACL(inode))
		err = v9fs_posix_acl_chmod(mnt_userns, dentry, inode->i_mode);
	return err;
}

/**
 * v9fs_permission - inode_operations.permission
 * @mnt_userns: the mount's user namespace
 * @inode: the inode
 * @mask: MAY_* bits
 *
 * Every access mode checks locally (mode bits, and ACLs with posixacl)
 * from the attributes the server last reported, as Linux's client does;
 * the server checks again in its own terms.  access=<uid> admits only
 * that user: the caller whose fsuid is that uid as the file system sees
 * it through the mount's idmap.
 *
 * Return: 0 or a negative errno.
 */
int v9fs_permission(struct v9fs_idmap *mnt_userns, struct inode *inode,
		    int mask)
{
	struct v9fs_sb *v9s = V9SB(inode->i_sb);

	int err;

	if (v9fs_is_stale(inode))
		return -ESTALE;
	err = v9fs_idmap_check(inode->i_sb, mnt_userns);
	if (err)
		return err;
	if (v9s->o.access == V9FS_ACCESS_SINGLE &&
	    !uid_eq(mapped_fsuid(mnt_userns, &init_user_ns),
		    v9s->o.single_uid))
		return -EPERM;
	return generic_permission(mnt_userns, inode, mask);
}

/**
 * v9fs_evict_inode - super_operations.evict_inode
 * @inode: the inode going away
 *
 * Writes back what shared mappings dirtied, relinquishes the fscache
 * cookie, then puts the inode's fids.
 */
void v9fs_evict_inode(struct inode *inode)
{
	if (inode->i_mapping->nrpages)
		filemap_write_and_wait(inode->i_mapping);
	truncate_inode_pages_final(&inode->i_data);
	v9fs_tmpfile_drop(inode);
	v9fs_cache_inode_put(inode);
	clear_inode(inode);
	v9fs_inode_drop_fids(inode);
}

static const char *v9fs_get_link(struct dentry *dentry, struct inode *inode,
				 struct delayed_call *done)
{
	struct p9_fid *fid;
	char *target;
	int err;

	if (!dentry)
		return ERR_PTR(-ECHILD);
	fid = v9fs_dentry_fid(dentry);
	if (IS_ERR(fid))
		return ERR_CAST(fid);
	err = p9_client_readlink(fid, &target);
	p9_fid_put(fid);
	if (err)
		return ERR_PTR(err);
	if (!*target || strnlen(target, PATH_MAX) >= PATH_MAX) {
		kfree(target);
		return ERR_PTR(-EIO);
	}
	set_delayed_call(done, kfree_link, target);
	return target;
}

const struct inode_operations v9fs_file_iops = {
	.getattr	= v9fs_getattr,
	.setattr	= v9fs_setattr,
	.permission	= v9fs_permission,
	.listxattr	= v9fs_listxattr,
	V9FS_ACL_OPS(v9fs_get_acl, v9fs_set_acl),
};

const struct inode_operations v9fs_symlink_iops = {
	.get_link	= v9fs_get_link,
	.getattr	= v9fs_getattr,
	.setattr	= v9fs_setattr,
	.listxattr	= v9fs_listxattr,
};
