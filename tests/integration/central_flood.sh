#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Idle connections do not lock appliances out (issue 12, item 8): 4000 silent TCP
# connections from 16 loopback addresses against a central of 2000 slots. Each
# address may hold 128 unauthenticated connections, all of them together half the
# slots (the oldest is evicted for a newer one), and none stays past
# handshake_timeout. Appliances still connect and deliver; descriptors and
# memory stay bounded; the idle ones are gone after the deadline, and so is a
# session that completed TLS but sends no hello.
set -u
. "$(dirname "$0")/central_lib.sh"
pki
ulimit -n 16384 2>/dev/null || ulimit -n 8192 || true
central_conf c1 "sqlite:$T/c.db" "max_conns 2000" "handshake_timeout 4"
start_central c1
C1=$CPID
sleep 0.3
fds0=$(proc_fds "$C1") rss0=$(proc_rss_kb "$C1")
addrs=""
for i in $(seq 2 17); do addrs="$addrs 127.0.0.$i"; done
# shellcheck disable=SC2086
idle_conns "$PORT" 250 60 $addrs
start=$(date +%s)
sleep 0.5
fds1=$(proc_fds "$C1") rss1=$(proc_rss_kb "$C1")
echo "central: $fds0 -> $fds1 descriptors, $rss0 -> $rss1 KiB resident"
# at most half the 2000 slots unauthenticated, a little more than 32 bytes each
check "idle connections hold at most 1008 more descriptors ($fds0 -> $fds1)" [ "$fds1" -le $((fds0 + 1000 + 8)) ]
check "idle connections pin at most 16 MiB ($((rss1 - rss0)) KiB)" [ $((rss1 - rss0)) -le 16384 ]
check "appliances not locked out by idle connections" \
    "$LOAD" -A "$T/pki/ca.crt" -K "$T/pki/ca.key" -p "$PORT" -n 5 -r 3 -b 10 -T 30
check "their 150 records stored" [ "$(sqlite3 "$T/c.db" "SELECT COUNT(*) FROM records")" -eq 150 ]
# past the deadline (4 s) central closes every idle one (they are still open here)
i=0
while fds2=$(proc_fds "$C1"); [ "$fds2" -gt $((fds0 + 2)) ]; do
	i=$((i + 1))
	[ $i -gt 16 ] && fail "idle connections kept past handshake_timeout: $fds2 fds"
	sleep 0.5
done
echo "idle connections closed after $(($(date +%s) - start)) s"
kill -0 "$IDLE_PID" 2>/dev/null || fail "the idle client went away"
# TLS done but no hello: closed at the same deadline
t0=$(date +%s)
check "a session without a hello is closed" \
    "$LOAD" -A "$T/pki/ca.crt" -K "$T/pki/ca.key" -p "$PORT" -H mute -T 20
check "... within handshake_timeout ($(($(date +%s) - t0)) s)" [ $(($(date +%s) - t0)) -le 8 ]
check "missing hello logged" grep -q 'session closed: no hello in time' "$T/c1.log"
counters c1 "$C1"
l=$(grep 'limits:' "$T/c1.log" | tail -n 1)
for k in per_addr_refused unauth_evicted handshake_expired; do
	check "$k counted" has "$l" "* $k=[1-9]*"
done
check "no unauthenticated connections left" has "$l" '* unauth=0 *'
kill "$IDLE_PID"
stop_central "$C1"
finish
