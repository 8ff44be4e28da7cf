// SPDX-License-Identifier: GPL-2.0
/*
 * kill-load: NTHREADS threads do mixed I/O on a 9p mount (create, write,
 * fsync, read, stat, readdir, unlink), then the server process is killed
 * with SIGKILL.  Every thread must see an error return within LIMIT
 * seconds of the kill; an error before the kill, or a thread still
 * inside a system call (or still succeeding) LIMIT seconds after it, is
 * a failure.
 *
 *   kill-load DIR SERVER_PID [NTHREADS [RUN_SECONDS [LIMIT_SECONDS]]]
 *
 * DIR is an empty directory on the mount.  Prints "# " diagnostics and
 * one last line "PASS ..." or "FAIL ..."; exit 0 only on PASS.  A stuck
 * thread makes it print FAIL and _exit(1) at once (a thread stuck in the
 * kernel would keep exit() from returning; the caller kills us anyway).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS	256
#define BIG_SIZE	(1 << 20)
#define CHUNK		(32 << 10)

enum { ST_RUNNING, ST_ERROR_EARLY, ST_ERROR_AFTER };

struct worker {
	pthread_t tid;
	int idx;
	long ops;
	/* where it is: the name of the operation under way */
	const char *_Atomic op;
	_Atomic int state;
	int err;
	double err_at;		/* seconds after the kill (if after) */
};

static const char *dir;
static struct worker workers[MAX_THREADS];
static _Atomic int killed;
static double kill_time;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Record the first failure of @w; returns 1 (so the thread stops). */
static int failed(struct worker *w, int err)
{
	w->err = err;
	if (atomic_load(&killed)) {
		w->err_at = now() - kill_time;
		atomic_store(&w->state, ST_ERROR_AFTER);
	} else {
		atomic_store(&w->state, ST_ERROR_EARLY);
	}
	return 1;
}

#define TRY(w, what, expr) do {				\
	(w)->op = (what);				\
	if ((expr) < 0)					\
		return failed((w), errno);		\
} while (0)

static int do_write(struct worker *w, char *buf)
{
	char path[4096];
	int fd, i;

	snprintf(path, sizeof(path), "%s/w%d", dir, w->idx);
	TRY(w, "open for write", fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644));
	for (i = 0; i < 4; i++) {
		w->op = "write";
		if (write(fd, buf, CHUNK) != CHUNK) {
			int e = errno;

			close(fd);
			return failed(w, e ? e : EIO);
		}
	}
	w->op = "fsync";
	if (fsync(fd) < 0) {
		int e = errno;

		close(fd);
		return failed(w, e);
	}
	TRY(w, "close", close(fd));
	return 0;
}

static int do_read(struct worker *w, char *buf)
{
	char path[4096];
	off_t off;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/big", dir);
	TRY(w, "open for read", fd = open(path, O_RDONLY));
	for (off = 0; off < BIG_SIZE; off += n) {
		w->op = "read";
		n = pread(fd, buf, CHUNK, off);
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			close(fd);
			return failed(w, e);
		}
	}
	TRY(w, "close", close(fd));
	return 0;
}

static int do_stat(struct worker *w)
{
	char path[4096];
	struct dirent *de;
	struct stat st;
	DIR *d;

	snprintf(path, sizeof(path), "%s/big", dir);
	TRY(w, "stat", stat(path, &st));
	w->op = "opendir";
	d = opendir(dir);
	if (!d)
		return failed(w, errno);
	for (;;) {
		w->op = "readdir";
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
	}
	if (errno) {
		int e = errno;

		closedir(d);
		return failed(w, e);
	}
	closedir(d);
	return 0;
}

static int do_create(struct worker *w)
{
	char path[4096];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/c%d-%ld", dir, w->idx, w->ops);
	TRY(w, "create", fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644));
	w->op = "fstat";
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return failed(w, e);
	}
	TRY(w, "close", close(fd));
	TRY(w, "stat", stat(path, &st));
	TRY(w, "unlink", unlink(path));
	return 0;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	char *buf = malloc(CHUNK);
	int stop = 0;

	if (!buf) {
		failed(w, ENOMEM);
		return NULL;
	}
	memset(buf, 'a' + w->idx % 26, CHUNK);
	while (!stop) {
		switch (w->idx % 4) {
		case 0:
			stop = do_write(w, buf);
			break;
		case 1:
			stop = do_read(w, buf);
			break;
		case 2:
			stop = do_stat(w);
			break;
		default:
			stop = do_create(w);
			break;
		}
		if (!stop)
			w->ops++;
	}
	w->op = "done";
	free(buf);
	return NULL;
}

