// SPDX-License-Identifier: GPL-2.0
/*
 * t_namespace - directory entries: mkdir/rmdir/unlink, rename (same dir,
 * across dirs, over existing targets and its error cases), renameat2
 * RENAME_NOREPLACE and RENAME_EXCHANGE, symlink/readlink (incl. long
 * targets), link, mknod of FIFOs, unix sockets and device nodes,
 * ENAMETOOLONG, ENOENT/EEXIST.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/fs.h>
#include "t_common.h"

/* QEMU 7.2's passthrough model fails Tmknod of special files with ENXIO
 * (after creating them): a server limitation, see KNOWN.md. */
#define SKIP_IF_SERVER_ENXIO(what) do {					\
	if (errno == ENXIO) {						\
		t_record("%s: ENXIO from the server", what);		\
		SKIP("server cannot create %s (ENXIO)", what);		\
	}								\
} while (0)

/* Plain 9P2000 has no symlinks, links or special files: EOPNOTSUPP. */
#define SKIP_IF_DIALECT_CANNOT(what) do {				\
	if (errno == EOPNOTSUPP && t_version_is("9p2000")) {		\
		t_record("%s: EOPNOTSUPP on 9P2000", what);		\
		SKIP("9P2000 has no %s (EOPNOTSUPP)", what);		\
	}								\
} while (0)

