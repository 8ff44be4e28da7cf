/* SPDX-License-Identifier: GPL-2.0 */
/*
 * t_common.h - tiny KTAP/TAP helpers shared by the v9fs-ng VFS selftests
 * (t_*.c in this directory).
 *
 * Contract (see README): each test runs as root with cwd = a fresh empty
 * directory on the mount under test; V9FS_MNT, V9FS_TESTDIR, V9FS_HOSTDIR,
 * V9FS_CLIENT, V9FS_CACHE, V9FS_VERSION, V9FS_OPTS describe it.  Outside a
 * guest (none of them set) the tests run against whatever file system cwd
 * is on, which is how they are checked natively.
 *
 * Exit status: 0 = all subtests passed (some may be skipped), 4 = every
 * subtest skipped, 1 = at least one failed.
 *
 * A subtest is a function `static void name(void)`.  t_run() gives it a
 * fresh subdirectory of cwd as its own cwd (and umask 022) and removes that
 * afterwards.
 * Inside it:
 *   CHECK(cond)            fail (and return) unless cond; prints errno
 *   CHECKF(cond, fmt, ...) same with an explicit message
 *   CHECK_ERR(expr, E)     expr must return -1 with errno == E
 *   CHECK_ERR2(expr, E1, E2) ... with errno E1 or E2
 *   FAIL(fmt, ...)         fail and return
 *   SKIP(fmt, ...)         skip and return
 *   t_note(fmt, ...)       "# " diagnostic line
 *   t_record(fmt, ...)     "# RECORD: " line: behaviour that may
 *                          legitimately differ between file systems
 * These macros `return;` so they may only be used in void functions; a
 * helper that returns a value calls t_fail_at() and returns an error.
 * Child processes never use them: they report through their exit status.
 *
 * Env read here: V9FS_TEST_TIMEOUT (seconds, default 240, 0 = none): a
 * watchdog prints "Bail out! ... in <subtest>" and exits 1; V9FS_KEEP: keep
 * each subtest's directory for inspection.  A subtest that takes over 2 s
 * prints "# <name> took N s".
 */
#ifndef T_COMMON_H
#define T_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define T_PASS 0
#define T_FAILED 1
#define T_SKIPPED 2

static int t_count, t_npass, t_nfail, t_nskip;
static int t_state;
static char t_msg[1024];
static const char *t_cur_name = "";

static const char *t_errname(int e)
{
	const char *n = e ? strerrorname_np(e) : "0";

	return n ? n : "E?";
}

static void t_vnote(const char *prefix, const char *fmt, va_list ap)
{
	char buf[2048];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	printf("# %s%s\n", prefix, buf);
	fflush(stdout);
}

__attribute__((format(printf, 1, 2), unused))
static void t_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	t_vnote("", fmt, ap);
	va_end(ap);
}

/* Behaviour worth recording (e.g. into KNOWN.md) that is not a failure. */
__attribute__((format(printf, 1, 2), unused))
static void t_record(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("# RECORD: %s: %s\n", t_cur_name, buf);
	fflush(stdout);
}

__attribute__((format(printf, 3, 4), unused))
static void t_fail_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t_state == T_FAILED)	/* keep the first reason */
		return;
	t_state = T_FAILED;
	n = snprintf(t_msg, sizeof(t_msg), "%s:%d: ", file, line);
	va_start(ap, fmt);
	vsnprintf(t_msg + n, sizeof(t_msg) - n, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 1, 2), unused))
static void t_skip_set(const char *fmt, ...)
{
	va_list ap;

	if (t_state == T_FAILED)
		return;
	t_state = T_SKIPPED;
	va_start(ap, fmt);
	vsnprintf(t_msg, sizeof(t_msg), fmt, ap);
	va_end(ap);
}

