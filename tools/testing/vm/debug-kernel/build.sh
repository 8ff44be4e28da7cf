#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (once) and cache the debug kernel used by `make check-debug`:
# Debian's linux-source-6.1 configured from `make tinyconfig` plus
# config.fragment (KASAN, lockdep, kmemleak, debugobjects, SLUB debug,
# fault injection, and just what a QEMU q35 guest needs).
#
# Usage: build.sh [--print] [--check-ng] [--boot-test]
#   (none)          build if not cached, then print the paths below
#   --print         only print the paths; exit 1 if not built yet
#   --check-ng      also (re)build v9fs-ng's modules against the kernel
#                   in a scratch copy of the project (the first build
#                   always does this once)
#   --boot-test     also boot the kernel once under QEMU TCG with a
#                   busybox initramfs: userspace reached, checker files
#                   in debugfs present, kernel 9P modules load/unload,
#                   one kmemleak scan (log: <key>/boot-test.log)
#
# Output on stdout, one KEY=VALUE a line (everything else goes to stderr):
#   V9DBG_KERNEL_RELEASE=6.1.192-v9dbg
#   V9DBG_KERNEL_IMAGE=<cache>/<key>/build/arch/x86/boot/bzImage
#   V9DBG_KERNEL_MODULES=<cache>/<key>/root/lib/modules/<release>
#   V9DBG_KERNEL_BUILD=<cache>/<key>/build   (make KDIR=<this> works)
#
# Cache: ${V9DBG_CACHE:-/var/cache/v9fs-ng/debug-kernel}/
#   src-<pkgver>/linux-source-6.1   pristine extracted source, shared
#   <pkgver>-<hash>/build           O= build directory (.config, vmlinux,
#                                   bzImage, Module.symvers)
#   <pkgver>-<hash>/root            modules_install staging root
#   <pkgver>-<hash>/build.log       full make output
#   <pkgver>-<hash>/done            written when everything succeeded
# <pkgver> is the installed linux-source-6.1 package version, <hash> the
# first 12 hex digits of sha256(the fragment's CONFIG_ lines + RECIPE
# below + gcc's version): changing a setting in the fragment (or the
# recipe, or gcc) builds a new kernel next to the old one.
# Heavy steps run under `nice -n 19 ionice -c3` with -j${JOBS:-2}.

set -euo pipefail

# Bump when the way the kernel is built changes (not the fragment).
RECIPE=1

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT=$(cd "$HERE/../../../.." && pwd)
FRAG=$HERE/config.fragment
CACHE=${V9DBG_CACHE:-/var/cache/v9fs-ng/debug-kernel}
TARBALL=/usr/src/linux-source-6.1.tar.xz
JOBS=${JOBS:-2}
NICE=(nice -n 19 ionice -c3)

mode=build check_ng=0 boot_test=0
for a in "$@"; do
	case $a in
	--print) mode=print ;;
	--check-ng) check_ng=1 ;;
	--boot-test) boot_test=1 ;;
	-h | --help)
		sed -n '3,/^$/s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	*)
		echo "build.sh: unknown argument $a" >&2
		exit 2
		;;
	esac
done

msg() { echo "debug-kernel: $*" >&2; }
die() {
	msg "ERROR: $*"
	exit 1
}

[[ -r $TARBALL ]] || die "$TARBALL missing (apt-get install linux-source-6.1)"
[[ -r $FRAG ]] || die "$FRAG missing"
PKGVER=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	die "linux-source-6.1 is not installed"
# Only the fragment's setting lines count: comment edits rebuild nothing.
HASH=$({
	grep -E '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set)' "$FRAG"
	echo "RECIPE=$RECIPE"
	gcc --version | head -n 1
} | sha256sum | cut -c1-12)
KEY=$PKGVER-$HASH
SRCTOP=$CACHE/src-$PKGVER
SRC=$SRCTOP/linux-source-6.1
OUT=$CACHE/$KEY
BUILD=$OUT/build
ROOT=$OUT/root
LOG=$OUT/build.log

print_paths() {
	local rel
	rel=$(cat "$BUILD/include/config/kernel.release")
	echo "V9DBG_KERNEL_RELEASE=$rel"
	echo "V9DBG_KERNEL_IMAGE=$BUILD/arch/x86/boot/bzImage"
	echo "V9DBG_KERNEL_MODULES=$ROOT/lib/modules/$rel"
	echo "V9DBG_KERNEL_BUILD=$BUILD"
}

