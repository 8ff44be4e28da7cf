/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private declarations of the 9P client core (9pnet.ko).
 */
#ifndef _NET_9P_INTERNAL_H
#define _NET_9P_INTERNAL_H

#include <linux/idr.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/atomic.h>
#include <linux/seq_file.h>
#include <net/9p/client.h>
#include <net/9p/transport.h>

/* Message types are below 128: statistics are indexed by type. */
#define P9_STAT_TYPES	128

/**
 * struct p9_stats - per client counters, updated locklessly
 * @count: requests sent, per T-message type
 * @errors: requests that failed (any reason), per T-message type
 * @lat_ns: cumulative latency, per T-message type
 * @lat_max: largest latency seen, per T-message type
 * @bytes_out: bytes handed to the transport (including zero copy)
 * @bytes_in: bytes received
 * @peak: most requests in flight at once
 */
struct p9_stats {
	atomic64_t count[P9_STAT_TYPES];
	atomic64_t errors[P9_STAT_TYPES];
	atomic64_t lat_ns[P9_STAT_TYPES];
	atomic64_t lat_max[P9_STAT_TYPES];
	atomic64_t bytes_out;
	atomic64_t bytes_in;
	atomic_t peak;
};

/**
 * struct p9_client - one connection (one mount)
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
 * @fids_live: allocated fids not yet released
 * @reqs_live: requests holding a tag
 * @fence_wq: woken when a fid's flush fence drops
 * @wq: runs asynchronous completions; drained by p9_client_destroy()
 * @warned: set once a malformed reply was logged
 * @id: a small number naming the client in logs and debugfs
 * @debugfs: /sys/kernel/debug/9pnet/<id>/
 * @stats: statistics
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
	atomic_t fids_live;
	atomic_t reqs_live;
	wait_queue_head_t fence_wq;
	struct workqueue_struct *wq;
	bool warned;
	int id;
	struct dentry *debugfs;
	struct p9_stats stats;
};

/* mod.c */
struct p9_trans_ops *p9_trans_get(const char *name);
void p9_trans_put(struct p9_trans_ops *ops);
extern struct dentry *p9_debugfs_root;
void *p9_kvmalloc(size_t size, gfp_t gfp);
void *p9_buf_alloc(size_t size, gfp_t gfp);
void p9_buf_free(void *buf, size_t size);

/* request.c */
struct p9_req *p9_req_alloc(struct p9_client *clnt, const struct p9_tmsg *tc,
			    size_t tx_extra, size_t rx_max, gfp_t gfp);
int p9_req_send(struct p9_client *clnt, struct p9_req *req);
int p9_req_wait(struct p9_client *clnt, struct p9_req *req,
		struct p9_rmsg *r);
int p9_rpc(struct p9_client *clnt, struct p9_tmsg *tc, struct p9_rmsg *r,
	   struct p9_req **reqp);
void p9_req_release_tag(struct p9_client *clnt, struct p9_req *req);
void p9_req_fail_all(struct p9_client *clnt);
void p9_clunk_async(struct p9_client *clnt, struct p9_fid *fid);
int p9_fid_fence_wait(struct p9_fid *fid);

/* client.c */
struct p9_fid *p9_fid_new(struct p9_client *clnt);
void p9_fid_release(struct p9_fid *fid);
/* ops.c */
int p9_mode_to_perm(enum p9_dialect d, umode_t mode, u32 *permp);

#endif /* _NET_9P_INTERNAL_H */
