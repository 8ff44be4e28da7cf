// SPDX-License-Identifier: GPL-2.0-only
/*
 * v9fs-ng: mount options, mounting, the super block and the module.
 *
 * A mount is one struct p9_client; every mount gets its own super block
 * (get_tree_nodev).  Option names and value forms are those of Linux 6.1's
 * 9p client so existing fstab lines keep working: options this client
 * does not know are logged and ignored, malformed values fail the mount.
 */
#define pr_fmt(fmt) "9p: " fmt

#include <linux/backing-dev.h>
#include <linux/fs_context.h>
#include <linux/fs_parser.h>
#include <linux/module.h>
#include <linux/parser.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <linux/utsname.h>
#include <linux/xattr.h>
#include "v9fs.h"

#define V9FS_DEFAULT_UNAME	"nobody"
#define V9FS_DEFAULT_ID		((u32)-2)
#define V9FS_DEFAULT_LOCKTMO	(30 * HZ)
#define V9FS_MAX_ACTIMEO	3600	/* seconds */

enum {
	OPT_TRANS, OPT_VERSION, OPT_MSIZE, OPT_UNAME, OPT_ANAME, OPT_ACCESS,
	OPT_CACHE, OPT_DEBUG, OPT_DFLTUID, OPT_DFLTGID, OPT_AFID,
	OPT_NODEVMAP, OPT_NOEXTEND, OPT_POSIXACL, OPT_LOCKTIMEOUT, OPT_PORT,
	OPT_PRIVPORT, OPT_RFDNO, OPT_WFDNO, OPT_RQ, OPT_SQ, OPT_TIMEOUT,
	OPT_CACHETAG, OPT_ACTIMEO, OPT_NOCTO, OPT_REQTIMEOUT, OPT_SHARECONN,
	OPT_RECONNECT,
};

static const struct constant_table v9fs_versions[] = {
	{ "9p2000",	P9_LEGACY },
	{ "9p2000.u",	P9_DOTU },
	{ "9p2000.L",	P9_DOTL },
	{}
};

/* uname= and aname= may be empty ("attach the default tree"). */
#define fsparam_string_empty(NAME, OPT) \
	__fsparam(fs_param_is_string, NAME, OPT, fs_param_can_be_empty, NULL)

static const struct fs_parameter_spec v9fs_params[] = {
	fsparam_string("trans",		OPT_TRANS),
	fsparam_enum("version",		OPT_VERSION, v9fs_versions),
	fsparam_u32("msize",		OPT_MSIZE),
	fsparam_string_empty("uname",	OPT_UNAME),
	fsparam_string_empty("aname",	OPT_ANAME),
	fsparam_string("access",	OPT_ACCESS),
	fsparam_string("cache",		OPT_CACHE),
	fsparam_u32("debug",		OPT_DEBUG),
	fsparam_u32("dfltuid",		OPT_DFLTUID),
	fsparam_u32("dfltgid",		OPT_DFLTGID),
	fsparam_u32("afid",		OPT_AFID),
	fsparam_flag("nodevmap",	OPT_NODEVMAP),
	fsparam_flag("noextend",	OPT_NOEXTEND),
	fsparam_flag("posixacl",	OPT_POSIXACL),
	fsparam_u32("locktimeout",	OPT_LOCKTIMEOUT),
	fsparam_u32("port",		OPT_PORT),
	fsparam_flag("privport",	OPT_PRIVPORT),
	fsparam_u32("rfdno",		OPT_RFDNO),
	fsparam_u32("wfdno",		OPT_WFDNO),
	fsparam_u32("rq",		OPT_RQ),
	fsparam_u32("sq",		OPT_SQ),
	fsparam_u32("timeout",		OPT_TIMEOUT),
	fsparam_string_empty("cachetag", OPT_CACHETAG),
	fsparam_u32("actimeo",		OPT_ACTIMEO),
	fsparam_flag("nocto",		OPT_NOCTO),
	fsparam_u32("reqtimeout",	OPT_REQTIMEOUT),
	fsparam_flag("shareconn",	OPT_SHARECONN),
	fsparam_u32("reconnect",	OPT_RECONNECT),
	{}
};

