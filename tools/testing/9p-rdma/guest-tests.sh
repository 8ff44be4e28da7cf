#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 9P over RDMA tests; run INSIDE a test guest (as root), e.g.
#   tools/testing/vm/vm-run --mods ng --mem 2G \
#       --cmd 'tools/testing/9p-rdma/guest-tests.sh'
#   tools/testing/vm/vm-run --mods kernel --mem 2G \
#       --cmd 'tools/testing/9p-rdma/guest-tests.sh kernel'
#
# Sets up soft-RoCE (rdma_rxe) on a veth pair private to the guest, diod
# on a unix socket, and 9p-rdma-gw in front of it, then mounts with
# trans=rdma.  Prints TAP; exits nonzero if a test failed.
#
# Argument: "ng" (default: the VFS selftests and every transport and
# fault test, for v9fs-ng's client), "room" (only the send-room tests,
# see room_stall) or "kernel" (smoke I/O and the
# selftests the kernel's client passes over virtio, for the kernel's own
# 9pnet_rdma: the reference the gateway is checked against).  See README.

MODE=${1:-ng}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GW=$HERE/9p-rdma-gw
PROJECT=${V9FS_PROJECT:-$(cd "$HERE/../../.." && pwd)}
SUITE=$PROJECT/tools/testing/selftests/filesystems/9p/run-suite.sh
# the built C selftests (check.sh: make -C ... OUTPUT=build/selftests/9p)
BINDIR=${V9FS_BINDIR:-$PROJECT/build/selftests/9p}
ADDR=10.99.0.1
ADDR6=fd99::1
PORT=5640
W=/var/tmp/9prdma	# always a tmpfs in the test guest (/tmp may be an overlay)
EXPORT=$W/export
MNT=$W/mnt
SOCK=$W/diod.sock
OPTS="trans=rdma,port=$PORT,version=9p2000.L,aname=$EXPORT,sq=32,rq=32,timeout=10000"
GWOPTS="-m 532480 -q 32"
# The selftests run over rdma (RDMA_SUITE=t_a,t_b or none overrides): see
# README for why these and not others.
NG_SUITE=t_smoke.sh,t_attr,t_errno,t_lock
KERNEL_SUITE=t_smoke.sh,t_errno
N=0
FAILED=0
# Time bounds for "does not hang" and "fails within", scaled by
# V9FS_SLOWDOWN (vm-run sets it: 1 on the stock kernel, more on the
# debug kernel, where KASAN, lockdep and SLUB debugging slow everything).
SLOW=${V9FS_SLOWDOWN:-1}
[[ $SLOW =~ ^[1-9][0-9]*$ ]] || SLOW=1
# s SECONDS: a time bound scaled by SLOW
s() { echo $(($1 * SLOW)); }
GWPID=
DIODPID=

ok() { N=$((N + 1)); echo "ok $N - $*"; }
nok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
log() { echo "# $*"; }

# RDMA_CONTROL=1: a negative control run; no fault is injected (the
# gateway gets no fault flags, nothing is killed or deleted), so every
# fault test must report "not ok": each can fail.
CONTROL=${RDMA_CONTROL:-0}

# fault CMD...: inject a fault, unless this is a control run
fault() {
	if [ "$CONTROL" = 1 ]; then
		log "control run: not done: $*"
		return 0
	fi
	"$@"
}

