#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# Guest half of make demo: one file over a lossy link, by KCP and by TCP.
#
#   [kcp-a] kcpcat ---veth: 5% loss, 20 ms +-5 ms each way---> kcpcat -l [kcp-b]
set -eu
. "$KCP_TOPOLOGY"
trap topology_down EXIT
topology_up
size=$((8 * 1024 * 1024))
head -c $size /dev/urandom >/tmp/file
netem a delay 20ms 5ms loss 5%
netem b delay 20ms 5ms loss 5%

send() {	# send LABEL [kcpcat flags]
	local label=$1 t0 t1 ms

	shift
	in_b kcpcat -l -d -N $size "$@" "$KCP_B_IP4" 9000 >/tmp/got &
	sleep 0.3
	t0=$(cut -d' ' -f1 /proc/uptime)
	in_a kcpcat "$@" "$KCP_B_IP4" 9000 </tmp/file
	wait $!
	t1=$(cut -d' ' -f1 /proc/uptime)
	ms=$(awk "BEGIN { print int(($t1 - $t0) * 1000) }")
	cmp -s /tmp/file /tmp/got && ok="intact" || ok="CORRUPT"
	printf '  %-28s %6d ms  %6d KiB/s  %s\n' "$label" $ms \
		$((size / 1024 * 1000 / (ms ? ms : 1))) "$ok"
	[ "$ok" = intact ]	# a demo that delivered garbage must not look fine
}

echo "8 MiB from namespace a to b; 5% loss and 20 ms +-5 ms delay on each side:"
send "KCP (kcp.ko, fast3 profile)" -p fast3
send "TCP (kernel default cubic)" -t
