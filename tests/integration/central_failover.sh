#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Central failover (docs/uplink.md, Failover): two centrals share one
# PostgreSQL; 20 appliances (the real uplink thread and spool, uplink_sender)
# each list both, half of them c1 first, half c2 first. c1 is killed with -9
# while they report: its appliances move to c2 within seconds. c1 comes back
# on the same port: its appliances return to it (central_failback 3 s). Every
# record of every appliance is stored exactly once.
set -u
. "$(dirname "$0")/central_lib.sh"
APPS=20 N=2400 RATE=150	# 16 s of records per appliance

pki
pg_start
central_conf c1 "$DB"
central_conf c2 "$DB"
start_central c1
C1=$CPID P1=$PORT
start_central c2
C2=$CPID P2=$PORT
PIDS_S=""
i=0
while [ $i -lt $APPS ]; do
	id=gw-fo$i
	"$ROOT/scripts/certs.sh" "$T/pki" appliance "$id" >/dev/null 2>&1 || fail "certs $id"
	if [ $((i % 2)) = 0 ]; then eps="127.0.0.1:$P1,127.0.0.1:$P2"; else eps="127.0.0.1:$P2,127.0.0.1:$P1"; fi
	timeout 120 "$B/uplink_sender" -s "$T/spool-$id" -p 1 -e "$eps" -F 3 -a "$T/pki/ca.crt" \
	    -c "$T/pki/$id.crt" -k "$T/pki/$id.key" -b 200 -N $N -r $RATE -w -t 100 \
	    >"$T/$id.out" 2>&1 &
	PIDS_S="$PIDS_S $!"
	i=$((i + 1))
done
PIDS="$PIDS $PIDS_S"

# stored RECORDS from appliances whose first central is c1 (even numbers)
stored_c1_first() {
	sql "SELECT count(*) FROM records WHERE appliance IN ($(seq 0 2 $((APPS - 1)) |
	    sed "s/.*/'gw-fo&'/" | paste -sd,))"
}
sleep 4
before=$(stored_c1_first)
kill -9 "$C1"
wait "$C1" 2>/dev/null
ms() { echo $(($(date +%s%N) / 1000000)); }
t_kill=$(ms)
# c1's appliances go on through c2: their count grows again
moved=""
while [ -z "$moved" ]; do
	now=$(stored_c1_first)
	[ "$now" -gt "$before" ] && sleep 0.2 && [ "$(stored_c1_first)" -gt "$now" ] &&
	    moved=$(($(ms) - t_kill))
	[ $(($(ms) - t_kill)) -gt 20000 ] && fail "no failover within 20 s"
	sleep 0.1
done
ok "c1 killed (-9) with $before records of its appliances stored; they report through c2 after $moved ms"

sleep 3
sed -i "s/^listen 127.0.0.1:0$/listen 127.0.0.1:$P1/" "$T/c1.conf"
lines=$(wc -l < "$T/c1.log")
start_central c1
[ "$PORT" = "$P1" ] || fail "c1 came back on $PORT, not $P1"
for p in $PIDS_S; do wait "$p" || { cat "$T"/gw-fo*.out | tail -n 20; fail "an appliance did not deliver"; }; done
ok "all $APPS appliances delivered their $N records"

# each appliance's records 1..N, each exactly once
bad=$(sql "SELECT appliance, count(*), count(DISTINCT body) FROM records
    WHERE appliance LIKE 'gw-fo%' GROUP BY appliance
    HAVING count(*) <> $N OR count(DISTINCT body) <> $N" | head -n 3)
total=$(sql "SELECT count(*) FROM records WHERE appliance LIKE 'gw-fo%'")
[ -z "$bad" ] && [ "$total" = $((APPS * N)) ] || fail "records not stored once each: $total of $((APPS * N)); $bad"
ok "$total records stored, each once"

# rebalanced: c1's appliances opened sessions on the new c1 and ended there
for i in $(seq 0 2 $((APPS - 1))); do
	tail -n +$((lines + 1)) "$T/c1.log" | grep -q "^.*gw-fo$i (serial [^)]*): session up" ||
	    fail "gw-fo$i did not come back to c1"
	grep -q "central=127.0.0.1:$P1\$" "$T/gw-fo$i.out" ||
	    fail "gw-fo$i did not end on c1: $(grep '^status' "$T/gw-fo$i.out")"
	grep -q "failovers=[1-9]" "$T/gw-fo$i.out" || fail "gw-fo$i: no failover counted"
done
ok "every c1-first appliance failed over and came back to c1 once it was up"
for i in $(seq 1 2 $((APPS - 1))); do
	grep -q "failovers=0 central=127.0.0.1:$P2\$" "$T/gw-fo$i.out" ||
	    fail "gw-fo$i (c2 first) moved: $(grep '^status' "$T/gw-fo$i.out")"
done
ok "c2-first appliances stayed on c2"
finish
