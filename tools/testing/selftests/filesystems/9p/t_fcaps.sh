#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# File capabilities (security.capability) do not survive a change of the
# file's data, as on a local file system: a write(2), a write that
# extends the file by fallocate(2), and copy_file_range(2) into the file
# strip them when they happen, not when write-back gets the data to the
# server (which, storing the file on a local file system, strips them
# then too), so a write cache must not leave a rewritten file with its
# capabilities while the writer still has it open. The capability is
# read back with getxattr, which always asks the server.
#
# QEMU's 9p server stores no security.* attribute in any security model
# (it refuses them with EOPNOTSUPP), so where the suite's own mount
# refuses setcap the test serves a tmpfs of this guest with diod and
# mounts it with the suite's options over a unix socket instead.
#
# Writes through a shared mapping keep the capability, as on ext4 (the
# VFS strips nothing on page faults), and are not tested here.
. "$(dirname "$0")/lib.sh"

[[ $(id -u) == 0 ]] || skip_all "needs root (setcap)"
[[ ${V9FS_VERSION:-9p2000.L} == 9p2000.L ]] || skip_all "xattrs need 9p2000.L"
for c in setcap getcap python3; do
	command -v $c >/dev/null || skip_all "no $c"
done

D=$V9FS_TESTDIR
SRV=
: >probe
if ! setcap cap_net_raw+ep probe 2>/dev/null; then
	diod_scratch fcaps
	D=$DIOD_MNT
	SRV=$DIOD_EXP
	: >"$D/probe"
	if ! setcap cap_net_raw+ep "$D/probe"; then
		echo "Bail out! setcap on diod's export failed"
		exit 1
	fi
fi
cd "$D" || exit 1

ktap_plan 7

# has_caps FILE: does FILE have a security.capability attribute?
has_caps() {
	python3 -c 'import os, sys
try:
	os.getxattr(sys.argv[1], "security.capability")
except OSError:
	sys.exit(1)' "$1"
}

# while_open FILE PY: open FILE read-write (no truncation), run the
# Python statements PY with the file descriptor as fd, then, with the
# file still open, print "caps" if FILE still has a capability, else
# "none"; then close.
while_open() {
	python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
exec(sys.argv[2])
try:
	os.getxattr(sys.argv[1], "security.capability")
	print("caps")
except OSError:
	print("none")
os.close(fd)' "$1" "$2"
}

fresh() {
	printf 'hello world\n' >"$1"
	chmod 0755 "$1"
	setcap cap_net_raw+ep "$1"
}

fresh f
if has_caps f; then
	check_eq "a write drops the capability while the file is open" \
		"$(while_open f 'os.pwrite(fd, b"H", 0)')" none
else
	ktap_fail "a write drops the capability while the file is open" "setcap did not stick"
fi
check_eq "the write reached the file" "$(head -c 5 f)" Hello
if [[ -n $SRV ]]; then
	check "the server's file has no capability" bash -c "! getcap '$SRV/f' | grep -q cap_net_raw"
else
	check "no capability after close" bash -c "! getcap f | grep -q cap_net_raw"
fi

# A capability set after the first write (which found the file clean
# and let later writes skip the check) is stripped again.
setcap cap_net_raw+ep f
check_eq "a capability set again is dropped by the next write" \
	"$(while_open f 'os.pwrite(fd, b"J", 0)')" none

fresh g
check_eq "fallocate extending the file drops the capability" \
	"$(while_open g 'os.posix_fallocate(fd, 0, 65536)')" none

fresh h
printf 'source data\n' >src
check_eq "copy_file_range into the file drops the capability" \
	"$(while_open h 's = os.open("src", os.O_RDONLY)
os.copy_file_range(s, fd, 6, 0, 0)
os.close(s)')" none

# A capability set elsewhere (on the server's side here, or through the
# second mount) after our last write is seen at the next open (close to
# open) and stripped by the next write.
if [[ -n $SRV ]]; then
	other=$SRV/f
elif [[ -n ${V9FS_TESTDIR2:-} && -d ${V9FS_TESTDIR2:-} ]]; then
	other=$V9FS_TESTDIR2/f
else
	other=
fi
if [[ -z $other ]]; then
	ktap_skip "a capability set elsewhere is dropped by the next write" "no other view of the file"
elif [[ ,$V9FS_OPTS, == *,nocto,* ]]; then
	ktap_skip "a capability set elsewhere is dropped by the next write" "nocto"
else
	while_open f 'os.pwrite(fd, b"K", 0)' >/dev/null
	sleep 1.1
	setcap cap_net_raw+ep "$other"
	sleep 1.1
	check_eq "a capability set elsewhere is dropped by the next write" \
		"$(while_open f 'os.pwrite(fd, b"L", 0)')" none
fi
ktap_finish
