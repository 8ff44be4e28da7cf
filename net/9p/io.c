// SPDX-License-Identifier: GPL-2.0-only
/*
 * Data transfer: Tread/Twrite split into iosize pieces, zero copy for
 * large payloads (several reads in flight); and directory reads.
 */
#define pr_fmt(fmt) "9pnet: " fmt

#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/uio.h>
#include "internal.h"

/* Payloads at least this large go zero copy when the transport can. */
#define P9_ZC_MIN	2048
/* Pieces in flight at once for one zero-copy read. */
#define P9_IO_WINDOW	4

struct p9_piece {
	struct p9_req *req;
	u32 count;
};

static bool p9_zc_ok(struct p9_client *clnt, struct iov_iter *it,
		     size_t len)
{
	return clnt->max_zc_pages && len >= P9_ZC_MIN &&
	       (user_backed_iter(it) || iov_iter_is_bvec(it) ||
		iov_iter_is_xarray(it));
}

/* Pin up to @len bytes of @it into @req, advancing @it: pages that
 * transports take as one run (the first from @req->zc_off, the rest
 * from their start, all but the last to their end).  Returns the bytes
 * pinned or a negative errno.
 */
static ssize_t p9_zc_pin(struct p9_client *clnt, struct p9_req *req,
			 struct iov_iter *it, size_t len, bool in)
{
	unsigned int max = clnt->max_zc_pages, npages, more, i;
	size_t off, noff, total;
	ssize_t n;

	max = min_t(size_t, max, DIV_ROUND_UP(len, PAGE_SIZE) + 1);
	req->zc_pages = p9_kvmalloc(array_size(max, sizeof(struct page *)),
				    GFP_NOFS);
	if (!req->zc_pages)
		return -ENOMEM;
	n = iov_iter_get_pages2(it, req->zc_pages, len, max, &off);
	if (n <= 0)
		return n ?: -EFAULT;
	total = n;
	npages = DIV_ROUND_UP(off + n, PAGE_SIZE);
	/* A bvec (splice, the zeros of fallocate) or an iovec comes one
	 * segment at a time: take the next ones too while they go on
	 * where the run ends, at a page boundary, from a page's start.
	 */
	while (total < len && npages < max && !offset_in_page(off + total)) {
		n = iov_iter_get_pages2(it, req->zc_pages + npages,
					len - total, max - npages, &noff);
		if (n <= 0)
			break;
		more = DIV_ROUND_UP(noff + n, PAGE_SIZE);
		if (noff) {
			iov_iter_revert(it, n);
			for (i = 0; i < more; i++)
				put_page(req->zc_pages[npages + i]);
			break;
		}
		total += n;
		npages += more;
	}
	req->zc_npages = npages;
	req->zc_unpin = true;
	req->zc_off = off;
	req->zc_len = total;
	req->zc_dir_in = in;
	/* Page cache folios (bvec, xarray) are the caller's to mark. */
	req->zc_dirty = in && user_backed_iter(it);
	return total;
}

/* The device or peer wrote @n bytes into @req's user pages: mark them
 * dirty, as the CPU did not (a MAP_SHARED file mapping would otherwise
 * lose them at writeback).  Process context: takes the page locks.
 */
static void p9_zc_dirty(struct p9_req *req, size_t n)
{
	unsigned int i, last;

	if (!req->zc_dirty || !n)
		return;
	last = DIV_ROUND_UP(req->zc_off + n, PAGE_SIZE);
	for (i = 0; i < last && i < req->zc_npages; i++)
		set_page_dirty_lock(req->zc_pages[i]);
}

/* Issue one piece; on success @p holds the request and its count. */
static int p9_io_issue(struct p9_fid *fid, u8 type, u64 offset,
		       struct iov_iter *it, size_t len, bool zc,
		       struct p9_piece *p)
{
	struct p9_client *clnt = fid->clnt;
	struct p9_tmsg tc = { .type = type };
	struct p9_req *pinned, *req;
	size_t hdr, taken = 0;
	ssize_t n;
	int err;

