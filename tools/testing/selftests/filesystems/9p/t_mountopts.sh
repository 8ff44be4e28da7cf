#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Mount options, spelled as Linux 6.1's 9p spells them: each family mounts
# (the spare tag, V9FS_TAG2, at a scratch mount point) and /proc/mounts
# shows what is in force; fd- and rdma-only options are accepted with
# trans=virtio; a malformed value fails with EINVAL and a kernel log line
# naming the option; an unknown option mounts and is logged once, by
# name; remount changes what can change and refuses what cannot. The
# second mount (V9FS_MNT2) is unmounted for the test and mounted again
# with the suite's options at the end.
. "$(dirname "$0")/lib.sh"

spare_tag_scratch mountopts
base="trans=virtio,version=${V9FS_VERSION:-9p2000.L}"

ktap_plan 42

# the options of the scratch mount, as /proc/mounts shows them
shown() { awk -v m="$M" '$2 == m { print $4 }' /proc/mounts; }
logmark() { dmesg | wc -l; }
# lines logged since mark $1
logged() { dmesg | tail -n +$(($1 + 1)); }

# try NAME OPTS SHOWN...: mount with OPTS, use it, and find every SHOWN
# among the options /proc/mounts lists
try() {
	local name=$1 opts=$2 out got w miss=
	shift 2
	if ! out=$(mount -t 9p -o "$base${opts:+,$opts}" "$V9FS_TAG2" "$M" 2>&1); then
		ktap_fail "$name" "mount -o $opts: $out"
		return
	fi
	got=,$(shown),
	for w; do
		[[ $got == *",$w,"* ]] || miss+="$w "
	done
	ls "$M" >/dev/null || miss+="(ls failed) "
	umount "$M" || miss+="(umount failed) "
	if [[ -z $miss ]]; then
		ktap_ok "$name"
	else
		ktap_note "shown: $got"
		ktap_fail "$name" "not shown: $miss"
	fi
}

try "trans" "" "trans=virtio"
try "version" "" "version=${V9FS_VERSION:-9p2000.L}"
try "msize" "msize=65536" "msize=65536"
try "uname" "uname=v9tester" "uname=v9tester"
try "aname" "aname=/sub" "aname=/sub"
for a in user any client 0; do
	try "access=$a" "access=$a" "access=$a"
done
for c in none loose fscache mmap readahead writeback; do
	try "cache=$c" "cache=$c" "cache=$c"
done
try "debug" "debug=4" "debug=0x4"
try "dfltuid,dfltgid" "dfltuid=1234,dfltgid=4321" "dfltuid=1234" "dfltgid=4321"
try "afid" "afid=7" "afid=7"
try "nodevmap" "nodevmap" "nodevmap"
try "posixacl" "posixacl" "posixacl"
try "locktimeout" "locktimeout=9" "locktimeout=9"
try "cachetag" "cachetag=tag1" "cachetag=tag1"
try "actimeo" "cache=loose,actimeo=5" "actimeo=5"
try "nocto" "cache=mmap,nocto" "nocto"
try "fd and rdma options with trans=virtio" \
	"port=5640,privport,rfdno=3,wfdno=4,rq=16,sq=16,timeout=9"

# noextend asks for plain 9P2000 (6.1: "force legacy mode"), which QEMU
# does not speak: the option is taken (no EINVAL), the Tversion fails
mark=$(logmark)
out=$(mount -t 9p -o "$base,noextend" "$V9FS_TAG2" "$M" 2>&1) && rc=0 || rc=$?
if [[ $rc == 0 ]]; then
	check_eq "noextend" "$(shown | tr , '\n' | grep -c '^version=9p2000$')" 1
	umount "$M"
elif [[ $out == *"Invalid argument"* ]] || logged "$mark" | grep -q "noextend"; then
	ktap_fail "noextend" "refused as an option: $out"
else
	ktap_ok "noextend # taken; the server refused 9P2000: ${out##*: }"
