// SPDX-License-Identifier: GPL-2.0-only
/*
 * Error numbers from 9P servers.
 *
 * 9P2000.L's Rlerror and 9P2000.u's Rerror carry an errno as numbered by
 * Linux's generic errno list (asm-generic/errno-base.h and errno.h); that
 * numbering is the wire format, whatever the architecture we run on, so
 * it is translated through a table to this architecture's values.  A
 * number outside that list (0, the kernel-internal 512.. range, anything
 * up to and beyond MAX_ERRNO) is never passed on: it becomes -EIO.
 * ENOSYS, which means "no such system call" to user space, becomes
 * EOPNOTSUPP.
 *
 * Plain 9P2000's Rerror carries only text.  Plan 9 servers use a small
 * set of conventional messages; Unix servers that speak plain 9P2000
 * (QEMU, diod, u9fs) mostly send strerror() text.  Both kinds are
 * matched here, ignoring case, surrounding white space, and a leading
 * "context: " prefix; anything else becomes -EIO.
 */

#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/err.h>
#include <linux/export.h>
#include <net/9p/wire.h>

/* Linux generic errno number on the wire -> this architecture's errno. */
static const u16 p9_wire_errno[] = {
	[1] = EPERM,
	[2] = ENOENT,
	[3] = ESRCH,
	[4] = EINTR,
	[5] = EIO,
	[6] = ENXIO,
	[7] = E2BIG,
	[8] = ENOEXEC,
	[9] = EBADF,
	[10] = ECHILD,
	[11] = EAGAIN,
	[12] = ENOMEM,
	[13] = EACCES,
	[14] = EFAULT,
	[15] = ENOTBLK,
	[16] = EBUSY,
	[17] = EEXIST,
	[18] = EXDEV,
	[19] = ENODEV,
	[20] = ENOTDIR,
	[21] = EISDIR,
	[22] = EINVAL,
	[23] = ENFILE,
	[24] = EMFILE,
	[25] = ENOTTY,
	[26] = ETXTBSY,
	[27] = EFBIG,
	[28] = ENOSPC,
	[29] = ESPIPE,
	[30] = EROFS,
	[31] = EMLINK,
	[32] = EPIPE,
	[33] = EDOM,
	[34] = ERANGE,
	[35] = EDEADLK,
	[36] = ENAMETOOLONG,
	[37] = ENOLCK,
	[38] = EOPNOTSUPP,	/* ENOSYS: not for a file system to return */
	[39] = ENOTEMPTY,
	[40] = ELOOP,
	/* 41 is unused (EWOULDBLOCK is EAGAIN) */
	[42] = ENOMSG,
	[43] = EIDRM,
	[44] = ECHRNG,
	[45] = EL2NSYNC,
	[46] = EL3HLT,
	[47] = EL3RST,
	[48] = ELNRNG,
	[49] = EUNATCH,
	[50] = ENOCSI,
	[51] = EL2HLT,
	[52] = EBADE,
	[53] = EBADR,
	[54] = EXFULL,
	[55] = ENOANO,
	[56] = EBADRQC,
	[57] = EBADSLT,
	/* 58 is unused (EDEADLOCK is EDEADLK) */
	[59] = EBFONT,
	[60] = ENOSTR,
	[61] = ENODATA,
	[62] = ETIME,
	[63] = ENOSR,
	[64] = ENONET,
	[65] = ENOPKG,
	[66] = EREMOTE,
	[67] = ENOLINK,
	[68] = EADV,
	[69] = ESRMNT,
	[70] = ECOMM,
	[71] = EPROTO,
	[72] = EMULTIHOP,
	[73] = EDOTDOT,
	[74] = EBADMSG,
	[75] = EOVERFLOW,
	[76] = ENOTUNIQ,
	[77] = EBADFD,
	[78] = EREMCHG,
	[79] = ELIBACC,
	[80] = ELIBBAD,
	[81] = ELIBSCN,
	[82] = ELIBMAX,
	[83] = ELIBEXEC,
	[84] = EILSEQ,
	[85] = ERESTART,
	[86] = ESTRPIPE,
	[87] = EUSERS,
	[88] = ENOTSOCK,
	[89] = EDESTADDRREQ,
	[90] = EMSGSIZE,
	[91] = EPROTOTYPE,
	[92] = ENOPROTOOPT,
	[93] = EPROTONOSUPPORT,
	[94] = ESOCKTNOSUPPORT,
	[95] = EOPNOTSUPP,
	[96] = EPFNOSUPPORT,
	[97] = EAFNOSUPPORT,
	[98] = EADDRINUSE,
	[99] = EADDRNOTAVAIL,
	[100] = ENETDOWN,
	[101] = ENETUNREACH,
	[102] = ENETRESET,
	[103] = ECONNABORTED,
	[104] = ECONNRESET,
	[105] = ENOBUFS,
	[106] = EISCONN,
	[107] = ENOTCONN,
	[108] = ESHUTDOWN,
	[109] = ETOOMANYREFS,
	[110] = ETIMEDOUT,
	[111] = ECONNREFUSED,
	[112] = EHOSTDOWN,
	[113] = EHOSTUNREACH,
	[114] = EALREADY,
	[115] = EINPROGRESS,
	[116] = ESTALE,
	[117] = EUCLEAN,
	[118] = ENOTNAM,
	[119] = ENAVAIL,
	[120] = EISNAM,
	[121] = EREMOTEIO,
	[122] = EDQUOT,
	[123] = ENOMEDIUM,
	[124] = EMEDIUMTYPE,
	[125] = ECANCELED,
	[126] = ENOKEY,
	[127] = EKEYEXPIRED,
	[128] = EKEYREVOKED,
	[129] = EKEYREJECTED,
	[130] = EOWNERDEAD,
	[131] = ENOTRECOVERABLE,
	[132] = ERFKILL,
	[133] = EHWPOISON,
};

