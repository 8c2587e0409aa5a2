#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The same ingest stores the same on both databases: PostgreSQL's one-statement
# detections (lead-ingest.c, lead_ingest_record) against SQLite's statement at
# a time. 6 appliances send 5 reports of 20 detection records (leads raised,
# escalated, alerts queued), then 2 more each from a new session; the
# stored tables are dumped by tests/bench/ingest_compare.sh and compared. Then
# records that take every branch: repeated evidence, peers and SIMs in one
# record, NULL times, escalations and an update that is none, an account taking
# a line's lead, a SIM moving lead, tier none, quotes and backslashes, health,
# a call, a record with no subject. PostgreSQL writes a run of one lead's
# detections in one statement (lead-run.c): runs that escalate a lead that
# was already above some of their records, an evidence time unknown in one
# record and known in the next (the run splits), and a run one of whose
# records was stored before (a partial duplicate: the report goes again a
# record at a time), and two leads' runs open at once with a SIM moving between
# them, and a run that outgrows its SIMs, store what SQLite stores.
set -u
here=$(dirname "$0")
. "$here/central_lib.sh"
need_cmd sqlite3
need_bin "$B/uplink_sender"
det() {	# IP TIER REST: a detection record's line
	printf '{"type":"detection","ts":"2026-11-29T09:%s.000Z","subject":{"ip":"%s"%s},' \
	    "$4" "$1" "$5"
	printf '"verdict":"v-%s","tier":"%s","score":%s%s}\n' "$2" "$2" "$3" "$6"
}
EV='"evidence":[{"kind":"sip_user_agent","detail":"dble","count":3,"first_ts":"2026-11-29T09:00:00Z","last_ts":"2026-11-29T09:10:00Z"},{"kind":"sip_user_agent","detail":"dble","count":2,"last_ts":"2026-11-29T09:20:00Z"},{"kind":"imei_tac","detail":"q\"b\\\\c{},NULL","count":1}]'
EV2='"evidence":[{"kind":"sip_user_agent","detail":"dble","count":9,"last_ts":"2026-11-29T09:30:00Z"},{"kind":"imei_tac","detail":"q\"b\\\\c{},NULL","count":1,"first_ts":"2026-11-29T09:00:00Z","last_ts":"2026-11-29T09:40:00Z"},{"kind":"k\u00e9","detail":"","count":1}]'
PEERS='"peers":[{"ip":"198.51.100.1","port":1234,"count":1},{"ip":"198.51.100.1","port":5060,"count":2},{"ip":"198.51.100.2","port":44444,"count":1},{"ip":"198.51.100.3","port":56012,"count":1}]'
SIMS='"device":{"id":"dev\"1","sims":[{"imsi":"460001","iccid":"8986A"},{"imsi":"460001","iccid":"8986B","imei":"35000"},{"msisdn":"+8613"},{"imei":""},{"iccid":"8986C","imei":"35000"}]}'
SIMS2='"device":{"sims":[{"imsi":"460001","msisdn":"+8614"}]}'
EVN='"evidence":[{"kind":"k1","detail":"d","count":1,"first_ts":"2026-11-29T09:00:00Z"}]'
EVL='"evidence":[{"kind":"k1","detail":"d","count":2,"last_ts":"2026-11-29T09:50:00Z"}]'
SIMA='"device":{"sims":[{"imsi":"460099","imei":"35099"}]}'
HEALTH='{"type":"health","ts":"2026-11-29T09:05:00Z","uptime":6}'
SHA='"evidence_file":{"sha256":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}'
{
	det 100.64.50.1 general 10 00:00 ',"vlan":10,"pppoe_session":5' ",$EV,$PEERS,$SIMS,$SHA"
	det 100.64.50.1 high 5 01:00 ',"vlan":10,"pppoe_session":5' ",$EV2"
	det 100.64.50.1 general 20 00:30 ',"vlan":10,"pppoe_session":5' ",$PEERS"
	det 100.64.50.1 none 1 02:00 ',"vlan":10,"pppoe_session":5' ''
	det 100.64.50.2 urgent 90 03:00 '' ",$SIMS2,$EV"
	det 100.64.50.2 urgent 80 04:00 '' ",$EV2,$SIMS"
	echo '{"type":"health","ts":"2026-11-29T09:05:00Z","uptime":5,"drops":{"kernel":1}}'
	echo '{"type":"other","note":"x"}'
	echo '{"type":"detection","tier":"high"}'
	det 100.64.50.1 urgent 30 05:00 ',"vlan":10,"pppoe_session":5,"account":"acct-1"' ",$EV"
	det 100.64.50.1 high 40 06:00 ',"vlan":10,"pppoe_session":5' ",$SIMS2"
	det 100.64.50.3 high 50 07:00 ',"vlan":4095' ",$PEERS,$PEERS"
	det 100.64.50.3 urgent 60 08:00 '' ",$EV,$EV2"
	echo '{"type":"call","call_id":"c1","state":"answered","direction":"outbound","src_ip":"100.64.50.3","dst_ip":"203.0.113.9","invite_ts":"2026-11-29T09:08:00Z","end_ts":"2026-11-29T09:09:00Z"}'
	det 100.64.50.4 general 1 09:00 ',"pppoe_session":7' ''
	# seq 16-28: runs (a health record ends one)
	det 100.64.50.5 high 10 10:00 '' ",$EV"
	echo "$HEALTH"
	det 100.64.50.5 general 11 10:01 '' ",$EV2"
	det 100.64.50.5 urgent 12 10:02 '' ",$SIMS2"
	det 100.64.50.5 general 13 10:03 '' ",$EV,$PEERS"
	echo "$HEALTH"
	det 100.64.50.6 general 5 10:04 '' ",$EVN"
	det 100.64.50.6 general 6 10:05 '' ",$EVL"
	det 100.64.50.6 high 7 10:06 '' ",$EVN"
	echo "$HEALTH"
	det 100.64.50.7 general 1 10:07 '' ''
	det 100.64.50.7 high 2 10:08 '' ''
	det 100.64.50.7 urgent 3 10:09 '' ''
	# seq 29-34: two leads' runs open at once, a SIM moving between them
	echo "$HEALTH"
	det 100.64.50.8 general 1 10:10 '' ",$SIMA"
	det 100.64.50.9 high 2 10:11 '' ''
	det 100.64.50.8 urgent 3 10:12 '' ''
	det 100.64.50.9 urgent 4 10:13 '' ",$SIMA"
	det 100.64.50.8 high 5 10:14 '' ",$SIMA"
	# seq 35-54: a run whose SIMs outgrow what one run holds (it splits)
	for i in $(seq 10 29); do
		sims=$(seq 0 31 | sed "s/.*/{\"imsi\":\"4600$i&\"}/" | paste -sd, -)
		det 100.64.50.10 general "$i" 10:15 '' ",\"device\":{\"sims\":[$sims]}"
	done
} > "$T/var.jsonl"
# seq 27 (100.64.50.7 high) is stored before the report comes
PRE_SQL="INSERT INTO records (appliance, seq, type, received, body) VALUES ('gw-var', 27, 'detection', 1, 'before')" \
RECORDS=$T/var.jsonl OUT=$T/out APPS=6 REPORTS=5 RECS=20 "$ROOT/tests/bench/ingest_compare.sh" >"$T/run.log" 2>&1 ||
    { cat "$T/run.log"; fail "ingest on both databases"; }
