// SPDX-License-Identifier: GPL-2.0-only
/*
 * Requests: allocation, tags, submission, completion, flush.
 *
 * References on a struct p9_req (refcount @ref):
 * - the caller's: from p9_req_alloc() until the caller is done with the
 *   decoded reply (decoded strings point into @rx);
 * - the tag's: from p9_req_alloc() until p9_req_release_tag(), i.e. until
 *   the reply or the Rflush for it arrived, or the client disconnected;
 * - the transport's: while a device or peer may touch the buffers;
 * - a Tflush's, on the request it flushes, until the Tflush completed.
 * The last p9_req_put() frees buffers and unpins pages; it never touches
 * the client, so a transport may drop it after the client is gone.
 *
 * States (@state): NEW -> SENT -> DONE, or SENT -> ABANDONED -> DONE when
 * the waiter gave up (fatal signal, request timeout).  Exactly one
 * completer wins the move to DONE (atomic_try_cmpxchg) and writes
 * @status and @rx_len.  A SENT synchronous request is completed to its
 * waiter (@done); an ABANDONED or asynchronous one runs its completion
 * from @work on the client's workqueue, which releases the tag (an
 * ABANDONED one signals @done too, for a waiter that stays for its
 * zero-copy pages).
 *
 * Flushed tags: a request given up on keeps its tag until both its own
 * completion (reply, Rflush, failure) and the end of its Tflush came
 * (@tag_holds counts them down), so the tag is never reused before the
 * Rflush and no Tflush names a tag already released (flush(5)).
 *
 * Flush fence (per fid): a Tread/Twrite whose waiter left holds its fid's
 * @fence up until its tag is released (reply or Rflush); new Tread/Twrite
 * requests on that fid wait for the fence to drop, so a write issued
 * after an interrupted write can never overtake it on the server.
 */
#define pr_fmt(fmt) "9pnet: " fmt

#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/highmem.h>
#include <linux/delay.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include "internal.h"
#include <trace/events/v9fs_ng.h>

static void p9_req_work(struct work_struct *work);

/* How long a given-up zero-copy read waits for its pages without a
 * request timeout (see p9_req_wait_zc()).
 */
#define P9_ZC_ABANDON_WAIT	(5 * HZ)

/* Test hook, off by default: sleep this long after giving up on a request
 * before flushing it, so that tests can land a reply in that window.
 */
static unsigned int abandon_delay_ms;
module_param(abandon_delay_ms, uint, 0644);
MODULE_PARM_DESC(abandon_delay_ms,
		 "testing only: delay in ms between giving up on a request and flushing it (default 0)");

/* Test hook: at most this many tags (0: the whole 16-bit space), so that
 * tests can run the client out of tags with a few requests in flight.
 */
static unsigned int test_max_tags;
module_param(test_max_tags, uint, 0644);
MODULE_PARM_DESC(test_max_tags,
		 "testing only: most tags in use at once (default 0: all of them)");

static unsigned int p9_tag_limit(void)
{
	unsigned int n = READ_ONCE(test_max_tags);

	return n && n < P9_NOTAG ? n : P9_NOTAG;
}

static void p9_req_free(struct p9_req *req)
{
	unsigned int i;

	if (req->zc_unpin)
		for (i = 0; i < req->zc_npages; i++)
			put_page(req->zc_pages[i]);
	kvfree(req->zc_pages);
	p9_buf_free(req->tx, req->tx_cap);
	p9_buf_free(req->rx, req->rx_cap);
	kfree(req);
}

/**
 * p9_req_get - take a reference on a request
 * @req: the request
 *
 * Return: @req.
 */
struct p9_req *p9_req_get(struct p9_req *req)
{
	refcount_inc(&req->ref);
	return req;
}
EXPORT_SYMBOL_GPL(p9_req_get);

/**
 * p9_req_put - drop a reference on a request
 * @req: the request
 *
 * Any context.  The last reference frees the buffers and pages.
 */
void p9_req_put(struct p9_req *req)
{
	if (refcount_dec_and_test(&req->ref))
		p9_req_free(req);
}
EXPORT_SYMBOL_GPL(p9_req_put);

/* Whether a tag may be free, or the client died.  Racy: a hint. */
static bool p9_tag_room(struct p9_client *clnt)
{
	return READ_ONCE(clnt->dead) ||
	       atomic_read(&clnt->reqs_live) < p9_tag_limit();
}

