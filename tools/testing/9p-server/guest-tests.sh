#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest tests of the fd/tcp/unix transports (9pnet_fd.ko), run as root
# inside a test guest, e.g.:
#
#   tools/testing/vm/vm-run --mods ng --timeout 900 \
#       --cmd tools/testing/9p-server/guest-tests.sh
#
# Serves a scratch directory with p9srv.py (and diod, if installed) and
# mounts it over tcp (IPv4, IPv6, privport), unix and fd in each dialect,
# then injects every fault mode of p9srv.py.  A fault must make the
# caller fail (EIO, ECONNRESET, ...) or be killable, within a bound; the
# umount must work and the modules must unload at the end.  Prints TAP;
# exits nonzero if any test failed.
#
# Options: --quick (fewer dialect combinations), --no-diod,
#          --no-faults (leave out the fault part: p9srv.py's fault
#            modes, request timeouts, dead and silent servers),
#          --versions V,... (the dialects of p9srv.py's tcp, unix and
#            fd mounts; default all three, --quick 9p2000 and 9p2000.L),
#          --only REGEX (run only tests whose name matches),
#          --suite TRANS[=GLOB,...] (also run the VFS selftests over
#            TRANS, tcp or unix, against diod: see suite_diod; the
#            selftests named by the globs, default SUITE_TESTS;
#            repeatable),
#          --kill TRANS,... (kill -9 diod under a 64-thread load over
#            these transports: see kill_load),
#          --bindir DIR (the built C selftests; default build/selftests/9p),
#          --client ng|kernel (whose modules these are, for the selftests;
#            default: ng if 9pnet_fd is v9fs-ng's).

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRV="$HERE/p9srv.py"
W=/var/tmp/p9fd-test	# always a tmpfs in the test guest (/tmp may be an overlay)
EXP=$W/export
MNT=$W/mnt
READY=$W/ready
# Time bounds for "does not hang", scaled by V9FS_SLOWDOWN (vm-run sets
# it: 1 on the stock kernel, V9FS_DEBUG_SLOWDOWN on the debug kernel,
# where KASAN, lockdep and SLUB debugging make everything slower).
SLOW=${V9FS_SLOWDOWN:-1}
[[ $SLOW =~ ^[1-9][0-9]*$ ]] || SLOW=1
OPS_TIMEOUT=$((60 * SLOW))	# a normal operation
FAIL_TIMEOUT=$((30 * SLOW))	# how long a failing operation may take to fail
UMOUNT_TIMEOUT=$((30 * SLOW))	# grace (5 s) + slack under TCG
WAIT_TRIES=$((150 * SLOW))	# 0.2 s polls for a server to start (30 s)
QUICK=0
DIOD=1
FAULTS=1
PART=
VERSIONS=
ONLY=
PROJECT=$(cd "$HERE/../../.." && pwd)
SELFTESTS=$PROJECT/tools/testing/selftests/filesystems/9p
BINDIR=$PROJECT/build/selftests/9p
SUITE=
KILL=
CLIENT=
# The VFS selftests that make sense against diod (9P2000.L only): the
# ng 9p2000.L cache=none line of tools/testing/vm/suites.conf, less what
# KNOWN.md (fd section) says diod cannot do.
SUITE_TESTS=t_smoke.sh,t_signals.sh,t_trace.sh,t_overlay.sh,t_overlay_upper.sh,t_attr,t_errno,t_inode,t_io,t_lock,t_mmap,t_namespace,t_readdir,t_readdir_big,t_tmpfile,t_rename2,t_copy,t_handle

while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--no-diod) DIOD=0 ;;
	--no-faults) FAULTS=0 ;;
	--versions) VERSIONS=${2//,/ }; shift ;;
	--only) ONLY=$2; shift ;;
	--suite) SUITE+=" $2"; shift ;;
	--kill) KILL=${2//,/ }; shift ;;
	--bindir) BINDIR=$2; shift ;;
	--client) CLIENT=$2; shift ;;
	*) echo "usage: $0 [--quick] [--no-diod] [--no-faults] [--versions V,...] [--only REGEX] [--suite TRANS[=GLOBS]]... [--kill tcp,unix] [--bindir DIR] [--client ng|kernel]" >&2; exit 2 ;;
	esac
	shift
done

n=0
failed=0
SPID=

ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $* # SKIP"; }
diag() { echo "# $*"; }
want() {
	[ "$PART" != faults ] || [ $FAULTS = 1 ] || return 1
	[ -z "$ONLY" ] || [[ $1 =~ $ONLY ]]
}

# Start p9srv.py in the background with the given arguments; wait until
# it listens.
srv_start() {
	rm -f "$READY"
	python3 "$SRV" --root "$EXP" --ready "$READY" "$@" \
		>>"$W/srv.log" 2>&1 &
	SPID=$!
	for _ in $(seq $WAIT_TRIES); do
		[ -s "$READY" ] && return 0
		sleep 0.2
	done
	diag "server did not start: $*"
	return 1
}

srv_stop() {
	if [ -n "$SPID" ]; then
		kill -9 "$SPID" 2>/dev/null
		wait "$SPID" 2>/dev/null
		SPID=
	fi
}

mounted() { grep -q " ${1:-$MNT} 9p " /proc/mounts; }

# Unmount $MNT (or umnt_at DIR) within UMOUNT_TIMEOUT; returns nonzero
# if that failed.
umnt() { umnt_at "$MNT"; }
umnt_at() {
	mounted "$1" || return 0
	# -c: umount(8) must not stat a path on a server that stalls.
	timeout -s KILL "$UMOUNT_TIMEOUT" umount -c "$1" && return 0
	diag "umount $1 failed or hung; trying umount -f, -l"
	timeout -s KILL "$UMOUNT_TIMEOUT" umount -c -f "$1" ||
		timeout -s KILL "$UMOUNT_TIMEOUT" umount -c -l "$1"
	return 1
}

reset_export() {
	rm -rf "$EXP"
	mkdir -p "$EXP/dir" "$MNT"
	echo hello >"$EXP/hello"
	head -c 300000 /dev/urandom >"$EXP/mid"
	: >"$EXP/block"
	for i in $(seq 20); do echo "$i" >"$EXP/dir/f$i"; done
}

# The file system exercise every transport/dialect combination runs.
exercise() {
	local m=$MNT

	[ "$(cat $m/hello)" = hello ] || { diag "read hello"; return 1; }
	[ "$(ls $m/dir | wc -l)" = 20 ] || { diag "readdir"; return 1; }
	echo world >$m/new || { diag "create"; return 1; }
	[ "$(cat $m/new)" = world ] || { diag "read back"; return 1; }
	mkdir $m/sub && mv $m/new $m/sub/new2 || { diag "mkdir/mv"; return 1; }
	rm -r $m/sub || { diag "rm -r"; return 1; }
	cp $W/big $m/big && cmp $W/big $m/big || { diag "2 MiB copy"; return 1; }
	cmp $EXP/big $W/big || { diag "server side copy differs"; return 1; }
	# Many requests in flight: parallel readers and writers.
	local pids=() i
	for i in 1 2 3 4; do
		(cmp $m/big $W/big && cp $m/mid $m/par$i &&
			cmp $m/par$i $EXP/mid) &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || { diag "parallel I/O"; return 1; }
	done
	rm -f $m/big $m/par* || return 1
	return 0
}

# good NAME MOUNT-OPTS DEVICE: mount, exercise, umount.
good() {
	local name=$1 opts=$2 dev=$3

	reset_export
	if ! timeout -s KILL $OPS_TIMEOUT mount -t 9p -o "$opts" "$dev" "$MNT"; then
		notok "$name: mount -o $opts $dev"
		return
	fi
	if timeout -s KILL $((OPS_TIMEOUT * 3)) bash -c "$(declare -f exercise diag); MNT=$MNT W=$W EXP=$EXP exercise"; then
		if umnt; then ok "$name"; else notok "$name: umount"; fi
	else
		umnt
		notok "$name: exercise"
	fi
}

