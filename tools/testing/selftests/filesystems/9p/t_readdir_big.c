// SPDX-License-Identifier: GPL-2.0
/*
 * t_readdir_big - a large directory (files, dirs, symlinks, FIFOs) listed
 * completely with getdents64 (small and big buffers) and readdir(3): every
 * entry exactly once, '.' and '..' once, correct d_type (DT_UNKNOWN is
 * allowed and recorded: QEMU's mapped security models send it), d_ino equal
 * to st_ino.  Kept apart from t_readdir because it is the slowest test.
 *
 * Env: V9FS_READDIR_COUNT (default 5000): entries in the directory.
 */
#include <dirent.h>
#include <sys/syscall.h>
#include "t_common.h"
struct ent {
	char name[32];
	unsigned char type;
	int seen;
};

static struct ent *ents;
static int nents;

static int cmp_ent(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->name, ((const struct ent *)b)->name);
}

static struct ent *find(const char *name)
{
	struct ent key;

	if (strlen(name) >= sizeof(key.name))
		return NULL;
	strcpy(key.name, name);
	return bsearch(&key, ents, nents, sizeof(*ents), cmp_ent);
}

static const char *dtname(unsigned t)
{
	switch (t) {
	case DT_REG: return "REG";
	case DT_DIR: return "DIR";
	case DT_LNK: return "LNK";
	case DT_FIFO: return "FIFO";
	case DT_UNKNOWN: return "UNKNOWN";
	default: return "?";
	}
}

/* Read a directory with raw getdents64 and a small buffer, feeding each
 * entry to cb.  Returns 0 or -1 (and sets the failure). */
static int list_raw(const char *dir, size_t bufsz,
		    int (*cb)(const char *name, unsigned char type, ino_t ino))
{
	char *buf = malloc(bufsz);
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int ret = 0;

	if (!buf || fd < 0) {
		t_fail_at(__FILE__, __LINE__, "open %s: %s", dir, strerror(errno));
		free(buf);
		return -1;
	}
	for (;;) {
		long n = syscall(SYS_getdents64, fd, buf, bufsz);

		if (n < 0) {
			t_fail_at(__FILE__, __LINE__, "getdents64: %s",
				  t_errname(errno));
			ret = -1;
			break;
		}
		if (n == 0)
			break;
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			if (cb(d->d_name, d->d_type, d->d_ino)) {
				ret = -1;
				goto out;
			}
			off += d->d_reclen;
		}
	}
out:
	close(fd);
	free(buf);
	return ret;
}

static int ndot, ndotdot, nsampled, nunknown;
static char dir_prefix[16];

static int big_cb(const char *name, unsigned char type, ino_t ino)
{
	struct ent *e;

	if (!strcmp(name, ".")) {
		ndot++;
		return 0;
	}
	if (!strcmp(name, "..")) {
		ndotdot++;
		return 0;
	}
	e = find(name);
	if (!e) {
		t_fail_at(__FILE__, __LINE__, "unexpected entry '%s'", name);
		return -1;
	}
	if (e->seen++) {
		t_fail_at(__FILE__, __LINE__, "duplicate entry '%s'", name);
		return -1;
	}
	if (type == DT_UNKNOWN) {
		nunknown++;	/* allowed (e.g. QEMU's mapped models) */
	} else if (type != e->type) {
		t_fail_at(__FILE__, __LINE__, "'%s' has d_type %s, want %s", name,
			  dtname(type), dtname(e->type));
		return -1;
	}
	if ((e - ents) % 97 == 0) {
		char path[64];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir_prefix, name);
		if (lstat(path, &st) || st.st_ino != ino) {
			t_fail_at(__FILE__, __LINE__,
				  "'%s': d_ino %llu, st_ino %llu", name,
				  (unsigned long long)ino,
				  (unsigned long long)st.st_ino);
			return -1;
		}
		nsampled++;
	}
	return 0;
}

static int check_all_seen(const char *how)
{
	for (int i = 0; i < nents; i++)
		if (ents[i].seen != 1) {
			t_fail_at(__FILE__, __LINE__, "%s: '%s' seen %d times", how,
				  ents[i].name, ents[i].seen);
			return -1;
		}
	if (ndot != 1 || ndotdot != 1) {
		t_fail_at(__FILE__, __LINE__, "%s: '.' seen %d, '..' seen %d", how,
			  ndot, ndotdot);
		return -1;
	}
	return 0;
}