	/* Pin first (it fixes the count), into a placeholder. */
	pinned = NULL;
	if (zc) {
		pinned = kzalloc(sizeof(*pinned), GFP_NOFS);
		if (!pinned)
			return -ENOMEM;
		n = p9_zc_pin(clnt, pinned, it, len, type == P9_TREAD);
		if (n < 0) {
			kvfree(pinned->zc_pages);
			kfree(pinned);
			return n;
		}
		len = n;
		taken = n;
	}
	if (type == P9_TREAD) {
		tc.read.fid = fid->fid;
		tc.read.offset = offset;
		tc.read.count = len;
		req = p9_req_alloc(fid->sess, &tc, 0,
				   zc ? P9_ZC_RX_HDR :
				   p9_reply_max(&tc, clnt->dialect,
						clnt->msize),
				   GFP_NOFS);
	} else {
		tc.write.fid = fid->fid;
		tc.write.offset = offset;
		tc.write.count = len;
		tc.write.data = NULL;
		req = p9_req_alloc(fid->sess, &tc, zc ? 0 : len,
				   p9_reply_max(&tc, clnt->dialect,
						clnt->msize),
				   GFP_NOFS);
	}
	if (IS_ERR(req)) {
		err = PTR_ERR(req);
		goto unpin;
	}
	/* The server appends an O_APPEND fid's writes wherever it is: a
	 * reconnect must not send one twice.
	 */
	if (type == P9_TWRITE && (fid->open_flags & O_APPEND))
		req->retry = false;
	if (zc) {
		req->zc_pages = pinned->zc_pages;
		req->zc_npages = pinned->zc_npages;
		req->zc_off = pinned->zc_off;
		req->zc_len = pinned->zc_len;
		req->zc_dir_in = pinned->zc_dir_in;
		req->zc_dirty = pinned->zc_dirty;
		req->zc_unpin = true;
		kfree(pinned);
		pinned = NULL;
	} else if (type == P9_TWRITE) {
		hdr = req->tx_len;
		n = copy_from_iter(req->tx + hdr, len, it);
		taken = n;
		if (!n) {
			err = -EFAULT;
			goto put;
		}
		if (n < len) {
			/* A fault part way: send what was copied. */
			req->tc.write.count = n;
			err = p9_encode(&req->tc, clnt->dialect, req->tx, hdr,
					&hdr);
			if (err)
				goto put;
			len = n;
		}
		req->tx_len = hdr + len;
	}
	req->fid = p9_fid_get(fid);
	p9_req_send(clnt, req);
	p->req = req;
	p->count = len;
	return 0;
put:
	/* Give back to @it what this piece took from it. */
	if (zc || type == P9_TWRITE)
		iov_iter_revert(it, taken);
	p9_req_release_tag(clnt, req);
	p9_req_put(req);
	return err;
unpin:
	if (pinned) {
		iov_iter_revert(it, pinned->zc_len);
		for (n = 0; n < pinned->zc_npages; n++)
			put_page(pinned->zc_pages[n]);
		kvfree(pinned->zc_pages);
		kfree(pinned);
	}
	return err;
}

/* Wait for piece @p; returns the count transferred or a negative errno.
 * For a copied read the data goes to @it here.
 */
static ssize_t p9_io_reap(struct p9_client *clnt, struct p9_piece *p,
			  struct iov_iter *it, bool copy_in)
{
	struct p9_req *req = p->req;
	struct p9_rmsg r;
	ssize_t n;
	int err;

	p->req = NULL;
	err = p9_req_wait(clnt, req, &r);
	if (err) {
		p9_req_put(req);
		return err;
	}
	n = req->tc.type == P9_TREAD ? r.data.count : r.write.count;
	if (n > p->count) {
		n = -EIO;	/* the codec checks this too */
	} else if (req->zc_dir_in) {
		p9_zc_dirty(req, n);
	} else if (copy_in && n) {
		if (!r.data.data || copy_to_iter(r.data.data, n, it) != n)
			n = -EFAULT;
	}
	p9_req_put(req);
	return n;
}

static ssize_t p9_client_io(struct p9_fid *fid, u8 type, u64 offset,
			    struct iov_iter *it)
{
	struct p9_client *clnt = fid->clnt;
	struct p9_piece win[P9_IO_WINDOW] = {};
	size_t total = 0, issued = 0, left = iov_iter_count(it);
	u32 iosize = p9_client_iosize(fid);
	unsigned int head = 0, busy = 0, window;
	bool zc = p9_zc_ok(clnt, it, left);
	bool copy_in = !zc && type == P9_TREAD;
	bool stop = false;
	ssize_t n, err = 0;

