/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * v9fs-ng: the VFS API of the two kernel series the file system builds for
 * (6.1 and 6.12, see include/net/9p/compat.h), spelled once.
 *
 * The rest of fs/9p is written against these names:
 *  - struct v9fs_idmap: the mount's ID mapping as the VFS passes it to
 *    inode, xattr and ACL operations (struct user_namespace on 6.1,
 *    struct mnt_idmap on 6.12), v9fs_file_idmap() that of an open file's
 *    mount, v9fs_sb_noidmap() to refuse idmapped mounts of a superblock
 *    (6.12's SB_I_NOIDMAP; 6.1 has no such veto, see v9fs_idmap_check());
 *  - inode time accessors of 6.12 (inode_set_ctime_current()...),
 *    provided on 6.1;
 *  - v9fs_fl_*(): the fields of a struct file_lock (6.12 moved the common
 *    ones into struct file_lock_core);
 *  - V9FS_FSCACHE: cache=fscache is built only on 6.1.  On 6.12 fscache
 *    goes through netfs's own read and write-back paths, which this file
 *    system does not use there (fs/9p/addr.c reads and writes pages
 *    itself); cache=fscache then behaves as cache=loose, as it does on
 *    6.1 without a cache bound.  No folio is ever marked PG_fscache, so
 *    the waits for it are no-ops.
 */
#ifndef _FS_9P_COMPAT_H
#define _FS_9P_COMPAT_H

#include <linux/fs.h>
#include <linux/pagemap.h>
#include <linux/netfs.h>
#include <linux/fscache.h>
#include <linux/posix_acl.h>
#include <net/9p/compat.h>

#if V9FS_K612

#include <linux/filelock.h>

#define v9fs_idmap		mnt_idmap
#define v9fs_nop_idmap		(&nop_mnt_idmap)

static inline struct mnt_idmap *v9fs_file_idmap(struct file *file)
{
	return file_mnt_idmap(file);
}

/* mount_setattr(MOUNT_ATTR_IDMAP) of this superblock fails with EINVAL */
static inline void v9fs_sb_noidmap(struct super_block *sb)
{
	sb->s_iflags |= SB_I_NOIDMAP;
}

/* The object ->set_acl() is given: a dentry on 6.12 */
#define V9FS_ACL_OBJ		struct dentry
static inline struct inode *v9fs_acl_inode(struct dentry *dentry)
{
	return d_inode(dentry);
}

/* inode_operations slots of the ACL handlers */
#define V9FS_ACL_OPS(get, set)	.get_inode_acl = (get), .set_acl = (set)
/* The VFS itself handles system.posix_acl_* through the ACL handlers. */
#define V9FS_POSIX_ACL_XATTR_HANDLERS

#define v9fs_fl_type(fl)	((fl)->c.flc_type)
#define v9fs_fl_flags(fl)	((fl)->c.flc_flags)
#define v9fs_fl_pid(fl)		((fl)->c.flc_pid)
#define v9fs_fl_owner(fl)	((fl)->c.flc_owner)
#define v9fs_fl_file(fl)	((fl)->c.flc_file)
#define V9FS_FL_LIST		c.flc_list

#define v9fs_splice_read	filemap_splice_read

/* ->write_begin/->write_end and write_cache_pages() hand out folios */
#define V9FS_WB_UNIT		struct folio
static inline struct folio *v9fs_wb_unit_folio(struct folio *folio)
{
	return folio;
}

static inline struct folio *v9fs_wb_unit_of(struct folio *folio, loff_t pos)
{
	return folio;
}

/* Reads go through fs/9p/addr.c's own read_folio/readahead */
#define V9FS_NETFS_READ		0

/* SLAB_MEM_SPREAD is gone: slabs are always spread. */
#define V9FS_SLAB_SPREAD	0

#define V9FS_FSCACHE		0

static inline void v9fs_netfs_inode_init(struct netfs_inode *ctx,
					 const struct netfs_request_ops *ops)
{
	netfs_inode_init(ctx, ops, false);
}

static inline void v9fs_generic_fillattr(struct mnt_idmap *idmap,
					 u32 request_mask, struct inode *inode,
					 struct kstat *stat)
{
	generic_fillattr(idmap, request_mask, inode, stat);
}

static inline int v9fs_posix_acl_chmod(struct mnt_idmap *idmap,
				       struct dentry *dentry, umode_t mode)
{
	return posix_acl_chmod(idmap, dentry, mode);
}

static inline ssize_t call_write_iter(struct file *file, struct kiocb *kio,
				      struct iov_iter *iter)
{
	return file->f_op->write_iter(kio, iter);
}

static inline void folio_wait_fscache(struct folio *folio)
{
}

static inline void folio_start_fscache(struct folio *folio)
{
}

static inline bool folio_test_fscache(struct folio *folio)
{
	return false;
}

static inline void v9fs_write_to_cache(struct fscache_cookie *cookie,
				       struct address_space *mapping,
				       loff_t start, size_t len, loff_t i_size,
				       bool caching)
{
	fscache_write_to_cache(cookie, mapping, start, len, i_size, NULL,
			       NULL, false, caching);
}

#else /* 6.1 */

#define v9fs_idmap		user_namespace
#define v9fs_nop_idmap		(&init_user_ns)

static inline struct user_namespace *v9fs_file_idmap(struct file *file)
{
	return file_mnt_user_ns(file);
}

/* The VFS of 6.1 asks only the file system type (FS_ALLOW_IDMAP). */
static inline void v9fs_sb_noidmap(struct super_block *sb)
{
}

#define V9FS_ACL_OBJ		struct inode
static inline struct inode *v9fs_acl_inode(struct inode *inode)
{
	return inode;
}

#define V9FS_ACL_OPS(get, set)	.get_acl = (get), .set_acl = (set)
#define V9FS_POSIX_ACL_XATTR_HANDLERS \
	&posix_acl_access_xattr_handler, &posix_acl_default_xattr_handler,

#define v9fs_fl_type(fl)	((fl)->fl_type)
#define v9fs_fl_flags(fl)	((fl)->fl_flags)
#define v9fs_fl_pid(fl)		((fl)->fl_pid)
#define v9fs_fl_owner(fl)	((fl)->fl_owner)
#define v9fs_fl_file(fl)	((fl)->fl_file)
#define V9FS_FL_LIST		fl_list

#define v9fs_splice_read	generic_file_splice_read

#define V9FS_WB_UNIT		struct page
static inline struct folio *v9fs_wb_unit_folio(struct page *page)
{
	return page_folio(page);
}

static inline struct page *v9fs_wb_unit_of(struct folio *folio, loff_t pos)
{
	return folio_file_page(folio, pos >> PAGE_SHIFT);
}

/* Reads go through the netfs read helpers */
#define V9FS_NETFS_READ		1

#define V9FS_SLAB_SPREAD	SLAB_MEM_SPREAD

#define V9FS_FSCACHE		IS_ENABLED(CONFIG_9P_FSCACHE)

static inline void v9fs_netfs_inode_init(struct netfs_inode *ctx,
					 const struct netfs_request_ops *ops)
{
	netfs_inode_init(ctx, ops);
}

static inline void v9fs_generic_fillattr(struct user_namespace *mnt_userns,
					 u32 request_mask, struct inode *inode,
					 struct kstat *stat)
{
	generic_fillattr(mnt_userns, inode, stat);
}

static inline void v9fs_write_to_cache(struct fscache_cookie *cookie,
				       struct address_space *mapping,
				       loff_t start, size_t len, loff_t i_size,
				       bool caching)
{
	fscache_write_to_cache(cookie, mapping, start, len, i_size, NULL,
			       NULL, caching);
}

static inline int v9fs_posix_acl_chmod(struct user_namespace *mnt_userns,
				       struct dentry *dentry, umode_t mode)
{
	return posix_acl_chmod(mnt_userns, d_inode(dentry), mode);
}

/* The inode time accessors of later kernels (Debian's 6.1 has ctime's) */
static inline void inode_set_atime_to_ts(struct inode *inode,
					 struct timespec64 ts)
{
	inode->i_atime = ts;
}

static inline void inode_set_mtime_to_ts(struct inode *inode,
					 struct timespec64 ts)
{
	inode->i_mtime = ts;
}

#endif

#endif /* _FS_9P_COMPAT_H */
