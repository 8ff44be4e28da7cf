// SPDX-License-Identifier: GPL-2.0
/*
 * t_xattr - extended attributes: user.* set/get/list/remove, XATTR_CREATE
 * and XATTR_REPLACE, values up to 64 KiB, ENODATA/ERANGE, size queries,
 * f*xattr on fds, xattrs on directories and across rename, trusted.* as
 * root.  Skips when the mount has no xattr support (9p2000 / 9p2000.u).
 */
#include <sys/xattr.h>
#include "t_common.h"

/* Is `name` in the listxattr() result of path? 1/0, -1 on error. */
static int listed(const char *path, const char *name, int fd)
{
	char list[65536];
	ssize_t n = fd >= 0 ? flistxattr(fd, list, sizeof(list)) :
			      llistxattr(path, list, sizeof(list));

	if (n < 0)
		return -1;
	for (char *p = list; p < list + n; p += strlen(p) + 1)
		if (!strcmp(p, name))
			return 1;
	return 0;
}

/* xattrs unsupported on this mount at all? then skip */
static int probe(void)
{
	int r;

	if (t_put("probe", "", 0))
		return -1;
	errno = 0;
	r = setxattr("probe", "user.probe", "1", 1, 0);
	unlink("probe");
	if (r && errno == EOPNOTSUPP)
		return 0;
	return 1;
}

static void user_basic(void)
{
	char buf[256];
	ssize_t n;
	int fd;

	if (!probe())
		SKIP("user xattrs not supported here (EOPNOTSUPP)");
	CHECK(t_put("f", "data", 4) == 0);
	CHECK(setxattr("f", "user.foo", "bar", 3, 0) == 0);
	n = getxattr("f", "user.foo", NULL, 0);
	CHECKF(n == 3, "size query gave %zd (%s)", n, t_errname(errno));
	memset(buf, 0, sizeof(buf));
	n = getxattr("f", "user.foo", buf, sizeof(buf));
	CHECKF(n == 3 && !memcmp(buf, "bar", 3), "getxattr gave %zd '%s'", n, buf);
	CHECKF(listed("f", "user.foo", -1) == 1, "user.foo not listed");
	/* listxattr size query covers the names */
	n = listxattr("f", NULL, 0);
	CHECKF(n >= (ssize_t)sizeof("user.foo"), "listxattr size query %zd", n);
	/* replace a value with a shorter and a binary one */
	CHECK(setxattr("f", "user.foo", "b", 1, 0) == 0);
	n = getxattr("f", "user.foo", buf, sizeof(buf));
	CHECKF(n == 1 && buf[0] == 'b', "shorter value gave %zd", n);
	CHECK(setxattr("f", "user.bin", "\0\1\2\0\377", 5, 0) == 0);
	n = getxattr("f", "user.bin", buf, sizeof(buf));
	CHECKF(n == 5 && !memcmp(buf, "\0\1\2\0\377", 5), "binary value gave %zd", n);
	/* remove */
	CHECK(removexattr("f", "user.foo") == 0);
	CHECK_ERR(getxattr("f", "user.foo", buf, sizeof(buf)), ENODATA);
	CHECKF(listed("f", "user.foo", -1) == 0, "removed xattr still listed");
	CHECK_ERR(removexattr("f", "user.foo"), ENODATA);
	/* the file's data is untouched */
	memset(buf, 0, sizeof(buf));
	CHECK(t_get("f", buf, sizeof(buf)) == 4 && !strcmp(buf, "data"));
	/* through an fd */
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(fsetxattr(fd, "user.fd", "viafd", 5, 0) == 0);
	n = fgetxattr(fd, "user.fd", buf, sizeof(buf));
	CHECKF(n == 5 && !memcmp(buf, "viafd", 5), "fgetxattr gave %zd", n);
	CHECKF(listed(NULL, "user.fd", fd) == 1, "flistxattr lacks user.fd");
	n = getxattr("f", "user.fd", buf, sizeof(buf));
	CHECKF(n == 5, "getxattr by path after fsetxattr gave %zd", n);
	CHECK(fremovexattr(fd, "user.fd") == 0);
	CHECK_ERR(fgetxattr(fd, "user.fd", buf, sizeof(buf)), ENODATA);
	close(fd);
	/* no internal names leak into the list (e.g. mapped-xattr's) */
	{
		char list[65536];

		n = llistxattr("f", list, sizeof(list));
		CHECK(n >= 0);
		for (char *p = list; p < list + n; p += strlen(p) + 1)
			CHECKF(strncmp(p, "user.virtfs.", 12),
			       "server-internal xattr '%s' is listed", p);
	}
}

