#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# kcp.ko talks to kcp-go, a KCP we did not write (Debian's package, built
# statically as tests/interop/kcpgo_peer), across the veth link with netem
# loss: kcp-go dialing a kcp.ko listener and kcp.ko dialing a kcp-go
# listener, stream and message mode, IPv4 and IPv6. Each side sends and
# checks 1 MiB. Then keepalive against kcp-go: a kcp.ko session probing
# every second outlives several idle periods while kcp-go answers, and
# fails with ETIMEDOUT within seconds of kcp-go being killed.
#
#   [kcp-a] dialer ---veth, 2% loss, 5 ms each way---> listener [kcp-b]
set -eu
. "$KCP_TOPOLOGY"
trap topology_down EXIT
topology_up
netem a delay 5ms loss 2%
netem b delay 5ms loss 2%

fmt() { case "$1" in *:*) echo "[$1]:$2" ;; *) echo "$1:$2" ;; esac; }

run() {	# run NAME LISTENER(kcp|go) ADDR MODE
	local name=$1 who=$2 addr=$3 mode=$4 port=$((30000 + $$ % 1000)) lpid

	if [ "$who" = kcp ]; then
		in_b /add/kcp_pattern_peer listen "$addr" $port --$mode &
		lpid=$!
		sleep 0.3
		in_a timeout 60 /add/kcpgo_peer --$mode dial "$(fmt "$addr" $port)"
	else
		in_b timeout 90 /add/kcpgo_peer --$mode listen "$(fmt "$addr" $port)" &
		lpid=$!
		sleep 0.5
		in_a timeout 60 /add/kcp_pattern_peer dial "$addr" $port --$mode
	fi
	wait $lpid
	echo "ok   $name"
}

run "kcp-go dials kcp.ko, stream, IPv4" kcp "$KCP_B_IP4" stream
run "kcp.ko dials kcp-go, stream, IPv4" go "$KCP_B_IP4" stream
run "kcp-go dials kcp.ko, message, IPv4" kcp "$KCP_B_IP4" message
run "kcp.ko dials kcp-go, message, IPv6" go "$KCP_B_IP6" message
run "kcp-go dials kcp.ko, stream, IPv6" kcp "$KCP_B_IP6" stream

# keepalive: kcp-go answers the probes (window probes, stock KCP) while it
# runs; killed after 6 s, the session ends 3 probes later
port=$((31000 + $$ % 1000))
in_b timeout 90 /add/kcpgo_peer --stream listen "$KCP_B_IP4:$port" &
go=$!
sleep 0.5
in_a /add/kcp_pattern_peer keepalive "$KCP_B_IP4" $port > /tmp/keepalive.out &
kcp=$!
sleep 6
killall kcpgo_peer 2>/dev/null || kill $(pidof kcpgo_peer)
wait $go 2>/dev/null || :
wait $kcp || { cat /tmp/keepalive.out; echo "keepalive: not ETIMEDOUT"; exit 1; }
cat /tmp/keepalive.out
lived=$(sed -n 's/.* lived \([0-9]*\)\..*/\1/p' /tmp/keepalive.out)
[ "$lived" -ge 5 ] && [ "$lived" -le 14 ] ||
	{ echo "keepalive: lived $lived s, want 5..14 (killed at 6)"; exit 1; }
echo "ok   keepalive detects a killed kcp-go peer (lived $lived s, killed at 6)"