start_gw() {
	[ "$CONTROL" = 1 ] && [ $# -gt 0 ] && { log "control run: no $*"; set --; }
	"$GW" -a "${GWADDR:-0.0.0.0}" -p $PORT -s unix:$SOCK $GWOPTS "$@" \
		>>$W/gw.log 2>&1 &
	GWPID=$!
	sleep 0.5
	# a slower kernel takes longer to bring the listener up
	[ "$SLOW" -gt 1 ] && sleep $((SLOW / 2))
	return 0
}

stop_gw() {
	[ -n "$GWPID" ] && kill -9 "$GWPID" 2>/dev/null
	wait "$GWPID" 2>/dev/null
	GWPID=
}

do_mount() {
	timeout "$(s 60)" mount -t 9p -o "$OPTS${2:+,$2}" "${1:-$ADDR}" $MNT
}

do_umount() {
	timeout "$(s 30)" umount $MNT 2>/dev/null || timeout "$(s 30)" umount -f $MNT ||
		timeout "$(s 30)" umount -l $MNT
}

cleanup() {
	if [ "$FAILED" -gt 0 ] && [ -f $W/gw.log ]; then
		echo "# the gateway's log, last lines:"
		tail -n 30 $W/gw.log | sed 's/^/#   /'
	fi
	mountpoint -q $MNT && umount -l $MNT
	stop_gw
	[ -n "$DIODPID" ] && kill "$DIODPID" 2>/dev/null
}
trap cleanup EXIT

setup() {
	mkdir -p $EXPORT $MNT
	if [ ! -x "$GW" ]; then
		make -C "$HERE" >/dev/null || { echo "Bail out! gateway does not build"; exit 1; }
	fi
	modprobe rdma_rxe || { echo "Bail out! no rdma_rxe"; exit 1; }
	modprobe rdma_ucm
	ip link add veth0 type veth peer name veth1 || exit 1
	ip addr add $ADDR/24 dev veth0
	ip addr add 10.99.0.2/24 dev veth1
	ip -6 addr add $ADDR6/64 dev veth0 nodad
	ip -6 addr add fd99::2/64 dev veth1 nodad
	ip link set veth0 up
	ip link set veth1 up
	ip link set lo up
	rdma link add rxe0 type rxe netdev veth0 || { echo "Bail out! rdma link add"; exit 1; }
	diod -f -n -c /dev/null -e $EXPORT -l $SOCK -t 16 >$W/diod.log 2>&1 &
	DIODPID=$!
	for _ in $(seq "$(s 50)"); do [ -S $SOCK ] && break; sleep 0.1; done
	[ -S $SOCK ] || { echo "Bail out! diod did not start"; cat $W/diod.log; exit 1; }
}

# Write, remount, read back, compare.
smoke() {
	local tag=$1 src=$W/src.$RANDOM
	head -c 3000000 /dev/urandom >$src
	# bounded: a hung client fails this test, not the whole guest run
	timeout "$(s 300)" cp $src $MNT/smoke.$tag && timeout "$(s 300)" sync || return 1
	do_umount || return 1
	do_mount "$2" "$3" || return 1
	[ "$(timeout "$(s 300)" sha256sum <$MNT/smoke.$tag)" = "$(sha256sum <$src)" ] || return 1
	timeout "$(s 300)" cp $MNT/smoke.$tag $W/back.$tag &&
	[ "$(sha256sum <$W/back.$tag)" = "$(sha256sum <$src)" ]
}

# 16 workers, each writes and verifies files of its own.
workload16() {
	local i pids=() rc=0
	for i in $(seq 16); do
		(
			set -e
			mkdir -p $MNT/w$i
			for j in 1 2 3; do
				head -c $((40000 * j + i)) /dev/urandom >$W/w$i.$j
				cp $W/w$i.$j $MNT/w$i/f$j
				cmp -s $W/w$i.$j $MNT/w$i/f$j
				ls -l $MNT/w$i >/dev/null
			done
			rm -r $MNT/w$i
		) &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || rc=1; done
	return $rc
}

# Start 16 endless I/O loops; each writes $W/dead.N when an op fails.
start_busy() {
	local i
	rm -f $W/dead.*
	BUSY=()
	for i in $(seq 16); do
		(
			while head -c 20000 /dev/urandom >$MNT/busy$i 2>/dev/null &&
			      cat $MNT/busy$i >/dev/null 2>&1 &&
			      stat $MNT >/dev/null 2>&1; do :; done
			touch $W/dead.$i
		) &
		BUSY+=($!)
	done
	sleep 2
}

# Every busy loop must have failed within $1 seconds.
all_failed_within() {
	local t=$(($1 * 10)) n t0=$(date +%s)
	while [ $t -gt 0 ]; do
		n=$(ls $W/dead.* 2>/dev/null | wc -l)
		[ "$n" -eq 16 ] && break
		sleep 0.1
		t=$((t - 1))
	done
	n=$(ls $W/dead.* 2>/dev/null | wc -l)
	if [ "$n" -ne 16 ]; then
		log "only $n of 16 workers saw an error"
		kill "${BUSY[@]}" 2>/dev/null
		return 1
	fi
	wait "${BUSY[@]}" 2>/dev/null
	log "all 16 workers saw an error within $(($(date +%s) - t0)) s"
	return 0
}

# Run metadata operations until one fails; true if one fails in time
# without hanging.
some_op_fails() {
	local i
	for i in $(seq 40); do
		timeout "$(s 10)" stat $MNT/. >/dev/null 2>&1 || return 0
		timeout "$(s 10)" ls $MNT >/dev/null 2>&1 || return 0
	done
	return 1
}

# Read and list for a while through a gateway that scrambles reply
# bodies: true if some operation failed and nothing hung.
garbage_load() {
	local rc
	timeout "$(s 60)" bash -c "for i in \$(seq 20); do ls -laR $MNT; cat $MNT/* $MNT/*/*; stat $MNT/*; done" \
		>/dev/null 2>&1
	rc=$?
	log "garbage load: exit $rc"
	[ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $rc -ne 137 ]
}

# Start one process reading $MNT/stall in a loop (bash builtins only, so
# that the blocked process is the one we kill); true if it stops making
# progress.
stall_blocks() {
	local c1 c2
	: >$W/stall.count
	bash -c "while read -r x <$MNT/stall; do echo >>$W/stall.count; done" &
	STALLPID=$!
	sleep 3
	c1=$(wc -l <$W/stall.count)
	sleep 3
	c2=$(wc -l <$W/stall.count)
	log "reads before the stall: $c1, then $c2"
	kill -0 $STALLPID 2>/dev/null && [ "$c1" = "$c2" ]
}

stall_kill() {
	local t
	kill -9 $STALLPID 2>/dev/null
	for t in $(seq "$(s 50)"); do
		kill -0 $STALLPID 2>/dev/null || { wait $STALLPID 2>/dev/null; return 0; }
		sleep 0.1
	done
	log "pid $STALLPID: $(cat /proc/$STALLPID/stat 2>/dev/null), wchan $(cat /proc/$STALLPID/wchan 2>/dev/null)"
	return 1
}

# The kernel's own 9pnet_rdma asks for no transport retries (retry_count
# 0), and 6.1's rxe arms its retransmit timer only when none is pending,
# so on a slow guest a stale timer can fire on a SEND just posted: its one
# try is spent, the QP goes to the error state, and 6.1's client marks
# itself disconnected but wakes none of its waiters: they sleep until
# killed (and the hung-task detector reports them).  That is the
# reference client's weakness, not the gateway's, so every kernel-client
# step runs watched: when rxe0 counts a transport retry exhausted under
# it, the step is killed, the mount replaced and the step run once more.
RXE_HW=/sys/class/infiniband/rxe0/ports/1/hw_counters
LINK_DEATHS=0

# the transport retries rxe0 has seen exhausted, both kinds
link_deaths() {
	cat $RXE_HW/retry_exceeded_err $RXE_HW/retry_rnr_exceeded_err 2>/dev/null |
		awk '{ n += $1 } END { print n + 0 }'
}

# rxe0's nonzero counters, one line
rxe_counters() {
	local f v out=
	for f in $RXE_HW/*; do
		v=$(cat "$f" 2>/dev/null) || continue
		[ "$v" != 0 ] && out="$out ${f##*/}=$v"
	done
	echo "${out# }"
}

