#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh (make check): every test of v9fs-ng, user space and guest.
#
# After setup (scripts/setup.sh: apt-get only if something is missing),
# the steps of scripts/steps.conf, in its order; what each one checks is
# README.md's table "What make check runs". Each is a function step_NAME
# below (step_fn), also run for NAME@6.12 on the newest 6.12 kernel
# (scripts/kver.sh 6.12; v9fs-ng built in build/kRELEASE by
# scripts/ngbuild.sh).
#
# Every result is one line (PASS/FAIL/SKIP NAME); the last line printed is
# "N passed, N failed, N skipped", the one before it the whole run's
# wall time. Exit status 0 only if nothing failed. A step flagged bg in
# steps.conf runs in the background beside the host steps after it
# (bg_start, bg_join).
# Logs: build/logs/check-*; scratch and shares: build/check/.
#
# Environment: CHECK_ONLY="glob ..." runs only the named steps (e.g.
# CHECK_ONLY='build-W1 suite:*'); V9FS_TEST_TIMEOUT per selftest (300);
# SUITE_TIMEOUT per suite boot (1800); SUITE_BOOT_TESTS, most tests in
# one suite boot (36: suite:ng takes two, suite:ng/1-2 and suite:ng/3-7);
# SUITE_SPLIT=1 boots once per line of suites.conf (steps suite:MODS/N);
# RDMA_MODS, the rdma step's clients ("ng"; "ng kernel" with
# CHECK_KERNEL_61=1); CHECK_KERNEL_61=1 (make check-all sets it) adds
# the 6.1 kernel's own client, the reference, to suite:MODS and rdma
# (naming suite:kernel* in CHECK_ONLY does too: 6.12's runs always);
# VIRTIO_BIG_MIB, the virtio step's big file in MiB (1024, the issue's size);
# CHECK_612_SUITE, globs over MODS:VERSION:CACHE of suites.conf lines
# run on 6.12 ('*': all); CHECK_ALL=1 (make check-all) adds the steps
# of scripts/steps.conf flagged all-only;
# RUN_NG_MUST_BOOT=0 lets run-ng pass on a clean, fast failure to mount
# the root (the default, 1, requires a working root on v9fs-ng).
# V9FS_KERNEL=debug boots every guest on the debug kernel (vm-run
# --kernel debug; scripts/check-debug.sh sets it), CHECK_RES and
# CHECK_LOG_PREFIX move the scratch directory (build/check) and the log
# names (build/logs/check-*) so that such a run leaves make check's alone.

set -euo pipefail

PROJECT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$PROJECT"
BUILD=$PROJECT/build
LOGS=$BUILD/logs
RES=${CHECK_RES:-$BUILD/check}
LP=${CHECK_LOG_PREFIX:-check}
V9FS_KERNEL=${V9FS_KERNEL:-stock}
export V9FS_KERNEL
VMRUN=$PROJECT/tools/testing/vm/vm-run
# kernel_report(): what vm-run takes for a guest kernel's report
# shellcheck source=SCRIPTDIR/../tools/testing/vm/vm-lib.sh
. "$PROJECT/tools/testing/vm/vm-lib.sh"
SELFTESTS=tools/testing/selftests/filesystems/9p
SUITES=${SUITES:-$PROJECT/tools/testing/vm/suites.conf}
export V9FS_TEST_TIMEOUT=${V9FS_TEST_TIMEOUT:-300}
# t_readdir_big: entries in the big directory (each is a round trip or two)
V9FS_READDIR_COUNT=${V9FS_READDIR_COUNT:-1000}
# t_readdir_big host_made: entries of a directory made on the host (cheap
# there) at the root of each export whose tests include t_readdir_big
V9FS_HUGE_COUNT=${V9FS_HUGE_COUNT:-100000}
HUGE_DIR=v9fs-huge
SUITE_TIMEOUT=${SUITE_TIMEOUT:-1800}
# tests in one suite boot at most (whole suites.conf lines per boot)
SUITE_BOOT_TESTS=${SUITE_BOOT_TESTS:-36}
[[ $SUITE_BOOT_TESTS =~ ^[1-9][0-9]*$ ]] || { echo "SUITE_BOOT_TESTS must be a positive integer" >&2; exit 2; }
RUN_NG_MUST_BOOT=${RUN_NG_MUST_BOOT:-1}
CHECK_ONLY=${CHECK_ONLY:-}
# the 6.12 part: its suites.conf lines and guest steps (see there)
CHECK_612_SUITE=${CHECK_612_SUITE:-kernel:* ng:9p2000.L:none ng:9p2000.L:mmap ng:9p2000.L:readahead}
# Linux's own client on 6.1 (suites.conf's kernel line, rdma's kernel
# half) tests the reference, not v9fs-ng: in make check-all, or when
# CHECK_ONLY names suite:kernel; 6.12's own client (suite:kernel@6.12)
# is make check's reference
KERNEL_61=
[[ ${CHECK_KERNEL_61:-0} == 1 || " $CHECK_ONLY" == *" suite:kernel"* ]] && KERNEL_61=1

npass=0 nfail=0 nskip=0
failed=()
failed_why=()

record() {
	# record pass|fail|skip NAME [DETAIL]
	case $1 in
	pass) npass=$((npass + 1)); echo "PASS $2${3:+ ($3)}" ;;
	skip) nskip=$((nskip + 1)); echo "SKIP $2${3:+ ($3)}" ;;
	*)
		nfail=$((nfail + 1)); failed+=("$2"); echo "FAIL $2${3:+ ($3)}"
		failed_why+=("$2${3:+: $3}")
		;;
	esac
}

# Run step NAME? (CHECK_ONLY globs)
want() {
	local g
	[[ -z $CHECK_ONLY ]] && return 0
	for g in $CHECK_ONLY; do
		# shellcheck disable=SC2053
		[[ $1 == $g ]] && return 0
	done
	return 1
}
want_suites() {
	[[ -z $CHECK_ONLY || " $CHECK_ONLY" == *" suite"* || " $CHECK_ONLY" == *" *"* ]]
}
# any step on 6.12 (named STEP@6.12) wanted?
want_612() {
	local g
	[[ -z $CHECK_ONLY ]] && return 0
	for g in $CHECK_ONLY; do
		[[ $g == *@* || $g == \** ]] && return 0
	done
	return 1
}

