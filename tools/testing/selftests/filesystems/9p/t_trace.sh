#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# v9fs-ng's trace events (trace system v9fs_ng): a known sequence of
# operations shows up as request submit/done pairs with the right message
# types, and as fid create/clunk events. The kernel's own client has
# other events, so this test is v9fs-ng's only.
. "$(dirname "$0")/lib.sh"

[[ $V9FS_CLIENT == ng ]] || skip_all "v9fs-ng's trace events (client $V9FS_CLIENT)"

T=/sys/kernel/tracing
if [[ ! -d $T/events ]]; then
	mount -t tracefs nodev "$T" 2>/dev/null ||
		skip_all "no tracefs"
fi
[[ -d $T/events/v9fs_ng ]] || skip_all "no v9fs_ng events (9pnet loaded?)"

ktap_plan 6

echo 0 >"$T/tracing_on"
echo >"$T/trace"
echo 1 >"$T/events/v9fs_ng/enable"
echo 1 >"$T/tracing_on"

echo hello >f
cat f >/dev/null
stat f >/dev/null
rm f
sleep 1		# clunks of closed files finish in the background

echo 0 >"$T/tracing_on"
echo 0 >"$T/events/v9fs_ng/enable"
trace=$(grep -E 'v9fs_ng_' "$T/trace")
echo >"$T/trace"

count() { grep -c "$1" <<<"$trace" || true; }
submits=$(count 'v9fs_ng_req_submit:')
dones=$(count 'v9fs_ng_req_done:')
ktap_note "$submits submitted, $dones done"

check "requests were traced" test "$submits" -ge 4
check_eq "every submitted request completed" "$dones" "$submits"
# message types (decimal): Tlcreate 14, Tunlinkat 76, Tclunk 120
check "a Tlcreate (or Tcreate) was traced" \
	grep -qE 'v9fs_ng_req_submit: .* type (14|114) ' <<<"$trace"
check "a Tunlinkat (or Tremove) was traced" \
	grep -qE 'v9fs_ng_req_submit: .* type (76|122) ' <<<"$trace"
check "fids were created" test "$(count 'v9fs_ng_fid_create:')" -ge 1
check "fids were clunked" test "$(count 'v9fs_ng_fid_clunk:')" -ge 1
ktap_finish
