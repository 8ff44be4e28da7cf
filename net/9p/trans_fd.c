// SPDX-License-Identifier: GPL-2.0-only
/* 9pnet_fd.ko: 9P over a byte stream: a TCP or unix socket the kernel
 * opens itself ("tcp", "unix"), or two file descriptors the mounting
 * process hands over ("fd": rfdno=, wfdno=; sockets, pipes, ttys...).
 *
 * Every connection is a pair of struct file (the same one twice for a
 * socket), driven by two work items on an unbound WQ_MEM_RECLAIM queue:
 *
 * - rx_work reads one message at a time without blocking: the 7-byte
 *   header into the connection, then the body straight into the
 *   request's receive buffer and, past the first P9_ZC_RX_HDR bytes of
 *   a zero-copy read, straight into the caller's pinned pages.
 * - tx_work writes queued requests in order, again without blocking, so
 *   a large Twrite stuck behind a full socket never delays replies.
 *
 * Both are kicked by wait queue entries hooked into the files' poll wait
 * queues (socket or pipe), whose wake function only queues work.
 *
 * TCP connections can be given a bound on how long the peer may leave
 * what we send unacknowledged (module parameter tcp_timeout).
 *
 * Anything the peer does that cannot be trusted (a size outside
 * [P9_HDRSZ, msize], a tag we are not waiting for, a reply larger than
 * what the request can hold) or any read/write error or EOF kills the
 * connection: every request we hold is reported failed, the client is
 * disconnected (later requests fail at once), and nothing more is read.
 * One exception: an Rerror longer than its request's buffer (sized for
 * 1024 bytes of text, which legacy servers may exceed with long path
 * names) is a server's honest answer; it is read past and fails only
 * its request, with -EIO.
 *
 * Locking and lifetimes:
 * - conn->lock (a plain spinlock: never taken from interrupt context;
 *   the wake function only calls queue_work()) guards @err, the tag
 *   hash @tags, the send queue @unsent and every request's &p9_fd_req.
 * - The connection holds ONE reference on each request it accepted,
 *   dropped when the request is no longer in any of four places, each a
 *   bit in &p9_fd_req.hold: hashed (awaiting its reply), queued (not yet
 *   picked by tx_work), being sent (tx_work's @tx.req), being received
 *   (rx_work's @rx.req).  @tx and @rx are touched by their work item
 *   only, and by ->close() once both work items are stopped.
 * - ->close() marks the connection dead, unhooks the wait queue entries
 *   (after which no wake function runs), cancels both work items
 *   (waiting for a running one), drops what is left and puts the files.
 *   The client's module reference keeps this module loaded until then.
 */
#define pr_fmt(fmt) "9pnet_fd: " fmt

#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/net.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/un.h>
#include <linux/uio.h>
#include <linux/bvec.h>
#include <linux/poll.h>
#include <linux/wait.h>
#include <linux/hash.h>
#include <linux/workqueue.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/9p/transport.h>

/* The largest message: big enough for 1 MiB payloads plus headers. */
#define P9_FD_MAXSIZE		(SZ_1M + PAGE_SIZE)
#define P9_FD_MAX_ZC_PAGES	(SZ_1M / PAGE_SIZE + 1)
#define P9_FD_DEFAULT_PORT	564
#define P9_FD_HASH_BITS		6
/* Pages moved by one socket call (a bio_vec array on the stack). */
#define P9_FD_BVECS		16
/* Messages rx_work receives (and requests tx_work sends) per run. */
#define P9_FD_BUDGET		64
/* Wait queues we may be hooked into: two per file at most (pipes). */
#define P9_FD_HOOKS		4

/* &p9_fd_req.hold bits: where the connection holds a request */
#define P9_FD_HASHED	BIT(0)
#define P9_FD_QUEUED	BIT(1)
#define P9_FD_SENDING	BIT(2)
#define P9_FD_RECVING	BIT(3)

/**
 * struct p9_fd_req - per request state (in &p9_req.trans)
 * @hnode: in &p9_fd_conn.tags while awaiting the reply
 * @reap: on a local list of requests whose reference is to be dropped
 * @hold: P9_FD_* bits; the connection's reference goes with the last one
 *
 * The request itself is on &p9_fd_conn.unsent through &p9_req.trans_link
 * while queued.
 */
struct p9_fd_req {
	struct hlist_node hnode;
	struct list_head reap;
	unsigned int hold;
};

/**
 * struct p9_fd_hook - our entry in one wait queue of a file
 * @wait: the entry; its wake function kicks the work items
 * @head: the wait queue it was added to; NULL once its owner announced
 *	it goes away (POLLFREE: the wake function took the entry off it)
 * @conn: the connection
 */
struct p9_fd_hook {
	wait_queue_entry_t wait;
	wait_queue_head_t *head;
	struct p9_fd_conn *conn;
};

