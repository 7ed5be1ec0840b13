#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# The guest half of make bench (tests/bench/run boots the VM): runs the
# matrix and prints one "@@bench {json}" line per case for the host to
# collect; everything else on stdout is progress for people.
#
#   [kcp-a] client ---veth, netem on both sides---> server [kcp-b]
#   10.99.0.1                                       10.99.0.2
#
#   guest.sh KEY=VALUE...
#     parts="latency bulk scale" repeats=3
#     latency: rounds=500 lat_losses="0 1 5 10 20" delay=25ms
#              lat_impls="kcpko-kcpgo kcpko-fast3 kcpko-realtime kcpko-wan
#                         kcpko-default kcpgo tcp"
#     bulk:    bytes=67108864 windows="128 1024 8192" bulk_losses="0 1" bulk_delay=1ms
#              bulk_impls="kcpko kcpgo tcp udp"
#     scale:   sessions=10000 idle=10 go_sessions=2000
#
# Implementations: kcpko-kcpgo is kcp.ko with kcp-go's parameters (nodelay
# 1, interval 10, resend 2, nc 1, minimum RTO 30 ms as kcp-go's nodelay
# gives, its windows: send 32, receive 128, the smallest kcp.ko allows
# where kcp-go has 32); kcpko-NAME a built-in profile; kcpgo is kcp-go
# (tests/bench/kcpgo_perf) at both ends with (1, 10, 2, 1) and its default
# windows; tcp is the kernel's TCP (cubic) with TCP_NODELAY. In bulk tests
# every KCP runs (1, 10, 2, 1) with both windows set to the column's.
#
# Each latency and bulk case runs `repeats` times, the rounds interleaved
# (every implementation once, then again) so that a slow spell of the host
# falls on all of them; report.py pools a latency case's round trips and
# takes a bulk case's median run. Boot to boot, one run's p99 or goodput
# moves by more than most differences it is meant to show.
set -u
. "$KCP_TOPOLOGY"
trap topology_down EXIT

parts="latency bulk scale" repeats=3
rounds=500 lat_losses="0 1 5 10 20" delay=25ms
lat_impls="kcpko-kcpgo kcpko-fast3 kcpko-realtime kcpko-wan kcpko-default kcpgo tcp"
bytes=67108864 windows="128 1024 8192" bulk_losses="0 1" bulk_delay=1ms
bulk_impls="kcpko kcpgo tcp udp"
sessions=10000 idle=10 go_sessions=2000
for arg; do
	case "$arg" in
	*=*) eval "${arg%%=*}=\"\${arg#*=}\"" ;;
	*) echo "guest.sh: KEY=VALUE arguments only, not '$arg'" >&2; exit 2 ;;
	esac
done

GO=/add/kcpgo_perf
KG="--nodelay 1 --interval 10 --resend 2 --nc 1"
SRV=10.99.0.2
failed=0

# emit PART IMPL LOSS WINDOW FILE: the case and the tool's summary line
emit() {
	local summary

	summary=$(grep -E '"type":"(summary|udp|scale|scale-go|observe)"' "$5" | tail -n 1)
	if [ -z "$summary" ]; then
		summary="{\"error\":\"$(tail -n 3 /tmp/client.err "$5" 2>/dev/null |
			tr -d '"\\' | tr '\n' ' ')\"}"
		failed=$((failed + 1))
	fi
	echo "@@bench {\"part\":\"$1\",\"impl\":\"$2\",\"loss\":$3,\"window\":$4,\"result\":$summary}"
}

# pair SERVER-CMD... -- CLIENT-CMD...: a one-off server in b, the client in
# a with a time limit; the client's stdout lands in /tmp/client.out.
pair() {
	local server="" spid

	while [ "$1" != "--" ]; do server="$server $1"; shift; done
	shift
	in_b $server >/tmp/server.out 2>&1 &
	spid=$!
	sleep 0.5
	in_a timeout -s KILL "$limit" "$@" >/tmp/client.out 2>/tmp/client.err
	# a server whose client failed would wait for its timeout
	sleep 0.2
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	sleep 0.2
}

shape() {	# shape DELAY LOSS: the same on both sides
	netem a delay "$1" loss "$2%"
	netem b delay "$1" loss "$2%"
}

latency_case() {	# latency_case IMPL LOSS
	local rr="--rr -k $rounds --rate 50 -l 64 -J --samples" kko
	local lkg="$KG --minrto 30 --sndwnd 32 --rcvwnd 128"

	limit=$((rounds / 50 + 90))
	case "$1" in
	kcpko-kcpgo) pair kcpperf -s -1 -J $lkg -- kcpperf -c $SRV $lkg -i 0 $rr ;;
	kcpko-*)
		kko="--profile ${1#kcpko-}"
		pair kcpperf -s -1 -J $kko -- kcpperf -c $SRV $kko -i 0 $rr ;;
	kcpgo) pair $GO -s -1 -J $KG -- $GO -c $SRV $KG $rr ;;
	tcp) pair kcpperf -s -1 -J --tcp -- kcpperf -c $SRV --tcp -i 0 $rr ;;
	*) echo "guest.sh: unknown implementation $1" >&2; return ;;
	esac
	emit latency "$1" "$2" null /tmp/client.out
}