static const char * const v9fs_cache_names[] = {
	[V9FS_CACHE_NONE]	= "none",
	[V9FS_CACHE_LOOSE]	= "loose",
	[V9FS_CACHE_FSCACHE]	= "fscache",
	[V9FS_CACHE_MMAP]	= "mmap",
	[V9FS_CACHE_READAHEAD]	= "readahead",
	[V9FS_CACHE_WRITEBACK]	= "writeback",
};

static void v9fs_opts_free(struct v9fs_opts *o)
{
	kfree(o->trans);
	kfree(o->uname);
	kfree(o->aname);
	kfree(o->cachetag);
}

/* Take ownership of the string in @param and store it in @slot. */
static void v9fs_take_string(char **slot, struct fs_parameter *param)
{
	kfree(*slot);
	*slot = param->string;
	param->string = NULL;
}

static int v9fs_parse_access(struct fs_context *fc, struct v9fs_opts *o,
			     const char *val)
{
	unsigned int uid;

	if (!strcmp(val, "user")) {
		o->access = V9FS_ACCESS_USER;
	} else if (!strcmp(val, "any")) {
		o->access = V9FS_ACCESS_ANY;
	} else if (!strcmp(val, "client")) {
		o->access = V9FS_ACCESS_CLIENT;
	} else {
		if (kstrtouint(val, 10, &uid))
			return invalfc(fc, "Bad value for 'access': %s", val);
		o->single_uid = make_kuid(current_user_ns(), uid);
		if (!uid_valid(o->single_uid))
			return invalfc(fc, "Bad value for 'access': uid %u", uid);
		o->access = V9FS_ACCESS_SINGLE;
	}
	return 0;
}

static int v9fs_parse_cache(struct fs_context *fc, struct v9fs_opts *o,
			    const char *val)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v9fs_cache_names); i++) {
		if (!strcmp(val, v9fs_cache_names[i])) {
			o->cache = i;
			return 0;
		}
	}
	/* Newer kernels' bitmask form (e.g. cache=0x0f). */
	if (kstrtouint(val, 0, &o->cache_bits))
		return invalfc(fc, "Bad value for 'cache': %s", val);
	o->cache = o->cache_bits ? V9FS_CACHE_NUMERIC : V9FS_CACHE_NONE;
	return 0;
}

