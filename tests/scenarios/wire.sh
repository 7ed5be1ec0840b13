#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# kcp.ko's datagrams are byte for byte those recorded from kcp.ko on
# x86-64 (tests/sockets/wire-x86_64.hex, made with `kcp_wire_test
# record`), and the recorded datagram is understood: the same check that
# proves a big-endian MIPS guest little-endian on the wire
# (tests/vm/mips/check). On loopback.
set -eu
/add/kcp_wire_test check /add/wire-x86_64.hex