/**
 * struct p9_fd_conn - one connection (in the client's trans_priv)
 * @clnt: the client; used until ->close() returns
 * @rfile: read side
 * @wfile: write side (may be @rfile)
 * @lock: see the top of this file
 * @err: 0, or the negative errno that killed the connection
 * @tags: tag -> request awaiting its reply
 * @unsent: requests waiting for tx_work, in submission order
 * @rx_work: receives replies
 * @tx_work: sends requests
 * @pt: poll table used once, to hook @hooks into the files' wait queues
 * @hooks: wait queue entries, @nhooks of them in use
 * @nhooks: hooks in use
 * @unhooked: a wait queue we were hooked into went away (POLLFREE)
 * @rx: receive state (rx_work only): @rx.hdr holds @rx.got bytes of the
 *	header, then @rx.req receives bytes @rx.got.. of @rx.size, or with
 *	@rx.discard (an Rerror too long for @rx.req) they are read into
 *	@rx.scratch and dropped
 * @tx: send state (tx_work only): @tx.req, @tx.off bytes already sent
 * @shown: the mount options this connection was made with, for
 *	/proc/mounts (set before the mount completes, constant after)
 */
struct p9_fd_conn {
	struct p9_client *clnt;
	struct file *rfile;
	struct file *wfile;
	spinlock_t lock;	/* see the top of this file */
	int err;
	struct hlist_head tags[1 << P9_FD_HASH_BITS];
	struct list_head unsent;
	struct work_struct rx_work;
	struct work_struct tx_work;
	poll_table pt;
	struct p9_fd_hook hooks[P9_FD_HOOKS];
	unsigned int nhooks;
	bool unhooked;
	struct {
		u8 hdr[P9_HDRSZ];
		u32 got;
		u32 size;
		bool discard;
		struct p9_req *req;
		u8 scratch[256];
	} rx;
	struct {
		struct p9_req *req;
		size_t off;
	} tx;
	struct p9_fd_shown {
		u16 port;	/* tcp: the server's port */
		bool privport;	/* tcp: from a reserved port */
		int rfd;	/* fd: rfdno, wfdno; else -1 */
		int wfd;
	} shown;
};

static struct workqueue_struct *p9_fd_wq;

/* TCP only: a peer that stops acknowledging what we send (a host that is
 * gone, a network that is cut) kills the connection after this many
 * seconds, by TCP_USER_TIMEOUT; an idle connection to such a peer is
 * found dead by keepalive probes within about twice that.  Without it
 * (0, the default) the kernel's TCP defaults apply: no keepalive, and
 * up to ~15 minutes of retransmissions.  A server that is alive but
 * does not answer is not caught by this: its kernel still acknowledges
 * our bytes.  Read when a mount connects.
 */
static unsigned int tcp_timeout;
module_param(tcp_timeout, uint, 0644);
MODULE_PARM_DESC(tcp_timeout,
		 "seconds without an ACK from the TCP peer before a connection fails (0: TCP defaults)");

static struct p9_fd_req *fdreq_of(struct p9_req *req)
{
	return (struct p9_fd_req *)req->trans;
}

static struct hlist_head *p9_fd_bucket(struct p9_fd_conn *conn, u16 tag)
{
	return &conn->tags[hash_32(tag, P9_FD_HASH_BITS)];
}

/* Under conn->lock: the request awaiting a reply with @tag, or NULL. */
static struct p9_req *p9_fd_find(struct p9_fd_conn *conn, u16 tag)
{
	struct p9_fd_req *fr;
	struct p9_req *req;

	lockdep_assert_held(&conn->lock);
	hlist_for_each_entry(fr, p9_fd_bucket(conn, tag), hnode) {
		req = container_of((void *)fr, struct p9_req, trans);
		if (req->tag == tag)
			return req;
	}
	return NULL;
}

/* Under conn->lock: clear @bit of @req's holds; if that was the last,
 * add @req to @reap, whose references p9_fd_reap() drops unlocked.
 */
static void p9_fd_unhold(struct p9_req *req, unsigned int bit,
			 struct list_head *reap)
{
	struct p9_fd_req *fr = fdreq_of(req);

	if (!(fr->hold & bit))
		return;
	fr->hold &= ~bit;
	if (bit == P9_FD_HASHED)
		hlist_del_init(&fr->hnode);
	else if (bit == P9_FD_QUEUED)
		list_del_init(&req->trans_link);
	if (!fr->hold)
		list_add_tail(&fr->reap, reap);
}

static void p9_fd_reap(struct list_head *reap)
{
	struct p9_fd_req *fr, *next;

	list_for_each_entry_safe(fr, next, reap, reap) {
		list_del_init(&fr->reap);
		p9_req_put(container_of((void *)fr, struct p9_req, trans));
	}
}

/* Kill the connection with @err (once).  Every request awaiting a reply
 * or waiting to be sent is reported failed and let go; the requests the
 * work items are busy with are let go by them (or by ->close()).  With
 * @notify the client is disconnected too, so that requests it has not
 * handed us yet fail at once.  Process context.
 */
