// SPDX-License-Identifier: GPL-2.0-only
/*
 * v9fs-ng: looking up a directory's entries ahead of their stat.
 *
 * 9P's Treaddir gives names and qids, no attributes, so `ls -l`, `du` or
 * `git status` pay a Twalk and a Tgetattr per entry, one after another.
 * In the modes that cache metadata (V9FS_CF_META) the names an open
 * directory lists are remembered, and the first lookup of a non-directory
 * in it (the first lstat of `ls -l`; `find -type f`, which goes by d_type,
 * never asks one) starts V9FS_PF_WORKERS work items that look the other
 * names up, several round trips in flight at once; the entries are then in
 * the dcache, as fresh as the mode promises, when the caller asks.
 *
 * A prefetch lookup is an ordinary one: lookup_one_len_unlocked() with
 * the credentials of the process that opened the directory (its
 * permissions, its fid under access=user), taking the directory's lock
 * shared for each name as the VFS does for a lookup, so that renames,
 * unlinks and creates in the directory exclude it and a name being
 * looked up by the caller meanwhile is waited for, not asked twice.
 *
 * Lifetimes: one struct v9fs_prefetch per directory inode at a time
 * (v9fs_inode.pf, under v9fs_inode.lock), owned by the open file that
 * lists it; closing that file cancels it (workers stop at the next name).
 * Every worker holds a reference, and the prefetch a reference to the
 * directory's dentry, so the mount waits in kill_sb for the last worker
 * (v9fs_sb.pf_live) before it evicts the dentries. Names kept: at most
 * V9FS_PF_BYTES per directory, so a directory of 100,000 entries costs a
 * bounded buffer and prefetches only its first entries.
 */
#define pr_fmt(fmt) "9p: " fmt

#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>
#include "v9fs.h"

#define V9FS_PF_WORKERS	8
#define V9FS_PF_BYTES	(16 * 1024)

struct v9fs_prefetch;

struct v9fs_pf_worker {
	struct work_struct work;
	struct v9fs_prefetch *pf;
};

/**
 * struct v9fs_prefetch - the names of one listing, to be looked up
 * @ref: the directory inode's (while @owner is open) and each worker's
 * @dir: the directory (a reference)
 * @cred: the credentials of the process that opened it
 * @owner: the open file whose listing this is (compared, never followed)
 * @lock: protects @names, @used, @next, @kicked, @running
 * @names: each name as one length byte and its bytes
 * @used: bytes of @names filled
 * @next: offset in @names of the next name to look up
 * @kicked: a lookup in the directory asked for the prefetch
 * @running: workers queued or running
 * @cancelled: @owner was closed: look nothing more up
 * @w: the work items
 */
struct v9fs_prefetch {
	refcount_t ref;
	struct dentry *dir;
	const struct cred *cred;
	const struct file *owner;
	spinlock_t lock;	/* names, used, next, kicked, running */
	u8 *names;
	u32 used;
	u32 next;
	bool kicked;
	int running;
	bool cancelled;
	struct v9fs_pf_worker w[V9FS_PF_WORKERS];
};

static struct workqueue_struct *v9fs_pf_wq;

static bool v9fs_pf_on = true;
module_param_named(prefetch, v9fs_pf_on, bool, 0644);
MODULE_PARM_DESC(prefetch, "look a listed directory's entries up ahead of their stat, with a metadata cache (default: on)");

static void v9fs_pf_put(struct v9fs_prefetch *pf)
{
	struct v9fs_sb *v9s;

	if (!refcount_dec_and_test(&pf->ref))
		return;
	v9s = V9SB(pf->dir->d_sb);
	dput(pf->dir);
	put_cred(pf->cred);
	kfree(pf->names);
	kfree(pf);
	if (atomic_dec_and_test(&v9s->pf_live))
		wake_up_var(&v9s->pf_live);
}

