// SPDX-License-Identifier: GPL-2.0-only
/*
 * v9fs-ng: the page cache: reads through netfs, buffered writes and
 * writeback.
 *
 * Reads (read_folio, readahead, and the read before a partial write) go
 * through the kernel's netfs helpers, which hand us subrequests; each one
 * becomes a run of Treads into the page cache on a work queue, so a
 * readahead window is fetched while the reader consumes the one before.
 *
 * Writeback gathers runs of contiguous dirty folios, up to v9fs_sb.wsize
 * bytes, and sends each run as one stream of Twrites (several in flight,
 * zero copy from the folios) on v9fs_inode.wb_fid.
 *
 * With cache=fscache (fs/9p/cache.c) netfs also reads from the local cache
 * and copies what it fetched from the server there; writeback copies what
 * it sent to the server there too.  A folio being copied to the cache is
 * marked PG_fscache until the copy is done: it must not be released,
 * invalidated or written to meanwhile, so those paths wait for it.
 *
 * Fids: a read request holds a reference to a readable open fid (the
 * file's own, or another open file's of the same inode) from init_request
 * to free_request.  Writeback takes a reference to wb_fid for each run.
 */
#define pr_fmt(fmt) "9p: " fmt

#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/fscache.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/netfs.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/uio.h>
#include <linux/workqueue.h>
#include <linux/writeback.h>
#include "v9fs.h"

static struct workqueue_struct *v9fs_read_wq;

/**
 * v9fs_fid_readable - may Tread be sent on this open fid?
 * @fid: an open fid, or NULL
 *
 * Return: true if @fid was opened for reading.
 */
bool v9fs_fid_readable(const struct p9_fid *fid)
{
	return fid && fid->open_flags >= 0 &&
	       (fid->open_flags & O_ACCMODE) != O_WRONLY;
}

/* A readable open fid of @inode (new reference), or NULL. */
static struct p9_fid *v9fs_read_fid(struct inode *inode)
{
	struct v9fs_inode *v9i = V9I(inode);
	struct p9_fid *fid, *found = NULL;

	spin_lock(&v9i->lock);
	hlist_for_each_entry(fid, &v9i->open_fids, fs_link) {
		if (v9fs_fid_readable(fid)) {
			found = p9_fid_get(fid);
			break;
		}
	}
	if (!found && v9fs_fid_readable(v9i->wb_fid))
		found = p9_fid_get(v9i->wb_fid);
	spin_unlock(&v9i->lock);
	return found;
}

#if V9FS_NETFS_READ
static int v9fs_init_request(struct netfs_io_request *rreq, struct file *file)
{
	struct p9_fid *fid = NULL;

	if (file && v9fs_fid_readable(file->private_data))
		fid = p9_fid_get(file->private_data);
	else
		fid = v9fs_read_fid(rreq->inode);
	if (!fid)
		return -EBADF;
	rreq->netfs_priv = fid;
	return 0;
}

static void v9fs_free_request(struct netfs_io_request *rreq)
{
	if (rreq->netfs_priv)
		p9_fid_put(rreq->netfs_priv);
}

static void v9fs_do_read(struct netfs_io_subrequest *subreq)
{
	struct netfs_io_request *rreq = subreq->rreq;
	loff_t pos = subreq->start + subreq->transferred;
	size_t len = subreq->len - subreq->transferred;
	struct iov_iter to;
	ssize_t n;

	iov_iter_xarray(&to, ITER_DEST, &rreq->mapping->i_pages, pos, len);
	n = v9fs_read_full(rreq->netfs_priv, pos, &to);
	/* A short read is the end of the file: netfs zeroes the rest. */
	if (n >= 0)
		__set_bit(NETFS_SREQ_CLEAR_TAIL, &subreq->flags);
	netfs_subreq_terminated(subreq, n, false);
}

struct v9fs_read_work {
	struct work_struct work;
	struct netfs_io_subrequest *subreq;
};

static void v9fs_read_worker(struct work_struct *work)
{
	struct v9fs_read_work *rw = container_of(work, struct v9fs_read_work,
						 work);

	v9fs_do_read(rw->subreq);
	kfree(rw);
}