static int v9fs_parse_param(struct fs_context *fc, struct fs_parameter *param)
{
	struct v9fs_opts *o = fc->fs_private;
	struct fs_parse_result r;
	int opt;

	opt = fs_parse(fc, v9fs_params, param, &r);
	if (opt == -ENOPARAM) {
		if (!strcmp(param->key, "source"))
			return -ENOPARAM;	/* the VFS takes it */
		pr_notice("unknown mount option '%s' ignored\n", param->key);
		return 0;
	}
	if (opt < 0)
		return opt;

	switch (opt) {
	case OPT_TRANS:
		v9fs_take_string(&o->trans, param);
		o->given |= V9FS_GIVEN_TRANS;
		break;
	case OPT_VERSION:
		o->copts.dialect = r.uint_32;
		o->given |= V9FS_GIVEN_VERSION;
		break;
	case OPT_MSIZE:
		if (r.uint_32 < P9_MIN_MSIZE)
			return invalfc(fc, "Bad value for 'msize': %u is below %u",
				      r.uint_32, P9_MIN_MSIZE);
		o->copts.msize = r.uint_32;
		break;
	case OPT_UNAME:
		v9fs_take_string(&o->uname, param);
		break;
	case OPT_ANAME:
		v9fs_take_string(&o->aname, param);
		o->given |= V9FS_GIVEN_ANAME;
		break;
	case OPT_ACCESS:
		o->given |= V9FS_GIVEN_ACCESS;
		return v9fs_parse_access(fc, o, param->string);
	case OPT_CACHE:
		o->given |= V9FS_GIVEN_CACHE;
		return v9fs_parse_cache(fc, o, param->string);
	case OPT_DEBUG:
		o->debug = r.uint_32;
		o->given |= V9FS_GIVEN_DEBUG;
		break;
	case OPT_DFLTUID:
		o->dfltuid = make_kuid(current_user_ns(), r.uint_32);
		if (!uid_valid(o->dfltuid))
			return invalfc(fc, "Bad value for 'dfltuid'");
		o->given |= V9FS_GIVEN_DFLTUID;
		break;
	case OPT_DFLTGID:
		o->dfltgid = make_kgid(current_user_ns(), r.uint_32);
		if (!gid_valid(o->dfltgid))
			return invalfc(fc, "Bad value for 'dfltgid'");
		o->given |= V9FS_GIVEN_DFLTGID;
		break;
	case OPT_AFID:
		o->afid = r.uint_32;
		o->given |= V9FS_GIVEN_AFID;
		break;
	case OPT_NODEVMAP:
		o->nodevmap = true;
		break;
	case OPT_NOEXTEND:
		/* 6.1: "force legacy mode" */
		o->copts.dialect = P9_LEGACY;
		o->given |= V9FS_GIVEN_VERSION;
		break;
	case OPT_POSIXACL:
		o->posixacl = true;
		break;
	case OPT_LOCKTIMEOUT:
		if (!r.uint_32 || r.uint_32 > INT_MAX / HZ)
			return invalfc(fc, "Bad value for 'locktimeout'");
		o->locktimeout = r.uint_32 * HZ;
		o->given |= V9FS_GIVEN_LOCKTMO;
		break;
	case OPT_PORT:
		if (r.uint_32 > U16_MAX)
			return invalfc(fc, "Bad value for 'port'");
		o->copts.fd.port = r.uint_32;
		o->copts.rdma.port = r.uint_32;
		break;
	case OPT_PRIVPORT:
		o->copts.fd.privport = true;
		o->copts.rdma.privport = true;
		break;
	case OPT_SHARECONN:
		o->copts.share = true;
		break;
	case OPT_RECONNECT:
		if (r.uint_32 > P9_MAX_REQ_TIMEOUT)
			return invalfc(fc, "Bad value for 'reconnect'");
		o->copts.reconnect = r.uint_32;
		break;
	case OPT_RFDNO:
		if (r.uint_32 > INT_MAX)
			return invalfc(fc, "Bad value for 'rfdno'");
		o->copts.fd.rfd = r.uint_32;
		break;
	case OPT_WFDNO:
		if (r.uint_32 > INT_MAX)
			return invalfc(fc, "Bad value for 'wfdno'");
		o->copts.fd.wfd = r.uint_32;
		break;
	case OPT_RQ:
		if (r.uint_32 > INT_MAX)
			return invalfc(fc, "Bad value for 'rq'");
		o->copts.rdma.rq = r.uint_32;
		break;
	case OPT_SQ:
		if (r.uint_32 > INT_MAX)
			return invalfc(fc, "Bad value for 'sq'");
		o->copts.rdma.sq = r.uint_32;
		break;
	case OPT_TIMEOUT:
		o->copts.rdma.timeout = r.uint_32;
		break;
	case OPT_CACHETAG:
		v9fs_take_string(&o->cachetag, param);
		break;
	case OPT_ACTIMEO:
		if (r.uint_32 > V9FS_MAX_ACTIMEO)
			return invalfc(fc, "Bad value for 'actimeo': at most %u",
				       V9FS_MAX_ACTIMEO);
		o->actimeo = r.uint_32 * HZ;
		o->given |= V9FS_GIVEN_ACTIMEO;
		break;
	case OPT_NOCTO:
		o->nocto = true;
		o->given |= V9FS_GIVEN_NOCTO;
		break;
	case OPT_REQTIMEOUT:
		if (r.uint_32 > P9_MAX_REQ_TIMEOUT)
			return invalfc(fc, "Bad value for 'reqtimeout': at most %u",
				       P9_MAX_REQ_TIMEOUT);
		o->copts.req_timeout = r.uint_32;
		break;
	}
	return 0;
}

/*
 * What each cache mode does (see V9FS_CF_* in v9fs.h).  Newer kernels'
 * numeric form maps bit by bit: 0x1 file data, 0x2 and 0x8 metadata,
 * 0x4 write-back; 0x80 (fscache) adds the local cache (fs/9p/cache.c),
 * nothing more here.
 */