static void empty_value(void)
{
	char buf[8];
	ssize_t n;

	if (!probe())
		SKIP("user xattrs not supported here (EOPNOTSUPP)");
	CHECK(t_put("f", "", 0) == 0);
	errno = 0;
	if (setxattr("f", "user.empty", "", 0, 0)) {
		/* QEMU treats a zero-size Txattrcreate as "remove" */
		t_record("setxattr with an empty value: %s", t_errname(errno));
		CHECKF(errno == ENODATA, "empty value: %s", t_errname(errno));
		SKIP("server cannot store empty values (ENODATA)");
	}
	n = getxattr("f", "user.empty", buf, sizeof(buf));
	CHECKF(n == 0, "empty value gave %zd (%s)", n, t_errname(errno));
	CHECKF(listed("f", "user.empty", -1) == 1, "empty-valued xattr not listed");
	CHECK(removexattr("f", "user.empty") == 0);
}

static void create_replace(void)
{
	char buf[16];
	ssize_t n;

	if (!probe())
		SKIP("user xattrs not supported here (EOPNOTSUPP)");
	CHECK(t_put("f", "", 0) == 0);
	CHECK_ERR(setxattr("f", "user.a", "1", 1, XATTR_REPLACE), ENODATA);
	CHECK_ERR(getxattr("f", "user.a", buf, sizeof(buf)), ENODATA);
	CHECK(setxattr("f", "user.a", "1", 1, XATTR_CREATE) == 0);
	CHECK_ERR(setxattr("f", "user.a", "2", 1, XATTR_CREATE), EEXIST);
	n = getxattr("f", "user.a", buf, sizeof(buf));
	CHECKF(n == 1 && buf[0] == '1', "failed XATTR_CREATE changed the value");
	CHECK(setxattr("f", "user.a", "33", 2, XATTR_REPLACE) == 0);
	n = getxattr("f", "user.a", buf, sizeof(buf));
	CHECKF(n == 2 && !memcmp(buf, "33", 2), "XATTR_REPLACE gave %zd", n);
	CHECK_ERR(setxattr("f", "user.a", "x", 1, 0x100),
		  EINVAL);
}

