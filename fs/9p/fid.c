// SPDX-License-Identifier: GPL-2.0-only
/*
 * v9fs-ng: which fid to use for a file.
 *
 * Every inode keeps the unopened fids walked to its file (v9fs_inode.fids),
 * keyed by the user they act for: in the per-user access modes (user,
 * client) each user gets fids attached in its own name, so the server
 * checks and owns files as that user; in the single-attach modes (any,
 * <uid>) every fid acts for the one attach.  A user without a fid for a
 * file walks from the closest ancestor it has a fid for (the root is
 * attached on demand).  Fids live until the inode is evicted.
 */
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/slab.h>
#include "v9fs.h"

/**
 * v9fs_fid_user - the user the current task's requests act for
 * @v9s: the mount
 *
 * Return: the caller's fsuid in the per-user access modes, the access=<uid>
 * user, or INVALID_UID for access=any.
 */
kuid_t v9fs_fid_user(struct v9fs_sb *v9s)
{
	switch (v9s->o.access) {
	case V9FS_ACCESS_USER:
	case V9FS_ACCESS_CLIENT:
		return current_fsuid();
	case V9FS_ACCESS_SINGLE:
		return v9s->o.single_uid;
	default:
		return INVALID_UID;
	}
}

/**
 * v9fs_idmap_check - whether a request through @idmap's mount may go on
 * @sb: the mount
 * @idmap: the idmap the VFS passed with the request
 *
 * In the per-user modes the fid a request uses is chosen by the caller's
 * fsuid, and the VFS gives no idmap to lookup, unlink, rmdir, link or
 * xattr reads: those would act on the server as the caller's own uid,
 * not as the file system's uid the idmap maps it to, while the local
 * checks used the mapped one.  Such mounts are not idmapped: fill_super
 * refuses MOUNT_ATTR_IDMAP where the VFS lets it (v9fs_sb_noidmap()); on
 * 6.1, which has no such veto, every request through an idmapped mount
 * that the VFS passes the idmap with (permission, getattr, setattr:
 * every path walk and open goes through one) fails here instead.
 *
 * Return: 0, or -EOPNOTSUPP for an idmapped mount in a per-user mode.
 */
int v9fs_idmap_check(struct super_block *sb, struct v9fs_idmap *idmap)
{
	if (idmap != v9fs_nop_idmap && v9fs_per_user(V9SB(sb)))
		return -EOPNOTSUPP;
	return 0;
}

/**
 * v9fs_attach - attach the tree for a user
 * @v9s: the mount
 * @uid: the user, from v9fs_fid_user()
 *
 * Return: a new root fid (one reference) or an ERR_PTR.
 */
struct p9_fid *v9fs_attach(struct v9fs_sb *v9s, kuid_t uid)
{
	struct p9_fid *fid;

	fid = p9_client_attach(v9s->sess, NULL, v9s->o.uname, uid,
			       v9s->o.aname);
	if (!IS_ERR(fid))
		fid->uid = uid;
	return fid;
}

/**
 * v9fs_fid_find - an unopened fid of @inode acting for @uid
 * @inode: the inode
 * @uid: the user (ignored in the single-attach modes)
 *
 * Return: a new reference, or NULL if there is none.
 */
struct p9_fid *v9fs_fid_find(struct inode *inode, kuid_t uid)
{
	struct v9fs_inode *v9i = V9I(inode);
	bool any = !v9fs_per_user(V9SB(inode->i_sb));
	struct p9_fid *fid, *ret = NULL;

	spin_lock(&v9i->lock);
	hlist_for_each_entry(fid, &v9i->fids, fs_link) {
		if (any || uid_eq(fid->uid, uid)) {
			ret = p9_fid_get(fid);
			break;
		}
	}
	spin_unlock(&v9i->lock);
	return ret;
}

/**
 * v9fs_fid_add - keep an unopened fid with its inode
 * @inode: the inode @fid was walked to
 * @fid: the fid; the caller's reference moves to the inode
 *
 * @fid takes the place of a fid the inode has for the same user: it was
 * just walked through the file's current name, while on a path-based
 * server (QEMU, diod) an older fid may still name a path that another
 * client has renamed away since (v9fs_forget_walked_fids() covers our
 * own renames).
 */
