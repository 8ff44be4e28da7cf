// SPDX-License-Identifier: GPL-2.0-only
/*
 * 9pnet_rdma.ko: 9P over an RDMA reliable connection (RDMA CM).
 *
 * Wire rules: each 9P message travels as exactly one RDMA SEND, with no
 * header of its own and no private data at connect.  Each side keeps
 * receive buffers of msize bytes posted; there are no credit messages.
 * Here the client keeps @rq receive buffers posted and never has more
 * requests awaiting a reply than it has receive buffers posted, so each
 * reply finds a buffer; at most @sq SENDs are on the send queue.  A
 * server short of receive buffers is covered by RNR retries.
 *
 * Replies arrive in buffers of the connection's pool, in any order; the
 * tag finds the request (in @slots), the reply is checked (length field
 * equals the received length, fits the request's buffer) and copied into
 * the request's @rx, and the buffer is posted again at once.  There is no
 * zero copy.
 *
 * Locking and lifetimes:
 * - rd->lock (irq-safe spinlock) guards @slots, @nr_busy, @nr_posted,
 *   @nr_sends, @dead and @closing.
 * - rd->mutex serializes tearing the verbs resources down (@torn) and
 *   reporting a dead link to the client (@clnt is valid while !@closing
 *   under it).  The CM event handler takes it; nobody holds it while
 *   calling into the CM in a way that waits for the handler.
 * - rd->ref: one for the client (dropped at the end of ->close()), one
 *   for the CM id (dropped when the id is destroyed: by ->close(), or by
 *   the CM after the handler returned nonzero for DEVICE_REMOVAL).
 * - A request accepted by ->request() holds two references: one for its
 *   SEND (dropped at the send completion, also a flushed one), one for
 *   its slot (dropped when its reply arrived, when the server answered a
 *   Tflush for it, or when the link died).  The slot reference is what
 *   lets a late p9_client_cb() find the request alive.
 * - p9_client_cb() is only called from completions (which the QP drain
 *   in ->close() waits for) and from p9_rdma_kill() (which checks
 *   @closing under rd->lock), so none comes after ->close() returned.
 */
#define pr_fmt(fmt) "9pnet_rdma: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/inet.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kref.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/seq_file.h>
#include <net/9p/compat.h>
#include <rdma/ib_verbs.h>
#include <rdma/rdma_cm.h>
#include <net/9p/9p.h>
#include <net/9p/transport.h>

#define P9_RDMA_PORT		5640
#define P9_RDMA_DEPTH		32
#define P9_RDMA_MAX_DEPTH	1024
#define P9_RDMA_TIMEOUT_MS	30000
#define P9_RDMA_MAXSIZE		(512 * 1024)
#define P9_RDMA_DEFAULT_MSIZE	(512 * 1024)

/**
 * struct p9_rdma_rbuf - one receive buffer of the pool
 * @cqe: completion handle (p9_rdma_recv_done())
 * @rd: the connection
 * @buf: @rd->rbuf_size bytes
 * @dma: @buf mapped for the device
 */
struct p9_rdma_rbuf {
	struct ib_cqe cqe;
	struct p9_rdma *rd;
	void *buf;
	u64 dma;
};

/**
 * struct p9_rdma - one connection (one per client)
 * @ref: see the lifetimes at the top of the file
 * @clnt: the client once connected (set under both locks); used only
 *	while !@closing
 * @id: the CM id (with its QP once connected)
 * @pd: protection domain
 * @cq: send and receive completions (IB_POLL_WORKQUEUE)
 * @rbufs: the receive pool, @rq entries
 * @rbuf_size: bytes of each receive buffer (the client's msize cap)
 * @slots: requests awaiting a reply, @rq entries, NULL if free
 * @rq: receive buffers, and most requests awaiting a reply
 * @sq: most SENDs on the send queue
 * @nr_busy: used entries of @slots
 * @nr_posted: receive buffers currently posted
 * @nr_sends: SENDs posted and not yet completed
 * @dead: the link failed; requests are refused
 * @closing: ->close() began: no callbacks, no reports to @clnt
 * @torn: QP, CQ, buffers and PD are released
 * @id_gone: the CM destroyed @id (device removal)
 * @lock: see the top of the file
 * @mutex: see the top of the file
 * @wq: senders waiting for room
 * @kill_work: tells the client the link died (process context)
 * @cm_done: a connection step finished
 * @cm_event: the last connection step's event
 * @cm_err: its error, 0 if it went well
 * @timeout: jiffies allowed per connection step
 * @port: the server's port
 * @privport: connected from a reserved port
 * @timeout_ms: @timeout as the timeout= option gave it
 * @peer: printable peer address for messages
 *
 * @rq, @sq, @timeout, @port, @privport and @timeout_ms are set at create
 * and constant after.
 */
