#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# overlayfs with a 9p directory as its lower layer (as a container or a
# guest's /tmp overlay over a 9p root does): overlay opens our files with
# its own path (open_with_fake_path), so the file system must find its
# dentry through file_dentry(), never file->f_path. Regression test for
# an oops in v9fs_open under ovl_open_realfile.
. "$(dirname "$0")/lib.sh"

grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null
grep -qw overlay /proc/filesystems || skip_all "no overlayfs"

ktap_plan 5
mkdir -p lower/d merged
echo lower-data >lower/f
echo in-dir >lower/d/g
up=$(mktemp -d /run/t_overlay.XXXXXX)
mkdir -p "$up/u" "$up/w"
if ! mount -t overlay -o "lowerdir=$PWD/lower,upperdir=$up/u,workdir=$up/w" \
	overlay merged; then
	rm -rf "$up"
	skip_all "overlay on a 9p lower refused"
fi
check_eq "read a lower file through overlay" "$(cat merged/f)" lower-data
check_eq "read a file in a lower directory" "$(cat merged/d/g)" in-dir
check "mmap-read a lower file (python3)" python3 -c '
import mmap, sys
with open(sys.argv[1], "rb") as f:
    m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
    assert m[:10] == b"lower-data"
' merged/f
check "copy-up on write keeps the lower file" bash -c \
	'echo more >>merged/f && [[ $(cat lower/f) == lower-data ]] && [[ $(tail -n 1 merged/f) == more ]]'
check "list the merged directory" bash -c 'ls merged | grep -qx d && ls merged | grep -qx f'
umount merged
rm -rf "$up"
ktap_finish
