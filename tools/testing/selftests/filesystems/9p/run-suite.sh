#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-suite.sh: run the v9fs-ng selftests (t_* here) on 9p mounts, one
# configuration after the other, and print one KTAP result per test per
# configuration. Meant for a test guest (tools/testing/vm/vm-run), where it
# mounts the exported tags itself; --mounted runs on an existing mount.
#
# Usage: run-suite.sh [options] [-c CONFIG]... [-f FILE]...
#   -c CONFIG        one configuration: space-separated KEY=VALUE words
#   -f FILE          configurations, one a line ('#' comments)
#   --mounted DIR    one configuration on an already mounted DIR (no
#                    mount, umount or module unloading)
#   --bindir DIR     where the built C tests are (default: this directory;
#                    make OUTPUT=DIR puts them elsewhere)
#   --mnt-base DIR   mount points go below DIR (default /mnt/v9fs)
#   --timeout SECS   per test (default $V9FS_TEST_TIMEOUT or 600)
#   --client NAME    ng or kernel: whose 9p client (default $V9FS_MODS)
#   --no-unload      leave the 9p modules loaded at the end
#   --xfail FILE     expected failures (default: xfail.conf here, if any)
#   --list           print the tests each configuration would run
#
# CONFIG keys (defaults in brackets):
#   tag=TAG          9p mount tag (required unless mounted=)
#   tag2=TAG         a second tag exporting the same directory: mounted
#                    too, as V9FS_MNT2 (kernel 9p allows one mount per tag)
#   hostdir=DIR      the exported directory's host path; the guest sees
#                    the host's / read-only, so V9FS_HOSTDIR works
#   mounted=DIR      use this existing mount instead of tag=
#   name=NAME        label and mount point name [cN]
#   version=V        [9p2000.L]     cache=MODE   [none]
#   msize=BYTES      [client default]
#   opts=a,b=c       more mount options
#   model=MODEL      QEMU security model, for the record and for tests
#   tests=GLOB,...   which tests (names like t_io or t_smoke.sh) [t_*]
#
# Each test runs as root with cwd = a fresh empty directory on the mount
# and the V9FS_* environment of README; its output is indented (KTAP
# subtest), then "ok N NAME # CONFIG", "ok N NAME # SKIP CONFIG" (exit 4)
# or "not ok N NAME # CONFIG: why". A test whose every failing subtest is
# listed in the expected-failure file (xfail.conf: CLIENT VERSION CACHE
# MODEL TEST SUBTEST REASON, globs allowed) is "ok N NAME # XFAIL
# SUBTEST..." instead; a listed subtest that passes is shown as "# XPASS"
# (not a failure). A test that taints the kernel (oops,
# WARN, bad page, soft lockup) fails. A last result "cleanup" unmounts and
# unloads the 9p modules, which must go cleanly. Exit 0 if nothing failed.

set -uo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

SRCDIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
BINDIR=$SRCDIR
MNTBASE=/mnt/v9fs
TEST_TIMEOUT=${V9FS_TEST_TIMEOUT:-600}
CLIENT=${V9FS_MODS:-${V9FS_CLIENT:-kernel}}
UNLOAD=1
LIST=0
XFAIL=$SRCDIR/xfail.conf
configs=()
# oops (D), WARN (W), bad page (B), soft lockup (L)
TAINT_BAD=$((128 | 512 | 32 | 16384))
NINEP_MODULES="9p 9pnet_virtio 9pnet_fd 9pnet_rdma 9pnet_xen 9pnet"

usage() {
	sed -n '/^# Usage:/,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
	exit 2
}

while [[ $# -gt 0 ]]; do
	case $1 in
	-c) configs+=("$2"); shift ;;
	-f)
		while read -r line; do
			line=${line%%#*}
			[[ -n ${line// /} ]] && configs+=("$line")
		done <"$2"
		shift
		;;
	--mounted) configs+=("mounted=$2"); UNLOAD=0; shift ;;
	--bindir) BINDIR=$(readlink -f "$2"); shift ;;
	--mnt-base) MNTBASE=$2; shift ;;
	--timeout) TEST_TIMEOUT=$2; shift ;;
	--client) CLIENT=$2; shift ;;
	--no-unload) UNLOAD=0 ;;
	--xfail) XFAIL=$2; shift ;;
	--list) LIST=1 ;;
	-h | --help) usage ;;
	*) echo "run-suite.sh: unknown argument $1" >&2; usage ;;
	esac
	shift