static int make_big(void)
{
	char path[4096], *buf = malloc(BIG_SIZE);
	int fd, ok;

	if (!buf)
		return -1;
	memset(buf, 'b', BIG_SIZE);
	snprintf(path, sizeof(path), "%s/big", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	ok = fd >= 0 && write(fd, buf, BIG_SIZE) == BIG_SIZE;
	if (fd >= 0)
		close(fd);
	free(buf);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	int nthreads = 64, run = 3, limit = 5, i, pending, early = 0;
	int nerr[4] = {0}, codes[4] = {0}, ncodes = 0, k, stuck = 0;
	long total = 0;
	double slowest = 0;
	pid_t server;

	if (argc < 3) {
		fprintf(stderr, "usage: %s DIR SERVER_PID [NTHREADS [RUN [LIMIT]]]\n",
			argv[0]);
		return 2;
	}
	dir = argv[1];
	server = atoi(argv[2]);
	if (argc > 3)
		nthreads = atoi(argv[3]);
	if (argc > 4)
		run = atoi(argv[4]);
	if (argc > 5)
		limit = atoi(argv[5]);
	if (nthreads < 1 || nthreads > MAX_THREADS || server <= 1) {
		fprintf(stderr, "bad arguments\n");
		return 2;
	}
	if (make_big() < 0) {
		printf("FAIL cannot write %s/big: %s\n", dir, strerror(errno));
		return 1;
	}
	for (i = 0; i < nthreads; i++) {
		workers[i].idx = i;
		workers[i].op = "start";
		if (pthread_create(&workers[i].tid, NULL, work, &workers[i])) {
			printf("FAIL pthread_create\n");
			_exit(1);
		}
	}
	sleep(run);
	for (i = 0; i < nthreads; i++) {
		total += workers[i].ops;
		if (atomic_load(&workers[i].state) == ST_ERROR_EARLY) {
			printf("# thread %d failed before the kill: %s: %s\n",
			       i, workers[i].op, strerror(workers[i].err));
			early++;
		}
	}
	printf("# %d threads, %ld operations in %d s; killing pid %d\n",
	       nthreads, total, run, (int)server);
	kill_time = now();
	atomic_store(&killed, 1);
	if (kill(server, SIGKILL) < 0) {
		printf("FAIL kill %d: %s\n", (int)server, strerror(errno));
		_exit(1);
	}
	do {
		usleep(50000);
		pending = 0;
		for (i = 0; i < nthreads; i++)
			if (atomic_load(&workers[i].state) == ST_RUNNING)
				pending++;
	} while (pending && now() - kill_time < limit);

	for (i = 0; i < nthreads; i++) {
		struct worker *w = &workers[i];

		if (atomic_load(&w->state) == ST_RUNNING) {
			printf("# thread %d (kind %d) still in \"%s\" %.1f s after the kill\n",
			       i, i % 4, w->op, now() - kill_time);
			stuck++;
			continue;
		}
		if (atomic_load(&w->state) != ST_ERROR_AFTER)
			continue;
		if (w->err_at > slowest)
			slowest = w->err_at;
		for (k = 0; k < ncodes && codes[k] != w->err; k++)
			;
		if (k == ncodes && ncodes < 4)
			codes[ncodes++] = w->err;
		if (k < 4)
			nerr[k]++;
	}
	for (k = 0; k < ncodes; k++)
		printf("# %d threads failed with %s\n", nerr[k],
		       strerror(codes[k]));
	printf("# slowest error return %.2f s after the kill\n", slowest);
	if (stuck || early || !total) {
		printf("FAIL %d threads stuck, %d failed early, %ld operations before the kill\n",
		       stuck, early, total);
		fflush(stdout);
		_exit(1);
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(workers[i].tid, NULL);
	printf("PASS all %d threads got an error within %.2f s of the kill\n",
	       nthreads, slowest);
	return 0;
}
