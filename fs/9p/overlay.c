// SPDX-License-Identifier: GPL-2.0-only
/*
 * v9fs-ng: what overlayfs and container tools ask of an upper layer and
 * 9P has no message for: O_TMPFILE, RENAME_EXCHANGE, RENAME_WHITEOUT.
 * 9P2000.L only (the others cannot rename across directories).
 *
 * O_TMPFILE.  9P creates files only under a name, and the path-based
 * servers (QEMU, diod) find a file by its name for everything but I/O on
 * an open fid: a file unlinked at once could not be stat'ed, chmod'ed,
 * given xattrs or linked again.  So an O_TMPFILE file keeps a hidden name
 * in its directory, ".9p-tmpfile.<16 hex digits>", while it has no other:
 *  - it shows st_nlink 0 (the server's count, less the hidden name);
 *  - linkat(AT_EMPTY_PATH) (or through /proc/self/fd) gives it a name
 *    with Tlink, as any link: the hidden name stays, because a
 *    path-based server (diod) resolves the open fids by the path they
 *    were opened with, and a rename would leave them behind;
 *  - when the last open file of it is closed, the hidden name is
 *    removed (v9fs_tmpfile_drop()): the file is gone, or lives on under
 *    the names linkat gave it.
 * A guest that dies in between leaves the hidden file on the server, and
 * other clients (and readdir) see the hidden name meanwhile.
 *
 * RENAME_EXCHANGE has no message either: three renames under rename_sem
 * (old to a hidden name, new to old, the hidden name to new).  Our own
 * renames are excluded; another client may see one of the names missing
 * for two round trips, and a dying guest may leave the hidden name.  A
 * failed step is undone.
 *
 * RENAME_WHITEOUT (what overlayfs puts where a lower file was renamed
 * away): the whiteout, a 0:0 character device, is made first under a
 * hidden name, so that a server that makes no device nodes (QEMU's
 * security_model=none) refuses before anything changed; then the rename,
 * then the whiteout takes the old name.
 */
#include <linux/fs.h>
#include <linux/posix_acl.h>
#include <linux/random.h>
#include "v9fs.h"

#define V9FS_HIDDEN_PREFIX	".9p-tmpfile."
/* the prefix, 16 hex digits, NUL */
#define V9FS_HIDDEN_LEN		(sizeof(V9FS_HIDDEN_PREFIX) + 16)

/**
 * struct v9fs_tmpname - the hidden name of an unlinked O_TMPFILE
 * @dfid: a fid of its directory (a reference)
 * @name: the name in it
 */
struct v9fs_tmpname {
	struct p9_fid *dfid;
	char name[V9FS_HIDDEN_LEN];
};

static struct p9_str v9fs_hidden_name(char *buf)
{
	struct p9_str s = { .s = buf };

	s.len = snprintf(buf, V9FS_HIDDEN_LEN, V9FS_HIDDEN_PREFIX "%016llx",
			 get_random_u64());
	return s;
}

/* Open (with @flags) or make something under a fresh hidden name. */
typedef int (*v9fs_hidden_make)(struct p9_fid *fid, struct p9_str name,
				void *arg);

/* Collisions with a name another client made are retried, a few times. */
static int v9fs_make_hidden(struct p9_fid *fid, char *buf, struct p9_str *name,
			    v9fs_hidden_make make, void *arg)
{
	int err = -EEXIST, tries;

	for (tries = 0; tries < 4 && err == -EEXIST; tries++) {
		*name = v9fs_hidden_name(buf);
		err = make(fid, *name, arg);
	}
	return err;
}

struct v9fs_tmp_create {
	int flags;
	umode_t mode;
	kgid_t gid;
};

static int v9fs_tmp_create(struct p9_fid *ofid, struct p9_str name,
			   void *arg)
{
	const struct v9fs_tmp_create *c = arg;
	struct p9_qid qid;

	return p9_client_fcreate(ofid, name, c->flags | O_CREAT | O_EXCL,
				 c->mode, c->gid, &qid);
}

static int v9fs_tmp_whiteout(struct p9_fid *dfid, struct p9_str name,
			     void *arg)
{
	struct p9_qid qid;

	return p9_client_mknod(dfid, name, S_IFCHR | WHITEOUT_MODE,
			       WHITEOUT_DEV, *(kgid_t *)arg, &qid);
}

/*
 * Rename: Trenameat, or where the server has none (diod), Trename of
 * @fid, the file's own fid (a path-based server moves the path of that
 * fid only), or of a fid walked to the name when the caller has none.
 */
static int v9fs_rename_name(struct p9_fid *fid, struct p9_fid *odfid,
			    struct p9_str oldname, struct p9_fid *ndfid,
			    struct p9_str newname)
{
	struct p9_fid *walked;
	int err;