struct p9_rdma {
	struct kref ref;
	struct p9_client *clnt;
	struct rdma_cm_id *id;
	struct ib_pd *pd;
	struct ib_cq *cq;
	struct p9_rdma_rbuf *rbufs;
	size_t rbuf_size;
	struct p9_req **slots;
	unsigned int rq;
	unsigned int sq;
	unsigned int nr_busy;
	unsigned int nr_posted;
	unsigned int nr_sends;
	bool dead;
	bool closing;
	bool torn;
	bool id_gone;
	spinlock_t lock;	/* see above */
	struct mutex mutex;	/* see above */
	wait_queue_head_t wq;
	struct work_struct kill_work;
	struct completion cm_done;
	enum rdma_cm_event_type cm_event;
	int cm_err;
	unsigned long timeout;
	u16 port;
	bool privport;
	unsigned int timeout_ms;
	char peer[64];
};

/**
 * struct p9_rdma_req - per request state (in &p9_req.trans)
 * @cqe: completion handle of the SEND (p9_rdma_send_done())
 * @req: the request
 * @rd: the connection
 * @bounce: a contiguous copy of @req->tx if that is not (vmalloc)
 * @dma: the mapped message
 * @len: its length
 */
struct p9_rdma_req {
	struct ib_cqe cqe;
	struct p9_req *req;
	struct p9_rdma *rd;
	void *bounce;
	u64 dma;
	u32 len;
};

static struct p9_rdma_req *rreq_of(struct p9_req *req)
{
	return (struct p9_rdma_req *)req->trans;
}

static void p9_rdma_free(struct kref *ref)
{
	struct p9_rdma *rd = container_of(ref, struct p9_rdma, ref);

	kfree(rd->slots);
	kfree(rd->rbufs);
	kfree(rd);
}

static void p9_rdma_put(struct p9_rdma *rd)
{
	kref_put(&rd->ref, p9_rdma_free);
}

/* ---- failing ---- */

/* Take every request out of @slots onto @list.  Under rd->lock. */
static void p9_rdma_take_all(struct p9_rdma *rd, struct list_head *list)
{
	unsigned int i;

	lockdep_assert_held(&rd->lock);
	for (i = 0; i < rd->rq; i++) {
		if (!rd->slots[i])
			continue;
		list_add_tail(&rd->slots[i]->trans_link, list);
		rd->slots[i] = NULL;
	}
	rd->nr_busy = 0;
}

/* Fail the requests on @list (any context). */
static void p9_rdma_fail_list(struct p9_client *clnt, struct list_head *list)
{
	struct p9_req *req;

	list_for_each_entry(req, list, trans_link)
		p9_client_cb(clnt, req, -EIO, 0);
}

/* Drop the slot references of the requests on @list; not under rd->lock
 * (the last reference may free vmalloc memory).
 */
static void p9_rdma_release_list(struct list_head *list)
{
	struct p9_req *req, *next;

	list_for_each_entry_safe(req, next, list, trans_link) {
		list_del_init(&req->trans_link);
		p9_req_put(req);
	}
}

/**
 * p9_rdma_kill - the link is dead: fail what waits for a reply
 * @rd: the connection
 * @why: for the log, once
 *
 * Any context but hard interrupt.  Requests awaiting a reply fail with
 * -EIO now; later ones are refused; the client hears of it from
 * @kill_work.  The SENDs still on the queue complete (flushed) later.
 */
static void p9_rdma_kill(struct p9_rdma *rd, const char *why)
{
	struct p9_client *clnt = NULL;
	unsigned long flags;
	LIST_HEAD(list);

	spin_lock_irqsave(&rd->lock, flags);
	if (rd->dead) {
		spin_unlock_irqrestore(&rd->lock, flags);
		return;
	}
	rd->dead = true;
	p9_rdma_take_all(rd, &list);
	/* Before the connection is up there is no client to tell. */
	if (!rd->closing && rd->clnt) {
		clnt = rd->clnt;
		queue_work(system_long_wq, &rd->kill_work);
		pr_err("connection to %s lost: %s\n", rd->peer, why);
	}
	/* Callbacks under the lock: ->close() cannot pass @closing first. */
	if (clnt)
		p9_rdma_fail_list(clnt, &list);
	spin_unlock_irqrestore(&rd->lock, flags);
	p9_rdma_release_list(&list);
	wake_up_all(&rd->wq);
}

