#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest test (vm-run --mods ng) of the virtio transport through real 9p
# mounts (9p2000.L, cache=none).  TAP output; exit 0 if nothing failed.
#
#   virtio.sh TAG HOSTDIR RMTAG
#
# TAG is a share of HOSTDIR (empty), RMTAG a share used only by the
# device removal test (its PCI device is gone afterwards).  The guest
# sees the host's / (virtiofs), so HOSTDIR is also the host's own copy.
#
#   tags           both tags show in 9pnet_virtio's sysfs mount_tag files
#   missing tag    mount(8) of an unknown tag fails, mount(2) says ENOENT,
#                  the kernel log names the tag
#   msize 512000   /proc/mounts shows it; Twrite messages
#                  (trace event) come close to it and never exceed it;
#                  9pnet's debugfs stats show the same msize
#   msize max      an oversized msize is lowered to the transport's limit,
#                  the value the kernel log names; /proc/mounts and
#                  debugfs stats show it; Twrites come close to it
#   rw64           64 threads each write a file of pseudo-random content
#                  in chunks of 1 byte .. 3 MiB while reading others'
#                  files (prefixes while they grow, whole ones when
#                  done); every byte compared; the host's copy of every
#                  file has the expected sha256
#   big:MSIZE      a VIRTIO_BIG_MIB file written in 4 MiB writes and read
#                  back byte for byte, at msize 512000 and at the maximum;
#                  its content repeats a pseudo-random pattern of 1 MiB +
#                  4093 bytes, so no two 1 MiB blocks of the file are alike
#   shared         TAG mounted three times at once (cache=none, loose and
#                  mmap; other unames; the third with a lower msize):
#                  one channel (mountstats: same client, own session,
#                  "sessions: 3"), each its own options; close-to-open
#                  coherence between the cache=none and the loose mount;
#                  each mount's requests in its own statistics and in
#                  trace events with its session; 8 rw64 threads on each
#                  of the three at once, every byte checked through the
#                  others and on the host; umount -f of one leaves the
#                  others working; all six umount orders, the others
#                  working after each umount, no session left after the
#                  last (debugfs)
#   ring full      9pnet_virtio's test_ring_full hook keeps new requests
#                  waiting for ring room: with reqtimeout=2 a stat fails
#                  with ETIMEDOUT within 2..5 s (2..14 s on the debug
#                  kernel), without it SIGKILL ends
#                  it; the mount works once the ring takes requests again
#   unbind         RMTAG's device unbound from the driver (its remove)
#                  under 8 busy threads and bound again, 6 rounds, every
#                  other one with submitters held between queueing and
#                  kicking (test_kick_delay_ms): each thread fails with
#                  EIO within RM_BOUND seconds, umount works, the tag
#                  comes back
#   removal        RMTAG's PCI device removed (sysfs) under 8 busy
#                  threads, with two more mounts of RMTAG (loose, mmap)
#                  on its channel: each thread fails with EIO within
#                  RM_BOUND seconds; later operations (stat, readdir,
#                  open, create, mkdir, read/write on fds opened before)
#                  fail with EIO, on the other two mounts too; every
#                  umount works
#   unload         9p, 9pnet_virtio and 9pnet unload
#
# VIRTIO_BIG_MIB: size of the big file in MiB (1024, as make check runs it).
# VIRTIO_ONLY=REGEX: run only the groups it matches (msize, shared,
# ringfull, unbind, removal; tags, missing tag and unload always run).

set -u
TAG=${1:-vt}
HOSTDIR=${2:-}
RMTAG=${3:-vrm}
BIG_MIB=${VIRTIO_BIG_MIB:-1024}
RM_BOUND=$((10 * ${V9FS_SLOWDOWN:-1}))	# seconds a busy thread may take to fail after removal (x4 on the debug kernel)
OP_TIMEOUT=30		# any one command (a hang fails the test, not the boot)
W=/run/virtio-test
MNT=$W/m
PY=$W/t.py
PYTHON=(python3 -I -S)	# no site: starts faster under TCG
EIO_MSG="Input/output error"
ONLY=${VIRTIO_ONLY:-}	# a regex: run only the groups it matches (tests)
NTESTS=19		# results of a full run
n=0 nfail=0

T0=$SECONDS
took() { echo "#   (${SECONDS}s, $((SECONDS - T0))s since the last result)"; T0=$SECONDS; }
ok() { n=$((n + 1)); echo "ok $n - $1${2:+ # $2}"; took; }
notok() { n=$((n + 1)); nfail=$((nfail + 1)); echo "not ok $n - $1${2:+ # $2}"; took; }
diag() { echo "# $*"; }
# want GROUP: run this group of tests?
want() { [[ -z $ONLY || $1 =~ $ONLY ]]; }
check() {
	# check NAME WHY: pass if WHY is empty
	if [[ -z $2 ]]; then ok "$1" "${3:-}"; else notok "$1" "${2%; }"; fi
}

mkdir -p "$W" "$MNT"
cat >"$PY" <<'EOF'
# Helpers of virtio.sh; every mode prints "# ..." diagnostics and
# "FAIL ..." lines; exit status 0 only without a failure.
import ctypes, errno, hashlib, mmap, os, random, sys, threading, time

def now():
    return time.clock_gettime(time.CLOCK_BOOTTIME)

def content(i):
    # BASE (rw64's fourth argument) makes other runs' files differ
    r = random.Random(0x9E3779B1 * (i + BASE + 1))
    size = r.randrange(32 << 10, 1 << 20) + r.randrange(4096)
    return r.randbytes(size)

