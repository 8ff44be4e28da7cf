// SPDX-License-Identifier: GPL-2.0-only
/*
 * v9fs-ng: cache=fscache, file data kept on a local disk through fscache
 * (and a cache back end such as cachefiles, bound by cachefilesd).
 *
 * Objects and their lifetimes:
 *
 *  volume	one per cache=fscache mount (v9fs_sb.volume), acquired in
 *		fill_super, relinquished by kill_sb once every inode (and so
 *		every cookie) is gone.  Its key names the export, see
 *		v9fs_cache_volume_key(); two mounts of one export at once
 *		get one volume: the second mount caches nothing.
 *  cookie	one per regular-file inode of such a mount
 *		(v9fs_inode.netfs.cache), acquired when the inode is made,
 *		relinquished when it is evicted.  The inode owns it; the
 *		netfs read helpers and writeback borrow it while the inode
 *		is alive.  Its key is the file's qid.path and generation,
 *		both stable across mounts; its auxiliary data is
 *		struct v9fs_cache_aux, the server's mtime and size that the
 *		cached data corresponds to.  A cache object whose auxiliary
 *		data differs when the cookie is looked up (the file changed
 *		while no one had it cached) is thrown away by fscache.
 *
 * A cookie is "used" by every open struct file of its inode (open to
 * release) and by dirty pages (fscache_dirty_folio() pins it until
 * write_inode or eviction).
 *
 * Coherency: the auxiliary data follows v9fs_inode.data_mtime/data_size.
 * When the server's size or mtime moves without our writes being the
 * cause (fs/9p/inode.c drops the page cache then), the cache object is
 * invalidated too; when our own writeback moved them, the new values
 * become the auxiliary data (the written data went to the cache as well).
 * Writes that bypass the page cache (O_DIRECT) invalidate the object and
 * keep it unused until the file is closed by everyone.
 *
 * Without a cache bound (no cachefilesd), fscache gives out no volume or
 * inert cookies, and every call here does nothing: cache=fscache then
 * behaves as cache=loose.
 */
#define pr_fmt(fmt) "9p: " fmt

#include <linux/fs.h>
#include <linux/fscache.h>
#include <linux/slab.h>
#include <linux/writeback.h>
#include "v9fs.h"

/* Cookie key: never changes for a given server file. */
struct v9fs_cache_key {
	__le64 path;
	__le64 gen;
};

/* Cookie auxiliary data, fixed little-endian layout (it lives on disk). */
struct v9fs_cache_aux {
	__le64 mtime_sec;
	__le32 mtime_nsec;
	__le32 pad;
	__le64 size;
};

/*
 * The volume key: "9p,tag,<cachetag>" when cachetag= names the export,
 * else "9p,<transport>,<source>,<aname>" (the source being the mount tag,
 * address or fd pair the mount was made from).  Cachefiles uses the key
 * as a directory name: characters that cannot be in one, or are not
 * printable, become '_'.  Return: a kmalloc'ed key, or NULL.
 */
static char *v9fs_cache_volume_key(struct v9fs_sb *v9s, const char *source)
{
	const char *trans = p9_client_trans_name(v9s->clnt) ?: "-";
	char *key, *p;

	if (v9s->o.cachetag && *v9s->o.cachetag)
		key = kasprintf(GFP_KERNEL, "9p,tag,%s", v9s->o.cachetag);
	else
		key = kasprintf(GFP_KERNEL, "9p,%s,%s,%s", trans, source,
				v9s->o.aname ?: "");
	if (!key)
		return NULL;
	for (p = key; *p; p++)
		if (*p == '/' || *p < 0x21 || *p > 0x7e)
			*p = '_';
	return key;
}

/**
 * v9fs_cache_volume_get - acquire the mount's fscache volume
 * @v9s: the mount, its client connected
 * @source: what was mounted (fc->source)
 *
 * Caching is optional: if it cannot be had (no cache bound, the export
 * already cached by another mount, a key too long) the mount goes on
 * without, as with cache=loose.
 */
void v9fs_cache_volume_get(struct v9fs_sb *v9s, const char *source)
{
	struct fscache_volume *vol;
	char *key;

	key = v9fs_cache_volume_key(v9s, source);
	if (!key)
		return;
	if (strlen(key) > NAME_MAX) {
		pr_notice("fscache volume key too long (use cachetag=): not caching\n");
		kfree(key);
		return;
	}
	vol = fscache_acquire_volume(key, NULL, NULL, 0);
	if (IS_ERR(vol)) {
		pr_notice("fscache volume %s unavailable (%ld): not caching\n",
			  key, PTR_ERR(vol));
		vol = NULL;
	}
	kfree(key);
	v9s->volume = vol;
}

/**
 * v9fs_cache_volume_put - relinquish the mount's volume
 * @v9s: the mount; every inode of it is already evicted
 */
void v9fs_cache_volume_put(struct v9fs_sb *v9s)
{
	fscache_relinquish_volume(v9s->volume, NULL, false);
	v9s->volume = NULL;
}

/* The auxiliary data for what the cached pages correspond to. */
static void v9fs_cache_aux(struct inode *inode, struct v9fs_cache_aux *aux,
			   loff_t *size)
{
	struct v9fs_inode *v9i = V9I(inode);

	spin_lock(&inode->i_lock);
	aux->mtime_sec = cpu_to_le64(v9i->data_mtime.tv_sec);
	aux->mtime_nsec = cpu_to_le32(v9i->data_mtime.tv_nsec);
	aux->pad = 0;
	aux->size = cpu_to_le64(v9i->data_size);
	*size = v9i->data_size;
	spin_unlock(&inode->i_lock);
}

