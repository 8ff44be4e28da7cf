// SPDX-License-Identifier: GPL-2.0
/*
 * t_lock - file locks between processes: fcntl F_SETLK/F_GETLK conflicts,
 * F_SETLKW blocking then granted after release, F_SETLKW interrupted by a
 * signal (EINTR), locks released on close and on exit, OFD locks, flock()
 * exclusive/shared, and a lock taken through a hard link conflicting with
 * one taken through the other name (locks belong to the file).
 *
 * Env: V9FS_LOCK_WAIT (seconds, default 25): how long a blocked F_SETLKW
 * or flock may take to be granted (or interrupted) after the cause goes
 * away.  The expectation is "promptly" (well under a second on a local fs);
 * the bound is generous because the kernel's own 9p client retries a
 * blocked lock only every few seconds.
 */
#include <poll.h>
#include <sys/file.h>
#include "t_common.h"

static int setlk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET,
			    .l_start = start, .l_len = len };

	return fcntl(fd, cmd, &fl);
}

/* In a fresh child: open path and F_SETLK; exit 0 if granted, 10 if
 * refused with EAGAIN/EACCES, 20+errno-ish otherwise. */
static int child_trylock(const char *path, short type, off_t start, off_t len)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(path, O_RDWR);

		if (fd < 0)
			_exit(2);
		if (setlk(fd, F_SETLK, type, start, len) == 0)
			_exit(0);
		_exit(errno == EAGAIN || errno == EACCES ? 10 : 3);
	}
	return t_wait(pid);
}

static void setlk_conflict(void)
{
	struct flock fl;
	int fd, r;

	CHECK(t_put("f", "0123456789", 10) == 0);
	fd = open("f", O_RDWR);
	CHECK(fd >= 0);
	CHECK(setlk(fd, F_SETLK, F_WRLCK, 0, 100) == 0);
	r = child_trylock("f", F_WRLCK, 50, 10);
	CHECKF(r == 10, "overlapping write lock: child status %d, want refused", r);
	r = child_trylock("f", F_RDLCK, 99, 1);
	CHECKF(r == 10, "read lock inside a write lock: child status %d", r);
	r = child_trylock("f", F_WRLCK, 100, 100);
	CHECKF(r == 0, "adjacent range: child status %d, want granted", r);
	/* F_GETLK from another process describes the conflicting lock */
	fflush(stdout);
	{
		pid_t me = getpid(), pid = fork();

		CHECK(pid >= 0);
		if (pid == 0) {
			int cfd = open("f", O_RDWR);
			struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
					   .l_start = 10, .l_len = 5 };

			if (cfd < 0 || fcntl(cfd, F_GETLK, &q))
				_exit(2);
			if (q.l_type != F_WRLCK)
				_exit(3);
			if (q.l_start != 0 || q.l_len != 100)
				_exit(4);
			if (q.l_pid != me)
				_exit(5);
			q = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET,
					    .l_start = 500, .l_len = 5 };
			if (fcntl(cfd, F_GETLK, &q) || q.l_type != F_UNLCK)
				_exit(6);
			_exit(0);
		}
		r = t_wait(pid);
		CHECKF(r == 0, "F_GETLK in child: step %d (3 type, 4 range, 5 pid, "
		       "6 free range not F_UNLCK)", r);
	}
	/* F_GETLK on own lock reports no conflict */
	fl = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET,
			     .l_start = 0, .l_len = 10 };
	CHECK(fcntl(fd, F_GETLK, &fl) == 0);
	CHECKF(fl.l_type == F_UNLCK, "own lock reported as a conflict");
	/* shared read locks */
	CHECK(setlk(fd, F_SETLK, F_RDLCK, 0, 100) == 0);
	r = child_trylock("f", F_RDLCK, 0, 100);
	CHECKF(r == 0, "second read lock: child status %d, want granted", r);
	r = child_trylock("f", F_WRLCK, 0, 1);
	CHECKF(r == 10, "write lock over a read lock: child status %d", r);
	/* unlock a middle part: split range */
	CHECK(setlk(fd, F_SETLK, F_WRLCK, 0, 100) == 0);
	CHECK(setlk(fd, F_SETLK, F_UNLCK, 40, 20) == 0);
	r = child_trylock("f", F_WRLCK, 45, 10);
	CHECKF(r == 0, "unlocked hole: child status %d, want granted", r);
	r = child_trylock("f", F_WRLCK, 30, 20);
	CHECKF(r == 10, "still-locked head: child status %d, want refused", r);
	/* whole-file lock (len 0) reaches past EOF */
	CHECK(setlk(fd, F_SETLK, F_WRLCK, 0, 0) == 0);
	r = child_trylock("f", F_WRLCK, 1 << 30, 1);
	CHECKF(r == 10, "len=0 lock does not cover 1 GiB: child status %d", r);
	/* a write lock needs a writable fd */
	{
		int rfd = open("f", O_RDONLY);

		CHECK(rfd >= 0);
		CHECK_ERR(setlk(rfd, F_SETLK, F_WRLCK, 0, 1), EBADF);
		close(rfd);
	}
	close(fd);
}

