// SPDX-License-Identifier: GPL-2.0-only
/* Encoder tests: every T-message in every dialect, and every refusal. */
#include <string.h>

#include "unit.h"

static u8 got[P9T_BUFSZ], want[P9T_BUFSZ];

static int enc(const struct p9_tmsg *t, enum p9_dialect d, size_t cap,
	       size_t *len)
{
	*len = 0;
	return p9_encode(t, d, got, cap, len);
}

/* Every message against its field-by-field expectation. */
static void test_all_types(void)
{
	struct p9_tmsg t;
	size_t i, len, wlen, cap;
	int ret, r2;
	bool short_ok;
	unsigned int k;

	for (i = 0; i < p9t_nttypes; i++) {
		for (k = 0; k < P9T_NDIALECTS; k++) {
			enum p9_dialect d = p9t_dialects[k];

			p9t_sample_t(p9t_ttypes[i], &t);
			if (!p9t_exists(t.type, d)) {
				ret = enc(&t, d, sizeof(got), &len);
				tap_ok(ret == -EOPNOTSUPP &&
				       p9_encoded_size(&t, d) == -EOPNOTSUPP &&
				       !p9_reply_max(&t, d, 8192),
				       "%s refused in %s", p9t_name(t.type),
				       p9t_dname(d));
				continue;
			}
			wlen = p9t_expect_t(&t, d, want, sizeof(want));
			ret = enc(&t, d, sizeof(got), &len);
			/* Every shorter buffer is refused, untouched size. */
			short_ok = true;
			for (cap = 0; cap < wlen; cap++) {
				size_t l2 = 12345;

				r2 = p9_encode(&t, d, got + wlen, cap, &l2);
				if (r2 != -EMSGSIZE || l2 != 12345)
					short_ok = false;
			}
			tap_ok(ret == 0 && len == wlen &&
			       !memcmp(got, want, wlen) &&
			       p9_encoded_size(&t, d) == (ssize_t)wlen &&
			       short_ok,
			       "%s encodes in %s (%zu bytes)",
			       p9t_name(t.type), p9t_dname(d), wlen);
		}
	}
}

static void test_twrite_zero_copy(void)
{
	struct p9_tmsg t;
	size_t len, wlen;
	int ret;

	p9t_sample_t(P9_TWRITE, &t);
	t.write.data = NULL;
	t.write.count = 1 << 20;
	wlen = p9t_expect_t(&t, P9_DOTL, want, sizeof(want));
	ret = enc(&t, P9_DOTL, sizeof(got), &len);
	tap_ok(ret == 0 && len == 23 && wlen == 23 &&
	       !memcmp(got, want, 23) && got[0] == 23 && got[2] == 0x10 &&
	       p9_encoded_size(&t, P9_DOTL) == 23,
	       "zero-copy Twrite: header only, size counts the payload");

	ret = enc(&t, P9_DOTL, 23, &len);
	tap_ok(ret == 0 && len == 23,
	       "zero-copy Twrite fits a 23-byte buffer");

	t.write.count = U32_MAX - 23;
	ret = enc(&t, P9_DOTL, sizeof(got), &len);
	tap_ok(ret == 0 && got[0] == 0xff && got[1] == 0xff &&
	       got[2] == 0xff && got[3] == 0xff,
	       "zero-copy Twrite of U32_MAX - 23 bytes: size U32_MAX");
	t.write.count = U32_MAX - 22;
	ret = enc(&t, P9_DOTL, sizeof(got), &len);
	tap_ok(ret == -EMSGSIZE && p9_encoded_size(&t, P9_DOTL) == -EMSGSIZE,
	       "zero-copy Twrite beyond U32_MAX refused");
}

static void test_walk_limits(void)
{
	struct p9_tmsg t;
	size_t len, wlen;
	unsigned int i;
	int ret;

	p9t_sample_t(P9_TWALK, &t);
	t.walk.nwname = 0;
	wlen = p9t_expect_t(&t, P9_DOTL, want, sizeof(want));
	ret = enc(&t, P9_DOTL, sizeof(got), &len);
	tap_ok(ret == 0 && len == 17 && wlen == 17 && !memcmp(got, want, 17),
	       "Twalk with nwname 0 (clone) encodes");

	for (i = 0; i < P9_MAXWELEM; i++)
		t.walk.wname[i] = p9t_str("el");
	t.walk.nwname = P9_MAXWELEM;
	wlen = p9t_expect_t(&t, P9_LEGACY, want, sizeof(want));
	ret = enc(&t, P9_LEGACY, sizeof(got), &len);
	tap_ok(ret == 0 && len == wlen && !memcmp(got, want, wlen),
	       "Twalk with nwname 16 encodes");

	t.walk.nwname = P9_MAXWELEM + 1;
	ret = enc(&t, P9_LEGACY, sizeof(got), &len);
	tap_ok(ret == -EINVAL && p9_encoded_size(&t, P9_LEGACY) == -EINVAL,
	       "Twalk with nwname 17 refused (-EINVAL)");
	t.walk.nwname = U16_MAX;
	ret = enc(&t, P9_DOTL, sizeof(got), &len);
	tap_ok(ret == -EINVAL, "Twalk with nwname 65535 refused (-EINVAL)");
}

