#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Behaviour that depends on the protocol dialect (V9FS_VERSION), for the
# legacy dialects 9p2000.u and 9p2000 (skipped on 9p2000.L):
#   - what the dialect can't express fails cleanly with EOPNOTSUPP
#     (== ENOTSUP), never EIO or another errno: xattrs on both; symlinks,
#     hard links, FIFOs and device nodes on plain 9p2000;
#   - what it can express works: symlink/link/mkfifo/mknod on 9p2000.u,
#     and the basic operations and common errnos on both (9p2000 carries
#     errors as strings, so ENOENT/EEXIST/ENOTEMPTY/... must survive the
#     string mapping).
# The syscalls are made by python3 (for exact errnos).

set -u
. "$(dirname "$0")/lib.sh"

case ${V9FS_VERSION:-} in
9p2000.u|9p2000) ;;
9p2000.L) skip_all "9p2000.L: dialect limits don't apply" ;;
"") skip_all "V9FS_VERSION not set (not on a 9p mount)" ;;
*) skip_all "unknown V9FS_VERSION=$V9FS_VERSION" ;;
esac

PY=${V9FS_PYTHON:-}
[[ -z $PY ]] && for p in /usr/bin/python3 python3; do
	command -v "$p" >/dev/null 2>&1 && { PY=$p; break; }
done
[[ -n $PY ]] || skip_all "python3 not found"

# op OP ARGS... -> prints OK[:value] or the errno name (EOPNOTSUPP for 95)
op() {
	"$PY" - "$@" <<'EOF'
import errno, os, sys
op, a = sys.argv[1], sys.argv[2:]
try:
    r = ""
    if op == "setxattr": os.setxattr(a[0], a[1], a[2].encode())
    elif op == "getxattr": r = os.getxattr(a[0], a[1]).decode()
    elif op == "listxattr": r = ",".join(os.listxattr(a[0]))
    elif op == "removexattr": os.removexattr(a[0], a[1])
    elif op == "symlink": os.symlink(a[0], a[1])
    elif op == "readlink": r = os.readlink(a[0])
    elif op == "link": os.link(a[0], a[1])
    elif op == "mkfifo": os.mkfifo(a[0], 0o644)
    elif op == "mkchr": os.mknod(a[0], 0o600 | 0o020000, os.makedev(1, 3))
    elif op == "open": os.close(os.open(a[0], os.O_RDONLY))
    elif op == "creat_excl": os.close(os.open(a[0], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    elif op == "mkdir": os.mkdir(a[0])
    elif op == "rmdir": os.rmdir(a[0])
    elif op == "unlink": os.unlink(a[0])
    elif op == "rename": os.rename(a[0], a[1])
    elif op == "opendir_w": os.close(os.open(a[0], os.O_WRONLY))
    elif op == "lock":
        import fcntl
        fd = os.open(a[0], os.O_RDWR)
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.lockf(fd, fcntl.LOCK_UN)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(fd)
    elif op == "lstat_mode": r = oct(os.lstat(a[0]).st_mode)
    else: raise SystemExit("bad op " + op)
    print("OK" + (":" + r if r else ""))
except OSError as e:
    print("EOPNOTSUPP" if e.errno == errno.EOPNOTSUPP else
          errno.errorcode.get(e.errno, "E%d" % e.errno))
EOF
}

# expect NAME GOT ALLOWED... : ok if GOT (up to ':') is one of ALLOWED
expect() {
	local name=$1 got=$2 w
	shift 2
	for w in "$@"; do
		if [[ ${got%%:*} == "$w" ]]; then
			ktap_ok "$name"
			return 0
		fi
	done
	ktap_fail "$name" "got $got, want one of: $*"
	return 1
}

legacy=0
[[ $V9FS_VERSION == 9p2000 ]] && legacy=1

ktap_plan 19
ktap_note "dialect $V9FS_VERSION, client ${V9FS_CLIENT:-?}, opts ${V9FS_OPTS:-}"

: >f
echo data >f

# 1-4: xattrs are a 9p2000.L feature: clean EOPNOTSUPP (or working)
r=$(op setxattr f user.t9 v)
expect "setxattr user.* fails cleanly" "$r" EOPNOTSUPP OK
[[ $r == OK ]] && ktap_note "RECORD: setxattr works on $V9FS_VERSION"
expect "getxattr fails cleanly" "$(op getxattr f user.missing)" EOPNOTSUPP ENODATA
expect "listxattr fails cleanly" "$(op listxattr f)" EOPNOTSUPP OK
expect "removexattr fails cleanly" "$(op removexattr f user.missing)" EOPNOTSUPP ENODATA

# 5-8: special files: work on .u, EOPNOTSUPP on plain 9p2000
if ((legacy)); then
	expect "symlink on 9p2000: EOPNOTSUPP" "$(op symlink f sl)" EOPNOTSUPP
	expect "link on 9p2000: EOPNOTSUPP" "$(op link f hl)" EOPNOTSUPP
	expect "mkfifo on 9p2000: EOPNOTSUPP" "$(op mkfifo fifo)" EOPNOTSUPP
	expect "mknod chr on 9p2000: EOPNOTSUPP" "$(op mkchr cdev)" EOPNOTSUPP
else
	r=$(op symlink f sl)
	if [[ $r == OK ]]; then
		check_eq "symlink on 9p2000.u" "$(op readlink sl)" "OK:f"
	else
		ktap_fail "symlink on 9p2000.u" "symlink: $r"
	fi
	r=$(op link f hl)
	if [[ $r == OK ]]; then
		# .u has no link count on the wire: the client keeps one,
		# up on link and down again on unlink.
		n=$(stat -c %h f)
		op unlink hl >/dev/null
		check_eq "link on 9p2000.u" "$n $(stat -c %h f)" "2 1"
	else
		ktap_fail "link on 9p2000.u" "link: $r"
	fi
	r=$(op mkfifo fifo)
	if [[ $r == OK ]]; then
		check_eq "mkfifo on 9p2000.u" "$(op lstat_mode fifo)" "OK:0o10644"
	else
		ktap_fail "mkfifo on 9p2000.u" "mkfifo: $r"
	fi
	r=$(op mkchr cdev)
	case $r in
	OK) check_eq "mknod chr on 9p2000.u" "$(stat -c '%F %t:%T' cdev)" \
		"character special file 1:3" ;;
	EPERM) ktap_skip "mknod chr on 9p2000.u" "server refuses device nodes (EPERM)" ;;
	*) ktap_fail "mknod chr on 9p2000.u" "mknod: $r" ;;
	esac
fi

# 9-12: the basics work on every dialect
expect "mkdir" "$(op mkdir d)" OK
expect "create" "$(op creat_excl d/a)" OK
expect "rename" "$(op rename d/a d/b)" OK
check_eq "write+read" "$(echo hello >d/b && cat d/b)" hello

# 13-18: errnos survive the dialect's error encoding
expect "ENOENT" "$(op open missing)" ENOENT
expect "EEXIST" "$(op creat_excl d/b)" EEXIST
expect "ENOTEMPTY" "$(op rmdir d)" ENOTEMPTY EEXIST
expect "EISDIR" "$(op opendir_w d)" EISDIR
expect "ENOTDIR" "$(op open f/x)" ENOTDIR
expect "EEXIST (mkdir)" "$(op mkdir d)" EEXIST

# 19: local locks work (they are the guest's business on these dialects)
expect "fcntl and flock locks" "$(op lock f)" OK

rm -rf ./* 2>/dev/null
ktap_finish
