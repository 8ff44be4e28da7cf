// SPDX-License-Identifier: GPL-2.0-only
/* Error mapping, name checks, header peeking. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static void test_errno_from_wire(void)
{
	static const struct { u32 wire; int err; } cases[] = {
		{ 1, -EPERM }, { 2, -ENOENT }, { 5, -EIO }, { 11, -EAGAIN },
		{ 13, -EACCES }, { 17, -EEXIST }, { 20, -ENOTDIR },
		{ 21, -EISDIR }, { 22, -EINVAL }, { 28, -ENOSPC },
		{ 36, -ENAMETOOLONG }, { 38, -EOPNOTSUPP }, { 39, -ENOTEMPTY },
		{ 40, -ELOOP }, { 61, -ENODATA }, { 95, -EOPNOTSUPP },
		{ 116, -ESTALE }, { 122, -EDQUOT }, { 133, -EHWPOISON },
		/* not errnos, or never to be trusted from a server */
		{ 0, -EIO }, { 41, -EIO }, { 58, -EIO }, { 134, -EIO },
		{ 512, -EIO }, { 516, -EIO }, { 517, -EIO }, { 4095, -EIO },
		{ 4096, -EIO }, { 0x80000000U, -EIO }, { U32_MAX, -EIO },
	};
	size_t i;
	u32 v;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int got = p9_errno_from_wire(cases[i].wire);

		if (got != cases[i].err) {
			tap_diag("wire %u -> %d, want %d", cases[i].wire, got,
				 cases[i].err);
			ok = false;
		}
	}
	tap_ok(ok, "p9_errno_from_wire maps the table and rejects the rest");

	/* On this host the wire numbers are the native ones. */
	ok = true;
	for (v = 1; v < 134; v++) {
		int got = p9_errno_from_wire(v);

		if (v == 41 || v == 58 || v == 38) {
			continue;
		} else if (got != -(int)v) {
			tap_diag("wire %u -> %d", v, got);
			ok = false;
		}
	}
	for (v = 134; v < 70000; v++)
		if (p9_errno_from_wire(v) != -EIO)
			ok = false;
	tap_ok(ok, "p9_errno_from_wire: 1..133 native, above -> -EIO");
}

static int from_str(const char *s)
{
	return p9_errno_from_string(p9t_str(s));
}

static void test_errno_from_string(void)
{
	static const struct { const char *s; int err; } cases[] = {
		/* Plan 9 conventional messages */
		{ "file not found", -ENOENT },
		{ "file does not exist", -ENOENT },
		{ "file exists", -EEXIST },
		{ "file already exists", -EEXIST },
		{ "permission denied", -EACCES },
		{ "directory not empty", -ENOTEMPTY },
		{ "not a directory", -ENOTDIR },
		{ "is a directory", -EISDIR },
		{ "file is a directory", -EISDIR },
		{ "file name too long", -ENAMETOOLONG },
		{ "no such file or directory", -ENOENT },
		{ "fid unknown or out of range", -EBADF },
		{ "unknown fid", -EBADF },
		{ "file in use", -EBUSY },
		{ "i/o error", -EIO },
		{ "protocol botch", -EPROTO },
		{ "illegal mode", -EINVAL },
		{ "walk in non-directory", -ENOTDIR },
		{ "write prohibited", -EACCES },
		/* strerror() as QEMU and diod send it */
		{ "No such file or directory", -ENOENT },
		{ "Permission denied", -EACCES },
		{ "File exists", -EEXIST },
		{ "Directory not empty", -ENOTEMPTY },
		{ "Not a directory", -ENOTDIR },
		{ "Is a directory", -EISDIR },
		{ "File name too long", -ENAMETOOLONG },
		{ "Operation not permitted", -EPERM },
		{ "Invalid argument", -EINVAL },
		{ "No space left on device", -ENOSPC },
		{ "Read-only file system", -EROFS },
		{ "Operation not supported", -EOPNOTSUPP },
		{ "Function not implemented", -EOPNOTSUPP },
		{ "No data available", -ENODATA },
		{ "Too many levels of symbolic links", -ELOOP },
		{ "Stale file handle", -ESTALE },
		{ "Disk quota exceeded", -EDQUOT },
		{ "Bad file descriptor", -EBADF },
		{ "Invalid cross-device link", -EXDEV },
		{ "Numerical result out of range", -ERANGE },
		{ "Too many open files", -EMFILE },
		{ "Too many open files in system", -ENFILE },
		/* case, white space, prefixes */
		{ "FILE NOT FOUND", -ENOENT },
		{ "  permission denied\n", -EACCES },
		{ "walk: file does not exist", -ENOENT },
		{ "'foo': No such file or directory", -ENOENT },
		{ "open: /a/b: Permission denied", -EACCES },
		/* unknown */
		{ "", -EIO },
		{ "gremlins", -EIO },
		{ "file not found, really", -EIO },
		{ "file not foun", -EIO },
		{ "file not found!", -EIO },
		{ ":", -EIO },
		{ "   ", -EIO },
	};
	struct p9_str nul = { NULL, 0 };
	struct p9_str cut = { "permission denied", 10 };
	size_t i;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int got = from_str(cases[i].s);

		if (got != cases[i].err) {
			tap_diag("\"%s\" -> %d, want %d", cases[i].s, got,
				 cases[i].err);
			ok = false;
		}
	}
	tap_ok(ok, "p9_errno_from_string maps Plan 9 and strerror texts");
	tap_ok(p9_errno_from_string(nul) == -EIO &&
	       p9_errno_from_string(cut) == -EIO,
	       "p9_errno_from_string: NULL and a prefix of a known text -> -EIO");
}

