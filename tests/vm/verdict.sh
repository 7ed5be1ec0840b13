# SPDX-License-Identifier: MIT OR GPL-2.0
# shellcheck shell=bash
# Sourced by tests/vm/run and tests/vm/mips/run: what a guest's kernel log
# says about the run, the same for every architecture.

# vm_boot LOG TIMEOUT QEMU [ARG]...: run QEMU, which writes the kernel log
# to LOG, for at most TIMEOUT seconds; the status is QEMU's (124 when the
# time ran out). Under TCG a kernel very rarely stops for good while it is
# still booting (seen once in a CI run: the debug kernel silent after its
# RCU self tests), before /init, kcp.ko or anything of ours has run. That
# is the emulator's trouble, not a result: a kernel that has not started
# /init within KCP_VM_BOOT_TIMEOUT seconds (default 240; a debug boot takes
# about 30) is stopped and booted again, at most twice, and says so.
vm_boot() {
	local log=$1 timeout=$2 boot_limit=${KCP_VM_BOOT_TIMEOUT:-240}
	local attempt pid waited status booted

	shift 2
	for attempt in 1 2 3; do
		: >"$log"
		timeout -k 10 "$timeout" "$@" &
		pid=$!
		waited=0
		booted=0
		while kill -0 "$pid" 2>/dev/null; do
			if grep -a -q 'Run /init as init process' "$log"; then
				booted=1
				break
			fi
			if [ $waited -ge "$boot_limit" ]; then
				kill "$pid"
				break
			fi
			sleep 1
			waited=$((waited + 1))
		done
		wait "$pid"
		status=$?
		# Finished (or died) on its own, or past the start of /init.
		[ $booted = 1 ] || [ $waited -lt "$boot_limit" ] && return $status
		echo "run: the guest kernel did not start /init within ${boot_limit}s" \
		     "(boot $attempt of 3)" >&2
		tail -n 3 "$log" | tr -d '\r' >&2
	done
	echo "run: giving up: three boots hung" >&2
	return 124
}

print_log() {
	local log=$1 kver=$2

	echo "---- kernel log ($kver) ----" >&2
	tr -d '\r' <"$log" >&2
	echo "---- end of kernel log ----" >&2
}

# vm_verdict LOG KVER TIMEOUT QEMU_STATUS VERBOSE: exit with the command's
# status, or 124 (hung) / 125 (the kernel reported trouble, or no status).
vm_verdict() {
	local log=$1 kver=$2 timeout=$3 qemu_status=$4 verbose=$5 trouble status

	if [ $qemu_status -eq 124 ] || [ $qemu_status -eq 137 ]; then
		print_log "$log" "$kver"
		echo "run: the guest did not finish within ${timeout}s" >&2
		exit 124
	fi
	# A kernel in trouble: WARN_ON, BUG, oops, hung task, SLUB's reports of
	# a corrupted or leaked object ("BUG kmalloc-64 (Tainted: ...): Right
	# Redzone overwritten"), and the debug kernel's detectors: lockdep
	# ("WARNING: possible circular locking dependency detected", recursive
	# locking, inconsistent lock state, suspicious RCU usage), sleeping in
	# atomic context ("BUG: sleeping function called..."), KASAN ("BUG:
	# KASAN: ..."), KFENCE, UBSAN, ODEBUG and list corruption, and
	# kmemleak's list, which tests/vm/init copies into the log (its own
	# "N new suspected memory leaks" line also comes from the scan of the
	# boot, whose finds are not ours). Anywhere in the log, a task dump
	# included; only "Call Trace:", which every task in a dump prints,
	# counts before the dump alone.
	trouble='WARNING:|(^|[^A-Z_])BUG[: ]|Oops|Kernel panic|general protection fault'
	trouble="$trouble|possible (circular|recursive) locking|inconsistent lock state"
	trouble="$trouble|suspicious RCU usage|sleeping function called from invalid context"
	trouble="$trouble|UBSAN:|KFENCE:|KASAN:|ODEBUG:|list_(add|del) corruption"
	trouble="$trouble|unreferenced object 0x|blocked for more than"
	if tr -d '\r' <"$log" | grep -a -q -E "$trouble" ||
	   sed '/sysrq: Show Blocked State/,$d' "$log" | grep -a -q 'Call Trace:'; then
		print_log "$log" "$kver"
		echo "run: the kernel reported an error:" >&2
		tr -d '\r' <"$log" | grep -a -E "$trouble" | head -n 5 >&2
		exit 125
	fi
	status=$(tr -d '\r' <"$log" | sed -n 's/^KCP_VM_EXIT=\([0-9]*\)$/\1/p' | tail -n 1)
	if [ -z "$status" ]; then
		print_log "$log" "$kver"
		echo "run: the guest stopped without reporting COMMAND's status (qemu exit $qemu_status)" >&2
		exit 125
	fi
	[ "$verbose" = 1 ] && print_log "$log" "$kver"
	exit "$status"
}