/* A tag for @req.  With every tag in use (a server sitting on many
 * requests, or on Rflushes), the caller waits for one to come back
 * rather than fail a system call with -EAGAIN: killably and at most the
 * request timeout (-ETIMEDOUT) for a request with a waiter; without
 * limit but for the client's death for a Tflush or Tclunk (__GFP_NOFAIL),
 * which must not be dropped (its fid or tag would go back to use while
 * the server may still hold it).  Only a caller that cannot sleep gets
 * -EAGAIN.  Tags are returned in p9_req_release_tag(), which wakes
 * @tag_wq; the wait polls each second too, as @reqs_live drops just
 * after the tag's idr entry goes.
 */
static int p9_tag_get(struct p9_session *sess, struct p9_req *req, gfp_t gfp)
{
	struct p9_client *clnt = sess->clnt;
	unsigned long tmo = p9_client_send_timeout(clnt);
	unsigned long deadline = jiffies + tmo;
	long left;
	int tag;

	for (;;) {
		idr_preload(gfp);
		spin_lock(&clnt->lock);
		if (clnt->dead ||
		    (READ_ONCE(sess->dead) && !(gfp & __GFP_NOFAIL)))
			tag = -EIO;
		else if (req->tc.type == P9_TVERSION)
			tag = idr_alloc(&clnt->tags, req, P9_NOTAG,
					P9_NOTAG + 1, GFP_NOWAIT);
		else
			tag = idr_alloc_cyclic(&clnt->tags, req, 0,
					       p9_tag_limit(), GFP_NOWAIT);
		spin_unlock(&clnt->lock);
		idr_preload_end();
		if (tag != -ENOSPC)
			return tag;
		if (!gfpflags_allow_blocking(gfp))
			return -EAGAIN;
		atomic_inc(&sess->stats.tag_waits);
		atomic_inc(&clnt->tag_waiters);
		if (gfp & __GFP_NOFAIL) {
			left = wait_event_timeout(clnt->tag_wq,
						  p9_tag_room(clnt), HZ);
		} else {
			left = wait_event_killable_timeout(clnt->tag_wq,
							   p9_tag_room(clnt) ||
							   READ_ONCE(sess->dead),
							   min_t(unsigned long, HZ,
								 deadline - jiffies));
		}
		atomic_dec(&clnt->tag_waiters);
		if (left < 0)
			return -EINTR;
		if (!(gfp & __GFP_NOFAIL) && tmo != MAX_SCHEDULE_TIMEOUT &&
		    time_after_eq(jiffies, deadline))
			return -ETIMEDOUT;
	}
}

/* Allocate a request for @tc with a tag, room for @tx_extra bytes after
 * the encoded message (copied Twrite data) and an @rx_max byte receive
 * buffer, and encode it.  Returns the request with the caller's and the
 * tag's references, or an ERR_PTR.
 */
struct p9_req *p9_req_alloc(struct p9_session *sess, const struct p9_tmsg *tc,
			    size_t tx_extra, size_t rx_max, gfp_t gfp)
{
	struct p9_client *clnt = sess->clnt;
	struct p9_req *req;
	ssize_t txlen;
	int tag, err;

	/* After a reconnect, a fid that could not be rebuilt. */
	if (unlikely(atomic_read(&clnt->nstale))) {
		err = p9_fid_check_stale(clnt, tc);
		if (err)
			return ERR_PTR(err);
	}
	/* -ENAMETOOLONG, -EOPNOTSUPP... are the caller's answer. */
	txlen = p9_encoded_size(tc, clnt->dialect);
	if (txlen < 0)
		return ERR_PTR(txlen);
	if (txlen + tx_extra > clnt->msize || rx_max < P9_HDRSZ)
		return ERR_PTR(-EMSGSIZE);

	req = kzalloc(sizeof(*req) + clnt->trans->req_priv_size, gfp);
	if (!req)
		return ERR_PTR(-ENOMEM);
	req->tc = *tc;
	refcount_set(&req->ref, 1);
	atomic_set(&req->state, P9_REQ_NEW);
	init_completion(&req->done);
	INIT_WORK(&req->work, p9_req_work);
	INIT_LIST_HEAD(&req->trans_link);
	INIT_LIST_HEAD(&req->rec_link);
	/* Not the recovery's own: it starts over if its connection dies. */
	req->retry = clnt->reconnect && p9_retry_type(tc->type) &&
		     current != clnt->rec_task;
	req->tx_cap = txlen + tx_extra;
	req->rx_cap = rx_max;
	req->tx = p9_buf_alloc(req->tx_cap, gfp);
	req->rx = p9_buf_alloc(req->rx_cap, gfp);
	if (!req->tx || !req->rx) {
		err = -ENOMEM;
		goto fail;
	}
	/* Nothing stale may pass for a header the transport did not write
	 * (see p9_reply_len()).
	 */
	memset(req->rx, 0, P9_HDRSZ);

	tag = p9_tag_get(sess, req, gfp);
	if (tag < 0) {
		err = tag;
		goto fail;
	}
	req->clnt = clnt;
	req->sess = sess;
	kref_get(&sess->ref);
	req->tag = tag;
	req->tc.tag = tag;
	refcount_inc(&req->ref);
	atomic_inc(&clnt->reqs_live);
	atomic_inc(&sess->reqs_live);

	err = p9_encode(&req->tc, clnt->dialect, req->tx, txlen, &req->tx_len);
	if (err) {
		p9_req_release_tag(clnt, req);
		p9_req_put(req);
		return ERR_PTR(err);
	}
	return req;
fail:
	p9_req_free(req);
	return ERR_PTR(err);
}