done
[[ ${#configs[@]} -gt 0 ]] || { echo "run-suite.sh: no configuration" >&2; usage; }

# cfg_get CONFIG KEY DEFAULT
cfg_get() {
	local w
	for w in $1; do
		if [[ $w == "$2="* ]]; then
			echo "${w#*=}"
			return
		fi
	done
	echo "$3"
}

# All tests: built C tests and t_*.sh; a t_*.c without its binary is
# listed too (and fails as "not built").
all_tests() {
	local f n
	{
		for f in "$SRCDIR"/t_*.c; do
			[[ -e $f ]] || continue
			n=${f##*/}
			echo "${n%.c}"
		done
		for f in "$SRCDIR"/t_*.sh; do
			[[ -e $f ]] && echo "${f##*/}"
		done
	} | LC_ALL=C sort -u
}

# select_tests GLOBS: the tests matching any comma-separated glob.
select_tests() {
	local globs=$1 t g
	local -a gl
	IFS=, read -r -a gl <<<"$globs"
	for t in $(all_tests); do
		for g in "${gl[@]}"; do
			# shellcheck disable=SC2053
			if [[ $t == $g || $t.c == $g ]]; then
				echo "$t"
				break
			fi
		done
	done
}

# The running kernel's series (6.1, 6.12): a CLIENT field CLIENT@SERIES
# of the xfail file holds for that series only.
KSERIES=$(uname -r | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')

# xfail_reason CLIENT VERSION CACHE MODEL TEST SUBTEST: the reason of the
# first matching line of $XFAIL, or nothing (status 1).
xfail_reason() {
	local c v ca m t st reason client=$1
	[[ -r $XFAIL ]] || return 1
	while read -r c v ca m t st reason; do
		[[ -z ${c:-} || $c == \#* ]] && continue
		[[ $c == *@* ]] && client=$1@$KSERIES || client=$1
		# shellcheck disable=SC2053
		if [[ $client == $c && $2 == $v && $3 == $ca && $4 == $m &&
			$5 == $t && $6 == $st ]]; then
			echo "${reason:-expected}"
			return 0
		fi
	done <"$XFAIL"
	return 1
}

# xfail_check OUTFILE CLIENT VERSION CACHE MODEL TEST: sort the subtest
# results of a test's output. Sets xf_expected (failed, listed),
# xf_unexpected (failed, not listed) and xf_xpass (passed, listed).
xfail_check() {
	local out=$1 line name why
	shift
	xf_expected='' xf_unexpected='' xf_xpass=''
	while IFS= read -r line; do
		if [[ $line =~ ^not\ ok\ [0-9]+\ (-\ )?([^#]*[^#\ ]) ]]; then
			name=${BASH_REMATCH[2]}
			if why=$(xfail_reason "$@" "$name"); then
				xf_expected+="$name ($why); "
			else
				xf_unexpected+="$name "
			fi
		elif [[ ! $line =~ \#\ *[Ss][Kk][Ii][Pp] &&
			$line =~ ^ok\ [0-9]+\ (-\ )?([^#]*[^#\ ]) ]]; then
			name=${BASH_REMATCH[2]}
			xfail_reason "$@" "$name" >/dev/null && xf_xpass+="$name "
		elif [[ $line == "Bail out!"* ]]; then
			xf_unexpected+="(bailed out) "
		fi
	done <"$out"
	xf_expected=${xf_expected%; }
	return 0
}

test_path() {
	if [[ $1 == *.sh ]]; then
		echo "$SRCDIR/$1"
	else
		echo "$BINDIR/$1"
	fi
}

# Work out every configuration first: the plan must be known up front.
declare -a c_name c_tests c_desc c_mnt c_opts c_mounted
total=0
for i in "${!configs[@]}"; do
	cfg=${configs[$i]}
	name=$(cfg_get "$cfg" name "c$i")
	mounted=$(cfg_get "$cfg" mounted "")
	version=$(cfg_get "$cfg" version 9p2000.L)
	cache=$(cfg_get "$cfg" cache none)
	msize=$(cfg_get "$cfg" msize "")
	extra=$(cfg_get "$cfg" opts "")
	model=$(cfg_get "$cfg" model "")
	[[ $extra == - ]] && extra=
	[[ $msize == - ]] && msize=
	opts="trans=virtio,version=$version,cache=$cache${msize:+,msize=$msize}${extra:+,$extra}"
	c_name[i]=$name
	c_opts[i]=$opts
	c_mounted[i]=$mounted
	if [[ -n $mounted ]]; then
		c_mnt[i]=$mounted
		c_desc[i]="$CLIENT on $mounted"
	else
		c_mnt[i]=$MNTBASE/$name
		c_desc[i]="$CLIENT $version cache=$cache${msize:+ msize=$msize}${model:+ $model}${extra:+ $extra}"
	fi
	c_tests[i]=$(select_tests "$(cfg_get "$cfg" tests 't_*')" | tr '\n' ' ')
	n=$(wc -w <<<"${c_tests[$i]}")
	total=$((total + n))
	if [[ $LIST == 1 ]]; then
		echo "${c_name[$i]}: ${c_desc[$i]}: ${c_tests[$i]}"
	fi
done
[[ $LIST == 1 ]] && exit 0

any_mount=0
for i in "${!configs[@]}"; do
	[[ -z ${c_mounted[$i]} ]] && any_mount=1
done
[[ $any_mount == 1 ]] && total=$((total + 1))

echo "KTAP version 1"
echo "1..$total"

n=0 npass=0 nfail=0 nskip=0
result() {
	# result ok|fail|skip NAME COMMENT
	n=$((n + 1))
	case $1 in
	ok) npass=$((npass + 1)); echo "ok $n $2 # $3" ;;
	skip) nskip=$((nskip + 1)); echo "ok $n $2 # SKIP $3" ;;
	*) nfail=$((nfail + 1)); echo "not ok $n $2 # $3" ;;
	esac
}

taint() { cat /proc/sys/kernel/tainted 2>/dev/null || echo 0; }

# The harness's own operations on a mount get a test's bound too: one that
# hangs fails its test instead of stalling every test after it.
bounded() { timeout -k 10 "$TEST_TIMEOUT" "$@"; }

taint_letters() {
	local t=$1 s=
	((t & 32)) && s+=B
	((t & 128)) && s+=D
	((t & 512)) && s+=W
	((t & 16384)) && s+=L
	echo "$s"
}

outf=$(mktemp /run/v9fs-suite.XXXXXX 2>/dev/null || mktemp)
trap 'rm -f "$outf"' EXIT
mounted_here=()
for i in "${!configs[@]}"; do
	cfg=${configs[$i]}
	name=${c_name[$i]}
	desc=${c_desc[$i]}
	mnt=${c_mnt[$i]}
	opts=${c_opts[$i]}
	hostdir=$(cfg_get "$cfg" hostdir "")
	tag=$(cfg_get "$cfg" tag "")
	tag2=$(cfg_get "$cfg" tag2 "")
	mnt2=
	mount_err=

	echo "# config $name: $desc"
	if [[ -z ${c_mounted[$i]} ]]; then
		mkdir -p "$mnt"
		echo "# mount -t 9p -o $opts $tag $mnt"
		if [[ -z $tag ]]; then
			mount_err="no tag= in the configuration"
		elif ! mount_err=$(bounded mount -t 9p -o "$opts" "$tag" "$mnt" 2>&1); then
			mount_err=${mount_err:-mount failed}
		else
			mount_err=
			mounted_here+=("$mnt")
			if [[ -n $tag2 ]]; then
				mnt2=$mnt.2
				mkdir -p "$mnt2"
				if bounded mount -t 9p -o "$opts" "$tag2" "$mnt2" 2>/dev/null; then
					mounted_here+=("$mnt2")
				else
					echo "# second mount of $tag2 failed: V9FS_MNT2 unset"
					mnt2=
				fi
			fi
		fi
		[[ -n $mount_err ]] && echo "# mount failed: $mount_err"
	fi

	for t in ${c_tests[$i]}; do
		prog=$(test_path "$t")
		if [[ -n $mount_err ]]; then
			result fail "$t" "$desc: mount failed"
			continue
		fi
		if [[ ! -x $prog ]]; then
			result fail "$t" "$desc: $prog not built or not executable"
			continue
		fi
		if ! testdir=$(bounded mktemp -d "$mnt/$t.XXXXXX" 2>&1); then
			result fail "$t" "$desc: cannot make a test directory: $testdir"
			continue
		fi
		bounded chmod 755 "$testdir"
		base=${testdir##*/}
		before=$(taint)
		(
			cd "$testdir" || exit 1
			export V9FS_MNT=$mnt V9FS_TESTDIR=$testdir
			export V9FS_HOSTDIR=${hostdir:+$hostdir/$base}
			V9FS_CACHE=$(cfg_get "$cfg" cache none)
			V9FS_VERSION=$(cfg_get "$cfg" version 9p2000.L)
			V9FS_MODEL=$(cfg_get "$cfg" model "")
			V9FS_MSIZE=$(cfg_get "$cfg" msize "")
			[[ $V9FS_MSIZE == - ]] && V9FS_MSIZE=
			export V9FS_CLIENT=$CLIENT V9FS_OPTS=$opts
			export V9FS_CACHE V9FS_VERSION V9FS_MODEL V9FS_MSIZE
			if [[ -n $mnt2 ]]; then
				export V9FS_MNT2=$mnt2 V9FS_TESTDIR2=$mnt2/$base
				export V9FS_TAG2=$tag2
			fi
			exec timeout -k 10 "$TEST_TIMEOUT" "$prog" </dev/null
		) 2>&1 | tee "$outf" | sed -u 's/^/    /'
		rc=${PIPESTATUS[0]}
		xfail_check "$outf" "$CLIENT" "$(cfg_get "$cfg" version 9p2000.L)" \
			"$(cfg_get "$cfg" cache none)" "$(cfg_get "$cfg" model -)" "$t"
		[[ -n $xf_xpass ]] && echo "# XPASS $t: ${xf_xpass% } passed, listed in $XFAIL as expected to fail"
		after=$(taint)
		bad=$(((after & ~before) & TAINT_BAD))
		if ((bad)); then
			result fail "$t" "$desc: kernel tainted ($(taint_letters "$bad")) during the test"
			dmesg 2>/dev/null | tail -n 40 | sed 's/^/# dmesg: /'
		elif [[ $rc == 0 ]]; then
			result ok "$t" "$desc${xf_xpass:+ (XPASS ${xf_xpass% })}"
			bounded rm -rf "$testdir" 2>/dev/null
		elif [[ $rc == 1 && -n $xf_expected && -z $xf_unexpected ]]; then
			result ok "$t" "XFAIL $xf_expected: $desc${xf_xpass:+ (XPASS ${xf_xpass% })}"
			bounded rm -rf "$testdir" 2>/dev/null
		elif [[ $rc == 4 ]]; then
			result skip "$t" "$desc"
			bounded rm -rf "$testdir" 2>/dev/null
		elif [[ $rc == 124 || $rc == 137 ]]; then
			result fail "$t" "$desc: timed out after ${TEST_TIMEOUT}s"
		elif [[ -n $xf_expected ]]; then
			result fail "$t" "$desc: exit $rc, unexpected: ${xf_unexpected% } (expected: $xf_expected)"
		else
			result fail "$t" "$desc: exit $rc"
		fi
	done
done

if [[ $any_mount == 1 ]]; then
	why=
	for ((k = ${#mounted_here[@]} - 1; k >= 0; k--)); do
		m=${mounted_here[$k]}
		if ! err=$(bounded umount "$m" 2>&1); then
			why+="umount $m: $err; "
			umount -l "$m" 2>/dev/null
		fi
	done
	if [[ $UNLOAD == 1 ]]; then
		for m in $NINEP_MODULES; do
			[[ -d /sys/module/$m ]] || continue
			if ! err=$(rmmod "$m" 2>&1); then
				why+="rmmod $m: $err; "
			fi
		done
		left=
		for m in $NINEP_MODULES; do
			[[ -d /sys/module/$m ]] && left+="$m "
		done
		[[ -n $left ]] && why+="still loaded: $left; "
	fi
	if [[ -z $why ]]; then
		if [[ $UNLOAD == 1 ]]; then
			result ok cleanup "umount and unload the 9p modules"
		else
			result ok cleanup "umount"
		fi
	else
		result fail cleanup "${why%; }"
	fi
fi

echo "# Totals: pass:$npass fail:$nfail skip:$nskip"
[[ $nfail == 0 ]]
