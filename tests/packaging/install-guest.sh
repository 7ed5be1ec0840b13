#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# Inside a guest booted with the kcp.ko that dkms built (tests/vm/run
# --module): that module works, then the one `make install` staged loads
# the way users load it, by name through modprobe and depmod's index, and
# through its netlink family's alias.
set -eu

# Sockets just closed hold the module until an RCU grace period ends.
unload() {
	tries=0
	until rmmod kcp 2>/dev/null; do
		tries=$((tries + 1))
		[ $tries -lt 50 ] || { echo "kcp.ko did not unload"; exit 1; }
		sleep 0.1
	done
}

grep -q '^kcp ' /proc/modules
/add/kcp_api_test socket_types echo_and_names seqpacket_boundaries
echo "ok   dkms's kcp.ko: socket API basics"

unload
dir=/lib/modules/$(uname -r)/updates
mkdir -p "$dir"
cp /add/kcp.ko* "$dir/"
depmod
modprobe kcp
grep -q '^kcp ' /proc/modules
/add/kcp_api_test echo_and_names
echo "ok   make install's kcp.ko: modprobe kcp, echo over a socket"

# A netlink tool resolving the "kcp" family loads the module by its alias
# (net-pf-16-proto-16-family-kcp), as `ip` and `wg` get theirs.
unload
! grep -q '^kcp ' /proc/modules
# the guest's modprobe is busybox's, in /bin; the kernel asks /sbin's
[ -x /sbin/modprobe ] || echo /bin/modprobe > /proc/sys/kernel/modprobe
if ! /add/genl ctrl get name kcp | grep -q 'Name: kcp' ||
   ! grep -q '^kcp ' /proc/modules; then
	echo "the kcp family did not load kcp.ko; the kernel's modprobe:" \
		"$(cat /proc/sys/kernel/modprobe), the alias:" \
		"$(grep kcp "/lib/modules/$(uname -r)/modules.alias")"
	exit 1
fi
echo "ok   resolving the kcp netlink family loads kcp.ko"
