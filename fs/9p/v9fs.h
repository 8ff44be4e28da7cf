/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * v9fs-ng: the 9p file system, private declarations.
 *
 * Objects and how they relate:
 *
 *  struct v9fs_sb	one per mount (sb->s_fs_info).  Owns the struct
 *			p9_client; destroyed by kill_sb after every inode
 *			(and so every fid) is gone.
 *  struct v9fs_inode	one per server file, found by qid.path (see
 *			inode.c).  Holds two fid lists, both protected by
 *			v9fs_inode.lock:
 *			 - @fids: unopened fids walked to the file, at most
 *			   one per user in the per-user access modes; used
 *			   for getattr/setattr/xattrs and as the start of
 *			   walks and opens;
 *			 - @open_fids: fids of open struct files (one per
 *			   open), so attribute requests on an open but
 *			   unlinked file still reach the file.
 *			 A fid is on at most one list, through p9_fid.fs_link.
 *			 @wb_fid is a writable open fid kept for writing
 *			 back pages of shared mappings; it is dropped when
 *			 the inode is evicted.
 *  file->private_data	the struct p9_fid of the open file (a reference).
 *
 * 9P fids name files, not paths: a rename does not invalidate any fid.
 * Paths are only walked when a user has no fid yet for a file; those
 * multi-name walks hold v9fs_sb.rename_sem for reading so a concurrent
 * rename cannot make them walk a mixture of old and new names: a rename
 * holds it for writing from its request to the server until the dentries
 * have moved (FS_RENAME_DOES_D_MOVE), so a walk goes by the names the
 * server has, all old or all new.
 */
#ifndef _FS_9P_V9FS_H
#define _FS_9P_V9FS_H

#include <linux/fs.h>
#include <linux/netfs.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/utsname.h>
#include <net/9p/client.h>
#include "compat.h"

#define V9FS_MAGIC	0x01021997

/* access= modes */
enum v9fs_access {
	V9FS_ACCESS_ANY,	/* one attach, shared by every user */
	V9FS_ACCESS_USER,	/* one attach per user, server checks */
	V9FS_ACCESS_CLIENT,	/* one attach per user, local checks too */
	V9FS_ACCESS_SINGLE,	/* access=<uid>: only that user */
};

/* cache= modes, as spelled on the command line; see v9fs_cache_flags() */
enum v9fs_cache {
	V9FS_CACHE_NONE,
	V9FS_CACHE_LOOSE,
	V9FS_CACHE_FSCACHE,
	V9FS_CACHE_MMAP,
	V9FS_CACHE_READAHEAD,
	V9FS_CACHE_WRITEBACK,
	V9FS_CACHE_NUMERIC,	/* given as a number: see cache_bits */
};

/*
 * What a cache mode does (v9fs_sb.cf bits), fixed at mount time:
 *  READ	read(2) goes through the page cache, with readahead (netfs)
 *  WRITE	write(2) dirties the page cache; writeback sends large Twrites
 *  META	attributes and dentries are trusted for actimeo seconds
 *  CTO		close-to-open: open revalidates cached data against the
 *		server's size and mtime, close writes back (nocto clears it)
 * None of them set (cache=none): read and write go to the server, the page
 * cache serves mappings only.
 */
#define V9FS_CF_READ	BIT(0)
#define V9FS_CF_WRITE	BIT(1)
#define V9FS_CF_META	BIT(2)
#define V9FS_CF_CTO	BIT(3)

/* Which options were given explicitly (v9fs_opts.given bits). */
#define V9FS_GIVEN_TRANS	BIT(0)
#define V9FS_GIVEN_VERSION	BIT(1)
#define V9FS_GIVEN_ANAME	BIT(2)
#define V9FS_GIVEN_ACCESS	BIT(3)
#define V9FS_GIVEN_DFLTUID	BIT(4)
#define V9FS_GIVEN_DFLTGID	BIT(5)
#define V9FS_GIVEN_CACHE	BIT(6)
#define V9FS_GIVEN_DEBUG	BIT(7)
#define V9FS_GIVEN_LOCKTMO	BIT(8)
#define V9FS_GIVEN_AFID		BIT(9)
#define V9FS_GIVEN_ACTIMEO	BIT(10)
#define V9FS_GIVEN_NOCTO	BIT(11)

