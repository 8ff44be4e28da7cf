/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private declarations of the 9P client core (9pnet.ko).
 */
#ifndef _NET_9P_INTERNAL_H
#define _NET_9P_INTERNAL_H

#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/rwsem.h>
#include <linux/workqueue.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/atomic.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <net/9p/client.h>
#include <net/9p/transport.h>

/* Statistics are kept per T-message type.  T-message numbers are even and
 * below 128, so type / 2 indexes them (64 slots); R-types never occur.
 */
#define P9_STAT_SLOTS	64
#define P9_STAT_SLOT(type)	(((type) >> 1) & (P9_STAT_SLOTS - 1))

/**
 * struct p9_op_stats - one message type's counters on one CPU
 * @count: requests handed to the transport
 * @errors: requests that completed with Rerror/Rlerror, a transport
 *	error, or were cancelled (signal, flush, dead connection)
 * @bytes_out: bytes sent (message plus zero-copy payload)
 * @bytes_in: bytes received (reply plus zero-copy payload)
 * @lat_ns: sum of latencies (send to completion) in nanoseconds
 */
struct p9_op_stats {
	u64 count;
	u64 errors;
	u64 bytes_out;
	u64 bytes_in;
	u64 lat_ns;
};

/* One CPU's counters: one struct p9_op_stats per message type. */
struct p9_stats_cpu {
	struct p9_op_stats op[P9_STAT_SLOTS];
};

/**
 * struct p9_stats - per session statistics, updated without locks
 * @pcpu: the counters, per CPU: updated with this_cpu_add() (safe in
 *	any context, the transports complete requests from interrupts);
 *	summed over CPUs when read, so a reader may see a request
 *	counted as sent but not yet completed
 * @lat_max: largest latency in nanoseconds per type; an atomic
 *	maximum (written only when a new maximum is seen)
 * @peak: most requests holding a tag at once
 * @tag_waits: times a caller found every tag in use and waited
 *
 * Allocated with the session, freed with it after its last request
 * released its tag.  Building with -DP9_NG_NO_STATS leaves them
 * untouched (to measure their cost).
 */
struct p9_stats {
	struct p9_stats_cpu __percpu *pcpu;
	atomic64_t lat_max[P9_STAT_SLOTS];
	atomic_t peak;
	atomic_t tag_waits;
};

/**
 * struct p9_session - one mount's attach on a channel
 * @clnt: the channel it sends on; valid while anything can send for the
 *	session (its mount, its fids, its requests: the channel outlives
 *	them, see p9_session_close())
 * @ref: references: the mount's (until p9_session_close()), one per fid
 *	of the session, one per request of it holding a tag.  The last put
 *	frees the session and never touches @clnt
 * @id: a small number naming the session in traces and debugfs
 * @msize: the mount's message size: the channel's, or less if asked
 * @dead: set by p9_session_disconnect() on a shared channel (umount -f
 *	of one mount): the session's waiters and new requests fail with
 *	-EIO; its clunks and flushes still go (the channel lives on, and
 *	its fid and tag numbers must come back)
 * @fids_live: fids of the session not yet released
 * @reqs_live: requests of the session holding a tag
 * @wq: woken when @fids_live or @reqs_live drops to zero, and at @dead
 * @debugfs: /sys/kernel/debug/9pnet/<id>/
 * @stats: statistics of the session's requests (its mountstats)
 */
struct p9_session {
	struct p9_client *clnt;
	struct kref ref;
	int id;
	u32 msize;
	bool dead;
	atomic_t fids_live;
	atomic_t reqs_live;
	wait_queue_head_t wq;
	struct dentry *debugfs;
	struct p9_stats stats;
};

/**
 * struct p9_client - one channel: a connection and its tag and fid spaces
 * @lock: guards @tags, @fids and @dead; taken with interrupts enabled only
 *	(never from transport callbacks)
 * @tags: tag -> struct p9_req holding the "tag reference" of the request;
 *	an entry stays until the reply or the Rflush for it arrived or the
 *	client was disconnected and the request completed
 * @fids: fid number -> struct p9_fid; an entry stays until Rclunk (or
 *	the clunk failed for good)
 * @dead: set by p9_client_disconnect(); no new request is sent
 * @trans: the transport; its module is referenced while the client lives
 * @trans_priv: the transport's connection state
 * @maxsize: the largest message the transport carries for this client
 * @max_zc_pages: most zero-copy pages one request may carry (0: none)
 * @msize: negotiated message size
 * @dialect: negotiated dialect
 * @req_timeout: jiffies a synchronous caller waits for its reply (or for
 *	a fid's flush fence) before giving up with -ETIMEDOUT; 0: no limit.
 *	Set before the first request, constant after
 * @fids_live: allocated fids not yet released
 * @reqs_live: requests holding a tag
 * @fence_wq: woken when a fid's flush fence drops
 * @tag_wq: callers waiting for a free tag (p9_tag_get()); woken when a
 *	tag is released while @tag_waiters is not 0, and at disconnect
 * @tag_waiters: callers in that wait
 * @wq: runs asynchronous completions; drained by p9_client_destroy()
 * @warned: set once a malformed reply was logged
 * @lacks: message types (P9_STAT_SLOT()) the server answered EOPNOTSUPP
 *	to where the client has another way (Trenameat, Tunlinkat): they
 *	are not sent again; bits are set once, never cleared
 * @id: a small number naming the channel in logs and traces
 * @users: sessions open on the channel (mounts); under p9_chan_mutex.
 *	The last p9_session_close() destroys the channel
 * @shares: mounts may join it (p9_chan_find())
 * @dev_name: what the transport was connected to, to find the channel
 * @key: the options it was created with, to find it (strings dangle)
 * @link: in the list of channels, under p9_chan_mutex
 * @reconnect: jiffies to keep trying to connect again after a loss (0:
 *	a loss disconnects); constant after creation
 * @recovering: the connection was lost and a recovery is at work: new
 *	requests are held (in the tag table, state SENT, with no transport)
 *	and sent when it ends; set under @lock, read anywhere
 * @trans_open: the transport is connected (->create() succeeded and no
 *	->close() since); under @trans_sem
 * @trans_sem: on a channel that reconnects, held for reading around every
 *	call into the transport (->cancel and ->show_options only try it,
 *	so that they never wait for a dial), and for writing by the recovery
 *	around ->close() and ->create().  Taken before @lock and before any
 *	lock of the transport
 * @rec_task: the task running the recovery: its own requests are sent
 * @rec_work: the recovery (net/9p/recover.c), on system_unbound_wq
 * @lost_at: jiffies of the loss
 * @relost: the connection the recovery made died too: it starts over
 *	(under @lock)
 * @nstale: fids marked stale: while not 0, new requests look their fid up
 * @rsess: the session the recovery's own Tversion is counted in
 *
 * Several mounts may share one channel (virtio: every mount of a tag;
 * tcp, unix, rdma: with shareconn): each is a struct p9_session with its
 * own attach, fids and statistics; the tags, the fid numbers, the
 * negotiated dialect and msize, and the transport are the channel's.
 */
