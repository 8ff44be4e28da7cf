// SPDX-License-Identifier: GPL-2.0-only
/*
 * v9fs-ng: extended attributes and POSIX ACLs (9P2000.L xattr requests;
 * other dialects get -EOPNOTSUPP from the client).
 *
 * user., trusted. and security. names pass through to the server as they
 * are.  With posixacl, system.posix_acl_{access,default} go through the
 * VFS's ACL handlers to v9fs_get_acl()/v9fs_set_acl(), which store the
 * ACLs in the same xattrs on the server and keep the mode in step.
 */
#include <linux/fs.h>
#include <linux/posix_acl.h>
#include <linux/posix_acl_xattr.h>
#include <linux/slab.h>
#include <linux/xattr.h>
#include "v9fs.h"

static const struct xattr_handler v9fs_security_xattr;

/*
 * The fid an xattr or ACL request about @inode goes through (a walk of
 * @dentry's path, if given and positive).  Not a walked name once we
 * removed the file's last one: the name may belong to a new file.
 */
static struct p9_fid *v9fs_xattr_fid(struct dentry *dentry,
				     struct inode *inode)
{
	if (test_bit(V9FS_INO_GONE, &V9I(inode)->flags))
		return v9fs_gone_fid(inode, dentry, NULL);
	if (dentry && d_really_is_positive(dentry))
		return v9fs_dentry_fid(dentry);
	return v9fs_inode_fid(inode);
}

static int v9fs_xattr_get(const struct xattr_handler *handler,
			  struct dentry *dentry, struct inode *inode,
			  const char *name, void *buf, size_t size)
{
	struct v9fs_sb *v9s = V9SB(inode->i_sb);
	bool sec = handler == &v9fs_security_xattr;
	struct p9_fid *fid;
	ssize_t n;

	if (sec && READ_ONCE(v9s->no_security_xattr))
		return -EOPNOTSUPP;
	fid = v9fs_xattr_fid(dentry, inode);
	if (IS_ERR(fid))
		return PTR_ERR(fid);
	n = p9_client_getxattr(fid, xattr_full_name(handler, name), buf, size);
	p9_fid_put(fid);
	if (sec && n == -EOPNOTSUPP)
		WRITE_ONCE(v9s->no_security_xattr, true);
	if (n > XATTR_SIZE_MAX || (size && n > (ssize_t)size))
		return -EIO;
	return n;
}

static int v9fs_xattr_set(const struct xattr_handler *handler,
			  struct v9fs_idmap *mnt_userns,
			  struct dentry *dentry, struct inode *inode,
			  const char *name, const void *value, size_t size,
			  int flags)
{
	struct p9_fid *fid;
	int err;

	fid = v9fs_xattr_fid(dentry, inode);
	if (IS_ERR(fid))
		return PTR_ERR(fid);
	err = p9_client_setxattr(fid, xattr_full_name(handler, name), value,
				 size, flags);
	p9_fid_put(fid);
	/* one the server took: it does store them after all */
	if (!err && value && handler == &v9fs_security_xattr)
		WRITE_ONCE(V9SB(inode->i_sb)->no_security_xattr, false);
	return err;
}

/**
 * v9fs_listxattr - inode_operations.listxattr
 * @dentry: the file
 * @buf: where the NUL-separated names go, or NULL to ask for the size
 * @size: room in @buf
 *
 * Return: the size of the list or a negative errno.
 */
ssize_t v9fs_listxattr(struct dentry *dentry, char *buf, size_t size)
{
	struct p9_fid *fid;
	ssize_t n;

	fid = v9fs_xattr_fid(dentry, d_inode(dentry));
	if (IS_ERR(fid))
		return PTR_ERR(fid);
	n = p9_client_getxattr(fid, NULL, buf, size);
	p9_fid_put(fid);
	if (n > XATTR_LIST_MAX || (size && n > (ssize_t)size))
		return -EIO;
	/* A list must end with the terminator of its last name. */
	if (n > 0 && buf && size && buf[n - 1] != '\0')
		return -EIO;
	return n;
}

static const struct xattr_handler v9fs_user_xattr = {
	.prefix	= XATTR_USER_PREFIX,
	.get	= v9fs_xattr_get,
	.set	= v9fs_xattr_set,
};

static const struct xattr_handler v9fs_trusted_xattr = {
	.prefix	= XATTR_TRUSTED_PREFIX,
	.get	= v9fs_xattr_get,
	.set	= v9fs_xattr_set,
};

static const struct xattr_handler v9fs_security_xattr = {
	.prefix	= XATTR_SECURITY_PREFIX,
	.get	= v9fs_xattr_get,
	.set	= v9fs_xattr_set,
};

const struct xattr_handler *v9fs_xattr_handlers[] = {
	&v9fs_user_xattr,
	&v9fs_trusted_xattr,
	&v9fs_security_xattr,
#ifdef CONFIG_FS_POSIX_ACL
	V9FS_POSIX_ACL_XATTR_HANDLERS
#endif
	NULL
};

/* ---- POSIX ACLs ---- */

static const char *v9fs_acl_name(int type)
{
	return type == ACL_TYPE_ACCESS ? XATTR_NAME_POSIX_ACL_ACCESS :
					 XATTR_NAME_POSIX_ACL_DEFAULT;
}