static void p9_rdma_kill_work(struct work_struct *work)
{
	struct p9_rdma *rd = container_of(work, struct p9_rdma, kill_work);

	mutex_lock(&rd->mutex);
	if (!rd->closing && rd->clnt) {
		p9_client_disconnect(rd->clnt);
		if (!rd->id_gone)
			rdma_disconnect(rd->id);
	}
	mutex_unlock(&rd->mutex);
}

/* ---- completions ---- */

static void p9_rdma_wc_error(struct p9_rdma *rd, struct ib_wc *wc,
			     const char *what)
{
	char why[64];

	if (wc->status == IB_WC_WR_FLUSH_ERR) {
		p9_rdma_kill(rd, "queue flushed");
		return;
	}
	snprintf(why, sizeof(why), "%s failed: %s (%d)", what,
		 ib_wc_status_msg(wc->status), wc->status);
	p9_rdma_kill(rd, why);
}

static void p9_rdma_send_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct p9_rdma_req *rr = container_of(wc->wr_cqe, struct p9_rdma_req,
					      cqe);
	struct p9_rdma *rd = rr->rd;
	unsigned long flags;

	ib_dma_unmap_single(rd->id->device, rr->dma, rr->len, DMA_TO_DEVICE);
	kfree(rr->bounce);
	rr->bounce = NULL;
	spin_lock_irqsave(&rd->lock, flags);
	rd->nr_sends--;
	spin_unlock_irqrestore(&rd->lock, flags);
	wake_up_all(&rd->wq);
	if (wc->status != IB_WC_SUCCESS)
		p9_rdma_wc_error(rd, wc, "send");
	p9_req_put(rr->req);
}

static int p9_rdma_post_recv(struct p9_rdma *rd, struct p9_rdma_rbuf *rb)
{
	struct ib_sge sge = {
		.addr = rb->dma,
		.length = rd->rbuf_size,
		.lkey = rd->pd->local_dma_lkey,
	};
	struct ib_recv_wr wr = {
		.wr_cqe = &rb->cqe,
		.sg_list = &sge,
		.num_sge = 1,
	};

	ib_dma_sync_single_for_device(rd->id->device, rb->dma, rd->rbuf_size,
				      DMA_FROM_DEVICE);
	return ib_post_recv(rd->id->qp, &wr, NULL);
}

/* Take the request with @tag out of its slot.  Under rd->lock. */
static struct p9_req *p9_rdma_take_tag(struct p9_rdma *rd, u16 tag)
{
	struct p9_req *req;
	unsigned int i;

	lockdep_assert_held(&rd->lock);
	for (i = 0; i < rd->rq; i++) {
		req = rd->slots[i];
		if (req && req->tag == tag) {
			rd->slots[i] = NULL;
			rd->nr_busy--;
			return req;
		}
	}
	return NULL;
}

/* Take @req out of its slot if it is still in one.  Under rd->lock. */
static bool p9_rdma_take_req(struct p9_rdma *rd, struct p9_req *req)
{
	unsigned int i;

	lockdep_assert_held(&rd->lock);
	for (i = 0; i < rd->rq; i++) {
		if (rd->slots[i] == req) {
			rd->slots[i] = NULL;
			rd->nr_busy--;
			return true;
		}
	}
	return false;
}

static void p9_rdma_recv_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct p9_rdma_rbuf *rb = container_of(wc->wr_cqe, struct p9_rdma_rbuf,
					       cqe);
	struct p9_rdma *rd = rb->rd;
	struct p9_req *req = NULL, *old = NULL;
	u32 len = wc->byte_len, size = 0;
	unsigned long flags;
	int status = 0;
	u16 tag = 0;
	u8 type = 0;
	int err;

	spin_lock_irqsave(&rd->lock, flags);
	rd->nr_posted--;
	spin_unlock_irqrestore(&rd->lock, flags);
	if (wc->status != IB_WC_SUCCESS) {
		p9_rdma_wc_error(rd, wc, "receive");
		return;
	}
	ib_dma_sync_single_for_cpu(rd->id->device, rb->dma, rd->rbuf_size,
				   DMA_FROM_DEVICE);
	if (len >= P9_HDRSZ && len <= rd->rbuf_size) {
		size = get_unaligned_le32(rb->buf);
		type = *(u8 *)(rb->buf + 4);
		tag = get_unaligned_le16(rb->buf + 5);
		spin_lock_irqsave(&rd->lock, flags);
		req = p9_rdma_take_tag(rd, tag);
		spin_unlock_irqrestore(&rd->lock, flags);
	}
	if (!req) {
		if (READ_ONCE(rd->dead))
			return;	/* a late reply to a failed request */
		pr_err_ratelimited("%s: %u byte message with unknown tag %u (size %u, type %u)\n",
				   rd->peer, len, tag, size, type);
		p9_rdma_kill(rd, "unexpected message");
		return;
	}
	if (size != len) {
		pr_err_ratelimited("%s: reply to tag %u: size field %u, received %u bytes\n",
				   rd->peer, tag, size, len);
		status = -EIO;
	} else if (len > req->rx_cap) {
		pr_err_ratelimited("%s: reply to tag %u: %u bytes, room for %zu\n",
				   rd->peer, tag, len, req->rx_cap);
		status = -EIO;
	} else {
		memcpy(req->rx, rb->buf, len);
		/* The server is done with a request it answered Rflush for. */
		if (type == P9_RFLUSH && req->flushed)
			old = req->flushed;
	}

	/* Give the buffer back before anyone may send again. */
	spin_lock_irqsave(&rd->lock, flags);
	if (!rd->dead) {
		err = p9_rdma_post_recv(rd, rb);
		if (!err)
			rd->nr_posted++;
	} else {
		err = 0;
	}
	if (old && !p9_rdma_take_req(rd, old))
		old = NULL;
	spin_unlock_irqrestore(&rd->lock, flags);
	wake_up_all(&rd->wq);

	p9_client_cb(req->clnt, req, status, status ? 0 : len);
	p9_req_put(req);
	if (old)
		p9_req_put(old);	/* the client completes it (-EINTR) */
	if (err)
		p9_rdma_kill(rd, "cannot post a receive buffer");
}

