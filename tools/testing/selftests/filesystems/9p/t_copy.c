// SPDX-License-Identifier: GPL-2.0
/*
 * t_copy - copy_file_range(2) and FS_IOC_FIEMAP, as cp, rsync and
 * container tools use them on a 9p file.
 *
 * copy_file_range within one mount must copy exactly what read+write
 * would (offsets, sizes, the bytes around the range, end of file) and
 * fail as POSIX-minded tools expect (overlap, O_APPEND).  On v9fs-ng with
 * cache=none, where each write goes to the server, a copy must also go
 * out in large Twrites (about msize each), not in the pipe-sized pieces
 * of the kernel's splice fallback: counted in /proc/self/mountstats.
 * FIEMAP either reports extents that cover the file or fails with
 * EOPNOTSUPP, which makes cp and friends fall back to reading.
 */
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include "t_common.h"

#define BIG (4 << 20)

static unsigned char *src, *got;

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = t_pat(i, seed);
}

/* copy_file_range until len bytes moved or it returns 0; total or -1 */
static ssize_t copy_all(int in, off_t *pin, int out, off_t *pout, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = copy_file_range(in, pin, out, pout, len - done, 0);

		if (r < 0)
			return -1;
		if (r == 0)
			break;
		done += r;
	}
	return done;
}

static void whole_file(void)
{
	int in, out;
	ssize_t r;

	fill(src, BIG, 3);
	CHECK(t_put("src", src, BIG) == 0);
	in = open("src", O_RDONLY);
	out = open("dst", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(in >= 0 && out >= 0);
	r = copy_all(in, NULL, out, NULL, BIG + 4096);
	CHECKF(r == BIG, "copied %zd of %d: %s", r, BIG, t_errname(errno));
	/* the file offsets moved by what was copied */
	CHECK(lseek(in, 0, SEEK_CUR) == BIG && lseek(out, 0, SEEK_CUR) == BIG);
	/* at the end of the source: 0, nothing written */
	CHECK(copy_file_range(in, NULL, out, NULL, 100, 0) == 0);
	CHECK(close(in) == 0 && close(out) == 0);
	CHECK(t_get("dst", got, BIG + 1) == BIG);
	CHECKF(!memcmp(got, src, BIG), "copy differs from the source");
}

static void ranges(void)
{
	off_t pin = 12345, pout = 777;
	unsigned char old[300000];
	int in, out;
	struct stat st;

	fill(src, 200000, 5);
	fill(old, sizeof(old), 9);
	CHECK(t_put("src", src, 200000) == 0);
	CHECK(t_put("dst", old, sizeof(old)) == 0);
	in = open("src", O_RDONLY);
	out = open("dst", O_RDWR);
	CHECK(in >= 0 && out >= 0);
	CHECK(copy_all(in, &pin, out, &pout, 100000) == 100000);
	CHECK(pin == 12345 + 100000 && pout == 777 + 100000);
	/* explicit offsets leave the file offsets alone */
	CHECK(lseek(in, 0, SEEK_CUR) == 0 && lseek(out, 0, SEEK_CUR) == 0);
	CHECK(fstat(out, &st) == 0 && st.st_size == sizeof(old));
	CHECK(pread(out, got, sizeof(old), 0) == sizeof(old));
	CHECKF(!memcmp(got, old, 777), "bytes before the range changed");
	CHECKF(!memcmp(got + 777, src + 12345, 100000), "range differs");
	CHECKF(!memcmp(got + 100777, old + 100777, sizeof(old) - 100777),
	       "bytes after the range changed");
	/* past the end of the destination: it grows, the gap reads zero */
	pin = 0;
	pout = 400000;
	CHECK(copy_all(in, &pin, out, &pout, 1000) == 1000);
	CHECK(fstat(out, &st) == 0);
	CHECKF(st.st_size == 401000, "size %lld", (long long)st.st_size);
	CHECK(pread(out, got, 1000, 400000) == 1000 && !memcmp(got, src, 1000));
	CHECK(pread(out, got, 1000, 350000) == 1000);
	for (int i = 0; i < 1000; i++)
		CHECKF(!got[i], "gap byte %d is %d", i, got[i]);
	/* the source ends first: the copy is short */
	pin = 199000;
	pout = 0;
	CHECK(copy_file_range(in, &pin, out, &pout, 5000, 0) == 1000);
	close(in);
	close(out);
}

static void refused(void)
{
	off_t a = 0, b = 100;
	int fd, ap;

	fill(src, 8192, 7);
	CHECK(t_put("f", src, 8192) == 0);
	fd = open("f", O_RDWR);
	CHECK(fd >= 0);
	/* overlapping ranges of one file */
	CHECK_ERR(copy_file_range(fd, &a, fd, &b, 1000, 0), EINVAL);
	/* a flag that does not exist */
	a = 0;
	b = 4096;
	CHECK_ERR(copy_file_range(fd, &a, fd, &b, 10, 1), EINVAL);
	/* within one file, apart: fine */
	CHECK(copy_file_range(fd, &a, fd, &b, 1000, 0) == 1000);
	CHECK(pread(fd, got, 1000, 4096) == 1000 && !memcmp(got, src, 1000));
	ap = open("f", O_WRONLY | O_APPEND);
	CHECK(ap >= 0);
	a = 0;
	CHECK_ERR(copy_file_range(fd, &a, ap, NULL, 10, 0), EBADF);
	close(ap);
	close(fd);
}

/* The "Twrite: count ..." count of our mount in /proc/self/mountstats. */
static long twrites(unsigned int *msize)
{
	char mp[4096], line[512], dev[256], at[4096], fs[64];
	FILE *f = fopen("/proc/self/mountstats", "r");
	long n = -1;
	int in = 0;

	if (!f || !realpath(t_env("V9FS_MNT", "."), mp)) {
		if (f)
			fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "device %255s mounted on %4095s with fstype %63s",
			   dev, at, fs) == 3) {
			in = !strcmp(at, mp) && !strcmp(fs, "9p");
			continue;
		}
		if (!in)
			continue;
		sscanf(line, " msize: %u", msize);
		if (sscanf(line, " Twrite: %ld", &n) == 1)
			break;
	}
	fclose(f);
	return n < 0 && *msize ? 0 : n;
}

