// SPDX-License-Identifier: GPL-2.0-only
/*
 * Write the seed corpus of the fuzzers: valid inputs of every kind, made
 * from the unit tests' samples.  Run by gen-corpus.sh; the output is
 * committed under fuzz/corpus/<harness>/.
 *
 * Usage: gen-corpus DIR
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../unit/unit.h"

static const char *root;
static u8 buf[1 << 17];

static void put(const char *harness, const char *name, const u8 *p,
		size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, harness);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", root, harness, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* The parameter fz_make_req() needs to rebuild the sample request. */
static u32 param_of(const struct p9_tmsg *t)
{
	switch (t->type) {
	case P9_TVERSION:
		return t->version.msize;
	case P9_TWALK:
		return t->walk.nwname;
	case P9_TREAD:
		return t->read.count;
	case P9_TREADDIR:
		return t->readdir.count;
	case P9_TWRITE:
		return t->write.count;
	default:
		return 0;
	}
}

static void reply_seed(const char *harness, u8 index, u8 type,
		       enum p9_dialect d, bool err, bool zc)
{
	struct p9_tmsg t;
	struct p9_rmsg r;
	char name[64];
	size_t n;
	u32 p;

	p9t_sample_t(type, &t);
	if (err)
		p9t_sample_err(&t, d, &r);
	else
		p9t_sample_r(&t, d, &r);
	p = param_of(&t);
	buf[0] = (u8)d;
	buf[1] = index;
	buf[2] = (u8)p;
	buf[3] = (u8)(p >> 8);
	buf[4] = (u8)(p >> 16);
	buf[5] = (u8)(p >> 24);
	buf[6] = zc;
	/* A zero-copy seed carries its payload too: the harness splits it. */
	n = p9t_encode_reply(&t, d, &r, false, buf + 7, sizeof(buf) - 7);
	/* Every seed must be a reply the codec accepts. */
	if (!n || p9_decode(&t, d, buf + 7, n, 0, &r)) {
		fprintf(stderr, "seed %s in %s does not decode\n",
			p9t_name(type), p9t_dname(d));
		exit(1);
	}
	snprintf(name, sizeof(name), "%s%s%s-%s%s", p9t_name(r.type),
		 err ? "-to-" : "", err ? p9t_name(type) : "", p9t_dname(d),
		 zc ? "-zc" : "");
	put(harness, name, buf, n + 7);
}

static void reply_harness(const char *harness, const u8 *types, size_t n)
{
	size_t i;
	unsigned int k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < P9T_NDIALECTS; k++) {
			enum p9_dialect d = p9t_dialects[k];

			if (!p9t_exists(types[i], d))
				continue;
			reply_seed(harness, (u8)i, types[i], d, false, false);
			reply_seed(harness, (u8)i, types[i], d, true, false);
			if (types[i] == P9_TREAD || types[i] == P9_TREADDIR)
				reply_seed(harness, (u8)i, types[i], d, false,
					   true);
		}
	}
}

static void dirent_seeds(void)
{
	struct p9_qid q = { P9_QTDIR, 3, 0x123456789ULL };
	struct p9_dirent de = { q, 1, 4, { ".", 1 } };
	struct bb b;

	bb_init(&b, buf, sizeof(buf));
	p9t_put_dirent(&b, &de);
	put("dirent", "one", buf, b.len);
	de.offset = 2;
	de.name = p9t_str("..");
	p9t_put_dirent(&b, &de);
	de.qid.type = P9_QTFILE;
	de.offset = ~0ULL;
	de.type = 8;
	de.name = p9t_str("a-longer-file-name.txt");
	p9t_put_dirent(&b, &de);
	put("dirent", "three", buf, b.len);
}