cat "$T/run.log"
for be in sqlite postgresql; do
	[ -s "$T/out/$be.dump" ] || fail "no dump of $be"
done
grep -q '^line:100.64.0.5/0/0|appliance gw-load-5|escalated|urgent$' "$T/out/sqlite.dump" ||
    fail "no escalation stored (sqlite)"
grep -c '^gw-load-[0-9]*|[0-9]*|detection|' "$T/out/postgresql.dump" | grep -qx 840 ||
    fail "records stored more or less than once (postgresql)"
diff -u "$T/out/sqlite.dump" "$T/out/postgresql.dump" >"$T/diff" ||
    { head -n 40 "$T/diff"; fail "the databases store different results"; }
grep -q '^acct:acct-1|' "$T/out/postgresql.dump" && grep -q '|imsi|460001|' "$T/out/postgresql.dump" &&
    grep -q '|peer|198.51.100.1|softswitch$' "$T/out/postgresql.dump" ||
    fail "the varied records did not take their branches"
# the runs took their branches
for want in 'line:100.64.50.5/0/0|raised line:100.64.50.5/0/0|updated line:100.64.50.5/0/0|escalated line:100.64.50.5/0/0|updated' \
    'line:100.64.50.7/0/0|raised line:100.64.50.7/0/0|escalated' \
    'line:100.64.50.8/0/0|raised line:100.64.50.8/0/0|escalated line:100.64.50.8/0/0|updated' \
    'line:100.64.50.9/0/0|raised line:100.64.50.9/0/0|escalated'; do
	got=$(grep "^${want%%|*}|" "$T/out/postgresql.dump" | grep -E '\|(raised|updated|escalated)$' | tr '\n' ' ')
	[ "$got" = "$want " ] || fail "lead changes: want '$want', got '$got'"
done
grep -q '^gw-var|27|line:' "$T/out/postgresql.dump" && fail "a record stored before was linked again"
grep -q '^gw-var|28|line:100.64.50.7/0/0|' "$T/out/postgresql.dump" ||
    fail "the partial duplicate's other records were not stored"
grep -q '^460099|460099|||35099|line:100.64.50.8/0/0|' "$T/out/postgresql.dump" ||
    fail "the SIM is not on the lead that named it last"
[ "$(grep -c '|line:100.64.50.10/0/0|1795943415|1795943415$' "$T/out/postgresql.dump")" = 640 ] ||
    fail "not every SIM of the long run was stored"
grep -q '^line:100.64.50.6/0/0|k1|d|2|' "$T/out/postgresql.dump" || fail "no merged evidence on 100.64.50.6"
ok "sqlite and postgresql store the same leads, events, alerts, SIMs and records"
