// SPDX-License-Identifier: GPL-2.0-only
/*
 * The client object: creation, version negotiation, session setup,
 * teardown, fids, statistics and debugfs.
 */
#define pr_fmt(fmt) "9pnet: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/idr.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/user_namespace.h>
#include "internal.h"
#include <trace/events/v9fs_ng.h>

/* Numbers naming channels in logs, and sessions in debugfs. */
static DEFINE_IDA(p9_client_ida);
static DEFINE_IDA(p9_session_ida);

/* Open channels, to be found by later mounts (p9_chan_find()).  The mutex
 * guards the list and every channel's @users; it is never held across a
 * request, so a server that does not answer holds up only its own mounts.
 */
static DEFINE_MUTEX(p9_chan_mutex);
static LIST_HEAD(p9_chans);

#define P9_DEFAULT_MSIZE	(512 * 1024)
/* How long umount waits for outstanding replies before failing them. */
#define P9_DESTROY_GRACE	(5 * HZ)

static const char * const p9_dialect_names[] = {
	[P9_LEGACY] = "9P2000",
	[P9_DOTU] = "9P2000.u",
	[P9_DOTL] = "9P2000.L",
};

/**
 * p9_client_set_trans_priv - a transport stores its connection state
 * @clnt: the client being created
 * @priv: the state, returned by p9_client_trans_priv()
 */
void p9_client_set_trans_priv(struct p9_client *clnt, void *priv)
{
	clnt->trans_priv = priv;
}
EXPORT_SYMBOL_GPL(p9_client_set_trans_priv);

/**
 * p9_client_trans_priv - the transport's connection state
 * @clnt: the client
 *
 * Return: what the transport stored with p9_client_set_trans_priv().
 */
void *p9_client_trans_priv(const struct p9_client *clnt)
{
	return clnt->trans_priv;
}
EXPORT_SYMBOL_GPL(p9_client_trans_priv);

/**
 * p9_client_send_timeout - how long a transport may wait for send room
 * @clnt: the client
 *
 * Return: the client's request timeout in jiffies (reqtimeout=), or
 * MAX_SCHEDULE_TIMEOUT if it has none.
 */
unsigned long p9_client_send_timeout(const struct p9_client *clnt)
{
	return clnt->req_timeout ?: MAX_SCHEDULE_TIMEOUT;
}
EXPORT_SYMBOL_GPL(p9_client_send_timeout);

/**
 * p9_client_set_limits - a transport lowers its limits for one connection
 * @clnt: the client being created (from &p9_trans_ops.create)
 * @maxsize: the largest message this connection carries
 * @max_zc_pages: most zero-copy payload pages in one request
 */
void p9_client_set_limits(struct p9_client *clnt, u32 maxsize,
			  unsigned int max_zc_pages)
{
	clnt->maxsize = min(clnt->maxsize, maxsize);
	clnt->max_zc_pages = min(clnt->max_zc_pages, max_zc_pages);
}
EXPORT_SYMBOL_GPL(p9_client_set_limits);

/* ---- fids ---- */

/* A new fid of @sess with one reference; not yet known to the server. */
struct p9_fid *p9_fid_new(struct p9_session *sess)
{
	struct p9_client *clnt = sess->clnt;
	struct p9_fid *fid;
	int id;

	fid = kzalloc(sizeof(*fid), GFP_NOFS);
	if (!fid)
		return ERR_PTR(-ENOMEM);
	fid->clnt = clnt;
	fid->sess = sess;
	refcount_set(&fid->ref, 1);
	fid->open_flags = -1;
	fid->uid = INVALID_UID;
	atomic_set(&fid->fence, 0);
	INIT_HLIST_NODE(&fid->fs_link);
	INIT_LIST_HEAD(&fid->rec_link);

	idr_preload(GFP_NOFS);
	spin_lock(&clnt->lock);
	id = clnt->dead ? -EIO :
	     idr_alloc_cyclic(&clnt->fids, fid, 0, INT_MAX, GFP_NOWAIT);
	spin_unlock(&clnt->lock);
	idr_preload_end();
	if (id < 0) {
		kfree(fid);
		return ERR_PTR(id == -ENOSPC ? -EMFILE : id);
	}
	fid->fid = id;
	kref_get(&sess->ref);
	atomic_inc(&sess->fids_live);
	atomic_inc(&clnt->fids_live);
	trace_v9fs_ng_fid_create(clnt->id, id);
	return fid;
}

