/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * 9P protocol constants shared by the codec, the client core, the
 * transports and the file system.  Everything here is a protocol fact
 * (message numbers, bit values) from the 9P2000, 9P2000.u and 9P2000.L
 * documents; nothing depends on kernel internals, so the file also
 * builds in user space (see tools/testing/9p/).
 */
#ifndef _NET_9P_9P_H
#define _NET_9P_9P_H

#include <linux/types.h>

/**
 * enum p9_dialect - the protocol dialect negotiated by Tversion
 * @P9_LEGACY: plain 9P2000
 * @P9_DOTU: 9P2000.u (Unix extensions: numeric ids, errno, extension)
 * @P9_DOTL: 9P2000.L (Linux operations, the default)
 */
enum p9_dialect {
	P9_LEGACY = 0,
	P9_DOTU = 1,
	P9_DOTL = 2,
};

/* Bit masks of dialects, for the table of which message exists where. */
#define P9_IN_LEGACY	(1U << P9_LEGACY)
#define P9_IN_DOTU	(1U << P9_DOTU)
#define P9_IN_DOTL	(1U << P9_DOTL)
#define P9_IN_OLD	(P9_IN_LEGACY | P9_IN_DOTU)	/* 9P2000 and .u */
#define P9_IN_ALL	(P9_IN_OLD | P9_IN_DOTL)

/* Which payload of a message may travel outside its buffer (zero copy). */
#define P9_ZC_NONE	0
#define P9_ZC_IN	1	/* the reply's count bytes: Rread, Rreaddir */
#define P9_ZC_OUT	2	/* the request's count bytes: Twrite */

/* The largest reply proper of each shape, header included (P9_RSZ_*). */
#define P9_QIDSZ		13
#define P9_RSZ_HDR		P9_HDRSZ
#define P9_RSZ_MSIZE		U32_MAX	/* bounded by msize alone */
#define P9_RSZ_QID		(P9_HDRSZ + P9_QIDSZ)
#define P9_RSZ_OPEN		(P9_HDRSZ + P9_QIDSZ + 4)
#define P9_RSZ_WALK		(P9_HDRSZ + 2)	/* and a qid per name */
/* size[4] type[1] tag[2] count[4]: Rread and Rreaddir before the data */
#define P9_RSZ_DATA		(P9_HDRSZ + 4)
#define P9_RSZ_WRITE		(P9_HDRSZ + 4)
#define P9_RSZ_STAT		(P9_HDRSZ + 2 + 2 + U16_MAX)
#define P9_RSZ_STATFS		(P9_HDRSZ + 4 + 4 + 6 * 8 + 4)
#define P9_RSZ_READLINK		(P9_HDRSZ + 2 + U16_MAX)
#define P9_RSZ_GETATTR		(P9_HDRSZ + 8 + P9_QIDSZ + 3 * 4 + 15 * 8)
#define P9_RSZ_XATTRWALK	(P9_HDRSZ + 8)
#define P9_RSZ_LOCK		(P9_HDRSZ + 1)
#define P9_RSZ_GETLOCK		(P9_HDRSZ + 1 + 8 + 8 + 4 + 2 + U16_MAX)