/**
 * p9_errno_from_wire() - map an errno received from a server
 * @ecode: Rlerror's ecode, or 9P2000.u Rerror's errno
 *
 * Return: the negative errno @ecode stands for; -EIO if @ecode is 0,
 * above MAX_ERRNO, or not a number Linux gives to an errno.
 */
int p9_errno_from_wire(u32 ecode)
{
	BUILD_BUG_ON(ARRAY_SIZE(p9_wire_errno) > MAX_ERRNO);

	if (ecode >= ARRAY_SIZE(p9_wire_errno) || !p9_wire_errno[ecode])
		return -EIO;
	return -(int)p9_wire_errno[ecode];
}
EXPORT_SYMBOL_GPL(p9_errno_from_wire);

struct p9_errstr {
	const char *text;
	u16 err;
};

/* Lower-case; matched ignoring case. */
static const struct p9_errstr p9_errstrs[] = {
	/* Plan 9 and 9P conventional messages */
	{ "permission denied", EACCES },
	{ "file does not exist", ENOENT },
	{ "file not found", ENOENT },
	{ "no such file or directory", ENOENT },
	{ "directory entry not found", ENOENT },
	{ "file already exists", EEXIST },
	{ "file exists", EEXIST },
	{ "not a directory", ENOTDIR },
	{ "walk in non-directory", ENOTDIR },
	{ "is a directory", EISDIR },
	{ "file is a directory", EISDIR },
	{ "directory not empty", ENOTEMPTY },
	{ "file name too long", ENAMETOOLONG },
	{ "name too long", ENAMETOOLONG },
	{ "illegal name", EINVAL },
	{ "bad character in file name", EINVAL },
	{ "create prohibited", EACCES },
	{ "remove prohibited", EACCES },
	{ "write prohibited", EACCES },
	{ "read prohibited", EACCES },
	{ "wstat prohibited", EPERM },
	{ "fid unknown or out of range", EBADF },
	{ "unknown fid", EBADF },
	{ "bad fid", EBADF },
	{ "fid already in use", EBADF },
	{ "fid in use", EBADF },
	{ "bad use of fid", EBADF },
	{ "fid not open", EBADF },
	{ "file in use", EBUSY },
	{ "file is in use", EBUSY },
	{ "exclusive use file already open", EBUSY },
	{ "i/o error", EIO },
	{ "file system read only", EROFS },
	{ "read only file system", EROFS },
	{ "file system full", ENOSPC },
	{ "disk full", ENOSPC },
	{ "out of memory", ENOMEM },
	{ "file too big", EFBIG },
	{ "illegal mode", EINVAL },
	{ "bad mode", EINVAL },
	{ "bad offset", EINVAL },
	{ "bad offset in directory read", EINVAL },
	{ "not supported", EOPNOTSUPP },
	{ "not implemented", EOPNOTSUPP },
	{ "interrupted", EINTR },
	{ "protocol botch", EPROTO },
	{ "authentication failed", EACCES },
	{ "authentication required", EACCES },
	/* strerror() text, as Unix servers send it */
	{ "operation not permitted", EPERM },
	{ "no such process", ESRCH },
	{ "interrupted system call", EINTR },
	{ "input/output error", EIO },
	{ "no such device or address", ENXIO },
	{ "argument list too long", E2BIG },
	{ "exec format error", ENOEXEC },
	{ "bad file descriptor", EBADF },
	{ "resource temporarily unavailable", EAGAIN },
	{ "cannot allocate memory", ENOMEM },
	{ "bad address", EFAULT },
	{ "device or resource busy", EBUSY },
	{ "invalid cross-device link", EXDEV },
	{ "no such device", ENODEV },
	{ "invalid argument", EINVAL },
	{ "too many open files in system", ENFILE },
	{ "too many open files", EMFILE },
	{ "inappropriate ioctl for device", ENOTTY },
	{ "text file busy", ETXTBSY },
	{ "file too large", EFBIG },
	{ "no space left on device", ENOSPC },
	{ "illegal seek", ESPIPE },
	{ "read-only file system", EROFS },
	{ "too many links", EMLINK },
	{ "broken pipe", EPIPE },
	{ "numerical result out of range", ERANGE },
	{ "resource deadlock avoided", EDEADLK },
	{ "no locks available", ENOLCK },
	{ "function not implemented", EOPNOTSUPP },
	{ "too many levels of symbolic links", ELOOP },
	{ "no data available", ENODATA },
	{ "protocol error", EPROTO },
	{ "bad message", EBADMSG },
	{ "value too large for defined data type", EOVERFLOW },
	{ "invalid or incomplete multibyte or wide character", EILSEQ },
	{ "message too long", EMSGSIZE },
	{ "operation not supported", EOPNOTSUPP },
	{ "no buffer space available", ENOBUFS },
	{ "connection reset by peer", ECONNRESET },
	{ "connection timed out", ETIMEDOUT },
	{ "connection refused", ECONNREFUSED },
	{ "stale file handle", ESTALE },
	{ "stale nfs file handle", ESTALE },
	{ "disk quota exceeded", EDQUOT },
	{ "operation canceled", ECANCELED },
};