# kill_tree PID: PID and all its descendants (timeout(1) puts its child
# in a process group of its own, so a group kill would miss it)
kill_tree() {
	local c
	for c in $(pgrep -P "$1"); do kill_tree "$c"; done
	kill -KILL "$1" 2>/dev/null
}

# watched CMD...: run CMD (no ok/nok inside: it runs in a subshell); its
# status, or 75 when rxe0 counted a dead link under it: then CMD and its
# children are killed and $MNT unmounted
watched() {
	local base pid
	base=$(link_deaths)
	"$@" &
	pid=$!
	while kill -0 $pid 2>/dev/null; do
		if [ "$(link_deaths)" != "$base" ]; then
			LINK_DEATHS=$((LINK_DEATHS + 1))
			log "the kernel client's link died under '$*' (rxe0: $(rxe_counters)): killed"
			kill_tree $pid
			wait $pid 2>/dev/null
			mountpoint -q $MNT && do_umount
			return 75
		fi
		sleep 0.2
	done
	wait $pid
}

# smoke with a prober beside it: a stat every half second, so that a new
# SEND follows the QP's death (a client that only waits for replies to
# SENDs already acknowledged never learns of it)
smoke_probed() {
	local p
	smoke d &
	p=$!
	while kill -0 $p 2>/dev/null; do
		stat $MNT >/dev/null 2>&1
		sleep 0.5
	done
	wait $p
}

