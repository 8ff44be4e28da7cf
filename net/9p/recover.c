// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reconnect: a channel mounted with reconnect=S survives the loss of its
 * connection (the server restarted, a tcp reset) for up to S seconds.
 *
 * What happens on a loss (the transport calls p9_client_link_lost() before
 * it fails its requests):
 * - Requests in flight that may be done twice (reads, writes but on
 *   O_APPEND fids, getattr, setattr, walks, opens, readdir, clunks...:
 *   p9_retry_type()) are kept; any other (create, mkdir, rename, remove,
 *   link, lock...) fails with -EIO, as the server may or may not have done
 *   it: nothing is done twice silently.
 * - New requests are held (state SENT, a tag, no transport) until the
 *   recovery ends; their callers wait as for any reply (killable, and
 *   bounded by reqtimeout= if set).
 * - The recovery (p9_recover_work(), on system_unbound_wq) closes the old
 *   connection, dials again with back-off until S seconds after the loss,
 *   negotiates the same dialect and msize, and rebuilds every fid the
 *   server had: it attaches again as the fid's attach did (user names and
 *   tree), walks the names the fid was reached by to the same fid number
 *   and, if the fid was open, opens it with its open flags (without
 *   O_CREAT, O_EXCL, O_TRUNC).  A fid whose walk fails, whose file is now
 *   another one (qid), that was made by Txattrwalk or an authenticated
 *   attach, or on which a lock was granted (the server dropped the lock
 *   with the connection) is marked stale: requests on it fail with
 *   -ESTALE, so only its users see the loss.
 * - Then the kept and held requests go out on the new connection, in tag
 *   order (no two of them depend on each other: a request is issued only
 *   after the one it needs was answered); a held Tflush is not sent (its
 *   request died with the old connection: it completes as flushed), nor is
 *   a request whose waiter left.
 * - If no connection comes within S seconds, or the server answers with
 *   another dialect or a smaller msize, the channel is disconnected: every
 *   request fails with -EIO, as without the option.
 *
 * Paths are the names as walked: a file renamed since it was walked is
 * found under its old name, and then it is gone or another file (the
 * qid differs): stale, never the wrong file.  Only the fid passed to a
 * rename learns its new name.
 *
 * Locking: @recovering is set and cleared under clnt->lock; @held of a
 * request is set under it (or, for a request kept at the loss, from the
 * old connection's callback, which ends before the recovery looks:
 * ->close() waits for it); the recovery holds @trans_sem for writing only
 * around ->close() and ->create().
 */
#define pr_fmt(fmt) "9pnet: " fmt

#include <linux/slab.h>
#include <linux/delay.h>
#include <linux/sched.h>
#include <linux/string.h>
#include "internal.h"

/* Back-off between two dials: from the first to the last. */
#define P9_REDIAL_FIRST	(HZ / 10)
#define P9_REDIAL_MAX	(2 * HZ)

/* The open flags a fid is opened with again: nothing that creates. */
#define P9_REOPEN_MASK	(~(O_CREAT | O_EXCL | O_TRUNC))

/**
 * p9_retry_type - whether a request of @type may be sent twice
 * @type: a T-message type
 *
 * Return: true for requests whose second execution changes nothing the
 * first did not (Twrite on an O_APPEND fid is refused by its caller).
 */
bool p9_retry_type(u8 type)
{
	switch (type) {
	case P9_TREAD:
	case P9_TWRITE:
	case P9_TGETATTR:
	case P9_TSETATTR:
	case P9_TSTATFS:
	case P9_TSTAT:
	case P9_TWALK:
	case P9_TLOPEN:
	case P9_TOPEN:
	case P9_TREADDIR:
	case P9_TREADLINK:
	case P9_TXATTRWALK:
	case P9_TGETLOCK:
	case P9_TFSYNC:
	case P9_TCLUNK:
	case P9_TATTACH:
		return true;
	default:
		return false;
	}
}

