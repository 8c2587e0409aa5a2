#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The database fails over under central (docs/deployment.md): a PostgreSQL
# primary with a synchronous streaming-replication standby, both started here;
# central's db names both hosts with target_session_attrs=read-write. While an
# appliance reports, the primary dies (immediate stop) and the standby is
# promoted: central opens its connections again on the new primary and goes on.
# Every record is stored exactly once, none lost.
set -u
. "$(dirname "$0")/central_lib.sh"
N=3000 RATE=200

pki
PG_OPTS="-c wal_level=replica"
pg_start
P1=$pgport
# the standby: a base backup of the primary that streams from it (-R)
mkdir -p "$T/pg2" "$T/pgsock2"
[ "$(id -u)" -eq 0 ] && chown postgres "$T/pg2" "$T/pgsock2" && chmod 700 "$T/pg2"
pg_run "$PGBIN/pg_basebackup" -h "$T/pgsock" -p "$P1" -U postgres -D "$T/pg2" -R -X stream -c fast \
    >"$T/basebackup.log" 2>&1 || { cat "$T/basebackup.log"; fail "pg_basebackup"; }
P2=$((P1 + 1))
pg_run "$PGBIN/pg_ctl" -D "$T/pg2" -w -t 30 -l "$T/pg2/log" -o \
    "-k $T/pgsock2 -p $P2 -c listen_addresses='' -c max_connections=200 -c synchronous_standby_names=''" \
    start >/dev/null || { cat "$T/pg2/log"; fail "standby start"; }
stop_standby() {
	pg_run "$PGBIN/pg_ctl" -D "$T/pg2" -m immediate stop >/dev/null 2>&1
	stop_pg
}
CLEANUP_HOOK=stop_standby
# synchronous: a commit central acks is on both (asynchronous would lose the tail)
sql "ALTER SYSTEM SET synchronous_standby_names = '*'" >/dev/null &&
    sql "SELECT pg_reload_conf()" >/dev/null || fail "synchronous_standby_names"
i=0
until sql "SELECT 1 FROM pg_stat_replication WHERE sync_state = 'sync'" | grep -q 1; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "the standby is not a synchronous replica"
	sleep 0.1
done
ok "primary on $P1, synchronous standby on $P2"

DB="postgresql:///central?host=$T/pgsock,$T/pgsock2&port=$P1,$P2&user=postgres&target_session_attrs=read-write"
central_conf c1 "$DB"
start_central c1
"$ROOT/scripts/certs.sh" "$T/pki" appliance gw-sb >/dev/null 2>&1 || fail "certs"
timeout 150 "$B/uplink_sender" -s "$T/spool" -p "$PORT" -a "$T/pki/ca.crt" \
    -c "$T/pki/gw-sb.crt" -k "$T/pki/gw-sb.key" -b 200 -N $N -r $RATE -w -t 140 \
    >"$T/gw.out" 2>&1 &
S=$!
PIDS="$PIDS $S"
sleep 4
before=$(sql "SELECT count(*) FROM records")
pg_run "$PGBIN/pg_ctl" -D "$T/pg" -m immediate stop >/dev/null || fail "primary stop"
pg_run "$PGBIN/pg_ctl" -D "$T/pg2" -w -t 30 promote >/dev/null || fail "promote"
ok "primary killed with $before records stored; standby promoted"
wait $S || { cat "$T/gw.out"; fail "the appliance did not deliver everything"; }
grep '^status' "$T/gw.out"
DB="postgresql:///central?host=$T/pgsock2&port=$P2&user=postgres"
n=$(sql "SELECT count(*), count(DISTINCT body) FROM records WHERE appliance = 'gw-sb'")
[ "$n" = "$N|$N" ] || fail "records on the new primary: $n, not $N|$N"
ok "all $N records on the new primary, each once"
grep -q 'storage' "$T/c1.log" && grep 'storage' "$T/c1.log" | head -n 3
kill -0 "$CPID" || fail "central died"
finish
