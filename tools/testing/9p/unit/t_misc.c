// SPDX-License-Identifier: GPL-2.0-only
/* Error mapping, name checks, header peeking, the message table. */
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

/*
 * The codec's message table, asked through its accessors: which dialect
 * has which request agrees with the protocol documents (p9t_exists());
 * names pair Tfoo with Rfoo; the fid a request acts on is the first field
 * of its encoded body, and Tversion and Tflush name none.
 */
static void test_msg_table(void)
{
	static u8 buf[P9T_BUFSZ];
	bool in_ok = true, names_ok = true, fid_ok = true;
	struct p9_tmsg t;
	unsigned int type, i, d;
	const char *tn, *rn;
	size_t len;
	u32 want;

	for (type = 0; type < 256; type++)
		for (d = 0; d < P9T_NDIALECTS; d++)
			if (p9_msg_in(type, d) !=
			    (p9t_is_ttype(type) && p9t_exists(type, d))) {
				tap_diag("type %u in %s", type, p9t_dname(d));
				in_ok = false;
			}
	tap_ok(in_ok && !p9_msg_in(P9_TWALK, (enum p9_dialect)3),
	       "the table's dialects are the protocol's");

	for (i = 0; i < p9t_nttypes; i++) {
		type = p9t_ttypes[i];
		tn = p9_msg_name(type);
		rn = p9_msg_name(type + 1);
		if (!tn || !rn || tn[0] != 'T' || rn[0] != 'R' ||
		    strcmp(tn + 1, rn + 1))
			names_ok = false;
	}
	tap_ok(names_ok && !strcmp(p9_msg_name(P9_TWALK), "Twalk") &&
	       !strcmp(p9_msg_name(P9_RLERROR), "Rlerror") &&
	       !strcmp(p9_msg_name(P9_RERROR), "Rerror") &&
	       !p9_msg_name(0) && !p9_msg_name(255),
	       "message names: Tfoo and Rfoo, the errors, none for 0 and 255");

	for (i = 0; i < p9t_nttypes; i++) {
		type = p9t_ttypes[i];
		p9t_sample_t(type, &t);
		d = p9t_exists(type, P9_DOTL) ? P9_DOTL : P9_DOTU;
		if (p9_encode(&t, d, buf, sizeof(buf), &len) || len < 9) {
			fid_ok = false;
			continue;
		}
		want = type == P9_TVERSION || type == P9_TFLUSH ? P9_NOFID :
		       (u32)buf[7] | buf[8] << 8 | buf[9] << 16 |
		       (u32)buf[10] << 24;	/* len >= 11 with a fid */
		if (p9_tmsg_fid(&t) != want) {
			tap_diag("%s: fid %u, want %u", p9t_name(type),
				 p9_tmsg_fid(&t), want);
			fid_ok = false;
		}
	}
	t.type = P9_RWALK;
	tap_ok(fid_ok && p9_tmsg_fid(&t) == P9_NOFID,
	       "p9_tmsg_fid is the first field of the body, or P9_NOFID");
}

void p9t_misc_tests(void)
{
	test_errno_from_wire();
	test_errno_from_string();
	test_msg_table();
	test_str_is_name();
	test_peek();
}
