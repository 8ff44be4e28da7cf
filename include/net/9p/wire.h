/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 9P wire codec: one typed struct per message, one encoder for every
 * T-message and one validating decoder for every R-message, in all three
 * dialects.  The same source builds in the kernel (9pnet.ko) and in user
 * space (tools/testing/9p/), where it is unit-tested and fuzzed.
 *
 * Ownership: the codec never allocates.  Decoded strings and payloads
 * point into the caller's receive buffer and live as long as it does.
 * Encoded strings are read from the caller's memory during the call only.
 */
#ifndef _NET_9P_WIRE_H
#define _NET_9P_WIRE_H

#include <net/9p/9p.h>

/**
 * struct p9_str - a counted string, as it is on the wire
 * @s: the bytes; not NUL-terminated when decoded
 * @len: length in bytes; an encoder refuses more than U16_MAX
 *
 * Decoded strings are checked to hold no NUL byte.
 */
struct p9_str {
	const char *s;
	size_t len;
};

/* 9P2000 stat, with the .u fields (zero/empty for plain 9P2000) */
struct p9_stat {
	u16 type;
	u32 dev;
	struct p9_qid qid;
	u32 mode;
	u32 atime;
	u32 mtime;
	u64 length;
	struct p9_str name;
	struct p9_str uid;
	struct p9_str gid;
	struct p9_str muid;
	/* 9P2000.u */
	struct p9_str extension;
	u32 n_uid;
	u32 n_gid;
	u32 n_muid;
};

/* 9P2000.L Rgetattr body */
struct p9_attr {
	u64 valid;
	struct p9_qid qid;
	u32 mode;
	u32 uid;
	u32 gid;
	u64 nlink;
	u64 rdev;
	u64 size;
	u64 blksize;
	u64 blocks;
	u64 atime_sec;
	u64 atime_nsec;
	u64 mtime_sec;
	u64 mtime_nsec;
	u64 ctime_sec;
	u64 ctime_nsec;
	u64 btime_sec;
	u64 btime_nsec;
	u64 gen;
	u64 data_version;
};

/* 9P2000.L Tsetattr body */
struct p9_iattr {
	u32 valid;
	u32 mode;
	u32 uid;
	u32 gid;
	u64 size;
	u64 atime_sec;
	u64 atime_nsec;
	u64 mtime_sec;
	u64 mtime_nsec;
};

/* 9P2000.L Rstatfs body */
struct p9_statfs {
	u32 type;
	u32 bsize;
	u64 blocks;
	u64 bfree;
	u64 bavail;
	u64 files;
	u64 ffree;
	u64 fsid;
	u32 namelen;
};

/* 9P2000.L Tlock body */
struct p9_flock {
	u8 type;
	u32 flags;
	u64 start;
	u64 length;
	u32 proc_id;
	struct p9_str client_id;
};

/* 9P2000.L Tgetlock and Rgetlock body */
struct p9_getlock {
	u8 type;
	u64 start;
	u64 length;
	u32 proc_id;
	struct p9_str client_id;
};

/* One 9P2000.L directory entry from an Rreaddir payload */
struct p9_dirent {
	struct p9_qid qid;
	u64 offset;
	u8 type;
	struct p9_str name;
};

/* ---- T-messages ---- */

struct p9_tversion { u32 msize; struct p9_str version; };
struct p9_tauth { u32 afid; struct p9_str uname, aname; u32 n_uname; };
struct p9_tattach {
	u32 fid, afid;
	struct p9_str uname, aname;
	u32 n_uname;		/* .u and .L only */
};

struct p9_tflush { u16 oldtag; };
struct p9_twalk {
	u32 fid, newfid;
	u16 nwname;		/* <= P9_MAXWELEM */
	struct p9_str wname[P9_MAXWELEM];
};

struct p9_topen { u32 fid; u8 mode; };
struct p9_tcreate {
	u32 fid;
	struct p9_str name;
	u32 perm;
	u8 mode;
	struct p9_str extension;	/* .u only */
};

/* Tread and Treaddir: one layout, so that the codec reads both alike */
struct p9_tread { u32 fid; u64 offset; u32 count; };
/*
 * @data NULL: the payload is not in the encoded buffer; the transport
 * sends @count bytes after it from pages (zero copy), and the size field
 * counts them.
 */
