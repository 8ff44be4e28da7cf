// SPDX-License-Identifier: GPL-2.0
/*
 * fault-inject: file system operations on a 9p mount while the kernel
 * fails memory allocations on purpose (debug kernel: failslab,
 * fail_page_alloc, fail_usercopy). Driven by fault-inject.sh in a
 * vm-run --kernel debug guest.
 *
 *   fault-inject nth    TAG TAG2 MNT OPTS [MAXN]
 *   fault-inject random TAG TAG2 MNT OPTS ROUNDS
 *
 * MNT is mounted (tag TAG, options OPTS) by the caller; the mount and
 * umount operations mount TAG2 (the same directory: a virtio 9p tag
 * takes one mount) on a second mount point MNT.m.
 *
 * nth: every operation runs with /proc/thread-self/fail-nth set to 1, 2,
 * 3, ...: the Nth fault-injection site it reaches (a slab or page
 * allocation, a user copy) fails, until a run reaches no Nth site. That
 * last, undisturbed run must succeed. With a fault injected, the
 * operation may fail with any errno, but a read that succeeds must return
 * the right bytes.
 *
 * random: the process sets /proc/self/make-it-fail, so with the
 * task-filter the caller set up, its allocations fail at the configured
 * probability; ROUNDS rounds of all operations.
 *
 * After every faulty run the mount must still work (stat, create, write,
 * read back, unlink with faults off); a mount that does not must at least
 * unmount cleanly (it is then mounted again and the run goes on, counted
 * as "remounted"). Prints KTAP-style "# " diagnostics and one summary
 * line per operation; exit 0 if no assertion failed, 1 otherwise.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#define DATA_LEN (96 * 1024)

static const char *tag, *tag2, *mnt, *opts;
static int nth_fd = -1;	/* /proc/thread-self/fail-nth, opened once */
static char mnt2[4096];
static unsigned char data[DATA_LEN];
static int failures;
static int remounts;

