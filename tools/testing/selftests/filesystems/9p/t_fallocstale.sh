#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fallocate(2) on a file another client changed since this one last read
# its size (here: the second mount of the export, V9FS_MNT2, a client of
# its own), through a descriptor kept open meanwhile: 9P has no
# allocation request, so the zeros v9fs-ng writes must be placed from the
# server's size, not from the one remembered here.
#  - posix_fallocate (mode 0) must not overwrite data appended elsewhere;
#  - PUNCH_HOLE|KEEP_SIZE and ZERO_RANGE|KEEP_SIZE must not extend a file
#    truncated elsewhere.
. "$(dirname "$0")/lib.sh"

[[ -n ${V9FS_TESTDIR2:-} && -d ${V9FS_TESTDIR2:-} ]] ||
	skip_all "no second mount of the export (V9FS_MNT2)"
command -v python3 >/dev/null || skip_all "no python3"
ktap_plan 6

# run FILE MODE: write 8 KiB of 'A' to FILE here, keep it open, let the
# other client cut it to 4 KiB (MODE != 0) or append 4 KiB of 'B' to it
# (MODE 0), then fallocate MODE over [0, 8 KiB) or [0, 12 KiB) (MODE 0)
# through the old descriptor.
run() {
	python3 - "$1" "$V9FS_TESTDIR2/$1" "$2" <<'EOF'
import ctypes, os, sys
path, other, mode = sys.argv[1], sys.argv[2], int(sys.argv[3])
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
if mode == 0:
    os.pwrite(fd, b"A" * 4096, 0)
else:
    os.pwrite(fd, b"A" * 8192, 0)
os.fsync(fd)
os.fstat(fd)
if mode == 0:
    with open(other, "ab") as o:
        o.write(b"B" * 4096)
    os.posix_fallocate(fd, 0, 12288)
else:
    os.truncate(other, 4096)
    r = libc.fallocate(ctypes.c_int(fd), ctypes.c_int(mode),
                       ctypes.c_int64(0), ctypes.c_int64(8192))
    if r:
        e = ctypes.get_errno()
        print("# fallocate: %s" % os.strerror(e))
        sys.exit(1)
os.close(fd)
EOF
}

# the file as the other client sees it after an open (close to open):
# size and a digest
seen() {
	python3 -c 'import hashlib, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
size = os.fstat(fd).st_size
print(size, hashlib.md5(os.pread(fd, size + 1, 0)).hexdigest())' "$V9FS_TESTDIR2/$1"
}
digest() { python3 -c "import sys, hashlib; print(hashlib.md5(eval(sys.argv[1])).hexdigest())" "$1"; }

check "posix_fallocate after an append elsewhere" run f 0
check_eq "the data appended elsewhere is intact" "$(seen f)" \
	"12288 $(digest 'b"A" * 4096 + b"B" * 4096 + bytes(4096)')"
# FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE = 3,
# FALLOC_FL_KEEP_SIZE | FALLOC_FL_ZERO_RANGE = 17
check "punch a hole after a truncation elsewhere" run g 3
check_eq "the file keeps the size cut elsewhere (punch)" "$(seen g)" \
	"4096 $(digest 'bytes(4096)')"
check "zero a range after a truncation elsewhere" run h 17
check_eq "the file keeps the size cut elsewhere (zero range)" "$(seen h)" \
	"4096 $(digest 'bytes(4096)')"
ktap_finish
