// SPDX-License-Identifier: GPL-2.0-only
/*
 * v9fs-ng: open files: data, mmap, sync and locks.
 *
 * read(2) and write(2) go straight to the server on the open file's fid,
 * in every cache mode.  The page cache holds only what mappings use:
 * read_folio fills it through a fid, and dirty pages of shared writable
 * mappings are written back through v9fs_inode.wb_fid, a writable fid
 * taken at mmap time and kept until the inode is evicted, so writeback
 * after close(2) and munmap(2) still has a way to the file.  To keep
 * mappings coherent with read/write, a direct read first writes back
 * dirty pages in its range, and a direct write writes them back before and
 * invalidates the range after.
 */
#define pr_fmt(fmt) "9p: " fmt

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
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
	return 0;
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
	v9fs_clear_fresh(inode);
	fid = v9fs_dentry_fid(file_dentry(file));
	if (IS_ERR(fid))
		return PTR_ERR(fid);
	ofid = p9_client_walk(fid, 0, NULL);
	if (!IS_ERR(ofid))
		ofid->uid = fid->uid;
	p9_fid_put(fid);
	if (IS_ERR(ofid))
		return PTR_ERR(ofid);
	err = p9_client_open(ofid, v9fs_open_flags(file->f_flags));
	if (err) {
		p9_fid_put(ofid);
		return err;
	}
	return v9fs_finish_open_fid(inode, file, ofid);
}

/**
 * v9fs_release - file_operations.release: write back, then put the fid
 * @inode: the inode
 * @file: the file being closed
 *
 * Return: 0.
 */
int v9fs_release(struct inode *inode, struct file *file)
{
	struct p9_fid *fid = file->private_data;

	if (S_ISREG(inode->i_mode) &&
	    mapping_tagged(inode->i_mapping, PAGECACHE_TAG_DIRTY))
		filemap_write_and_wait(inode->i_mapping);
	if (!fid)
		return 0;
	v9fs_open_fid_del(inode, fid);
	file->private_data = NULL;
	p9_fid_put(fid);
	return 0;
}

/*
 * Servers may answer with less than asked (iounit): go on until all is
 * done, the end of file, or an error.  Returns what was moved, or an
 * error if nothing was.
 */
static ssize_t v9fs_read_full(struct p9_fid *fid, loff_t pos,
			      struct iov_iter *to)
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

static ssize_t v9fs_write_full(struct p9_fid *fid, loff_t pos,
			       struct iov_iter *from)
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

static ssize_t v9fs_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct inode *inode = file_inode(file);
	struct address_space *mapping = inode->i_mapping;
	loff_t pos, end;
	ssize_t ret;

	if (iocb->ki_flags & IOCB_NOWAIT)
		return -EAGAIN;
	inode_lock(inode);
	v9fs_clear_fresh(inode);
	if (iocb->ki_flags & IOCB_APPEND) {
		/* Append at the server's end of file, not our memory of it. */
		ret = v9fs_refresh(inode, file_dentry(file));
		if (ret)
			goto out;
	}
	ret = generic_write_checks(iocb, from);
	if (ret <= 0)
		goto out;
	/*
	 * Only set-id bits are dropped here: asking for security.capability
	 * on every write would cost a server round trip each time.
	 */
	if (inode->i_mode & (S_ISUID | S_ISGID)) {
		ret = file_remove_privs(file);
		if (ret)
			goto out;
	}

	pos = iocb->ki_pos;
	end = pos + iov_iter_count(from);
	if (mapping->nrpages) {
		ret = filemap_write_and_wait_range(mapping, pos, end - 1);
		if (ret)
			goto out;
	}
	ret = v9fs_write_full(file->private_data, pos, from);
	if (ret > 0) {
		end = pos + ret;
		if (mapping->nrpages)
			invalidate_inode_pages2_range(mapping,
						      pos >> PAGE_SHIFT,
						      (end - 1) >> PAGE_SHIFT);
		if (end > i_size_read(inode))
			i_size_write(inode, end);
		iocb->ki_pos = end;
	}
out:
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

/* ---- mmap ---- */

static struct p9_fid *v9fs_wb_fid(struct inode *inode)
{
	struct v9fs_inode *v9i = V9I(inode);
	struct p9_fid *fid = NULL;

	spin_lock(&v9i->lock);
	if (v9i->wb_fid)
		fid = p9_fid_get(v9i->wb_fid);
	spin_unlock(&v9i->lock);
	return fid;
}

