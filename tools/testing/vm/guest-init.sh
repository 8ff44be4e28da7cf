#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 of a test guest, run from the host's own file system (read-only
# root over virtiofs or 9p) after the initramfs (initramfs-init) mounted
# tmpfs on the writable places, installed v9fs-ng's modules (--mods ng)
# and switched root.
#
# Reads the run description $RUN/env written by vm-run (RUN comes from
# v9vm_run= on the kernel command line), runs the one command as root
# with cwd = VM_CWD, and writes "V9FS_VM_EXIT=<status>" to the status
# port /dev/ttyS2 before powering off. The command's stdout and stderr go
# to /dev/ttyS1. Kept to a few exec()s: each costs ~0.1 s under TCG.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
umask 022

STATUS_PORT=/dev/ttyS2
OUT_PORT=/dev/ttyS1

log() { echo "v9vm: $*" >/dev/console; }

# After the command, with VM_KMEMLEAK=unload (vm-run --kernel debug):
# unmount what 9p mounts are left, unload the 9p modules (after writing
# where they were: kmemleak cannot name a frame of an unloaded module),
# make kmemleak scan twice (an object is reported only when two scans in
# a row found no reference to it) and copy its list to the console, where
# vm-run (kmemleak_report in vm-lib.sh) judges it. VM_KMEMLEAK=scan
# leaves the modules loaded (root on 9p). One scan of a debug guest takes
# tens of seconds under TCG.
kmemleak_check() {
	local f=/sys/kernel/debug/kmemleak name size addr m line

	[[ -e $f ]] ||
		mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	if [[ ! -w $f ]]; then
		echo "v9vm-kmemleak: unavailable ($f)" >/dev/console
		return 0
	fi
	if [[ $VM_KMEMLEAK == unload ]]; then
		umount -a -t 9p >/dev/console 2>&1
		while read -r name size _ _ _ addr _; do
			echo "v9vm-kmemleak-module: $name $addr $size"
		done </proc/modules >/dev/console
		for m in kclient 9p 9pnet_rdma 9pnet_virtio 9pnet_fd 9pnet_xen 9pnet; do
			grep -q "^$m " /proc/modules || continue
			rmmod "$m" >/dev/console 2>&1 ||
				echo "v9vm-kmemleak: unload failed: $m" >/dev/console
		done
	fi
	log "kmemleak: scanning"
	# a kmemleak that ran out of memory (its own allocations fail under
	# fault injection too) turns itself off and refuses to scan (EPERM):
	# an empty list then proves nothing
	if ! { echo scan >"$f" && echo scan >"$f"; } 2>/dev/null; then
		echo "v9vm-kmemleak: scan failed (kmemleak disabled?)" >/dev/console
	fi
	while IFS= read -r line; do
		echo "v9vm-kmemleak: $line"
	done <"$f" >/dev/console
	echo "v9vm-kmemleak-done" >/dev/console
}