/* ---- requests ---- */

/* Whether a request may go now.  Under rd->lock. */
static bool p9_rdma_room(struct p9_rdma *rd)
{
	lockdep_assert_held(&rd->lock);
	return rd->nr_busy < rd->nr_posted && rd->nr_sends < rd->sq;
}

static bool p9_rdma_may_go(struct p9_rdma *rd, struct p9_req *req)
{
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&rd->lock, flags);
	ret = rd->dead || rd->closing || p9_rdma_room(rd);
	spin_unlock_irqrestore(&rd->lock, flags);
	return ret || p9_req_done(req);
}

/* Map @req's message for the SEND. */
static int p9_rdma_map(struct p9_rdma *rd, struct p9_req *req)
{
	struct p9_rdma_req *rr = rreq_of(req);
	void *buf = req->tx;

	rr->req = req;
	rr->rd = rd;
	rr->len = req->tx_len;
	rr->cqe.done = p9_rdma_send_done;
	if (is_vmalloc_addr(buf)) {
		rr->bounce = kmemdup(buf, req->tx_len, GFP_NOFS | __GFP_NOWARN);
		if (!rr->bounce)
			return -ENOMEM;
		buf = rr->bounce;
	}
	rr->dma = ib_dma_map_single(rd->id->device, buf, rr->len,
				    DMA_TO_DEVICE);
	if (ib_dma_mapping_error(rd->id->device, rr->dma)) {
		kfree(rr->bounce);
		rr->bounce = NULL;
		return -EIO;
	}
	return 0;
}

/* Undo p9_rdma_map() of a request that was not posted.  Under rd->mutex. */
static void p9_rdma_unmap(struct p9_rdma *rd, struct p9_req *req)
{
	struct p9_rdma_req *rr = rreq_of(req);

	lockdep_assert_held(&rd->mutex);
	if (!rd->id_gone)
		ib_dma_unmap_single(rd->id->device, rr->dma, rr->len,
				    DMA_TO_DEVICE);
	kfree(rr->bounce);
	rr->bounce = NULL;
}

/* Put @req in a free slot and post its SEND.  Under rd->lock, with room.
 * A request still holding the same tag is stale (the client released the
 * tag, so the server flushed it): it is dropped onto @stale.
 */
static int p9_rdma_post(struct p9_rdma *rd, struct p9_req *req,
			struct list_head *stale)
{
	struct p9_rdma_req *rr = rreq_of(req);
	struct ib_sge sge = {
		.addr = rr->dma,
		.length = rr->len,
		.lkey = rd->pd->local_dma_lkey,
	};
	struct ib_send_wr wr = {
		.wr_cqe = &rr->cqe,
		.sg_list = &sge,
		.num_sge = 1,
		.opcode = IB_WR_SEND,
		.send_flags = IB_SEND_SIGNALED,
	};
	struct p9_req *old;
	unsigned int i;
	int err;

	lockdep_assert_held(&rd->lock);
	old = p9_rdma_take_tag(rd, req->tag);
	if (old)
		list_add_tail(&old->trans_link, stale);
	for (i = 0; i < rd->rq && rd->slots[i]; i++)
		;
	if (WARN_ON_ONCE(i == rd->rq))
		return -EIO;
	ib_dma_sync_single_for_device(rd->id->device, rr->dma, rr->len,
				      DMA_TO_DEVICE);
	err = ib_post_send(rd->id->qp, &wr, NULL);
	if (err)
		return err;
	rd->slots[i] = p9_req_get(req);
	p9_req_get(req);	/* the SEND's */
	rd->nr_busy++;
	rd->nr_sends++;
	return 0;
}

