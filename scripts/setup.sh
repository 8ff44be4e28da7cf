#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# setup.sh: install (with apt-get, idempotently) everything that building
# and testing v9fs-ng need on Debian 12. Takes about a second when all of
# it is already there: dpkg-query first, apt-get update only if something
# is missing.
#
# Usage: scripts/setup.sh [--checkpatch] [--quiet]
#   --checkpatch   also make scripts/checkpatch.pl of linux-source-6.1
#                  available (prints its path); it is extracted once
#                  from /usr/src/linux-source-6.1.tar.xz into
#                  $V9FS_CACHE (default /var/cache/v9fs-ng)

set -euo pipefail

PROJECT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${V9FS_CACHE:-/var/cache/v9fs-ng}

PKGS=(
	# build: kbuild against Debian's kernel, W=1, C=1 (sparse), clang
	linux-image-amd64 linux-headers-amd64 gcc make binutils libc6-dev
	clang libclang-rt-14-dev sparse kmod xz-utils
	# checkpatch and reading the kernel's own sources
	linux-source-6.1 linux-source-6.12 perl
	# guests: qemu (TCG), virtiofsd (qemu-system-common), qboot
	# (qemu-system-data), busybox for the initramfs
	qemu-system-x86 qemu-system-common qemu-system-data busybox-static cpio
	util-linux coreutils procps
	# tests: a user-space 9P server, xattrs and ACLs, I/O, RDMA
	# (soft-RoCE/siw user space), scripting
	diod attr acl fio e2fsprogs strace python3 sqlite3 iproute2
	rdma-core ibverbs-utils rdmacm-utils librdmacm-dev libibverbs-dev
	# cache=fscache: the cache daemon (t_fscache.sh)
	cachefilesd
	# the debug kernel (tools/testing/vm/debug-kernel/build.sh)
	flex bison bc libelf-dev libssl-dev dwarves rsync
	# make dkms-deb and check.sh's dkms step (dpkg-deb is dpkg's own)
	dkms
	# make bench: workloads and the chart
	dbench bonnie++ postmark gnuplot-nox
)

checkpatch=0
quiet=0
for a in "$@"; do
	case $a in
	--checkpatch) checkpatch=1 ;;
	--quiet) quiet=1 ;;
	-h | --help)
		sed -n '/^# Usage:/,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
		exit 0
		;;
	*) echo "setup.sh: unknown argument $a" >&2; exit 2 ;;
	esac
done
say() { [[ $quiet == 1 ]] || echo "setup: $*"; }

pkgs=()
for p in "${PKGS[@]}"; do
	[[ $p == \#* ]] || pkgs+=("$p")
done

missing=()
installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${pkgs[@]}" 2>/dev/null || true)
for p in "${pkgs[@]}"; do
	grep -q "^$p ii" <<<"$installed" || missing+=("$p")
done

if [[ ${#missing[@]} -gt 0 ]]; then
	if [[ $(id -u) != 0 ]]; then
		echo "setup.sh: missing packages (run as root to install): ${missing[*]}" >&2
		exit 1
	fi
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# The daemons packages bring (diod, cachefilesd) are started by the
	# tests that want them, never at install: one that cannot start on
	# this host (cachefilesd: no cache directory) must not fail apt.
	rcd=
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		rcd=/usr/sbin/policy-rc.d
		trap 'rm -f /usr/sbin/policy-rc.d' EXIT
		printf '#!/bin/sh\nexit 101\n' >"$rcd"
		chmod 755 "$rcd"
	fi
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
	if [[ -n $rcd ]]; then
		rm -f "$rcd"
		trap - EXIT
	fi
fi

# The second series, 6.12 LTS: Debian 12 ships several 6.12.<n>+deb12
# releases; the newest one with headers is installed once (image and
# headers of the same release), never a hard-coded <n>.
if ! "$PROJECT/scripts/kver.sh" 6.12 >/dev/null 2>&1; then
	if [[ $(id -u) != 0 ]]; then
		echo "setup.sh: no 6.12 kernel (run as root to install it)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	rel=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{ sub(/^linux-headers-/, "", $1); print $1 }' | sort -V | tail -n 1)
	if [[ -z $rel ]]; then
		echo "setup.sh: apt-cache knows no linux-headers-6.12.*+deb12-amd64" >&2
		exit 1
	fi
	say "installing kernel $rel"
	apt-get install -y -q --no-install-recommends \
		"linux-image-$rel-unsigned" "linux-headers-$rel" >/dev/null
fi

# The kernel the project builds against and boots must be complete.
if ! kver=$("$PROJECT/scripts/kver.sh"); then
	exit 1
fi
for f in "/boot/vmlinuz-$kver" "/lib/modules/$kver/modules.dep" "/lib/modules/$kver/build/Makefile"; do
	if [[ ! -e $f ]]; then
		echo "setup.sh: $f missing: linux-image-$kver and linux-headers-$kver must both be installed" >&2
		exit 1
	fi
done
[[ -x /usr/lib/qemu/virtiofsd ]] || { echo "setup.sh: /usr/lib/qemu/virtiofsd missing" >&2; exit 1; }
say "ok: kernel $kver, all ${#pkgs[@]} packages present"

if [[ $checkpatch == 1 ]]; then
	# A source tree somebody already extracted will do.
	for d in /usr/src/linux-src/linux-source-6.1 /usr/src/linux-source-6.1 \
		"$CACHE"/debug-kernel/src-*/linux-source-6.1; do
		if [[ -f $d/scripts/checkpatch.pl && -f $d/scripts/spelling.txt ]]; then
			echo "$d/scripts/checkpatch.pl"
			exit 0
		fi
	done
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	dst=$CACHE/checkpatch-$ver
	if [[ ! -f $dst/linux-source-6.1/scripts/checkpatch.pl ]]; then
		say "extracting checkpatch.pl from /usr/src/linux-source-6.1.tar.xz (once)"
		mkdir -p "$dst"
		tar -C "$dst" -xJf /usr/src/linux-source-6.1.tar.xz \
			linux-source-6.1/scripts/checkpatch.pl \
			linux-source-6.1/scripts/spelling.txt \
			linux-source-6.1/scripts/const_structs.checkpatch
	fi
	echo "$dst/linux-source-6.1/scripts/checkpatch.pl"
fi
