#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The floor under PostgreSQL ingest (docs/bench.md): the rows that REPORTS
# reports of RECS detection records of one lead write whatever the statements
# (each record, its link to the lead, the lead's change), loaded with COPY in
# one transaction into central's schema with its indexes, on the same private
# cluster the ingest benchmarks use. Prints the cluster's CPU ms per report
# and the wall time; the leads, events, SIMs and such of real ingest come on
# top of this.
#   REPORTS=5000 RECS=20 tests/bench/pg_floor.sh
set -u
REPORTS=${REPORTS:-5000} RECS=${RECS:-20}
. "$(dirname "$0")/../integration/central_lib.sh"
pki
pg_start
central_conf c1 "$DB"
start_central c1	# the schema, migrated
stop_central "$CPID"
n=$((REPORTS * RECS))
# a record body as central-load writes it (about 560 bytes)
body='{"type":"detection","ts":"2026-11-29T09:54:24.951Z","subject":{"ip":"100.64.0.1"},"verdict":"simbox_suspected","tier":"high","deadline":"2026-11-29T11:54:01.254Z","score":90,"evidence":[{"kind":"sip_user_agent","detail":"dble","count":1,"first_ts":"2026-11-29T09:53:54.050Z","last_ts":"2026-11-29T09:54:23.759Z"}],"peers":[{"ip":"198.51.100.1","port":5060,"count":3}],"callees":[],"device":{"id":"goip","sim_count":1,"sims":[{"imsi":"460001200000001","iccid":"89860010000000000001","imei":"862704000000001"}]},"calls":{},"update":true}'
awk -v n="$n" -v b="$body" 'BEGIN { for (i = 1; i <= n; i++)
	printf "gw-floor-%d\t%d\tdetection\t1796000000\t%s\n", i % 50, i, b }' > "$T/records.tsv"
awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++)
	printf "gw-floor-%d\t%d\t%d\t1796000000\n", i % 50, i, 1 + i % 50 }' > "$T/links.tsv"
awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++) printf "%d\t1796000000\tupdated\n", 1 + i % 50 }' \
    > "$T/changes.tsv"
p0=$(pg_ticks) s0=$(date +%s.%N)
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$DB" <<EOF || fail "COPY"
BEGIN;
\\copy records (appliance, seq, type, received, body) FROM '$T/records.tsv'
\\copy lead_records (appliance, seq, lead_id, ts) FROM '$T/links.tsv'
\\copy lead_changes (lead_id, at, kind) FROM '$T/changes.tsv'
COMMIT;
EOF
p1=$(pg_ticks) s1=$(date +%s.%N)
awk -v p="$((p1 - p0))" -v r="$REPORTS" -v n="$n" -v s0="$s0" -v s1="$s1" 'BEGIN {
	printf "floor: %d reports of %d records, 3 rows each by COPY: cluster CPU %.3f ms per report, %.2f s wall (%.0f reports/s)\n",
	    r, n / r, p * 10 / r, s1 - s0, r / (s1 - s0) }'
