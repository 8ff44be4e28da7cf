#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per-mount statistics in /proc/self/mountstats: a known sequence of
# operations (create and write N bytes in one write, read them back in one
# read, stat, unlink, stat a missing name) moves the per-message-type
# counters by what that sequence must send: exactly where the protocol
# fixes it (one create, one write of N bytes, one read, one unlink, one
# failed walk, the bytes of Twrite/Rwrite and Tread/Rread), at least or at
# most where the VFS may vary (lookups and attribute requests). The
# connection lines (msize, dialect, transport, cache) must match the mount
# options, the totals the sum of the per-type lines, and a second mount of
# the same export must not move. Counts are exact only without caching, so
# this runs on cache=none. The kernel's own 9p has no mountstats: skip.
. "$(dirname "$0")/lib.sh"

N=5000		# one Twrite/Tread: below every msize the suite uses
MNT=$(realpath "$V9FS_MNT")
MNT2=
[[ -n ${V9FS_MNT2:-} ]] && MNT2=$(realpath "$V9FS_MNT2")

# Everything below is plain bash: a fork and exec per lookup would make
# this test slow in TCG guests.
#
# snap NAME [MNT]: read the mountstats stanza of MNT (default: ours) into
# the associative arrays NAME_k ("key: value" -> value, "" for none) and
# NAME_t (message type -> "count errors bytes_sent bytes_received
# latency_total_ns latency_max_ns"); NAME_k[statvers] is set from the
# "device" line (empty: no 9p statistics).
# shellcheck disable=SC2004,SC2154 # _k and _t name associative arrays
snap() {
	local -n _k=${1}_k _t=${1}_t
	local line k v mp fs rest in=0
	_k=() _t=()
	while IFS= read -r line; do
		if [[ $line == device\ * ]]; then
			read -r _ _ _ _ mp _ _ fs rest <<<"$line"
			in=0
			if [[ $mp == "${2:-$MNT}" && $fs == 9p ]]; then
				in=1
				[[ $rest == *statvers=* ]] && _k[statvers]=${rest##*statvers=}
			fi
			continue
		fi
		((in)) || continue
		read -r k v <<<"$line"
		k=${k%:}
		if [[ $k =~ ^T[a-z]+$ ]]; then
			_t[$k]=$v
		else
			_k[$k]=${v%% *}
		fi
	done </proc/self/mountstats
}
# (filled through namerefs, which shellcheck does not follow)
# shellcheck disable=SC2034
declare -A first_k first_t b_k b_t a_k a_t m2a_k m2a_t m2b_k m2b_t
declare -A D1 D2 D3 D4 D5

# deltas OLD NEW: D1..D5[type] = the change of field 1..5 from OLD to NEW
deltas() {
	local -n _o=${1}_t _n=${2}_t
	local t
	local -a x y
	D1=() D2=() D3=() D4=() D5=()
	for t in "${!_n[@]}"; do
		read -r -a x <<<"${_n[$t]}"
		read -r -a y <<<"${_o[$t]:-0 0 0 0 0 0}"
		D1[$t]=$((x[0] - y[0]))
		D2[$t]=$((x[1] - y[1]))
		D3[$t]=$((x[2] - y[2]))
		D4[$t]=$((x[3] - y[3]))
		D5[$t]=$((x[4] - y[4]))
	done
}

# settle NAME: wait until nothing is in flight (clunks of closed files are
# sent in the background), then snapshot into NAME
settle() {
	local i
	for ((i = 0; i < 100; i++)); do
		snap "$1"
		local -n _in=${1}_k
		# no statistics (not v9fs-ng): nothing to wait for
		[[ -z ${_in[statvers]:-} || ${_in[inflight]:-} == 0 ]] && return
		sleep 0.1
	done
}
# phase NAME CMD...: run CMD between snapshots b_ and a_, then D1..D5
phase() {
	local name=$1 t note=
	shift
	settle b
	"$@" || ktap_note "$name: '$*' failed"
	settle a
	deltas b a
	for t in "${!D1[@]}"; do
		((D1[$t] || D2[$t])) || continue
		note+=" $t:${D1[$t]}"
		((D2[$t])) && note+="(${D2[$t]} errors)"
	done
	ktap_note "$name:$note"
}

settle first
[[ -n ${first_k[statvers]:-} ]] ||
	skip_all "no 9p statistics in /proc/self/mountstats (client $V9FS_CLIENT)"
case ${V9FS_CACHE:-none} in
none) ;;
*) skip_all "request counts are exact only with cache=none" ;;
esac