/* ---- what a fid is rebuilt from ---- */

/* An origin for an attach of @uname/@n_uname to @aname, or NULL. */
struct p9_origin *p9_origin_new(const char *uname, kuid_t n_uname,
				const char *aname)
{
	struct p9_origin *o = kzalloc(sizeof(*o), GFP_NOFS);

	if (!o)
		return NULL;
	kref_init(&o->ref);
	o->n_uname = n_uname;
	o->uname = kstrdup(uname ?: "", GFP_NOFS);
	o->aname = kstrdup(aname ?: "", GFP_NOFS);
	if (!o->uname || !o->aname) {
		kfree(o->uname);
		kfree(o->aname);
		kfree(o);
		return NULL;
	}
	return o;
}

static void p9_origin_free(struct kref *ref)
{
	struct p9_origin *o = container_of(ref, struct p9_origin, ref);

	kfree(o->uname);
	kfree(o->aname);
	kfree(o);
}

void p9_origin_put(struct p9_origin *o)
{
	if (o)
		kref_put(&o->ref, p9_origin_free);
}

/* Free what @fid keeps for a rebuild (the fid itself goes after). */
void p9_fid_forget(struct p9_fid *fid)
{
	if (fid->stale)
		atomic_dec(&fid->clnt->nstale);
	kfree(fid->path);
	fid->path = NULL;
	p9_origin_put(fid->origin);
	fid->origin = NULL;
}

/**
 * p9_fid_set_path - remember how @fid was reached, for a reconnect
 * @fid: the fid the server just created (or renamed, or created a file on)
 * @from: the fid it was walked from (or the directory); may be @fid
 * @names: the names walked from @from
 * @n: how many
 *
 * Without reconnect=, or if @from cannot be rebuilt, @fid cannot either.
 * Memory shortage leaves @fid without a path: a reconnect marks it stale.
 */
void p9_fid_set_path(struct p9_fid *fid, struct p9_fid *from,
		     const struct p9_str *names, unsigned int n)
{
	struct p9_origin *o = from->origin;
	size_t len = from->path ? strlen(from->path) : 0, i, at;
	char *p;

	if (!fid->clnt->reconnect)
		return;
	if (!o || !from->path) {
		p = NULL;
		o = NULL;
	} else {
		for (i = 0; i < n; i++)
			len += names[i].len + 1;
		p = kmalloc(len + 1, GFP_NOFS);
		if (p) {
			at = strlen(from->path);
			memcpy(p, from->path, at);
			for (i = 0; i < n; i++) {
				if (at)
					p[at++] = '/';
				memcpy(p + at, names[i].s, names[i].len);
				at += names[i].len;
			}
			p[at] = '\0';
		}
		kref_get(&o->ref);
	}
	kfree(fid->path);
	p9_origin_put(fid->origin);
	fid->path = p;
	fid->origin = p ? o : NULL;
	if (!p && o)
		p9_origin_put(o);
}

/* @fid is not what its path names any more (an xattr fid). */
void p9_fid_drop_path(struct p9_fid *fid)
{
	kfree(fid->path);
	fid->path = NULL;
}

/* -ESTALE if @tc acts on a fid marked stale (but for Tclunk), else 0. */
int p9_fid_check_stale(struct p9_client *clnt, const struct p9_tmsg *tc)
{
	u32 n = p9_tmsg_fid(tc);
	struct p9_fid *fid;
	bool stale = false;

	if (tc->type == P9_TCLUNK || n == P9_NOFID)
		return 0;
	spin_lock(&clnt->lock);
	fid = idr_find(&clnt->fids, n);
	if (fid)
		stale = fid->stale;
	spin_unlock(&clnt->lock);
	return stale ? -ESTALE : 0;
}

/* ---- the loss ---- */

