# SPDX-License-Identifier: MIT OR GPL-2.0
#
# Guest-side helpers for scenarios, sourced as ". $KCP_TOPOLOGY" inside the
# VM (tests/vm/run installs this file there).
#
#   +------ netns kcp-a ------+            +------ netns kcp-b ------+
#   |  veth-a                 |            |  veth-b                 |
#   |  10.99.0.1/24           |<---veth--->|  10.99.0.2/24           |
#   |  fd00:99::1/64          |            |  fd00:99::2/64          |
#   +-------------------------+            +-------------------------+
#
#   topology_up                 build the picture above (replacing any old one)
#   topology_down               remove it
#   in_a CMD... / in_b CMD...   run CMD inside namespace a / b
#   netem a|b NETEM-ARGS...     shape what leaves that side, e.g.
#                               netem a delay 20ms 5ms loss 5% reorder 10% duplicate 1%
#   netem_clear a|b             remove the shaping
#
# ip and tc are called by full path: busybox would otherwise run its own.

KCP_A_IP4=10.99.0.1
KCP_B_IP4=10.99.0.2
KCP_A_IP6=fd00:99::1
KCP_B_IP6=fd00:99::2

in_a() { /sbin/ip netns exec kcp-a "$@"; }
in_b() { /sbin/ip netns exec kcp-b "$@"; }

topology_down() {
	/sbin/ip netns delete kcp-a 2>/dev/null || :
	/sbin/ip netns delete kcp-b 2>/dev/null || :
}

topology_up() {
	topology_down
	/sbin/ip netns add kcp-a &&
	/sbin/ip netns add kcp-b &&
	/sbin/ip link add veth-a netns kcp-a type veth peer name veth-b netns kcp-b &&
	in_a /sbin/ip link set lo up &&
	in_b /sbin/ip link set lo up &&
	in_a /sbin/ip addr add "$KCP_A_IP4/24" dev veth-a &&
	in_b /sbin/ip addr add "$KCP_B_IP4/24" dev veth-b &&
	in_a /sbin/ip addr add "$KCP_A_IP6/64" dev veth-a nodad &&
	in_b /sbin/ip addr add "$KCP_B_IP6/64" dev veth-b nodad &&
	in_a /sbin/ip link set veth-a up &&
	in_b /sbin/ip link set veth-b up
}

netem() {
	local side=$1

	shift
	case "$side" in
	a | b) ;;
	*) echo "netem: side must be a or b" >&2; return 2 ;;
	esac
	/sbin/ip netns exec "kcp-$side" /sbin/tc qdisc replace dev "veth-$side" root netem "$@"
}

netem_clear() {
	/sbin/ip netns exec "kcp-$1" /sbin/tc qdisc del dev "veth-$1" root 2>/dev/null || :
}