static struct fscache_cookie *v9fs_cookie(struct inode *inode)
{
	return netfs_i_cookie(&V9I(inode)->netfs);
}

/**
 * v9fs_cache_inode_get - acquire the cookie of a new regular-file inode
 * @inode: the inode, I_NEW, attributes applied, netfs context set up
 *
 * A live cookie with the same key (an old inode of a reused qid.path
 * still open) makes fscache refuse this one: the new inode is not cached.
 */
void v9fs_cache_inode_get(struct inode *inode)
{
	struct v9fs_sb *v9s = V9SB(inode->i_sb);
	struct v9fs_inode *v9i = V9I(inode);
	struct v9fs_cache_key key;
	struct v9fs_cache_aux aux;
	loff_t size;

	if (!v9s->volume || !S_ISREG(inode->i_mode))
		return;
	key.path = cpu_to_le64(v9i->qid.path);
	key.gen = cpu_to_le64(v9i->gen_valid ? v9i->gen : 0);
	v9fs_cache_aux(inode, &aux, &size);
	v9i->netfs.cache = fscache_acquire_cookie(v9s->volume, 0,
						  &key, sizeof(key),
						  &aux, sizeof(aux), size);
}

/**
 * v9fs_cache_inode_put - at eviction: unpin and relinquish the cookie
 * @inode: the inode, its pages already gone
 *
 * A file we removed, or that the server replaced, has its cache object
 * thrown away too.
 */
void v9fs_cache_inode_put(struct inode *inode)
{
	struct v9fs_inode *v9i = V9I(inode);
	struct fscache_cookie *cookie = v9fs_cookie(inode);
	struct v9fs_cache_aux aux;
	loff_t size;

	if (!cookie)
		return;
	v9fs_cache_aux(inode, &aux, &size);
	fscache_clear_inode_writeback(cookie, inode, &aux);
	fscache_relinquish_cookie(cookie,
				  test_bit(V9FS_INO_GONE, &v9i->flags) ||
				  test_bit(V9FS_INO_STALE, &v9i->flags));
	v9i->netfs.cache = NULL;
}

/**
 * v9fs_cache_use - an open of a regular file starts using its cookie
 * @inode: the inode
 * @file: the file being opened
 */
void v9fs_cache_use(struct inode *inode, struct file *file)
{
	struct fscache_cookie *cookie = v9fs_cookie(inode);

	if (cookie)
		fscache_use_cookie(cookie, file->f_mode & FMODE_WRITE);
}

/**
 * v9fs_cache_unuse - the release of what v9fs_cache_use() took
 * @inode: the inode
 *
 * The auxiliary data stored is the current one (after close's writeback).
 */
void v9fs_cache_unuse(struct inode *inode)
{
	struct fscache_cookie *cookie = v9fs_cookie(inode);
	struct v9fs_cache_aux aux;
	loff_t size;

	if (!cookie)
		return;
	v9fs_cache_aux(inode, &aux, &size);
	fscache_unuse_cookie(cookie, &aux, &size);
}

/**
 * v9fs_cache_changed - the server's data changed, not through our cache
 * @inode: the inode, data_mtime/data_size already the server's new ones
 * @flags: FSCACHE_INVAL_* (FSCACHE_INVAL_DIO_WRITE for our direct writes)
 */
void v9fs_cache_changed(struct inode *inode, unsigned int flags)
{
	struct fscache_cookie *cookie = v9fs_cookie(inode);
	struct v9fs_cache_aux aux;
	loff_t size;

	if (!cookie)
		return;
	v9fs_cache_aux(inode, &aux, &size);
	fscache_invalidate(cookie, &aux, size, flags);
}

/**
 * v9fs_cache_rebase - our writeback moved the server's size and mtime
 * @inode: the inode, data_mtime/data_size already the new ones
 *
 * The data written went to the cache as well, so the object stays; it
 * now corresponds to the new mtime and size.
 */
void v9fs_cache_rebase(struct inode *inode)
{
	struct fscache_cookie *cookie = v9fs_cookie(inode);
	struct v9fs_cache_aux aux;
	loff_t size;

	if (!cookie)
		return;
	v9fs_cache_aux(inode, &aux, &size);
	fscache_update_cookie(cookie, &aux, &size);
}

/**
 * v9fs_cache_resize - the file was truncated to @size by us
 * @inode: the inode (i_rwsem held)
 * @size: the new size
 */
void v9fs_cache_resize(struct inode *inode, loff_t size)
{
	struct fscache_cookie *cookie = v9fs_cookie(inode);

	if (cookie)
		fscache_resize_cookie(cookie, size);
}

/**
 * v9fs_cache_write_inode - super_operations.write_inode
 * @inode: the inode
 * @wbc: the writeback control
 *
 * Writeback of the inode's pages is over: drop the cookie pin that
 * fscache_dirty_folio() took when they were dirtied.
 *
 * Return: 0.
 */
int v9fs_cache_write_inode(struct inode *inode, struct writeback_control *wbc)
{
	fscache_unpin_writeback(wbc, v9fs_cookie(inode));
	return 0;
}

/**
 * v9fs_begin_cache_operation - netfs: attach the cache to a read request
 * @rreq: the read request
 *
 * Return: 0, or -ENOBUFS when there is no cache (netfs then reads from
 * the server only).
 */
int v9fs_begin_cache_operation(struct netfs_io_request *rreq)
{
	return fscache_begin_read_operation(&rreq->cache_resources,
					    v9fs_cookie(rreq->inode));
}