static void setlkw_granted(void)
{
	double limit = t_env_long("V9FS_LOCK_WAIT", 25);
	double t_rel, waited;
	int fd, p[2], r;
	pid_t pid;
	char c;

	CHECK(t_put("f", "x", 1) == 0);
	fd = open("f", O_RDWR);
	CHECK(fd >= 0);
	CHECK(setlk(fd, F_SETLK, F_WRLCK, 0, 0) == 0);
	CHECK(pipe(p) == 0);
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int cfd = open("f", O_RDWR);

		close(p[0]);
		if (cfd < 0)
			_exit(2);
		if (write(p[1], "r", 1) != 1)
			_exit(3);
		if (setlk(cfd, F_SETLKW, F_WRLCK, 0, 0))
			_exit(4);
		/* we hold it now: the parent must be refused */
		if (write(p[1], "g", 1) != 1)
			_exit(5);
		sleep(1);
		_exit(0);
	}
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 1 && c == 'r');
	usleep(500000);		/* let the child block */
	{
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };

		if (poll(&pfd, 1, 0) == 1 || waitpid(pid, &r, WNOHANG) != 0) {
			kill(pid, SIGKILL);
			t_wait(pid);
			FAIL("F_SETLKW in another process returned while the "
			     "conflicting lock was held");
		}
	}
	t_rel = t_now();
	CHECK(setlk(fd, F_SETLK, F_UNLCK, 0, 0) == 0);
	{
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		ssize_t n = -1;

		if (poll(&pfd, 1, (int)(limit * 1000) + 5000) == 1)
			n = read(p[0], &c, 1);
		waited = t_now() - t_rel;
		if (n != 1) {
			kill(pid, SIGKILL);
			t_wait(pid);
			FAIL("F_SETLKW was not granted within %.0f s after release",
			     limit + 5);
		}
	}
	t_note("F_SETLKW granted %.3f s after release", waited);
	if (waited > 1.0)
		t_record("F_SETLKW granted only %.1f s after the release", waited);
	CHECKF(waited <= limit, "F_SETLKW granted after %.1f s > V9FS_LOCK_WAIT=%.0f",
	       waited, limit);
	CHECK_ERR2(setlk(fd, F_SETLK, F_WRLCK, 0, 1), EAGAIN, EACCES);
	r = t_wait_for(pid, limit + 5);
	CHECKF(r == 0, "F_SETLKW child status %d", r);
	close(p[0]);
	close(fd);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void setlkw_eintr(void)
{
	double limit = t_env_long("V9FS_LOCK_WAIT", 25);
	double t0;
	int fd, r;
	pid_t pid;

	CHECK(t_put("f", "x", 1) == 0);
	fd = open("f", O_RDWR);
	CHECK(fd >= 0);
	CHECK(setlk(fd, F_SETLK, F_WRLCK, 0, 0) == 0);
	fflush(stdout);
	t0 = t_now();
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
		int cfd = open("f", O_RDWR);

		if (cfd < 0)
			_exit(2);
		sigaction(SIGALRM, &sa, NULL);
		alarm(1);
		if (setlk(cfd, F_SETLKW, F_WRLCK, 0, 0) == 0)
			_exit(3);	/* granted?! */
		_exit(errno == EINTR ? 0 : 4);
	}
	r = t_wait_for(pid, limit + 2);
	close(fd);
	CHECKF(r != -2, "F_SETLKW not interrupted by SIGALRM within %.0f s", limit + 2);
	CHECKF(r == 0, "F_SETLKW + signal: child status %d (3 granted, 4 not EINTR)", r);
	t_note("F_SETLKW interrupted after %.2f s (alarm at 1 s)", t_now() - t0);
}

