/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The interface between the 9P client core (9pnet.ko) and its transports
 * (9pnet_virtio.ko, 9pnet_fd.ko, 9pnet_rdma.ko).
 *
 * A transport moves bytes; it knows nothing of message contents.  The
 * client hands it a prepared request (struct p9_req): a T-message buffer,
 * a receive buffer, and optionally pages for a zero-copy payload.  The
 * transport sends it and, when the reply has landed in the receive buffer
 * (and pages), reports it with p9_client_cb().  The client decodes.
 *
 * Lifetimes:
 * - The client holds a reference on the transport's module from
 *   p9_trans_get() until the client is destroyed, so the transport code
 *   cannot unload under a live client.
 * - ->request() takes its own reference on the request (p9_req_get())
 *   when it accepts it and drops it (p9_req_put()) only when no device
 *   or peer can touch the request's buffers any more: for virtio, when
 *   the buffer came back from the used ring or the device was reset.
 *   The buffers, pinned pages and the request memory therefore outlive
 *   the client's interest in them as long as the transport needs them.
 * - p9_client_cb() may be called once per accepted request, from any
 *   context (including hard interrupt), until ->close() returns; never
 *   after.  A transport that finds its link dead may call
 *   p9_client_disconnect() from process context.  A request's ->clnt
 *   must not be used by the transport after ->close() returned.
 */
#ifndef _NET_9P_TRANSPORT_H
#define _NET_9P_TRANSPORT_H

#include <linux/list.h>
#include <linux/module.h>
#include <linux/completion.h>
#include <linux/workqueue.h>
#include <linux/ktime.h>
#include <net/9p/client.h>

struct seq_file;

/**
 * struct p9_req - one request in flight
 * @clnt: the channel that owns the tag; valid until the tag is released
 * @sess: the session (mount) the request is for; referenced until the
 *	tag is released
 * @tc: the request as the client built it (strings dangle after send)
 * @tag: the tag on the wire
 * @ref: references (see transport.h and net/9p/request.c)
 * @state: P9_REQ_* lifecycle state, changed with atomic_cmpxchg()
 * @status: 0 or the transport's negative errno, valid once completed
 * @rx_len: bytes the transport received (contiguous + zero-copy)
 * @tx: the encoded T-message
 * @tx_len: bytes of @tx to send (the zero-copy payload follows them)
 * @tx_cap: bytes allocated at @tx
 * @rx: the receive buffer; its header (P9_HDRSZ bytes) is zero until a
 *	reply is received into it
 * @rx_cap: bytes allocated at @rx; with zero copy in, the device gets
 *	only the first P9_ZC_RX_HDR of them and then the pages
 * @zc_pages: zero-copy payload pages (out for Twrite, in for Tread)
 * @zc_npages: number of @zc_pages
 * @zc_off: offset of the payload in the first page
 * @zc_len: payload bytes
 * @zc_dir_in: true if @zc_pages receive data (after @rx)
 * @zc_unpin: true if the client holds page references to drop at free
 * @zc_dirty: @zc_pages are user memory that a read fills: the client
 *	marks them dirty once the data is in
 * @retry: on a channel that reconnects, the request may be sent again on
 *	the new connection if the old one died before its reply (it does
 *	the same if done twice)
 * @held: held by a recovery (in no transport), to be sent when it ends;
 *	under the client's lock but where the recovery alone runs
 * @rec_link: on a list of requests a recovery sends again
 * @fenced: the request holds its @fid's flush fence
 * @tag_holds: for a request being flushed, the events its tag waits for
 *	(its own completion and the end of its Tflush), 0 otherwise; the
 *	last of them releases the tag
 * @async: no thread waits; the completion runs @done_fn in a work item
 * @done_fn: completion handler of an asynchronous request
 * @flushed: for a Tflush, the request it flushes (a reference is held);
 *	a transport may read it until it calls p9_client_cb() for the Tflush
 * @fid: the fid the request is about, if fenced (a reference is held)
 * @newfid: for Tattach, Tauth or a first Twalk step sent with
 *	p9_rpc_newfid(): the fid it creates, which the request owns once
 *	its waiter gave up (the caller's reference passes to it)
 * @done: completed once for a waiting caller
 * @work: runs asynchronous completion in process context
 * @start: submission time, for latency statistics
 * @trans_link: free for the transport while it owns the request
 * @trans: @trans_size bytes private to the transport (see
 *	&p9_trans_ops.req_priv_size), zeroed at allocation
 */
struct p9_req {
	struct p9_client *clnt;
	struct p9_session *sess;
	struct p9_tmsg tc;
	u16 tag;
	refcount_t ref;
	atomic_t state;
	int status;
	u32 rx_len;
	u8 *tx;
	size_t tx_len;
	size_t tx_cap;
	u8 *rx;
	size_t rx_cap;
	struct page **zc_pages;
	unsigned int zc_npages;
	size_t zc_off;
	size_t zc_len;
	bool zc_dir_in;
	bool zc_unpin;
	bool zc_dirty;
	bool retry;
	bool held;
	struct list_head rec_link;
	bool fenced;
	bool async;
	atomic_t tag_holds;
	void (*done_fn)(struct p9_req *req);
	struct p9_req *flushed;
	struct p9_fid *fid;
	struct p9_fid *newfid;
	struct completion done;
	struct work_struct work;
	ktime_t start;
	struct list_head trans_link;
	unsigned long trans[] __aligned(sizeof(void *));
};

