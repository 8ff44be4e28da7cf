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
trap 'rm -f "$src"; writer_end; restore_vm' EXIT
ktap_plan 12

# writer_start FILE: a writer process (wpid) opens FILE, writes $src
# to it and keeps it open until writer_end. Every close of a file
# descriptor, in any process, runs ->flush, which writes back in the
# close-to-open modes: so neither this shell nor any of its children
# may hold FILE open, or their exits would write the pages back before
# the write-back under test; the writer, blocked on its stdin (the
# pipe on fd $hold), closes FILE only when that pipe closes.
hold= wpid=
writer_start() {
	exec {hold}> >(exec cat "$src" - >"$1")
	wpid=$!
}
# writer_wait BYTES: until the writer's file position is BYTES
writer_wait() {
	local k v tries=0
	while ((tries < 1200)); do
		while read -r k v; do
			[[ $k == pos: && $v == "$1" ]] && return 0
		done <"/proc/$wpid/fdinfo/1" 2>/dev/null
		kill -0 "$wpid" 2>/dev/null || return 1
		sleep 0.1
		tries=$((tries + 1))
	done
	return 1
}
# writer_end: close its stdin; it closes FILE and exits (its status)
writer_end() {
	[[ -n $hold ]] || return 0
	exec {hold}>&-
	hold=
	wait "$wpid"
}

# killed_writeback NAME CMD...: dirty MIB MiB of file NAME (the writer
# holds it open, so nothing writes them back yet), run CMD (which makes
# the kernel write NAME back) and SIGKILL it while it is at it; then a
# second fsync by another process must succeed, the writer's close too,
# and the data read back after the page cache is dropped must be what
# was written.
killed_writeback() {
	local f=$1 want pid pst st tries=0 got dirty
	shift
	while :; do
		head -c $((MIB << 20)) /dev/urandom >"$src"
		want=$(sha256sum <"$src")
		writer_start "$f"
		if ! writer_wait $((MIB << 20)); then
			ktap_note "the writer did not write $MIB MiB"
			writer_end
			return 2
		fi
		dirty=$(awk '/^(Dirty|Writeback):/ { kb += $2 } END { print int(kb / 1024) }' /proc/meminfo)
		ktap_note "$(grep -E "^(Dirty|Writeback):" /proc/meminfo | tr -s " \n" " ")"
		# the pipe to the writer is not CMD's to hold
		"$@" >/dev/null {hold}>&- &
		pid=$!
		# kill it once it waits in the kernel (D: writing back); read
		# by the shell itself, a fork per look could miss a short D
		while read -r _ _ pst _ <"/proc/$pid/stat" 2>/dev/null && [[ $pst == [RS] ]]; do
			:
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		st=$?
		# 137: killed; 0: it finished before the kill (try again)
		((st == 137)) && break
		writer_end
		tries=$((tries + 1))
		if ((tries == 4)); then
			ktap_note "'$*' always finished before SIGKILL"
			return 1
		fi
		rm -f "$f"
	done
	ktap_note "'$*' killed while in the kernel"
	# what was dirty then (this file's pages, and whatever else is): a
	# new mount's bdi has earned little of the dirty limit yet, and the
	# flusher may have sent part of the file already, but not all of it
	if ((dirty >= MIB / 16)); then
		ktap_ok "$f: dirty before the write-back (${dirty} MiB of $MIB)"
	else
		ktap_fail "$f: dirty before the write-back" "${dirty} MiB dirty or under write-back, want at least $((MIB / 16)) of $MIB"
	fi
	check "$f: fsync by another process after the kill" sync "$f"
	writer_end && st=0 || st=$?
	check_eq "$f: the writer's close after the kill" "exit $st" "exit 0"
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
killed_writeback fsynced sync fsynced && rc=0 || rc=$?
case $rc in
0) ktap_ok "fsync killed midway" ;;
1) ktap_fail "fsync killed midway" "could not kill it in time" ;;
*) ktap_fail "fsync killed midway" "the writer did not get its data written" ;;
esac

# 2. Another process's stat(2) runs the write-back and is killed.
killed_writeback statted stat statted && rc=0 || rc=$?
case $rc in
0) ktap_ok "stat killed midway" ;;
1) ktap_skip "stat killed midway" "stat does not write back here" ;;
*) ktap_fail "stat killed midway" "the writer did not get its data written" ;;
esac
ktap_finish