static void v9fs_issue_read(struct netfs_io_subrequest *subreq)
{
	struct v9fs_read_work *rw;

	/*
	 * Synchronous reads (read_folio, write_begin) just wait anyway, and
	 * so does a reader whose readahead is a single piece (random reads,
	 * small files): a trip through the work queue only adds latency.
	 * A window of several pieces is fetched in parallel.
	 */
	if (subreq->rreq->origin == NETFS_READAHEAD &&
	    subreq->len < subreq->rreq->len) {
		rw = kmalloc(sizeof(*rw), GFP_NOFS);
		if (rw) {
			INIT_WORK(&rw->work, v9fs_read_worker);
			rw->subreq = subreq;
			queue_work(v9fs_read_wq, &rw->work);
			return;
		}
	}
	v9fs_do_read(subreq);
}

static const struct netfs_request_ops v9fs_netfs_ops = {
	.init_request	= v9fs_init_request,
	.free_request	= v9fs_free_request,
	.issue_read	= v9fs_issue_read,
#if V9FS_FSCACHE
	.begin_cache_operation = v9fs_begin_cache_operation,
#endif
};

/**
 * v9fs_netfs_init - set up the netfs context of a new inode
 * @inode: the inode, its size already set
 */
void v9fs_netfs_init(struct inode *inode)
{
	v9fs_netfs_inode_init(&V9I(inode)->netfs, &v9fs_netfs_ops);
}

static int v9fs_write_begin(struct file *file, struct address_space *mapping,
			    loff_t pos, unsigned int len, V9FS_WB_UNIT **pagep,
			    void **fsdata)
{
	struct folio *folio;
	int err;

	err = netfs_write_begin(&V9I(mapping->host)->netfs, file, mapping,
				pos, len, &folio, fsdata);
	if (err < 0)
		return err;
	*pagep = v9fs_wb_unit_of(folio, pos);
	return 0;
}

#else /* !V9FS_NETFS_READ */

/*
 * Without the netfs read helpers (6.12, fs/9p/compat.h): a read is one
 * stream of Treads (v9fs_read_full(), several in flight) straight into
 * the locked folios of the page cache; what lies past the end of the
 * file is zeroed.
 */

/* A fid to read @inode through for @file (new reference), or NULL. */
static struct p9_fid *v9fs_file_read_fid(struct file *file,
					 struct inode *inode)
{
	if (file && v9fs_fid_readable(file->private_data))
		return p9_fid_get(file->private_data);
	return v9fs_read_fid(inode);
}

/*
 * Read [@pos, @pos + @len) of @mapping into its locked folios.
 * Return: the bytes read (short at the end of the file) or an errno.
 */
static ssize_t v9fs_read_range(struct file *file,
			       struct address_space *mapping, loff_t pos,
			       size_t len)
{
	struct p9_fid *fid = v9fs_file_read_fid(file, mapping->host);
	struct iov_iter to;
	ssize_t n;

	if (!fid)
		return -EBADF;
	iov_iter_xarray(&to, ITER_DEST, &mapping->i_pages, pos, len);
	n = v9fs_read_full(fid, pos, &to);
	p9_fid_put(fid);
	return n;
}

/* Make a locked folio of which @got bytes were read up to date. */
static int v9fs_read_done(struct folio *folio, ssize_t got)
{
	if (got < 0)
		return got;
	if (got < folio_size(folio))
		folio_zero_segment(folio, got, folio_size(folio));
	folio_mark_uptodate(folio);
	return 0;
}

static int v9fs_read_folio(struct file *file, struct folio *folio)
{
	ssize_t n = v9fs_read_range(file, folio->mapping, folio_pos(folio),
				    folio_size(folio));
	int err = v9fs_read_done(folio, n);

	folio_unlock(folio);
	return err;
}

static void v9fs_readahead(struct readahead_control *ractl)
{
	loff_t pos = readahead_pos(ractl);
	ssize_t n = v9fs_read_range(ractl->file, ractl->mapping, pos,
				    readahead_length(ractl));
	struct folio *folio;

	/* A folio not read stays !uptodate: read_folio tries it again. */
	while ((folio = readahead_folio(ractl))) {
		loff_t off = folio_pos(folio) - pos;

		if (n >= 0)
			v9fs_read_done(folio, clamp_t(loff_t, n - off, 0,
						      folio_size(folio)));
		folio_unlock(folio);
	}
}