# ref mounted|unmounted CMD...: CMD for the kernel's client, watched, and
# run once more (from the state it needs: $MNT mounted or not) if the
# link died under it; a second death fails it
ref() {
	local need=$1 rc
	shift
	watched "$@"
	rc=$?
	[ $rc = 75 ] || return $rc
	if [ "$need" = mounted ] && ! do_mount; then
		log "no mount after the dead link"
		return 1
	fi
	log "running '$*' once more"
	watched "$@"
	rc=$?
	[ $rc = 75 ] || return $rc
	[ "$need" = mounted ] && do_mount
	return 1
}

# True when, within $(s 10) s, no user process is in uninterruptible
# sleep (a waiter the client left behind).
no_blocked() {
	local t p st left
	for t in $(seq "$(s 50)"); do
		left=
		for p in /proc/[0-9]*; do
			[ -s "$p/cmdline" ] || continue	# kernel threads
			st=$(sed 's/.*) //; s/ .*//' "$p/stat" 2>/dev/null)
			[ "$st" = D ] && left="$left ${p#/proc/}($(cat "$p/comm" 2>/dev/null), $(cat "$p/wchan" 2>/dev/null))"
		done
		[ -z "$left" ] && return 0
		sleep 0.2
	done
	log "still blocked:$left"
	return 1
}

# The first trans=rdma mount loads 9pnet_rdma through its alias 9p-rdma:
# the module loaded must be the one of $1 (a .ko path).
autoload() {
	local want got
	[ -d /sys/module/9pnet_rdma ] && modprobe -r 9pnet_rdma
	[ -d /sys/module/9pnet_rdma ] && { log "9pnet_rdma already loaded"; return 1; }
	do_mount || return 1
	# the GNU build-id: the kernel's own modules have no srcversion
	want=$(readelf -n "$1" 2>/dev/null | awk '/Build ID:/ { print $3; exit }')
	# the note: 12-byte header, "GNU\0", then the id
	got=$(od -An -v -tx1 -j16 /sys/module/9pnet_rdma/notes/.note.gnu.build-id 2>/dev/null | tr -d ' \n')
	log "9pnet_rdma loaded: build-id '$got', $1: '$want'"
	do_umount || return 1
	[ -n "$want" ] && [ "$got" = "$want" ]
}

# suite_one CLIENT TEST OUT: one VFS selftest on the mount at $MNT
suite_one() {
	"$SUITE" --client "$1" --no-unload --timeout "${V9FS_TEST_TIMEOUT:-300}" \
		--bindir "$BINDIR" -c "name=rdma mounted=$MNT hostdir=$EXPORT version=9p2000.L cache=none model=diod tests=$2" \
		>"$3" 2>&1
}

