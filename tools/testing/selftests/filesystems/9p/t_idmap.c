// SPDX-License-Identifier: GPL-2.0
/*
 * t_idmap - idmapped mounts of 9p, side by side with an idmapped ext4.
 *
 * A user namespace maps ids 0..999 to 10000..10999; an idmapped clone
 * (open_tree(OPEN_TREE_CLONE) + mount_setattr(MOUNT_ATTR_IDMAP)) of each
 * file system then shows the file system's id N as 10000 + N, and a
 * caller with fsuid 10000 + N acts as N.  Each subtest does the same
 * through both the 9p and the ext4 mapping and checks the ids stored
 * (read through the unmapped mount) and shown (through the mapped one),
 * chown, chmod, access() and a POSIX ACL entry.
 *
 * The 9p side is the suite's spare tag (V9FS_TAG2) mounted again with
 * access=any: in the per-user modes (user, client) 9p refuses idmapping
 * (peruser_refused).  With access=any the server, not the client, picks
 * the owner of a new file (9P2000.L's create requests carry only a
 * group), so new files are checked against ones the mapped-to user
 * creates through the unmapped mount; their group is the mapped one.
 *
 * ext4 is an image loop-mounted from /run.  Needs root, a virtio mount
 * with the spare tag, mkfs.ext4 and loop; skips (4) without the tag.
 */
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <limits.h>
#include <sched.h>
#include "t_common.h"

#define MAPBASE	10000	/* id N of the file systems is MAPBASE + N */
#define MAPLEN	1000

struct side {
	const char *name;
	char raw[PATH_MAX];	/* the subtest's directory, unmapped */
	char map[PATH_MAX];	/* the same through the idmapped mount */
	char chk[PATH_MAX];	/* where stored ids are read (9p: the suite's
				 * mount, another superblock)
				 */
};

static char base[64];		/* /run/t_idmap.PID */
static char setup_err[256];	/* why the mappings could not be made */
static int userns_fd = -1;
static int mnt2_down;
/* under base: the 9p and ext4 mounts, their mappings (unmounted in order) */
static const char *const dirs[] = { "9m", "em", "9", "e" };

static int path_in(char *buf, const char *dir, const char *rel)
{
	return (size_t)snprintf(buf, PATH_MAX, "%s/%s", dir, rel) >= PATH_MAX;
}

/* A user namespace with the mapping above, as an fd of /proc/PID/ns/user. */
static int make_userns(void)
{
	static const char *const f[] = { "uid_map", "gid_map" };
	int go[2], done[2], fd = -1;
	char path[64], map[64], c;
	pid_t pid;

	if (pipe(go) || pipe(done))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(go[0]);
		close(done[1]);
		c = unshare(CLONE_NEWUSER) ? 'n' : 'y';
		if (write(go[1], &c, 1) != 1)
			_exit(1);
		/* stay until the parent holds the namespace */
		_exit(read(done[0], &c, 1) < 0);
	}
	close(go[1]);
	close(done[0]);
	if (read(go[0], &c, 1) != 1 || c != 'y') {
		snprintf(setup_err, sizeof(setup_err),
			 "unshare(CLONE_NEWUSER) failed");
		goto out;
	}
	snprintf(map, sizeof(map), "0 %d %d\n", MAPBASE, MAPLEN);
	for (int i = 0; i < 2; i++) {
		int mfd;

		snprintf(path, sizeof(path), "/proc/%d/%s", pid, f[i]);
		mfd = open(path, O_WRONLY);
		if (mfd < 0 || write(mfd, map, strlen(map)) < 0) {
			snprintf(setup_err, sizeof(setup_err), "%s: %s", path,
				 t_errname(errno));
			if (mfd >= 0)
				close(mfd);
			goto out;
		}
		close(mfd);
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		snprintf(setup_err, sizeof(setup_err), "%s: %s", path,
			 t_errname(errno));
out:
	close(done[1]);
	close(go[0]);
	t_wait(pid);
	return fd;
}

