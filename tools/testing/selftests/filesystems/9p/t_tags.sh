#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# More requests than free tags: a system call waits for a tag to come
# back instead of failing with EAGAIN, and the Tclunks and Tflushes that
# close(2) and a given-up request send in the background wait too,
# rather than being dropped. A client used to fail every request it could
# not give a tag at once (EAGAIN from read(2), write(2), open(2)).
#
# The 16-bit tag space is cut down with v9fs-ng's test hook (the 9pnet
# module's test_max_tags parameter), so only v9fs-ng runs this. Twelve
# workers write, read back, stat and remove files of their own through
# two tags; every operation must succeed and every byte come back, and
# the mount's statistics must show that callers did wait for tags.
. "$(dirname "$0")/lib.sh"

test_hook test_max_tags 9pnet
ktap_plan 4

# tag_waits summed over this mount's clients (mountstats shows one)
tag_waits() {
	awk -v m="$(realpath "$V9FS_MNT")" '
		$1 == "device" { on = $5 == m }
		on && $1 == "tag_waits:" { n += $2 }
		END { print n + 0 }' /proc/self/mountstats
}

worker() {
	local i=$1 n f=w$1 data=$SRC/$1
	head -c 49152 /dev/urandom >"$data" || return 1
	for n in $(seq 15); do
		cat "$data" >"$f" || { echo "# worker $i: write $n failed"; return 1; }
		cmp -s "$data" "$f" || { echo "# worker $i: read back $n differs"; return 1; }
		stat -c %s "$f" >/dev/null || { echo "# worker $i: stat $n failed"; return 1; }
		rm "$f" || { echo "# worker $i: rm $n failed"; return 1; }
	done
}

SRC=$(mktemp -d /run/t_tags.XXXXXX) || exit $KSFT_FAIL
trap 'echo 0 >"$HOOK"; rm -rf "$SRC"' EXIT
w0=$(tag_waits)
echo 2 >"$HOOK"
pids=()
for i in $(seq 12); do
	worker "$i" >"err.$i" 2>&1 &
	pids+=($!)
done
bad=0
for p in "${pids[@]}"; do
	wait "$p" || bad=$((bad + 1))
done
echo 0 >"$HOOK"
cat err.* | head -n 20 | sed "s/^/# /"
check_eq "every worker's operations succeed on two tags" "$bad" 0
check_eq "no EAGAIN reached a caller" "$(cat err.* | grep -c 'temporarily unavailable')" 0
w1=$(tag_waits)
ktap_note "callers waited for a tag $((w1 - w0)) times"
check "callers waited for a tag" test "$((w1 - w0))" -gt 0
check_eq "every file removed" "$(find . -name 'w*' | wc -l)" 0
rm -f err.*
ktap_finish
