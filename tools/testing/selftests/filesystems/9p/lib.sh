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