static void p9_fd_fail(struct p9_fd_conn *conn, int err, bool notify)
{
	struct p9_req *req, *next;
	struct hlist_node *tmp;
	struct p9_fd_req *fr;
	LIST_HEAD(reap);
	unsigned int i;
	bool recovering = false;

	/* First, so that the requests failed below may be kept for a new
	 * connection (reconnect=).
	 */
	if (notify && !READ_ONCE(conn->err))
		recovering = p9_client_link_lost(conn->clnt);
	spin_lock(&conn->lock);
	if (conn->err) {
		spin_unlock(&conn->lock);
		return;
	}
	WRITE_ONCE(conn->err, err);
	list_for_each_entry_safe(req, next, &conn->unsent, trans_link)
		p9_fd_unhold(req, P9_FD_QUEUED, &reap);
	for (i = 0; i < ARRAY_SIZE(conn->tags); i++) {
		hlist_for_each_entry_safe(fr, tmp, &conn->tags[i], hnode) {
			req = container_of((void *)fr, struct p9_req, trans);
			if (notify)
				p9_client_cb(conn->clnt, req, err, 0);
			p9_fd_unhold(req, P9_FD_HASHED, &reap);
		}
	}
	spin_unlock(&conn->lock);
	p9_fd_reap(&reap);
	if (notify) {
		if (!recovering) {
			pr_info("connection lost (%d): failing all requests\n",
				err);
			p9_client_disconnect(conn->clnt);
		}
		/* Let the work items drop what they hold. */
		queue_work(p9_fd_wq, &conn->rx_work);
		queue_work(p9_fd_wq, &conn->tx_work);
	}
}

/* ---- moving bytes ---- */

/* One non-blocking transfer on @file.  Sockets take MSG_DONTWAIT; other
 * files were made O_NONBLOCK at create.  Returns the bytes moved (0 on
 * EOF when reading), -EAGAIN, or another negative errno.
 */
static ssize_t p9_fd_xfer(struct file *file, struct iov_iter *it, bool out)
{
	struct socket *sock = sock_from_file(file);
	struct msghdr msg = {};
	loff_t *ppos;

	if (sock) {
		msg.msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL;
		msg.msg_iter = *it;
		if (!out)
			return sock_recvmsg(sock, &msg, msg.msg_flags);
		return sock_sendmsg(sock, &msg);
	}
	ppos = (file->f_mode & FMODE_STREAM) ? NULL : &file->f_pos;
	if (out)
		return vfs_iter_write(file, it, ppos, 0);
	return vfs_iter_read(file, it, ppos, 0);
}

/* Point @it at bytes [@pos, @end) of a message whose first @clen bytes
 * live in @buf and the rest in @req's zero-copy pages (described by
 * @bv, P9_FD_BVECS entries).  One call covers the buffer part or up to
 * P9_FD_BVECS pages, whichever comes first.
 */
static void p9_fd_iter(struct iov_iter *it, unsigned int dir,
		       struct kvec *kv, struct bio_vec *bv,
		       struct p9_req *req, u8 *buf, size_t clen,
		       size_t pos, size_t end)
{
	size_t zoff, left, n;
	unsigned int nbv = 0, pg;

	if (pos < clen) {
		kv->iov_base = buf + pos;
		kv->iov_len = min(clen, end) - pos;
		iov_iter_kvec(it, dir, kv, 1, kv->iov_len);
		return;
	}
	zoff = req->zc_off + (pos - clen);
	pg = zoff / PAGE_SIZE;
	zoff %= PAGE_SIZE;
	left = end - pos;
	while (left && nbv < P9_FD_BVECS && pg < req->zc_npages) {
		n = min_t(size_t, PAGE_SIZE - zoff, left);
		bvec_set_page(&bv[nbv++], req->zc_pages[pg++], n, zoff);
		left -= n;
		zoff = 0;
	}
	iov_iter_bvec(it, dir, bv, nbv, end - pos - left);
}

/* ---- sending ---- */

static size_t p9_fd_tx_total(const struct p9_req *req)
{
	return req->tx_len + (req->zc_dir_in ? 0 : req->zc_len);
}

/* tx_work lets go of the request it was sending. */
static void p9_fd_tx_drop(struct p9_fd_conn *conn)
{
	struct p9_req *req = conn->tx.req;
	LIST_HEAD(reap);

	if (!req)
		return;
	conn->tx.req = NULL;
	spin_lock(&conn->lock);
	p9_fd_unhold(req, P9_FD_SENDING, &reap);
	spin_unlock(&conn->lock);
	p9_fd_reap(&reap);
}

