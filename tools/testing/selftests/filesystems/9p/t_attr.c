// SPDX-License-Identifier: GPL-2.0
/*
 * t_attr - file attributes: stat/statx fields, nanosecond times, chmod,
 * chown, truncate/ftruncate, utimensat, statfs.
 *
 * Env: V9FS_TIME_SLACK (seconds, default 10): allowed distance between the
 * guest's clock and a server-assigned "now" timestamp.
 */
#include <sys/statfs.h>
#include <sys/time.h>
#include "t_common.h"

#define V9FS_MAGIC 0x01021997

static int dotl(void)
{
	/* Outside the harness assume a full-featured (Linux-native) fs. */
	return !t_on_9p() || t_version_is("9p2000.L");
}

static long long ts_ns(struct timespec t)
{
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void stat_basic(void)
{
	struct stat st, fst;
	char buf[1234];
	int fd;

	umask(022);
	memset(buf, 'x', sizeof(buf));
	fd = open("f", O_RDWR | O_CREAT | O_EXCL, 0666);
	CHECK(fd >= 0);
	CHECK(write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf));
	CHECK(fstat(fd, &fst) == 0);
	CHECK(close(fd) == 0);
	CHECK(stat("f", &st) == 0);
	CHECKF(S_ISREG(st.st_mode), "not S_ISREG: mode %o", st.st_mode);
	CHECKF((st.st_mode & 07777) == 0644, "mode %o, want 0644 (umask 022)",
	       st.st_mode & 07777);
	CHECKF(st.st_size == 1234, "size %lld", (long long)st.st_size);
	CHECKF(st.st_nlink == 1, "nlink %lu", (unsigned long)st.st_nlink);
	CHECKF(st.st_uid == 0 && st.st_gid == 0, "owner %u:%u, want 0:0",
	       st.st_uid, st.st_gid);
	CHECKF(st.st_blksize > 0, "blksize %ld", (long)st.st_blksize);
	CHECKF(st.st_ino != 0, "st_ino 0");
	CHECKF(st.st_ino == fst.st_ino && st.st_dev == fst.st_dev,
	       "stat/fstat ino or dev differ");
	CHECKF(fst.st_size == 1234, "fstat size %lld", (long long)fst.st_size);
	CHECKF(st.st_blocks * 512 >= 1234 || st.st_blocks == 0,
	       "st_blocks %lld too small for 1234 bytes",
	       (long long)st.st_blocks);
	if (st.st_blocks == 0)
		t_record("st_blocks is 0 for a 1234-byte file");
	umask(0);
	fd = open("g", O_WRONLY | O_CREAT | O_EXCL, 0604);
	CHECK(fd >= 0);
	close(fd);
	CHECK(stat("g", &st) == 0);
	CHECKF((st.st_mode & 07777) == 0604, "mode %o, want 0604 (umask 0)",
	       st.st_mode & 07777);
	CHECK(stat("g", &fst) == 0);
	CHECKF(st.st_ino != 0 && st.st_dev == fst.st_dev, "dev differs");
	CHECK(stat("f", &fst) == 0);
	CHECKF(st.st_ino != fst.st_ino, "two files share st_ino %llu",
	       (unsigned long long)st.st_ino);
}

