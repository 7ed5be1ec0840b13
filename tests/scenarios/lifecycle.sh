#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# How sessions end (tests/sockets/lifecycle_test.c): close() delivers what
# was queued, SO_LINGER 0 drops it and a timeout waits, shutdown() as TCP,
# keepalive finds a silent peer and spares a live one, a port is bound
# again at once 100 times. On loopback, then close() delivering again
# through 5% loss and 5 ms of delay each way.
set -eu
/add/kcp_lifecycle_test

tc=/sbin/tc
$tc qdisc add dev lo root netem delay 5ms loss 5%
trap '$tc qdisc del dev lo root 2>/dev/null || :' EXIT
/add/kcp_lifecycle_test close_delivers
