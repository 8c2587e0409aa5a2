#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Ingest on one build, both databases: APPS simulated appliances send REPORTS
# reports of RECS detection records (central-load; LINES subscriber lines per
# appliance, their records interleaved), then the stored tables
# (leads, lead_events, lead_changes, lead_evidence, lead_infra, lead_sources,
# lead_records, sims, alerts, records) are dumped in a canonical order to
# $OUT/<backend>.dump (after 2 more reports each from a second session), so
# two builds' or two databases' dumps can be diffed (docs/bench.md). Prints
# reports/s and the CPU ms per report of central and of PostgreSQL.
# RECORDS=FILE: its lines too, as the records of one more appliance (gw-var,
# uplink_sender -R), after the load; PRE_SQL=STATEMENT: run on each database
# before them (a record stored beforehand, say).
#   BUILD=build OUT=/tmp/new APPS=50 REPORTS=20 tests/bench/ingest_compare.sh
set -u
APPS=${APPS:-50} REPORTS=${REPORTS:-20} RECS=${RECS:-20} LINES=${LINES:-1}
BACKENDS=${BACKENDS:-sqlite postgresql} WORKERS=${WORKERS:-8}
. "$(dirname "$0")/../integration/central_lib.sh"
OUT=${OUT:-$T/out}
mkdir -p "$OUT"
need_cmd sqlite3
pki
ulimit -n 65536 2>/dev/null || true

# Times (lead_changes.at, alerts.created and such) are the ingest's clock:
# they are left out, the rest in a stable order.
dump() {
	for q in \
	    "SELECT line_key, ip, vlan, pppoe, account, device_id, tier_rank, tier, verdict, score, deadline, first_seen, last_seen, detections, status, feedback_at, escalated_at IS NULL FROM leads ORDER BY line_key" \
	    "SELECT l.line_key, e.who, e.kind, e.tier FROM lead_events e JOIN leads l ON l.id = e.lead_id ORDER BY l.line_key, e.id" \
	    "SELECT l.line_key, c.kind FROM lead_changes c JOIN leads l ON l.id = c.lead_id ORDER BY l.line_key, c.seq" \
	    "SELECT l.line_key, e.kind, e.detail, e.count, e.first_ts, e.last_ts FROM lead_evidence e JOIN leads l ON l.id = e.lead_id ORDER BY 1, 2, 3" \
	    "SELECT l.line_key, i.kind, i.value, i.role FROM lead_infra i JOIN leads l ON l.id = i.lead_id ORDER BY 1, 2, 3" \
	    "SELECT l.line_key, s.appliance, s.first_seen, s.last_seen FROM lead_sources s JOIN leads l ON l.id = s.lead_id ORDER BY 1, 2" \
	    "SELECT r.appliance, r.seq, l.line_key, r.ts FROM lead_records r JOIN leads l ON l.id = r.lead_id ORDER BY 1, 2" \
	    "SELECT s.sim_key, s.imsi, s.iccid, s.msisdn, s.imei, l.line_key, s.first_seen, s.last_seen FROM sims s JOIN leads l ON l.id = s.lead_id ORDER BY 1" \
	    "SELECT l.line_key, a.channel, a.kind, (SELECT count(*) FROM lead_events e WHERE e.lead_id = a.lead_id AND e.id <= a.revision) FROM alerts a JOIN leads l ON l.id = a.lead_id ORDER BY 1, 2, 3, 4" \
	    "SELECT appliance, seq, type, length(body) FROM records ORDER BY 1, 2" \
	    "SELECT id, high_seq, quarantined FROM appliances ORDER BY id"; do
		echo "-- $q"
		sql "$q"
	done | sed 's/|t$/|1/; s/|f$/|0/'
}
for be in $BACKENDS; do
	case $be in
	sqlite) DB="sqlite:$T/c.db" ;;
	*) pg_start ;;
	esac
	central_conf "$be" "$DB" "workers $WORKERS" "unauth_per_addr 1000000" "alert_syslog udp:127.0.0.1:9"
	start_central "$be"
	c0=$(proc_cpu_ticks "$CPID") p0=$(pg_ticks)
	r=$("$LOAD" -A "$T/pki/ca.crt" -K "$T/pki/ca.key" -p "$PORT" -n "$APPS" -r "$REPORTS" \
	    -b "$RECS" -L "$LINES" -T 300 2>&1 | grep 'reports acked') || fail "central-load ($be)"
	c1=$(proc_cpu_ticks "$CPID") p1=$(pg_ticks)
	echo "$be: $r"
	awk -v c="$((c1 - c0))" -v p="$((p1 - p0))" -v n="$((APPS * REPORTS))" -v be="$be" \
	    'BEGIN { printf "%s: cpu ms per report: central %.3f postgres %.3f\n", be, c * 10 / n, p * 10 / n }'
	# a second session each: the hello's high-water, the seqs go on
	"$LOAD" -A "$T/pki/ca.crt" -K "$T/pki/ca.key" -p "$PORT" -n "$APPS" -r 2 -b "$RECS" -L "$LINES" \
	    -T 60 >/dev/null 2>&1
	if [ -n "${RECORDS:-}" ]; then
		[ -z "${PRE_SQL:-}" ] || sql "$PRE_SQL" || fail "PRE_SQL ($be)"
		[ -f "$T/pki/gw-var.crt" ] ||
		    "$ROOT/scripts/certs.sh" "$T/pki" appliance gw-var >/dev/null 2>&1
		timeout 60 "$B/uplink_sender" -s "$T/spool-$be" -p "$PORT" -a "$T/pki/ca.crt" \
		    -c "$T/pki/gw-var.crt" -k "$T/pki/gw-var.key" -b 100 -R "$RECORDS" -w \
		    -t 30 >"$T/sender.out" 2>&1 || { cat "$T/sender.out"; fail "$RECORDS not acked"; }
	fi
	stop_central "$CPID"
	dump > "$OUT/$be.dump"
	echo "$be: $(wc -l < "$OUT/$be.dump") lines in $OUT/$be.dump"
done
exit 0