	err = p9_fid_fence_wait(fid);
	if (err)
		return err;
	/* Copied reads advance @it at reaping, so keep one in flight.
	 * Writes go one at a time: a server may write a piece short
	 * (ENOSPC, quota, a hole it cannot fill) and still write the
	 * pieces after it, which would leave data past the count the
	 * writer is told.  A read ahead of a short one has no effect.
	 */
	window = zc && type == P9_TREAD ? P9_IO_WINDOW : 1;
	while ((left && !stop) || busy) {
		if (left && !stop && busy < window) {
			struct p9_piece *p = &win[(head + busy) % P9_IO_WINDOW];
			size_t len = min_t(size_t, left, iosize);

			err = p9_io_issue(fid, type, offset + issued, it, len,
					  zc, p);
			if (err) {
				stop = true;
				continue;
			}
			issued += p->count;
			left -= p->count;
			busy++;
			continue;
		}
		n = p9_io_reap(clnt, &win[head], it, copy_in);
		head = (head + 1) % P9_IO_WINDOW;
		busy--;
		if (stop)
			continue;	/* results after a stop are dropped */
		if (n < 0) {
			err = n;
			stop = true;
		} else {
			total += n;
			if (n < win[(head + P9_IO_WINDOW - 1) %
				    P9_IO_WINDOW].count)
				stop = true;	/* short: end of data */
		}
	}
	/* Give back what was taken from @it but not transferred. */
	if (!copy_in && issued > total)
		iov_iter_revert(it, issued - total);
	if (total)
		return total;
	return err;
}

/**
 * p9_client_read - read from an open fid
 * @fid: the fid
 * @offset: file offset
 * @to: destination; advanced by the bytes read
 *
 * Return: bytes read (0 at end of file), or a negative errno if nothing
 * was read.
 */
ssize_t p9_client_read(struct p9_fid *fid, u64 offset, struct iov_iter *to)
{
	if (!iov_iter_count(to))
		return 0;
	return p9_client_io(fid, P9_TREAD, offset, to);
}
EXPORT_SYMBOL_GPL(p9_client_read);

/**
 * p9_client_write - write to an open fid
 * @fid: the fid
 * @offset: file offset
 * @from: source; advanced by the bytes written
 *
 * Return: bytes written, or a negative errno if nothing was written.
 */
ssize_t p9_client_write(struct p9_fid *fid, u64 offset,
			struct iov_iter *from)
{
	if (!iov_iter_count(from))
		return 0;
	return p9_client_io(fid, P9_TWRITE, offset, from);
}
EXPORT_SYMBOL_GPL(p9_client_write);

/**
 * p9_client_readdir - read raw directory entries
 * @fid: an open directory
 * @offset: the server's cookie (9P2000.L) or byte offset (9P2000(.u))
 * @buf: destination
 * @count: room in @buf
 *
 * Return: bytes of entries (0 at the end), or a negative errno.
 */
int p9_client_readdir(struct p9_fid *fid, u64 offset, void *buf, u32 count)
{
	struct p9_client *clnt = fid->clnt;
	struct p9_tmsg tc;
	struct p9_req *req;
	struct p9_rmsg r;
	int err;

	count = min_t(u32, count, fid->sess->msize - P9_READDIRHDRSZ);
	if (clnt->dialect == P9_DOTL) {
		tc.type = P9_TREADDIR;
		tc.readdir.fid = fid->fid;
		tc.readdir.offset = offset;
		tc.readdir.count = count;
	} else {
		tc.type = P9_TREAD;
		tc.read.fid = fid->fid;
		tc.read.offset = offset;
		tc.read.count = count;
	}
	err = p9_rpc(fid->sess, &tc, &r, &req);
	if (err)
		return err;
	if (r.data.count > count || (r.data.count && !r.data.data)) {
		err = -EIO;
	} else {
		memcpy(buf, r.data.data, r.data.count);
		err = r.data.count;
	}
	p9_req_put(req);
	return err;
}
EXPORT_SYMBOL_GPL(p9_client_readdir);
