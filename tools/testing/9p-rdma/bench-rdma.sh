#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-rdma.sh: 9P over RDMA throughput, v9fs-ng beside the kernel's own
# 9pnet_rdma, through the same gateway and diod on soft-RoCE (rxe) inside
# a TCG guest, with the same mount options.  Not part of make check.
#
#   tools/testing/9p-rdma/bench-rdma.sh [ng] [kernel]    (on the host)
#
# One guest boot per client; each measures, on a fresh cache=none mount:
#   write 1M   sequential write of SIZE_MB MiB in 1 MiB write()s, fsync
#   read 1M    sequential read of it back in 1 MiB read()s
#   write 4k   COUNT_4K 4 KiB write()s (one Twrite each), requests/s
#   read 4k    COUNT_4K 4 KiB read()s (one Tread each), requests/s
# Environment: SIZE_MB (64), COUNT_4K (4000), MSIZE (524288), ROUNDS (3:
# the best of).  Figures under TCG say how the two clients compare, not
# what RDMA hardware does.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
PROJECT=$(cd "$HERE/../../.." && pwd)
SIZE_MB=${SIZE_MB:-64}
COUNT_4K=${COUNT_4K:-4000}
MSIZE=${MSIZE:-524288}
ROUNDS=${ROUNDS:-3}

if [[ ${1:-} != --guest ]]; then
	make -C "$HERE" >/dev/null || exit 1
	clients=("$@")
	[[ ${#clients[@]} == 0 ]] && clients=(ng kernel)
	for c in "${clients[@]}"; do
		"$PROJECT/tools/testing/vm/vm-run" --mods "$c" --mem 2G --name "bench-rdma-$c" \
			--timeout 1200 --quiet \
			--cmd "SIZE_MB=$SIZE_MB COUNT_4K=$COUNT_4K MSIZE=$MSIZE ROUNDS=$ROUNDS $HERE/bench-rdma.sh --guest $c" |
			grep -E '^(bench|#)'
	done
	exit 0
fi

CLIENT=$2
# shellcheck source=guest-tests.sh
. "$HERE/guest-tests.sh"
OPTS="$OPTS,cache=none,msize=$MSIZE"

# secs CMD...: wall seconds CMD took (fractional), CMD's output dropped
secs() {
	local t0 t1
	t0=$(date +%s.%N)
	timeout 600 "$@" >/dev/null 2>&1 || { echo "# failed or timed out: $*" >&2; return 1; }
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}

# best NAME UNIT AMOUNT CMD...: the best of ROUNDS runs, as AMOUNT/seconds
best() {
	local name=$1 unit=$2 amount=$3 s b=
	shift 3
	for _ in $(seq "$ROUNDS"); do
		s=$(secs "$@") || return 1
		if [[ -z $b ]] || (($(echo "$s < $b" | bc -l))); then b=$s; fi
	done
	printf 'bench %-6s %-9s %10.1f %s (best of %d: %.3f s)\n' "$CLIENT" "$name" \
		"$(echo "$amount / $b" | bc -l)" "$unit" "$ROUNDS" "$b"
}

setup
start_gw
do_mount || { echo "# mount failed"; exit 1; }
echo "# $CLIENT: mount -o $OPTS; $(uname -r); $(grep -c ^processor /proc/cpuinfo) cpus"
best "write 1M" MiB/s "$SIZE_MB" dd if=/dev/zero of=$MNT/big bs=1M count="$SIZE_MB" conv=fsync
best "read 1M" MiB/s "$SIZE_MB" dd if=$MNT/big of=/dev/null bs=1M
best "write 4k" req/s "$COUNT_4K" dd if=/dev/zero of=$MNT/small bs=4k count="$COUNT_4K"
best "read 4k" req/s "$COUNT_4K" dd if=$MNT/small of=/dev/null bs=4k
do_umount
stop_gw
