// SPDX-License-Identifier: GPL-2.0
/*
 * t_inode - one inode per file: st_ino stability, hard links sharing
 * st_ino and nlink, and inotify seeing changes made through another name
 * of the same file in the same guest (which needs one struct inode per
 * file, not one per lookup).
 *
 * Env: V9FS_INOTIFY_WAIT (ms, default 3000): how long to wait for an event.
 */
#include <poll.h>
#include <sys/inotify.h>
#include "t_common.h"

static void same_ino_twice(void)
{
	struct stat a, b, c;
	int fd;

	CHECK(t_put("f", "x", 1) == 0);
	CHECK(stat("f", &a) == 0);
	CHECK(stat("f", &b) == 0);
	CHECKF(a.st_ino == b.st_ino && a.st_dev == b.st_dev,
	       "st_ino %llu then %llu", (unsigned long long)a.st_ino,
	       (unsigned long long)b.st_ino);
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &c) == 0);
	close(fd);
	CHECKF(c.st_ino == a.st_ino, "fstat st_ino differs");
	CHECK(stat("./f", &c) == 0);
	CHECKF(c.st_ino == a.st_ino, "./f st_ino differs");
	/* rename keeps the inode number */
	CHECK(mkdir("d", 0755) == 0);
	CHECK(rename("f", "d/g") == 0);
	CHECK(stat("d/g", &c) == 0);
	CHECKF(c.st_ino == a.st_ino, "st_ino changed across rename");
	/* the same for a directory */
	CHECK(stat("d", &a) == 0);
	CHECK(rename("d", "e") == 0);
	CHECK(stat("e", &b) == 0);
	CHECKF(a.st_ino == b.st_ino, "dir st_ino changed across rename");
}

static void distinct_inos(void)
{
	enum { N = 200 };
	static ino_t ino[N];
	struct stat st;
	char name[32];
	int i, j;

	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		CHECK(t_put(name, "", 0) == 0);
		CHECK(stat(name, &st) == 0);
		ino[i] = st.st_ino;
	}
	for (i = 0; i < N; i++)
		for (j = i + 1; j < N; j++)
			CHECKF(ino[i] != ino[j], "f%d and f%d share st_ino %llu",
			       i, j, (unsigned long long)ino[i]);
}

static void hardlink_nlink(void)
{
	struct stat a, b, c;
	char buf[16];
	int fd;

	CHECK(t_put("f", "one", 3) == 0);
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(link("f", "g") == 0);
	CHECK(mkdir("d", 0755) == 0);
	CHECK(link("f", "d/h") == 0);
	CHECK(stat("f", &a) == 0);
	CHECK(stat("g", &b) == 0);
	CHECK(stat("d/h", &c) == 0);
	CHECKF(a.st_ino == b.st_ino && a.st_ino == c.st_ino,
	       "links have st_ino %llu %llu %llu",
	       (unsigned long long)a.st_ino, (unsigned long long)b.st_ino,
	       (unsigned long long)c.st_ino);
	CHECKF(a.st_nlink == 3 && b.st_nlink == 3 && c.st_nlink == 3,
	       "nlink %lu %lu %lu, want 3", (unsigned long)a.st_nlink,
	       (unsigned long)b.st_nlink, (unsigned long)c.st_nlink);
	CHECK(fstat(fd, &a) == 0);
	CHECKF(a.st_nlink == 3, "fstat of an fd opened before link(): nlink %lu",
	       (unsigned long)a.st_nlink);
	CHECK(unlink("g") == 0);
	CHECK(stat("f", &a) == 0);
	CHECKF(a.st_nlink == 2, "after unlink nlink %lu, want 2",
	       (unsigned long)a.st_nlink);
	CHECK(fstat(fd, &a) == 0);
	CHECKF(a.st_nlink == 2, "fstat after unlink: nlink %lu, want 2",
	       (unsigned long)a.st_nlink);
	/* data written through one name is read through the other */
	CHECK(t_put("d/h", "two!", 4) == 0);
	memset(buf, 0, sizeof(buf));
	CHECK(t_get("f", buf, sizeof(buf)) == 4);
	CHECKF(!memcmp(buf, "two!", 4), "read via f gave '%s'", buf);
	memset(buf, 0, sizeof(buf));
	CHECK(pread(fd, buf, sizeof(buf), 0) == 4);
	CHECKF(!memcmp(buf, "two!", 4), "old fd reads '%s'", buf);
	/* attributes changed through one name show through the other */
	CHECK(chmod("d/h", 0600) == 0);
	CHECK(stat("f", &a) == 0);
	CHECKF((a.st_mode & 0777) == 0600, "mode via other link %o",
	       a.st_mode & 0777);
	CHECK(unlink("f") == 0);
	CHECK(fstat(fd, &a) == 0);
	CHECKF(a.st_nlink == 1, "nlink %lu, want 1", (unsigned long)a.st_nlink);
	close(fd);
	CHECK(stat("d/h", &a) == 0);
	CHECKF(a.st_nlink == 1 && a.st_size == 4, "last link nlink %lu size %lld",
	       (unsigned long)a.st_nlink, (long long)a.st_size);
}

