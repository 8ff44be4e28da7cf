#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest test (vm-run --kernel debug --mods ng --share TAG=DIR
# --share TAG2=DIR): v9fs-ng
# under injected allocation failures. KTAP output; exit 0 if nothing
# failed.
#
#   fault-inject.sh BIN TAG TAG2 [CACHE...]   (default caches: none loose)
#
# BIN is the built fault-inject.c; TAG2 exports the same directory as TAG
# (the mount and umount operations mount it). Per cache mode, on a fresh
# mount of TAG (version 9p2000.L):
#   nth     each operation (mount, umount, write+fsync, read, mmap,
#           metadata: stat mkdir rename rmdir symlink readlink link chmod
#           truncate utimes unlink, xattrs, readdir) with its 1st, 2nd,
#           ... fault-injection site failing (/proc/thread-self/fail-nth:
#           slab, page allocations, user copies) until it runs clean
#   random  rounds of all operations with failslab and fail_page_alloc
#           failing FI_PROB (1) percent of the allocations (task-filter,
#           /proc/self/make-it-fail: only that process is hit)
# then the mount must still work or unmount cleanly; at the end the 9p
# modules must unload. Kernel reports (oops, KASAN, lockdep, hung task)
# and kmemleak are vm-run's business: it fails the run on any.
# x86_64 6.1 has no FAULT_INJECTION_STACKTRACE_FILTER, so failures cannot
# be aimed at the modules' addresses; they hit the test process instead.

set -u
usage="usage: fault-inject.sh BIN TAG TAG2 [CACHE...]"
BIN=${1:?$usage}
TAG=${2:?$usage}
TAG2=${3:?$usage}
shift 3
CACHES=${*:-none loose}
ROUNDS=${FI_ROUNDS:-15}
# percent of the test process's allocations that fail in the random rounds
# (an operation passes 100 or more sites: 5 would fail nearly all of them)
PROB=${FI_PROB:-1}
MAXN=${FI_MAXN:-400}
DBG=/sys/kernel/debug
MNT=/var/tmp/fi-mnt
n=0 nfail=0

ok() { n=$((n + 1)); echo "ok $n $1${2:+ # $2}"; }
notok() { n=$((n + 1)); nfail=$((nfail + 1)); echo "not ok $n $1${2:+ # $2}"; }

mountpoint -q $DBG || mount -t debugfs debugfs $DBG
ncache=$(wc -w <<<"$CACHES")
echo "KTAP version 1"
if [[ ! -d $DBG/failslab || ! -e /proc/self/fail-nth ]]; then
	echo "1..0 # SKIP no fault injection in this kernel ($(uname -r)): use vm-run --kernel debug"
	exit 0
fi
echo "1..$((ncache * 2 + 1))"

# Quiet (verbose=0: a dump_stack per failure would read as a kernel
# report), every gfp mask and order, only tasks that asked for it.
fi_setup() {
	local a
	for a in failslab fail_page_alloc fail_usercopy; do
		[[ -d $DBG/$a ]] || continue
		echo 0 >$DBG/$a/probability
		echo 0 >$DBG/$a/verbose
		echo 1 >$DBG/$a/interval
		echo -1 >$DBG/$a/times
		echo 0 >$DBG/$a/space
		echo Y >$DBG/$a/task-filter
	done
	echo N >$DBG/failslab/ignore-gfp-wait
	echo N >$DBG/fail_page_alloc/ignore-gfp-wait
	echo N >$DBG/fail_page_alloc/ignore-gfp-highmem
	echo 0 >$DBG/fail_page_alloc/min-order
}
fi_random() {
	echo "$1" >$DBG/failslab/probability
	echo "$1" >$DBG/fail_page_alloc/probability
}

fi_setup
modprobe 9p || { notok "modprobe 9p"; exit 1; }
mkdir -p $MNT
for cache in $CACHES; do
	opts="trans=virtio,version=9p2000.L,cache=$cache"
	if ! mount -t 9p -o "$opts" "$TAG" $MNT; then
		notok "nth cache=$cache" "mount failed"
		notok "random cache=$cache" "mount failed"
		continue
	fi
	t0=$SECONDS
	if timeout -s KILL 3000 "$BIN" nth "$TAG" "$TAG2" $MNT "$opts" "$MAXN"; then
		ok "nth cache=$cache" "$((SECONDS - t0))s"
	else
		notok "nth cache=$cache" "exit $?"
	fi
	t0=$SECONDS
	fi_random "$PROB"
	if timeout -s KILL 3000 "$BIN" random "$TAG" "$TAG2" $MNT "$opts" "$ROUNDS"; then
		ok "random cache=$cache" "$((SECONDS - t0))s"
	else
		notok "random cache=$cache" "exit $?"
	fi
	fi_random 0
	if ! umount $MNT; then
		echo "# umount $MNT failed"
		nfail=$((nfail + 1))
		umount -l $MNT
	fi
	umount $MNT.m 2>/dev/null
done
if modprobe -r 9p 9pnet_virtio 9pnet && ! grep -qE '^9p(net)? ' /proc/modules; then
	ok "modules unload"
else
	notok "modules unload" "$(grep -E '^9p' /proc/modules | tr '\n' ' ')"
fi
echo "# Totals: pass:$((n - nfail)) fail:$nfail skip:0"
[[ $nfail == 0 ]]