/**
 * v9fs_netfs_init - set up the netfs context of a new inode
 * @inode: the inode, its size already set
 *
 * Only the context's fields are used here (no netfs request is made).
 */
void v9fs_netfs_init(struct inode *inode)
{
	v9fs_netfs_inode_init(&V9I(inode)->netfs, NULL);
}

/* ---- buffered writes ---- */

static int v9fs_write_begin(struct file *file, struct address_space *mapping,
			    loff_t pos, unsigned int len,
			    V9FS_WB_UNIT **unitp, void **fsdata)
{
	struct folio *folio;
	loff_t fpos;
	ssize_t n;
	int err;

	folio = __filemap_get_folio(mapping, pos >> PAGE_SHIFT,
				    FGP_WRITEBEGIN, mapping_gfp_mask(mapping));
	if (IS_ERR(folio))
		return PTR_ERR(folio);
	fpos = folio_pos(folio);
	/*
	 * A write that covers the folio needs nothing read (write_end
	 * checks the copy was whole); one past the end of the file reads
	 * zeroes.
	 */
	if (folio_test_uptodate(folio) ||
	    (pos == fpos && len == folio_size(folio)))
		goto out;
	if (fpos >= i_size_read(mapping->host)) {
		folio_zero_segment(folio, 0, folio_size(folio));
		folio_mark_uptodate(folio);
		goto out;
	}
	n = v9fs_read_range(file, mapping, fpos, folio_size(folio));
	err = v9fs_read_done(folio, n);
	if (err) {
		folio_unlock(folio);
		folio_put(folio);
		return err;
	}
out:
	*unitp = v9fs_wb_unit_of(folio, pos);
	return 0;
}
#endif /* V9FS_NETFS_READ */

/* ---- buffered writes ---- */

/*
 * Test hook, off by default: the next buffered write that extends a file
 * waits this long in write_end between marking its folio dirty and
 * raising i_size, where write-back running meanwhile must neither miss
 * the folio nor shrink the size (t_extend.sh).
 */
static unsigned int write_end_delay_ms;
module_param(write_end_delay_ms, uint, 0644);
MODULE_PARM_DESC(write_end_delay_ms,
		 "testing only: delay in ms inside the next file-extending write_end (default 0)");

/**
 * v9fs_test_delay - a test hook's wait, where a race is to be widened
 * @ms: the hook's module parameter, in milliseconds (0: off)
 *
 * The hook disarms itself: only the first caller after it was set waits.
 */
void v9fs_test_delay(unsigned int *ms)
{
	unsigned int n;

	if (!READ_ONCE(*ms))
		return;
	n = xchg(ms, 0);
	if (n)
		msleep(n);
}

static int v9fs_write_end(struct file *file, struct address_space *mapping,
			  loff_t pos, unsigned int len, unsigned int copied,
			  V9FS_WB_UNIT *unit, void *fsdata)
{
	struct folio *folio = v9fs_wb_unit_folio(unit);
	struct inode *inode = mapping->host;

	if (!folio_test_uptodate(folio)) {
		/*
		 * write_begin read nothing because this write was to cover
		 * the folio: a short copy leaves a hole of old garbage, so
		 * take none of it and let the caller retry.
		 */
		if (copied < len) {
			copied = 0;
			goto out;
		}
		folio_mark_uptodate(folio);
	}
	if (copied) {
		/*
		 * Dirty first: from then on the mapping's dirty tag keeps
		 * __v9fs_apply_attr() from taking the server's size, which
		 * lacks this write, while the folio stays locked until i_size
		 * covers it, so write-back cannot clean it before.  (Raising
		 * i_size first let a write-back in between find nothing dirty,
		 * shrink i_size to the server's, and skip this folio later.)
		 */
		folio_mark_dirty(folio);
		if (pos + copied > i_size_read(inode))
			v9fs_test_delay(&write_end_delay_ms);
		/*
		 * i_rwsem is held: nobody else moves i_size up; i_lock keeps
		 * __v9fs_apply_attr() from setting the server's size between
		 * its look at @wgen and ours.
		 */
		spin_lock(&inode->i_lock);
		atomic_long_inc(&V9I(inode)->wgen);
		if (pos + copied > i_size_read(inode))
			v9fs_i_size_write(inode, pos + copied);
		spin_unlock(&inode->i_lock);
	}
out:
	folio_unlock(folio);
	folio_put(folio);
	return copied;
}