/* Statistics (see struct p9_stats).  A request is counted with its bytes
 * out when it is handed to the transport, and its latency, bytes in and
 * error when it completes; both may run in any context.
 */
static void p9_stats_sent(struct p9_req *req, size_t out)
{
#ifndef P9_NG_NO_STATS
	struct p9_stats *st = &req->sess->stats;
	struct p9_op_stats __percpu *op =
		&st->pcpu->op[P9_STAT_SLOT(req->tc.type)];
	int live = atomic_read(&req->sess->reqs_live);
	int peak = atomic_read(&st->peak);

	req->start = ktime_get();
	this_cpu_inc(op->count);
	this_cpu_add(op->bytes_out, out);
	while (live > peak && !atomic_try_cmpxchg(&st->peak, &peak, live))
		;
#else
	if (trace_v9fs_ng_req_done_enabled())
		req->start = ktime_get();
#endif
}

/* Account the completion of @req; called once, by the winning completer. */
static void p9_stats_done(struct p9_req *req, int status, u32 rx_len)
{
	struct p9_client *clnt = req->clnt;
	s64 lat = req->start ? ktime_to_ns(ktime_sub(ktime_get(), req->start))
			     : 0;
#ifndef P9_NG_NO_STATS
	unsigned int slot = P9_STAT_SLOT(req->tc.type);
	struct p9_op_stats __percpu *op = &req->sess->stats.pcpu->op[slot];
	atomic64_t *maxp = &req->sess->stats.lat_max[slot];
	s64 max = atomic64_read(maxp);

	this_cpu_add(op->lat_ns, lat);
	if (!status)
		this_cpu_add(op->bytes_in, rx_len);
	/* Failed in transport, cancelled, or answered Rerror/Rlerror. */
	if (status || rx_len < P9_HDRSZ || req->rx[4] == P9_RLERROR ||
	    req->rx[4] == P9_RERROR)
		this_cpu_inc(op->errors);
	while (lat > max && !atomic64_try_cmpxchg(maxp, &max, lat))
		;
#endif
	if (trace_v9fs_ng_req_done_enabled())
		trace_v9fs_ng_req_done(clnt->id, req->sess->id, req->tag,
				       req->tc.type,
				       p9_tmsg_fid(&req->tc), status,
				       !status && rx_len >= P9_HDRSZ ?
				       req->rx[4] : 0, rx_len, lat);
}

/* Move @req to DONE with @status, once; false if someone else did. */
static bool p9_req_complete(struct p9_req *req, int status, u32 rx_len)
{
	int old = atomic_read(&req->state);

	do {
		if (old != P9_REQ_SENT && old != P9_REQ_ABANDONED)
			return false;
	} while (!atomic_try_cmpxchg(&req->state, &old, P9_REQ_DONE));

	req->status = status;
	req->rx_len = rx_len;
	p9_stats_done(req, status, rx_len);
	if (old == P9_REQ_SENT && !req->async) {
		complete(&req->done);
		return true;
	}
	/* A waiter that gave up may still wait for the pages to be free. */
	if (!req->async)
		complete(&req->done);
	queue_work(req->clnt->wq, &req->work);
	return true;
}

/**
 * p9_client_cb - a transport reports a request's reply
 * @clnt: the client
 * @req: the request, as accepted by &p9_trans_ops.request
 * @status: 0, or a negative errno if the request failed in transport
 * @rx_len: bytes received into @req->rx (and then into its zero-copy
 *	pages) as the transport counted them; it has checked them against
 *	what it posted.  Fewer than a header fail the request (-EIO).
 *
 * Any context.  A second report for the same request is ignored.
 */
