// SPDX-License-Identifier: GPL-2.0-only
/*
 * v9fs-ng: open files: data, mmap, sync and locks.
 *
 * Without a data cache (cache=none, and O_DIRECT in every mode) read(2)
 * and write(2) go straight to the server on the open file's fid, and the
 * page cache holds only what mappings use.  To keep mappings coherent
 * with such I/O, a direct read first writes back dirty pages in its
 * range, and a direct write writes them back before and invalidates the
 * range after.
 *
 * With V9FS_CF_READ, reads go through the page cache (fs/9p/addr.c); with
 * V9FS_CF_WRITE, writes dirty it and writeback sends them.  Dirty pages
 * are written through v9fs_inode.wb_fid, a writable fid taken at the
 * first writable open (or shared writable mmap) and kept until the inode
 * is evicted, so writeback after close(2) and munmap(2) still has a way
 * to the file.  With V9FS_CF_CTO, open(2) revalidates the cached data
 * (fs/9p/inode.c drops it if the server's size or mtime moved) and
 * close(2) writes back.
 */
#define pr_fmt(fmt) "9p: " fmt

#include <linux/fs.h>
#include <linux/fscache.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uio.h>
#include <linux/writeback.h>
#include "v9fs.h"

/**
 * v9fs_open_flags - the Linux open flags to send to the server
 * @f_flags: the file's flags
 *
 * Creation, truncation (done by the VFS through setattr), append (done
 * here, so writeback through the same fid is not appended) and flags that
 * only concern the local file are not sent.
 *
 * Return: the flags for p9_client_open() and p9_client_create().
 */
int v9fs_open_flags(int f_flags)
{
	return f_flags & (O_ACCMODE | O_SYNC | O_DSYNC | O_NONBLOCK |
			  O_DIRECTORY);
}

/* Keep a writable fid for writeback of pages this file may dirty. */
static void v9fs_set_wb_fid(struct inode *inode, struct p9_fid *fid)
{
	struct v9fs_inode *v9i = V9I(inode);

	spin_lock(&v9i->lock);
	if (!v9i->wb_fid)
		v9i->wb_fid = p9_fid_get(fid);
	spin_unlock(&v9i->lock);
}

/**
 * v9fs_finish_open_fid - attach an open fid to a struct file
 * @inode: the file's inode
 * @file: the file being opened
 * @fid: the open fid; its reference moves to @file
 *
 * Return: 0.
 */
int v9fs_finish_open_fid(struct inode *inode, struct file *file,
			 struct p9_fid *fid)
{
	file->private_data = fid;
	v9fs_open_fid_add(inode, fid);
	if (S_ISREG(inode->i_mode))
		v9fs_cache_use(inode, file);
	if ((file->f_mode & FMODE_WRITE) &&
	    v9fs_page_cached(inode, V9FS_CF_WRITE))
		v9fs_set_wb_fid(inode, fid);
	return 0;
}

/*
 * With a write cache, partial-page writes read the page first: open
 * write-only files for reading too where the server lets us.
 */
static int v9fs_server_open(struct inode *inode, struct p9_fid *fid,
			    int flags)
{
	int err;

	if ((flags & O_ACCMODE) == O_WRONLY &&
	    v9fs_page_cached(inode, V9FS_CF_WRITE)) {
		err = p9_client_open(fid, (flags & ~O_ACCMODE) | O_RDWR);
		if (err != -EACCES && err != -EPERM)
			return err;
	}
	return p9_client_open(fid, flags);
}

/**
 * v9fs_open - file_operations.open: open a clone of the file's fid
 * @inode: the inode
 * @file: the file
 *
 * Return: 0 or a negative errno.
 */
