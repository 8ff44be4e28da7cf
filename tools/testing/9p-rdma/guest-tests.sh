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
# Argument: "ng" (default: the whole suite, for v9fs-ng's client) or
# "kernel" (the smoke test only, for the kernel's own client, which is
# the reference the gateway is checked against).

MODE=${1:-ng}
HERE=$(cd "$(dirname "$0")" && pwd)
GW=$HERE/9p-rdma-gw
ADDR=10.99.0.1
ADDR6=fd99::1
PORT=5640
W=/var/tmp/9prdma	# always a tmpfs in the test guest (/tmp may be an overlay)
EXPORT=$W/export
MNT=$W/mnt
SOCK=$W/diod.sock
OPTS="trans=rdma,port=$PORT,version=9p2000.L,aname=$EXPORT,sq=32,rq=32,timeout=10000"
GWOPTS="-m 532480 -q 32"
N=0
FAILED=0
GWPID=
DIODPID=

ok() { N=$((N + 1)); echo "ok $N - $*"; }
nok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
log() { echo "# $*"; }

start_gw() {
	"$GW" -a "${GWADDR:-0.0.0.0}" -p $PORT -s unix:$SOCK $GWOPTS "$@" \
		>>$W/gw.log 2>&1 &
	GWPID=$!
	sleep 0.5
}

stop_gw() {
	[ -n "$GWPID" ] && kill -9 "$GWPID" 2>/dev/null
	wait "$GWPID" 2>/dev/null
	GWPID=
}

do_mount() {
	timeout 60 mount -t 9p -o "$OPTS${2:+,$2}" "${1:-$ADDR}" $MNT
}

do_umount() {
	timeout 30 umount $MNT 2>/dev/null || timeout 30 umount -f $MNT ||
		timeout 30 umount -l $MNT
}

cleanup() {
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
	for _ in $(seq 50); do [ -S $SOCK ] && break; sleep 0.1; done
	[ -S $SOCK ] || { echo "Bail out! diod did not start"; cat $W/diod.log; exit 1; }
}

# Write, remount, read back, compare.
smoke() {
	local tag=$1 src=$W/src.$RANDOM
	head -c 3000000 /dev/urandom >$src
	cp $src $MNT/smoke.$tag && sync || return 1
	do_umount || return 1
	do_mount "$2" "$3" || return 1
	[ "$(sha256sum <$MNT/smoke.$tag)" = "$(sha256sum <$src)" ] || return 1
	cp $MNT/smoke.$tag $W/back.$tag &&
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
	local t=$(($1 * 10)) n
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
	return 0
}

# Run metadata operations until one fails; true if one fails in time
# without hanging.
some_op_fails() {
	local i
	for i in $(seq 40); do
		timeout 10 stat $MNT/. >/dev/null 2>&1 || return 0
		timeout 10 ls $MNT >/dev/null 2>&1 || return 0
	done
	return 1
}

setup
echo "TAP version 13"
log "mode $MODE, kernel $(uname -r)"
if [ "$MODE" = kernel ]; then
	echo "1..3"
	start_gw
	check "mount (kernel client)" do_mount
	check "smoke I/O sha256 (kernel client)" smoke k
	check "umount (kernel client)" do_umount
	stop_gw
	grep "connect request" $W/gw.log | sed 's/^/# /'
	exit $((FAILED > 0))
fi

echo "1..18"
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
check "mount with privport" do_mount $ADDR privport
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
kill -9 $GWPID
GWPID=
check "gateway killed -9: every worker fails within 5 s" all_failed_within 5
check "umount after the gateway died" do_umount

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

# Device removal while mounted.
start_gw
do_mount || log "mount failed"
start_busy
# The gateway exits on DEVICE_REMOVAL (see 9p-rdma-gw.c), which lets the
# deletion finish; a deletion that hangs shows in the umount test.
timeout 60 rdma link delete rxe0 &
DELPID=$!
check "rxe0 deleted: every worker fails within 5 s" all_failed_within 5
check "umount after device removal" do_umount
stop_gw
wait $DELPID || log "rdma link delete failed or hung"
grep -q rxe0 <(rdma link show) && log "rxe0 still present"
rdma link add rxe0 type rxe netdev veth0

if [ "$MODE" = ng ]; then
	check "9pnet_rdma unloads" modprobe -r 9pnet_rdma
fi
exit $((FAILED > 0))
