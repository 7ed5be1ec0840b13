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

# A live socket pins the module; closing it lets go.

kcpcat -l -d 127.0.0.1 9999 &
pid=$!
sleep 0.3
if rmmod kcp 2>/dev/null; then
	echo "kcp.ko unloaded under a live socket"
	exit 1
fi
kill $pid
wait $pid 2>/dev/null || :
for i in 1 2 3 4 5 6 7 8 9 10; do
	rmmod kcp 2>/dev/null && break
	sleep 0.2
done
if grep -q '^kcp ' /proc/modules; then
	echo "kcp.ko still loaded 2 s after its last socket closed"
	exit 1
fi
insmod /lib/modules/kcp.ko
echo "ok   module pinned by a live socket, unloads after close"

# kcpcat refuses nonsense with a message and a non-zero status
if kcpcat -p nonsense 127.0.0.1 9 </dev/null 2>/tmp/err; then
	echo "kcpcat accepted an unknown profile"
	exit 1
fi
grep -q 'profile nonsense' /tmp/err
if kcpcat -N many 127.0.0.1 9 </dev/null 2>/tmp/err; then
	echo "kcpcat accepted -N many"
	exit 1
fi
if ! grep -q '^usage: kcpcat' /tmp/err; then
	cat /tmp/err
	echo "kcpcat refused -N many without saying how to use it"
	exit 1
fi
echo "ok   kcpcat rejects an unknown profile and a bad byte count"