struct p9_twrite { u32 fid; u64 offset; u32 count; const void *data; };
struct p9_tfid { u32 fid; };	/* Tclunk Tremove Tstat Tstatfs Treadlink */
struct p9_twstat { u32 fid; struct p9_stat stat; };
struct p9_tlopen { u32 fid; u32 flags; };
struct p9_tlcreate { u32 fid; struct p9_str name; u32 flags, mode, gid; };
struct p9_tsymlink { u32 fid; struct p9_str name, target; u32 gid; };
struct p9_tmknod {
	u32 dfid;
	struct p9_str name;
	u32 mode, major, minor, gid;
};

struct p9_trename { u32 fid, dfid; struct p9_str name; };
struct p9_tgetattr { u32 fid; u64 mask; };
struct p9_tsetattr { u32 fid; struct p9_iattr attr; };
struct p9_txattrwalk { u32 fid, newfid; struct p9_str name; };
struct p9_txattrcreate { u32 fid; struct p9_str name; u64 size; u32 flags; };
struct p9_tfsync { u32 fid; u32 datasync; };
struct p9_tlock { u32 fid; struct p9_flock lock; };
struct p9_tgetlock { u32 fid; struct p9_getlock lock; };
struct p9_tlink { u32 dfid, fid; struct p9_str name; };
struct p9_tmkdir { u32 dfid; struct p9_str name; u32 mode, gid; };
struct p9_trenameat {
	u32 olddfid;
	struct p9_str oldname;
	u32 newdfid;
	struct p9_str newname;
};

struct p9_tunlinkat { u32 dfid; struct p9_str name; u32 flags; };

/**
 * struct p9_tmsg - any request, tagged by @type
 * @type: a P9_T* value; selects the union member
 * @tag: the request's tag (P9_NOTAG for Tversion)
 */
struct p9_tmsg {
	u8 type;
	u16 tag;
	union {
		struct p9_tversion version;
		struct p9_tauth auth;
		struct p9_tattach attach;
		struct p9_tflush flush;
		struct p9_twalk walk;
		struct p9_topen open;
		struct p9_tcreate create;
		struct p9_tread read;
		struct p9_twrite write;
		struct p9_tfid clunk;
		struct p9_tfid remove;
		struct p9_tfid stat;
		struct p9_twstat wstat;
		struct p9_tfid statfs;
		struct p9_tlopen lopen;
		struct p9_tlcreate lcreate;
		struct p9_tsymlink symlink;
		struct p9_tmknod mknod;
		struct p9_trename rename;
		struct p9_tfid readlink;
		struct p9_tgetattr getattr;
		struct p9_tsetattr setattr;
		struct p9_txattrwalk xattrwalk;
		struct p9_txattrcreate xattrcreate;
		struct p9_tread readdir;
		struct p9_tfsync fsync;
		struct p9_tlock lock;
		struct p9_tgetlock getlock;
		struct p9_tlink link;
		struct p9_tmkdir mkdir;
		struct p9_trenameat renameat;
		struct p9_tunlinkat unlinkat;
	};
};

/* ---- R-messages ---- */

struct p9_rversion { u32 msize; struct p9_str version; };
/* Rerror: @ename always; @errnum only in .u (0 otherwise) */
struct p9_rerror { struct p9_str ename; u32 errnum; };
struct p9_rlerror { u32 ecode; };
struct p9_rqid { struct p9_qid qid; };	/* Rauth Rattach Rsymlink Rmknod Rmkdir */
struct p9_rwalk { u16 nwqid; struct p9_qid wqid[P9_MAXWELEM]; };
struct p9_ropen { struct p9_qid qid; u32 iounit; };	/* Ropen Rcreate Rlopen Rlcreate */
/* Rread and Rreaddir: @data NULL when the payload arrived out of line */
struct p9_rdata { u32 count; const u8 *data; };
struct p9_rwrite { u32 count; };
struct p9_rreadlink { struct p9_str target; };
struct p9_rxattrwalk { u64 size; };
struct p9_rlock { u8 status; };

