#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the kclient test: build the modules and kclient.ko, then boot a
# guest with two fresh 9p exports (kc, kc2) and run run-guest.sh there.
#   tools/testing/kclient/run.sh [DIALECT...]      (default: 2 1)
# Extra module parameters for kclient: KCLIENT_ARGS="threads=160 iters=20"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
kdir=/lib/modules/$("$top/scripts/kver.sh")/build
make -s -C "$top" modules
rm -f "$here"/kclient.mod.c "$here"/kclient.ko
make -s -C "$kdir" M="$here" KBUILD_EXTRA_SYMBOLS="$top/Module.symvers" modules
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/kc" "$tmp/kc2"
"$top/tools/testing/vm/vm-run" --share "kc=$tmp/kc" --share "kc2=$tmp/kc2" \
	--timeout 600 --name kclient \
	--cmd "KCLIENT_ARGS='${KCLIENT_ARGS:-}' $here/run-guest.sh kc ${*:-2 1}"