static void big_values(void)
{
	static const size_t sizes[] = { 1, 255, 1000, 4000, 8192, 16384, 32768,
					65536 };
	static unsigned char val[65537], rb[65537];
	size_t best = 0;
	ssize_t n;

	if (!probe())
		SKIP("user xattrs not supported here (EOPNOTSUPP)");
	CHECK(t_put("f", "", 0) == 0);
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t sz = sizes[i];

		t_fill(val, sz, 0, 30 + i);
		errno = 0;
		if (setxattr("f", "user.big", val, sz, 0)) {
			CHECKF(errno == ENOSPC || errno == E2BIG,
			       "setxattr of %zu bytes: %s", sz, t_errname(errno));
			/* a clean failure leaves the previous value */
			if (best) {
				n = getxattr("f", "user.big", rb, sizeof(rb));
				CHECKF(n == (ssize_t)best,
				       "after failed set, value has %zd bytes, want %zu",
				       n, best);
			}
			t_record("user.* value of %zu bytes refused (%s); largest "
				 "accepted %zu (backing fs limit)", sz,
				 t_errname(errno), best);
			break;
		}
		n = getxattr("f", "user.big", NULL, 0);
		CHECKF(n == (ssize_t)sz, "size query for %zu-byte value: %zd (%s)",
		       sz, n, t_errname(errno));
		memset(rb, 0, sz);
		n = getxattr("f", "user.big", rb, sizeof(rb));
		CHECKF(n == (ssize_t)sz && t_verify(rb, sz, 0, 30 + i) < 0,
		       "%zu-byte value read back as %zd bytes%s", sz, n,
		       n == (ssize_t)sz ? " with wrong content" : "");
		best = sz;
	}
	CHECKF(best >= 1000, "could not store even a 1000-byte value");
	/* over the VFS limit */
	CHECK_ERR(setxattr("f", "user.huge", val, 65537, 0), E2BIG);
	/* many attributes on one file */
	CHECK(t_put("g", "", 0) == 0);
	for (int i = 0; i < 50; i++) {
		char name[32], v[16];

		snprintf(name, sizeof(name), "user.many%d", i);
		snprintf(v, sizeof(v), "v%d", i);
		CHECKF(setxattr("g", name, v, strlen(v), 0) == 0,
		       "setxattr %s: %s", name, t_errname(errno));
	}
	for (int i = 0; i < 50; i++) {
		char name[32], v[16], want[16];

		snprintf(name, sizeof(name), "user.many%d", i);
		snprintf(want, sizeof(want), "v%d", i);
		CHECKF(listed("g", name, -1) == 1, "%s not listed", name);
		n = getxattr("g", name, v, sizeof(v));
		CHECKF(n == (ssize_t)strlen(want) && !memcmp(v, want, n),
		       "%s read back wrong", name);
	}
}

static void errors(void)
{
	char buf[4], list[8], longname[300];
	ssize_t n;

	if (!probe())
		SKIP("user xattrs not supported here (EOPNOTSUPP)");
	CHECK(t_put("f", "", 0) == 0);
	CHECK_ERR(getxattr("f", "user.missing", buf, sizeof(buf)), ENODATA);
	CHECK_ERR(getxattr("f", "user.missing", NULL, 0), ENODATA);
	CHECK(setxattr("f", "user.longvalue", "0123456789", 10, 0) == 0);
	CHECK_ERR(getxattr("f", "user.longvalue", buf, sizeof(buf)), ERANGE);
	n = getxattr("f", "user.longvalue", NULL, 0);
	CHECKF(n == 10, "size query %zd", n);
	CHECK_ERR(listxattr("f", list, sizeof(list)), ERANGE);
	CHECK_ERR(getxattr("missing", "user.x", buf, sizeof(buf)), ENOENT);
	CHECK_ERR(setxattr("missing", "user.x", "1", 1, 0), ENOENT);
	CHECK_ERR(setxattr("f", "bogusns.x", "1", 1, 0), EOPNOTSUPP);
	CHECK_ERR(getxattr("f", "bogusns.x", buf, sizeof(buf)), EOPNOTSUPP);
	memset(longname, 'n', sizeof(longname));
	memcpy(longname, "user.", 5);
	longname[299] = 0;
	CHECK_ERR(setxattr("f", longname, "1", 1, 0), ERANGE);
	CHECK_ERR(setxattr("f", "", "1", 1, 0), ERANGE);
	/* user.* is not allowed on symlinks (EPERM) */
	CHECK(symlink("f", "l") == 0);
	errno = 0;
	CHECK_ERR(lsetxattr("l", "user.x", "1", 1, 0), EPERM);
	/* but through the link it goes to the target */
	CHECK(setxattr("l", "user.viaLink", "1", 1, 0) == 0);
	n = lgetxattr("f", "user.viaLink", buf, sizeof(buf));
	CHECKF(n == 1, "xattr set through a symlink not on the target");
	/* non-owner non-root can't set user.* on a 0644 file */
	fflush(stdout);
	{
		pid_t pid = fork();

		CHECK(pid >= 0);
		if (pid == 0) {
			if (t_become(1000, 1000))
				_exit(2);
			if (setxattr("f", "user.x", "1", 1, 0) == 0)
				_exit(3);
			_exit(errno == EACCES || errno == EPERM ? 0 : 4);
		}
		n = t_wait(pid);
		CHECKF(n == 0, "uid 1000 setxattr on root's 0644 file: step %zd", n);
	}
}

