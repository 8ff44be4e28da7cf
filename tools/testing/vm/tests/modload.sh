#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest test (vm-run --mods ng): v9fs-ng's modules are the ones the guest
# loads, by name and by the aliases the kernel itself asks for, and they
# unload cleanly. KTAP output; exit 0 if nothing failed.
#
#   for each module of modules.order (9pnet, 9pnet_fd, 9pnet_virtio,
#   9pnet_rdma if built, 9p):
#     modprobe NAME loads updates/v9fs-ng/NAME.ko, lsmod shows it, and
#     its GNU build-id and srcversion in
#     /sys/module equals the one of the .ko in the build tree
#   the aliases request_module() uses (fs-9p, 9p-virtio, 9p-fd, 9p-tcp,
#   9p-unix, 9p-rdma) resolve to our files (skipped while a module does
#   not declare them yet)
#   rmmod of all of them, in reverse order, succeeds and leaves none

set -u
PROJECT=${V9FS_PROJECT:-$(cd "$(dirname "$0")/../../../.." && pwd)}
n=0 nfail=0

ok() { n=$((n + 1)); echo "ok $n $1${2:+ # $2}"; }
notok() { n=$((n + 1)); nfail=$((nfail + 1)); echo "not ok $n $1${2:+ # $2}"; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }

buildid_ko() { readelf -n "$1" 2>/dev/null | awk '/Build ID:/ { print $3; exit }'; }
buildid_sys() {
	# the .note.gnu.build-id note: 12-byte header, "GNU\0", then the id
	od -An -v -tx1 -j16 "/sys/module/$1/notes/.note.gnu.build-id" 2>/dev/null | tr -d ' \n'
}

# the tree the guest's modules were built in (vm-run --kernel debug: a copy)
NGDIR=${V9FS_NG_DIR:-$PROJECT}
mapfile -t kos < <(sed -e 's/\.o$/.ko/' -e "s|^\([^/]\)|$NGDIR/\1|" "$NGDIR/modules.order")
names=()
for ko in "${kos[@]}"; do
	m=${ko##*/}
	names+=("${m%.ko}")
done

echo "KTAP version 1"
echo "1..$((${#names[@]} + 2))"
echo "# kernel $(uname -r), modules: ${names[*]}"

for i in "${!names[@]}"; do
	m=${names[$i]}
	ko=${kos[$i]}
	why=
	file=$(modinfo -F filename "$m" 2>&1)
	[[ $file == */updates/v9fs-ng/$m.ko ]] || why+="modinfo finds '$file'; "
	if ! err=$(modprobe "$m" 2>&1); then
		why+="modprobe: $err; "
	elif ! grep -q "^$m " /proc/modules; then
		why+="not in lsmod; "
	else
		want=$(buildid_ko "$ko")
		got=$(buildid_sys "$m")
		[[ -n $want && $got == "$want" ]] || why+="build-id $got, build tree has $want; "
		# every module declares MODULE_VERSION, so modpost records one
		want=$(modinfo -F srcversion "$ko" 2>/dev/null)
		got=$(cat "/sys/module/$m/srcversion" 2>/dev/null)
		[[ -n $want && $got == "$want" ]] || why+="srcversion '$got', build tree has '$want'; "
	fi
	if [[ -z $why ]]; then
		ok "load $m" "$(lsmod | awk -v m="$m" '$1 == m { print $1 " " $2 " bytes" }')"
	else
		notok "load $m" "${why%; }"
	fi
done

# Aliases the kernel requests: fs-9p (mount -t 9p), 9p-<trans> (trans=).
why='' found=0
for a in fs-9p 9p-virtio 9p-fd 9p-tcp 9p-unix 9p-rdma; do
	path=$(modprobe --show-depends "$a" 2>/dev/null | awk '$1 == "insmod" { p = $2 } END { print p }')
	[[ -z $path ]] && continue
	found=$((found + 1))
	[[ $path == */updates/v9fs-ng/* ]] || why+="$a -> $path; "
done
if [[ $found == 0 ]]; then
	skip "aliases" "no module declares fs-9p or 9p-<transport> yet"
elif [[ -z $why ]]; then
	ok "aliases" "$found aliases resolve to v9fs-ng"
else
	notok "aliases" "${why%; }"
fi

why=
for ((i = ${#names[@]} - 1; i >= 0; i--)); do
	m=${names[$i]}
	[[ -d /sys/module/$m ]] || continue
	err=$(rmmod "$m" 2>&1) || why+="rmmod $m: $err; "
done
for m in "${names[@]}"; do
	[[ -d /sys/module/$m ]] && why+="$m still loaded; "
done
if [[ -z $why ]]; then
	ok "unload all"
else
	notok "unload all" "${why%; }"
fi

[[ $nfail == 0 ]]
