#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Cache coherence as each cache= mode promises it (Documentation/
# filesystems/9p.rst, "Cache modes"), with V9FS_MNT2 (a second mount of
# the same export, its own caches: another guest, as far as this one can
# tell) as the other writer.
#
# Every mode: a file changed, resized or truncated by the other writer
# reads back new after a re-open (close-to-open), mapped pages included;
# what we write is on the server after fsync(2) and after close(2).
# cache=none: an open file sees the change without re-opening.
# Modes without a metadata cache: stat(2) and lookups see changes at once.
# Modes with one: within actimeo seconds (read from /proc/mounts) plus one.

set -u
. "$(dirname "$0")/lib.sh"

[[ ${V9FS_CLIENT:-} == ng ]] || skip_all "v9fs-ng's coherence model only"
[[ -n ${V9FS_TESTDIR2:-} && -d ${V9FS_TESTDIR2:-} ]] ||
	skip_all "no second mount (V9FS_MNT2)"

T2=$V9FS_TESTDIR2
opts=$(awk -v m="$V9FS_MNT" '$2 == m { print $4 }' /proc/mounts | tail -n 1)
cache=$(sed -n 's/.*cache=\([^,]*\).*/\1/p' <<<"$opts")
actimeo=$(sed -n 's/.*actimeo=\([0-9]*\).*/\1/p' <<<"$opts")
ktap_note "cache=$cache actimeo=${actimeo:-none} (from $opts)"

ktap_plan 15

# Read a file as a fresh open would: one open, all of it.
rd() { cat -- "$1" 2>&1; }
# Write through the other mount and close.
wr2() { printf '%s' "$2" >"$T2/$1"; }

# 1-3: the other writer's changes show after a re-open.
printf 'first version' >f
check_eq "cached read" "$(rd f)" "first version"
wr2 f "second, longer version"
check_eq "re-open sees a resize" "$(rd f)" "second, longer version"
wr2 f "SECOND, LONGER VERSION"	# same size
check_eq "re-open sees a same-size change" "$(rd f)" "SECOND, LONGER VERSION"
: >"$T2/f"
check_eq "re-open sees a truncation" "$(rd f)" ""

# 4: a mapping made before the change shows it once the file is re-opened.
printf 'AAAAAAAA' >m
got=$(python3 - "$PWD/m" "$T2/m" <<'EOF' 2>&1
import mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
mm = mmap.mmap(fd, 8, prot=mmap.PROT_READ)
before = mm[:8]
with open(sys.argv[2], "r+b") as f:
    f.write(b"BBBBBBBB")
os.close(os.open(sys.argv[1], os.O_RDONLY))	# close-to-open
os.stat(sys.argv[1])
print(before.decode(), mm[:8].decode())
EOF
)
check_eq "mapping sees the change after re-open" "$got" "AAAAAAAA BBBBBBBB"

# 5-6: our writes reach the server by fsync and by close.
got=$(python3 - "$PWD/w" "$T2/w" <<'EOF' 2>&1
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.write(fd, b"synced data")
os.fsync(fd)
with open(sys.argv[2], "rb") as f:
    print(f.read().decode())
os.close(fd)
EOF
)
check_eq "fsync reaches the server" "$got" "synced data"
printf 'closed data' >w2
check_eq "close reaches the server" "$(rd "$T2/w2")" "closed data"

# 7: cache=none reads through an open file see the change at once.
if [[ $cache == none ]]; then
	printf 'old!' >o
	got=$(python3 - "$PWD/o" "$T2/o" <<'EOF' 2>&1
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
a = os.pread(fd, 4, 0)
with open(sys.argv[2], "r+b") as f:
    f.write(b"new!")
print(a.decode(), os.pread(fd, 4, 0).decode())
EOF
)
	check_eq "open file sees the change (cache=none)" "$got" "old! new!"
else
	ktap_skip "open file sees the change (cache=none)" "cache=$cache: only after re-open"
fi

# 8-9: attributes and names: at once without a metadata cache, within
# actimeo with one.
wait_ac() { [[ -n $actimeo ]] && sleep $((actimeo + 1)); }
printf '12345' >s
stat -c %s s >/dev/null
printf '1234567890' >"$T2/s"
wait_ac
check_eq "stat sees the new size${actimeo:+ after actimeo}" "$(stat -c %s s 2>&1)" 10
stat nn >/dev/null 2>&1
touch "$T2/nn"
wait_ac
check "a name made elsewhere is found${actimeo:+ after actimeo}" test -e nn
rm -f "$T2/nn"
wait_ac
check "a name removed elsewhere is gone${actimeo:+ after actimeo}" test ! -e nn

# 10: a directory made elsewhere, with a file in it, is reachable.
mkdir "$T2/dd" && printf 'x' >"$T2/dd/x"
wait_ac
check_eq "path made elsewhere" "$(rd dd/x)" "x"

# 11: writes through both mounts, each closing before the other opens,
# end up in order (the writer's close flushes, the reader's open checks).
for i in 1 2 3 4 5; do
	printf 'one%d' "$i" >>a
	printf 'two%d' "$i" >>"$T2/a"
done
check_eq "alternating appends" "$(rd a)" "one1two1one2two2one3two3one4two4one5two5"

# 12: page-cache modes keep a closed file's inode and pages: reading it
# again (unchanged) sends no Tread.
# treads: this mount's Tread count, from /proc/self/mountstats
treads() {
	awk -v m="$(realpath "$V9FS_MNT")" '
		$1 == "device" { in_m = ($5 == m && $8 == "9p") }
		in_m && $1 == "Tread:" { print $2; found = 1 }
		END { if (!found) print "none" }' /proc/self/mountstats
}
if [[ $cache == none ]]; then
	ktap_skip "re-read of a closed file sends no Tread" "cache=none keeps no pages"
elif [[ $(treads) == none ]]; then
	ktap_skip "re-read of a closed file sends no Tread" "no Tread line in mountstats"
else
	head -c 65536 /dev/urandom >r
	sum=$(cksum <r)
	cat r >/dev/null
	before=$(treads)
	got=$(cksum <r; cksum <r)
	check_eq "re-read of a closed file sends no Tread" \
		"$got / Tread $(treads)" "$sum"$'\n'"$sum / Tread $before"
fi

# 13: a directory kept here (open) and renamed elsewhere: its old path
# is gone and the new one works, after a second without a metadata cache
# (a directory that path walks pass through is trusted that long), after
# actimeo with one.
mkdir kd && printf 'k' >kd/x
exec {kfd}<kd
rd kd/x >/dev/null
mv "$T2/kd" "$T2/kd2"
if [[ -n $actimeo ]]; then wait_ac; else sleep 1.5; fi
check_eq "kept directory renamed elsewhere: old path gone, new one works" \
	"$(test -e kd/x && echo stale; rd kd2/x)" "k"
exec {kfd}<&-

rm -rf -- f m w w2 o s dd a r kd kd2
ktap_finish
