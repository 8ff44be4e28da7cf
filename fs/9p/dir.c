// SPDX-License-Identifier: GPL-2.0-only
/*
 * v9fs-ng: names and directories: lookup, creation, removal, rename and
 * readdir, for every dialect (the client translates).
 *
 * Dentries are not cached once unused (d_delete) and a cached dentry that
 * is still pinned is revalidated by walking its name again, so the guest
 * sees the server's namespace, not a memory of it.
 */
#define pr_fmt(fmt) "9p: " fmt

#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/moduleparam.h>
#include <linux/namei.h>
#include <linux/posix_acl.h>
#include <linux/slab.h>
#include "v9fs.h"

/**
 * v9fs_dname - a dentry's name as a counted string
 * @dentry: the dentry; its name must be stable (parent locked)
 *
 * Return: the name, pointing into the dentry.
 */
struct p9_str v9fs_dname(const struct dentry *dentry)
{
	struct p9_str s = {
		.s = (const char *)dentry->d_name.name,
		.len = dentry->d_name.len,
	};

	return s;
}

static struct p9_fid *v9fs_parent_fid(struct dentry *dentry)
{
	return v9fs_dentry_fid(dentry->d_parent);
}

/**
 * v9fs_walk_name - the inode of a name in a directory, from the server
 * @sb: the mount
 * @dfid: a fid of the directory
 * @name: one name in it ("..": its parent)
 *
 * Walks a new fid to @name, reads its attributes and keeps the fid with
 * the inode.
 *
 * Return: the inode (a reference), NULL if the name does not exist, or an
 * ERR_PTR.
 */
struct inode *v9fs_walk_name(struct super_block *sb, struct p9_fid *dfid,
			     const struct p9_str *name)
{
	struct p9_attr attr;
	struct inode *inode;
	struct p9_fid *fid;
	u64 seq;
	int err;

	fid = p9_client_walk(dfid, 1, name);
	if (IS_ERR(fid))
		return PTR_ERR(fid) == -ENOENT ? NULL : ERR_CAST(fid);
	fid->uid = dfid->uid;
	seq = v9fs_attr_seq(sb);
	err = p9_client_getattr(fid, V9FS_ATTR_MASK, &attr);
	if (err) {
		p9_fid_put(fid);
		return ERR_PTR(err);
	}
	inode = v9fs_iget(sb, &attr, seq);
	if (IS_ERR(inode)) {
		p9_fid_put(fid);
		return inode;
	}
	v9fs_fid_add(inode, fid);
	v9fs_mark_looked_up(inode);
	return inode;
}

/* The inode of @dentry's name in @dfid's directory: see v9fs_walk_name(). */
static struct inode *v9fs_walk_inode(struct super_block *sb,
				     struct p9_fid *dfid,
				     struct dentry *dentry)
{
	struct p9_str name = v9fs_dname(dentry);

	return v9fs_walk_name(sb, dfid, &name);
}

