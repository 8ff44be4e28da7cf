#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of the kclient test: load kclient.ko against the channel
# TAG for each dialect given, check the result and that every module
# unloads cleanly.  If a second channel "${TAG}2" exists, hot-remove its
# PCI device under a live client and check that everything fails with
# EIO and unloads.  Usage (in a guest): run-guest.sh TAG [DIALECT...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
# run.sh names the build to load (the debug kernel's is elsewhere)
ko=${KCLIENT_KO:-$here/kclient.ko}
tag=${1:-kc}
shift || true
dialects=${*:-2 1}
rc=0
modprobe 9pnet_virtio || { echo "modprobe 9pnet_virtio failed"; exit 1; }
cat /sys/bus/virtio/drivers/9pnet_virtio/virtio*/mount_tag
for d in $dialects; do
	if insmod "$ko" tag="$tag" dialect="$d" threads=8 iters=50 ${KCLIENT_ARGS:-}; then
		rmmod kclient || rc=1
	else
		rc=1
	fi
	dmesg | grep 'kclient:' | tail -3
	dmesg | grep '9pnet' | grep -v taint | tail -5
	dmesg -C
done
# Plain 9P2000: QEMU answers "unknown", which must fail cleanly.
insmod "$ko" tag="$tag" dialect=0 2>/dev/null && { rmmod kclient; rc=1; }
dmesg | grep -q 'server answered version "unknown" to 9P2000' || { echo "no version error"; rc=1; }
# A missing tag must fail with ENOENT, not hang.
insmod "$ko" tag=no-such-tag 2>/dev/null && { rmmod kclient; rc=1; }
dmesg | grep -q 'no virtio 9p channel with mount tag "no-such-tag"' || rc=1
# Device removal under a live client with requests in flight
dev=
for v in /sys/bus/virtio/drivers/9pnet_virtio/virtio*; do
	[ "$(cat "$v/mount_tag")" = "${tag}2" ] && dev=$(readlink -f "$v/..")
done
if [ -n "$dev" ]; then
	if insmod "$ko" tag="${tag}2" hold=1; then
		sleep 1
		mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
		for f in /sys/kernel/debug/9pnet/*/fids /sys/kernel/debug/9pnet/*/stats; do
			echo "$f:"; cat "$f"
		done
		echo 1 >"$dev/remove"
		sleep 2
		dmesg | grep -q 'hold worker stopped: -5' || { echo "removal: workers not failed"; rc=1; }
		timeout 60 rmmod kclient || { echo "removal: rmmod kclient failed"; rc=1; }
		dmesg | grep -q 'kclient: RELEASED' || rc=1
	else
		rc=1
	fi
	dmesg | grep 'kclient:' | tail -3
fi
modprobe -r 9pnet_virtio 9pnet || { echo "module unload failed"; rc=1; }
lsmod | grep -q '^9pnet' && { echo "9pnet still loaded"; rc=1; }
echo "kclient guest test: rc=$rc"
exit $rc
