#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# kcp.ko holds its address family slot, reports it, and can move it: a user
# who finds slot 19 taken loads it elsewhere with family=N. Impossible slots
# and slots already taken are refused at load time with nothing left behind.
set -eu

kcpctl status
kcpctl status | grep -qx 'family: 19'
kcpctl status | grep -qx 'socket(19, SOCK_STREAM): ok'

# a closed socket lets go of the module after an RCU grace period
unload() {
	for i in 1 2 3 4 5 6 7 8 9 10; do
		rmmod kcp 2>/dev/null && return 0
		sleep 0.1
	done
	rmmod kcp
}
unload
if kcpctl status; then
	echo "kcpctl status succeeded with kcp.ko unloaded"
	exit 1
fi

for bad in 0 -1 46 1000 2 10; do	# out of range, AF_INET, AF_INET6
	if insmod /lib/modules/kcp.ko family=$bad 2>/dev/null; then
		echo "insmod family=$bad was accepted"
		exit 1
	fi
	if grep -q '^kcp ' /proc/modules; then
		echo "insmod family=$bad failed but left kcp.ko loaded"
		exit 1
	fi
done

insmod /lib/modules/kcp.ko family=21
kcpctl status | grep -qx 'family: 21'
if ! kcpctl status | grep -qx 'socket(21, SOCK_STREAM): ok'; then
	kcpctl status || :
	echo "family=21: socket(21, SOCK_STREAM) does not reach kcp.ko"
	exit 1
fi
unload
insmod /lib/modules/kcp.ko
kcpctl status | grep -qx 'family: 19'
echo "family slot: registered, moved, bad slots refused"