/**
 * struct v9fs_opts - mount options as parsed
 * @copts: what goes to p9_client_create(); @copts.trans points at @trans
 * @trans: transport name
 * @uname: user name for attach
 * @aname: tree name for attach
 * @cachetag: fscache tag (accepted, kept, shown)
 * @access: enum v9fs_access
 * @single_uid: the user of access=<uid>
 * @cache: enum v9fs_cache
 * @cache_bits: the number of a numeric cache= value
 * @debug: debug= mask (kept and shown)
 * @afid: afid= value (kept and shown)
 * @dfltuid: owner shown when the server gives none
 * @dfltgid: group shown when the server gives none
 * @locktimeout: cap of the blocking-lock poll interval, in jiffies
 * @nodevmap: show device, fifo and socket files as regular files
 * @posixacl: POSIX ACLs
 * @nocto: no close-to-open revalidation (the old loose behaviour)
 * @actimeo: how long cached attributes and dentries are trusted, in
 *	jiffies, in the modes that cache metadata
 * @given: V9FS_GIVEN_* bits
 */
struct v9fs_opts {
	struct p9_client_opts copts;
	char *trans;
	char *uname;
	char *aname;
	char *cachetag;
	enum v9fs_access access;
	kuid_t single_uid;
	enum v9fs_cache cache;
	unsigned int cache_bits;
	unsigned int debug;
	unsigned int afid;
	kuid_t dfltuid;
	kgid_t dfltgid;
	unsigned long locktimeout;
	bool nodevmap;
	bool posixacl;
	bool nocto;
	unsigned long actimeo;
	unsigned int given;
};

/**
 * struct v9fs_sb - one mount
 * @sess: the mount's 9P session (its attach, fids and statistics)
 * @clnt: the channel it sends on (p9_session_client(@sess)), for its
 *	capabilities; it may carry other mounts' sessions too
 * @o: options in force; @o.cache, @o.debug and @o.locktimeout may change
 *	on reconfigure (plain word stores, read without locks)
 * @rename_sem: held for writing by rename, for reading by path walks of
 *	more than one name
 * @nodename: the host name at mount time, the client id of our locks
 * @cf: V9FS_CF_* bits of the cache mode, fixed at mount time
 * @wsize: the most bytes writeback sends in one go (several Twrites)
 * @volume: the fscache volume of a cache=fscache mount (fs/9p/cache.c),
 *	or NULL; set in fill_super, relinquished in kill_sb
 * @wseq: counts our changes to file data or size that reached the server
 *	(v9fs_data_changed()); an attribute read notes it before asking
 *	(v9fs_attr_seq()) so that a reply overtaken by one of our own
 *	changes does not move the size or mtime back
 * @no_security_xattr: the server refused a security.* attribute read
 *	(EOPNOTSUPP: QEMU in every model); later reads, such as the file
 *	capability check of each write, are refused without asking
 * @pf_live: prefetches of this mount not yet freed (fs/9p/prefetch.c)
 * @pf_lookups: names looked up ahead of their stat, for mountstats
 */
struct v9fs_sb {
	struct p9_session *sess;
	struct p9_client *clnt;
	struct fscache_volume *volume;
	struct v9fs_opts o;
	unsigned int cf;
	size_t wsize;
	struct rw_semaphore rename_sem;
	atomic64_t wseq;
	bool no_security_xattr;
	atomic_t pf_live;
	atomic64_t pf_lookups;
	char nodename[__NEW_UTS_LEN + 1];
};

/* What the client asks of the server's attributes of a file. */
#define V9FS_ATTR_MASK	(P9_GETATTR_BASIC | P9_GETATTR_GEN | P9_GETATTR_BTIME)

struct v9fs_tmpname;

/* v9fs_inode.flags bits */
#define V9FS_INO_STALE	0	/* the server's file behind it is gone */
#define V9FS_INO_GONE	1	/* we removed its last name; open files go on */
#define V9FS_INO_FRESH	2	/* attributes read from the server at @stamp */
#define V9FS_INO_LOOKUP	3	/* ... by a lookup, not yet used by an open */
#define V9FS_INO_HANDLE	4	/* a file handle names it: keep it cached */
#define V9FS_INO_TMPFILE 5	/* an O_TMPFILE with its hidden name: tmp */