static void release_on_close(void)
{
	int fd, fd2, r;
	pid_t pid;

	CHECK(t_put("f", "x", 1) == 0);
	fd = open("f", O_RDWR);
	CHECK(fd >= 0);
	CHECK(setlk(fd, F_SETLK, F_WRLCK, 0, 0) == 0);
	CHECK(child_trylock("f", F_WRLCK, 0, 1) == 10);
	/* closing ANY fd of the file drops the process's POSIX locks */
	fd2 = open("f", O_RDONLY);
	CHECK(fd2 >= 0);
	CHECK(close(fd2) == 0);
	r = child_trylock("f", F_WRLCK, 0, 1);
	CHECKF(r == 0, "lock survived close of another fd: child status %d", r);
	CHECK(setlk(fd, F_SETLK, F_WRLCK, 0, 0) == 0);
	CHECK(close(fd) == 0);
	r = child_trylock("f", F_WRLCK, 0, 1);
	CHECKF(r == 0, "lock survived close: child status %d", r);
	/* locks die with the process */
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int cfd = open("f", O_RDWR);

		if (cfd < 0 || setlk(cfd, F_SETLK, F_WRLCK, 0, 0))
			_exit(2);
		_exit(0);	/* no unlock, no close */
	}
	CHECK(t_wait(pid) == 0);
	fd = open("f", O_RDWR);
	CHECK(fd >= 0);
	CHECKF(setlk(fd, F_SETLK, F_WRLCK, 0, 0) == 0,
	       "lock of an exited process still held: %s", t_errname(errno));
	close(fd);
}

/*
 * Whether the server holds a lock on the export's file @name: diod keeps a
 * granted Tlock as flock(2) on the file it opened for the fid (one lock
 * per open fid, byte ranges and proc_id ignored), so an flock() of our
 * own on its file in the export conflicts with it.  1 held, 0 free.
 */
static int diod_holds(const char *name)
{
	char hp[4096];
	int fd, r;

	if (t_hostpath(hp, sizeof(hp), name))
		return -1;
	fd = open(hp, O_RDONLY);
	if (fd < 0)
		return -1;
	r = flock(fd, LOCK_EX | LOCK_NB);
	if (r == 0) {
		flock(fd, LOCK_UN);
		close(fd);
		return 0;
	}
	r = errno == EWOULDBLOCK ? 1 : -1;
	close(fd);
	return r;
}

/*
 * The server's copy of our locks follows the local ones: a forked child
 * that inherited the descriptor and exits (the VFS then unlocks for the
 * child, which holds nothing) must not drop the parent's lock there, and
 * closing another descriptor of the file (which drops the process's
 * locks) must drop it there too.  Only checked against diod, whose locks
 * show in the export (V9FS_MODEL=diod and V9FS_HOSTDIR).
 */
static void server_follows_local(void)
{
	char hp[4096];
	int fd, fd2, r;
	pid_t pid;

	if (strcmp(t_env("V9FS_MODEL", ""), "diod") ||
	    t_hostpath(hp, sizeof(hp), "f"))
		SKIP("needs diod and V9FS_HOSTDIR to see the server's locks");
	CHECK(t_put("f", "x", 1) == 0);
	fd = open("f", O_RDWR);
	CHECK(fd >= 0);
	CHECK(setlk(fd, F_SETLK, F_WRLCK, 0, 0) == 0);
	r = diod_holds("f");
	CHECKF(r == 1, "the server does not hold the lock (%d)", r);
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(0);	/* closes its copy of fd */
	CHECK(t_wait(pid) == 0);
	r = diod_holds("f");
	CHECKF(r == 1, "a child's exit dropped the parent's lock on the server (%d)", r);
	r = child_trylock("f", F_WRLCK, 0, 1);
	CHECKF(r == 10, "lock of another process granted: child status %d", r);
	r = diod_holds("f");
	CHECKF(r == 1, "a refused child dropped the parent's lock on the server (%d)", r);
	fd2 = open("f", O_RDONLY);
	CHECK(fd2 >= 0);
	CHECK(close(fd2) == 0);
	r = diod_holds("f");
	CHECKF(r == 0, "lock still held on the server after close of another fd (%d)", r);
	CHECK(close(fd) == 0);
}

static void ofd_locks(void)
{
	int a, b;

	CHECK(t_put("f", "x", 1) == 0);
	a = open("f", O_RDWR);
	b = open("f", O_RDWR);
	CHECK(a >= 0 && b >= 0);
	CHECK(setlk(a, F_OFD_SETLK, F_WRLCK, 0, 0) == 0);
	CHECK_ERR2(setlk(b, F_OFD_SETLK, F_WRLCK, 0, 0), EAGAIN, EACCES);
	CHECK_ERR2(setlk(b, F_OFD_SETLK, F_RDLCK, 5, 1), EAGAIN, EACCES);
	CHECK(child_trylock("f", F_WRLCK, 0, 1) == 10);
	CHECK(close(a) == 0);
	CHECK(setlk(b, F_OFD_SETLK, F_WRLCK, 0, 0) == 0);
	close(b);
}