static int exists(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

static void mkdir_rmdir(void)
{
	struct stat st;

	CHECK(mkdir("d", 0755) == 0);
	CHECK(stat("d", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK_ERR(mkdir("d", 0755), EEXIST);
	CHECK(t_put("d/f", "", 0) == 0);
	CHECK_ERR2(rmdir("d"), ENOTEMPTY, EEXIST);
	CHECK_ERR(rmdir("d/f"), ENOTDIR);
	CHECK_ERR(unlink("d"), EISDIR);
	CHECK_ERR(rmdir("d/."), EINVAL);
	CHECK_ERR2(rmdir("d/.."), ENOTEMPTY, EBUSY);
	CHECK(unlink("d/f") == 0);
	CHECK_ERR(unlink("d/f"), ENOENT);
	CHECK(mkdir("d/sub", 0700) == 0);
	CHECK_ERR2(rmdir("d"), ENOTEMPTY, EEXIST);
	CHECK(rmdir("d/sub") == 0);
	CHECK(rmdir("d") == 0);
	CHECK_ERR(rmdir("d"), ENOENT);
	CHECK_ERR(stat("d", &st), ENOENT);
	/* nested creation and removal */
	CHECK(mkdir("a", 0755) == 0);
	CHECK(mkdir("a/b", 0755) == 0);
	CHECK(mkdir("a/b/c", 0755) == 0);
	CHECK(t_put("a/b/c/f", "x", 1) == 0);
	CHECK_ERR(mkdir("a/x/y", 0755), ENOENT);
	CHECK_ERR(mkdir("a/b/c/f/y", 0755), ENOTDIR);
	CHECK(unlink("a/b/c/f") == 0);
	CHECK(rmdir("a/b/c") == 0);
	CHECK(rmdir("a/b") == 0);
	CHECK(rmdir("a") == 0);
}

static void rename_basic(void)
{
	char buf[16];
	struct stat st, st2;

	CHECK(t_put("a", "AAA", 3) == 0);
	CHECK(stat("a", &st) == 0);
	CHECK(rename("a", "b") == 0);
	CHECKF(!exists("a"), "old name still exists");
	memset(buf, 0, sizeof(buf));
	CHECK(t_get("b", buf, sizeof(buf)) == 3 && !strcmp(buf, "AAA"));
	CHECK(stat("b", &st2) == 0);
	CHECKF(st.st_ino == st2.st_ino, "rename changed st_ino");
	/* renaming to the same name is a no-op */
	CHECK(rename("b", "b") == 0);
	CHECK(exists("b"));
	/* rename of one hard link onto another: both stay */
	CHECK(link("b", "b2") == 0);
	CHECK(rename("b", "b2") == 0);
	CHECKF(exists("b") && exists("b2"),
	       "rename between hard links of one file removed a name");
	/* a missing source */
	CHECK_ERR(rename("nope", "x"), ENOENT);
	CHECK_ERR(rename("b", "nodir/x"), ENOENT);
	/* a long chain of renames ends up in one place */
	CHECK(t_put("r0", "chain", 5) == 0);
	for (int i = 0; i < 50; i++) {
		char from[16], to[16];

		snprintf(from, sizeof(from), "r%d", i);
		snprintf(to, sizeof(to), "r%d", i + 1);
		CHECKF(rename(from, to) == 0, "rename %s %s: %s", from, to,
		       strerror(errno));
	}
	memset(buf, 0, sizeof(buf));
	CHECK(t_get("r50", buf, sizeof(buf)) == 5 && !strcmp(buf, "chain"));
}

/*
 * A 9P2000.u or 9P2000 wstat can only rename within a directory: there a
 * cross-directory rename must fail with EXDEV and change nothing (mv and
 * other tools then copy), unless the client finds a way to do it.
 */
static void rename_across(void)
{
	char buf[16];
	struct stat st, st2;

	CHECK(t_put("b", "AAA", 3) == 0);
	CHECK(mkdir("d1", 0755) == 0);
	CHECK(mkdir("d2", 0755) == 0);
	errno = 0;
	if (rename("b", "d1/c") < 0 && errno == EXDEV &&
	    !t_version_is("9p2000.L")) {
		CHECKF(exists("b") && !exists("d1/c"),
		       "a failed (EXDEV) rename moved something");
		CHECK(mkdir("d1/sub", 0755) == 0);
		CHECK_ERR(rename("d1/sub", "d2/sub"), EXDEV);
		CHECK(exists("d1/sub") && !exists("d2/sub"));
		t_record("cross-directory rename: EXDEV (%s)",
			 t_env("V9FS_VERSION", "legacy dialect"));
		SKIP("the dialect renames within a directory only: EXDEV, cleanly");
	}
	CHECK(exists("d1/c") && !exists("b"));
	CHECK(rename("d1/c", "d2/c") == 0);
	CHECK(!exists("d1/c") && exists("d2/c"));
	memset(buf, 0, sizeof(buf));
	CHECK(t_get("d2/c", buf, sizeof(buf)) == 3 && !strcmp(buf, "AAA"));
	/* a directory, with content; '..' follows */
	CHECK(mkdir("d1/sub", 0755) == 0);
	CHECK(t_put("d1/sub/inner", "I", 1) == 0);
	CHECK(rename("d1/sub", "d2/sub") == 0);
	CHECK(!exists("d1/sub"));
	memset(buf, 0, sizeof(buf));
	CHECK(t_get("d2/sub/inner", buf, sizeof(buf)) == 1 && buf[0] == 'I');
	CHECK(stat("d2/sub/..", &st) == 0);
	CHECK(stat("d2", &st2) == 0);
	CHECKF(st.st_ino == st2.st_ino, "'..' of a moved dir is not its new parent");
	/* back and forth */
	CHECK(t_put("r0", "chain", 5) == 0);
	for (int i = 0; i < 20; i++) {
		char from[16], to[16];

		/* even steps move r<i> into d1/, odd steps move it back */
		snprintf(from, sizeof(from), i % 2 ? "d1/r%d" : "r%d", i);
		snprintf(to, sizeof(to), i % 2 ? "r%d" : "d1/r%d", i + 1);
		CHECKF(rename(from, to) == 0, "rename %s %s: %s", from, to,
		       strerror(errno));
	}
	memset(buf, 0, sizeof(buf));
	CHECK(t_get("r20", buf, sizeof(buf)) == 5 && !strcmp(buf, "chain"));
}

static void rename_over(void)
{
	char buf[16];
	struct stat st;
	int fd;

	/* file over file */
	CHECK(t_put("a", "new", 3) == 0);
	CHECK(t_put("b", "old!", 4) == 0);
	CHECK(rename("a", "b") == 0);
	memset(buf, 0, sizeof(buf));
	CHECK(t_get("b", buf, sizeof(buf)) == 3);
	CHECKF(!strcmp(buf, "new"), "target reads '%s'", buf);
	CHECK(!exists("a"));
	/* dir over empty dir */
	CHECK(mkdir("d", 0755) == 0);
	CHECK(t_put("d/x", "", 0) == 0);
	CHECK(mkdir("e", 0755) == 0);
	CHECK(rename("d", "e") == 0);
	CHECK(!exists("d") && exists("e/x"));
	/* dir over non-empty dir */
	CHECK(mkdir("d", 0755) == 0);
	CHECK_ERR2(rename("d", "e"), ENOTEMPTY, EEXIST);
	CHECK(exists("d") && exists("e/x"));
	/* file over dir, dir over file */
	CHECK(rmdir("d") == 0);
	CHECK(mkdir("d", 0755) == 0);
	CHECK_ERR(rename("b", "d"), EISDIR);
	CHECK_ERR(rename("d", "b"), ENOTDIR);
	CHECK(stat("b", &st) == 0 && S_ISREG(st.st_mode));
	CHECK(stat("d", &st) == 0 && S_ISDIR(st.st_mode));
	/* dir into its own subtree */
	CHECK(mkdir("d/sub", 0755) == 0);
	CHECK_ERR(rename("d", "d/sub/d"), EINVAL);
	CHECK_ERR(rename("d", "d/new"), EINVAL);
	/* '.' and '..' can't be renamed */
	CHECK_ERR2(rename("d/.", "x"), EINVAL, EBUSY);
	CHECK_ERR2(rename("d/sub/..", "x"), EINVAL, EBUSY);
	/* symlink over file replaces the file, not the link's target */
	CHECK(symlink("b", "l") == 0);
	CHECK(t_put("c", "cc", 2) == 0);
	CHECK(rename("c", "l") == 0);
	CHECK(lstat("l", &st) == 0 && S_ISREG(st.st_mode));
	memset(buf, 0, sizeof(buf));
	CHECK(t_get("b", buf, sizeof(buf)) == 3 && !strcmp(buf, "new"));
	/* file over an open target: the fd keeps the old file */
	fd = open("b", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(rename("l", "b") == 0);
	memset(buf, 0, sizeof(buf));
	CHECK(pread(fd, buf, sizeof(buf), 0) == 3 && !strcmp(buf, "new"));
	close(fd);
}

static void renameat2_noreplace(void)
{
	char buf[8] = { 0 };

	CHECK(t_put("a", "A", 1) == 0);
	CHECK(t_put("b", "B", 1) == 0);
	errno = 0;
	if (renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_NOREPLACE) == 0)
		FAIL("RENAME_NOREPLACE replaced an existing target");
	CHECKF(errno == EEXIST, "RENAME_NOREPLACE onto existing: %s, want EEXIST",
	       t_errname(errno));
	CHECK(t_get("b", buf, 1) == 1 && buf[0] == 'B');
	CHECK(renameat2(AT_FDCWD, "a", AT_FDCWD, "c", RENAME_NOREPLACE) == 0);
	CHECK(!exists("a") && exists("c"));
	CHECK(mkdir("d", 0755) == 0);
	CHECK(mkdir("e", 0755) == 0);
	CHECK_ERR(renameat2(AT_FDCWD, "d", AT_FDCWD, "e", RENAME_NOREPLACE), EEXIST);
	CHECK(renameat2(AT_FDCWD, "d", AT_FDCWD, "f", RENAME_NOREPLACE) == 0);
	CHECK(!exists("d") && exists("f"));
}

static void renameat2_exchange(void)
{
	char buf[8] = { 0 };
	int r;

	CHECK(t_put("a", "A", 1) == 0);
	CHECK(mkdir("d", 0755) == 0);
	CHECK(t_put("d/in", "", 0) == 0);
	errno = 0;
	r = renameat2(AT_FDCWD, "a", AT_FDCWD, "d", RENAME_EXCHANGE);
	if (r < 0) {
		t_record("RENAME_EXCHANGE: %s", t_errname(errno));
		CHECKF(errno == EINVAL || errno == EOPNOTSUPP,
		       "RENAME_EXCHANGE failed with %s (want success or EINVAL)",
		       t_errname(errno));
		/* failed cleanly: nothing moved */
		CHECK(t_get("a", buf, 1) == 1 && buf[0] == 'A');
		CHECK(exists("d/in"));
		SKIP("RENAME_EXCHANGE not supported (%s), failed cleanly",
		     t_errname(errno));
	}
	t_record("RENAME_EXCHANGE supported");
	CHECKF(exists("a/in"), "after exchange 'a' is not the directory");
	CHECK(t_get("d", buf, 1) == 1 && buf[0] == 'A');
	CHECK_ERR(renameat2(AT_FDCWD, "a", AT_FDCWD, "missing", RENAME_EXCHANGE),
		  ENOENT);
	CHECK_ERR(renameat2(AT_FDCWD, "a", AT_FDCWD, "d",
			    RENAME_EXCHANGE | RENAME_NOREPLACE), EINVAL);
}

static void symlinks(void)
{
	char target[1001], buf[4200];
	struct stat st;
	ssize_t n;

	CHECK(t_put("f", "data", 4) == 0);
	errno = 0;
	if (symlink("f", "l")) {
		SKIP_IF_DIALECT_CANNOT("symlinks");
		FAIL("symlink: %s", t_errname(errno));
	}
	n = readlink("l", buf, sizeof(buf));
	CHECKF(n == 1 && buf[0] == 'f', "readlink gave %zd", n);
	CHECK(lstat("l", &st) == 0);
	CHECKF(S_ISLNK(st.st_mode) && st.st_size == 1,
	       "lstat: mode %o size %lld", st.st_mode, (long long)st.st_size);
	memset(buf, 0, sizeof(buf));
	CHECK(t_get("l", buf, sizeof(buf)) == 4 && !strcmp(buf, "data"));
	CHECK_ERR(symlink("x", "l"), EEXIST);
	CHECK_ERR(symlink("x", "f"), EEXIST);
	CHECK_ERR(readlink("f", buf, sizeof(buf)), EINVAL);
	CHECK_ERR(readlink("missing", buf, sizeof(buf)), ENOENT);
	/* small buffer: truncated, no NUL */
	CHECK(symlink("abcdefgh", "l8") == 0);
	memset(buf, 'Z', sizeof(buf));
	n = readlink("l8", buf, 3);
	CHECKF(n == 3 && !memcmp(buf, "abcZ", 4), "truncated readlink %zd", n);
	/* ~1000-byte target, with slashes, dangling */
	for (int i = 0; i < 1000; i++)
		target[i] = i % 50 == 49 ? '/' : 'a' + i % 26;
	target[1000] = 0;
	CHECK(symlink(target, "long") == 0);
	n = readlink("long", buf, sizeof(buf));
	CHECKF(n == 1000 && !memcmp(buf, target, 1000),
	       "long readlink gave %zd bytes", n);
	CHECK(lstat("long", &st) == 0 && st.st_size == 1000);
	CHECK_ERR(stat("long", &st), ENOENT);
	/* ~4000-byte target (PATH_MAX-ish): record */
	{
		char t4[4001];

		memset(t4, 'q', 4000);
		for (int i = 100; i < 4000; i += 100)
			t4[i] = '/';
		t4[4000] = 0;
		errno = 0;
		if (symlink(t4, "long4k") == 0) {
			n = readlink("long4k", buf, sizeof(buf));
			CHECKF(n == 4000 && !memcmp(buf, t4, 4000),
			       "4000-byte target read back as %zd bytes", n);
		} else {
			t_record("symlink with a 4000-byte target: %s",
				 t_errname(errno));
			CHECKF(errno == ENAMETOOLONG,
			       "4000-byte symlink target: %s", t_errname(errno));
		}
	}
	/* symlink to a dir, relative and absolute, loops */
	CHECK(mkdir("d", 0755) == 0);
	CHECK(t_put("d/in", "in", 2) == 0);
	CHECK(symlink("d", "ld") == 0);
	CHECK(stat("ld/in", &st) == 0 && S_ISREG(st.st_mode));
	CHECK(symlink("../f", "d/up") == 0);
	memset(buf, 0, sizeof(buf));
	CHECK(t_get("d/up", buf, sizeof(buf)) == 4 && !strcmp(buf, "data"));
	{
		char cwd[4096], abs[4200];

		CHECK(getcwd(cwd, sizeof(cwd)));
		snprintf(abs, sizeof(abs), "%s/f", cwd);
		CHECK(symlink(abs, "abs") == 0);
		memset(buf, 0, sizeof(buf));
		CHECK(t_get("abs", buf, sizeof(buf)) == 4);
	}
	CHECK(symlink("loop2", "loop1") == 0);
	CHECK(symlink("loop1", "loop2") == 0);
	CHECK_ERR(open("loop1", O_RDONLY), ELOOP);
	CHECK_ERR(open("l", O_RDONLY | O_NOFOLLOW), ELOOP);
	/* unlink removes the link, not the target */
	CHECK(unlink("l") == 0);
	CHECK(exists("f"));
	CHECK_ERR(symlink("", "empty"), ENOENT);
}

static void hardlinks(void)
{
	struct stat st;

	CHECK(t_put("f", "x", 1) == 0);
	errno = 0;
	if (link("f", "g")) {
		SKIP_IF_DIALECT_CANNOT("hard links");
		FAIL("link: %s", t_errname(errno));
	}
	CHECK(stat("g", &st) == 0 && st.st_nlink == 2);
	CHECK_ERR(link("f", "g"), EEXIST);
	CHECK_ERR(link("missing", "h"), ENOENT);
	CHECK(mkdir("d", 0755) == 0);
	CHECK_ERR(link("d", "d2"), EPERM);
	CHECK_ERR(link("f", "nodir/h"), ENOENT);
	/* link to a symlink links the symlink itself (linkat without FOLLOW) */
	CHECK(symlink("f", "l") == 0);
	CHECK(linkat(AT_FDCWD, "l", AT_FDCWD, "l2", 0) == 0);
	CHECK(lstat("l2", &st) == 0);
	CHECKF(S_ISLNK(st.st_mode), "link of a symlink is mode %o", st.st_mode);
	CHECK(linkat(AT_FDCWD, "l", AT_FDCWD, "f3", AT_SYMLINK_FOLLOW) == 0);
	CHECK(lstat("f3", &st) == 0);
	CHECKF(S_ISREG(st.st_mode) && st.st_nlink == 3,
	       "AT_SYMLINK_FOLLOW link: mode %o nlink %lu", st.st_mode,
	       (unsigned long)st.st_nlink);
}

static void fifo(void)
{
	struct stat st;
	char buf[8] = { 0 };
	int fd;

	errno = 0;
	if (mkfifo("p", 0644)) {
		SKIP_IF_SERVER_ENXIO("FIFOs");
		SKIP_IF_DIALECT_CANNOT("FIFOs");
		FAIL("mkfifo: %s", t_errname(errno));
	}
	CHECK(access("p", F_OK) == 0);
	CHECK(lstat("p", &st) == 0);
	CHECKF(S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0644,
	       "mkfifo gave mode %o", st.st_mode);
	CHECK(mknod("q", S_IFIFO | 0600, 0) == 0);
	CHECK(lstat("q", &st) == 0 && S_ISFIFO(st.st_mode));
	CHECK_ERR(mkfifo("p", 0644), EEXIST);
	/* data passes through the guest's pipe */
	fd = open("p", O_RDWR | O_NONBLOCK);
	CHECK(fd >= 0);
	CHECK(write(fd, "fifo", 4) == 4);
	CHECK(read(fd, buf, sizeof(buf)) == 4);
	CHECKF(!memcmp(buf, "fifo", 4), "fifo gave '%s'", buf);
	close(fd);
	/* reader and writer in two processes */
	fflush(stdout);
	{
		pid_t pid = fork();

		CHECK(pid >= 0);
		if (pid == 0) {
			int w = open("q", O_WRONLY);

			_exit(w >= 0 && write(w, "hi", 2) == 2 ? 0 : 1);
		}
		fd = open("q", O_RDONLY);
		CHECK(fd >= 0);
		memset(buf, 0, sizeof(buf));
		CHECK(t_read_all(fd, buf, sizeof(buf)) == 2);
		close(fd);
		CHECK(t_wait(pid) == 0);
		CHECKF(!strcmp(buf, "hi"), "fifo across processes gave '%s'", buf);
	}
	CHECK(stat("p", &st) == 0 && st.st_size == 0);
	CHECK(unlink("p") == 0);
}

static void unix_socket(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	char buf[8] = { 0 };
	int s, c, a;

	strcpy(sa.sun_path, "sock");
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(s >= 0);
	errno = 0;
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa))) {
		close(s);
		SKIP_IF_SERVER_ENXIO("sockets");
		SKIP_IF_DIALECT_CANNOT("sockets");
		FAIL("bind: %s", t_errname(errno));
	}
	CHECK(listen(s, 1) == 0);
	CHECK(lstat("sock", &st) == 0);
	CHECKF(S_ISSOCK(st.st_mode), "bound socket has mode %o", st.st_mode);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(c >= 0);
	CHECKF(connect(c, (struct sockaddr *)&sa, sizeof(sa)) == 0,
	       "connect to socket on the mount: %s", t_errname(errno));
	a = accept(s, NULL, NULL);
	CHECK(a >= 0);
	CHECK(write(c, "ping", 4) == 4);
	CHECK(read(a, buf, sizeof(buf)) == 4 && !strcmp(buf, "ping"));
	close(a);
	close(c);
	/* a second bind on the same path: EADDRINUSE */
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(c >= 0);
	CHECK_ERR(bind(c, (struct sockaddr *)&sa, sizeof(sa)), EADDRINUSE);
	close(c);
	close(s);
	/* after close the node stays; connect is refused */
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(c >= 0);
	CHECK_ERR(connect(c, (struct sockaddr *)&sa, sizeof(sa)), ECONNREFUSED);
	close(c);
	CHECK(unlink("sock") == 0);
}