int v9fs_open(struct inode *inode, struct file *file)
{
	struct p9_fid *fid, *ofid;
	int err;

	if (v9fs_is_stale(inode))
		return -ESTALE;
	fid = v9fs_dentry_fid(file_dentry(file));
	if (IS_ERR(fid))
		return PTR_ERR(fid);
	ofid = p9_client_walk(fid, 0, NULL);
	if (!IS_ERR(ofid))
		ofid->uid = fid->uid;
	p9_fid_put(fid);
	if (IS_ERR(ofid))
		return PTR_ERR(ofid);
	err = v9fs_server_open(inode, ofid, v9fs_open_flags(file->f_flags));
	if (err) {
		p9_fid_put(ofid);
		return err;
	}
	v9fs_finish_open_fid(inode, file, ofid);
	if (!S_ISREG(inode->i_mode))
		return 0;
	/*
	 * Close-to-open: what the server has now decides whether cached
	 * pages are still good.
	 */
	if (v9fs_cached(inode, V9FS_CF_CTO) && v9fs_open_needs_refresh(inode)) {
		err = v9fs_refresh(inode, file_dentry(file));
		if (err) {
			v9fs_release(inode, file);
			return err;
		}
	}
	/* Without a metadata cache, fstat(2) after open(2) asks again. */
	if (!v9fs_cached(inode, V9FS_CF_META))
		v9fs_clear_fresh(inode);
	return 0;
}

/*
 * close(2) of a writer: with close-to-open the data goes to the server
 * now, and close reports what write-back could not send (ENOSPC, EDQUOT,
 * EIO), which is the last chance a writer such as cp has to learn it.
 * Without close-to-open (nocto) the data stays for writeback, and close
 * reports only an error already recorded.
 */
static int v9fs_flush(struct file *file, fl_owner_t id)
{
	struct inode *inode = file_inode(file);
	int err = 0;

	if (!(file->f_mode & FMODE_WRITE) ||
	    !v9fs_page_cached(inode, V9FS_CF_WRITE))
		return 0;
	if (v9fs_cached(inode, V9FS_CF_CTO))
		err = filemap_write_and_wait(inode->i_mapping);
	return file_check_and_advance_wb_err(file) ?: err;
}

/**
 * v9fs_release - file_operations.release: write back, then put the fid
 * @inode: the inode
 * @file: the file being closed
 *
 * Dirty pages are written back here but for a write cache without
 * close-to-open (nocto), which leaves them to writeback.
 *
 * Return: 0.
 */
int v9fs_release(struct inode *inode, struct file *file)
{
	struct p9_fid *fid = file->private_data;

	if (S_ISREG(inode->i_mode) &&
	    (!v9fs_cached(inode, V9FS_CF_WRITE) ||
	     v9fs_cached(inode, V9FS_CF_CTO)) &&
	    mapping_tagged(inode->i_mapping, PAGECACHE_TAG_DIRTY))
		filemap_write_and_wait(inode->i_mapping);
	if (!fid)
		return 0;
	/* After the writeback: the cache records the server's new state. */
	if (S_ISREG(inode->i_mode))
		v9fs_cache_unuse(inode);
	v9fs_open_fid_del(inode, fid);
	file->private_data = NULL;
	p9_fid_put(fid);
	v9fs_tmpfile_drop(inode);
	return 0;
}

/**
 * v9fs_read_full - read until done, the end of the file, or an error
 * @fid: an open fid
 * @pos: where
 * @to: into what; advanced by what was read
 *
 * Servers may answer with less than asked (iounit): go on.
 *
 * Return: bytes read, or an error if nothing was.
 */
ssize_t v9fs_read_full(struct p9_fid *fid, loff_t pos, struct iov_iter *to)
{
	ssize_t n, done = 0;

	while (iov_iter_count(to)) {
		n = p9_client_read(fid, pos + done, to);
		if (n <= 0)
			return done ?: n;
		done += n;
	}
	return done;
}

/**
 * v9fs_write_full - write all of @from, or fail
 * @fid: an open fid
 * @pos: where
 * @from: what; advanced by what was written
 *
 * Return: bytes written, or an error if nothing was.
 */
ssize_t v9fs_write_full(struct p9_fid *fid, loff_t pos, struct iov_iter *from)
{
	ssize_t n, done = 0;

	while (iov_iter_count(from)) {
		n = p9_client_write(fid, pos + done, from);
		if (n <= 0)
			return done ?: (n ?: -EIO);
		done += n;
	}
	return done;
}

