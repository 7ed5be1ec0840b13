#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# The scenario topology works: two namespaces over veth, IPv4 and IPv6, and
# netem really shapes the link (the delay shows in ping's RTT, total loss
# cuts it). Every other scenario builds on this.
#
#   [kcp-a] veth-a 10.99.0.1 fd00:99::1 <---> veth-b 10.99.0.2 fd00:99::2 [kcp-b]
set -eu
. "$KCP_TOPOLOGY"
trap topology_down EXIT

topology_up
in_a ping -c 1 -W 2 "$KCP_B_IP4" >/dev/null
in_b ping -c 1 -W 2 "$KCP_A_IP4" >/dev/null
in_a ping6 -c 1 -W 2 "$KCP_B_IP6" >/dev/null
in_b ping6 -c 1 -W 2 "$KCP_A_IP6" >/dev/null

# 100 ms added on a's side: the round trip must take at least that long.
netem a delay 100ms
rtt=$(in_a ping -c 1 -W 3 "$KCP_B_IP4" | sed -n 's/.*time=\([0-9]*\).*/\1/p')
echo "rtt with 100ms netem delay: ${rtt}ms"
[ "$rtt" -ge 100 ]

netem a loss 100%
if in_a ping -c 2 -W 1 "$KCP_B_IP4" >/dev/null; then
	echo "ping got through 100% loss"
	exit 1
fi
netem_clear a
in_a ping -c 1 -W 2 "$KCP_B_IP4" >/dev/null
echo "topology ok: IPv4, IPv6, netem delay and loss"