static void p9_fd_tx_work(struct work_struct *work)
{
	struct p9_fd_conn *conn = container_of(work, struct p9_fd_conn,
					       tx_work);
	struct bio_vec bv[P9_FD_BVECS];
	unsigned int budget = P9_FD_BUDGET;
	struct p9_req *req;
	struct iov_iter it;
	struct kvec kv;
	LIST_HEAD(reap);
	ssize_t n;

	for (;;) {
		spin_lock(&conn->lock);
		if (conn->err) {
			spin_unlock(&conn->lock);
			p9_fd_tx_drop(conn);
			return;
		}
		req = conn->tx.req;
		if (!req) {
			req = list_first_entry_or_null(&conn->unsent,
						       struct p9_req,
						       trans_link);
			if (!req) {
				spin_unlock(&conn->lock);
				return;
			}
			/* Queued -> sending: the reference stays held. */
			fdreq_of(req)->hold |= P9_FD_SENDING;
			p9_fd_unhold(req, P9_FD_QUEUED, &reap);
			conn->tx.req = req;
			conn->tx.off = 0;
			/* The client failed it before it went out. */
			if (p9_req_done(req))
				p9_fd_unhold(req, P9_FD_HASHED, &reap);
		}
		spin_unlock(&conn->lock);
		p9_fd_reap(&reap);

		if (!conn->tx.off && p9_req_done(req)) {
			p9_fd_tx_drop(conn);
			continue;
		}
		p9_fd_iter(&it, ITER_SOURCE, &kv, bv, req, req->tx,
			   req->tx_len, conn->tx.off, p9_fd_tx_total(req));
		n = p9_fd_xfer(conn->wfile, &it, true);
		if (n == -EAGAIN)
			return;	/* the wake function requeues us */
		if (n <= 0) {
			p9_fd_fail(conn, n ? (int)n : -EIO, true);
			p9_fd_tx_drop(conn);
			return;
		}
		conn->tx.off += n;
		if (conn->tx.off < p9_fd_tx_total(req))
			continue;
		p9_fd_tx_drop(conn);
		if (!--budget) {
			queue_work(p9_fd_wq, &conn->tx_work);
			return;
		}
	}
}

/* ---- receiving ---- */

/* rx_work lets go of the request it was receiving into. */
static void p9_fd_rx_drop(struct p9_fd_conn *conn)
{
	struct p9_req *req = conn->rx.req;
	LIST_HEAD(reap);

	conn->rx.got = 0;
	conn->rx.discard = false;
	if (!req)
		return;
	conn->rx.req = NULL;
	spin_lock(&conn->lock);
	p9_fd_unhold(req, P9_FD_RECVING, &reap);
	spin_unlock(&conn->lock);
	p9_fd_reap(&reap);
}

/* Bytes of a reply to @req that go to @req->rx; the rest go zero copy. */
static size_t p9_fd_rx_contig(const struct p9_req *req)
{
	if (req->zc_dir_in && req->zc_len)
		return min_t(size_t, req->rx_cap, P9_ZC_RX_HDR);
	return req->rx_cap;
}

/* A header is in: find its request and check the size.  Returns 0 with
 * @conn->rx.req set, or a negative errno that kills the connection.
 */
static int p9_fd_rx_start(struct p9_fd_conn *conn)
{
	u32 size, msize = p9_client_msize(conn->clnt);
	struct p9_req *req;
	LIST_HEAD(reap);
	u16 tag;
	u8 type;

	p9_peek_header(conn->rx.hdr, P9_HDRSZ, &size, &type, &tag);
	if (size < P9_HDRSZ || size > msize) {
		pr_warn_ratelimited("reply size %u outside [%u, %u]\n", size,
				    P9_HDRSZ, msize);
		return -EIO;
	}
	spin_lock(&conn->lock);
	req = p9_fd_find(conn, tag);
	if (req) {
		/* Hashed -> receiving: the reference stays held. */
		fdreq_of(req)->hold |= P9_FD_RECVING;
		p9_fd_unhold(req, P9_FD_HASHED, &reap);
	}
	spin_unlock(&conn->lock);
	if (!req) {
		pr_warn_ratelimited("reply type %u with unexpected tag %u\n",
				    type, tag);
		return -EIO;
	}
	conn->rx.req = req;
	conn->rx.size = size;
	if (size > p9_fd_rx_contig(req) +
	    (req->zc_dir_in ? req->zc_len : 0)) {
		pr_warn_ratelimited("reply of %u bytes to type %u exceeds its buffer\n",
				    size, req->tc.type);
		if (type != P9_RERROR)
			return -EIO;
		/* Read past it (the stream stays in step), fail the request. */
		conn->rx.discard = true;
		return 0;
	}
	memcpy(req->rx, conn->rx.hdr, P9_HDRSZ);
	return 0;
}

/* An Rflush arrived: the request it flushed gets no reply any more, so
 * stop waiting for it (its tag may be reused once the client releases
 * it).  The client completes the flushed request itself.  Any other
 * answer to a Tflush (an error, which 9P does not allow) ends nothing:
 * the flushed request's own reply may still come, and is taken.
 */