static struct dentry *v9fs_lookup(struct inode *dir, struct dentry *dentry,
				  unsigned int flags)
{
	struct inode *inode;
	struct p9_fid *dfid;

	if (dentry->d_name.len > NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	dfid = v9fs_parent_fid(dentry);
	if (IS_ERR(dfid))
		return ERR_CAST(dfid);
	inode = v9fs_walk_inode(dir->i_sb, dfid, dentry);
	p9_fid_put(dfid);
	if (IS_ERR(inode))
		return ERR_CAST(inode);
	/* a stat of an entry, not a path walk through: look ahead */
	if (inode && !S_ISDIR(inode->i_mode))
		v9fs_prefetch_kick(dir);
	dentry->d_time = jiffies;
	return d_splice_alias(inode, dentry);
}

/*
 * Make @dentry (just created on the server under @dfid) positive.  A
 * directory may be known here already under another name (renamed on the
 * server since, or a server that reuses a qid): a directory has one
 * dentry, so its own moves to this name (d_splice_alias()) and @dentry
 * stays negative and unhashed; two would let a rename between them lock
 * the one inode twice (lock_rename()).  *@aliasp is then that dentry (a
 * reference), else NULL.  The VFS does not look at @dentry after a
 * successful mkdir, mknod or symlink.
 */
static int v9fs_instantiate(struct inode *dir, struct dentry *dentry,
			    struct p9_fid *dfid, struct dentry **aliasp)
{
	struct dentry *alias;
	struct inode *inode;

	*aliasp = NULL;
	inode = v9fs_walk_inode(dir->i_sb, dfid, dentry);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	if (!inode)
		return -ENOENT;	/* removed again by someone else */
	dentry->d_time = jiffies;
	v9fs_clear_fresh(dir);	/* its mtime and link count moved */
	if (!S_ISDIR(inode->i_mode)) {
		d_instantiate(dentry, inode);
		return 0;
	}
	d_drop(dentry);
	alias = d_splice_alias(inode, dentry);
	if (IS_ERR(alias))
		return PTR_ERR(alias);
	*aliasp = alias;
	return 0;
}

/*
 * Only 9P2000.L's create requests carry a group; for the others the
 * server picks one (QEMU: the group of its own process).  Give the new
 * file, just instantiated at @dentry, the group POSIX asks for: one more
 * request, and only when the server's choice differs.  Best effort: on
 * failure the file keeps the server's group.
 */
static void v9fs_fix_gid(struct dentry *dentry, kgid_t gid)
{
	struct inode *inode = d_inode(dentry);
	struct p9_iattr pia = { .valid = P9_ATTR_GID };
	struct p9_fid *fid;

	if (p9_client_has(V9SB(dentry->d_sb)->clnt, P9_CAP_CREATE_GID) ||
	    gid_eq(inode->i_gid, gid) || !gid_valid(gid))
		return;
	fid = v9fs_dentry_fid(dentry);
	if (IS_ERR(fid))
		return;
	pia.gid = from_kgid(&init_user_ns, gid);
	if (!p9_client_setattr(fid, &pia)) {
		spin_lock(&inode->i_lock);
		inode->i_gid = gid;
		spin_unlock(&inode->i_lock);
	}
	p9_fid_put(fid);
}

/* Make @dentry positive from the open fid of the file just created. */
static int v9fs_instantiate_open(struct inode *dir, struct dentry *dentry,
				 struct p9_fid *ofid)
{
	u64 seq = v9fs_attr_seq(dir->i_sb);
	struct p9_attr attr;
	struct inode *inode;
	int err;

	err = p9_client_getattr(ofid, V9FS_ATTR_MASK, &attr);
	if (err)
		return err;
	inode = v9fs_iget(dir->i_sb, &attr, seq);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	/* We created a regular file: a server that says otherwise lies. */
	if (!S_ISREG(inode->i_mode)) {
		iput(inode);
		return -EIO;
	}
	dentry->d_time = jiffies;
	v9fs_clear_fresh(dir);
	d_instantiate(dentry, inode);
	return 0;
}

/*
 * The group of a new file in @dir, as POSIX and set-gid directories ask:
 * the directory's, or the caller's fsgid as the file system sees it
 * through the mount's @idmap (the VFS made sure it maps, see
 * fsuidgid_has_mapping()).
 */
kgid_t v9fs_new_gid(struct v9fs_idmap *idmap, struct inode *dir)
{
	return (dir->i_mode & S_ISGID) ? dir->i_gid :
					 mapped_fsgid(idmap, &init_user_ns);
}

/* POSIX ACLs for a new file: fold the default ACL into @mode. */
int v9fs_acl_prepare(struct inode *dir, umode_t *mode,
		     struct posix_acl **dacl, struct posix_acl **acl)
{
	*dacl = NULL;
	*acl = NULL;
	if (!IS_POSIXACL(dir))
		return 0;
	return posix_acl_create(dir, mode, dacl, acl);
}

/* Give the new file at @dentry the ACLs v9fs_acl_prepare() made. */
int v9fs_acl_finish(struct dentry *dentry, struct posix_acl *dacl,
		    struct posix_acl *acl, int err)
{
	if (!err && d_really_is_positive(dentry) && (dacl || acl))
		err = v9fs_init_acl(NULL, d_inode(dentry), dacl, acl);
	posix_acl_release(dacl);
	posix_acl_release(acl);
	return err;
}

/**
 * v9fs_create_fids - the fids to create a regular file through
 * @dentry: the new file's dentry (its parent is the directory)
 * @flags: the open flags; widened to O_RDWR where a write cache needs it
 * @dfidp: the directory's fid (a reference)
 * @ofidp: a clone of it, to create and open the file with (a reference)
 *
 * Return: 0 or a negative errno (nothing to put).
 */
int v9fs_create_fids(struct dentry *dentry, int *flags,
		     struct p9_fid **dfidp, struct p9_fid **ofidp)
{
	struct p9_fid *dfid, *ofid;

	dfid = v9fs_parent_fid(dentry);
	if (IS_ERR(dfid))
		return PTR_ERR(dfid);
	ofid = p9_client_walk(dfid, 0, NULL);
	if (IS_ERR(ofid)) {
		p9_fid_put(dfid);
		return PTR_ERR(ofid);
	}
	ofid->uid = dfid->uid;
	/* A new file opens for reading whatever its mode: see v9fs_open(). */
	if ((*flags & O_ACCMODE) == O_WRONLY &&
	    (V9SB(dentry->d_sb)->cf & V9FS_CF_WRITE))
		*flags = (*flags & ~O_ACCMODE) | O_RDWR;
	*dfidp = dfid;
	*ofidp = ofid;
	return 0;
}

/*
 * Create and open a regular file.  On success @dentry is positive and
 * *@ofidp is the open fid (with the Linux @flags it was opened with).
 */
static int v9fs_do_create(struct v9fs_idmap *idmap, struct inode *dir,
			  struct dentry *dentry, umode_t mode, int flags,
			  struct p9_fid **ofidp)
{
	kgid_t gid = v9fs_new_gid(idmap, dir);
	struct posix_acl *dacl, *acl;
	struct p9_fid *dfid, *ofid;
	struct p9_qid qid;
	int err;

	err = v9fs_acl_prepare(dir, &mode, &dacl, &acl);
	if (err)
		return err;
	err = v9fs_create_fids(dentry, &flags, &dfid, &ofid);
	if (err)
		goto out_acl;
	err = p9_client_fcreate(ofid, v9fs_dname(dentry),
				v9fs_open_flags(flags) | O_CREAT | O_EXCL,
				S_IFREG | (mode & S_IALLUGO), gid, &qid);
	if (err) {
		p9_fid_put(ofid);
		goto out_dfid;
	}
	err = v9fs_instantiate_open(dir, dentry, ofid);
	if (err) {
		p9_fid_put(ofid);
	} else {
		v9fs_fix_gid(dentry, gid);
		*ofidp = ofid;
	}
out_dfid:
	p9_fid_put(dfid);
out_acl:
	return v9fs_acl_finish(dentry, dacl, acl, err);
}

static int v9fs_atomic_open(struct inode *dir, struct dentry *dentry,
			    struct file *file, unsigned int flags,
			    umode_t mode)
{
	struct dentry *res = NULL;
	struct p9_fid *ofid;
	int err;

	if (d_in_lookup(dentry)) {
		res = v9fs_lookup(dir, dentry, 0);
		if (IS_ERR(res))
			return PTR_ERR(res);
		if (res)
			dentry = res;
	}
	if (!(flags & O_CREAT) || d_really_is_positive(dentry))
		return finish_no_open(file, res);

	err = v9fs_do_create(v9fs_file_idmap(file), dir, dentry, mode, flags,
			     &ofid);
	if (err == -EEXIST && !(flags & O_EXCL)) {
		/* Lost a race with another creator: open what is there. */
		struct p9_fid *dfid = v9fs_parent_fid(dentry);
		struct dentry *alias = NULL;

		if (IS_ERR(dfid)) {
			err = PTR_ERR(dfid);
		} else {
			err = v9fs_instantiate(dir, dentry, dfid, &alias);
			p9_fid_put(dfid);
		}
		if (!err && alias) {
			/* a directory's own dentry, moved here */
			dput(res);
			res = alias;
		}
		if (!err)
			return finish_no_open(file, res);
	}
	if (err)
		goto out;

	file->f_mode |= FMODE_CREATED;
	err = finish_open(file, dentry, generic_file_open);
	if (err) {
		p9_fid_put(ofid);
		goto out;
	}
	err = v9fs_finish_open_fid(d_inode(dentry), file, ofid);
out:
	dput(res);
	return err;
}

static int v9fs_create(struct v9fs_idmap *mnt_userns, struct inode *dir,
		       struct dentry *dentry, umode_t mode, bool excl)
{
	struct p9_fid *ofid;
	int err;

	err = v9fs_do_create(mnt_userns, dir, dentry, mode, O_RDONLY, &ofid);
	if (!err)
		p9_fid_put(ofid);
	return err;
}

static int v9fs_mkdir(struct v9fs_idmap *mnt_userns, struct inode *dir,
		      struct dentry *dentry, umode_t mode)
{
	struct posix_acl *dacl, *acl;
	struct dentry *alias = NULL;
	struct p9_fid *dfid;
	kgid_t gid = v9fs_new_gid(mnt_userns, dir);
	struct p9_qid qid;
	int err;

	mode |= S_IFDIR;
	/* set-gid directories pass their group and S_ISGID down to new ones */
	if (dir->i_mode & S_ISGID)
		mode |= S_ISGID;
	err = v9fs_acl_prepare(dir, &mode, &dacl, &acl);
	if (err)
		return err;
	dfid = v9fs_parent_fid(dentry);
	if (IS_ERR(dfid)) {
		err = PTR_ERR(dfid);
		goto out;
	}
	err = p9_client_mkdir(dfid, v9fs_dname(dentry), mode & S_IALLUGO,
			      gid, &qid);
	if (!err)
		err = v9fs_instantiate(dir, dentry, dfid, &alias);
	if (!err)
		v9fs_fix_gid(alias ?: dentry, gid);
	p9_fid_put(dfid);
out:
	err = v9fs_acl_finish(alias ?: dentry, dacl, acl, err);
	dput(alias);
	return err;
}

static int v9fs_symlink(struct v9fs_idmap *mnt_userns, struct inode *dir,
			struct dentry *dentry, const char *symname)
{
	struct p9_str target = { .s = symname, .len = strlen(symname) };
	struct dentry *alias = NULL;
	struct p9_fid *dfid;
	kgid_t gid = v9fs_new_gid(mnt_userns, dir);
	struct p9_qid qid;
	int err;

	dfid = v9fs_parent_fid(dentry);
	if (IS_ERR(dfid))
		return PTR_ERR(dfid);
	err = p9_client_symlink(dfid, v9fs_dname(dentry), target,
				gid, &qid);
	if (!err)
		err = v9fs_instantiate(dir, dentry, dfid, &alias);
	p9_fid_put(dfid);
	dput(alias);
	return err;
}

static int v9fs_mknod(struct v9fs_idmap *mnt_userns, struct inode *dir,
		      struct dentry *dentry, umode_t mode, dev_t rdev)
{
	struct posix_acl *dacl, *acl;
	struct dentry *alias = NULL;
	struct p9_fid *dfid;
	kgid_t gid = v9fs_new_gid(mnt_userns, dir);
	struct p9_qid qid;
	int err;

	err = v9fs_acl_prepare(dir, &mode, &dacl, &acl);
	if (err)
		return err;
	dfid = v9fs_parent_fid(dentry);
	if (IS_ERR(dfid)) {
		err = PTR_ERR(dfid);
		goto out;
	}
	if (!S_ISCHR(mode) && !S_ISBLK(mode))
		rdev = 0;
	err = p9_client_mknod(dfid, v9fs_dname(dentry), mode, rdev,
			      gid, &qid);
	if (!err)
		err = v9fs_instantiate(dir, dentry, dfid, &alias);
	if (!err)
		v9fs_fix_gid(alias ?: dentry, gid);
	p9_fid_put(dfid);
out:
	err = v9fs_acl_finish(alias ?: dentry, dacl, acl, err);
	dput(alias);
	return err;
}

static int v9fs_link(struct dentry *old, struct inode *dir,
		     struct dentry *dentry)
{
	struct dentry *alias = NULL;
	struct p9_fid *dfid, *fid;
	int err;

	/* an open file's fid reaches it even with no name (O_TMPFILE) */
	fid = v9fs_attr_fid(d_inode(old), old);
	if (IS_ERR(fid))
		return PTR_ERR(fid);
	dfid = v9fs_parent_fid(dentry);
	if (IS_ERR(dfid)) {
		p9_fid_put(fid);
		return PTR_ERR(dfid);
	}
	err = p9_client_link(dfid, fid, v9fs_dname(dentry));
	if (!err)
		err = v9fs_instantiate(dir, dentry, dfid, &alias);
	if (alias) {
		/* a hard link to a directory: the server lies */
		dput(alias);
		err = -EIO;
	}
	/*
	 * A server that reports link counts did (refreshing just asked);
	 * elsewhere the count is ours to keep: v9fs_apply_attr() leaves it.
	 */
	if (!err && !p9_client_has(dfid->clnt, P9_CAP_NLINK))
		inc_nlink(d_inode(dentry));
	p9_fid_put(dfid);
	p9_fid_put(fid);
	return err;
}

/*
 * @inode lost a name on the server.  Was it the last?  The link count
 * kept here may be older than a name another client added since, and a
 * file marked GONE is not found again by lookups (v9fs_iget()), which
 * would make a second inode for it; so for an open file about to lose
 * its last name here, the server's count is read through the open fid
 * (which still reaches the file) and decides.  9P2000.L only: the other
 * dialects have no link count.  The count changes under i_lock, as the
 * replies' set_nlink() does (a reply in between must not make
 * drop_nlink() wrap).
 */
static void v9fs_unlinked(struct inode *inode, bool isdir)
{
	bool asked = false, gone;
	struct p9_attr attr;
	struct p9_fid *fid;
	u64 seq;

	v9fs_clear_fresh(inode);
	if (!isdir && inode->i_nlink == 1 &&
	    p9_client_has(V9SB(inode->i_sb)->clnt, P9_CAP_NLINK)) {
		fid = v9fs_open_fid_find(inode);
		if (fid) {
			seq = v9fs_attr_seq(inode->i_sb);
			asked = !p9_client_getattr(fid, V9FS_ATTR_MASK, &attr) &&
				(attr.valid & P9_GETATTR_NLINK) &&
				v9fs_apply_attr(inode, &attr, seq) >= 0;
			p9_fid_put(fid);
		}
	}
	spin_lock(&inode->i_lock);
	if (isdir)
		clear_nlink(inode);
	else if (!asked && inode->i_nlink)
		drop_nlink(inode);
	gone = !inode->i_nlink;
	spin_unlock(&inode->i_lock);
	if (gone)
		set_bit(V9FS_INO_GONE, &V9I(inode)->flags);
}

static int v9fs_remove(struct inode *dir, struct dentry *dentry, u32 flags)
{
	struct inode *inode = d_inode(dentry);
	struct p9_fid *dfid;
	int err;

	dfid = v9fs_parent_fid(dentry);
	if (IS_ERR(dfid))
		return PTR_ERR(dfid);
	err = p9_client_unlinkat(dfid, v9fs_dname(dentry), flags);
	p9_fid_put(dfid);
	if (err)
		return err;
	v9fs_clear_fresh(dir);
	v9fs_unlinked(inode, flags & P9_AT_REMOVEDIR);
	/* its fids may have been walked through the name just removed */
	if (!S_ISDIR(inode->i_mode) && inode->i_nlink)
		v9fs_forget_walked_fids(inode);
	return 0;
}

static int v9fs_unlink(struct inode *dir, struct dentry *dentry)
{
	return v9fs_remove(dir, dentry, 0);
}

static int v9fs_rmdir(struct inode *dir, struct dentry *dentry)
{
	return v9fs_remove(dir, dentry, P9_AT_REMOVEDIR);
}

/*
 * RENAME_NOREPLACE: the VFS saw a negative dentry, which cache=loose
 * trusts for a while, so ask the server whether the name is free.  Under
 * rename_sem, which excludes our own renames, not creations by other
 * clients: the window to the rename is one round trip, not atomic
 * (Documentation/filesystems/9p.rst).
 */
static int v9fs_rename_noreplace(struct p9_fid *ndfid,
				 struct dentry *new_dentry)
{
	struct p9_str name = v9fs_dname(new_dentry);
	struct p9_fid *fid;

	lockdep_assert_held_write(&V9SB(new_dentry->d_sb)->rename_sem);
	fid = p9_client_walk(ndfid, 1, &name);
	if (!IS_ERR(fid)) {
		p9_fid_put(fid);
		/* Seen here from now on. */
		d_invalidate(new_dentry);
		return -EEXIST;
	}
	return PTR_ERR(fid) == -ENOENT ? 0 : PTR_ERR(fid);
}

/*
 * d_exchange() as a module can have it (the VFS's is not exported): @a
 * takes @b's name by d_move(), which leaves @b unhashed; @b then takes
 * @a's old name by a d_move() onto a new dentry of that name.  Without
 * memory for that dentry @b stays unhashed, which is still right: a
 * lookup of the name finds the file anew.  The VFS holds both parents
 * and the rename mutex, as d_move() requires.
 */
static void v9fs_d_exchange(struct dentry *a, struct dentry *b)
{
	struct name_snapshot name;
	struct dentry *parent, *d;

	take_dentry_name_snapshot(&name, a);
	parent = dget_parent(a);
	d_move(a, b);
	d = d_alloc_name(parent, (const char *)name.name.name);
	if (d) {
		d_move(b, d);
		dput(d);
	}
	dput(parent);
	release_dentry_name_snapshot(&name);
}

/*
 * Test hook, off by default: the next rename waits this long once the
 * server renamed and rename_sem is released, where a path walk must find
 * the dentries already under their new names (t_renamewalk.sh).
 */
static unsigned int rename_delay_ms;
module_param(rename_delay_ms, uint, 0644);
MODULE_PARM_DESC(rename_delay_ms,
		 "testing only: delay in ms after the next rename's server request (default 0)");

static int v9fs_rename(struct v9fs_idmap *mnt_userns,
		       struct inode *old_dir, struct dentry *old_dentry,
		       struct inode *new_dir, struct dentry *new_dentry,
		       unsigned int flags)
{
	struct v9fs_sb *v9s = V9SB(old_dir->i_sb);
	struct p9_fid *fid, *odfid, *ndfid, *nfid = NULL;
	struct inode *target;
	int err;

	/*
	 * 9P has no "rename unless it exists": NOREPLACE is checked on the
	 * server (v9fs_rename_noreplace()) right before the rename.
	 * Exchange and whiteout are made of several requests (overlay.c),
	 * which need to rename across directories: 9P2000.L.
	 */
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & (RENAME_EXCHANGE | RENAME_WHITEOUT)) &&
	    !p9_client_has(v9s->clnt, P9_CAP_DIR_RENAME))
		return -EINVAL;

	fid = v9fs_dentry_fid(old_dentry);
	if (IS_ERR(fid))
		return PTR_ERR(fid);
	odfid = v9fs_parent_fid(old_dentry);
	if (IS_ERR(odfid)) {
		err = PTR_ERR(odfid);
		goto out_fid;
	}
	ndfid = v9fs_parent_fid(new_dentry);
	if (IS_ERR(ndfid)) {
		err = PTR_ERR(ndfid);
		goto out_odfid;
	}
	if (flags & RENAME_EXCHANGE) {
		nfid = v9fs_dentry_fid(new_dentry);
		if (IS_ERR(nfid)) {
			err = PTR_ERR(nfid);
			nfid = NULL;
			goto out_ndfid;
		}
	}

	down_write(&v9s->rename_sem);
	err = 0;
	if (flags & RENAME_NOREPLACE)
		err = v9fs_rename_noreplace(ndfid, new_dentry);
	if (err)
		;
	else if (flags & RENAME_EXCHANGE)
		err = v9fs_rename_exchange(old_dir->i_sb, fid, odfid,
					   v9fs_dname(old_dentry), nfid, ndfid,
					   v9fs_dname(new_dentry));
	else if (flags & RENAME_WHITEOUT)
		err = v9fs_rename_whiteout(mnt_userns, fid, old_dir, odfid,
					   v9fs_dname(old_dentry), ndfid,
					   v9fs_dname(new_dentry));
	else
		err = p9_client_rename(fid, odfid, v9fs_dname(old_dentry),
				       ndfid, v9fs_dname(new_dentry));
	/*
	 * The dentries take their new names before rename_sem goes
	 * (FS_RENAME_DOES_D_MOVE: the VFS leaves it to us), so that a walk
	 * of their names sees the ones the server now has.
	 */
	if (!err && (flags & RENAME_EXCHANGE))
		v9fs_d_exchange(old_dentry, new_dentry);
	else if (!err)
		d_move(old_dentry, new_dentry);
	up_write(&v9s->rename_sem);
	if (!err)
		v9fs_test_delay(&rename_delay_ms);

	if (!err) {
		v9fs_clear_fresh(old_dir);
		v9fs_clear_fresh(new_dir);
		v9fs_clear_fresh(d_inode(old_dentry));
	}
	if (!err && (flags & RENAME_EXCHANGE)) {
		/* both moved: as for the moved file below */
		target = d_inode(new_dentry);
		v9fs_clear_fresh(target);
		if (!S_ISDIR(target->i_mode))
			v9fs_forget_walked_fids(target);
	} else if (!err && d_really_is_positive(new_dentry)) {
		target = d_inode(new_dentry);
		v9fs_unlinked(target, S_ISDIR(target->i_mode));
		if (!S_ISDIR(target->i_mode) && target->i_nlink)
			v9fs_forget_walked_fids(target);
	}
	/*
	 * The moved file's fids were walked through its old name (or
	 * another link's).  A directory's are kept: its children's fids
	 * hold the old path too, and dropping its own would not help them.
	 */
	if (!err && !d_is_dir(old_dentry))
		v9fs_forget_walked_fids(d_inode(old_dentry));
