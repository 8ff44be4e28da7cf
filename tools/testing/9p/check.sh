#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the codec's tests and print one summary line, "N passed, N failed".
#
#   check.sh BUILD_DIR FUZZ_SECONDS [HARNESS...]
#
# Every TAP "ok"/"not ok" line of the unit tests counts once, for the plain
# and for the sanitized build; a unit binary that dies without saying
# "not ok" counts as one more failure.  Each fuzzer then runs for an equal
# share of FUZZ_SECONDS on a scratch copy of its committed seed corpus and
# counts as one test: passed if it ends without a finding.
set -u
B=$1
FUZZ_TIME=$2
shift 2
passed=0
failed=0

run_unit() {
	name=$1
	log=$B/$name.log
	"$B/$name" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	grep '^not ok ' "$log"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$name: exited with status $rc:"
		tail -n 20 "$log"
		f=1
	fi
	echo "$name: $p passed, $f failed (log: $log)"
	passed=$((passed + p))
	failed=$((failed + f))
}

run_unit unit
run_unit unit-san

if [ $# -gt 0 ] && [ "$FUZZ_TIME" -gt 0 ]; then
	per=$((FUZZ_TIME / $#))
	[ "$per" -ge 1 ] || per=1
	for h in "$@"; do
		log=$B/fuzz_$h.log
		mkdir -p "$B/corpus/$h" "$B/artifacts"
		"$B/fuzz_$h" -max_total_time="$per" -max_len=8192 \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="$B/artifacts/$h-" \
			"$B/corpus/$h" "fuzz/corpus/$h" >"$log" 2>&1
		rc=$?
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		if [ "$rc" -eq 0 ]; then
			echo "fuzz_$h: ok, ${runs:-?} runs in ${per}s"
			passed=$((passed + 1))
		else
			echo "fuzz_$h: FAILED (status $rc), see $log:"
			grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -n 5
			failed=$((failed + 1))
		fi
	done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