static void flock_modes(void)
{
	double limit = t_env_long("V9FS_LOCK_WAIT", 25);
	int fd, fd2, r, p[2];
	pid_t pid;
	char c;

	CHECK(t_put("f", "x", 1) == 0);
	fd = open("f", O_RDONLY);
	fd2 = open("f", O_RDONLY);
	CHECK(fd >= 0 && fd2 >= 0);
	CHECK(flock(fd, LOCK_EX) == 0);
	/* a second open file description conflicts, even in one process */
	CHECK_ERR(flock(fd2, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	CHECK_ERR(flock(fd2, LOCK_SH | LOCK_NB), EWOULDBLOCK);
	/* convert to shared: others may share, not take exclusive */
	CHECK(flock(fd, LOCK_SH) == 0);
	CHECK(flock(fd2, LOCK_SH | LOCK_NB) == 0);
	CHECK_ERR(flock(fd2, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	CHECK(flock(fd2, LOCK_UN) == 0);
	/*
	 * another process blocks on LOCK_EX until we unlock; it says when it
	 * has been refused (a fork takes seconds on a debug kernel: without
	 * that, our unlock could come first)
	 */
	CHECK(pipe(p) == 0);
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int cfd = open("f", O_RDONLY);

		close(p[0]);
		if (cfd < 0)
			_exit(2);
		if (flock(cfd, LOCK_EX | LOCK_NB) == 0 || errno != EWOULDBLOCK)
			_exit(3);
		if (write(p[1], "r", 1) != 1)
			_exit(5);
		if (flock(cfd, LOCK_EX))
			_exit(4);
		_exit(0);
	}
	close(p[1]);
	r = read(p[0], &c, 1) == 1 ? 0 : t_wait(pid);
	close(p[0]);
	CHECKF(r == 0, "child's LOCK_NB beside our LOCK_SH: status %d (3: not refused)",
	       r);
	usleep(500000);		/* let the child block */
	CHECKF(waitpid(pid, &r, WNOHANG) == 0, "child got LOCK_EX while we held LOCK_SH");
	CHECK(flock(fd, LOCK_UN) == 0);
	r = t_wait_for(pid, limit);
	CHECKF(r == 0, "blocked flock(LOCK_EX) child status %d (-2 = not granted "
	       "within %.0f s)", r, limit);
	/* flock and POSIX locks don't interact on Linux */
	CHECK(flock(fd, LOCK_EX | LOCK_NB) == 0);
	r = child_trylock("f", F_WRLCK, 0, 0);
	if (r != 0)
		t_record("flock LOCK_EX blocks fcntl locks (child status %d)", r);
	/* flock dies with the last close of the open file description */
	CHECK(close(fd) == 0);
	CHECK(flock(fd2, LOCK_EX | LOCK_NB) == 0);
	close(fd2);
}

static void lock_via_hardlink(void)
{
	int fd, r;

	CHECK(t_put("f", "x", 1) == 0);
	CHECK(mkdir("d", 0755) == 0);
	CHECK(link("f", "d/g") == 0);
	fd = open("f", O_RDWR);
	CHECK(fd >= 0);
	CHECK(setlk(fd, F_SETLK, F_WRLCK, 0, 0) == 0);
	r = child_trylock("d/g", F_WRLCK, 0, 1);
	CHECKF(r == 10, "lock through hard link d/g granted while f is locked "
	       "(child status %d)", r);
	/* the same for flock(); drop the POSIX lock first (some clients
	 * build flock() on POSIX locks, which must not deadlock us here) */
	CHECK(setlk(fd, F_SETLK, F_UNLCK, 0, 0) == 0);
	CHECKF(flock(fd, LOCK_EX | LOCK_NB) == 0, "flock(LOCK_EX) on an unlocked "
	       "file: %s", t_errname(errno));
	fflush(stdout);
	{
		pid_t pid = fork();

		CHECK(pid >= 0);
		if (pid == 0) {
			int cfd = open("d/g", O_RDONLY);

			if (cfd < 0)
				_exit(2);
			_exit(flock(cfd, LOCK_EX | LOCK_NB) && errno == EWOULDBLOCK ?
			      0 : 3);
		}
		r = t_wait(pid);
		CHECKF(r == 0, "flock through hard link not refused (status %d)", r);
	}
	close(fd);
}

int main(void)
{
	t_init("t_lock");
	t_run("setlk_conflict", setlk_conflict);
	t_run("setlkw_granted", setlkw_granted);
	t_run("setlkw_eintr", setlkw_eintr);
	t_run("release_on_close", release_on_close);
	t_run("server_follows_local", server_follows_local);
	t_run("ofd_locks", ofd_locks);
	t_run("flock_modes", flock_modes);
	t_run("lock_via_hardlink", lock_via_hardlink);
	return t_finish();
}