bulk_case() {	# bulk_case IMPL LOSS WINDOW
	local w="$KG --sndwnd $3 --rcvwnd $3" n="-n $bytes -J"

	limit=300
	case "$1" in
	kcpko) pair kcpperf -s -1 -J $w -- kcpperf -c $SRV $w $n -i 0 ;;
	kcpgo) pair $GO -s -1 -J $w -- $GO -c $SRV $w $n ;;
	tcp) pair kcpperf -s -1 -J --tcp -- kcpperf -c $SRV --tcp $n -i 0 ;;
	udp)
		in_b /add/udpblast -s $SRV 6000 >/tmp/client.out 2>/tmp/client.err &
		sleep 0.3
		in_a /add/udpblast -c $SRV 6000 "$bytes"
		wait $!
		;;
	esac
	emit bulk "$1" "$2" "$3" /tmp/client.out
}

# kcp-go's sessions live in two processes: kcpscale --observe measures the
# guest around them, before they exist and while they sit idle.
kcpgo_scale() {
	local lp dp waited=0

	/add/kcpscale --observe -i "$idle" >/tmp/client.out 2>/tmp/client.err
	emit scale kcpgo-baseline null null /tmp/client.out
	in_b $GO --scale-listen "$go_sessions" -B $SRV -p 7100 $KG >/tmp/listen.out 2>&1 &
	lp=$!
	sleep 1
	in_a $GO --scale-dial "$go_sessions" -c $SRV -p 7100 $KG >/tmp/dial.out 2>&1 &
	dp=$!
	while ! grep -q '"role":"listen"' /tmp/listen.out && [ $waited -lt 600 ]; do
		sleep 1
		waited=$((waited + 1))
	done
	sleep 1
	emit scale kcpgo-dial null null /tmp/dial.out
	emit scale kcpgo-listen null null /tmp/listen.out
	/add/kcpscale --observe -i "$idle" >/tmp/client.out 2>/tmp/client.err
	emit scale kcpgo-idle null null /tmp/client.out
	kill "$lp" "$dp" 2>/dev/null
	wait "$lp" "$dp" 2>/dev/null
}

topology_up
echo "@@bench {\"part\":\"env\",\"cmdline\":\"$(tr -d '"\\\n' </proc/cmdline)\",\"kernel\":\"$(uname -r)\",\"cpus\":$(grep -c ^processor /proc/cpuinfo),\"mem_kb\":$(awk '/MemTotal/ {print $2}' /proc/meminfo)}"

for part in $parts; do
	case "$part" in
	latency)
		for loss in $lat_losses; do
			shape "$delay" "$loss"
			for run in $(seq "$repeats"); do
				for impl in $lat_impls; do
					echo "latency: $impl, $delay each way, $loss% loss each way, run $run"
					latency_case "$impl" "$loss"
				done
			done
		done
		;;
	bulk)
		for loss in $bulk_losses; do
			shape "$bulk_delay" "$loss"
			for run in $(seq "$repeats"); do
				for impl in $bulk_impls; do
					case "$impl" in
					tcp | udp) ws=null ;;
					*) ws=$windows ;;
					esac
					for w in $ws; do
						echo "bulk: $impl, window $w, $bulk_delay each way, $loss% loss, run $run"
						bulk_case "$impl" "$loss" "$w"
					done
				done
			done
		done
		;;
	scale)
		netem_clear a
		netem_clear b
		limit=600
		for t in kcp tcp; do
			echo "scale: $sessions $t sessions, $idle s idle"
			if [ $t = kcp ]; then
				/add/kcpscale -n "$sessions" -i "$idle" --profile fast3 \
					kcp-b $SRV kcp-a 10.99.0.1 >/tmp/client.out 2>/tmp/client.err
			else
				/add/kcpscale -n "$sessions" -i "$idle" --tcp \
					kcp-b $SRV kcp-a 10.99.0.1 >/tmp/client.out 2>/tmp/client.err
			fi
			emit scale "$t" null null /tmp/client.out
		done
		if [ "$go_sessions" -gt 0 ]; then
			echo "scale: $go_sessions kcp-go sessions, $idle s idle"
			kcpgo_scale
		fi
		;;
	*) echo "guest.sh: unknown part $part" >&2; exit 2 ;;
	esac
done
echo "guest.sh: $failed case(s) without a result"
[ $failed -eq 0 ]