static void p9_fd_flushed(struct p9_fd_conn *conn, struct p9_req *freq)
{
	struct p9_req *old = freq->flushed;
	LIST_HEAD(reap);

	if (freq->tc.type != P9_TFLUSH || !old || freq->rx[4] != P9_RFLUSH)
		return;
	spin_lock(&conn->lock);
	if (p9_fd_find(conn, freq->tc.flush.oldtag) == old) {
		p9_fd_unhold(old, P9_FD_HASHED, &reap);
		p9_fd_unhold(old, P9_FD_QUEUED, &reap);
	}
	spin_unlock(&conn->lock);
	p9_fd_reap(&reap);
}

/* The whole reply is in: hand it to the client. */
static void p9_fd_rx_finish(struct p9_fd_conn *conn)
{
	struct p9_req *req = conn->rx.req;
	u32 size = conn->rx.size;

	if (conn->rx.discard) {
		p9_client_cb(conn->clnt, req, -EIO, 0);
	} else {
		p9_fd_flushed(conn, req);
		p9_client_cb(conn->clnt, req, 0, size);
	}
	p9_fd_rx_drop(conn);
}

static void p9_fd_rx_work(struct work_struct *work)
{
	struct p9_fd_conn *conn = container_of(work, struct p9_fd_conn,
					       rx_work);
	struct bio_vec bv[P9_FD_BVECS];
	unsigned int budget = P9_FD_BUDGET;
	struct p9_req *req;
	struct iov_iter it;
	struct kvec kv;
	ssize_t n;
	int err;

	for (;;) {
		if (READ_ONCE(conn->unhooked))
			p9_fd_fail(conn, -ENOTCONN, true);
		if (READ_ONCE(conn->err)) {
			p9_fd_rx_drop(conn);
			return;
		}
		req = conn->rx.req;
		if (!req)
			p9_fd_iter(&it, ITER_DEST, &kv, NULL, NULL,
				   conn->rx.hdr, P9_HDRSZ, conn->rx.got,
				   P9_HDRSZ);
		else if (conn->rx.discard)
			p9_fd_iter(&it, ITER_DEST, &kv, NULL, NULL,
				   conn->rx.scratch, sizeof(conn->rx.scratch),
				   0, min_t(size_t, sizeof(conn->rx.scratch),
					    conn->rx.size - conn->rx.got));
		else
			p9_fd_iter(&it, ITER_DEST, &kv, bv, req, req->rx,
				   p9_fd_rx_contig(req), conn->rx.got,
				   conn->rx.size);
		n = p9_fd_xfer(conn->rfile, &it, false);
		if (n == -EAGAIN)
			return;	/* the wake function requeues us */
		if (n <= 0) {
			p9_fd_fail(conn, n ? (int)n : -ECONNRESET, true);
			p9_fd_rx_drop(conn);
			return;
		}
		conn->rx.got += n;
		if (!req && conn->rx.got == P9_HDRSZ) {
			err = p9_fd_rx_start(conn);
			if (err) {
				p9_fd_fail(conn, err, true);
				if (conn->rx.req)
					p9_client_cb(conn->clnt, conn->rx.req,
						     err, 0);
				p9_fd_rx_drop(conn);
				return;
			}
			req = conn->rx.req;
		}
		if (!req || conn->rx.got < conn->rx.size)
			continue;
		p9_fd_rx_finish(conn);
		if (!--budget) {
			queue_work(p9_fd_wq, &conn->rx_work);
			return;
		}
	}
}

/* ---- readiness ---- */

static int p9_fd_wake(wait_queue_entry_t *wait, unsigned int mode, int sync,
		      void *key)
{
	struct p9_fd_hook *hook = container_of(wait, struct p9_fd_hook, wait);
	__poll_t mask = key_to_poll(key);
	struct p9_fd_conn *conn = hook->conn;

	if (mask & POLLFREE) {
		/* The queue is about to be freed (we hold its lock, it is
		 * freed after an RCU grace period): leave it, and since no
		 * wake-up can come any more, end the connection.
		 */
		list_del_init(&wait->entry);
		/* Release: the entry is off the queue before @head reads
		 * NULL (pairs with the acquire in p9_fd_unhook()).
		 */
		smp_store_release(&hook->head, NULL);
		WRITE_ONCE(conn->unhooked, true);
		queue_work(p9_fd_wq, &conn->rx_work);
		return 0;
	}
	if (!mask || (mask & (EPOLLIN | EPOLLRDNORM | EPOLLERR | EPOLLHUP |
			      EPOLLRDHUP)))
		queue_work(p9_fd_wq, &conn->rx_work);
	if (!mask || (mask & (EPOLLOUT | EPOLLWRNORM | EPOLLERR | EPOLLHUP)))
		queue_work(p9_fd_wq, &conn->tx_work);
	return 0;
}

