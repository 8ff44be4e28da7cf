#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# v9fs-ng's trace events (trace system v9fs_ng): a known sequence of
# operations shows up as request submit/done pairs with the right message
# types, fids, sizes and latencies, and as fid create/clunk events. The kernel's own client has
# other events, so this test is v9fs-ng's only.
. "$(dirname "$0")/lib.sh"

[[ $V9FS_CLIENT == ng ]] || skip_all "v9fs-ng's trace events (client $V9FS_CLIENT)"

T=/sys/kernel/tracing
if [[ ! -d $T/events ]]; then
	mount -t tracefs nodev "$T" 2>/dev/null ||
		skip_all "no tracefs"
fi
[[ -d $T/events/v9fs_ng ]] || skip_all "no v9fs_ng events (9pnet loaded?)"

ktap_plan 13

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
# message types print by name
check "a Tlcreate (or Tcreate) was traced" \
	grep -qE 'v9fs_ng_req_submit: .* type (Tlcreate|Tcreate) ' <<<"$trace"
check "a Tunlinkat (or Tremove) was traced" \
	grep -qE 'v9fs_ng_req_submit: .* type (Tunlinkat|Tremove) ' <<<"$trace"
check "fids were created" test "$(count 'v9fs_ng_fid_create:')" -ge 1
check "fids were clunked" test "$(count 'v9fs_ng_fid_clunk:')" -ge 1

# The fields: submit "client C session M tag T type Y fid F size S", done
# "client C session M tag T type Y fid F status E rtype R size S
# latency_ns L" (C the channel, M the mount's session on it).
N='[0-9]+'
TN='T[a-z]+'
RN='(R[a-z]+|none)'
check_eq "every submit line has session, tag, type, fid and size" \
	"$(grep -cE "v9fs_ng_req_submit: client $N session $N tag $N type $TN fid $N size $N\$" <<<"$trace" || true)" "$submits"
check_eq "every done line has session, fid, status, rtype, size and latency" \
	"$(grep -cE "v9fs_ng_req_done: client $N session $N tag $N type $TN fid $N status -?$N rtype $RN size $N latency_ns $N\$" <<<"$trace" || true)" "$dones"
# Pair each done with the submit before it of the same client and tag: same
# type and fid; a reply (status 0) has rtype Rfoo for type Tfoo, or Rlerror
# / Rerror, and a latency above 0.
pairs=$(awk '
	function f(k) { for (i = 1; i < NF; i++) if ($i == k) return $(i + 1) }
	/v9fs_ng_req_submit:/ { s[f("client") " " f("tag")] = f("type") " " f("fid"); next }
	/v9fs_ng_req_done:/ {
		k = f("client") " " f("tag")
		if (!(k in s)) { print "done without submit: " $0; next }
		if (s[k] != f("type") " " f("fid")) print "type/fid differ: " s[k] " vs " $0
		r = f("rtype")
		if (f("status") == 0 && r != "R" substr(f("type"), 2) &&
		    r != "Rlerror" && r != "Rerror")
			print "bad rtype: " $0
		if (f("status") == 0 && f("latency_ns") <= 0) print "no latency: " $0
		delete s[k]
	}' <<<"$trace")
check_eq "done events match their submits (type, fid, rtype, latency)" "$pairs" ""
# "hello\n" is 6 bytes: Twrite = 23 + 6 bytes out, Rwrite 11 in; Rread of
# it 11 + 6 in.
check "the Twrite of 6 bytes: size 29 submitted, Rwrite of 11" \
	grep -qE "v9fs_ng_req_done: .* type Twrite fid $N status 0 rtype Rwrite size 11 " <<<"$trace"
check "the Twrite's submit has size 29" \
	grep -qE "v9fs_ng_req_submit: .* type Twrite fid $N size 29\$" <<<"$trace"
check "the Tread returned 6 bytes: Rread of 17" \
	grep -qE "v9fs_ng_req_done: .* type Tread fid $N status 0 rtype Rread size 17 " <<<"$trace"
# The Twrite's fid was created and clunked in the trace; a Tclunk names
# the same fid as the fid_clunk event before it.
wfid=$(awk '/v9fs_ng_req_submit: .* type Twrite / { for (i = 1; i < NF; i++) if ($i == "fid") { print $(i + 1); exit } }' <<<"$trace")
fid_life() {
	[[ -n $wfid ]] &&
		grep -qE "v9fs_ng_fid_create: client $N fid $wfid\$" <<<"$trace" &&
		grep -qE "v9fs_ng_fid_clunk: client $N fid $wfid\$" <<<"$trace" &&
		grep -qE "v9fs_ng_req_submit: .* type Tclunk fid $wfid size 11\$" <<<"$trace"
}
check "the written fid ($wfid) was created, clunk-traced and Tclunk'ed" fid_life
ktap_finish