# fault MODE AFTER OP EXPECT: mount over p9srv.py --fault MODE, run OP
# (bash) under a time bound; EXPECT is "fail" (OP must fail within
# FAIL_TIMEOUT with an I/O-ish error, not be killed) or "kill" (OP hangs
# by design and is killed; the kill must work) or "any" (anything but a
# hang).  Then umount must work.  FAULT_TIMEOUT replaces FAIL_TIMEOUT for
# an OP of many commands.
fault() {
	local mode=$1 after=$2 op=$3 expect=$4 opts=${5:-version=9p2000.L}
	local name="fault $mode after $after ($opts): $op" rc t0 t1 err
	local tmo=${FAULT_TIMEOUT:-$FAIL_TIMEOUT}

	want "$name" || return
	reset_export
	# shellcheck disable=SC2086 # $mode may carry more options
	srv_start --tcp 127.0.0.1:5650 --fault $mode --after "$after" ||
		{ notok "$name: server"; return; }
	if ! timeout -s KILL $OPS_TIMEOUT mount -t 9p \
		-o "trans=tcp,port=5650,$opts" 127.0.0.1 "$MNT"; then
		srv_stop
		notok "$name: mount"
		return
	fi
	t0=$(date +%s)
	err=$(cd "$MNT" && timeout -s KILL "$tmo" bash -c "$op" 2>&1 >/dev/null)
	rc=$?
	t1=$(date +%s)
	diag "$mode: rc=$rc after $((t1 - t0)) s (bound $tmo s): $(echo "$err" | tail -n 2 | tr '\n' ' ')"
	local verdict=ok
	case $expect in
	fail) [ $rc -ne 0 ] && [ $rc -ne 137 ] || verdict="rc $rc" ;;
	kill) [ $rc -eq 137 ] || verdict="rc $rc, expected a hang" ;;
	any) [ $rc -ne 137 ] || verdict="hung" ;;
	esac
	# After a dead connection, later operations must fail promptly too.
	if [ "$expect" = fail ] && [ "$verdict" = ok ]; then
		timeout -s KILL $FAIL_TIMEOUT ls "$MNT" >/dev/null 2>&1
		[ $? -eq 137 ] && verdict="later ls hung"
	fi
	umnt || verdict="$verdict; umount failed"
	srv_stop
	if [ "$verdict" = ok ]; then ok "$name"; else notok "$name: $verdict"; fi
}

mkdir -p $W
ip link set lo up 2>/dev/null
if ! modprobe 9p || ! modprobe 9pnet_fd || ! grep -qw 9p /proc/filesystems; then
	echo "Bail out! the 9p file system or 9pnet_fd does not load"
	exit 1
fi
head -c 2097152 /dev/urandom >$W/big
diag "9pnet_fd: $(modinfo -F filename 9pnet_fd 2>/dev/null)"

# ---- p9srv.py in every dialect, on every transport ----
if [ -n "$VERSIONS" ]; then
	:
elif [ $QUICK = 1 ]; then VERSIONS="9p2000 9p2000.L"; else VERSIONS="9p2000 9p2000.u 9p2000.L"; fi
for v in $VERSIONS; do
	if want "tcp $v"; then
		srv_start --tcp 127.0.0.1:5640 && good "p9srv tcp $v" "trans=tcp,port=5640,version=$v" 127.0.0.1
		srv_stop
	fi
	if want "unix $v"; then
		srv_start --unix $W/sock && good "p9srv unix $v" "trans=unix,version=$v" $W/sock
		srv_stop
	fi
done
if want "msize"; then
	srv_start --tcp 127.0.0.1:5640 &&
		good "p9srv tcp msize=1048576" "trans=tcp,port=5640,msize=1048576,version=9p2000.L" 127.0.0.1
	srv_stop
fi
if want "reorder"; then
	srv_start --tcp 127.0.0.1:5640 --reorder &&
		good "p9srv tcp, replies out of order" "trans=tcp,port=5640,version=9p2000.L" 127.0.0.1
	srv_stop
fi
if want "ipv6"; then
	srv_start --tcp "[::1]:5641" &&
		good "p9srv tcp ipv6 ::1" "trans=tcp,port=5641,version=9p2000.L" ::1
	srv_stop
fi
if want "privport"; then
	srv_start --tcp 127.0.0.1:5640 -v
	reset_export
	if mount -t 9p -o trans=tcp,port=5640,privport,version=9p2000.L 127.0.0.1 $MNT; then
		lport=$(ss -tnH state established "( dport = :5640 )" 2>/dev/null |
			awk '{print $3}' | sed 's/.*://' | head -n 1)
		diag "privport: local port $lport"
		if [ -n "$lport" ] && [ "$lport" -lt 1024 ] && ls $MNT >/dev/null; then
			umnt && ok "p9srv tcp privport (port $lport)" || notok "privport umount"
		else
			umnt
			notok "p9srv tcp privport: local port '$lport'"
		fi
	else
		notok "p9srv tcp privport: mount"
	fi
	srv_stop
fi
for v in $VERSIONS; do
	want "fd $v" || continue
	reset_export
	rm -f $W/fd.done
	# The server hands one end of a socketpair to mount as rfdno=wfdno=.
	(python3 "$SRV" --root "$EXP" --mount-fd mount -t 9p \
		-o "trans=fd,rfdno={fd},wfdno={fd},version=$v" none "$MNT" \
		>>$W/srv.log 2>&1; echo $? >$W/fd.done) &
	for _ in $(seq $WAIT_TRIES); do mounted && break; [ -e $W/fd.done ] && break; sleep 0.2; done
	if mounted && timeout -s KILL $((OPS_TIMEOUT * 3)) bash -c "$(declare -f exercise diag); MNT=$MNT W=$W EXP=$EXP exercise"; then
		umnt && ok "p9srv fd (socketpair) $v" || notok "fd $v umount"
	else
		umnt
		notok "p9srv fd (socketpair) $v"
	fi
	wait
done
if want "pipe"; then
	# trans=fd over two FIFOs (not sockets), relayed to p9srv's socket.
	reset_export
	srv_start --unix $W/psock
	rm -f $W/c2s $W/s2c
	mkfifo $W/c2s $W/s2c
	python3 -c '
import os, socket, sys, threading
w = os.open(sys.argv[2], os.O_WRONLY)
r = os.open(sys.argv[3], os.O_RDONLY)
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
def up():
    while True:
        b = os.read(r, 65536)
        if not b:
            break
        s.sendall(b)
    s.shutdown(socket.SHUT_WR)
threading.Thread(target=up, daemon=True).start()
while True:
    b = s.recv(65536)
    if not b:
        break
    os.write(w, b)
' $W/psock $W/s2c $W/c2s &
	RPID=$!
	# Same open order as the relay: our read end, then our write end.
	exec 5<$W/s2c 6>$W/c2s
	if timeout -s KILL $OPS_TIMEOUT mount -t 9p -o "trans=fd,rfdno=5,wfdno=6,version=9p2000.L" none $MNT &&
		[ "$(cat $MNT/hello)" = hello ] && cp $W/big $MNT/big && cmp $W/big $MNT/big; then
		umnt && ok "p9srv fd (pipes)" || notok "fd pipes umount"
	else
		umnt
		notok "p9srv fd (pipes)"
	fi
	exec 5<&- 6>&-
	kill "$RPID" 2>/dev/null
	wait "$RPID" 2>/dev/null
	srv_stop
fi

