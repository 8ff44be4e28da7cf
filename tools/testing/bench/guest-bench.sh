#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-bench.sh: the workloads of `make bench`, run inside one guest
# (started by scripts/bench.sh through vm-run) on one file system.
#
# Environment (set by scripts/bench.sh):
#   BK_TARGETS    "NAME|KIND|OPTS|TAG ...": file systems to run on, in
#                 turn; KIND 9p (OPTS = mount options, TAG = mount tag),
#                 virtiofs (TAG), ext4 (TAG = the disk: vda ...), tmpfs
#   BK_SIZE_MB    fio file size (MiB)      BK_RT    fio random runtime (s)
#   BK_NFILES     metadata file count      BK_TAR   tarball to untar
#   BK_DBENCH_T   dbench seconds           BK_PM_N  postmark files/transactions
#   BK_BONNIE_MB  bonnie++ file size (MiB)   BK_BONNIE_N  its -n (x1024 files)
#   BK_WORKLOADS  space-separated subset of the workloads (default all)
#
# Output (stdout), one fact per line, parsed by tools/testing/bench/report.py:
#   R TARGET WORKLOAD VALUE       the workload's figure (unit: see report.py)
#   F TARGET WORKLOAD REASON      the workload failed
#   Q TARGET WORKLOAD TYPE COUNT  9P requests of TYPE during the workload
# Timings are taken in the guest (bash $EPOCHREALTIME / fio / the tools).

set -u
M=/mnt/bench
BENCHDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WL=${BK_WORKLOADS:-seqwrite seqread randwrite randread create stat ls find unlink untar du statall probe gitcommit gitstatus gitstatus_warm rmrf dbench postmark bonnie}
stats_kind=none

log() { echo "# $*"; }
now() { echo "$EPOCHREALTIME"; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
dropcaches() { sync; echo 3 >/proc/sys/vm/drop_caches; }

# ---- 9P request counters ----------------------------------------------
# v9fs-ng: the mount's /proc/self/mountstats lines ("\tTNAME: COUNT ...")
# kernel 9p: a hist trigger on the 9p:9p_client_req trace event (by type
# number, named here as v9fs-ng names it)
P9_NAMES='8 Tstatfs 12 Tlopen 14 Tlcreate 16 Tsymlink 18 Tmknod 20 Trename
22 Treadlink 24 Tgetattr 26 Tsetattr 30 Txattrwalk 32 Txattrcreate 40 Treaddir
50 Tfsync 52 Tlock 54 Tgetlock 70 Tlink 72 Tmkdir 74 Trenameat 76 Tunlinkat
100 Tversion 102 Tauth 104 Tattach 108 Tflush 110 Twalk 112 Topen 114 Tcreate
116 Tread 118 Twrite 120 Tclunk 122 Tremove 124 Tstat 126 Twstat'
snapshot() {
	case $stats_kind in
	ng)
		awk -v mnt="$M" '$1 == "device" { p = $5 == mnt && $8 == "9p"; next }
			p && $1 ~ /^T[a-z]+:$/ && $2 ~ /^[0-9]+$/ { sub(":", "", $1); print $1, $2 }' \
			/proc/self/mountstats
		;;
	kernel)
		awk -v names="$P9_NAMES" 'BEGIN { n = split(names, a); for (i = 1; i < n; i += 2) nm[a[i]] = a[i + 1] }
		     /hitcount:/ { for (i = 1; i <= NF; i++) { if ($i == "type:") t = $(i+1); if ($i == "hitcount:") c = $(i+1) }
		     gsub(/[^0-9]/, "", t); print (t in nm ? nm[t] : "T" t), c }' \
			/sys/kernel/tracing/events/9p/9p_client_req/hist 2>/dev/null
		;;
	esac
}
emit_reqs() {
	# $1 "target workload", $2 before, $3 after
	[[ $stats_kind == none ]] && return
	awk -v w="$1" 'NR == FNR { b[$1] = $2; next } { d = $2 - b[$1]; if (d > 0) print "Q", w, $1, d }' \
		<(echo "$2") <(echo "$3")
}
setup_stats() {
	mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
	mountpoint -q /sys/kernel/tracing || mount -t tracefs none /sys/kernel/tracing 2>/dev/null
	if [[ $V9FS_MODS == ng ]] &&
		awk -v mnt="$M" '$1 == "device" && $5 == mnt && $8 == "9p" && /statvers=/ { f = 1 } END { exit !f }' \
			/proc/self/mountstats; then
		stats_kind=ng
	elif [[ -e /sys/kernel/tracing/events/9p/9p_client_req/trigger ]]; then
		local trig=/sys/kernel/tracing/events/9p/9p_client_req/trigger
		grep -q '^hist' $trig || echo 'hist:keys=type:size=256' >$trig
		grep -q '^hist' $trig && stats_kind=kernel
	fi
	log "request counters: $stats_kind"
}