static void reset_seen(void)
{
	for (int i = 0; i < nents; i++)
		ents[i].seen = 0;
	ndot = ndotdot = nsampled = nunknown = 0;
}

static void many_entries(void)
{
	long count = t_env_long("V9FS_READDIR_COUNT", 5000);
	double t0 = t_now();
	int fifo_ok = 1;
	struct dirent *de;
	DIR *d;
	int i;

	CHECK(count > 0 && count < 10000000);
	ents = calloc(count, sizeof(*ents));
	CHECK(ents);
	nents = count;
	strcpy(dir_prefix, "big");
	CHECK(mkdir("big", 0755) == 0);
	for (i = 0; i < nents; i++) {
		char path[64];
		int kind = i % 20;

		/* names of varying length, so records straddle buffers */
		snprintf(ents[i].name, sizeof(ents[i].name), "%s%d%.*s",
			 kind == 1 ? "dir" : kind == 2 ? "lnk" : kind == 3 ? "fifo" : "f",
			 i, i % 13, "xxxxxxxxxxxxx");
		snprintf(path, sizeof(path), "big/%s", ents[i].name);
		if (kind == 1) {
			CHECKF(mkdir(path, 0755) == 0, "mkdir %s: %s", path,
			       strerror(errno));
			ents[i].type = DT_DIR;
		} else if (kind == 2) {
			CHECKF(symlink("target", path) == 0, "symlink %s: %s",
			       path, strerror(errno));
			ents[i].type = DT_LNK;
		} else if (kind == 3 && fifo_ok && mkfifo(path, 0644) == 0) {
			ents[i].type = DT_FIFO;
		} else if (kind == 3 && fifo_ok && errno != ENXIO) {
			FAIL("mkfifo %s: %s", path, strerror(errno));
		} else {
			if (kind == 3 && fifo_ok) {
				/* QEMU 7.2 passthrough: see KNOWN.md */
				t_record("mkfifo: ENXIO from the server; "
					 "regular files instead of FIFOs");
				fifo_ok = 0;
			}
			int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);

			CHECKF(fd >= 0, "create %s: %s", path, strerror(errno));
			close(fd);
			ents[i].type = DT_REG;
		}
	}
	t_note("created %d entries in %.1f s", nents, t_now() - t0);
	qsort(ents, nents, sizeof(*ents), cmp_ent);

	/* raw getdents64 with a small buffer (many calls) */
	t0 = t_now();
	reset_seen();
	if (list_raw("big", 600, big_cb) || check_all_seen("getdents64(600)"))
		return;
	CHECKF(nsampled > 0, "no d_ino sampled");
	if (nunknown)
		t_record("%d of %d entries have d_type DT_UNKNOWN", nunknown, nents);
	/* and with a big buffer */
	reset_seen();
	if (list_raw("big", 1 << 16, big_cb) || check_all_seen("getdents64(64k)"))
		return;
	/* readdir(3) */
	reset_seen();
	d = opendir("big");
	CHECK(d);
	errno = 0;
	while ((de = readdir(d)))
		if (big_cb(de->d_name, de->d_type, de->d_ino)) {
			closedir(d);
			return;
		}
	CHECKF(errno == 0, "readdir: %s", t_errname(errno));
	closedir(d);
	if (check_all_seen("readdir"))
		return;
	t_note("listed %d entries 3 times in %.1f s", nents, t_now() - t0);
	/* the directory's nlink counts its subdirectories (if maintained) */
	{
		struct stat st;

		CHECK(stat("big", &st) == 0);
		if (st.st_nlink != 1 && st.st_nlink != 2 + (unsigned long)(nents + 18) / 20)
			t_record("dir with %d subdirs has nlink %lu",
				 (nents + 18) / 20, (unsigned long)st.st_nlink);
	}
	free(ents);
	ents = NULL;
}

int main(void)
{
	/* the slowest test: creating thousands of entries uncached */
	setenv("V9FS_TEST_TIMEOUT", "900", 0);
	t_init("t_readdir_big");
	t_run("many_entries", many_entries);
	return t_finish();
}