void p9_client_cb(struct p9_client *clnt, struct p9_req *req, int status,
		  u32 rx_len)
{
	if (!status) {
		/* Servers' quirks are the codec's business, not the
		 * transport's: it hands on what it received as it is.
		 */
		rx_len = p9_reply_len(&req->tc, req->rx, req->rx_cap, rx_len);
		if (rx_len < P9_HDRSZ)
			status = -EIO;
	} else if (READ_ONCE(clnt->recovering)) {
		/* The connection died under it (p9_client_link_lost() came
		 * first): a request that may be done twice is kept for the
		 * new connection; any other fails, as the server may or may
		 * not have done it.  The recovery looks at @held only after
		 * the old connection's ->close(), so no lock here.
		 */
		if (req->retry && atomic_read(&req->state) == P9_REQ_SENT) {
			WRITE_ONCE(req->held, true);
			return;
		}
		status = -EIO;
	}
	p9_req_complete(req, status, status ? 0 : rx_len);
}
EXPORT_SYMBOL_GPL(p9_client_cb);

/* Hold @req for the recovery at work, if there is one (see
 * p9_recover_resend()): under @lock, against the recovery's end.
 */
static bool p9_req_hold(struct p9_client *clnt, struct p9_req *req)
{
	bool held;

	spin_lock(&clnt->lock);
	held = clnt->recovering && current != clnt->rec_task;
	if (held)
		req->held = true;
	spin_unlock(&clnt->lock);
	return held;
}

/* p9_req_send() on a channel that reconnects: during a recovery (but for
 * the recovery's own requests) the request is held, SENT with a tag and
 * no transport, and goes out when the recovery ends; one refused by a
 * connection that just died is held too.
 */
static int p9_req_send_reconnect(struct p9_client *clnt, struct p9_req *req)
{
	int err;

	if (p9_req_hold(clnt, req))
		return 0;
	down_read(&clnt->trans_sem);
	/* Again under the semaphore: a recovery may have dialled a new
	 * connection meanwhile, which takes no request before its Tversion.
	 */
	if (p9_req_hold(clnt, req)) {
		up_read(&clnt->trans_sem);
		return 0;
	}
	err = clnt->trans_open ? clnt->trans->request(clnt, req) : -EIO;
	up_read(&clnt->trans_sem);
	if (err && p9_req_hold(clnt, req))
		err = 0;
	if (err)
		p9_req_complete(req, err, 0);
	return err;
}

/* Hand @req to the transport; a failure completes it with the error. */
int p9_req_send(struct p9_client *clnt, struct p9_req *req)
{
	size_t out = req->tx_len + (req->zc_dir_in ? 0 : req->zc_len);
	int err;

	p9_stats_sent(req, out);
	if (trace_v9fs_ng_req_submit_enabled())
		trace_v9fs_ng_req_submit(clnt->id, req->sess->id, req->tag,
					 req->tc.type, p9_tmsg_fid(&req->tc),
					 out);

	/* Release: whoever completes the request sees @start. */
	atomic_set_release(&req->state, P9_REQ_SENT);
	/* Publish SENT before reading @dead; pairs with the barrier in
	 * p9_req_fail_all(): either it sees SENT or we see @dead.
	 */
	smp_mb();
	if (READ_ONCE(clnt->dead)) {
		p9_req_complete(req, -EIO, 0);
		return -EIO;
	}
	if (clnt->reconnect)
		return p9_req_send_reconnect(clnt, req);
	err = clnt->trans->request(clnt, req);
	if (err)
		p9_req_complete(req, err, 0);
	return err;
}

/* Receive @len bytes of an error reply that spilled into zc pages. */
static u8 *p9_zc_gather(struct p9_req *req, size_t len)
{
	size_t done = P9_ZC_RX_HDR, off = req->zc_off;
	unsigned int i = 0;
	u8 *buf;

	buf = p9_kvmalloc(len, GFP_NOFS);
	if (!buf)
		return NULL;
	memcpy(buf, req->rx, P9_ZC_RX_HDR);
	while (done < len && i < req->zc_npages) {
		size_t n = min_t(size_t, PAGE_SIZE - off, len - done);

		memcpy_from_page(buf + done, req->zc_pages[i], off, n);
		done += n;
		off = 0;
		i++;
	}
	if (done < len) {
		kvfree(buf);
		return NULL;
	}
	return buf;
}

/* Dumps of refused replies: a broken server may send nothing else. */
static DEFINE_RATELIMIT_STATE(p9_dump_rs, 5 * HZ, 10);