/* Request states (&p9_req.state); transitions in net/9p/request.c. */
enum {
	P9_REQ_NEW,		/* allocated, not yet handed to the transport */
	P9_REQ_SENT,		/* being handed to or held by the transport */
	P9_REQ_ABANDONED,	/* the waiter left (fatal signal) */
	P9_REQ_DONE,		/* completed: status and rx_len are final */
};

/**
 * p9_req_done - whether a request completed (e.g. the client failed it)
 * @req: the request
 *
 * A transport waiting to send @req gives up when this turns true.
 *
 * Return: true once the request is complete.
 */
static inline bool p9_req_done(const struct p9_req *req)
{
	return atomic_read(&req->state) == P9_REQ_DONE;
}

/* Zero-copy receive: Rread/Rreaddir header bytes before the payload. */
#define P9_ZC_RX_HDR	11

/**
 * struct p9_trans_ops - a transport
 * @name: the name given with -o trans= (also module alias "9p-@name")
 * @owner: the module implementing it (THIS_MODULE)
 * @maxsize: the largest message the transport can carry; ->create() may
 *	lower it per client with p9_client_set_limits()
 * @max_zc_pages: most payload pages one request may carry zero copy;
 *	0 if the transport does not do zero copy; ->create() may lower it
 * @req_priv_size: bytes of per-request private state (&p9_req.trans)
 * @redial: ->create() may be called again, after ->close(), to connect
 *	to the same place with the same options (tcp, unix): the channel
 *	can reconnect
 * @share: whether mounts of one device or address share a connection:
 *	P9_SHARE_ALWAYS (a device carries one channel: virtio),
 *	P9_SHARE_ASKED (with the shareconn mount option: tcp, unix, rdma) or
 *	P9_SHARE_NEVER (0: each mount brings its own, trans=fd)
 * @create: connect @clnt to @dev_name; may sleep; store private state
 *	with p9_client_set_trans_priv().  p9_client_msize() is 0 here; it
 *	holds the requested msize from the Tversion on and the negotiated
 *	one after it
 * @close: disconnect; after it returns, p9_client_cb() is not called for
 *	this client any more.  Called once, after a successful ->create()
 * @request: submit @req (takes a request reference on success); may
 *	sleep until there is room (killable: -EINTR; at most the client's
 *	request timeout, if it has one: -ETIMEDOUT, see
 *	p9_client_send_timeout()).  Errors: -EIO if the channel is dead,
 *	-EMSGSIZE if it cannot carry @req
 * @disconnect: the client has just failed every request (umount -f,
 *	teardown, dead link): end every wait for room at once; optional
 * @cancel: withdraw @req if it was not sent yet: 0 if withdrawn (no
 *	callback will come), -EBUSY if it is already on its way; optional
 * @show_options: print the connection's own mount options that are not
 *	at their defaults, each as ",key=value", for /proc/mounts; called
 *	between a successful ->create() and ->close(); optional
 * @list: in the registry, under the registry lock
 */
struct p9_trans_ops {
	const char *name;
	struct module *owner;
	u32 maxsize;
	unsigned int max_zc_pages;
	size_t req_priv_size;
	unsigned int share;
	bool redial;
	int (*create)(struct p9_client *clnt, const char *dev_name,
		      const struct p9_client_opts *opts);
	void (*close)(struct p9_client *clnt);
	int (*request)(struct p9_client *clnt, struct p9_req *req);
	int (*cancel)(struct p9_client *clnt, struct p9_req *req);
	void (*disconnect)(struct p9_client *clnt);
	void (*show_options)(struct seq_file *m, struct p9_client *clnt);
	struct list_head list;
};

/* &p9_trans_ops.share */
enum {
	P9_SHARE_NEVER,
	P9_SHARE_ASKED,
	P9_SHARE_ALWAYS,
};

struct sockaddr;
int p9_bind_privport(int family,
		     int (*bind)(void *ctx, struct sockaddr *sa, int len),
		     void *ctx);

int p9_trans_register(struct p9_trans_ops *ops);
void p9_trans_unregister(struct p9_trans_ops *ops);

void p9_client_cb(struct p9_client *clnt, struct p9_req *req, int status,
		  u32 rx_len);
bool p9_client_link_lost(struct p9_client *clnt);
struct p9_req *p9_req_get(struct p9_req *req);
void p9_req_put(struct p9_req *req);

void p9_client_set_trans_priv(struct p9_client *clnt, void *priv);
void *p9_client_trans_priv(const struct p9_client *clnt);
unsigned long p9_client_send_timeout(const struct p9_client *clnt);
void p9_client_set_limits(struct p9_client *clnt, u32 maxsize,
			  unsigned int max_zc_pages);

#endif /* _NET_9P_TRANSPORT_H */