static bool p9_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Look up @len bytes at @s, white space at both ends ignored; 0 if none. */
static int p9_errstr_lookup(const char *s, size_t len)
{
	size_t i;

	while (len && p9_is_space(*s)) {
		s++;
		len--;
	}
	while (len && p9_is_space(s[len - 1]))
		len--;
	if (!len)
		return 0;
	for (i = 0; i < ARRAY_SIZE(p9_errstrs); i++) {
		const char *t = p9_errstrs[i].text;

		if (strlen(t) == len && !strncasecmp(s, t, len))
			return p9_errstrs[i].err;
	}
	return 0;
}

/**
 * p9_errno_from_string() - map a 9P2000 Rerror message to an errno
 * @ename: the text, as received (not NUL-terminated)
 *
 * The text is matched, ignoring case and surrounding white space, against
 * the conventional Plan 9 messages and strerror() texts.  If the whole
 * text does not match, whatever follows its last ':' is tried, since
 * servers like to prefix a message with the operation or the file name.
 *
 * Return: the negative errno, or -EIO for a text not recognised.
 */
int p9_errno_from_string(struct p9_str ename)
{
	size_t i;
	int err;

	if (!ename.s || !ename.len)
		return -EIO;
	err = p9_errstr_lookup(ename.s, ename.len);
	if (err)
		return -err;
	for (i = ename.len; i > 0; i--) {
		if (ename.s[i - 1] == ':') {
			err = p9_errstr_lookup(ename.s + i, ename.len - i);
			if (err)
				return -err;
			break;
		}
	}
	return -EIO;
}
EXPORT_SYMBOL_GPL(p9_errno_from_string);