/* Refuse @req's reply (-EIO): say why, and dump its first bytes. */
static int p9_malformed(struct p9_client *clnt, struct p9_req *req,
			const char *why)
{
	/* The bytes in @rx: with zero copy in, only its header went there. */
	size_t n = min3((size_t)req->rx_len, req->rx_cap,
			req->zc_dir_in && req->zc_pages ? P9_ZC_RX_HDR :
							  req->rx_cap);

	clnt->warned = true;
	pr_warn_ratelimited("client %d: malformed reply to message type %u: %s\n",
			    clnt->id, req->tc.type, why);
	if (trace_v9fs_ng_bad_reply_enabled() && __ratelimit(&p9_dump_rs))
		trace_v9fs_ng_bad_reply(clnt->id, req->tag, req->tc.type,
					req->rx_len, req->rx,
					min_t(size_t, n, V9FS_NG_DUMP_BYTES));
	return -EIO;
}

/* Decode a completed request's reply into @r. */
static int p9_req_decode(struct p9_client *clnt, struct p9_req *req,
			 struct p9_rmsg *r)
{
	size_t len = req->rx_len, ext = 0;
	u8 *spill = NULL;
	const u8 *buf = req->rx;
	u32 size;
	u16 tag;
	u8 type;
	int err;

	if (req->status)
		return req->status;
	if (req->zc_dir_in && req->zc_pages && len > P9_ZC_RX_HDR) {
		ext = len - P9_ZC_RX_HDR;
		len = P9_ZC_RX_HDR;
	}
	if (len > req->rx_cap || ext > req->zc_len)
		return p9_malformed(clnt, req, "longer than posted");
	if (p9_peek_header(buf, len, &size, &type, &tag))
		return p9_malformed(clnt, req, "short");
	if (tag != req->tag)
		return p9_malformed(clnt, req, "tag mismatch");
	if (ext && (type == P9_RERROR || type == P9_RLERROR)) {
		/* The error spilled into the data pages: gather it. */
		if (len + ext > clnt->msize)
			return p9_malformed(clnt, req, "oversized error");
		spill = p9_zc_gather(req, len + ext);
		if (!spill)
			return -ENOMEM;
		buf = spill;
		len += ext;
		ext = 0;
	}
	err = p9_decode(&req->tc, clnt->dialect, buf, len, ext, r);
	kvfree(spill);
	if (err)
		return p9_malformed(clnt, req, "does not decode");
	if (r->err && (r->type == P9_RERROR || r->type == P9_RLERROR))
		return r->err;
	return 0;
}

/* The waiter of @req gave up, and @req owns the fid it was to create:
 * the tag is being released, so the server has answered, flushed the
 * request or is gone.  Clunk the fid if the answer created it (a whole
 * walk, an attach), else let its number go; a reply that does not decode
 * may have created it too, and is clunked (an Rerror then is harmless).
 */
static void p9_newfid_settle(struct p9_client *clnt, struct p9_req *req)
{
	struct p9_fid *fid = req->newfid;
	struct p9_rmsg r;
	bool created;

	if (req->status)
		created = false;
	else if (p9_req_decode(clnt, req, &r))
		created = req->rx_len < P9_HDRSZ ||
			  (req->rx[4] != P9_RERROR && req->rx[4] != P9_RLERROR);
	else
		created = req->tc.type != P9_TWALK ||
			  r.walk.nwqid == req->tc.walk.nwname;
	if (created)
		p9_fid_put(fid);
	else if (refcount_dec_and_test(&fid->ref))
		p9_fid_release(fid);
}

/* Drop the tag reference; process context. */
void p9_req_release_tag(struct p9_client *clnt, struct p9_req *req)
{
	struct p9_fid *fid = req->fid;

	spin_lock(&clnt->lock);
	if (idr_find(&clnt->tags, req->tag) == req)
		idr_remove(&clnt->tags, req->tag);
	spin_unlock(&clnt->lock);

	/* Before @reqs_live drops: its clunk holds a tag from now on. */
	if (req->newfid)
		p9_newfid_settle(clnt, req);

	if (fid) {
		req->fid = NULL;
		if (req->fenced) {
			atomic_dec(&fid->fence);
			wake_up_all(&clnt->fence_wq);
		}
		p9_fid_put(fid);
	}
	if (atomic_dec_and_test(&clnt->reqs_live))
		wake_up_all(&clnt->fence_wq);
	/* After @reqs_live dropped: that is what the waiters test. */
	if (atomic_read(&clnt->tag_waiters))
		wake_up(&clnt->tag_wq);
	if (atomic_dec_and_test(&req->sess->reqs_live))
		wake_up_all(&req->sess->wq);
	p9_session_put(req->sess);
	req->sess = NULL;
	p9_req_put(req);
}

/* One of the events the tag of a flushed request waits for came (see
 * @tag_holds); the last one releases the tag.  Process context.
 */
static void p9_req_unhold_tag(struct p9_client *clnt, struct p9_req *req)
{
	if (atomic_dec_and_test(&req->tag_holds))
		p9_req_release_tag(clnt, req);
}