static void device_nodes(void)
{
	struct stat st;
	char c = 'x';
	int fd;

	umask(0);
	errno = 0;
	if (mknod("null", S_IFCHR | 0666, makedev(1, 3))) {
		SKIP_IF_SERVER_ENXIO("device nodes");
		if (errno == EPERM || errno == EOPNOTSUPP) {
			t_record("mknod S_IFCHR: %s", t_errname(errno));
			SKIP("server refuses device nodes (%s)", t_errname(errno));
		}
		FAIL("mknod S_IFCHR: %s", t_errname(errno));
	}
	CHECK(lstat("null", &st) == 0);
	CHECKF(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3) &&
	       (st.st_mode & 0777) == 0666,
	       "char node: mode %o rdev %u:%u", st.st_mode, major(st.st_rdev),
	       minor(st.st_rdev));
	/* the node opens the guest's own driver: /dev/null semantics */
	fd = open("null", O_RDWR);
	if (fd < 0 && errno == EACCES) {
		t_record("opening a device node: EACCES (nodev?)");
	} else {
		CHECKF(fd >= 0, "open char node: %s", t_errname(errno));
		CHECK(write(fd, "abc", 3) == 3);
		CHECK(read(fd, &c, 1) == 0);
		close(fd);
	}
	CHECK(mknod("loop", S_IFBLK | 0600, makedev(7, 200)) == 0);
	CHECK(lstat("loop", &st) == 0);
	CHECKF(S_ISBLK(st.st_mode) && st.st_rdev == makedev(7, 200),
	       "block node: mode %o rdev %u:%u", st.st_mode, major(st.st_rdev),
	       minor(st.st_rdev));
	/* large major/minor survive */
	CHECK(mknod("big", S_IFCHR | 0600, makedev(300, 70000)) == 0);
	CHECK(lstat("big", &st) == 0);
	CHECKF(st.st_rdev == makedev(300, 70000), "rdev %u:%u, want 300:70000",
	       major(st.st_rdev), minor(st.st_rdev));
	/* mknod of a regular file */
	CHECK(mknod("reg", S_IFREG | 0640, 0) == 0);
	CHECK(lstat("reg", &st) == 0);
	CHECKF(S_ISREG(st.st_mode) && st.st_size == 0 && (st.st_mode & 0777) == 0640,
	       "mknod S_IFREG gave mode %o", st.st_mode);
}

