// SPDX-License-Identifier: GPL-2.0-only
/*
 * kclient: exercises 9pnet.ko over a transport without the file system.
 *
 *   insmod kclient.ko tag=TAG [dialect=2] [msize=0] [threads=8] [iters=100]
 *
 * Runs a fixed sequence (negotiate, attach, walk, create, write/read with
 * copy and zero copy, readdir, mkdir, symlink, rename, setattr, xattr,
 * locks, unlink) and then @threads concurrent kthreads doing getattr and
 * reads, checks that fids and requests return to zero, and prints
 * "kclient: PASS ..." or "kclient: FAIL ...".  Loading fails with -EIO
 * on failure; after a pass the module stays loaded until rmmod.
 */
#define pr_fmt(fmt) "kclient: " fmt

#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/fcntl.h>
#include <linux/stat.h>
#include <linux/delay.h>
#include <linux/bvec.h>
#include <linux/uio.h>
#include <linux/random.h>
#include <net/9p/client.h>

static char *tag = "test";
module_param(tag, charp, 0444);
static int dialect = P9_DOTL;
module_param(dialect, int, 0444);
static unsigned int msize;
module_param(msize, uint, 0444);
static unsigned int threads = 8;
module_param(threads, uint, 0444);
static unsigned int iters = 100;
module_param(iters, uint, 0444);

static bool hold;
module_param(hold, bool, 0444);
MODULE_PARM_DESC(hold, "keep the client and busy workers until rmmod (device removal test)");
static bool nostat;
module_param(nostat, bool, 0444);
MODULE_PARM_DESC(nostat, "skip Tstat-based checks (9P2000.u)");

#define DATA_PAGES	256	/* 1 MiB: zero copy, several in flight */

static struct p9_session *sess;
static struct p9_client *clnt;
static struct p9_fid *root;
static char fname[32];
static atomic_t thread_errors;
static atomic_t threads_left;
static DECLARE_COMPLETION(threads_done);

/* Report a failed check; true if @ok is false. */
static __printf(3, 4) bool fail_at(bool ok, int line, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (ok)
		return false;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("FAIL line %d: %pV\n", line, &vaf);
	va_end(args);
	return true;
}

#define failed(ok, ...) fail_at(ok, __LINE__, __VA_ARGS__)

static struct p9_str S(const char *s)
{
	struct p9_str r = { s, strlen(s) };

	return r;
}

static struct p9_fid *walk1(struct p9_fid *dir, const char *name)
{
	struct p9_str n = S(name);

	return p9_client_walk(dir, 1, &n);
}

/* Read or write @npages pages through a bvec iterator (zero copy). */
static ssize_t bvec_io(struct p9_fid *fid, struct page **pages,
		       unsigned int npages, u64 off, bool write)
{
	struct bio_vec *bv;
	struct iov_iter it;
	unsigned int i;
	ssize_t n;

	bv = kcalloc(npages, sizeof(*bv), GFP_KERNEL);
	if (!bv)
		return -ENOMEM;
	for (i = 0; i < npages; i++) {
		bv[i].bv_page = pages[i];
		bv[i].bv_len = PAGE_SIZE;
		bv[i].bv_offset = 0;
	}
	iov_iter_bvec(&it, write ? ITER_SOURCE : ITER_DEST, bv, npages,
		      npages * PAGE_SIZE);
	n = 0;
	while (iov_iter_count(&it)) {
		ssize_t r = write ? p9_client_write(fid, off + n, &it) :
				    p9_client_read(fid, off + n, &it);
		if (r <= 0) {
			n = n ?: (r ?: -EIO);
			break;
		}
		n += r;
	}
	kfree(bv);
	return n;
}

static ssize_t kvec_io(struct p9_fid *fid, void *buf, size_t len, u64 off,
		       bool write)
{
	struct kvec kv = { buf, len };
	struct iov_iter it;

	iov_iter_kvec(&it, write ? ITER_SOURCE : ITER_DEST, &kv, 1, len);
	return write ? p9_client_write(fid, off, &it) :
		       p9_client_read(fid, off, &it);
}