void v9fs_fid_add(struct inode *inode, struct p9_fid *fid)
{
	struct v9fs_inode *v9i = V9I(inode);
	bool any = !v9fs_per_user(V9SB(inode->i_sb));
	struct p9_fid *old, *gone = NULL;

	spin_lock(&v9i->lock);
	hlist_for_each_entry(old, &v9i->fids, fs_link) {
		if (any || uid_eq(old->uid, fid->uid)) {
			hlist_del_init(&old->fs_link);
			gone = old;
			break;
		}
	}
	hlist_add_head(&fid->fs_link, &v9i->fids);
	spin_unlock(&v9i->lock);
	if (gone)
		p9_fid_put(gone);
}

/**
 * v9fs_open_fid_add - record the fid of an open file
 * @inode: the file's inode
 * @fid: the open fid; the list does not hold a reference, the open file
 *	does, and v9fs_open_fid_del() must be called before it is put
 */
void v9fs_open_fid_add(struct inode *inode, struct p9_fid *fid)
{
	struct v9fs_inode *v9i = V9I(inode);

	spin_lock(&v9i->lock);
	hlist_add_head(&fid->fs_link, &v9i->open_fids);
	spin_unlock(&v9i->lock);
}

/**
 * v9fs_open_fid_del - forget the fid of a file being closed
 * @inode: the file's inode
 * @fid: a fid passed to v9fs_open_fid_add() before
 */
void v9fs_open_fid_del(struct inode *inode, struct p9_fid *fid)
{
	struct v9fs_inode *v9i = V9I(inode);

	spin_lock(&v9i->lock);
	hlist_del_init(&fid->fs_link);
	spin_unlock(&v9i->lock);
}

/**
 * v9fs_inode_drop_fids - put every fid an inode keeps (eviction)
 * @inode: the inode; no file may be open on it
 */
void v9fs_inode_drop_fids(struct inode *inode)
{
	struct v9fs_inode *v9i = V9I(inode);
	struct hlist_node *next;
	struct p9_fid *fid, *wb;
	HLIST_HEAD(list);

	spin_lock(&v9i->lock);
	hlist_move_list(&v9i->fids, &list);
	wb = v9i->wb_fid;
	v9i->wb_fid = NULL;
	spin_unlock(&v9i->lock);

	hlist_for_each_entry_safe(fid, next, &list, fs_link) {
		hlist_del_init(&fid->fs_link);
		p9_fid_put(fid);
	}
	if (wb)
		p9_fid_put(wb);
}

/**
 * v9fs_forget_walked_fids - put the unopened fids of a file that lost a name
 * @inode: a non-directory that still has other names
 *
 * A path-based server (diod, QEMU) resolves an unopened fid by the name
 * it was walked through; once that name is unlinked or renamed away, the
 * fid no longer reaches the file (ENOENT), or reaches another file that
 * took the name.  The inode cannot tell which name each fid came from,
 * so all are put: the next operation walks again through the dentry it
 * uses.  Open fids (v9fs_inode.open_fids) and the writeback fid stay.
 * Taking rename_sem for writing waits out walks in flight
 * (v9fs_walk_path() holds it from the walk until the fid is added), so
 * none adds a fid walked through the old name after this.
 */
void v9fs_forget_walked_fids(struct inode *inode)
{
	struct v9fs_sb *v9s = V9SB(inode->i_sb);
	struct v9fs_inode *v9i = V9I(inode);
	struct hlist_node *next;
	struct p9_fid *fid;
	HLIST_HEAD(list);

	down_write(&v9s->rename_sem);
	spin_lock(&v9i->lock);
	hlist_move_list(&v9i->fids, &list);
	spin_unlock(&v9i->lock);
	up_write(&v9s->rename_sem);

	hlist_for_each_entry_safe(fid, next, &list, fs_link) {
		hlist_del_init(&fid->fs_link);
		p9_fid_put(fid);
	}
}

/*
 * Walk from the closest ancestor of @dentry that has a fid for @uid.
 * The names are snapshotted under rename_sem so they form one path.
 */
static struct p9_fid *v9fs_walk_path(struct v9fs_sb *v9s,
				     struct dentry *dentry, kuid_t uid)
{
	struct name_snapshot *names = NULL, *grown;
	struct dentry *d, *parent;
	unsigned int n = 0, cap = 0, i;
	struct p9_fid *base, *fid;
	struct p9_str *path;

	down_read(&v9s->rename_sem);
	d = dget(dentry);
	for (;;) {
		struct inode *inode = d_inode(d);

		if (inode) {
			base = v9fs_fid_find(inode, uid);
			if (base)
				break;
		}
		if (IS_ROOT(d)) {
			if (d != d->d_sb->s_root || !inode) {
				base = ERR_PTR(-ENOENT);
				break;
			}
			base = v9fs_attach(v9s, uid);
			if (!IS_ERR(base))
				v9fs_fid_add(inode, p9_fid_get(base));
			break;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			grown = krealloc_array(names, cap, sizeof(*names),
					       GFP_KERNEL);
			if (!grown) {
				base = ERR_PTR(-ENOMEM);
				break;
			}
			names = grown;
		}
		take_dentry_name_snapshot(&names[n++], d);
		parent = dget_parent(d);
		dput(d);
		d = parent;
	}
	dput(d);