static void statx_fields(void)
{
	struct statx sx;
	struct stat st;

	CHECK(t_put("f", "hello", 5) == 0);
	CHECK(stat("f", &st) == 0);
	CHECK(statx(AT_FDCWD, "f", 0, STATX_BASIC_STATS | STATX_BTIME, &sx) == 0);
	CHECKF((sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS,
	       "stx_mask %#x lacks basic stats", sx.stx_mask);
	CHECKF(sx.stx_ino == st.st_ino, "ino %llu vs %llu",
	       (unsigned long long)sx.stx_ino, (unsigned long long)st.st_ino);
	CHECKF(sx.stx_size == 5, "size %llu", (unsigned long long)sx.stx_size);
	CHECKF(sx.stx_mode == st.st_mode, "mode %o vs %o", sx.stx_mode,
	       st.st_mode);
	CHECKF(sx.stx_nlink == 1 && sx.stx_uid == 0 && sx.stx_gid == 0,
	       "nlink/uid/gid %u/%u/%u", sx.stx_nlink, sx.stx_uid, sx.stx_gid);
	CHECKF(sx.stx_mtime.tv_sec == st.st_mtim.tv_sec &&
	       sx.stx_mtime.tv_nsec == (unsigned)st.st_mtim.tv_nsec,
	       "statx mtime differs from stat mtime");
	CHECKF(makedev(sx.stx_dev_major, sx.stx_dev_minor) == st.st_dev,
	       "statx dev differs from stat dev");
	t_record("statx btime %s", sx.stx_mask & STATX_BTIME ?
		 "supported" : "not supported");
	if (sx.stx_mask & STATX_BTIME) {
		/* a real creation time: set, and not after the first write */
		CHECKF(sx.stx_btime.tv_sec > 0, "btime %lld",
		       (long long)sx.stx_btime.tv_sec);
		CHECKF(sx.stx_btime.tv_sec <= sx.stx_mtime.tv_sec,
		       "btime %lld after mtime %lld",
		       (long long)sx.stx_btime.tv_sec,
		       (long long)sx.stx_mtime.tv_sec);
	}
	/* AT_STATX_DONT_SYNC and AT_SYMLINK_NOFOLLOW must be accepted */
	CHECK(statx(AT_FDCWD, "f", AT_STATX_DONT_SYNC, STATX_SIZE, &sx) == 0);
	CHECK(symlink("f", "l") == 0);
	CHECK(statx(AT_FDCWD, "l", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS,
		    &sx) == 0);
	CHECKF(S_ISLNK(sx.stx_mode) && sx.stx_size == 1,
	       "lstat of symlink: mode %o size %llu", sx.stx_mode,
	       (unsigned long long)sx.stx_size);
	CHECK(statx(AT_FDCWD, "l", 0, STATX_BASIC_STATS, &sx) == 0);
	CHECKF(S_ISREG(sx.stx_mode) && sx.stx_size == 5,
	       "stat through symlink: mode %o", sx.stx_mode);
}

static void ns_times(void)
{
	struct timespec ts[2] = {
		{ 1234567890, 123456789 },	/* atime */
		{ 1500000000, 987654321 },	/* mtime */
	};
	struct stat st;

	CHECK(t_put("f", "x", 1) == 0);
	CHECK(utimensat(AT_FDCWD, "f", ts, 0) == 0);
	CHECK(stat("f", &st) == 0);
	CHECKF(st.st_atim.tv_sec == ts[0].tv_sec &&
	       st.st_mtim.tv_sec == ts[1].tv_sec,
	       "seconds: atime %lld mtime %lld", (long long)st.st_atim.tv_sec,
	       (long long)st.st_mtim.tv_sec);
	if (!dotl()) {
		t_record("%s: times have ns %ld/%ld",
			 t_env("V9FS_VERSION", "?"), st.st_atim.tv_nsec,
			 st.st_mtim.tv_nsec);
		SKIP("nanosecond times need 9p2000.L");
	}
	CHECKF(st.st_atim.tv_nsec == ts[0].tv_nsec &&
	       st.st_mtim.tv_nsec == ts[1].tv_nsec,
	       "nanoseconds lost: atime .%09ld mtime .%09ld",
	       st.st_atim.tv_nsec, st.st_mtim.tv_nsec);
	/* fresh timestamps carry sub-second parts (p(all 0) ~ 1e-9) */
	CHECK(t_put("g", "y", 1) == 0);
	CHECK(stat("g", &st) == 0);
	CHECKF(st.st_mtim.tv_nsec || st.st_ctim.tv_nsec || st.st_atim.tv_nsec,
	       "new file has whole-second times only");
	/* futimens on an open fd, and pre-epoch / far-future seconds */
	{
		struct timespec t2[2] = { { -1, 5 }, { 4102444800LL, 7 } };
		int fd = open("g", O_RDWR);

		CHECK(fd >= 0);
		CHECK(futimens(fd, t2) == 0);
		CHECK(fstat(fd, &st) == 0);
		close(fd);
		CHECKF(ts_ns(st.st_atim) == ts_ns(t2[0]) &&
		       ts_ns(st.st_mtim) == ts_ns(t2[1]),
		       "futimens: atime %lld.%09ld mtime %lld.%09ld",
		       (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
		       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	}
}

static void utimens_now_omit(void)
{
	long slack = t_env_long("V9FS_TIME_SLACK", 10);
	struct timespec old[2] = { { 1000000000, 111 }, { 1100000000, 222 } };
	struct timespec ts[2];
	struct timespec before, after;
	struct stat st, st0;

	CHECK(t_put("f", "x", 1) == 0);
	CHECK(utimensat(AT_FDCWD, "f", old, 0) == 0);
	CHECK(stat("f", &st0) == 0);

	/* atime = NOW, mtime = OMIT */
	ts[0].tv_sec = 0; ts[0].tv_nsec = UTIME_NOW;
	ts[1].tv_sec = 0; ts[1].tv_nsec = UTIME_OMIT;
	clock_gettime(CLOCK_REALTIME, &before);
	CHECK(utimensat(AT_FDCWD, "f", ts, 0) == 0);
	clock_gettime(CLOCK_REALTIME, &after);
	CHECK(stat("f", &st) == 0);
	CHECKF(ts_ns(st.st_mtim) == ts_ns(st0.st_mtim),
	       "UTIME_OMIT changed mtime to %lld.%09ld",
	       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	CHECKF(st.st_atim.tv_sec >= before.tv_sec - slack &&
	       st.st_atim.tv_sec <= after.tv_sec + slack,
	       "UTIME_NOW atime %lld not within %lds of now %lld",
	       (long long)st.st_atim.tv_sec, slack, (long long)before.tv_sec);

	/* atime = OMIT, mtime = explicit */
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = 1300000000; ts[1].tv_nsec = dotl() ? 333333333 : 0;
	st0 = st;
	CHECK(utimensat(AT_FDCWD, "f", ts, 0) == 0);
	CHECK(stat("f", &st) == 0);
	CHECKF(st.st_atim.tv_sec == st0.st_atim.tv_sec,
	       "UTIME_OMIT changed atime");
	CHECKF(ts_ns(st.st_mtim) == ts_ns(ts[1]), "mtime %lld.%09ld",
	       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);

	/* both OMIT: nothing changes */
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_OMIT;
	st0 = st;
	CHECK(utimensat(AT_FDCWD, "f", ts, 0) == 0);
	CHECK(stat("f", &st) == 0);
	CHECKF(ts_ns(st.st_mtim) == ts_ns(st0.st_mtim) &&
	       st.st_atim.tv_sec == st0.st_atim.tv_sec,
	       "OMIT/OMIT changed times");

	/* NULL = both now */
	CHECK(utimensat(AT_FDCWD, "f", NULL, 0) == 0);
	clock_gettime(CLOCK_REALTIME, &after);
	CHECK(stat("f", &st) == 0);
	CHECKF(st.st_mtim.tv_sec >= before.tv_sec - slack &&
	       st.st_mtim.tv_sec <= after.tv_sec + slack &&
	       st.st_atim.tv_sec >= before.tv_sec - slack,
	       "utimensat(NULL): mtime %lld atime %lld, now %lld",
	       (long long)st.st_mtim.tv_sec, (long long)st.st_atim.tv_sec,
	       (long long)after.tv_sec);

	/* AT_SYMLINK_NOFOLLOW on a symlink changes the link, not the target */
	CHECK(symlink("f", "l") == 0);
	CHECK(stat("f", &st0) == 0);
	ts[0] = old[0]; ts[1] = old[1];
	errno = 0;
	if (utimensat(AT_FDCWD, "l", ts, AT_SYMLINK_NOFOLLOW) == 0) {
		CHECK(lstat("l", &st) == 0);
		CHECKF(st.st_mtim.tv_sec == old[1].tv_sec,
		       "symlink mtime %lld", (long long)st.st_mtim.tv_sec);
		CHECK(stat("f", &st) == 0);
		CHECKF(ts_ns(st.st_mtim) == ts_ns(st0.st_mtim),
		       "AT_SYMLINK_NOFOLLOW changed the target's mtime");
	} else {
		t_record("utimensat(symlink, AT_SYMLINK_NOFOLLOW): %s",
			 t_errname(errno));
		CHECKF(errno != EIO, "utimensat on symlink: EIO");
	}
}

static void mtime_ctime_update(void)
{
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct stat st, st0;
	char c;
	int fd;

	CHECK(t_put("f", "abc", 3) == 0);
	CHECK(utimensat(AT_FDCWD, "f", old, 0) == 0);
	CHECK(stat("f", &st0) == 0);
	/* a read does not change mtime or ctime */
	CHECK(t_get("f", &c, 1) == 1);
	CHECK(stat("f", &st) == 0);
	CHECKF(ts_ns(st.st_mtim) == ts_ns(st0.st_mtim), "read changed mtime");
	/* a write moves mtime forward (from 2001) and ctime with it */
	fd = open("f", O_WRONLY);
	CHECK(fd >= 0);
	CHECK(write(fd, "z", 1) == 1);
	CHECK(close(fd) == 0);
	CHECK(stat("f", &st) == 0);
	CHECKF(st.st_mtim.tv_sec > old[1].tv_sec,
	       "write did not update mtime (%lld)",
	       (long long)st.st_mtim.tv_sec);
	CHECKF(ts_ns(st.st_ctim) >= ts_ns(st0.st_ctim),
	       "ctime went backwards on write");
	if (!dotl()) {
		/* the legacy dialects have no ctime: the client reports mtime */
		t_record("%s: ctime not checked", t_env("V9FS_VERSION", "?"));
		goto dir_mtime;
	}
	/* chmod changes ctime, not mtime */
	CHECK(utimensat(AT_FDCWD, "f", old, 0) == 0);
	CHECK(stat("f", &st0) == 0);
	usleep(50000);
	CHECK(chmod("f", 0600) == 0);
	CHECK(stat("f", &st) == 0);
	CHECKF(ts_ns(st.st_mtim) == ts_ns(st0.st_mtim), "chmod changed mtime");
	CHECKF(ts_ns(st.st_ctim) > ts_ns(st0.st_ctim),
	       "chmod did not advance ctime (%lld.%09ld)",
	       (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
dir_mtime:
	/* creating an entry updates the directory's mtime */
	CHECK(mkdir("d", 0755) == 0);
	CHECK(utimensat(AT_FDCWD, "d", old, 0) == 0);
	CHECK(t_put("d/x", "", 0) == 0);
	CHECK(stat("d", &st) == 0);
	CHECKF(st.st_mtim.tv_sec > old[1].tv_sec,
	       "create did not update the directory's mtime");
}

static void chmod_modes(void)
{
	static const mode_t modes[] = { 0, 0777, 0644, 0400, 04755, 02755,
					01777, 07777, 0640 };
	struct stat st;
	unsigned i;
	int fd;

	CHECK(t_put("f", "x", 1) == 0);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		CHECK(chmod("f", modes[i]) == 0);
		CHECK(stat("f", &st) == 0);
		CHECKF((st.st_mode & 07777) == modes[i] && S_ISREG(st.st_mode),
		       "chmod %04o gave %06o", modes[i], st.st_mode);
	}
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(fchmod(fd, 0712) == 0);
	CHECK(fstat(fd, &st) == 0);
	close(fd);
	CHECKF((st.st_mode & 07777) == 0712, "fchmod gave %o", st.st_mode);
	CHECK(mkdir("d", 0700) == 0);
	CHECK(chmod("d", 03755) == 0);
	CHECK(stat("d", &st) == 0);
	CHECKF(S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 03755,
	       "dir chmod gave %o", st.st_mode);
	/* fchmodat through a symlink changes the target */
	CHECK(symlink("f", "l") == 0);
	CHECK(chmod("l", 0654) == 0);
	CHECK(stat("f", &st) == 0);
	CHECKF((st.st_mode & 07777) == 0654, "chmod via symlink gave %o",
	       st.st_mode);
	CHECK(lstat("l", &st) == 0);
	CHECKF(S_ISLNK(st.st_mode), "symlink turned into %o", st.st_mode);
}

static void chown_ids(void)
{
	struct stat st;
	int fd;

	CHECK(t_put("f", "x", 1) == 0);
	CHECK(chown("f", 1000, 1000) == 0);
	CHECK(stat("f", &st) == 0);
	CHECKF(st.st_uid == 1000 && st.st_gid == 1000, "chown gave %u:%u",
	       st.st_uid, st.st_gid);
	CHECK(chown("f", -1, 4321) == 0);
	CHECK(stat("f", &st) == 0);
	CHECKF(st.st_uid == 1000 && st.st_gid == 4321,
	       "chown(-1, 4321) gave %u:%u", st.st_uid, st.st_gid);
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(fchown(fd, 1234, -1) == 0);
	CHECK(fstat(fd, &st) == 0);
	close(fd);
	CHECKF(st.st_uid == 1234 && st.st_gid == 4321, "fchown gave %u:%u",
	       st.st_uid, st.st_gid);
	/* lchown changes the link only */
	CHECK(symlink("f", "l") == 0);
	CHECK(lchown("l", 2000, 2001) == 0);
	CHECK(lstat("l", &st) == 0);
	CHECKF(st.st_uid == 2000 && st.st_gid == 2001, "lchown gave %u:%u",
	       st.st_uid, st.st_gid);
	CHECK(stat("f", &st) == 0);
	CHECKF(st.st_uid == 1234 && st.st_gid == 4321,
	       "lchown changed the target to %u:%u", st.st_uid, st.st_gid);
	/* directories */
	CHECK(mkdir("d", 0755) == 0);
	CHECK(chown("d", 1000, 1000) == 0);
	CHECK(stat("d", &st) == 0);
	CHECKF(st.st_uid == 1000 && st.st_gid == 1000 && S_ISDIR(st.st_mode),
	       "dir chown gave %u:%u", st.st_uid, st.st_gid);
	/* and back to root */
	CHECK(chown("f", 0, 0) == 0);
	CHECK(stat("f", &st) == 0);
	CHECKF(st.st_uid == 0 && st.st_gid == 0, "chown 0:0 gave %u:%u",
	       st.st_uid, st.st_gid);
}

static void chown_kills_suid(void)
{
	struct stat st;

	/* Linux clears S_ISUID (and S_ISGID if group-exec) on chown of a
	 * regular file, even by root. */
	CHECK(t_put("f", "x", 1) == 0);
	CHECK(chmod("f", 06755) == 0);
	CHECK(chown("f", 1000, 1000) == 0);
	CHECK(stat("f", &st) == 0);
	CHECKF((st.st_mode & 07777) == 0755,
	       "after chown mode %04o, want 0755", st.st_mode & 07777);
	/* a write by a non-root process clears S_ISUID too */
	CHECK(chmod("f", 04777) == 0);
	{
		pid_t pid;

		fflush(stdout);
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			int fd;

			if (t_become(1000, 1000))
				_exit(2);
			fd = open("f", O_WRONLY);
			if (fd < 0 || write(fd, "y", 1) != 1)
				_exit(3);
			_exit(close(fd) ? 4 : 0);
		}
		CHECKF(t_wait(pid) == 0, "uid 1000 could not write a 0777 file");
	}
	CHECK(stat("f", &st) == 0);
	CHECKF(!(st.st_mode & S_ISUID),
	       "write by non-root kept S_ISUID (mode %04o)", st.st_mode & 07777);
}

static int all_zero(const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static void truncate_grow_shrink(void)
{
	static char buf[100000];
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct stat st;
	int fd;

	t_fill((unsigned char *)buf, 4096, 0, 1);
	CHECK(t_put("f", buf, 4096) == 0);
	/* grow with truncate(): old data kept, new part reads zeros */
	CHECK(utimensat(AT_FDCWD, "f", old, 0) == 0);
	CHECK(truncate("f", 100000) == 0);
	CHECK(stat("f", &st) == 0);
	CHECKF(st.st_size == 100000, "size after grow %lld",
	       (long long)st.st_size);
	CHECKF(st.st_mtim.tv_sec > old[1].tv_sec,
	       "truncate did not update mtime");
	memset(buf, 0x55, sizeof(buf));
	CHECK(t_get("f", buf, sizeof(buf)) == 100000);
	CHECKF(t_verify((unsigned char *)buf, 4096, 0, 1) < 0,
	       "data before the old EOF changed");
	CHECKF(all_zero(buf + 4096, sizeof(buf) - 4096),
	       "grown part is not zero");
	/* shrink with ftruncate() */
	fd = open("f", O_RDWR);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, 10) == 0);
	CHECK(fstat(fd, &st) == 0);
	CHECKF(st.st_size == 10, "fstat size after shrink %lld",
	       (long long)st.st_size);
	CHECK(stat("f", &st) == 0);
	CHECKF(st.st_size == 10, "stat size after shrink %lld",
	       (long long)st.st_size);
	/* grow again: the cut-off bytes must not come back */
	CHECK(ftruncate(fd, 8192) == 0);
	memset(buf, 0x55, sizeof(buf));
	CHECK(pread(fd, buf, sizeof(buf), 0) == 8192);
	CHECKF(t_verify((unsigned char *)buf, 10, 0, 1) < 0,
	       "first 10 bytes changed");
	CHECKF(all_zero(buf + 10, 8192 - 10),
	       "old data reappeared after shrink+grow");
	/* shrink to 0 and read EOF */
	CHECK(ftruncate(fd, 0) == 0);
	CHECK(pread(fd, buf, 10, 0) == 0);
	/* a write past EOF after truncate lands at the right offset */
	CHECK(pwrite(fd, "Q", 1, 5000) == 1);
	CHECK(fstat(fd, &st) == 0);
	CHECKF(st.st_size == 5001, "size %lld, want 5001",
	       (long long)st.st_size);
	CHECK(close(fd) == 0);
	/* errors */
	CHECK_ERR(truncate("f", -1), EINVAL);
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_ERR2(ftruncate(fd, 0), EINVAL, EBADF);
	close(fd);
	CHECK(mkdir("d", 0755) == 0);
	CHECK_ERR(truncate("d", 0), EISDIR);
	/* O_TRUNC-free open + truncate to the same size keeps data */
	CHECK(truncate("f", 5001) == 0);
	CHECK(t_get("f", buf, 5001) == 5001);
	CHECKF(buf[5000] == 'Q' && all_zero(buf, 5000),
	       "truncate to same size changed data");
}

static void statfs_sane(void)
{
	struct statfs sf, fsf;
	int fd;

	CHECK(statfs(".", &sf) == 0);
	fd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	CHECK(fstatfs(fd, &fsf) == 0);
	close(fd);
	t_note("statfs: type %#lx bsize %ld blocks %llu bfree %llu bavail %llu files %llu ffree %llu namelen %ld",
	       (long)sf.f_type, (long)sf.f_bsize,
	       (unsigned long long)sf.f_blocks, (unsigned long long)sf.f_bfree,
	       (unsigned long long)sf.f_bavail, (unsigned long long)sf.f_files,
	       (unsigned long long)sf.f_ffree, (long)sf.f_namelen);
	/* 9p2000.L passes the server's f_type through; the legacy dialects
	 * have no statfs and report V9FS_MAGIC */
	if (t_on_9p() && !dotl())
		CHECKF(sf.f_type == V9FS_MAGIC, "f_type %#lx, want V9FS_MAGIC",
		       (long)sf.f_type);
	CHECKF(sf.f_type == fsf.f_type && sf.f_bsize == fsf.f_bsize &&
	       sf.f_blocks == fsf.f_blocks, "statfs and fstatfs differ");
	CHECKF(sf.f_bsize > 0, "f_bsize %ld", (long)sf.f_bsize);
	CHECKF(sf.f_bfree <= sf.f_blocks && sf.f_bavail <= sf.f_blocks,
	       "free > total");
	CHECKF(sf.f_ffree <= sf.f_files, "free inodes > total");
	CHECKF(sf.f_namelen >= 255 || sf.f_namelen == 0,
	       "f_namelen %ld", (long)sf.f_namelen);
	if (dotl())
		CHECKF(sf.f_blocks > 0, "9p2000.L statfs reports 0 blocks");
	CHECK(statfs("does-not-exist", &sf) == -1 && errno == ENOENT);
}

static void dir_attrs(void)
{
	struct stat st, st2;

	CHECK(mkdir("d", 0751) == 0);
	CHECK(stat("d", &st) == 0);
	CHECKF(S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0751,
	       "mkdir mode %o", st.st_mode);
	CHECKF(st.st_nlink >= 2 || st.st_nlink == 1, "dir nlink %lu",
	       (unsigned long)st.st_nlink);
	CHECK(mkdir("d/sub", 0755) == 0);
	CHECK(stat("d", &st2) == 0);
	if (st.st_nlink >= 2 && st2.st_nlink != st.st_nlink + 1)
		t_record("dir nlink %lu -> %lu after mkdir of a subdir",
			 (unsigned long)st.st_nlink,
			 (unsigned long)st2.st_nlink);
	CHECK(stat("d/.", &st2) == 0);
	CHECKF(st2.st_ino == st.st_ino, "d/. has another st_ino");
	CHECK(stat("d/sub/..", &st2) == 0);
	CHECKF(st2.st_ino == st.st_ino, "d/sub/.. has another st_ino");
	CHECK(stat(".", &st) == 0);
	CHECK(stat("d/..", &st2) == 0);
	CHECKF(st2.st_ino == st.st_ino && st2.st_dev == st.st_dev,
	       "d/.. is not .");
}

int main(void)
{
	t_init("t_attr");
	t_run("stat_basic", stat_basic);
	t_run("statx_fields", statx_fields);
	t_run("ns_times", ns_times);
	t_run("utimens_now_omit", utimens_now_omit);
	t_run("mtime_ctime_update", mtime_ctime_update);
	t_run("chmod_modes", chmod_modes);
	t_run("chown_ids", chown_ids);
	t_run("chown_kills_suid", chown_kills_suid);
	t_run("truncate_grow_shrink", truncate_grow_shrink);
	t_run("statfs_sane", statfs_sane);
	t_run("dir_attrs", dir_attrs);
	return t_finish();
}