/*
 * A file first reached through one of its hard links, whose name is then
 * unlinked or renamed away, stays usable through its other names.  A
 * path-based server (diod, QEMU) resolves an unopened fid by the name it
 * was walked through, so a client must stop using a fid walked through a
 * name that is gone.  An inotify watch keeps the inode (and what the
 * client keeps with it) alive between the steps without an open file.
 */
static void hardlink_gone_name(void)
{
	struct stat a;
	char buf[8];
	int ifd;

	CHECK(t_put("f", "abc", 3) == 0);
	CHECK(link("f", "g") == 0);
	CHECK(t_put("p", "pqr", 3) == 0);
	CHECK(link("p", "q") == 0);
	ifd = inotify_init1(IN_CLOEXEC);
	CHECK(ifd >= 0);
	/* reach f's file through g first, then remove g */
	CHECK(inotify_add_watch(ifd, "g", IN_ATTRIB) >= 0);
	CHECK(stat("g", &a) == 0);
	CHECK(unlink("g") == 0);
	CHECK(stat("f", &a) == 0);
	CHECKF(a.st_nlink == 1, "f: nlink %lu after unlink(g), want 1",
	       (unsigned long)a.st_nlink);
	CHECK(chmod("f", 0640) == 0);
	memset(buf, 0, sizeof(buf));
	CHECK(t_get("f", buf, sizeof(buf)) == 3);
	CHECKF(!memcmp(buf, "abc", 3), "f reads '%s'", buf);
	/* reach p's file through q first, then rename q away */
	CHECK(inotify_add_watch(ifd, "q", IN_ATTRIB) >= 0);
	CHECK(stat("q", &a) == 0);
	CHECK(mkdir("d", 0755) == 0);
	CHECK(rename("q", "d/r") == 0);
	CHECK(stat("p", &a) == 0);
	CHECKF(a.st_nlink == 2, "p: nlink %lu, want 2",
	       (unsigned long)a.st_nlink);
	CHECK(chmod("p", 0600) == 0);
	CHECK(stat("d/r", &a) == 0);
	CHECKF((a.st_mode & 0777) == 0600, "d/r: mode %o after chmod(p)",
	       a.st_mode & 0777);
	memset(buf, 0, sizeof(buf));
	CHECK(t_get("p", buf, sizeof(buf)) == 3);
	CHECKF(!memcmp(buf, "pqr", 3), "p reads '%s'", buf);
	close(ifd);
}

