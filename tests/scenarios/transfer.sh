#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# Files cross the veth link over AF_KCP and arrive intact (SHA-256): 1 MiB
# on a clean link, then through netem on both sides (5% loss, 20 ms delay
# with 5 ms jitter, 10% reordering, 1% duplication) with the fast3
# profile: 64 MiB as a byte stream (SOCK_STREAM) over IPv4, and 16 MiB
# over IPv6 and as 64 KiB messages (SOCK_SEQPACKET) over both. A listener
# whose peer never comes gives up after 60 s. The bulk sender must batch
# its datagrams (UDP GSO, kcpi_gso_batches).
#
#   [kcp-a] kcpcat (connect) ---veth, netem on both sides---> kcpcat -l [kcp-b]
set -eu
. "$KCP_TOPOLOGY"
trap topology_down EXIT
topology_up

big=${SIZE:-67108864}
medium=$((big / 4))
head -c "$big" /dev/urandom >/tmp/in

transfer() {	# transfer NAME SIZE ADDR [kcpcat flags]
	local name=$1 size=$2 addr=$3 start end want got

	shift 3
	head -c "$size" /tmp/in >/tmp/src
	want=$(sha256sum </tmp/src)
	rm -f /tmp/out
	in_b kcpcat -l -w 60 -d -N "$size" "$@" "$addr" 9000 >/tmp/out &
	sleep 0.3
	start=$(date +%s)
	in_a timeout 300 kcpcat -v "$@" "$addr" 9000 </tmp/src 2>/tmp/sender.err
	wait $!
	end=$(date +%s)
	got=$(sha256sum </tmp/out)
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: $(wc -c </tmp/out) of $size bytes, sha256 differs"
		exit 1
	fi
	echo "ok   $name: $size bytes, sha256 matches ($((end - start)) s)"
}

transfer "stream, IPv4, clean" 1048576 "$KCP_B_IP4"
# a bulk sender hands the stack runs of datagrams at once (UDP GSO)
batches=$(sed -n 's/.*GSO batches \([0-9]*\).*/\1/p' /tmp/sender.err)
if [ "${batches:-0}" -eq 0 ]; then
	echo "FAIL the bulk sender batched nothing: $(cat /tmp/sender.err)"
	exit 1
fi
echo "ok   the bulk sender sent $batches UDP GSO batches"
transfer "message, IPv6, clean" 1048576 "$KCP_B_IP6" -u

netem a delay 20ms 5ms loss 5% duplicate 1% reorder 10%
netem b delay 20ms 5ms loss 5% duplicate 1% reorder 10%
transfer "stream, IPv4, lossy" "$big" "$KCP_B_IP4" -p fast3
transfer "stream, IPv6, lossy" "$medium" "$KCP_B_IP6" -p fast3
transfer "message, IPv4, lossy" "$medium" "$KCP_B_IP4" -u -p fast3
transfer "message, IPv6, lossy" "$medium" "$KCP_B_IP6" -u -p fast3