/* poll_table callback: hook into one wait queue of a file. */
static void p9_fd_hook_in(struct file *file, wait_queue_head_t *head,
			  poll_table *pt)
{
	struct p9_fd_conn *conn = container_of(pt, struct p9_fd_conn, pt);
	struct p9_fd_hook *hook;

	if (conn->nhooks == P9_FD_HOOKS) {
		pr_warn_once("file polls more wait queues than expected\n");
		return;
	}
	hook = &conn->hooks[conn->nhooks++];
	hook->conn = conn;
	hook->head = head;
	init_waitqueue_func_entry(&hook->wait, p9_fd_wake);
	add_wait_queue(head, &hook->wait);
}

/* Leave every wait queue; one that went away (POLLFREE) left us first,
 * and RCU keeps it readable while we look.
 */
static void p9_fd_unhook(struct p9_fd_conn *conn)
{
	wait_queue_head_t *head;

	while (conn->nhooks) {
		struct p9_fd_hook *hook = &conn->hooks[--conn->nhooks];

		rcu_read_lock();
		/* Acquire: NULL means p9_fd_wake() took the entry off. */
		head = smp_load_acquire(&hook->head);
		if (head)
			remove_wait_queue(head, &hook->wait);
		rcu_read_unlock();
	}
}

/* ---- connections ---- */

static int p9_fd_request(struct p9_client *clnt, struct p9_req *req)
{
	struct p9_fd_conn *conn = p9_client_trans_priv(clnt);
	struct p9_fd_req *fr = fdreq_of(req);
	struct p9_req *stale;
	LIST_HEAD(reap);

	if (req->zc_len && req->zc_npages < DIV_ROUND_UP(req->zc_off +
							 req->zc_len,
							 PAGE_SIZE))
		return -EINVAL;
	spin_lock(&conn->lock);
	if (conn->err) {
		spin_unlock(&conn->lock);
		return -EIO;
	}
	/* A tag the client reused after giving up on the old request. */
	stale = p9_fd_find(conn, req->tag);
	if (stale)
		p9_fd_unhold(stale, P9_FD_HASHED, &reap);
	p9_req_get(req);
	INIT_LIST_HEAD(&fr->reap);
	fr->hold = P9_FD_HASHED | P9_FD_QUEUED;
	hlist_add_head(&fr->hnode, p9_fd_bucket(conn, req->tag));
	list_add_tail(&req->trans_link, &conn->unsent);
	spin_unlock(&conn->lock);
	p9_fd_reap(&reap);
	queue_work(p9_fd_wq, &conn->tx_work);
	return 0;
}

static int p9_fd_cancel(struct p9_client *clnt, struct p9_req *req)
{
	struct p9_fd_conn *conn = p9_client_trans_priv(clnt);
	struct p9_fd_req *fr = fdreq_of(req);
	LIST_HEAD(reap);
	int ret = -EBUSY;

	spin_lock(&conn->lock);
	if ((fr->hold & P9_FD_QUEUED) && (fr->hold & P9_FD_HASHED)) {
		p9_fd_unhold(req, P9_FD_HASHED, &reap);
		p9_fd_unhold(req, P9_FD_QUEUED, &reap);
		ret = 0;
	}
	spin_unlock(&conn->lock);
	p9_fd_reap(&reap);
	return ret;
}

static void p9_fd_conn_free(struct p9_fd_conn *conn)
{
	if (conn->rfile)
		fput(conn->rfile);
	if (conn->wfile)
		fput(conn->wfile);
	kfree(conn);
}

static void p9_fd_close(struct p9_client *clnt)
{
	struct p9_fd_conn *conn = p9_client_trans_priv(clnt);

	p9_fd_fail(conn, -ECONNABORTED, false);
	p9_fd_unhook(conn);
	/* Whichever work item killed the connection queued the other one
	 * once; cancelling rx, tx, rx catches that in either order.
	 */
	cancel_work_sync(&conn->rx_work);
	cancel_work_sync(&conn->tx_work);
	cancel_work_sync(&conn->rx_work);
	p9_fd_rx_drop(conn);
	p9_fd_tx_drop(conn);
	p9_fd_conn_free(conn);
}

/* Make @file usable without blocking: sockets get MSG_DONTWAIT per call,
 * anything else must be switched to O_NONBLOCK (the descriptor is the
 * mount's from now on) and must be pollable.  Only sockets, pipes (and
 * FIFOs) and character devices (ttys) are taken: files such as signalfd
 * poll a wait queue of the process that made them, which dies with it
 * while the mount would still be hooked into it.
 */
static int p9_fd_prepare(struct file *file)
{
	umode_t mode = file_inode(file)->i_mode;

	if (sock_from_file(file))
		return 0;
	if ((!S_ISFIFO(mode) && !S_ISCHR(mode)) || !file_can_poll(file)) {
		pr_err("rfdno/wfdno: not a socket, pipe or character device\n");
		return -EINVAL;
	}
	spin_lock(&file->f_lock);
	file->f_flags |= O_NONBLOCK;
	spin_unlock(&file->f_lock);
	return 0;
}

/* Take over @rfile and @wfile (both references) and start the work;
 * @shown: the options to show in /proc/mounts.
 */
