#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Entries looked up ahead of their stat (fs/9p/prefetch.c): with a
# metadata cache, the first lstat of a non-directory after a listing
# starts lookups of the other names the listing gave, several at once.
# What a user sees must not change: `ls -l` of a cold directory lists
# every entry with its right size and type; a rename or unlink right
# after the listing is what later lookups see; nothing is looked up
# twice, by ls -l or find (Twalks at most one per entry); no fid is left once the directory is closed
# and the caches dropped; a directory of more names than a prefetch
# keeps still lists right. Without a metadata cache nothing is
# prefetched. The counts (mountstats "prefetch", Twalk, fids) are
# v9fs-ng's; the listings are checked on both clients.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || skip_all "no python3"
ng=0
[[ ${V9FS_CLIENT:-} == ng ]] && ng=1
meta=0
case ${V9FS_CACHE:-none} in loose | fscache | writeback) meta=1 ;; esac
ktap_plan 11

N=300
D=$V9FS_TESTDIR/pf
dropc() { sync; echo 3 >/proc/sys/vm/drop_caches; }
# ms KEY: a line of this mount's /proc/self/mountstats ("Twalk": its count)
ms() {
	awk -v m="$V9FS_MNT" -v k="$1:" '
		$1 == "device" { on = ($5 == m); next }
		on && $1 == k { print $2; exit }' /proc/self/mountstats
}
num() { local v; v=$(ms "$1"); echo "${v:-0}"; }

# f000..f299 of 0..299 bytes, every 10th a directory, every 25th a symlink
python3 - "$D" "$N" <<'EOF'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d)
for i in range(n):
    p = os.path.join(d, "f%03d" % i)
    if i % 10 == 5:
        os.mkdir(p)
    elif i % 25 == 7:
        os.symlink("target%d" % i, p)
    else:
        with open(p, "wb") as f:
            f.write(b"x" * i)
EOF
# the listing as it must be: "name type size" per entry, sorted
want=$(python3 - "$N" <<'EOF'
import sys
for i in range(int(sys.argv[1])):
    if i % 10 == 5:
        print("f%03d d" % i)
    elif i % 25 == 7:
        print("f%03d l %d" % (i, len("target%d" % i)))
    else:
        print("f%03d - %d" % (i, i))
EOF
)
# list DIR: `ls -l`, reduced to "name type size" (size for non-dirs)
list() {
	LC_ALL=C ls -l "$1" | awk 'NR > 1 {
		t = substr($1, 1, 1)
		n = $9
		if (t == "d") print n, t; else print n, t, $5 }'
}

dropc
fids0=$(num fids)
pf0=$(num prefetch)
w0=$(num Twalk)
got=$(list "$D")
w1=$(num Twalk)
pf1=$(num prefetch)
ktap_note "ls -l of $N cold entries: Twalk $w0 -> $w1, prefetch $pf0 -> $pf1"
check_eq "ls -l of a cold directory: every entry, type and size" "$got" "$want"
if ((!ng)); then
	ktap_skip "the listing's entries were looked up ahead" "v9fs-ng's counter"
	ktap_skip "no entry looked up twice" "v9fs-ng's counter"
elif ((meta)); then
	if ((pf1 - pf0 >= N / 2)); then
		ktap_ok "the listing's entries were looked up ahead ($((pf1 - pf0)))"
	else
		ktap_fail "the listing's entries were looked up ahead" "prefetch $pf0 -> $pf1"
	fi
	if ((w1 - w0 <= N + 5)); then
		ktap_ok "no entry looked up twice ($((w1 - w0)) Twalks for $N entries)"
	else
		ktap_fail "no entry looked up twice" "$((w1 - w0)) Twalks for $N entries"
	fi
else
	check_eq "no lookups ahead without a metadata cache" "$((pf1 - pf0))" 0
	ktap_skip "no entry looked up twice" "no prefetch in cache=${V9FS_CACHE:-none}"
fi

# find -type f: what it looks up (GNU find stats the entries too) is
# looked up once, by it or ahead of it
dropc
pf0=$(num prefetch)
w0=$(num Twalk)
nf=$(find "$D" -type f | wc -l)
w1=$(num Twalk)
pf1=$(num prefetch)
ktap_note "find -type f: Twalk $w0 -> $w1, prefetch $pf0 -> $pf1"
check_eq "find -type f counts the files" "$nf" \
	"$(grep -c ' - ' <<<"$want")"
if ((!ng)); then
	ktap_skip "find -type f: no entry looked up twice" "v9fs-ng's counter"