static void test_str_is_name(void)
{
	static char big[U16_MAX + 1];
	struct p9_str s;

	memset(big, 'n', sizeof(big));
	tap_ok(p9_str_is_name(p9t_str("a")) && p9_str_is_name(p9t_str("...")) &&
	       p9_str_is_name(p9t_str(".hidden")) &&
	       p9_str_is_name(p9t_str("a..")) &&
	       p9_str_is_name(p9t_str("with space")),
	       "p9_str_is_name accepts ordinary names");
	s.s = "x/y";
	s.len = 3;
	tap_ok(!p9_str_is_name(p9t_str("")) && !p9_str_is_name(p9t_str(".")) &&
	       !p9_str_is_name(p9t_str("..")) && !p9_str_is_name(s) &&
	       !p9_str_is_name(p9t_str("/")) &&
	       !p9_str_is_name(p9t_str("a/")),
	       "p9_str_is_name rejects empty, ., .., and '/'");
	s.s = "a\0b";
	tap_ok(!p9_str_is_name(s), "p9_str_is_name rejects a NUL byte");
	s.s = "..x";
	s.len = 2;
	tap_ok(!p9_str_is_name(s), "p9_str_is_name looks only at len bytes");
	s.s = NULL;
	s.len = 3;
	tap_ok(!p9_str_is_name(s), "p9_str_is_name rejects NULL");
	s.s = big;
	s.len = U16_MAX;
	tap_ok(p9_str_is_name(s), "p9_str_is_name: 65535 bytes is a name");
	s.len = U16_MAX + 1;
	tap_ok(!p9_str_is_name(s), "p9_str_is_name: 65536 bytes is not");
}

static void test_peek(void)
{
	static const u8 hdr[] = { 0x0b, 0, 0, 0, P9_RLERROR, 0x34, 0x12 };
	u32 size = 0;
	u8 type = 0;
	u16 tag = 0;
	size_t len;
	bool ok = true;

	tap_ok(!p9_peek_header(hdr, sizeof(hdr), &size, &type, &tag) &&
	       size == 11 && type == P9_RLERROR && tag == 0x1234,
	       "p9_peek_header reads size, type and tag");
	tap_ok(!p9_peek_header(hdr, sizeof(hdr), NULL, NULL, NULL),
	       "p9_peek_header with no outputs");
	for (len = 0; len < P9_HDRSZ; len++) {
		u8 *copy = malloc(len ? len : 1);

		memcpy(copy, hdr, len);
		if (p9_peek_header(copy, len, &size, &type, &tag) != -EIO)
			ok = false;
		free(copy);
	}
	tap_ok(ok, "p9_peek_header rejects 0..6 bytes");
}

void p9t_misc_tests(void)
{
	test_errno_from_wire();
	test_errno_from_string();
	test_str_is_name();
	test_peek();
}