static unsigned int v9fs_cache_flags(const struct v9fs_opts *o)
{
	unsigned int cf = 0;

	switch (o->cache) {
	case V9FS_CACHE_NONE:
		return 0;
	case V9FS_CACHE_READAHEAD:
		cf = V9FS_CF_READ;
		break;
	case V9FS_CACHE_MMAP:
		cf = V9FS_CF_READ | V9FS_CF_WRITE;
		break;
	case V9FS_CACHE_WRITEBACK:
	case V9FS_CACHE_LOOSE:
	case V9FS_CACHE_FSCACHE:
		cf = V9FS_CF_READ | V9FS_CF_WRITE | V9FS_CF_META;
		break;
	case V9FS_CACHE_NUMERIC:
		if (o->cache_bits & 0x1)
			cf |= V9FS_CF_READ;
		if (o->cache_bits & 0x4)
			cf |= V9FS_CF_READ | V9FS_CF_WRITE;
		if (o->cache_bits & 0xa)
			cf |= V9FS_CF_READ | V9FS_CF_WRITE | V9FS_CF_META;
		break;
	}
	if (!o->nocto)
		cf |= V9FS_CF_CTO;
	return cf;
}

/* Default actimeo, for modes that cache metadata. */
static unsigned long v9fs_default_actimeo(const struct v9fs_opts *o)
{
	return (o->cache == V9FS_CACHE_WRITEBACK ? 1 : 10) * HZ;
}

static const char *v9fs_dialect_name(enum p9_dialect d)
{
	switch (d) {
	case P9_LEGACY:
		return "9p2000";
	case P9_DOTU:
		return "9p2000.u";
	default:
		return "9p2000.L";
	}
}

/* ---- super operations ---- */

static struct inode *v9fs_alloc_inode(struct super_block *sb)
{
	struct v9fs_inode *v9i;

	v9i = alloc_inode_sb(sb, v9fs_inode_cachep, GFP_KERNEL);
	if (!v9i)
		return NULL;
	memset(&v9i->qid, 0, sizeof(v9i->qid));
	v9i->gen = 0;
	v9i->gen_valid = false;
	v9i->btime_valid = false;
	v9i->flags = 0;
	v9i->stamp = 0;
	atomic_long_set(&v9i->wgen, 0);
	atomic_long_set(&v9i->wgen_sent, 0);
	v9i->data_mtime = (struct timespec64){};
	v9i->data_size = 0;
	/*
	 * No fscache cookie until v9fs_cache_inode_get(): the attributes
	 * applied to a new inode before that must find none.
	 */
	v9fs_netfs_inode_init(&v9i->netfs, NULL);
	v9i->wseq = 0;
	v9i->wb_end = LLONG_MAX;
	INIT_HLIST_HEAD(&v9i->fids);
	INIT_HLIST_HEAD(&v9i->open_fids);
	v9i->wb_fid = NULL;
	v9i->tmp = NULL;
	v9i->pf = NULL;
	return &v9i->netfs.inode;
}

static void v9fs_free_inode(struct inode *inode)
{
	kmem_cache_free(v9fs_inode_cachep, V9I(inode));
}

static void v9fs_inode_once(void *p)
{
	struct v9fs_inode *v9i = p;

	spin_lock_init(&v9i->lock);
	inode_init_once(&v9i->netfs.inode);
}

static int v9fs_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct p9_statfs st;
	struct p9_fid *fid;
	int err;

	fid = v9fs_dentry_fid(dentry);
	if (IS_ERR(fid))
		return PTR_ERR(fid);
	err = p9_client_statfs(fid, &st);
	p9_fid_put(fid);

	buf->f_type = V9FS_MAGIC;
	buf->f_namelen = NAME_MAX;
	if (err == -EOPNOTSUPP) {
		/* The dialect has no statfs: report what we know. */
		buf->f_bsize = PAGE_SIZE;
		return 0;
	}
	if (err)
		return err;
	buf->f_bsize = st.bsize ? st.bsize : PAGE_SIZE;
	buf->f_frsize = buf->f_bsize;
	buf->f_blocks = st.blocks;
	buf->f_bfree = min(st.bfree, st.blocks);
	buf->f_bavail = min(st.bavail, buf->f_bfree);
	buf->f_files = st.files;
	buf->f_ffree = min(st.ffree, st.files);
	buf->f_fsid = u64_to_fsid(st.fsid);
	if (st.namelen && st.namelen < NAME_MAX)
		buf->f_namelen = st.namelen;
	return 0;
}

