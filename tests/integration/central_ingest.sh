#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Real appliances (goipwatchd replaying lab captures) report over mutual TLS into
# goipwatch-central; leads, SIMs and heartbeats appear; a replay of the same
# spool stores nothing twice; the feedback workflow; a config pushed on connect
# and answered. SQLite by default; CENTRAL_PG=1 (central_pg.sh) runs it on PostgreSQL.
set -u
. "$(dirname "$0")/central_lib.sh"
need_bin "$GWD"

pki
if [ "${CENTRAL_PG:-0}" = 1 ]; then pg_start; else DB="sqlite:$T/central.db"; fi
central_conf c1 "$DB"
start_central c1
C1=$CPID

appliance gw-site-a "$PORT" "$ROOT/tests/data/lab/goip-4lines.pcap"
appliance gw-site-b "$PORT" "$ROOT/tests/data/lab/goip-1line.pcap"
ctl leads > "$T/leads.txt" || fail "leads"
cat "$T/leads.txt"
nleads=$(sql "SELECT COUNT(*) FROM leads")
check "$nleads lead(s)" [ "$nleads" -ge 1 ]
check "an urgent lead" grep -q 'urgent' "$T/leads.txt"
check "at least 4 SIMs" [ "$(sql "SELECT COUNT(*) FROM sims")" -ge 4 ]
check "leads name both appliances" \
    [ "$(sql "SELECT COUNT(DISTINCT appliance) FROM lead_sources")" -eq 2 ]
# every record exactly once, and the appliances' heartbeats recorded
n1=$(sql "SELECT COUNT(*) FROM records")
check "heartbeats recorded" \
    [ "$(sql "SELECT COUNT(*) FROM appliances WHERE last_heartbeat IS NOT NULL")" -eq 2 ]
ctl appliances > "$T/fleet.txt"
check "fleet shows gw-site-a ok" grep -q 'gw-site-a .* ok$' "$T/fleet.txt" || cat "$T/fleet.txt"

# the same capture again: new records, but leads merge (still one per line)
appliance gw-site-a "$PORT" "$ROOT/tests/data/lab/goip-4lines.pcap"
check "a replay made no new leads" [ "$(sql "SELECT COUNT(*) FROM leads")" -eq "$nleads" ]
n2=$(sql "SELECT COUNT(*) FROM records")
check "second run stored records ($n1 -> $n2)" [ "$n2" -gt "$n1" ]
# the spool replays what central already holds: deduped by (appliance, seq)
rm -f "$T/spool-gw-site-a/ack"
appliance gw-site-a "$PORT" "$ROOT/tests/data/lab/home.pcap"
dups=$(sql "SELECT COUNT(*) - COUNT(DISTINCT appliance || ':' || seq) FROM records")
check "no duplicate records ($dups)" [ "$dups" -eq 0 ]

# feedback workflow: who and when, refused moves
id=$(sql "SELECT MIN(id) FROM leads")
ctl lead feedback "$id" acknowledged --by alice >/dev/null || fail "acknowledge"
check "a lead does not move back to new" not ctl lead feedback "$id" new --by alice 2>/dev/null
ctl lead feedback "$id" confirmed --by bob --note "site visit" >/dev/null || fail "confirm"
ctl lead show "$id" > "$T/show.txt" || fail "lead show"
check "history names who and why" grep -q 'confirmed .*by bob: site visit' "$T/show.txt" ||
    cat "$T/show.txt"
check "status_by" [ "$(sql "SELECT status_by FROM leads WHERE id = $id")" = bob ]
ctl leads --overdue --json > "$T/overdue.json"
check "a confirmed lead is not overdue" not grep -q "\"id\":$id," "$T/overdue.json"

# a config for the group, pushed on the next connection and answered
printf 'term_window 2h\n' > "$T/group.conf"
ctl config set default "$T/group.conf" || fail "config set"
appliance gw-site-b "$PORT" "$ROOT/tests/data/lab/home.pcap"
ctl config status > "$T/cstatus.txt"
cat "$T/cstatus.txt"
check "config push applied" grep -q 'gw-site-b .*applied' "$T/cstatus.txt"
# heartbeat_interval is read at start only: the appliance refuses, central shows why
printf 'term_window 2h\nheartbeat_interval 2s\n' > "$T/group2.conf"
ctl config set default "$T/group2.conf" || fail "config set group2"
appliance gw-site-b "$PORT" "$ROOT/tests/data/lab/home.pcap"
ctl config status > "$T/cstatus.txt"
cat "$T/cstatus.txt"
check "config status says why the push was refused" \
    grep -q 'gw-site-b .*invalid: push: changes keys read only at start, which a push cannot set: heartbeat_interval' \
    "$T/cstatus.txt"

stop_central "$C1"
grep 'counters:' "$T/c1.log"
check "no storage failures" grep -q 'storage_failures=0' "$T/c1.log"
finish