out_ndfid:
	if (nfid)
		p9_fid_put(nfid);
	p9_fid_put(ndfid);
out_odfid:
	p9_fid_put(odfid);
out_fid:
	p9_fid_put(fid);
	return err;
}

/* ---- readdir ---- */

/**
 * struct v9fs_rdbuf - readdir state of an open directory (fid->fs_private)
 * @buf: raw entries as the server sent them
 * @size: capacity of @buf
 * @len: bytes in @buf
 * @off: bytes of @buf consumed
 * @base: directory offset @buf was read from
 * @next: f_pos the entry at @off belongs to; a seek elsewhere discards
 *	the buffer
 *
 * Used under the file's f_pos lock only.
 */
struct v9fs_rdbuf {
	u8 *buf;
	u32 size;
	u32 len;
	u32 off;
	u64 base;
	loff_t next;
};

static unsigned char v9fs_dtype(const struct p9_dirent *de)
{
	switch (de->type) {
	case DT_FIFO:
	case DT_CHR:
	case DT_DIR:
	case DT_BLK:
	case DT_REG:
	case DT_LNK:
	case DT_SOCK:
		return de->type;
	}
	if (de->qid.type & P9_QTDIR)
		return DT_DIR;
	if (de->qid.type & P9_QTSYMLINK)
		return DT_LNK;
	return DT_UNKNOWN;
}