static void test_strings(void)
{
	static char big[U16_MAX + 2];
	struct p9_tmsg t;
	size_t len;
	int ret;

	memset(big, 'a', sizeof(big));
	p9t_sample_t(P9_TLCREATE, &t);
	t.lcreate.name.s = big;
	t.lcreate.name.len = U16_MAX;
	ret = enc(&t, P9_DOTL, sizeof(got), &len);
	tap_ok(ret == 0 && len == 7 + 4 + 2 + U16_MAX + 12 &&
	       got[11] == 0xff && got[12] == 0xff &&
	       p9_encoded_size(&t, P9_DOTL) == (ssize_t)len,
	       "string of U16_MAX bytes encodes");

	t.lcreate.name.len = U16_MAX + 1;
	ret = enc(&t, P9_DOTL, sizeof(got), &len);
	tap_ok(ret == -ENAMETOOLONG &&
	       p9_encoded_size(&t, P9_DOTL) == -ENAMETOOLONG,
	       "string of U16_MAX + 1 bytes refused (-ENAMETOOLONG)");

	t.lcreate.name.s = "a\0b";
	t.lcreate.name.len = 3;
	ret = enc(&t, P9_DOTL, sizeof(got), &len);
	tap_ok(ret == -EINVAL, "string with a NUL byte refused (-EINVAL)");

	t.lcreate.name.s = NULL;
	t.lcreate.name.len = 1;
	ret = enc(&t, P9_DOTL, sizeof(got), &len);
	tap_ok(ret == -EINVAL, "string of length 1 without bytes refused");

	t.lcreate.name.s = NULL;
	t.lcreate.name.len = 0;
	ret = enc(&t, P9_DOTL, sizeof(got), &len);
	tap_ok(ret == 0 && got[11] == 0 && got[12] == 0,
	       "empty string without bytes encodes as len 0");

	/* A Twstat whose stat no longer fits its size[2]. */
	p9t_sample_t(P9_TWSTAT, &t);
	t.wstat.stat.name.s = big;
	t.wstat.stat.name.len = U16_MAX - 2 - 47;
	t.wstat.stat.uid = p9t_str("");
	t.wstat.stat.gid = p9t_str("");
	t.wstat.stat.muid = p9t_str("");
	ret = enc(&t, P9_LEGACY, sizeof(got), &len);
	tap_ok(ret == 0 && got[11] == 0xff && got[12] == 0xff &&
	       got[13] == 0xfd && got[14] == 0xff,
	       "Twstat with the largest stat: n 65535, size 65533");
	t.wstat.stat.name.len++;
	ret = enc(&t, P9_LEGACY, sizeof(got), &len);
	tap_ok(ret == -ENAMETOOLONG &&
	       p9_encoded_size(&t, P9_LEGACY) == -ENAMETOOLONG,
	       "Twstat whose stat exceeds 65535 bytes refused");
}

static void test_bad_types(void)
{
	static const u8 bad[] = {
		0, 1, 5, P9_TLERROR, P9_RLERROR, P9_RVERSION, P9_TERROR,
		P9_RERROR, P9_RWALK, 128, 255,
	};
	struct p9_tmsg t;
	size_t i, len;
	bool ok = true;

	for (i = 0; i < sizeof(bad); i++) {
		memset(&t, 0, sizeof(t));
		t.type = bad[i];
		if (enc(&t, P9_DOTL, sizeof(got), &len) != -EINVAL ||
		    enc(&t, P9_LEGACY, sizeof(got), &len) != -EINVAL ||
		    p9_encoded_size(&t, P9_DOTL) != -EINVAL ||
		    p9_reply_max(&t, P9_DOTL, 8192))
			ok = false;
	}
	tap_ok(ok, "non-T types refused (-EINVAL)");

	p9t_sample_t(P9_TCLUNK, &t);
	tap_ok(enc(&t, (enum p9_dialect)3, sizeof(got), &len) == -EINVAL &&
	       p9_encoded_size(&t, (enum p9_dialect)3) == -EINVAL &&
	       !p9_reply_max(&t, (enum p9_dialect)3, 8192),
	       "unknown dialect refused (-EINVAL)");
}

