// SPDX-License-Identifier: GPL-2.0
/*
 * t_tmpfile - open(O_TMPFILE) and linkat(AT_EMPTY_PATH), as overlayfs'
 * copy-up, systemd and editors use them: an unnamed file with link count
 * 0 that works like any open file (read, write, fstat, fchmod, xattrs),
 * gets a name by linkat (in its directory or another), is gone for good
 * when closed without one, and cannot be linked when opened O_EXCL.
 * v9fs-ng keeps a hidden name on the server meanwhile (see
 * fs/9p/overlay.c): checked here is that none is left behind.  A client
 * without O_TMPFILE (EOPNOTSUPP) is recorded and skipped; for v9fs-ng on
 * 9P2000.L that is a failure.
 */
#include <dirent.h>
#include <sys/xattr.h>
#include "t_common.h"

/* Entries of directory d other than . and .. */
static int entries(const char *d)
{
	DIR *dir = opendir(d);
	struct dirent *de;
	int n = 0;

	if (!dir)
		return -1;
	while ((de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(dir);
	return n;
}

static int tmpfile_in(const char *dir, int flags)
{
	return open(dir, O_TMPFILE | flags, 0640);
}

#define SKIP_IF_NO_TMPFILE(fd) do {					\
	if ((fd) < 0 && (errno == EOPNOTSUPP || errno == EISDIR) &&	\
	    !(t_client_is("ng") && t_version_is("9p2000.L"))) {	\
		t_record("O_TMPFILE: %s", t_errname(errno));		\
		SKIP("no O_TMPFILE");					\
	}								\
} while (0)

static void unnamed(void)
{
	unsigned char pat[20000], buf[20000];
	struct stat st;
	int fd;

	CHECK(mkdir("d", 0755) == 0);
	fd = tmpfile_in("d", O_RDWR);
	SKIP_IF_NO_TMPFILE(fd);
	CHECKF(fd >= 0, "open(O_TMPFILE): %s", t_errname(errno));
	CHECK(fstat(fd, &st) == 0);
	CHECKF(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0640,
	       "mode %o", st.st_mode);
	CHECKF(st.st_nlink == 0, "st_nlink %lu, want 0",
	       (unsigned long)st.st_nlink);
	t_fill(pat, sizeof(pat), 0, 21);
	CHECK(t_write_all(fd, pat, sizeof(pat)) == sizeof(pat));
	CHECK(pread(fd, buf, sizeof(buf), 0) == sizeof(buf));
	CHECKF(!memcmp(buf, pat, sizeof(buf)), "read back differs");
	CHECK(fchmod(fd, 0600) == 0);
	CHECK(ftruncate(fd, 10000) == 0);
	CHECK(fstat(fd, &st) == 0);
	CHECKF((st.st_mode & 07777) == 0600 && st.st_size == 10000 &&
	       st.st_nlink == 0, "mode %o size %lld nlink %lu", st.st_mode,
	       (long long)st.st_size, (unsigned long)st.st_nlink);
	if (fsetxattr(fd, "user.t", "v", 1, 0) == 0) {
		char v[4];

		CHECK(fgetxattr(fd, "user.t", v, sizeof(v)) == 1 && v[0] == 'v');
	} else {
		t_record("fsetxattr on an O_TMPFILE: %s", t_errname(errno));
	}
	CHECK(close(fd) == 0);
	/* closed without a name: nothing left, here or on the server */
	CHECKF(entries("d") == 0, "%d entries left in the directory",
	       entries("d"));
	CHECK(rmdir("d") == 0);
}

static void linked(void)
{
	unsigned char pat[5000], buf[5000];
	struct stat st, a;
	char proc[64];
	int fd;

	CHECK(mkdir("w", 0755) == 0 && mkdir("dst", 0755) == 0);
	fd = tmpfile_in("w", O_WRONLY);
	SKIP_IF_NO_TMPFILE(fd);
	CHECK(fd >= 0);
	t_fill(pat, sizeof(pat), 0, 22);
	CHECK(t_write_all(fd, pat, sizeof(pat)) == sizeof(pat));
	/* first name, in another directory */
	CHECKF(linkat(fd, "", AT_FDCWD, "dst/named", AT_EMPTY_PATH) == 0,
	       "linkat(AT_EMPTY_PATH): %s", t_errname(errno));
	CHECK(stat("dst/named", &a) == 0 && fstat(fd, &st) == 0);
	CHECKF(a.st_ino == st.st_ino && st.st_nlink == 1 && a.st_nlink == 1,
	       "ino %llu/%llu nlink %lu/%lu", (unsigned long long)a.st_ino,
	       (unsigned long long)st.st_ino, (unsigned long)a.st_nlink,
	       (unsigned long)st.st_nlink);
	/* a second name, through /proc/self/fd */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	CHECKF(linkat(AT_FDCWD, proc, AT_FDCWD, "dst/second",
		      AT_SYMLINK_FOLLOW) == 0, "linkat(/proc/self/fd): %s",
	       t_errname(errno));
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 2);
	/* the writes went to the file that now has the names */
	CHECK(pwrite(fd, "tail", 4, sizeof(pat)) == 4);
	CHECK(close(fd) == 0);
	CHECK(t_get("dst/named", buf, sizeof(buf)) == sizeof(buf));
	CHECKF(!memcmp(buf, pat, sizeof(buf)), "contents differ");
	CHECK(stat("dst/second", &st) == 0 && st.st_size == sizeof(pat) + 4);
	/* no hidden name left in the directory it was made in */
	CHECKF(entries("w") == 0, "%d entries left where it was made",
	       entries("w"));
	CHECKF(entries("dst") == 2, "%d entries in dst, want 2",
	       entries("dst"));
}

static void excl(void)
{
	int fd;

	fd = tmpfile_in(".", O_RDWR | O_EXCL);
	SKIP_IF_NO_TMPFILE(fd);
	CHECK(fd >= 0);
	CHECK(write(fd, "x", 1) == 1);
	CHECK_ERR(linkat(fd, "", AT_FDCWD, "never", AT_EMPTY_PATH), ENOENT);
	CHECK(close(fd) == 0);
	CHECK_ERR(access("never", F_OK), ENOENT);
	CHECKF(entries(".") == 0, "%d entries left", entries("."));
}

static void many(void)
{
	int fds[20], i;

	for (i = 0; i < 20; i++) {
		fds[i] = tmpfile_in(".", O_RDWR);
		if (!i)
			SKIP_IF_NO_TMPFILE(fds[0]);
		CHECKF(fds[i] >= 0, "tmpfile %d: %s", i, t_errname(errno));
		CHECK(write(fds[i], &i, sizeof(i)) == sizeof(i));
	}
	/* each its own file */
	for (i = 0; i < 20; i++) {
		int v = -1;

		CHECK(pread(fds[i], &v, sizeof(v), 0) == sizeof(v) && v == i);
	}
	CHECK(linkat(fds[7], "", AT_FDCWD, "seven", AT_EMPTY_PATH) == 0);
	for (i = 0; i < 20; i++)
		CHECK(close(fds[i]) == 0);
	CHECKF(entries(".") == 1, "%d entries, want only 'seven'",
	       entries("."));
}

int main(void)
{
	t_init("t_tmpfile");
	t_run("unnamed", unnamed);
	t_run("linked", linked);
	t_run("excl", excl);
	t_run("many", many);
	return t_finish();
}