# ktap_results PREFIX FILE: record every top-level KTAP/TAP result line
# of FILE as a test PREFIX/NAME.
ktap_results() {
	local prefix=$1 file=$2 line name rest
	while IFS= read -r line; do
		line=${line%$'\r'}
		if [[ $line =~ ^(not\ ok|ok)\ [0-9]+\ (-\ )?(.*)$ ]]; then
			rest=${BASH_REMATCH[3]}
			name=${rest%% \#*}
			if [[ ${BASH_REMATCH[1]} == "not ok" ]]; then
				record fail "$prefix/$name" "${rest#"$name"}"
			elif [[ $rest =~ \#\ *[Ss][Kk][Ii][Pp] ]]; then
				record skip "$prefix/$name" "${rest#"$name # "}"
			elif [[ $rest == *" # "* ]]; then
				record pass "$prefix/$name" "${rest#"$name # "}"
			else
				record pass "$prefix/$name"
			fi
		fi
	done <"$file"
}
ktap_count() {
	grep -cE '^(not ok|ok) [0-9]+ ' "$1" || true
}

# stuck_detail LOG: after a timeout, where the guest was: the command's
# last lines of output and what its watchdog saw waiting (processes in D
# state or in 9p code, their kernel stacks, the clients' counters), as
# comment lines, so that a CI log shows it without the console log.
stuck_detail() {
	local log=$1 out=${1%.log}.out
	if [[ -s $out ]]; then
		echo "#   the command's last output:"
		tr -d '\r' <"$out" | tail -n 8 | cut -c1-200 | sed 's/^/#     /'
	fi
	if tr -d '\r' <"$log" 2>/dev/null | grep -v '^v9vm-' |
		grep -m 6 -E 'blocked for more than|INFO: |BUG|WARNING|Oops|stall' >"$RES/stuck.tmp"; then
		echo "#   the guest kernel said:"
		cut -c1-200 "$RES/stuck.tmp" | sed 's/^/#     /'
	fi
	rm -f "$RES/stuck.tmp"
	if grep -q '^v9vm-watchdog: ' "$log" 2>/dev/null; then
		echo "#   the guest's watchdog, short of the limit:"
		tr -d '\r' <"$log" | awk '
			/^v9vm-watchdog: [0-9]+ / {
				keep = $3 == "D" || $4 ~ /9p|v9fs|p9_/
				if (keep) print
				next
			}
			/^v9vm-watchdog:     / { if (keep) print; next }
			/^v9vm-watchdog: [0-9]+\/(requests|fids|stats: inflight): / { print }
			/^v9vm-watchdog: (the command|end)/ { keep = 0; print }' |
			head -n 60 | cut -c1-200 | sed 's/^v9vm-watchdog: /#     /'
	else
		echo "#   no watchdog dump in $log (the guest did not reach it)"
	fi
}

# guest_verdict NAME RC LOG: a guest run's own failure, beyond its tests
guest_verdict() {
	local name=$1 rc=$2 log=$3
	case $rc in
	123)
		# the report's first lines in the result: CI keeps only the end
		record fail "$name" "guest kernel report: see $log: $(kernel_report "$log" |
			head -n 3 | cut -c1-120 | paste -sd'|')"
		;;
	124) record fail "$name" "timeout: see $log"; stuck_detail "$log" ;;
	125) record fail "$name" "harness failure: see $log" ;;
	*) return 1 ;;
	esac
}

# guest_step NAME LOGNAME OUT VM-RUN-ARGS...: one boot of vm-run (console
# log $LOGS/$LP-LOGNAME.log, output OUT) whose KTAP results are recorded
# as NAME/TEST; a kernel report, a timeout, a harness failure or a
# failing exit without a failed test fails NAME itself.
guest_step() {
	local name=$1 lname=$2 out=$3 rc
	shift 3
	"$VMRUN" --name "$LP-$lname" --quiet "$@" >"$out" 2>&1 && rc=0 || rc=$?
	ktap_results "$name" "$out"
	if ! guest_verdict "$name" "$rc" "$LOGS/$LP-$lname.log" &&
		[[ $rc != 0 ]] && ! grep -qE '^not ok ' "$out"; then
		record fail "$name" "exit $rc: see $out"
	fi
	return 0
}

# Time each step: "# took Ns" after it (the check must stay fast).
step_t=$SECONDS
took() {
	echo "#   ($1: $((SECONDS - step_t))s)"
	step_t=$SECONDS
}

mkdir -p "$LOGS"
rm -rf "$RES"
mkdir -p "$RES"
start=$(date +%s)

# ---- setup ------------------------------------------------------------------
if ! "$PROJECT/scripts/setup.sh" --quiet >"$LOGS/check-setup.log" 2>&1; then
	cat "$LOGS/check-setup.log"
	record fail setup "see $LOGS/check-setup.log"
	echo "$npass passed, $nfail failed, $nskip skipped"
	exit 1
fi
KVER=$("$PROJECT/scripts/kver.sh")
export KVER
echo "# v9fs-ng make check: kernel $KVER, logs in $LOGS"
took setup

# Lines "file:line:col: warning|error: ..." about our own sources (not the
# kernel's headers), and modpost's warnings, in a build log.
our_diagnostics() {
	tr -d '\r' <"$1" |
		grep -E "^($PROJECT/|\./)?(net|fs|include|drivers)/[^ :]+:[0-9]+(:[0-9]+)?: (warning|error):|^WARNING: modpost:|^ERROR: modpost:" || true
}

# build_diags NAME LOG: record NAME from the diagnostics of a finished build
build_diags() {
	local diags
	diags=$(our_diagnostics "$2")
	if [[ -z $diags ]]; then
		record pass "$1" "${3:-}"
	else
		echo "$diags" | head -n 20 | sed 's/^/  /'
		record fail "$1" "$(wc -l <<<"$diags") warnings: see $2"
	fi
}

# ---- build with W=1 -----------------------------------------------------------
# Always runs: every later step needs the modules (kbuilt: they built for
# the step's kernel; built: for 6.1). On 6.12 scripts/ngbuild.sh builds a
# copy of the sources in build/k$KVER, always with W=1.
built=0 kbuilt=0
step_build_W1() {
	local n=build-W1$KS log=$LOGS/check-build-W1.log
	kbuilt=0
	if [[ -n $KS ]]; then
		log=$BUILD/k$KVER.log
		if "$PROJECT/scripts/ngbuild.sh" "$KVER" >/dev/null 2>&1; then
			kbuilt=1
			want "$n" && build_diags "$n" "$log" "$KVER"
		elif want "$n"; then
			tail -n 20 "$log" | sed 's/^/  /'
			record fail "$n" "build failed: see $log"
		fi
	elif want "$n"; then
		if make -C "$PROJECT" W=1 >"$log" 2>&1; then
			build_diags "$n" "$log"
			kbuilt=1
		else
			tail -n 20 "$log" | sed 's/^/  /'
			record fail "$n" "build failed: see $log"
		fi
	else
		# concurrent runs (check-debug's streams) share the tree: one make at a time
		flock "$BUILD/check-build.lock" make -C "$PROJECT" >"$LOGS/check-build.log" 2>&1 && kbuilt=1
	fi
	[[ -n $KS ]] || built=$kbuilt
	want "$n" && took "$n"
	return 0
}

# ---- sparse -------------------------------------------------------------------
step_sparse() {
	local n=sparse$KS log=$LOGS/check-sparse.log
	want "$n" || return 0
	# W=1 as in build-W1: the same flags recompile nothing, C=2 checks all
	if [[ -n $KS ]]; then
		log=$BUILD/k$KVER.log
		if "$PROJECT/scripts/ngbuild.sh" "$KVER" C=2 >/dev/null 2>&1; then
			build_diags "$n" "$log"
		else
			record fail "$n" "make C=2 failed: see $log"
		fi
	elif make -C "$PROJECT" W=1 C=2 >"$log" 2>&1; then
		build_diags "$n" "$log"
	else
		tail -n 20 "$log" | sed 's/^/  /'
		record fail "$n" "make C=2 failed: see $log"
	fi
	took "$n"
}

