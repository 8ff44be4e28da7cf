#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# renameat2(RENAME_NOREPLACE) never replaces a file made elsewhere: with
# cache=loose a negative dentry is trusted for a while, so the target is
# created through the second mount of the export (V9FS_MNT2, the "other
# client"), after this mount has seen it missing; mv -n (RENAME_NOREPLACE)
# must then leave it alone.
. "$(dirname "$0")/lib.sh"

[[ -n ${V9FS_TESTDIR2:-} && -d ${V9FS_TESTDIR2:-} ]] ||
	skip_all "no second mount of the export (V9FS_MNT2)"
command -v python3 >/dev/null || skip_all "no python3"
ktap_plan 3

# renameat2 A B: renameat2(AT_FDCWD, A, AT_FDCWD, B, RENAME_NOREPLACE)
renameat2() {
	python3 - "$1" "$2" <<-'PY'
	import ctypes, os, sys
	libc = ctypes.CDLL(None, use_errno=True)
	AT_FDCWD, RENAME_NOREPLACE, NR_renameat2 = -100, 1, 316
	r = libc.syscall(NR_renameat2, AT_FDCWD, sys.argv[1].encode(),
	                 AT_FDCWD, sys.argv[2].encode(), RENAME_NOREPLACE)
	if r:
	    e = ctypes.get_errno()
	    print("renameat2:", os.strerror(e))
	    sys.exit(17 if e == 17 else 1)
	PY
}

echo mine >a
! stat b >/dev/null 2>&1
check "b is missing here" test ! -e b
echo theirs >"$V9FS_TESTDIR2/b"
renameat2 a b
rc=$?
check_eq "renameat2 NOREPLACE fails with EEXIST" "$rc" 17
check_eq "the other client's b is intact" "$(cat "$V9FS_TESTDIR2/b")" theirs
ktap_finish