static void stat_seeds(void)
{
	struct p9_tmsg t;
	struct p9_rmsg r;
	unsigned int k;
	struct bb b;
	char name[32];

	p9t_sample_t(P9_TSTAT, &t);
	for (k = 0; k < 2; k++) {
		enum p9_dialect d = p9t_dialects[k];

		p9t_sample_r(&t, d, &r);
		bb_init(&b, buf, sizeof(buf));
		bb_u8(&b, (u8)d);
		p9t_put_stat(&b, &r.stat, d);
		r.stat.name = p9t_str("second");
		p9t_put_stat(&b, &r.stat, d);
		snprintf(name, sizeof(name), "two-%s", p9t_dname(d));
		put("stat", name, buf, b.len);
	}
}

/* Inputs for the encoder harness: type, dialect and a little of each. */
static void encode_seeds(void)
{
	static const char body[] = "\x01\x00\x00\x00\x02\x00\x00\x00"
				   "\x03\x00\x00\x00\x04\x00\x00\x00"
				   "usr\nlib\nname\ntarget\n";
	char name[64];
	size_t i;
	unsigned int k;

	for (i = 0; i < p9t_nttypes; i++) {
		for (k = 0; k < P9T_NDIALECTS; k++) {
			enum p9_dialect d = p9t_dialects[k];

			if (!p9t_exists(p9t_ttypes[i], d))
				continue;
			buf[0] = (u8)d;
			buf[1] = p9t_ttypes[i];
			buf[2] = 0;
			buf[3] = 3;
			buf[4] = 0;
			memcpy(buf + 5, body, sizeof(body) - 1);
			snprintf(name, sizeof(name), "%s-%s",
				 p9t_name(p9t_ttypes[i]), p9t_dname(d));
			put("encode", name, buf, 5 + sizeof(body) - 1);
		}
	}
	buf[0] = P9_DOTL;
	buf[1] = P9_TWRITE;
	buf[2] = 1;
	memcpy(buf + 5, body, sizeof(body) - 1);
	put("encode", "Twrite-zc", buf, 5 + sizeof(body) - 1);
}

int main(int argc, char **argv)
{
	static const u8 session[] = {
		P9_TVERSION, P9_TAUTH, P9_TATTACH, P9_TFLUSH, P9_TCLUNK,
		P9_TREMOVE,
	};
	static const u8 walk[] = { P9_TWALK };
	static const u8 io[] = { P9_TREAD, P9_TREADDIR, P9_TWRITE };
	static const u8 legacy[] = {
		P9_TOPEN, P9_TCREATE, P9_TSTAT, P9_TWSTAT,
	};
	static const u8 dotl[] = {
		P9_TSTATFS, P9_TLOPEN, P9_TLCREATE, P9_TSYMLINK, P9_TMKNOD,
		P9_TRENAME, P9_TREADLINK, P9_TGETATTR, P9_TSETATTR,
		P9_TXATTRWALK, P9_TXATTRCREATE, P9_TFSYNC, P9_TLOCK,
		P9_TGETLOCK, P9_TLINK, P9_TMKDIR, P9_TRENAMEAT, P9_TUNLINKAT,
	};
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	root = argv[1];
	if (mkdir(root, 0755) && errno != EEXIST) {
		perror(root);
		return 1;
	}
	reply_harness("session", session, sizeof(session));
	reply_harness("walk", walk, sizeof(walk));
	reply_harness("io", io, sizeof(io));
	reply_harness("legacy", legacy, sizeof(legacy));
	reply_harness("dotl", dotl, sizeof(dotl));
	/* fuzz_any indexes its table by the type byte itself. */
	for (i = 0; i < sizeof(session); i++)
		reply_seed("any", session[i], session[i], P9_DOTL, false,
			   false);
	for (i = 0; i < sizeof(legacy); i++)
		reply_seed("any", legacy[i], legacy[i], P9_DOTU, false, false);
	for (i = 0; i < sizeof(dotl); i++)
		reply_seed("any", dotl[i], dotl[i], P9_DOTL, false, false);
	dirent_seeds();
	stat_seeds();
	encode_seeds();
	return 0;
}