static bool v9fs_dirent_name_ok(struct p9_str name)
{
	if (name.len > NAME_MAX)
		return false;
	if ((name.len == 1 && name.s[0] == '.') ||
	    (name.len == 2 && name.s[0] == '.' && name.s[1] == '.'))
		return true;
	return p9_str_is_name(name);
}

static struct v9fs_rdbuf *v9fs_rdbuf(struct p9_fid *fid)
{
	struct v9fs_rdbuf *rd = fid->fs_private;
	u32 size;

	if (rd)
		return rd;
	rd = kzalloc(sizeof(*rd), GFP_KERNEL);
	if (!rd)
		return NULL;
	size = clamp_t(u32, p9_client_iosize(fid), 512, (128U << 10));
	rd->buf = kvmalloc(size, GFP_KERNEL);
	if (!rd->buf) {
		kfree(rd);
		return NULL;
	}
	rd->size = size;
	fid->fs_private = rd;
	return rd;
}

/**
 * v9fs_rdbuf_free - free the readdir state of a fid being closed
 * @fid: the open fid
 */
void v9fs_rdbuf_free(struct p9_fid *fid)
{
	struct v9fs_rdbuf *rd = fid->fs_private;

	if (!rd)
		return;
	fid->fs_private = NULL;
	kvfree(rd->buf);
	kfree(rd);
}