/**
 * struct p9_rmsg - any reply, tagged by @type
 * @type: the expected reply type, or P9_RERROR / P9_RLERROR
 * @tag: the reply's tag
 * @err: for an error reply, the negative errno it maps to; else 0
 */
struct p9_rmsg {
	u8 type;
	u16 tag;
	int err;
	union {
		struct p9_rversion version;
		struct p9_rerror error;
		struct p9_rlerror lerror;
		struct p9_rqid qid;
		struct p9_rwalk walk;
		struct p9_ropen open;
		struct p9_rdata data;
		struct p9_rwrite write;
		struct p9_stat stat;		/* Rstat */
		struct p9_statfs statfs;	/* Rstatfs */
		struct p9_rreadlink readlink;
		struct p9_attr attr;		/* Rgetattr */
		struct p9_rxattrwalk xattrwalk;
		struct p9_rlock lock;
		struct p9_getlock getlock;	/* Rgetlock */
	};
};

/*
 * Encoding.  Each returns 0 or a negative errno:
 *   -EMSGSIZE     the message does not fit in @cap bytes
 *   -ENAMETOOLONG a string is longer than U16_MAX
 *   -EINVAL       a field is out of range (nwname > 16, unknown type)
 *   -EOPNOTSUPP   the message does not exist in @d
 */
int p9_encode(const struct p9_tmsg *t, enum p9_dialect d, u8 *buf,
	      size_t cap, size_t *lenp);
/* The exact encoded length (in-buffer part only for zero-copy Twrite). */
ssize_t p9_encoded_size(const struct p9_tmsg *t, enum p9_dialect d);
/*
 * An upper bound on the reply to @t (including an error reply) when the
 * negotiated msize is @msize; used to size receive buffers to need.
 */
size_t p9_reply_max(const struct p9_tmsg *t, enum p9_dialect d, u32 msize);

/*
 * Decoding.  @buf holds the @len bytes received contiguously, starting at
 * the size field; @ext is the number of payload bytes received out of
 * line (zero copy, Rread/Rreaddir only, else 0).  The reply must be
 * well-formed, its size field equal to @len + @ext, its type @req's reply
 * type or an error, and every count and string inside @len.
 * Returns 0 (r->err holds the server's error, if any) or -EIO.
 */
int p9_decode(const struct p9_tmsg *req, enum p9_dialect d,
	      const u8 *buf, size_t len, size_t ext, struct p9_rmsg *r);
/*
 * The length of the reply in @buf (room @cap, header zeroed before it was
 * received) when a transport reports @len bytes: @len, but P9_HDRSZ for
 * QEMU's empty Rwstat, which its virtio device reports as 0 bytes.
 */
size_t p9_reply_len(const struct p9_tmsg *req, const u8 *buf, size_t cap,
		    size_t len);

/*
 * Walk a payload: decode one entry at @buf (at most @len bytes).  Return
 * the bytes consumed (> 0) or -EIO.
 */
int p9_decode_dirent(const u8 *buf, size_t len, struct p9_dirent *de);
int p9_decode_stat(const u8 *buf, size_t len, enum p9_dialect d,
		   struct p9_stat *st);

/*
 * The message table (P9_MESSAGES in <net/9p/9p.h>), as asked of a type:
 * its name ("Twalk", "Rlerror"; NULL for a number no message has),
 * whether it is a T-message of dialect @d, and the fid a request acts on
 * (the first one it names; P9_NOFID for Tversion and Tflush).
 */
const char *p9_msg_name(u8 type);
bool p9_msg_in(u8 type, enum p9_dialect d);
u32 p9_tmsg_fid(const struct p9_tmsg *t);

/* Peek at a received header: 0, or -EIO if @len < P9_HDRSZ. */
int p9_peek_header(const u8 *buf, size_t len, u32 *size, u8 *type, u16 *tag);

/* Error numbers: all return a negative errno in [-MAX_ERRNO, -1]. */
int p9_errno_from_wire(u32 ecode);		/* Rlerror, .u Rerror */
int p9_errno_from_string(struct p9_str ename);	/* plain 9P2000 Rerror */

/* True if @s is usable as one path element: non-empty, no '/', not . or .. */
bool p9_str_is_name(struct p9_str s);

#endif /* _NET_9P_WIRE_H */