static void dir_and_rename(void)
{
	char buf[16];
	ssize_t n;

	if (!probe())
		SKIP("user xattrs not supported here (EOPNOTSUPP)");
	CHECK(mkdir("d", 0755) == 0);
	CHECK(setxattr("d", "user.dir", "D", 1, 0) == 0);
	CHECK(t_put("d/f", "", 0) == 0);
	CHECK(setxattr("d/f", "user.file", "F", 1, 0) == 0);
	CHECK(mkdir("e", 0755) == 0);
	CHECK(rename("d", "e/d2") == 0);
	CHECK(rename("e/d2/f", "e/f2") == 0);
	n = getxattr("e/d2", "user.dir", buf, sizeof(buf));
	CHECKF(n == 1 && buf[0] == 'D', "dir xattr lost across rename");
	n = getxattr("e/f2", "user.file", buf, sizeof(buf));
	CHECKF(n == 1 && buf[0] == 'F', "file xattr lost across rename");
	/* hard links share xattrs */
	CHECK(link("e/f2", "h") == 0);
	CHECK(setxattr("h", "user.link", "L", 1, 0) == 0);
	n = getxattr("e/f2", "user.link", buf, sizeof(buf));
	CHECKF(n == 1 && buf[0] == 'L', "xattr not shared between hard links");
	/* a new file with the old name has no xattrs */
	CHECK(unlink("e/f2") == 0);
	CHECK(t_put("e/f2", "", 0) == 0);
	CHECK_ERR(getxattr("e/f2", "user.file", buf, sizeof(buf)), ENODATA);
}

static void trusted_root(void)
{
	char buf[16];
	ssize_t n;

	CHECK(t_put("f", "", 0) == 0);
	errno = 0;
	if (setxattr("f", "trusted.t9", "root", 4, 0)) {
		if (errno == EOPNOTSUPP) {
			t_record("trusted.*: EOPNOTSUPP");
			SKIP("trusted.* not supported (EOPNOTSUPP)");
		}
		FAIL("setxattr trusted.t9 as root: %s", t_errname(errno));
	}
	n = getxattr("f", "trusted.t9", buf, sizeof(buf));
	CHECKF(n == 4 && !memcmp(buf, "root", 4), "trusted value gave %zd", n);
	CHECKF(listed("f", "trusted.t9", -1) == 1, "trusted.t9 not listed for root");
	/* invisible and inaccessible to an unprivileged user */
	fflush(stdout);
	{
		pid_t pid = fork();

		CHECK(pid >= 0);
		if (pid == 0) {
			if (t_become(1000, 1000))
				_exit(2);
			if (listed("f", "trusted.t9", -1) != 0)
				_exit(3);
			if (getxattr("f", "trusted.t9", buf, sizeof(buf)) >= 0)
				_exit(4);
			_exit(0);
		}
		n = t_wait(pid);
		CHECKF(n == 0, "unprivileged access to trusted.*: step %zd", n);
	}
	CHECK(removexattr("f", "trusted.t9") == 0);
	CHECK_ERR(getxattr("f", "trusted.t9", buf, sizeof(buf)), ENODATA);
	/* trusted.* on a symlink is allowed */
	CHECK(symlink("f", "l") == 0);
	CHECK(lsetxattr("l", "trusted.onlink", "x", 1, 0) == 0);
	n = lgetxattr("l", "trusted.onlink", buf, sizeof(buf));
	CHECKF(n == 1, "trusted xattr on symlink read back %zd", n);
	CHECK_ERR(getxattr("f", "trusted.onlink", buf, sizeof(buf)), ENODATA);
}

int main(void)
{
	t_init("t_xattr");
	t_run("user_basic", user_basic);
	t_run("empty_value", empty_value);
	t_run("create_replace", create_replace);
	t_run("big_values", big_values);
	t_run("errors", errors);
	t_run("dir_and_rename", dir_and_rename);
	t_run("trusted_root", trusted_root);
	return t_finish();
}
