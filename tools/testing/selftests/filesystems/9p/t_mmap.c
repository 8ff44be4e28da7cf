// SPDX-License-Identifier: GPL-2.0
/*
 * t_mmap - memory mappings on the mount: private read mappings, executing
 * binaries stored on the mount, shared writable mappings written back with
 * msync and seen by read(), read/mmap coherence, and SQLite in WAL mode
 * (which needs shared mmap of the -shm file and fcntl locks).
 *
 * Env: V9FS_PYTHON (default /usr/bin/python3, then python3 in PATH),
 * V9FS_SQLITE_WAIT (seconds, default 120: the SQLite script is killed after).
 */
#include <sys/mman.h>
#include "t_common.h"

#define PG 4096

static void private_read(void)
{
	const size_t N = 3 * PG + 100;
	unsigned char buf[3 * PG + 100];
	unsigned char *p;
	int fd;

	t_fill(buf, N, 0, 11);
	CHECK(t_put("f", buf, N) == 0);
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	p = mmap(NULL, 4 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECKF(t_verify(p, N, 0, 11) < 0, "mapping differs at %ld",
	       t_verify(p, N, 0, 11));
	for (size_t i = N; i < 4 * PG; i++)
		CHECKF(p[i] == 0, "byte %zu past EOF in the last page is %#x", i,
		       p[i]);
	CHECK(munmap(p, 4 * PG) == 0);
	/* an offset mapping */
	p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 2 * PG);
	CHECK(p != MAP_FAILED);
	CHECKF(t_verify(p, PG, 2 * PG, 11) < 0, "offset mapping differs");
	CHECK(munmap(p, PG) == 0);
	close(fd);
	/* private writes stay private */
	fd = open("f", O_RDWR);
	CHECK(fd >= 0);
	p = mmap(NULL, N, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	memset(p, 'P', 100);
	CHECK(munmap(p, N) == 0);
	close(fd);
	CHECK(t_get("f", buf, N) == (ssize_t)N);
	CHECKF(t_verify(buf, N, 0, 11) < 0, "MAP_PRIVATE write reached the file");
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in, out;
	ssize_t n;

	in = open(from, O_RDONLY);
	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (t_write_all(out, buf, n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (close(out) || n < 0)
		return -1;
	return chmod(to, mode);
}

static int run(char *const argv[])
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(argv[0], argv);
		printf("# exec %s: %s\n", argv[0], strerror(errno));
		fflush(stdout);
		_exit(126);
	}
	return t_wait(pid);
}

static void exec_binary(void)
{
	char *targv[] = { "./true", NULL };
	char *sargv[] = { "./self", "--exit-code", "42", NULL };
	int st;

	CHECK(copy_file("/bin/true", "true", 0755) == 0);
	st = run(targv);
	CHECKF(st == 0, "copied /bin/true exited %d", st);
	CHECK(copy_file("/proc/self/exe", "self", 0755) == 0);
	st = run(sargv);
	CHECKF(st == 42, "copied test binary exited %d, want 42", st);
	/* not executable: EACCES */
	CHECK(chmod("true", 0644) == 0);
	errno = 0;
	CHECK_ERR(execv("./true", targv), EACCES);
	/* a script with a shebang */
	CHECK(t_put("script.sh", "#!/bin/sh\nexit 7\n", 17) == 0);
	CHECK(chmod("script.sh", 0755) == 0);
	{
		char *a[] = { "./script.sh", NULL };

		st = run(a);
		CHECKF(st == 7, "script exited %d, want 7", st);
	}
}

static void shared_write(void)
{
	const size_t N = 5 * PG + 123;
	static unsigned char buf[5 * PG + 123 + 10];
	unsigned char *p;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, N) == 0);
	errno = 0;
	p = mmap(NULL, N, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECKF(p != MAP_FAILED, "shared writable mmap: %s", t_errname(errno));
	t_fill(p, N, 0, 21);
	CHECK(msync(p, N, MS_SYNC) == 0);
	/* read() through the same fd and through another fd before munmap */
	CHECK(pread(fd, buf, N, 0) == (ssize_t)N);
	CHECKF(t_verify(buf, N, 0, 21) < 0, "read() after msync differs at %ld",
	       t_verify(buf, N, 0, 21));
	CHECK(munmap(p, N) == 0);
	CHECK(close(fd) == 0);
	CHECK(stat("f", &st) == 0);
	CHECKF(st.st_size == (off_t)N, "size %lld after mmap writes",
	       (long long)st.st_size);
	/* the server got the bytes written through the mapping */
	{
		char hp[4096];

		if (t_hostpath(hp, sizeof(hp), "f") == 0) {
			n = t_get(hp, buf, sizeof(buf));
			CHECKF(n == (ssize_t)N && t_verify(buf, N, 0, 21) < 0,
			       "host view after msync+close: %zd bytes, bad at %ld",
			       n, n > 0 ? t_verify(buf, n, 0, 21) : -1L);
		}
	}
	/* a separate process reads it after close */
	fflush(stdout);
	{
		pid_t pid = fork();

		CHECK(pid >= 0);
		if (pid == 0) {
			n = t_get("f", buf, sizeof(buf));
			_exit(n == (ssize_t)N && t_verify(buf, N, 0, 21) < 0 ? 0 : 1);
		}
		CHECKF(t_wait(pid) == 0, "child read after close differs");
	}
	/* dirty pages written back by munmap+close alone (no msync) */
	fd = open("f", O_RDWR);
	CHECK(fd >= 0);
	p = mmap(NULL, N, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	close(fd);
	memcpy(p + PG - 2, "ACROSS", 6);
	CHECK(munmap(p, N) == 0);
	n = t_get("f", buf, sizeof(buf));
	CHECKF(n == (ssize_t)N && !memcmp(buf + PG - 2, "ACROSS", 6),
	       "write via mapping without msync not seen by read()");
	CHECKF(t_verify(buf, PG - 2, 0, 21) < 0 &&
	       t_verify(buf + PG + 4, N - PG - 4, PG + 4, 21) < 0,
	       "bytes around the mapped write changed");
}

static void mmap_coherence(void)
{
	unsigned char *p;
	int fd;

	CHECK(t_put("f", "aaaaaaaa", 8) == 0);
	fd = open("f", O_RDONLY);	/* read-only: no writable-mapping support needed */
	CHECK(fd >= 0);
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	CHECKF(p != MAP_FAILED, "shared read-only mmap: %s", t_errname(errno));
	CHECKF(p[0] == 'a', "mapping reads %c", p[0]);
	/* a write() through another fd shows in the mapping */
	{
		int fd2 = open("f", O_WRONLY);

		CHECK(fd2 >= 0);
		CHECK(pwrite(fd2, "bb", 2, 3) == 2);
		close(fd2);
	}
	CHECKF(p[3] == 'b' && p[4] == 'b', "mapping still reads '%.8s' after write()",
	       p);
	CHECK(munmap(p, PG) == 0);
	close(fd);
}

static const char *python(void)
{
	const char *py = getenv("V9FS_PYTHON");

	if (py && *py)
		return py;
	if (access("/usr/bin/python3", X_OK) == 0)
		return "/usr/bin/python3";
	return "python3";
}

static const char sqlite_script[] =
	"import sqlite3, sys\n"
	"db = sqlite3.connect('t.db')\n"
	"mode = db.execute('PRAGMA journal_mode=WAL').fetchone()[0]\n"
	"if mode.lower() != 'wal':\n"
	"    print('# journal_mode is', mode); sys.exit(2)\n"
	"db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, b BLOB)')\n"
	"with db:\n"
	"    for i in range(1000):\n"
	"        db.execute('INSERT INTO t VALUES (?, ?, ?)',\n"
	"                   (i, 'row%d' % i, bytes([i % 256]) * (i % 300)))\n"
	"db.close()\n"
	"db = sqlite3.connect('t.db')\n"
	"rows = db.execute('SELECT id, v, b FROM t ORDER BY id').fetchall()\n"
	"if len(rows) != 1000:\n"
	"    print('# rows:', len(rows)); sys.exit(3)\n"
	"for i, (rid, v, b) in enumerate(rows):\n"
	"    if rid != i or v != 'row%d' % i or b != bytes([i % 256]) * (i % 300):\n"
	"        print('# bad row', i); sys.exit(4)\n"
	"ic = db.execute('PRAGMA integrity_check').fetchone()[0]\n"
	"if ic != 'ok':\n"
	"    print('# integrity_check:', ic); sys.exit(5)\n"
	"n = db.execute('SELECT count(*), sum(length(b)) FROM t').fetchone()\n"
	"if n[0] != 1000 or n[1] != sum(i % 300 for i in range(1000)):\n"
	"    print('# aggregate', n); sys.exit(6)\n"
	"db.execute('PRAGMA wal_checkpoint(TRUNCATE)')\n"
	"db.close()\n"
	"sys.exit(0)\n";

static void sqlite_wal(void)
{
	char *argv[] = { (char *)python(), "-c", (char *)sqlite_script, NULL };
	pid_t pid;
	int st;

	fflush(stdout);
	if (t_sh("\"${V9FS_PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}\" -c 'import sqlite3' 2>/dev/null"))
		SKIP("python3 with sqlite3 not available");
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	st = t_wait_for(pid, t_env_long("V9FS_SQLITE_WAIT", 120));
	CHECKF(st != -2, "sqlite WAL script hung (killed after V9FS_SQLITE_WAIT=%lds)",
	       t_env_long("V9FS_SQLITE_WAIT", 120));
	CHECKF(st == 0, "sqlite WAL script failed with status %d (1 = python "
	       "exception, e.g. disk I/O error; 2 = WAL refused; 3.. = data)", st);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--exit-code"))
		return atoi(argv[2]);
	t_init("t_mmap");
	t_run("private_read", private_read);
	t_run("exec_binary", exec_binary);
	t_run("shared_write", shared_write);
	t_run("mmap_coherence", mmap_coherence);
	t_run("sqlite_wal", sqlite_wal);
	return t_finish();
}
