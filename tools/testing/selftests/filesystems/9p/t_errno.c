// SPDX-License-Identifier: GPL-2.0
/*
 * t_errno - errors keep their errno: ENOENT, EEXIST, ENOTEMPTY, EACCES
 * (uid 1000 against root's 0700 directory and friends), EPERM, ENAMETOOLONG,
 * EISDIR, ENOTDIR, EXDEV (rename/link to another mount), EBADF, ELOOP,
 * EINVAL.  Nothing may turn into EIO.
 */
#include <sys/sysmacros.h>
#include <dirent.h>
#include <sys/time.h>
#include "t_common.h"

/* For use in forked children: print and exit 1 on a mismatch. */
#define C_ERR(expr, e) do {						\
	long _r;							\
	errno = 0;							\
	_r = (long)(expr);						\
	if (_r != -1 || errno != (e)) {					\
		printf("# child uid %d: %s: want -1/%s, got %ld/%s\n",	\
		       (int)getuid(), #expr, t_errname(e), _r,		\
		       t_errname(errno));				\
		fflush(stdout);						\
		_exit(1);						\
	}								\
} while (0)
#define C_OK(expr) do {							\
	errno = 0;							\
	if ((long)(expr) < 0) {						\
		printf("# child uid %d: %s failed: %s\n", (int)getuid(),\
		       #expr, t_errname(errno));			\
		fflush(stdout);						\
		_exit(1);						\
	}								\
} while (0)

static void enoent(void)
{
	struct stat st;
	char buf[8];

	CHECK_ERR(open("missing", O_RDONLY), ENOENT);
	CHECK_ERR(stat("missing", &st), ENOENT);
	CHECK_ERR(lstat("missing/x", &st), ENOENT);
	CHECK_ERR(unlink("missing"), ENOENT);
	CHECK_ERR(rmdir("missing"), ENOENT);
	CHECK_ERR(rename("missing", "x"), ENOENT);
	CHECK_ERR(link("missing", "x"), ENOENT);
	CHECK_ERR(readlink("missing", buf, sizeof(buf)), ENOENT);
	CHECK_ERR(chmod("missing", 0644), ENOENT);
	CHECK_ERR(chown("missing", 0, 0), ENOENT);
	CHECK_ERR(truncate("missing", 0), ENOENT);
	CHECK_ERR(utimensat(AT_FDCWD, "missing", NULL, 0), ENOENT);
	CHECK_ERR(mkdir("missing/d", 0755), ENOENT);
	CHECK_ERR(symlink("x", "missing/l"), ENOENT);
	CHECK_ERR(mkfifo("missing/p", 0644), ENOENT);
	CHECK_ERR(chdir("missing"), ENOENT);
	CHECK(symlink("missing", "dangling") == 0);
	CHECK_ERR(open("dangling", O_RDONLY), ENOENT);
	CHECK_ERR(stat("dangling", &st), ENOENT);
	/* a name removed behind our back */
	CHECK(t_put("gone", "", 0) == 0);
	CHECK(stat("gone", &st) == 0);
	CHECK(unlink("gone") == 0);
	CHECK_ERR(stat("gone", &st), ENOENT);
	CHECK_ERR(open("gone", O_RDONLY), ENOENT);
}