static void p9_req_work(struct work_struct *work)
{
	struct p9_req *req = container_of(work, struct p9_req, work);
	struct p9_client *clnt = req->clnt;

	if (atomic_read(&req->state) == P9_REQ_NEW) {
		/* Asynchronous submission from a context without signals. */
		p9_req_send(clnt, req);
		return;
	}
	if (req->done_fn)
		req->done_fn(req);
	/* Set before the request could be seen ABANDONED, so stable here. */
	if (atomic_read(&req->tag_holds))
		p9_req_unhold_tag(clnt, req);
	else
		p9_req_release_tag(clnt, req);
}

/* The Tflush @req completed (Rflush, failure): its old request is over
 * on the server if the Rflush came, and its tag may go once that
 * request completed too.
 */
static void p9_flush_done(struct p9_req *req)
{
	struct p9_req *old = req->flushed;
	struct p9_rmsg r;

	req->flushed = NULL;
	if (!p9_req_decode(req->clnt, req, &r))
		p9_req_complete(old, -EINTR, 0);
	p9_req_unhold_tag(req->clnt, old);
	p9_req_put(old);
}

/* Queue an asynchronous request: it is sent from the client's workqueue
 * (never from a dying task, whose waits for ring space would fail) and
 * completes through @done_fn there.  Consumes the caller's reference.
 */
static void p9_req_submit_async(struct p9_client *clnt, struct p9_req *req,
				void (*done_fn)(struct p9_req *req))
{
	req->async = true;
	req->done_fn = done_fn;
	queue_work(clnt->wq, &req->work);
	p9_req_put(req);
}

/* The waiter of @req left (its fid is fenced already): flush it. */
static void p9_req_abandon(struct p9_client *clnt, struct p9_req *req)
{
	struct p9_tmsg tf = { .type = P9_TFLUSH };
	struct p9_req *f;

	tf.flush.oldtag = req->tag;
	f = p9_req_alloc(req->sess, &tf, 0,
			 p9_reply_max(&tf, clnt->dialect, clnt->msize),
			 GFP_NOFS | __GFP_NOFAIL);
	if (IS_ERR(f)) {
		/* Dead client: no Tflush; the tag goes at the completion. */
		p9_req_unhold_tag(clnt, req);
		return;
	}
	f->flushed = p9_req_get(req);
	p9_req_submit_async(clnt, f, p9_flush_done);
}

/* A zero-copy read given up on (@err): its pages are the caller's buffer
 * or page cache folios, and the transport writes into them until the
 * reply or the Rflush comes (9P lets the reply come first).  Stay until
 * then, so that nothing lands after the caller got its memory back;
 * uninterruptibly (the caller timed out or is dying), for at most the
 * request timeout (P9_ZC_ABANDON_WAIT without one).  If the reply itself
 * came, it is the answer, as if it had come in time.  The tag is
 * released by the reply's and the Tflush's completions.
 */
static int p9_req_wait_zc(struct p9_client *clnt, struct p9_req *req,
			  struct p9_rmsg *r, int err)
{
	unsigned long tmo = clnt->req_timeout ?: P9_ZC_ABANDON_WAIT;

	if (!wait_for_completion_timeout(&req->done, tmo)) {
		pr_warn_ratelimited("client %d: zero-copy read (tag %u) still posted %lu s after giving up on it\n",
				    clnt->id, req->tag, tmo / HZ);
		return err;
	}
	/* A flushed buffer comes back empty (virtio) or with -EINTR. */
	if (req->status || req->rx_len < P9_HDRSZ)
		return err;
	return p9_req_decode(clnt, req, r);
}

/* Whether the transport withdrew @req before sending it (then no
 * callback will come).  A request held by a recovery is in no transport:
 * it is withdrawn here (a zero-copy read only once its old connection is
 * closed: until then that connection may still write into its pages).
 */
static bool p9_req_cancel(struct p9_client *clnt, struct p9_req *req)
{
	bool done = false;

	if (!clnt->reconnect)
		return clnt->trans->cancel && !clnt->trans->cancel(clnt, req);
	spin_lock(&clnt->lock);
	if (req->held && clnt->recovering &&
	    (!(req->zc_dir_in && req->zc_len) || !clnt->trans_open)) {
		req->held = false;
		done = true;
	}
	spin_unlock(&clnt->lock);
	if (done)
		return true;
	/* Not waiting for a recovery's dial: then the request is flushed. */
	if (!down_read_trylock(&clnt->trans_sem))
		return false;
	done = !READ_ONCE(clnt->recovering) && clnt->trans_open &&
	       clnt->trans->cancel && !clnt->trans->cancel(clnt, req);
	up_read(&clnt->trans_sem);
	return done;
}