/**
 * struct v9fs_inode - the 9p part of an inode
 * @qid: the server's identity of the file (path and type never change)
 * @gen: the server's generation number, if @gen_valid
 * @gen_valid: the server reported a generation
 * @btime: creation time, if @btime_valid (statx STATX_BTIME)
 * @btime_valid: the server reported a creation time
 * @flags: V9FS_INO_* bits (atomic bitops)
 * @stamp: jiffies when the attributes were last read (V9FS_INO_FRESH)
 * @wgen: count of buffered writes (write_end) into the page cache
 * @wgen_sent: @wgen as of the last writeback that left nothing dirty; while
 *	the two differ the file's size and mtime are ours, not the server's
 * @data_mtime: the server's mtime the cached pages correspond to
 * @data_size: the server's size the cached pages correspond to
 * @wseq: v9fs_sb.wseq as of our last change of this file's data or size
 *	on the server
 *	(@data_mtime, @data_size and @wseq under the inode's i_lock; so is
 *	every change of i_size, v9fs_i_size_write())
 * @wb_end: write-back sends nothing at or past this offset: a truncation's
 *	new size from its flush until the page cache is truncated too, else
 *	LLONG_MAX (under i_lock; set with the invalidate lock held, see
 *	v9fs_setattr())
 * @lock: protects @fids, @open_fids, @wb_fid and @tmp
 * @fids: unopened fids, see v9fs.h's header comment
 * @open_fids: fids of open files
 * @wb_fid: writable fid for page writeback, or NULL
 * @tmp: the hidden name of an O_TMPFILE still open (overlay.c), or NULL;
 *	set before the file is visible, taken under @lock once @open_fids
 *	is empty
 * @netfs: the netfs context (read helpers), in it the VFS inode and the
 *	fscache cookie of cache=fscache (fs/9p/cache.c)
 */
struct v9fs_inode {
	struct p9_qid qid;
	u64 gen;
	bool gen_valid;
	bool btime_valid;
	struct timespec64 btime;
	unsigned long flags;
	unsigned long stamp;
	atomic_long_t wgen;
	atomic_long_t wgen_sent;
	struct timespec64 data_mtime;
	loff_t data_size;
	u64 wseq;
	loff_t wb_end;
	spinlock_t lock;	/* protects fids, open_fids, wb_fid, tmp, pf */
	struct hlist_head fids;
	struct hlist_head open_fids;
	struct p9_fid *wb_fid;
	struct v9fs_tmpname *tmp;
	struct v9fs_prefetch *pf;
	struct netfs_inode netfs;
};

static inline struct v9fs_inode *V9I(struct inode *inode)
{
	return container_of(inode, struct v9fs_inode, netfs.inode);
}

static inline struct v9fs_sb *V9SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

/* One attach per user (access=user, client): fids are per user. */
static inline bool v9fs_per_user(const struct v9fs_sb *v9s)
{
	return v9s->o.access == V9FS_ACCESS_USER ||
	       v9s->o.access == V9FS_ACCESS_CLIENT;
}

static inline bool v9fs_cached(struct inode *inode, unsigned int cf)
{
	return V9SB(inode->i_sb)->cf & cf;
}

/*
 * Every i_size change of ours goes through here, under i_lock: i_size_write()
 * needs its writers serialised (on 32-bit SMP i_size is two words under a
 * seqcount, and two writers at once leave i_size_read() spinning), and the
 * writers hold different locks otherwise: a server's reply applied with
 * i_lock only, buffered and direct writes and truncation under i_rwsem.
 */
static inline void v9fs_i_size_write(struct inode *inode, loff_t size)
{
	lockdep_assert_held(&inode->i_lock);
	i_size_write(inode, size);
}

/*
 * Does read(2) or write(2) of @inode go through the page cache in cache
 * mode @cf (V9FS_CF_READ, V9FS_CF_WRITE)?  Regular files only: what
 * nodevmap opens through the server (FIFOs, devices, sockets) is read and
 * written there directly, as its data is no file's contents to cache, and
 * nothing (close, write-back through wb_fid) sends its pages.
 */
static inline bool v9fs_page_cached(struct inode *inode, unsigned int cf)
{
	return S_ISREG(inode->i_mode) && v9fs_cached(inode, cf);
}

static inline bool v9fs_is_stale(struct inode *inode)
{
	return test_bit(V9FS_INO_STALE, &V9I(inode)->flags);
}