# ---- user-space unit tests ------------------------------------------------------
step_unit() {
	local log p f rc summary
	want unit || return 0
	if [[ -f tools/testing/9p/Makefile ]]; then
		log=$LOGS/check-unit.log
		make -C tools/testing/9p check >"$log" 2>&1 && rc=0 || rc=$?
		# KTAP result lines count one by one; else a closing line
		# "N passed, N failed" counts as N tests; else the exit status
		ktap_results unit "$log"
		summary=$(grep -E '^([A-Za-z_-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
		if [[ $(ktap_count "$log") != 0 ]]; then
			if [[ $rc != 0 ]] && ! grep -qE '^not ok ' "$log"; then
				record fail unit "exit $rc: see $log"
			fi
		elif [[ $summary =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
			p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]}
			if [[ $rc == 0 && $f == 0 ]]; then
				npass=$((npass + p - 1))
				record pass unit "$p passed, 0 failed"
			else
				npass=$((npass + p))
				nfail=$((nfail + (f > 0 ? f - 1 : 0)))
				record fail unit "$p passed, $f failed, exit $rc: see $log"
			fi
		elif [[ $rc == 0 ]]; then
			record pass unit
		else
			record fail unit "exit $rc: see $log"
		fi
	else
		record skip unit "tools/testing/9p/Makefile not there yet"
	fi
	took unit
}

# ---- the selftests' C programs -----------------------------------------------------
selftests_built=0
step_selftests_build() {
	local log=$LOGS/check-selftests-build.log
	want selftests-build || want legacy || want_suites || return 0
	if flock "$BUILD/check-build.lock" make -C "$SELFTESTS" OUTPUT="$BUILD/selftests/9p" >"$log" 2>&1; then
		selftests_built=1
		if grep -qE ': (warning|error):' "$log"; then
			grep -E ': (warning|error):' "$log" | head -n 10 | sed 's/^/  /'
			record fail selftests-build "compiler warnings: see $log"
		else
			record pass selftests-build
		fi
	else
		tail -n 20 "$log" | sed 's/^/  /'
		record fail selftests-build "see $log"
	fi
	want selftests-build && took selftests-build
	return 0
}

# ---- guest steps that run on both kernels -------------------------------------------
# step_modload, step_virtio, step_fd, step_suites, step_run_kernel and
# step_run_ng run on the kernel $KVER: first on 6.1 (KS and KF empty),
# then again on 6.12 (the "6.12" part below: KVER is the 6.12 release,
# KS=@6.12 suffixes the step and result names, KF=-6.12 the log and
# scratch names, kbuilt says whether v9fs-ng built for that kernel).
KS='' KF='' kbuilt=0

# ---- guest: v9fs-ng's modules load, are ours, and unload -------------------------------
step_modload() {
	local n=modload$KS
	want "$n" || return 0
	if [[ $kbuilt == 1 ]]; then
		guest_step "$n" "modload$KF" "$RES/modload$KF.out" --mods ng --timeout 300 \
			--cmd tools/testing/vm/tests/modload.sh
	else
		record fail "$n" "not run: the build failed"
	fi
	took "$n"
}

# ---- guest: the harness notices a kernel oops ------------------------------------------
step_oops_harness() {
	local log=$LOGS/check-oops-harness.log out=$RES/oops-harness.out rc
	want oops-harness || return 0
	if ! make -C tools/testing/vm/oops >"$LOGS/check-oops-build.log" 2>&1; then
		record fail oops-harness "the oops module did not build: see $LOGS/check-oops-build.log"
	else
		"$VMRUN" --mods kernel --log "$log" --timeout 120 \
			--cmd 'insmod tools/testing/vm/oops/v9fs_oops.ko; echo "insmod exit $?"' \
			>"$out" 2>&1 && rc=0 || rc=$?
		if [[ $rc == 123 ]] && grep -qxF "guest kernel report: see $log" "$out" &&
			grep -q 'BUG: kernel NULL pointer dereference' "$log"; then
			record pass oops-harness "vm-run exit 123, report names $log"
		else
			record fail oops-harness "vm-run exit $rc, want 123 and the log path: see $out"
		fi
	fi
	took oops-harness
}

# ---- guest: the harness says where a guest that runs out of time was ------------------
# The guest's watchdog must dump its processes and the client's counters
# before the limit, kernel_report() must not take the dump for a report,
# and stuck_detail must show the command's last output and that dump.
step_timeout_harness() {
	local log=$LOGS/$LP-timeout-harness.log out=$RES/timeout-harness.out rc detail why
	want timeout-harness || return 0
	mkdir -p "$RES/share-timeout"
	"$VMRUN" --mods ng --log "$log" --timeout 100 --share "tt=$RES/share-timeout" \
		--cmd 'mkdir -p /run/tt && mount -t 9p -o trans=virtio,version=9p2000.L tt /run/tt &&
			ls /run/tt >/dev/null && echo "timeout-harness: mounted, now sleeping"; sleep 1000' \
		>"$out" 2>&1 && rc=0 || rc=$?
	detail=$(stuck_detail "$log")
	why=
	[[ $rc == 124 ]] || why+="vm-run exit $rc, want 124; "
	grep -q 'guest kernel report' "$out" && why+="the dump was taken for a kernel report; "
	# not anchored: the kernel's console lines may cut into the dump's;
	# not grep -q: under pipefail, tr's SIGPIPE when grep -q stops
	# early failed the pipeline (13 of 300 tries on a 4.8 KB log)
	tr -d '\r' <"$log" | grep -E 'v9vm-watchdog: [0-9]+ [A-Z] [^:]*: sleep 1000' >/dev/null ||
		why+="no watchdog line for the sleeping command; "
	grep -q 'timeout-harness: mounted, now sleeping' <<<"$detail" ||
		why+="the detail lacks the command's output; "
	grep -qE '^#     [0-9]+/requests: [0-9]+$' <<<"$detail" ||
		why+="the detail lacks the client's request count; "
	if [[ -z $why ]]; then
		record pass timeout-harness "vm-run exit 124, the watchdog's dump in $log"
	else
		echo "$detail"
		echo "#   the watchdog's dump as the console has it:"
		tr -d '\r' <"$log" | sed -n '/v9vm-watchdog: the command/,/v9vm-watchdog: end/p' |
			head -n 80 | cut -c1-200 | sed 's/^/#     /'
		record fail timeout-harness "${why%; }: see $out and $log"
	fi
	took timeout-harness
}

# ---- guest: the client core and virtio transport, without the fs --------------------------
# tools/testing/kclient drives 9pnet from a test module: both dialects,
# many threads, killed readers, a missing tag, plain 9P2000 refused, and
# hot removal of a device under a live client; counters back to zero.
step_kclient() {
	local out=$RES/kclient.out kcname=kclient rc
	want kclient || return 0
	[[ $LP == check ]] || kcname=$LP-kclient
	if [[ $built == 1 ]]; then
		KCLIENT_NAME=$kcname tools/testing/kclient/run.sh >"$out" 2>&1 && rc=0 || rc=$?
		if [[ $rc == 0 ]]; then
			record pass kclient
		else
			guest_verdict kclient "$rc" "$LOGS/$kcname.log" ||
				record fail kclient "exit $rc: see $out"
		fi
	else
		record fail kclient "not run: the build failed"
	fi
	took kclient
}

# ---- guest: the virtio transport through real mounts -----------------------------------
# tools/testing/vm/tests/virtio.sh: a missing tag, the negotiated msize
# (512000 and the transport's largest) in /proc/mounts, 64 threads
# reading and writing with every byte checked, a big file (VIRTIO_BIG_MIB,
# 512 MiB) at both msizes, and the PCI device of its own share removed
# under a busy mount.
step_virtio() {
	local n=virtio$KS vdir=$RES/virtio-share$KF
	want "$n" || return 0
	if [[ $kbuilt == 1 ]]; then
		rm -rf "$vdir" && mkdir -p "$vdir/vt" "$vdir/vrm"
		# init_on_free=1: a use of freed memory (the unbind test's
		# kick of a deleted virtqueue) oopses on the stock kernel too
		guest_step "$n" "virtio$KF" "$RES/virtio$KF.out" --mods ng --timeout 900 \
			--append init_on_free=1 \
			--share "vt=$vdir/vt" --share "vrm=$vdir/vrm" \
			--cmd "VIRTIO_BIG_MIB=${VIRTIO_BIG_MIB:-1024} tools/testing/vm/tests/virtio.sh vt $vdir/vt vrm"
		rm -rf "$vdir"
	else
		record fail "$n" "not run: the build failed"
	fi
	took "$n"
}

# ---- guest: the fd, tcp and unix transports --------------------------------------------
# tools/testing/9p-server/guest-tests.sh: our client over tcp, unix and
# fd against diod and the project's test server, and every fault mode
# of that server (drop, stall, bad tag, oversized, truncated, garbage,
# error storms, no Rflush); the VFS selftests over tcp and unix against
# diod (FD_SUITE_TCP / FD_SUITE_UNIX: which ones; KNOWN.md says why the
# others are left out), diod killed under 64 threads of I/O, and a peer
# that stops acknowledging (tcp_timeout).
FD_SUITE_TCP=${FD_SUITE_TCP:-t_smoke.sh,t_attr,t_errno,t_inode,t_io,t_lock,t_mmap,t_namespace,t_overlay_upper.sh,t_tmpfile,t_rename2,t_copy,t_handle}
FD_SUITE_UNIX=${FD_SUITE_UNIX:-t_smoke.sh,t_attr,t_errno,t_io}
# On 6.12 the transports run in full, the fault part not (below), and of
# the selftests over tcp and unix only those whose VFS paths differ there
# (overlay upper, tmpfile and rename emulation over diod): the others
# run over virtio on 6.12 (suite:ng@6.12) and over tcp on 6.1 ("full":
# the 6.1 lists, as make check-all sets).
FD_SUITE_TCP_612=${FD_SUITE_TCP_612:-t_smoke.sh,t_io,t_overlay_upper.sh,t_tmpfile,t_rename2}
FD_SUITE_UNIX_612=${FD_SUITE_UNIX_612:-t_smoke.sh}
# The fault part of guest-tests.sh (p9srv.py's fault modes, request
# timeouts and flushes, dead and silent servers) tests net/9p's error
# paths, which are the same code on 6.1 and 6.12 (include/net/9p/
# compat.h): on 6.12 only with FD_FAULTS_612=1 (make check-all).
FD_FAULTS_612=${FD_FAULTS_612:-0}
# p9srv.py's tcp, unix and fd mounts on 6.12 in these dialects (9P2000's
# and 9P2000.u's encoding is net/9p's too, and the legacy step and
# suite:ng's 9p2000.u line run them on 6.1); "full": as on 6.1
FD_VERSIONS_612=${FD_VERSIONS_612:-9p2000.L}
step_fd() {
	local n=fd$KS fdtmo
	local tcp=$FD_SUITE_TCP unix=$FD_SUITE_UNIX opts=
	want "$n" || return 0
	if [[ $KS == @6.12 ]]; then
		[[ $FD_SUITE_TCP_612 == full ]] || tcp=$FD_SUITE_TCP_612
		[[ $FD_SUITE_UNIX_612 == full ]] || unix=$FD_SUITE_UNIX_612
		[[ $FD_FAULTS_612 == 1 ]] || opts=--no-faults
		[[ $FD_VERSIONS_612 == full ]] || opts+=" --versions $FD_VERSIONS_612"
	fi
	if [[ $selftests_built != 1 ]] &&
		flock "$BUILD/check-build.lock" make -C "$SELFTESTS" OUTPUT="$BUILD/selftests/9p" \
			>"$LOGS/check-fd-selftests.log" 2>&1; then
		selftests_built=1
	fi
	# three debug guests on two cores took 6058 s of the 7200 s (x4) limit
	fdtmo=1800
	[[ $V9FS_KERNEL == debug ]] && fdtmo=2700
	if [[ $kbuilt == 1 ]]; then
		guest_step "$n" "fd$KF" "$RES/fd$KF.out" --mods ng --timeout "$fdtmo" \
			--cmd "V9FS_TEST_TIMEOUT=$V9FS_TEST_TIMEOUT tools/testing/9p-server/guest-tests.sh --quick $opts --bindir $BUILD/selftests/9p --suite tcp=$tcp --suite unix=$unix --kill tcp,unix"
	else
		record fail "$n" "not run: the build failed"
	fi
	took "$n"
}

# ---- guest: the selftests on plain 9P2000 ------------------------------------------------
# tools/testing/9p-server/legacy-suite.sh: p9srv.py in the guest serves a
# scratch directory over tcp, our client mounts it with version=9p2000,
# and run-suite.sh runs the selftests that make sense for the dialect.
step_legacy() {
	want legacy || return 0
	if [[ $built != 1 ]]; then
		record fail legacy "not run: the build failed"
	elif [[ $selftests_built != 1 ]]; then
		record fail legacy "not run: the selftests did not build"
	else
		guest_step legacy legacy "$RES/legacy.out" --mods ng --timeout 900 \
			--cmd "V9FS_MODS=ng tools/testing/9p-server/legacy-suite.sh --bindir $BUILD/selftests/9p"
	fi
	took legacy
}

# ---- guest: the rdma transport on soft-RoCE -------------------------------------------
# tools/testing/9p-rdma/guest-tests.sh: rxe on a veth pair inside the
# guest, diod behind the project's 9P RDMA gateway; our client's VFS
# selftests, smoke, load and fault tests, then the kernel's own
# 9pnet_rdma's smoke test and selftests against the same gateway (the
# reference); one result line each.
step_rdma() {
	local ko mods arg tmo
	want rdma || return 0
	if ! make -C tools/testing/9p-rdma >"$LOGS/check-rdma-build.log" 2>&1; then
		record fail rdma "the gateway did not build: see $LOGS/check-rdma-build.log"
	elif [[ $built != 1 ]]; then
		record fail rdma "not run: the build failed"
	else
		# the guest runs the C selftests from here (CHECK_ONLY=rdma too)
		[[ $selftests_built == 1 ]] ||
			flock "$BUILD/check-build.lock" make -C "$SELFTESTS" OUTPUT="$BUILD/selftests/9p" \
				>"$LOGS/check-rdma-selftests.log" 2>&1 ||
			record fail rdma/selftests-build "see $LOGS/check-rdma-selftests.log"
		# request_module("9p-rdma") for trans=rdma must find our module
		ko=net/9p/9pnet_rdma.ko
		if modinfo -F alias "$ko" 2>/dev/null | grep -qx 9p-rdma; then
			record pass rdma/modinfo-alias "$ko: alias 9p-rdma"
		else
			record fail rdma/modinfo-alias "$ko: no alias 9p-rdma ($(modinfo -F alias "$ko" 2>&1 | tr '\n' ' '))"
		fi
		for mods in ${RDMA_MODS:-ng ${KERNEL_61:+kernel}}; do
			arg=
			[[ $mods == kernel ]] && arg=kernel
			# the kernel's client has hung under a loaded host: bound it
			tmo=1500
			[[ $mods == kernel ]] && tmo=600
			guest_step "rdma-$mods" "rdma-$mods" "$RES/rdma-$mods.out" \
				--mods "$mods" --mem 2G --timeout "$tmo" \
				--cmd "tools/testing/9p-rdma/guest-tests.sh $arg"
		done
	fi
	took rdma
}

# ---- guest: the selftest suite, per suites.conf -------------------------------------------
# One boot per MODS value; each configuration gets a fresh host directory
# exported under two tags.
mods_order=()
declare -A suite_lines
ci=0
while read -r mods version cache msize model tests opts; do
	[[ -z ${mods:-} || $mods == \#* ]] && continue
	case $mods in ng | kernel) ;; *)
		record fail "suite:config" "suites.conf: bad MODS '$mods'"
		continue
		;;
	esac
	if [[ -z ${suite_lines[$mods]:-} ]]; then
		mods_order+=("$mods")
		suite_lines[$mods]=
	fi
	suite_lines[$mods]+="$ci $version $cache $msize $model $tests ${opts:--}"$'\n'
	ci=$((ci + 1))
done < <(sed -e 's/#.*//' "$SUITES")

# make_huge_dir DIR N: N entries in DIR, made on the host: mostly empty
# files, every 50th a directory, every 50th a symlink; names of 2 to 60
# bytes, some of them UTF-8, so that records straddle Rreaddir buffers.
make_huge_dir() {
	python3 - "$1" "$2" <<-'EOF'
	import os, sys
	d, n = sys.argv[1], int(sys.argv[2])
	os.makedirs(d, exist_ok=True)
	for i in range(n):
	    name = "e%d%s%s" % (i, "x" * (i % 50), "\u00e9\u4e2d" if i % 7 == 0 else "")
	    p = os.path.join(d, name)
	    if i % 50 == 1:
	        os.mkdir(p)
	    elif i % 50 == 2:
	        os.symlink("target", p)
	    else:
	        os.close(os.open(p, os.O_CREAT | os.O_WRONLY, 0o644))
	EOF
}

# suite_boot NAME MODS LINES: one boot running the configurations LINES
# (lines of suite_lines) with MODS' modules; results as MODS/CONFIG/TEST.
suite_boot() {
	local name=$1 mods=$2 lines=$3 tag=${1#suite:}
	local conf out ntests timeout rc i version cache msize model tests opts cname dir
	local shares=() small=()

	tag=${tag//[\/@]/-}
	conf=$RES/suite-$tag.conf
	: >"$conf"
	while read -r i version cache msize model tests opts; do
		[[ -n ${i:-} ]] || continue
		cname=$mods$KF-$i-${version#9p}-$cache
		dir=$RES/share-$cname
		mkdir -p "$dir"
		# OPTS word tmpfs=SIZE: the share is a tmpfs of SIZE (a full
		# server for t_enospc.sh); not a mount option
		if [[ ,$opts, == *,tmpfs=*,* ]]; then
			local size=${opts#*tmpfs=}
			size=${size%%,*}
			opts=$(sed -E "s/(^|,)tmpfs=[^,]*//; s/^,//" <<<"$opts")
			[[ -n $opts ]] || opts=-
			umount "$dir" 2>/dev/null || true
			if mount -t tmpfs -o "size=$size" tmpfs "$dir"; then
				small+=("$dir")
			else
				record fail "$name" "cannot mount a tmpfs on $dir"
			fi
		fi
		if [[ $tests == *t_readdir_big* ]]; then
			make_huge_dir "$dir/$HUGE_DIR" "$V9FS_HUGE_COUNT"
		fi
		shares+=(--share "s$i=$dir:$model" --share "s${i}b=$dir:$model")
		echo "name=$cname tag=s$i tag2=s${i}b hostdir=$dir version=$version cache=$cache msize=$msize model=$model tests=$tests opts=$opts" >>"$conf"
	done <<<"$lines"
	out=$RES/suite-$tag.out
	ntests=$("$SELFTESTS/run-suite.sh" --bindir "$BUILD/selftests/9p" -f "$conf" --list </dev/null | awk -F': ' '{ n += split($3, a, " ") } END { print n + 0 }')
	# a boot's limit: every test at its limit, but at most SUITE_TIMEOUT
	timeout=$((120 + ntests * V9FS_TEST_TIMEOUT))
	((timeout > SUITE_TIMEOUT)) && timeout=$SUITE_TIMEOUT
	echo "# $name: $ntests tests in $(wc -l <"$conf") configurations, one boot (log $LOGS/$LP-suite-$tag.log)"
	"$VMRUN" --mods "$mods" --name "$LP-suite-$tag" --timeout "$timeout" --quiet "${shares[@]}" \
		--cmd "V9FS_READDIR_COUNT=$V9FS_READDIR_COUNT V9FS_HUGE_DIR=$HUGE_DIR $SELFTESTS/run-suite.sh --timeout $V9FS_TEST_TIMEOUT --bindir $BUILD/selftests/9p -f $conf" \
		</dev/null >"$out" 2>&1 && rc=0 || rc=$?
	for dir in "${small[@]}"; do
		umount "$dir"
	done
	ktap_results "$mods$KS" "$out"
	if ! guest_verdict "$name" "$rc" "$LOGS/$LP-suite-$tag.log"; then
		if [[ $rc != 0 ]] && ! grep -qE '^not ok ' "$out"; then
			record fail "$name" "exit $rc: see $out"
		fi
	fi
}

# suite_packed NAME MODS LINES: LINES in as few boots as hold at most
# SUITE_BOOT_TESTS tests each (consecutive lines; one line is never
# split): one boot's hang then costs only its own tests' results. A MODS
# that fits in one boot keeps step NAME; otherwise the boots are steps
# NAME/FIRST-LAST (line numbers as in SUITE_SPLIT's steps).
suite_packed() {
	local name=$1 mods=$2 lines=$3
	local line i tests n t0 group= count=0 first= last= boots=() bnames=()

	while read -r line; do
		[[ -n $line ]] || continue
		read -r i _ _ _ _ tests _ <<<"$line"
		n=$(tr ',' '\n' <<<"$tests" | grep -c .)
		if [[ -n $group ]] && ((count + n > SUITE_BOOT_TESTS)); then
			boots+=("$group")
			bnames+=("$first${last/#-$first/}")
			group= count=0
		fi
		[[ -z $group ]] && first=$i
		group+=$line$'\n'
		count=$((count + n))
		# "-N", removed from a boot's name when it is "-FIRST"
		last=-$i
	done <<<"$lines"
	if [[ -n $group ]]; then
		boots+=("$group")
		bnames+=("$first${last/#-$first/}")
	fi
	if ((${#boots[@]} == 1)); then
		suite_boot "$name" "$mods" "${boots[0]}"
		return
	fi
	for i in "${!boots[@]}"; do
		t0=$SECONDS
		suite_boot "$name/${bnames[$i]}" "$mods" "${boots[$i]}"
		echo "#   ($name/${bnames[$i]}: $((SECONDS - t0))s)"
	done
}

# SUITE_SPLIT=1 (check-debug.sh's default): one boot per line of
# suites.conf, step suite:MODS/N (N counts all lines from 0; CHECK_ONLY
# suite:MODS still runs them all), so that no single boot of the slow
# debug kernel has to hold every configuration of MODS.
step_suites() {
	local mods name lines i rest t0 line key version cache g any=0 globs=()
	read -r -a globs <<<"$CHECK_612_SUITE"
	for mods in "${mods_order[@]}"; do
	name=suite:$mods$KS
	lines=${suite_lines[$mods]}
	if [[ -z $KS && $mods == kernel && -z $KERNEL_61 ]]; then
		want "$name" && echo "# $name: the 6.1 kernel's own client (the reference) only with CHECK_KERNEL_61=1 (make check-all)"
		continue
	fi
	if [[ -n $KS ]]; then
		# on 6.12 only the lines CHECK_612_SUITE names
		lines=
		while read -r line; do
			[[ -n $line ]] || continue
			read -r _ version cache _ <<<"$line"
			key=$mods:$version:$cache
			for g in "${globs[@]}"; do
				# shellcheck disable=SC2053
				if [[ $key == $g ]]; then
					lines+=$line$'\n'
					break
				fi
			done
		done <<<"${suite_lines[$mods]}"
		[[ -n $lines ]] || continue
	fi
	if [[ $mods == ng && $kbuilt != 1 ]]; then
		want "$name" && record fail "$name" "not run: the build failed"
		continue
	fi
	if [[ ${SUITE_SPLIT:-0} != 1 ]]; then
		want "$name" || continue
		any=1
		if [[ $selftests_built != 1 ]]; then
			record fail "$name" "not run: the selftests did not build"
			continue
		fi
		suite_packed "$name" "$mods" "$lines"
		continue
	fi
	while read -r i rest; do
		[[ -n ${i:-} ]] || continue
		want "$name" || want "$name/$i" || continue
		any=1
		if [[ $selftests_built != 1 ]]; then
			record fail "$name/$i" "not run: the selftests did not build"
			continue
		fi
		t0=$SECONDS
		suite_boot "$name/$i" "$mods" "$i $rest"
		echo "#   ($name/$i: $((SECONDS - t0))s)"
	done <<<"$lines"
	done
	[[ $any == 0 ]] || took "suites$KS"
}

# ---- guest: make run's root-on-9p boot ---------------------------------------------
# run-kernel proves the path (initramfs, -virtfs root, /mnt/host share)
# with the kernel's own 9p; run-ng is v9fs-ng's: until it mounts it must
# fail fast with "v9fs-ng: cannot mount root" (RUN_NG_MUST_BOOT=0).
marker="v9fs-ng-run-ok-$$"
probe="grep -q ' / 9p ' /proc/mounts && grep -q ' /mnt/host 9p ' /proc/mounts && test -f Makefile && echo $marker"
step_run_kernel() {
	local n=run-kernel$KS out=$RES/run-kernel$KF.out rc
	want "$n" || return 0
	MODS=kernel CMD="$probe" TIMEOUT=180 VM_LOG=$LOGS/$LP-run-kernel$KF.log \
		"$PROJECT/scripts/run.sh" >"$out" 2>&1 && rc=0 || rc=$?
	if [[ $rc == 0 ]] && grep -qx "$marker" "$out"; then
		record pass "$n"
	else
		guest_verdict "$n" "$rc" "$LOGS/$LP-run-kernel$KF.log" ||
			record fail "$n" "exit $rc: see $out"
	fi
	took "$n"
}
step_run_ng() {
	local n=run-ng$KS out=$RES/run-ng$KF.out share=$RES/run-ng-share$KF t0 rc ngprobe
	want "$n" || return 0
	if [[ $kbuilt != 1 ]]; then
		record fail "$n" "not run: the build failed"
	else
		t0=$(date +%s)
		# root on v9fs-ng: gcc (from the 9p root) compiles a program on
		# the 9p share, which then runs from there
		rm -rf "$share" && mkdir -p "$share"
		printf '#include <stdio.h>\nint main(void) { puts("hello from v9fs-ng"); return 0; }\n' >"$share/hello.c"
		ngprobe="grep -q ' / 9p ' /proc/mounts && grep -q ' /mnt/host 9p ' /proc/mounts && cd /mnt/host && gcc -O2 -o hello hello.c && ./hello | grep -qx 'hello from v9fs-ng' && echo $marker"
		MODS=ng SHARE=$share CMD="$ngprobe" TIMEOUT=300 RUN_NO_BUILD=1 VM_LOG=$LOGS/$LP-run-ng$KF.log \
			"$PROJECT/scripts/run.sh" >"$out" 2>&1 && rc=0 || rc=$?
		t0=$(($(date +%s) - t0))
		if [[ $rc == 0 ]] && grep -qx "$marker" "$out"; then
			record pass "$n" "root on v9fs-ng"
		elif [[ $RUN_NG_MUST_BOOT == 0 && $rc == 125 ]] &&
			grep -q '^v9fs-ng: cannot mount root: ' "$out"; then
			record pass "$n" "fails fast and cleanly (${t0}s): $(grep -m1 '^v9fs-ng: cannot mount root: ' "$out" | cut -c1-100)"
		else
			guest_verdict "$n" "$rc" "$LOGS/$LP-run-ng$KF.log" ||
				record fail "$n" "exit $rc: see $out"
		fi
	fi
	took "$n"
}

# ---- the same guest steps on 6.12 ------------------------------------------------------
# make check: modload, virtio, fd, run-ng and the suite lines that
# CHECK_612_SUITE names (globs over MODS:VERSION:CACHE of suites.conf):
# the kernel's own client in full (its 6.12 xfail list, KNOWN.md), and of
# v9fs-ng's lines cache=none (the big line: every VFS operation,
# locks, inotify, ACL-free xattrs, mount options), cache=mmap (POSIX ACLs
# and their revocation, the idmap and ACL wrappers of fs/9p/compat.h,
# shared mmap) and cache=readahead (the read path that is v9fs-ng's own
# on 6.12 and the netfs library's on 6.1), each on the one 9p2000.L
# line of that mode. The other ng lines (loose, writeback, fscache,
# 9p2000.u and the ENOSPC lines) run there only in make check-all
# (CHECK_612_SUITE='*', with CHECK_ALL=1 for run-kernel@6.12): make
# check's time is kept under ~50 minutes on two cores. Step names end in
# @6.12 (CHECK_ONLY='*@6.12' runs them all), logs in -6.12.
# CHECK_612_SUITE is set at the top.
K612=
# enter_612: the 6.12 part's kernel, once (K612, or a failure recorded)
enter_612() {
	[[ $K612 != none ]] || return 1
	[[ -z $K612 ]] || return 0
	if ! K612=$("$PROJECT/scripts/kver.sh" 6.12 2>"$RES/kver612.err"); then
		record fail 'build-W1@6.12' "no 6.12 kernel: $(cat "$RES/kver612.err")"
		K612=none
		return 1
	fi
}

# ---- guest (debug kernel only): fault injection ---------------------------------------
# tools/testing/vm/tests/fault-inject.sh: mount, umount, I/O and metadata
# with the 1st, 2nd, ... allocation failing (fail-nth) and with 1% (FI_PROB) of the
# test process's allocations failing; the mount keeps working or unmounts
# cleanly, the modules unload; vm-run fails the boot on any kernel report
# or kmemleak leak of ours. Needs the debug kernel's fault injection.
step_fault_inject() {
	local bin share
	want fault-inject || return 0
	if [[ $V9FS_KERNEL != debug ]]; then
		[[ -n $CHECK_ONLY ]] && record skip fault-inject "needs the debug kernel (make check-debug)"
		return 0
	fi
	bin=$BUILD/debug/fault-inject
	mkdir -p "$BUILD/debug"
	if [[ $built != 1 ]]; then
		record fail fault-inject "not run: the build failed"
	elif ! gcc -O2 -Wall -Wextra -Werror -o "$bin" tools/testing/vm/tests/fault-inject.c \
		>"$LOGS/$LP-fault-inject-build.log" 2>&1; then
		record fail fault-inject "the helper did not build: see $LOGS/$LP-fault-inject-build.log"
	else
		share=$RES/share-fault-inject
		rm -rf "$share" && mkdir -p "$share"
		guest_step fault-inject fault-inject "$RES/fault-inject.out" --mods ng --timeout 1800 \
			--share "fi=$share" --share "fi2=$share" \
			--cmd "FI_MAXN=${FI_MAXN:-400} FI_ROUNDS=${FI_ROUNDS:-15} FI_PROB=${FI_PROB:-1} tools/testing/vm/tests/fault-inject.sh $bin fi fi2 none loose"
	fi
	took fault-inject
}

# ---- host + guests: the DKMS package ---------------------------------------------------
# make dkms-deb's package installed on this host with dpkg -i and the real
# dkms, for every installed kernel of a supported series; a kernel the
# tree builds for (make KVER=REL: this check's kernel, others probed in
# build/dkms/probe-REL) must get it installed, any other is reported. A
# guest of each installed kernel (vm-run --mods host) loads the DKMS
# modules (tests/dkms.sh: srcversion) and moves data over 9p; then dpkg -r
# must leave nothing. Last of the steps, and the trap removes the package
# even on failure: while it is installed the host's own modprobe 9p, and
# --mods kernel guests, would load it.
dkms_restore() {
	local rel
	if dpkg-query -W -f='${Status}' v9fs-ng-dkms 2>/dev/null | grep -q 'ok installed\|half'; then
		dkms_dpkg -r v9fs-ng-dkms >>"$LOGS/$LP-dkms.log" 2>&1 || true
	fi
	if dkms status -m v9fs-ng 2>/dev/null | grep -q .; then
		dkms remove -m v9fs-ng --all >>"$LOGS/$LP-dkms.log" 2>&1 || true
	fi
	rm -rf /var/lib/dkms/v9fs-ng /usr/src/v9fs-ng-[0-9]*
	for rel in "${dkms_rels[@]}"; do
		if compgen -G "/lib/modules/$rel/updates/dkms/9p*.ko*" >/dev/null; then
			rm -f /lib/modules/"$rel"/updates/dkms/9p*.ko*
			depmod "$rel"
		fi
	done
	if [[ $dkms_mok == 0 ]]; then
		rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	fi
}
# dpkg, waiting up to 2 minutes for a lock somebody else holds
dkms_dpkg() {
	local i out
	for i in $(seq 24); do
		out=$(dpkg "$@" 2>&1) && { echo "$out"; return 0; }
		echo "$out"
		grep -q 'lock' <<<"$out" || return 1
		sleep 5
	done
	return 1
}
dkms_step() {
	local log=$LOGS/$LP-dkms.log ver deb d rel st probe out share h gh ok
	local -a expect=()
	dkms_rels=() dkms_mok=1
	: >"$log"
	if [[ $(id -u) != 0 ]]; then
		record skip dkms "installs a package: needs root"
		return
	fi
	command -v dkms >/dev/null || { record fail dkms "dkms missing (scripts/setup.sh)"; return; }
	if dpkg-query -W -f='${Status}' v9fs-ng-dkms 2>/dev/null | grep -q installed ||
		dkms status -m v9fs-ng 2>/dev/null | grep -q .; then
		record skip dkms "v9fs-ng is already in dkms on this host: left alone"
		return
	fi
	[[ -e /var/lib/dkms/mok.key ]] || dkms_mok=0
	for d in /lib/modules/*; do
		rel=${d##*/}
		[[ $rel =~ ^6\.(1|12)\. && -e $d/build/include ]] && dkms_rels+=("$rel")
	done
	ver=$(scripts/dkms-pkg.sh version)
	if ! deb=$(scripts/dkms-pkg.sh deb 2>>"$log"); then
		record fail dkms/deb "make dkms-deb failed: see $log"
		return
	fi
	record pass dkms/deb "${deb#"$PROJECT"/}"
	for rel in "${dkms_rels[@]}"; do
		if [[ $rel == "$KVER" ]]; then
			[[ $built == 1 ]] && expect+=("$rel")
			continue
		fi
		probe=$BUILD/dkms/probe-$rel
		scripts/dkms-pkg.sh src "$probe" >/dev/null &&
			make -C "$probe/v9fs-ng-$ver" KVER="$rel" >"$LOGS/$LP-dkms-probe-$rel.log" 2>&1 &&
			expect+=("$rel")
	done
	trap 'dkms_restore' EXIT
	trap 'dkms_restore; exit 130' INT TERM
	echo "# dpkg -i $deb" >>"$log"
	if dkms_dpkg -i "$deb" >>"$log" 2>&1; then
		record pass dkms/install "dpkg -i, kernels: ${dkms_rels[*]}"
	else
		record fail dkms/install "dpkg -i failed: see $log"
	fi
	for rel in "${dkms_rels[@]}"; do
		st=$(dkms status -m v9fs-ng -v "$ver" -k "$rel" 2>&1 || true)
		echo "# dkms status $rel: $st" >>"$log"
		if [[ $st != *": installed"* ]]; then
			if [[ " ${expect[*]} " == *" $rel "* ]]; then
				record fail "dkms/$rel" "not installed ($st) though the tree builds there: see $log"
			else
				record skip "dkms/$rel" "the tree does not build for $rel yet (make KVER=$rel fails); dkms: ${st:-none}"
			fi
			continue
		fi
		d=$(modinfo -k "$rel" -n 9p 2>&1 || true)
		if [[ $d == /lib/modules/$rel/updates/dkms/9p.ko* ]]; then
			record pass "dkms/$rel/installed" "modinfo -n 9p: $d"
		else
			record fail "dkms/$rel/installed" "modinfo -k $rel -n 9p: $d"
		fi
		share=$RES/dkms-share-$rel
		rm -rf "$share" && mkdir -p "$share"
		out=$RES/dkms-$rel.out
		KVER=$rel guest_step "dkms/$rel" "dkms-$rel" "$out" --mods host --timeout 300 \
			--share "dk=$share" --cmd "tools/testing/vm/tests/dkms.sh dk"
		gh=$(tr -d '\r' <"$out" | sed -n 's/^# sha256 \([0-9a-f]*\)$/\1/p' | tail -n 1)
		h=$( (sha256sum <"$share/data" || true) 2>/dev/null | cut -d' ' -f1)
		if [[ -n $gh && $h == "$gh" ]]; then
			record pass "dkms/$rel/host-data" "the host reads what the guest wrote"
		else
			record fail "dkms/$rel/host-data" "host sha256 '$h', guest '$gh'"
		fi
		rm -rf "$share"
	done
	echo "# dpkg -r v9fs-ng-dkms" >>"$log"
	dkms_dpkg -r v9fs-ng-dkms >>"$log" 2>&1 && rc=0 || rc=$?
	ok=
	[[ $rc == 0 ]] || ok+="dpkg -r exit $rc; "
	compgen -G "/lib/modules/*/updates/dkms/9p*.ko*" >/dev/null && ok+="updates/dkms/9p*.ko left; "
	compgen -G "/usr/src/v9fs-ng-*" >/dev/null && ok+="/usr/src/v9fs-ng-* left; "
	[[ -e /var/lib/dkms/v9fs-ng ]] && ok+="/var/lib/dkms/v9fs-ng left; "
	for rel in "${dkms_rels[@]}"; do
		d=$(modinfo -k "$rel" -n 9p 2>&1 || true)
		[[ $d == /lib/modules/$rel/kernel/fs/9p/9p.ko* ]] || ok+="$rel: modinfo -n 9p $d; "
	done
	if [[ -z $ok ]]; then
		record pass dkms/remove "nothing left; modinfo -n 9p is the kernel's own again"
	else
		record fail dkms/remove "${ok%; }: see $log"
	fi
	dkms_restore
	trap - EXIT INT TERM
}
step_dkms() {
	want dkms || return 0
	dkms_step
	took dkms
}

# ---- the step list itself -----------------------------------------------------------
# step_fn NAME: the function that runs step NAME of scripts/steps.conf
step_fn() {
	local f=${1%@6.12}
	f=${f/suite:MODS/suites}
	echo "step_${f//-/_}"
}
# README.md's table and the functions here follow scripts/steps.conf
step_steps() {
	local why= name fn readme names
	want steps || return 0
	names=$("$PROJECT/scripts/steps.sh" --names)
	readme=$(awk '/^## What `make check` runs/ { t = 1; next } /^## / { t = 0 }
		t && /^\| `/' README.md | cut -d'|' -f2 | grep -o '`[^`]*`' | tr -d '`')
	[[ $readme == "$names" ]] ||
		why+="README.md's table has $(echo $readme), scripts/steps.conf $(echo $names); "
	for name in $names; do
		fn=$(step_fn "$name")
		declare -F "$fn" >/dev/null || why+="no $fn for $name; "
	done
	if [[ -z $why ]]; then
		record pass steps "$(wc -w <<<"$names") steps"
	else
		record fail steps "${why%; }"
	fi
}

# ---- the steps, in the order of scripts/steps.conf ------------------------------------
# A 6.1 step sees KS and KF empty and kbuilt=$built; a NAME@6.12 step runs
# the same function on the 6.12 kernel (KVER its release, KS=@6.12 in
# result names, KF=-6.12 in log and scratch names, kbuilt whether
# v9fs-ng built for it). The debug kernel of make check-debug is a 6.1.
#
# A step flagged bg runs in the background, beside the host steps that
# follow it (a guest that mostly waits, a fuzzer on one core: the other
# core builds meanwhile): its output goes to $RES/bg-NAME.txt, and it is
# waited for, its lines printed and its results counted, before the next
# step that is not flagged host, and at the end. It must set nothing
# that a later step reads (built, kbuilt, selftests_built).
bg_pids=() bg_names=()
bg_start() {
	local name=$1 fn=$2 f=$RES/bg-$1
	# shellcheck disable=SC2030 # the subshell's own counts, read back by bg_join
	(
		npass=0 nfail=0 nskip=0 failed=() failed_why=() step_t=$SECONDS
		"$fn"
		bg_np=$npass bg_nf=$nfail bg_ns=$nskip bg_f=("${failed[@]}") bg_w=("${failed_why[@]}")
		declare -p bg_np bg_nf bg_ns bg_f bg_w >"$f.vars"
	) >"$f.txt" 2>&1 </dev/null &
	bg_pids+=($!)
	bg_names+=("$name")
}
bg_join() {
	local i t0=$SECONDS bg_np bg_nf bg_ns bg_f bg_w
	((${#bg_pids[@]})) || return 0
	for i in "${!bg_pids[@]}"; do
		wait "${bg_pids[$i]}" || true
		cat "$RES/bg-${bg_names[$i]}.txt"
		bg_f=() bg_w=()
		# written by bg_start; the subshell's counts come back only this way
		# shellcheck disable=SC1090,SC2031
		if [[ -s $RES/bg-${bg_names[$i]}.vars ]] && . "$RES/bg-${bg_names[$i]}.vars"; then
			npass=$((npass + bg_np)) nfail=$((nfail + bg_nf)) nskip=$((nskip + bg_ns))
			failed+=("${bg_f[@]}") failed_why+=("${bg_w[@]}")
		else
			record fail "${bg_names[$i]}" "the background step ended without its results: see $RES/bg-${bg_names[$i]}.txt"
		fi
	done
	echo "#   (waited $((SECONDS - t0))s for ${bg_names[*]}, run in the background)"
	bg_pids=() bg_names=()
	step_t=$SECONDS
}

kbuilt612=0
while read -r sname sflags; do
	[[ ,$sflags, != *,all-only,* || ${CHECK_ALL:-0} == 1 ]] || continue
	fn=$(step_fn "$sname")
	if ! declare -F "$fn" >/dev/null; then
		want "$sname" && record fail "$sname" "scripts/check.sh has no $fn"
		continue
	fi
	[[ ,$sflags, == *,host,* ]] || bg_join
	if [[ $sname != *@6.12 ]]; then
		kbuilt=$built
		if [[ ,$sflags, == *,bg,* ]] && want "$sname"; then
			bg_start "$sname" "$fn"
		else
			"$fn"
		fi
		continue
	fi
	[[ $V9FS_KERNEL != debug ]] && want_612 && enter_612 || continue
	saved_kver=$KVER
	KVER=$K612 KS=@6.12 KF=-6.12 kbuilt=$kbuilt612
	"$fn"
	kbuilt612=$kbuilt
	KVER=$saved_kver KS='' KF='' kbuilt=$built
done < <("$PROJECT/scripts/steps.sh")
bg_join

# the failures again, at the end where a CI log's tail still shows them
for why in "${failed_why[@]}"; do
	echo "# FAIL $why" | cut -c1-400
done
wall=$(($(date +%s) - start))
echo "# wall time: ${wall}s ($((wall / 60)) min $((wall % 60)) s)${failed:+; failed: ${failed[*]}}"
echo "$npass passed, $nfail failed, $nskip skipped"
[[ $nfail == 0 ]]
