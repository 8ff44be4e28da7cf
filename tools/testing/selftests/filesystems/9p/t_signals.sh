#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Readers and writers killed in the middle of their I/O (SIGINT and
# SIGKILL, in a loop) leave no fid or request behind, nothing hangs, and
# the mount keeps working. The counters are v9fs-ng's debugfs files
# (/sys/kernel/debug/9pnet/*/{fids,requests}); with another client the
# leak check is skipped but the rest still runs.
. "$(dirname "$0")/lib.sh"

# On the debug kernel (V9FS_SLOWDOWN > 1) a fork and exec takes seconds
# and one round about two minutes: fewer rounds, both signals still.
ROUNDS=15
((${V9FS_SLOWDOWN:-1} > 1)) && ROUNDS=4
ROUNDS=${V9FS_SIGNAL_ROUNDS:-$ROUNDS}
ktap_plan 5

dbg=/sys/kernel/debug/9pnet
if [[ $V9FS_CLIENT == ng ]] && ! mountpoint -q /sys/kernel/debug; then
	mount -t debugfs none /sys/kernel/debug 2>/dev/null
fi

# sum FILE: the sum of one counter over every client (all mounts)
sum() {
	local f n=0 v
	for f in "$dbg"/*/"$1"; do
		[[ -r $f ]] || continue
		read -r v <"$f" && n=$((n + v))
	done
	echo "$n"
}

# alive PID: running or asleep (a zombie has finished its I/O)
alive() {
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[[ -n $st && $st != Z && $st != X ]]
}

have_counters=0
[[ $V9FS_CLIENT == ng && -d $dbg ]] && have_counters=1

dd if=/dev/urandom of=big bs=1M count=16 status=none
want=$(sha256sum <big)
check "16 MiB file written" test "$(stat -c %s big)" = 16777216

# Settle, then take the baseline: fids held by the mounts themselves.
sync
sleep 1
base_fids=$(sum fids)

hung=0
for ((r = 0; r < ROUNDS; r++)); do
	pids=()
	# background jobs start with SIGINT ignored: give it back to the I/O
	for ((i = 0; i < 3; i++)); do
		(while :; do env --default-signal=INT cat big >/dev/null; done) &
		pids+=($!)
	done
	(while :; do env --default-signal=INT dd if=/dev/zero of="w$r" bs=256k count=16 status=none; done) &
	pids+=($!)
	sleep 0.3
	if ((r % 2)); then sig=INT; else sig=KILL; fi
	# stop the loops, then signal the I/O they are in the middle of
	kids=()
	for p in "${pids[@]}"; do
		kids+=($(pgrep -P "$p"))
		kill -STOP "$p" 2>/dev/null
	done
	for k in "${kids[@]}"; do
		kill -"$sig" "$k" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	pids+=("${kids[@]}")
	for p in "${pids[@]}"; do
		# a killed reader must exit promptly, whatever the server does
		for ((t = 0; t < 100; t++)); do
			alive "$p" || break
			sleep 0.1
		done
		if alive "$p"; then
			hung=1
			kill -KILL "$p" 2>/dev/null
		fi
		wait "$p" 2>/dev/null
	done
done 2>/dev/null
check_eq "every killed process exited within 10 s" "$hung" 0

# Flushes and clunks complete in the background: give them a moment.
leak=unknown
if ((have_counters)); then
	for ((t = 0; t < 100; t++)); do
		if [[ $(sum requests) == 0 && $(sum fids) == "$base_fids" ]]; then
			leak=none
			break
		fi
		sleep 0.1
	done
	[[ $leak == none ]] || leak="requests=$(sum requests) fids=$(sum fids) (baseline $base_fids)"
	check_eq "no fid or request left behind" "$leak" none
else
	ktap_skip "no fid or request left behind" "counters are v9fs-ng's (client $V9FS_CLIENT)"
fi

check_eq "the file reads back intact" "$(sha256sum <big)" "$want"
rm -f big w*
check "the directory is usable afterwards" bash -c 'echo x >after && [[ $(cat after) == x ]] && rm after'
ktap_finish