static int p9_rdma_request(struct p9_client *clnt, struct p9_req *req)
{
	struct p9_rdma *rd = p9_client_trans_priv(clnt);
	unsigned long tmo = p9_client_send_timeout(clnt);
	unsigned long deadline = jiffies + tmo;
	unsigned long flags;
	LIST_HEAD(stale);
	long left;
	int err;

	if (req->zc_len || req->tx_len > rd->rbuf_size)
		return -EMSGSIZE;
	/* The device stays while rd->mutex is held and @torn is false. */
	mutex_lock(&rd->mutex);
	err = rd->torn ? -EIO : p9_rdma_map(rd, req);
	mutex_unlock(&rd->mutex);
	if (err)
		return err;
	for (;;) {
		spin_lock_irqsave(&rd->lock, flags);
		if (rd->dead || rd->closing || p9_req_done(req))
			err = -EIO;
		else if (p9_rdma_room(rd))
			err = p9_rdma_post(rd, req, &stale);
		else
			err = -EAGAIN;
		spin_unlock_irqrestore(&rd->lock, flags);
		if (err != -EAGAIN)
			break;
		/* Polled each second too: a wake can only be missed by a
		 * completion racing the check, never for long.
		 */
		left = wait_event_killable_timeout(rd->wq,
						   p9_rdma_may_go(rd, req),
						   min_t(unsigned long, HZ,
							 deadline - jiffies));
		if (left < 0) {
			err = -EINTR;
			break;
		}
		if (!left && tmo != MAX_SCHEDULE_TIMEOUT &&
		    time_after_eq(jiffies, deadline)) {
			err = -ETIMEDOUT;
			break;
		}
	}
	p9_rdma_release_list(&stale);
	if (err) {
		mutex_lock(&rd->mutex);
		p9_rdma_unmap(rd, req);
		mutex_unlock(&rd->mutex);
		if (err != -EINTR && err != -EIO && err != -ETIMEDOUT) {
			pr_err("%s: cannot post a send: %d\n", rd->peer, err);
			p9_rdma_kill(rd, "send queue failure");
			err = -EIO;
		}
	}
	return err;
}

/* ---- connection ---- */

/* Release QP, CQ, receive pool and PD, once.  Under rd->mutex. */
static void p9_rdma_teardown(struct p9_rdma *rd)
{
	struct ib_device *dev = rd->id->device;
	unsigned long flags;
	LIST_HEAD(list);
	unsigned int i;

	lockdep_assert_held(&rd->mutex);

	if (rd->torn)
		return;
	rd->torn = true;
	/* No SEND may be posted once the drain began. */
	spin_lock_irqsave(&rd->lock, flags);
	rd->dead = true;
	spin_unlock_irqrestore(&rd->lock, flags);
	if (rd->id->qp) {
		/* Every posted work request completes (flushed) first. */
		ib_drain_qp(rd->id->qp);
		rdma_destroy_qp(rd->id);
	}
	spin_lock_irqsave(&rd->lock, flags);
	rd->dead = true;
	p9_rdma_take_all(rd, &list);
	spin_unlock_irqrestore(&rd->lock, flags);
	/* Callers failed these before (kill, or the client at close). */
	p9_rdma_release_list(&list);
	if (rd->cq)
		ib_free_cq(rd->cq);
	rd->cq = NULL;
	for (i = 0; rd->rbufs && i < rd->rq; i++) {
		if (!rd->rbufs[i].buf)
			continue;
		if (rd->rbufs[i].dma)
			ib_dma_unmap_single(dev, rd->rbufs[i].dma,
					    rd->rbuf_size, DMA_FROM_DEVICE);
		kfree(rd->rbufs[i].buf);
		rd->rbufs[i].buf = NULL;
	}
	if (rd->pd)
		ib_dealloc_pd(rd->pd);
	rd->pd = NULL;
}

static int p9_rdma_cm_handler(struct rdma_cm_id *id,
			      struct rdma_cm_event *ev)
{
	struct p9_rdma *rd = id->context;