static int v9fs_rdread(struct p9_fid *fid, struct v9fs_rdbuf *rd, u64 from)
{
	int n;

	n = p9_client_readdir(fid, from, rd->buf, rd->size);
	if (n < 0)
		return n;
	if (n > rd->size)
		return -EIO;
	rd->len = n;
	rd->off = 0;
	rd->base = from;
	return n;
}

/*
 * Before 9P2000.L a directory is a byte stream that the server only reads
 * onward from where its last read ended, or afresh from 0 (the offset of
 * any other Tread is not a position it can seek to).  Position @rd, whose
 * buffer holds the stream from @rd->base, at the first entry at or after
 * @pos, walking entry by entry from the start of the buffer: if the
 * directory changed since @pos was handed out, @pos may fall inside an
 * entry of the new stream, and starting to decode there would read
 * garbage.  Returns the bytes left in the buffer (0: @pos is past it).
 */
static int v9fs_rdseek_legacy(struct p9_fid *fid, struct v9fs_rdbuf *rd,
			      loff_t pos)
{
	struct p9_dirent de;
	u32 off = 0;
	int used;

	while (off < rd->len && rd->base + off < pos) {
		used = p9_client_next_dirent(fid->clnt, rd->buf + off,
					     rd->len - off, rd->base + off, &de);
		if (used <= 0 || used > rd->len - off)
			return -EIO;
		off += used;
	}
	rd->off = off;
	rd->next = rd->base + off;
	return rd->len - off;
}