/* ---- writeback ---- */

/*
 * A run of contiguous folios under writeback, not yet sent.  @folios has
 * room for wsize bytes of single pages (the mapping has no large folios).
 */
struct v9fs_wb_run {
	struct p9_fid *fid;
	struct writeback_control *wbc;
	struct folio **folios;
	unsigned int nr, max;
	loff_t start;
	size_t len;
	bool sent;
	bool caching;
	bool retry;
	int err;
};

/*
 * Errors that say nothing about the file: the task running writeback was
 * killed (whoever it is: an fsync, a close, another process's stat), the
 * memory ran out, or the server was slow beyond reqtimeout=.  The data
 * stays dirty for a later writeback (the flusher, which no signal
 * reaches); everything else is the server's answer about this data
 * (ENOSPC, EDQUOT, EIO, a dead transport) and drops it, with the error
 * kept for fsync and close.
 */
static bool v9fs_wb_transient(int err)
{
	switch (err) {
	case -EINTR:
	case -ERESTARTSYS:
	case -ENOMEM:
	case -EAGAIN:
	case -ETIMEDOUT:
		return true;
	}
	return fatal_signal_pending(current);
}

/* Leave @folio dirty for a later writeback (it is under writeback now). */
static void v9fs_wb_redirty(struct v9fs_wb_run *run, struct folio *folio)
{
	if (run->wbc)
		folio_redirty_for_writepage(run->wbc, folio);
	else
		filemap_dirty_folio(folio->mapping, folio);
}

/* Copy a run to the cache as well (cache=fscache with a cache bound)? */
static bool v9fs_wb_caching(struct inode *inode)
{
	return fscache_cookie_enabled(netfs_i_cookie(&V9I(inode)->netfs));
}

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

/* Send the run, end writeback of its folios, and empty it. */
static void v9fs_wb_flush(struct address_space *mapping,
			  struct v9fs_wb_run *run)
{
	struct iov_iter from;
	unsigned int i;
	size_t done = 0;
	ssize_t n;
	int err = 0;

	if (!run->nr)
		return;
	/* The folios stay in the mapping while under writeback. */
	iov_iter_xarray(&from, ITER_SOURCE, &mapping->i_pages, run->start,
			run->len);
	/* Until all is sent or an error says why not (not just "short"). */
	while (!run->retry && done < run->len) {
		n = v9fs_write_full(run->fid, run->start + done, &from);
		if (n <= 0) {
			err = n ?: -EIO;
			break;
		}
		done += n;
	}
	v9fs_data_changed(mapping->host);
	run->sent = true;
	if (run->retry || (err && v9fs_wb_transient(err))) {
		/*
		 * Not the file's fault: what the server did not acknowledge
		 * stays dirty, and no error is recorded.  Once one run had
		 * to stop, the rest of this writeback is not sent at all
		 * (the folios are redirtied in v9fs_wb_folio()).
		 */
		run->retry = true;
		if (!run->err)
			run->err = err ?: -EINTR;
		for (i = 0; i < run->nr; i++) {
			struct folio *folio = run->folios[i];

			if (folio_pos(folio) + folio_size(folio) >
			    run->start + done)
				v9fs_wb_redirty(run, folio);
		}
		fscache_clear_page_bits(mapping, run->start, run->len,
					run->caching);
	} else if (err) {
		mapping_set_error(mapping, err);
		if (!run->err)
			run->err = err;
		fscache_clear_page_bits(mapping, run->start, run->len,
					run->caching);
	} else {
		/* What the server now has goes to the cache; PG_fscache ends. */
		v9fs_write_to_cache(netfs_i_cookie(&V9I(mapping->host)->netfs),
				    mapping, run->start, run->len,
				    i_size_read(mapping->host), run->caching);
	}
	for (i = 0; i < run->nr; i++)
		folio_end_writeback(run->folios[i]);
	run->nr = 0;
	run->len = 0;
}