static ssize_t v9fs_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct address_space *mapping = file->f_mapping;
	size_t count = iov_iter_count(to);
	ssize_t ret;

	if (!count)
		return 0;
	if (!(iocb->ki_flags & IOCB_DIRECT) &&
	    v9fs_page_cached(file_inode(file), V9FS_CF_READ) &&
	    v9fs_fid_readable(file->private_data))
		return generic_file_read_iter(iocb, to);
	if (iocb->ki_flags & IOCB_NOWAIT)
		return -EAGAIN;
	if (mapping->nrpages) {
		ret = filemap_write_and_wait_range(mapping, iocb->ki_pos,
						   iocb->ki_pos + count - 1);
		if (ret)
			return ret;
	}
	ret = p9_client_read(file->private_data, iocb->ki_pos, to);
	if (ret > 0)
		iocb->ki_pos += ret;
	return ret;
}

/*
 * generic_write_checks(), then drop set-id bits and file capabilities
 * (security.capability) as the VFS requires of every change of the data,
 * now rather than when write-back reaches the server.  The first write
 * that finds nothing to drop sets S_NOSEC (SB_NOSEC), and later ones skip
 * the getxattr round trip until the mode or ctime changes on the server
 * (__v9fs_apply_attr()) or a security.* attribute is set here (the VFS).
 * Every write path comes here: write(2), fallocate(2)'s zeros, splice
 * and copy_file_range(2).  i_rwsem held (notify_change()).
 */
static ssize_t v9fs_write_checks(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	ssize_t ret;
	int err;

	lockdep_assert_held(&file_inode(file)->i_rwsem);
	ret = generic_write_checks(iocb, from);
	if (ret > 0) {
		err = file_remove_privs(file);
		if (err)
			return err;
	}
	return ret;
}

/* write(2) into the page cache; writeback sends it.  i_rwsem held. */
static ssize_t v9fs_cached_write(struct kiocb *iocb, struct iov_iter *from)
{
	loff_t pos;
	ssize_t ret;

	ret = v9fs_write_checks(iocb, from);
	if (ret <= 0)
		return ret;
	/*
	 * No local mtime: the server sets its own when the data arrives,
	 * and stat(2) asks for it then (v9fs_getattr() writes back first),
	 * so times come from one clock.
	 */
	v9fs_clear_fresh(file_inode(iocb->ki_filp));
	/* Some 6.1 trees advance ki_pos in there, some leave it to us. */
	pos = iocb->ki_pos;
	ret = generic_perform_write(iocb, from);
	if (ret > 0)
		iocb->ki_pos = pos + ret;
	return ret;
}

/* write(2) straight to the server.  i_rwsem held. */
static ssize_t v9fs_direct_write(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct inode *inode = file_inode(file);
	struct address_space *mapping = inode->i_mapping;
	loff_t pos, end;
	ssize_t ret;

	v9fs_clear_fresh(inode);
	if (iocb->ki_flags & IOCB_APPEND) {
		/* Append at the server's end of file, not our memory of it. */
		ret = v9fs_refresh(inode, file_dentry(file));
		if (ret)
			return ret;
	}
	ret = v9fs_write_checks(iocb, from);
	if (ret <= 0)
		return ret;

	pos = iocb->ki_pos;
	end = pos + iov_iter_count(from);
	if (mapping->nrpages) {
		ret = filemap_write_and_wait_range(mapping, pos, end - 1);
		if (ret)
			return ret;
	}
	ret = v9fs_write_full(file->private_data, pos, from);
	v9fs_data_changed(inode);
	if (ret > 0) {
		end = pos + ret;
		/* The local cache (cache=fscache) has the old data too. */
		v9fs_cache_changed(inode, FSCACHE_INVAL_DIO_WRITE);
		if (mapping->nrpages)
			invalidate_inode_pages2_range(mapping,
						      pos >> PAGE_SHIFT,
						      (end - 1) >> PAGE_SHIFT);
		spin_lock(&inode->i_lock);
		if (end > i_size_read(inode))
			v9fs_i_size_write(inode, end);
		spin_unlock(&inode->i_lock);
		iocb->ki_pos = end;
	}
	return ret;
}