def read_all(fd, r):
    out = []
    while True:
        n = r.choice((1, 100, 2047, 4096, 65536, 500000, 1 << 20, 4 << 20))
        b = os.read(fd, n)
        if not b:
            return b"".join(out)
        out.append(b)

def rw64(mnt, nthreads, hostdir):
    exp = [None] * nthreads
    done = [threading.Event() for _ in range(nthreads)]
    fails = []
    stats = {"w": 0, "r": 0, "full": 0, "prefix": 0, "host": 0}
    lock = threading.Lock()

    def fail(msg):
        with lock:
            fails.append(msg)

    def count(k, v):
        with lock:
            stats[k] += v

    def check_file(j, r, whole):
        path = "%s/f%02d" % (mnt, j)
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            if whole:
                fail("f%02d: missing" % j)
            return
        try:
            data = read_all(fd, r)
        finally:
            os.close(fd)
        count("r", len(data))
        e = exp[j]
        if whole:
            count("full", 1)
            if data != e:
                fail("f%02d: %d bytes read differ from the %d written"
                     % (j, len(data), len(e)))
        else:
            count("prefix", 1)
            if len(data) > len(e) or data != e[:len(data)]:
                fail("f%02d: a %d byte prefix read while it grew differs"
                     % (j, len(data)))

    def check_host(i):
        # The host's copy, read through the host's / (virtiofs), not 9p.
        want = hashlib.sha256(exp[i]).hexdigest()
        try:
            with open("%s/f%02d" % (hostdir, i), "rb") as f:
                got = hashlib.sha256(f.read()).hexdigest()
        except OSError as e:
            got = str(e)
        if got != want:
            fail("host copy of f%02d: sha256 %s, want %s" % (i, got, want))
        else:
            count("host", 1)

    def worker(i):
        r = random.Random(i)
        try:
            data = content(i)
            exp[i] = data
            mv = memoryview(data)
            fd = os.open("%s/f%02d" % (mnt, i),
                         os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            off = 0
            while off < len(data):
                k = min(r.choice((1, 100, 2047, 2048, 4096, 65536, 300000,
                                  1 << 20, 3 << 20)), len(data) - off)
                w = os.pwrite(fd, mv[off:off + k], off)
                if w <= 0:
                    fail("f%02d: pwrite returned %d" % (i, w))
                    break
                off += w
                count("w", w)
                if r.random() < 0.3:
                    j = r.randrange(nthreads)
                    if j != i and exp[j] is not None:
                        check_file(j, r, done[j].is_set())
            os.fsync(fd)
            os.close(fd)
            done[i].set()
            check_file(i, r, True)
            if hostdir != "-":
                check_host(i)
            for _ in range(2):
                j = r.randrange(nthreads)
                if not done[j].wait(600):
                    fail("f%02d never finished" % j)
                    return
                check_file(j, r, True)
        except OSError as e:
            fail("thread %d: %s" % (i, e))
        finally:
            done[i].set()

    ts = [threading.Thread(target=worker, args=(i,)) for i in range(nthreads)]
    t0 = now()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    t1 = now()
    hostok = stats["host"]
    print("# %d threads in %.1fs: %d MiB written, %d MiB read and compared "
          "(%d whole files, %d growing prefixes), %d host copies match sha256"
          % (nthreads, t1 - t0, stats["w"] >> 20, stats["r"] >> 20,
             stats["full"], stats["prefix"], hostok))
    for f in fails[:20]:
        print("FAIL " + f)
    return not fails and hostok == (nthreads if hostdir != "-" else 0)

def pattern():
    # Period 1 MiB + 4093: no two 1 MiB blocks of the file are alike.
    p = random.Random(7).randbytes((1 << 20) + 4093)
    return len(p), p * 6

def big(path, mib):
    size = mib << 20
    chunk = 4 << 20
    plen, pat = pattern()
    pv = memoryview(pat)
    t0 = now()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    off = 0
    while off < size:
        w = os.write(fd, pv[off % plen:off % plen + min(chunk, size - off)])
        if w <= 0:
            print("FAIL write returned %d at %d" % (w, off))
            return False
        off += w
    os.close(fd)
    t1 = now()
    st = os.stat(path)
    if st.st_size != size:
        print("FAIL size %d after writing %d" % (st.st_size, size))
        return False
    # bytearray == memoryview is one memcmp(), without copies
    buf = bytearray(chunk)
    fd = os.open(path, os.O_RDONLY)
    off = 0
    bad = None
    tcmp = 0
    while True:
        k = os.readv(fd, [buf])
        if k == 0:
            break
        c0 = now()
        want = pv[off % plen:off % plen + k]
        if bad is None and (buf if k == chunk else buf[:k]) != want:
            bad = off
        tcmp += now() - c0
        off += k
    os.close(fd)
    t2 = now()
    print("# %d MiB: write %.1fs (%.0f MiB/s), read and compare %.1fs "
          "(%.0f MiB/s; compare %.1fs)" % (mib, t1 - t0, mib / (t1 - t0),
                                          t2 - t1, mib / (t2 - t1), tcmp))
    if off != size:
        print("FAIL read back %d bytes of %d" % (off, size))
    if bad is not None:
        print("FAIL the 4 MiB read at offset %d differs" % bad)
    return off == size and bad is None

def busy(mnt, nthreads, secs):
    # Threads loop on I/O until it fails; each prints when and how.
    stop = now() + secs
    res = [None] * nthreads

    def worker(i):
        kind = i % 4
        buf = bytes(4 << 20)
        try:
            while now() < stop:
                if kind == 0:
                    fd = os.open("%s/w%d" % (mnt, i),
                                 os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
                    for k in range(8):
                        os.pwrite(fd, buf, k << 22)
                    os.close(fd)
                elif kind == 1:
                    fd = os.open("%s/big" % mnt, os.O_RDONLY)
                    while os.read(fd, 4 << 20):
                        pass
                    os.close(fd)
                elif kind == 2:
                    for name in os.listdir(mnt):
                        try:
                            os.stat("%s/%s" % (mnt, name))
                        except FileNotFoundError:
                            pass	# removed by a kind 3 thread meanwhile
                else:
                    p = "%s/d%d" % (mnt, i)
                    os.mkdir(p)
                    with open(p + "/x", "w") as f:
                        f.write("x" * 100)
                    os.unlink(p + "/x")
                    os.rmdir(p)
            res[i] = (now(), None)
        except OSError as e:
            res[i] = (now(), e.errno)

    ts = [threading.Thread(target=worker, args=(i,)) for i in range(nthreads)]
    for t in ts:
        t.start()
    print("READY", flush=True)
    for t in ts:
        t.join()
    for i, (t, e) in enumerate(res):
        print("T %d %.3f %s" % (i, t, errno.errorcode.get(e, e)))
    return True

def after(mnt, rfd, wfd):
    # Operations after the removal: each must fail with EIO.
    ops = [
        ("stat", lambda: os.stat(mnt)),
        ("stat file", lambda: os.stat(mnt + "/big")),
        ("readdir", lambda: os.listdir(mnt)),
        ("open", lambda: os.close(os.open(mnt + "/big", os.O_RDONLY))),
        ("create", lambda: os.close(os.open(mnt + "/new",
                                            os.O_WRONLY | os.O_CREAT))),
        ("mkdir", lambda: os.mkdir(mnt + "/newdir")),
        ("statfs", lambda: os.statvfs(mnt)),
        ("read old fd", lambda: os.read(rfd, 4096)),
        ("write old fd", lambda: os.write(wfd, b"y" * 4096)),
    ]
    good = True
    for name, op in ops:
        t0 = now()
        try:
            op()
            e = None
        except OSError as x:
            e = x.errno
        dt = now() - t0
        print("# %s: %s after %.3fs" % (name, errno.errorcode.get(e, e), dt))
        if e != errno.EIO:
            print("FAIL %s: %s, want EIO" % (name, errno.errorcode.get(e, e)))
            good = False
    return good

def mount_errno(src, target, opts):
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.mount(src.encode(), target.encode(), b"9p", 0, opts.encode())
    e = ctypes.get_errno() if rc else 0
    print(errno.errorcode.get(e, e) if e else "OK")
    if rc == 0:
        libc.umount2(target.encode(), 0)
    return True

m = sys.argv[1]
a = sys.argv[2:]
BASE = 0
if m == "rw64":
    BASE = int(a[3]) if len(a) > 3 else 0
    good = rw64(a[0], int(a[1]), a[2])
elif m == "big":
    good = big(a[0], int(a[1]))
elif m == "busy":
    good = busy(a[0], int(a[1]), float(a[2]))
elif m == "after":
    good = after(a[0], int(a[1]), int(a[2]))
elif m == "mount":
    good = mount_errno(a[0], a[1], a[2])
else:
    sys.exit("unknown mode " + m)
sys.exit(0 if good else 1)
EOF

opts() { echo "trans=virtio,version=9p2000.L,cache=none${1:+,msize=$1}"; }
proc_msize() { awk -v m="$1" '$2 == m { if (match($4, /msize=[0-9]+/)) print substr($4, RSTART + 6, RLENGTH - 6) }' /proc/mounts; }
# 9pnet's debugfs view of the one live client (the tests mount one at a time)
DBG=/sys/kernel/debug/9pnet
stats_field() {
	local f
	f=$(ls -d $DBG/*/stats 2>/dev/null)
	[[ $(wc -l <<<"$f") == 1 && -n $f ]] || { echo "no-single-client"; return; }
	sed -n "s/^[[:space:]]*$1: \([0-9]*\)\$/\1/p" "$f" | head -n 1
}
stats_msize() { stats_field msize; }

TRACE=/sys/kernel/tracing
mountpoint -q /sys/kernel/debug || mount -t debugfs nodev /sys/kernel/debug
mountpoint -q $TRACE || mount -t tracefs nodev $TRACE 2>/dev/null
EV=$TRACE/events/v9fs_ng/v9fs_ng_req_submit

# max_twrite PATH: write 8 MiB with one write(2) and print the largest
# Twrite the client submitted.
max_twrite() {
	echo 0 >$TRACE/tracing_on
	: >$TRACE/trace
	echo 1 >$EV/enable
	echo 1 >$TRACE/tracing_on
	timeout $OP_TIMEOUT dd if=/dev/zero of="$1" bs=8M count=1 status=none ||
		echo "write-failed"
	echo 0 >$TRACE/tracing_on
	echo 0 >$EV/enable
	awk '/v9fs_ng_req_submit:/ && / type Twrite / { for (i = 1; i < NF; i++) if ($i == "size") { v = $(i + 1) + 0; if (v > m) m = v } } END { print m + 0 }' $TRACE/trace
	rm -f "$1"
}

echo "TAP version 13"
diag "kernel $(uname -r), tags $TAG (host $HOSTDIR) and $RMTAG"
{ modprobe 9pnet_virtio && modprobe 9p; } || diag "modprobe failed"

# ---- the devices --------------------------------------------------------------
tags=$(cat /sys/bus/virtio/drivers/9pnet_virtio/virtio*/mount_tag 2>/dev/null | tr '\n' ' ')
why=
for t in "$TAG" "$RMTAG"; do
	[[ " $tags" == *" $t "* ]] || why+="no device with tag $t; "
done
check "tags" "$why" "$tags"

# ---- a missing tag --------------------------------------------------------------
why=
dmesg -C
msg=$(timeout $OP_TIMEOUT mount -t 9p -o "$(opts)" no-such-tag "$MNT" 2>&1) && {
	why+="mount(8) succeeded; "
	umount "$MNT"
}
[[ $msg == *no-such-tag* ]] || why+="mount(8) said '$msg'; "
e=$(timeout $OP_TIMEOUT "${PYTHON[@]}" "$PY" mount no-such-tag "$MNT" "$(opts)")
[[ $e == ENOENT ]] || why+="mount(2) errno $e, want ENOENT; "
dmesg | grep -q 'no virtio 9p channel with mount tag "no-such-tag"' ||
	why+="no kernel message naming the tag; "
check "missing tag fails with ENOENT" "$why" "mount(8): $msg"

# ---- msize ---------------------------------------------------------------------
# msize_test WANT_OR_EMPTY REQUEST: mount with msize=REQUEST; prints the
# msize /proc/mounts shows and leaves the mount in place.
msize_test() {
	local name=$1 req=$2 exact=$3 why="" pm sm tw lowered
	dmesg -C
	if ! timeout $OP_TIMEOUT mount -t 9p -o "$(opts "$req")" "$TAG" "$MNT"; then
		notok "$name" "mount msize=$req failed"
		return 1
	fi
	pm=$(proc_msize "$MNT")
	sm=$(stats_msize)
	if [[ $exact == 1 ]]; then
		[[ $pm == "$req" ]] || why+="/proc/mounts msize=$pm, want $req; "
	else
		lowered=$(dmesg | sed -n "s/.*msize $req lowered to \([0-9]*\),.*/\1/p" | tail -n 1)
		[[ -n $pm && $pm -lt $req ]] || why+="/proc/mounts msize=$pm, not below the $req asked; "
		[[ $lowered == "$pm" ]] || why+="the kernel log says lowered to '$lowered', /proc/mounts $pm; "
	fi
	[[ $sm == "$pm" ]] || why+="debugfs stats msize=$sm, /proc/mounts $pm; "
	tw=$(max_twrite "$MNT/msize-probe")
	# the payload is pinned pages, so a message may stop up to two
	# pages short of msize, but never beyond it
	[[ $tw =~ ^[0-9]+$ && -n $pm ]] && ((tw <= pm && tw > pm - 8192)) ||
		why+="largest Twrite $tw bytes for msize $pm; "
	check "$name" "$why" "msize=$pm, largest Twrite $tw"
	MSIZE=$pm
	[[ -z $why ]]
}

# big MSIZE: the big file at the mount's msize, on a fresh file
big_test() {
	local out rc
	out=$(timeout 600 "${PYTHON[@]}" "$PY" big "$MNT/big" "$BIG_MIB" 2>&1) && rc=0 || rc=$?
	grep '^#' <<<"$out"
	if [[ $rc == 0 ]]; then
		ok "big: $BIG_MIB MiB at msize $1"
	else
		notok "big: $BIG_MIB MiB at msize $1" "exit $rc: $(grep -v '^#' <<<"$out" | head -n 3 | tr '\n' ' ')"
	fi
	rm -f "$MNT/big"
}

if want msize; then
	MSIZE=
	if msize_test "msize 512000 shows in /proc/mounts" 512000 1; then
		big_test "$MSIZE"
	else
		notok "big: $BIG_MIB MiB at msize 512000" "not run"
	fi
	timeout $OP_TIMEOUT umount "$MNT" || diag "umount failed"

	MSIZE=
	if msize_test "msize max: lowered to the transport's limit, shows in /proc/mounts" 16777216 0; then
		s=$SECONDS
		out=$(timeout 900 "${PYTHON[@]}" "$PY" rw64 "$MNT" 64 "${HOSTDIR:--}" 2>&1) && rc=0 || rc=$?
		diag "rw64 at msize $MSIZE, peak requests in flight $(stats_field inflight_max), $((SECONDS - s))s"
		grep '^#' <<<"$out"
		if [[ $rc == 0 ]]; then
			ok "rw64: 64 threads, every byte checked"
		else
			notok "rw64: 64 threads, every byte checked" "exit $rc: $(grep -v '^#' <<<"$out" | head -n 5 | tr '\n' ' ')"
		fi
		rm -f "$MNT"/f??
		big_test "$MSIZE"
	else
		notok "rw64: 64 threads, every byte checked" "not run"
		notok "big: $BIG_MIB MiB at msize max" "not run"
	fi
	timeout $OP_TIMEOUT umount "$MNT" || diag "umount failed"
fi

# ---- one tag, three mounts: one channel -----------------------------------------
# mstat MNT FIELD: a field of MNT's /proc/self/mountstats entry
mstat() {
	awk -v m="$1" -v f="$2:" '$1 == "device" { on = ($5 == m) } on && $1 == f { print $2; exit }' /proc/self/mountstats
}
SH=("$W/s1" "$W/s2" "$W/s3")
SHOPT=("cache=none,uname=root" "cache=loose,uname=shared2" "cache=mmap,uname=shared3,msize=65536")
# shared_mount K...: mount TAG at SH[K] with SHOPT[K] for each K
shared_mount() {
	local k
	for k in "$@"; do
		mkdir -p "${SH[k]}"
		timeout $OP_TIMEOUT mount -t 9p -o "trans=virtio,version=9p2000.L,${SHOPT[k]}" "$TAG" "${SH[k]}" ||
			{ echo "mount ${SHOPT[k]} failed"; return 1; }
	done
}
# shared_works K...: each mount SH[K] reads and writes (prints what failed)
shared_works() {
	local k
	for k in "$@"; do
		timeout $OP_TIMEOUT bash -c "echo w$k >'${SH[k]}/alive$k' && [[ \$(cat '${SH[k]}/alive$k') == w$k ]] && rm '${SH[k]}/alive$k' && ls '${SH[k]}' >/dev/null" 2>/dev/null ||
			echo "mount $((k + 1)) (${SHOPT[k]%%,*}) no longer works"
	done
}
sessions_left() { ls -d $DBG/*/ 2>/dev/null | wc -l; }
tgetattrs() { awk -v m="$1" '$1 == "device" { on = ($5 == m) } on && $1 == "Tgetattr:" { print $2 }' /proc/self/mountstats | grep . || echo 0; }
if want shared; then
	why=
	out=$(shared_mount 0 1 2) || why+="$out; "
	if [[ -z $why ]]; then
		c=() ss=()
		for k in 0 1 2; do
			c+=("$(mstat "${SH[k]}" client)")
			ss+=("$(mstat "${SH[k]}" session)")
			[[ $(mstat "${SH[k]}" sessions) == 3 ]] || why+="mount $((k + 1)): sessions: $(mstat "${SH[k]}" sessions), want 3; "
		done
		[[ -n ${c[0]} && ${c[0]} == "${c[1]}" && ${c[1]} == "${c[2]}" ]] || why+="clients ${c[*]}: not one channel; "
		[[ $(printf '%s\n' "${ss[@]}" | sort -u | grep -c .) == 3 ]] || why+="sessions ${ss[*]}: not three; "
		o=$(awk -v m="${SH[1]}" '$2 == m { print $4 }' /proc/mounts)
		[[ $o == *cache=loose* && $o == *uname=shared2* ]] || why+="mount 2 shows '$o'; "
		[[ $(proc_msize "${SH[2]}") == 65536 ]] || why+="mount 3 msize=$(proc_msize "${SH[2]}"), want 65536; "
		[[ $(mstat "${SH[2]}" msize) == 65536 ]] || why+="mount 3's mountstats msize $(mstat "${SH[2]}" msize); "
		pm=$(proc_msize "${SH[0]}")
		[[ $pm -gt 65536 ]] || why+="mount 1 msize=$pm; "
		tw=$(max_twrite "${SH[2]}/msize-probe")
		[[ $tw =~ ^[0-9]+$ ]] && ((tw <= 65536 && tw > 65536 - 8192)) || why+="mount 3's largest Twrite $tw bytes for msize 65536; "
	fi
	check "shared: one tag mounted three times, one channel, each its own options" "$why" "client ${c[0]:-?}, sessions ${ss[*]:-?}"

	why=
	if [[ -z $out ]]; then
		# close-to-open between the cache=none and the loose mount
		echo one >"${SH[0]}/cto"
		[[ $(cat "${SH[1]}/cto") == one ]] || why+="loose read '$(cat "${SH[1]}/cto")' after the none mount wrote one; "
		echo two-longer >"${SH[1]}/cto"
		[[ $(cat "${SH[0]}/cto") == two-longer ]] || why+="none read '$(cat "${SH[0]}/cto")' after the loose mount wrote and closed; "
		echo three >"${SH[0]}/cto"
		[[ $(cat "${SH[1]}/cto") == three ]] || why+="loose read '$(cat "${SH[1]}/cto")' after the none mount wrote three; "
		mkdir "${SH[1]}/dir" && echo x >"${SH[1]}/dir/f"
		[[ $(cat "${SH[0]}/dir/f" 2>&1) == x ]] || why+="a file made through the loose mount: '$(cat "${SH[0]}/dir/f" 2>&1)' through the none mount; "
		rm -r "${SH[0]}/dir" "${SH[0]}/cto"
		cat "${SH[1]}/cto" >/dev/null 2>&1 && why+="removed through the none mount, the loose mount still opens it; "
	else
		why="not mounted"
	fi
	check "shared: close-to-open coherence between the cache=none and the loose mount" "$why"

	why=
	if [[ -z $out ]]; then
		# each mount's requests in its statistics and traces: 20 stats
		# on the cache=none mount (each asks the server)
		r1=$(mstat "${SH[0]}" requests) r3=$(mstat "${SH[2]}" requests)
		g1=$(tgetattrs "${SH[0]}")
		echo 0 >$TRACE/tracing_on
		: >$TRACE/trace
		echo 1 >$EV/enable
		echo 1 >$TRACE/tracing_on
		for i in $(seq 20); do stat "${SH[0]}/." >/dev/null; done
		echo 0 >$TRACE/tracing_on
		echo 0 >$EV/enable
		d1=$(( $(mstat "${SH[0]}" requests) - r1 ))
		d3=$(( $(mstat "${SH[2]}" requests) - r3 ))
		g1=$(( $(tgetattrs "${SH[0]}") - g1 ))
		((d3 == 0)) || why+="mount 3 counted $d3 of mount 1's requests; "
		((g1 >= 20)) || why+="mount 1 counted $g1 Tgetattr for 20 stats; "
		n1=$(grep -c "v9fs_ng_req_submit: client ${c[0]} session ${ss[0]} tag .* type Tgetattr " $TRACE/trace)
		nx=$(grep "v9fs_ng_req_submit:" $TRACE/trace | grep -vc " session ${ss[0]} ")
		((n1 >= 20)) || why+="$n1 Tgetattr trace events name session ${ss[0]}; "
		((nx == 0)) || why+="$nx trace events name another session; "
	else
		why="not mounted"
	fi
	check "shared: each mount's requests in its own statistics and trace events" "$why" "mount 1: ${d1:-?} requests, ${g1:-?} Tgetattr, ${n1:-0} events"

	why=
	if [[ -z $out ]]; then
		pids=()
		for k in 0 1 2; do
			mkdir -p "${SH[k]}/rw$k"
			hd=-
			[[ -n $HOSTDIR ]] && hd=$HOSTDIR/rw$k
			timeout 900 "${PYTHON[@]}" "$PY" rw64 "${SH[k]}/rw$k" 8 "$hd" $((100 * (k + 1))) >"$W/rw$k.log" 2>&1 &
			pids+=($!)
		done
		for k in 0 1 2; do
			wait "${pids[k]}" || why+="rw64 on mount $((k + 1)): $(grep -v '^#' "$W/rw$k.log" | head -n 3 | tr '\n' ' '); "
			grep '^#' "$W/rw$k.log"
		done
		# every file again through each of the other mounts
		for k in 0 1 2; do
			for j in 0 1 2; do
				((j == k)) && continue
				for f in "${SH[k]}/rw$k"/f??; do
					cmp -s "$f" "${SH[j]}/rw$k/${f##*/}" || why+="rw$k/${f##*/} differs through mount $((j + 1)); "
				done
			done
		done
		rm -rf "${SH[0]}"/rw?
	else
		why="not mounted"
	fi
	check "shared: 8 rw64 threads on each of the three mounts at once, every byte checked" "$why"

	why=
	if [[ -z $out ]]; then
		timeout $OP_TIMEOUT umount -f "${SH[0]}" 2>/dev/null
		if mountpoint -q "${SH[0]}"; then
			msg=$(timeout $OP_TIMEOUT ls "${SH[0]}" 2>&1) && why+="ls after umount -f succeeded; "
			[[ $msg == *"$EIO_MSG"* ]] || why+="ls after umount -f said '$msg'; "
			timeout $OP_TIMEOUT umount "${SH[0]}" || why+="umount after umount -f failed; "
		fi
		why+=$(shared_works 1 2)
		mountpoint -q "${SH[0]}" && why+="mount 1 still mounted; "
		for k in 1 2; do
			[[ $(mstat "${SH[k]}" sessions) == 2 ]] || why+="mount $((k + 1)): sessions $(mstat "${SH[k]}" sessions) after one left; "
		done
		for k in 1 2; do timeout $OP_TIMEOUT umount "${SH[k]}" || why+="umount $((k + 1)) failed; "; done
	else
		why="not mounted"
	fi
	check "shared: umount -f of one mount leaves the others working" "$why"

	why=
	for order in "0 1 2" "0 2 1" "1 0 2" "1 2 0" "2 0 1" "2 1 0"; do
		out=$(shared_mount 0 1 2) || { why+="$order: $out; "; break; }
		left=(0 1 2)
		for k in $order; do
			timeout $OP_TIMEOUT umount "${SH[k]}" || why+="$order: umount $((k + 1)) failed; "
			left=("${left[@]/$k/}")
			# shellcheck disable=SC2068
			out=$(shared_works ${left[@]})
			[[ -n $out ]] && why+="$order, after umount $((k + 1)): $out; "
		done
		nleft=$(sessions_left)
		[[ $nleft == 0 ]] || why+="$order: $nleft sessions left in debugfs after the last umount; "
	done
	check "shared: all six umount orders, the others working after each" "$why"
fi

# ---- a ring that stays full ------------------------------------------------------
# 9pnet_virtio's test_ring_full hook makes every new request find the ring
# full.  With reqtimeout=2 a stat waiting for room fails with ETIMEDOUT
# within RF_BOUND seconds (the timeout plus 3 s of slack for starting and
# reaping stat, times V9FS_SLOWDOWN); without it the wait is killable;
# once the ring drains again the mount works.
RF=/sys/module/9pnet_virtio/parameters/test_ring_full
RF_BOUND=$((2 + 3 * ${V9FS_SLOWDOWN:-1}))
# ring_stat OPTS KILL_AFTER: mount, stat with the ring full (killed with
# SIGKILL after KILL_AFTER s); prints "RC SECONDS ERR"; stat again after
ring_stat() {
	local t0 t1 err rc
	timeout $OP_TIMEOUT mount -t 9p -o "$1" "$TAG" "$MNT" || { echo "mount-failed"; return; }
	echo x >"$MNT/rf"
	echo 1 >$RF
	t0=$(date +%s.%N)
	err=$(timeout -s KILL "$2" stat "$MNT/rf" 2>&1 >/dev/null)
	rc=$?
	t1=$(date +%s.%N)
	echo 0 >$RF
	echo "$rc $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') ${err:-none}"
	timeout $OP_TIMEOUT stat "$MNT/rf" >/dev/null 2>&1 || echo "later-stat-failed"
	timeout $OP_TIMEOUT umount "$MNT" || echo "umount-failed"
}
if want ringfull; then
	if [[ ! -w $RF ]]; then
		notok "ring full: reqtimeout=2 fails the wait for room with ETIMEDOUT" "no $RF"
		notok "ring full: without reqtimeout the wait is killable" "no $RF"
	else
		out=$(ring_stat "$(opts),reqtimeout=2" 20)
		diag "reqtimeout=2: $out"
		read -r rc dt err <<<"$(head -n 1 <<<"$out")"
		why=
		[[ $rc == 137 ]] && why+="stat still waiting after 20 s (killed); "
		[[ $rc == 0 ]] && why+="stat succeeded with the ring full; "
		[[ $err == *"timed out"* ]] || why+="stat said '$err', want ETIMEDOUT; "
		awk -v d="$dt" -v b=$RF_BOUND 'BEGIN { exit !(d >= 1.5 && d <= b) }' ||
			why+="failed after ${dt}s, want 2..${RF_BOUND}s; "
		[[ $(wc -l <<<"$out") == 1 ]] || why+="$(tail -n +2 <<<"$out" | tr '\n' ' '); "
		check "ring full: reqtimeout=2 fails the wait for room with ETIMEDOUT" "$why" "after ${dt}s"

		out=$(ring_stat "$(opts)" 3)
		diag "no reqtimeout: $out"
		read -r rc dt err <<<"$(head -n 1 <<<"$out")"
		why=
		[[ $rc == 137 ]] || why+="stat rc $rc ($err), want it waiting until killed; "
		[[ $(wc -l <<<"$out") == 1 ]] || why+="$(tail -n +2 <<<"$out" | tr '\n' ' '); "
		check "ring full: without reqtimeout the wait is killable" "$why"
	fi
fi

# ---- the driver unbound under load, again and again ---------------------------------
# RMTAG's device unbound from 9pnet_virtio (sysfs: the driver's remove)
# under 8 busy threads, UB_ROUNDS times, then bound again.  In every
# other round 9pnet_virtio's test_kick_delay_ms hook holds submitters
# for 200 ms between queueing a request and kicking the device, where
# the removal must wait for them (a kick of a deleted virtqueue is a
# use after free: an oops with init_on_free=1, a KASAN report on the
# debug kernel).  Each round: every thread fails with EIO within
# RM_BOUND seconds, umount works, the tag comes back with the bind.
# busy_start OUT: 8 threads of t.py's busy mode on $RM, output to OUT,
# their pid in BPID; returns once they run
busy_start() {
	"${PYTHON[@]}" "$PY" busy "$RM" 8 120 >"$1" 2>&1 &
	BPID=$!
	for _ in $(seq 300); do
		grep -q READY "$1" && break
		sleep 0.1
	done
}
UB=/sys/bus/virtio/drivers/9pnet_virtio
KD=/sys/module/9pnet_virtio/parameters/test_kick_delay_ms
UB_ROUNDS=6
vdev_of() {
	local v
	for v in $UB/virtio*; do
		[[ $(cat "$v/mount_tag" 2>/dev/null) == "$1" ]] && { basename "$v"; return 0; }
	done
	return 1
}
# unbind_round ROUND DELAY_MS: prints what went wrong, nothing if all went well
unbind_round() {
	local v bpid e i t dt nt=0 t0
	v=$(vdev_of "$RMTAG") || { echo "no device with tag $RMTAG bound"; return; }
	timeout $OP_TIMEOUT mount -t 9p -o "$(opts 1048576)" "$RMTAG" "$RM" || { echo "mount failed"; return; }
	# what the last round's threads left half done
	rm -rf "$RM"/d* "$RM"/w*
	head -c 1M /dev/zero >"$RM/big"
	busy_start $W/ub.out
	bpid=$BPID
	sleep 1
	echo "$2" >$KD
	sleep 0.5
	t0=$(cut -d' ' -f1 /proc/uptime)
	timeout $OP_TIMEOUT bash -c "echo $v >$UB/unbind" || echo "unbind of $v failed"
	echo 0 >$KD
	for _ in $(seq $((RM_BOUND * 10 + 50))); do
		kill -0 $bpid 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 $bpid 2>/dev/null; then
		echo "busy threads still running $((RM_BOUND + 5))s after the unbind"
		kill -9 $bpid 2>/dev/null
	fi
	wait $bpid 2>/dev/null
	while read -r _ i t e; do
		nt=$((nt + 1))
		dt=$(awk -v a="$t" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')
		[[ $e == EIO ]] || echo "thread $i: $e"
		awk -v d="$dt" -v b=$RM_BOUND 'BEGIN { exit !(d >= 0 && d <= b) }' ||
			echo "thread $i ended ${dt}s after the unbind"
	done < <(grep '^T ' $W/ub.out)
	[[ $nt == 8 ]] || echo "$nt of 8 threads reported"
	timeout $OP_TIMEOUT umount "$RM" || echo "umount failed"
	timeout $OP_TIMEOUT bash -c "echo $v >$UB/bind" || echo "bind of $v failed"
	vdev_of "$RMTAG" >/dev/null || echo "tag $RMTAG not back after the bind"
}
if want unbind; then
	RM=$W/rm
	mkdir -p "$RM"
	why=
	if [[ ! -w $KD ]]; then
		why="no $KD"
	else
		for r in $(seq $UB_ROUNDS); do
			out=$(unbind_round "$r" $(( r % 2 ? 0 : 200 )))
			diag "round $r: ${out:-ok}"
			[[ -n $out ]] && why+="round $r: $(tr '\n' ' ' <<<"$out"); "
		done
	fi
	# leave the share as it was for the removal test
	if timeout $OP_TIMEOUT mount -t 9p -o "$(opts)" "$RMTAG" "$RM"; then
		rm -rf "$RM"/d* "$RM"/w* "$RM/big"
		timeout $OP_TIMEOUT umount "$RM" || why+="cleanup umount failed; "
	else
		why+="cleanup mount failed; "
	fi
	check "unbind: $UB_ROUNDS rounds under 8 busy threads, each fails with EIO, rebinds" "$why"
fi

# ---- device removal under a busy mount --------------------------------------------
if want removal; then
	RM=$W/rm
	mkdir -p "$RM"
	why=
	dev=
	for v in /sys/bus/virtio/drivers/9pnet_virtio/virtio*; do
		[[ $(cat "$v/mount_tag" 2>/dev/null) == "$RMTAG" ]] && dev=$(readlink -f "$v/..")
	done
	if [[ -z $dev || ! -e $dev/remove ]]; then
		notok "removal: busy threads fail with EIO" "no PCI device for tag $RMTAG"
		notok "removal: later operations fail with EIO, umount works" "not run"
	elif ! timeout $OP_TIMEOUT mount -t 9p -o "$(opts 4194304)" "$RMTAG" "$RM"; then
		notok "removal: busy threads fail with EIO" "mount $RMTAG failed"
		notok "removal: later operations fail with EIO, umount works" "not run"
	else
		# two more mounts on the same channel: removal fails them too
		mkdir -p "$RM-2" "$RM-3"
		timeout $OP_TIMEOUT mount -t 9p -o trans=virtio,cache=loose "$RMTAG" "$RM-2" || why+="second mount of $RMTAG failed; "
		timeout $OP_TIMEOUT mount -t 9p -o trans=virtio,cache=mmap "$RMTAG" "$RM-3" || why+="third mount of $RMTAG failed; "
		diag "removing $dev (tag $RMTAG, mounted 3 times)"
		dd if=/dev/zero of="$RM/big" bs=4M count=16 status=none
		echo hello >"$RM/small"
		exec 7<"$RM/big" 8>>"$RM/small"
		busy_start $W/busy.out
		bpid=$BPID
		sleep 3
		diag "3s into the workload: requests in flight $(stats_field inflight), peak $(stats_field inflight_max)"
		t0=$(cut -d' ' -f1 /proc/uptime)
		echo 1 >"$dev/remove" &
		rmpid=$!
		# every busy thread must end (with EIO) within the bound
		for _ in $(seq $((RM_BOUND * 10 + 50))); do
			kill -0 $bpid 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 $bpid 2>/dev/null; then
			why+="busy threads still running $((RM_BOUND + 5))s after the removal; "
			kill -9 $bpid 2>/dev/null
			# a task stuck in the kernel may not die: do not wait forever
			for _ in $(seq $((OP_TIMEOUT * 10))); do
				kill -0 $bpid 2>/dev/null || break
				sleep 0.1
			done
			kill -0 $bpid 2>/dev/null && why+="the busy process survives SIGKILL; "
		else
			wait $bpid 2>/dev/null
		fi
		for _ in $(seq $((OP_TIMEOUT * 10))); do
			kill -0 $rmpid 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 $rmpid 2>/dev/null; then
			why+="echo 1 >remove still running after ${OP_TIMEOUT}s; "
		else
			wait $rmpid || why+="echo 1 >remove failed; "
		fi
		[[ -e $dev ]] && why+="$dev still there; "
		nt=0
		while read -r _ i t e; do
			nt=$((nt + 1))
			dt=$(awk -v a="$t" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')
			[[ $e == EIO ]] || why+="thread $i: $e; "
			awk -v d="$dt" -v b=$RM_BOUND 'BEGIN { exit !(d >= 0 && d <= b) }' ||
				why+="thread $i ended ${dt}s after the removal; "
			diag "thread $i: $e ${dt}s after the removal"
		done < <(grep '^T ' $W/busy.out)
		[[ $nt == 8 ]] || why+="$nt of 8 threads reported; "
		check "removal: busy threads fail with EIO" "$why"

		why=
		out=$(timeout $OP_TIMEOUT "${PYTHON[@]}" "$PY" after "$RM" 7 8 2>&1) || why+="$(grep -v '^#' <<<"$out" | tr '\n' ' '); "
		grep '^#' <<<"$out"
		exec 7<&- 8>&-
		msg=$(timeout $OP_TIMEOUT ls "$RM" 2>&1) && why+="ls succeeded; "
		[[ $msg == *"$EIO_MSG"* ]] || why+="ls said '$msg'; "
		timeout $OP_TIMEOUT umount "$RM" || why+="umount failed; "
		mountpoint -q "$RM" && why+="still mounted; "
		for m in "$RM-2" "$RM-3"; do
			# (mountpoint(1) stats it: EIO)
			grep -q " $m 9p " /proc/mounts || { why+="${m##*/} not mounted; "; continue; }
			msg2=$(timeout $OP_TIMEOUT ls "$m" 2>&1) && why+="ls on ${m##*/} succeeded; "
			[[ $msg2 == *"$EIO_MSG"* ]] || why+="ls on ${m##*/} said '$msg2'; "
			timeout $OP_TIMEOUT umount "$m" || why+="umount of ${m##*/} failed; "
		done
		check "removal: later operations fail with EIO, umount works" "$why" "ls: $msg"
	fi
fi

# ---- the modules unload ---------------------------------------------------------
why=
timeout $OP_TIMEOUT modprobe -r 9p 9pnet_virtio 9pnet || why+="modprobe -r failed; "
for m in 9p 9pnet_virtio 9pnet; do
	[[ -d /sys/module/$m ]] && why+="$m still loaded; "
done
check "unload" "$why"

echo "1..$n"
# every test runs unless VIRTIO_ONLY picked some
[[ $nfail == 0 && ( -n $ONLY || $n == $NTESTS ) ]]