/* The session's counts of fids and requests dropped (see @wq). */
static void p9_session_drop(struct p9_session *sess, atomic_t *count)
{
	if (atomic_dec_and_test(count))
		wake_up_all(&sess->wq);
}

/* Free @fid and its number; the server does not know it (any more). */
void p9_fid_release(struct p9_fid *fid)
{
	struct p9_client *clnt = fid->clnt;
	struct p9_session *sess = fid->sess;

	spin_lock(&clnt->lock);
	idr_remove(&clnt->fids, fid->fid);
	spin_unlock(&clnt->lock);
	p9_fid_forget(fid);
	kfree(fid);
	if (atomic_dec_and_test(&clnt->fids_live))
		wake_up_all(&clnt->fence_wq);
	p9_session_drop(sess, &sess->fids_live);
	p9_session_put(sess);
}

/**
 * p9_fid_get - take a reference on a fid
 * @fid: the fid, or NULL
 *
 * Return: @fid.
 */
struct p9_fid *p9_fid_get(struct p9_fid *fid)
{
	if (fid)
		refcount_inc(&fid->ref);
	return fid;
}
EXPORT_SYMBOL_GPL(p9_fid_get);

/**
 * p9_fid_put - drop a reference on a fid
 * @fid: the fid, or NULL/ERR_PTR (ignored)
 *
 * The last reference clunks the fid in the background: the call neither
 * sleeps on the server nor fails.  The fid number is reused only after
 * Rclunk (or the death of the connection).
 */
void p9_fid_put(struct p9_fid *fid)
{
	if (IS_ERR_OR_NULL(fid))
		return;
	if (refcount_dec_and_test(&fid->ref))
		p9_clunk_async(fid);
}
EXPORT_SYMBOL_GPL(p9_fid_put);

/* Create a fid on the server with Tattach or Tauth. */
static struct p9_fid *p9_session_fid(struct p9_session *sess, u8 type,
				     struct p9_fid *afid, const char *uname,
				     kuid_t n_uname, const char *aname)
{
	struct p9_tmsg tc = { .type = type };
	struct p9_str un = { uname ?: "", uname ? strlen(uname) : 0 };
	struct p9_str an = { aname ?: "", aname ? strlen(aname) : 0 };
	u32 nu = uid_valid(n_uname) ? from_kuid(&init_user_ns, n_uname) :
				      P9_NONUNAME;
	struct p9_rmsg r;
	struct p9_fid *fid;
	int err;

	fid = p9_fid_new(sess);
	if (IS_ERR(fid))
		return fid;
	if (type == P9_TATTACH) {
		tc.attach.fid = fid->fid;
		tc.attach.afid = afid ? afid->fid : P9_NOFID;
		tc.attach.uname = un;
		tc.attach.aname = an;
		tc.attach.n_uname = nu;
	} else {
		tc.auth.afid = fid->fid;
		tc.auth.uname = un;
		tc.auth.aname = an;
		tc.auth.n_uname = nu;
	}
	err = p9_rpc_newfid(sess, &tc, &r, fid);
	if (err)
		return ERR_PTR(err);
	fid->qid = r.qid.qid;
	fid->uid = n_uname;
	/* What a reconnect attaches again (not an authenticated attach:
	 * the authentication cannot be replayed).
	 */
	if (sess->clnt->reconnect && type == P9_TATTACH && !afid) {
		fid->origin = p9_origin_new(uname, n_uname, aname);
		if (fid->origin)
			fid->path = kstrdup("", GFP_NOFS);
	}
	return fid;
}

/**
 * p9_client_attach - attach to the server's file tree
 * @sess: the session
 * @afid: an authenticated fid from p9_client_auth(), or NULL
 * @uname: user name (NULL: empty)
 * @n_uname: numeric user (.u/.L), INVALID_UID for none
 * @aname: the tree to attach (NULL: empty)
 *
 * Return: the root fid, or an ERR_PTR.
 */
struct p9_fid *p9_client_attach(struct p9_session *sess, struct p9_fid *afid,
				const char *uname, kuid_t n_uname,
				const char *aname)
{
	return p9_session_fid(sess, P9_TATTACH, afid, uname, n_uname, aname);
}
EXPORT_SYMBOL_GPL(p9_client_attach);