/**
 * v9fs_write_locked - write(2) without the locking and the O_SYNC part
 * @iocb: the write; its file is one of ours, open for writing
 * @from: the data
 *
 * Into the page cache (write cache) or to the server; privileges are
 * dropped first.  Caller holds i_rwsem (fallocate(2) keeps it across its
 * size check and its writes).
 *
 * Return: bytes written or a negative errno.
 */
ssize_t v9fs_write_locked(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct inode *inode = file_inode(file);

	lockdep_assert_held(&inode->i_rwsem);
	if (!(iocb->ki_flags & IOCB_DIRECT) &&
	    v9fs_page_cached(inode, V9FS_CF_WRITE) &&
	    v9fs_fid_readable(file->private_data))
		return v9fs_cached_write(iocb, from);
	return v9fs_direct_write(iocb, from);
}

static ssize_t v9fs_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	ssize_t ret;

	if (iocb->ki_flags & IOCB_NOWAIT)
		return -EAGAIN;
	inode_lock(inode);
	ret = v9fs_write_locked(iocb, from);
	inode_unlock(inode);
	if (ret > 0)
		ret = generic_write_sync(iocb, ret);
	return ret;
}

static int v9fs_fsync(struct file *file, loff_t start, loff_t end,
		      int datasync)
{
	int err;

	err = file_write_and_wait_range(file, start, end);
	if (err)
		return err;
	return p9_client_fsync(file->private_data, datasync);
}

static loff_t v9fs_llseek(struct file *file, loff_t offset, int whence)
{
	int err;

	switch (whence) {
	case SEEK_END:
	case SEEK_DATA:
	case SEEK_HOLE:
		err = v9fs_refresh(file_inode(file), file_dentry(file));
		if (err)
			return err;
		break;
	}
	return generic_file_llseek(file, offset, whence);
}

/*
 * copy_file_range() within one mount.  9P has no server-side copy, so the
 * data comes to the client and goes back, but in chunks of the mount's
 * write-back size: Treads and Twrites as large as msize allows, where the
 * VFS's splice fallback moves a pipe's worth (16 pages) per call.  Each
 * chunk goes through our read_iter and write_iter, so the cache mode's
 * rules (page cache or not, sizes, privileges) hold as for read(2) and
 * write(2).  Between two mounts there is nothing better than what user
 * space does itself: EXDEV tells it to fall back.
 */
static ssize_t v9fs_copy_file_range(struct file *in, loff_t pos_in,
				    struct file *out, loff_t pos_out,
				    size_t len, unsigned int flags)
{
	struct kiocb kin, kout;
	ssize_t n, w, done = 0;
	struct iov_iter it;
	struct kvec kv;
	size_t bufsz;
	void *buf;

	if (file_inode(in)->i_sb != file_inode(out)->i_sb)
		return -EXDEV;
	len = min_t(size_t, len, MAX_RW_COUNT);
	bufsz = min_t(size_t, len, V9SB(file_inode(out)->i_sb)->wsize);
	buf = kvmalloc(bufsz, GFP_KERNEL);
	if (!buf) {
		/* Slower, but no reason to fail the copy. */
		bufsz = min_t(size_t, len, PAGE_SIZE);
		buf = kmalloc(bufsz, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}
	init_sync_kiocb(&kin, in);
	kin.ki_pos = pos_in;
	init_sync_kiocb(&kout, out);
	kout.ki_pos = pos_out;
	while (done < len) {
		kv.iov_base = buf;
		kv.iov_len = min_t(size_t, bufsz, len - done);
		iov_iter_kvec(&it, ITER_DEST, &kv, 1, kv.iov_len);
		n = v9fs_read_iter(&kin, &it);
		if (n <= 0) {		/* end of file, or an error */
			if (!done)
				done = n;
			break;
		}
		kv.iov_len = n;
		iov_iter_kvec(&it, ITER_SOURCE, &kv, 1, n);
		w = v9fs_write_iter(&kout, &it);
		if (w <= 0) {
			if (!done)
				done = w ?: -EIO;
			break;
		}
		done += w;
		if (w < n || fatal_signal_pending(current))
			break;
		cond_resched();
	}
	kvfree(buf);
	return done;
}

/* ---- mmap ---- */

static void v9fs_vm_close(struct vm_area_struct *vma)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	loff_t start = (loff_t)vma->vm_pgoff << PAGE_SHIFT;

	if ((vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_MAYWRITE))
		filemap_write_and_wait_range(mapping, start, start +
					     (vma->vm_end - vma->vm_start) - 1);
}

