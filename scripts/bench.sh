#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh (make bench): the same workloads, in QEMU/TCG guests, on
#   ng-CACHE-MSIZE      v9fs-ng (vm-run --mods ng), mount -t 9p
#   kernel-CACHE-MSIZE  Linux's own 9p (--mods kernel), same mount options
#   virtiofs            a second virtiofsd (cache=auto) export
#   ext4                a raw image (mkfs.ext4 -F on the host) as virtio-blk
#   tmpfs               the guest's own tmpfs
# Host directories (9p, virtiofs) and the image live in build/bench/work
# (the project's file system). Workloads: tools/testing/bench/guest-bench.sh.
# Results: results/bench-DATE/ (bench.md, bench.csv, bench.png, raw/).
#
# Usage: make bench [KVER=6.1|6.12|RELEASE] [BENCH_QUICK=1] [BENCH_...=...]
# Environment (defaults; BENCH_QUICK=1 defaults in brackets):
#   BENCH_RUNS=3 [1]           runs of everything; figures: median, min, max
#   BENCH_SIZE_MB=128 [64]     fio file size (MiB)
#   BENCH_NFILES=500 [200]     metadata test files
#   BENCH_RT=3 [2]             fio random read/write seconds
#   BENCH_CACHES="none loose"  9p cache modes
#   BENCH_MSIZES=512000        msizes for both 9p clients ("default": no
#                              msize= option)
#   BENCH_NG_MSIZES=           msizes for v9fs-ng only (e.g. 4194304)
# The defaults are scaled down to fit ~40 minutes on 2 loaded cores under
# TCG; the full matrix of the design (1 GiB files, 10000 files, msize
# default, 512000 and, for v9fs-ng, 4194304) is
#   make bench BENCH_SIZE_MB=1024 BENCH_NFILES=10000 \
#       BENCH_MSIZES="default 512000" BENCH_NG_MSIZES=4194304
# and takes hours here.
#   BENCH_TAR=FILE             tarball to untar (default: a tar of
#                              linux-source-6.1's fs/, ~3,000 files, made once)
#   BENCH_DBENCH_T=5 [3]  BENCH_PM_N=200 [100]  BENCH_BONNIE_MB=32 [16]
#   BENCH_BONNIE_N=0           bonnie++ -n (its file phase, x1024 files;
#                              0: off, create/stat/unlink cover that)
#   BENCH_WORKLOADS="..."      subset of: seqwrite seqread randwrite randread
#                              create stat ls find unlink untar du statall
#                              probe gitcommit gitstatus gitstatus_warm rmrf
#                              dbench postmark bonnie (du ... gitstatus_warm
#                              work in untar's tree: keep untar before them)
#   BENCH_OTHERS="virtiofs ext4 tmpfs"  non-9p file systems (empty: none)
#   BENCH_OUT=DIR              output directory (default results/bench-DATE)
#   BENCH_TIMEOUT=SECS         per guest (default 2400 [900])
# Runs of the two 9p clients alternate (ng, kernel, then kernel, ng ...)
# per cache mode so drift hits both. A failed workload, mount or guest is
# recorded as failed; the run goes on. Exit status 0 unless the harness
# itself broke.

set -uo pipefail
PROJECT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$PROJECT" || exit 1
BENCHDIR=tools/testing/bench
VMRUN=tools/testing/vm/vm-run

q=${BENCH_QUICK:-0}
[[ $q == 1 ]] && Q=1 || Q=0
pick() { if [[ $Q == 1 ]]; then echo "$2"; else echo "$1"; fi; }
RUNS=${BENCH_RUNS:-$(pick 3 1)}
SIZE=${BENCH_SIZE_MB:-$(pick 128 64)}
NFILES=${BENCH_NFILES:-$(pick 500 200)}
RT=${BENCH_RT:-$(pick 3 2)}
CACHES=${BENCH_CACHES:-none loose}
MSIZES=${BENCH_MSIZES:-512000}
NG_MSIZES=${BENCH_NG_MSIZES-}
DBENCH_T=${BENCH_DBENCH_T:-$(pick 5 3)}
PM_N=${BENCH_PM_N:-$(pick 200 100)}
BONNIE=${BENCH_BONNIE_MB:-$(pick 32 16)}
BONNIE_N=${BENCH_BONNIE_N:-0}
WORKLOADS=${BENCH_WORKLOADS:-seqwrite seqread randwrite randread create stat ls find unlink untar du statall probe gitcommit gitstatus gitstatus_warm rmrf dbench postmark bonnie}
OTHERS=${BENCH_OTHERS-virtiofs ext4 tmpfs}
TIMEOUT=${BENCH_TIMEOUT:-$(pick 2400 900)}
STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=${BENCH_OUT:-results/bench-$STAMP}
WORK=build/bench/work
MEM=$((2 * SIZE + 768 > 1024 ? 2 * SIZE + 768 : 1024))M

say() { echo "bench: $*" >&2; }
scripts/setup.sh --quiet || exit 1
# KVER (a release or a series: make bench KVER=6.12) picks the guests'
# kernel, whose own 9p client is then the kernel-* rows; v9fs-ng is built
# for it (scripts/ngbuild.sh: in the tree for 6.1, in build/k$KVER else)
KVER_ARG=${KVER:-}
KVER=$(scripts/kver.sh "${KVER:-6.1}") || exit 1
export KVER
scripts/ngbuild.sh "$KVER" >/dev/null || say "warning: the build failed: benchmarking the modules already built"
mkdir -p "$OUT/raw" build/bench/cache "$WORK"
OUT=$(readlink -f "$OUT")