/* super.c */
extern const struct xattr_handler *v9fs_xattr_handlers[];

/* inode.c */
extern struct kmem_cache *v9fs_inode_cachep;
extern const struct inode_operations v9fs_dir_iops;
extern const struct inode_operations v9fs_file_iops;
extern const struct inode_operations v9fs_symlink_iops;
struct inode *v9fs_iget(struct super_block *sb, const struct p9_attr *attr,
			u64 seq);
int v9fs_apply_attr(struct inode *inode, const struct p9_attr *attr, u64 seq);
void v9fs_data_changed(struct inode *inode);

/* Note before an attribute read: see v9fs_sb.wseq. */
static inline u64 v9fs_attr_seq(struct super_block *sb)
{
	return atomic64_read(&V9SB(sb)->wseq);
}

void v9fs_data_written(struct inode *inode, struct p9_fid *fid);
int v9fs_refresh(struct inode *inode, struct dentry *dentry);
void v9fs_mark_fresh(struct inode *inode);
void v9fs_mark_looked_up(struct inode *inode);
bool v9fs_open_needs_refresh(struct inode *inode);

static inline void v9fs_clear_fresh(struct inode *inode)
{
	clear_bit(V9FS_INO_FRESH, &V9I(inode)->flags);
}

int v9fs_getattr(struct v9fs_idmap *mnt_userns, const struct path *path,
		 struct kstat *stat, u32 request_mask, unsigned int flags);
int v9fs_setattr(struct v9fs_idmap *mnt_userns, struct dentry *dentry,
		 struct iattr *iattr);
int v9fs_permission(struct v9fs_idmap *mnt_userns, struct inode *inode,
		    int mask);
void v9fs_evict_inode(struct inode *inode);

/* fid.c */
kuid_t v9fs_fid_user(struct v9fs_sb *v9s);
int v9fs_idmap_check(struct super_block *sb, struct v9fs_idmap *idmap);
void v9fs_fid_add(struct inode *inode, struct p9_fid *fid);
struct p9_fid *v9fs_fid_find(struct inode *inode, kuid_t uid);
struct p9_fid *v9fs_dentry_fid(struct dentry *dentry);
struct p9_fid *v9fs_inode_fid(struct inode *inode);
struct p9_fid *v9fs_gone_fid(struct inode *inode, struct dentry *dentry,
			     struct p9_fid *fid);
struct p9_fid *v9fs_attr_fid(struct inode *inode, struct dentry *dentry);
struct p9_fid *v9fs_open_fid_find(struct inode *inode);
struct p9_fid *v9fs_attach(struct v9fs_sb *v9s, kuid_t uid);
void v9fs_open_fid_add(struct inode *inode, struct p9_fid *fid);
void v9fs_open_fid_del(struct inode *inode, struct p9_fid *fid);
void v9fs_inode_drop_fids(struct inode *inode);
void v9fs_forget_walked_fids(struct inode *inode);

/* dir.c */
extern const struct file_operations v9fs_dir_fops;
extern const struct dentry_operations v9fs_dentry_ops;
extern const struct dentry_operations v9fs_cached_dentry_ops;
struct p9_str v9fs_dname(const struct dentry *dentry);
struct inode *v9fs_walk_name(struct super_block *sb, struct p9_fid *dfid,
			     const struct p9_str *name);
kgid_t v9fs_new_gid(struct v9fs_idmap *idmap, struct inode *dir);
int v9fs_create_fids(struct dentry *dentry, int *flags,
		     struct p9_fid **dfidp, struct p9_fid **ofidp);
int v9fs_acl_prepare(struct inode *dir, umode_t *mode,
		     struct posix_acl **dacl, struct posix_acl **acl);
int v9fs_acl_finish(struct dentry *dentry, struct posix_acl *dacl,
		    struct posix_acl *acl, int err);

/* overlay.c */
int v9fs_tmpfile(struct v9fs_idmap *mnt_userns, struct inode *dir,
		 struct file *file, umode_t mode);
void v9fs_tmpfile_drop(struct inode *inode);
int v9fs_rename_exchange(struct super_block *sb, struct p9_fid *ofid,
			 struct p9_fid *odfid, struct p9_str oldname,
			 struct p9_fid *nfid, struct p9_fid *ndfid,
			 struct p9_str newname);
