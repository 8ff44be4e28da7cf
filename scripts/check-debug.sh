#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-debug.sh (make check-debug): make check's guest suite on the debug
# kernel (tools/testing/vm/debug-kernel: KASAN, lockdep, DEBUG_ATOMIC_SLEEP,
# kmemleak, debugobjects, SLUB debugging, fault injection), plus a
# fault-injection pass. Slow: not part of make check. Its steps are those
# of scripts/steps.conf flagged debug or debug-only:
#
#   modload      our modules (built against the debug kernel in
#                build/debug/ng) load, are ours, and unload
#   kclient      the client core from a test module
#   virtio       the virtio transport: a full ring, give-ups, the driver
#                unbound and the device removed under load (KASAN sees
#                a use of a freed virtqueue there)
#   fd           tcp, unix and fd transports, every fault of the test server
#   rdma         soft-RoCE, v9fs-ng's 9pnet_rdma
#   suite:ng/N   line N of tools/testing/vm/suites.conf (lines count from
#                0), one boot each
#   fault-inject tools/testing/vm/tests/fault-inject.sh
#
# Each step is one scripts/check.sh run (CHECK_ONLY=step, scratch in
# build/check-debug/STEP, guest logs build/logs/check-debug-STEP*), and
# CHECK_JOBS (3) of them run at once, longest expected first: the steps
# add up to about 4.5 hours of guest time, one after another.
#
# Linux's own 9p client (suites.conf's kernel lines, the rdma step's
# kernel half) is not run on the debug kernel by default: what the
# checkers would find there is the reference's, not ours (its 9pnet_rdma
# hangs and warns at unload). V9DBG_KERNEL_CLIENT=1 adds it.
#
# Every boot is scanned like make check's (oops, BUG, WARNING, lockdep,
# KASAN, "sleeping function called from invalid context", debugobjects,
# hung tasks, ...), and at its end the guest unloads the 9p modules and
# has kmemleak scan twice: a leaked object allocated from a 9p module
# fails the boot (vm-run --kernel debug). The last line is
# "N passed, N failed, N skipped".
#
# The debug kernel is built first if this machine has none cached yet
# (tools/testing/vm/debug-kernel/build.sh: about 10 minutes on an idle
# 2-core machine, once per machine); V9DBG_BUILD=0 fails instead.
# Environment: CHECK_ONLY, globs over the step names above (suite:kernel/N
# included); CHECK_JOBS; V9FS_DEBUG_SLOWDOWN (4) multiplies every
# guest's time limit; V9FS_TEST_TIMEOUT per selftest (1200).

set -euo pipefail
PROJECT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$PROJECT"
BK=$PROJECT/tools/testing/vm/debug-kernel/build.sh
SUITES=${SUITES:-$PROJECT/tools/testing/vm/suites.conf}
RESBASE=${CHECK_RES:-$PROJECT/build/check-debug}
LPBASE=${CHECK_LOG_PREFIX:-check-debug}
JOBS=${CHECK_JOBS:-3}
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || { echo "check-debug: CHECK_JOBS must be a positive integer" >&2; exit 2; }

start=$(date +%s)
"$PROJECT/scripts/setup.sh" --quiet
if [[ ${V9DBG_BUILD:-1} == 1 ]] && ! "$BK" --print >/dev/null 2>&1; then
	t0=$(date +%s)
	"$BK" >/dev/null || true
	echo "# debug kernel built in $(($(date +%s) - t0))s"
fi
if ! paths=$("$BK" --print); then
	echo "check-debug: the debug kernel is not built: see $BK"
	echo "FAIL debug-kernel (not built)"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
echo "# debug kernel: $(sed -n 's/^V9DBG_KERNEL_IMAGE=//p' <<<"$paths")"

export V9FS_KERNEL=debug SUITES
export V9FS_TEST_TIMEOUT=${V9FS_TEST_TIMEOUT:-1200}
# a debug guest is several times slower: one boot per line of suites.conf
export SUITE_SPLIT=1
if [[ ${V9DBG_KERNEL_CLIENT:-0} == 1 || -n ${CHECK_ONLY:-} ]]; then
	export RDMA_MODS=${RDMA_MODS:-ng kernel}
else
	export RDMA_MODS=${RDMA_MODS:-ng}
fi