/**
 * p9_client_link_lost - a transport's connection died
 * @clnt: the client
 *
 * Called by a transport that can connect again (&p9_trans_ops.redial)
 * when its connection dies, before it fails the requests it holds.
 * Process context.
 *
 * Return: true if a recovery took over (reconnect=): the transport fails
 * its requests (p9_client_cb() keeps those that may be sent again) and
 * does not disconnect the client; false if the transport disconnects it.
 */
bool p9_client_link_lost(struct p9_client *clnt)
{
	bool start = false, on;

	if (!clnt->reconnect)
		return false;
	spin_lock(&clnt->lock);
	if (!clnt->dead && !clnt->recovering) {
		WRITE_ONCE(clnt->recovering, true);
		clnt->lost_at = jiffies;
		start = true;
	} else if (clnt->recovering) {
		WRITE_ONCE(clnt->relost, true);
	}
	on = clnt->recovering;
	spin_unlock(&clnt->lock);
	if (start) {
		pr_info("client %d: connection lost: connecting again for up to %lu s\n",
			clnt->id, clnt->reconnect / HZ);
		queue_work(system_unbound_wq, &clnt->rec_work);
	}
	return on;
}
EXPORT_SYMBOL_GPL(p9_client_link_lost);

/* ---- the recovery ---- */

/* One attach of the recovery: a root to walk fids of @o from. */
struct p9_rebuild_root {
	struct list_head link;
	struct p9_origin *o;
	struct p9_fid *root;
};

/* The root for @fid's origin, attached on first use; NULL if that failed
 * (then also for the next fids of the origin).
 */
static struct p9_fid *p9_rebuild_root(struct list_head *roots,
				      struct p9_fid *fid)
{
	struct p9_rebuild_root *rr;
	struct p9_fid *root;

	list_for_each_entry(rr, roots, link)
		if (rr->o == fid->origin)
			return rr->root;
	root = p9_client_attach(fid->sess, NULL, fid->origin->uname,
				fid->origin->n_uname, fid->origin->aname);
	if (IS_ERR(root))
		root = NULL;
	rr = kzalloc(sizeof(*rr), GFP_NOFS);
	if (!rr) {
		p9_fid_put(root);
		return NULL;
	}
	rr->o = fid->origin;
	kref_get(&rr->o->ref);	/* compared with the next fids' */
	rr->root = root;
	list_add(&rr->link, roots);
	return root;
}

/* Walk @root along @fid's path to @fid's own number; open it as it was.
 * 0, or a negative errno (the fid is then stale).
 */
static int p9_rebuild_fid(struct p9_fid *root, struct p9_fid *fid)
{
	struct p9_tmsg tc = { .type = P9_TWALK };
	struct p9_str names[P9_MAXWELEM];
	struct p9_qid qid = root->qid;
	const char *p = fid->path;
	struct p9_rmsg r;
	bool first = true;
	unsigned int n;
	int err, flags;

	do {
		for (n = 0; *p && n < P9_MAXWELEM; n++) {
			const char *e = strchrnul(p, '/');

			names[n].s = p;
			names[n].len = e - p;
			p = *e ? e + 1 : e;
		}
		tc.walk.fid = first ? root->fid : fid->fid;
		tc.walk.newfid = fid->fid;
		tc.walk.nwname = n;
		memcpy(tc.walk.wname, names, n * sizeof(names[0]));
		err = p9_rpc(fid->sess, &tc, &r, NULL);
		if (err)
			return err;
		if (r.walk.nwqid < n)
			return -ENOENT;
		if (n)
			qid = r.walk.wqid[n - 1];
		first = false;
	} while (*p);
	if (qid.path != fid->qid.path || qid.type != fid->qid.type)
		return -ESTALE;
	if (fid->open_flags == -1)
		return 0;
	/* Open it as it was: p9_client_open() sets what it had again. */
	flags = fid->open_flags;
	fid->open_flags = -1;
	err = p9_client_open(fid, flags & P9_REOPEN_MASK);
	fid->open_flags = flags;
	if (err)
		return err;
	return fid->qid.path == qid.path ? 0 : -ESTALE;
}

