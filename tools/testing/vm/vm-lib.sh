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
# names them relative to the tree or absolutely, as .o or .ko). $1: the
# tree they were built in (default: the project).
ng_module_paths() {
	local top=${1:-$PROJECT}
	local order="$top/modules.order"

	if [[ ! -s $order ]]; then
		echo "vm-run: $order missing: build v9fs-ng first (make)" >&2
		return 1
	fi
	sed -e 's/\.o$/.ko/' -e "s|^\([^/]\)|$top/\1|" "$order"
}

# Prepare (or reuse) the ng module tree; prints its directory. Each set
# of .ko files gets its own directory, named by a hash of their names,
# sizes and times, so a tree never changes under a guest still using it;
# trees unused for a day are removed. $1: the tree the modules were
# built in (scripts/ngbuild.sh --where $KVER); they must be built for
# $KVER.
prepare_ng_modtree() {
	local src=$1 top="$BUILD/vm/ng-$KVER" kmod="/lib/modules/$KVER" ko stamp ng
	local farm e d tmp vm

	mkdir -p "$top"
	ko=$(ng_module_paths "$src" | head -n 1) || return 1
	vm=$(modinfo -F vermagic "$ko" 2>/dev/null || true)
	if [[ $vm != "$KVER "* ]]; then
		echo "vm-run: $ko is built for ${vm%% *}, not $KVER (make KVER=$KVER, or scripts/ngbuild.sh $KVER)" >&2
		return 1
	fi
	stamp=$(
		echo "$KVER"
		for ko in $(ng_module_paths "$src"); do
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
	for ko in $(ng_module_paths "$src"); do
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
# refcount corruption; with the debug kernel also sleeping in atomic
# context, debugobjects and kmemleak's own reports. Lines the guest init
# wrote itself while dumping kmemleak's list ("v9vm-kmemleak...": object
# contents may spell anything) are judged by kmemleak_report instead, and
# its watchdog's dump of a run out of time ("v9vm-watchdog...") is none.
KERNEL_REPORT_RE='BUG:|BUG [A-Za-z0-9_.-]+ \(|kernel BUG at|Oops|WARNING:|[Uu]nable to handle|Call Trace|possible circular locking|possible recursive locking|INFO: |KASAN|UBSAN|KFENCE|general protection fault|[Kk]ernel panic|list_add corruption|list_del corruption|refcount_t: |stack-protector|double fault|soft lockup|hard LOCKUP|self-detected stall|blocked for more than|Fixing recursive fault|sleeping function called from invalid context|ODEBUG:|DEBUG_LOCKS_WARN_ON|kmemleak: [0-9]+ new suspected memory leak'
kernel_report() {
	tr -d '\r' <"$1" | grep -a -n -v -E '^v9vm-(kmemleak|watchdog)' |
		grep -a -E -e "^[0-9]+:.*($KERNEL_REPORT_RE)"
}

# kmemleak_report LOG: the guest init (VM_KMEMLEAK) unloads the 9p
# modules after the command, makes kmemleak scan twice and copies its
# list to the console as "v9vm-kmemleak: LINE", after one
# "v9vm-kmemleak-module: NAME ADDRESS SIZE" line per module that was
# loaded. An unreferenced object whose allocation backtrace holds a frame
# of a 9p module (named "[9p]", "[9pnet...]" or "[kclient]" while it was
# loaded; after the unload, a bare address inside a range it occupied) is
# a leak of ours: print one line for it, exit 0. A module that did not
# unload is reported too. Exit 1 if there is nothing to report. Other
# leaks (the kernel's own) are only counted ("kmemleak: N other").
kmemleak_report() {
	tr -d '\r' <"$1" | awk '
	# kernel addresses: only their low 40 bits (exact in a double); all
	# module addresses share the upper ones
	function hex(s,   i, c, v) {
		v = 0
		s = tolower(s)
		sub(/^0x/, "", s)
		if (length(s) > 10)
			s = substr(s, length(s) - 9)
		for (i = 1; i <= length(s); i++) {
			c = index("0123456789abcdef", substr(s, i, 1))
			if (c == 0)
				return -1
			v = v * 16 + c - 1
		}
		return v
	}
	function ours_name(n) { return n ~ /^(9p|9pnet.*|kclient)$/ }
	function flush() {
		if (obj != "") {
			if (hit != "")
				printf "kmemleak: %s allocated by %s\n", obj, hit
			else
				others++
		}
		obj = ""; hit = ""
	}
	/^v9vm-kmemleak-module: / {
		if (ours_name($2)) {
			nmod++
			mname[nmod] = $2; mbase[nmod] = hex($3); msize[nmod] = $4 + 0
		}
		next
	}
	/^v9vm-kmemleak: unload failed: / {
		printf "kmemleak: module %s did not unload\n", $5
		bad = 1
		next
	}
	/^v9vm-kmemleak: unavailable/ { next }
	/^v9vm-kmemleak: scan failed/ {
		print "kmemleak: the scan failed (kmemleak turned itself off?)"
		next
	}
	/^v9vm-kmemleak-done/ { flush(); done = 1; next }
	/^v9vm-kmemleak: unreferenced object / {
		flush()
		obj = $0
		sub(/^v9vm-kmemleak: /, "", obj)
		sub(/:$/, "", obj)
		next
	}
	/^v9vm-kmemleak: / && obj != "" && hit == "" {
		line = $0
		sub(/^v9vm-kmemleak: +/, "", line)
		if (match(line, /\[(9p|9pnet[a-z_]*|kclient)\]/)) {
			hit = line
			sub(/^\[<[0-9a-fx]+>\] */, "", hit)
			next
		}
		if (match(line, /^\[<[0-9a-f]+>\] 0x[0-9a-f]+$/)) {
			a = hex(substr(line, 3, index(line, ">") - 3))
			for (i = 1; i <= nmod; i++)
				if (a >= mbase[i] && a < mbase[i] + msize[i])
					hit = sprintf("%s (unloaded module %s)", substr(line, index(line, "] ") + 2), mname[i])
		}
		next
	}
	END {
		flush()
		if (others)
			printf "kmemleak: %d other unreferenced objects (not from a 9p module)\n", others > "/dev/stderr"
	}
	' | grep . 
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

# ---- the debug kernel (vm-run --kernel debug) -------------------------------
# debug-kernel/build.sh builds it once (about 10 min idle) and caches it; vm-run
# only ever asks for its paths. Sets V9DBG_KERNEL_{RELEASE,IMAGE,MODULES,BUILD}.
debug_kernel_env() {
	local line out

	out=$("$VMDIR/debug-kernel/build.sh" --print 2>/dev/null) || {
		echo "vm-run: the debug kernel is not built yet: run" \
			"tools/testing/vm/debug-kernel/build.sh (or make check-debug)" >&2
		return 1
	}
	while IFS= read -r line; do
		case $line in
		V9DBG_KERNEL_RELEASE=* | V9DBG_KERNEL_IMAGE=* | V9DBG_KERNEL_MODULES=* | V9DBG_KERNEL_BUILD=*)
			printf -v "${line%%=*}" '%s' "${line#*=}"
			;;
		esac
	done <<<"$out"
	[[ -n ${V9DBG_KERNEL_RELEASE:-} && -r ${V9DBG_KERNEL_IMAGE:-} &&
		-d ${V9DBG_KERNEL_MODULES:-} && -d ${V9DBG_KERNEL_BUILD:-} ]] || {
		echo "vm-run: debug-kernel/build.sh --print gave incomplete paths" >&2
		return 1
	}
}

# v9fs-ng's modules built against the debug kernel, in a copy of the
# sources ($BUILD/debug/ng, scripts/ngbuild.sh --sync: Kbuild writes an
# external module's objects next to its sources), so that the normal
# build's .o/.ko stay untouched; make only rebuilds what changed.
# Serialised by a lock (concurrent vm-runs). Prints the directory;
# its log is $BUILD/debug/ng-build.log. Needs debug_kernel_env first.
build_debug_ng() {
	local dst=$BUILD/debug/ng log=$BUILD/debug/ng-build.log

	mkdir -p "$dst"
	(
		flock 9
		"$PROJECT/scripts/ngbuild.sh" --sync "$dst" &&
			make -C "$dst" KDIR="$V9DBG_KERNEL_BUILD" modules >"$log" 2>&1
	) 9>"$BUILD/debug/ng.lock" || {
		tail -n 20 "$log" >&2
		echo "vm-run: v9fs-ng does not build against the debug kernel: see $log" >&2
		return 1
	}
	echo "$dst"
}

# The module tree a debug-kernel guest sees as /lib/modules/$release: the
# debug kernel's own (only its 9P and a few others are modules) for
# --mods kernel, or for --mods ng a copy without kernel/fs/9p and
# kernel/net/9p and with our modules (built in $1) in updates/v9fs-ng,
# depmod'ed. Prints a directory holding lib/modules/$release; the guest
# overlays its lib/modules on /lib/modules (the host has no such kernel).
prepare_debug_modroot() {
	local ngdir=${1:-} rel=$V9DBG_KERNEL_RELEASE src=$V9DBG_KERNEL_MODULES
	local top="$BUILD/vm/dbg-$rel" stamp ng tmp ko

	if [[ -z $ngdir ]]; then
		echo "${src%/lib/modules/*}"
		return 0
	fi
	mkdir -p "$top"
	stamp=$(
		echo "$rel $src"
		for ko in $(ng_module_paths "$ngdir"); do
			[[ -f $ko ]] || { echo "vm-run: $ko not built" >&2; exit 1; }
			stat -c '%n %s %Y' "$ko"
		done
		stat -c '%s %Y' "$src/modules.dep" "${BASH_SOURCE[0]}"
	) || return 1
	ng=$top/$(sha1sum <<<"$stamp" | cut -c1-12)
	if [[ -f $ng/done ]]; then
		touch "$ng/done"
		echo "$ng"
		return 0
	fi
	tmp=$(mktemp -d "$top/tmp.XXXXXX")
	mkdir -p "$tmp/lib/modules"
	cp -a "$src" "$tmp/lib/modules/$rel"
	rm -rf "$tmp/lib/modules/$rel/kernel/fs/9p" "$tmp/lib/modules/$rel/kernel/net/9p"
	mkdir -p "$tmp/lib/modules/$rel/updates/v9fs-ng"
	for ko in $(ng_module_paths "$ngdir"); do
		cp "$ko" "$tmp/lib/modules/$rel/updates/v9fs-ng/"
	done
	if ! depmod -b "$tmp" "$rel"; then
		rm -rf "$tmp"
		return 1
	fi
	chmod -R a+rX "$tmp"
	touch "$tmp/done"
	mv -T "$tmp" "$ng" 2>/dev/null || rm -rf "$tmp"
	{
		find "$top" -mindepth 2 -maxdepth 2 -name done -mtime +0 -printf '%h\n'
		find "$top" -mindepth 1 -maxdepth 1 -name 'tmp.*' -mmin +60
	} 2>/dev/null | xargs -r rm -rf
	echo "$ng"
}