#define FAIL(...) do { t_fail_at(__FILE__, __LINE__, __VA_ARGS__); return; } while (0)
#define SKIP(...) do { t_skip_set(__VA_ARGS__); return; } while (0)
#define CHECK(c) do {							\
	if (!(c))							\
		FAIL("%s (errno %s)", #c, t_errname(errno));		\
} while (0)
#define CHECKF(c, ...) do { if (!(c)) FAIL(__VA_ARGS__); } while (0)
#define CHECK_ERR(expr, e) do {						\
	long _r;							\
	errno = 0;							\
	_r = (long)(expr);						\
	if (_r != -1 || errno != (e))					\
		FAIL("%s: want -1/%s, got %ld/%s", #expr,		\
		     t_errname(e), _r, t_errname(errno));		\
} while (0)
#define CHECK_ERR2(expr, e1, e2) do {					\
	long _r;							\
	errno = 0;							\
	_r = (long)(expr);						\
	if (_r != -1 || (errno != (e1) && errno != (e2)))		\
		FAIL("%s: want -1/%s|%s, got %ld/%s", #expr,		\
		     t_errname(e1), t_errname(e2), _r,			\
		     t_errname(errno));					\
} while (0)

static inline double t_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int t_rm_cb(const char *path, const struct stat *st, int flag,
		   struct FTW *ftw)
{
	(void)st; (void)ftw;
	if (flag == FTW_DP || flag == FTW_D || flag == FTW_DNR)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* rm -rf path (best effort) */
__attribute__((unused))
static void t_rmrf(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	nftw(path, t_rm_cb, 32, FTW_DEPTH | FTW_PHYS);
}

static void t_alarm(int sig)
{
	static const char m[] = "Bail out! test timed out (V9FS_TEST_TIMEOUT) in ";

	(void)sig;
	if (write(1, m, sizeof(m) - 1) < 0 ||
	    write(1, t_cur_name, strlen(t_cur_name)) < 0 || write(1, "\n", 1) < 0)
		_exit(1);
	_exit(1);
}

/* Call first: line-buffered output, a watchdog, header. */
__attribute__((unused))
static void t_init(const char *test)
{
	const char *to = getenv("V9FS_TEST_TIMEOUT");
	int secs = to ? atoi(to) : 240;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n# %s: client=%s version=%s cache=%s opts=%s\n",
	       test, getenv("V9FS_CLIENT") ?: "-",
	       getenv("V9FS_VERSION") ?: "-", getenv("V9FS_CACHE") ?: "-",
	       getenv("V9FS_OPTS") ?: "-");
	if (secs > 0) {
		signal(SIGALRM, t_alarm);
		alarm(secs);
	}
}

__attribute__((unused))
static void t_run(const char *name, void (*fn)(void))
{
	char dir[300];
	double t0 = t_now();
	int top;

	t_count++;
	t_state = T_PASS;
	t_msg[0] = 0;
	t_cur_name = name;
	umask(022);		/* every subtest starts with the same umask */
	snprintf(dir, sizeof(dir), "%s.d", name);
	top = open(".", O_RDONLY | O_DIRECTORY);
	if (top < 0 || mkdir(dir, 0755) || chdir(dir)) {
		t_fail_at(__FILE__, __LINE__, "cannot make subtest dir %s: %s",
			  dir, strerror(errno));
	} else {
		errno = 0;
		fn();
		fflush(stdout);
		if (fchdir(top) && t_state != T_FAILED)
			t_fail_at(__FILE__, __LINE__, "fchdir back: %s",
				  strerror(errno));
		if (!getenv("V9FS_KEEP"))
			t_rmrf(dir);
	}
	if (top >= 0)
		close(top);
	if (t_now() - t0 > 2.0)
		printf("# %s took %.1f s\n", name, t_now() - t0);
	switch (t_state) {
	case T_PASS:
		t_npass++;
		printf("ok %d - %s\n", t_count, name);
		break;
	case T_SKIPPED:
		t_nskip++;
		printf("ok %d - %s # SKIP %s\n", t_count, name, t_msg);
		break;
	default:
		t_nfail++;
		printf("not ok %d - %s # %s\n", t_count, name, t_msg);
	}
	fflush(stdout);
	t_cur_name = "";
}

/* Call last: plan, totals, exit status. */
__attribute__((unused))
static int t_finish(void)
{
	printf("1..%d\n# totals: %d passed, %d failed, %d skipped\n",
	       t_count, t_npass, t_nfail, t_nskip);
	fflush(stdout);
	if (t_nfail)
		return 1;
	if (t_count && !t_npass)
		return 4;
	return 0;
}

