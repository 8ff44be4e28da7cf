// SPDX-License-Identifier: GPL-2.0-only
/*
 * v9fs-ng: file handles (name_to_handle_at, open_by_handle_at, exportfs).
 *
 * A handle names a file by the server's qid.path, its type and the
 * inode's i_generation: the server's generation where it reports one,
 * else a random number given to each new inode (v9fs_iget()), which
 * still tells a new file that took over a qid.path (servers reuse the
 * host's inode numbers) from the file the handle was made for.
 *
 * 9P has no request that opens a file by its qid, so a handle turns back
 * into a file only while the client has an inode for it: the file is in
 * use, or cached (an inode a handle was made for stays cached while
 * memory allows, even in the modes that cache nothing: v9fs_drop_inode()).
 * Otherwise, and once the file is known to be gone (V9FS_INO_STALE,
 * V9FS_INO_GONE), decoding gives ESTALE, as a handle of a deleted file
 * does anywhere.  These handles serve open_by_handle_at() of files in
 * use, fanotify and overlayfs' checks, not knfsd re-export: its clients
 * would see ESTALE once an inode is evicted.
 *
 * Directories decoded from a handle may be disconnected from the dentry
 * tree; exportfs reconnects them through ->get_parent, a Twalk of "..",
 * and the generic ->get_name, which looks for the child's inode number
 * (qid.path) in the parent's readdir.
 */
#include <linux/exportfs.h>
#include "v9fs.h"

/* Handle types: private values, unused by any other file system. */
#define V9FS_FILEID		0x91
#define V9FS_FILEID_PARENT	0x92

/* Words (u32) per file in a handle: qid.path, i_generation, type. */
#define V9FS_FH_WORDS	4

struct v9fs_fh_key {
	u64 path;
	u32 gen;
	umode_t fmt;
};

static void v9fs_fh_put(__u32 *fh, struct inode *inode)
{
	u64 path = V9I(inode)->qid.path;

	fh[0] = lower_32_bits(path);
	fh[1] = upper_32_bits(path);
	fh[2] = inode->i_generation;
	fh[3] = (inode->i_mode & S_IFMT) >> 12;
}

static void v9fs_fh_get(const __u32 *fh, struct v9fs_fh_key *key)
{
	key->path = (u64)fh[1] << 32 | fh[0];
	key->gen = fh[2];
	key->fmt = (fh[3] << 12) & S_IFMT;
}

static int v9fs_encode_fh(struct inode *inode, __u32 *fh, int *max_len,
			  struct inode *parent)
{
	int len = parent ? 2 * V9FS_FH_WORDS : V9FS_FH_WORDS;

	if (*max_len < len) {
		*max_len = len;
		return FILEID_INVALID;
	}
	v9fs_fh_put(fh, inode);
	set_bit(V9FS_INO_HANDLE, &V9I(inode)->flags);
	if (parent)
		v9fs_fh_put(fh + V9FS_FH_WORDS, parent);
	*max_len = len;
	return parent ? V9FS_FILEID_PARENT : V9FS_FILEID;
}

static int v9fs_fh_test(struct inode *inode, void *data)
{
	const struct v9fs_fh_key *key = data;
	struct v9fs_inode *v9i = V9I(inode);

	return v9i->qid.path == key->path && inode->i_generation == key->gen &&
	       (inode->i_mode & S_IFMT) == key->fmt && !v9fs_is_stale(inode) &&
	       !test_bit(V9FS_INO_GONE, &v9i->flags);
}

static struct dentry *v9fs_fh_find(struct super_block *sb, const __u32 *fh)
{
	struct v9fs_fh_key key;
	struct inode *inode;

	v9fs_fh_get(fh, &key);
	inode = ilookup5(sb, (unsigned long)key.path, v9fs_fh_test, &key);
	if (!inode)
		return ERR_PTR(-ESTALE);
	return d_obtain_alias(inode);
}

static struct dentry *v9fs_fh_to_dentry(struct super_block *sb,
					struct fid *fid, int fh_len,
					int fh_type)
{
	if ((fh_type != V9FS_FILEID && fh_type != V9FS_FILEID_PARENT) ||
	    fh_len < V9FS_FH_WORDS)
		return NULL;
	return v9fs_fh_find(sb, fid->raw);
}

static struct dentry *v9fs_fh_to_parent(struct super_block *sb,
					struct fid *fid, int fh_len,
					int fh_type)
{
	if (fh_type != V9FS_FILEID_PARENT || fh_len < 2 * V9FS_FH_WORDS)
		return NULL;
	return v9fs_fh_find(sb, fid->raw + V9FS_FH_WORDS);
}

static struct dentry *v9fs_get_parent(struct dentry *child)
{
	static const struct p9_str dotdot = { .s = "..", .len = 2 };
	struct inode *inode;
	struct p9_fid *fid;

	fid = v9fs_dentry_fid(child);
	if (IS_ERR(fid))
		return ERR_CAST(fid);
	inode = v9fs_walk_name(child->d_sb, fid, &dotdot);
	p9_fid_put(fid);
	if (!inode)
		return ERR_PTR(-ESTALE);
	if (IS_ERR(inode))
		return ERR_CAST(inode);
	return d_obtain_alias(inode);
}

const struct export_operations v9fs_export_ops = {
	.encode_fh	= v9fs_encode_fh,
	.fh_to_dentry	= v9fs_fh_to_dentry,
	.fh_to_parent	= v9fs_fh_to_parent,
	.get_parent	= v9fs_get_parent,
	/* Attributes come from the server, not with the operation. */
	.flags		= EXPORT_OP_REMOTE_FS | EXPORT_OP_NOATOMIC_ATTR |
			  EXPORT_OP_NOWCC,
};