# ---- the steps, with their expected minutes (a 3-stream run of the debug
# kernel, 2 cores) for the order: the longest first keeps the streams even
declare -A minutes=([fd]=63 [rdma]=42 [fault-inject]=28 [virtio]=25 [modload]=3 [kclient]=3)
# The steps: those of scripts/steps.conf flagged debug or debug-only, in
# its order, suite:MODS as one step per line of suites.conf.
suite_steps=()
i=0
while read -r mods cache rest; do
	[[ -z ${mods:-} ]] && continue
	suite_steps+=("suite:$mods/$i")
	# cache=none runs the most tests; Linux's client line all of its own
	if [[ $mods == kernel ]]; then
		minutes[suite:$mods/$i]=60
	elif [[ $cache == none && $i == 1 ]]; then
		minutes[suite:$mods/$i]=50
	else
		minutes[suite:$mods/$i]=15
	fi
	i=$((i + 1))
done < <(sed -e 's/#.*//' "$SUITES" | awk 'NF { print $1, $3 }')
all=()
for s in $("$PROJECT/scripts/steps.sh" --flag debug --flag debug-only --names); do
	if [[ $s == suite:MODS ]]; then
		all+=("${suite_steps[@]}")
	else
		all+=("$s")
	fi
done

steps=()
for s in "${all[@]}"; do
	if [[ -n ${CHECK_ONLY:-} ]]; then
		ok=0
		for g in $CHECK_ONLY; do
			# shellcheck disable=SC2053
			[[ $s == $g ]] && ok=1
		done
		[[ $ok == 1 ]] || continue
	elif [[ $s == suite:kernel/* && ${V9DBG_KERNEL_CLIENT:-0} != 1 ]]; then
		continue
	fi
	steps+=("$s")
done
if [[ ${#steps[@]} == 0 ]]; then
	echo "check-debug: no step matches CHECK_ONLY='${CHECK_ONLY:-}' (steps: ${all[*]})"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
mapfile -t steps < <(for s in "${steps[@]}"; do echo "${minutes[$s]:-10} $s"; done |
	sort -s -k1,1nr | cut -d' ' -f2)
echo "# ${#steps[@]} steps, $JOBS at a time: ${steps[*]}"

# Build once here, so that the streams' check.sh find everything made.
make -C "$PROJECT" >/dev/null 2>&1 || true
make -C tools/testing/selftests/filesystems/9p OUTPUT="$PROJECT/build/selftests/9p" >/dev/null 2>&1 || true

rm -rf "$RESBASE"
mkdir -p "$RESBASE"
echo 0 >"$RESBASE/next"

# next_step: the next step of the queue, or nothing left (status 1)
next_step() {
	(
		flock 9
		n=$(<"$RESBASE/next")
		((n < ${#steps[@]})) || exit 1
		echo $((n + 1)) >"$RESBASE/next"
		echo "${steps[$n]}"
	) 9>"$RESBASE/queue.lock"
}

worker() {
	local w=$1 step safe t0 rc
	while step=$(next_step); do
		safe=${step//[:\/]/-}
		t0=$(date +%s)
		CHECK_ONLY=$step CHECK_RES=$RESBASE/$safe CHECK_LOG_PREFIX=$LPBASE \
			"$PROJECT/scripts/check.sh" >"$RESBASE/$safe.txt" 2>&1 && rc=0 || rc=$?
		(
			flock 9
			echo "## $step (stream $w): $(($(date +%s) - t0))s, exit $rc"
			grep -vE '^[0-9]+ passed, [0-9]+ failed' "$RESBASE/$safe.txt" || true
		) 9>"$RESBASE/out.lock"
	done
}

pids=()
for ((w = 1; w <= JOBS; w++)); do
	worker "$w" &
	pids+=($!)
	# the first boots all build v9fs-ng for the debug kernel: stagger them
	sleep 5
done
for p in "${pids[@]}"; do
	wait "$p" || true
done

# Totals: every step's own last line; a step without one failed.
np=0 nf=0 ns=0
failed=()
for s in "${steps[@]}"; do
	f=$RESBASE/${s//[:\/]/-}.txt
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$f" 2>/dev/null | tail -n 1 || true)
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)? ]]; then
		np=$((np + BASH_REMATCH[1]))
		nf=$((nf + BASH_REMATCH[2]))
		ns=$((ns + ${BASH_REMATCH[4]:-0}))
		[[ ${BASH_REMATCH[2]} == 0 ]] || failed+=("$s")
	else
		echo "FAIL $s (no result: see $f)"
		nf=$((nf + 1))
		failed+=("$s")
	fi
done
echo "# check-debug: $(($(date +%s) - start))s${failed:+; failed: ${failed[*]}}"
echo "$np passed, $nf failed, $ns skipped"
[[ $nf == 0 ]]