/* ---- environment ---- */

static inline const char *t_env(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

static inline long t_env_long(const char *name, long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 0) : dflt;
}

/* Running on a 9p mount under the harness? */
static inline int t_on_9p(void)
{
	return getenv("V9FS_MNT") != NULL;
}

static inline int t_client_is(const char *c)
{
	return !strcmp(t_env("V9FS_CLIENT", ""), c);
}

static inline int t_version_is(const char *v)
{
	return !strcmp(t_env("V9FS_VERSION", ""), v);
}

/* Does comma-separated V9FS_OPTS contain the option (or option=...)? */
static inline int t_has_opt(const char *opt)
{
	const char *o = t_env("V9FS_OPTS", "");
	size_t n = strlen(opt);

	while (*o) {
		if (!strncmp(o, opt, n) && (o[n] == 0 || o[n] == ',' || o[n] == '='))
			return 1;
		o = strchr(o, ',');
		if (!o)
			break;
		o++;
	}
	return 0;
}

/*
 * The host's (read-only) view of `rel` in the current subtest's directory:
 * "$V9FS_HOSTDIR/<subtest>.d/rel".  Returns 0, or -1 when V9FS_HOSTDIR is
 * not set or not there (then host-side checks are skipped).
 */
static inline int t_hostpath(char *buf, size_t size, const char *rel)
{
	const char *h = getenv("V9FS_HOSTDIR");
	struct stat st;

	if (!h || !*h || stat(h, &st) || !S_ISDIR(st.st_mode))
		return -1;
	if ((size_t)snprintf(buf, size, "%s/%s.d/%s", h, t_cur_name, rel) >= size)
		return -1;
	return 0;
}

/* ---- small I/O helpers ---- */

static inline ssize_t t_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	size_t done = 0;

	while (done < n) {
		ssize_t r = write(fd, p + done, n - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -1 : (ssize_t)done;
		done += r;
	}
	return done;
}

static inline ssize_t t_read_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t done = 0;

	while (done < n) {
		ssize_t r = read(fd, p + done, n - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		done += r;
	}
	return done;
}

/* Create (truncate) a file with the given contents; 0 or -1. */
static inline int t_put(const char *path, const void *buf, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	if (t_write_all(fd, buf, n) != (ssize_t)n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* Read up to n bytes of a file; returns bytes read or -1. */
static inline ssize_t t_get(const char *path, void *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -1;
	r = t_read_all(fd, buf, n);
	close(fd);
	return r;
}

/* Deterministic pattern: byte at file offset off. */
static inline unsigned char t_pat(uint64_t off, unsigned seed)
{
	uint64_t x = off / 8 * 0x9E3779B97F4A7C15ull + seed;

	x ^= x >> 29;
	return (unsigned char)(x >> (8 * (off % 8)));
}

static inline void t_fill(unsigned char *buf, size_t n, uint64_t off,
			  unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = t_pat(off + i, seed);
}

/* Index of first mismatch against the pattern, or -1. */
static inline long t_verify(const unsigned char *buf, size_t n, uint64_t off,
			    unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != t_pat(off + i, seed))
			return (long)i;
	return -1;
}

/* Wait for a child; returns its exit status, or 128+sig, or -1. */
static inline int t_wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}


/* Wait up to secs for pid; returns like t_wait(), or -2 on timeout (the
 * child is then killed with SIGKILL and reaped). */
static inline int t_wait_for(pid_t pid, double secs)
{
	double end = t_now() + secs;
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (r < 0 && errno != EINTR)
			return -1;
		if (t_now() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -2;
		}
		usleep(10000);
	}
}

/* Run a command through /bin/sh; returns its exit status like t_wait(). */
static inline int t_sh(const char *cmd)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return t_wait(pid);
}

/* Drop to uid/gid in a child: returns 0 or -1. */
static inline int t_become(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) || setgid(gid) || setuid(uid))
		return -1;
	return 0;
}

#endif /* T_COMMON_H */
