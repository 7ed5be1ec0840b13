#!/bin/sh
# SPDX-License-Identifier: MIT OR GPL-2.0
#
# The control plane end to end: kcpctl and libkcp against kcp.ko's "kcp"
# generic netlink family.
#
#   +------------- init namespace ---------------+   +-- netns kcp-a --+
#   | kcpctl, kcp_sessions (libkcp), nl_hostile  |   | kcpctl: its own |
#   | kcpcat -l 127.0.0.1:9100 <-- kcpcat (lo,   |   | profiles,       |
#   |   netem 20 ms: a transfer that lasts)      |   | sessions and    |
#   | 1000 held sessions -> 127.0.0.1:9300,      |   | counters only   |
#   |   churn -> 127.0.0.1:9301                  |   |                 |
#   +--------------------------------------------+   +-----------------+
#
# Every subcommand in text and in JSON (checked by kcp_json, a strict
# parser: the guest has no Python); a profile created, made the default,
# taken by new sockets (KCP_INFO's kcpi_profile through kcpcat -v, and
# kcpctl session -j), changed while in use (open sessions keep what they
# took), deleted (not while it is the default: EBUSY); counters that grow
# during a transfer (the handshake's too); profile keys stock and
# connect_timeout; a 1000-session dump complete and without duplicates
# while other sessions open and close; an unprivileged user reads but
# changes nothing (EPERM, said so); another namespace sees only its own;
# malformed requests refused with a reason and without effect.
set -eu
. "$KCP_TOPOLOGY"
J=/add/kcp_json
T=/tmp/control
mkdir -p $T
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || :; done
	/sbin/tc qdisc del dev lo root 2>/dev/null || :
	topology_down
}
trap cleanup EXIT

