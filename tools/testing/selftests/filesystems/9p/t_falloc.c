// SPDX-License-Identifier: GPL-2.0
/*
 * t_falloc - fallocate(2) and posix_fallocate(3) on a 9p file.  9P has no
 * allocation message: a client may do with writes of zeros what has the
 * same visible result (allocation past the end, zeroing, punching as far
 * as reads can tell) and must fail the rest with EOPNOTSUPP, cleanly.
 */
#include <linux/falloc.h>
#include "t_common.h"

static unsigned char pat[65536], buf[65536];

/* fallocate() is not there at all (EOPNOTSUPP): skip, as recorded */
#define SKIP_IF_NO_FALLOCATE(r) do {					\
	if ((r) < 0 && errno == EOPNOTSUPP) {				\
		t_record("fallocate mode 0: EOPNOTSUPP");		\
		SKIP("no fallocate at all (EOPNOTSUPP)");		\
	}								\
} while (0)

static int zeros(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void mode0(void)
{
	struct stat st;
	int fd, r;

	t_fill(pat, 5, 1, 7);
	CHECK(t_put("f", pat, 5) == 0);
	fd = open("f", O_RDWR);
	CHECK(fd >= 0);
	r = fallocate(fd, 0, 0, 200000);
	SKIP_IF_NO_FALLOCATE(r);
	CHECKF(r == 0, "fallocate(0, 200000): %s", t_errname(errno));
	CHECK(fsync(fd) == 0);
	CHECK(fstat(fd, &st) == 0);
	CHECKF(st.st_size == 200000, "size %lld", (long long)st.st_size);
	/* allocated: the server's file has the blocks (within 8 KiB) */
	CHECKF((long long)st.st_blocks * 512 >= 200000 - 8192,
	       "only %lld bytes allocated", (long long)st.st_blocks * 512);
	CHECK(pread(fd, buf, 5, 0) == 5);
	CHECKF(!memcmp(buf, pat, 5), "data before the range changed");
	CHECK(pread(fd, buf, sizeof(buf), 100000) == sizeof(buf));
	CHECKF(zeros(buf, sizeof(buf)), "allocated range is not zero");
	/* inside the file: nothing changes */
	CHECK(pwrite(fd, "abc", 3, 1000) == 3);
	CHECK(fallocate(fd, 0, 0, 4096) == 0);
	CHECK(pread(fd, buf, 3, 1000) == 3 && !memcmp(buf, "abc", 3));
	CHECK(fstat(fd, &st) == 0 && st.st_size == 200000);
	/* an offset past the end: the size becomes offset + len */
	CHECK(fallocate(fd, 0, 300000, 1000) == 0);
	CHECK(fstat(fd, &st) == 0);
	CHECKF(st.st_size == 301000, "size %lld", (long long)st.st_size);
	CHECK(pread(fd, buf, 1000, 299500) == 1000 && zeros(buf, 1000));
	close(fd);
}

static void zero_and_punch(void)
{
	struct stat st;
	int fd, r;

	t_fill(pat, sizeof(pat), 2, 11);
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] |= 1;	/* no zero byte: zeros are seen */
	CHECK(t_put("f", pat, sizeof(pat)) == 0);
	fd = open("f", O_RDWR);
	CHECK(fd >= 0);
	r = fallocate(fd, 0, 0, 1);
	SKIP_IF_NO_FALLOCATE(r);
	r = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 4096,
		      8192);
	CHECKF(r == 0 || errno == EOPNOTSUPP, "punch hole: %s",
	       t_errname(errno));
	t_record("PUNCH_HOLE: %s", r ? t_errname(errno) : "ok");
	CHECK(pread(fd, buf, sizeof(buf), 0) == sizeof(buf));
	if (r == 0) {
		CHECKF(zeros(buf + 4096, 8192), "punched range not zero");
		CHECKF(!memcmp(buf, pat, 4096) &&
		       !memcmp(buf + 12288, pat + 12288, sizeof(pat) - 12288),
		       "punch changed data around the hole");
	} else {
		CHECKF(!memcmp(buf, pat, sizeof(pat)), "failed punch changed data");
	}
	r = fallocate(fd, FALLOC_FL_ZERO_RANGE, 20000, 100);
	CHECKF(r == 0 || errno == EOPNOTSUPP, "zero range: %s",
	       t_errname(errno));
	t_record("ZERO_RANGE: %s", r ? t_errname(errno) : "ok");
	if (r == 0) {
		CHECK(pread(fd, buf, 300, 19900) == 300);
		CHECKF(!memcmp(buf, pat + 19900, 100) && zeros(buf + 100, 100) &&
		       !memcmp(buf + 200, pat + 20100, 100),
		       "zero range wrong");
		/* KEEP_SIZE past the end: the size stays */
		CHECK(fallocate(fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
				60000, 20000) == 0);
		CHECK(fstat(fd, &st) == 0);
		CHECKF(st.st_size == sizeof(pat), "size %lld",
		       (long long)st.st_size);
		CHECK(pread(fd, buf, 5536, 60000) == 5536 && zeros(buf, 5536));
		/* and without KEEP_SIZE it grows */
		CHECK(fallocate(fd, FALLOC_FL_ZERO_RANGE, 65000, 1536) == 0);
		CHECK(fstat(fd, &st) == 0 && st.st_size == 66536);
	}
	close(fd);
}