	switch (ev->event) {
	case RDMA_CM_EVENT_ADDR_RESOLVED:
	case RDMA_CM_EVENT_ROUTE_RESOLVED:
	case RDMA_CM_EVENT_ESTABLISHED:
		rd->cm_event = ev->event;
		rd->cm_err = 0;
		complete(&rd->cm_done);
		break;
	case RDMA_CM_EVENT_ADDR_ERROR:
	case RDMA_CM_EVENT_ROUTE_ERROR:
	case RDMA_CM_EVENT_CONNECT_ERROR:
	case RDMA_CM_EVENT_UNREACHABLE:
		rd->cm_event = ev->event;
		rd->cm_err = ev->status ? -abs(ev->status) : -EHOSTUNREACH;
		if (ev->event == RDMA_CM_EVENT_UNREACHABLE)
			rd->cm_err = -EHOSTUNREACH;
		complete(&rd->cm_done);
		break;
	case RDMA_CM_EVENT_REJECTED:
		rd->cm_event = ev->event;
		rd->cm_err = -ECONNREFUSED;
		pr_err("%s: connection rejected: %s\n", rd->peer,
		       rdma_reject_msg(id, ev->status));
		complete(&rd->cm_done);
		break;
	case RDMA_CM_EVENT_DISCONNECTED:
		p9_rdma_kill(rd, "disconnected");
		break;
	case RDMA_CM_EVENT_ADDR_CHANGE:
		p9_rdma_kill(rd, "address change");
		break;
	case RDMA_CM_EVENT_DEVICE_REMOVAL:
		/* The device goes only once everything on it is released. */
		p9_rdma_kill(rd, "RDMA device removed");
		rd->cm_event = ev->event;
		rd->cm_err = -ENODEV;
		complete(&rd->cm_done);
		mutex_lock(&rd->mutex);
		if (rd->closing || !rd->clnt) {
			/* ->close() or the failed connect destroys @id. */
			mutex_unlock(&rd->mutex);
			return 0;
		}
		p9_client_disconnect(rd->clnt);
		p9_rdma_teardown(rd);
		rd->id_gone = true;
		mutex_unlock(&rd->mutex);
		p9_rdma_put(rd);	/* the id's; the CM destroys it */
		return 1;
	default:
		break;
	}
	return 0;
}

/* Start a connection step and wait for its event. */
static int p9_rdma_wait_step(struct p9_rdma *rd,
			     enum rdma_cm_event_type want, const char *what)
{
	long left;

	left = wait_for_completion_killable_timeout(&rd->cm_done,
						    rd->timeout + HZ);
	if (left < 0)
		return left;
	if (!left) {
		pr_err("%s: %s timed out\n", rd->peer, what);
		return -ETIMEDOUT;
	}
	reinit_completion(&rd->cm_done);
	if (rd->cm_err || rd->cm_event != want) {
		if (rd->cm_event != RDMA_CM_EVENT_REJECTED)
			pr_err("%s: %s failed: %s (%d)\n", rd->peer, what,
			       rdma_event_msg(rd->cm_event), rd->cm_err);
		return rd->cm_err ?: -EIO;
	}
	return 0;
}

static int p9_rdma_parse_addr(const char *name, u16 port,
			      struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (in4_pton(name, -1, (u8 *)&sin->sin_addr.s_addr, '\0', NULL)) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return 0;
	}
	if (in6_pton(name, -1, sin6->sin6_addr.s6_addr, '\0', NULL)) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		return 0;
	}
	return -EINVAL;
}

static int p9_rdma_bind(void *ctx, struct sockaddr *sa, int len)
{
	return rdma_bind_addr(ctx, sa);
}

/* PD, CQ, QP and the posted receive pool on the resolved device. */
static int p9_rdma_setup_verbs(struct p9_rdma *rd)
{
	struct ib_device *dev = rd->id->device;
	struct ib_qp_init_attr qpa = {};
	struct p9_rdma_rbuf *rb;
	unsigned int i;
	int err;

	rd->pd = ib_alloc_pd(dev, 0);
	if (IS_ERR(rd->pd)) {
		err = PTR_ERR(rd->pd);
		rd->pd = NULL;
		return err;
	}
	/* +2: ib_drain_qp() posts one marker on each queue. */
	rd->cq = ib_alloc_cq_any(dev, rd, rd->sq + rd->rq + 2,
				 IB_POLL_WORKQUEUE);
	if (IS_ERR(rd->cq)) {
		err = PTR_ERR(rd->cq);
		rd->cq = NULL;
		return err;
	}
	qpa.qp_context = rd;
	qpa.send_cq = rd->cq;
	qpa.recv_cq = rd->cq;
	qpa.qp_type = IB_QPT_RC;
	qpa.sq_sig_type = IB_SIGNAL_REQ_WR;
	qpa.cap.max_send_wr = rd->sq + 1;
	qpa.cap.max_recv_wr = rd->rq + 1;
	qpa.cap.max_send_sge = 1;
	qpa.cap.max_recv_sge = 1;
	err = rdma_create_qp(rd->id, rd->pd, &qpa);
	if (err)
		return err;

	for (i = 0; i < rd->rq; i++) {
		rb = &rd->rbufs[i];
		rb->rd = rd;
		rb->cqe.done = p9_rdma_recv_done;
		rb->buf = kmalloc(rd->rbuf_size, GFP_KERNEL | __GFP_NOWARN);
		if (!rb->buf)
			return -ENOMEM;
		rb->dma = ib_dma_map_single(dev, rb->buf, rd->rbuf_size,
					    DMA_FROM_DEVICE);
		if (ib_dma_mapping_error(dev, rb->dma)) {
			rb->dma = 0;
			return -EIO;
		}
		err = p9_rdma_post_recv(rd, rb);
		if (err)
			return err;
		rd->nr_posted++;
	}
	return 0;
}

