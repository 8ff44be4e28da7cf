#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest test (vm-run --mods host, the v9fs-ng-dkms package installed on
# the host): the DKMS-installed modules are what the guest loads, and a
# 9p share works with them. KTAP output; exit 0 if nothing failed.
#
#   usage: dkms.sh TAG   (TAG: a --share of an empty host directory)
#   for 9pnet, 9pnet_virtio, 9p: modinfo resolves NAME to
#     updates/dkms/NAME.ko*, modprobe loads it, and /sys/module/NAME/
#     srcversion equals that file's srcversion (and differs from the
#     kernel's own kernel/.../NAME.ko*)
#   mount TAG, write 8 MiB of random data, remount, read it back: the
#   same sha256 (printed as "# sha256 HASH" for the host to compare)

set -u
tag=${1:?usage: dkms.sh TAG}
n=0 nfail=0
ok() { n=$((n + 1)); echo "ok $n $1${2:+ # $2}"; }
notok() { n=$((n + 1)); nfail=$((nfail + 1)); echo "not ok $n $1${2:+ # $2}"; }

rel=$(uname -r)
echo "KTAP version 1"
echo "1..4"
echo "# kernel $rel"
for m in 9pnet 9pnet_virtio 9p; do
	why=
	file=$(modinfo -n "$m" 2>&1)
	want=$(modinfo -F srcversion "$m" 2>/dev/null)
	own=$(find "/lib/modules/$rel/kernel" -name "$m.ko*" -print -quit)
	ownv=
	[[ -n $own ]] && ownv=$(modinfo -F srcversion "$own" 2>/dev/null)
	[[ $file == "/lib/modules/$rel/updates/dkms/$m.ko"* ]] || why+="modinfo -n: '$file'; "
	if ! err=$(modprobe "$m" 2>&1); then
		why+="modprobe: $err; "
	else
		got=$(cat "/sys/module/$m/srcversion" 2>/dev/null)
		[[ -n $want && $got == "$want" ]] || why+="srcversion '$got', $file has '$want'; "
		[[ -z $ownv || $got != "$ownv" ]] || why+="srcversion '$got' is the kernel's own $own; "
	fi
	if [[ -z $why ]]; then
		ok "load $m" "$file srcversion $want"
	else
		notok "load $m" "${why%; }"
	fi
done

mnt=/run/dkms-mnt
mkdir -p "$mnt"
opts=trans=virtio,version=9p2000.L
why=
if ! err=$(mount -t 9p -o "$opts" "$tag" "$mnt" 2>&1); then
	why="mount: $err"
elif ! dd if=/dev/urandom of="$mnt/data" bs=1M count=8 conv=fsync status=none; then
	why="write failed"
else
	w=$(sha256sum <"$mnt/data" | cut -d' ' -f1)
	# read back through a fresh mount, not the page cache of the writer
	umount "$mnt" && mount -t 9p -o "$opts" "$tag" "$mnt" || why="remount failed"
	r=$(sha256sum <"$mnt/data" 2>/dev/null | cut -d' ' -f1)
	[[ -z $why && -n $r && $r == "$w" ]] || why+="${why:+; }read back $r, wrote $w"
	echo "# sha256 $w"
	grep -q "^$tag $mnt 9p " /proc/mounts || why+="${why:+; }not a 9p mount in /proc/mounts"
	umount "$mnt" || why+="${why:+; }umount failed"
fi
if [[ -z $why ]]; then
	ok "mount, write, read back, umount" "8 MiB, sha256 ${w:0:16}"
else
	notok "mount, write, read back, umount" "$why"
fi
[[ $nfail == 0 ]]
