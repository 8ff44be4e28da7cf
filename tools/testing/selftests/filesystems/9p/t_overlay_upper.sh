#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# overlayfs with its upper and work directories on 9p (a container's
# writable layer on a 9p share): the mount must succeed without falling
# back (no "does not support tmpfile / RENAME_WHITEOUT / xattr" in the
# kernel log), and a layer workload in the merged view (copy-up, delete
# of lower files and directories as whiteouts, an opaque directory made
# over a lower one, rename of a lower directory, an unpacked tarball and
# file churn) must leave the merged view exactly as the same workload
# does with a tmpfs upper, file by file (type, mode, size, contents,
# link target). Needs a server that stores device nodes as such: diod
# does; QEMU 7.2 does not (mapped-xattr stores them as regular files
# and readdir gives DT_UNKNOWN for them, passthrough fails 0:0 devices
# with ENXIO, none refuses them), so the QEMU lines skip, saying why.
. "$(dirname "$0")/lib.sh"

grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null
grep -qw overlay /proc/filesystems || skip_all "no overlayfs"
# What this server can hold of an overlay upper layer: whiteouts (0:0
# character devices that readdir reports as DT_CHR, which is how overlay
# finds them: QEMU's mapped-xattr stores devices as regular files and
# its readdir says DT_UNKNOWN), and overlay's xattrs (trusted.*, or user.* with
# the userxattr option: QEMU's mapped-xattr passes only user.* and ACL
# names). The reference upper (tmpfs, without user.* xattrs on 6.1) uses
# trusted.*; neither has redirect_dir or metacopy, so both views must be
# the same.
probe=$(python3 - <<-'EOF'
	import os, stat
	try:
	    os.mknod("wh-probe", stat.S_IFCHR | 0o600, os.makedev(0, 0))
	except OSError as e:
	    print("skip no 0:0 character devices (%s)" % e.strerror); raise SystemExit
	# the d_type readdir gives (DirEntry cannot tell DT_UNKNOWN from DT_CHR)
	import ctypes
	class Dirent(ctypes.Structure):
	    _fields_ = [("ino", ctypes.c_uint64), ("off", ctypes.c_int64),
	                ("reclen", ctypes.c_ushort), ("type", ctypes.c_ubyte),
	                ("name", ctypes.c_char * 256)]
	libc = ctypes.CDLL(None)
	libc.opendir.restype = ctypes.c_void_p
	libc.readdir.restype = ctypes.POINTER(Dirent)
	libc.readdir.argtypes = libc.closedir.argtypes = [ctypes.c_void_p]
	d, dtype = libc.opendir(b"."), None
	while True:
	    e = libc.readdir(d)
	    if not e:
	        break
	    if e.contents.name == b"wh-probe":
	        dtype = e.contents.type
	libc.closedir(d)
	os.unlink("wh-probe")
	if dtype != 2:  # DT_CHR
	    print("skip readdir gives d_type %s for a character device, overlay finds whiteouts by DT_CHR" % dtype); raise SystemExit
	os.mkdir("xa-probe")
	opt = None
	for name, o in (("trusted.overlay.probe", ""), ("user.overlay.probe", "userxattr,")):
	    try:
	        os.setxattr("xa-probe", name, b"y"); opt = o; break
	    except OSError:
	        pass
	os.rmdir("xa-probe")
	print("skip no trusted.* or user.* xattrs" if opt is None else "ok " + opt)
	EOF
)
case $probe in
"ok "*) OVL=${probe#ok } ;;
*) skip_all "this server cannot hold an overlay upper layer: ${probe#skip } (model ${V9FS_MODEL:-?})" ;;
esac
ktap_plan 6
ref=$(mktemp -d /run/t_ovu.XXXXXX)
trap 'umount "$ref/m" "$PWD/m" 2>/dev/null; rm -rf "$ref"' EXIT

# the lower layer, on tmpfs (as an image layer would be)
lower=$ref/lower
mkdir -p "$lower/etc/conf.d" "$lower/usr/lib/pkg" "$lower/var/empty" "$lower/opt/old"
echo hostname-lower >"$lower/etc/hostname"
echo conf >"$lower/etc/conf.d/a.conf"
echo conf2 >"$lower/etc/conf.d/b.conf"
for i in $(seq 1 30); do echo "lib $i" >"$lower/usr/lib/pkg/f$i"; done
ln -s ../usr/lib/pkg/f1 "$lower/etc/link"
echo keep >"$lower/opt/old/keep"