static int v9fs_show_options(struct seq_file *m, struct dentry *root)
{
	struct v9fs_sb *v9s = V9SB(root->d_sb);
	struct v9fs_opts *o = &v9s->o;
	const char *trans = p9_client_trans_name(v9s->clnt);

	if (trans)
		seq_show_option(m, "trans", trans);
	seq_printf(m, ",version=%s",
		   v9fs_dialect_name(p9_client_dialect(v9s->clnt)));
	seq_printf(m, ",msize=%u", p9_session_msize(v9s->sess));
	seq_show_option(m, "uname", o->uname);
	if (o->aname && *o->aname)
		seq_show_option(m, "aname", o->aname);
	switch (o->access) {
	case V9FS_ACCESS_ANY:
		seq_puts(m, ",access=any");
		break;
	case V9FS_ACCESS_USER:
		seq_puts(m, ",access=user");
		break;
	case V9FS_ACCESS_CLIENT:
		seq_puts(m, ",access=client");
		break;
	case V9FS_ACCESS_SINGLE:
		seq_printf(m, ",access=%u",
			   from_kuid_munged(&init_user_ns, o->single_uid));
		break;
	}
	if (o->cache == V9FS_CACHE_NUMERIC)
		seq_printf(m, ",cache=0x%x", o->cache_bits);
	else
		seq_printf(m, ",cache=%s", v9fs_cache_names[o->cache]);
	if (o->given & V9FS_GIVEN_DEBUG)
		seq_printf(m, ",debug=0x%x", o->debug);
	if (o->given & V9FS_GIVEN_DFLTUID)
		seq_printf(m, ",dfltuid=%u",
			   from_kuid_munged(&init_user_ns, o->dfltuid));
	if (o->given & V9FS_GIVEN_DFLTGID)
		seq_printf(m, ",dfltgid=%u",
			   from_kgid_munged(&init_user_ns, o->dfltgid));
	if (o->given & V9FS_GIVEN_AFID)
		seq_printf(m, ",afid=%u", o->afid);
	if (o->nodevmap)
		seq_puts(m, ",nodevmap");
	if (o->posixacl)
		seq_puts(m, ",posixacl");
	if (o->given & V9FS_GIVEN_LOCKTMO)
		seq_printf(m, ",locktimeout=%lu", o->locktimeout / HZ);
	p9_client_show_options(m, v9s->clnt);
	if (o->cachetag)
		seq_show_option(m, "cachetag", o->cachetag);
	if (v9s->cf & V9FS_CF_META)
		seq_printf(m, ",actimeo=%lu", READ_ONCE(o->actimeo) / HZ);
	if (o->nocto)
		seq_puts(m, ",nocto");
	if (o->copts.req_timeout)
		seq_printf(m, ",reqtimeout=%u", o->copts.req_timeout);
	if (o->copts.share)
		seq_puts(m, ",shareconn");
	if (o->copts.reconnect)
		seq_printf(m, ",reconnect=%u", o->copts.reconnect);
	return 0;
}

/*
 * /proc/self/mountstats: the text after "with fstype 9p ".  The cache mode
 * is the file system's; the rest is the client's (format in
 * Documentation/filesystems/9p.rst).
 */
static int v9fs_show_stats(struct seq_file *m, struct dentry *root)
{
	struct v9fs_sb *v9s = V9SB(root->d_sb);
	enum v9fs_cache cache = READ_ONCE(v9s->o.cache);

	seq_puts(m, "statvers=1\n\tcache: ");
	if (cache == V9FS_CACHE_NUMERIC)
		seq_printf(m, "0x%x", READ_ONCE(v9s->o.cache_bits));
	else
		seq_puts(m, v9fs_cache_names[cache]);
	seq_printf(m, "\n\tprefetch: %lld",
		   (long long)atomic64_read(&v9s->pf_lookups));
	p9_session_show_stats(m, v9s->sess);
	return 0;
}

static void v9fs_umount_begin(struct super_block *sb)
{
	p9_session_disconnect(V9SB(sb)->sess);
}