/*
 * A page being copied to the local cache (PG_fscache) is not written to;
 * nor is any while a truncation holds the invalidate lock (v9fs_setattr()
 * keeps the pages it cuts off from write-back until they are gone).
 */
static vm_fault_t v9fs_page_mkwrite(struct vm_fault *vmf)
{
	struct address_space *mapping = vmf->vma->vm_file->f_mapping;
	vm_fault_t ret;

	folio_wait_fscache(page_folio(vmf->page));
	filemap_invalidate_lock_shared(mapping);
	ret = filemap_page_mkwrite(vmf);
	filemap_invalidate_unlock_shared(mapping);
	return ret;
}

static const struct vm_operations_struct v9fs_vm_ops = {
	.fault		= filemap_fault,
	.map_pages	= filemap_map_pages,
	.page_mkwrite	= v9fs_page_mkwrite,
	.close		= v9fs_vm_close,
};

static int v9fs_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct inode *inode = file_inode(file);

	if ((vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_MAYWRITE))
		v9fs_set_wb_fid(inode, file->private_data);
	file_accessed(file);
	vma->vm_ops = &v9fs_vm_ops;
	return 0;
}

/* ---- locks ---- */

/* Locks may be released at exit, after the task lost its namespaces. */
static struct p9_str v9fs_client_id(struct file *file)
{
	const char *node = V9SB(file_inode(file)->i_sb)->nodename;
	struct p9_str s = { .s = node, .len = strlen(node) };

	return s;
}

/* Ask the server for a lock through @fid (an open fid of @file's inode);
 * poll while it is blocked (F_SETLKW).
 */
static int v9fs_server_lock(struct file *file, struct p9_fid *fid, int cmd,
			    struct file_lock *fl)
{
	struct v9fs_sb *v9s = V9SB(file_inode(file)->i_sb);
	unsigned long delay = max(HZ / 100, 1);
	struct p9_flock pl = {};
	u8 status;
	int err;

	switch (v9fs_fl_type(fl)) {
	case F_RDLCK:
		pl.type = P9_LOCK_TYPE_RDLCK;
		break;
	case F_WRLCK:
		pl.type = P9_LOCK_TYPE_WRLCK;
		break;
	default:
		pl.type = P9_LOCK_TYPE_UNLCK;
		break;
	}
	if (IS_SETLKW(cmd) && pl.type != P9_LOCK_TYPE_UNLCK)
		pl.flags = P9_LOCK_FLAGS_BLOCK;
	pl.start = fl->fl_start;
	pl.length = fl->fl_end == OFFSET_MAX ? 0 :
		    fl->fl_end - fl->fl_start + 1;
	pl.proc_id = v9fs_fl_pid(fl);
	pl.client_id = v9fs_client_id(file);

	for (;;) {
		err = p9_client_lock(fid, &pl, &status);
		if (err)
			return err;
		switch (status) {
		case P9_LOCK_SUCCESS:
			return 0;
		case P9_LOCK_BLOCKED:
		case P9_LOCK_GRACE:
			break;
		default:
			return -ENOLCK;
		}
		if (!(pl.flags & P9_LOCK_FLAGS_BLOCK))
			return -EAGAIN;
		if (schedule_timeout_interruptible(delay) ||
		    signal_pending(current))
			return -ERESTARTSYS;
		delay = min(delay * 2, READ_ONCE(v9s->o.locktimeout));
	}
}

#define V9FS_UNLOCK_FIDS	4