# suite CLIENT TESTS: the VFS selftests (comma separated) on a fresh
# rdma mount, one result line per test; each test's own KTAP output is
# indented below it.  The export is in this guest, so V9FS_HOSTDIR works.
suite() {
	local client=$1 t out rc line t0 verdict why
	local -a tests
	[ "$2" = none ] && return	# RDMA_SUITE=none: no selftests
	IFS=, read -r -a tests <<<"$2"
	if ! do_mount; then
		for t in "${tests[@]}"; do nok "suite/$t # mount failed"; done
		return
	fi
	# model "diod": xfail.conf lists what diod cannot do (whole-file
	# locks, Tgetattr by path); t_lock checks diod's locks in $EXPORT
	for t in "${tests[@]}"; do
		out=$W/suite.$t.out
		t0=$(date +%s)
		if [ "$client" = kernel ]; then
			ref mounted suite_one "$client" "$t" "$out"
		else
			suite_one "$client" "$t" "$out"
		fi
		rc=$?
		sed 's/^/    /' "$out"
		verdict=
		while IFS= read -r line; do
			[[ $line =~ ^(not\ ok|ok)\ [0-9]+\ [^\ ]+\ (.*)$ ]] || continue
			verdict=${BASH_REMATCH[1]}
			why=${BASH_REMATCH[2]}
		done <"$out"
		why="$why, $(($(date +%s) - t0)) s"
		if [[ $verdict == ok && $rc == 0 ]]; then
			N=$((N + 1))
			echo "ok $N - suite/$t $why"
		else
			nok "suite/$t ${why:-# no result, exit $rc}"
		fi
	done
	do_umount || nok "umount after the selftests"
}

# A server that stops answering (link up) while more requests are in
# flight than it has receive credits (rq=32): the later senders wait for
# send room.  That wait must end: with reqtimeout= after the timeout
# (ETIMEDOUT), on SIGKILL, and for the Tflush and Tclunk work items that
# umount's teardown drains, on the client's disconnect.  $1: extra mount
# options; $2: "kill" to kill the readers instead of waiting them out.
room_readers() {
	local i
	READERS=
	for i in $(seq 48); do
		bash -c "while read -r x <$MNT/stall; do :; done" 2>/dev/null &
		READERS+=" $!"
	done
}

readers_gone_within() {
	local t p left
	for t in $(seq $(($1 * 10))); do
		left=
		for p in $READERS; do
			kill -0 "$p" 2>/dev/null && left+=" $p"
		done
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	log "readers left: $(echo $left | wc -w)"
	for p in $left; do log "pid $p wchan $(cat /proc/$p/wchan 2>/dev/null)"; break; done
	return 1
}

# umount in the background: true if it returns within $1 s (a umount in D
# state cannot be killed, so it is not waited for).
umount_within() {
	local t
	umount $2 $MNT 2>/dev/null &
	local upid=$!
	for t in $(seq $(($1 * 10))); do
		if ! kill -0 $upid 2>/dev/null; then
			wait $upid && return 0
			log "umount failed: $(grep -c " $MNT " /proc/mounts) mount(s) left on $MNT"
			return 1
		fi
		sleep 0.1
	done
	log "umount still running: wchan $(cat /proc/$upid/wchan 2>/dev/null), stack: $(tr '\n' ' ' </proc/$upid/stack 2>/dev/null)"
	return 1
}