fail() { echo "FAIL $*"; exit 1; }
ok() { echo "ok   $*"; }
# get FILE PATH: the value kcp_json printed for PATH
get() { awk -v k="$2" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' "$1"; }
# json FILE CMD...: run kcpctl -j CMD..., check and flatten its JSON
json() {
	out=$1
	shift
	kcpctl -j "$@" >$T/raw || fail "kcpctl -j $*: exit status $?"
	$J <$T/raw >"$out" || fail "kcpctl -j $*: not JSON: $(head -c 300 $T/raw)"
}
# expect_exit STATUS CMD...: CMD exits with STATUS; its stderr in $T/err
expect_exit() {
	want=$1
	shift
	set +e
	"$@" >$T/out 2>$T/err
	got=$?
	set -e
	[ "$got" = "$want" ] || fail "$*: exit status $got, expected $want ($(cat $T/err))"
}

# ---- without kcp.ko ------------------------------------------------------
# Resolving the family would load kcp.ko again: the kernel's modprobe is
# pointed at false(1) meanwhile, so the family stays missing.
rmmod kcp
modprobe_path=$(cat /proc/sys/kernel/modprobe)
echo /bin/false >/proc/sys/kernel/modprobe
expect_exit 1 kcpctl info
grep -qx 'kcpctl: kcp.ko not loaded (no "kcp" generic netlink family)' $T/err ||
	fail "kcpctl without kcp.ko: $(cat $T/err)"
[ ! -s $T/out ] || fail "kcpctl without kcp.ko printed: $(cat $T/out)"
expect_exit 1 kcpctl -j profile
[ ! -s $T/out ] || fail "kcpctl -j without kcp.ko printed: $(cat $T/out)"
expect_exit 2 kcpctl profile set x interval 5	# arguments first
expect_exit 1 kcpctl -j status
[ "$(cat $T/out)" = '{"loaded":false}' ] || fail "status -j without kcp.ko: $(cat $T/out)"
echo "$modprobe_path" >/proc/sys/kernel/modprobe
insmod /lib/modules/kcp.ko
ok "without kcp.ko: one line, exit 1; bad arguments still exit 2"

# ---- info ---------------------------------------------------------------
json $T/info info
[ "$(get $T/info family)" = "$(cat /sys/module/kcp/parameters/family)" ] ||
	fail "info: family $(get $T/info family)"
[ -n "$(get $T/info version)" ] && [ "$(get $T/info settings.default_profile)" = default ] &&
	[ "$(get $T/info limits.profiles_max)" -gt 0 ] || fail "info: $(cat $T/info)"
kcpctl info | grep -q "address family $(get $T/info family)" || fail "info: text"
kcpctl -p info | $J >/dev/null || fail "info: -p is not JSON"
json $T/status status
[ "$(get $T/status loaded)" = true ] && [ "$(get $T/status socket)" = ok ] &&
	[ "$(get $T/status family)" = "$(get $T/info family)" ] || fail "status -j: $(cat $T/status)"
ok "info: version $(get $T/info version), family $(get $T/info family), text, JSON, pretty JSON"

# ---- built-in profiles --------------------------------------------------
json $T/profiles profile
builtin=$(grep -c '^[0-9]*\.builtin=true$' $T/profiles)
[ "$builtin" = 13 ] || fail "profile list: $builtin built-in profiles, expected 13"
[ "$(get $T/profiles 0.name)" = default ] && [ "$(get $T/profiles 0.default)" = true ] ||
	fail "profile list: the first is not the default 'default'"
kcpctl profile | grep -q '^\* default' || fail "profile list: no '*' on the default"
json $T/fast3 profile show fast3
[ "$(get $T/fast3 nodelay)" = 1 ] && [ "$(get $T/fast3 interval)" = 10 ] &&
	[ "$(get $T/fast3 nc)" = true ] && [ "$(get $T/fast3 keepcnt)" = 6 ] ||
	fail "profile show fast3: $(cat $T/fast3)"
kcpctl profile show fast3 | grep -q 'interval  *10 ms' || fail "profile show: text"
json $T/realtime profile show realtime
[ "$(get $T/realtime thin_dup)" = true ] && [ "$(get $T/fast3 thin_dup)" != true ] &&
	[ "$(get $T/realtime interval)" = 10 ] ||
	fail "profile show realtime: thin_dup, fast3's timing: $(cat $T/realtime)"
ok "profile list and show: 13 built-in, fast3 as its definition, realtime's thin_dup"

# ---- a profile of our own, made the default -----------------------------
kcpctl profile set sat from high_latency interval 20 sndwnd 512
json $T/sat profile show sat
[ "$(get $T/sat interval)" = 20 ] && [ "$(get $T/sat sndwnd)" = 512 ] &&
	[ "$(get $T/sat rcvwnd)" = 2048 ] && [ "$(get $T/sat builtin)" = false ] ||
	fail "profile set sat from high_latency: $(cat $T/sat)"
kcpctl profile sat
json $T/info info
[ "$(get $T/info settings.default_profile)" = sat ] && [ "$(get $T/info profiles)" = 1 ] ||
	fail "kcpctl profile sat: default $(get $T/info settings.default_profile)"
kcpctl profile | grep -q '^\* sat' || fail "profile list: sat not marked the default"
ok "profile set from a base, made the default"

# what a client's connect() does: the lifecycle extension's keys
[ "$(get $T/sat stock)" = false ] && [ "$(get $T/sat connect_timeout)" = 20000 ] ||
	fail "profile show sat: stock and connect_timeout: $(cat $T/sat)"
kcpctl profile set kcpgo from fast3 stock on connect_timeout 5000
json $T/kcpgo profile show kcpgo
[ "$(get $T/kcpgo stock)" = true ] && [ "$(get $T/kcpgo connect_timeout)" = 5000 ] ||
	fail "profile set kcpgo stock on connect_timeout 5000: $(cat $T/kcpgo)"
kcpctl profile show kcpgo | grep -q 'connect_timeout  *5000 ms' ||
	fail "profile show: connect_timeout in text"
expect_exit 2 kcpctl profile set kcpgo connect_timeout 99
kcpctl profile del kcpgo
ok "profile keys stock and connect_timeout"

# ---- a transfer that lasts: new sockets take sat -------------------------
# 2 MB at 4 Mbit/s: about four seconds to look at it
/sbin/tc qdisc add dev lo root netem delay 20ms rate 4mbit limit 10000
head -c 2000000 /dev/urandom >$T/src
kcpcat -l -d -N 2000000 -w 60 127.0.0.1 9100 >$T/dst 2>/dev/null &
listener=$!
pids="$pids $listener"
sleep 0.5
kcpcat -v 127.0.0.1 9100 <$T/src 2>$T/sender &
sender=$!
pids="$pids $sender"
sleep 1.5
json $T/s1 session peer 127.0.0.1:9100
# changed while in use: open sessions keep what they took
kcpctl profile set sat interval 30
sleep 1
json $T/s2 session peer 127.0.0.1:9100
[ "$(get $T/s1 0.profile)" = sat ] && [ "$(get $T/s1 0.info.profile)" = sat ] &&
	[ "$(get $T/s1 0.state)" = ESTABLISHED ] && [ "$(get $T/s1 0.info.interval)" = 20 ] ||
	fail "session during the transfer: $(cat $T/s1)"
[ "$(get $T/s2 0.info.interval)" = 20 ] || fail "a changed profile changed an open session: $(cat $T/s2)"
b1=$(get $T/s1 0.info.out_bytes)
b2=$(get $T/s2 0.info.out_bytes)
[ -n "$b1" ] && [ -n "$b2" ] && [ "$b2" -gt "$b1" ] ||
	fail "session: out_bytes did not grow ($b1, then $b2)"
kcpctl session | grep -q 'rtt:' || fail "session: no second line of engine state"
id=$(get $T/s1 0.id)
kcpctl session show "$id" | grep -q "^session $id" || fail "session show $id"
json $T/one session show "$id"
[ "$(get $T/one id)" = "$id" ] || fail "session show -j $id"
json $T/filtered session local 127.0.0.1:9100 state established
[ "$(get $T/filtered 0.local)" = 127.0.0.1:9100 ] || fail "session filter local/state"
json $T/byport session port 9100
[ "$(get $T/byport 0.local)" = 127.0.0.1:9100 ] || fail "session filter port"
ok "session: the transfer's session runs sat, out_bytes $b1 -> $b2, filters"

wait $sender || fail "the sender failed: $(cat $T/sender)"
grep -q 'profile sat' $T/sender || fail "kcpcat -v: KCP_INFO's profile is not sat: $(cat $T/sender)"
wait $listener || :
cmp -s $T/src $T/dst || fail "the transfer did not arrive whole"
/sbin/tc qdisc del dev lo root
/add/kcp_sessions hold 1 9200 >$T/hold1 &
hold1=$!
pids="$pids $hold1"
sleep 0.5
json $T/new session peer 127.0.0.1:9200
[ "$(get $T/new 0.info.interval)" = 30 ] && [ "$(get $T/new 0.profile)" = sat ] ||
	fail "a new socket did not take the changed sat: $(cat $T/new)"
ok "profile changed in use: the open session kept interval 20, a new one took 30"

# ---- counters --------------------------------------------------------------
json $T/stats stats
[ "$(get $T/stats KcpOutDatagrams)" -gt 0 ] && [ "$(get $T/stats KcpInDatagrams)" -gt 0 ] ||
	fail "stats after a transfer: $(cat $T/stats)"
# the transfer's kcpcat dialed a kcp.ko listener: a handshake
[ "$(get $T/stats KcpCookiesSent)" -gt 0 ] ||
	fail "stats: no COOKIE counted for the transfer's handshake: $(cat $T/stats)"
kcpctl stats | grep -q '^KcpOutBytes ' || fail "stats: text"
kcpctl -j stats -i 1 -c 2 >$T/raw
$J -l <$T/raw >$T/deltas || fail "stats -i: not JSON lines"
[ "$(get $T/deltas 1.interval)" = 1 ] && [ -n "$(get $T/deltas 1.KcpInDatagrams)" ] ||
	fail "stats -i 1 -c 2: $(cat $T/raw)"
ok "stats: KcpOutDatagrams $(get $T/stats KcpOutDatagrams), intervals as JSON lines"

# ---- events ------------------------------------------------------------------
kcpctl -j monitor >$T/events &
mon=$!
pids="$pids $mon"
sleep 0.5
kcpctl profile set m1 nodelay 1
kcpctl profile del m1
hold_id=$(kcpctl -j session peer 127.0.0.1:9200 | $J | awk -F= '/^0\.id=/ { print $2 }')
kcpctl session close "$hold_id"
# aborted, the session stays listed (closed) until its owner lets go
json $T/aborted session show "$hold_id"
[ "$(get $T/aborted state)" = CLOSE ] || fail "session close: state $(get $T/aborted state)"
kill $hold1
sleep 1
kill $mon
$J -l <$T/events >$T/ev || fail "monitor -j: not JSON lines: $(cat $T/events)"
# other sessions (the transfer's orphans) may end meanwhile: look for ours
grep -n . $T/events | grep -E '"name":"m1","action":"(created|deleted)"' |
	cut -d: -f1 | tr '\n' ' ' >$T/order
[ "$(wc -w <$T/order)" = 2 ] || fail "monitor: the m1 events: $(cat $T/events)"
# ... and its end carries the abort's errno, ECONNABORTED
grep -q '"event":"session_closed","id":'"$hold_id"',.*"reason":103}' $T/events ||
	fail "monitor: no session_closed for $hold_id with ECONNABORTED: $(cat $T/events)"
kcpctl monitor -c 1 >$T/textev &
mon=$!
pids="$pids $mon"
sleep 0.5
kcpctl profile set m2 nodelay 1
timeout 5 sh -c "while kill -0 $mon 2>/dev/null; do sleep 0.1; done" || fail "monitor -c 1 did not end"
[ "$(cat $T/textev)" = "profile m2 created" ] || fail "monitor text: $(cat $T/textev)"
kcpctl profile del m2
expect_exit 1 kcpctl session show "$hold_id"
json $T/stats2 stats
[ "$(get $T/stats2 KcpAborts)" -gt "$(get $T/stats KcpAborts)" ] ||
	fail "session close: KcpAborts did not grow"
ok "monitor: profile created, deleted, session $hold_id closed by kcpctl session close; text, -c"

# ---- deleting ----------------------------------------------------------------
expect_exit 1 kcpctl profile del sat
grep -q 'busy' $T/err && grep -q 'default' $T/err || fail "del of the default: $(cat $T/err)"
kcpctl profile default
kcpctl profile del sat
expect_exit 1 kcpctl profile show sat
grep -q "profile 'sat': does not exist" $T/err || fail "show of a deleted profile: $(cat $T/err)"
expect_exit 1 kcpctl profile nope
expect_exit 1 kcpctl profile set fast3 nodelay 0
grep -q 'not permitted: built-in' $T/err || fail "changing a built-in: $(cat $T/err)"
expect_exit 1 kcpctl profile set x from nope
grep -q 'no such base profile' $T/err || fail "a base that does not exist: $(cat $T/err)"
max=$(kcpctl -j info | $J | awk -F= '$1 == "limits.profiles_max" { print $2 }')
i=0
while [ $i -lt "$max" ]; do
	i=$((i + 1))
	kcpctl profile set "p$i" nodelay 1
done
expect_exit 1 kcpctl profile set one-too-many nodelay 1
grep -q 'No space left' $T/err || fail "profile $((max + 1)) of $max: $(cat $T/err)"
[ "$(kcpctl -j profile | $J | grep -c '^[0-9]*\.builtin=false$')" = "$max" ] ||
	fail "profile list: not the $max of our own"
while [ $i -gt 0 ]; do
	kcpctl profile del "p$i"
	i=$((i - 1))
done
ok "profile del: EBUSY while the default, then gone; built-in ones refused; $max at most"

# ---- settings and bad arguments ------------------------------------------------
kcpctl set orphan_max 100 idle_timeout 5000
json $T/info info
[ "$(get $T/info settings.orphan_max)" = 100 ] && [ "$(get $T/info settings.idle_timeout)" = 5000 ] ||
	fail "set: $(cat $T/info)"
kcpctl set orphan_max 4096 idle_timeout 0
for bad in "set orphan_timeout 10" "set bogus 1" "profile set x interval 5" \
	   "profile set x nodelay" "session state bogus" "session show x" "stats -i 0" \
	   "bogus" "-x info" "monitor -c 0"; do
	# shellcheck disable=SC2086
	expect_exit 2 kcpctl $bad
	grep -q usage $T/err || fail "kcpctl $bad: no usage message"
done
ok "set changes the settings; bad arguments exit 2 with a usage message"

# ---- an unprivileged user ---------------------------------------------------------
R="/add/kcp_runas 65534"
$R kcpctl -j profile | $J >/dev/null || fail "nobody cannot list profiles"
$R kcpctl -j stats | $J >/dev/null || fail "nobody cannot read counters"
$R kcpctl -j info | $J >/dev/null || fail "nobody cannot read info"
for change in "profile set u nodelay 1" "profile wan" "profile del fast3" \
	      "set orphan_max 5" "session close 1"; do
	# shellcheck disable=SC2086
	expect_exit 1 $R kcpctl $change
	grep -q 'not permitted' $T/err || fail "nobody: kcpctl $change: $(cat $T/err)"
done
json $T/info info
[ "$(get $T/info settings.default_profile)" = default ] && [ "$(get $T/info profiles)" = 0 ] &&
	[ "$(get $T/info settings.orphan_max)" = 4096 ] || fail "nobody changed something"
ok "unprivileged: reads, and every change refused as not permitted"

# ---- another namespace ----------------------------------------------------------
topology_up
kcpctl profile set initonly nodelay 1
kcpctl profile initonly
in_a kcpctl -j profile >$T/raw
$J <$T/raw >$T/aprof || fail "netns: not JSON"
grep -q '=initonly$' $T/aprof && fail "netns kcp-a sees the init namespace's profile"
in_a kcpctl -j info | $J >$T/ainfo
[ "$(get $T/ainfo settings.default_profile)" = default ] || fail "netns: default is not its own"
[ "$(in_a kcpctl -j session)" = "[]" ] || fail "netns kcp-a sees sessions: $(in_a kcpctl -j session)"
in_a kcpctl -j stats | $J >$T/astats
[ "$(get $T/astats KcpOutDatagrams)" = 0 ] || fail "netns kcp-a counts the init namespace's datagrams"
in_a kcpctl profile set aonly interval 50
kcpctl -j profile | $J | grep -q '=aonly$' && fail "the init namespace sees kcp-a's profile"
kcpctl profile default
kcpctl profile del initonly
ok "netns: kcp-a sees only its own profiles, default, sessions and counters"
topology_down

# ---- 1000 sessions, dumped while others come and go ----------------------------------
/add/kcp_sessions hold 1000 9300 >$T/hold &
pids="$pids $!"
timeout 60 sh -c "until grep -q ready $T/hold; do sleep 0.2; done" || fail "1000 sessions did not open"
/add/kcp_sessions churn 9301 20 >$T/churn &
churn=$!
pids="$pids $churn"
/add/kcp_sessions check 1000 9300 5 || fail "libkcp dumps of 1000 sessions"
kcpctl -j session >$T/raw
$J <$T/raw >$T/all || fail "the big dump is not JSON"
total=$(grep -c '^[0-9]*\.id=' $T/all)
uniq=$(grep '^[0-9]*\.id=' $T/all | cut -d= -f2 | sort -u | wc -l)
held=$(grep -c '^[0-9]*\.peer=127\.0\.0\.1:9300$' $T/all)
[ "$total" = "$uniq" ] && [ "$held" = 1000 ] ||
	fail "kcpctl session while churning: $total listed, $uniq distinct, $held of 1000 held"
json $T/held session peer 127.0.0.1:9300
[ "$(grep -c '^[0-9]*\.id=' $T/held)" = 1000 ] || fail "filtered dump: not 1000"
wait $churn || fail "churn: $(cat $T/churn)"
ok "1000 sessions: every dump complete, no duplicates, $(cat $T/churn) beside"

# ---- malformed requests ----------------------------------------------------------
/add/kcp_nl_hostile
ok "malformed netlink requests refused with a reason, nothing changed"