static int data_test(struct p9_fid *file)
{
	struct page **wp, **rp;
	unsigned int i;
	ssize_t n;
	int err = -ENOMEM;
	char small[100], back[100];

	wp = kcalloc(DATA_PAGES, sizeof(*wp), GFP_KERNEL);
	rp = kcalloc(DATA_PAGES, sizeof(*rp), GFP_KERNEL);
	if (!wp || !rp)
		goto out;
	for (i = 0; i < DATA_PAGES; i++) {
		wp[i] = alloc_page(GFP_KERNEL);
		rp[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!wp[i] || !rp[i])
			goto out;
		get_random_bytes(page_address(wp[i]), PAGE_SIZE);
	}
	err = -EIO;
	n = bvec_io(file, wp, DATA_PAGES, 0, true);
	if (n != DATA_PAGES * PAGE_SIZE) {
		pr_err("FAIL zero-copy write: %zd\n", n);
		goto out;
	}
	n = bvec_io(file, rp, DATA_PAGES, 0, false);
	if (n != DATA_PAGES * PAGE_SIZE) {
		pr_err("FAIL zero-copy read: %zd\n", n);
		goto out;
	}
	for (i = 0; i < DATA_PAGES; i++) {
		if (memcmp(page_address(wp[i]), page_address(rp[i]),
			   PAGE_SIZE)) {
			pr_err("FAIL data mismatch in page %u\n", i);
			goto out;
		}
	}
	/* Reading past the end: short, then zero. */
	n = bvec_io(file, rp, 4, DATA_PAGES * PAGE_SIZE - 100, false);
	if (n != 100) {
		pr_err("FAIL short read at end: %zd\n", n);
		goto out;
	}
	/* Copy path */
	memset(small, 'k', sizeof(small));
	n = kvec_io(file, small, sizeof(small), 10, true);
	if (n != sizeof(small)) {
		pr_err("FAIL small write: %zd\n", n);
		goto out;
	}
	n = kvec_io(file, back, sizeof(back), 10, false);
	if (n != sizeof(back) || memcmp(small, back, sizeof(back))) {
		pr_err("FAIL small read: %zd\n", n);
		goto out;
	}
	err = 0;
out:
	for (i = 0; i < DATA_PAGES; i++) {
		if (wp && wp[i])
			__free_page(wp[i]);
		if (rp && rp[i])
			__free_page(rp[i]);
	}
	kfree(wp);
	kfree(rp);
	return err;
}

static int dir_has(struct p9_fid *dir, const char *name)
{
	struct p9_fid *d;
	struct p9_dirent de;
	u64 off = 0;
	int found = 0, n, pos;
	u8 *buf;

	d = p9_client_walk(dir, 0, NULL);
	if (IS_ERR(d))
		return PTR_ERR(d);
	n = p9_client_open(d, O_RDONLY | O_DIRECTORY);
	buf = kmalloc(8192, GFP_KERNEL);
	if (n || !buf) {
		found = n ?: -ENOMEM;
		goto out;
	}
	for (;;) {
		n = p9_client_readdir(d, off, buf, 8192);
		if (n <= 0) {
			if (n < 0)
				found = n;
			break;
		}
		for (pos = 0; pos < n;) {
			int c = p9_client_next_dirent(clnt, buf + pos, n - pos,
						      off, &de);
			if (c <= 0) {
				found = -EIO;
				goto out;
			}
			if (de.name.len == strlen(name) &&
			    !memcmp(de.name.s, name, de.name.len))
				found = 1;
			pos += c;
			if (p9_client_dialect(clnt) == P9_DOTL)
				off = de.offset;
		}
		if (p9_client_dialect(clnt) != P9_DOTL)
			off += n;
	}
out:
	kfree(buf);
	p9_fid_put(d);
	return found;
}

