#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A POSIX lock the server refuses leaves the locks its owner held before
# as they were, here and on the server: a process holding a read lock
# asks for a write lock over it (F_SETLK), the server refuses because
# someone else holds the file there; the read lock must still be held,
# in this guest's lock table and on the server, and its unlock must free
# the server's copy.
#
# QEMU's server grants every lock, so diod (which refuses conflicting
# ones: it takes them as flock(2) on its own descriptor of the file)
# serves a tmpfs of this guest, mounted with the suite's options; the
# conflicting holder and the server-side checks use flock(2) on the
# export's file directly.
. "$(dirname "$0")/lib.sh"

[[ ${V9FS_VERSION:-9p2000.L} == 9p2000.L ]] || skip_all "locks need 9p2000.L"
command -v python3 >/dev/null || skip_all "no python3"
diod_scratch lockundo
ktap_plan 5

out=$(python3 - "$DIOD_MNT/f" "$DIOD_EXP/f" <<'EOF'
import errno, fcntl, os, sys
path, exp = sys.argv[1], sys.argv[2]

def local_lock(fd):
    ino = os.fstat(fd).st_ino
    for line in open("/proc/locks"):
        f = line.split()
        if f[1] == "POSIX" and f[4] == str(os.getpid()) and \
                f[5].split(":")[2] == str(ino):
            return f[3]
    return "none"

def server_free():
    t = os.open(exp, os.O_RDONLY)
    try:
        fcntl.flock(t, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return "free"
    except OSError:
        return "held"
    finally:
        os.close(t)

fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB, 100, 0)
print("after the read lock:", local_lock(fd))
other = os.open(exp, os.O_RDONLY)
fcntl.flock(other, fcntl.LOCK_SH | fcntl.LOCK_NB)
try:
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 100, 0)
    print("upgrade: granted")
except OSError as e:
    print("upgrade:", "refused" if e.errno in (errno.EAGAIN, errno.EACCES)
          else os.strerror(e.errno))
print("local after the refusal:", local_lock(fd))
fcntl.flock(other, fcntl.LOCK_UN)
os.close(other)
print("server after the refusal:", server_free())
fcntl.lockf(fd, fcntl.LOCK_UN, 100, 0)
print("server after the unlock:", server_free())
os.close(fd)
EOF
)
sed 's/^/# /' <<<"$out"
get() { sed -n "s/^$1: //p" <<<"$out"; }
check_eq "the read lock is taken" "$(get 'after the read lock')" READ
check_eq "the server refuses the upgrade" "$(get upgrade)" refused
check_eq "the read lock is still held here" "$(get 'local after the refusal')" READ
check_eq "the read lock is still held on the server" "$(get 'server after the refusal')" held
check_eq "its unlock frees the server's copy" "$(get 'server after the unlock')" free
ktap_finish
