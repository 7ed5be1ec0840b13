#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# What the namespace's settings and profiles do to sockets
# (tests/sockets/control_test.c), changed through libkcp as kcpctl does:
# the default profile, restrict_tunables for an unprivileged user, the
# idle timeout of accepted sessions, pending_max, the memory limit, the
# counters and aborting a session by id. On loopback, in the guest's own
# namespace.
set -eu
/add/kcp_control_test