static void v9fs_vm_close(struct vm_area_struct *vma)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	loff_t start = (loff_t)vma->vm_pgoff << PAGE_SHIFT;

	if ((vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_MAYWRITE))
		filemap_write_and_wait_range(mapping, start, start +
					     (vma->vm_end - vma->vm_start) - 1);
}

static const struct vm_operations_struct v9fs_vm_ops = {
	.fault		= filemap_fault,
	.map_pages	= filemap_map_pages,
	.page_mkwrite	= filemap_page_mkwrite,
	.close		= v9fs_vm_close,
};

static int v9fs_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct inode *inode = file_inode(file);
	struct v9fs_inode *v9i = V9I(inode);

	if ((vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_MAYWRITE)) {
		spin_lock(&v9i->lock);
		if (!v9i->wb_fid)
			v9i->wb_fid = p9_fid_get(file->private_data);
		spin_unlock(&v9i->lock);
	}
	file_accessed(file);
	vma->vm_ops = &v9fs_vm_ops;
	return 0;
}

static void v9fs_folio_bvec(struct bio_vec *bv, struct folio *folio,
			    size_t len)
{
	bv->bv_page = &folio->page;
	bv->bv_len = len;
	bv->bv_offset = 0;
}

static int v9fs_read_folio(struct file *file, struct folio *folio)
{
	struct inode *inode = folio->mapping->host;
	size_t len = folio_size(folio);
	struct bio_vec bv;
	struct iov_iter iter;
	struct p9_fid *fid;
	ssize_t n;

	if (file && file->private_data)
		fid = p9_fid_get(file->private_data);
	else
		fid = v9fs_attr_fid(inode, NULL);
	if (IS_ERR(fid)) {
		n = PTR_ERR(fid);
		goto out;
	}
	v9fs_folio_bvec(&bv, folio, len);
	iov_iter_bvec(&iter, ITER_DEST, &bv, 1, len);
	n = v9fs_read_full(fid, folio_pos(folio), &iter);
	p9_fid_put(fid);
	if (n >= 0) {
		if (n < len)
			folio_zero_segment(folio, n, len);
		folio_mark_uptodate(folio);
		n = 0;
	}
out:
	folio_unlock(folio);
	return n;
}

static int v9fs_write_folio(struct page *page, struct writeback_control *wbc,
			    void *data)
{
	struct folio *folio = page_folio(page);
	struct address_space *mapping = folio->mapping;
	struct inode *inode = mapping->host;
	loff_t pos = folio_pos(folio);
	loff_t size = i_size_read(inode);
	struct iov_iter iter;
	struct p9_fid *fid;
	struct bio_vec bv;
	size_t len;
	ssize_t n;
	int err = 0;

	if (pos >= size) {
		/* Truncated meanwhile: nothing left to write. */
		folio_unlock(folio);
		return 0;
	}
	len = min_t(loff_t, folio_size(folio), size - pos);
	fid = v9fs_wb_fid(inode);
	if (!fid) {
		folio_redirty_for_writepage(wbc, folio);
		folio_unlock(folio);
		return -EBADF;
	}
	folio_start_writeback(folio);
	folio_unlock(folio);

	v9fs_folio_bvec(&bv, folio, len);
	iov_iter_bvec(&iter, ITER_SOURCE, &bv, 1, len);
	n = v9fs_write_full(fid, pos, &iter);
	p9_fid_put(fid);
	if (n != len) {
		err = n < 0 ? n : -EIO;
		mapping_set_error(mapping, err);
	}
	folio_end_writeback(folio);
	return err;
}

static int v9fs_writepage(struct page *page, struct writeback_control *wbc)
{
	return v9fs_write_folio(page, wbc, NULL);
}

static int v9fs_writepages(struct address_space *mapping,
			   struct writeback_control *wbc)
{
	return write_cache_pages(mapping, wbc, v9fs_write_folio, NULL);
}

const struct address_space_operations v9fs_aops = {
	.read_folio	= v9fs_read_folio,
	.writepage	= v9fs_writepage,
	.writepages	= v9fs_writepages,
	.dirty_folio	= filemap_dirty_folio,
	.direct_IO	= noop_direct_IO,
};

/* ---- locks ---- */

