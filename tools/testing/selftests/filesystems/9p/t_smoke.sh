#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Smoke test: create, write, read, stat, rename, unlink, mkdir, readdir,
# rmdir in cwd (a fresh directory on the mount under test); when the host's
# view of the same directory is known (V9FS_HOSTDIR) the data written here
# must also be what the host sees.

set -u
. "$(dirname "$0")/lib.sh"

ktap_plan 16

data="hello from $V9FS_CLIENT over 9p"

check "create" bash -c 'touch f && [[ -f f ]]'
check "write" bash -c "printf '%s' '$data' > f"
check_eq "read" "$(cat f 2>&1)" "$data"
check_eq "stat size" "$(stat -c %s f 2>&1)" "${#data}"
check "chmod" bash -c 'chmod 640 f && [[ $(stat -c %a f) == 640 ]]'
check "append" bash -c 'printf "\\nmore\\n" >> f && [[ $(tail -n 1 f) == more ]]'
check "rename" bash -c 'mv f g && [[ ! -e f && -f g ]]'
check "mkdir" bash -c 'mkdir d && [[ -d d ]]'
check "create in subdir" bash -c 'for i in 1 2 3; do echo $i > d/file$i || exit 1; done'
check_eq "readdir" "$(cd d && ls -1 | tr '\n' ' ')" "file1 file2 file3 "
check "rename across dirs" bash -c 'mv g d/g && [[ -f d/g ]]'

# A 1 MiB file with a known checksum, compared with the host's view.
check "large write" bash -c 'head -c 1048576 /dev/urandom > big && sync big && [[ $(stat -c %s big) == 1048576 ]]'
sum=$(sha256sum big | cut -d' ' -f1)
check_eq "large read" "$(sha256sum <big | cut -d' ' -f1)" "$sum"
if [[ -n $V9FS_HOSTDIR && -d $V9FS_HOSTDIR && $V9FS_HOSTDIR != "$PWD" ]]; then
	# The host's read-only view of the same directory (virtiofs root).
	check_eq "host sees the data" "$(sha256sum "$V9FS_HOSTDIR/big" | cut -d' ' -f1)" "$sum"
else
	ktap_skip "host sees the data" "no V9FS_HOSTDIR"
fi

check "unlink" bash -c 'rm big d/g && [[ ! -e big && ! -e d/g ]]'
check "rmdir" bash -c 'rm d/file* && rmdir d && [[ ! -e d ]] && [[ -z $(ls -A) ]]'

ktap_finish