elif ((!meta)); then
	# without a metadata cache every dentry is walked again anyway
	check_eq "find -type f: no lookups ahead without a metadata cache" "$((pf1 - pf0))" 0
elif ((w1 - w0 <= N + N / 10 + 5)); then
	ktap_ok "find -type f: no entry looked up twice ($((w1 - w0)) Twalks)"
else
	ktap_fail "find -type f: no entry looked up twice" "$((w1 - w0)) Twalks for $N entries"
fi

# a rename and an unlink right after the listing started the prefetch
dropc
out=$(python3 - "$D" <<'EOF'
import os, sys
d = sys.argv[1]
names = os.listdir(d)
os.lstat(os.path.join(d, "f000"))	# the first stat: prefetch starts
os.rename(os.path.join(d, "f001"), os.path.join(d, "g001"))
os.unlink(os.path.join(d, "f002"))
def st(n):
    try:
        s = os.lstat(os.path.join(d, n))
        return "size %d" % s.st_size
    except FileNotFoundError:
        return "ENOENT"
print("listed", len(names))
print("f001", st("f001"))
print("g001", st("g001"))
print("f002", st("f002"))
print("now", len(os.listdir(d)))
EOF
)
sed 's/^/# /' <<<"$out"
check_eq "renamed during the prefetch: old name gone, new one right" \
	"$(grep -E '^(f001|g001) ' <<<"$out" | tr '\n' ' ')" "f001 ENOENT g001 size 1 "
check_eq "unlinked during the prefetch: gone" "$(sed -n 's/^f002 //p' <<<"$out")" ENOENT
check_eq "the listing after: one entry fewer" "$(sed -n 's/^now //p' <<<"$out")" $((N - 1))

# more names than one prefetch keeps (16 KiB): the rest by plain lookups
# (v9fs-ng's limit: the kernel's client is spared the 1500 creates)
big=$V9FS_TESTDIR/pfbig
((ng)) || { ktap_skip "a directory bigger than a prefetch lists right" "v9fs-ng's limit"; big=; }
[[ -z $big ]] || python3 - "$big" <<'EOF'
import os, sys
d = sys.argv[1]
os.makedirs(d)
for i in range(1500):
    with open(os.path.join(d, "entry-with-a-longer-name-%05d" % i), "wb") as f:
        f.write(b"y" * (i % 97))
EOF
if [[ -n $big ]]; then
	dropc
	bad=$(LC_ALL=C ls -l "$big" | awk 'NR > 1 {
		split($9, a, "-"); i = a[6] + 0
		if ($5 != i % 97) print $9, $5 }' | head -n 3)
	cnt=$(ls "$big" | wc -l)
	check_eq "a directory bigger than a prefetch lists right (1500 entries)" "$cnt${bad:+ $bad}" 1500
	rm -rf "$big"
fi

# umount right after the directory is closed with lookups ahead in
# flight: they end first (no busy dentries at umount)
if [[ -n ${V9FS_TAG2:-} && -n ${V9FS_MNT2:-} && ,$V9FS_OPTS, == *,trans=virtio,* ]] &&
	umount "$V9FS_MNT2" 2>/dev/null; then
	M=/run/v9fs-pf.$$
	mkdir -p "$M"
	trap 'umount "$M" 2>/dev/null; rmdir "$M"; mount -t 9p -o "$V9FS_OPTS" "$V9FS_TAG2" "$V9FS_MNT2"' EXIT
	dmesg -c >/dev/null 2>&1
	why=
	if mount -t 9p -o "$V9FS_OPTS" "$V9FS_TAG2" "$M"; then
		python3 - "$M/${V9FS_TESTDIR##*/}/pf" <<-'EOF' || why+="listing failed; "
		import os, sys
		d = sys.argv[1]
		names = sorted(os.listdir(d))
		os.lstat(os.path.join(d, names[0]))
		EOF
		umount "$M" || why+="umount failed; "
		dmesg | grep -i 'busy inode\|VFS:' && why+="the kernel complained; "
	else
		why="mount failed"
	fi
	check_eq "umount just after a listing's lookups ahead began" "${why%; }" ""
else
	ktap_skip "umount just after a listing's lookups ahead began" "no spare mount tag"
fi

# closed and dropped: no fid left behind
dropc
fids1=$(num fids)
if ((!ng)); then
	ktap_skip "no fid left after the listings" "v9fs-ng's counter"
elif ((fids1 <= fids0)); then
	ktap_ok "no fid left after the listings ($fids0 -> $fids1)"
else
	ktap_fail "no fid left after the listings" "fids $fids0 -> $fids1"
fi
ktap_finish
