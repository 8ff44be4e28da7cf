#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-pkg.sh: v9fs-ng's DKMS source tree and Debian package.
#
# Usage: scripts/dkms-pkg.sh version
#        scripts/dkms-pkg.sh src [OUTDIR]   (make dkms-src)
#        scripts/dkms-pkg.sh deb [OUTDIR]   (make dkms-deb)
#   version  print the release (P9_NG_VERSION, as dkms.conf reads it)
#   src      OUTDIR/v9fs-ng-VERSION: the files the modules are built from
#            (git's files, not ignored ones: Kbuild, Makefile, dkms.conf, fs/, net/,
#            include/, scripts/kver.sh, README.md), for "dkms add"
#   deb      OUTDIR/v9fs-ng-dkms_VERSION_all.deb: that tree in
#            /usr/src/v9fs-ng-VERSION; its postinst runs dkms add, then
#            dkms build and install for every installed kernel of a
#            supported series that has headers (a kernel whose build
#            fails is reported and left out: the install goes on); its
#            prerm runs dkms remove --all (which runs depmod)
# OUTDIR defaults to build/dkms.
#
# The package is put together by hand with dpkg-deb (from dpkg, which
# every Debian system has) rather than with debhelper's dh_dkms: no build
# dependencies beyond dpkg, and the postinst of dh_dkms
# (/usr/lib/dkms/common.postinst) builds only for the running and the
# newest kernel and aborts the installation when one build fails.

set -euo pipefail

PROJECT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAME=v9fs-ng
# kept in step with dkms.conf's BUILD_EXCLUSIVE_KERNEL (checked below)
SERIES_RE='^6\.(1|12)\.'

version() {
	local v
	v=$(sed -n 's/^#define[[:space:]]*P9_NG_VERSION[[:space:]]*"\([^"]*\)".*/\1/p' \
		"$PROJECT/include/net/9p/client.h")
	[[ $v =~ ^[0-9][0-9A-Za-z.+~-]*$ ]] || {
		echo "dkms-pkg.sh: no usable P9_NG_VERSION in include/net/9p/client.h ('$v')" >&2
		return 1
	}
	echo "$v"
}

# stage DIR: the source tree: the files git tracks or would (not build output)
stage() {
	local dst=$1 f

	grep -qF "BUILD_EXCLUSIVE_KERNEL=\"$SERIES_RE\"" "$PROJECT/dkms.conf" || {
		echo "dkms-pkg.sh: dkms.conf's BUILD_EXCLUSIVE_KERNEL is not $SERIES_RE" >&2
		return 1
	}
	rm -rf "$dst"
	mkdir -p "$dst"
	git -C "$PROJECT" ls-files -z --cached --others --exclude-standard -- Kbuild Makefile dkms.conf README.md \
		scripts/kver.sh fs net include |
		while IFS= read -r -d '' f; do
			[[ -e $PROJECT/$f ]] || continue
			mkdir -p "$dst/$(dirname "$f")"
			cp -p "$PROJECT/$f" "$dst/$f"
		done
	[[ -f $dst/dkms.conf && -f $dst/Kbuild ]] || {
		echo "dkms-pkg.sh: staging $dst failed (not a git checkout?)" >&2
		return 1
	}
}

deb() {
	local out=$1 ver root deb

	ver=$(version)
	root=$out/pkgroot
	deb=$out/$NAME-dkms_${ver}_all.deb
	rm -rf "$root"
	stage "$root/usr/src/$NAME-$ver"
	mkdir -p "$root/DEBIAN" "$root/usr/share/doc/$NAME-dkms"
	cat >"$root/usr/share/doc/$NAME-dkms/copyright" <<-EOF
	Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
	Upstream-Name: $NAME
	Files: *
	License: GPL-2.0
	 On Debian systems the full text of the GNU General Public License
	 version 2 is in /usr/share/common-licenses/GPL-2.
	EOF
	cat >"$root/DEBIAN/control" <<-EOF
	Package: $NAME-dkms
	Version: $ver
	Architecture: all
	Section: kernel
	Priority: optional
	Maintainer: v9fs-ng developers <v9fs-ng@localhost>
	Depends: dkms (>= 2.8), make, gcc
	Recommends: linux-headers-amd64 | linux-headers-generic | linux-headers
	Installed-Size: $(du -sk "$root/usr" | cut -f1)
	Description: v9fs-ng, a 9P client for Linux (DKMS)
	 Out-of-tree replacement for Linux's 9p file system and its transports
	 (modules 9p, 9pnet, 9pnet_fd, 9pnet_virtio, 9pnet_rdma), built by DKMS
	 for every installed kernel of the 6.1 and 6.12 series and installed in
	 /lib/modules/RELEASE/updates/dkms, ahead of the kernel's own 9p.
	EOF
	cat >"$root/DEBIAN/postinst" <<-EOF
	#!/bin/sh
	# v9fs-ng-dkms: add the source to DKMS and build and install it for
	# every installed kernel of a supported series that has headers. A
	# failed build is reported and left out (dkms status shows it "added"
	# only); later kernels get it through dkms autoinstall.
	set -e
	NAME=$NAME
	VER=$ver
	case "\$1" in configure) ;; *) exit 0 ;; esac
	dkms status -m "\$NAME" -v "\$VER" 2>/dev/null | grep -q . ||
	    dkms add -m "\$NAME" -v "\$VER"
	failed=
	for d in /lib/modules/*; do
	    k=\${d##*/}
	    echo "\$k" | grep -Eq '$SERIES_RE' || continue
	    [ -e "\$d/build/include" ] || {
	        echo "\$NAME: no headers for \$k: not built there"
	        continue
	    }
	    if dkms status -m "\$NAME" -v "\$VER" -k "\$k" | grep -q ': installed'; then
	        continue
	    fi
	    if dkms build -m "\$NAME" -v "\$VER" -k "\$k" &&
	        dkms install -m "\$NAME" -v "\$VER" -k "\$k"; then
	        echo "\$NAME \$VER: installed for \$k"
	    else
	        failed="\$failed \$k"
	    fi
	done
	if [ -n "\$failed" ]; then
	    echo "\$NAME \$VER: the build failed for:\$failed (see /var/lib/dkms/\$NAME/\$VER/build/make.log)" >&2
	fi
	exit 0
	EOF
	cat >"$root/DEBIAN/prerm" <<-EOF
	#!/bin/sh
	# v9fs-ng-dkms: take the modules out of every kernel (dkms runs
	# depmod), and the source out of DKMS's tree.
	set -e
	case "\$1" in remove|upgrade|deconfigure|failed-upgrade) ;; *) exit 0 ;; esac
	if dkms status -m $NAME -v $ver 2>/dev/null | grep -q .; then
	    dkms remove -m $NAME -v $ver --all || true
	fi
	exit 0
	EOF
	chmod 755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm"
	find "$root" -type d -exec chmod 755 {} +
	find "$root/usr" -type f -exec chmod 644 {} +
	chmod 755 "$root/usr/src/$NAME-$ver/scripts/kver.sh" 2>/dev/null || true
	dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
	rm -rf "$root"
	echo "$deb"
}

cmd=${1:-}
out=${2:-$PROJECT/build/dkms}
case $cmd in
version) version ;;
src)
	ver=$(version)
	stage "$out/$NAME-$ver"
	echo "$out/$NAME-$ver"
	;;
deb) mkdir -p "$out" && deb "$(readlink -f "$out")" ;;
*)
	sed -n '/^# Usage:/,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
	exit 2
	;;
esac