static int p9_rdma_connect(struct p9_rdma *rd, struct sockaddr *dst,
			   bool privport)
{
	struct rdma_conn_param cp = {};
	long tmo = jiffies_to_msecs(rd->timeout);
	int err;

	if (privport) {
		err = p9_bind_privport(dst->sa_family, p9_rdma_bind, rd->id);
		if (err) {
			pr_err("%s: cannot bind a reserved port: %d\n",
			       rd->peer, err);
			return err;
		}
	}
	err = rdma_resolve_addr(rd->id, NULL, dst, tmo);
	if (err) {
		pr_err("%s: cannot resolve the address: %d\n", rd->peer, err);
		return err;
	}
	err = p9_rdma_wait_step(rd, RDMA_CM_EVENT_ADDR_RESOLVED,
				"address resolution");
	if (err)
		return err;
	err = rdma_resolve_route(rd->id, tmo);
	if (err) {
		pr_err("%s: cannot resolve a route: %d\n", rd->peer, err);
		return err;
	}
	err = p9_rdma_wait_step(rd, RDMA_CM_EVENT_ROUTE_RESOLVED,
				"route resolution");
	if (err)
		return err;
	err = p9_rdma_setup_verbs(rd);
	if (err) {
		pr_err("%s: cannot set up queues on %s: %d\n", rd->peer,
		       dev_name(&rd->id->device->dev), err);
		return err;
	}
	/* SEND/RECV only: no RDMA READs either way, no private data. */
	cp.retry_count = 6;
	cp.rnr_retry_count = 7;	/* a busy server: retry for ever */
	err = rdma_connect(rd->id, &cp);
	if (err) {
		pr_err("%s: cannot connect: %d\n", rd->peer, err);
		return err;
	}
	return p9_rdma_wait_step(rd, RDMA_CM_EVENT_ESTABLISHED, "connect");
}

static int p9_rdma_create(struct p9_client *clnt, const char *dev_name,
			  const struct p9_client_opts *opts)
{
	u16 port = opts->rdma.port ?: P9_RDMA_PORT;
	struct sockaddr_storage dst;
	unsigned long flags;
	struct p9_rdma *rd;
	u32 msize;
	int err;

	if (!dev_name || p9_rdma_parse_addr(dev_name, port, &dst)) {
		pr_err("\"%s\" is not an IPv4 or IPv6 address\n",
		       dev_name ?: "");
		return -EINVAL;
	}
	rd = kzalloc(sizeof(*rd), GFP_KERNEL);
	if (!rd)
		return -ENOMEM;
	kref_init(&rd->ref);	/* the client's */
	spin_lock_init(&rd->lock);
	mutex_init(&rd->mutex);
	init_waitqueue_head(&rd->wq);
	INIT_WORK(&rd->kill_work, p9_rdma_kill_work);
	init_completion(&rd->cm_done);
	snprintf(rd->peer, sizeof(rd->peer), "%pISpc", &dst);
	rd->rq = clamp_t(int, opts->rdma.rq ?: P9_RDMA_DEPTH, 1,
			 P9_RDMA_MAX_DEPTH);
	rd->sq = clamp_t(int, opts->rdma.sq ?: P9_RDMA_DEPTH, 1,
			 P9_RDMA_MAX_DEPTH);
	rd->timeout_ms = opts->rdma.timeout > 0 ? opts->rdma.timeout :
						  P9_RDMA_TIMEOUT_MS;
	rd->timeout = msecs_to_jiffies(rd->timeout_ms);
	rd->port = port;
	rd->privport = opts->rdma.privport;
	/* The receive buffers bound msize: the client never asks more. */
	msize = opts->msize ?: P9_RDMA_DEFAULT_MSIZE;
	rd->rbuf_size = clamp_t(u32, msize, P9_MIN_MSIZE, P9_RDMA_MAXSIZE);
	rd->slots = kcalloc(rd->rq, sizeof(*rd->slots), GFP_KERNEL);
	rd->rbufs = kcalloc(rd->rq, sizeof(*rd->rbufs), GFP_KERNEL);
	if (!rd->slots || !rd->rbufs) {
		p9_rdma_put(rd);
		return -ENOMEM;
	}

	rd->id = rdma_create_id(&init_net, p9_rdma_cm_handler, rd,
				RDMA_PS_TCP, IB_QPT_RC);
	if (IS_ERR(rd->id)) {
		err = PTR_ERR(rd->id);
		p9_rdma_put(rd);
		return err;
	}
	kref_get(&rd->ref);	/* the id's */
	err = p9_rdma_connect(rd, (struct sockaddr *)&dst,
			      opts->rdma.privport);
	if (err) {
		mutex_lock(&rd->mutex);
		spin_lock_irqsave(&rd->lock, flags);
		rd->closing = true;
		spin_unlock_irqrestore(&rd->lock, flags);
		if (rd->id->device)
			p9_rdma_teardown(rd);
		mutex_unlock(&rd->mutex);
		rdma_destroy_id(rd->id);
		cancel_work_sync(&rd->kill_work);
		p9_rdma_put(rd);
		p9_rdma_put(rd);
		return err == -ERESTARTSYS ? -EINTR : err;
	}
	mutex_lock(&rd->mutex);
	spin_lock_irqsave(&rd->lock, flags);
	rd->clnt = clnt;
	spin_unlock_irqrestore(&rd->lock, flags);
	mutex_unlock(&rd->mutex);
	p9_client_set_trans_priv(clnt, rd);
	p9_client_set_limits(clnt, rd->rbuf_size, 0);
	return 0;
}