# a tree of real source: linux-source-6.1's fs/ (about 3,000 files)
TAR=${BENCH_TAR:-build/bench/cache/linux-fs.tar}
if [[ ! -f $TAR ]]; then
	say "making $TAR (once)"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C build/bench/cache --wildcards 'linux-source-6.1/fs/*' &&
		tar -C build/bench/cache/linux-source-6.1 -cf "$TAR.tmp" fs &&
		rm -rf build/bench/cache/linux-source-6.1 && mv "$TAR.tmp" "$TAR"
fi
TAR=$(readlink -f "$TAR")

# 9p mount options of a target: cache and msize ("default": no msize=)
opts9p() {
	local o=trans=virtio,version=9p2000.L,cache=$1
	[[ $2 != default ]] && o+=,msize=$2
	echo "$o"
}

# run_guest RUN NAME MODS TARGET... : one guest over the targets in turn
run_guest() {
	local run=$1 name=$2 mods=$3 t kind rest cache msize args=() specs=() i=0 rc
	shift 3
	rm -rf "${WORK:?}"/*
	for t in "$@"; do
		case $t in
		ng-* | kernel-*)
			rest=${t#*-}; cache=${rest%%-*}; msize=${rest#*-}
			mkdir -p "$WORK/$t"
			args+=(--share "b$i=$WORK/$t:passthrough")
			specs+=("$t|9p|$(opts9p "$cache" "$msize")|b$i")
			;;
		virtiofs)
			mkdir -p "$WORK/virtiofs"
			args+=(--virtiofs "benchfs=$WORK/virtiofs")
			specs+=("virtiofs|virtiofs||benchfs")
			;;
		ext4)
			local img=$WORK/ext4.img sz=$((3 * SIZE + 1024))
			truncate -s "${sz}M" "$img" && mkfs.ext4 -q -F "$img" >/dev/null ||
				{ say "mkfs.ext4 failed"; continue; }
			args+=(--drive "$img")
			specs+=("ext4|ext4||vda")
			;;
		tmpfs) specs+=("tmpfs|tmpfs||-") ;;
		esac
		i=$((i + 1))
	done
	local log=$OUT/raw/run$run-$name.log
	say "run $run/$RUNS: $name ($*) $(date -u +%T)"
	local t0=$SECONDS
	"$VMRUN" --quiet --mods "$mods" --mem "$MEM" --timeout "$TIMEOUT" --log "$log" "${args[@]}" \
		--cmd "BK_TARGETS='${specs[*]}' BK_SIZE_MB=$SIZE BK_RT=$RT BK_NFILES=$NFILES BK_TAR=$TAR BK_DBENCH_T=$DBENCH_T BK_PM_N=$PM_N BK_BONNIE_MB=$BONNIE BK_BONNIE_N=$BONNIE_N BK_WORKLOADS='$WORKLOADS' $BENCHDIR/guest-bench.sh" \
		>/dev/null 2>"$OUT/raw/run$run-$name.err"
	rc=$?
	# guest output (also when the guest died midway) tagged with the run
	sed -n 's/\r$//; /^[RFQ] /s/^/'"$run"' /p' "${log%.log}.out" >>"$OUT/raw/results.txt"
	if [[ $rc != 0 ]]; then
		say "  guest exit $rc ($(tail -n 1 "$OUT/raw/run$run-$name.err"))"
		echo "$run G $name $rc" >>"$OUT/raw/results.txt"
	fi
	say "  $((SECONDS - t0))s"
	rm -rf "${WORK:?}"/*
}

{
	echo "date=$STAMP runs=$RUNS size_mb=$SIZE nfiles=$NFILES rt=$RT caches='$CACHES' msizes='$MSIZES' ng_msizes='$NG_MSIZES'"
	echo "dbench_t=$DBENCH_T postmark_n=$PM_N bonnie_mb=$BONNIE bonnie_n=$BONNIE_N mem=$MEM tar=$TAR ($(tar -tf "$TAR" | wc -l) entries)"
	echo "workloads=$WORKLOADS"
	echo "others=$OTHERS"
	echo "host: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r); guest kernel $KVER"
	echo "command: make bench${KVER_ARG:+ KVER=$KVER_ARG}$(env | grep -E '^BENCH_[A-Z_]*=.' | sort | sed -E 's/^([^=]*)=(.* .*)$/\1="\2"/; s/^/ /' | tr -d '\n')"
} >"$OUT/raw/params.txt"
: >"$OUT/raw/results.txt"
start=$SECONDS
for run in $(seq "$RUNS"); do
	for cache in $CACHES; do
		ngt=() kt=()
		for m in $MSIZES; do ngt+=("ng-$cache-$m"); kt+=("kernel-$cache-$m"); done
		for m in $NG_MSIZES; do ngt+=("ng-$cache-$m"); done
		if (((run + ${#cache}) % 2)); then
			run_guest "$run" "ng-$cache" ng "${ngt[@]}"
			run_guest "$run" "kernel-$cache" kernel "${kt[@]}"
		else
			run_guest "$run" "kernel-$cache" kernel "${kt[@]}"
			run_guest "$run" "ng-$cache" ng "${ngt[@]}"
		fi
	done
	[[ -n $OTHERS ]] && run_guest "$run" others kernel $OTHERS
done
echo "elapsed=$((SECONDS - start))s load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/raw/params.txt"
python3 $BENCHDIR/report.py "$OUT" || { say "report failed"; exit 1; }
say "done in $((SECONDS - start))s: $OUT/bench.md"