room_stall() {
	start_gw --stall-after 40
	if do_mount "" "$1"; then
		echo data >$MNT/stall 2>/dev/null
		# Pin the file's dentry: without a metadata cache an unused one
		# is dropped, and 48 lookups of one name queue in the VFS one
		# behind the other (d_alloc_parallel), each as long as its
		# request's timeout; pinned, every open revalidates at once.
		exec 7<$MNT/stall
		room_readers
		sleep "$(s 3)"
		if [ "$2" = kill ]; then
			kill -9 $READERS 2>/dev/null
			check "no send room: 48 blocked readers die of SIGKILL within $(s 5) s" readers_gone_within "$(s 5)"
		else
			check "no send room, reqtimeout=3: every reader fails within $(s 20) s" readers_gone_within "$(s 20)"
		fi
		# without reqtimeout= only umount -f ends umount(8)'s own stat
		local f=
		[ -z "$1" ] && f=-f
		exec 7<&-
		check "no send room ($2): umount $f within $(s 30) s" umount_within "$(s 30)" $f
	else
		nok "mount for the send-room test"
	fi
	stop_gw
}

# Sourced (bench-rdma.sh): the set-up and helpers only.
[[ ${BASH_SOURCE[0]} != "$0" ]] && return 0

setup
echo "TAP version 13"
log "mode $MODE, kernel $(uname -r)"
if [ "$MODE" = room ]; then
	# only the send-room tests (a quick run while working on them)
	room_stall reqtimeout=3 timeout
	room_stall "" kill
	echo "1..$N"
	exit $((FAILED > 0))
fi
if [ "$MODE" = kernel ]; then
	start_gw
	check "mount loads the kernel's own 9pnet_rdma" ref unmounted autoload \
		"$(ls /lib/modules/"$(uname -r)"/kernel/net/9p/9pnet_rdma.ko*)"
	check "mount (kernel client)" ref unmounted do_mount
	check "smoke I/O sha256 (kernel client)" ref mounted smoke k
	check "umount (kernel client)" ref mounted do_umount
	suite kernel "${RDMA_SUITE:-$KERNEL_SUITE}"
	stop_gw
	# The watch itself: the first connection's QP goes to the error
	# state after 30 messages, without a disconnect, under a smoke copy.
	start_gw --qp-error-after 30
	if ref unmounted do_mount; then
		t0=$(date +%s)
		d0=$LINK_DEATHS
		ref mounted smoke_probed
		rc=$?
		t=$(($(date +%s) - t0))
		check "a dead link under the kernel's client: step killed, run again on a new mount ($t s)" \
			test $rc = 0 -a $((LINK_DEATHS - d0)) = 1 -a $t -le "$(s 120)"
		check "nothing left blocked on the dead link" no_blocked
		check "umount after the dead link" ref mounted do_umount
	else
		nok "mount for the dead-link test"
	fi
	stop_gw
	log "dead links under the kernel's client: $LINK_DEATHS (rxe0: $(rxe_counters))"
	grep "connect request" $W/gw.log | sed 's/^/# /'
	echo "1..$N"
	exit $((FAILED > 0))
fi

start_gw
# the build the guest loaded: build/debug/ng's on the debug kernel
check "mount loads v9fs-ng's 9pnet_rdma by its alias 9p-rdma" autoload "${V9FS_NG_DIR:-$PROJECT}/net/9p/9pnet_rdma.ko"
suite ng "${RDMA_SUITE:-$NG_SUITE}"
stop_gw
start_gw
check "mount over IPv4" do_mount
check "smoke I/O sha256" smoke a
check "16-thread workload" workload16
check "umount" do_umount

stop_gw
GWADDR=:: start_gw
check "mount over IPv6 ($ADDR6)" do_mount $ADDR6
check "smoke I/O over IPv6" smoke b $ADDR6
do_umount
stop_gw
start_gw
# the transport's own options in /proc/mounts: those not at their
# defaults (port 5640, rq and sq 32, timeout 30000)
shows() {
	local o w
	o=,$(awk -v m=$MNT '$2 == m { print $4 }' /proc/mounts),
	for w; do
		case $o in *",$w,"*) ;; *) log "/proc/mounts: $o, no $w"; return 1 ;; esac
	done
}
check "mount with privport" do_mount $ADDR privport
check "/proc/mounts shows privport and timeout=10000" shows privport timeout=10000
do_umount
check "mount with rq=16,sq=8" do_mount $ADDR rq=16,sq=8
check "/proc/mounts shows rq=16 and sq=8" shows rq=16 sq=8
do_umount

