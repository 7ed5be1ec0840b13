#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# kcp.ko talks to kcp-go, a KCP we did not write (Debian's package, built
# statically as tests/interop/kcpgo_peer), across the veth link with netem
# loss: kcp-go dialing a kcp.ko listener and kcp.ko dialing a kcp-go
# listener, stream and message mode, IPv4 and IPv6. Each side sends and
# checks 1 MiB.
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
