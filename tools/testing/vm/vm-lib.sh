# SPDX-License-Identifier: GPL-2.0
# Sourced by vm-run: host-side preparation of module trees and initramfs
# images. Needs PROJECT, KVER, BUILD set by the caller.
#
# v9fs-ng's modules replace the kernel's own fs/9p and net/9p modules in
# the guest like this:
#   - a "farm" $NG/farm/lib/modules/$KVER ($NG = build/vm/ng-$KVER/HASH) mirrors /lib/modules/$KVER with
#     symlinks, minus kernel/fs/9p and kernel/net/9p, plus our .ko files
#     copied to updates/v9fs-ng/; depmod -b runs on it on the host (2 s,
#     cached until a .ko changes);
#   - a "layer" $NG/layer holds only the index files depmod wrote
#     (modules.dep{,.bin}, modules.alias{,.bin}, ...) and updates/v9fs-ng/.
#     The guest overlays it on its /lib/modules/$KVER (tmpfs upper) and
#     deletes kernel/fs/9p and kernel/net/9p there, so modprobe 9p,
#     modinfo 9p and the kernel's own request_module("fs-9p") or
#     request_module("9p-virtio") all resolve to our files.

# Our modules in build order, as absolute paths (kbuild's modules.order
# names them relative to the tree or absolutely, as .o or .ko).
ng_module_paths() {
	local order="$PROJECT/modules.order"

	if [[ ! -s $order ]]; then
		echo "vm-run: $order missing: build v9fs-ng first (make)" >&2
		return 1
	fi
	sed -e 's/\.o$/.ko/' -e "s|^\([^/]\)|$PROJECT/\1|" "$order"
}

# Prepare (or reuse) the ng module tree; prints its directory. Each set
# of .ko files gets its own directory, named by a hash of their names,
# sizes and times, so a tree never changes under a guest still using it;
# trees unused for a day are removed.
prepare_ng_modtree() {
	local top="$BUILD/vm/ng-$KVER" kmod="/lib/modules/$KVER" ko stamp ng
	local farm e d tmp

	mkdir -p "$top"
	stamp=$(
		echo "$KVER"
		for ko in $(ng_module_paths); do
			[[ -f $ko ]] || { echo "vm-run: $ko not built" >&2; exit 1; }
			stat -c '%n %s %Y' "$ko"
		done
		stat -c '%s %Y' "$kmod/modules.dep" "${BASH_SOURCE[0]}"
	) || return 1
	ng=$top/$(sha1sum <<<"$stamp" | cut -c1-12)
	if [[ -f $ng/done ]]; then
		touch "$ng/done"
		echo "$ng"
		return 0
	fi
	tmp=$(mktemp -d "$top/tmp.XXXXXX")
	farm=$tmp/farm/lib/modules/$KVER
	mkdir -p "$farm/kernel" "$farm/updates/v9fs-ng"
	for e in "$kmod"/kernel/*; do
		e=${e##*/}
		case $e in
		fs | net)
			mkdir -p "$farm/kernel/$e"
			for d in "$kmod/kernel/$e"/*; do
				d=${d##*/}
				[[ $d == 9p ]] && continue
				ln -s "$kmod/kernel/$e/$d" "$farm/kernel/$e/$d"
			done
			;;
		*) ln -s "$kmod/kernel/$e" "$farm/kernel/$e" ;;
		esac
	done
	for ko in $(ng_module_paths); do
		cp "$ko" "$farm/updates/v9fs-ng/"
	done
	cp "$kmod"/modules.order "$kmod"/modules.builtin \
		"$kmod"/modules.builtin.modinfo "$farm/"
	if ! depmod -b "$tmp/farm" "$KVER"; then
		rm -rf "$tmp"
		return 1
	fi
	mkdir -p "$tmp/layer"
	cp -r "$farm/updates" "$tmp/layer/"
	cp "$farm"/modules.* "$tmp/layer/"
	chmod -R a+rX "$tmp"
	touch "$tmp/done"
	# a concurrent vm-run may have made the same tree meanwhile
	mv -T "$tmp" "$ng" 2>/dev/null || rm -rf "$tmp"
	{
		find "$top" -mindepth 2 -maxdepth 2 -name done -mtime +0 -printf '%h\n'
		find "$top" -mindepth 1 -maxdepth 1 -name 'tmp.*' -mmin +60
	} 2>/dev/null | xargs -r rm -rf
	echo "$ng"
}