if [[ ${V9FS_VERSION:-9p2000.L} == 9p2000.L ]]; then
	CREATE=Tlcreate OPEN=Tlopen ATTR=Tgetattr UNLINK=Tunlinkat DIALECT=9P2000.L
else
	CREATE=Tcreate OPEN=Topen ATTR=Tstat UNLINK=Tremove
	[[ $V9FS_VERSION == 9p2000.u ]] && DIALECT=9P2000.u || DIALECT=9P2000
fi

ktap_plan 35

src=$(mktemp)
trap 'rm -f "$src" "$src.big"' EXIT
head -c $N /dev/urandom >"$src"
[[ -n $MNT2 ]] && snap m2b "$MNT2"

# -- the connection lines ------------------------------------------------
check_eq "dialect line" "${first_k[dialect]:-}" "$DIALECT"
want_trans=virtio
[[ ,${V9FS_OPTS:-}, =~ ,trans=([^,]*), ]] && want_trans=${BASH_REMATCH[1]}
check_eq "trans line" "${first_k[trans]:-}" "$want_trans"
if [[ -n ${V9FS_MSIZE:-} ]]; then
	# the server may lower it, never raise it; QEMU accepts what we ask
	check_eq "msize line" "${first_k[msize]:-}" "$V9FS_MSIZE"
else
	check "msize line is a number" test "${first_k[msize]:-0}" -ge 4096
fi
check_eq "cache line" "${first_k[cache]:-}" "${V9FS_CACHE:-none}"

# Attribute requests are bounded, not counted: bash itself stat(2)s its
# working directory (on this mount) at times, e.g. around a fork. An idle
# phase shows how much of that there is.
phase idle true

# -- create and write N bytes in one write(2) ----------------------------
phase create dd if="$src" of=f bs=$N count=1 status=none
check_eq "create: one $CREATE" "${D1[$CREATE]:-0}" 1
check_eq "create: one Twrite" "${D1[Twrite]:-0}" 1
check_eq "create: Twrite sent header + $N bytes" "${D3[Twrite]:-0}" $((23 + N))
check_eq "create: Rwrite received 11 bytes" "${D4[Twrite]:-0}" 11
# the only failures allowed: the lookup of the new name before creating
# it, and the write's check for file capabilities on a server that keeps
# no security.* attributes (QEMU), which is asked once a mount
errs=$((a_k[errors] - b_k[errors]))
check "create: no error but the lookup's failed Twalk ($errs)" \
	test "${D2[Twalk]:-0}" -le 1 -a "${D2[Txattrwalk]:-0}" -le 1 -a \
	"$errs" = $((${D2[Twalk]:-0} + ${D2[Txattrwalk]:-0}))
read -r -a w <<<"${a_t[Twrite]:-0 0 0 0 0 0}"
check "create: the write's latency counted, below the max" \
	test "${D5[Twrite]:-0}" -gt 0 -a "${w[5]}" -ge "${D5[Twrite]:-0}"

# -- read it back in one read(2) -------------------------------------------
# shellcheck disable=SC2016 # expanded by eval
phase read eval 'dd if=f bs=$N count=1 status=none | cmp -s - "$src"'
check_eq "read: one $OPEN" "${D1[$OPEN]:-0}" 1
check_eq "read: one Tread" "${D1[Tread]:-0}" 1
check_eq "read: Tread sent 23 bytes" "${D3[Tread]:-0}" 23
check_eq "read: Rread received header + $N bytes" "${D4[Tread]:-0}" $((11 + N))
check_eq "read: no Twrite" "${D1[Twrite]:-0}" 0
check "read: the data came back" cmp -s f "$src"

# -- stat ---------------------------------------------------------------
phase stat eval 'stat f >/dev/null'
check "stat: $ATTR sent (1..6)" test "${D1[$ATTR]:-0}" -ge 1 -a "${D1[$ATTR]:-0}" -le 6
check_eq "stat: no I/O or create" \
	"$((${D1[Tread]:-0} + ${D1[Twrite]:-0} + ${D1[$CREATE]:-0}))" 0

# -- unlink, then stat of a missing name ----------------------------------
phase unlink rm f
check_eq "unlink: one $UNLINK" "${D1[$UNLINK]:-0}" 1
phase missing eval '! stat missing 2>/dev/null'
check_eq "missing: one failed Twalk" "${D2[Twalk]:-0}" 1
check_eq "missing: that is the only error" "$((a_k[errors] - b_k[errors]))" 1