	err = p9_client_rename(fid, odfid, oldname, ndfid, newname);
	if (err != -EOPNOTSUPP || fid)
		return err;
	walked = p9_client_walk(odfid, 1, &oldname);
	if (IS_ERR(walked))
		return PTR_ERR(walked);
	err = p9_client_rename(walked, odfid, oldname, ndfid, newname);
	p9_fid_put(walked);
	return err;
}

static int v9fs_need_dir_rename(struct inode *dir)
{
	return p9_client_has(V9SB(dir->i_sb)->clnt, P9_CAP_DIR_RENAME) ?
	       0 : -EOPNOTSUPP;
}

/* Make the hidden file and its inode; @ofid is opened with @c->flags. */
static struct inode *v9fs_tmp_make(struct inode *dir, struct p9_fid *dfid,
				   struct p9_fid *ofid,
				   struct v9fs_tmp_create *c,
				   struct v9fs_tmpname *tmp)
{
	struct p9_str name;
	struct p9_attr attr;
	struct inode *inode;
	struct p9_fid *fid;
	u64 seq;
	int err;

	err = v9fs_make_hidden(ofid, tmp->name, &name, v9fs_tmp_create, c);
	if (err)
		return ERR_PTR(err);
	seq = v9fs_attr_seq(dir->i_sb);
	err = p9_client_getattr(ofid, V9FS_ATTR_MASK, &attr);
	inode = err ? ERR_PTR(err) : v9fs_iget(dir->i_sb, &attr, seq);
	if (IS_ERR(inode)) {
		p9_client_unlinkat(dfid, name, 0);
		return inode;
	}
	/*
	 * An unopened fid walked to the hidden name, for what goes by name
	 * (xattrs, attributes without an open file).  Without one those
	 * fail, the file itself works.
	 */
	fid = p9_client_walk(dfid, 1, &name);
	if (!IS_ERR(fid)) {
		fid->uid = dfid->uid;
		v9fs_fid_add(inode, fid);
	}
	tmp->dfid = p9_fid_get(dfid);
	V9I(inode)->tmp = tmp;
	set_bit(V9FS_INO_TMPFILE, &V9I(inode)->flags);
	return inode;
}

/**
 * v9fs_tmpfile - open(O_TMPFILE): an unnamed file (see the top of this file)
 * @mnt_userns: the mount's idmap
 * @dir: the directory
 * @file: the file being opened; its dentry is the unnamed one
 * @mode: the file's mode
 *
 * Return: 0, or -EOPNOTSUPP before 9P2000.L, or another negative errno.
 */
int v9fs_tmpfile(struct v9fs_idmap *mnt_userns, struct inode *dir,
		 struct file *file, umode_t mode)
{
	struct dentry *dentry = file->f_path.dentry;
	struct v9fs_tmp_create c = { .gid = v9fs_new_gid(mnt_userns, dir) };
	struct posix_acl *dacl, *acl;
	struct v9fs_tmpname *tmp;
	struct p9_fid *dfid, *ofid;
	struct inode *inode;
	int err;