/**
 * p9_client_auth - open an authentication fid
 * @sess: the session
 * @uname: user name
 * @n_uname: numeric user (.u/.L), INVALID_UID for none
 * @aname: the tree to attach
 *
 * Return: the auth fid, or an ERR_PTR (servers without authentication
 * answer with an error).
 */
struct p9_fid *p9_client_auth(struct p9_session *sess, const char *uname,
			      kuid_t n_uname, const char *aname)
{
	return p9_session_fid(sess, P9_TAUTH, NULL, uname, n_uname, aname);
}
EXPORT_SYMBOL_GPL(p9_client_auth);

/* ---- version ---- */

/* Negotiate on @clnt's connection, counted in @sess (the first session,
 * or the recovery's).
 */
int p9_client_version(struct p9_client *clnt, struct p9_session *sess,
		      enum p9_dialect want)
{
	struct p9_tmsg tc = { .type = P9_TVERSION };
	struct p9_req *req;
	struct p9_rmsg r;
	int err, d, found = -1;

	if (want > P9_DOTL)
		want = P9_DOTL;
	clnt->dialect = want;
	tc.version.msize = clnt->msize;
	tc.version.version.s = p9_dialect_names[want];
	tc.version.version.len = strlen(p9_dialect_names[want]);
	err = p9_rpc(sess, &tc, &r, &req);
	if (err) {
		pr_err("client %d: Tversion failed: %d\n", clnt->id, err);
		return err;
	}
	for (d = P9_LEGACY; d <= want; d++) {
		if (r.version.version.len == strlen(p9_dialect_names[d]) &&
		    !memcmp(r.version.version.s, p9_dialect_names[d],
			    r.version.version.len))
			found = d;
	}
	if (found < 0) {
		pr_err("client %d: server answered version \"%*pE\" to %s\n",
		       clnt->id, (int)min_t(size_t, r.version.version.len, 64),
		       r.version.version.s, p9_dialect_names[want]);
		err = r.version.version.len == 7 &&
		      !memcmp(r.version.version.s, "unknown", 7) ?
		      -EREMOTEIO : -EPROTONOSUPPORT;
	} else if (r.version.msize > clnt->msize ||
		   r.version.msize < P9_MIN_MSIZE) {
		pr_err("client %d: server answered msize %u to %u\n",
		       clnt->id, r.version.msize, clnt->msize);
		err = -EREMOTEIO;
	} else {
		clnt->dialect = found;
		clnt->msize = r.version.msize;
	}
	p9_req_put(req);
	return err;
}

/* ---- statistics and debugfs ---- */

/* Sum one message type's counters over every CPU into @sum. */
static void p9_stats_sum(const struct p9_session *sess, unsigned int slot,
			 struct p9_op_stats *sum)
{
	const struct p9_op_stats *op;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		op = &per_cpu_ptr(sess->stats.pcpu, cpu)->op[slot];
		sum->count += READ_ONCE(op->count);
		sum->errors += READ_ONCE(op->errors);
		sum->bytes_out += READ_ONCE(op->bytes_out);
		sum->bytes_in += READ_ONCE(op->bytes_in);
		sum->lat_ns += READ_ONCE(op->lat_ns);
	}
}

/**
 * p9_session_show_stats - print a session's statistics
 * @m: the seq_file (e.g. /proc/self/mountstats)
 * @sess: the session
 *
 * Prints "key: value" lines, each one starting with "\n\t" (the format of
 * /proc/self/mountstats, where the caller's text precedes them on the
 * "device" line and the VFS ends the last one): the channel, the
 * session's totals, then one line per message type it sent so far
 * ("Twalk: count errors bytes_sent bytes_received latency_total_ns
 * latency_max_ns").  Documentation/filesystems/9p.rst describes every
 * field.
 */