# -- pages handed over a segment at a time --------------------------------
# fallocate(2) writes zeros from an array of pages, sendfile(2) from a
# pipe's pages: each of those arrays must go in Twrites of up to msize,
# not one page per Twrite (regression: 256 Twrites of 4 KiB for 1 MiB).
MIB=1048576
iosz=$((${first_k[msize]:-0} - 24))
((iosz > 0)) || iosz=4096
most=$(((MIB + iosz - 1) / iosz + 1))
phase fallocate fallocate -l $MIB fa
check "fallocate: 1 MiB of zeros in at most $most Twrites (${D1[Twrite]:-0})" \
	test "${D1[Twrite]:-0}" -ge 1 -a "${D1[Twrite]:-0}" -le $most
check_eq "fallocate: the file is 1 MiB of zeros" "$(cmp -n $MIB fa /dev/zero 2>&1; stat -c %s fa)" $MIB
head -c $MIB /dev/urandom >"$src.big"
# sendfile moves at most a pipe's 16 pages (64 KiB) per write
most=$(((MIB / 65536) * ((65536 + iosz - 1) / iosz) + 1))
phase sendfile python3 -c '
import os, sys
i = os.open(sys.argv[1], os.O_RDONLY)
o = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
left = os.fstat(i).st_size
while left > 0:
    n = os.sendfile(o, i, None, left)
    if n <= 0:
        sys.exit(1)
    left -= n
' "$src.big" sf
check "sendfile: 1 MiB in at most $most Twrites (${D1[Twrite]:-0})" \
	test "${D1[Twrite]:-0}" -ge 1 -a "${D1[Twrite]:-0}" -le $most
check "sendfile: the data arrived" cmp -s sf "$src.big"
rm -f "$src.big" fa sf

# -- path walks through kept directories ----------------------------------
# A directory that path walks only pass through is checked again (a
# Twalk of its name) at most once a second: looking up 20 missing names
# under a kept k/a/b walks those 20 names, and k, a and b a few times at
# most (each lookup would walk all three again without that).  The
# directory is closed in the phase, so its fids are gone at its end.
mkdir -p k/a/b
exec {kfd}<k/a/b
kept_walks() {
	local i t0=$SECONDS
	for i in {1..20}; do
		[[ -e k/a/b/none$i ]] && return 1
	done
	kept_secs=$((SECONDS - t0))
	exec {kfd}<&-
}
phase kept kept_walks
check_eq "kept: one failed Twalk per missing name" "${D2[Twalk]:-0}" 20
check "kept: k, a and b walked at most once a second ($((${D1[Twalk]:-0} - 20)) in ${kept_secs:-?} s)" \
	test "$((${D1[Twalk]:-0} - 20))" -le "$((3 * (${kept_secs:-0} + 2)))"

# -- the whole sequence ---------------------------------------------------
deltas first a
walks=$((${D1[Twalk]:-0} - ${D2[Twalk]:-0}))
clunks=$((${D1[Tclunk]:-0} + ${D1[Tremove]:-0}))
ktap_note "fids ${first_k[fids]} -> ${a_k[fids]}; fids made by walks: $walks;" \
	"Tclunk + Tremove: $clunks"
check_eq "every fid made is gone again" "${a_k[fids]}" "${first_k[fids]}"
check_eq "walked fids = Tclunk + Tremove" "$walks" "$clunks"
check_eq "inflight is 0" "${a_k[inflight]}" 0
check "inflight_max is at least 1" test "${a_k[inflight_max]:-0}" -ge 1
sums=(0 0 0 0)
for t in "${!a_t[@]}"; do
	read -r -a w <<<"${a_t[$t]}"
	for i in 0 1 2 3; do
		sums[i]=$((sums[i] + w[i]))
	done
done
check_eq "requests = the sum over types" "${a_k[requests]}" "${sums[0]}"
check_eq "errors = the sum over types" "${a_k[errors]}" "${sums[1]}"
check_eq "bytes = the sums over types" \
	"${a_k[bytes_sent]} ${a_k[bytes_received]}" "${sums[2]} ${sums[3]}"
if [[ -n $MNT2 ]]; then
	snap m2a "$MNT2"
	check_eq "the second mount's counters did not move" \
		"${m2a_k[requests]:-}" "${m2b_k[requests]:-}"
else
	ktap_skip "the second mount's counters did not move" "no V9FS_MNT2"
fi
ktap_finish