fi

# mount(2) itself, to see its errno (mount(8) says "bad option" for
# EINVAL): prints OK or the errno's name
sysmount() {
	python3 -c '
import ctypes, errno, os, sys
libc = ctypes.CDLL(None, use_errno=True)
r = libc.mount(sys.argv[1].encode(), sys.argv[2].encode(), b"9p", 0,
               sys.argv[3].encode())
print("OK" if r == 0 else errno.errorcode.get(ctypes.get_errno(), "?"))
' "$@"
}

# malformed values: EINVAL, and one log line naming the option
bad() {
	local opt=$1 key=${1%%=*} out mark
	mark=$(logmark)
	out=$(sysmount "$V9FS_TAG2" "$M" "$base,$opt" 2>&1)
	if [[ $out == OK ]]; then
		umount "$M"
		ktap_fail "malformed $opt" "mounted"
		return
	fi
	if [[ $out != EINVAL ]]; then
		ktap_fail "malformed $opt" "not EINVAL: $out"
	elif ! logged "$mark" | grep -q "$key"; then
		ktap_fail "malformed $opt" "no log line names '$key'"
	else
		ktap_ok "malformed $opt"
	fi
}
bad msize=abc
bad actimeo=99999
bad msize=100
bad access=nobody
bad cache=lose
bad locktimeout=0
bad dfltuid=x
bad version=9p3000

# an unknown option: mounts, logged once by name
mark=$(logmark)
if mount -t 9p -o "$base,v9fsbogus=1" "$V9FS_TAG2" "$M" 2>/dev/null; then
	umount "$M"
	n=$(logged "$mark" | grep -c "v9fsbogus" || true)
	check_eq "unknown option: mounts, logged once" "$n" 1
else
	ktap_fail "unknown option: mounts, logged once" "mount failed"
fi

# remount: actimeo and locktimeout change; cache, version and trans
# cannot (inodes and pages were set up for one cache mode)
if mount -t 9p -o "$base,cache=loose" "$V9FS_TAG2" "$M"; then
	mount -o remount,actimeo=3,locktimeout=7 "$M" 2>&1 | sed 's/^/# /'
	got=,$(shown),
	if [[ $got == *,actimeo=3,* && $got == *,locktimeout=7,* ]]; then
		ktap_ok "remount changes actimeo and locktimeout"
	else
		ktap_fail "remount changes actimeo and locktimeout" "shown: $got"
	fi
	if mount -o remount,cache=none "$M" 2>/dev/null; then
		ktap_fail "remount refuses another cache mode" "remount succeeded"
	else
		check_eq "remount refuses another cache mode" \
			"$(shown | tr , '\n' | grep -c '^cache=loose$')" 1
	fi
	other=9p2000.u
	[[ $V9FS_VERSION == 9p2000.u ]] && other=9p2000.L
	if mount -o "remount,version=$other" "$M" 2>/dev/null; then
		ktap_fail "remount refuses another version" "remount succeeded"
	else
		check_eq "remount refuses another version" \
			"$(shown | tr , '\n' | grep -c "^version=${V9FS_VERSION:-9p2000.L}$")" 1
	fi
	umount "$M"
else
	ktap_fail "remount changes actimeo and locktimeout" "mount failed"
	ktap_fail "remount refuses another cache mode" "mount failed"
	ktap_fail "remount refuses another version" "mount failed"
fi