# Connection failures.
stop_gw
t0=$(date +%s)
if do_mount $ADDR 2>/dev/null; then nok "mount fails when nobody listens"; do_umount; else
	ok "mount fails when nobody listens ($(( $(date +%s) - t0 )) s)"; fi
t0=$(date +%s)
OPTS_SAVE=$OPTS
OPTS=${OPTS/timeout=10000/timeout=2000}
if do_mount 10.98.0.1 2>/dev/null; then nok "mount fails without a route"; do_umount; else
	ok "mount fails without a route ($(( $(date +%s) - t0 )) s)"; fi
OPTS=$OPTS_SAVE
dmesg | grep 9pnet_rdma | tail -4 | sed 's/^/# /'

# Gateway killed during a workload.
start_gw
do_mount || log "mount failed"
start_busy
fault kill -9 $GWPID
check "gateway killed -9: every worker fails within $(s 5) s" all_failed_within "$(s 5)"
check "umount after the gateway died" do_umount
stop_gw

# Corrupt replies (message 1 is Rversion, 2 Rattach).
start_gw --corrupt-len 30
do_mount || log "mount failed"
check "reply with a wrong size field fails an operation" some_op_fails
check "umount after a corrupt reply" do_umount
stop_gw
start_gw --truncate 30
do_mount || log "mount failed"
check "truncated reply fails an operation" some_op_fails
do_umount
stop_gw
start_gw --bad-tag 30
do_mount || log "mount failed"
check "reply with an unknown tag fails an operation" some_op_fails
do_umount
stop_gw

start_gw --garbage 30
do_mount || log "mount failed"
check "reply of another type with a random body fails an operation" some_op_fails
check "umount after a garbage reply" do_umount
stop_gw
start_gw --garbage-body 20
do_mount || log "mount failed"
check "random reply bodies: operations fail, none hangs" garbage_load
check "umount after random reply bodies" do_umount
stop_gw

# A server that stops answering (the link stays up).
start_gw --stall-after 40
do_mount || log "mount failed"
echo data >$MNT/stall 2>/dev/null
check "stalled server: a reader blocks" stall_blocks
check "stalled server: the blocked reader dies of SIGKILL within $(s 5) s" stall_kill
check "stalled server: umount -f within $(s 30) s" timeout "$(s 30)" umount -f $MNT
mountpoint -q $MNT && umount -l $MNT
stop_gw
room_stall reqtimeout=3 timeout
room_stall "" kill

# A server whose QP goes to the error state without a disconnect: only
# the client's unacknowledged SENDs tell it (after its transport retries).
start_gw --qp-error-after 200
do_mount || log "mount failed"
start_busy
check "QP dead without a disconnect: every worker fails within $(s 40) s" all_failed_within "$(s 40)"
check "umount after the dead QP" do_umount
stop_gw

# Device removal while mounted.
start_gw
do_mount || log "mount failed"
start_busy
# The gateway exits on DEVICE_REMOVAL (see 9p-rdma-gw.c), which lets the
# deletion finish; a deletion that hangs shows in the umount test.
fault timeout "$(s 60)" rdma link delete rxe0 &
DELPID=$!
check "rxe0 deleted: every worker fails within $(s 5) s" all_failed_within "$(s 5)"
check "umount after device removal" do_umount
stop_gw
wait $DELPID || log "rdma link delete failed or hung"
grep -q rxe0 <(rdma link show) && log "rxe0 still present"
rdma link add rxe0 type rxe netdev veth0

if [ "$MODE" = ng ]; then
	check "9pnet_rdma unloads" modprobe -r 9pnet_rdma
fi
echo "1..$N"
exit $((FAILED > 0))