/* Sleep until @req completes: > 0 once it did, 0 after @tmo jiffies (0:
 * no limit), -ERESTARTSYS on a fatal signal, -EIO once its session was
 * disconnected on its own (p9_session_disconnect(): umount -f of one of
 * the mounts sharing a channel).  Nothing can end a completion wait
 * early but a signal, so the wait looks at the session once a second.
 */
static long p9_req_sleep(struct p9_req *req, unsigned long tmo)
{
	unsigned long deadline = jiffies + tmo, step;
	struct p9_session *sess = req->sess;
	long left;

	for (;;) {
		if (READ_ONCE(sess->dead))
			return -EIO;
		step = HZ;
		if (tmo) {
			if (time_after_eq(jiffies, deadline))
				return 0;
			step = min(step, deadline - jiffies);
		}
		left = wait_for_completion_killable_timeout(&req->done, step);
		if (left)
			return left;
	}
}

/* Wait for @req, decode its reply into @r and release its tag.  Returns
 * 0, the server's error, a transport error, -EIO for a malformed reply
 * or a disconnected session, -EINTR on a fatal signal, or -ETIMEDOUT when
 * the client has a request timeout and no reply came within it.  A request given up on is flushed
 * in the background; a zero-copy read stays for its pages first (see
 * p9_req_wait_zc()).  The caller keeps its reference either way.
 *
 * The timeout is this wait's own limit, not a timer: nothing but the
 * waiter acts on it, so it needs no lock.  Giving up races with a reply
 * (or a transport failure) completing the request at the same moment;
 * @state decides: the waiter gives up only if it moves the request from
 * SENT to ABANDONED (or the transport still held it unsent, ->cancel),
 * and a completer only completes a request it moves from SENT or
 * ABANDONED to DONE.  If the reply won, the waiter takes it as if it had
 * come in time; if the waiter won, the reply or Rflush releases the tag
 * later from the workqueue.
 */
int p9_req_wait(struct p9_client *clnt, struct p9_req *req,
		struct p9_rmsg *r)
{
	unsigned long tmo = clnt->req_timeout;
	int old = P9_REQ_SENT;
	long left;
	int err;

	left = p9_req_sleep(req, tmo);
	if (left <= 0) {
		err = left == -EIO ? -EIO : left ? -EINTR : -ETIMEDOUT;
		/* Fence before the request can be seen abandoned: from then
		 * on a reply may release the tag (and lift the fence) at any
		 * moment.  While the request is not abandoned only this task
		 * releases its tag, so @fid and @fenced are stable here, and
		 * every path below ends in p9_req_release_tag(), which lifts
		 * the fence again, now or when the reply or Rflush comes.
		 */
		if (req->fid) {
			atomic_inc(&req->fid->fence);
			req->fenced = true;
		}
		if (p9_req_cancel(clnt, req) && p9_req_complete(req, err, 0)) {
			p9_req_release_tag(clnt, req);
			return err;
		}
		/* The tag waits for the completion and the Tflush; set while
		 * this task still owns the request, as the fence is.
		 */
		atomic_set(&req->tag_holds, 2);
		if (atomic_try_cmpxchg(&req->state, &old, P9_REQ_ABANDONED)) {
			if (err == -ETIMEDOUT)
				pr_warn_ratelimited("client %d: no reply to message type %u (tag %u) in %lu s: giving up\n",
						    clnt->id, req->tc.type,
						    req->tag, tmo / HZ);
			if (unlikely(READ_ONCE(abandon_delay_ms)))
				msleep(READ_ONCE(abandon_delay_ms));
			p9_req_abandon(clnt, req);
			if (req->zc_dir_in && req->zc_len)
				return p9_req_wait_zc(clnt, req, r, err);
			return err;
		}
		/* It is being completed right now, to this task. */
		atomic_set(&req->tag_holds, 0);
		wait_for_completion(&req->done);
	}
	/* The reply is ours: so is the fid it may have created. */
	req->newfid = NULL;
	err = p9_req_decode(clnt, req, r);
	p9_req_release_tag(clnt, req);
	return err;
}

/**
 * p9_rpc - send a request and wait for its reply
 * @sess: the session it is for
 * @tc: the request
 * @r: where to decode the reply
 * @reqp: if not NULL and the call succeeded, receives the request (the
 *	caller puts it after using @r, whose strings point into it)
 *
 * Return: 0 or a negative errno (see p9_req_wait()).
 */
int p9_rpc(struct p9_session *sess, struct p9_tmsg *tc, struct p9_rmsg *r,
	   struct p9_req **reqp)
{
	struct p9_client *clnt = sess->clnt;
	struct p9_req *req;
	int err;