/*
 * Without a page cache, unused inodes go at once, but for two kinds.
 * A file a handle was made for stays while memory allows, so that the
 * handle keeps working (fs/9p/export.c).  And:
 * 9P2000.L alone reports link counts, so elsewhere the count of a
 * hard-linked file is only what this client kept (fs/9p/dir.c,
 * v9fs_link()).  Keep such an inode cached
 * while the VFS lets us so that the count lasts; it starts over at 1
 * once memory pressure evicts it.
 */
static int v9fs_drop_inode(struct inode *inode)
{
	/* Cached pages live as long as the inode: keep it while we may. */
	if (V9SB(inode->i_sb)->cf & V9FS_CF_READ)
		return generic_drop_inode(inode);
	/* Handles decode only to cached inodes (export.c). */
	if (test_bit(V9FS_INO_HANDLE, &V9I(inode)->flags))
		return generic_drop_inode(inode);
	if (inode->i_nlink > 1 && !S_ISDIR(inode->i_mode) &&
	    !p9_client_has(V9SB(inode->i_sb)->clnt, P9_CAP_NLINK))
		return generic_drop_inode(inode);
	return generic_delete_inode(inode);
}

static const struct super_operations v9fs_super_ops = {
	.alloc_inode	= v9fs_alloc_inode,
	.free_inode	= v9fs_free_inode,
	.evict_inode	= v9fs_evict_inode,
	.drop_inode	= v9fs_drop_inode,
#if V9FS_FSCACHE
	.write_inode	= v9fs_cache_write_inode,
#endif
	.statfs		= v9fs_statfs,
	.show_options	= v9fs_show_options,
	.show_stats	= v9fs_show_stats,
	.umount_begin	= v9fs_umount_begin,
};

/* ---- mounting ---- */

/*
 * Readahead windows of a few messages keep Treads in flight; writeback
 * sends up to a few messages' worth of contiguous dirty pages at once.
 */
static void v9fs_setup_io_sizes(struct super_block *sb)
{
	struct v9fs_sb *v9s = V9SB(sb);
	size_t io = p9_session_msize(v9s->sess) - P9_IOHDRSZ;
	size_t ra = clamp_t(size_t, 4 * io, SZ_128K, SZ_8M);

	v9s->wsize = clamp_t(size_t, 8 * io, SZ_1M, SZ_8M);
	if (v9s->cf & V9FS_CF_READ) {
		sb->s_bdi->ra_pages = ra >> PAGE_SHIFT;
		sb->s_bdi->io_pages = ra >> PAGE_SHIFT;
	}
}