static void p9_fid_mark_stale(struct p9_fid *fid, int why)
{
	if (fid->stale)
		return;
	fid->stale = true;
	atomic_inc(&fid->clnt->nstale);
	pr_info_ratelimited("client %d: fid %u (%s) not rebuilt after the reconnect: %d\n",
			    fid->clnt->id, fid->fid,
			    fid->path ?: "no path", why);
}

/* Rebuild every fid the old server had: 0, -EIO if the client died,
 * -EAGAIN if the new connection died too.
 */
static int p9_rebuild_fids(struct p9_client *clnt)
{
	struct p9_rebuild_root *rr, *rn;
	struct p9_fid *fid, *next;
	LIST_HEAD(roots);
	LIST_HEAD(fids);
	int id, err;

	spin_lock(&clnt->lock);
	idr_for_each_entry(&clnt->fids, fid, id) {
		if (fid->ready && !fid->stale &&
		    refcount_inc_not_zero(&fid->ref))
			list_add_tail(&fid->rec_link, &fids);
	}
	spin_unlock(&clnt->lock);

	list_for_each_entry_safe(fid, next, &fids, rec_link) {
		struct p9_fid *root;

		err = 0;
		list_del_init(&fid->rec_link);
		if (READ_ONCE(clnt->dead)) {
			p9_fid_put(fid);
			continue;
		}
		root = NULL;
		if (!fid->origin || !fid->path)
			err = -EOPNOTSUPP;
		else if (fid->locked)
			err = -ENOLCK;
		else
			root = p9_rebuild_root(&roots, fid);
		if (root)
			err = p9_rebuild_fid(root, fid);
		else if (!err)
			err = -EACCES;
		/* An error because the new connection died is not the
		 * fid's: the recovery starts over.
		 */
		if (READ_ONCE(clnt->relost))
			err = -EAGAIN;
		else if (err)
			p9_fid_mark_stale(fid, err);
		p9_fid_put(fid);
		if (err == -EAGAIN)
			break;
	}
	/* Those not looked at: their references go. */
	list_for_each_entry_safe(fid, next, &fids, rec_link) {
		list_del_init(&fid->rec_link);
		p9_fid_put(fid);
	}
	list_for_each_entry_safe(rr, rn, &roots, link) {
		p9_fid_put(rr->root);
		p9_origin_put(rr->o);
		kfree(rr);
	}
	if (READ_ONCE(clnt->dead))
		return -EIO;
	return READ_ONCE(clnt->relost) ? -EAGAIN : 0;
}

/* Send again what the recovery kept and held (see the top of the file). */
static void p9_recover_resend(struct p9_client *clnt)
{
	struct p9_req *req, *next;
	LIST_HEAD(reqs);
	int tag, err;

	spin_lock(&clnt->lock);
	WRITE_ONCE(clnt->recovering, false);
	idr_for_each_entry(&clnt->tags, req, tag) {
		if (!req->held)
			continue;
		req->held = false;
		p9_req_get(req);
		list_add_tail(&req->rec_link, &reqs);
	}
	spin_unlock(&clnt->lock);

	list_for_each_entry_safe(req, next, &reqs, rec_link) {
		list_del_init(&req->rec_link);
		err = 0;
		if (req->tc.type == P9_TFLUSH) {
			/* Its request died with the old connection. */
			if (req->flushed)
				p9_client_cb(clnt, req->flushed, -EINTR, 0);
			err = -EIO;
		} else if (atomic_read(&req->state) != P9_REQ_SENT) {
			err = -EINTR;	/* its waiter left */
		} else if (atomic_read(&clnt->nstale)) {
			err = p9_fid_check_stale(clnt, &req->tc);
		}
		if (!err) {
			/* A reply header of the old connection must not
			 * pass for one of the new (p9_reply_len()).
			 */
			memset(req->rx, 0, P9_HDRSZ);
			down_read(&clnt->trans_sem);
			err = clnt->trans_open ?
			      clnt->trans->request(clnt, req) : -EIO;
			up_read(&clnt->trans_sem);
		}
		if (err)
			p9_client_cb(clnt, req, err, 0);
		p9_req_put(req);
	}
}