void p9_session_show_stats(struct seq_file *m, struct p9_session *sess)
{
	struct p9_client *clnt = sess->clnt;
	struct p9_op_stats op, tot = {};
	unsigned int t;

	/* Two passes over the CPUs keep the sums off the stack. */
	for (t = 0; t < P9_STAT_SLOTS; t++) {
		p9_stats_sum(sess, t, &op);
		tot.count += op.count;
		tot.errors += op.errors;
		tot.bytes_out += op.bytes_out;
		tot.bytes_in += op.bytes_in;
	}
	seq_printf(m, "\n\tclient: %d\n\tsession: %d\n\tsessions: %u\n\ttrans: %s\n\tmsize: %u\n\tdialect: %s",
		   clnt->id, sess->id, p9_session_users(sess),
		   clnt->trans->name, sess->msize,
		   p9_dialect_names[clnt->dialect]);
	seq_printf(m, "\n\tfids: %d\n\tinflight: %d\n\tinflight_max: %d\n\ttag_waits: %d",
		   atomic_read(&sess->fids_live), atomic_read(&sess->reqs_live),
		   atomic_read(&sess->stats.peak),
		   atomic_read(&sess->stats.tag_waits));
	seq_printf(m, "\n\trequests: %llu\n\terrors: %llu\n\tbytes_sent: %llu\n\tbytes_received: %llu",
		   tot.count, tot.errors, tot.bytes_out, tot.bytes_in);
	seq_puts(m, "\n\tlacks:");
	for_each_set_bit(t, clnt->lacks, P9_STAT_SLOTS)
		seq_printf(m, " %s", p9_msg_name(2 * t) ?: "?");
	seq_puts(m, "\n\tper-type: count errors bytes_sent bytes_received latency_total_ns latency_max_ns");
	for (t = 0; t < P9_STAT_SLOTS; t++) {
		/* Slot t counts T-message type 2t (P9_STAT_SLOT()). */
		const char *name = p9_msg_name(2 * t);

		p9_stats_sum(sess, t, &op);
		if (!op.count || !name)
			continue;
		seq_printf(m, "\n\t%s: %llu %llu %llu %llu %llu %lld",
			   name, op.count, op.errors,
			   op.bytes_out, op.bytes_in, op.lat_ns,
			   atomic64_read(&sess->stats.lat_max[t]));
	}
}
EXPORT_SYMBOL_GPL(p9_session_show_stats);