static void eexist(void)
{
	CHECK(t_put("f", "", 0) == 0);
	CHECK(mkdir("d", 0755) == 0);
	CHECK_ERR(open("f", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
	CHECK_ERR(mkdir("f", 0755), EEXIST);
	CHECK_ERR(mkdir("d", 0755), EEXIST);
	CHECK_ERR(symlink("x", "f"), EEXIST);
	CHECK_ERR(symlink("x", "d"), EEXIST);
	CHECK_ERR(link("f", "d"), EEXIST);
	CHECK_ERR(mkfifo("f", 0644), EEXIST);
	CHECK_ERR(mknod("d", S_IFREG | 0644, 0), EEXIST);
}

static void enotempty(void)
{
	CHECK(mkdir("d", 0755) == 0);
	CHECK(t_put("d/f", "", 0) == 0);
	CHECK(mkdir("e", 0755) == 0);
	CHECK(mkdir("e/sub", 0755) == 0);
	CHECK_ERR2(rmdir("d"), ENOTEMPTY, EEXIST);
	CHECK_ERR2(rmdir("e"), ENOTEMPTY, EEXIST);
	CHECK(mkdir("x", 0755) == 0);
	CHECK_ERR2(rename("x", "d"), ENOTEMPTY, EEXIST);
	/* a dir that only held hidden files */
	CHECK(t_put("x/.hidden", "", 0) == 0);
	CHECK_ERR2(rmdir("x"), ENOTEMPTY, EEXIST);
}

static void eacces(void)
{
	pid_t pid;
	int r;

	CHECK(chmod(".", 0755) == 0);
	CHECK(mkdir("private", 0700) == 0);
	CHECK(t_put("private/f", "secret", 6) == 0);
	CHECK(mkdir("ro", 0755) == 0);
	CHECK(t_put("ro/f", "readonly", 8) == 0);
	CHECK(chmod("ro/f", 0644) == 0);
	CHECK(t_put("noexec", "#!/bin/sh\nexit 0\n", 17) == 0);
	CHECK(chmod("noexec", 0644) == 0);
	CHECK(mkdir("search_only", 0711) == 0);
	CHECK(t_put("search_only/known", "k", 1) == 0);
	CHECK(chmod("search_only/known", 0644) == 0);
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct stat st;
		char buf[8];
		char *argv[] = { "./noexec", NULL };

		if (t_become(1000, 1000))
			_exit(2);
		C_ERR(open("private/f", O_RDONLY), EACCES);
		C_ERR(stat("private/f", &st), EACCES);
		C_ERR(opendir("private") ? 0 : -1, EACCES);
		C_ERR(chdir("private"), EACCES);
		C_ERR(open("private/new", O_CREAT | O_WRONLY, 0644), EACCES);
		C_ERR(open("ro/f", O_WRONLY), EACCES);
		C_ERR(open("ro/f", O_RDWR), EACCES);
		C_ERR(truncate("ro/f", 0), EACCES);
		C_ERR(open("ro/new", O_CREAT | O_WRONLY, 0644), EACCES);
		C_ERR(mkdir("ro/newdir", 0755), EACCES);
		C_ERR(unlink("ro/f"), EACCES);
		C_ERR(rename("ro/f", "ro/g"), EACCES);
		C_ERR(symlink("x", "ro/l"), EACCES);
		C_ERR(execv("./noexec", argv), EACCES);
		C_ERR(access("ro/f", W_OK), EACCES);
		C_OK(access("ro/f", R_OK));
		C_OK(open("ro/f", O_RDONLY));
		/* --x directory: known names reachable, listing refused */
		C_OK(stat("search_only/known", &st));
		C_ERR(opendir("search_only") ? 0 : -1, EACCES);
		C_OK(t_get("search_only/known", buf, sizeof(buf)));
		_exit(0);
	}
	r = t_wait(pid);
	CHECKF(r == 0, "uid 1000 checks failed (status %d, see # line above)", r);
}

static void eperm(void)
{
	pid_t pid;
	int r;

	CHECK(chmod(".", 0755) == 0);
	CHECK(t_put("rootfile", "", 0) == 0);
	CHECK(chmod("rootfile", 0666) == 0);
	CHECK(mkdir("sticky", 01777) == 0);
	CHECK(chmod("sticky", 01777) == 0);
	CHECK(t_put("sticky/rootowned", "", 0) == 0);
	CHECK(chmod("sticky/rootowned", 0666) == 0);
	CHECK(mkdir("d", 0755) == 0);
	CHECK_ERR(link("d", "dlink"), EPERM);
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct timespec ts[2] = { { 1, 0 }, { 1, 0 } };

		if (t_become(1000, 1000))
			_exit(2);
		C_ERR(chown("rootfile", 1000, 1000), EPERM);
		C_ERR(chmod("rootfile", 0777), EPERM);
		C_ERR(utimensat(AT_FDCWD, "rootfile", ts, 0), EPERM);
		/* UTIME_NOW needs only write access */
		C_OK(utimensat(AT_FDCWD, "rootfile", NULL, 0));
		C_ERR(unlink("sticky/rootowned"), EPERM);
		C_ERR(rename("sticky/rootowned", "sticky/mine"), EPERM);
		C_ERR(mknod("sticky/dev", S_IFCHR | 0600, makedev(1, 3)), EPERM);
		/* own file in the sticky dir: fine; chown to another: EPERM */
		C_OK(t_put("sticky/mine", "", 0));
		C_ERR(chown("sticky/mine", 0, -1), EPERM);
		C_ERR(chown("sticky/mine", -1, 0), EPERM);
		C_OK(unlink("sticky/mine"));
		_exit(0);
	}
	r = t_wait(pid);
	CHECKF(r == 0, "uid 1000 checks failed (status %d, see # line above)", r);
}

