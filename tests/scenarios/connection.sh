#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# The lifecycle extension between kcp.ko endpoints
# (tests/sockets/connection_test.c): the handshake, EOF after close() and
# shutdown(), resets, a flood of spoofed HELLOs. On loopback, then the
# end of the stream again through 5% loss and 5 ms of delay each way.
set -eu
/add/kcp_connection_test

tc=/sbin/tc
$tc qdisc add dev lo root netem delay 5ms loss 5%
trap '$tc qdisc del dev lo root 2>/dev/null || :' EXIT
/add/kcp_connection_test handshake eof_after_close half_close

# Every session those closed finishes: orphans deliver, wait for the
# peer's FIN, linger in TIME_WAIT and go (kcp.ko must unload after this)
$tc qdisc del dev lo root
i=0
while [ -n "$(kcpctl session | tail -n +2)" ]; do
	i=$((i + 1))
	[ $i -le 60 ] || { kcpctl session; echo "sessions left"; exit 1; }
	sleep 0.5
done
