#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Write-back under memory pressure: a writer confined to a small memory
# cgroup (cgroup v2 memory.max) writes a file many times that size through
# the page cache, so reclaim must write dirty folios back while the writer
# goes on.  The writer finishes, nothing is lost or torn (checked through
# the second mount), and the cgroup's limit really was reached
# (memory.events "max" > 0), so the test checks what it claims.
# Env: V9FS_PRESSURE_MB (file size, default 96), V9FS_PRESSURE_LIMIT_MB
# (memory.max, default 24).
. "$(dirname "$0")/lib.sh"

SIZE_MB=${V9FS_PRESSURE_MB:-96}
LIMIT_MB=${V9FS_PRESSURE_LIMIT_MB:-24}

[[ -n ${V9FS_TESTDIR2:-} && -d ${V9FS_TESTDIR2:-} ]] ||
	skip_all "no second mount (V9FS_MNT2)"
CG=/sys/fs/cgroup
if [[ ! -f $CG/cgroup.controllers ]]; then
	mkdir -p "$CG" && mount -t cgroup2 none "$CG" 2>/dev/null ||
		skip_all "no cgroup v2"
fi
grep -qw memory "$CG/cgroup.controllers" || skip_all "no memory controller"
echo +memory >"$CG/cgroup.subtree_control" 2>/dev/null
G=$CG/v9fs-pressure.$$
mkdir "$G" || skip_all "cannot make a cgroup"
cleanup() { rmdir "$G" 2>/dev/null; }
trap cleanup EXIT
echo $((LIMIT_MB << 20)) >"$G/memory.max" ||
	skip_all "cannot set memory.max"

ktap_plan 3

# the writer: in the cgroup, SIZE_MB of a pattern anyone can regenerate
# (each 4 KiB page filled with its own number), 1 MiB per write(2)
gen() {
	python3 -c '
import sys
out = sys.stdout.buffer
for mb in range(int(sys.argv[1])):
    out.write(b"".join(b"%015d\n" % (mb * 256 + p) * 256 for p in range(256)))
' "$SIZE_MB"
}
want=$(gen | cksum)
(
	echo "$BASHPID" >"$G/cgroup.procs" || exit 9
	gen | dd of=big bs=1M iflag=fullblock status=none || exit 1
	sync big
) && rc=0 || rc=$?
check_eq "writer in a ${LIMIT_MB} MiB cgroup writes ${SIZE_MB} MiB" "$rc" 0
hits=$(awk '$1 == "max" { print $2 }' "$G/memory.events")
ktap_note "memory.events max=$hits, oom_kill=$(awk '$1 == "oom_kill" { print $2 }' "$G/memory.events")"
check "the cgroup's limit was reached (reclaim ran)" test "${hits:-0}" -gt 0
check_eq "the data on the server" "$(cksum <"$V9FS_TESTDIR2/${PWD#"$V9FS_TESTDIR"}/big")" "$want"
rm -f big
ktap_finish