static int p9_fd_start(struct p9_client *clnt, struct file *rfile,
		       struct file *wfile, const struct p9_fd_shown *shown)
{
	struct p9_fd_conn *conn;
	unsigned int i;
	int err;

	err = p9_fd_prepare(rfile);
	if (!err && wfile != rfile)
		err = p9_fd_prepare(wfile);
	if (err) {
		fput(rfile);
		fput(wfile);
		return err;
	}
	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn) {
		fput(rfile);
		fput(wfile);
		return -ENOMEM;
	}
	conn->clnt = clnt;
	conn->rfile = rfile;
	conn->wfile = wfile;
	conn->shown = *shown;
	spin_lock_init(&conn->lock);
	for (i = 0; i < ARRAY_SIZE(conn->tags); i++)
		INIT_HLIST_HEAD(&conn->tags[i]);
	INIT_LIST_HEAD(&conn->unsent);
	INIT_WORK(&conn->rx_work, p9_fd_rx_work);
	INIT_WORK(&conn->tx_work, p9_fd_tx_work);
	init_poll_funcptr(&conn->pt, p9_fd_hook_in);

	p9_client_set_trans_priv(clnt, conn);
	vfs_poll(rfile, &conn->pt);
	if (wfile != rfile)
		vfs_poll(wfile, &conn->pt);
	if (!conn->nhooks) {
		p9_fd_conn_free(conn);
		return -EINVAL;
	}
	/* Data may have arrived before we were hooked in. */
	queue_work(p9_fd_wq, &conn->rx_work);
	return 0;
}

static int p9_fd_create_fd(struct p9_client *clnt, const char *dev_name,
			   const struct p9_client_opts *opts)
{
	struct file *rfile, *wfile;

	if (opts->fd.rfd < 0 || opts->fd.wfd < 0) {
		pr_err("trans=fd needs rfdno= and wfdno=\n");
		return -EINVAL;
	}
	rfile = fget(opts->fd.rfd);
	wfile = fget(opts->fd.wfd);
	if (!rfile || !wfile || !(rfile->f_mode & FMODE_READ) ||
	    !(wfile->f_mode & FMODE_WRITE)) {
		if (rfile)
			fput(rfile);
		if (wfile)
			fput(wfile);
		return -EBADF;
	}
	return p9_fd_start(clnt, rfile, wfile, &(struct p9_fd_shown){
		.rfd = opts->fd.rfd, .wfd = opts->fd.wfd });
}

static int p9_fd_bind(void *ctx, struct sockaddr *sa, int len)
{
	return kernel_bind(ctx, sa, len);
}

/* Arm the tcp_timeout policy on a TCP socket (before connect, so that it
 * bounds the SYN retries too).  @secs is capped to what the options take.
 */
static void p9_fd_set_timeout(struct sock *sk, unsigned int secs)
{
	if (!secs)
		return;
	secs = min_t(unsigned int, secs, MAX_TCP_KEEPIDLE);
	tcp_sock_set_user_timeout(sk, secs * MSEC_PER_SEC);
	sock_set_keepalive(sk);
	tcp_sock_set_keepidle(sk, secs);
	tcp_sock_set_keepintvl(sk, max(secs / 3, 1U));
	tcp_sock_set_keepcnt(sk, 3);
}

/* Connect a kernel socket to @addr and wrap it in a file (which then
 * owns it), so that all three transports work on files.
 */
static int p9_fd_connect(struct p9_client *clnt, struct sockaddr *addr,
			 int alen, const struct p9_fd_shown *shown)
{
	struct socket *sock;
	struct file *file;
	int family = addr->sa_family;
	int err;

	/* A socket of the mounting process's network namespace, created as
	 * if by it (so that it pins the namespace, and LSMs see the mount
	 * as the one who connects).
	 */
	err = sock_create(family, SOCK_STREAM,
			  family == AF_UNIX ? 0 : IPPROTO_TCP, &sock);
	if (err)
		return err;
	/* Replies and sends may be needed to make memory free. */
	sock->sk->sk_allocation = GFP_NOFS;
	if (family != AF_UNIX)
		p9_fd_set_timeout(sock->sk, READ_ONCE(tcp_timeout));
	if (shown->privport) {
		err = p9_bind_privport(family, p9_fd_bind, sock);
		if (err) {
			pr_err("no free reserved port: %d\n", err);
			sock_release(sock);
			return err;
		}
	}
	err = kernel_connect(sock, addr, alen, 0);
	if (err) {
		sock_release(sock);
		return err;
	}
	if (family != AF_UNIX)
		tcp_sock_set_nodelay(sock->sk);
	file = sock_alloc_file(sock, 0, NULL);
	if (IS_ERR(file))
		return PTR_ERR(file);	/* the socket was released */
	get_file(file);
	return p9_fd_start(clnt, file, file, shown);
}