#ifdef CONFIG_FS_POSIX_ACL
/**
 * v9fs_get_acl - inode_operations.get_acl: read an ACL from the server
 * @inode: the inode
 * @type: ACL_TYPE_ACCESS or ACL_TYPE_DEFAULT
 * @rcu: called in RCU walk (we must sleep: -ECHILD)
 *
 * Return: the ACL, NULL for none, or an ERR_PTR.
 */
struct posix_acl *v9fs_get_acl(struct inode *inode, int type, bool rcu)
{
	struct posix_acl *acl;
	struct p9_fid *fid;
	void *buf = NULL;
	ssize_t n;

	if (rcu)
		return ERR_PTR(-ECHILD);
	if (!IS_POSIXACL(inode))
		return NULL;
	fid = v9fs_xattr_fid(NULL, inode);
	if (IS_ERR(fid))
		return ERR_CAST(fid);
	n = p9_client_getxattr(fid, v9fs_acl_name(type), NULL, 0);
	if (n > 0 && n <= XATTR_SIZE_MAX) {
		buf = kmalloc(n, GFP_KERNEL);
		if (!buf) {
			p9_fid_put(fid);
			return ERR_PTR(-ENOMEM);
		}
		n = p9_client_getxattr(fid, v9fs_acl_name(type), buf, n);
	} else if (n > 0) {
		n = -EIO;
	}
	p9_fid_put(fid);

	if (n == -ENODATA || n == -EOPNOTSUPP || n == 0)
		acl = NULL;
	else if (n < 0)
		acl = ERR_PTR(n);
	else
		acl = posix_acl_from_xattr(&init_user_ns, buf, n);
	kfree(buf);
	return acl;
}

static int v9fs_store_acl(struct inode *inode, int type,
			  struct posix_acl *acl)
{
	struct p9_fid *fid;
	void *value = NULL;
	size_t size = 0;
	int err;

	if (acl) {
		size = posix_acl_xattr_size(acl->a_count);
		value = kmalloc(size, GFP_KERNEL);
		if (!value)
			return -ENOMEM;
		err = posix_acl_to_xattr(&init_user_ns, acl, value, size);
		if (err < 0)
			goto out;
	}
	fid = v9fs_xattr_fid(NULL, inode);
	if (IS_ERR(fid)) {
		err = PTR_ERR(fid);
		goto out;
	}
	err = p9_client_setxattr(fid, v9fs_acl_name(type), value, size, 0);
	p9_fid_put(fid);
	if (!acl && err == -ENODATA)
		err = 0;
	if (!err)
		set_cached_acl(inode, type, acl);
out:
	kfree(value);
	return err;
}

/**
 * v9fs_set_acl - inode_operations.set_acl
 * @mnt_userns: the mount's ID mapping
 * @obj: the inode (6.1) or its dentry (6.12), see fs/9p/compat.h
 * @acl: the new ACL, or NULL to remove it
 * @type: ACL_TYPE_ACCESS or ACL_TYPE_DEFAULT
 *
 * Return: 0 or a negative errno.
 */
int v9fs_set_acl(struct v9fs_idmap *mnt_userns, V9FS_ACL_OBJ *obj,
		 struct posix_acl *acl, int type)
{
	struct inode *inode = v9fs_acl_inode(obj);
	struct p9_iattr pia = {};
	struct p9_fid *fid;
	umode_t mode;
	int err;

	if (!IS_POSIXACL(inode))
		return -EOPNOTSUPP;
	if (type == ACL_TYPE_DEFAULT && !S_ISDIR(inode->i_mode))
		return acl ? -EACCES : 0;
	if (type == ACL_TYPE_ACCESS && acl) {
		mode = inode->i_mode;
		err = posix_acl_update_mode(mnt_userns, inode, &mode, &acl);
		if (err)
			return err;
		if (mode != inode->i_mode) {
			fid = v9fs_xattr_fid(NULL, inode);
			if (IS_ERR(fid))
				return PTR_ERR(fid);
			pia.valid = P9_ATTR_MODE;
			pia.mode = mode;
			err = p9_client_setattr(fid, &pia);
			p9_fid_put(fid);
			if (err)
				return err;
			inode->i_mode = mode;
			inode_set_ctime_current(inode);
		}
	}
	return v9fs_store_acl(inode, type, acl);
}

/**
 * v9fs_init_acl - store the ACLs a new file inherits
 * @dir: unused (the parent directory)
 * @inode: the new file
 * @dacl: its default ACL (directories), or NULL
 * @acl: its access ACL, or NULL
 *
 * Return: 0 or a negative errno.
 */
int v9fs_init_acl(struct inode *dir, struct inode *inode,
		  struct posix_acl *dacl, struct posix_acl *acl)
{
	int err = 0;

	if (dacl && S_ISDIR(inode->i_mode))
		err = v9fs_store_acl(inode, ACL_TYPE_DEFAULT, dacl);
	if (!err && acl)
		err = v9fs_store_acl(inode, ACL_TYPE_ACCESS, acl);
	return err;
}
#else
struct posix_acl *v9fs_get_acl(struct inode *inode, int type, bool rcu)
{
	return NULL;
}

int v9fs_set_acl(struct v9fs_idmap *mnt_userns, V9FS_ACL_OBJ *obj,
		 struct posix_acl *acl, int type)
{
	return -EOPNOTSUPP;
}

int v9fs_init_acl(struct inode *dir, struct inode *inode,
		  struct posix_acl *dacl, struct posix_acl *acl)
{
	return 0;
}
#endif