# close-to-open and nocto, as behaviour: the scratch mount (cache=loose,
# a long actimeo) reads a file, the suite's mount (the other writer, same
# export) changes it in place, the scratch mount opens it again.  With
# close-to-open the open asks the server and sees the change; with nocto
# it keeps serving what it cached, as Linux's cache=loose does.  The
# umount writes back nothing and complains of nothing (regression: the
# inode, dirty only for its atime, made writeback look for a writable fid).
rel=${PWD#"$V9FS_MNT"}
# cto_case NAME OPTS WANT: WANT is what the re-open must read
cto_case() {
	local name=$1 opts=$2 want=$3 got mark
	printf 'old version' >cto
	mark=$(logmark)
	if ! mount -t 9p -o "$base,cache=loose,actimeo=600$opts" "$V9FS_TAG2" "$M"; then
		ktap_fail "$name" "mount failed"
		return
	fi
	got=$(cat "$M$rel/cto" 2>&1)
	printf 'NEW VERSION' >cto
	got+=" / $(cat "$M$rel/cto" 2>&1)"
	umount "$M"
	got+=" / $(logged "$mark" | grep -c 'with no writable fid')"
	check_eq "$name" "$got" "old version / $want / 0"
}
cto_case "close-to-open: re-open sees another writer's change" "" "NEW VERSION"
cto_case "nocto: re-open serves the cached data" ",nocto" "old version"
# nocto: close does not flush, sync(1) does
if mount -t 9p -o "$base,cache=loose,nocto" "$V9FS_TAG2" "$M"; then
	printf 'written with nocto' >"$M$rel/nc"
	sync
	check_eq "nocto: data reaches the server by sync" "$(cat nc 2>&1)" "written with nocto"
	umount "$M"
else
	ktap_fail "nocto: data reaches the server by sync" "mount failed"
fi
rm -f cto nc

# lazy umount under load: eight workers with their cwd on the scratch
# mount go on writing, renaming and reading after umount -l detached it;
# every one finishes (within 300 s, times V9FS_SLOWDOWN on the debug
# kernel), and what each wrote last reached the server (read back
# through the suite's mount).  The superblock goes with the last worker:
# a new mount of the tag then works.  Each step forks three programs:
# 12 steps per worker, 6 on the debug kernel (where a fork and exec
# takes seconds), keep a loaded host well inside the bound.
lazy_case() {
	local name="lazy umount under load" i why= pids=() rc steps=12 t0
	((${V9FS_SLOWDOWN:-1} > 1)) && steps=6
	if ! mount -t 9p -o "$base" "$V9FS_TAG2" "$M" || ! mkdir "$M$rel/lazy"; then
		ktap_fail "$name" "mount failed"
		return
	fi
	for i in 1 2 3 4 5 6 7 8; do
		(
			cd "$M$rel/lazy" || exit 1
			for j in $(seq $steps); do
				head -c $((4096 * j + i)) /dev/urandom >"t$i" &&
					mv "t$i" "f$i" && cat "f$i" >/dev/null || exit 1
			done
			sha256sum "f$i" >"../sum$i.tmp" && mv "../sum$i.tmp" "../sum$i"
		) &
		pids+=($!)
	done
	sleep 1
	t0=$SECONDS
	umount -l "$M" || why+="umount -l failed; "
	mountpoint -q "$M" && why+="still mounted; "
	for i in "${!pids[@]}"; do
		rc=0
		timeout $((300 * ${V9FS_SLOWDOWN:-1})) tail --pid="${pids[$i]}" -f /dev/null ||
			why+="worker $((i + 1)) still running; "
		wait "${pids[$i]}" || rc=$?
		((rc == 0)) || why+="worker $((i + 1)) exit $rc; "
	done
	ktap_note "$steps steps per worker: all done $((SECONDS - t0)) s after umount -l"
	(cd lazy && for i in 1 2 3 4 5 6 7 8; do sha256sum -c --quiet "../sum$i" || exit 1; done) ||
		why+="data differs; "
	if mount -t 9p -o "$base" "$V9FS_TAG2" "$M"; then
		umount "$M" || why+="umount of a new mount failed; "
	else
		why+="a new mount failed; "
	fi
	rm -rf lazy sum?
	if [[ -z $why ]]; then ktap_ok "$name"; else ktap_fail "$name" "${why%; }"; fi
}
lazy_case
ktap_finish