/* Attach an idmapped clone of the mount at @src on @dst. */
static int idmap_mount(const char *src, const char *dst)
{
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_IDMAP,
		.userns_fd = userns_fd,
	};
	int fd;

	fd = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (fd < 0) {
		snprintf(setup_err, sizeof(setup_err), "open_tree(%s): %s",
			 src, t_errname(errno));
		return -1;
	}
	if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr))) {
		snprintf(setup_err, sizeof(setup_err),
			 "mount_setattr(%s, MOUNT_ATTR_IDMAP): %s", src,
			 t_errname(errno));
		close(fd);
		return -1;
	}
	if (move_mount(fd, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH)) {
		snprintf(setup_err, sizeof(setup_err), "move_mount(%s): %s",
			 dst, t_errname(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int sub(char *buf, const char *name)
{
	return (size_t)snprintf(buf, PATH_MAX, "%s/%s", base, name) >=
	       PATH_MAX;
}

/* The 9p mount of access=any (base/9) and ext4 (base/e), both mapped. */
static int setup(void)
{
	char p[PATH_MAX], q[PATH_MAX], opts[1024], cmd[512];
	const char *tag = getenv("V9FS_TAG2"), *mnt2 = getenv("V9FS_MNT2");
	int fd;

	snprintf(base, sizeof(base), "/run/t_idmap.%d", getpid());
	if (mkdir(base, 0755))
		return snprintf(setup_err, sizeof(setup_err), "mkdir %s", base);
	for (int i = 3; i >= 0; i--) {
		sub(p, dirs[i]);
		if (mkdir(p, 0755))
			return snprintf(setup_err, sizeof(setup_err),
					"mkdir %s", p);
	}
	userns_fd = make_userns();
	if (userns_fd < 0)
		return -1;

	if (umount(mnt2))
		return snprintf(setup_err, sizeof(setup_err), "umount %s: %s",
				mnt2, t_errname(errno));
	mnt2_down = 1;
	snprintf(opts, sizeof(opts), "%s,access=any", getenv("V9FS_OPTS"));
	sub(p, "9");
	if (mount(tag, p, "9p", 0, opts))
		return snprintf(setup_err, sizeof(setup_err),
				"mount %s -o %s: %s", tag, opts,
				t_errname(errno));
	sub(q, "9m");
	if (idmap_mount(p, q))
		return -1;

	sub(p, "img");
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	if (fd < 0 || ftruncate(fd, 32 << 20))
		return snprintf(setup_err, sizeof(setup_err), "%s", p);
	close(fd);
	sub(q, "e");
	snprintf(cmd, sizeof(cmd),
		 "modprobe loop 2>/dev/null; mkfs.ext4 -q -F %s/img && mount -o loop %s/img %s/e",
		 base, base, base);
	if (system(cmd))
		return snprintf(setup_err, sizeof(setup_err),
				"no ext4 to compare with: %s", cmd);
	sub(p, "em");
	if (idmap_mount(q, p))
		return -1;
	return 0;
}

static void teardown(void)
{
	char p[PATH_MAX];

	if (!base[0])
		return;
	for (int i = 0; i < 4; i++) {
		sub(p, dirs[i]);
		umount2(p, MNT_DETACH);
		rmdir(p);
	}
	sub(p, "img");
	unlink(p);
	rmdir(base);
	if (mnt2_down &&
	    mount(getenv("V9FS_TAG2"), getenv("V9FS_MNT2"), "9p", 0,
		  getenv("V9FS_OPTS")))
		printf("# could not mount %s again\n", getenv("V9FS_MNT2"));
}

/* The two sides of the current subtest: its own directory on each. */
static int side_9p(struct side *s)
{
	const char *mnt = getenv("V9FS_MNT");
	char cwd[PATH_MAX], p[PATH_MAX];
	size_t n = strlen(mnt);

	s->name = "9p";
	if (!getcwd(cwd, sizeof(cwd)) || strncmp(cwd, mnt, n) ||
	    (cwd[n] && cwd[n] != '/'))
		return -1;
	strcpy(s->chk, cwd);
	sub(p, "9");
	if (path_in(s->raw, p, cwd + n + (cwd[n] == '/')))
		return -1;
	sub(p, "9m");
	return path_in(s->map, p, cwd + n + (cwd[n] == '/'));
}

static int side_ext4(struct side *s)
{
	char p[PATH_MAX];

	s->name = "ext4";
	sub(p, "e");
	if (path_in(s->raw, p, t_cur_name))
		return -1;
	sub(p, "em");
	if (path_in(s->map, p, t_cur_name))
		return -1;
	strcpy(s->chk, s->raw);
	t_rmrf(s->raw);
	return mkdir(s->raw, 0755);
}

/* Run @body on the ext4 side, then (unless it failed) on the 9p side. */
static void on_both(void (*body)(const struct side *))
{
	struct side s;

	if (setup_err[0])
		FAIL("no idmapped mounts: %s", setup_err);
	if (side_ext4(&s))
		FAIL("ext4 directory %s: %s", s.raw, t_errname(errno));
	body(&s);
	t_rmrf(s.raw);
	if (t_state == T_FAILED)
		return;
	if (side_9p(&s))
		FAIL("cannot place the test directory under the 9p mapping");
	body(&s);
}

/* The id a file system id shows as through the mapping */
static unsigned int shown(unsigned int id)
{
	return id < MAPLEN ? MAPBASE + id : 65534;	/* overflowuid */
}

enum op { OP_CREAT, OP_MKDIR, OP_MKFIFO, OP_SYMLINK, OP_CHOWN, OP_CHMOD,
	  OP_ACCESS };

/*
 * Do @op on @path as @uid/@gid (no supplementary groups) in a child.
 * Return: 0, the errno it failed with, or 255 if the child could not
 * become the user.
 */
static int as(uid_t uid, gid_t gid, enum op op, const char *path,
	      long a, long b)
{
	pid_t pid;
	int fd;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 254;
	if (pid)
		return t_wait(pid);
	if (t_become(uid, gid))
		_exit(255);
	errno = 0;
	switch (op) {
	case OP_CREAT:
		fd = open(path, O_CREAT | O_EXCL | O_WRONLY, (mode_t)a);
		_exit(fd < 0 ? errno : 0);
	case OP_MKDIR:
		_exit(mkdir(path, (mode_t)a) ? errno : 0);
	case OP_MKFIFO:
		_exit(mkfifo(path, (mode_t)a) ? errno : 0);
	case OP_SYMLINK:
		_exit(symlink("target", path) ? errno : 0);
	case OP_CHOWN:
		_exit(chown(path, (uid_t)a, (gid_t)b) ? errno : 0);
	case OP_CHMOD:
		_exit(chmod(path, (mode_t)a) ? errno : 0);
	case OP_ACCESS:
		_exit(access(path, (int)a) ? errno : 0);
	}
	_exit(253);
}

#define SCHECK(c) CHECKF(c, "%s: %s (errno %s)", s->name, #c,		\
			 t_errname(errno))
#define SWANT(expr, want) do {						\
	int _r = (expr);						\
	CHECKF(_r == (want), "%s: %s: got %s, want %s", s->name, #expr,	\
	       t_errname(_r), t_errname(want));				\
} while (0)
#define AT(buf, dir, rel) (path_in(buf, dir, rel) ? "" : buf)

static int lst(const char *dir, const char *rel, struct stat *st)
{
	char p[PATH_MAX];

	if (path_in(p, dir, rel))
		return -1;
	return lstat(p, st);
}

/*
 * New files of a mapped caller (fsuid/fsgid MAPBASE+5) are stored with
 * group 5 and the owner the same request of user 5 gets unmapped, and
 * are shown with the mapped ids.  Where user 5's own request fails (QEMU
 * with access=any on passthrough refuses fifos: ENXIO), the mapped one
 * must fail the same way (KNOWN.md).
 */
static void create_body(const struct side *s)
{
	static const struct { const char *name; enum op op; } kinds[] = {
		{ "f", OP_CREAT }, { "d", OP_MKDIR }, { "p", OP_MKFIFO },
		{ "s", OP_SYMLINK },
	};
	char p[PATH_MAX], r[8], m[8];
	struct stat sr, sm, shm;
	int er, em;

	SCHECK(!chmod(s->raw, 0777));
	for (int i = 0; i < 4; i++) {
		snprintf(r, sizeof(r), "r%s", kinds[i].name);
		snprintf(m, sizeof(m), "m%s", kinds[i].name);
		er = as(5, 5, kinds[i].op, AT(p, s->raw, r), 0644, 0);
		em = as(MAPBASE + 5, MAPBASE + 5, kinds[i].op,
			AT(p, s->map, m), 0644, 0);
		CHECKF(er == em && (!er || strcmp(s->name, "ext4")),
		       "%s: %s: unmapped user 5 %s, mapped %s", s->name, m,
		       t_errname(er), t_errname(em));
		if (er) {
			t_note("%s: %s fails for user 5 unmapped too: %s",
			       s->name, m, t_errname(er));
			continue;
		}
		SCHECK(!lst(s->chk, r, &sr));
		SCHECK(!lst(s->chk, m, &sm));
		SCHECK(!lst(s->map, m, &shm));
		CHECKF(sm.st_gid == 5 && sr.st_gid == 5,
		       "%s: %s: stored gid %u (user 5's own: %u), want 5",
		       s->name, m, sm.st_gid, sr.st_gid);
		CHECKF(sm.st_uid == sr.st_uid,
		       "%s: %s: stored uid %u, user 5's own %u", s->name, m,
		       sm.st_uid, sr.st_uid);
		CHECKF(shm.st_uid == shown(sm.st_uid) &&
		       shm.st_gid == MAPBASE + 5,
		       "%s: %s shown as %u:%u, stored %u:%u", s->name, m,
		       shm.st_uid, shm.st_gid, sm.st_uid, sm.st_gid);
		if (!strcmp(s->name, "ext4"))
			CHECKF(sm.st_uid == 5, "ext4: %s stored uid %u", m,
			       sm.st_uid);
	}
}

static void map_create(void)
{
	on_both(create_body);
}

/* In a set-gid directory new files take its group, mapped or not. */
static void setgid_body(const struct side *s)
{
	char p[PATH_MAX];
	struct stat st;

	SCHECK(!mkdir(AT(p, s->raw, "g"), 0777));
	SCHECK(!chown(p, 0, 7));
	SCHECK(!chmod(p, 02777));
	SWANT(as(MAPBASE + 5, MAPBASE + 5, OP_CREAT, AT(p, s->map, "g/f"),
		 0644, 0), 0);
	SWANT(as(MAPBASE + 5, MAPBASE + 5, OP_MKDIR, AT(p, s->map, "g/d"),
		 0755, 0), 0);
	/* not in the group (10007 through the mapping): S_ISGID dropped */
	SWANT(as(MAPBASE + 5, MAPBASE + 5, OP_CREAT, AT(p, s->map, "g/x"),
		 02755, 0), 0);
	SCHECK(!lst(s->chk, "g/f", &st));
	CHECKF(st.st_gid == 7, "%s: g/f stored gid %u", s->name, st.st_gid);
	SCHECK(!lst(s->map, "g/f", &st));
	CHECKF(st.st_gid == MAPBASE + 7, "%s: g/f shown gid %u", s->name,
	       st.st_gid);
	SCHECK(!lst(s->chk, "g/d", &st));
	CHECKF(st.st_gid == 7 && (st.st_mode & S_ISGID),
	       "%s: g/d stored gid %u mode %o", s->name, st.st_gid,
	       st.st_mode);
	SCHECK(!lst(s->chk, "g/x", &st));
	CHECKF(st.st_gid == 7 && !(st.st_mode & S_ISGID),
	       "%s: g/x stored gid %u mode %o", s->name, st.st_gid,
	       st.st_mode);
}

static void map_setgid(void)
{
	on_both(setgid_body);
}

/* chown through the mapping stores the unmapped ids. */
static void chown_body(const struct side *s)
{
	char p[PATH_MAX], q[PATH_MAX];
	struct stat st;

	SCHECK(!t_put(AT(p, s->raw, "f"), "x", 1));
	SCHECK(!t_put(AT(q, s->raw, "f2"), "x", 1));
	SCHECK(!chown(q, 5, 5));
	SCHECK(!chown(AT(p, s->map, "f"), MAPBASE + 3, MAPBASE + 4));
	SCHECK(!lst(s->chk, "f", &st));
	CHECKF(st.st_uid == 3 && st.st_gid == 4, "%s: stored %u:%u, want 3:4",
	       s->name, st.st_uid, st.st_gid);
	SCHECK(!lst(s->map, "f", &st));
	CHECKF(st.st_uid == MAPBASE + 3 && st.st_gid == MAPBASE + 4,
	       "%s: shown %u:%u", s->name, st.st_uid, st.st_gid);
	/* an id the mapping has no file system id for */
	CHECK_ERR(chown(p, 500, -1), EOVERFLOW);
	SCHECK(!lst(s->chk, "f", &st));
	CHECKF(st.st_uid == 3, "%s: stored uid %u after EOVERFLOW", s->name,
	       st.st_uid);
	/* the owner through the mapping may not give the file away */
	SWANT(as(MAPBASE + 5, MAPBASE + 5, OP_CHOWN, AT(p, s->map, "f2"),
		 MAPBASE + 6, -1), EPERM);
	SCHECK(!chown(p, -1, MAPBASE + 9));
	SCHECK(!lst(s->chk, "f2", &st));
	CHECKF(st.st_uid == 5 && st.st_gid == 9, "%s: f2 stored %u:%u",
	       s->name, st.st_uid, st.st_gid);
}

static void map_chown(void)
{
	on_both(chown_body);
}

/* chmod: the mapped owner may, others (the unmapped id too) may not. */
static void chmod_body(const struct side *s)
{
	char p[PATH_MAX];
	struct stat st;

	SCHECK(!t_put(AT(p, s->raw, "f"), "x", 1));
	SCHECK(!chown(p, 5, 7));
	SCHECK(!chmod(p, 0600));
	SCHECK(!path_in(p, s->map, "f"));
	SWANT(as(MAPBASE + 5, MAPBASE + 5, OP_CHMOD, p, 0640, 0), 0);
	SCHECK(!lst(s->chk, "f", &st));
	CHECKF((st.st_mode & 07777) == 0640, "%s: stored mode %o", s->name,
	       st.st_mode);
	SWANT(as(MAPBASE + 6, MAPBASE + 6, OP_CHMOD, p, 0644, 0), EPERM);
	SWANT(as(5, 5, OP_CHMOD, p, 0644, 0), EPERM);
	/* S_ISGID of a group the caller is not in is dropped */
	SWANT(as(MAPBASE + 5, MAPBASE + 5, OP_CHMOD, p, 02640, 0), 0);
	SCHECK(!lst(s->chk, "f", &st));
	CHECKF((st.st_mode & 07777) == 0640, "%s: stored mode %o after 2640",
	       s->name, st.st_mode);
}

static void map_chmod(void)
{
	on_both(chmod_body);
}

/* access(): owner, group and other are the mapped ids. */
static void access_body(const struct side *s)
{
	char p[PATH_MAX];

	SCHECK(!t_put(AT(p, s->raw, "f"), "x", 1));
	SCHECK(!chown(p, 5, 6));
	SCHECK(!chmod(p, 0640));
	SWANT(as(5, 5, OP_ACCESS, p, R_OK | W_OK, 0), 0);
	SCHECK(!path_in(p, s->map, "f"));
	SWANT(as(MAPBASE + 5, MAPBASE + 5, OP_ACCESS, p, R_OK | W_OK, 0), 0);
	SWANT(as(MAPBASE + 6, MAPBASE + 6, OP_ACCESS, p, R_OK, 0), 0);
	SWANT(as(MAPBASE + 6, MAPBASE + 6, OP_ACCESS, p, W_OK, 0), EACCES);
	SWANT(as(MAPBASE + 7, MAPBASE + 7, OP_ACCESS, p, R_OK, 0), EACCES);
	SWANT(as(5, 5, OP_ACCESS, p, R_OK, 0), EACCES);
}

static void map_access(void)
{
	on_both(access_body);
}

/* The system.posix_acl_access value: version 2, then the entries. */
struct acl_entry {
	uint16_t tag, perm;
	uint32_t id;
};

#define ACL_USER_OBJ	0x01
#define ACL_USER	0x02
#define ACL_GROUP_OBJ	0x04
#define ACL_MASK	0x10
#define ACL_OTHER	0x20
#define ACL_NOID	0xffffffffu

/* The id of the first ACL_USER entry of @path's access ACL, or -1. */
static long acl_user_id(const char *path)
{
	unsigned char buf[256];
	struct acl_entry e;
	ssize_t n = getxattr(path, "system.posix_acl_access", buf, sizeof(buf));

	for (ssize_t off = 4; n > 0 && off + 8 <= n; off += 8) {
		memcpy(&e, buf + off, 8);
		if (e.tag == ACL_USER)
			return e.id;
	}
	return -1;
}

/* A named-user ACL entry set through the mapping names the unmapped id. */
static void acl_body(const struct side *s)
{
	static long ext4_shown = -2;
	struct {
		uint32_t version;
		struct acl_entry e[5];
	} __attribute__((packed)) acl = { 2, {
		{ ACL_USER_OBJ, 6, ACL_NOID },
		{ ACL_USER, 6, MAPBASE + 8 },
		{ ACL_GROUP_OBJ, 0, ACL_NOID },
		{ ACL_MASK, 6, ACL_NOID },
		{ ACL_OTHER, 0, ACL_NOID },
	} };
	char p[PATH_MAX], q[PATH_MAX];
	long id;

	SCHECK(!t_put(AT(p, s->raw, "f"), "x", 1));
	SCHECK(!chown(p, 5, 5));
	SCHECK(!chmod(p, 0600));
	SCHECK(!setxattr(AT(q, s->map, "f"), "system.posix_acl_access", &acl,
			 sizeof(acl), 0));
	id = acl_user_id(AT(p, s->chk, "f"));
	CHECKF(id == 8, "%s: stored ACL_USER id %ld, want 8", s->name, id);
	/* what getxattr shows through the mapping: as ext4 (run first) */
	id = acl_user_id(q);
	if (!strcmp(s->name, "ext4")) {
		ext4_shown = id;
		t_record("ext4: getxattr through the mapping shows ACL_USER %ld",
			 id);
	}
	CHECKF(id == ext4_shown, "%s: shown ACL_USER id %ld, ext4 %ld",
	       s->name, id, ext4_shown);
	SWANT(as(8, 8, OP_ACCESS, AT(p, s->raw, "f"), W_OK, 0), 0);
	SWANT(as(MAPBASE + 8, MAPBASE + 8, OP_ACCESS, q, W_OK, 0), 0);
	SWANT(as(MAPBASE + 9, MAPBASE + 9, OP_ACCESS, q, W_OK, 0), EACCES);
	SWANT(as(8, 8, OP_ACCESS, q, W_OK, 0), EACCES);
}

static void map_acl(void)
{
	if (!t_has_opt("posixacl"))
		SKIP("mount is not posixacl (V9FS_OPTS=%s)",
		     t_env("V9FS_OPTS", ""));
	on_both(acl_body);
}

/*
 * access=<uid> through a mapping: the caller whose mapped fsuid is that
 * uid may, and the server makes its files that uid's; others, the
 * unmapped uid itself too, get EPERM.  Last: it replaces the access=any
 * mount and its mapping (teardown unmounts whatever is there).
 */
static void map_single(void)
{
	char p[PATH_MAX], q[PATH_MAX], opts[1024], cwd[PATH_MAX];
	const char *mnt = getenv("V9FS_MNT");
	size_t n = strlen(mnt);
	struct stat st;

	if (setup_err[0])
		FAIL("no idmapped mounts: %s", setup_err);
	CHECK(!chmod(".", 0777));
	CHECK(getcwd(cwd, sizeof(cwd)) && !strncmp(cwd, mnt, n));
	sub(q, "9m");
	CHECK(!umount2(q, MNT_DETACH));
	sub(p, "9");
	CHECK(!umount2(p, MNT_DETACH));
	snprintf(opts, sizeof(opts), "%s,access=5", getenv("V9FS_OPTS"));
	CHECKF(!mount(getenv("V9FS_TAG2"), p, "9p", 0, opts),
	       "mount -o %s: %s", opts, t_errname(errno));
	CHECKF(!idmap_mount(p, q), "%s", setup_err);
	CHECK(!path_in(p, q, cwd + n + (cwd[n] == '/')));
	CHECK(!path_in(q, p, "f"));
	CHECKF(as(MAPBASE + 5, MAPBASE + 5, OP_CREAT, q, 0644, 0) == 0,
	       "the mapped user of access=5 cannot create");
	CHECK(!lstat("f", &st));
	CHECKF(st.st_uid == 5 && st.st_gid == 5, "stored %u:%u, want 5:5",
	       st.st_uid, st.st_gid);
	CHECK(!path_in(q, p, "g"));
	CHECKF(as(MAPBASE + 6, MAPBASE + 6, OP_CREAT, q, 0644, 0) == EPERM,
	       "another mapped user creates");
	CHECK(!path_in(q, p, "f"));
	CHECKF(as(MAPBASE + 6, MAPBASE + 6, OP_ACCESS, q, F_OK, 0) == EPERM,
	       "another mapped user is let in");
	CHECKF(as(5, 5, OP_ACCESS, q, F_OK, 0) == EPERM,
	       "the unmapped uid 5 is let in through the mapping");
}

/*
 * The suite's own mount, in a per-user access mode, is not idmapped:
 * mount_setattr() fails with EINVAL where the VFS lets 9p refuse it
 * (6.12), else every request through the mapping fails (EOPNOTSUPP)
 * and nothing is created.
 */
static void peruser_refused(void)
{
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_IDMAP,
		.userns_fd = userns_fd,
	};
	struct stat st;
	int fd;

	if (t_has_opt("access") && !t_has_opt("access=user") &&
	    !t_has_opt("access=client"))
		SKIP("not a per-user access mode");
	if (userns_fd < 0)
		FAIL("no user namespace: %s", setup_err);
	fd = open_tree(AT_FDCWD, ".", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	CHECK(fd >= 0);
	if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr))) {
		CHECKF(errno == EINVAL, "mount_setattr: %s", t_errname(errno));
		close(fd);
		return;
	}
	t_note("mapping made: requests through it must fail");
	errno = 0;
	CHECKF(fstatat(fd, "", &st, AT_EMPTY_PATH) && errno == EOPNOTSUPP,
	       "fstat of the mapped root: %s", t_errname(errno));
	errno = 0;
	CHECKF(openat(fd, "x", O_CREAT | O_WRONLY, 0644) < 0 &&
	       errno == EOPNOTSUPP, "create through it: %s", t_errname(errno));
	close(fd);
	CHECK_ERR(lstat("x", &st), ENOENT);
}

int main(void)
{
	int ret;

	t_init("t_idmap");
	if (!getenv("V9FS_TAG2") || !getenv("V9FS_MNT2") ||
	    !getenv("V9FS_MNT") || !t_has_opt("trans=virtio")) {
		printf("1..0 # SKIP no spare 9p mount tag (V9FS_TAG2) on virtio\n");
		return 4;
	}
	if (setup() && !setup_err[0])
		snprintf(setup_err, sizeof(setup_err), "setup failed");
	if (setup_err[0])
		t_note("setup: %s", setup_err);
	t_run("peruser_refused", peruser_refused);
	t_run("map_create", map_create);
	t_run("map_setgid", map_setgid);
	t_run("map_chown", map_chown);
	t_run("map_chmod", map_chmod);
	t_run("map_access", map_access);
	t_run("map_acl", map_acl);
	t_run("map_single", map_single);
	ret = t_finish();
	teardown();
	return ret;
}
