#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Sequential 1 MiB read and write throughput over virtio 9p (9p2000.L,
# cache=none) at several msizes, v9fs-ng beside the kernel's own client,
# in one run (two guest boots, the same host share).  Not part of
# make check: numbers, not a verdict.
#
#   tools/testing/vm/tests/virtio-bench.sh [-s MIB] [-r REPS] [MSIZE...]
#
# Default msizes: 65536 512000 1048576 2097152 and 16777216 (lowered to
# the largest the client's transport carries: /proc/mounts shows what was
# negotiated; the kernel's client caps virtio at 512000).  Each figure
# is the median of REPS (3) fio runs over a MIB (256) MiB file.
# In a guest: virtio-bench.sh --guest TAG MIB REPS MSIZE...

set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT=$(cd "$HERE/../../../.." && pwd)

guest() {
	local tag=$1 mib=$2 reps=$3 m got rw i bw
	shift 3
	local mnt=/run/bench
	mkdir -p $mnt
	modprobe 9pnet_virtio
	modprobe 9p
	for m in "$@"; do
		mount -t 9p -o "trans=virtio,version=9p2000.L,cache=none,msize=$m" "$tag" $mnt
		got=$(awk -v d=$mnt '$2 == d { if (match($4, /msize=[0-9]+/)) print substr($4, RSTART + 6, RLENGTH - 6) }' /proc/mounts)
		for rw in write read; do
			for ((i = 0; i < reps; i++)); do
				bw=$(fio --name=seq --filename=$mnt/bench --rw=$rw --bs=1M \
					--size=${mib}M --ioengine=psync --numjobs=1 \
					--output-format=json 2>/dev/null |
					python3 -c 'import json, sys
j = json.load(sys.stdin)["jobs"][0]
print(j[sys.argv[1]]["bw_bytes"])' "$rw")
				echo "BENCH $m $got $rw $i $bw"
			done
		done
		rm -f $mnt/bench
		umount $mnt
	done
}

if [[ ${1:-} == --guest ]]; then
	shift
	guest "$@"
	exit
fi

mib=256 reps=3
while getopts s:r: o; do
	case $o in
	s) mib=$OPTARG ;;
	r) reps=$OPTARG ;;
	*) sed -n '/^#   tools/p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(65536 512000 1048576 2097152 16777216)

share=$PROJECT/build/bench-virtio
rm -rf "$share"
mkdir -p "$share"
trap 'rm -rf "$share"' EXIT
res=$(mktemp)
trap 'rm -rf "$share" "$res"' EXIT
for mods in ng kernel; do
	echo "# booting with --mods $mods" >&2
	"$PROJECT/tools/testing/vm/vm-run" --mods "$mods" --name "virtio-bench-$mods" \
		--timeout 1800 --quiet --share "vb=$share" \
		--cmd "$HERE/virtio-bench.sh --guest vb $mib $reps ${sizes[*]}" |
		sed -n "s/^BENCH /$mods /p" | tr -d '\r' >>"$res"
done

# median MiB/s per (mods, msize asked, direction)
echo "# $(date -u +%FT%TZ) $(nproc) host CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); fio psync bs=1M size=${mib}M, median of $reps"
printf '%-9s | %-26s | %-26s\n' "" "v9fs-ng (msize, write/read)" "kernel (msize, write/read)"
for m in "${sizes[@]}"; do
	line=$(printf '%-9s' "$m")
	for mods in ng kernel; do
		cell=$(awk -v M="$mods" -v m="$m" '
			$1 == M && $2 == m { got = $3; v[$4] = v[$4] " " $6 }
			function med(s,   a, n, i, j, t) {
				n = split(s, a, " ")
				for (i = 1; i <= n; i++)
					for (j = i + 1; j <= n; j++)
						if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
				return n ? sprintf("%.0f", a[int((n + 1) / 2)] / 1048576) : "-"
			}
			END { printf "%s %s/%s MiB/s", got ? got : "-", med(v["write"]), med(v["read"]) }' "$res")
		line+=$(printf ' | %-26s' "$cell")
	done
	echo "$line"
done