static void p9_rdma_close(struct p9_client *clnt)
{
	struct p9_rdma *rd = p9_client_trans_priv(clnt);
	unsigned long flags;
	bool gone;

	mutex_lock(&rd->mutex);
	spin_lock_irqsave(&rd->lock, flags);
	rd->closing = true;
	spin_unlock_irqrestore(&rd->lock, flags);
	mutex_unlock(&rd->mutex);
	wake_up_all(&rd->wq);
	cancel_work_sync(&rd->kill_work);

	mutex_lock(&rd->mutex);
	gone = rd->id_gone;
	if (!gone) {
		rdma_disconnect(rd->id);
		p9_rdma_teardown(rd);
	}
	mutex_unlock(&rd->mutex);
	if (!gone) {
		rdma_destroy_id(rd->id);
		p9_rdma_put(rd);	/* the id's */
	}
	p9_rdma_put(rd);
}

/* The client failed every request: senders waiting for room leave. */
static void p9_rdma_disconnect(struct p9_client *clnt)
{
	struct p9_rdma *rd = p9_client_trans_priv(clnt);

	wake_up_all(&rd->wq);
}

static void p9_rdma_show_options(struct seq_file *m, struct p9_client *clnt)
{
	const struct p9_rdma *rd = p9_client_trans_priv(clnt);

	if (rd->port != P9_RDMA_PORT)
		seq_printf(m, ",port=%u", rd->port);
	if (rd->rq != P9_RDMA_DEPTH)
		seq_printf(m, ",rq=%u", rd->rq);
	if (rd->sq != P9_RDMA_DEPTH)
		seq_printf(m, ",sq=%u", rd->sq);
	if (rd->timeout_ms != P9_RDMA_TIMEOUT_MS)
		seq_printf(m, ",timeout=%u", rd->timeout_ms);
	if (rd->privport)
		seq_puts(m, ",privport");
}

static struct p9_trans_ops p9_rdma_trans = {
	.name = "rdma",
	.owner = THIS_MODULE,
	.maxsize = P9_RDMA_MAXSIZE,
	.max_zc_pages = 0,
	.req_priv_size = sizeof(struct p9_rdma_req),
	.share = P9_SHARE_ASKED,
	.create = p9_rdma_create,
	.close = p9_rdma_close,
	.request = p9_rdma_request,
	.disconnect = p9_rdma_disconnect,
	.show_options = p9_rdma_show_options,
};

static int __init p9_rdma_init(void)
{
	return p9_trans_register(&p9_rdma_trans);
}

static void __exit p9_rdma_exit(void)
{
	p9_trans_unregister(&p9_rdma_trans);
}

module_init(p9_rdma_init);
module_exit(p9_rdma_exit);
MODULE_ALIAS("9p-rdma");
MODULE_DESCRIPTION("9P RDMA transport (v9fs-ng)");
MODULE_LICENSE("GPL");
MODULE_VERSION(P9_NG_VERSION);