# Print the .ko files (absolute paths, dependencies first) that
# "modprobe MODULES..." would insmod, using the module tree rooted at
# BASEDIR ("" = the system's own /lib/modules).
resolve_modules() {
	local base=$1
	shift
	local -a dflag=()

	[[ -n $base ]] && dflag=(-d "$base")
	modprobe "${dflag[@]}" -S "$KVER" --show-depends -a "$@" |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}

# Build (or reuse) an initramfs holding busybox, init and the given
# modules; prints its path. $1 = name, rest = .ko paths in load order.
build_initramfs() {
	local name=$1
	shift
	local out="$BUILD/vm/initramfs-$KVER-$name.cpio" stamp tmp ko
	local init="$VMDIR/initramfs-init"

	stamp=$(
		echo "$KVER"
		stat -c '%s %Y' /bin/busybox "$init" "${BASH_SOURCE[0]}"
		for ko in "$@"; do stat -L -c '%n %s %Y' "$ko"; done
	)
	(
		flock 9
		if [[ -f $out && -f $out.stamp && "$(cat "$out.stamp")" == "$stamp" ]]; then
			exit 0
		fi
		tmp=$(mktemp -d "$BUILD/vm/initramfs.XXXXXX")
		trap 'rm -rf "$tmp"' EXIT
		mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,tmp,modules}
		cp /bin/busybox "$tmp/bin/busybox"
		ln -s busybox "$tmp/bin/sh"
		cp "$init" "$tmp/init"
		chmod 755 "$tmp/init"
		: >"$tmp/modules/order"
		for ko in "$@"; do
			cp -L "$ko" "$tmp/modules/"
			echo "${ko##*/}" >>"$tmp/modules/order"
		done
		(cd "$tmp" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$out.new"
		mv "$out.new" "$out"
		echo "$stamp" >"$out.stamp"
	) 9>"$BUILD/vm/initramfs.lock" || return 1
	echo "$out"
}

# Print the lines of a guest console log that show a kernel problem;
# exit 1 if there are none. Patterns: oops and BUG, WARN*(), lockdep,
# KASAN/UBSAN/KFENCE, panics, hung tasks and RCU stalls, list and
# refcount corruption.
KERNEL_REPORT_RE='BUG:|BUG [A-Za-z0-9_.-]+ \(|kernel BUG at|Oops|WARNING:|[Uu]nable to handle|Call Trace|possible circular locking|possible recursive locking|INFO: |KASAN|UBSAN|KFENCE|general protection fault|[Kk]ernel panic|list_add corruption|list_del corruption|refcount_t: |stack-protector|double fault|soft lockup|hard LOCKUP|self-detected stall|blocked for more than|Fixing recursive fault'
kernel_report() {
	tr -d '\r' <"$1" | grep -a -n -E -e "$KERNEL_REPORT_RE"
}

# The kernel image to boot: the uncompressed ELF vmlinux extracted from
# /boot/vmlinuz-$KVER (cached), which QEMU starts through its PVH entry
# point without running the xz decompressor under TCG (saves ~4 s per
# boot); /boot/vmlinuz-$KVER itself if extraction fails.
prepare_kernel() {
	local z=/boot/vmlinuz-$KVER out="$BUILD/vm/vmlinux-$KVER" off

	if [[ -s $out && $out -nt $z ]]; then
		echo "$out"
		return 0
	fi
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$z" | head -n 1 | cut -d: -f1 || true)
	if [[ -n $off ]]; then
		tail -c "+$((off + 1))" "$z" | xz -dc >"$out.new" 2>/dev/null || true
		if [[ "$(head -c 4 "$out.new" | od -An -c | tr -d ' ')" == '177ELF' ]] &&
			readelf -n "$out.new" 2>/dev/null | grep -q 'note type: (0x00000012)\|PHYS32_ENTRY'; then
			mv "$out.new" "$out"
			echo "$out"
			return 0
		fi
	fi
	rm -f "$out.new"
	echo "$z"
}