/*
 * Start write-back of a locked folio cleaned for I/O if it begins below
 * the end of what write-back may send: the file's size, or a shrinking
 * truncation's new size while it is in flight (v9fs_inode.wb_end).
 * Under i_lock, as wb_end is set: a folio that a truncation's bound does
 * not stop is under writeback when the truncation waits for write-back.
 *
 * Return: that end; *@size: the file's size.
 */
static loff_t v9fs_wb_start(struct folio *folio, loff_t *size)
{
	struct inode *inode = folio->mapping->host;
	loff_t end;

	spin_lock(&inode->i_lock);
	*size = i_size_read(inode);
	end = min(*size, V9I(inode)->wb_end);
	if (folio_pos(folio) < end)
		folio_start_writeback(folio);
	spin_unlock(&inode->i_lock);
	return end;
}

/* write_cache_pages() callback: add a locked, cleaned folio to the run. */
static int v9fs_wb_folio(V9FS_WB_UNIT *unit, struct writeback_control *wbc,
			 void *data)
{
	struct folio *folio = v9fs_wb_unit_folio(unit);
	struct address_space *mapping = folio->mapping;
	struct v9fs_wb_run *run = data;
	loff_t pos = folio_pos(folio);
	loff_t size, end;
	size_t len;

	if (run->retry) {
		/* An earlier run stopped on a transient error: later. */
		folio_redirty_for_writepage(wbc, folio);
		folio_unlock(folio);
		return 0;
	}
	if (run->nr && (pos != run->start + run->len || run->nr == run->max))
		v9fs_wb_flush(mapping, run);
	/* An earlier copy of it to the cache must be done first. */
	folio_wait_fscache(folio);
	end = v9fs_wb_start(folio, &size);
	if (pos >= end) {
		/*
		 * Past the end: truncated meanwhile, nothing left to write;
		 * or a truncation is in flight, which drops the folio or, if
		 * it fails, leaves it to a later write-back.
		 */
		if (pos < size)
			folio_redirty_for_writepage(wbc, folio);
		folio_unlock(folio);
		return 0;
	}
	if (run->caching)
		folio_start_fscache(folio);
	folio_unlock(folio);
	len = min_t(loff_t, folio_size(folio), end - pos);
	if (!run->nr)
		run->start = pos;
	run->folios[run->nr++] = folio;
	run->len += len;
	/* Nothing can follow a partial folio at the end of the file. */
	if (len < folio_size(folio))
		v9fs_wb_flush(mapping, run);
	return 0;
}

static int v9fs_writepages(struct address_space *mapping,
			   struct writeback_control *wbc)
{
	struct inode *inode = mapping->host;
	struct v9fs_inode *v9i = V9I(inode);
	struct v9fs_wb_run run = {};
	struct folio *one;
	long gen;
	int err;

	/*
	 * Writeback of an inode dirty only for its times (atime after a
	 * read) comes here too: no page to send, no fid needed.
	 */
	if (!mapping_tagged(mapping, PAGECACHE_TAG_DIRTY))
		return 0;
	run.fid = v9fs_wb_fid(inode);
	if (!run.fid) {
		/* No writable open fid ever: nothing can have been dirtied. */
		pr_warn_ratelimited("dirty pages of inode %lu with no writable fid\n",
				    inode->i_ino);
		return -EBADF;
	}
	run.max = max_t(size_t, V9SB(inode->i_sb)->wsize >> PAGE_SHIFT, 1);
	run.folios = kvmalloc_array(run.max, sizeof(*run.folios), GFP_NOFS);
	if (!run.folios) {
		/* Under memory pressure: one folio at a time still works. */
		run.max = 1;
		run.folios = &one;
	}
	run.caching = v9fs_wb_caching(inode);
	run.wbc = wbc;
	gen = atomic_long_read(&v9i->wgen);
	err = write_cache_pages(mapping, wbc, v9fs_wb_folio, &run);
	v9fs_wb_flush(mapping, &run);
	/*
	 * All written so far is on the server, or what could not be was
	 * dropped for the server's own error: either way its size is right
	 * again (and must be seen, or a failed write-back would make this
	 * inode ignore the server's size and mtime until eviction).
	 */
	if (run.sent && !run.retry && !err) {
		if (!mapping_tagged(mapping, PAGECACHE_TAG_DIRTY) &&
		    !mapping_tagged(mapping, PAGECACHE_TAG_WRITEBACK))
			atomic_long_set(&v9i->wgen_sent, gen);
		v9fs_data_written(inode, run.fid);
	}
	if (run.folios != &one)
		kvfree(run.folios);
	p9_fid_put(run.fid);
	return err ?: run.err;
}