/* The largest reply: a string-heavy error, or the proper reply. */
static void test_reply_max(void)
{
	struct p9_tmsg t;
	struct p9_rmsg r;
	size_t i, n, max;
	unsigned int k;
	bool ok = true;

	/* Each sample reply and error reply fits the bound. */
	for (i = 0; i < p9t_nttypes; i++) {
		for (k = 0; k < P9T_NDIALECTS; k++) {
			enum p9_dialect d = p9t_dialects[k];

			p9t_sample_t(p9t_ttypes[i], &t);
			if (!p9t_exists(t.type, d))
				continue;
			max = p9_reply_max(&t, d, 1 << 20);
			p9t_sample_r(&t, d, &r);
			n = p9t_encode_reply(&t, d, &r, false, want,
					     sizeof(want));
			if (!n || n > max) {
				ok = false;
				tap_diag("%s %s: reply %zu > max %zu",
					 p9t_name(t.type), p9t_dname(d), n,
					 max);
			}
			if (p9_reply_max(&t, d, 100) > 100)
				ok = false;
		}
	}
	tap_ok(ok, "sample replies fit p9_reply_max; never above msize");

	p9t_sample_t(P9_TGETATTR, &t);
	tap_ok(p9_reply_max(&t, P9_DOTL, 8192) == 160,
	       "p9_reply_max(Tgetattr) is exactly 160 in .L");
	p9t_sample_t(P9_TCLUNK, &t);
	tap_ok(p9_reply_max(&t, P9_DOTL, 8192) == 11 &&
	       p9_reply_max(&t, P9_LEGACY, 8192) == 7 + 2 + 1024 &&
	       p9_reply_max(&t, P9_DOTU, 8192) == 7 + 2 + 1024 + 4,
	       "p9_reply_max(Tclunk): Rlerror 11, Rerror 1033, .u 1037");
	p9t_sample_t(P9_TWALK, &t);
	t.walk.nwname = 16;
	tap_ok(p9_reply_max(&t, P9_DOTL, 8192) == 9 + 13 * 16,
	       "p9_reply_max(Twalk, 16 names) is 9 + 13 * 16");
	p9t_sample_t(P9_TREAD, &t);
	t.read.count = 1000;
	tap_ok(p9_reply_max(&t, P9_DOTL, 8192) == 1011 &&
	       p9_reply_max(&t, P9_DOTL, 500) == 500,
	       "p9_reply_max(Tread) is 11 + count, capped at msize");
	t.read.count = U32_MAX;
	tap_ok(p9_reply_max(&t, P9_DOTL, U32_MAX) == U32_MAX,
	       "p9_reply_max(Tread of U32_MAX) does not overflow");
	p9t_sample_t(P9_TREADDIR, &t);
	t.readdir.count = 4096 - 11;
	tap_ok(p9_reply_max(&t, P9_DOTL, 8192) == 4096,
	       "p9_reply_max(Treaddir) is 11 + count");
	p9t_sample_t(P9_TSTAT, &t);
	tap_ok(p9_reply_max(&t, P9_DOTU, 8192) == 8192,
	       "p9_reply_max(Tstat) is msize");
	p9t_sample_t(P9_TLOCK, &t);
	tap_ok(p9_reply_max(&t, P9_DOTL, 8192) == 11,
	       "p9_reply_max(Tlock) in .L is Rlerror's 11");
	p9t_sample_t(P9_TSTATFS, &t);
	tap_ok(p9_reply_max(&t, P9_DOTL, 8192) == 67,
	       "p9_reply_max(Tstatfs) is exactly 67");
	p9t_sample_t(P9_TLOPEN, &t);
	tap_ok(p9_reply_max(&t, P9_DOTL, 8192) == 24,
	       "p9_reply_max(Tlopen) is exactly 24");
	p9t_sample_t(P9_TXATTRWALK, &t);
	tap_ok(p9_reply_max(&t, P9_DOTL, 8192) == 15,
	       "p9_reply_max(Txattrwalk) is exactly 15");
	p9t_sample_t(P9_TMKDIR, &t);
	tap_ok(p9_reply_max(&t, P9_DOTL, 8192) == 20,
	       "p9_reply_max(Tmkdir) is exactly 20");
}

void p9t_encode_tests(void)
{
	test_all_types();
	test_twrite_zero_copy();
	test_walk_limits();
	test_strings();
	test_bad_types();
	test_reply_max();
}
