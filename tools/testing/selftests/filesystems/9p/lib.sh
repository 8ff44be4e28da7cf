# SPDX-License-Identifier: GPL-2.0
# Helpers for the shell tests (t_*.sh) of the v9fs-ng selftests: KTAP
# output and the contract's exit codes (see README). Source it with
#   . "$(dirname "$0")/lib.sh"
#
#   ktap_plan N               "KTAP version 1" and "1..N"
#   ktap_ok NAME              ok / not ok / skip lines
#   ktap_fail NAME [WHY]
#   ktap_skip NAME WHY
#   ktap_note TEXT...         "# TEXT"
#   check NAME CMD [ARGS...]  run CMD (output shown as notes): ok if it
#                             exits 0, not ok otherwise
#   check_eq NAME GOT WANT    ok if the strings are equal
#   skip_all WHY              "1..0 # SKIP WHY", exit 4
#   ktap_finish               exit 0 if nothing failed (4 if everything
#                             was skipped), 1 otherwise
#   test_hook PARAM [MODULE]  for a test of v9fs-ng's test hooks: skips
#                             unless MODULE (9p) has PARAM (and python3
#                             is there); sets HOOK to its file, put back
#                             to 0 at exit
#   server_file NAME          prints a path to read NAME (in cwd) as the
#                             server has it: the host's view, or NAME
#                             after this guest's caches are dropped
# Globals: V9FS_* from the environment, with defaults that let a test run
# by hand in any directory.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

: "${V9FS_TESTDIR:=$PWD}"
: "${V9FS_MNT:=$V9FS_TESTDIR}"
: "${V9FS_HOSTDIR:=}"
: "${V9FS_CLIENT:=unknown}"
: "${V9FS_CACHE:=}"
: "${V9FS_VERSION:=}"
: "${V9FS_OPTS:=}"

_ktap_n=0
_ktap_pass=0
_ktap_fail=0
_ktap_skip=0

ktap_plan() {
	echo "KTAP version 1"
	echo "1..$1"
}

ktap_note() {
	echo "# $*"
}

ktap_ok() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_pass=$((_ktap_pass + 1))
	echo "ok $_ktap_n $1"
}

ktap_fail() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_fail=$((_ktap_fail + 1))
	echo "not ok $_ktap_n $1${2:+ # $2}"
}

ktap_skip() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_skip=$((_ktap_skip + 1))
	echo "ok $_ktap_n $1 # SKIP $2"
}

check() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1) && rc=0 || rc=$?
	[[ -n $out ]] && sed 's/^/# /' <<<"$out"
	if [[ $rc == 0 ]]; then
		ktap_ok "$name"
	else
		ktap_fail "$name" "exit $rc: $*"
	fi
}

check_eq() {
	if [[ "$2" == "$3" ]]; then
		ktap_ok "$1"
	else
		ktap_fail "$1" "got '$2', want '$3'"
	fi
}

skip_all() {
	echo "KTAP version 1"
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

ktap_finish() {
	echo "# $_ktap_pass passed, $_ktap_fail failed, $_ktap_skip skipped"
	if ((_ktap_fail > 0)); then
		exit $KSFT_FAIL
	fi
	if ((_ktap_n > 0 && _ktap_skip == _ktap_n)); then
		exit $KSFT_SKIP
	fi
	exit $KSFT_PASS
}

test_hook() {
	HOOK=/sys/module/${2:-9p}/parameters/$1
	[[ $V9FS_CLIENT == ng ]] || skip_all "v9fs-ng's test hook"
	[[ -w $HOOK ]] || skip_all "no $HOOK"
	command -v python3 >/dev/null || skip_all "no python3"
	trap 'echo 0 >"$HOOK"' EXIT
}

server_file() {
	if [[ -n $V9FS_HOSTDIR && -d $V9FS_HOSTDIR ]]; then
		echo "$V9FS_HOSTDIR/$1"
	else
		echo 3 >/proc/sys/vm/drop_caches
		echo "$1"
	fi
}

# spare_tag_scratch NAME: for tests of mounts of their own.  Skips the
# test unless the suite's spare tag (V9FS_TAG2) is there on virtio;
# unmounts V9FS_MNT2 and sets M to an empty scratch mount point; at exit
# M is unmounted and removed and V9FS_MNT2 mounted again as the suite had
# it.
spare_tag_scratch() {
	[[ -n ${V9FS_TAG2:-} && -n ${V9FS_MNT2:-} ]] ||
		skip_all "no spare mount tag (V9FS_TAG2, V9FS_MNT2)"
	[[ ,$V9FS_OPTS, == *,trans=virtio,* ]] || skip_all "not a virtio mount"
	M=/run/v9fs-$1.$$
	mkdir -p "$M"
	umount "$V9FS_MNT2" 2>/dev/null || skip_all "cannot unmount $V9FS_MNT2"
	trap _spare_tag_restore EXIT
}
_spare_tag_restore() {
	umount "$M" 2>/dev/null
	rmdir "$M" 2>/dev/null
	mount -t 9p -o "$V9FS_OPTS" "$V9FS_TAG2" "$V9FS_MNT2" ||
		echo "# could not mount $V9FS_TAG2 on $V9FS_MNT2 again"
}

# diod_scratch NAME: for what QEMU's 9p server cannot do (store security.*
# attributes, refuse a lock): serve a fresh tmpfs of this guest with diod
# and mount it with the suite's options (V9FS_OPTS) over a unix socket.
# Skips the test without diod or off virtio; a mount that fails fails the
# test. Sets DIOD_EXP (the export as diod's own file system sees it) and
# DIOD_MNT (the 9p mount of it); at exit both go and diod is stopped.
diod_scratch() {
	local opts
	command -v diod >/dev/null || skip_all "no diod"
	[[ ,$V9FS_OPTS, == *,trans=virtio,* ]] || skip_all "not a virtio mount"
	_DIOD_W=$(mktemp -d "/run/v9fs-$1.XXXXXX") || skip_all "no scratch directory"
	trap _diod_scratch_end EXIT
	mkdir "$_DIOD_W/exp" "$_DIOD_W/mnt"
	mount -t tmpfs -o size=16m tmpfs "$_DIOD_W/exp" || skip_all "no tmpfs"
	diod -f -n -e "$_DIOD_W/exp" -l "$_DIOD_W/sock" -L "$_DIOD_W/diod.log" &
	_DIOD_PID=$!
	for _ in $(seq 100); do
		[[ -S $_DIOD_W/sock ]] && break
		sleep 0.2
	done
	opts=$(sed 's/\(^\|,\)trans=virtio\(,\|$\)/\1trans=unix\2/' <<<"$V9FS_OPTS")
	if ! mount -t 9p -o "$opts,aname=$_DIOD_W/exp" "$_DIOD_W/sock" "$_DIOD_W/mnt"; then
		sed 's/^/# diod: /' "$_DIOD_W/diod.log" 2>/dev/null
		echo "Bail out! cannot mount diod's export (-o $opts)"
		exit $KSFT_FAIL
	fi
	ktap_note "diod serves a tmpfs of this guest, mounted -o $opts"
	DIOD_EXP=$_DIOD_W/exp
	DIOD_MNT=$_DIOD_W/mnt
}
_diod_scratch_end() {
	cd /
	umount "$_DIOD_W/mnt" 2>/dev/null || umount -l "$_DIOD_W/mnt" 2>/dev/null
	kill "$_DIOD_PID" 2>/dev/null && wait "$_DIOD_PID" 2>/dev/null
	umount "$_DIOD_W/exp" 2>/dev/null
	rm -rf "$_DIOD_W"
}