/*
 * The fids an unlock of the POSIX lock @fl must go through: those of the
 * files through which its owner's overlapping locks were taken (the
 * local lock table records them).  A server may tie a lock to the open fid it came through
 * and ignore proc_id (diod: flock(2) on the fid's file), so an unlock
 * through another fid (close(2) of another descriptor of the file) left
 * the lock held there, and an unlock for an owner that holds nothing
 * (a forked child closing an inherited descriptor at exit: the VFS asks
 * every closer to unlock) dropped the lock of the process that held it.
 * An owner without a local lock in the range has none on the server
 * either (the local lock is taken first and dropped if the server
 * refuses), so nothing is sent for it.
 *
 * Return: the number of fids stored in @fids (references taken), or
 * -E2BIG if there are more than V9FS_UNLOCK_FIDS (none kept).
 */
static int v9fs_unlock_fids(struct file *file, const struct file_lock *fl,
			    struct p9_fid **fids)
{
	struct file_lock_context *ctx = locks_inode_context(file_inode(file));
	struct file_lock *l;
	struct p9_fid *fid;
	int n = 0, i;

	if (!ctx)
		return 0;
	/* flc_lock keeps each lock, and so its file and fid, alive */
	spin_lock(&ctx->flc_lock);
	list_for_each_entry(l, &ctx->flc_posix, V9FS_FL_LIST) {
		if (v9fs_fl_owner(l) != v9fs_fl_owner(fl) || l->fl_end < fl->fl_start ||
		    l->fl_start > fl->fl_end || !v9fs_fl_file(l))
			continue;
		fid = v9fs_fl_file(l)->private_data;
		if (!fid)
			continue;
		for (i = 0; i < n && fids[i] != fid; i++)
			;
		if (i < n)
			continue;
		if (n == V9FS_UNLOCK_FIDS) {
			n = -E2BIG;
			break;
		}
		fids[n++] = p9_fid_get(fid);
	}
	spin_unlock(&ctx->flc_lock);
	if (n < 0)
		for (i = 0; i < V9FS_UNLOCK_FIDS; i++)
			p9_fid_put(fids[i]);
	return n;
}

/* A POSIX lock its owner held before a request changed it. */
struct v9fs_held_lock {
	unsigned char type;
	unsigned int pid;
	loff_t start, end;
};