# ---- workloads: each prints its figure on stdout, returns non-zero on failure
FIO=(fio --minimal --ioengine=psync --filename=$M/fio.dat --end_fsync=1)
w_seqwrite() { "${FIO[@]}" --name=sw --rw=write --bs=1M --size="${BK_SIZE_MB}M" | awk -F';' '{ printf "%.1f\n", $48 / 1024 }'; }
w_seqread() { dropcaches; "${FIO[@]}" --name=sr --rw=read --bs=1M --size="${BK_SIZE_MB}M" | awk -F';' '{ printf "%.1f\n", $7 / 1024 }'; }
w_randwrite() { dropcaches; "${FIO[@]}" --name=rw --rw=randwrite --bs=4k --size="${BK_SIZE_MB}M" --time_based --runtime="$BK_RT" | awk -F';' '{ print $49 }'; }
w_randread() { dropcaches; "${FIO[@]}" --name=rr --rw=randread --bs=4k --size="${BK_SIZE_MB}M" --time_based --runtime="$BK_RT" | awk -F';' '{ print $8 }'; }
w_create() { rm -f $M/fio.dat; "$BENCHDIR/meta.py" create $M/tree "$BK_NFILES"; }
w_stat() { dropcaches; "$BENCHDIR/meta.py" stat $M/tree "$BK_NFILES"; }
timed() { local a b; a=$(now); "$@" || return 1; b=$(now); dt "$a" "$b"; echo; }
w_ls() { dropcaches; timed eval "ls -lR $M/tree >/dev/null"; }
w_find() { dropcaches; timed eval "find $M/tree -type f | wc -l >/dev/null"; }
w_unlink() { "$BENCHDIR/meta.py" unlink $M/tree "$BK_NFILES"; }
w_untar() { mkdir -p $M/src && timed tar -C $M/src -xf /tmp/bench.tar; }
# In the untarred tree (untar first, rmrf after): du, stat of every file,
# a compiler's probe of missing headers, git add and commit, git status.
w_du() { dropcaches; timed eval "du -s $M/src >/dev/null"; }
w_statall() { dropcaches; timed eval "find $M/src -type f -print0 | xargs -0 stat >/dev/null"; }
w_probe() { dropcaches; timed python3 -c '
import os, sys
dirs = [r for r, _, _ in os.walk(sys.argv[1])][:100]
for i in range(20):
    for d in dirs:
        try:
            os.stat(os.path.join(d, "missing-%d.h" % i))
        except FileNotFoundError:
            pass
' $M/src; }
bkgit() { git -C $M/src -c user.name=bench -c user.email=bench@localhost -c gc.auto=0 "$@"; }
w_gitcommit() { bkgit init -q && timed eval "bkgit add -A && bkgit commit -q -m bench"; }
w_gitstatus() { dropcaches; timed eval "bkgit status --porcelain >/dev/null"; }
w_gitstatus_warm() { timed eval "bkgit status --porcelain >/dev/null"; }
w_rmrf() { dropcaches; timed rm -rf $M/src; }
w_dbench() {
	local out
	out=$(dbench -c /usr/share/dbench/client.txt -D $M -t "$BK_DBENCH_T" 2 2>&1) || { echo "$out" | tail -5 >&2; return 1; }
	# a throughput of 0 means no operation completed in the time: a failure
	echo "$out" | awk '/^Throughput/ && $2 > 0 { print $2; f = 1 } END { exit !f }' ||
		{ echo "$out" | grep -v '^ *[0-9]* *[0-9]* *[0-9.]* MB/sec' | tail -n 3 >&2; return 1; }
}
w_postmark() {
	local out
	mkdir -p $M/pm
	out=$(printf 'set location %s\nset number %s\nset transactions %s\nset size 500 16384\nrun\nquit\n' \
		$M/pm "$BK_PM_N" "$BK_PM_N" | postmark 2>&1) || return 1
	rm -rf $M/pm
	echo "$out" | grep -q '^Error' && { echo "$out" | grep -m3 Error >&2; return 1; }
	echo "$out" | awk '/seconds of transactions/ { gsub(/[()]/, ""); print $(NF - 2); f = 1 } END { exit !f }'
}
bonnie_csv=
w_bonnie() {
	mkdir -p $M/bonnie
	bonnie_csv=$(bonnie++ -d $M/bonnie -u root -s "$BK_BONNIE_MB" -r $((BK_BONNIE_MB / 2)) -n "${BK_BONNIE_N:-0}" -f -q -x 1 2>/dev/null | tail -n 1) || return 1
	rm -rf $M/bonnie
	# put_block and get_block (K/s -> MiB/s), seq_create (/s); "+++++" = too fast to measure
	echo "$bonnie_csv" | awk -F, 'function v(x, d) { return x ~ /^[0-9]+$/ ? sprintf("%.1f", x / d) : "nan" }
		NF > 30 { print v($12, 1024); print "@bonnie_rd " v($18, 1024); if (v($27, 1) != "nan") print "@bonnie_create " v($27, 1); f = 1 } END { exit !f }'
}

# ---- one target: mount, run every workload, unmount ----------------------
run_target() {
	local t=$1 kind=$2 opts=$3 tag=$4 w out before l
	mkdir -p $M
	case $kind in
	9p) mount -t 9p -o "$opts" "$tag" $M && setup_stats ;;
	virtiofs) mount -t virtiofs "$tag" $M ;;
	ext4)
		modprobe virtio_blk
		for _ in $(seq 50); do [[ -b /dev/$tag ]] && break; sleep 0.1; done
		mount -t ext4 "/dev/$tag" $M
		;;
	tmpfs) mount -t tmpfs -o size=90% tmpfs $M ;;
	*) false ;;
	esac || { echo "F $t all mount"; return 1; }
	log "$t: $(grep " $M " /proc/mounts)"
	for w in $WL; do
		before=$(snapshot)
		log "$t: start $w $(date +%T)"
		if out=$("w_$w" 2>/tmp/err.$w) && [[ -n $out ]]; then
			while read -r l; do
				case $l in
				@*) set -- $l; echo "R $t ${1#@} $2" ;;
				*) echo "R $t $w $l" ;;
				esac
			done <<<"$out"
		else
			echo "F $t $w $(tail -n 1 /tmp/err.$w | tr -s ' \t' '__' | cut -c1-60)"
		fi
		emit_reqs "$t $w" "$before" "$(snapshot)"
	done
	stats_kind=none
	umount $M || { log "$t: umount failed"; umount -l $M; }
}

case " $WL " in *" untar "*)
	cp "$BK_TAR" /tmp/bench.tar ;;
esac
# BK_TARGETS: "NAME|KIND|OPTS|TAG ..." (OPTS without spaces)
for spec in $BK_TARGETS; do
	IFS='|' read -r t kind opts tag <<<"$spec"
	run_target "$t" "$kind" "$opts" "$tag"
done
log "done"
