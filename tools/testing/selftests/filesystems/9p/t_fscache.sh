#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cache=fscache: file data kept on a local disk through fscache and
# cachefiles survives umount and remount, and is not served once the file
# changed on the server meanwhile.
#
# The spare tag (V9FS_TAG2) is mounted with cache=fscache at a scratch
# mount point (V9FS_MNT2 is unmounted for the test and mounted again at
# the end). First with no cache bound: the mount works like cache=loose.
# Then cachefilesd (with its own configuration) binds a cache directory on
# an ext4 image loop-mounted from /run (the guest's root is read-only and
# its tmpfs has no user.* xattrs, which cachefiles needs); a file of a few
# MiB written through the mount lands in the cache at writeback; after
# umount, drop_caches and a new mount, reading it back must take its data
# from the cache: /proc/fs/fscache/stats "IO rd" (reads from the cache)
# and "RdHelp RD" (netfs subrequests read from the cache) go up,
# "RdHelp DL" (subrequests fetched from the server) does not, and the
# mount's Tread count in /proc/self/mountstats stays at 0.  Then the file
# is rewritten (same size, new bytes) through the test's own mount while
# the scratch mount is gone: the next mount must read the new bytes (the
# cookie's mtime/size auxiliary data no longer matches).
. "$(dirname "$0")/lib.sh"

[[ ${V9FS_CLIENT:-} == ng ]] || skip_all "v9fs-ng's cache=fscache only"
[[ -n ${V9FS_TAG2:-} && -n ${V9FS_MNT2:-} ]] ||
	skip_all "no spare mount tag (V9FS_TAG2, V9FS_MNT2)"
[[ ,$V9FS_OPTS, == *,trans=virtio,* ]] || skip_all "not a virtio mount"
command -v cachefilesd >/dev/null ||
	skip_all "cachefilesd is not installed (scripts/setup.sh installs it)"
command -v mkfs.ext4 >/dev/null || skip_all "no mkfs.ext4"
modprobe cachefiles 2>/dev/null
modprobe loop 2>/dev/null	# mount -o loop cannot load it by itself
modprobe ext4 2>/dev/null
[[ -r /proc/fs/fscache/stats ]] || skip_all "no /proc/fs/fscache/stats"

