#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nodevmap: a FIFO or device node is opened through the server like a
# regular file. Written through a mount that caches writes, what a
# read-write open wrote must reach the server by close (or the error
# reach the writer): the data is read back by a fresh mount that caches
# nothing. Such files used to get the page cache, whose pages nothing
# ever wrote back ("dirty pages ... with no writable fid" at every
# write-back pass), and were dropped at eviction. Needs the spare tag (a
# mount of our own with nodevmap) and a server that makes special files
# as plain files (QEMU's mapped models; with passthrough, a FIFO on the
# host blocks the server's open).
. "$(dirname "$0")/lib.sh"

[[ $V9FS_CLIENT == ng ]] || skip_all "v9fs-ng's nodevmap"
case ${V9FS_MODEL:-} in
mapped-xattr | mapped-file) ;;
*) skip_all "special files are real on the host (model ${V9FS_MODEL:-unknown})" ;;
esac
command -v python3 >/dev/null || skip_all "no python3"
spare_tag_scratch nodevmap
rel=${PWD#"$V9FS_MNT"}
ktap_plan 5

logmark=$(dmesg | wc -l)
mkfifo fifo
mknod chr c 1 3
if ! mount -t 9p -o "$V9FS_OPTS,nodevmap" "$V9FS_TAG2" "$M"; then
	echo "Bail out! cannot mount -o $V9FS_OPTS,nodevmap"
	exit $KSFT_FAIL
fi

# write_rw NAME TEXT: open read-write, write TEXT at 0, close; prints the
# errno name of the first failure, or OK
write_rw() {
	python3 - "$M$rel/$1" "$2" <<'EOF'
import errno, os, sys
try:
    fd = os.open(sys.argv[1], os.O_RDWR)
    os.write(fd, sys.argv[2].encode())
    os.close(fd)
    print("OK")
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e.errno)))
EOF
}
check_eq "FIFO: write and close" "$(write_rw fifo "to the fifo")" OK
check_eq "char device: write and close" "$(write_rw chr "to the device")" OK
umount "$M"

# what the server has, through a mount that caches nothing
if mount -t 9p -o "$V9FS_OPTS,nodevmap,cache=none" "$V9FS_TAG2" "$M"; then
	check_eq "FIFO: the server has the data" "$(cat "$M$rel/fifo" 2>&1)" "to the fifo"
	check_eq "char device: the server has the data" "$(cat "$M$rel/chr" 2>&1)" "to the device"
	umount "$M"
else
	ktap_fail "FIFO: the server has the data" "mount -o cache=none failed"
	ktap_fail "char device: the server has the data" "mount -o cache=none failed"
fi
check_eq "no write-back without a fid" \
	"$(dmesg | tail -n +$((logmark + 1)) | grep -c 'with no writable fid')" 0
ktap_finish
