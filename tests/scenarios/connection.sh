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