static int worker(void *arg)
{
	struct p9_fid *f;
	struct p9_attr a;
	unsigned int i;
	char *buf;
	int err = 0;

	buf = kmalloc(65536, GFP_KERNEL);
	f = walk1(root, fname);
	if (IS_ERR(f) || !buf) {
		err = -ENOMEM;
		goto out;
	}
	err = p9_client_open(f, O_RDONLY);
	for (i = 0; i < iters && !err; i++) {
		err = nostat ? 0 : p9_client_getattr(f, P9_GETATTR_BASIC, &a);
		if (!err && kvec_io(f, buf, 4096, (i * 4096) % 65536,
				    false) != 4096)
			err = -EIO;
	}
out:
	if (err) {
		pr_err("%s: %d\n", __func__, err);
		atomic_inc(&thread_errors);
	}
	if (!IS_ERR(f))
		p9_fid_put(f);
	kfree(buf);
	if (atomic_dec_and_test(&threads_left))
		complete(&threads_done);
	return 0;
}

/* A worker that gets SIGKILL in the middle of zero-copy reads. */
static int kill_worker(void *arg)
{
	struct p9_fid *f = arg;
	struct page **pages;
	unsigned int i;
	ssize_t n = 0;

	allow_signal(SIGKILL);
	pages = kcalloc(DATA_PAGES, sizeof(*pages), GFP_KERNEL);
	for (i = 0; pages && i < DATA_PAGES; i++)
		pages[i] = alloc_page(GFP_KERNEL);
	for (i = 0; pages && i < DATA_PAGES; i++)
		if (!pages[i])
			goto out;
	while (pages && !kthread_should_stop()) {
		n = bvec_io(f, pages, DATA_PAGES, 0, false);
		if (n < 0)
			break;
	}
out:
	for (i = 0; pages && i < DATA_PAGES; i++)
		if (pages[i])
			__free_page(pages[i]);
	kfree(pages);
	while (!kthread_should_stop())
		msleep(20);
	/* A read cut short by the kill may return a partial count. */
	return n >= 0 || n == -EINTR || n == -ERESTARTSYS ? 0 : (int)n;
}

/* Kill readers mid-flight: Tflush must free every tag afterwards. */
static int flush_test(struct p9_fid *f)
{
	struct task_struct *t[4];
	unsigned int i;
	int bad = 0, err;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		t[i] = kthread_run(kill_worker, f, "kclient-kill/%u", i);
		if (IS_ERR(t[i]))
			return PTR_ERR(t[i]);
		get_task_struct(t[i]);
	}
	msleep(300);
	for (i = 0; i < ARRAY_SIZE(t); i++)
		send_sig(SIGKILL, t[i], 1);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		err = kthread_stop(t[i]);
		if (err)
			pr_err("kill worker %u: %d\n", i, err);
		bad |= err;
		put_task_struct(t[i]);
	}
	return bad ? -EIO : 0;
}

