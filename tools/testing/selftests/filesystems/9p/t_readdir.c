// SPDX-License-Identifier: GPL-2.0
/*
 * t_readdir - directory listing semantics: telldir/seekdir/rewinddir,
 * rewinddir seeing creates and unlinks, and getdents interleaved with
 * creates/unlinks (entries that exist throughout are seen exactly once,
 * nothing twice).  The large-directory listing is in t_readdir_big.
 */
#include <dirent.h>
#include <sys/syscall.h>
#include "t_common.h"

static void telldir_seekdir(void)
{
	enum { N = 150 };
	static char names[N + 2][256];
	long pos[N + 2];
	struct dirent *de;
	int i, n = 0, m;
	DIR *d;

	CHECK(mkdir("d", 0755) == 0);
	for (i = 0; i < N; i++) {
		char p[48];

		snprintf(p, sizeof(p), "d/entry-%d", i);
		CHECK(t_put(p, "", 0) == 0);
	}
	d = opendir("d");
	CHECK(d);
	for (;;) {
		pos[n] = telldir(d);
		de = readdir(d);
		if (!de)
			break;
		CHECK(n < N + 2);
		snprintf(names[n], sizeof(names[n]), "%s", de->d_name);
		n++;
	}
	/* POSIX: "." and ".." are listed both or not at all (9P2000 servers
	 * need not send them) */
	CHECKF(n == N + 2 || n == N, "listed %d entries, want %d (or %d "
	       "without . and ..)", n, N + 2, N);
	/* seek back to a few positions and compare the rest of the stream */
	for (int k = 0; k < 5; k++) {
		int start = (k * 97 + 13) % n;

		seekdir(d, pos[start]);
		for (m = start; (de = readdir(d)); m++) {
			CHECKF(m < n, "more entries after seekdir than before");
			CHECKF(!strcmp(de->d_name, names[m]),
			       "after seekdir to #%d entry #%d is '%s', want '%s'",
			       start, m, de->d_name, names[m]);
		}
		CHECKF(m == n, "after seekdir to #%d got %d entries, want %d",
		       start, m - start, n - start);
	}
	/* telldir mid-stream after a seekdir matches the recorded position */
	seekdir(d, pos[10]);
	de = readdir(d);
	CHECKF(de && !strcmp(de->d_name, names[10]), "entry after seekdir");
	de = readdir(d);
	CHECKF(de && !strcmp(de->d_name, names[11]), "entry after seekdir+readdir");
	/* rewinddir gives the full listing again */
	rewinddir(d);
	for (m = 0; (de = readdir(d)); m++)
		CHECKF(m < n && !strcmp(de->d_name, names[m]),
		       "after rewinddir entry #%d differs", m);
	CHECKF(m == n, "rewinddir listing has %d entries", m);
	closedir(d);
}

static void rewind_sees_changes(void)
{
	struct dirent *de;
	int n, found, dots;
	DIR *d;

	CHECK(mkdir("d", 0755) == 0);
	d = opendir("d");
	CHECK(d);
	for (n = 0; (de = readdir(d)); n++)
		;
	/* "." and ".." both, or neither (allowed by POSIX) */
	CHECKF(n == 2 || n == 0, "empty dir lists %d entries", n);
	dots = n;
	CHECK(t_put("d/one", "", 0) == 0);
	rewinddir(d);
	found = 0;
	for (n = 0; (de = readdir(d)); n++)
		found += !strcmp(de->d_name, "one");
	CHECKF(n == dots + 1 && found == 1,
	       "after create+rewinddir: %d entries, 'one' %d",
	       n, found);
	CHECK(unlink("d/one") == 0);
	CHECK(mkdir("d/two", 0755) == 0);
	rewinddir(d);
	found = 0;
	for (n = 0; (de = readdir(d)); n++) {
		CHECKF(strcmp(de->d_name, "one"), "unlinked entry still listed");
		found += !strcmp(de->d_name, "two") &&
			 (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN);
	}
	CHECKF(n == dots + 1 && found == 1, "after unlink+mkdir: %d entries", n);
	closedir(d);
}

static void interleaved(void)
{
	enum { STABLE = 300, VICTIMS = 100, BUF = 400 };
	static int seen_stable[STABLE], seen_victim[VICTIMS], seen_new[VICTIMS * 2];
	char buf[BUF];
	int fd, i, created = 0, removed = 0;

	CHECK(mkdir("d", 0755) == 0);
	for (i = 0; i < STABLE; i++) {
		char p[48];

		snprintf(p, sizeof(p), "d/stable-%d", i);
		CHECK(t_put(p, "", 0) == 0);
		if (i % 3 == 0 && i / 3 < VICTIMS) {
			snprintf(p, sizeof(p), "d/victim-%d", i / 3);
			CHECK(t_put(p, "", 0) == 0);
		}
	}
	fd = open("d", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	for (;;) {
		long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));

		CHECKF(n >= 0, "getdents64: %s", t_errname(errno));
		if (n == 0)
			break;
		for (long off = 0; off < n;) {
			struct dirent64 *de = (struct dirent64 *)(buf + off);
			int k;

			off += de->d_reclen;
			if (sscanf(de->d_name, "stable-%d", &k) == 1) {
				CHECK(k >= 0 && k < STABLE);
				CHECKF(!seen_stable[k]++, "stable-%d listed twice", k);
			} else if (sscanf(de->d_name, "victim-%d", &k) == 1) {
				CHECK(k >= 0 && k < VICTIMS);
				CHECKF(!seen_victim[k]++, "victim-%d listed twice", k);
			} else if (sscanf(de->d_name, "new-%d", &k) == 1) {
				CHECK(k >= 0 && k < VICTIMS * 2);
				CHECKF(!seen_new[k]++, "new-%d listed twice", k);
			} else {
				CHECKF(!strcmp(de->d_name, ".") ||
				       !strcmp(de->d_name, ".."),
				       "unexpected entry '%s'", de->d_name);
			}
		}
		/* mutate the directory between getdents calls */
		for (int j = 0; j < 4 && created < VICTIMS * 2; j++) {
			char p[48];

			snprintf(p, sizeof(p), "d/new-%d", created++);
			CHECK(t_put(p, "", 0) == 0);
		}
		for (int j = 0; j < 2 && removed < VICTIMS; j++) {
			char p[48];

			snprintf(p, sizeof(p), "d/victim-%d", removed++);
			CHECK(unlink(p) == 0);
		}
	}
	close(fd);
	for (i = 0; i < STABLE; i++)
		CHECKF(seen_stable[i] == 1, "stable-%d seen %d times while the "
		       "directory changed", i, seen_stable[i]);
	t_note("created %d, removed %d during the listing", created, removed);
}

int main(void)
{
	t_init("t_readdir");
	t_run("telldir_seekdir", telldir_seekdir);
	t_run("rewind_sees_changes", rewind_sees_changes);
	t_run("interleaved", interleaved);
	return t_finish();
}