static int v9fs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct v9fs_opts *o = fc->fs_private;
	struct p9_attr attr;
	struct v9fs_sb *v9s;
	struct p9_session *sess;
	struct p9_client *clnt;
	struct inode *root;
	struct p9_fid *fid;
	int err;

	if (!fc->source)
		return invalfc(fc, "no source given (mount tag or address)");

	v9s = kzalloc(sizeof(*v9s), GFP_KERNEL);
	if (!v9s)
		return -ENOMEM;
	/* The strings move to the super block with the rest. */
	v9s->o = *o;
	memset(o, 0, sizeof(*o));
	init_rwsem(&v9s->rename_sem);
	atomic64_set(&v9s->wseq, 0);
	strscpy(v9s->nodename, utsname()->nodename, sizeof(v9s->nodename));
	sb->s_fs_info = v9s;
	o = &v9s->o;
	o->copts.trans = o->trans;

	sess = p9_session_open(fc->source, &o->copts);
	if (IS_ERR(sess))
		return PTR_ERR(sess);
	v9s->sess = sess;
	clnt = p9_session_client(sess);
	v9s->clnt = clnt;

	if (!(o->given & V9FS_GIVEN_ACCESS))
		o->access = p9_client_has(clnt, P9_CAP_CLIENT_ACCESS) ?
			    V9FS_ACCESS_CLIENT : V9FS_ACCESS_USER;
	else if (o->access == V9FS_ACCESS_CLIENT &&
		 !p9_client_has(clnt, P9_CAP_CLIENT_ACCESS))
		o->access = V9FS_ACCESS_USER;
	if (v9fs_per_user(v9s))
		v9fs_sb_noidmap(sb);	/* see v9fs_idmap_check() */
	if (o->posixacl && !p9_client_has(clnt, P9_CAP_XATTR)) {
		pr_notice("posixacl needs 9p2000.L; ignored\n");
		o->posixacl = false;
	}

	v9s->cf = v9fs_cache_flags(o);
	if (!(o->given & V9FS_GIVEN_ACTIMEO))
		o->actimeo = v9fs_default_actimeo(o);

	sb->s_magic = V9FS_MAGIC;
	sb->s_op = &v9fs_super_ops;
	sb->s_d_op = (v9s->cf & V9FS_CF_META) ? &v9fs_cached_dentry_ops :
						 &v9fs_dentry_ops;
	/* file_remove_privs() asks the server only until it knows. */
	sb->s_flags |= SB_NOSEC;
	sb->s_xattr = v9fs_xattr_handlers;
	sb->s_export_op = &v9fs_export_ops;
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_time_gran = 1;
	if (o->posixacl)
		sb->s_flags |= SB_POSIXACL;

	err = super_setup_bdi(sb);
	if (err)
		return err;
	v9fs_setup_io_sizes(sb);
	/* Before the root inode: its files' cookies live in the volume. */
	if (o->cache == V9FS_CACHE_FSCACHE ||
	    (o->cache == V9FS_CACHE_NUMERIC && (o->cache_bits & 0x80)))
		v9fs_cache_volume_get(v9s, fc->source);

	fid = v9fs_attach(v9s, v9fs_fid_user(v9s));
	if (IS_ERR(fid))
		return PTR_ERR(fid);
	err = p9_client_getattr(fid, P9_GETATTR_ALL, &attr);
	if (err)
		goto out_fid;
	root = v9fs_iget(sb, &attr, 0);
	if (IS_ERR(root)) {
		err = PTR_ERR(root);
		goto out_fid;
	}
	if (!S_ISDIR(root->i_mode)) {
		iput(root);
		err = invalfc(fc, "the attached root is not a directory");
		goto out_fid;
	}
	v9fs_fid_add(root, fid);
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	return 0;

out_fid:
	p9_fid_put(fid);
	return err;
}

static int v9fs_get_tree(struct fs_context *fc)
{
	return get_tree_nodev(fc, v9fs_fill_super);
}

static int v9fs_reconfigure(struct fs_context *fc)
{
	struct super_block *sb = fc->root->d_sb;
	struct v9fs_sb *v9s = V9SB(sb);
	struct v9fs_opts *n = fc->fs_private;
	const char *trans = p9_client_trans_name(v9s->clnt);

	if ((n->given & V9FS_GIVEN_TRANS) && trans && strcmp(n->trans, trans))
		return invalfc(fc, "cannot change 'trans' on remount");
	if ((n->given & V9FS_GIVEN_VERSION) &&
	    n->copts.dialect != p9_client_dialect(v9s->clnt))
		return invalfc(fc, "cannot change 'version' on remount");
	if ((n->given & V9FS_GIVEN_ANAME) &&
	    strcmp(n->aname ?: "", v9s->o.aname ?: ""))
		return invalfc(fc, "cannot change 'aname' on remount");

	/* Inodes, dentries and pages were set up for one cache mode. */
	if ((n->given & V9FS_GIVEN_CACHE) &&
	    (n->cache != v9s->o.cache || n->cache_bits != v9s->o.cache_bits))
		return invalfc(fc, "cannot change 'cache' on remount");
	if ((n->given & V9FS_GIVEN_NOCTO) && !v9s->o.nocto)
		return invalfc(fc, "cannot change 'nocto' on remount");

	sync_filesystem(sb);
	if (n->given & V9FS_GIVEN_ACTIMEO) {
		WRITE_ONCE(v9s->o.actimeo, n->actimeo);
		v9s->o.given |= V9FS_GIVEN_ACTIMEO;
	}
	if (n->given & V9FS_GIVEN_DEBUG) {
		WRITE_ONCE(v9s->o.debug, n->debug);
		v9s->o.given |= V9FS_GIVEN_DEBUG;
	}
	if (n->given & V9FS_GIVEN_LOCKTMO) {
		WRITE_ONCE(v9s->o.locktimeout, n->locktimeout);
		v9s->o.given |= V9FS_GIVEN_LOCKTMO;
	}
	return 0;
}

