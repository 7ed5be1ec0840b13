#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# The socket's SO_MARK reaches its datagrams: in kcp-a, marked traffic is
# routed into a blackhole by a policy rule, so a marked sender gets nothing
# across while an unmarked one does. The marked sender, killed, leaves an
# orphan that still delivers once the rule is gone. (It is a stock client,
# --stock, so that its data is queued at once: a kcp.ko client's connect()
# would wait behind the blackhole for the listener's answer and be killed
# there with nothing queued.) A multi-homed server answers from the
# address its client sent to, the handshake's COOKIE included: kcp-b gets
# a second address in its subnet, whose replies the route alone would
# send from the first.
set -eu
. "$KCP_TOPOLOGY"
trap topology_down EXIT
topology_up

in_a /sbin/ip rule add fwmark 7 lookup 100 pref 10
in_a /sbin/ip route add blackhole "$KCP_B_IP4" table 100

head -c 4096 /dev/urandom >/tmp/src
listen() {	# listen SECONDS [ADDRESS]: bytes received, into /tmp/out
	rm -f /tmp/out
	in_b kcpcat -l -w "$1" -d -N 4096 -p fast3 "${2:-$KCP_B_IP4}" 9000 >/tmp/out \
		2>/dev/null || :
	wc -c </tmp/out
}
send() {	# send [kcpcat flags]: for at most 3 s, to $to (default kcp-b)
	sleep 0.3
	in_a timeout 3 kcpcat -p fast3 "$@" "${to:-$KCP_B_IP4}" 9000 </tmp/src \
		2>/dev/null || :
}

send & got=$(listen 5); wait
[ "$got" = 4096 ] || { echo "FAIL unmarked: $got of 4096 bytes"; exit 1; }
send --stock -m 7 & got=$(listen 5); wait
[ "$got" = 0 ] || { echo "FAIL SO_MARK 7 ignored: $got bytes crossed the blackhole"; exit 1; }
echo "ok   SO_MARK routes the datagrams (unmarked 4096 bytes, marked 0)"

in_a /sbin/ip rule del fwmark 7 lookup 100 pref 10
got=$(listen 10)
[ "$got" = 4096 ] || { echo "FAIL the killed sender's orphan delivered $got of 4096 bytes"; exit 1; }
echo "ok   the killed sender's data arrives once the route opens"

# The data would cross either way; what the client needs is the ACKs: it
# exits 0 only once the server has acknowledged everything.
in_b /sbin/ip addr add 10.99.0.3/24 dev veth-b
(sleep 0.3; status=0
 in_a timeout 4 kcpcat -p fast3 10.99.0.3 9000 </tmp/src 2>/dev/null || status=$?
 echo $status >/tmp/client_status) &
got=$(listen 6 0.0.0.0); wait
status=$(cat /tmp/client_status)
[ "$got" = 4096 ] && [ "$status" = 0 ] || {
	echo "FAIL the second address: $got of 4096 bytes, client exit $status" \
		"(acknowledged from the wrong address?)"
	exit 1
}
echo "ok   a listener on 0.0.0.0 answers from the address its client sent to"