	err = v9fs_need_dir_rename(dir);
	if (err)
		return err;
	tmp = kzalloc(sizeof(*tmp), GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	err = v9fs_acl_prepare(dir, &mode, &dacl, &acl);
	if (err)
		goto out_tmp;
	c.flags = v9fs_open_flags(file->f_flags & ~O_TMPFILE);
	err = v9fs_create_fids(dentry, &c.flags, &dfid, &ofid);
	if (err)
		goto out_acl;
	c.mode = S_IFREG | (mode & S_IALLUGO);
	inode = v9fs_tmp_make(dir, dfid, ofid, &c, tmp);
	if (IS_ERR(inode)) {
		err = PTR_ERR(inode);
		p9_fid_put(ofid);
		goto out_dfid;
	}
	tmp = NULL;		/* the inode's now */
	/* d_tmpfile() takes the one link away. */
	set_nlink(inode, 1);
	d_tmpfile(file, inode);
	err = v9fs_acl_finish(dentry, dacl, acl, 0);
	dacl = NULL;
	acl = NULL;
	if (!err)
		err = finish_open(file, dentry, generic_file_open);
	if (err)
		p9_fid_put(ofid);
	else
		err = v9fs_finish_open_fid(inode, file, ofid);
out_dfid:
	p9_fid_put(dfid);
out_acl:
	posix_acl_release(dacl);
	posix_acl_release(acl);
out_tmp:
	kfree(tmp);
	return err;
}

/**
 * v9fs_tmpfile_drop - remove an O_TMPFILE's hidden name once it is closed
 * @inode: the file's inode (any inode: most have no hidden name)
 *
 * Called when an open file of @inode is released, and at eviction: when
 * no open file is left, the hidden name goes.  If linkat() gave the file
 * a name meanwhile, the file lives on under that name.
 */
void v9fs_tmpfile_drop(struct inode *inode)
{
	struct v9fs_inode *v9i = V9I(inode);
	struct v9fs_tmpname *tmp = NULL;
	struct p9_str name;
	int err;

	if (!test_bit(V9FS_INO_TMPFILE, &v9i->flags))
		return;
	spin_lock(&v9i->lock);
	if (hlist_empty(&v9i->open_fids)) {
		tmp = v9i->tmp;
		v9i->tmp = NULL;
	}
	spin_unlock(&v9i->lock);
	if (!tmp)
		return;
	name.s = tmp->name;
	name.len = strlen(tmp->name);
	err = p9_client_unlinkat(tmp->dfid, name, 0);
	if (err)
		pr_warn_ratelimited("9p: could not remove %s (O_TMPFILE): %d\n",
				    tmp->name, err);
	/* the count is the server's again; fids walked by that name are dead */
	clear_bit(V9FS_INO_TMPFILE, &v9i->flags);
	v9fs_clear_fresh(inode);
	if (inode->i_nlink)
		v9fs_forget_walked_fids(inode);
	p9_fid_put(tmp->dfid);
	kfree(tmp);
}

/**
 * v9fs_rename_exchange - RENAME_EXCHANGE as three renames
 * @sb: the mount
 * @ofid: a fid of the file at the first name
 * @odfid: the first name's directory
 * @oldname: the first name
 * @nfid: a fid of the file at the second name
 * @ndfid: the second name's directory
 * @newname: the second name
 *
 * Under v9fs_sb.rename_sem for writing; see the top of this file.
 *
 * Return: 0, or a negative errno with both names as they were (unless
 * undoing failed too, which is logged).
 */
int v9fs_rename_exchange(struct super_block *sb, struct p9_fid *ofid,
			 struct p9_fid *odfid, struct p9_str oldname,
			 struct p9_fid *nfid, struct p9_fid *ndfid,
			 struct p9_str newname)
{
	char buf[V9FS_HIDDEN_LEN];
	struct p9_str hidden;
	int err, undo = 0;

	lockdep_assert_held_write(&V9SB(sb)->rename_sem);
	hidden = v9fs_hidden_name(buf);
	err = v9fs_rename_name(ofid, odfid, oldname, odfid, hidden);
	if (err)
		return err;
	err = v9fs_rename_name(nfid, ndfid, newname, odfid, oldname);
	if (err) {
		undo = v9fs_rename_name(ofid, odfid, hidden, odfid, oldname);
		goto out;
	}
	err = v9fs_rename_name(ofid, odfid, hidden, ndfid, newname);
	if (err) {
		undo = v9fs_rename_name(nfid, odfid, oldname, ndfid, newname);
		if (!undo)
			undo = v9fs_rename_name(ofid, odfid, hidden, odfid,
						oldname);
	}
out:
	if (err && undo)
		pr_warn_ratelimited("9p: RENAME_EXCHANGE failed (%d) and could not be undone (%d): %s left on the server\n",
				    err, undo, buf);
	return err;
}

/**
 * v9fs_rename_whiteout - rename, leaving a whiteout at the old name
 * @idmap: the mount's idmap (the whiteout's group)
 * @fid: a fid of the file renamed
 * @old_dir: the old name's directory
 * @odfid: a fid of it
 * @oldname: the old name
 * @ndfid: the new name's directory
 * @newname: the new name
 *
 * Under v9fs_sb.rename_sem for writing; see the top of this file.
 *
 * Return: 0, or a negative errno with nothing changed (unless the
 * whiteout could not take the old name after the rename: logged).
 */
int v9fs_rename_whiteout(struct v9fs_idmap *idmap, struct p9_fid *fid,
			 struct inode *old_dir, struct p9_fid *odfid,
			 struct p9_str oldname, struct p9_fid *ndfid,
			 struct p9_str newname)
{
	kgid_t gid = v9fs_new_gid(idmap, old_dir);
	char buf[V9FS_HIDDEN_LEN];
	struct p9_str hidden;
	int err;

	lockdep_assert_held_write(&V9SB(old_dir->i_sb)->rename_sem);
	err = v9fs_make_hidden(odfid, buf, &hidden, v9fs_tmp_whiteout, &gid);
	if (err)
		return err;
	err = v9fs_rename_name(fid, odfid, oldname, ndfid, newname);
	if (err) {
		p9_client_unlinkat(odfid, hidden, 0);
		return err;
	}
	err = v9fs_rename_name(NULL, odfid, hidden, odfid, oldname);
	if (err)
		pr_warn_ratelimited("9p: RENAME_WHITEOUT: the whiteout %s could not take the old name (%d)\n",
				    buf, err);
	return err;
}
