#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh (make run): build v9fs-ng, then boot a guest whose ROOT file
# system is served by v9fs-ng itself: the host's / exported read-only with
# -virtfs mount tag /dev/root, kernel command line
#   root=/dev/root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,...
# and an initramfs that loads our 9pnet, 9pnet_virtio and 9p and mounts
# it (tmpfs on /tmp, /root, /run, /var ...). SHARE is exported read-write
# and mounted on /mnt/host, the shell's (or CMD's) working directory.
#
# Environment:
#   KVER=REL|SERIES  the guest's kernel (default the newest 6.1; 6.12:
#                    the newest 6.12, with its own 9p for MODS=kernel)
#   MODS=ng|kernel   whose 9p modules (default ng; kernel = Linux's own,
#                    to compare, or to see the path work)
#   CMD='...'        run this (bash -c) and exit with its status; without
#                    it an interactive root shell (Ctrl-D powers off,
#                    Ctrl-A x kills qemu)
#   SHARE=DIR        mounted read-write at /mnt/host (default: .)
#   SHARE_MODEL=M    its QEMU security model (default passthrough)
#   SHARE_OPTS=O     its mount options (default
#                    trans=virtio,version=9p2000.L,msize=512000,cache=none)
#   ROOTFLAGS=O      the root's (default
#                    trans=virtio,version=9p2000.L,msize=512000,cache=loose)
#   TIMEOUT=SECS     hard limit (default: 4 h interactive, 900 s with CMD)
#   MEM=1G SMP=2     guest size
#   VM_LOG=FILE      console log (default build/logs/run-*.log)
#   RUN_NO_BUILD=1   boot what is built, do not run make first
# If the root cannot be mounted the guest prints
#   v9fs-ng: cannot mount root: REASON
# and powers off; run.sh then exits 125.

set -euo pipefail

PROJECT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODS=${MODS:-ng}
SHARE=${SHARE:-$PWD}
SHARE_MODEL=${SHARE_MODEL:-passthrough}
SHARE_OPTS=${SHARE_OPTS:-trans=virtio,version=9p2000.L,msize=512000,cache=none}
ROOTFLAGS=${ROOTFLAGS:-trans=virtio,version=9p2000.L,msize=512000,cache=loose}
CMD=${CMD:-}

case $MODS in ng | kernel) ;; *) echo "run.sh: MODS must be ng or kernel" >&2; exit 2 ;; esac
"$PROJECT/scripts/setup.sh" --quiet

mkdir -p "$PROJECT/build/logs"
if [[ $MODS == ng && -z ${RUN_NO_BUILD:-} ]]; then
	blog=$PROJECT/build/logs/run-build.log
	# KVER=6.12: built in build/k$KVER (scripts/ngbuild.sh), the tree's
	# own objects stay those of the default 6.1
	if ! "$PROJECT/scripts/ngbuild.sh" "${KVER:-6.1}" >"$blog" 2>&1; then
		tail -n 20 "$blog" >&2
		echo "run.sh: the build failed: see $blog" >&2
		exit 1
	fi
fi

args=(--root 9p --mods "$MODS" --rootflags "$ROOTFLAGS"
	--share "host=$SHARE:$SHARE_MODEL"
	--setup "mount -t 9p -o $SHARE_OPTS host /mnt/host"
	--guest-cwd /mnt/host
	--log "${VM_LOG:-$PROJECT/build/logs/run-$MODS-$(date +%Y%m%d-%H%M%S).log}")
[[ -n ${TIMEOUT:-} ]] && args+=(--timeout "$TIMEOUT")
[[ -n ${MEM:-} ]] && args+=(--mem "$MEM")
[[ -n ${SMP:-} ]] && args+=(--smp "$SMP")
if [[ -n $CMD ]]; then
	args+=(--cmd "$CMD")
else
	args+=(--interactive)
fi
exec "$PROJECT/tools/testing/vm/vm-run" "${args[@]}"
