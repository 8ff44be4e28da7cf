#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A file given a second name elsewhere (through the second mount of the
# export, V9FS_MNT2) after this mount last read its link count, then
# unlinked here by its first name while open: it still has a name, so it
# is still one file with one inode here. A stale link count of 1 used to
# mark it gone, and an open of the other name made a second inode for the
# same file: POSIX locks taken through the two names then did not
# conflict (the guest's lock table is per inode; QEMU's server grants
# every lock), nor did their page caches agree.
. "$(dirname "$0")/lib.sh"

[[ -n ${V9FS_TESTDIR2:-} && -d ${V9FS_TESTDIR2:-} ]] ||
	skip_all "no second mount of the export (V9FS_MNT2)"
command -v python3 >/dev/null || skip_all "no python3"
ktap_plan 2

out=$(python3 - "$V9FS_TESTDIR2" <<'EOF'
import fcntl, os, sys
other = sys.argv[1]
fd = os.open("a", os.O_RDWR | os.O_CREAT, 0o644)
os.write(fd, b"data\n")
os.fsync(fd)
os.fstat(fd)
sys.stdout.flush()
os.link(os.path.join(other, "a"), os.path.join(other, "b"))
os.unlink("a")
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
pid = os.fork()
if pid == 0:
    g = os.open("b", os.O_RDWR)
    same = os.fstat(g).st_ino == os.fstat(fd).st_ino
    try:
        fcntl.lockf(g, fcntl.LOCK_EX | fcntl.LOCK_NB)
        print("b lock: granted")
    except OSError:
        print("b lock: refused")
    print("same inode number:", same)
    sys.stdout.flush()
    os._exit(0)
os.waitpid(pid, 0)
os.close(fd)
print("nlink of b:", os.stat("b").st_nlink)
EOF
)
sed 's/^/# /' <<<"$out"
check_eq "a lock through the other name conflicts with the open file's" \
	"$(sed -n 's/^b lock: //p' <<<"$out")" refused
check_eq "the other name's link count" "$(sed -n 's/^nlink of b: //p' <<<"$out")" 1
ktap_finish
