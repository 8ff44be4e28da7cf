#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Write-back killed midway loses nothing: a file's dirty pages are written
# back by whoever asks (an fsync, another process's stat); SIGKILL that
# process while the data is on its way and the pages it had not sent yet
# must stay dirty and reach the server later, and no one else's fsync may
# report the killed task's EINTR. Meaningful in the write-caching modes
# (loose, writeback, fscache, mmap); elsewhere there is nothing dirty.
. "$(dirname "$0")/lib.sh"

case ${V9FS_CACHE:-none} in
loose | writeback | fscache | mmap) ;;
*) skip_all "cache=${V9FS_CACHE:-none} does not cache writes" ;;
esac

MIB=${V9FS_WBKILL_MIB:-64}
src=/run/t_wbkill.$$
# The dirty pages must still be dirty when the write-back under test
# starts: keep the flusher off them (a guest whose memory earlier tests
# filled has a low background threshold, and then nothing is left to kill).
vm=/proc/sys/vm
saved=$(cat $vm/dirty_ratio $vm/dirty_background_ratio $vm/dirty_expire_centisecs 2>/dev/null | tr '\n' ' ')
restore_vm() {
	read -r r b e <<<"$saved"
	[[ -n $e ]] && { echo "$r" >$vm/dirty_ratio; echo "$b" >$vm/dirty_background_ratio; echo "$e" >$vm/dirty_expire_centisecs; }
}
echo 90 >$vm/dirty_ratio 2>/dev/null
echo 80 >$vm/dirty_background_ratio 2>/dev/null
echo 360000 >$vm/dirty_expire_centisecs 2>/dev/null
trap 'rm -f "$src"; restore_vm' EXIT
ktap_plan 8

# killed_writeback NAME CMD...: dirty MIB MiB of file NAME, run CMD (which
# makes the kernel write NAME back) and SIGKILL it while it is at it;
# then a second fsync by another process must succeed, and the data read
# back after the page cache is dropped must be what was written.
killed_writeback() {
	local f=$1 want pid st tries=0 got
	shift
	while :; do
		# fd 3 holds the file open: no close-to-open write-back yet
		# (any close of it writes back), the data comes from $src
		head -c $((MIB << 20)) /dev/urandom >"$src"
		want=$(sha256sum <"$src")
		exec 3>"$f"
		cat "$src" >&3
		ktap_note "$(grep -E "^(Dirty|Writeback):" /proc/meminfo | tr -s " \n" " ")"
		"$@" >/dev/null &
		pid=$!
		# kill it once it waits in the kernel (D: writing back)
		while [[ $(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) == [RS] ]]; do
			:
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		st=$?
		exec 3>&-
		# 137: killed; 0: it finished before the kill (try again)
		((st == 137)) && break
		tries=$((tries + 1))
		if ((tries == 4)); then
			ktap_note "'$*' always finished before SIGKILL"
			return 1
		fi
		rm -f "$f"
	done
	ktap_note "'$*' killed while in the kernel"
	check "$f: fsync by another process after the kill" sync "$f"
	sync
	echo 3 >/proc/sys/vm/drop_caches
	got=$(sha256sum <"$f")
	check_eq "$f: data read back after drop_caches" "$got" "$want"
	if [[ -n $V9FS_HOSTDIR && -d $V9FS_HOSTDIR ]]; then
		got=$(sha256sum <"$V9FS_HOSTDIR/$f")
		check_eq "$f: data on the host" "$got" "$want"
	else
		ktap_skip "$f: data on the host" "no V9FS_HOSTDIR"
	fi
	return 0
}

# 1. The fsyncing process itself is killed.
if killed_writeback fsynced sync fsynced; then
	ktap_ok "fsync killed midway"
else
	ktap_fail "fsync killed midway" "could not kill it in time"
fi

# 2. Another process's stat(2) runs the write-back and is killed.
if killed_writeback statted stat statted; then
	ktap_ok "stat killed midway"
else
	ktap_skip "stat killed midway" "stat does not write back here"
fi
ktap_finish
