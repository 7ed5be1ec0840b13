#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# The socket API as a TCP user exercises it (tests/sockets/api_test.c):
# types, bad addresses and options rejected with TCP's errnos and no side
# effect, names, peek/waitall/timeouts, accept4 and epoll, message
# boundaries, 1000 sessions on one listener, a slow reader bounded by its
# buffer, a dead peer reported as ETIMEDOUT. On loopback.
set -eu
/add/kcp_api_test