static int v9fs_held_cmp(const void *a, const void *b)
{
	const struct v9fs_held_lock *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * The POSIX locks of @fl's owner that overlap @fl's range, by start,
 * taken before @fl is applied locally: an upgrade replaces them and a
 * lock of the same type merges with them, so the local undo of a request
 * the server refuses must put them back.
 *
 * Return: how many there are, in *@held (kmalloc'ed; NULL for none), or
 * -ENOMEM.
 */
static int v9fs_held_locks(struct file *file, const struct file_lock *fl,
			   struct v9fs_held_lock **held)
{
	struct file_lock_context *ctx = locks_inode_context(file_inode(file));
	struct v9fs_held_lock *h = NULL;
	struct file_lock *l;
	int n, max = 0;

	*held = NULL;
	if (!ctx)
		return 0;
	for (;;) {
		n = 0;
		spin_lock(&ctx->flc_lock);
		list_for_each_entry(l, &ctx->flc_posix, V9FS_FL_LIST) {
			if (v9fs_fl_owner(l) != v9fs_fl_owner(fl) ||
			    l->fl_end < fl->fl_start || l->fl_start > fl->fl_end)
				continue;
			if (n < max) {
				h[n].type = v9fs_fl_type(l);
				h[n].pid = v9fs_fl_pid(l);
				h[n].start = l->fl_start;
				h[n].end = l->fl_end;
			}
			n++;
		}
		spin_unlock(&ctx->flc_lock);
		/* Only the owner itself (another thread) adds to them. */
		if (n <= max)
			break;
		kfree(h);
		h = kmalloc_array(n, sizeof(*h), GFP_KERNEL);
		if (!h)
			return -ENOMEM;
		max = n;
	}
	if (!n) {
		kfree(h);
		h = NULL;
	}
	/* Their owner's locks never overlap: by start is in order. */
	sort(h, n, sizeof(*h), v9fs_held_cmp, NULL);
	*held = h;
	return n;
}

/* Apply @type over [@start, @end] locally for @fl's owner, at once. */
static void v9fs_local_relock(struct file *file, const struct file_lock *fl,
			      struct file_lock *l, unsigned char type,
			      unsigned int pid, loff_t start, loff_t end)
{
	locks_init_lock(l);
	v9fs_fl_owner(l) = v9fs_fl_owner(fl);
	v9fs_fl_pid(l) = pid;
	v9fs_fl_flags(l) = v9fs_fl_flags(fl) & ~FL_SLEEP;
	v9fs_fl_file(l) = file;
	v9fs_fl_type(l) = type;
	l->fl_start = start;
	l->fl_end = end;
	locks_lock_file_wait(file, l);
}

/*
 * The server refused the POSIX lock @fl that is already taken locally:
 * give its owner back exactly the locks @held it had in the range.  They
 * go back first, over the new lock (a downgrade or the same lock again,
 * which nobody else can conflict with: the range is ours now), then the
 * rest of the range is unlocked, so no other process can get in between.
 * The server is asked for them again too: one that keeps POSIX locks
 * still has them (nothing changes), one that keeps them as flock(2) of
 * its descriptor (diod) lost them in the failed conversion.  If someone
 * took the file there meanwhile, that cannot be undone from here.
 */
static void v9fs_undo_lock(struct file *file, struct file_lock *fl,
			   const struct v9fs_held_lock *held, int n)
{
	struct file_lock l;
	loff_t pos = fl->fl_start;
	int i;

	for (i = 0; i < n; i++) {
		v9fs_local_relock(file, fl, &l, held[i].type, held[i].pid,
				  held[i].start, held[i].end);
		v9fs_server_lock(file, file->private_data, F_SETLK, &l);
	}
	for (i = 0; i < n && pos <= fl->fl_end; i++) {
		if (held[i].start > pos)
			v9fs_local_relock(file, fl, &l, F_UNLCK,
					  v9fs_fl_pid(fl), pos,
					  held[i].start - 1);
		if (held[i].end >= fl->fl_end)
			return;
		pos = max(pos, held[i].end + 1);
	}
	if (pos <= fl->fl_end)
		v9fs_local_relock(file, fl, &l, F_UNLCK, v9fs_fl_pid(fl),
				  pos, fl->fl_end);
}

/*
 * Locks are taken locally first (that orders the guest's own processes
 * and lets close(2) find them), then on the server; a request the server
 * refuses is undone locally, POSIX ones to exactly the locks the owner
 * held before (v9fs_undo_lock()).  A dialect without locks keeps the
 * local lock only.  POSIX unlocks go to the server through the fids the
 * owner's locks were taken through (v9fs_unlock_fids()); an flock(2)
 * lock belongs to its file, so its unlock goes through that file's fid,
 * always: a failed conversion (LOCK_SH to LOCK_EX) drops the old lock
 * locally without telling us, and the server's copy must go too (so a
 * conversion the server refuses drops the old lock, as a local failed
 * conversion does).
 */
static int v9fs_setlock(struct file *file, int cmd, struct file_lock *fl)
{
	unsigned char type = v9fs_fl_type(fl);
	struct p9_fid *fids[V9FS_UNLOCK_FIDS];
	struct v9fs_held_lock *held = NULL;
	int err, n, i, nheld = 0;

	if (type == F_UNLCK) {
		n = (v9fs_fl_flags(fl) & FL_POSIX) ? v9fs_unlock_fids(file, fl, fids)
					      : -E2BIG;
		err = locks_lock_file_wait(file, fl);
		if (n < 0)
			v9fs_server_lock(file, file->private_data, cmd, fl);
		for (i = 0; i < n; i++) {
			v9fs_server_lock(file, fids[i], cmd, fl);
			p9_fid_put(fids[i]);
		}
		return err;
	}
	if (v9fs_fl_flags(fl) & FL_POSIX) {
		nheld = v9fs_held_locks(file, fl, &held);
		if (nheld < 0)
			return nheld;
	}
	err = locks_lock_file_wait(file, fl);
	if (err && (v9fs_fl_flags(fl) & FL_FLOCK)) {
		/* a failed conversion left no lock of this file here */
		v9fs_fl_type(fl) = F_UNLCK;
		v9fs_server_lock(file, file->private_data, F_SETLK, fl);
		v9fs_fl_type(fl) = type;
	}
	if (err)
		goto out;
	err = v9fs_server_lock(file, file->private_data, cmd, fl);
	if (err == -EOPNOTSUPP) {
		err = 0;
	} else if (err && (v9fs_fl_flags(fl) & FL_POSIX)) {
		v9fs_undo_lock(file, fl, held, nheld);
	} else if (err) {
		v9fs_fl_type(fl) = F_UNLCK;
		locks_lock_file_wait(file, fl);
		v9fs_fl_type(fl) = type;
	}
out:
	kfree(held);
	return err;
}

/* F_GETLK: a conflicting lock here, else on the server. */
static int v9fs_getlock(struct file *file, struct file_lock *fl)
{
	unsigned char want = v9fs_fl_type(fl);
	struct p9_getlock gl = {};
	int err;

	posix_test_lock(file, fl);
	if (v9fs_fl_type(fl) != F_UNLCK)
		return 0;

	gl.type = want == F_RDLCK ? P9_LOCK_TYPE_RDLCK : P9_LOCK_TYPE_WRLCK;
	gl.start = fl->fl_start;
	gl.length = fl->fl_end == OFFSET_MAX ? 0 :
		    fl->fl_end - fl->fl_start + 1;
	gl.proc_id = v9fs_fl_pid(fl);
	gl.client_id = v9fs_client_id(file);
	err = p9_client_getlock(file->private_data, &gl);
	if (err == -EOPNOTSUPP)
		return 0;
	if (err)
		return err;
	switch (gl.type) {
	case P9_LOCK_TYPE_RDLCK:
		v9fs_fl_type(fl) = F_RDLCK;
		break;
	case P9_LOCK_TYPE_WRLCK:
		v9fs_fl_type(fl) = F_WRLCK;
		break;
	default:
		v9fs_fl_type(fl) = F_UNLCK;
		return 0;
	}
	if (gl.start > OFFSET_MAX)
		return -EIO;
	fl->fl_start = gl.start;
	fl->fl_end = (gl.length && gl.length <= OFFSET_MAX - gl.start) ?
		     gl.start + gl.length - 1 : OFFSET_MAX;
	v9fs_fl_pid(fl) = -1;	/* held by someone else, maybe elsewhere */
	return 0;
}

static int v9fs_lock(struct file *file, int cmd, struct file_lock *fl)
{
	if (!(v9fs_fl_flags(fl) & FL_POSIX))
		return -ENOLCK;
	if (IS_GETLK(cmd))
		return v9fs_getlock(file, fl);
	return v9fs_setlock(file, cmd, fl);
}

static int v9fs_flock(struct file *file, int cmd, struct file_lock *fl)
{
	if (!(v9fs_fl_flags(fl) & FL_FLOCK))
		return -ENOLCK;
	/* 9P knows byte ranges only: flock locks the whole file. */
	return v9fs_setlock(file, cmd, fl);
}

const struct file_operations v9fs_file_fops = {
	.open		= v9fs_open,
	.flush		= v9fs_flush,
	.release	= v9fs_release,
	.llseek		= v9fs_llseek,
	.read_iter	= v9fs_read_iter,
	.write_iter	= v9fs_write_iter,
	.fsync		= v9fs_fsync,
	.mmap		= v9fs_mmap,
	.splice_read	= v9fs_splice_read,
	.splice_write	= iter_file_splice_write,
	.lock		= v9fs_lock,
	.flock		= v9fs_flock,
	.fallocate	= v9fs_fallocate,
	.copy_file_range = v9fs_copy_file_range,
	/* Nothing on the server would break a lease. */
	.setlease	= simple_nosetlease,
};
