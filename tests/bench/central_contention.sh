#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Two centrals on one PostgreSQL writing the same leads at once (redundant
# mirrors: two appliances see one subscriber line and report to different
# instances): 2 x APPS appliances (gw-ra-N through c1, gw-rb-N through c2) see
# the same APPS x LINES lines, their records interleaved (central-load -L),
# and report at the same time. Prints reports/s and the deadlocks and lock
# waits PostgreSQL logged (docs/bench.md), then checks what must hold however
# the writers interleave: each lead raised once and escalated once (high, then
# urgent at seq 7), every detection counted, one change and one record link
# per detection, one urgent alert per escalation, every record stored once.
# DEADLOCKS_MAX=N fails on more deadlocks (central_lock_order.sh: none).
#   APPS=10 REPORTS=20 tests/bench/central_contention.sh
set -u
APPS=${APPS:-10} REPORTS=${REPORTS:-20} RECS=20 LINES=${LINES:-2}
. "$(dirname "$0")/../integration/central_lib.sh"

pki
PG_OPTS="-c log_lock_waits=on ${PG_OPTS:-}" pg_start
central_conf c1 "$DB" "unauth_per_addr 1000000" "alert_syslog udp:127.0.0.1:9"
central_conf c2 "$DB" "unauth_per_addr 1000000" "alert_syslog udp:127.0.0.1:9"
start_central c1
P1=$PORT
start_central c2
P2=$PORT
LOADS=""
for side in a:$P1 b:$P2; do
	timeout 120 "$LOAD" -A "$T/pki/ca.crt" -K "$T/pki/ca.key" -p "${side#*:}" \
	    -P "gw-r${side%%:*}-" -n $APPS -r $REPORTS -b $RECS -L $LINES -T 100 \
	    >"$T/load-${side%%:*}.out" 2>&1 &
	LOADS="$LOADS $!"
done
PIDS="$PIDS $LOADS"
for p in $LOADS; do
	wait "$p" || { cat "$T"/load-*.out; fail "central-load"; }
done
cat "$T"/load-*.out | grep 'reports acked'
per=$((2 * REPORTS * RECS / LINES))	# detections per lead
leads=$((APPS * LINES))
[ "$(sql "SELECT count(*) FROM leads")" = $leads ] || fail "not $leads leads"
bad=$(sql "SELECT line_key FROM leads l WHERE detections <> $per
	OR tier <> 'urgent'
	OR (SELECT count(*) FROM lead_events e WHERE e.lead_id = l.id AND e.kind = 'raised') <> 1
	OR (SELECT count(*) FROM lead_events e WHERE e.lead_id = l.id AND e.kind = 'escalated'
	    AND e.tier = 'urgent') <> 1
	OR (SELECT count(*) FROM lead_changes c WHERE c.lead_id = l.id) <> $per
	OR (SELECT count(*) FROM lead_records r WHERE r.lead_id = l.id) <> $per
	OR (SELECT count(*) FROM lead_sources s WHERE s.lead_id = l.id) <> 2
	OR (SELECT count(*) FROM alerts a WHERE a.lead_id = l.id) <> 1")
[ -z "$bad" ] || { sql "SELECT line_key, detections, tier FROM leads"; fail "leads off: $bad"; }
[ "$(sql "SELECT count(*) FROM records")" = $((2 * APPS * REPORTS * RECS)) ] ||
    fail "records stored more or less than once"
dl=$(grep -c 'deadlock detected' "$T/pg/log")
echo "deadlocks: $dl, lock waits over deadlock_timeout: $(grep -c 'still waiting' "$T/pg/log")"
# the writers take their rows in one order (central/ingest-lock.c)
[ -z "${DEADLOCKS_MAX:-}" ] || [ "$dl" -le "$DEADLOCKS_MAX" ] ||
    { grep -A3 'deadlock detected' "$T/pg/log" | cut -c1-300; fail "$dl deadlocks"; }
ok "$leads leads written by two instances at once: each raised and escalated once, $per detections, changes and links each"
