#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# What a hostile peer or user can make kcp.ko hold or do.
#
# tests/sockets/hostile_test.c, a UDP socket playing the peer on loopback:
# oversized segments and never-ending messages stay within SO_RCVBUF, a
# forged ACK changes nothing, empty messages fill the send buffer, no
# other user shares a listening port.
#
# tests/sockets/hostile_traffic.c, a raw socket forging datagrams from any
# address: every kind of malformed or forged segment beside a 64 MiB
# transfer (intact, each drop counted, slab memory back where it was), and
# a flood of spoofed first PUSHes at a listener while a client connects
# and transfers: 1,000,000 of them, 50,000 on the debug kernel, where
# KASAN makes each about twenty times as slow (and its quarantine leaves
# the memory bound to kmemleak's scan).
set -eu
/add/kcp_hostile_test
flood=1000000
[ -e /sys/kernel/debug/kmemleak ] && flood=50000
/add/kcp_hostile_traffic -n $flood
