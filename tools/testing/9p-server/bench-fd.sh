#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench-fd.sh: throughput and metadata ops/s of 9p over tcp loopback
# against diod, v9fs-ng beside the kernel's own 9pnet_fd, one guest boot
# each (not part of make check: it only measures, and TCG numbers say
# little about real hardware; compare the two clients, not the figures).
#
#   tools/testing/9p-server/bench-fd.sh [--mods 'ng kernel'] [--mb 256]
#       [--files 2000] [--runs 2] [--msize 512000]
#
# In each guest: diod exports a tmpfs directory on 127.0.0.1; the mount is
# trans=tcp,version=9p2000.L,cache=none,msize=MSIZE; then
#   write  dd bs=1M of a --mb MiB file (conv=fsync)
#   read   dd bs=1M of that file back
#   meta   --files times create (O_CREAT|O_EXCL) + stat + unlink of a
#          small file, from one Python process; ops/s counts all three
# each --runs times. Prints "BENCH CLIENT TEST VALUE UNIT" lines and a
# table at the end.  `--guest` is the part that runs inside the guest.

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT=$(cd "$HERE/../../.." && pwd)
MODS="ng kernel"
MB=256
FILES=2000
RUNS=2
MSIZE=512000
GUEST=0

while [ $# -gt 0 ]; do
	case $1 in
	--mods) MODS=$2; shift ;;
	--mb) MB=$2; shift ;;
	--files) FILES=$2; shift ;;
	--runs) RUNS=$2; shift ;;
	--msize) MSIZE=$2; shift ;;
	--guest) GUEST=1 ;;
	*) sed -n '/^#   tools/,/^$/p' "$0" >&2; exit 2 ;;
	esac
	shift
done

# ---- inside the guest ----
now() { date +%s.%N; }
rate() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.1f", n / (b - a) }'; }

guest() {
	local W=/var/tmp/bench-fd client mnt t0 t1 r

	case $(modinfo -F filename 9pnet_fd 2>/dev/null) in
	*v9fs-ng*) client=ng ;;
	*) client=kernel ;;
	esac
	ip link set lo up
	modprobe 9p && modprobe 9pnet_fd || { echo "FAIL modules"; return 1; }
	rm -rf $W
	mkdir -p $W/export $W/mnt
	mnt=$W/mnt
	diod -f -n -e $W/export -l 127.0.0.1:5660 -L $W/diod.log &
	local dpid=$!
	for _ in $(seq 100); do
		ss -ltnH "( sport = :5660 )" | grep -q . && break
		sleep 0.2
	done
	if ! mount -t 9p -o "trans=tcp,port=5660,version=9p2000.L,cache=none,msize=$MSIZE,aname=$W/export" 127.0.0.1 $mnt; then
		echo "FAIL mount"
		kill -9 $dpid
		return 1
	fi
	echo "# $client: $(grep " $mnt " /proc/mounts)"
	for r in $(seq "$RUNS"); do
		rm -f $mnt/big
		t0=$(now)
		dd if=/dev/zero of=$mnt/big bs=1M count="$MB" conv=fsync status=none || echo "FAIL write"
		t1=$(now)
		echo "BENCH $client write $(rate "$t0" "$t1" "$MB") MiB/s"
		echo 3 >/proc/sys/vm/drop_caches
		t0=$(now)
		dd if=$mnt/big of=/dev/null bs=1M status=none || echo "FAIL read"
		t1=$(now)
		echo "BENCH $client read $(rate "$t0" "$t1" "$MB") MiB/s"
		rm -f $mnt/big
		mkdir -p $mnt/meta
		python3 - "$mnt/meta" "$FILES" "$client" <<'EOF'
import os, sys, time
d, n, client = sys.argv[1], int(sys.argv[2]), sys.argv[3]
t0 = time.monotonic()
for i in range(n):
    p = "%s/f%d" % (d, i)
    os.close(os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    os.stat(p)
    os.unlink(p)
t = time.monotonic() - t0
print("BENCH %s meta %.1f ops/s" % (client, 3 * n / t))
EOF
	done
	umount $mnt || echo "FAIL umount"
	kill -9 $dpid
	wait $dpid 2>/dev/null
	return 0
}

if [ $GUEST = 1 ]; then
	guest
	exit
fi

# ---- on the host: one boot per client ----
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for m in $MODS; do
	echo "# booting with --mods $m" >&2
	"$PROJECT/tools/testing/vm/vm-run" --mods "$m" --mem 2G --timeout 1800 \
		--name "bench-fd-$m" --quiet \
		--cmd "$HERE/bench-fd.sh --guest --mb $MB --files $FILES --runs $RUNS --msize $MSIZE" |
		tee -a "$out"
done
echo
echo "tcp loopback, diod, 9p2000.L cache=none msize=$MSIZE, $MB MiB bs=1M, $FILES files x (create+stat+unlink); best of $RUNS"
printf '%-8s %12s %12s %14s\n' client "write MiB/s" "read MiB/s" "meta ops/s"
for m in $MODS; do
	best() { awk -v c="$m" -v t="$1" '$1 == "BENCH" && $2 == c && $3 == t && $4 > b { b = $4 } END { print b + 0 }' "$out"; }
	printf '%-8s %12s %12s %14s\n' "$m" "$(best write)" "$(best read)" "$(best meta)"
done