	req = p9_req_alloc(sess, tc, 0,
			   p9_reply_max(tc, clnt->dialect, clnt->msize),
			   GFP_NOFS);
	if (IS_ERR(req))
		return PTR_ERR(req);
	p9_req_send(clnt, req);
	err = p9_req_wait(clnt, req, r);
	if (err || !reqp)
		p9_req_put(req);
	else
		*reqp = req;
	return err;
}

/**
 * p9_rpc_newfid - p9_rpc() for a request that creates a fid on the server
 * @sess: the session it is for
 * @tc: Tattach, Tauth or a Twalk whose newfid is not yet known to the
 *	server
 * @r: where to decode the reply
 * @nfid: the new fid, with only the caller's reference
 *
 * If the caller gives up (fatal signal, request timeout), the server
 * may still create @nfid: its reply may come before the Rflush.  The
 * fid number then stays reserved until the request's tag is released,
 * and the fid is clunked if the reply created it.
 *
 * Return: 0 or a negative errno (see p9_req_wait()).  On success @nfid
 * is the caller's; on any error it is gone (released or clunked).
 */
int p9_rpc_newfid(struct p9_session *sess, struct p9_tmsg *tc,
		  struct p9_rmsg *r, struct p9_fid *nfid)
{
	struct p9_client *clnt = sess->clnt;
	struct p9_req *req;
	int err;

	req = p9_req_alloc(sess, tc, 0,
			   p9_reply_max(tc, clnt->dialect, clnt->msize),
			   GFP_NOFS);
	if (IS_ERR(req)) {
		p9_fid_release(nfid);
		return PTR_ERR(req);
	}
	req->newfid = nfid;
	p9_req_send(clnt, req);
	err = p9_req_wait(clnt, req, r);
	/* Still set: the waiter gave up and the request owns @nfid. */
	if (err && !req->newfid)
		p9_fid_release(nfid);
	if (!err)
		nfid->ready = true;
	p9_req_put(req);
	return err;
}

/* Fail every request in flight (the client is dead). */
void p9_req_fail_all(struct p9_client *clnt)
{
	struct p9_req *req;
	int tag;

	spin_lock(&clnt->lock);
	WRITE_ONCE(clnt->dead, true);
	/* Publish @dead before reading states; pairs with p9_req_send(). */
	smp_mb();
	idr_for_each_entry(&clnt->tags, req, tag)
		p9_req_complete(req, -EIO, 0);
	spin_unlock(&clnt->lock);
	/* Callers waiting for a tag fail now (-EIO). */
	wake_up_all(&clnt->tag_wq);
}

static void p9_clunk_done(struct p9_req *req)
{
	struct p9_fid *fid = req->fid;

	/* Whatever the answer, the fid is gone on the server (or dead). */
	req->fid = NULL;
	p9_fid_release(fid);
}

/* Clunk @fid (no references left) in the background, then free it. */
void p9_clunk_async(struct p9_fid *fid)
{
	struct p9_tmsg tc = { .type = P9_TCLUNK };
	struct p9_client *clnt = fid->clnt;
	struct p9_req *req;

	tc.clunk.fid = fid->fid;
	trace_v9fs_ng_fid_clunk(clnt->id, fid->fid);
	req = p9_req_alloc(fid->sess, &tc, 0,
			   p9_reply_max(&tc, clnt->dialect, clnt->msize),
			   GFP_NOFS | __GFP_NOFAIL);
	if (IS_ERR(req)) {
		/* Dead client: nothing to tell the server. */
		p9_fid_release(fid);
		return;
	}
	req->fid = fid;
	p9_req_submit_async(clnt, req, p9_clunk_done);
}

/* Wait until no flushed I/O is pending on @fid: -EINTR on a fatal
 * signal, -EIO if the client died, -ETIMEDOUT after the client's request
 * timeout (the flushed request's server never answered); -EIO for a
 * disconnected session too.
 */
int p9_fid_fence_wait(struct p9_fid *fid)
{
	struct p9_client *clnt = fid->clnt;
	unsigned long tmo = clnt->req_timeout;
	long left;

	if (!atomic_read(&fid->fence))
		return 0;
	left = wait_event_killable_timeout(clnt->fence_wq,
					   !atomic_read(&fid->fence) ||
					   READ_ONCE(clnt->dead) ||
					   READ_ONCE(fid->sess->dead),
					   tmo ?: MAX_SCHEDULE_TIMEOUT);
	if (left < 0)
		return -EINTR;
	if (READ_ONCE(clnt->dead) || READ_ONCE(fid->sess->dead))
		return -EIO;
	return left ? 0 : -ETIMEDOUT;
}
