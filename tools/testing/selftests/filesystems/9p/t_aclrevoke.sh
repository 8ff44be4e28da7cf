#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An ACL entry revoked elsewhere (through the second mount of the export,
# V9FS_MNT2, as another client or the host would) takes effect here once
# the attributes are read again: the ACL cached with the inode is not
# trusted past a change of the server's ctime or mode. Needs posixacl and
# a server that stores system.posix_acl_* (passthrough or mapped-xattr).
. "$(dirname "$0")/lib.sh"

[[ ,$V9FS_OPTS, == *,posixacl,* ]] || skip_all "not mounted with posixacl"
[[ -n ${V9FS_TESTDIR2:-} && -d ${V9FS_TESTDIR2:-} ]] ||
	skip_all "no second mount of the export (V9FS_MNT2)"
command -v setfacl >/dev/null || skip_all "no setfacl"
command -v setpriv >/dev/null || skip_all "no setpriv"
ktap_plan 3

as_user() {
	setpriv --reuid=4242 --regid=4242 --clear-groups "$@"
}
echo secret >f
chmod 0600 f
# a second named entry keeps the mask, so the mode does not change: only
# the ACL and the ctime do
setfacl -m u:4242:r,u:4243:r f 2>/dev/null || skip_all "setfacl refused"
check "user 4242 reads through its ACL entry" as_user cat f
setfacl -x u:4242 "$V9FS_TESTDIR2/f"
# the next attribute read sees the new ctime and mode (at most actimeo)
sleep 1.2
stat f >/dev/null
check "the other mount's ACL has no entry" \
	bash -c "! getfacl -n '$V9FS_TESTDIR2/f' 2>/dev/null | grep -q '^user:4242:'"
check "user 4242 is refused after the revocation" bash -c "! setpriv --reuid=4242 --regid=4242 --clear-groups cat f"
ktap_finish
