#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# legacy-suite.sh: the VFS selftests on plain 9P2000 (no .u, no .L), which
# QEMU's server does not speak: a guest-local p9srv.py serves a scratch
# directory over tcp, the client mounts it with version=9p2000 and
# tools/testing/selftests/filesystems/9p/run-suite.sh runs the tests that
# make sense for the dialect on it (KTAP, one result per test, then a
# result for the unmount). Run as root in a test guest:
#
#   tools/testing/vm/vm-run --mods ng --timeout 900 \
#     --cmd 'tools/testing/9p-server/legacy-suite.sh [--bindir DIR] [--tests GLOBS]'
#
# --bindir: where the built C selftests are (default build/selftests/9p);
# --tests: comma-separated globs (default: the set below). Exit 0 if
# nothing failed.

set -u
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
SELF=$TOP/tools/testing/selftests/filesystems/9p
BINDIR=$TOP/build/selftests/9p
# What 9P2000 can carry: no symlinks, links, devices or xattrs (t_dialect
# checks those fail cleanly), whole-second times, no locks. t_io is left
# out for time (big files through a Python server are slow under TCG), and
# so is t_readdir: every seekdir re-reads the 9P2000 stream from its start
# (175 s for telldir_seekdir on a loaded host; it passes).
TESTS=t_smoke.sh,t_dialect.sh,t_errno,t_namespace,t_falloc
W=/var/tmp/v9fs-legacy		# tmpfs in the test guest
PORT=5650
TIMEOUT=${V9FS_TEST_TIMEOUT:-300}
# a user-space server: keep the big-file test small
export V9FS_IO_LARGE_MB=${V9FS_IO_LARGE_MB:-8}

while [[ $# -gt 0 ]]; do
	case $1 in
	--bindir) BINDIR=$2; shift ;;
	--tests) TESTS=$2; shift ;;
	*) echo "usage: $0 [--bindir DIR] [--tests GLOBS]" >&2; exit 2 ;;
	esac
	shift
done

rm -rf "$W"
mkdir -p "$W/export" "$W/mnt"
ip link set lo up 2>/dev/null
python3 "$HERE/p9srv.py" --root "$W/export" --ready "$W/ready" \
	--tcp "127.0.0.1:$PORT" >"$W/srv.log" 2>&1 &
spid=$!
stop() {
	umount "$W/mnt" 2>/dev/null || umount -l "$W/mnt" 2>/dev/null
	kill -9 "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
}
trap stop EXIT
for _ in $(seq 150); do
	[[ -s $W/ready ]] && break
	sleep 0.2
done
if [[ ! -s $W/ready ]]; then
	echo "KTAP version 1"
	echo "1..1"
	echo "not ok 1 legacy-mount # p9srv.py did not start: $(tail -n 3 "$W/srv.log" | tr '\n' ' ')"
	exit 1
fi

opts=trans=tcp,port=$PORT,version=9p2000
if ! err=$(mount -t 9p -o "$opts" 127.0.0.1 "$W/mnt" 2>&1); then
	echo "KTAP version 1"
	echo "1..1"
	echo "not ok 1 legacy-mount # mount -o $opts: $err"
	exit 1
fi
grep -q " $W/mnt 9p .*version=9p2000[, ]" /proc/mounts ||
	echo "# warning: /proc/mounts does not show version=9p2000"

# run-suite.sh prints the plan and one result per test; the mount is ours
"$SELF/run-suite.sh" --bindir "$BINDIR" --timeout "$TIMEOUT" --client "${V9FS_MODS:-ng}" \
	-c "mounted=$W/mnt name=legacy version=9p2000 cache=none tests=$TESTS hostdir=$W/export"
rc=$?
if ! err=$(umount "$W/mnt" 2>&1); then
	echo "# umount: $err"
	rc=1
fi
exit $rc
