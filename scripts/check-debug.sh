#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-debug.sh (make check-debug): make check's guest suite on the debug
# kernel (tools/testing/vm/debug-kernel: KASAN, lockdep, DEBUG_ATOMIC_SLEEP,
# kmemleak, debugobjects, SLUB debugging, fault injection), plus a
# fault-injection pass. Slow: not part of make check.
#
#   modload      our modules (built against the debug kernel in
#                build/debug/ng) load, are ours, and unload
#   kclient      the client core from a test module
#   fd           tcp, unix and fd transports, every fault of the test server
#   rdma         soft-RoCE (rdma_rxe is built into the debug kernel)
#   suite:*      every line of tools/testing/vm/suites.conf, one boot
#                per line (SUITE_SPLIT=1: steps suite:ng/1 ... suite:ng/6,
#                suite:kernel/0; CHECK_ONLY=suite:ng runs all of ng's)
#   fault-inject tools/testing/vm/tests/fault-inject.sh
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
# Environment: CHECK_ONLY as in check.sh (default: the steps above);
# V9FS_DEBUG_SLOWDOWN (4) multiplies every guest's time limit;
# V9FS_TEST_TIMEOUT per selftest (1200).

set -euo pipefail
PROJECT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$PROJECT"
BK=$PROJECT/tools/testing/vm/debug-kernel/build.sh

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

export V9FS_KERNEL=debug
export CHECK_RES=${CHECK_RES:-$PROJECT/build/check-debug}
export CHECK_LOG_PREFIX=${CHECK_LOG_PREFIX:-check-debug}
export CHECK_ONLY=${CHECK_ONLY:-modload kclient fd rdma suite:* fault-inject}
export V9FS_TEST_TIMEOUT=${V9FS_TEST_TIMEOUT:-1200}
# a debug guest is several times slower: all of ng's configurations in
# one boot would run for hours, and one failure would lose them all
export SUITE_SPLIT=${SUITE_SPLIT:-1}
rc=0
"$PROJECT/scripts/check.sh" && rc=0 || rc=$?
exit $rc