static int p9_fd_create_tcp(struct p9_client *clnt, const char *dev_name,
			    const struct p9_client_opts *opts)
{
	struct p9_fd_shown shown = {
		.port = opts->fd.port ?: P9_FD_DEFAULT_PORT,
		.privport = opts->fd.privport,
		.rfd = -1, .wfd = -1,
	};
	u16 port = shown.port;
	struct sockaddr_in6 sin6 = {};
	struct sockaddr_in sin = {};
	char host[INET6_ADDRSTRLEN + 2];
	size_t len;

	if (!dev_name)
		return -EINVAL;
	/* Accept "[v6addr]" as well as the bare literal. */
	len = strlen(dev_name);
	if (len >= 2 && dev_name[0] == '[' && dev_name[len - 1] == ']' &&
	    len - 2 < sizeof(host)) {
		memcpy(host, dev_name + 1, len - 2);
		host[len - 2] = '\0';
	} else if (strscpy(host, dev_name, sizeof(host)) < 0) {
		goto bad;
	}
	if (in4_pton(host, -1, (u8 *)&sin.sin_addr.s_addr, -1, NULL)) {
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		return p9_fd_connect(clnt, (struct sockaddr *)&sin,
				     sizeof(sin), &shown);
	}
	if (in6_pton(host, -1, sin6.sin6_addr.s6_addr, -1, NULL)) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons(port);
		return p9_fd_connect(clnt, (struct sockaddr *)&sin6,
				     sizeof(sin6), &shown);
	}
bad:
	pr_err("\"%s\" is not an IPv4 or IPv6 address\n", dev_name);
	return -EINVAL;
}

static int p9_fd_create_unix(struct p9_client *clnt, const char *dev_name,
			     const struct p9_client_opts *opts)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (!dev_name || !*dev_name ||
	    strscpy(sun.sun_path, dev_name, sizeof(sun.sun_path)) < 0) {
		pr_err("bad unix socket path \"%s\"\n", dev_name ?: "");
		return -EINVAL;
	}
	return p9_fd_connect(clnt, (struct sockaddr *)&sun, sizeof(sun),
			     &(struct p9_fd_shown){ .rfd = -1, .wfd = -1 });
}

static void p9_fd_show_options(struct seq_file *m, struct p9_client *clnt)
{
	const struct p9_fd_shown *s =
		&((struct p9_fd_conn *)p9_client_trans_priv(clnt))->shown;

	if (s->port && s->port != P9_FD_DEFAULT_PORT)
		seq_printf(m, ",port=%u", s->port);
	if (s->privport)
		seq_puts(m, ",privport");
	if (s->rfd >= 0)
		seq_printf(m, ",rfdno=%d,wfdno=%d", s->rfd, s->wfd);
}

#define P9_FD_TRANS(_name, _create, _share, _redial) {		\
	.name = _name,						\
	.owner = THIS_MODULE,					\
	.share = _share,					\
	.redial = _redial,					\
	.maxsize = P9_FD_MAXSIZE,				\
	.max_zc_pages = P9_FD_MAX_ZC_PAGES,			\
	.req_priv_size = sizeof(struct p9_fd_req),		\
	.create = _create,					\
	.close = p9_fd_close,					\
	.request = p9_fd_request,				\
	.cancel = p9_fd_cancel,					\
	.show_options = p9_fd_show_options,			\
}

static struct p9_trans_ops p9_fd_trans[] = {
	P9_FD_TRANS("tcp", p9_fd_create_tcp, P9_SHARE_ASKED, true),
	P9_FD_TRANS("unix", p9_fd_create_unix, P9_SHARE_ASKED, true),
	/* The descriptors are the mounting process's: nothing to find,
	 * nothing to dial again.
	 */
	P9_FD_TRANS("fd", p9_fd_create_fd, P9_SHARE_NEVER, false),
};

static int __init p9_fd_init(void)
{
	unsigned int i;
	int err;

	p9_fd_wq = alloc_workqueue("9pnet_fd", WQ_MEM_RECLAIM | WQ_UNBOUND,
				   0);
	if (!p9_fd_wq)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(p9_fd_trans); i++) {
		err = p9_trans_register(&p9_fd_trans[i]);
		if (err)
			goto undo;
	}
	return 0;
undo:
	while (i--)
		p9_trans_unregister(&p9_fd_trans[i]);
	destroy_workqueue(p9_fd_wq);
	return err;
}

static void __exit p9_fd_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(p9_fd_trans); i++)
		p9_trans_unregister(&p9_fd_trans[i]);
	destroy_workqueue(p9_fd_wq);
}

module_init(p9_fd_init);
module_exit(p9_fd_exit);
MODULE_DESCRIPTION("9P transports over TCP, unix sockets and file descriptors");
MODULE_LICENSE("GPL");
MODULE_VERSION(P9_NG_VERSION);
MODULE_ALIAS("9p-tcp");
MODULE_ALIAS("9p-unix");
MODULE_ALIAS("9p-fd");