/*
 * Fill @rd so that its next entry is the one at directory offset @pos
 * (see v9fs_rdseek_legacy() for the dialects before 9P2000.L, where
 * @rd->next may end up after @pos).  9P2000.L offsets are server
 * cookies: read there.  Returns the bytes available, 0 at the end.
 */
static int v9fs_rdfill(struct p9_fid *fid, struct v9fs_rdbuf *rd, loff_t pos)
{
	u64 from = pos, end = rd->base + rd->len;
	int n;

	if (!p9_client_has(fid->clnt, P9_CAP_DIR_OFFSETS) && pos) {
		/*
		 * Onward from the end of the last read (also after a read
		 * that found the end: entries made since then follow), else
		 * through the stream again from its start.
		 */
		if (!rd->len || pos < rd->base || pos >= end) {
			from = pos >= end ? end : 0;
			for (;;) {
				n = v9fs_rdread(fid, rd, from);
				if (n <= 0)
					return n;
				if (pos < from + n)
					break;
				from += n;
				if (fatal_signal_pending(current))
					return -EINTR;
			}
		}
		n = v9fs_rdseek_legacy(fid, rd, pos);
		if (n)
			return n;
		/* @pos was inside the last entry: go on with the next read */
		n = v9fs_rdread(fid, rd, rd->base + rd->len);
		rd->next = rd->base;
		return n;
	}
	n = v9fs_rdread(fid, rd, from);
	rd->next = pos;
	return n;
}