static void large_writes(void)
{
	unsigned int msize = 0;
	long before, after, most;
	int in, out;

	if (!t_client_is("ng") || strcmp(t_env("V9FS_CACHE", "none"), "none"))
		SKIP("request counts are v9fs-ng's, exact with cache=none");
	fill(src, BIG, 11);
	CHECK(t_put("src", src, BIG) == 0);
	in = open("src", O_RDONLY);
	out = open("dst", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(in >= 0 && out >= 0);
	before = twrites(&msize);
	if (before < 0 || !msize)
		SKIP("no 9p statistics for this mount");
	if (msize < 262144)
		SKIP("msize %u: splice-sized writes are as large", msize);
	CHECK(copy_all(in, NULL, out, NULL, BIG) == BIG);
	after = twrites(&msize);
	/* Twrites of about msize each, a few partial ones at chunk ends */
	most = BIG / (msize - 4096) + 4;
	t_note("copy of %d bytes: %ld Twrites (msize %u)", BIG,
	       after - before, msize);
	CHECKF(after - before <= most, "%ld Twrites for %d bytes, want <= %ld",
	       after - before, BIG, most);
	close(in);
	close(out);
	CHECK(t_get("dst", got, BIG) == BIG && !memcmp(got, src, BIG));
}

static void fiemap(void)
{
	struct {
		struct fiemap fm;
		struct fiemap_extent ext[32];
	} m;
	unsigned long long end = 0;
	int fd, r;

	fill(src, 100000, 13);
	CHECK(t_put("f", src, 100000) == 0);
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	memset(&m, 0, sizeof(m));
	m.fm.fm_length = FIEMAP_MAX_OFFSET;
	m.fm.fm_flags = FIEMAP_FLAG_SYNC;
	m.fm.fm_extent_count = 32;
	r = ioctl(fd, FS_IOC_FIEMAP, &m);
	close(fd);
	if (r < 0) {
		CHECKF(errno == EOPNOTSUPP, "FIEMAP: %s, want EOPNOTSUPP",
		       t_errname(errno));
		t_record("FIEMAP: EOPNOTSUPP");
		return;
	}
	CHECKF(m.fm.fm_mapped_extents >= 1 && m.fm.fm_mapped_extents <= 32,
	       "%u extents", m.fm.fm_mapped_extents);
	for (unsigned int i = 0; i < m.fm.fm_mapped_extents; i++)
		if (m.ext[i].fe_logical + m.ext[i].fe_length > end)
			end = m.ext[i].fe_logical + m.ext[i].fe_length;
	CHECKF(end >= 100000, "extents end at %llu of 100000", end);
	CHECK(m.ext[m.fm.fm_mapped_extents - 1].fe_flags & FIEMAP_EXTENT_LAST);
	t_record("FIEMAP: %u extents", m.fm.fm_mapped_extents);
}

int main(void)
{
	t_init("t_copy");
	src = malloc(BIG);
	got = malloc(BIG + 1);
	if (!src || !got)
		return 1;
	t_run("whole_file", whole_file);
	t_run("ranges", ranges);
	t_run("refused", refused);
	t_run("large_writes", large_writes);
	t_run("fiemap", fiemap);
	return t_finish();
}