static int run(void)
{
	struct p9_client_opts o = { .trans = "virtio", .msize = msize,
				    .dialect = dialect };
	struct p9_fid *f, *d, *tmp;
	struct p9_str dots[20];
	struct p9_attr a;
	struct p9_iattr ia = {};
	struct p9_statfs sfs;
	struct p9_flock fl = {};
	char *target, xbuf[16], dname[40], lname[40], nname[40];
	unsigned int i;
	u8 status;
	int err;
	ssize_t n;

	sess = p9_session_open(tag, &o);
	if (failed(!IS_ERR(sess), "open: %ld", PTR_ERR(sess)))
		return -EIO;
	clnt = p9_session_client(sess);
	pr_info("msize %u dialect %d\n", p9_client_msize(clnt),
		p9_client_dialect(clnt));
	root = p9_client_attach(sess, NULL, "root", GLOBAL_ROOT_UID, "");
	if (failed(!IS_ERR(root), "attach: %ld", PTR_ERR(root)))
		return -EIO;

	if (hold)
		return 0;
	err = p9_client_getattr(root, P9_GETATTR_ALL, &a);
	if (failed(nostat || (!err && S_ISDIR(a.mode)),
		   "getattr root: %d mode %o", err, a.mode))
		return -EIO;
	/* Missing names and long walks */
	f = walk1(root, "no-such-file-here");
	if (failed(PTR_ERR(f) == -ENOENT, "walk missing: %ld", PTR_ERR(f)))
		return -EIO;
	for (i = 0; i < ARRAY_SIZE(dots); i++)
		dots[i] = S("..");
	f = p9_client_walk(root, ARRAY_SIZE(dots), dots);
	if (failed(!IS_ERR(f), "walk 20: %ld", PTR_ERR(f)))
		return -EIO;
	p9_fid_put(f);

	snprintf(fname, sizeof(fname), "kclient.%u", get_random_u32());
	f = p9_client_walk(root, 0, NULL);
	if (failed(!IS_ERR(f), "clone: %ld", PTR_ERR(f)))
		return -EIO;
	err = p9_client_fcreate(f, S(fname), O_RDWR | O_CREAT | O_EXCL,
				S_IFREG | 0644, GLOBAL_ROOT_GID, NULL);
	if (failed(!err, "create: %d", err))
		return -EIO;
	err = data_test(f);
	if (err)
		return err;
	err = p9_client_fsync(f, false);
	/* QEMU answers a don't-touch Twstat with an empty reply: -EIO. */
	if (failed(!err || (dialect != P9_DOTL && err == -EIO), "fsync: %d", err))
		return -EIO;
	err = p9_client_getattr(f, P9_GETATTR_BASIC, &a);
	if (failed(nostat || (!err && a.size == DATA_PAGES * PAGE_SIZE),
		   "size %llu: %d", a.size, err))
		return -EIO;
	err = flush_test(f);
	if (failed(!err, "flush test: %d", err))
		return -EIO;

	if (failed(dir_has(root, fname) == 1, "readdir does not list %s", fname))
		return -EIO;

	snprintf(dname, sizeof(dname), "%s.d", fname);
	err = p9_client_mkdir(root, S(dname), 0755, GLOBAL_ROOT_GID, NULL);
	if (failed(!err, "mkdir: %d", err))
		return -EIO;
	snprintf(lname, sizeof(lname), "%s.l", fname);
	err = p9_client_symlink(root, S(lname), S(fname), GLOBAL_ROOT_GID,
				NULL);
	if (dialect != P9_LEGACY) {
		if (failed(!err, "symlink: %d", err))
			return -EIO;
		tmp = walk1(root, lname);
		if (failed(!IS_ERR(tmp), "walk link: %ld", PTR_ERR(tmp)))
			return -EIO;
		err = p9_client_readlink(tmp, &target);
		p9_fid_put(tmp);
		if (failed(nostat || (!err && !strcmp(target, fname)),
			   "readlink: %d", err))
			return -EIO;
		if (!err)
			kfree(target);
		err = p9_client_unlinkat(root, S(lname), 0);
		if (failed(!err, "unlink link: %d", err))
			return -EIO;
	}
	snprintf(nname, sizeof(nname), "%s.r", fname);
	d = walk1(root, dname);
	if (failed(!IS_ERR(d), "walk dir: %ld", PTR_ERR(d)))
		return -EIO;
	err = p9_client_rename(d, root, S(dname), root, S(nname));
	if (failed(!err, "rename: %d", err))
		return -EIO;
	p9_fid_put(d);
	err = p9_client_unlinkat(root, S(nname), P9_AT_REMOVEDIR);
	if (failed(!err, "rmdir: %d", err))
		return -EIO;

	if (dialect == P9_DOTL) {
		err = p9_client_statfs(root, &sfs);
		if (failed(!err && sfs.bsize, "statfs: %d", err))
			return -EIO;
		err = p9_client_setxattr(f, "user.kclient", "hello", 5, 0);
		if (err == -EOPNOTSUPP) {
			pr_info("xattrs not supported by the export\n");
		} else {
			if (failed(!err, "setxattr: %d", err))
				return -EIO;
			n = p9_client_getxattr(f, "user.kclient", xbuf,
					       sizeof(xbuf));
			if (failed(n == 5 && !memcmp(xbuf, "hello", 5),
				   "getxattr: %zd", n))
				return -EIO;
		}
		fl.type = P9_LOCK_TYPE_WRLCK;
		fl.proc_id = 1;
		fl.client_id = S("kclient");
		err = p9_client_lock(f, &fl, &status);
		if (failed(!err && status == P9_LOCK_SUCCESS, "lock: %d %u", err,
			   status))
			return -EIO;
	} else {
		/* 9P2000.L's messages: the codec's table refuses them. */
		struct p9_getlock gl = { .client_id = S("kclient") };

		fl.client_id = S("kclient");
		err = p9_client_statfs(root, &sfs);
		if (failed(err == -EOPNOTSUPP, "statfs: %d", err))
			return -EIO;
		err = p9_client_setxattr(f, "user.kclient", "hello", 5, 0);
		if (failed(err == -EOPNOTSUPP, "setxattr: %d", err))
			return -EIO;
		n = p9_client_getxattr(f, "user.kclient", xbuf, sizeof(xbuf));
		if (failed(n == -EOPNOTSUPP, "getxattr: %zd", n))
			return -EIO;
		err = p9_client_lock(f, &fl, &status);
		if (failed(err == -EOPNOTSUPP, "lock: %d", err))
			return -EIO;
		err = p9_client_getlock(f, &gl);
		if (failed(err == -EOPNOTSUPP, "getlock: %d", err))
			return -EIO;
	}
	ia.valid = P9_ATTR_SIZE;
	ia.size = 65536;
	err = p9_client_setattr(f, &ia);
	if (failed(!err, "truncate: %d", err))
		return -EIO;
	p9_fid_put(f);

	/* Many tags in flight */
	atomic_set(&threads_left, threads);
	for (i = 0; i < threads; i++) {
		struct task_struct *t = kthread_run(worker, NULL, "kclient/%u",
						    i);
		if (IS_ERR(t)) {
			atomic_inc(&thread_errors);
			if (atomic_dec_and_test(&threads_left))
				complete(&threads_done);
		}
	}
	if (threads)
		wait_for_completion(&threads_done);
	if (failed(!atomic_read(&thread_errors), "%d workers failed",
		   atomic_read(&thread_errors)))
		return -EIO;

	err = p9_client_unlinkat(root, S(fname), 0);
	if (failed(!err, "unlink: %d", err))
		return -EIO;
	return 0;
}

