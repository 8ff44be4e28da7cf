/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 9P client core (9pnet.ko) as the file system sees it.
 *
 * A mount opens a session (struct p9_session) on a channel (struct
 * p9_client: one connection, its tags and fid numbers, the negotiated
 * dialect and msize).  Mounts of one virtio tag share its channel, as do
 * tcp, unix and rdma mounts of one server that ask for it (shareconn):
 * each session attaches on its own and has its own fids and statistics.
 * The file system asks for operations in
 * its own terms (open with Linux O_ flags, getattr into struct p9_attr,
 * setattr from struct p9_iattr, directory entries as struct p9_dirent);
 * the client turns them into the messages of the negotiated dialect.  The
 * dialect differences of each operation live in net/9p (ops.c, and the
 * codec's table of which message exists in which dialect); what a dialect
 * cannot express returns -EOPNOTSUPP.  Where the file system must act
 * differently, it asks a capability (p9_client_has()), never the dialect.
 *
 * Lifetimes:
 * - A struct p9_fid is reference counted.  p9_fid_put() of the last
 *   reference clunks it (Tclunk is sent even when the caller was
 *   interrupted; the fid number is not reused before Rclunk arrives or
 *   the connection dies).
 * - Every function that sends a request may sleep; waits are killable.
 *   A fatal signal returns -EINTR (or -ERESTARTSYS) at once; the request
 *   is flushed in the background.
 */
#ifndef _NET_9P_CLIENT_H
#define _NET_9P_CLIENT_H

#include <linux/types.h>
#include <linux/refcount.h>
#include <linux/uidgid.h>
#include <linux/uio.h>
#include <net/9p/compat.h>
#include <net/9p/9p.h>
#include <net/9p/wire.h>

struct p9_client;
struct p9_session;
struct p9_origin;

/* v9fs-ng's release, in every module's modinfo (and so its srcversion) */
#define P9_NG_VERSION	"0.1.0"

/**
 * struct p9_fid - a server file handle
 * @clnt: the channel it belongs to (its number is the channel's)
 * @sess: the session (mount) it was attached or walked for
 * @fid: the number on the wire
 * @ref: references; the last p9_fid_put() clunks
 * @open_flags: Linux O_ flags it was opened with, or -1 if not open
 * @qid: the file's qid as of walk/open/create
 * @iounit: the server's preferred I/O size from open (0: none)
 * @uid: the user it was attached or walked for (access=user)
 * @fs_private: free for the file system (e.g. readdir state); the file
 *	system frees it before its last put
 * @fs_link: free for the file system (e.g. the per-inode fid list)
 * @fence: I/O requests on this fid whose waiter left and whose flush has
 *	not completed; new I/O on the fid waits for it to drop to zero
 *
 * Kept only on a channel that reconnects (reconnect=), to rebuild the fid
 * on a new connection (net/9p/recover.c); the client sets them:
 * @origin: the attach it descends from (NULL: it cannot be rebuilt)
 * @path: the names walked from that attach's root, '/'-separated ("" for
 *	the root itself); NULL until the server created the fid
 * @ready: the server created the fid (attach, walk, xattrwalk answered)
 * @stale: the fid could not be rebuilt after a reconnect (its file is
 *	gone or is another one, or it held a lock): requests on it fail with
 *	-ESTALE
 * @locked: a lock was granted on it (locks do not survive a reconnect)
 * @rec_link: on the list of fids a recovery rebuilds
 */
struct p9_fid {
	struct p9_client *clnt;
	struct p9_session *sess;
	u32 fid;
	refcount_t ref;
	int open_flags;
	struct p9_qid qid;
	u32 iounit;
	kuid_t uid;
	void *fs_private;
	struct hlist_node fs_link;
	atomic_t fence;
	struct p9_origin *origin;
	char *path;
	bool ready;
	bool stale;
	bool locked;
	struct list_head rec_link;
};

/**
 * struct p9_client_opts - what the file system parsed from mount options
 * @trans: transport name ("virtio", "tcp", "unix", "fd", "rdma")
 * @msize: requested maximum message size, 0 for the default
 * @dialect: requested dialect; the client falls back to what the server
 *	offers
 * @req_timeout: seconds a caller waits for a reply before its request
 *	fails with -ETIMEDOUT and is flushed; 0 waits as long as it takes
 *	(mount option reqtimeout=; transport independent)
 * @reconnect: seconds to keep trying to connect again after the
 *	connection was lost (tcp, unix); 0: the mount fails (reconnect=)
 * @share: join an open channel to the same server and transport options
 *	(shareconn) rather than connect again; virtio always shares
 *	(a tag carries one channel)
 * @fd: options of the fd/tcp/unix transports
 * @rdma: options of the rdma transport
 */
/* The largest reqtimeout= (seconds): a day. */
#define P9_MAX_REQ_TIMEOUT	86400

struct p9_client_opts {
	const char *trans;
	unsigned int msize;
	enum p9_dialect dialect;
	unsigned int req_timeout;
	unsigned int reconnect;
	bool share;
	struct {
		int rfd;
		int wfd;
		u16 port;
		bool privport;
	} fd;
	struct {
		u16 port;
		int sq;
		int rq;
		long timeout;
		bool privport;
	} rdma;
};

/*
 * A mount's session: p9_session_open() joins a channel that may be shared
 * (same transport, device or address, and transport options) or connects
 * and negotiates a new one; p9_session_close() at umount leaves it, and
 * the last session closes the channel.
 */
struct p9_session *p9_session_open(const char *dev_name,
				   const struct p9_client_opts *opts);
void p9_session_close(struct p9_session *sess);
/* umount -f: the session's requests fail with -EIO (the whole channel's
 * when no other mount shares it).
 */
void p9_session_disconnect(struct p9_session *sess);
struct p9_client *p9_session_client(const struct p9_session *sess);
unsigned int p9_session_msize(const struct p9_session *sess);
/* Sessions open on the session's channel (1: not shared). */
unsigned int p9_session_users(const struct p9_session *sess);
/* Fail every pending and later request with -EIO (dead link). */
void p9_client_disconnect(struct p9_client *clnt);

unsigned int p9_client_msize(const struct p9_client *clnt);
/* The dialect, to show and compare with the version= option; to act on,
 * ask p9_client_has().
 */
enum p9_dialect p9_client_dialect(const struct p9_client *clnt);

/*
 * Capabilities: what the negotiated dialect lets the file system rely
 * on.  Derived from the dialect in one place (p9_dialect_caps[] in
 * client.c); ask with p9_client_has().
 */
/* The server reports link counts (else the file system keeps them). */
#define P9_CAP_NLINK		BIT(0)
/* A create names the new file's group (else it is set after). */
#define P9_CAP_CREATE_GID	BIT(1)
/* Rename by directory fid, across directories (exchange, whiteouts and
 * O_TMPFILE are built from it).
 */
#define P9_CAP_DIR_RENAME	BIT(2)
/* Directory entries carry the offset to resume reading at (else a
 * directory is a byte stream read from the start again).
 */
#define P9_CAP_DIR_OFFSETS	BIT(3)
/* Extended attributes, and so POSIX ACLs. */
#define P9_CAP_XATTR		BIT(4)
/* The client may check permissions itself for every user (access=client):
 * the server reports numeric owners, takes the group of new files and
 * lets owners be changed by number.
 */
#define P9_CAP_CLIENT_ACCESS	BIT(5)
bool p9_client_has(const struct p9_client *clnt, unsigned int caps);
const char *p9_client_trans_name(const struct p9_client *clnt);
struct seq_file;
void p9_client_show_options(struct seq_file *m, struct p9_client *clnt);
/* The largest read/write payload one request carries on @fid. */
u32 p9_client_iosize(const struct p9_fid *fid);

/* Fids */
struct p9_fid *p9_fid_get(struct p9_fid *fid);
void p9_fid_put(struct p9_fid *fid);

/*
 * Session.  @n_uname is the numeric user for .u/.L (INVALID_UID: none).
 * Returns the root fid or an ERR_PTR.
 */
struct p9_fid *p9_client_attach(struct p9_session *sess, struct p9_fid *afid,
				const char *uname, kuid_t n_uname,
				const char *aname);
struct p9_fid *p9_client_auth(struct p9_session *sess, const char *uname,
			      kuid_t n_uname, const char *aname);

/*
 * Walk @nwname names from @fid to a new fid (nwname 0 clones).  Paths
 * longer than P9_MAXWELEM are walked in steps.  A walk that stops short
 * returns -ENOENT; on success the new fid's qid is the last one walked.
 */
struct p9_fid *p9_client_walk(struct p9_fid *fid, unsigned int nwname,
			      const struct p9_str *names);

/* Open @fid with Linux O_ flags (Tlopen, or Topen with mapped mode). */
int p9_client_open(struct p9_fid *fid, int flags);

/*
 * Create and open @name in the directory @fid; @fid becomes the open new
 * file (the protocol's rule), so pass a clone.  (Named fcreate: the
 * name p9_client_create belongs to the client constructor above.)  @mode holds the S_IF type
 * bits and permissions.
 */
int p9_client_fcreate(struct p9_fid *fid, struct p9_str name, int flags,
		      umode_t mode, kgid_t gid, struct p9_qid *qid);
int p9_client_mkdir(struct p9_fid *dfid, struct p9_str name, umode_t mode,
		    kgid_t gid, struct p9_qid *qid);
int p9_client_symlink(struct p9_fid *dfid, struct p9_str name,
		      struct p9_str target, kgid_t gid, struct p9_qid *qid);
int p9_client_mknod(struct p9_fid *dfid, struct p9_str name, umode_t mode,
		    dev_t rdev, kgid_t gid, struct p9_qid *qid);
int p9_client_link(struct p9_fid *dfid, struct p9_fid *fid,
		   struct p9_str name);
/* Returns a kmalloc'ed NUL-terminated target; the caller kfree()s it. */
int p9_client_readlink(struct p9_fid *fid, char **target);

/* Remove @name from @dfid; @flags is 0 or P9_AT_REMOVEDIR. */
int p9_client_unlinkat(struct p9_fid *dfid, struct p9_str name, u32 flags);
/* Remove the file @fid names; @fid is clunked whatever the result. */
int p9_client_remove(struct p9_fid *fid);
/*
 * Rename.  @fid is the file (needed by Trename and 9P2000's wstat),
 * @olddir/@oldname and @newdir/@newname name it (Trenameat).
 */
int p9_client_rename(struct p9_fid *fid, struct p9_fid *olddir,
		     struct p9_str oldname, struct p9_fid *newdir,
		     struct p9_str newname);

/*
 * Attributes in one form for every dialect: 9P2000(.u) stat is converted
 * (uid/gid read (u32)-1 when the server gave no number; a.valid says
 * which fields are real).
 */
int p9_client_getattr(struct p9_fid *fid, u64 mask, struct p9_attr *attr);
int p9_client_setattr(struct p9_fid *fid, const struct p9_iattr *iattr);
int p9_client_statfs(struct p9_fid *fid, struct p9_statfs *st);
int p9_client_fsync(struct p9_fid *fid, bool datasync);

/*
 * Directories.  p9_client_readdir() fills @buf with up to @count bytes
 * of raw entries starting at the server's cookie @offset and returns the
 * byte count (0 at the end); p9_client_next_dirent() takes one entry
 * from such a buffer in the dialect's format (9P2000.L dirent, or a
 * 9P2000(.u) stat converted: its offset is then the running byte offset)
 * and returns the bytes consumed or -EIO.
 */
int p9_client_readdir(struct p9_fid *fid, u64 offset, void *buf, u32 count);
int p9_client_next_dirent(struct p9_client *clnt, const u8 *buf, size_t len,
			  u64 base, struct p9_dirent *de);

/*
 * Data.  Both split the request into p9_client_iosize() pieces, may keep
 * several in flight, and use zero copy for large payloads.  A short count
 * is returned as such; an error only when nothing was transferred.
 */
ssize_t p9_client_read(struct p9_fid *fid, u64 offset, struct iov_iter *to);
ssize_t p9_client_write(struct p9_fid *fid, u64 offset,
			struct iov_iter *from);

/* Extended attributes (9P2000.L).  @name NULL/empty lists. */
ssize_t p9_client_getxattr(struct p9_fid *fid, const char *name,
			   void *buf, size_t size);
int p9_client_setxattr(struct p9_fid *fid, const char *name,
		       const void *value, size_t size, int flags);

/* POSIX locks (9P2000.L) */
int p9_client_lock(struct p9_fid *fid, const struct p9_flock *fl,
		   u8 *status);
int p9_client_getlock(struct p9_fid *fid, struct p9_getlock *gl);

/* Counters for tests and statistics: live fids and requests in flight. */
unsigned int p9_client_fids_live(const struct p9_client *clnt);
unsigned int p9_client_requests_live(const struct p9_client *clnt);

struct seq_file;
/* Statistics (e.g. for /proc/self/mountstats): the channel, the
 * session's totals, then its counts per type.
 */
void p9_session_show_stats(struct seq_file *m, struct p9_session *sess);

#endif /* _NET_9P_CLIENT_H */