# VM_WATCHDOG seconds after the command started (vm-run sets it a little
# short of its own hard limit), say what every process is waiting in, with
# the kernel stack of each blocked one and v9fs-ng's client counters, so
# that a run killed for its time shows where it was stuck. "v9vm-watchdog"
# lines are not kernel reports (kernel_report() skips them).
watchdog() {
	local p st comm wchan f

	sleep "$1" || return 0
	{
		echo "v9vm-watchdog: the command still runs after $1 s: its processes"
		for p in /proc/[0-9]*; do
			read -r st <"$p/stat" 2>/dev/null || continue
			# pid (comm) state ...: comm may hold spaces
			comm=${st#*(}
			comm=${comm%) *}
			st=${st##*) }
			st=${st%% *}
			# kernel threads (no command line) only when blocked
			f=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null | cut -c1-100)
			[[ -n $f || $st == D ]] || continue
			wchan=$(cat "$p/wchan" 2>/dev/null)
			echo "v9vm-watchdog: ${p#/proc/} $st ${wchan:-?}: ${f:-[$comm]}"
			if [[ $st == D ]]; then
				while read -r f; do
					echo "v9vm-watchdog:     $f"
				done <"$p/stack" 2>/dev/null
			fi
		done
		[[ -d /sys/kernel/debug/9pnet ]] ||
			mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
		for f in /sys/kernel/debug/9pnet/*/*; do
			[[ -f $f ]] || continue
			while read -r st; do
				echo "v9vm-watchdog: ${f#/sys/kernel/debug/9pnet/}: $st"
			done <"$f" 2>/dev/null
		done
		echo "v9vm-watchdog: end"
	} >/dev/console 2>&1
}

finish() {
	local rc=$1 taint=0

	read -r taint </proc/sys/kernel/tainted
	echo "V9FS_VM_TAINT=$taint" >"$STATUS_PORT"
	echo "V9FS_VM_EXIT=$rc" >"$STATUS_PORT"
	# once a loaded host's run lost the status port's lines: vm-run
	# falls back to this copy on the console
	echo "v9vm-status: V9FS_VM_TAINT=$taint V9FS_VM_EXIT=$rc" >/dev/console
	sync
	/bin/busybox poweroff -f
	echo o >/proc/sysrq-trigger
	sleep 60
}

# PID 1 must never exit: anything unexpected still powers off.
trap 'finish 125' ERR
set -u

RUN=
read -r -a args </proc/cmdline
for arg in "${args[@]}"; do
	case $arg in
	v9vm_run=*) RUN=${arg#v9vm_run=} ;;
	esac
done
if [[ -z $RUN || ! -r $RUN/env ]]; then
	log "no run description (v9vm_run=$RUN)"
	finish 125
fi
# shellcheck source=/dev/null
. "$RUN/env"
trap - ERR

export V9FS_MODS=$VM_MODS V9FS_PROJECT=$VM_PROJECT V9FS_SHARES=$VM_SHARES
# stock or debug; where the loaded v9fs-ng modules were built
export V9FS_KERNEL=${VM_KERNEL:-stock} V9FS_NG_DIR=${VM_NG_DIR:-$VM_PROJECT}
export TERM=${VM_TERM:-dumb}
# how many times slower than the stock kernel (vm-run's
# V9FS_DEBUG_SLOWDOWN on the debug kernel): tests scale fixed time bounds
export V9FS_SLOWDOWN=${VM_SLOWDOWN:-1}
if [[ -n $VM_SETUP ]]; then
	setup_out=$OUT_PORT
	[[ $VM_INTERACTIVE == 1 ]] && setup_out=/dev/ttyS0
	if ! (cd "$VM_PROJECT" && bash -c "$VM_SETUP") </dev/null >"$setup_out" 2>&1; then
		echo "v9fs-ng: guest setup failed: $VM_SETUP" >"$setup_out"
		log "setup command failed: $VM_SETUP"
		finish 125
	fi
fi
if ! cd "$VM_CWD"; then
	log "cannot cd to $VM_CWD"
	finish 125
fi
if [[ $VM_INTERACTIVE == 1 ]]; then
	[[ -n ${VM_STTY:-} ]] && stty -F /dev/ttyS0 $VM_STTY 2>/dev/null
	echo "v9vm: interactive shell; exit (or Ctrl-D) powers the guest off" >/dev/ttyS0
	setsid --ctty --wait bash -l </dev/ttyS0 >/dev/ttyS0 2>&1
	rc=$?
else
	wd_pid=
	if [[ ${VM_WATCHDOG:-0} -gt 0 ]]; then
		watchdog "$VM_WATCHDOG" </dev/null &
		wd_pid=$!
	fi
	bash -c "$VM_CMD" </dev/null >"$OUT_PORT" 2>&1
	rc=$?
	[[ -n $wd_pid ]] && kill "$wd_pid" 2>/dev/null
fi
cd /
case ${VM_KMEMLEAK:-} in unload | scan) kmemleak_check ;; esac
finish "$rc"
