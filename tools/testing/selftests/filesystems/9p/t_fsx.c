// SPDX-License-Identifier: GPL-2.0
/*
 * t_fsx - a data-integrity checker in the style of fsx: one file on the
 * mount gets a random mix of pread, pwrite (also past EOF, leaving holes
 * that must read as zeros), ftruncate up and down, shared read and write
 * mappings (msync or not), fsync/fdatasync, close-and-reopen, and I/O
 * through a second fd of the same file, and every result is checked against
 * an in-memory model of what the file must hold.  The whole file (fstat
 * size and content) is compared every few operations and at the end.
 *
 * Subtests:
 *   fsx       the mix above on the mount under test
 *   fsx_mnt2  the same mix, plus reading the file through the second mount
 *             of the export (V9FS_TESTDIR2) after fsync: with cache=none
 *             the second mount must match at once, also while the file
 *             stays open on the first; in the caching modes only after
 *             close on the first mount and open on the second
 *             (close-to-open).  Skipped without V9FS_TESTDIR2.
 *
 * Everything is driven by one seeded PRNG: the seed is always printed, and
 * `t_fsx -S SEED [same -N/-l/-o/-W/-R] -v` replays a run, printing every
 * operation.  On a mismatch the test prints the seed, the operation number,
 * the last operations, the first differing offset with expected and actual
 * bytes (and which earlier write those bytes came from, when they match
 * one), writes the model to fsx.good next to the file, keeps the directory
 * and fails.
 *
 * Usage: t_fsx [-S seed] [-N ops] [-l maxlen] [-o maxop] [-W] [-R] [-P]
 *              [-1|-2] [-v] [-C op]
 *   -S seed     PRNG seed (default: from the clock; env V9FS_FSX_SEED)
 *   -N ops      operations per subtest (default 600; env V9FS_FSX_OPS)
 *   -l maxlen   largest file size (default 256 KiB; env V9FS_FSX_LEN)
 *   -o maxop    largest single read/write/mapping (default 64 KiB)
 *   -W / -R     no mmap writes / no mmap reads
 *   -P          no pread/pwrite of a range while it is mapped for writing
 *   -1 / -2     run only fsx / only fsx_mnt2
 *   -v          print every operation as it is done (the replay log)
 *   -C op       self-test: after operation `op`, change one byte of the
 *               file behind the model's back; the run must then fail
 *               (unless a later write or truncate happens to undo it;
 *               an `op` of 63 mod 64 is caught by the periodic check)
 *
 * Without -W, a client other than v9fs-ng that refuses shared writable
 * mappings (the kernel's cache=none) gets mmap writes turned off, with a
 * RECORD line; for v9fs-ng that is a failure.
 */
#include <limits.h>
#include <setjmp.h>
#include <sys/mman.h>
#include "t_common.h"

#define FNAME "fsx.f"
#define LOGSHOW 20

enum op {
	OP_READ, OP_WRITE, OP_TRUNC, OP_MAPREAD, OP_MAPWRITE, OP_FSYNC,
	OP_FDATASYNC, OP_REOPEN, OP_CHECK, OP_MNT2, OP_NR
};

static const char *const op_names[OP_NR] = {
	"read", "write", "truncate", "mapread", "mapwrite", "fsync",
	"fdatasync", "reopen", "check", "mnt2",
};

/* Relative frequency of each operation (OP_CHECK also runs periodically). */
static const unsigned int op_weight[OP_NR] = {
	[OP_READ] = 20, [OP_WRITE] = 20, [OP_TRUNC] = 6, [OP_MAPREAD] = 10,
	[OP_MAPWRITE] = 10, [OP_FSYNC] = 2, [OP_FDATASYNC] = 2,
	[OP_REOPEN] = 3, [OP_CHECK] = 2, [OP_MNT2] = 4,
};

/* Variants, in struct rec.flags */
#define F_FD2		0x01	/* done through the second fd */
#define F_MSYNC		0x02	/* mapwrite: msync(MS_SYNC) before munmap */
#define F_RDBACK	0x04	/* mapwrite: pread the range while mapped */
#define F_OVERWRITE	0x08	/* mapwrite: pwrite over part while mapped */
#define F_EOFTAIL	0x10	/* mapread: also check the EOF page's tail */
#define F_KEEPOPEN	0x20	/* mnt2: first mount's fds stay open */
#define F_PERSIST	0x40	/* mnt2: through a long-lived mnt2 fd */

