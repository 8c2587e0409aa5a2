#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Load on goipwatch-central, loopback, bounded: N simulated appliances (mutual TLS,
# one session each) hold their connections, then send R reports of B detection
# records each and wait for every ack. Figures: connections held and reports/s
# for one instance on SQLite, one on PostgreSQL, two on one PostgreSQL.
#   N=500 R=10 RECS=20 tests/bench/central_bench.sh
set -u
N=${N:-500} R=${R:-10} RECS=${RECS:-20}
. "$(dirname "$0")/../integration/central_lib.sh"
pki
run() {	# LABEL PORT [load options]
	label=$1 port=$2
	shift 2
	echo "== $label"
	"$LOAD" -A "$T/pki/ca.crt" -K "$T/pki/ca.key" -p "$port" -r "$R" -b "$RECS" -T 120 "$@"
}
ulimit -n 65536 2>/dev/null || true

# every simulated appliance comes from 127.0.0.1
PER_ADDR="unauth_per_addr 1000000"
central_conf sq "sqlite:$T/bench.db" "$PER_ADDR"
start_central sq
run "SQLite, one instance, $N appliances" "$PORT" -n "$N"
stop_central "$CPID"

pg_start
central_conf p1 "$DB" "workers 8" "$PER_ADDR"
start_central p1; P1=$PORT; C1=$CPID
run "PostgreSQL, one instance, $N appliances" "$P1" -n "$N"
central_conf p2 "$DB" "workers 8" "$PER_ADDR"
start_central p2; P2=$PORT; C2=$CPID
half=$((N / 2))
echo "== PostgreSQL, two instances, $N appliances (half each)"
"$LOAD" -A "$T/pki/ca.crt" -K "$T/pki/ca.key" -p "$P1" -n "$half" -s 100000 -r "$R" -b "$RECS" -T 120 &
a=$!
"$LOAD" -A "$T/pki/ca.crt" -K "$T/pki/ca.key" -p "$P2" -n "$half" -s 200000 -r "$R" -b "$RECS" -T 120
wait $a
stop_central "$C1"; stop_central "$C2"
grep -h 'counters:' "$T"/sq.log "$T"/p1.log "$T"/p2.log | sed 's/.*counters: /counters: /'