/* Message types.  A T-message's reply is always type + 1. */
enum p9_msg_type {
	P9_TLERROR = 6,
	P9_RLERROR,
	P9_TSTATFS = 8,
	P9_RSTATFS,
	P9_TLOPEN = 12,
	P9_RLOPEN,
	P9_TLCREATE = 14,
	P9_RLCREATE,
	P9_TSYMLINK = 16,
	P9_RSYMLINK,
	P9_TMKNOD = 18,
	P9_RMKNOD,
	P9_TRENAME = 20,
	P9_RRENAME,
	P9_TREADLINK = 22,
	P9_RREADLINK,
	P9_TGETATTR = 24,
	P9_RGETATTR,
	P9_TSETATTR = 26,
	P9_RSETATTR,
	P9_TXATTRWALK = 30,
	P9_RXATTRWALK,
	P9_TXATTRCREATE = 32,
	P9_RXATTRCREATE,
	P9_TREADDIR = 40,
	P9_RREADDIR,
	P9_TFSYNC = 50,
	P9_RFSYNC,
	P9_TLOCK = 52,
	P9_RLOCK,
	P9_TGETLOCK = 54,
	P9_RGETLOCK,
	P9_TLINK = 70,
	P9_RLINK,
	P9_TMKDIR = 72,
	P9_RMKDIR,
	P9_TRENAMEAT = 74,
	P9_RRENAMEAT,
	P9_TUNLINKAT = 76,
	P9_RUNLINKAT,
	P9_TVERSION = 100,
	P9_RVERSION,
	P9_TAUTH = 102,
	P9_RAUTH,
	P9_TATTACH = 104,
	P9_RATTACH,
	P9_TERROR = 106,	/* never sent */
	P9_RERROR,
	P9_TFLUSH = 108,
	P9_RFLUSH,
	P9_TWALK = 110,
	P9_RWALK,
	P9_TOPEN = 112,
	P9_ROPEN,
	P9_TCREATE = 114,
	P9_RCREATE,
	P9_TREAD = 116,
	P9_RREAD,
	P9_TWRITE = 118,
	P9_RWRITE,
	P9_TCLUNK = 120,
	P9_RCLUNK,
	P9_TREMOVE = 122,
	P9_RREMOVE,
	P9_TSTAT = 124,
	P9_RSTAT,
	P9_TWSTAT = 126,
	P9_RWSTAT,
};

/* Passes the rows of P9_MESSAGES on as one list. */
#define P9_ROWS(...)	__VA_ARGS__

/*
 * P9_MESSAGES(X) - the one description of every request and its reply,
 * beside their numbers in enum p9_msg_type.  A row is
 * X(NAME, name, in, tbody, rbody, rmax, qids, zc, fid):
 *
 * @NAME:   P9_T<NAME> is the request's type, P9_R<NAME> the reply's;
 * @name:   "T" #name and "R" #name name them (traces, statistics), and
 *          name is the request's member of struct p9_tmsg's union;
 * @in:     the dialects that have it: P9_IN_<in>;
 * @tbody:  the codec's encoder of the request's body (p9_t_<tbody>);
 * @rbody:  the codec's decoder of the reply's body (p9_r_<rbody>);
 * @rmax:   the largest reply proper, header included, is P9_RSZ_<rmax>
 *          (error replies are bounded apart) ...
 * @qids:   ... plus, if 1, a qid per name of the request (Rwalk) ...
 * @zc:     ... plus, for P9_ZC_IN, the request's count: those bytes of
 *          the reply may go to pages; P9_ZC_OUT: the request's count
 *          bytes may come from pages (zero copy, P9_ZC_<zc>);
 * @fid:    1 if the request's body begins with the fid it acts on.
 */