struct rec {
	unsigned long n;
	enum op op;
	unsigned int flags;
	uint64_t off, len;
	uint64_t size0, size1;	/* file size before and after */
	uint64_t off2, len2;	/* mapwrite F_OVERWRITE: the pwrite */
};

/* Options */
static uint64_t o_seed;
static unsigned long o_nops = 600;
static uint64_t o_maxlen = 256 * 1024;
static uint64_t o_maxop = 64 * 1024;
static int o_nomapwrite, o_nomapread, o_nomapio, o_only, o_verbose;
static unsigned long o_corrupt;	/* 0 = off */

/* State of one run */
static uint64_t rs;		/* PRNG state */
static uint64_t seed;		/* seed of this subtest */
static unsigned char *model, *buf, *buf2;
static uint64_t fsize;		/* the model's file size */
static int fd1 = -1, fd2 = -1, m2fd = -1;
static struct rec *log_recs;
static unsigned long nlog;
static unsigned long cur;	/* current operation number */
static int use_mnt2, mnt2_strict, mapwrite_ok, mapread_ok, auto_nomapwrite;
static int mapread_flags = MAP_SHARED;
static char path2[PATH_MAX];
static long pgsz;

static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_armed;

static uint64_t rnd(void)
{
	uint64_t z = (rs += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/*
 * The byte operation `opn` writes at file offset `off`: never 0, so that
 * a hole or a lost write shows up as zeros, and different for every
 * operation, so that a wrong byte can be traced to the write it came from.
 */
static unsigned char dbyte(unsigned long opn, uint64_t off)
{
	uint64_t x = (opn * 0x9E3779B97F4A7C15ull) ^
		     (off * 0xC2B2AE3D27D4EB4Full) ^ seed;

	x ^= x >> 29;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 32;
	return (x & 0xff) ? (x & 0xff) : 1;
}

static void gen_data(unsigned char *p, unsigned long opn, uint64_t off,
		     uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		p[i] = dbyte(opn, off + i);
}

static void rec_print(const struct rec *r, const char *prefix)
{
	char fl[96];

	snprintf(fl, sizeof(fl), "%s%s%s%s%s%s%s",
		 r->flags & F_FD2 ? " fd2" : "",
		 r->flags & F_MSYNC ? " msync" : "",
		 r->flags & F_RDBACK ? " readback" : "",
		 r->flags & F_OVERWRITE ? " overwrite" : "",
		 r->flags & F_EOFTAIL ? " eoftail" : "",
		 r->flags & F_KEEPOPEN ? " keepopen" : "",
		 r->flags & F_PERSIST ? " persistent-fd" : "");
	printf("# %s%6lu %-9s off 0x%06llx len 0x%06llx size 0x%06llx", prefix,
	       r->n, op_names[r->op], (unsigned long long)r->off,
	       (unsigned long long)r->len, (unsigned long long)r->size0);
	if (r->size1 != r->size0)
		printf("->0x%06llx", (unsigned long long)r->size1);
	if (r->flags & F_OVERWRITE)
		printf(" pwrite 0x%06llx+0x%llx", (unsigned long long)r->off2,
		       (unsigned long long)r->len2);
	printf("%s\n", fl);
}

/* Does the data of a logged write cover `off` with these bytes? */
static int rec_wrote(const struct rec *r, uint64_t off, const unsigned char *p,
		     uint64_t n)
{
	if (r->op == OP_WRITE || r->op == OP_MAPWRITE) {
		if (off >= r->off && off + n <= r->off + r->len) {
			for (uint64_t i = 0; i < n; i++)
				if (p[i] != dbyte(r->n, off + i))
					goto overwrite;
			return 1;
		}
	}
overwrite:
	if ((r->flags & F_OVERWRITE) && off >= r->off2 &&
	    off + n <= r->off2 + r->len2) {
		for (uint64_t i = 0; i < n; i++)
			if (p[i] != dbyte(r->n + o_nops + 1, off + i))
				return 0;
		return 1;
	}
	return 0;
}

static void dump_hex(const char *what, const unsigned char *p, uint64_t n)
{
	printf("# %s:", what);
	for (uint64_t i = 0; i < n; i++)
		printf(" %02x", p[i]);
	printf("\n");
}

static void replay_hint(void)
{
	printf("# replay: t_fsx -%c -S %llu -N %lu -l %llu -o %llu%s%s%s -v\n",
	       use_mnt2 ? '2' : '1', (unsigned long long)o_seed, o_nops,
	       (unsigned long long)o_maxlen, (unsigned long long)o_maxop,
	       o_nomapwrite ? " -W" : "", o_nomapread ? " -R" : "",
	       o_nomapio ? " -P" : "");
}

/*
 * Report a failure: the reason, the seed, the last operations, and keep
 * the directory (t_run removes it unless V9FS_KEEP is set).
 */
__attribute__((format(printf, 1, 2)))
static int fsx_fail(const char *fmt, ...)
{
	char msg[512];
	unsigned long first;
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("# FAIL: seed %llu, operation %lu (%s): %s\n",
	       (unsigned long long)seed, cur,
	       cur < nlog ? op_names[log_recs[cur].op] : "?", msg);
	first = nlog > LOGSHOW ? nlog - LOGSHOW : 0;
	printf("# the last %lu operations (of %lu):\n", nlog - first, nlog);
	for (unsigned long i = first; i < nlog; i++)
		rec_print(&log_recs[i], i == cur ? "> " : "  ");
	replay_hint();
	fd = open("fsx.good", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		if (t_write_all(fd, model, fsize) == (ssize_t)fsize)
			printf("# the model is in fsx.good, the file is %s\n",
			       FNAME);
		close(fd);
	}
	setenv("V9FS_KEEP", "1", 1);
	t_fail_at(__FILE__, __LINE__, "seed %llu op %lu: %s",
		  (unsigned long long)seed, cur, msg);
	return -1;
}

/*
 * Compare `got` (n bytes, read at file offset off) with the model.
 * Returns 0 or reports and returns -1.
 */
static int compare(const char *what, const unsigned char *got, uint64_t off,
		   uint64_t n)
{
	uint64_t i, j, bad = 0, last = 0, show;
	const unsigned char *exp = model + off;

	if (!memcmp(got, exp, n))
		return 0;
	for (i = 0; i < n && got[i] == exp[i]; i++)
		;
	for (j = i; j < n; j++) {
		if (got[j] != exp[j]) {
			bad++;
			last = j;
		}
	}
	show = n - i < 16 ? n - i : 16;
	printf("# %s: %llu bytes differ in [0x%llx, 0x%llx], first at file "
	       "offset 0x%llx (file size 0x%llx)\n", what,
	       (unsigned long long)bad, (unsigned long long)(off + i),
	       (unsigned long long)(off + last), (unsigned long long)(off + i),
	       (unsigned long long)fsize);
	dump_hex("expected", exp + i, show);
	dump_hex("got     ", got + i, show);
	for (j = 0; j < show && !got[i + j]; j++)
		;
	if (j == show) {
		printf("# got zeros\n");
	} else {
		for (j = nlog; j-- > 0;) {
			if (rec_wrote(&log_recs[j], off + i, got + i, show)) {
				printf("# the bytes got are the data of "
				       "operation %lu:\n", log_recs[j].n);
				rec_print(&log_recs[j], "  ");
				break;
			}
		}
	}
	return fsx_fail("%s: data differ at file offset 0x%llx", what,
			(unsigned long long)(off + i));
}

/* pread n bytes at off, looping over short reads; returns bytes or -1. */
static ssize_t pread_full(int fd, unsigned char *p, uint64_t n, uint64_t off)
{
	uint64_t done = 0;

	while (done < n) {
		ssize_t r = pread(fd, p + done, n - done, off + done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		done += r;
	}
	return done;
}

static int pwrite_full(int fd, const unsigned char *p, uint64_t n,
		       uint64_t off)
{
	uint64_t done = 0;

	while (done < n) {
		ssize_t r = pwrite(fd, p + done, n - done, off + done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += r;
	}
	return 0;
}

static void on_sigbus(int sig)
{
	(void)sig;
	if (bus_armed)
		siglongjmp(bus_jmp, 1);
	signal(SIGBUS, SIG_DFL);
	raise(SIGBUS);
}

static int open_fds(void)
{
	fd1 = open(FNAME, O_RDWR);
	fd2 = open(FNAME, O_RDWR);
	if (fd1 < 0 || fd2 < 0)
		return fsx_fail("reopen %s: %s", FNAME, strerror(errno));
	return 0;
}

static void close_fds(void)
{
	if (fd1 >= 0)
		close(fd1);
	if (fd2 >= 0)
		close(fd2);
	fd1 = fd2 = -1;
}

static int close_fds_checked(void)
{
	int e1 = close(fd1), e2 = close(fd2);

	fd1 = fd2 = -1;
	if (e1 || e2)
		return fsx_fail("close: %s", strerror(errno));
	return 0;
}

/* The whole file through fd: size from fstat, then every byte. */
static int check_whole(int fd, const char *what)
{
	struct stat st;
	ssize_t r;

	if (fstat(fd, &st))
		return fsx_fail("%s: fstat: %s", what, strerror(errno));
	if ((uint64_t)st.st_size != fsize)
		return fsx_fail("%s: fstat size 0x%llx, expected 0x%llx", what,
				(unsigned long long)st.st_size,
				(unsigned long long)fsize);
	/* ask for more than the size: nothing may come after EOF */
	r = pread_full(fd, buf, fsize + 1, 0);
	if (r < 0)
		return fsx_fail("%s: pread: %s", what, strerror(errno));
	if ((uint64_t)r != fsize) {
		printf("# %s: read 0x%llx bytes, file size 0x%llx\n", what,
		       (unsigned long long)r, (unsigned long long)fsize);
		if ((uint64_t)r < fsize && compare(what, buf, 0, r))
			return -1;
		return fsx_fail("%s: read 0x%llx bytes of a 0x%llx byte file",
				what, (unsigned long long)r,
				(unsigned long long)fsize);
	}
	return compare(what, buf, 0, fsize);
}

/* A random offset and length inside [0, limit), biased to page edges. */
static void pick_range(uint64_t limit, uint64_t *off, uint64_t *len)
{
	uint64_t o, l;

	o = rnd_below(limit);
	if (!rnd_below(4))
		o &= ~(uint64_t)(pgsz - 1);
	l = 1 + rnd_below(o_maxop);
	if (!rnd_below(4))
		l = (l + pgsz - 1) & ~(uint64_t)(pgsz - 1);
	if (o + l > limit)
		l = limit - o;
	*off = o;
	*len = l;
}

static int do_read(struct rec *r)
{
	int fd = r->flags & F_FD2 ? fd2 : fd1;
	uint64_t want;
	ssize_t got;

	/* sometimes starting at or past EOF */
	pick_range(fsize + pgsz, &r->off, &r->len);
	if (!r->len)
		r->len = 1;
	want = r->off >= fsize ? 0 :
	       (r->off + r->len > fsize ? fsize - r->off : r->len);
	got = pread_full(fd, buf, r->len, r->off);
	if (got < 0)
		return fsx_fail("pread: %s", strerror(errno));
	if ((uint64_t)got != want) {
		if ((uint64_t)got < want && compare("read", buf, r->off, got))
			return -1;
		return fsx_fail("pread at 0x%llx of 0x%llx returned 0x%llx, "
				"expected 0x%llx", (unsigned long long)r->off,
				(unsigned long long)r->len,
				(unsigned long long)got,
				(unsigned long long)want);
	}
	return compare("read", buf, r->off, want);
}

static void model_resize(uint64_t nsize)
{
	if (nsize < fsize)
		memset(model + nsize, 0, fsize - nsize);
	fsize = nsize;
}

static int do_write(struct rec *r)
{
	int fd = r->flags & F_FD2 ? fd2 : fd1;

	if (rnd_below(3) == 0 && fsize < o_maxlen) {
		/* past EOF, leaving a hole */
		pick_range(o_maxlen - fsize, &r->off, &r->len);
		r->off += fsize;
	} else {
		pick_range(o_maxlen, &r->off, &r->len);
	}
	if (!r->len)
		return 0;
	gen_data(buf, r->n, r->off, r->len);
	if (pwrite_full(fd, buf, r->len, r->off))
		return fsx_fail("pwrite: %s", strerror(errno));
	memcpy(model + r->off, buf, r->len);
	if (r->off + r->len > fsize)
		fsize = r->off + r->len;
	r->size1 = fsize;
	return 0;
}

static int do_trunc(struct rec *r)
{
	int fd = r->flags & F_FD2 ? fd2 : fd1;
	uint64_t n = rnd_below(o_maxlen + 1);

	if (!rnd_below(4))
		n &= ~(uint64_t)(pgsz - 1);
	r->off = n;
	if (ftruncate(fd, n))
		return fsx_fail("ftruncate to 0x%llx: %s",
				(unsigned long long)n, strerror(errno));
	model_resize(n);
	r->size1 = fsize;
	return 0;
}

static int do_mapread(struct rec *r)
{
	int fd = r->flags & F_FD2 ? fd2 : fd1;
	uint64_t pg, mlen, end;
	unsigned char *p;

	if (!fsize)
		return 0;
	pick_range(fsize, &r->off, &r->len);
	if (!rnd_below(4)) {
		r->len = fsize - r->off;
		r->flags |= F_EOFTAIL;
	}
	pg = r->off & ~(uint64_t)(pgsz - 1);
	end = r->off + r->len;
	if (r->flags & F_EOFTAIL)
		end = (end + pgsz - 1) & ~(uint64_t)(pgsz - 1);
	mlen = end - pg;
	p = mmap(NULL, mlen, PROT_READ, mapread_flags, fd, pg);
	if (p == MAP_FAILED && !mapread_ok && mapread_flags == MAP_SHARED &&
	    (errno == EINVAL || errno == ENODEV || errno == EACCES) &&
	    !t_client_is("ng")) {
		t_record("mmap(PROT_READ, MAP_SHARED) of an O_RDWR fd fails "
			 "%s: map reads use MAP_PRIVATE", t_errname(errno));
		mapread_flags = MAP_PRIVATE;
		p = mmap(NULL, mlen, PROT_READ, mapread_flags, fd, pg);
	}
	if (p == MAP_FAILED)
		return fsx_fail("mmap(PROT_READ, %s) 0x%llx+0x%llx: %s",
				mapread_flags == MAP_SHARED ? "MAP_SHARED" :
				"MAP_PRIVATE", (unsigned long long)pg,
				(unsigned long long)mlen, strerror(errno));
	mapread_ok = 1;
	if (sigsetjmp(bus_jmp, 1)) {
		bus_armed = 0;
		munmap(p, mlen);
		return fsx_fail("SIGBUS reading the mapping 0x%llx+0x%llx",
				(unsigned long long)pg,
				(unsigned long long)mlen);
	}
	bus_armed = 1;
	memcpy(buf, p + (r->off - pg), r->len);
	if (r->flags & F_EOFTAIL)
		memcpy(buf2, p + (fsize - pg), end - fsize);
	bus_armed = 0;
	munmap(p, mlen);
	if (compare("mapread", buf, r->off, r->len))
		return -1;
	if (r->flags & F_EOFTAIL) {
		for (uint64_t i = 0; i < end - fsize; i++) {
			if (buf2[i])
				return fsx_fail("mapread: byte 0x%llx past EOF "
						"(0x%llx) in the last page is "
						"0x%02x, not 0",
						(unsigned long long)(fsize + i),
						(unsigned long long)fsize,
						buf2[i]);
		}
	}
	return 0;
}

static int do_mapwrite(struct rec *r)
{
	int fd = r->flags & F_FD2 ? fd2 : fd1;
	int other = r->flags & F_FD2 ? fd1 : fd2;
	uint64_t pg, mlen, end;
	unsigned char *p;

	pick_range(o_maxlen, &r->off, &r->len);
	if (!r->len)
		return 0;
	end = r->off + r->len;
	/* a mapping cannot extend the file: make it long enough first */
	if (end > fsize) {
		if (ftruncate(fd, end))
			return fsx_fail("mapwrite: ftruncate to 0x%llx: %s",
					(unsigned long long)end,
					strerror(errno));
		model_resize(end);
	}
	r->size1 = fsize;
	if (rnd_below(2))
		r->flags |= F_MSYNC;
	if (!rnd_below(5) && !o_nomapio)
		r->flags |= F_RDBACK;
	if (!rnd_below(6) && !o_nomapio)
		r->flags |= F_OVERWRITE;
	pg = r->off & ~(uint64_t)(pgsz - 1);
	mlen = end - pg;
	p = mmap(NULL, mlen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, pg);
	if (p == MAP_FAILED) {
		int e = errno;

		if (!mapwrite_ok && (e == EINVAL || e == ENODEV || e == EACCES) &&
		    !t_client_is("ng")) {
			t_record("mmap(PROT_WRITE, MAP_SHARED) fails %s: mmap "
				 "writes turned off", t_errname(e));
			auto_nomapwrite = 1;
			return 0;
		}
		return fsx_fail("mmap(PROT_READ|PROT_WRITE, MAP_SHARED) "
				"0x%llx+0x%llx: %s", (unsigned long long)pg,
				(unsigned long long)mlen, strerror(e));
	}
	mapwrite_ok = 1;
	gen_data(buf, r->n, r->off, r->len);
	if (sigsetjmp(bus_jmp, 1)) {
		bus_armed = 0;
		munmap(p, mlen);
		return fsx_fail("SIGBUS writing the mapping 0x%llx+0x%llx",
				(unsigned long long)pg,
				(unsigned long long)mlen);
	}
	bus_armed = 1;
	memcpy(p + (r->off - pg), buf, r->len);
	bus_armed = 0;
	memcpy(model + r->off, buf, r->len);
	if (r->flags & F_RDBACK) {
		/* read(2) of a range with dirty mapped pages sees them */
		ssize_t got = pread_full(other, buf2, r->len, r->off);

		if (got != (ssize_t)r->len) {
			munmap(p, mlen);
			return fsx_fail("mapwrite readback: pread gave %zd: %s",
					got, strerror(errno));
		}
		if (compare("mapwrite readback (pread while mapped)", buf2,
			    r->off, r->len)) {
			munmap(p, mlen);
			return -1;
		}
	}
	if (r->flags & F_OVERWRITE) {
		/* write(2) into the mapped range: the mapping sees it */
		pick_range(r->len, &r->off2, &r->len2);
		r->off2 += r->off;
		if (!r->len2)
			r->len2 = 1;
		gen_data(buf2, r->n + o_nops + 1, r->off2, r->len2);
		if (pwrite_full(other, buf2, r->len2, r->off2)) {
			munmap(p, mlen);
			return fsx_fail("mapwrite overwrite: pwrite: %s",
					strerror(errno));
		}
		memcpy(model + r->off2, buf2, r->len2);
		if (sigsetjmp(bus_jmp, 1)) {
			bus_armed = 0;
			munmap(p, mlen);
			return fsx_fail("SIGBUS reading the mapping back");
		}
		bus_armed = 1;
		memcpy(buf, p + (r->off - pg), r->len);
		bus_armed = 0;
		if (compare("mapwrite overwrite (mapping after pwrite)", buf,
			    r->off, r->len)) {
			munmap(p, mlen);
			return -1;
		}
	}
	if ((r->flags & F_MSYNC) && msync(p, mlen, MS_SYNC)) {
		munmap(p, mlen);
		return fsx_fail("msync: %s", strerror(errno));
	}
	if (munmap(p, mlen))
		return fsx_fail("munmap: %s", strerror(errno));
	return 0;
}

/*
 * Read the file through the second mount.  cache=none promises that what
 * one mount wrote (and fsync'ed, for mapped pages) is what another reads,
 * open or not; the caching modes promise it only from close to open.
 */
static int do_mnt2(struct rec *r)
{
	int fd, e;

	if (fsync(fd1))
		return fsx_fail("fsync: %s", strerror(errno));
	if (mnt2_strict && rnd_below(2))
		r->flags |= F_KEEPOPEN;
	if (mnt2_strict && rnd_below(2))
		r->flags |= F_PERSIST;
	if (!(r->flags & F_KEEPOPEN) && close_fds_checked())
		return -1;
	if (r->flags & F_PERSIST) {
		if (m2fd < 0)
			m2fd = open(path2, O_RDONLY);
		fd = m2fd;
	} else {
		fd = open(path2, O_RDONLY);
	}
	if (fd < 0)
		return fsx_fail("open %s: %s", path2, strerror(errno));
	e = check_whole(fd, "second mount");
	if (!(r->flags & F_PERSIST))
		close(fd);
	if (e)
		return e;
	if (!(r->flags & F_KEEPOPEN))
		return open_fds();
	return 0;
}

/*
 * -C: change one byte of the file without telling the model (or, if the
 * file is empty, make it one byte long): the run must notice.
 */
static void corrupt_file(void)
{
	uint64_t off = fsize ? rnd_below(fsize) : 0;
	unsigned char c = 0x5a;
	int fd = open(FNAME, O_RDWR);

	if (fd < 0)
		return;
	if (fsize && pread(fd, &c, 1, off) == 1)
		c ^= 0x5a;
	if (pwrite(fd, &c, 1, off) == 1)
		printf("# -C: wrote 0x%02x at 0x%llx behind the model's back\n",
		       c, (unsigned long long)off);
	close(fd);
}

static enum op pick_op(void)
{
	unsigned int total = 0, w;
	enum op op;

	for (op = 0; op < OP_NR; op++)
		total += op_weight[op];
	for (;;) {
		w = rnd_below(total);
		for (op = 0; w >= op_weight[op]; op++)
			w -= op_weight[op];
		if (op == OP_MAPREAD && o_nomapread)
			continue;
		if (op == OP_MAPWRITE && (o_nomapwrite || auto_nomapwrite))
			continue;
		if (op == OP_MNT2 && !use_mnt2)
			continue;
		return op;
	}
}

static void fsx_run(int mnt2)
{
	unsigned long checks = 0;
	double t0 = t_now();
	int fd, e = 0;

	use_mnt2 = mnt2;
	if (mnt2) {
		const char *d2 = getenv("V9FS_TESTDIR2");

		if (!d2 || !*d2)
			SKIP("no second mount (V9FS_TESTDIR2 unset)");
		snprintf(path2, sizeof(path2), "%s/%s.d/%s", d2, t_cur_name,
			 FNAME);
		mnt2_strict = !strcmp(t_env("V9FS_CACHE", "none"), "none");
		t_note("second mount: %s (%s)", path2, mnt2_strict ?
		       "cache=none: must match while open" :
		       "caching mode: must match after close-to-open");
	}
	seed = o_seed + (mnt2 ? 1 : 0);
	rs = seed;
	/* what a client refuses is found out again in each subtest */
	mapwrite_ok = mapread_ok = auto_nomapwrite = 0;
	mapread_flags = MAP_SHARED;
	t_note("%s: seed %llu (-S %llu), %lu operations, file up to 0x%llx, "
	       "op up to 0x%llx%s%s", t_cur_name, (unsigned long long)seed,
	       (unsigned long long)o_seed, o_nops,
	       (unsigned long long)o_maxlen, (unsigned long long)o_maxop,
	       o_nomapwrite ? ", no mmap writes" : "",
	       o_nomapread ? ", no mmap reads" : "");
	memset(model, 0, o_maxlen + pgsz);
	fsize = 0;
	nlog = 0;
	fd = open(FNAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	close(fd);
	if (open_fds())
		return;

	for (cur = 0; cur < o_nops && !e; cur++) {
		struct rec *r = &log_recs[nlog++];

		memset(r, 0, sizeof(*r));
		r->n = cur;
		r->op = pick_op();
		r->size0 = r->size1 = fsize;
		if (r->op <= OP_MAPWRITE && !rnd_below(3))
			r->flags |= F_FD2;
		switch (r->op) {
		case OP_READ:
			e = do_read(r);
			break;
		case OP_WRITE:
			e = do_write(r);
			break;
		case OP_TRUNC:
			e = do_trunc(r);
			break;
		case OP_MAPREAD:
			e = do_mapread(r);
			break;
		case OP_MAPWRITE:
			e = do_mapwrite(r);
			break;
		case OP_FSYNC:
			if (fsync(r->flags & F_FD2 ? fd2 : fd1))
				e = fsx_fail("fsync: %s", strerror(errno));
			break;
		case OP_FDATASYNC:
			if (fdatasync(r->flags & F_FD2 ? fd2 : fd1))
				e = fsx_fail("fdatasync: %s", strerror(errno));
			break;
		case OP_REOPEN:
			e = close_fds_checked();
			if (!e)
				e = open_fds();
			break;
		case OP_CHECK:
			e = check_whole(rnd_below(2) ? fd2 : fd1, "check");
			checks++;
			break;
		case OP_MNT2:
			e = do_mnt2(r);
			break;
		default:
			break;
		}
		if (o_verbose)
			rec_print(r, "");
		if (!e && o_corrupt && cur == o_corrupt)
			corrupt_file();
		/* the whole file, every 64 operations */
		if (!e && cur % 64 == 63) {
			e = check_whole(fd1, "periodic check");
			checks++;
		}
	}
	if (!e) {
		cur = nlog ? nlog - 1 : 0;
		e = check_whole(fd1, "final check");
		if (!e)
			e = check_whole(fd2, "final check (second fd)");
		if (!e && !close_fds_checked() && !open_fds())
			e = check_whole(fd1, "final check after reopen");
		if (!e && use_mnt2 && !close_fds_checked()) {
			fd = open(path2, O_RDONLY);
			if (fd < 0)
				e = fsx_fail("open %s: %s", path2,
					     strerror(errno));
			else
				e = check_whole(fd, "final check on mnt2");
			if (fd >= 0)
				close(fd);
		}
	}
	close_fds();
	if (m2fd >= 0)
		close(m2fd);
	m2fd = -1;
	if (!e) {
		unsigned long cnt[OP_NR] = { 0 };
		char line[256];
		int n = 0;

		for (unsigned long i = 0; i < nlog; i++)
			cnt[log_recs[i].op]++;
		for (enum op op = 0; op < OP_NR; op++)
			if (cnt[op])
				n += snprintf(line + n, sizeof(line) - n,
					      " %s %lu", op_names[op], cnt[op]);
		t_note("%s: %lu operations (%s), %lu whole-file checks, "
		       "%.1f s, seed %llu", t_cur_name, nlog, line + 1,
		       checks, t_now() - t0, (unsigned long long)seed);
	}
}

static void fsx(void)
{
	fsx_run(0);
}

static void fsx_mnt2(void)
{
	fsx_run(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: t_fsx [-S seed] [-N ops] [-l maxlen] "
		"[-o maxop] [-W] [-R] [-P] [-1|-2] [-v] [-C op]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int c;

	pgsz = sysconf(_SC_PAGESIZE);
	o_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16);
	if (getenv("V9FS_FSX_SEED"))
		o_seed = strtoull(getenv("V9FS_FSX_SEED"), NULL, 0);
	o_nops = t_env_long("V9FS_FSX_OPS", o_nops);
	o_maxlen = t_env_long("V9FS_FSX_LEN", o_maxlen);
	while ((c = getopt(argc, argv, "S:N:l:o:WRP12vC:")) != -1) {
		switch (c) {
		case 'S':
			o_seed = strtoull(optarg, NULL, 0);
			break;
		case 'N':
			o_nops = strtoul(optarg, NULL, 0);
			break;
		case 'l':
			o_maxlen = strtoull(optarg, NULL, 0);
			break;
		case 'o':
			o_maxop = strtoull(optarg, NULL, 0);
			break;
		case 'W':
			o_nomapwrite = 1;
			break;
		case 'R':
			o_nomapread = 1;
			break;
		case 'P':
			o_nomapio = 1;
			break;
		case '1':
		case '2':
			o_only = c - '0';
			break;
		case 'v':
			o_verbose = 1;
			break;
		case 'C':
			o_corrupt = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !o_maxlen || !o_maxop || !o_nops)
		usage();
	if (o_maxop > o_maxlen)
		o_maxop = o_maxlen;
	model = calloc(1, o_maxlen + pgsz);
	buf = malloc(o_maxlen + pgsz + 1);
	buf2 = malloc(o_maxlen + pgsz + 1);
	log_recs = calloc(o_nops, sizeof(*log_recs));
	if (!model || !buf || !buf2 || !log_recs) {
		fprintf(stderr, "t_fsx: out of memory\n");
		return 1;
	}
	signal(SIGBUS, on_sigbus);

	t_init("t_fsx");
	t_note("seed %llu", (unsigned long long)o_seed);
	if (o_only != 2)
		t_run("fsx", fsx);
	if (o_only != 1)
		t_run("fsx_mnt2", fsx_mnt2);
	return t_finish();
}
