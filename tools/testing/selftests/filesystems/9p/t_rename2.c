// SPDX-License-Identifier: GPL-2.0
/*
 * t_rename2 - renameat2(RENAME_EXCHANGE) and renameat2(RENAME_WHITEOUT),
 * which overlayfs uses on its upper layer.  EXCHANGE swaps two names of
 * any types, across directories, with contents, inode numbers and open
 * files following their files; WHITEOUT renames and leaves a 0:0
 * character device at the old name, or, where the server makes no device
 * nodes (QEMU: all but mapped-xattr), fails with nothing changed.  Invalid combinations fail EINVAL.
 * A client without them (EINVAL) is recorded and skipped; for v9fs-ng on
 * 9P2000.L that is a failure.
 */
#include <linux/fs.h>
#include <sys/syscall.h>
#include "t_common.h"

static int rn2(const char *a, const char *b, unsigned int flags)
{
	return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
}

#define SKIP_IF_UNSUPPORTED(r) do {					\
	if ((r) < 0 && errno == EINVAL &&				\
	    !(t_client_is("ng") && t_version_is("9p2000.L"))) {	\
		t_record("renameat2 flag: EINVAL");			\
		SKIP("flag not supported");				\
	}								\
} while (0)

static ino_t ino(const char *p)
{
	struct stat st;

	return stat(p, &st) ? 0 : st.st_ino;
}

static void exchange_files(void)
{
	char buf[16];
	ino_t ia, ib;
	int fa, r;

	CHECK(mkdir("d1", 0755) == 0 && mkdir("d2", 0755) == 0);
	CHECK(t_put("d1/a", "AAAA", 4) == 0);
	CHECK(t_put("d2/b", "BB", 2) == 0);
	ia = ino("d1/a");
	ib = ino("d2/b");
	fa = open("d1/a", O_RDONLY);
	CHECK(fa >= 0);
	r = rn2("d1/a", "d2/b", RENAME_EXCHANGE);
	SKIP_IF_UNSUPPORTED(r);
	CHECKF(r == 0, "RENAME_EXCHANGE: %s", t_errname(errno));
	CHECK(ino("d1/a") == ib && ino("d2/b") == ia);
	CHECK(t_get("d1/a", buf, sizeof(buf)) == 2 && !memcmp(buf, "BB", 2));
	CHECK(t_get("d2/b", buf, sizeof(buf)) == 4 &&
	      !memcmp(buf, "AAAA", 4));
	/* the open file is still the file it was */
	CHECK(pread(fa, buf, 4, 0) == 4 && !memcmp(buf, "AAAA", 4));
	close(fa);
	/* and back */
	CHECK(rn2("d2/b", "d1/a", RENAME_EXCHANGE) == 0);
	CHECK(ino("d1/a") == ia && ino("d2/b") == ib);
	/* nothing else appeared */
	CHECK(access("d1/a", F_OK) == 0 && access("d2/b", F_OK) == 0);
}

static void exchange_dir_and_file(void)
{
	struct stat st;
	int r;

	CHECK(mkdir("dir", 0755) == 0);
	CHECK(t_put("dir/inside", "1", 1) == 0);
	CHECK(t_put("file", "2", 1) == 0);
	r = rn2("dir", "file", RENAME_EXCHANGE);
	SKIP_IF_UNSUPPORTED(r);
	CHECKF(r == 0, "RENAME_EXCHANGE dir/file: %s", t_errname(errno));
	CHECK(stat("file", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(access("file/inside", F_OK) == 0);
	CHECK(stat("dir", &st) == 0 && S_ISREG(st.st_mode));
	/* a name that does not exist: ENOENT, nothing moved */
	CHECK_ERR(rn2("file", "missing", RENAME_EXCHANGE), ENOENT);
	CHECK(access("file/inside", F_OK) == 0);
	/* a directory into itself */
	CHECK_ERR(rn2("file", "file/inside", RENAME_EXCHANGE), EINVAL);
}

static void whiteout(void)
{
	char buf[8];
	struct stat st;
	int r;

	CHECK(t_put("old", "data", 4) == 0);
	r = rn2("old", "new", RENAME_WHITEOUT);
	SKIP_IF_UNSUPPORTED(r);
	if (r < 0 && errno != EINVAL &&
	    strcmp(t_env("V9FS_MODEL", ""), "mapped-xattr") &&
	    strcmp(t_env("V9FS_MODEL", ""), "diod")) {
		/*
		 * No 0:0 device nodes on this server (QEMU: none refuses,
		 * 7.2's passthrough fails them with ENXIO): nothing may
		 * have moved.
		 */
		CHECK(t_get("old", buf, sizeof(buf)) == 4);
		CHECK_ERR(access("new", F_OK), ENOENT);
		t_record("RENAME_WHITEOUT refused: %s", t_errname(errno));
		return;
	}
	CHECKF(r == 0, "RENAME_WHITEOUT: %s", t_errname(errno));
	CHECK(t_get("new", buf, sizeof(buf)) == 4 && !memcmp(buf, "data", 4));
	CHECK(lstat("old", &st) == 0);
	CHECKF(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0),
	       "old is mode %o rdev %u:%u", st.st_mode, major(st.st_rdev),
	       minor(st.st_rdev));
	/* onto an existing name, and with NOREPLACE */
	CHECK(t_put("a", "x", 1) == 0 && t_put("b", "y", 1) == 0);
	CHECK_ERR(rn2("a", "b", RENAME_WHITEOUT | RENAME_NOREPLACE), EEXIST);
	CHECK(t_get("a", buf, sizeof(buf)) == 1 && buf[0] == 'x');
	CHECK(rn2("a", "b", RENAME_WHITEOUT) == 0);
	CHECK(t_get("b", buf, sizeof(buf)) == 1 && buf[0] == 'x');
	CHECK(lstat("a", &st) == 0 && S_ISCHR(st.st_mode));
}

static void invalid(void)
{
	CHECK(t_put("a", "x", 1) == 0 && t_put("b", "y", 1) == 0);
	CHECK_ERR(rn2("a", "b", RENAME_EXCHANGE | RENAME_NOREPLACE), EINVAL);
	CHECK_ERR(rn2("a", "b", RENAME_EXCHANGE | RENAME_WHITEOUT), EINVAL);
	CHECK_ERR(rn2("a", "b", 1u << 7), EINVAL);
}

int main(void)
{
	t_init("t_rename2");
	t_run("exchange_files", exchange_files);
	t_run("exchange_dir_and_file", exchange_dir_and_file);
	t_run("whiteout", whiteout);
	t_run("invalid", invalid);
	return t_finish();
}