static int p9_stats_show(struct seq_file *m, void *v)
{
	seq_puts(m, "statvers=1");
	p9_session_show_stats(m, m->private);
	seq_putc(m, '\n');
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(p9_stats);

/* /sys/kernel/debug/9pnet/<session>/: one directory per mount. */
static void p9_session_debugfs(struct p9_session *sess)
{
	char name[16];

	snprintf(name, sizeof(name), "%d", sess->id);
	sess->debugfs = debugfs_create_dir(name, p9_debugfs_root);
	debugfs_create_atomic_t("fids", 0444, sess->debugfs,
				&sess->fids_live);
	debugfs_create_atomic_t("requests", 0444, sess->debugfs,
				&sess->reqs_live);
	debugfs_create_file("stats", 0444, sess->debugfs, sess,
			    &p9_stats_fops);
}

/* ---- channels: creation and teardown ---- */

/* Connect to @dev_name and negotiate msize and dialect with Tversion,
 * counted in @sess, the channel's first session.
 */
static struct p9_client *p9_client_create(const char *dev_name,
					  const struct p9_client_opts *opts,
					  struct p9_session *sess)
{
	struct p9_client *clnt;
	u32 msize;
	int err;

	clnt = kzalloc(sizeof(*clnt), GFP_KERNEL);
	if (!clnt)
		return ERR_PTR(-ENOMEM);
	clnt->dev_name = kstrdup(dev_name, GFP_KERNEL);
	if (!clnt->dev_name) {
		kfree(clnt);
		return ERR_PTR(-ENOMEM);
	}
	spin_lock_init(&clnt->lock);
	idr_init(&clnt->tags);
	idr_init(&clnt->fids);
	init_waitqueue_head(&clnt->fence_wq);
	init_waitqueue_head(&clnt->tag_wq);
	INIT_LIST_HEAD(&clnt->link);
	init_rwsem(&clnt->trans_sem);
	INIT_WORK(&clnt->rec_work, p9_recover_work);
	atomic_set(&clnt->nstale, 0);
	clnt->key = *opts;
	clnt->users = 1;
	clnt->id = ida_alloc(&p9_client_ida, GFP_KERNEL);
	if (clnt->id < 0) {
		err = clnt->id;
		goto free;
	}
	clnt->trans = p9_trans_get(opts->trans);
	if (!clnt->trans) {
		pr_err("no transport \"%s\"\n", opts->trans ?: "virtio");
		err = -EPROTONOSUPPORT;
		goto free_id;
	}
	clnt->shares = clnt->trans->share == P9_SHARE_ALWAYS ||
		       (clnt->trans->share == P9_SHARE_ASKED && opts->share);
	clnt->maxsize = clnt->trans->maxsize;
	clnt->max_zc_pages = clnt->trans->max_zc_pages;
	clnt->wq = alloc_workqueue("9pnet-%d", WQ_MEM_RECLAIM, 0, clnt->id);
	if (!clnt->wq) {
		err = -ENOMEM;
		goto put_trans;
	}
	err = clnt->trans->create(clnt, dev_name, opts);
	if (err)
		goto free_wq;
	clnt->trans_open = true;
	if (opts->reconnect && !clnt->trans->redial)
		pr_notice("reconnect: transport %s cannot connect again; ignored\n",
			  clnt->trans->name);
	else
		clnt->reconnect = (unsigned long)min_t(unsigned int,
						       opts->reconnect,
						       P9_MAX_REQ_TIMEOUT) * HZ;

	msize = opts->msize ?: P9_DEFAULT_MSIZE;
	if (msize < P9_MIN_MSIZE) {
		pr_err("msize %u is below the minimum %u\n", msize,
		       P9_MIN_MSIZE);
		err = -EINVAL;
		goto close;
	}
	if (msize > clnt->maxsize) {
		if (opts->msize)
			pr_info("msize %u lowered to %u, the most transport %s carries\n",
				msize, clnt->maxsize, clnt->trans->name);
		msize = clnt->maxsize;
	}
	clnt->msize = msize;
	if (opts->req_timeout > P9_MAX_REQ_TIMEOUT) {
		pr_err("reqtimeout %u is above the maximum %u\n",
		       opts->req_timeout, P9_MAX_REQ_TIMEOUT);
		err = -EINVAL;
		goto close;
	}
	clnt->req_timeout = (unsigned long)opts->req_timeout * HZ;
	sess->clnt = clnt;
	sess->msize = clnt->msize;
	err = p9_client_version(clnt, sess, opts->dialect);
	if (err)
		goto close;
	sess->msize = clnt->msize;
	return clnt;

close:
	p9_req_fail_all(clnt);
	clnt->trans->close(clnt);
	drain_workqueue(clnt->wq);
free_wq:
	destroy_workqueue(clnt->wq);
put_trans:
	p9_trans_put(clnt->trans);
free_id:
	ida_free(&p9_client_ida, clnt->id);
free:
	idr_destroy(&clnt->tags);
	idr_destroy(&clnt->fids);
	kfree(clnt->dev_name);
	kfree(clnt);
	sess->clnt = NULL;
	return ERR_PTR(err);
}

/**
 * p9_client_disconnect - fail every pending and later request with -EIO
 * @clnt: the channel
 *
 * For umount -f of its only mount, dead links and device removal: every
 * session on the channel fails.  Pending waiters return at once; their
 * buffers stay with the transport until it is done with them.
 */
void p9_client_disconnect(struct p9_client *clnt)
{
	p9_req_fail_all(clnt);
	/* Senders waiting for room see their requests done now. */
	if (clnt->trans->disconnect)
		clnt->trans->disconnect(clnt);
	wake_up_all(&clnt->fence_wq);
}
EXPORT_SYMBOL_GPL(p9_client_disconnect);

/* Tear a channel down once its last session closed: wait a little for
 * outstanding clunks and flushes, then fail what is left, close the
 * transport and free everything.  Never waits for a server that does
 * not answer longer than that grace period.
 */
static void p9_client_destroy(struct p9_client *clnt)
{
	struct p9_fid *fid;
	int id, left = 0;

	wait_event_killable_timeout(clnt->fence_wq,
				    !atomic_read(&clnt->reqs_live) &&
				    !atomic_read(&clnt->fids_live),
				    P9_DESTROY_GRACE);
	p9_client_disconnect(clnt);
	/* A recovery at work sees the client dead and ends. */
	flush_work(&clnt->rec_work);
	/* Asynchronous work still queued finds the client dead and fails
	 * at once; a sender waiting for ring space sees its request done.
	 */
	drain_workqueue(clnt->wq);
	if (clnt->trans_open)
		clnt->trans->close(clnt);
	destroy_workqueue(clnt->wq);

	idr_for_each_entry(&clnt->fids, fid, id) {
		left++;
		idr_remove(&clnt->fids, id);
		atomic_dec(&fid->sess->fids_live);
		p9_session_put(fid->sess);
		p9_fid_forget(fid);
		kfree(fid);
	}
	if (clnt->rsess)
		p9_session_put(clnt->rsess);
	if (left)
		pr_warn("client %d: %d fids still referenced at destroy\n",
			clnt->id, left);
	if (atomic_read(&clnt->reqs_live))
		pr_warn("client %d: %d requests left at destroy\n",
			clnt->id, atomic_read(&clnt->reqs_live));
	idr_destroy(&clnt->tags);
	idr_destroy(&clnt->fids);
	p9_trans_put(clnt->trans);
	ida_free(&p9_client_ida, clnt->id);
	kfree(clnt->dev_name);
	kfree(clnt);
}

/* Whether a mount with @opts of @dev_name may join @clnt: the same
 * transport, device or address and transport options.  Under
 * p9_chan_mutex.
 */
static bool p9_chan_same(const struct p9_client *clnt, const char *dev_name,
			 const struct p9_client_opts *opts)
{
	const struct p9_client_opts *k = &clnt->key;

	lockdep_assert_held(&p9_chan_mutex);
	return strcmp(clnt->trans->name, opts->trans ?: "virtio") == 0 &&
	       strcmp(clnt->dev_name, dev_name) == 0 &&
	       k->fd.port == opts->fd.port &&
	       k->fd.privport == opts->fd.privport &&
	       k->rdma.port == opts->rdma.port &&
	       k->rdma.sq == opts->rdma.sq && k->rdma.rq == opts->rdma.rq &&
	       k->rdma.timeout == opts->rdma.timeout &&
	       k->rdma.privport == opts->rdma.privport;
}

/* The open channel a mount with @opts joins, with a new user; NULL if it
 * connects on its own; an ERR_PTR if the channel it would join was made
 * with options a mount cannot differ in (the dialect asked for, the
 * request timeout).  Under p9_chan_mutex.
 */
static struct p9_client *p9_chan_find(const char *dev_name,
				      const struct p9_client_opts *opts)
{
	struct p9_client *clnt;

	lockdep_assert_held(&p9_chan_mutex);
	list_for_each_entry(clnt, &p9_chans, link) {
		if (READ_ONCE(clnt->dead) || !p9_chan_same(clnt, dev_name, opts))
			continue;
		if (!clnt->shares ||
		    (clnt->trans->share == P9_SHARE_ASKED && !opts->share))
			continue;
		if (clnt->key.dialect != opts->dialect ||
		    clnt->key.req_timeout != opts->req_timeout ||
		    clnt->key.reconnect != opts->reconnect) {
			pr_err("%s is mounted with another version=, reqtimeout= or reconnect=: a mount sharing its channel must ask the same\n",
			       dev_name);
			return ERR_PTR(-EBUSY);
		}
		clnt->users++;
		return clnt;
	}
	return NULL;
}

/* ---- sessions ---- */

static void p9_session_free(struct kref *ref)
{
	struct p9_session *sess = container_of(ref, struct p9_session, ref);

	ida_free(&p9_session_ida, sess->id);
	free_percpu(sess->stats.pcpu);
	kfree(sess);
}

/* Drop a reference on @sess (see &p9_session.ref); any context but hard
 * interrupts.
 */
void p9_session_put(struct p9_session *sess)
{
	kref_put(&sess->ref, p9_session_free);
}

/* A new session with one reference, on no channel yet. */
struct p9_session *p9_session_alloc(void)
{
	struct p9_session *sess;
	int err;

	sess = kzalloc(sizeof(*sess), GFP_KERNEL);
	if (!sess)
		return ERR_PTR(-ENOMEM);
	kref_init(&sess->ref);
	atomic_set(&sess->fids_live, 0);
	atomic_set(&sess->reqs_live, 0);
	init_waitqueue_head(&sess->wq);
	sess->stats.pcpu = alloc_percpu(struct p9_stats_cpu);
	sess->id = ida_alloc(&p9_session_ida, GFP_KERNEL);
	if (!sess->stats.pcpu || sess->id < 0) {
		err = sess->id < 0 ? sess->id : -ENOMEM;
		if (sess->id >= 0)
			ida_free(&p9_session_ida, sess->id);
		free_percpu(sess->stats.pcpu);
		kfree(sess);
		return ERR_PTR(err);
	}
	return sess;
}

/**
 * p9_session_open - open a mount's session
 * @dev_name: what the transport connects to (virtio: the mount tag)
 * @opts: options parsed by the file system
 *
 * Joins the open channel to the same place if it may be shared (virtio:
 * always; tcp, unix, rdma: if both mounts ask, @opts->share), else loads
 * the transport, connects and negotiates msize and dialect with Tversion.
 * The session's msize is the channel's, or @opts->msize if lower.  The
 * caller attaches with p9_client_attach().
 *
 * Return: the session, or an ERR_PTR (-EBUSY: the channel to share has
 * another version= or reqtimeout=).
 */
struct p9_session *p9_session_open(const char *dev_name,
				   const struct p9_client_opts *opts)
{
	struct p9_session *sess;
	struct p9_client *clnt;

	sess = p9_session_alloc();
	if (IS_ERR(sess))
		return sess;

	mutex_lock(&p9_chan_mutex);
	clnt = p9_chan_find(dev_name, opts);
	mutex_unlock(&p9_chan_mutex);
	if (IS_ERR(clnt)) {
		p9_session_put(sess);
		return ERR_CAST(clnt);
	}
	if (clnt) {
		sess->clnt = clnt;
		sess->msize = clnt->msize;
		if (opts->msize && opts->msize < sess->msize)
			sess->msize = max_t(u32, opts->msize, P9_MIN_MSIZE);
	} else {
		/* Two first mounts at once each connect; the transport
		 * refuses the second where a device carries one channel.
		 */
		clnt = p9_client_create(dev_name, opts, sess);
		if (IS_ERR(clnt)) {
			p9_session_put(sess);
			return ERR_CAST(clnt);
		}
		mutex_lock(&p9_chan_mutex);
		list_add(&clnt->link, &p9_chans);
		mutex_unlock(&p9_chan_mutex);
	}
	p9_session_debugfs(sess);
	return sess;
}
EXPORT_SYMBOL_GPL(p9_session_open);

/**
 * p9_session_disconnect - fail a session's requests (umount -f)
 * @sess: the session
 *
 * Alone on its channel, the whole channel fails (p9_client_disconnect()).
 * Sharing it, only this session: its waiters return -EIO (within a
 * second: p9_req_wait() looks once a second) and are flushed in the
 * background, its new requests fail; the other mounts go on.
 */
void p9_session_disconnect(struct p9_session *sess)
{
	struct p9_client *clnt = sess->clnt;

	if (p9_session_users(sess) <= 1) {
		p9_client_disconnect(clnt);
		return;
	}
	WRITE_ONCE(sess->dead, true);
	wake_up_all(&sess->wq);
	wake_up_all(&clnt->fence_wq);
	wake_up_all(&clnt->tag_wq);
}
EXPORT_SYMBOL_GPL(p9_session_disconnect);

/**
 * p9_session_close - leave the channel at umount
 * @sess: the session; the file system has put all its fids
 *
 * Waits a little for the session's clunks and flushes; the last session
 * on a channel then tears the channel down (p9_client_destroy()).  A
 * session's requests still pending on a shared channel complete later
 * (they hold the session, not the mount).
 */
void p9_session_close(struct p9_session *sess)
{
	struct p9_client *clnt = sess->clnt;
	bool last;

	wait_event_killable_timeout(sess->wq,
				    !atomic_read(&sess->reqs_live) &&
				    !atomic_read(&sess->fids_live),
				    P9_DESTROY_GRACE);
	mutex_lock(&p9_chan_mutex);
	last = --clnt->users == 0;
	if (last)
		list_del_init(&clnt->link);
	mutex_unlock(&p9_chan_mutex);
	debugfs_remove_recursive(sess->debugfs);
	sess->debugfs = NULL;
	if (last)
		p9_client_destroy(clnt);
	p9_session_put(sess);
}
EXPORT_SYMBOL_GPL(p9_session_close);

/**
 * p9_session_client - the channel a session sends on
 * @sess: the session
 *
 * Return: the channel (for its capabilities, dialect and transport).
 */
struct p9_client *p9_session_client(const struct p9_session *sess)
{
	return sess->clnt;
}
EXPORT_SYMBOL_GPL(p9_session_client);

/**
 * p9_session_msize - the mount's message size
 * @sess: the session
 *
 * Return: the channel's msize, or the lower one the mount asked for.
 */
unsigned int p9_session_msize(const struct p9_session *sess)
{
	return sess->msize;
}
EXPORT_SYMBOL_GPL(p9_session_msize);

/**
 * p9_session_users - how many mounts share the session's channel
 * @sess: the session
 *
 * Return: the number of sessions open on the channel (1: only this one).
 */
unsigned int p9_session_users(const struct p9_session *sess)
{
	return READ_ONCE(sess->clnt->users);
}
EXPORT_SYMBOL_GPL(p9_session_users);

/* ---- accessors ---- */

/**
 * p9_client_msize - the negotiated message size
 * @clnt: the client
 *
 * Return: msize in bytes.
 */
unsigned int p9_client_msize(const struct p9_client *clnt)
{
	return clnt->msize;
}
EXPORT_SYMBOL_GPL(p9_client_msize);

/* What each dialect lets the file system rely on (P9_CAP_*). */
static const unsigned int p9_dialect_caps[] = {
	[P9_LEGACY]	= 0,
	[P9_DOTU]	= 0,
	[P9_DOTL]	= P9_CAP_NLINK | P9_CAP_CREATE_GID | P9_CAP_DIR_RENAME |
			  P9_CAP_DIR_OFFSETS | P9_CAP_XATTR |
			  P9_CAP_CLIENT_ACCESS,
};

/**
 * p9_client_has - whether the connection has capabilities
 * @clnt: the client
 * @caps: P9_CAP_* bits
 *
 * Return: true if the negotiated dialect has every one of @caps.
 */
bool p9_client_has(const struct p9_client *clnt, unsigned int caps)
{
	return (p9_dialect_caps[clnt->dialect] & caps) == caps;
}
EXPORT_SYMBOL_GPL(p9_client_has);

/**
 * p9_client_dialect - the negotiated dialect
 * @clnt: the client
 *
 * Return: P9_LEGACY, P9_DOTU or P9_DOTL.
 */
enum p9_dialect p9_client_dialect(const struct p9_client *clnt)
{
	return clnt->dialect;
}
EXPORT_SYMBOL_GPL(p9_client_dialect);

/**
 * p9_client_trans_name - the transport's name
 * @clnt: the client
 *
 * Return: e.g. "virtio".
 */
const char *p9_client_trans_name(const struct p9_client *clnt)
{
	return clnt->trans->name;
}
EXPORT_SYMBOL_GPL(p9_client_trans_name);

/**
 * p9_client_show_options - the transport's mount options, for /proc/mounts
 * @m: the seq_file of the mount's options
 * @clnt: the client
 *
 * Each transport shows its own options (port, rfdno, rq...), as it owns
 * what they mean.  While a reconnect= channel has no connection they are
 * left out.
 */
void p9_client_show_options(struct seq_file *m, struct p9_client *clnt)
{
	if (!clnt->trans->show_options)
		return;
	if (!clnt->reconnect) {
		clnt->trans->show_options(m, clnt);
		return;
	}
	/* A recovery may have closed the connection (its state is freed):
	 * shown only while one is open, and never waiting for a dial.
	 */
	if (!down_read_trylock(&clnt->trans_sem))
		return;
	if (clnt->trans_open)
		clnt->trans->show_options(m, clnt);
	up_read(&clnt->trans_sem);
}
EXPORT_SYMBOL_GPL(p9_client_show_options);

/**
 * p9_client_iosize - the largest payload one Tread/Twrite carries
 * @fid: an open fid
 *
 * Return: the session's msize - P9_IOHDRSZ, or the fid's iounit if
 * smaller and nonzero.
 */
u32 p9_client_iosize(const struct p9_fid *fid)
{
	u32 n = fid->sess->msize - P9_IOHDRSZ;

	if (fid->iounit && fid->iounit < n)
		n = fid->iounit;
	return n;
}
EXPORT_SYMBOL_GPL(p9_client_iosize);

/**
 * p9_client_fids_live - fids allocated and not yet released
 * @clnt: the client
 *
 * Return: the count (fids being clunked included).
 */
unsigned int p9_client_fids_live(const struct p9_client *clnt)
{
	return atomic_read(&clnt->fids_live);
}
EXPORT_SYMBOL_GPL(p9_client_fids_live);

/**
 * p9_client_requests_live - requests holding a tag
 * @clnt: the client
 *
 * Return: the count (flushed requests awaiting Rflush included).
 */
unsigned int p9_client_requests_live(const struct p9_client *clnt)
{
	return atomic_read(&clnt->reqs_live);
}
EXPORT_SYMBOL_GPL(p9_client_requests_live);