/*
 * invalidate_inode_pages2() found the folio dirty (the file changed on
 * the server under a dirty mapping): write it out, still locked.
 */
static int v9fs_launder_folio(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	loff_t pos = folio_pos(folio);
	struct v9fs_wb_run run = { .max = 1 };
	loff_t size, end;

	folio_wait_fscache(folio);
	if (!folio_clear_dirty_for_io(folio))
		return 0;
	/*
	 * Not copied to the cache: the callers of invalidate_inode_pages2()
	 * invalidate the cache object as well.
	 */
	end = v9fs_wb_start(folio, &size);
	if (pos >= end) {
		/* as in v9fs_wb_folio() */
		if (pos < size)
			filemap_dirty_folio(mapping, folio);
		return 0;
	}
	run.fid = v9fs_wb_fid(mapping->host);
	if (!run.fid) {
		folio_end_writeback(folio);
		mapping_set_error(mapping, -EBADF);
		return -EBADF;
	}
	run.folios = &folio;
	run.start = pos;
	run.len = min_t(loff_t, folio_size(folio), end - pos);
	run.nr = 1;
	v9fs_wb_flush(mapping, &run);
	p9_fid_put(run.fid);
	return run.err;
}

/*
 * The folio is leaving the page cache (truncation, invalidation): a copy
 * of it to the cache still reads it.
 */
static void v9fs_invalidate_folio(struct folio *folio, size_t offset,
				  size_t length)
{
	folio_wait_fscache(folio);
}

/* May the folio go (memory reclaim)?  Not while it is copied to the cache. */
static bool v9fs_release_folio(struct folio *folio, gfp_t gfp)
{
	if (folio_test_fscache(folio)) {
		if (current_is_kswapd() || !(gfp & __GFP_FS))
			return false;
		folio_wait_fscache(folio);
	}
	fscache_note_page_release(netfs_i_cookie(&V9I(folio->mapping->host)->netfs));
	return true;
}

#if V9FS_FSCACHE
/* Dirty pages pin the cookie until write_inode, so writeback can cache. */
static bool v9fs_dirty_folio(struct address_space *mapping,
			     struct folio *folio)
{
	return fscache_dirty_folio(mapping, folio,
				   netfs_i_cookie(&V9I(mapping->host)->netfs));
}
#else
#define v9fs_dirty_folio filemap_dirty_folio
#endif

const struct address_space_operations v9fs_aops = {
#if V9FS_NETFS_READ
	.read_folio	= netfs_read_folio,
	.readahead	= netfs_readahead,
#else
	.read_folio	= v9fs_read_folio,
	.readahead	= v9fs_readahead,
#endif
	.write_begin	= v9fs_write_begin,
	.write_end	= v9fs_write_end,
	.writepages	= v9fs_writepages,
	.dirty_folio	= v9fs_dirty_folio,
	.launder_folio	= v9fs_launder_folio,
	.invalidate_folio = v9fs_invalidate_folio,
	.release_folio	= v9fs_release_folio,
	.direct_IO	= noop_direct_IO,
};

/**
 * v9fs_addr_init - module init: the read work queue
 *
 * Return: 0 or -ENOMEM.
 */
int __init v9fs_addr_init(void)
{
	v9fs_read_wq = alloc_workqueue("v9fs_read", WQ_UNBOUND, 0);
	return v9fs_read_wq ? 0 : -ENOMEM;
}

/**
 * v9fs_addr_exit - module exit
 */
void v9fs_addr_exit(void)
{
	destroy_workqueue(v9fs_read_wq);
}
