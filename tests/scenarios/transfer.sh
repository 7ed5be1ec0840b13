#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# A file crosses the veth link over AF_KCP and arrives intact, on a clean
# link and then through netem loss, delay, jitter and duplication, over
# IPv4 and IPv6, in stream and message mode.
#
#   [kcp-a] kcpcat (connect) ---veth, netem on both sides---> kcpcat -l [kcp-b]
set -eu
. "$KCP_TOPOLOGY"
trap topology_down EXIT
topology_up

size=${SIZE:-1048576}
head -c "$size" /dev/urandom >/tmp/in
want=$(sha256sum </tmp/in)

transfer() {	# transfer NAME ADDR [kcpcat flags]
	local name=$1 addr=$2 start end got

	shift 2
	rm -f /tmp/out
	in_b kcpcat -l -d -N "$size" "$@" "$addr" 9000 >/tmp/out &
	sleep 0.3
	start=$(date +%s)
	in_a timeout 120 kcpcat "$@" "$addr" 9000 </tmp/in
	wait $!
	end=$(date +%s)
	got=$(sha256sum </tmp/out)
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: $(wc -c </tmp/out) of $size bytes, sha256 differs"
		exit 1
	fi
	echo "ok   $name: $size bytes, sha256 matches ($((end - start)) s)"
}

transfer "stream, IPv4, clean" "$KCP_B_IP4"
transfer "message, IPv4, clean" "$KCP_B_IP4" -u
transfer "stream, IPv6, clean" "$KCP_B_IP6"

netem a delay 20ms 5ms loss 5% duplicate 1% reorder 10%
netem b delay 20ms 5ms loss 5% duplicate 1%
transfer "stream, IPv4, 5% loss 20ms jitter dup reorder" "$KCP_B_IP4"
transfer "message, IPv6, 5% loss 20ms jitter dup reorder" "$KCP_B_IP6" -u