/* The next name to look up, copied to @name (NAME_MAX + 1 bytes). */
static int v9fs_pf_next(struct v9fs_prefetch *pf, char *name)
{
	int len = 0;

	spin_lock(&pf->lock);
	if (!READ_ONCE(pf->cancelled) && pf->next < pf->used) {
		len = pf->names[pf->next];
		memcpy(name, pf->names + pf->next + 1, len);
		pf->next += len + 1;
	}
	if (!len)
		pf->running--;
	spin_unlock(&pf->lock);
	name[len] = '\0';
	return len;
}

static void v9fs_pf_work(struct work_struct *work)
{
	struct v9fs_prefetch *pf = container_of(work, struct v9fs_pf_worker,
						work)->pf;
	struct v9fs_sb *v9s = V9SB(pf->dir->d_sb);
	const struct cred *old;
	struct dentry *d;
	char name[NAME_MAX + 1];
	int len;

	old = override_creds(pf->cred);
	while ((len = v9fs_pf_next(pf, name)) > 0) {
		struct qstr q = QSTR_INIT(name, len);

		/* looked up by the caller meanwhile */
		d = d_hash_and_lookup(pf->dir, &q);
		if (d) {
			dput(d);
			continue;
		}
		d = lookup_one_len_unlocked(name, pf->dir, len);
		if (IS_ERR(d)) {
			/* a dead or silent server: leave the rest alone */
			if (PTR_ERR(d) != -ENOENT && PTR_ERR(d) != -EACCES)
				WRITE_ONCE(pf->cancelled, true);
			continue;
		}
		atomic64_inc(&v9s->pf_lookups);
		dput(d);
	}
	revert_creds(old);
	v9fs_pf_put(pf);
}

/* Queue workers for the names not yet taken; under pf->lock. */
static void v9fs_pf_start(struct v9fs_prefetch *pf)
{
	int i;

	lockdep_assert_held(&pf->lock);
	for (i = 0; i < V9FS_PF_WORKERS; i++) {
		if (pf->running >= V9FS_PF_WORKERS || pf->next >= pf->used)
			break;
		if (work_pending(&pf->w[i].work))
			continue;
		refcount_inc(&pf->ref);
		pf->running++;
		if (!queue_work(v9fs_pf_wq, &pf->w[i].work)) {
			/* still queued: its run takes the names */
			pf->running--;
			refcount_dec(&pf->ref);
		}
	}
}

/* The directory's prefetch (a reference), or NULL. */
static struct v9fs_prefetch *v9fs_pf_get(struct inode *dir)
{
	struct v9fs_inode *v9i = V9I(dir);
	struct v9fs_prefetch *pf;

	spin_lock(&v9i->lock);
	pf = v9i->pf;
	if (pf)
		refcount_inc(&pf->ref);
	spin_unlock(&v9i->lock);
	return pf;
}

static struct v9fs_prefetch *v9fs_pf_new(struct file *file)
{
	struct inode *dir = file_inode(file);
	struct v9fs_inode *v9i = V9I(dir);
	struct v9fs_sb *v9s = V9SB(dir->i_sb);
	struct v9fs_prefetch *pf;
	int i;

	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return NULL;
	pf->names = kmalloc(V9FS_PF_BYTES, GFP_KERNEL);
	if (!pf->names) {
		kfree(pf);
		return NULL;
	}
	refcount_set(&pf->ref, 1);
	spin_lock_init(&pf->lock);
	pf->dir = dget(file->f_path.dentry);
	pf->cred = get_cred(file->f_cred);
	pf->owner = file;
	for (i = 0; i < V9FS_PF_WORKERS; i++) {
		INIT_WORK(&pf->w[i].work, v9fs_pf_work);
		pf->w[i].pf = pf;
	}
	atomic_inc(&v9s->pf_live);
	spin_lock(&v9i->lock);
	if (v9i->pf) {
		/* another open file lists this directory already */
		spin_unlock(&v9i->lock);
		v9fs_pf_put(pf);
		return NULL;
	}
	v9i->pf = pf;
	refcount_inc(&pf->ref);
	spin_unlock(&v9i->lock);
	return pf;
}

