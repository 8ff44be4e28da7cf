#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A directory renamed elsewhere (through the second mount of the export,
# V9FS_MNT2, as the host or another client would) and then found again
# here under its new name, through a name this mount still believed free
# (a negative dentry, trusted with a metadata cache): the directory must
# keep one dentry. Two made the next rename between them lock the same
# inode twice (lock_rename()) and hang for good, with the file system's
# rename mutex held.
. "$(dirname "$0")/lib.sh"

[[ -n ${V9FS_TESTDIR2:-} && -d ${V9FS_TESTDIR2:-} ]] ||
	skip_all "no second mount of the export (V9FS_MNT2)"
ktap_plan 4

mkdir d
echo data >d/f
# a negative dentry for x, and d's inode known here
stat x >/dev/null 2>&1
ls d >/dev/null
mv "$V9FS_TESTDIR2/d" "$V9FS_TESTDIR2/x"
# creating x finds the directory (EEXIST on the server, then a walk)
touch x 2>/dev/null
check "x is the directory now" test -d x
check "its file is there" test -f x/f

# the rename must end (succeed, or fail: d is gone) in bounded time
mv x/f d/f >/dev/null 2>&1 </dev/null &
pid=$!
for _ in $(seq 60); do
	kill -0 $pid 2>/dev/null || break
	sleep 0.5
done
if kill -0 $pid 2>/dev/null; then
	ktap_fail "a rename between the two names ends" "still running after 30 s (pid $pid)"
	ps -o pid,stat,wchan:30,cmd -p $pid | sed 's/^/# /'
	exit $KSFT_FAIL
fi
ktap_ok "a rename between the two names ends"
# and a rename in the directory still works
check "a rename inside the directory works" mv x/f x/g
ktap_finish