#define P9_MESSAGES(X) P9_ROWS(						\
	X(VERSION,      version,      ALL,   version,      version,    MSIZE,      0,  NONE,  0) \
	X(AUTH,         auth,         ALL,   auth,         qid,        QID,        0,  NONE,  1) \
	X(ATTACH,       attach,       ALL,   attach,       qid,        QID,        0,  NONE,  1) \
	X(FLUSH,        flush,        ALL,   flush,        none,       HDR,        0,  NONE,  0) \
	X(WALK,         walk,         ALL,   walk,         walk,       WALK,       1,  NONE,  1) \
	X(OPEN,         open,         OLD,   open,         open,       OPEN,       0,  NONE,  1) \
	X(CREATE,       create,       OLD,   create,       open,       OPEN,       0,  NONE,  1) \
	X(READ,         read,         ALL,   io,           data,       DATA,       0,  IN,    1) \
	X(WRITE,        write,        ALL,   write,        write,      WRITE,      0,  OUT,   1) \
	X(CLUNK,        clunk,        ALL,   fid,          none,       HDR,        0,  NONE,  1) \
	X(REMOVE,       remove,       ALL,   fid,          none,       HDR,        0,  NONE,  1) \
	X(STAT,         stat,         OLD,   fid,          stat,       STAT,       0,  NONE,  1) \
	X(WSTAT,        wstat,        OLD,   wstat,        none,       HDR,        0,  NONE,  1) \
	X(STATFS,       statfs,       DOTL,  fid,          statfs,     STATFS,     0,  NONE,  1) \
	X(LOPEN,        lopen,        DOTL,  lopen,        open,       OPEN,       0,  NONE,  1) \
	X(LCREATE,      lcreate,      DOTL,  lcreate,      open,       OPEN,       0,  NONE,  1) \
	X(SYMLINK,      symlink,      DOTL,  symlink,      qid,        QID,        0,  NONE,  1) \
	X(MKNOD,        mknod,        DOTL,  mknod,        qid,        QID,        0,  NONE,  1) \
	X(RENAME,       rename,       DOTL,  rename,       none,       HDR,        0,  NONE,  1) \
	X(READLINK,     readlink,     DOTL,  fid,          readlink,   READLINK,   0,  NONE,  1) \
	X(GETATTR,      getattr,      DOTL,  getattr,      getattr,    GETATTR,    0,  NONE,  1) \
	X(SETATTR,      setattr,      DOTL,  setattr,      none,       HDR,        0,  NONE,  1) \
	X(XATTRWALK,    xattrwalk,    DOTL,  xattrwalk,    xattrwalk,  XATTRWALK,  0,  NONE,  1) \
	X(XATTRCREATE,  xattrcreate,  DOTL,  xattrcreate,  none,       HDR,        0,  NONE,  1) \
	X(READDIR,      readdir,      DOTL,  io,           data,       DATA,       0,  IN,    1) \
	X(FSYNC,        fsync,        DOTL,  fsync,        none,       HDR,        0,  NONE,  1) \
	X(LOCK,         lock,         DOTL,  lock,         lock,       LOCK,       0,  NONE,  1) \
	X(GETLOCK,      getlock,      DOTL,  getlock,      getlock,    GETLOCK,    0,  NONE,  1) \
	X(LINK,         link,         DOTL,  link,         none,       HDR,        0,  NONE,  1) \
	X(MKDIR,        mkdir,        DOTL,  mkdir,        qid,        QID,        0,  NONE,  1) \
	X(RENAMEAT,     renameat,     DOTL,  renameat,     none,       HDR,        0,  NONE,  1) \
	X(UNLINKAT,     unlinkat,     DOTL,  unlinkat,     none,       HDR,        0,  NONE,  1))

#define P9_NOTAG	((u16)~0)
#define P9_NOFID	((u32)~0)
#define P9_NONUNAME	((u32)~0)	/* n_uname: no numeric user */
#define P9_MAXWELEM	16		/* names in one Twalk */

/* size[4] type[1] tag[2] */
#define P9_HDRSZ	7
/* Room taken by the Twrite/Rread header around a payload. */
#define P9_IOHDRSZ	24
#define P9_READDIRHDRSZ	24
/* Smallest msize worth speaking: one header plus a useful payload. */
#define P9_MIN_MSIZE	4096

/* qid.type bits */
#define P9_QTDIR	0x80
#define P9_QTAPPEND	0x40
#define P9_QTEXCL	0x20
#define P9_QTMOUNT	0x10
#define P9_QTAUTH	0x08
#define P9_QTTMP	0x04
#define P9_QTSYMLINK	0x02
#define P9_QTLINK	0x01
#define P9_QTFILE	0x00

/* 9P2000(.u) stat.mode / Tcreate perm high bits */
#define P9_DMDIR	0x80000000U
#define P9_DMAPPEND	0x40000000U
#define P9_DMEXCL	0x20000000U
#define P9_DMMOUNT	0x10000000U
#define P9_DMAUTH	0x08000000U
#define P9_DMTMP	0x04000000U
#define P9_DMSYMLINK	0x02000000U	/* .u */
#define P9_DMLINK	0x01000000U	/* .u */
#define P9_DMDEVICE	0x00800000U	/* .u */
#define P9_DMNAMEDPIPE	0x00200000U	/* .u */
#define P9_DMSOCKET	0x00100000U	/* .u */
#define P9_DMSETUID	0x00080000U	/* .u */
#define P9_DMSETGID	0x00040000U	/* .u */
#define P9_DMSETVTX	0x00010000U	/* .u */

