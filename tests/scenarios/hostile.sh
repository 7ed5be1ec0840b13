#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# What a hostile peer or user can make a socket hold
# (tests/sockets/hostile_test.c): oversized segments and never-ending
# messages stay within SO_RCVBUF, a forged ACK changes nothing, empty
# messages fill the send buffer. On loopback, a UDP socket playing the
# peer.
set -eu
/add/kcp_hostile_test
