#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the kclient test: build the modules and kclient.ko, then boot a
# guest with two fresh 9p exports (kc, kc2) and run run-guest.sh there.
#   tools/testing/kclient/run.sh [DIALECT...]      (default: 2 1)
# Extra module parameters for kclient: KCLIENT_ARGS="threads=160 iters=20"
# V9FS_KERNEL=debug: on the debug kernel (vm-run --kernel debug), with
# kclient.ko built against it next to v9fs-ng's debug build (build/debug/ng).
# KCLIENT_NAME: the guest's log name (build/logs/NAME.log; default kclient).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
if [[ ${V9FS_KERNEL:-stock} == debug ]]; then
	# vm-lib.sh's helpers: the debug kernel's paths and v9fs-ng built
	# against it in a copy of the sources; kclient is built in that copy
	# too (its Makefile finds include/ three levels up)
	# shellcheck disable=SC2034 # PROJECT and BUILD are vm-lib.sh's inputs
	VMDIR=$top/tools/testing/vm PROJECT=$top BUILD=${V9FS_BUILD:-$top/build}
	# shellcheck source=../vm/vm-lib.sh
	. "$VMDIR/vm-lib.sh"
	debug_kernel_env
	ngdir=$(build_debug_ng)
	kdir=$V9DBG_KERNEL_BUILD
	kc=$ngdir/tools/testing/kclient
	mkdir -p "$kc"
	cp -p "$here/kclient.c" "$here/Makefile" "$kc/"
	symvers=$ngdir/Module.symvers
else
	kdir=/lib/modules/$("$top/scripts/kver.sh")/build
	make -s -C "$top" modules
	kc=$here
	symvers=$top/Module.symvers
fi
rm -f "$kc"/kclient.mod.c "$kc"/kclient.ko
make -s -C "$kdir" M="$kc" KBUILD_EXTRA_SYMBOLS="$symvers" modules
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/kc" "$tmp/kc2"
"$top/tools/testing/vm/vm-run" --share "kc=$tmp/kc" --share "kc2=$tmp/kc2" \
	--timeout 600 --name "${KCLIENT_NAME:-kclient}" \
	--cmd "KCLIENT_ARGS='${KCLIENT_ARGS:-}' KCLIENT_KO=$kc/kclient.ko $here/run-guest.sh kc ${*:-2 1}"