static void name_too_long(void)
{
	char n255[256], n256[257];
	int fd;

	memset(n255, 'n', 255);
	n255[255] = 0;
	memset(n256, 'm', 256);
	n256[256] = 0;
	fd = open(n255, O_CREAT | O_WRONLY, 0644);
	CHECKF(fd >= 0, "255-byte name: %s", t_errname(errno));
	close(fd);
	CHECK(access(n255, F_OK) == 0);
	CHECK(unlink(n255) == 0);
	CHECK_ERR(open(n256, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG);
	CHECK_ERR(mkdir(n256, 0755), ENAMETOOLONG);
	CHECK_ERR(symlink("x", n256), ENAMETOOLONG);
	CHECK_ERR(access(n256, F_OK), ENAMETOOLONG);
	CHECK(t_put("f", "", 0) == 0);
	CHECK_ERR(rename("f", n256), ENAMETOOLONG);
	CHECK_ERR(link("f", n256), ENAMETOOLONG);
	CHECK_ERR(mkfifo(n256, 0644), ENAMETOOLONG);
}

static void errnos(void)
{
	struct stat st;

	CHECK_ERR(open("missing", O_RDONLY), ENOENT);
	CHECK_ERR(open("nodir/x", O_RDONLY), ENOENT);
	CHECK_ERR(open("nodir/x", O_CREAT | O_WRONLY, 0644), ENOENT);
	CHECK_ERR(stat("missing", &st), ENOENT);
	CHECK_ERR(unlink("missing"), ENOENT);
	CHECK(t_put("f", "", 0) == 0);
	CHECK_ERR(mkdir("f", 0755), EEXIST);
	CHECK_ERR(mknod("f", S_IFIFO | 0644, 0), EEXIST);
	CHECK_ERR(link("f", "f"), EEXIST);
	CHECK_ERR(open("f/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(stat("f/", &st), ENOTDIR);
	CHECK_ERR(mkdir("f/d", 0755), ENOTDIR);
	CHECK(mkdir("d", 0755) == 0);
	CHECK_ERR(open("d", O_RDWR), EISDIR);
	CHECK_ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_ERR(unlink(""), ENOENT);
}

int main(void)
{
	t_init("t_namespace");
	t_run("mkdir_rmdir", mkdir_rmdir);
	t_run("rename_basic", rename_basic);
	t_run("rename_across", rename_across);
	t_run("rename_over", rename_over);
	t_run("renameat2_noreplace", renameat2_noreplace);
	t_run("renameat2_exchange", renameat2_exchange);
	t_run("symlinks", symlinks);
	t_run("hardlinks", hardlinks);
	t_run("fifo", fifo);
	t_run("unix_socket", unix_socket);
	t_run("device_nodes", device_nodes);
	t_run("name_too_long", name_too_long);
	t_run("errnos", errnos);
	return t_finish();
}