static void fail(const char *fmt, ...)
{
	va_list ap;

	failures++;
	printf("# FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void path(char *buf, const char *name)
{
	snprintf(buf, 4096, "%s/%s", mnt, name);
}

/* ---- fail-nth ------------------------------------------------------------ */

/*
 * Arm: the Nth fault-injection site this thread reaches fails. The write
 * itself passes none after setting the counter. The file is opened once,
 * beforehand: an open() is full of sites (the path's user copy too).
 */
static int nth_arm(unsigned int n)
{
	char buf[32];
	int len;

	len = snprintf(buf, sizeof(buf), "%u", n);
	return pwrite(nth_fd, buf, len, 0) == len ? 0 : -errno;
}

/*
 * Disarm; returns 1 if the fault was injected (the counter had reached
 * 0), 0 if the run ended before the Nth site. Reading the counter is a
 * user copy, itself a site: a read that fails with EFAULT means it was
 * still armed.
 */
static int nth_disarm(void)
{
	char buf[32] = "";
	int injected;
	ssize_t r;

	r = pread(nth_fd, buf, sizeof(buf) - 1, 0);
	if (r < 0 && errno == EFAULT)
		injected = 0;
	else if (r <= 0)
		injected = 1;
	else
		injected = strtoul(buf, NULL, 10) == 0;
	/* the write may fail by the same rule; either way it ends at 0 */
	if (pwrite(nth_fd, "0", 1, 0) < 0 && errno != EFAULT)
		fail("reset fail-nth: %s", strerror(errno));
	r = pread(nth_fd, buf, sizeof(buf) - 1, 0);
	if (r <= 0 || strtoul(buf, NULL, 10) != 0)
		fail("fail-nth does not reset");
	return injected;
}

/* ---- operations ---------------------------------------------------------- */

/* A file with known content, written with faults off. */
static int put_file(const char *name, size_t len)
{
	char p[4096];
	int fd;

	path(p, name);
	fd = open(p, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len) {
		int e = errno ? errno : EIO;

		close(fd);
		return -e;
	}
	return close(fd) ? -errno : 0;
}

static int op_mount(void)
{
	if (mount(tag2, mnt2, "9p", 0, opts))
		return -errno;
	if (umount2(mnt2, 0)) {
		int e = errno;

		/* faults are still armed: try again after the disarm */
		return e == EBUSY ? -EBUSY : -e;
	}
	return 0;
}

static int prep_umount(void)
{
	return mount(tag2, mnt2, "9p", 0, opts) ? -errno : 0;
}

static int op_umount(void)
{
	return umount2(mnt2, 0) ? -errno : 0;
}

static int op_write(void)
{
	char p[4096];
	ssize_t w;
	int fd, e;

	path(p, "w");
	fd = open(p, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0)
		return -errno;
	w = write(fd, data, DATA_LEN);
	e = w < 0 ? errno : 0;
	if (!e && fsync(fd))
		e = errno;
	if (close(fd) && !e)
		e = errno;
	if (!e && w != DATA_LEN)
		e = EIO;
	return -e;
}

static int prep_read(void)
{
	return put_file("r", DATA_LEN);
}

/* A read may fail, or be short, but what it returns must be right. */
static int op_read(void)
{
	static unsigned char buf[DATA_LEN];
	size_t got = 0;
	char p[4096];
	ssize_t r;
	int fd, e = 0;

	path(p, "r");
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return -errno;
	while (got < DATA_LEN) {
		r = read(fd, buf + got, DATA_LEN - got);
		if (r < 0) {
			e = errno;
			break;
		}
		if (r == 0)
			break;
		got += r;
	}
	close(fd);
	if (memcmp(buf, data, got))
		return -EILSEQ;	/* flagged by the caller: wrong data */
	if (!e && got != DATA_LEN)
		e = ENODATA;
	return -e;
}

static int op_mmap(void)
{
	char p[4096];
	unsigned char *m;
	int fd, e = 0;

	path(p, "r");
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return -errno;
	m = mmap(NULL, DATA_LEN, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		e = errno;
		close(fd);
		return -e;
	}
	/*
	 * A page fault that cannot allocate kills the process (SIGBUS or
	 * the OOM path): touch only the first byte, which must be right if
	 * the fault succeeds at all.
	 */
	if (m[0] != data[0])
		e = EILSEQ;
	munmap(m, DATA_LEN);
	close(fd);
	return -e;
}

static int prep_meta(void)
{
	char p[4096];

	path(p, "d");
	rmdir(p);
	path(p, "d2");
	rmdir(p);
	path(p, "f2");
	unlink(p);
	path(p, "s");
	unlink(p);
	path(p, "h");
	unlink(p);
	return put_file("f", 100);
}

static int op_meta(void)
{
	char p[4096], q[4096], buf[256];
	struct stat st;
	int e = 0;

#define STEP(x)	do { if ((x) < 0 && !e) e = errno; } while (0)
	path(p, "f");
	STEP(stat(p, &st));
	path(p, "d");
	STEP(mkdir(p, 0755));
	path(q, "d2");
	STEP(rename(p, q));
	STEP(rmdir(q));
	path(p, "f");
	path(q, "f2");
	STEP(rename(p, q));
	path(p, "s");
	STEP(symlink("f2", p));
	STEP(readlink(p, buf, sizeof(buf)));
	path(p, "h");
	STEP(link(q, p));
	STEP(chmod(q, 0600));
	STEP(truncate(q, 4096));
	STEP(utimensat(AT_FDCWD, q, NULL, 0));
	path(p, "s");
	STEP(unlink(p));
	path(p, "h");
	STEP(unlink(p));
	STEP(unlink(q));
#undef STEP
	return -e;
}

static int op_xattr(void)
{
	char p[4096], buf[64];
	ssize_t r;

	path(p, "f");
	if (setxattr(p, "user.fi", "value", 5, 0))
		return -errno;
	r = getxattr(p, "user.fi", buf, sizeof(buf));
	if (r < 0)
		return -errno;
	if (r != 5 || memcmp(buf, "value", 5))
		return -EILSEQ;
	if (listxattr(p, buf, sizeof(buf)) < 0)
		return -errno;
	return removexattr(p, "user.fi") ? -errno : 0;
}

static int prep_xattr(void)
{
	char p[4096];

	path(p, "f");
	removexattr(p, "user.fi");
	return put_file("f", 100);
}

static int prep_readdir(void)
{
	char name[32];
	int i, r;

	char p[4096];
	struct stat st;

	path(p, "dir");
	mkdir(p, 0755);
	for (i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "dir/e%02d", i);
		path(p, name);
		if (!stat(p, &st))
			continue;
		r = put_file(name, 1);
		if (r)
			return r;
	}
	return 0;
}

static int op_readdir(void)
{
	char p[4096];
	struct dirent *de;
	DIR *d;
	int n = 0, e;

	path(p, "dir");
	d = opendir(p);
	if (!d)
		return -errno;
	errno = 0;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "e", 1))
			n++;
	e = errno;
	closedir(d);
	if (e)
		return -e;
	/* a clean readdir sees all 12; an error must be reported */
	return n == 12 ? 0 : -ENOENT;
}

