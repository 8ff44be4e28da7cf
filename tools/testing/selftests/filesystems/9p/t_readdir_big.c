// SPDX-License-Identifier: GPL-2.0
/*
 * t_readdir_big - a large directory (files, dirs, symlinks, FIFOs) listed
 * completely with getdents64 (small and big buffers) and readdir(3): every
 * entry exactly once, '.' and '..' once, correct d_type (DT_UNKNOWN is
 * allowed and recorded: QEMU's mapped security models send it), d_ino equal
 * to st_ino.  Kept apart from t_readdir because it is the slowest test.
 *
 * host_made lists a much larger directory that the harness made on the
 * host before the guest booted (creating 100,000 entries through 9p under
 * TCG would take an hour): every name the host has, exactly once, with the
 * host's d_type, and seekdir() back to a telldir() cookie resumes at the
 * same entry.
 *
 * Env: V9FS_READDIR_COUNT (default 5000): entries in the directory.
 *      V9FS_HUGE_DIR: that directory's name at the root of the export (the
 *      host sees it beside V9FS_HOSTDIR); unset: host_made is skipped.
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

/* Count '.' and '..'; true for them. */
static int dot_entry(const char *name)
{
	if (!strcmp(name, ".")) {
		ndot++;
		return 1;
	}
	if (!strcmp(name, "..")) {
		ndotdot++;
		return 1;
	}
	return 0;
}

/* Count one more sighting of @name; fails (-1) on the second. */
static int seen_before(int *seen, const char *name)
{
	if ((*seen)++) {
		t_fail_at(__FILE__, __LINE__, "duplicate entry '%s'", name);
		return -1;
	}
	return 0;
}

static int big_cb(const char *name, unsigned char type, ino_t ino)
{
	struct ent *e;

	if (dot_entry(name))
		return 0;
	e = find(name);
	if (!e) {
		t_fail_at(__FILE__, __LINE__, "unexpected entry '%s'", name);
		return -1;
	}
	if (seen_before(&e->seen, name))
		return -1;
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

/* ---- host_made: a directory made on the host ---- */

struct hname {
	char *name;
	unsigned char type;
	int seen;
};

static struct hname *hnames;
static size_t nhnames;

static int cmp_hname(const void *a, const void *b)
{
	return strcmp(((const struct hname *)a)->name,
		      ((const struct hname *)b)->name);
}

/* Every name (but . and ..) of @path, as readdir(3) gives them, sorted. */
static struct hname *read_names(const char *path, size_t *count)
{
	struct hname *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(path);

	if (!d)
		return NULL;
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			struct hname *nv;

			cap = cap ? 2 * cap : 4096;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		v[n].name = strdup(de->d_name);
		v[n].type = de->d_type;
		v[n].seen = 0;
		if (!v[n].name)
			break;
		n++;
		errno = 0;
	}
	if (de || errno) {
		closedir(d);
		for (size_t i = 0; i < n; i++)
			free(v[i].name);
		free(v);
		return NULL;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_hname);
	*count = n;
	return v;
}

static int huge_cb(const char *name, unsigned char type, ino_t ino)
{
	struct hname key = { .name = (char *)name }, *e;

	(void)ino;
	if (dot_entry(name))
		return 0;
	e = bsearch(&key, hnames, nhnames, sizeof(*hnames), cmp_hname);
	if (!e) {
		t_fail_at(__FILE__, __LINE__, "'%s' is not on the host", name);
		return -1;
	}
	if (seen_before(&e->seen, name))
		return -1;
	if (type == DT_UNKNOWN) {
		nunknown++;
	} else if (e->type != DT_UNKNOWN && type != e->type) {
		t_fail_at(__FILE__, __LINE__, "'%s' has d_type %s, the host %s",
			  name, dtname(type), dtname(e->type));
		return -1;
	}
	return 0;
}

static void host_made(void)
{
	const char *rel = getenv("V9FS_HUGE_DIR");
	const char *mnt = getenv("V9FS_MNT");
	const char *hd = getenv("V9FS_HOSTDIR");
	char guest[512], host[512];
	long cookie[3];
	char *want[3] = { NULL, NULL, NULL };
	struct dirent *de;
	size_t i, pos;
	double t0;
	DIR *d;

	if (!rel || !*rel || !mnt || !hd || !*hd)
		SKIP("V9FS_HUGE_DIR, V9FS_MNT or V9FS_HOSTDIR not set");
	snprintf(guest, sizeof(guest), "%s/%s", mnt, rel);
	snprintf(host, sizeof(host), "%s", hd);
	*strrchr(host, '/') = 0;	/* the export's root on the host */
	snprintf(host + strlen(host), sizeof(host) - strlen(host), "/%s", rel);
	hnames = read_names(host, &nhnames);
	CHECKF(hnames, "the host's %s: %s", host, strerror(errno));
	CHECKF(nhnames >= 1000, "the host's %s has only %zu entries", host,
	       nhnames);

	/* getdents64, 32 KiB at a time */
	t0 = t_now();
	ndot = ndotdot = nunknown = 0;
	if (list_raw(guest, 1 << 15, huge_cb))
		return;
	for (i = 0; i < nhnames; i++)
		CHECKF(hnames[i].seen == 1, "'%s' seen %d times of %zu entries",
		       hnames[i].name, hnames[i].seen, nhnames);
	CHECKF(ndot == 1 && ndotdot == 1, "'.' seen %d, '..' seen %d", ndot,
	       ndotdot);
	t_note("%zu host-made entries listed in %.1f s", nhnames, t_now() - t0);
	if (nunknown)
		t_record("%d of %zu entries have d_type DT_UNKNOWN", nunknown,
			 nhnames);

	/* readdir(3): telldir at three places, seekdir back to each */
	d = opendir(guest);
	CHECK(d);
	for (pos = 0; (de = readdir(d)); pos++) {
		for (i = 0; i < 3; i++)
			if (pos == (i + 1) * (nhnames / 4)) {
				cookie[i] = telldir(d);
				de = readdir(d);
				if (!de)
					break;
				want[i] = strdup(de->d_name);
				pos++;
			}
		if (!de)
			break;
	}
	for (i = 0; i < 3; i++) {
		if (!want[i]) {
			closedir(d);
			FAIL("readdir ended after %zu entries", pos);
		}
		seekdir(d, cookie[i]);
		de = readdir(d);
		if (!de || strcmp(de->d_name, want[i])) {
			closedir(d);
			FAIL("seekdir to cookie %zu: '%s', want '%s'", i,
			     de ? de->d_name : "(end)", want[i]);
		}
	}
	closedir(d);
	for (i = 0; i < 3; i++)
		free(want[i]);
	for (i = 0; i < nhnames; i++)
		free(hnames[i].name);
	free(hnames);
	hnames = NULL;
}

int main(void)
{
	/* the slowest test: creating thousands of entries uncached */
	setenv("V9FS_TEST_TIMEOUT", "900", 0);
	t_init("t_readdir_big");
	t_run("many_entries", many_entries);
	t_run("host_made", host_made);
	return t_finish();
}
