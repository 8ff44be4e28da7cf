#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ngbuild.sh: where v9fs-ng's modules for a kernel are built, and build
# them there.
#
# Usage: scripts/ngbuild.sh [--where] KVER [MAKE-ARGS...]
#        scripts/ngbuild.sh --sync DIR
#   KVER        a release or a series (scripts/kver.sh: 6.1, 6.12)
#   --where     print the directory only, build nothing
#   --sync DIR  copy the sources (Kbuild, Makefile, net, fs, include) to
#               DIR and stop (vm-lib.sh's debug build uses it too)
#
# The default kernel (scripts/kver.sh: the newest 6.1) is built in the
# tree itself, by make; its directory is the project. Any other kernel
# gets build/k$KVER, a copy of the sources: the Kbuild of 6.1 and of 6.12
# writes an external module's objects next to its sources (a separate
# object directory for M= came only later, with MO=), and the objects of
# one kernel cannot serve another. rsync keeps the files' times, so make
# rebuilds only what changed. A copy is always built with W=1 (which
# changes the warnings, not the code): make check's warning step and the
# guests' builds then share one set of objects instead of recompiling
# each other's. MAKE-ARGS (C=2, ...) are added. Concurrent builds of one
# copy are serialised (flock); the log is build/k$KVER.log. Prints the
# directory on stdout; exit 1 if the build failed (its tail on stderr).

set -euo pipefail

PROJECT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${V9FS_BUILD:-$PROJECT/build}

# sync_sources DST: the sources only; objects already in DST are kept
# (rsync does not delete what it excludes)
sync_sources() {
	mkdir -p "$1"
	rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.a' \
		--exclude=Module.symvers --exclude=modules.order \
		"$PROJECT/Kbuild" "$PROJECT/Makefile" "$PROJECT/net" \
		"$PROJECT/fs" "$PROJECT/include" "$1/"
}

where=0
case ${1:-} in
--sync)
	[[ -n ${2:-} ]] || { echo "ngbuild.sh: --sync needs a directory" >&2; exit 2; }
	sync_sources "$2"
	exit 0
	;;
--where) where=1; shift ;;
esac
[[ -n ${1:-} ]] || { sed -n '/^# Usage:/,/^$/{s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }
kver=$("$PROJECT/scripts/kver.sh" "$1")
shift
if [[ $kver == "$("$PROJECT/scripts/kver.sh")" ]]; then
	dir=$PROJECT
else
	dir=$BUILD/k$kver
fi
if [[ $where == 1 ]]; then
	echo "$dir"
	exit 0
fi
log=$BUILD/k$kver.log
[[ $dir == "$PROJECT" ]] && log=$BUILD/logs/ngbuild-$kver.log
mkdir -p "$BUILD/logs"
(
	flock 9
	if [[ $dir == "$PROJECT" ]]; then
		make -C "$dir" KVER="$kver" modules "$@"
	else
		sync_sources "$dir"
		make -C "$dir" KVER="$kver" W=1 modules "$@"
	fi >"$log" 2>&1
) 9>"$BUILD/ngbuild-$kver.lock" || {
	tail -n 20 "$log" >&2
	echo "ngbuild.sh: v9fs-ng does not build for $kver: see $log" >&2
	exit 1
}
echo "$dir"