static void enametoolong(void)
{
	char n256[257], path[5000];

	memset(n256, 'x', 256);
	n256[256] = 0;
	CHECK_ERR(open(n256, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG);
	CHECK_ERR(mkdir(n256, 0755), ENAMETOOLONG);
	CHECK_ERR(unlink(n256), ENAMETOOLONG);
	CHECK_ERR(rmdir(n256), ENAMETOOLONG);
	/* a path longer than PATH_MAX */
	memset(path, 'a', sizeof(path) - 1);
	for (size_t i = 100; i < sizeof(path) - 1; i += 100)
		path[i] = '/';
	path[sizeof(path) - 1] = 0;
	CHECK_ERR(open(path, O_RDONLY), ENAMETOOLONG);
}

static void eisdir_enotdir(void)
{
	char buf[8];

	CHECK(mkdir("d", 0755) == 0);
	CHECK(t_put("f", "", 0) == 0);
	CHECK_ERR(open("d", O_WRONLY), EISDIR);
	CHECK_ERR(open("d", O_RDWR), EISDIR);
	CHECK_ERR(unlink("d"), EISDIR);
	CHECK_ERR(rename("f", "d"), EISDIR);
	CHECK_ERR(truncate("d", 0), EISDIR);
	{
		int fd = open("d", O_RDONLY);

		CHECK(fd >= 0);
		CHECK_ERR(read(fd, buf, sizeof(buf)), EISDIR);
		close(fd);
	}
	CHECK_ERR(open("f/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(mkdir("f/x", 0755), ENOTDIR);
	CHECK_ERR(rmdir("f"), ENOTDIR);
	CHECK_ERR(rename("d", "f"), ENOTDIR);
	CHECK_ERR(chdir("f"), ENOTDIR);
	CHECK_ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_ERR(opendir("f") ? 0 : -1, ENOTDIR);
	CHECK(symlink("f", "lf") == 0);
	CHECK_ERR(open("lf/", O_RDONLY), ENOTDIR);
}

static void exdev(void)
{
	static const char *cands[] = { "/dev/shm", "/tmp", "/run", "/dev", "/proc" };
	struct stat here, st;
	const char *other = NULL;
	char target[300];

	CHECK(stat(".", &here) == 0);
	for (unsigned i = 0; i < sizeof(cands) / sizeof(cands[0]); i++)
		if (stat(cands[i], &st) == 0 && S_ISDIR(st.st_mode) &&
		    st.st_dev != here.st_dev) {
			other = cands[i];
			break;
		}
	if (!other)
		SKIP("no directory on another mount found");
	t_note("other mount: %s", other);
	snprintf(target, sizeof(target), "%s/v9fs-t_errno-%d", other, getpid());
	CHECK(t_put("f", "x", 1) == 0);
	CHECK(mkdir("d", 0755) == 0);
	CHECK_ERR(rename("f", target), EXDEV);
	CHECK_ERR(rename("d", target), EXDEV);
	CHECK_ERR(link("f", target), EXDEV);
	CHECKF(lstat(target, &st) && errno == ENOENT, "%s exists after EXDEV", target);
	CHECK(stat("f", &st) == 0 && stat("d", &st) == 0);
}

static void ebadf(void)
{
	char buf[8];
	struct stat st;
	int fd;

	CHECK(t_put("f", "abc", 3) == 0);
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(close(fd) == 0);
	CHECK_ERR(read(fd, buf, 1), EBADF);
	CHECK_ERR(write(fd, "x", 1), EBADF);
	CHECK_ERR(fstat(fd, &st), EBADF);
	CHECK_ERR(close(fd), EBADF);
	CHECK_ERR(fchdir(fd), EBADF);
	CHECK_ERR(fsync(fd), EBADF);
	CHECK_ERR(openat(fd, "f", O_RDONLY), EBADF);
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_ERR(write(fd, "x", 1), EBADF);
	CHECK_ERR(pwrite(fd, "x", 1, 0), EBADF);
	CHECK_ERR2(ftruncate(fd, 0), EINVAL, EBADF);
	close(fd);
	fd = open("f", O_WRONLY);
	CHECK(fd >= 0);
	CHECK_ERR(read(fd, buf, 1), EBADF);
	close(fd);
	/* O_PATH fds can't do I/O */
	fd = open("f", O_PATH);
	CHECK(fd >= 0);
	CHECK_ERR(read(fd, buf, 1), EBADF);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 3);
	close(fd);
	CHECK_ERR(fstat(-1, &st), EBADF);
}

static void misc(void)
{
	char buf[8];

	CHECK(t_put("f", "", 0) == 0);
	CHECK(symlink("l2", "l1") == 0);
	CHECK(symlink("l1", "l2") == 0);
	CHECK_ERR(open("l1", O_RDONLY), ELOOP);
	CHECK_ERR(stat("l1/x", (struct stat *)buf), ELOOP);
	CHECK_ERR(readlink("f", buf, sizeof(buf)), EINVAL);
	CHECK(mkdir("d", 0755) == 0);
	CHECK_ERR(rename("d", "d/sub"), EINVAL);
	CHECK_ERR(rmdir("."), EINVAL);
	CHECK_ERR(lseek(-1, 0, SEEK_SET), EBADF);
}

int main(void)
{
	t_init("t_errno");
	t_run("enoent", enoent);
	t_run("eexist", eexist);
	t_run("enotempty", enotempty);
	t_run("eacces", eacces);
	t_run("eperm", eperm);
	t_run("enametoolong", enametoolong);
	t_run("eisdir_enotdir", eisdir_enotdir);
	t_run("exdev", exdev);
	t_run("ebadf", ebadf);
	t_run("misc", misc);
	return t_finish();
}
