#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# The lifecycle extension between kcp.ko endpoints
# (tests/sockets/connection_test.c): the handshake, EOF after close() and
# shutdown(), resets, a flood of spoofed HELLOs. On loopback, then the
# end of the stream again through 5% loss and 5 ms of delay each way.
# Last, a namespace deleted under live and orphaned sessions: it goes
# once they do (and kcp.ko unloads after it, which the harness checks).
set -eu
/add/kcp_connection_test

tc=/sbin/tc
$tc qdisc add dev lo root netem delay 5ms loss 5%
trap '$tc qdisc del dev lo root 2>/dev/null || :' EXIT
/add/kcp_connection_test handshake eof_after_close half_close

# Every session those closed finishes: orphans deliver, wait for the
# peer's FIN, linger in TIME_WAIT and go (kcp.ko must unload after this)
$tc qdisc del dev lo root
i=0
while [ -n "$(kcpctl session | tail -n +2)" ]; do
	i=$((i + 1))
	[ $i -le 60 ] || { kcpctl session; echo "sessions left"; exit 1; }
	sleep 0.5
done

# A namespace deleted with live sessions and orphans in it: kcp-a's
# clients are killed while their peer cannot be reached (their sessions
# become orphans that cannot deliver), one more session stays open, and
# the namespace is deleted. Its orphans give up after kcp-a's orphan
# timeout, the namespace's exit finds nothing left (a WARN otherwise).
. "$KCP_TOPOLOGY"
topology_up
# 3 s: long enough for wait_for to see the orphan on the debug kernel,
# where each kcpctl takes a good part of a second (1 s missed it once),
# short enough to be over by the time the harness unloads kcp.ko
in_a kcpctl set orphan_timeout 3000
in_b kcpctl set orphan_timeout 3000	# its sessions' peers go with kcp-a
in_b kcpcat -l -d "$KCP_B_IP4" 9100 >/dev/null &
in_b kcpcat -l -d "$KCP_B_IP4" 9101 >/dev/null &
sleep 0.5
in_a sh -c 'echo $$ >/tmp/sender.pid; exec kcpcat -d "$0" 9100' "$KCP_B_IP4" &
in_a kcpcat -d "$KCP_B_IP4" 9101 &
# wait_for N STATE: until kcp-a has N sessions in STATE (10 s at most)
wait_for() {
	local i=0

	while [ "$(in_a kcpctl session state "$2" | tail -n +2 | grep -c '^[0-9]')" -lt "$1" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || { in_a kcpctl session; echo "no $1 $2 in kcp-a"; exit 1; }
		sleep 0.1
	done
}
wait_for 2 established
netem a loss 100%
kill "$(cat /tmp/sender.pid)"
wait_for 1 fin_wait1
/sbin/ip netns delete kcp-a
killall kcpcat 2>/dev/null || :
sleep 3
topology_down
echo "ok   kcp-a deleted under an open session and orphans"
