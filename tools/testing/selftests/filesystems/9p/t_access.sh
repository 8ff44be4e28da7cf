#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The permission model of each access= mode, as behaviour, on a scratch
# mount of the spare tag (V9FS_TAG2) with uid 1000 as the other user:
#   user, client  one attach per user: a file uid 1000 creates is its own;
#                 root's mode 0600 file is not readable by it (EACCES)
#   any           one attach shared by every user: a file uid 1000
#                 creates is owned as one root creates; mode bits are
#                 still checked in the guest (EACCES)
#   <uid> (0)     only that user: uid 1000 is refused (EPERM) even a stat
# The second mount (V9FS_MNT2) is unmounted for the test and mounted
# again with the suite's options at the end.
. "$(dirname "$0")/lib.sh"

command -v setpriv >/dev/null || skip_all "no setpriv(1)"
spare_tag_scratch access
rel=${PWD#"$V9FS_MNT"}

# as1000 CMD...: run CMD as uid and gid 1000, no supplementary groups
as1000() { setpriv --reuid=1000 --regid=1000 --clear-groups -- "$@"; }

# the suite's options less cache= (the scratch mount is uncached)
base=$(sed -e 's/\(^\|,\)cache=[^,]*//g' -e 's/^,//' <<<"$V9FS_OPTS")
base+=",cache=none"

mkdir -m 1777 shared
printf 'secret' >secret
chmod 0600 secret

ktap_plan 7

# mount_as MODE: the scratch mount with access=MODE
mount_as() { mount -t 9p -o "$base,access=$1" "$V9FS_TAG2" "$M"; }

for mode in user client any; do
	if ! mount_as $mode; then
		ktap_fail "access=$mode" "mount failed"
		continue
	fi
	d=$M$rel/shared
	as1000 sh -c "printf x >'$d/by1000.$mode'"
	printf x >"$d/byroot.$mode"
	owner=$(stat -c %u "$d/by1000.$mode" 2>&1)
	rootowner=$(stat -c %u "$d/byroot.$mode" 2>&1)
	if [[ $mode == any ]]; then
		check_eq "access=any: uid 1000's file is owned as root's" "$owner" "$rootowner"
	else
		check_eq "access=$mode: uid 1000's file is its own" "$owner" 1000
	fi
	err=$(as1000 cat "$M$rel/secret" 2>&1 >/dev/null)
	check_eq "access=$mode: root's 0600 file is not uid 1000's to read" \
		"$(grep -c 'Permission denied' <<<"$err")" 1
	umount "$M"
done

if mount_as 0; then
	err=$(as1000 stat "$M$rel" 2>&1 >/dev/null)
	ok_root=$(stat -c %F "$M$rel" 2>&1)
	umount "$M"
	check_eq "access=0: uid 1000 is refused (EPERM), root is not" \
		"$(grep -c 'Operation not permitted' <<<"$err") $ok_root" "1 directory"
else
	ktap_fail "access=0: uid 1000 is refused (EPERM), root is not" "mount failed"
fi
rm -rf shared secret
ktap_finish