struct op {
	const char *name;
	int (*prep)(void);
	int (*run)(void);
	void (*undo)(void);
};

static void undo_umount(void)
{
	umount2(mnt2, 0);
}

static void undo_mount(void)
{
	/* a mount that succeeded but whose umount was hit */
	if (umount2(mnt2, 0) == 0)
		return;
	if (errno != EINVAL)
		fail("mount: the second mount does not unmount: %s", strerror(errno));
}

static const struct op ops[] = {
	{ "mount", NULL, op_mount, undo_mount },
	{ "umount", prep_umount, op_umount, undo_umount },
	{ "write", NULL, op_write, NULL },
	{ "read", prep_read, op_read, NULL },
	{ "mmap", prep_read, op_mmap, NULL },
	{ "meta", prep_meta, op_meta, NULL },
	{ "xattr", prep_xattr, op_xattr, NULL },
	{ "readdir", prep_readdir, op_readdir, NULL },
};

/* ---- health --------------------------------------------------------------- */

static int healthy(void)
{
	struct stat st;
	int r;

	if (stat(mnt, &st))
		return -errno;
	r = put_file("probe", 4096);
	if (!r) {
		char p[4096];
		unsigned char buf[4096];
		int fd;

		path(p, "probe");
		fd = open(p, O_RDONLY);
		if (fd < 0)
			return -errno;
		if (read(fd, buf, sizeof(buf)) != sizeof(buf) ||
		    memcmp(buf, data, sizeof(buf)))
			r = -EILSEQ;
		close(fd);
		if (unlink(p) && !r)
			r = -errno;
	}
	return r;
}

/* After a faulty run: the mount works, or unmounts and mounts again. */
static void check_health(const char *op, unsigned int n)
{
	int r = healthy();

	if (!r)
		return;
	printf("# %s n=%u: mount no longer works (%s): unmounting\n", op, n,
	       strerror(-r));
	if (umount2(mnt, 0)) {
		fail("%s n=%u: broken mount does not unmount: %s", op, n,
		     strerror(errno));
		umount2(mnt, MNT_DETACH);
	}
	if (mount(tag, mnt, "9p", 0, opts)) {
		fail("%s n=%u: cannot mount again: %s", op, n, strerror(errno));
		exit(1);
	}
	remounts++;
	r = healthy();
	if (r)
		fail("%s n=%u: fresh mount does not work: %s", op, n, strerror(-r));
}

/* ---- the two modes ---------------------------------------------------------- */

/* FI_OPS="read,readdir" runs only those operations (default: all) */
static int wanted(const char *name)
{
	const char *only = getenv("FI_OPS");
	size_t len = strlen(name);
	const char *p;

	if (!only || !*only)
		return 1;
	for (p = only; (p = strstr(p, name)); p += len)
		if ((p == only || p[-1] == ',') && (p[len] == ',' || !p[len]))
			return 1;
	return 0;
}