# workload MERGED: what a package manager and a container do to a layer
workload() {
	local m=$1
	echo changed >>"$m/etc/hostname"			# copy-up
	rm "$m/etc/conf.d/a.conf"				# whiteout
	rm -r "$m/usr/lib/pkg" && mkdir "$m/usr/lib/pkg"	# opaque dir
	echo new >"$m/usr/lib/pkg/only-upper"
	mv "$m/opt/old" "$m/opt/new"				# lower dir renamed
	echo added >"$m/opt/new/added"
	chmod 0700 "$m/var/empty"				# metadata copy-up
	mkdir -p "$m/srv/tree" && tar -C "$m/srv/tree" -xf "$ref/tree.tar"
	for i in $(seq 1 20); do				# churn
		echo "v$i" >"$m/srv/tree/churn.$((i % 5))"
		mv "$m/srv/tree/churn.$((i % 5))" "$m/srv/tree/churn.r$((i % 3))"
	done
	rm -rf "$m/srv/tree/sub/b"
	ln -sf /etc/hostname "$m/srv/link"
}

# a small tree to unpack, made here
mkdir -p "$ref/tree/sub/a" "$ref/tree/sub/b"
for i in $(seq 1 20); do
	head -c $((i * 97)) /dev/urandom >"$ref/tree/sub/a/blob$i"
	echo "$i" >"$ref/tree/sub/b/n$i"
done
tar -C "$ref/tree" -cf "$ref/tree.tar" .

# listing DIR: one line per file (path, type, mode; size and link target
# but for directories, whose size is the file system's own), then the
# checksums of the regular files; few processes, for slow guests
listing() {
	(cd "$1" && find . -mindepth 1 -printf '%p %y %m %s %l\n' |
		awk '$2 == "d" { print $1, $2, $3; next } { print }' | sort &&
		find . -type f -exec md5sum {} + | sort -k2)
}

# reference: tmpfs upper
mkdir -p "$ref/u" "$ref/w" "$ref/m"
mount -t overlay -o "lowerdir=$lower,upperdir=$ref/u,workdir=$ref/w" overlay "$ref/m" ||
	skip_all "overlay refused even a tmpfs upper"
workload "$ref/m"
listing "$ref/m" >"$ref/want"
umount "$ref/m"

# the same with the upper and work directories on 9p
mkdir -p u w m
mark="t_overlay_upper $$ $RANDOM"
echo "$mark" >/dev/kmsg 2>/dev/null
if mount -t overlay -o "${OVL}lowerdir=$lower,upperdir=$PWD/u,workdir=$PWD/w" overlay "$PWD/m"; then
	ktap_ok "overlay mounts with its upper layer on 9p"
else
	ktap_fail "overlay mounts with its upper layer on 9p"
	ktap_finish
fi
log=$(dmesg | sed -n "/$mark/,\$p")
if grep -E 'overlayfs: (upper fs does not support|upper fs needs|.*falling back)' <<<"$log"; then
	ktap_fail "overlay uses the upper layer without fallbacks (kernel log above)"
else
	ktap_ok "overlay uses the upper layer without fallbacks"
fi
if workload "$PWD/m"; then
	ktap_ok "the layer workload runs in the merged view"
else
	ktap_fail "the layer workload runs in the merged view"
fi
listing "$PWD/m" >"$ref/got"
if diff -u "$ref/want" "$ref/got"; then
	ktap_ok "merged view equals the tmpfs-upper reference, file by file"
else
	ktap_fail "merged view equals the tmpfs-upper reference, file by file"
fi
# what overlay stored on 9p: a whiteout and an opaque directory
wh=$(stat -c '%F %t:%T' u/etc/conf.d/a.conf 2>/dev/null)
check_eq "a deleted lower file is a 0:0 whiteout on the 9p upper" "$wh" "character special file 0:0"
umount "$PWD/m"
# after a fresh mount the merged view is the same
mount -t overlay -o "${OVL}lowerdir=$lower,upperdir=$PWD/u,workdir=$PWD/w" overlay "$PWD/m" &&
	listing "$PWD/m" >"$ref/again" && umount "$PWD/m"
check "a new overlay mount of the same layers shows the same view" diff -u "$ref/want" "$ref/again"
ktap_finish