start=$SECONDS
W=/run/v9fs-fscache.$$
M=$W/mnt
C=$W/cache
SUB=${V9FS_TESTDIR##*/}	# this test's directory, seen from the export root
MIB=4
base="trans=virtio,version=${V9FS_VERSION:-9p2000.L}"
cfd_pid=
mkdir -p "$M" "$C"
umount "$V9FS_MNT2" 2>/dev/null || skip_all "cannot unmount $V9FS_MNT2"
restore() {
	umount "$M" 2>/dev/null
	if [[ -n $cfd_pid ]]; then
		kill "$cfd_pid" 2>/dev/null
		wait "$cfd_pid" 2>/dev/null
	fi
	umount "$C" 2>/dev/null
	rm -rf "$W"
	mount -t 9p -o "$V9FS_OPTS" "$V9FS_TAG2" "$V9FS_MNT2" ||
		echo "# could not mount $V9FS_TAG2 on $V9FS_MNT2 again"
}
trap restore EXIT

# A 6.12 build has no local cache (Documentation/filesystems/9p.rst,
# "Kernels"): there cache=fscache must say so once and behave as loose,
# caching nothing even with a cache bound.
nocache=0
[[ $(uname -r) == 6.12.* ]] && nocache=1
if ((nocache)); then
	ktap_plan 8
else
	ktap_plan 12
fi

# fsstat NAME FIELD: a counter of /proc/fs/fscache/stats (fsstat IO rd)
fsstat() {
	awk -v n="$1" -v f="$2" '
		{ split($0, kv, ":"); name = kv[1]; gsub(/ /, "", name) }
		name == n { for (i = 2; i <= NF; i++) if (split($i, p, "=") == 2 && p[1] == f) { print p[2]; exit } }
	' /proc/fs/fscache/stats
}
snap() { echo "IO.rd=$(fsstat IO rd) IO.wr=$(fsstat IO wr) RD=$(fsstat RdHelp RD) DL=$(fsstat RdHelp DL) WR=$(fsstat RdHelp WR) Invals=$(fsstat Invals n)"; }
# treads: the Tread count of the scratch mount (mountstats; no Tread line
# is 0), empty if the mount has no 9p statistics there
treads() {
	awk -v m="$M" '
		$1 == "device" { inm = ($5 == m && $8 == "9p"); if (inm) seen = 1; next }
		inm && $1 == "Tread:" { n = $2 }
		END { if (seen) print n + 0 }
	' /proc/self/mountstats
}
mnt() { mount -t 9p -o "$base,cache=fscache" "$V9FS_TAG2" "$M"; }
# reread WHAT: drop the page cache, mount again and read the data file:
# sets got (its sum) and t0, t1 (Treads before and after)
reread() {
	echo 3 >/proc/sys/vm/drop_caches
	mnt || { ktap_fail "$1" "mount failed"; ktap_finish; }
	t0=$(treads)
	got=$(sum "$M/$SUB/data")
	t1=$(treads)
}
# fetched NAME: the last reread sent Treads
fetched() {
	if ((${t1:-0} > ${t0:-0})); then
		ktap_ok "$1"
	else
		ktap_fail "$1" "Treads ${t0:-?} -> ${t1:-?}"
	fi
}
sum() { sha256sum <"$1" | cut -d' ' -f1; }

# 1-2: no cache bound: cache=fscache mounts and works as loose.
# (caches: state '-' is a name waiting for a cache, not a bound one)
if awk 'NR > 2 && $6 != "-" { f = 1 } END { exit !f }' \
	/proc/fs/fscache/caches 2>/dev/null; then
	ktap_note "a cache is already bound: $(tail -n +3 /proc/fs/fscache/caches)"
fi
if mnt; then
	head -c $((MIB << 20)) /dev/urandom >"$M/$SUB/plain"
	want=$(sum "$M/$SUB/plain")
	check_eq "no cache: mounts, written data reads back" \
		"$(sum "$V9FS_TESTDIR/plain")" "$want"
	check "no cache: umount" umount "$M"
else
	ktap_fail "no cache: mounts" "mount -o cache=fscache failed"
	ktap_fail "no cache: umount"
fi

# 3: a cache on a loop-mounted ext4, bound by cachefilesd.
truncate -s 96M "$W/cache.img"
bound=0
if mkfs.ext4 -q -F "$W/cache.img" && mount -o loop "$W/cache.img" "$C"; then
	mkdir -p "$C/fscache"
	cat >"$W/cachefilesd.conf" <<EOF
dir $C/fscache
tag v9fsngtest
brun 10%
bcull 7%
bstop 3%
frun 10%
fcull 7%
fstop 3%
EOF
	cachefilesd -n -s -f "$W/cachefilesd.conf" -p "$W/pid" 2>"$W/cfd.log" &
	cfd_pid=$!
	for _ in $(seq 50); do
		grep -q v9fsngtest /proc/fs/fscache/caches 2>/dev/null &&
			{ bound=1; break; }
		sleep 0.2
	done
fi
if ((bound)); then
	ktap_ok "cachefilesd binds a cache on ext4"
	ktap_note "$(grep v9fsngtest /proc/fs/fscache/caches)"
else
	ktap_fail "cachefilesd binds a cache on ext4" "$(cat "$W/cfd.log" 2>/dev/null)"
	ktap_finish
fi

# 4-5: write through a cache=fscache mount; the volume is named after it.
if ! mnt; then
	ktap_fail "mount with a cache" "mount -o cache=fscache failed"
	ktap_finish
fi
head -c $((MIB << 20)) /dev/urandom >"$M/$SUB/data"
want=$(sum "$M/$SUB/data")
check_eq "written data reads back" "$(sum "$M/$SUB/data")" "$want"
vol="9p,virtio,$V9FS_TAG2,"
if ((nocache)); then
	# 5-8 of a build without a local cache
	check "no volume $vol on a build without a cache" \
		sh -c '! grep -qF " $1" /proc/fs/fscache/volumes' - "$vol"
	check "the kernel log says it behaves as loose" \
		sh -c 'dmesg | grep -q "cache=fscache: no local cache in this build"'
	umount "$M"
	reread remount
	check_eq "data right after remount" "$got" "$want"
	fetched "read after remount comes from the server"
	umount "$M"
	ktap_finish
fi
check "volume $vol exists" grep -qF " $vol" /proc/fs/fscache/volumes
s0=$(snap)
umount "$M"
sync
s1=$(snap)
ktap_note "write and umount: $s0 -> $s1"

# 6-9: after umount, drop_caches and remount, the data comes from the cache.
reread remount
s2=$(snap)
ktap_note "read after remount: $s1 -> $s2; Treads ${t0:-?} -> ${t1:-?}"
check_eq "data right after remount" "$got" "$want"
field() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" <<<" $1"; }
if (($(field "$s2" IO.rd) > $(field "$s1" IO.rd) &&
     $(field "$s2" RD) > $(field "$s1" RD))); then
	ktap_ok "read served from the cache (IO rd and RdHelp RD went up)"
else
	ktap_fail "read served from the cache (IO rd and RdHelp RD went up)" \
		"$s1 -> $s2"
fi
check_eq "nothing downloaded from the server (RdHelp DL)" \
	"$(field "$s2" DL)" "$(field "$s1" DL)"
if [[ -n $t0 && -n $t1 ]]; then
	check_eq "no Tread on the read after remount" "$((t1 - t0))" 0
else
	ktap_fail "no Tread on the read after remount" "no mountstats for $M"
fi
umount "$M"

# 10-11: changed on the server while unmounted (same size, new bytes):
# the next mount reads the new data, not the cached copy.
head -c $((MIB << 20)) /dev/urandom >"$V9FS_TESTDIR/data"
new=$(sum "$V9FS_TESTDIR/data")
reread "remount after change"
s3=$(snap)
ktap_note "read after a change on the server: $s2 -> $s3; Treads ${t0:-?} -> ${t1:-?}"
check_eq "changed file reads new after remount" "$got" "$new"
fetched "changed file is fetched from the server"

# 12: and it was cached again: one more remount reads it from the cache.
umount "$M"
reread "remount again"
ktap_note "read once more: Treads ${t0:-?} -> ${t1:-?}; $(snap)"
if [[ $got == "$new" ]] && ((${t1:-0} == ${t0:-0})); then
	ktap_ok "the new data is cached in turn"
else
	ktap_fail "the new data is cached in turn" "Treads ${t0:-?} -> ${t1:-?}"
fi
umount "$M"
ktap_note "took $((SECONDS - start)) s"
ktap_finish