static void run_nth(unsigned int maxn)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		const struct op *o = &ops[i];
		unsigned int n, errs = 0, oks = 0;
		int r, done = 0;

		if (!wanted(o->name))
			continue;

		for (n = 1; n <= maxn && !done; n++) {
			if (o->prep) {
				r = o->prep();
				if (r) {
					fail("%s n=%u: setup: %s", o->name, n, strerror(-r));
					check_health(o->name, n);
					continue;
				}
			}
			if (nth_arm(n)) {
				fail("cannot arm fail-nth: %s", strerror(errno));
				return;
			}
			r = o->run();
			done = !nth_disarm();
			if (o->undo)
				o->undo();
			if (r == -EILSEQ)
				fail("%s n=%u: wrong data returned", o->name, n);
			else if (done && r)
				fail("%s: fails without an injected fault: %s",
				     o->name, strerror(-r));
			if (r)
				errs++;
			else
				oks++;
			check_health(o->name, n);
		}
		if (!done)
			printf("# %s: still reaching fault sites after %u runs\n",
			       o->name, maxn);
		printf("# %s: %u runs, %u failed with an error, %u succeeded\n",
		       o->name, n - 1, errs, oks);
		fflush(stdout);
	}
}

/*
 * The flag is written through a file opened beforehand: with the flag
 * on, an open() of it could itself fail, leaving the flag on.
 */
static int mif_fd = -1;

static int make_it_fail(int on)
{
	int tries;

	for (tries = 0; tries < 100; tries++)
		if (pwrite(mif_fd, on ? "1" : "0", 1, 0) == 1)
			return 0;
	fail("cannot write make-it-fail: %s", strerror(errno));
	return -errno;
}

static void run_random(unsigned int rounds)
{
	unsigned int round, errs[16] = { 0 }, oks[16] = { 0 };
	size_t i, nops = sizeof(ops) / sizeof(ops[0]);
	int r;

	for (round = 1; round <= rounds; round++) {
		for (i = 0; i < nops; i++) {
			const struct op *o = &ops[i];

			if (o->prep && o->prep())
				check_health(o->name, round);
			if (make_it_fail(1)) {
				fail("cannot set make-it-fail: %s", strerror(errno));
				return;
			}
			r = o->run();
			if (make_it_fail(0))
				return;
			if (o->undo)
				o->undo();
			if (r == -EILSEQ)
				fail("%s round %u: wrong data returned", o->name, round);
			if (r)
				errs[i]++;
			else
				oks[i]++;
			check_health(o->name, round);
		}
	}
	for (i = 0; i < nops; i++)
		printf("# %s: %u rounds, %u failed with an error, %u succeeded\n",
		       ops[i].name, rounds, errs[i], oks[i]);
}

int main(int argc, char **argv)
{
	unsigned int i, count;

	if (argc < 6) {
		fprintf(stderr, "usage: %s nth|random TAG TAG2 MNT OPTS [COUNT]\n", argv[0]);
		return 2;
	}
	tag = argv[2];
	tag2 = argv[3];
	mnt = argv[4];
	opts = argv[5];
	count = argc > 6 ? strtoul(argv[6], NULL, 0) : 0;
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	mif_fd = open("/proc/self/make-it-fail", O_WRONLY);
	if (nth_fd < 0 || mif_fd < 0) {
		perror("/proc/thread-self/fail-nth or /proc/self/make-it-fail");
		return 1;
	}
	snprintf(mnt2, sizeof(mnt2), "%s.m", mnt);
	mkdir(mnt2, 0755);
	for (i = 0; i < DATA_LEN; i++)
		data[i] = (unsigned char)(i * 7 + i / 251);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (healthy()) {
		fail("the mount does not work before any fault");
		return 1;
	}
	if (!strcmp(argv[1], "nth"))
		run_nth(count ? count : 300);
	else if (!strcmp(argv[1], "random"))
		run_random(count ? count : 20);
	else
		return 2;
	if (healthy()) {
		fail("the mount does not work at the end");
	}
	printf("# %s: %d failures, %d remounts\n", argv[1], failures, remounts);
	return failures ? 1 : 0;
}