/* Dial again until the deadline: 0, or -EIO if the client died or the
 * deadline passed.
 */
static int p9_redial(struct p9_client *clnt, unsigned long deadline)
{
	unsigned long wait = P9_REDIAL_FIRST;
	int err;

	for (;;) {
		if (READ_ONCE(clnt->dead))
			return -EIO;
		down_write(&clnt->trans_sem);
		err = clnt->trans->create(clnt, clnt->dev_name, &clnt->key);
		if (!err)
			clnt->trans_open = true;
		up_write(&clnt->trans_sem);
		if (!err)
			return 0;
		if (time_after_eq(jiffies + wait, deadline))
			return -EIO;
		schedule_timeout_idle(wait);
		wait = min_t(unsigned long, 2 * wait, P9_REDIAL_MAX);
	}
}

/**
 * p9_recover_work - connect again after a loss and rebuild (see above)
 * @work: &p9_client.rec_work
 */
void p9_recover_work(struct work_struct *work)
{
	struct p9_client *clnt = container_of(work, struct p9_client,
					      rec_work);
	unsigned long deadline = clnt->lost_at + clnt->reconnect;
	u32 msize = clnt->msize;
	enum p9_dialect dialect = clnt->dialect;
	int err;

	clnt->rec_task = current;
	if (!clnt->rsess) {
		clnt->rsess = p9_session_alloc();
		if (IS_ERR(clnt->rsess)) {
			clnt->rsess = NULL;
			err = -ENOMEM;
			goto fail;
		}
		clnt->rsess->clnt = clnt;
		clnt->rsess->msize = msize;
	}
	for (;;) {
		/* The old connection, or a new one that died at once. */
		down_write(&clnt->trans_sem);
		if (clnt->trans_open) {
			clnt->trans->close(clnt);
			clnt->trans_open = false;
		}
		up_write(&clnt->trans_sem);
		spin_lock(&clnt->lock);
		clnt->relost = false;
		spin_unlock(&clnt->lock);

		err = p9_redial(clnt, deadline);
		if (err)
			goto fail;
		err = p9_client_version(clnt, clnt->rsess, dialect);
		if (!err && (clnt->dialect != dialect ||
			     clnt->msize != msize)) {
			pr_err("client %d: the server came back with another dialect or msize (%u, was %u)\n",
			       clnt->id, clnt->msize, msize);
			clnt->dialect = dialect;
			clnt->msize = msize;
			err = -EPROTO;
			goto fail;
		}
		clnt->dialect = dialect;
		clnt->msize = msize;
		if (!err)
			err = p9_rebuild_fids(clnt);
		if (!err)
			break;
		if (READ_ONCE(clnt->dead) || time_after_eq(jiffies, deadline))
			goto fail;
		schedule_timeout_idle(P9_REDIAL_FIRST);
	}
	clnt->rec_task = NULL;
	pr_info("client %d: connected again after %u ms\n", clnt->id,
		jiffies_to_msecs(jiffies - clnt->lost_at));
	p9_recover_resend(clnt);
	return;

fail:
	clnt->rec_task = NULL;
	if (!READ_ONCE(clnt->dead))
		pr_err("client %d: no connection again within %lu s: failing every request\n",
		       clnt->id, clnt->reconnect / HZ);
	spin_lock(&clnt->lock);
	WRITE_ONCE(clnt->recovering, false);
	spin_unlock(&clnt->lock);
	p9_client_disconnect(clnt);
}