struct p9_client {
	spinlock_t lock;	/* guards @tags, @fids, @dead */
	struct idr tags;
	struct idr fids;
	bool dead;
	struct p9_trans_ops *trans;
	void *trans_priv;
	u32 maxsize;
	unsigned int max_zc_pages;
	u32 msize;
	enum p9_dialect dialect;
	unsigned long req_timeout;
	atomic_t fids_live;
	atomic_t reqs_live;
	wait_queue_head_t fence_wq;
	wait_queue_head_t tag_wq;
	atomic_t tag_waiters;
	struct workqueue_struct *wq;
	bool warned;
	DECLARE_BITMAP(lacks, P9_STAT_SLOTS);
	int id;
	int users;
	bool shares;
	char *dev_name;
	struct p9_client_opts key;
	struct list_head link;
	unsigned long reconnect;
	bool recovering;
	bool trans_open;
	struct rw_semaphore trans_sem;
	struct task_struct *rec_task;
	struct work_struct rec_work;
	unsigned long lost_at;
	bool relost;
	atomic_t nstale;
	struct p9_session *rsess;
};

/**
 * struct p9_origin - what a fid's attach asked for, to attach again
 * @ref: references: one per fid descending from the attach
 * @n_uname: the numeric user
 * @uname: the user name
 * @aname: the tree
 */
struct p9_origin {
	struct kref ref;
	kuid_t n_uname;
	char *uname;
	char *aname;
};

/* mod.c */
struct p9_trans_ops *p9_trans_get(const char *name);
void p9_trans_put(struct p9_trans_ops *ops);
extern struct dentry *p9_debugfs_root;
void *p9_kvmalloc(size_t size, gfp_t gfp);
void *p9_buf_alloc(size_t size, gfp_t gfp);
void p9_buf_free(void *buf, size_t size);

/* request.c */
struct p9_req *p9_req_alloc(struct p9_session *sess, const struct p9_tmsg *tc,
			    size_t tx_extra, size_t rx_max, gfp_t gfp);
int p9_req_send(struct p9_client *clnt, struct p9_req *req);
int p9_req_wait(struct p9_client *clnt, struct p9_req *req,
		struct p9_rmsg *r);
int p9_rpc(struct p9_session *sess, struct p9_tmsg *tc, struct p9_rmsg *r,
	   struct p9_req **reqp);
int p9_rpc_newfid(struct p9_session *sess, struct p9_tmsg *tc,
		  struct p9_rmsg *r, struct p9_fid *nfid);
void p9_req_release_tag(struct p9_client *clnt, struct p9_req *req);
void p9_req_fail_all(struct p9_client *clnt);
void p9_clunk_async(struct p9_fid *fid);
int p9_fid_fence_wait(struct p9_fid *fid);

/* client.c */
struct p9_fid *p9_fid_new(struct p9_session *sess);
void p9_session_put(struct p9_session *sess);
struct p9_session *p9_session_alloc(void);
int p9_client_version(struct p9_client *clnt, struct p9_session *sess,
		      enum p9_dialect want);

/* recover.c */
void p9_recover_work(struct work_struct *work);
bool p9_retry_type(u8 type);
struct p9_origin *p9_origin_new(const char *uname, kuid_t n_uname,
				const char *aname);
void p9_origin_put(struct p9_origin *o);
void p9_fid_set_path(struct p9_fid *fid, struct p9_fid *from,
		     const struct p9_str *names, unsigned int n);
void p9_fid_forget(struct p9_fid *fid);
void p9_fid_drop_path(struct p9_fid *fid);
int p9_fid_check_stale(struct p9_client *clnt, const struct p9_tmsg *tc);
void p9_fid_release(struct p9_fid *fid);
/* ops.c */
int p9_mode_to_perm(enum p9_dialect d, umode_t mode, u32 *permp);

#endif /* _NET_9P_INTERNAL_H */