/**
 * v9fs_prefetch_note - remember a name a directory listing gave
 * @file: the open directory
 * @name: the entry's name
 * @len: its length
 *
 * Names already in the dcache (positive or negative) are not kept.
 */
void v9fs_prefetch_note(struct file *file, const char *name, int len)
{
	struct inode *dir = file_inode(file);
	struct v9fs_prefetch *pf;
	struct qstr q = QSTR_INIT(name, len);
	struct dentry *d;

	if (!(V9SB(dir->i_sb)->cf & V9FS_CF_META) || !READ_ONCE(v9fs_pf_on) ||
	    len < 1 || len > NAME_MAX ||
	    (len <= 2 && name[0] == '.' && (len == 1 || name[1] == '.')))
		return;
	pf = v9fs_pf_get(dir);
	if (!pf) {
		pf = v9fs_pf_new(file);
		if (!pf)
			return;
	}
	if (pf->owner != file)
		goto out;
	d = d_hash_and_lookup(file->f_path.dentry, &q);
	if (d) {
		dput(d);
		goto out;
	}
	spin_lock(&pf->lock);
	if (pf->used + 1 + len <= V9FS_PF_BYTES) {
		pf->names[pf->used] = len;
		memcpy(pf->names + pf->used + 1, name, len);
		pf->used += len + 1;
		if (pf->kicked)
			v9fs_pf_start(pf);
	}
	spin_unlock(&pf->lock);
out:
	v9fs_pf_put(pf);
}

/**
 * v9fs_prefetch_kick - a lookup in @dir found a non-directory
 * @dir: the directory
 *
 * Starts looking up the names its listing gave, if it has one.
 */
void v9fs_prefetch_kick(struct inode *dir)
{
	struct v9fs_prefetch *pf = v9fs_pf_get(dir);

	if (!pf)
		return;
	spin_lock(&pf->lock);
	if (!pf->kicked && !pf->cancelled) {
		pf->kicked = true;
		v9fs_pf_start(pf);
	}
	spin_unlock(&pf->lock);
	v9fs_pf_put(pf);
}

/**
 * v9fs_prefetch_close - an open directory is closed
 * @file: the directory
 *
 * Its listing's prefetch, if it owns one, stops at the next name.
 */
void v9fs_prefetch_close(struct file *file)
{
	struct v9fs_inode *v9i = V9I(file_inode(file));
	struct v9fs_prefetch *pf = NULL;

	spin_lock(&v9i->lock);
	if (v9i->pf && v9i->pf->owner == file) {
		pf = v9i->pf;
		v9i->pf = NULL;
	}
	spin_unlock(&v9i->lock);
	if (!pf)
		return;
	WRITE_ONCE(pf->cancelled, true);
	v9fs_pf_put(pf);
}

/**
 * v9fs_prefetch_drain - wait for the last prefetch of a mount to end
 * @sb: the mount, being unmounted (no directory of it is open)
 *
 * A lookup ahead that a silent server does not answer (and no reqtimeout=
 * ends) would hold umount for ever: a fatal signal to it gives up what
 * the mount waits for, as umount -f would, and then waits for the workers
 * to see their requests fail.
 */
void v9fs_prefetch_drain(struct super_block *sb)
{
	struct v9fs_sb *v9s = V9SB(sb);

	if (!wait_var_event_killable(&v9s->pf_live,
				     !atomic_read(&v9s->pf_live)))
		return;
	p9_client_disconnect(v9s->clnt);
	wait_var_event(&v9s->pf_live, !atomic_read(&v9s->pf_live));
}

int v9fs_prefetch_init(void)
{
	v9fs_pf_wq = alloc_workqueue("v9fs-prefetch", WQ_UNBOUND, 32);
	return v9fs_pf_wq ? 0 : -ENOMEM;
}

void v9fs_prefetch_exit(void)
{
	destroy_workqueue(v9fs_pf_wq);
}