static int v9fs_iterate(struct file *file, struct dir_context *ctx)
{
	struct p9_fid *fid = file->private_data;
	struct v9fs_rdbuf *rd;
	bool offsets = p9_client_has(fid->clnt, P9_CAP_DIR_OFFSETS);
	struct p9_dirent de;
	int n, used;

	rd = v9fs_rdbuf(fid);
	if (!rd)
		return -ENOMEM;
	for (;;) {
		if (rd->off >= rd->len || rd->next != ctx->pos) {
			n = v9fs_rdfill(fid, rd, ctx->pos);
			if (n <= 0)
				return n;
			/* A legacy stream may resume at the next entry. */
			ctx->pos = rd->next;
		}
		while (rd->off < rd->len) {
			used = p9_client_next_dirent(fid->clnt,
						     rd->buf + rd->off,
						     rd->len - rd->off,
						     rd->base + rd->off, &de);
			if (used <= 0 || used > rd->len - rd->off) {
				rd->len = 0;
				return -EIO;
			}
			/*
			 * A 9P2000.L entry's offset is where the next read
			 * resumes: one that points back at this read's start
			 * would have us list the same entries forever.
			 */
			if (offsets && de.offset == rd->base) {
				pr_warn_ratelimited("server's directory offsets do not advance\n");
				rd->len = 0;
				return -EIO;
			}
			if (v9fs_dirent_name_ok(de.name)) {
				if (!dir_emit(ctx, de.name.s, de.name.len,
					      de.qid.path, v9fs_dtype(&de)))
					return 0;	/* resume at this entry */
				v9fs_prefetch_note(file, de.name.s, de.name.len);
			} else {
				pr_warn_ratelimited("server sent a bad name in a directory; skipped\n");
			}
			rd->off += used;
			ctx->pos = de.offset;
			rd->next = de.offset;
		}
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
}

static int v9fs_dir_release(struct inode *inode, struct file *file)
{
	v9fs_prefetch_close(file);
	v9fs_rdbuf_free(file->private_data);
	return v9fs_release(inode, file);
}

static int v9fs_dir_fsync(struct file *file, loff_t start, loff_t end,
			  int datasync)
{
	return p9_client_fsync(file->private_data, datasync);
}

const struct file_operations v9fs_dir_fops = {
	.open		= v9fs_open,
	.release	= v9fs_dir_release,
	.iterate_shared	= v9fs_iterate,
	.read		= generic_read_dir,
	.llseek		= generic_file_llseek,
	.fsync		= v9fs_dir_fsync,
	.setlease	= simple_nosetlease,
};

const struct inode_operations v9fs_dir_iops = {
	.lookup		= v9fs_lookup,
	.atomic_open	= v9fs_atomic_open,
	.create		= v9fs_create,
	.mkdir		= v9fs_mkdir,
	.rmdir		= v9fs_rmdir,
	.unlink		= v9fs_unlink,
	.symlink	= v9fs_symlink,
	.link		= v9fs_link,
	.mknod		= v9fs_mknod,
	.rename		= v9fs_rename,
	.tmpfile	= v9fs_tmpfile,
	.getattr	= v9fs_getattr,
	.setattr	= v9fs_setattr,
	.permission	= v9fs_permission,
	.listxattr	= v9fs_listxattr,
	V9FS_ACL_OPS(v9fs_get_acl, v9fs_set_acl),
};

/* ---- dentries ---- */

/*
 * A dentry is checked by walking its name from the parent and comparing
 * the qid; with a metadata cache, one checked (or looked up) less than
 * actimeo ago, positive or negative, is trusted without asking.
 * d_time holds the jiffies of that check.
 *
 * Without a metadata cache, a directory that a path walk only passes
 * through is trusted for V9FS_DIR_PASS_TTL after its last check: kept
 * directories (working directories, parents of open files) would
 * otherwise cost a Twalk and a Tclunk on every path walk through them.
 * (Linux's own client never checks a kept dentry again in cache=none.)
 */
#define V9FS_DIR_PASS_TTL	HZ

static int v9fs_d_revalidate(struct dentry *dentry, unsigned int flags)
{
	struct v9fs_sb *v9s = V9SB(dentry->d_sb);
	struct inode *inode;
	struct dentry *parent;
	struct name_snapshot name;
	struct p9_fid *dfid, *fid;
	struct p9_str s;
	int ret;

	inode = d_inode_rcu(dentry);
	if (inode && v9fs_is_stale(inode))
		return 0;
	if (IS_ROOT(dentry))
		return 1;
	if ((v9s->cf & V9FS_CF_META) &&
	    time_before(jiffies, READ_ONCE(dentry->d_time) +
				 READ_ONCE(v9s->o.actimeo)))
		return 1;
	if (!inode)
		return 0;
	if ((flags & LOOKUP_PARENT) && S_ISDIR(inode->i_mode) &&
	    time_before(jiffies, READ_ONCE(dentry->d_time) + V9FS_DIR_PASS_TTL))
		return 1;
	if (flags & LOOKUP_RCU)
		return -ECHILD;

	parent = dget_parent(dentry);
	dfid = v9fs_dentry_fid(parent);
	dput(parent);
	if (IS_ERR(dfid))
		return PTR_ERR(dfid) == -ENOENT ? 0 : PTR_ERR(dfid);
	take_dentry_name_snapshot(&name, dentry);
	s.s = (const char *)name.name.name;
	s.len = name.name.len;
	fid = p9_client_walk(dfid, 1, &s);
	release_dentry_name_snapshot(&name);
	p9_fid_put(dfid);
	if (IS_ERR(fid))
		return PTR_ERR(fid) == -ENOENT ? 0 : PTR_ERR(fid);
	ret = fid->qid.path == V9I(inode)->qid.path;
	p9_fid_put(fid);
	if (ret)
		WRITE_ONCE(dentry->d_time, jiffies);
	return ret;
}

/* Without a metadata cache, unused dentries go at once. */
const struct dentry_operations v9fs_dentry_ops = {
	.d_revalidate	= v9fs_d_revalidate,
	.d_delete	= always_delete_dentry,
};

const struct dentry_operations v9fs_cached_dentry_ops = {
	.d_revalidate	= v9fs_d_revalidate,
};