int v9fs_rename_whiteout(struct v9fs_idmap *idmap, struct p9_fid *fid,
			 struct inode *old_dir,
			 struct p9_fid *odfid,
			 struct p9_str oldname, struct p9_fid *ndfid,
			 struct p9_str newname);
void v9fs_rdbuf_free(struct p9_fid *fid);

/* addr.c */
extern const struct address_space_operations v9fs_aops;
bool v9fs_fid_readable(const struct p9_fid *fid);
void v9fs_netfs_init(struct inode *inode);
void v9fs_test_delay(unsigned int *ms);
int v9fs_addr_init(void);
void v9fs_addr_exit(void);

/* cache.c: cache=fscache; without CONFIG_9P_FSCACHE there is no cache */
#if V9FS_FSCACHE
void v9fs_cache_volume_get(struct v9fs_sb *v9s, const char *source);
void v9fs_cache_volume_put(struct v9fs_sb *v9s);
void v9fs_cache_inode_get(struct inode *inode);
void v9fs_cache_inode_put(struct inode *inode);
void v9fs_cache_use(struct inode *inode, struct file *file);
void v9fs_cache_unuse(struct inode *inode);
void v9fs_cache_changed(struct inode *inode, unsigned int flags);
void v9fs_cache_rebase(struct inode *inode);
void v9fs_cache_resize(struct inode *inode, loff_t size);
int v9fs_cache_write_inode(struct inode *inode, struct writeback_control *wbc);
int v9fs_begin_cache_operation(struct netfs_io_request *rreq);
#else
/* Said once, so that a user of cache=fscache knows nothing is kept. */
static inline void v9fs_cache_volume_get(struct v9fs_sb *v9s,
					 const char *source)
{
	pr_notice_once("9p: cache=fscache: no local cache in this build, behaving as cache=loose\n");
}

static inline void v9fs_cache_volume_put(struct v9fs_sb *v9s) {}
static inline void v9fs_cache_inode_get(struct inode *inode) {}
static inline void v9fs_cache_inode_put(struct inode *inode) {}
static inline void v9fs_cache_use(struct inode *inode, struct file *file) {}
static inline void v9fs_cache_unuse(struct inode *inode) {}
static inline void v9fs_cache_changed(struct inode *inode,
				      unsigned int flags) {}
static inline void v9fs_cache_rebase(struct inode *inode) {}
static inline void v9fs_cache_resize(struct inode *inode, loff_t size) {}
#endif

/* prefetch.c: a directory's entries looked up ahead of their stat */
struct v9fs_prefetch;
void v9fs_prefetch_note(struct file *file, const char *name, int len);
void v9fs_prefetch_kick(struct inode *dir);
void v9fs_prefetch_close(struct file *file);
void v9fs_prefetch_drain(struct super_block *sb);
int v9fs_prefetch_init(void);
void v9fs_prefetch_exit(void);

/* export.c */
extern const struct export_operations v9fs_export_ops;

/* file.c */
extern const struct file_operations v9fs_file_fops;
ssize_t v9fs_read_full(struct p9_fid *fid, loff_t pos, struct iov_iter *to);
ssize_t v9fs_write_full(struct p9_fid *fid, loff_t pos, struct iov_iter *from);
ssize_t v9fs_write_locked(struct kiocb *iocb, struct iov_iter *from);
int v9fs_open(struct inode *inode, struct file *file);
int v9fs_release(struct inode *inode, struct file *file);
int v9fs_open_flags(int f_flags);
int v9fs_finish_open_fid(struct inode *inode, struct file *file,
			 struct p9_fid *fid);

/* falloc.c */
long v9fs_fallocate(struct file *file, int mode, loff_t offset, loff_t len);

/* xattr.c */
ssize_t v9fs_listxattr(struct dentry *dentry, char *buf, size_t size);
struct posix_acl *v9fs_get_acl(struct inode *inode, int type, bool rcu);
int v9fs_set_acl(struct v9fs_idmap *mnt_userns, V9FS_ACL_OBJ *obj,
		 struct posix_acl *acl, int type);
int v9fs_init_acl(struct inode *dir, struct inode *inode,
		  struct posix_acl *dacl, struct posix_acl *acl);

#endif /* _FS_9P_V9FS_H */