/* 9P2000(.u) Topen/Tcreate mode */
#define P9_OREAD	0x00
#define P9_OWRITE	0x01
#define P9_ORDWR	0x02
#define P9_OEXEC	0x03
#define P9_OTRUNC	0x10
#define P9_OREXEC	0x20
#define P9_ORCLOSE	0x40
#define P9_OAPPEND	0x80
#define P9_OEXCL	0x1000	/* .u */

/* 9P2000.L Tlopen/Tlcreate flags: Linux's O_ values on x86, as wire facts */
#define P9_DOTL_RDONLY		00000000
#define P9_DOTL_WRONLY		00000001
#define P9_DOTL_RDWR		00000002
#define P9_DOTL_NOACCESS	00000003
#define P9_DOTL_CREATE		00000100
#define P9_DOTL_EXCL		00000200
#define P9_DOTL_NOCTTY		00000400
#define P9_DOTL_TRUNC		00001000
#define P9_DOTL_APPEND		00002000
#define P9_DOTL_NONBLOCK	00004000
#define P9_DOTL_DSYNC		00010000
#define P9_DOTL_FASYNC		00020000
#define P9_DOTL_DIRECT		00040000
#define P9_DOTL_LARGEFILE	00100000
#define P9_DOTL_DIRECTORY	00200000
#define P9_DOTL_NOFOLLOW	00400000
#define P9_DOTL_NOATIME		01000000
#define P9_DOTL_CLOEXEC		02000000
#define P9_DOTL_SYNC		04000000

/* Tgetattr request_mask / Rgetattr valid */
#define P9_GETATTR_MODE		0x00000001ULL
#define P9_GETATTR_NLINK	0x00000002ULL
#define P9_GETATTR_UID		0x00000004ULL
#define P9_GETATTR_GID		0x00000008ULL
#define P9_GETATTR_RDEV		0x00000010ULL
#define P9_GETATTR_ATIME	0x00000020ULL
#define P9_GETATTR_MTIME	0x00000040ULL
#define P9_GETATTR_CTIME	0x00000080ULL
#define P9_GETATTR_INO		0x00000100ULL
#define P9_GETATTR_SIZE		0x00000200ULL
#define P9_GETATTR_BLOCKS	0x00000400ULL
#define P9_GETATTR_BTIME	0x00000800ULL
#define P9_GETATTR_GEN		0x00001000ULL
#define P9_GETATTR_DATA_VERSION	0x00002000ULL
#define P9_GETATTR_BASIC	0x000007ffULL
#define P9_GETATTR_ALL		0x00003fffULL

/* Tsetattr valid */
#define P9_ATTR_MODE		0x00000001U
#define P9_ATTR_UID		0x00000002U
#define P9_ATTR_GID		0x00000004U
#define P9_ATTR_SIZE		0x00000008U
#define P9_ATTR_ATIME		0x00000010U
#define P9_ATTR_MTIME		0x00000020U
#define P9_ATTR_CTIME		0x00000040U
#define P9_ATTR_ATIME_SET	0x00000080U
#define P9_ATTR_MTIME_SET	0x00000100U

/* Tlock / Tgetlock */
#define P9_LOCK_TYPE_RDLCK	0
#define P9_LOCK_TYPE_WRLCK	1
#define P9_LOCK_TYPE_UNLCK	2
#define P9_LOCK_SUCCESS		0
#define P9_LOCK_BLOCKED		1
#define P9_LOCK_ERROR		2
#define P9_LOCK_GRACE		3
#define P9_LOCK_FLAGS_BLOCK	1
#define P9_LOCK_FLAGS_RECLAIM	2

/* Tunlinkat flags */
#define P9_AT_REMOVEDIR		0x200

/* Txattrcreate flags */
#define P9_XATTR_CREATE		1
#define P9_XATTR_REPLACE	2

/**
 * struct p9_qid - a server's unique identity for a file
 * @type: P9_QT* bits
 * @version: changes whenever the file changes (server's choice)
 * @path: unique among files on the server that exist at one time
 */
struct p9_qid {
	u8 type;
	u32 version;
	u64 path;
};

#endif /* _NET_9P_9P_H */