/* Locks may be released at exit, after the task lost its namespaces. */
static struct p9_str v9fs_client_id(struct file *file)
{
	const char *node = V9SB(file_inode(file)->i_sb)->nodename;
	struct p9_str s = { .s = node, .len = strlen(node) };

	return s;
}

/* Ask the server for a lock; poll while it is blocked (F_SETLKW). */
static int v9fs_server_lock(struct file *file, int cmd, struct file_lock *fl)
{
	struct v9fs_sb *v9s = V9SB(file_inode(file)->i_sb);
	unsigned long delay = max(HZ / 100, 1);
	struct p9_flock pl = {};
	u8 status;
	int err;

	switch (fl->fl_type) {
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
	pl.proc_id = fl->fl_pid;
	pl.client_id = v9fs_client_id(file);

	for (;;) {
		err = p9_client_lock(file->private_data, &pl, &status);
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

/*
 * Locks are taken locally first (that orders the guest's own processes
 * and lets close(2) find them), then on the server.  A dialect without
 * locks keeps the local lock only.
 */
static int v9fs_setlock(struct file *file, int cmd, struct file_lock *fl)
{
	unsigned char type = fl->fl_type;
	int err;

	if (type == F_UNLCK) {
		err = locks_lock_file_wait(file, fl);
		v9fs_server_lock(file, cmd, fl);
		return err;
	}
	err = locks_lock_file_wait(file, fl);
	if (err)
		return err;
	err = v9fs_server_lock(file, cmd, fl);
	if (err == -EOPNOTSUPP)
		return 0;
	if (err) {
		fl->fl_type = F_UNLCK;
		locks_lock_file_wait(file, fl);
		fl->fl_type = type;
	}
	return err;
}

/* F_GETLK: a conflicting lock here, else on the server. */
static int v9fs_getlock(struct file *file, struct file_lock *fl)
{
	unsigned char want = fl->fl_type;
	struct p9_getlock gl = {};
	int err;

	posix_test_lock(file, fl);
	if (fl->fl_type != F_UNLCK)
		return 0;

	gl.type = want == F_RDLCK ? P9_LOCK_TYPE_RDLCK : P9_LOCK_TYPE_WRLCK;
	gl.start = fl->fl_start;
	gl.length = fl->fl_end == OFFSET_MAX ? 0 :
		    fl->fl_end - fl->fl_start + 1;
	gl.proc_id = fl->fl_pid;
	gl.client_id = v9fs_client_id(file);
	err = p9_client_getlock(file->private_data, &gl);
	if (err == -EOPNOTSUPP)
		return 0;
	if (err)
		return err;
	switch (gl.type) {
	case P9_LOCK_TYPE_RDLCK:
		fl->fl_type = F_RDLCK;
		break;
	case P9_LOCK_TYPE_WRLCK:
		fl->fl_type = F_WRLCK;
		break;
	default:
		fl->fl_type = F_UNLCK;
		return 0;
	}
	if (gl.start > OFFSET_MAX)
		return -EIO;
	fl->fl_start = gl.start;
	fl->fl_end = (gl.length && gl.length <= OFFSET_MAX - gl.start) ?
		     gl.start + gl.length - 1 : OFFSET_MAX;
	fl->fl_pid = -1;	/* held by someone else, maybe elsewhere */
	return 0;
}

static int v9fs_lock(struct file *file, int cmd, struct file_lock *fl)
{
	if (!(fl->fl_flags & FL_POSIX))
		return -ENOLCK;
	if (IS_GETLK(cmd))
		return v9fs_getlock(file, fl);
	return v9fs_setlock(file, cmd, fl);
}

static int v9fs_flock(struct file *file, int cmd, struct file_lock *fl)
{
	if (!(fl->fl_flags & FL_FLOCK))
		return -ENOLCK;
	/* 9P knows byte ranges only: flock locks the whole file. */
	return v9fs_setlock(file, cmd, fl);
}

const struct file_operations v9fs_file_fops = {
	.open		= v9fs_open,
	.release	= v9fs_release,
	.llseek		= v9fs_llseek,
	.read_iter	= v9fs_read_iter,
	.write_iter	= v9fs_write_iter,
	.fsync		= v9fs_fsync,
	.mmap		= v9fs_mmap,
	.splice_read	= generic_file_splice_read,
	.splice_write	= iter_file_splice_write,
	.lock		= v9fs_lock,
	.flock		= v9fs_flock,
	.fallocate	= v9fs_fallocate,
};
