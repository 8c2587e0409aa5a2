#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The same ingest stores the same on both databases: PostgreSQL's one-statement
# detections (lead-ingest.c, lead_ingest_record) against SQLite's statement at
# a time. 6 appliances send 5 reports of 20 detection records (leads raised,
# escalated, alerts queued), then 2 more each from a new session; the
# stored tables are dumped by tests/bench/ingest_compare.sh and compared.
set -u
here=$(dirname "$0")
. "$here/central_lib.sh"
need_cmd sqlite3
OUT=$T/out APPS=6 REPORTS=5 RECS=20 "$ROOT/tests/bench/ingest_compare.sh" >"$T/run.log" 2>&1 ||
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
ok "sqlite and postgresql store the same leads, events, alerts, SIMs and records"