static struct task_struct *hold_t[4];

/* Hold mode: getattr in a loop until the client fails (device gone). */
static int hold_worker(void *arg)
{
	struct p9_attr a;
	int err = 0;

	while (!kthread_should_stop()) {
		if (!err) {
			err = p9_client_getattr(root, P9_GETATTR_BASIC, &a);
			if (err)
				pr_info("hold worker stopped: %d\n", err);
		} else {
			msleep(20);
		}
	}
	return 0;
}

static int __init kclient_init(void)
{
	int err, i;

	err = run();
	if (hold && !err) {
		for (i = 0; i < ARRAY_SIZE(hold_t); i++)
			hold_t[i] = kthread_run(hold_worker, NULL,
						"kclient-hold/%d", i);
		pr_info("HOLD tag=%s\n", tag);
		return 0;
	}
	if (!IS_ERR_OR_NULL(root))
		p9_fid_put(root);
	if (!IS_ERR_OR_NULL(sess)) {
		/* Clunks are asynchronous: give them a moment. */
		for (i = 0; i < 500 && (p9_client_fids_live(clnt) ||
					p9_client_requests_live(clnt)); i++)
			msleep(20);
		if (!err && (p9_client_fids_live(clnt) ||
			     p9_client_requests_live(clnt))) {
			pr_err("FAIL leak: %u fids %u requests\n",
			       p9_client_fids_live(clnt),
			       p9_client_requests_live(clnt));
			err = -EIO;
		}
		p9_session_close(sess);
	}
	if (err) {
		pr_err("FAIL tag=%s dialect=%d\n", tag, dialect);
		return -EIO;
	}
	pr_info("PASS tag=%s dialect=%d threads=%u iters=%u\n", tag, dialect,
		threads, iters);
	return 0;
}

static void __exit kclient_exit(void)
{
	int i;

	if (!hold)
		return;
	for (i = 0; i < ARRAY_SIZE(hold_t); i++)
		if (!IS_ERR_OR_NULL(hold_t[i]))
			kthread_stop(hold_t[i]);
	p9_fid_put(root);
	p9_session_close(sess);
	pr_info("RELEASED tag=%s\n", tag);
}

module_init(kclient_init);
module_exit(kclient_exit);
MODULE_DESCRIPTION("9pnet client test");
MODULE_LICENSE("GPL");