# Every line of the fragment must be in the final .config exactly:
# "CONFIG_X=v" present, "# CONFIG_X is not set" means CONFIG_X= absent.
verify_config() {
	local cfg=$1 line sym bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			if ! grep -qxF -- "$line" "$cfg"; then
				sym=${line%%=*}
				msg "config: wanted $line, got: $(grep -E "^(# )?${sym}[= ]" "$cfg" || echo "absent (dependency missing)")"
				bad=1
			fi
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			if grep -q "^$sym=" "$cfg"; then
				msg "config: wanted $sym unset, got: $(grep "^$sym=" "$cfg")"
				bad=1
			fi
			;;
		esac
	done <"$FRAG"
	return $bad
}

check_ng_build() {
	local tmp rc=0 ko n=0
	tmp=$(mktemp -d /tmp/v9dbg-src.XXXXXX)
	msg "building v9fs-ng against $BUILD in $tmp (scratch copy of $PROJECT)"
	rsync -a --exclude .git --exclude '*.o' --exclude '*.ko' --exclude '*.mod' \
		--exclude '*.mod.c' --exclude '.*.cmd' --exclude Module.symvers \
		--exclude modules.order "$PROJECT/" "$tmp/"
	if "${NICE[@]}" make -C "$tmp" KDIR="$BUILD" -j"$JOBS" modules >"$OUT/ng-build.log" 2>&1; then
		# 6.1's modules.order names foo.ko (absolute for M= builds),
		# later kernels foo.o.
		while read -r ko; do
			ko=${ko%.o}
			ko=${ko%.ko}.ko
			[[ $ko == /* ]] || ko=$tmp/$ko
			if [[ -f $ko ]]; then
				n=$((n + 1))
			else
				msg "v9fs-ng: $ko missing after the build"
				rc=1
			fi
		done <"$tmp/modules.order"
		if ((rc == 0)); then
			msg "v9fs-ng: $n modules built against $(cat "$BUILD/include/config/kernel.release"):" \
				"$(sed -e 's/\.o$/.ko/' -e "s|^$tmp/||" "$tmp/modules.order" | tr '\n' ' ')"
			touch "$OUT/ng-check-ok"
		fi
	else
		rc=1
		msg "v9fs-ng failed to build against the debug kernel; tail of $OUT/ng-build.log:"
		tail -n 30 "$OUT/ng-build.log" >&2
	fi
	rm -rf "$tmp"
	return $rc
}

# PID 1 of the boot test's initramfs.
boot_test_init() {
	cat <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
up() { cut -d' ' -f1 /proc/uptime; }
echo "V9DBG: userspace reached at $(up) s, $(uname -r)"
for f in /sys/kernel/debug/kmemleak /sys/kernel/debug/failslab \
	/sys/kernel/debug/fail_page_alloc /sys/kernel/debug/fail_usercopy \
	/proc/lockdep /sys/kernel/debug/debug_objects/stats \
	/proc/self/fail-nth /proc/config.gz; do
	[ -e $f ] && echo "V9DBG: present $f" || echo "V9DBG: MISSING $f"
done
for fs in virtiofs fuse overlay ext4 tmpfs; do
	grep -qw $fs /proc/filesystems && echo "V9DBG: fs $fs" || echo "V9DBG: MISSING fs $fs"
done
for m in 9pnet 9pnet_fd 9pnet_virtio 9pnet_rdma 9p; do
	modprobe $m && echo "V9DBG: modprobe $m ok" || echo "V9DBG: MISSING modprobe $m"
done
grep -qw 9p /proc/filesystems && echo "V9DBG: fs 9p" || echo "V9DBG: MISSING fs 9p"
ok=1
for m in 9p 9pnet_rdma 9pnet_virtio 9pnet_fd 9pnet; do
	rmmod $m || { ok=0; echo "V9DBG: MISSING rmmod $m"; }
done
[ $ok = 1 ] && echo "V9DBG: module unload ok"
t=$(up)
echo scan >/sys/kernel/debug/kmemleak
echo "V9DBG: kmemleak scan took $t..$(up) s," \
	"$(grep -c 'unreferenced object' /sys/kernel/debug/kmemleak) objects reported"
dmesg | grep -E "KernelAddressSanitizer initialized|Lock dependency validator|kmemleak:|ODEBUG|BUG:|WARNING:|possible .* lock" | head -n 20
echo "V9DBG: done at $(up) s"
poweroff -f
EOF
}

run_boot_test() {
	local tmp rel log=$OUT/boot-test.log t0 t1 rc=0 want
	rel=$(cat "$BUILD/include/config/kernel.release")
	tmp=$(mktemp -d /tmp/v9dbg-boot.XXXXXX)
	mkdir -p "$tmp/root/bin" "$tmp/root/proc" "$tmp/root/sys" "$tmp/root/dev" \
		"$tmp/root/lib/modules"
	cp /bin/busybox "$tmp/root/bin/busybox"
	boot_test_init >"$tmp/root/init"
	chmod +x "$tmp/root/init"
	cp -a "$ROOT/lib/modules/$rel" "$tmp/root/lib/modules/"
	(cd "$tmp/root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$tmp/initramfs.gz"
	msg "boot test: QEMU q35 TCG, log $log"
	t0=$(date +%s)
	timeout 1800 "${NICE[@]}" qemu-system-x86_64 -machine q35,accel=tcg -cpu max \
		-m 3G -smp 2 -kernel "$BUILD/arch/x86/boot/bzImage" \
		-initrd "$tmp/initramfs.gz" -append 'console=ttyS0 panic=-1 loglevel=4' \
		-device virtio-rng-pci -nographic -no-reboot </dev/null >"$log" 2>&1 || rc=$?
	t1=$(date +%s)
	rm -rf "$tmp"
	grep -ao 'V9DBG:.*' "$log" >&2 || true
	msg "boot test: qemu exited with $rc after $((t1 - t0)) s"
	for want in "userspace reached" "present /sys/kernel/debug/kmemleak" \
		"present /sys/kernel/debug/failslab" "module unload ok" "done at"; do
		grep -q "V9DBG: $want" "$log" || {
			msg "boot test: no \"$want\" in $log"
			rc=1
		}
	done
	if grep -q "V9DBG: MISSING" "$log"; then
		rc=1
	fi
	return $rc
}

if [[ $mode == print ]]; then
	[[ -f $OUT/done ]] || {
		msg "not built yet ($OUT); run $0"
		exit 1
	}
	print_paths
	exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
	msg "another build.sh holds $CACHE/.lock; waiting"
	flock 9
fi

if [[ ! -f $OUT/done ]]; then
	t0=$(date +%s)
	msg "building debug kernel $KEY in $OUT (log: $LOG)"

	# 1. Pristine source, extracted once per package version.
	if [[ ! -f $SRC/Makefile ]]; then
		msg "extracting $TARBALL into $SRCTOP"
		rm -rf "$SRCTOP.tmp"
		mkdir -p "$SRCTOP.tmp"
		"${NICE[@]}" tar -xJf "$TARBALL" -C "$SRCTOP.tmp"
		rm -rf "$SRCTOP"
		mv "$SRCTOP.tmp" "$SRCTOP"
	fi

	# 2. Configuration: tinyconfig + fragment, then olddefconfig.
	mkdir -p "$BUILD"
	: >"$LOG"
	if [[ ! -f $BUILD/.config-ok ]]; then
		msg "configuring (tinyconfig + $(basename "$FRAG"))"
		rm -f "$BUILD/.config"
		{
			"${NICE[@]}" make -C "$SRC" O="$BUILD" tinyconfig
			(cd "$BUILD" && "${NICE[@]}" "$SRC/scripts/kconfig/merge_config.sh" -m -O . .config "$FRAG")
			"${NICE[@]}" make -C "$SRC" O="$BUILD" olddefconfig
		} >>"$LOG" 2>&1
		verify_config "$BUILD/.config" ||
			die "config.fragment does not survive olddefconfig (see above); fix the fragment"
		touch "$BUILD/.config-ok"
	fi

	# 3. Kernel image and modules.
	msg "compiling: make -j$JOBS bzImage modules (takes a while; tail -f $LOG)"
	tb=$(date +%s)
	if ! "${NICE[@]}" make -C "$SRC" O="$BUILD" -j"$JOBS" bzImage modules >>"$LOG" 2>&1; then
		tail -n 40 "$LOG" >&2
		die "kernel build failed; full log in $LOG"
	fi
	te=$(date +%s)

	# 4. Modules into a staging root (stripped).
	rm -rf "$ROOT"
	mkdir -p "$ROOT"
	"${NICE[@]}" make -C "$SRC" O="$BUILD" INSTALL_MOD_PATH="$ROOT" INSTALL_MOD_STRIP=1 \
		modules_install >>"$LOG" 2>&1 || die "modules_install failed; see $LOG"
	rel=$(cat "$BUILD/include/config/kernel.release")
	[[ -f $BUILD/arch/x86/boot/bzImage && -f $ROOT/lib/modules/$rel/modules.dep ]] ||
		die "bzImage or modules.dep missing after the build"
	# The build/source links point into the cache; keep them (M= builds
	# use V9DBG_KERNEL_BUILD anyway).

	t1=$(date +%s)
	{
		echo "key=$KEY release=$rel jobs=$JOBS host_cpus=$(nproc)"
		echo "compile_seconds=$((te - tb)) total_seconds=$((t1 - t0))"
		echo "finished=$(date -u +%FT%TZ) loadavg_at_end=$(cut -d' ' -f1-3 /proc/loadavg)"
	} >"$OUT/build-time.txt"
	touch "$OUT/done"
	msg "built $rel in $(((t1 - t0) / 60)) min $(((t1 - t0) % 60)) s"
	check_ng=1
	[[ -f $OUT/ng-check-ok ]] && check_ng=0
fi

rc=0
if ((check_ng)); then
	check_ng_build || rc=3
fi
if ((boot_test)); then
	run_boot_test || rc=4
fi
print_paths
exit $rc
