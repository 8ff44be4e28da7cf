// SPDX-License-Identifier: GPL-2.0
/*
 * t_io - open flags and data paths: O_CREAT|O_EXCL, O_TRUNC, O_APPEND
 * (with concurrent appenders), read/write/pread/pwrite/readv/writev
 * patterns, a large file, holes, SEEK_DATA/SEEK_HOLE, fsync/fdatasync,
 * sendfile/splice/copy_file_range, O_DIRECT.
 *
 * Env: V9FS_IO_LARGE_MB (default 64): size of the large-file subtest.
 */
#include <stdbool.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include "t_common.h"

static void excl_create(void)
{
	struct stat st;
	int fd;

	fd = open("f", O_WRONLY | O_CREAT | O_EXCL, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "abc", 3) == 3);
	CHECK(close(fd) == 0);
	CHECK_ERR(open("f", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	CHECK_ERR(open("f", O_RDONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	/* O_EXCL does not follow a dangling symlink */
	CHECK(symlink("nowhere", "dangling") == 0);
	CHECK_ERR(open("dangling", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	CHECK_ERR(access("nowhere", F_OK), ENOENT);
	/* O_CREAT without O_EXCL through a dangling symlink creates the target */
	fd = open("dangling", O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0);
	close(fd);
	CHECK(stat("nowhere", &st) == 0 && S_ISREG(st.st_mode));
	/* O_CREAT on an existing file opens it without truncating */
	fd = open("f", O_RDWR | O_CREAT, 0600);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0);
	close(fd);
	CHECKF(st.st_size == 3 && (st.st_mode & 0777) == 0644,
	       "O_CREAT reopen: size %lld mode %o", (long long)st.st_size,
	       st.st_mode & 0777);
	CHECK(mkdir("d", 0755) == 0);
	CHECK_ERR(open("d", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	CHECK_ERR(open("d", O_WRONLY), EISDIR);
	CHECK_ERR(open("d", O_CREAT | O_WRONLY, 0644), EISDIR);
	/* O_CREAT|O_EXCL with O_TRUNC and a mode of 0: still creates */
	fd = open("z", O_RDWR | O_CREAT | O_EXCL | O_TRUNC, 0);
	CHECK(fd >= 0);
	CHECK(write(fd, "q", 1) == 1);	/* writable: opened by creation */
	close(fd);
	CHECK(stat("z", &st) == 0);
	CHECKF((st.st_mode & 0777) == 0 && st.st_size == 1,
	       "mode-0 create: mode %o size %lld", st.st_mode & 0777,
	       (long long)st.st_size);
}

static void o_trunc(void)
{
	char buf[1000];
	struct stat st;
	int fd;

	memset(buf, 'a', sizeof(buf));
	CHECK(t_put("f", buf, sizeof(buf)) == 0);
	fd = open("f", O_WRONLY | O_TRUNC);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0);
	CHECKF(st.st_size == 0, "fstat size %lld after O_TRUNC",
	       (long long)st.st_size);
	CHECK(write(fd, "bc", 2) == 2);
	CHECK(close(fd) == 0);
	CHECK(stat("f", &st) == 0);
	CHECKF(st.st_size == 2, "size %lld", (long long)st.st_size);
	fd = open("f", O_RDWR | O_TRUNC);
	CHECK(fd >= 0);
	CHECK(read(fd, buf, sizeof(buf)) == 0);
	close(fd);
	CHECK(stat("f", &st) == 0);
	CHECKF(st.st_size == 0, "O_RDWR|O_TRUNC size %lld",
	       (long long)st.st_size);
	/* O_TRUNC on an already empty file and O_RDONLY|O_TRUNC as root */
	CHECK(t_put("g", "xyz", 3) == 0);
	fd = open("g", O_RDONLY | O_TRUNC);
	if (fd >= 0) {
		close(fd);
		CHECK(stat("g", &st) == 0);
		t_record("O_RDONLY|O_TRUNC: size after = %lld",
			 (long long)st.st_size);
	}
}

static void o_append(void)
{
	char buf[64];
	struct stat st;
	int fd, fd2;

	CHECK(t_put("f", "0123456789", 10) == 0);
	fd = open("f", O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(write(fd, "AB", 2) == 2);
	CHECKF(lseek(fd, 0, SEEK_CUR) == 12, "offset after append %lld",
	       (long long)lseek(fd, 0, SEEK_CUR));
	/* someone else extends the file; the next append goes after it */
	fd2 = open("f", O_WRONLY);
	CHECK(fd2 >= 0);
	CHECK(pwrite(fd2, "xyz", 3, 12) == 3);
	close(fd2);
	CHECK(write(fd, "CD", 2) == 2);
	CHECK(close(fd) == 0);
	memset(buf, 0, sizeof(buf));
	CHECK(t_get("f", buf, sizeof(buf)) == 17);
	CHECKF(!strcmp(buf, "0123456789ABxyzCD"), "content '%s'", buf);
	CHECK(stat("f", &st) == 0);
	CHECKF(st.st_size == 17, "size %lld", (long long)st.st_size);
}

/* Records are "wW rRRRR ....\n" of REC bytes. */
#define REC 64
enum { NW = 4, NR = 150 };

/*
 * NW processes append NR records each to "log"; with @sync_every, each
 * fsyncs after that many records (so writeback and the attribute reads
 * that follow it overlap other appenders); with @watch, another process
 * stats the file meanwhile and fails if the size it sees ever shrinks.
 * Returns 0, or fails the subtest.
 */
static int t_failed(int line, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int t_failed(int line, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	t_fail_at(__FILE__, line, "%s", buf);
	return -1;
}

static int append_run(int sync_every, bool watch)
{
	static char data[NW * NR * REC + 1];
	int counts[NW][NR];
	pid_t pids[NW], watcher = -1;
	int pfd[2] = { -1, -1 };
	ssize_t n;
	int w, r;

	if (t_put("log", "", 0) || (watch && pipe(pfd)))
		return t_failed(__LINE__, "setup: %s", t_errname(errno));
	fflush(stdout);
	if (watch) {
		watcher = fork();
		if (watcher < 0)
			return t_failed(__LINE__, "fork: %s", t_errname(errno));
		if (watcher == 0) {
			off_t last = 0;
			struct stat st;
			char c;

			close(pfd[1]);
			fcntl(pfd[0], F_SETFL, O_NONBLOCK);
			/* until the parent closes the pipe */
			while (read(pfd[0], &c, 1) < 0 && errno == EAGAIN) {
				if (stat("log", &st))
					_exit(2);
				if (st.st_size < last)
					_exit(3);
				last = st.st_size;
			}
			_exit(0);
		}
		close(pfd[0]);
	}
	for (w = 0; w < NW; w++) {
		pids[w] = fork();
		if (pids[w] < 0)
			return t_failed(__LINE__, "fork: %s", t_errname(errno));
		if (pids[w] == 0) {
			int fd = open("log", O_WRONLY | O_APPEND);
			char rec[REC];

			if (fd < 0)
				_exit(2);
			for (r = 0; r < NR; r++) {
				memset(rec, 'a' + w, REC);
				snprintf(rec, REC, "w%d r%04d ", w, r);
				rec[strlen(rec)] = '.';
				rec[REC - 1] = '\n';
				if (write(fd, rec, REC) != REC)
					_exit(3);
				if (sync_every && r % sync_every == 0 && fsync(fd))
					_exit(4);
			}
			_exit(close(fd) ? 5 : 0);
		}
	}
	for (w = 0; w < NW; w++) {
		int st = t_wait(pids[w]);

		if (st)
			return t_failed(__LINE__, "appender %d exited %d", w, st);
	}
	if (watch) {
		close(pfd[1]);
		r = t_wait(watcher);
		if (r)
			return t_failed(__LINE__, "watcher exited %d (3: the size went backwards)", r);
	}
	n = t_get("log", data, sizeof(data));
	if (n != NW * NR * REC)
		return t_failed(__LINE__, "log has %zd bytes, want %d (records lost)",
				 n, NW * NR * REC);
	memset(counts, 0, sizeof(counts));
	for (ssize_t off = 0; off < n; off += REC) {
		char *p = data + off;

		if (!(p[0] == 'w' && p[REC - 1] == '\n' &&
		      sscanf(p, "w%d r%d", &w, &r) == 2 && w >= 0 && w < NW &&
		      r >= 0 && r < NR && p[REC - 2] == 'a' + w))
			return t_failed(__LINE__, "torn record at offset %zd: '%.20s'",
					 off, p);
		counts[w][r]++;
	}
	for (w = 0; w < NW; w++)
		for (r = 0; r < NR; r++)
			if (counts[w][r] != 1)
				return t_failed(__LINE__, "record w%d r%d seen %d times",
						 w, r, counts[w][r]);
	return 0;
}

static void append_concurrent(void)
{
	append_run(0, false);
}

/*
 * Regression: an attribute reply the server made before one of our
 * writes completed, applied after it, moved i_size back, and the next
 * append landed inside data already written (cache=mmap, records lost).
 */
static void append_vs_stat(void)
{
	append_run(8, true);
}

static void rw_patterns(void)
{
	static const size_t sizes[] = { 1, 7, 511, 4095, 4096, 4097, 65539,
					131072, 1048577 };
	enum { TOTAL = 1 + 7 + 511 + 4095 + 4096 + 4097 + 65539 + 131072 +
		       1048577 };
	static unsigned char buf[TOTAL], model[TOTAL];
	/* small chunks only over a prefix: one round trip each uncached */
	static const size_t rsizes[] = { 3, 4096, 100000, TOTAL };
	static const size_t rlimit[] = { 5000, TOTAL, TOTAL, TOTAL };
	unsigned long lcg = 12345;
	size_t off = 0, i;
	int fd;

	fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	t_fill(model, TOTAL, 0, 7);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		CHECKF(write(fd, model + off, sizes[i]) == (ssize_t)sizes[i],
		       "write of %zu at %zu: %s", sizes[i], off,
		       strerror(errno));
		off += sizes[i];
	}
	/* read back with various chunk sizes */
	for (i = 0; i < sizeof(rsizes) / sizeof(rsizes[0]); i++) {
		size_t got = 0;

		CHECK(lseek(fd, 0, SEEK_SET) == 0);
		memset(buf, 0, TOTAL);
		for (;;) {
			size_t want = rlimit[i] - got < rsizes[i] ?
				      rlimit[i] - got : rsizes[i];
			ssize_t r = read(fd, buf + got, want ? want : 1);

			CHECK(r >= 0);
			if (r == 0 || got + r >= rlimit[i]) {
				got += r;
				break;
			}
			got += r;
		}
		if (rlimit[i] == TOTAL)
			CHECKF(got == TOTAL, "read %zu bytes with chunk %zu", got,
			       rsizes[i]);
		CHECKF(got >= rlimit[i] && !memcmp(buf, model, rlimit[i]),
		       "data mismatch (chunk %zu) at %ld", rsizes[i],
		       t_verify(buf, rlimit[i], 0, 7));
	}
	/* random pwrite/pread against a model */
	for (i = 0; i < 300; i++) {
		size_t o, l;

		lcg = lcg * 6364136223846793005UL + 1442695040888963407UL;
		o = (lcg >> 20) % TOTAL;
		l = 1 + (lcg >> 44) % 9000;
		if (o + l > TOTAL)
			l = TOTAL - o;
		if (i % 3) {
			t_fill(model + o, l, o, 100 + i);
			CHECK(pwrite(fd, model + o, l, o) == (ssize_t)l);
		} else {
			CHECK(pread(fd, buf, l, o) == (ssize_t)l);
			CHECKF(!memcmp(buf, model + o, l),
			       "pread %zu@%zu mismatch after random pwrites", l, o);
		}
	}
	CHECK(pread(fd, buf, TOTAL, 0) == TOTAL);
	CHECKF(!memcmp(buf, model, TOTAL), "final content mismatch");
	/* readv/writev with uneven iovecs */
	{
		struct iovec iov[3];
		static unsigned char a[10], b[5000], c[70000];
		unsigned char ra[10], rb[5000], rc[70000];

		t_fill(a, sizeof(a), 0, 1);
		t_fill(b, sizeof(b), 0, 2);
		t_fill(c, sizeof(c), 0, 3);
		iov[0] = (struct iovec){ a, sizeof(a) };
		iov[1] = (struct iovec){ b, sizeof(b) };
		iov[2] = (struct iovec){ c, sizeof(c) };
		CHECK(lseek(fd, 777, SEEK_SET) == 777);
		CHECK(writev(fd, iov, 3) == sizeof(a) + sizeof(b) + sizeof(c));
		CHECK(lseek(fd, 0, SEEK_CUR) == 777 + sizeof(a) + sizeof(b) + sizeof(c));
		iov[0] = (struct iovec){ ra, sizeof(ra) };
		iov[1] = (struct iovec){ rb, sizeof(rb) };
		iov[2] = (struct iovec){ rc, sizeof(rc) };
		CHECK(preadv(fd, iov, 3, 777) == sizeof(a) + sizeof(b) + sizeof(c));
		CHECKF(!memcmp(a, ra, sizeof(a)) && !memcmp(b, rb, sizeof(b)) &&
		       !memcmp(c, rc, sizeof(c)), "readv/writev mismatch");
		/* plain read sees the same bytes */
		CHECK(pread(fd, rb, 10, 777) == 10);
		CHECKF(!memcmp(rb, a, 10), "pread after writev mismatch");
	}
	/* read at and beyond EOF */
	{
		off_t end = lseek(fd, 0, SEEK_END);

		CHECK(end == TOTAL);
		CHECK(read(fd, buf, 10) == 0);
		CHECK(pread(fd, buf, 10, end + 100000) == 0);
	}
	CHECK(close(fd) == 0);
}

static void two_fds_coherent(void)
{
	char buf[32];
	int a, b;

	CHECK(t_put("f", "", 0) == 0);
	a = open("f", O_RDWR);
	b = open("f", O_RDWR);
	CHECK(a >= 0 && b >= 0);
	CHECK(write(a, "hello", 5) == 5);
	memset(buf, 0, sizeof(buf));
	CHECKF(pread(b, buf, sizeof(buf), 0) == 5 && !strcmp(buf, "hello"),
	       "second fd reads '%s'", buf);
	CHECK(pwrite(b, "J", 1, 0) == 1);
	memset(buf, 0, sizeof(buf));
	CHECKF(pread(a, buf, sizeof(buf), 0) == 5 && !strcmp(buf, "Jello"),
	       "first fd reads '%s'", buf);
	CHECK(ftruncate(b, 2) == 0);
	CHECKF(pread(a, buf, sizeof(buf), 0) == 2, "size after ftruncate on other fd");
	close(a);
	close(b);
	/* wrong access mode */
	a = open("f", O_RDONLY);
	CHECK(a >= 0);
	CHECK_ERR(write(a, "x", 1), EBADF);
	close(a);
	a = open("f", O_WRONLY);
	CHECK(a >= 0);
	CHECK_ERR(read(a, buf, 1), EBADF);
	close(a);
}

static void large_file(void)
{
	long mb = t_env_long("V9FS_IO_LARGE_MB", 64);
	size_t chunk = 1 << 20;
	unsigned char *buf = malloc(chunk);
	struct stat st;
	double t0;
	long i;
	int fd;

	CHECK(buf);
	t0 = t_now();
	fd = open("big", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	for (i = 0; i < mb; i++) {
		t_fill(buf, chunk, (uint64_t)i * chunk, 42);
		CHECKF(t_write_all(fd, buf, chunk) == (ssize_t)chunk,
		       "write chunk %ld: %s", i, strerror(errno));
	}
	CHECK(fsync(fd) == 0);
	CHECK(close(fd) == 0);
	CHECK(stat("big", &st) == 0);
	CHECKF(st.st_size == mb * (off_t)chunk, "size %lld", (long long)st.st_size);
	fd = open("big", O_RDONLY);
	CHECK(fd >= 0);
	for (i = 0; i < mb; i++) {
		long bad;

		CHECKF(t_read_all(fd, buf, chunk) == (ssize_t)chunk,
		       "short read at chunk %ld", i);
		bad = t_verify(buf, chunk, (uint64_t)i * chunk, 42);
		CHECKF(bad < 0, "mismatch at offset %lld",
		       (long long)i * chunk + bad);
	}
	CHECK(read(fd, buf, 1) == 0);
	close(fd);
	t_note("%ld MiB written+read in %.1f s", mb, t_now() - t0);
	/* the server has the same bytes (first and last MiB) */
	{
		char hp[4096];

		if (t_hostpath(hp, sizeof(hp), "big") == 0) {
			long bad;

			fd = open(hp, O_RDONLY);
			CHECKF(fd >= 0, "host view %s: %s", hp, strerror(errno));
			CHECK(fstat(fd, &st) == 0);
			CHECKF(st.st_size == mb * (off_t)chunk,
			       "host sees size %lld", (long long)st.st_size);
			CHECK(pread(fd, buf, chunk, 0) == (ssize_t)chunk);
			bad = t_verify(buf, chunk, 0, 42);
			CHECKF(bad < 0, "host sees wrong byte at %ld", bad);
			CHECK(pread(fd, buf, chunk, (mb - 1) * chunk) == (ssize_t)chunk);
			bad = t_verify(buf, chunk, (uint64_t)(mb - 1) * chunk, 42);
			CHECKF(bad < 0, "host sees wrong byte in the last MiB at %ld", bad);
			close(fd);
		} else {
			t_note("no V9FS_HOSTDIR: host view not checked");
		}
	}
	free(buf);
	/* 64-bit offsets: a sparse file past 4 GiB */
	fd = open("sparse", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(pwrite(fd, "end", 3, 5LL << 30) == 3);
	CHECK(fstat(fd, &st) == 0);
	CHECKF(st.st_size == (5LL << 30) + 3, "size %lld", (long long)st.st_size);
	{
		char b[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };

		CHECK(pread(fd, b, 8, (5LL << 30) - 5) == 8);
		CHECKF(!memcmp(b, "\0\0\0\0\0end", 8), "bytes around 5 GiB wrong");
	}
	close(fd);
}

static void hole_zeros(void)
{
	static char buf[1 << 20];
	struct stat st;
	int fd;

	fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "head", 4) == 4);
	CHECK(lseek(fd, 1 << 20, SEEK_SET) == 1 << 20);
	CHECK(write(fd, "tail", 4) == 4);
	CHECK(fstat(fd, &st) == 0);
	CHECKF(st.st_size == (1 << 20) + 4, "size %lld", (long long)st.st_size);
	memset(buf, 0x77, sizeof(buf));
	CHECK(pread(fd, buf, sizeof(buf), 0) == sizeof(buf));
	CHECKF(!memcmp(buf, "head", 4), "head lost");
	for (size_t i = 4; i < sizeof(buf); i++)
		CHECKF(buf[i] == 0, "hole byte %zu is %#x", i, buf[i] & 0xff);
	/* SEEK_END beyond + write */
	CHECK(lseek(fd, 100, SEEK_END) == (1 << 20) + 104);
	CHECK(write(fd, "x", 1) == 1);
	CHECK(pread(fd, buf, 101, (1 << 20) + 4) == 101);
	for (int i = 0; i < 100; i++)
		CHECKF(buf[i] == 0, "second hole byte %d nonzero", i);
	CHECKF(buf[100] == 'x', "byte after second hole");
	CHECK(close(fd) == 0);
	CHECK(stat("f", &st) == 0);
	CHECKF(st.st_size == (1 << 20) + 105, "final size %lld",
	       (long long)st.st_size);
	if (st.st_blocks * 512 < st.st_size)
		t_record("file with 1 MiB hole is sparse (%lld blocks)",
			 (long long)st.st_blocks);
	/* lseek errors */
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
	CHECK_ERR(lseek(fd, 0, 42), EINVAL);
	close(fd);
}

static void seek_data_hole(void)
{
	const off_t M = 1 << 20;
	static char blk[4096];
	off_t size, r;
	int fd;

	memset(blk, 'd', sizeof(blk));
	fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(pwrite(fd, blk, sizeof(blk), 0) == sizeof(blk));
	CHECK(pwrite(fd, blk, sizeof(blk), 4 * M) == sizeof(blk));
	CHECK(fsync(fd) == 0);
	size = 4 * M + 4096;
	errno = 0;
	r = lseek(fd, 0, SEEK_DATA);
	if (r < 0 && (errno == EINVAL || errno == EOPNOTSUPP)) {
		t_record("SEEK_DATA unsupported: %s", t_errname(errno));
		close(fd);
		SKIP("SEEK_DATA/SEEK_HOLE not supported (%s)", t_errname(errno));
	}
	CHECKF(r == 0, "SEEK_DATA(0) = %lld (%s)", (long long)r, t_errname(errno));
	r = lseek(fd, 0, SEEK_HOLE);
	CHECKF(r >= 4096 && r <= size, "SEEK_HOLE(0) = %lld", (long long)r);
	t_record("SEEK_HOLE(0) = %lld (%s)", (long long)r,
		 r == size ? "whole file is data" : "hole found");
	r = lseek(fd, 8192, SEEK_DATA);
	CHECKF(r >= 8192 && r <= 4 * M, "SEEK_DATA(8192) = %lld", (long long)r);
	r = lseek(fd, 4 * M + 10, SEEK_DATA);
	CHECKF(r == 4 * M + 10, "SEEK_DATA in data = %lld", (long long)r);
	r = lseek(fd, 4 * M + 10, SEEK_HOLE);
	CHECKF(r == size, "SEEK_HOLE in last data = %lld, want EOF %lld",
	       (long long)r, (long long)size);
	CHECK_ERR(lseek(fd, size, SEEK_DATA), ENXIO);
	CHECK_ERR(lseek(fd, size + 5, SEEK_HOLE), ENXIO);
	close(fd);
}

static void fsync_variants(void)
{
	int fd, dfd;

	fd = open("f", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "data", 4) == 4);
	CHECK(fsync(fd) == 0);
	CHECK(write(fd, "more", 4) == 4);
	CHECK(fdatasync(fd) == 0);
	CHECK(sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE |
			      SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) == 0);
	CHECK(syncfs(fd) == 0);
	close(fd);
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(fsync(fd) == 0);
	close(fd);
	fd = open("f", O_WRONLY | O_SYNC | O_APPEND);
	CHECK(fd >= 0);
	CHECK(write(fd, "!", 1) == 1);
	close(fd);
	fd = open("f", O_WRONLY | O_DSYNC | O_APPEND);
	CHECK(fd >= 0);
	CHECK(write(fd, "?", 1) == 1);
	close(fd);
	{
		char buf[16] = { 0 };

		CHECK(t_get("f", buf, sizeof(buf)) == 10);
		CHECKF(!strcmp(buf, "datamore!?"), "content '%s'", buf);
	}
	dfd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	errno = 0;
	CHECKF(fsync(dfd) == 0 || errno == EINVAL,
	       "fsync(dir) failed with %s", t_errname(errno));
	if (errno)
		t_record("fsync on a directory: %s", t_errname(errno));
	close(dfd);
}

static int mkfile(const char *name, size_t n, unsigned seed)
{
	unsigned char *b = malloc(n);
	int r;

	if (!b)
		return -1;
	t_fill(b, n, 0, seed);
	r = t_put(name, b, n);
	free(b);
	return r;
}

static long check_file(const char *name, size_t n, uint64_t srcoff,
		       unsigned seed)
{
	unsigned char *b = malloc(n + 1);
	ssize_t r;
	long bad;

	if (!b)
		return -2;
	r = t_get(name, b, n + 1);
	if (r != (ssize_t)n) {
		free(b);
		return -3;
	}
	bad = t_verify(b, n, srcoff, seed);
	free(b);
	return bad;
}

static void sendfile_splice(void)
{
	const size_t N = (1 << 20) + 123;
	off_t off;
	int in, out, p[2];
	size_t done;
	long bad;

	CHECK(mkfile("src", N, 9) == 0);
	/* sendfile with implicit offset */
	in = open("src", O_RDONLY);
	out = open("dst1", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(in >= 0 && out >= 0);
	for (done = 0; done < N;) {
		ssize_t r = sendfile(out, in, NULL, N - done);

		CHECKF(r > 0, "sendfile returned %zd (%s)", r, t_errname(errno));
		done += r;
	}
	close(out);
	bad = check_file("dst1", N, 0, 9);
	CHECKF(bad == -1, "sendfile copy bad (%ld)", bad);
	/* sendfile with an explicit offset leaves the file offset alone */
	out = open("dst2", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(out >= 0);
	CHECK(lseek(in, 5, SEEK_SET) == 5);
	off = 1000;
	for (done = 0; done < N - 1000;) {
		ssize_t r = sendfile(out, in, &off, N - 1000 - done);

		CHECKF(r > 0, "sendfile(off) returned %zd (%s)", r,
		       t_errname(errno));
		done += r;
	}
	CHECKF(off == (off_t)N, "offset after sendfile %lld", (long long)off);
	CHECK(lseek(in, 0, SEEK_CUR) == 5);
	close(out);
	bad = check_file("dst2", N - 1000, 1000, 9);
	CHECKF(bad == -1, "sendfile(off) copy bad (%ld)", bad);
	/* splice file -> pipe -> file */
	CHECK(pipe(p) == 0);
	out = open("dst3", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(out >= 0);
	{
		loff_t ioff = 0, ooff = 0;

		while ((size_t)ioff < N) {
			ssize_t r = splice(in, &ioff, p[1], NULL, 65536, 0);

			CHECKF(r > 0, "splice in: %zd (%s)", r, t_errname(errno));
			while (r > 0) {
				ssize_t w = splice(p[0], NULL, out, &ooff, r, 0);

				CHECKF(w > 0, "splice out: %zd (%s)", w,
				       t_errname(errno));
				r -= w;
			}
		}
	}
	close(p[0]);
	close(p[1]);
	close(out);
	bad = check_file("dst3", N, 0, 9);
	CHECKF(bad == -1, "splice copy bad (%ld)", bad);
	/* copy_file_range: either works or fails cleanly */
	out = open("dst4", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(out >= 0);
	{
		loff_t ioff = 0, ooff = 0;
		ssize_t r = 0;

		errno = 0;
		while ((size_t)ioff < N) {
			r = copy_file_range(in, &ioff, out, &ooff, N - ioff, 0);
			if (r <= 0)
				break;
		}
		close(out);
		if (r < 0) {
			t_record("copy_file_range: %s", t_errname(errno));
			CHECKF(errno == EXDEV || errno == EOPNOTSUPP ||
			       errno == EINVAL || errno == ENOSYS,
			       "copy_file_range failed with %s", t_errname(errno));
		} else {
			bad = check_file("dst4", N, 0, 9);
			CHECKF(bad == -1, "copy_file_range copy bad (%ld)", bad);
		}
	}
	close(in);
}

static void o_direct(void)
{
	const size_t N = 256 * 1024;
	unsigned char *buf, *rbuf;
	ssize_t r;
	int fd;

	errno = 0;
	fd = open("f", O_RDWR | O_CREAT | O_TRUNC | O_DIRECT, 0644);
	if (fd < 0) {
		CHECKF(errno == EINVAL, "open(O_DIRECT): %s", t_errname(errno));
		t_record("open(O_DIRECT) fails with EINVAL");
		SKIP("O_DIRECT not supported (EINVAL at open)");
	}
	CHECK(posix_memalign((void **)&buf, 4096, N) == 0);
	CHECK(posix_memalign((void **)&rbuf, 4096, N) == 0);
	t_fill(buf, N, 0, 5);
	errno = 0;
	r = write(fd, buf, N);
	if (r < 0 && errno == EINVAL) {
		t_record("O_DIRECT aligned write: EINVAL");
		/* then it must be EINVAL consistently for reads too */
		CHECK_ERR(pread(fd, rbuf, 4096, 0), EINVAL);
		close(fd);
		free(buf);
		free(rbuf);
		SKIP("O_DIRECT opens but aligned I/O gives EINVAL");
	}
	CHECKF(r == (ssize_t)N, "O_DIRECT write %zd (%s)", r, t_errname(errno));
	CHECK(pread(fd, rbuf, N, 0) == (ssize_t)N);
	CHECKF(!memcmp(buf, rbuf, N), "O_DIRECT read mismatch");
	/* a buffered reader sees the O_DIRECT data */
	{
		int fd2 = open("f", O_RDONLY);
		unsigned char b[4096];

		CHECK(fd2 >= 0);
		CHECK(pread(fd2, b, sizeof(b), N - 4096) == sizeof(b));
		CHECKF(!memcmp(b, buf + N - 4096, 4096),
		       "buffered read after O_DIRECT write mismatch");
		/* buffered write then O_DIRECT read */
		close(fd2);
		fd2 = open("f", O_WRONLY);
		CHECK(fd2 >= 0);
		memset(b, 'B', sizeof(b));
		CHECK(pwrite(fd2, b, sizeof(b), 8192) == sizeof(b));
		close(fd2);
		CHECK(pread(fd, rbuf, 4096, 8192) == 4096);
		CHECKF(!memcmp(rbuf, b, 4096),
		       "O_DIRECT read after buffered write mismatch");
	}
	/* unaligned: record what happens, but it must not corrupt data */
	errno = 0;
	r = pread(fd, rbuf + 1, 1000, 3);
	t_record("O_DIRECT unaligned pread: %zd (%s)", r,
		 r < 0 ? t_errname(errno) : "ok");
	if (r > 0)
		CHECKF(!memcmp(rbuf + 1, buf + 3, r), "unaligned O_DIRECT read mismatch");
	CHECK(close(fd) == 0);
	free(buf);
	free(rbuf);
}

int main(void)
{
	t_init("t_io");
	t_run("excl_create", excl_create);
	t_run("o_trunc", o_trunc);
	t_run("o_append", o_append);
	t_run("append_concurrent", append_concurrent);
	t_run("append_vs_stat", append_vs_stat);
	t_run("rw_patterns", rw_patterns);
	t_run("two_fds_coherent", two_fds_coherent);
	t_run("large_file", large_file);
	t_run("hole_zeros", hole_zeros);
	t_run("seek_data_hole", seek_data_hole);
	t_run("fsync_variants", fsync_variants);
	t_run("sendfile_splice", sendfile_splice);
	t_run("o_direct", o_direct);
	return t_finish();
}