/* Wait for an inotify event with mask bits `want` on wd; returns 1/0/-1. */
static int wait_event(int ifd, int wd, uint32_t want, const char *name)
{
	int ms = t_env_long("V9FS_INOTIFY_WAIT", 3000);
	double end = t_now() + ms / 1000.0;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		struct pollfd p = { .fd = ifd, .events = POLLIN };
		int left = (int)((end - t_now()) * 1000);
		ssize_t n;

		if (left < 0)
			return 0;
		if (poll(&p, 1, left) <= 0)
			return 0;
		n = read(ifd, buf, sizeof(buf));
		if (n < 0)
			return -1;
		for (char *q = buf; q < buf + n;) {
			struct inotify_event *e = (struct inotify_event *)q;

			if (e->wd == wd && (e->mask & want) &&
			    (!name || (e->len && !strcmp(e->name, name))))
				return 1;
			q += sizeof(*e) + e->len;
		}
	}
}

static void drain(int ifd)
{
	char buf[4096];

	while (read(ifd, buf, sizeof(buf)) > 0)
		;
}

static void inotify_same_path(void)
{
	int ifd, wd, fd;

	CHECK(t_put("f", "x", 1) == 0);
	ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	CHECK(ifd >= 0);
	wd = inotify_add_watch(ifd, "f", IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE);
	CHECK(wd >= 0);
	/* write through a fresh open of the same path */
	fd = open("f", O_WRONLY);
	CHECK(fd >= 0);
	CHECK(write(fd, "y", 1) == 1);
	CHECK(close(fd) == 0);
	CHECKF(wait_event(ifd, wd, IN_MODIFY, NULL) == 1,
	       "no IN_MODIFY for a write through the watched path");
	drain(ifd);
	CHECK(chmod("f", 0600) == 0);
	CHECKF(wait_event(ifd, wd, IN_ATTRIB, NULL) == 1,
	       "no IN_ATTRIB for chmod of the watched path");
	close(ifd);
}

static void inotify_via_hardlink(void)
{
	int ifd, wd, fd;

	CHECK(t_put("f", "x", 1) == 0);
	CHECK(mkdir("d", 0755) == 0);
	CHECK(link("f", "d/g") == 0);
	ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	CHECK(ifd >= 0);
	wd = inotify_add_watch(ifd, "f", IN_MODIFY | IN_ATTRIB);
	CHECK(wd >= 0);
	fd = open("d/g", O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK(write(fd, "via link", 8) == 8);
	CHECK(close(fd) == 0);
	CHECKF(wait_event(ifd, wd, IN_MODIFY, NULL) == 1,
	       "watch on f saw no IN_MODIFY for a write through hard link d/g");
	drain(ifd);
	CHECK(chmod("d/g", 0640) == 0);
	CHECKF(wait_event(ifd, wd, IN_ATTRIB, NULL) == 1,
	       "watch on f saw no IN_ATTRIB for chmod through hard link d/g");
	close(ifd);
}

static void inotify_dir(void)
{
	int ifd, wd;

	CHECK(mkdir("d", 0755) == 0);
	ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	CHECK(ifd >= 0);
	wd = inotify_add_watch(ifd, "d", IN_CREATE | IN_DELETE | IN_MOVED_TO);
	CHECK(wd >= 0);
	CHECK(t_put("d/new", "", 0) == 0);
	CHECKF(wait_event(ifd, wd, IN_CREATE, "new") == 1,
	       "no IN_CREATE for d/new");
	CHECK(rename("d/new", "d/moved") == 0);
	CHECKF(wait_event(ifd, wd, IN_MOVED_TO, "moved") == 1,
	       "no IN_MOVED_TO for d/moved");
	CHECK(unlink("d/moved") == 0);
	CHECKF(wait_event(ifd, wd, IN_DELETE, "moved") == 1,
	       "no IN_DELETE for d/moved");
	close(ifd);
}

int main(void)
{
	t_init("t_inode");
	t_run("same_ino_twice", same_ino_twice);
	t_run("distinct_inos", distinct_inos);
	t_run("hardlink_nlink", hardlink_nlink);
	t_run("hardlink_gone_name", hardlink_gone_name);
	t_run("inotify_same_path", inotify_same_path);
	t_run("inotify_via_hardlink", inotify_via_hardlink);
	t_run("inotify_dir", inotify_dir);
	return t_finish();
}
