#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cache-modes.sh: sequential write, cold read and re-read throughput of
# each cache= mode, v9fs-ng beside Linux's own 9p in one run (one guest
# per client, same host directory, same options).  Not part of make
# check (timings); figures for Documentation and the issue notes.
#
# Usage: tools/testing/bench/cache-modes.sh [SIZE_MB (64)] [MSIZE (512000)]
# Prints one line per client and mode:
#   CLIENT MODE write MB/s, cold read MB/s, re-read MB/s
# Environment: NG_MODES (none readahead mmap writeback loose),
#   KERNEL_MODES (none mmap loose: what 6.1 knows).

set -euo pipefail
PROJECT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
SIZE=${1:-64}
MSIZE=${2:-512000}
NG_MODES=${NG_MODES:-none readahead mmap writeback loose}
KERNEL_MODES=${KERNEL_MODES:-none mmap loose}
W=$PROJECT/build/bench/cache-modes
mkdir -p "$W"

if [[ ${1:-} == --guest ]]; then
	# inside the guest: --guest CLIENT SIZE MSIZE MODES...
	client=$2 size=$3 msize=$4
	shift 4
	modprobe 9p
	mbs() { sed -n 's/.*copied, \([0-9.]*\) s.*/\1/p' | awk -v mb="$size" '{ printf "%.1f", mb / $1 }'; }
	for mode in "$@"; do
		mkdir -p /mnt/b
		mount -t 9p -o "trans=virtio,version=9p2000.L,cache=$mode,msize=$msize" s0 /mnt/b
		rm -f /mnt/b/f
		w=$(dd if=/dev/zero of=/mnt/b/f bs=1M count="$size" conv=fsync 2>&1 | mbs)
		# cold: a fresh mount has nothing cached
		umount /mnt/b
		mount -t 9p -o "trans=virtio,version=9p2000.L,cache=$mode,msize=$msize" s0 /mnt/b
		r=$(dd if=/mnt/b/f of=/dev/null bs=1M 2>&1 | mbs)
		rr=$(dd if=/mnt/b/f of=/dev/null bs=1M 2>&1 | mbs)
		echo "RESULT $client $mode write $w cold-read $r re-read $rr"
		rm -f /mnt/b/f
		umount /mnt/b
	done
	exit 0
fi

for client in ng kernel; do
	modes=$NG_MODES
	[[ $client == kernel ]] && modes=$KERNEL_MODES
	rm -rf "$W/share"
	mkdir -p "$W/share"
	"$PROJECT/tools/testing/vm/vm-run" --mods "$client" --mem 1G \
		--name "bench-cache-$client" --timeout 1800 --quiet \
		--share "s0=$W/share:mapped-xattr" \
		--cmd "tools/testing/bench/cache-modes.sh --guest $client $SIZE $MSIZE $modes" |
		sed -n 's/^RESULT //p'
done | awk '{ printf "%-7s %-10s write %7s MB/s  cold read %7s MB/s  re-read %7s MB/s\n", $1, $2, $4, $6, $8 }'