static void v9fs_free_fc(struct fs_context *fc)
{
	struct v9fs_opts *o = fc->fs_private;

	if (o) {
		v9fs_opts_free(o);
		kfree(o);
	}
}

static const struct fs_context_operations v9fs_context_ops = {
	.free		= v9fs_free_fc,
	.parse_param	= v9fs_parse_param,
	.get_tree	= v9fs_get_tree,
	.reconfigure	= v9fs_reconfigure,
};

static int v9fs_init_fs_context(struct fs_context *fc)
{
	struct v9fs_opts *o;

	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	o->uname = kstrdup(V9FS_DEFAULT_UNAME, GFP_KERNEL);
	o->aname = kstrdup("", GFP_KERNEL);
	if (!o->uname || !o->aname) {
		v9fs_opts_free(o);
		kfree(o);
		return -ENOMEM;
	}
	o->copts.dialect = P9_DOTL;
	o->copts.fd.rfd = -1;
	o->copts.fd.wfd = -1;
	o->access = V9FS_ACCESS_USER;
	o->cache = V9FS_CACHE_NONE;
	o->dfltuid = make_kuid(&init_user_ns, V9FS_DEFAULT_ID);
	o->dfltgid = make_kgid(&init_user_ns, V9FS_DEFAULT_ID);
	o->locktimeout = V9FS_DEFAULT_LOCKTMO;
	fc->fs_private = o;
	fc->ops = &v9fs_context_ops;
	return 0;
}

static void v9fs_kill_sb(struct super_block *sb)
{
	struct v9fs_sb *v9s = V9SB(sb);

	/* Prefetch workers hold dentries: they end first. */
	if (v9s)
		v9fs_prefetch_drain(sb);
	/* Evicting the dentries and inodes puts (clunks) every fid. */
	kill_anon_super(sb);
	if (!v9s)
		return;
	v9fs_cache_volume_put(v9s);
	if (v9s->sess)
		p9_session_close(v9s->sess);
	v9fs_opts_free(&v9s->o);
	kfree(v9s);
}

static struct file_system_type v9fs_fs_type = {
	.owner			= THIS_MODULE,
	.name			= "9p",
	.init_fs_context	= v9fs_init_fs_context,
	.parameters		= v9fs_params,
	.kill_sb		= v9fs_kill_sb,
	/*
	 * v9fs_rename() moves the dentries under rename_sem; idmapped
	 * mounts in access=any and access=<uid> only: see v9fs_idmap_check()
	 */
	.fs_flags		= FS_RENAME_DOES_D_MOVE | FS_ALLOW_IDMAP,
};
MODULE_ALIAS_FS("9p");

static int __init v9fs_init(void)
{
	int err;

	v9fs_inode_cachep = kmem_cache_create("v9fs_ng_inode",
					      sizeof(struct v9fs_inode), 0,
					      SLAB_RECLAIM_ACCOUNT |
					      V9FS_SLAB_SPREAD | SLAB_ACCOUNT,
					      v9fs_inode_once);
	if (!v9fs_inode_cachep)
		return -ENOMEM;
	err = v9fs_addr_init();
	if (err)
		goto out_cache;
	err = v9fs_prefetch_init();
	if (err)
		goto out_addr;
	err = register_filesystem(&v9fs_fs_type);
	if (err)
		goto out_prefetch;
	return 0;

out_prefetch:
	v9fs_prefetch_exit();
out_addr:
	v9fs_addr_exit();
out_cache:
	kmem_cache_destroy(v9fs_inode_cachep);
	return err;
}

static void __exit v9fs_exit(void)
{
	unregister_filesystem(&v9fs_fs_type);
	v9fs_prefetch_exit();
	v9fs_addr_exit();
	/* Inodes are freed after an RCU grace period. */
	rcu_barrier();
	kmem_cache_destroy(v9fs_inode_cachep);
}

module_init(v9fs_init);
module_exit(v9fs_exit);
MODULE_DESCRIPTION("v9fs-ng: the 9P file system");
MODULE_LICENSE("GPL");
MODULE_VERSION(P9_NG_VERSION);