	if (!IS_ERR(base) && n) {
		path = kmalloc_array(n, sizeof(*path), GFP_KERNEL);
		if (path) {
			for (i = 0; i < n; i++) {
				path[i].s = names[n - 1 - i].name.name;
				path[i].len = names[n - 1 - i].name.len;
			}
			fid = p9_client_walk(base, n, path);
			kfree(path);
		} else {
			fid = ERR_PTR(-ENOMEM);
		}
		p9_fid_put(base);
		base = fid;
		/*
		 * The name may now be another file's: the file we know was
		 * unlinked or renamed away (by us or another client) and the
		 * name reused.  Never keep such a fid with this inode.
		 */
		if (!IS_ERR(fid) &&
		    fid->qid.path != V9I(d_inode(dentry))->qid.path) {
			p9_fid_put(fid);
			base = ERR_PTR(-ENOENT);
		} else if (!IS_ERR(fid)) {
			fid->uid = uid;
			v9fs_fid_add(d_inode(dentry), p9_fid_get(fid));
		}
	}
	for (i = 0; i < n; i++)
		release_dentry_name_snapshot(&names[i]);
	kfree(names);
	up_read(&v9s->rename_sem);
	return base;
}

/**
 * v9fs_dentry_fid - an unopened fid for the file of a positive dentry
 * @dentry: the dentry
 *
 * Uses the inode's fid for the current user, walking one if needed.  Do
 * not call with v9fs_sb.rename_sem held.
 *
 * Return: a new reference or an ERR_PTR.
 */
struct p9_fid *v9fs_dentry_fid(struct dentry *dentry)
{
	struct v9fs_sb *v9s = V9SB(dentry->d_sb);
	struct inode *inode = d_inode(dentry);
	kuid_t uid = v9fs_fid_user(v9s);
	struct p9_fid *fid;

	if (!inode)
		return ERR_PTR(-ENOENT);
	fid = v9fs_fid_find(inode, uid);
	if (fid)
		return fid;
	return v9fs_walk_path(v9s, dentry, uid);
}

/**
 * v9fs_inode_fid - an unopened fid for an inode's file
 * @inode: the inode
 *
 * For callers that have no dentry (ACL and xattr paths).
 *
 * Return: a new reference or an ERR_PTR.
 */
struct p9_fid *v9fs_inode_fid(struct inode *inode)
{
	struct v9fs_sb *v9s = V9SB(inode->i_sb);
	struct dentry *alias;
	struct p9_fid *fid;

	fid = v9fs_fid_find(inode, v9fs_fid_user(v9s));
	if (fid)
		return fid;
	/* a name of the file, if it has one: an unhashed alias's is gone */
	alias = d_find_alias(inode) ?: d_find_any_alias(inode);
	if (!alias)
		return ERR_PTR(-ENOENT);
	fid = v9fs_dentry_fid(alias);
	dput(alias);
	return fid;
}

/**
 * v9fs_open_fid_find - the fid of any open file of an inode
 * @inode: the inode
 *
 * Return: a new reference, or NULL if the inode is not open.
 */
struct p9_fid *v9fs_open_fid_find(struct inode *inode)
{
	struct v9fs_inode *v9i = V9I(inode);
	struct p9_fid *fid = NULL;

	spin_lock(&v9i->lock);
	if (!hlist_empty(&v9i->open_fids))
		fid = p9_fid_get(hlist_entry(v9i->open_fids.first,
					     struct p9_fid, fs_link));
	spin_unlock(&v9i->lock);
	return fid;
}

/**
 * v9fs_attr_fid - a fid to read a file's attributes through
 * @inode: the inode
 * @dentry: a dentry of it, or NULL
 *
 * Prefers the fid of an open file: it still reaches a file that was
 * unlinked while open.
 *
 * Return: a new reference or an ERR_PTR.
 */
struct p9_fid *v9fs_attr_fid(struct inode *inode, struct dentry *dentry)
{
	struct p9_fid *fid = v9fs_open_fid_find(inode);

	if (fid)
		return fid;
	return dentry ? v9fs_dentry_fid(dentry) : v9fs_inode_fid(inode);
}