static void unsupported_modes(void)
{
	struct stat st;
	int fd, r;

	t_fill(pat, 16384, 3, 5);
	CHECK(t_put("f", pat, 16384) == 0);
	fd = open("f", O_RDWR);
	CHECK(fd >= 0);
	r = fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 4096, 4096);
	CHECKF(r < 0 && (errno == EOPNOTSUPP || errno == EINVAL),
	       "COLLAPSE_RANGE: %s", r ? t_errname(errno) : "succeeded");
	r = fallocate(fd, FALLOC_FL_INSERT_RANGE, 4096, 4096);
	CHECKF(r < 0 && (errno == EOPNOTSUPP || errno == EINVAL),
	       "INSERT_RANGE: %s", r ? t_errname(errno) : "succeeded");
	r = fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 100000);
	CHECKF(r == 0 || errno == EOPNOTSUPP, "KEEP_SIZE: %s", t_errname(errno));
	t_record("KEEP_SIZE past the end: %s", r ? t_errname(errno) : "ok");
	CHECK(fstat(fd, &st) == 0);
	CHECKF(st.st_size == 16384, "size %lld after failed modes",
	       (long long)st.st_size);
	CHECK(pread(fd, buf, 16384, 0) == 16384);
	CHECKF(!memcmp(buf, pat, 16384), "failed modes changed data");
	/* on a read-only fd: EBADF */
	close(fd);
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_ERR(fallocate(fd, 0, 0, 100000), EBADF);
	close(fd);
}

static void posix_fallocate_works(void)
{
	struct stat st;
	int fd, r;

	CHECK(t_put("f", "xyz", 3) == 0);
	fd = open("f", O_RDWR | O_APPEND);
	CHECK(fd >= 0);
	/* glibc falls back to writing when fallocate says EOPNOTSUPP */
	r = posix_fallocate(fd, 0, 50000);
	CHECKF(r == 0, "posix_fallocate: %s", t_errname(r));
	CHECK(fstat(fd, &st) == 0);
	CHECKF(st.st_size == 50000, "size %lld", (long long)st.st_size);
	CHECK(pread(fd, buf, 3, 0) == 3 && !memcmp(buf, "xyz", 3));
	CHECK(pread(fd, buf, 1000, 49000) == 1000 && zeros(buf, 1000));
	close(fd);
}

int main(void)
{
	t_init("t_falloc");
	t_run("mode0", mode0);
	t_run("zero_and_punch", zero_and_punch);
	t_run("unsupported_modes", unsupported_modes);
	t_run("posix_fallocate", posix_fallocate_works);
	return t_finish();
}