# ---- diod (9P2000.L) ----
# diod_start WHERE EXPORT LOG: diod in the background (DPID), listening
# on WHERE (IP:PORT, or a unix socket path); waits until it listens.
DPID=
diod_start() {
	local where=$1

	case $where in /*) rm -f "$where" ;; esac
	diod -f -n -e "$2" -l "$where" -L "$3" &
	DPID=$!
	for _ in $(seq $WAIT_TRIES); do
		case $where in
		/*) [ -S "$where" ] && return 0 ;;
		*) ss -ltnH "( sport = :${where##*:} )" 2>/dev/null | grep -q . && return 0 ;;
		esac
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.2
	done
	diag "diod did not start on $where"
	return 1
}
# diod_where TRANS DIR PORT: the caller's where (for diod_start), dev
# and opts (to mount) for diod over tcp (127.0.0.1:PORT) or unix
# (DIR/sock)
diod_where() {
	case $1 in
	tcp) where=127.0.0.1:$3 dev=127.0.0.1 opts=trans=tcp,port=$3 ;;
	unix) where=$2/sock dev=$2/sock opts=trans=unix ;;
	esac
}
# diod_mount NAME WHERE DIR OPTS DEV: diod on WHERE exporting DIR/export
# (log DIR/diod.log), DEV mounted on DIR/mnt with OPTS; on failure a
# "not ok NAME: ..." line, diod stopped, and a nonzero return.
diod_mount() {
	if ! diod_start "$2" "$3/export" "$3/diod.log"; then
		notok "$1: diod does not start"
		diod_stop
		return 1
	fi
	if ! timeout -s KILL $OPS_TIMEOUT mount -t 9p -o "$4" "$5" "$3/mnt"; then
		notok "$1: mount -o $4 $5"
		diod_stop
		return 1
	fi
}
diod_stop() {
	if [ -n "$DPID" ]; then
		kill -9 "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
		DPID=
	fi
}

if [ $DIOD = 1 ] && command -v diod >/dev/null && want "diod"; then
	for where in 127.0.0.1:5642 $W/diod.sock; do
		reset_export
		if ! diod_start "$where" "$EXP" $W/diod.log; then
			notok "diod on $where: does not start"
			diod_stop
			continue
		fi
		if [ "${where#/}" = "$where" ]; then
			good "diod tcp" "trans=tcp,port=5642,version=9p2000.L,aname=$EXP" 127.0.0.1
		else
			good "diod unix" "trans=unix,version=9p2000.L,aname=$EXP" "$where"
		fi
		diod_stop
	done
elif want "diod"; then
	skip "diod not installed or disabled"
fi

# ---- a file changed beneath the server ----
# diod exports $EXP, a directory of this guest, so the test can change a
# file on the server's own file system, as a user of the host would
# (the virtio suites can only change it through a second mount): every
# cache mode must show the change at the next open (close-to-open),
# whether the size moved or not.
host_edit() {
	local cache=$1 name="server-side edit seen at the next open (cache=$1)"
	local sock=$W/diod-edit.sock got want

	want "$name" || return
	reset_export
	printf 'first version' >"$EXP/ed"
	if ! diod_start "$sock" "$EXP" $W/diod.log; then
		notok "$name: diod does not start"
		diod_stop
		return
	fi
	if ! timeout -s KILL $OPS_TIMEOUT mount -t 9p \
		-o "trans=unix,version=9p2000.L,cache=$cache,aname=$EXP" "$sock" "$MNT"; then
		notok "$name: mount"
		diod_stop
		return
	fi
	got=$(cat "$MNT/ed" 2>&1)
	printf 'second, longer version' >"$EXP/ed"
	got+=" / $(cat "$MNT/ed" 2>&1)"
	printf 'SECOND, LONGER VERSION' >"$EXP/ed"
	got+=" / $(cat "$MNT/ed" 2>&1)"
	: >"$EXP/ed"
	got+=" / $(cat "$MNT/ed" 2>&1)"
	umnt || got+=" (umount failed)"
	diod_stop
	want="first version / second, longer version / SECOND, LONGER VERSION / "
	if [ "$got" = "$want" ]; then ok "$name"; else notok "$name: read '$got'"; fi
}
if [ $DIOD = 1 ] && command -v diod >/dev/null; then
	for c in none readahead mmap writeback loose; do host_edit $c; done
fi

# ---- the VFS selftests over tcp and unix, against diod ----
# suite_diod TRANS GLOBS: diod exports a fresh tmpfs directory; mount it
# over TRANS as the virtio suites do (9p2000.L, cache=none, msize=512000:
# diod settles for 65536) and run the selftests named by GLOBS on it with
# run-suite.sh --mounted, as model "diod" (xfail.conf lists what diod
# cannot do under that model; t_unlinked then skips on a clean ENOENT).  Each selftest is
# one result here, "diod TRANS suite: t_NAME"; then the umount.
suite_diod() {
	local trans=$1 tests=$2 name="diod $1 suite" dir=$W/suite-$1 where dev opts
	local line tname rest took t0 nres=0

	if ! command -v diod >/dev/null; then
		skip "$name: diod not installed"
		return
	fi
	if [ ! -x "$BINDIR/t_io" ]; then
		notok "$name: the C selftests are not built in $BINDIR"
		return
	fi
	rm -rf "$dir"
	mkdir -p "$dir/export" "$dir/mnt"
	# t_io's large file: 64 MiB over tcp; the unix transport differs
	# only in how it connects, 16 MiB there keeps make check's budget
	local large_mb=${V9FS_IO_LARGE_MB:-64}
	case $trans in
	tcp) where=127.0.0.1:5644 dev=127.0.0.1 opts=trans=tcp,port=5644 ;;
	unix) where=$dir/sock dev=$dir/sock opts=trans=unix
		large_mb=${V9FS_IO_LARGE_MB:-16} ;;
	*) notok "$name: unknown transport"; return ;;
	esac
	opts+=",version=9p2000.L,cache=none,msize=512000,aname=$dir/export"
	diod_mount "$name" "$where" "$dir" "$opts" "$dev" || return
	diag "$name: mount -t 9p -o $opts $dev; selftests $tests"
	t0=$SECONDS
	while IFS= read -r line; do
		if [[ $line =~ ^(not\ ok|ok)\ [0-9]+\ ([^ ]+)(\ \#\ (.*))?$ ]]; then
			tname=${BASH_REMATCH[2]} rest=${BASH_REMATCH[4]}
			took="$((SECONDS - t0)) s"
			t0=$SECONDS
			nres=$((nres + 1))
			if [ "${BASH_REMATCH[1]}" = "not ok" ]; then
				notok "$name: $tname # $took${rest#* on $dir/mnt}"
			elif [[ $rest == SKIP* ]]; then
				n=$((n + 1))
				echo "ok $n - $name: $tname # SKIP the test skipped itself"
			else
				ok "$name: $tname # $took"
			fi
		else
			echo "    $line"
		fi
	done < <(V9FS_READDIR_COUNT=${V9FS_READDIR_COUNT:-1000} \
		V9FS_IO_LARGE_MB=$large_mb \
		"$SELFTESTS/run-suite.sh" --client "$CLIENT" \
		--timeout "${V9FS_TEST_TIMEOUT:-300}" --bindir "$BINDIR" \
		-c "mounted=$dir/mnt name=diod-$trans hostdir=$dir/export version=9p2000.L cache=none msize=512000 model=diod tests=$tests" 2>&1)
	[ $nres -gt 0 ] || notok "$name: run-suite.sh gave no result"
	kill -0 "$DPID" 2>/dev/null || diag "$name: diod died; see $dir/diod.log"
	if umnt_at "$dir/mnt"; then ok "$name: umount"; else notok "$name: umount"; fi
	diod_stop
}

if [ -z "$CLIENT" ]; then
	case $(modinfo -F filename 9pnet_fd 2>/dev/null) in
	*v9fs-ng*) CLIENT=ng ;;
	*) CLIENT=kernel ;;
	esac
fi
for t in $SUITE; do
	tests=$SUITE_TESTS
	[[ $t == *=* ]] && tests=${t#*=}
	want "diod ${t%%=*} suite" && suite_diod "${t%%=*}" "$tests"
done

# ---- diod killed under a 64-thread load ----
# kill_load TRANS: 64 threads of mixed I/O (kill-load.c) on a mount of
# diod over TRANS; kill-load kills diod with SIGKILL after 3 s and every
# thread must have an error return within 5 s (times SLOW); a later operation fails
# promptly and the umount works.
KILL_LOAD=
kill_load() {
	local trans=$1 name="diod killed under 64 threads ($1)" dir=$W/kill-$1
	local where dev opts rc kp

	if [ -z "$KILL_LOAD" ]; then
		KILL_LOAD=$W/kill-load
		if ! cc -O2 -Wall -pthread -o "$KILL_LOAD" "$HERE/kill-load.c"; then
			KILL_LOAD=
			notok "$name: kill-load.c does not build"
			return
		fi
	fi
	rm -rf "$dir"
	mkdir -p "$dir/export/load" "$dir/mnt"
	diod_where "$trans" "$dir" 5645
	opts+=",version=9p2000.L,cache=none,msize=512000,aname=$dir/export"
	diod_mount "$name" "$where" "$dir" "$opts" "$dev" || return
	# Not waited for blindly: a thread stuck in the kernel would keep
	# it (and a pipe from it) from ever finishing.
	"$KILL_LOAD" "$dir/mnt/load" "$DPID" 64 3 $((5 * SLOW)) >"$dir/out" 2>&1 &
	kp=$!
	for _ in $(seq $((300 * SLOW))); do
		grep -qE '^(PASS|FAIL)' "$dir/out" && break
		kill -0 "$kp" 2>/dev/null || break
		sleep 0.2
	done
	sed 's/^\([^#]\)/# \1/' "$dir/out"
	wait "$DPID" 2>/dev/null
	DPID=
	rc=stuck
	for _ in $(seq $((50 * SLOW))); do
		kill -0 "$kp" 2>/dev/null || { wait "$kp"; rc=$?; break; }
		sleep 0.2
	done
	if [ "$rc" != 0 ] || ! grep -q '^PASS' "$dir/out"; then
		[ "$rc" = stuck ] && kill -9 "$kp" 2>/dev/null
		umnt_at "$dir/mnt"
		notok "$name: kill-load exit $rc"
		return
	fi
	timeout -s KILL $FAIL_TIMEOUT stat "$dir/mnt/load" >/dev/null 2>&1
	rc=$?
	if [ $rc -eq 0 ] || [ $rc -eq 137 ]; then
		umnt_at "$dir/mnt"
		notok "$name: a later stat gave rc $rc"
		return
	fi
	if umnt_at "$dir/mnt"; then ok "$name"; else notok "$name: umount"; fi
}
for t in $KILL; do
	want "diod killed under 64 threads ($t)" && kill_load "$t"
done

# reconnect TRANS: a cache=none mount of diod over TRANS with
# reconnect=60 rides through diod killed (SIGKILL) and started again 3
# times under 16 threads of reads, writes and lookups
# (reconnect-load.py): no call fails, every file ends as written, through
# the mount and on the server; a file kept open and a working directory
# inside the mount keep working; a file removed while the server was
# down gives ESTALE through its open fd, and only it; a server that
# never comes back fails a stat within the bound (reconnect=5) and the
# umount works; no fid or request is left at umount.  With
# cache=writeback, pages still dirty when diod was killed reach the
# server after the reconnect (fsync succeeds, the server's copy matches).
reconnect() {
	local trans=$1 name="reconnect: diod restarted 3 times under load ($1)"
	local dir=$W/rec-$1 where dev opts lp i v=ok msg wbdirty r b e

	rm -rf "$dir"
	mkdir -p "$dir/export/dir" "$dir/mnt"
	diod_where "$trans" "$dir" 5646
	opts+=",version=9p2000.L,cache=none,aname=$dir/export"
	echo keep >"$dir/export/keep"
	echo gone >"$dir/export/gone"
	diod_mount "$name" "$where" "$dir" "$opts,reconnect=60" "$dev" || return
	grep " $dir/mnt 9p " /proc/mounts | grep -q "reconnect=60" || v="$v; /proc/mounts shows no reconnect=60"
	dmesg -C
	exec 7<"$dir/mnt/keep" 8<"$dir/mnt/gone"
	# a working directory inside the mount, used after the restarts
	(cd "$dir/mnt/dir" && while [ ! -e "$dir/stop" ]; do sleep 0.5; done &&
		echo x >here && ls . >"$dir/cwd.out" 2>&1) &
	lp=$!
	python3 "$HERE/reconnect-load.py" "$dir/mnt" "$dir/export" 16 "$dir/stop" >"$dir/load.out" 2>&1 &
	local pp=$!
	for _ in $(seq $((300 * SLOW))); do
		[ -e "$dir/stop.ready" ] && break
		sleep 0.2
	done
	[ -e "$dir/stop.ready" ] || v="$v; the load did not start"
	for i in 1 2 3; do
		sleep 2
		diod_stop
		# the file the open fd 8 names goes while the server is down
		[ $i = 2 ] && rm -f "$dir/export/gone"
		# /proc/mounts while there is no connection (the transport's
		# options are the closed connection's)
		grep -q " $dir/mnt 9p " /proc/mounts || v="$v; not in /proc/mounts while diod was down"
		sleep 1
		# (not holding the mount through our fds 7 and 8)
		diod_start "$where" "$dir/export" "$dir/diod.log" 7<&- 8<&- ||
			v="$v; diod did not start again ($i)"
	done
	sleep 3
	touch "$dir/stop"
	for _ in $(seq $((300 * SLOW))); do
		kill -0 $pp 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 $pp 2>/dev/null; then
		v="$v; the load is stuck"
		kill -9 $pp 2>/dev/null
	fi
	wait $pp 2>/dev/null
	sed 's/^/# /' "$dir/load.out"
	grep -q '^PASS' "$dir/load.out" || v="$v; load: $(grep '^FAIL' "$dir/load.out" | head -n 3 | tr '\n' ' ')"
	wait $lp 2>/dev/null
	grep -q here "$dir/cwd.out" 2>/dev/null || v="$v; the working directory: $(cat "$dir/cwd.out" 2>&1)"
	[ "$(cat <&7)" = keep ] || v="$v; the kept open file no longer reads"
	msg=$(cat <&8 2>&1) && v="$v; the removed file's fd still reads: $msg"
	case $msg in *"Stale file handle"*) ;; *) v="$v; the removed file's fd said '$msg'" ;; esac
	exec 7<&- 8<&-
	[ "$(cat "$dir/mnt/keep")" = keep ] || v="$v; keep no longer opens"
	dmesg | grep -q "connected again" || v="$v; the kernel log says no reconnect"
	umnt_at "$dir/mnt" || v="$v; umount failed"
	dmesg | grep -E "fids still referenced|requests left" && v="$v; left at umount"

	# write-back: pages dirty when the server went are written after the
	# reconnect
	head -c $((4 << 20)) /dev/urandom >"$dir/wb.src"
	# keep the flusher off the pages until the fsync
	local vm=/proc/sys/vm saved
	saved="$(cat $vm/dirty_ratio $vm/dirty_background_ratio $vm/dirty_expire_centisecs | tr '\n' ' ')"
	echo 90 >$vm/dirty_ratio; echo 80 >$vm/dirty_background_ratio; echo 360000 >$vm/dirty_expire_centisecs
	if timeout -s KILL $OPS_TIMEOUT mount -t 9p -o "$opts,cache=writeback,reconnect=60" "$dev" "$dir/mnt"; then
		# one writer, which keeps the file open: any close(2) of
		# the file would write it back (close-to-open)
		python3 -c 'import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.write(fd, open(sys.argv[2], "rb").read())
open(sys.argv[3], "w").close()
while not os.path.exists(sys.argv[4]):
    time.sleep(0.2)' "$dir/mnt/wb" "$dir/wb.src" "$dir/wb.written" "$dir/wb.stop" &
		local wp=$!
		for _ in $(seq $((150 * SLOW))); do
			[ -e "$dir/wb.written" ] && break
			sleep 0.2
		done
		wbdirty=$(awk '/^Dirty:/ { print $2 }' /proc/meminfo)
		[ "$wbdirty" -ge 1024 ] || v="$v; only $wbdirty KiB dirty when diod was killed: nothing to test; "
		diod_stop
		sleep 1
		diod_start "$where" "$dir/export" "$dir/diod.log" ||
			v="$v; diod did not start again (write-back)"
		timeout -s KILL $((60 * SLOW)) sync "$dir/mnt/wb" || v="$v; fsync after the reconnect failed"
		touch "$dir/wb.stop"
		wait $wp || v="$v; the writer failed"
		cmp -s "$dir/wb.src" "$dir/export/wb" || v="$v; the server's copy of the written-back file differs (${wbdirty} KiB were dirty)"
		diag "write-back: ${wbdirty} KiB dirty when diod was killed"
		umnt_at "$dir/mnt" || v="$v; umount (write-back) failed"
	else
		v="$v; the write-back mount failed"
	fi
	read -r r b e <<<"$saved"
	echo "$r" >$vm/dirty_ratio; echo "$b" >$vm/dirty_background_ratio; echo "$e" >$vm/dirty_expire_centisecs

	# a server that does not come back: the bound holds
	if timeout -s KILL $OPS_TIMEOUT mount -t 9p -o "$opts,reconnect=5" "$dev" "$dir/mnt"; then
		diod_stop
		local t0=$SECONDS
		msg=$(timeout -s KILL $((60 * SLOW)) stat "$dir/mnt/keep" 2>&1) && v="$v; stat without a server succeeded"
		case $msg in *"Input/output error"*) ;; *) v="$v; stat without a server said '$msg'" ;; esac
		[ $((SECONDS - t0)) -le $((30 * SLOW)) ] || v="$v; stat failed after $((SECONDS - t0)) s for reconnect=5"
		umnt_at "$dir/mnt" || v="$v; umount after giving up failed"
	else
		v="$v; the reconnect=5 mount failed"
	fi
	diod_stop
	if [ "$v" = ok ]; then ok "$name"; else notok "$name: $v"; fi
}

# A 9P2000.L server without Trenameat and Tunlinkat (older diod, small
# servers): renames go by Trename, removals by Tremove, and (v9fs-ng only,
# it keeps per-mount counts) the client asks each missing message only
# once, then remembers.
# mstat_count TYPE: requests of TYPE sent on $MNT (mountstats' per-type
# count)
mstat_count() {
	awk -v m="$MNT" -v t="$1:" '
		$1 == "device" { on = $5 == m }
		on && $1 == t { print $2; exit }' /proc/self/mountstats
}
lacking_server() {
	local name="p9srv without Trenameat and Tunlinkat" verdict=ok i c
	local want="Trenameat=1 Tunlinkat=1 Trename=6 Tremove=6"

	want "$name" || return
	srv_start --tcp 127.0.0.1:5642 --lack renameat,unlinkat || { notok "$name: server"; return; }
	reset_export
	if ! mount -t 9p -o trans=tcp,port=5642,version=9p2000.L 127.0.0.1 $MNT; then
		notok "$name: mount"
		srv_stop
		return
	fi
	for i in 1 2 3 4 5; do
		echo $i >$MNT/l$i && mv $MNT/l$i $MNT/m$i && rm $MNT/m$i ||
			verdict="rename or remove $i failed"
	done
	mkdir $MNT/ld && mv $MNT/ld $MNT/md && rmdir $MNT/md || verdict="$verdict; directory"
	[ -n "$(ls "$EXP" | grep -E '^[lm]([0-9]|d)$')" ] && verdict="$verdict; left on the server: $(ls "$EXP" | tr '\n' ' ')"
	c=
	for i in Trenameat Tunlinkat Trename Tremove; do
		c+="$i=$(mstat_count $i) "
	done
	diag "$name: $c"
	[ "${c% }" = "$want" ] || verdict="$verdict; requests $c, want $want"
	grep -q "lacks: Tunlinkat Trenameat\|lacks: Trenameat Tunlinkat" /proc/self/mountstats ||
		verdict="$verdict; mountstats names no lacking message"
	umnt || verdict="$verdict; umount failed"
	srv_stop
	if [ "$verdict" = ok ]; then ok "$name"; else notok "$name: $verdict"; fi
}
[ "$CLIENT" = ng ] && lacking_server

# shareconn: tcp mounts of one server that both ask share one connection
# (one channel, a session each: mountstats' "client:" is the same,
# "sessions: 2"), each with its own options and fids; one umount leaves
# the other working; the last closes the connection, with no fid left on
# the server (p9srv --stats: one line per connection that ended).  Mounts
# without the option each connect.
conn_lines() {
	local want=$1 i

	for i in $(seq $((50 * SLOW))); do
		[ "$(grep -c . $W/connstats 2>/dev/null)" -ge "$want" ] && break
		sleep 0.2
	done
	grep -c . $W/connstats 2>/dev/null || echo 0
}
shared_conn() {
	local name="shareconn: two tcp mounts of one server share one connection"
	local verdict=ok o="trans=tcp,port=5643,version=9p2000.L" c1 c2 st
	local m2=$MNT-2

	want "$name" || return
	rm -f $W/connstats
	srv_start --tcp 127.0.0.1:5643 --stats $W/connstats || { notok "$name: server"; return; }
	reset_export
	mkdir -p $m2
	if ! mount -t 9p -o $o,shareconn,cache=none 127.0.0.1 $MNT ||
	   ! mount -t 9p -o $o,shareconn,cache=loose,uname=other 127.0.0.1 $m2; then
		notok "$name: mount"
		umnt_at $MNT
		srv_stop
		return
	fi
	c1=$(mstat_count client)
	c2=$(MNT=$m2 mstat_count client)
	[ -n "$c1" ] && [ "$c1" = "$c2" ] || verdict="$verdict; clients $c1 and $c2"
	[ "$(mstat_count sessions)" = 2 ] || verdict="$verdict; sessions: $(mstat_count sessions)"
	grep " $m2 9p " /proc/mounts | grep -q "cache=loose.*shareconn" ||
		verdict="$verdict; /proc/mounts: $(grep " $m2 9p " /proc/mounts)"
	echo shared >$MNT/sc
	[ "$(cat $m2/sc)" = shared ] || verdict="$verdict; the second mount read '$(cat $m2/sc)'"
	umnt || verdict="$verdict; umount 1 failed"
	[ "$(cat $m2/sc 2>&1)" = shared ] && echo more >>$m2/sc ||
		verdict="$verdict; the second mount after the first left: $(cat $m2/sc 2>&1)"
	[ "$(conn_lines 0)" = 0 ] || verdict="$verdict; a connection ended with a mount still on it"
	umnt_at $m2 || verdict="$verdict; umount 2 failed"
	[ "$(conn_lines 1)" = 1 ] || verdict="$verdict; $(conn_lines 1) connections ended, want 1"
	st=$(cat $W/connstats 2>/dev/null)
	[ "$st" = "fids 0 inuse 0" ] || verdict="$verdict; server: '$st'"
	[ "$(cat "$EXP/sc")" = "$(printf 'shared\nmore')" ] || verdict="$verdict; server's file: $(cat "$EXP/sc" | tr '\n' ' ')"
	# without the option: a connection each
	if mount -t 9p -o $o 127.0.0.1 $MNT && mount -t 9p -o $o 127.0.0.1 $m2; then
		c1=$(mstat_count client)
		c2=$(MNT=$m2 mstat_count client)
		[ -n "$c1" ] && [ "$c1" != "$c2" ] || verdict="$verdict; without shareconn: clients $c1 and $c2"
		[ "$(mstat_count sessions)" = 1 ] || verdict="$verdict; without shareconn: sessions: $(mstat_count sessions)"
	else
		verdict="$verdict; mounts without shareconn failed"
	fi
	umnt; umnt_at $m2
	[ "$(conn_lines 3)" = 3 ] || verdict="$verdict; $(conn_lines 3) connections ended in all, want 3"
	srv_stop
	if [ "$verdict" = ok ]; then ok "$name"; else notok "$name: $verdict"; fi
}
[ "$CLIENT" = ng ] && shared_conn

# A short Twrite among pieces sent together: p9srv's "short" file
# cannot take bytes 96..128 KiB (a hole on a full disk), writes past
# them succeed.  write(2) must report every byte the server holds: no
# piece past a short one may have been written.
name="a short Twrite: the server holds no more than write(2) reported"
if want "$name"; then
	reset_export
	verdict=ok
	srv_start --tcp 127.0.0.1:5657
	if timeout -s KILL $OPS_TIMEOUT mount -t 9p \
		-o trans=tcp,port=5657,version=9p2000.L,cache=none,msize=65536 127.0.0.1 $MNT; then
		out=$(timeout -s KILL $FAIL_TIMEOUT python3 -c '
import os, sys
data = os.urandom(1 << 20)
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
try:
    n = os.write(fd, data)
except OSError as e:
    n = "%s" % e
os.close(fd)
with open(sys.argv[2], "rb") as f:
    got = f.read()
print("write %s, server holds %d" % (n, len(got)))
if n != len(got) or got != data[:n]:
    sys.exit(1)
' $MNT/shortf $EXP/shortf 2>&1)
		rc=$?
		diag "short Twrite: $out"
		[ $rc -eq 0 ] || verdict="rc $rc: $out"
		umnt || verdict="$verdict; umount"
	else
		verdict="mount"
	fi
	srv_stop
	if [ "$verdict" = ok ]; then ok "$name"; else notok "$name: $verdict"; fi
fi

# ---- faults ----
# The fault modes of p9srv.py, request timeouts and flushes, dead and
# silent servers: net/9p's error paths, the same code on every kernel
# this tree builds for. --no-faults leaves this part out (make check
# does on 6.12; make check-all runs it there too).
PART=faults
[ $FAULTS = 1 ] || diag "--no-faults: the fault modes, request timeouts and dead servers are left out"
# (defined above, beside kill_load)
if [ "$CLIENT" = ng ] && command -v diod >/dev/null; then
	for t in $KILL; do
		want "reconnect: diod restarted 3 times under load ($t)" && reconnect "$t"
	done
fi
READ='cat hello; cat dir/*; cat mid >/dev/null; ls -la dir; cat mid; cp mid mid2; cat mid2'
fault drop 3 "$READ" fail
fault drop 40 "$READ" fail
fault trunc 5 "$READ" fail
fault badtag 3 "$READ" fail
fault bigsize 3 "$READ" fail
fault garbage 3 "$READ" fail
fault fat 3 "$READ" fail
fault stall 3 "$READ" kill
fault noflush 0 'cat block' kill
# directory offsets that never advance: the listing fails, never loops
fault dirloop 0 'ls dir' fail
if [ $QUICK = 0 ]; then
	fault drop 3 "$READ" fail version=9p2000
	fault badtag 2 "$READ" fail version=9p2000.u
	fault garbage 10 "$READ" fail version=9p2000
fi
# A reply that frames right but does not decode fails its request, and
# (v9fs-ng only) the trace event v9fs_ng_bad_reply shows its first bytes:
# the Rread of "hello\n" with a byte 0xa5 too many is size[4] 18,
# type[1] 117, tag[2], count[4] 6 and the data (only the 11 bytes up to
# count if the read went zero copy).
bad_reply_trace() {
	local name="fault junk: a refused Rread is dumped by v9fs_ng_bad_reply"
	local T=/sys/kernel/tracing ev x='[0-9a-f]{2}' verdict=ok rc line re

	want "$name" || return
	[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
	ev=$T/events/v9fs_ng/v9fs_ng_bad_reply
	[ -d $ev ] || { notok "$name: no event $ev"; return; }
	reset_export
	srv_start --tcp 127.0.0.1:5650 --fault junk ||
		{ notok "$name: server"; return; }
	if ! timeout -s KILL $OPS_TIMEOUT mount -t 9p \
		-o trans=tcp,port=5650,version=9p2000.L 127.0.0.1 "$MNT"; then
		srv_stop
		notok "$name: mount"
		return
	fi
	echo 0 >$T/tracing_on
	: >$T/trace
	echo 1 >$ev/enable
	echo 1 >$T/tracing_on
	timeout -s KILL $FAIL_TIMEOUT cat "$MNT/hello" >/dev/null 2>&1
	rc=$?
	echo 0 >$T/tracing_on
	echo 0 >$ev/enable
	line=$(grep -m1 'v9fs_ng_bad_reply:' $T/trace)
	: >$T/trace
	diag "cat: rc=$rc; ${line:-no event}"
	[ $rc -ne 0 ] && [ $rc -ne 137 ] || verdict="cat gave rc $rc"
	re="type Tread size 18 data 12 00 00 00 75 $x $x 06 00 00 00"
	re+="( 68 65 6c 6c 6f 0a a5)?\$"
	[[ $line =~ $re ]] || verdict="$verdict; no dump of the Rread"
	umnt || verdict="$verdict; umount failed"
	srv_stop
	if [ "$verdict" = ok ]; then ok "$name"; else notok "$name: $verdict"; fi
}
[ "$CLIENT" = ng ] && bad_reply_trace

# Rerror storms: operations fail with random errors, nothing hangs. 150
# commands: a debug guest took 69 s and 124 s (killed at FAIL_TIMEOUT's
# 120) in two runs beside two other guests, 226 s beside three; the
# rounds print their number, so that a kill shows how far it got.
FAULT_TIMEOUT=$((OPS_TIMEOUT * 3)) fault "errstorm --every 3" 10 'for i in $(seq 30); do echo "round $i" >&2; cat hello mid dir/f1; ls dir; echo x >f$i; done' any

# A request stuck at the server is flushed (Rflush comes back); the
# connection must stay usable afterwards.
name="flush: killed reader, then the mount still works"
if want "$name"; then
	reset_export
	srv_start --tcp 127.0.0.1:5650
	if mount -t 9p -o trans=tcp,port=5650,version=9p2000.L 127.0.0.1 $MNT; then
		timeout -s KILL 3 cat $MNT/block
		rc=$?
		sleep 1
		if [ $rc -eq 137 ] && [ "$(timeout -s KILL $OPS_TIMEOUT cat $MNT/hello)" = hello ] &&
			timeout -s KILL $OPS_TIMEOUT cmp $MNT/mid $EXP/mid; then
			umnt && ok "$name" || notok "$name: umount"
		else
			umnt
			notok "$name (rc $rc)"
		fi
	else
		notok "$name: mount"
	fi
	srv_stop
fi

# A server that is alive but never answers (p9srv --fault stall: its TCP
# stack still acknowledges, so 9pnet_fd's tcp_timeout cannot fire).
# Without a request timeout (the default, as in mainline) a reader waits
# killably: SIGKILL ends it, umount -f fails the rest with EIO, umount -l
# detaches a mount kept busy.  With reqtimeout=S every request gives up
# after S seconds with ETIMEDOUT (and is flushed), and umount -f fails
# the rest at once.
name="stall: SIGKILL ends a reader, umount -f fails the rest, umount -l works"
if want "$name"; then
	t00=$SECONDS
	reset_export
	srv_start --tcp 127.0.0.1:5652 --fault stall --after 3
	if timeout -s KILL $OPS_TIMEOUT mount -t 9p \
		-o trans=tcp,port=5652,version=9p2000.L 127.0.0.1 $MNT; then
		verdict=ok
		(cd $MNT && cat mid >/dev/null) 2>$W/r1.err &
		r1=$!
		(cd $MNT && cat hello dir/f1 >/dev/null) 2>$W/r2.err &
		r2=$!
		# kept open, so the umount -f finds the mount busy
		(exec 7<$MNT/dir; sleep 600) 2>/dev/null &
		r3=$!
		sleep 2
		kill -0 $r1 2>/dev/null || verdict="reader 1 did not block"
		kill -9 $r1
		t0=$(date +%s)
		for _ in $(seq 50); do kill -0 $r1 2>/dev/null || break; sleep 0.2; done
		kill -0 $r1 2>/dev/null && verdict="SIGKILL did not end a stalled reader"
		diag "stall: SIGKILL'd reader gone after $(($(date +%s) - t0)) s"
		timeout -s KILL $UMOUNT_TIMEOUT umount -c -f $MNT 2>/dev/null
		diag "stall: umount -f rc $?"
		t0=$(date +%s)
		for _ in $(seq $((FAIL_TIMEOUT * 5))); do kill -0 $r2 2>/dev/null || break; sleep 0.2; done
		if kill -0 $r2 2>/dev/null; then
			verdict="a reader survived umount -f"
			kill -9 $r2
		fi
		wait $r2
		rc=$?
		diag "stall: after umount -f reader 2 rc $rc after $(($(date +%s) - t0)) s: $(tr '\n' ' ' <$W/r2.err)"
		[ $rc -ne 0 ] && [ $rc -ne 137 ] || verdict="$verdict; reader 2 rc $rc after umount -f"
		if mounted; then
			timeout -s KILL $UMOUNT_TIMEOUT umount -c -l $MNT || verdict="$verdict; umount -l failed"
		fi
		mounted && verdict="$verdict; still mounted"
		kill -9 $r3 2>/dev/null
		wait $r1 $r3 2>/dev/null
		diag "stall: took $((SECONDS - t00)) s"
		if [ "$verdict" = ok ]; then ok "$name"; else notok "$name: $verdict"; fi
	else
		notok "$name: mount"
	fi
	srv_stop
fi

name="stall: reqtimeout=2 fails requests with ETIMEDOUT, umount -f works"
if want "$name"; then
	t00=$SECONDS
	reset_export
	srv_start --tcp 127.0.0.1:5653 --fault stall --after 3
	if timeout -s KILL $OPS_TIMEOUT mount -t 9p \
		-o trans=tcp,port=5653,version=9p2000.L,reqtimeout=2 127.0.0.1 $MNT; then
		verdict=ok
		grep -q " $MNT 9p .*,reqtimeout=2" /proc/mounts ||
			verdict="reqtimeout=2 not in /proc/mounts"
		t0=$(date +%s)
		err=$(cd $MNT && timeout -s KILL $FAIL_TIMEOUT cat mid 2>&1 >/dev/null)
		rc=$?
		t1=$(date +%s)
		diag "reqtimeout: rc $rc after $((t1 - t0)) s: $(echo "$err" | head -n 2 | tr '\n' ' ')"
		if [ $rc -eq 0 ] || [ $rc -eq 137 ]; then
			verdict="$verdict; reader rc $rc"
		elif ! echo "$err" | grep -q 'timed out'; then
			verdict="$verdict; not ETIMEDOUT: $(echo "$err" | head -n 1)"
		fi
		# the mount stays; a later request gives up too, after ~2 s
		t0=$(date +%s)
		err=$(timeout -s KILL $FAIL_TIMEOUT stat $MNT/hello 2>&1 >/dev/null)
		rc=$?
		diag "reqtimeout: later stat rc $rc after $(($(date +%s) - t0)) s: $err"
		{ [ $rc -ne 0 ] && [ $rc -ne 137 ] && echo "$err" | grep -q 'timed out'; } ||
			verdict="$verdict; later stat rc $rc: $err"
		# -f: fail the clunks at once rather than wait out their grace
		timeout -s KILL $UMOUNT_TIMEOUT umount -c -f $MNT ||
			verdict="$verdict; umount -f failed"
		mounted && { umnt; verdict="$verdict; still mounted"; }
		diag "reqtimeout: stalled server: took $((SECONDS - t00)) s"
		if [ "$verdict" = ok ]; then ok "$name"; else notok "$name: $verdict"; fi
	else
		notok "$name: mount"
	fi
	srv_stop
fi

# reqtimeout= on a server that answers: a request it holds (a read of a
# "block" file) fails with ETIMEDOUT and is flushed (p9srv answers the
# Tflush), the mount stays usable; a value above a day is refused.
name="reqtimeout: a held request times out and is flushed, the mount stays usable"
if want "$name"; then
	t00=$SECONDS
	reset_export
	verdict=ok
	mount -t 9p -o trans=tcp,port=5653,reqtimeout=86401 127.0.0.1 $MNT 2>/dev/null &&
		{ umnt; verdict="reqtimeout=86401 mounted"; }
	srv_start --tcp 127.0.0.1:5653
	if timeout -s KILL $OPS_TIMEOUT mount -t 9p \
		-o trans=tcp,port=5653,version=9p2000.L,reqtimeout=2 127.0.0.1 $MNT; then
		t0=$SECONDS
		err=$(timeout -s KILL $FAIL_TIMEOUT cat $MNT/block 2>&1)
		rc=$?
		diag "reqtimeout: read of block: rc $rc after $((SECONDS - t0)) s: $err"
		{ [ $rc -ne 0 ] && [ $rc -ne 137 ] && echo "$err" | grep -q 'timed out'; } ||
			verdict="$verdict; read of block rc $rc: $err"
		{ [ "$(timeout -s KILL $OPS_TIMEOUT cat $MNT/hello)" = hello ] &&
			timeout -s KILL $OPS_TIMEOUT cmp $MNT/mid $EXP/mid &&
			timeout -s KILL $OPS_TIMEOUT cp $MNT/mid $MNT/mid2 &&
			cmp $EXP/mid $EXP/mid2; } ||
			verdict="$verdict; I/O after the timeout"
		umnt || verdict="$verdict; umount"
	else
		verdict="$verdict; mount"
	fi
	srv_stop
	diag "reqtimeout: took $((SECONDS - t00)) s"
	if [ "$verdict" = ok ]; then ok "$name"; else notok "$name: $verdict"; fi
fi

# A reply that lands just as its waiter gives up (reqtimeout): the waiter
# flushes the request and fences the fid's later I/O until the flush is
# over; the early reply must lift that fence as well as the Rflush would.
# p9srv answers the first Tread of each fid of a "late" file 2.5 s after
# it came; 9pnet's abandon_delay_ms test hook holds the give-up open for
# 1 s after reqtimeout=2, so the reply lands inside it every time.  The
# second read on the same open file must succeed, each round.
name="reqtimeout: a reply racing the give-up leaves the fid usable"
if want "$name"; then
	t00=$SECONDS
	reset_export
	echo late >"$EXP/late"
	verdict=ok
	hook=/sys/module/9pnet/parameters/abandon_delay_ms
	srv_start --tcp 127.0.0.1:5653 --late 2.5
	if timeout -s KILL $OPS_TIMEOUT mount -t 9p \
		-o trans=tcp,port=5653,version=9p2000.L,reqtimeout=2 127.0.0.1 $MNT; then
		if [ -w $hook ]; then
			echo 1000 >$hook
			for round in 1 2 3; do
				out=$(timeout -s KILL $FAIL_TIMEOUT python3 -c '
import errno, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
t = time.monotonic()
try:
    os.read(fd, 100)
    print("first read did not time out")
except OSError as e:
    if e.errno != errno.ETIMEDOUT:
        print("first read: %s" % e)
t1 = time.monotonic()
try:
    b = os.pread(fd, 100, 0)
    if b != b"late\n":
        print("second read: %r" % b)
except OSError as e:
    print("second read: %s" % e)
sys.stderr.write("# reads took %.1f s, %.1f s\n" % (t1 - t, time.monotonic() - t1))
' $MNT/late 2>&1)
				rc=$?
				echo "$out" | grep '^#'
				out=$(echo "$out" | grep -v '^#')
				[ $rc -eq 0 ] && [ -z "$out" ] ||
					verdict="$verdict; round $round: rc $rc: $out"
			done
			echo 0 >$hook
			[ "$(timeout -s KILL $OPS_TIMEOUT cat $MNT/hello)" = hello ] ||
				verdict="$verdict; I/O afterwards"
		else
			verdict="$verdict; no $hook"
		fi
		umnt || verdict="$verdict; umount"
	else
		verdict="$verdict; mount"
	fi
	srv_stop
	diag "reqtimeout race: took $((SECONDS - t00)) s"
	if [ "$verdict" = ok ]; then ok "$name"; else notok "$name: $verdict"; fi
fi

# A Tflush answered with an error (p9srv --fault flusherr: 9P does not
# allow it) does not end the flushed request: its reply, which follows,
# must still be taken (not be a tag we stopped waiting for, which kills
# the connection), lift the fid's flush fence, and the mount stays usable.
name="flusherr: a Tflush answered with an error, then the reply: the connection survives"
if want "$name"; then
	reset_export
	echo late >"$EXP/late"
	verdict=ok
	srv_start --tcp 127.0.0.1:5654 --fault flusherr --late 10
	if timeout -s KILL $OPS_TIMEOUT mount -t 9p \
		-o trans=tcp,port=5654,version=9p2000.L,reqtimeout=2 127.0.0.1 $MNT; then
		out=$(timeout -s KILL $FAIL_TIMEOUT python3 -c '
import errno, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
try:
    os.read(fd, 100)
    print("first read did not time out")
except OSError as e:
    if e.errno != errno.ETIMEDOUT:
        print("first read: %s" % e)
try:
    b = os.pread(fd, 100, 0)
    if b != b"late\n":
        print("second read: %r" % b)
except OSError as e:
    print("second read: %s" % e)
' $MNT/late 2>&1)
		rc=$?
		[ $rc -eq 0 ] && [ -z "$out" ] || verdict="rc $rc: $out"
		[ "$(timeout -s KILL $OPS_TIMEOUT cat $MNT/hello 2>&1)" = hello ] ||
			verdict="$verdict; I/O afterwards"
		umnt || verdict="$verdict; umount"
	else
		verdict="mount"
	fi
	srv_stop
	if [ "$verdict" = ok ]; then ok "$name"; else notok "$name: $verdict"; fi
fi

# A legacy Rerror longer than the receive buffer (p9srv: 3000 bytes of
# text for a walk to "longerr...") fails that request only: the rest of
# the stream is read past it, later requests work.
for v in 9p2000.u 9p2000; do
	name="a 3000-byte Rerror fails one request, the mount stays usable ($v)"
	want "$name" || continue
	reset_export
	verdict=ok
	srv_start --tcp 127.0.0.1:5655
	if timeout -s KILL $OPS_TIMEOUT mount -t 9p \
		-o trans=tcp,port=5655,version=$v 127.0.0.1 $MNT; then
		err=$(timeout -s KILL $FAIL_TIMEOUT stat $MNT/longerr 2>&1)
		rc=$?
		diag "long Rerror ($v): stat rc $rc: $err"
		{ [ $rc -ne 0 ] && [ $rc -ne 137 ]; } || verdict="stat rc $rc"
		[ "$(timeout -s KILL $OPS_TIMEOUT cat $MNT/hello 2>&1)" = hello ] &&
			[ "$(timeout -s KILL $OPS_TIMEOUT ls $MNT/dir | wc -l)" = 20 ] ||
			verdict="$verdict; I/O afterwards"
		umnt || verdict="$verdict; umount"
	else
		verdict="mount"
	fi
	srv_stop
	if [ "$verdict" = ok ]; then ok "$name"; else notok "$name: $verdict"; fi
done

# Fid numbers the server may still hold are not let go: a Tremove that
# timed out (p9srv holds the first Tremove of a "hold" file until
# flushed, without removing) is followed by a Tclunk; a Twalk whose
# reply came after the give-up (the first walk to a "latewalk" name,
# answered on the Tflush) and a late Tattach (aname "late...") have
# their new fid clunked.  p9srv counts, when the connection ends, the
# fids left behind and the newfids it refused as in use: both must be 0.
fidstats() {
	local i

	for i in $(seq $((50 * SLOW))); do
		[ -s $W/fidstats ] && break
		sleep 0.2
	done
	cat $W/fidstats 2>/dev/null
	rm -f $W/fidstats
}
name="fids: timed-out Tremove, Twalk and Tattach leave no fid on the server"
if want "$name"; then
	reset_export
	: >"$EXP/holdme"
	: >"$EXP/latewalk1"
	verdict=ok
	rm -f $W/fidstats
	srv_start --tcp 127.0.0.1:5656 --late 3 --stats $W/fidstats
	if timeout -s KILL $OPS_TIMEOUT mount -t 9p \
		-o trans=tcp,port=5656,version=9p2000.u,reqtimeout=2 127.0.0.1 $MNT; then
		err=$(timeout -s KILL $FAIL_TIMEOUT rm $MNT/holdme 2>&1)
		echo "$err" | grep -q 'timed out' || verdict="rm: $err"
		err=$(timeout -s KILL $FAIL_TIMEOUT stat $MNT/latewalk1 2>&1)
		echo "$err" | grep -q 'timed out' || verdict="$verdict; stat: $err"
		[ "$(timeout -s KILL $OPS_TIMEOUT cat $MNT/hello 2>&1)" = hello ] ||
			verdict="$verdict; I/O afterwards"
		umnt || verdict="$verdict; umount"
		st=$(fidstats)
		diag "fids after Tremove/Twalk timeouts: $st"
		[ "$st" = "fids 0 inuse 0" ] || verdict="$verdict; server: '$st'"
	else
		verdict="mount"
	fi
	err=$(timeout -s KILL $OPS_TIMEOUT mount -t 9p \
		-o trans=tcp,port=5656,version=9p2000.L,reqtimeout=2,aname=late 127.0.0.1 $MNT 2>&1) &&
		{ umnt; verdict="$verdict; late Tattach mounted"; }
	st=$(fidstats)
	diag "fids after a Tattach timeout: $st ($err)"
	[ "$st" = "fids 0 inuse 0" ] || verdict="$verdict; server after Tattach: '$st'"
	srv_stop
	if [ "$verdict" = ok ]; then ok "$name"; else notok "$name: $verdict"; fi
fi

# trans=fd takes sockets, pipes/FIFOs and character devices only: the
# wait queue of a signalfd belongs to the mounting process and goes away
# with it (EPOLLFREE) while the mount would still be hooked into it.
name="trans=fd refuses a signalfd"
if want "$name"; then
	# mount(2) itself: mount(8) words EINVAL as "bad option"
	out=$(timeout -s KILL $OPS_TIMEOUT python3 -c '
import ctypes, errno, os, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
mask = (ctypes.c_ulong * 16)()
mask[0] = 1 << (signal.SIGUSR1 - 1)
sfd = libc.signalfd(-1, ctypes.byref(mask), 0)
if sfd < 0:
    print("signalfd: %s" % os.strerror(ctypes.get_errno()))
    sys.exit(1)
r, w = os.pipe()
opts = ("trans=fd,rfdno=%d,wfdno=%d" % (sfd, w)).encode()
if libc.mount(b"none", sys.argv[1].encode(), b"9p", 0, opts) == 0:
    print("mounted")
    sys.exit(1)
e = ctypes.get_errno()
print("mount: %s" % os.strerror(e))
sys.exit(0 if e == errno.EINVAL else 1)
' $MNT 2>&1)
	rc=$?
	diag "signalfd: $out"
	mounted && { umnt; rc=1; }
	if [ $rc -eq 0 ]; then ok "$name"; else notok "$name: $out"; fi
fi

# A zero-copy read given up on (reqtimeout) whose reply comes after all,
# before the Rflush (p9srv answers a "late" file's first Tread when the
# Tflush comes; --flush-delay holds the Rflush 3 s): no byte may land in
# the caller's buffer after read(2) returned.  The read either fails with
# ETIMEDOUT and the buffer keeps its own pattern, or returns the file's
# data; 4.5 s later the buffer is unchanged.  The flushed request's tag
# stays taken until the Rflush (9pnet's debugfs "requests" 1 s after the
# read returned: the read's and the Tflush's), and is free after it.
name="reqtimeout: a late reply to a given-up zero-copy read never lands after the read returned"
if want "$name"; then
	t00=$SECONDS
	reset_export
	head -c 32768 /dev/zero | tr '\0' A >"$EXP/latezc"
	verdict=ok
	srv_start --tcp 127.0.0.1:5653 --late 30 --flush-delay 3
	if ! timeout -s KILL $OPS_TIMEOUT mount -t 9p \
		-o trans=tcp,port=5653,version=9p2000.L,cache=none,msize=131072,reqtimeout=2 127.0.0.1 $MNT; then
		verdict="mount"
	else
		mountpoint -q /sys/kernel/debug || mount -t debugfs nodev /sys/kernel/debug
		reqs=$(ls -d /sys/kernel/debug/9pnet/*/requests 2>/dev/null | tail -n 1)
		out=$(timeout -s KILL $FAIL_TIMEOUT python3 -c '
import errno, mmap, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
buf = mmap.mmap(-1, 32768)
buf.write(b"B" * 32768)
t = time.monotonic()
try:
    n = os.readv(fd, [buf])
    e = None
except OSError as x:
    n, e = -1, x.errno
dt = time.monotonic() - t
snap = bytes(buf)
time.sleep(1)
inflight = open(sys.argv[2]).read().strip() if sys.argv[2] else "?"
time.sleep(3.5)
after = open(sys.argv[2]).read().strip() if sys.argv[2] else "?"
later = bytes(buf)
sys.stderr.write("# read: %s after %.1f s; requests in flight %s, after the Rflush %s\n"
                 % (errno.errorcode.get(e, n), dt, inflight, after))
if e is None and n == 32768 and snap == b"A" * n:
    pass
elif e == errno.ETIMEDOUT:
    if snap != b"B" * 32768:
        print("read failed with ETIMEDOUT, but the buffer holds %d bytes of the file" % snap.count(b"A"))
else:
    print("read: %s, %d bytes of the file" % (errno.errorcode.get(e, n), snap.count(b"A")))
if later != snap:
    print("the buffer changed after read returned: %d bytes of the file now, %d then" % (later.count(b"A"), snap.count(b"A")))
if inflight != "2":
    print("%s requests in flight before the Rflush, want 2 (the read keeps its tag)" % inflight)
if after != "0":
    print("%s requests in flight after the Rflush, want 0" % after)
' $MNT/latezc "$reqs" 2>&1)
		rc=$?
		echo "$out" | grep '^#'
		out=$(echo "$out" | grep -v '^#')
		[ $rc -eq 0 ] && [ -z "$out" ] || verdict="rc $rc: $(echo $out)"
		[ "$(timeout -s KILL $OPS_TIMEOUT cat $MNT/hello)" = hello ] ||
			verdict="$verdict; I/O afterwards"
		umnt || verdict="$verdict; umount"
	fi
	srv_stop
	diag "late zero-copy reply: took $((SECONDS - t00)) s"
	if [ "$verdict" = ok ]; then ok "$name"; else notok "$name: $verdict"; fi
fi

# The server dies under a busy mount: everything fails promptly.
name="server killed mid-transfer: I/O fails, umount works"
if want "$name"; then
	reset_export
	srv_start --tcp 127.0.0.1:5650
	if mount -t 9p -o trans=tcp,port=5650,version=9p2000.L 127.0.0.1 $MNT; then
		(timeout -s KILL $FAIL_TIMEOUT bash -c "while :; do cp $W/big $MNT/x || exit 1; done") &
		bg=$!
		sleep 3
		srv_stop
		wait $bg
		rc=$?
		timeout -s KILL $FAIL_TIMEOUT cat $MNT/hello >/dev/null 2>&1
		rc2=$?
		diag "writer rc $rc, later read rc $rc2"
		if [ $rc -ne 0 ] && [ $rc -ne 137 ] && [ $rc2 -ne 0 ] && [ $rc2 -ne 137 ]; then
			umnt && ok "$name" || notok "$name: umount"
		else
			umnt
			notok "$name (rc $rc, $rc2)"
		fi
	else
		notok "$name: mount"
	fi
fi

# A peer that stops acknowledging (netem drops every packet on lo, as a
# cut network or a vanished host would): with 9pnet_fd's tcp_timeout=5
# a request fails within FAIL_TIMEOUT, where TCP's defaults would retry
# for ~15 minutes; later requests fail too and the umount works.
name="tcp_timeout: a peer that stops acknowledging fails the requests"
param=/sys/module/9pnet_fd/parameters/tcp_timeout
if ! want "$name"; then
	:
elif [ ! -w $param ]; then
	skip "$name: no tcp_timeout parameter (the kernel's 9pnet_fd)"
elif ! modprobe sch_netem 2>/dev/null || ! command -v tc >/dev/null; then
	skip "$name: no netem"
else
	reset_export
	srv_start --tcp 127.0.0.1:5651
	echo 5 >$param
	if mount -t 9p -o trans=tcp,port=5651,version=9p2000.L 127.0.0.1 $MNT &&
		[ "$(cat $MNT/hello)" = hello ]; then
		echo 0 >$param
		tc qdisc add dev lo root netem loss 100%
		t0=$(date +%s)
		err=$(timeout -s KILL $FAIL_TIMEOUT cat $MNT/mid 2>&1 >/dev/null)
		rc=$?
		t1=$(date +%s)
		timeout -s KILL $FAIL_TIMEOUT ls $MNT >/dev/null 2>&1
		rc2=$?
		tc qdisc del dev lo root
		diag "tcp_timeout: rc $rc after $((t1 - t0)) s ($err), later ls rc $rc2"
		if [ $rc -ne 0 ] && [ $rc -ne 137 ] && [ $rc2 -ne 0 ] && [ $rc2 -ne 137 ]; then
			umnt && ok "$name" || notok "$name: umount"
		else
			umnt
			notok "$name (rc $rc, later rc $rc2)"
		fi
	else
		umnt
		notok "$name: mount"
	fi
	echo 0 >$param
	tc qdisc del dev lo root 2>/dev/null
	srv_stop
fi

PART=

# Bad mount arguments fail cleanly.
if want "badargs"; then
	r=0
	mount -t 9p -o trans=tcp,port=1 127.0.0.1 $MNT 2>/dev/null && { umount $MNT; r=1; }
	mount -t 9p -o trans=tcp not-an-address $MNT 2>/dev/null && { umount $MNT; r=1; }
	mount -t 9p -o trans=unix $W/nonexistent $MNT 2>/dev/null && { umount $MNT; r=1; }
	mount -t 9p -o trans=fd,rfdno=77,wfdno=78 none $MNT 2>/dev/null && { umount $MNT; r=1; }
	[ $r = 0 ] && ok "bad addresses and fds are refused" || notok "bad arguments mounted"
fi

# ---- the modules unload ----
if want "unload"; then
	if ! mounted && rmmod 9p 2>/dev/null; rmmod 9pnet_fd; then
		ok "9pnet_fd unloads"
	else
		notok "9pnet_fd unloads: $(lsmod | grep 9p | tr '\n' ' ')"
	fi
fi

echo "1..$n"
if [ $failed -ne 0 ]; then
	diag "$failed of $n failed; server log: $W/srv.log"
	tail -n 30 $W/srv.log | sed 's/^/# /'
	exit 1
fi
exit 0
