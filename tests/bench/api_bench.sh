#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The console API at scale (docs/bench.md), on SQLite and on PostgreSQL: each
# database is filled with LEADS leads (100,000), ten times as many detection
# records, four times as many SIMs (tests/bench/api_fill.sh), then central
# serves it on loopback and api-load (tests/bench/api_load.c, keep-alive HTTPS)
# measures, one connection, REQS requests each:
#   - the queue's first page filtered by tier (urgent, general), the first
#     unfiltered page, and a deep page (a cursor 40,000 leads into general);
#   - lead detail: GET /api/v1/leads/ID once that route answers 200, until
#     then the list route's id= (the head of `lead show`), plus `lead show ID`
#     through the CLI (a process each);
# then ingest throughput (central-load: APPS appliances, REPORTS reports of
# RECS records) with the API idle, and again while CONNS connections send
# RATE requests/s (queue pages and details, mixed); then the same mix while
# the appliances report at a steady INGEST_RATE reports/s (100: 2,000 records/s)
# through the window; then the API flat out.
# Reports, never fails on timing. Its PostgreSQL and data live under
# $BUILD/apibench and are removed at exit.
# BACKENDS picks the databases (default both); PG_STATS=1 loads
# pg_stat_statements in the private cluster and reports, after each phase, the
# statements that took the most time, with their calls and rows.
#   LEADS=100000 REQS=1000 RATE=500 CONNS=4 INGEST_RATE=100 tests/bench/api_bench.sh
set -u
LEADS=${LEADS:-100000} REQS=${REQS:-1000} RATE=${RATE:-500} CONNS=${CONNS:-4}
BACKENDS=${BACKENDS:-sqlite postgresql} PG_STATS=${PG_STATS:-0}
APPS=${APPS:-20} REPORTS=${REPORTS:-50} RECS=${RECS:-20} SECS=${SECS:-15}
INGEST_RATE=${INGEST_RATE:-100}
BUILD=${BUILD:-build}
mkdir -p "$BUILD/apibench"
TMPDIR=$(cd "$BUILD/apibench" && pwd)
export TMPDIR
. "$(dirname "$0")/../integration/central_lib.sh"
APILOAD=$B/api-load
need_bin "$APILOAD"
need_cmd sqlite3 curl
OUT=${BENCH_OUT:-$B/apibench/report.txt}
pki
ulimit -n 65536 2>/dev/null || true

say() { echo "$*" | tee -a "$T/report"; }
# CPU ticks (1/100 s) of central and of the private PostgreSQL (the postmaster,
# its exited children, the live ones): a measure other work on the box skews
# less than wall clock.
cpu_ticks() {
	c=$(proc_cpu_ticks "$CPID")
	p=0
	if [ "${DB%%:*}" = postgresql ]; then
		pm=$(head -n 1 "$T/pg/postmaster.pid")
		p=$( { sed 's/.*) //' "/proc/$pm/stat" | awk '{ print $12 + $13 + $14 + $15 }'
		    for k in $(cat "/proc/$pm/task/$pm/children"); do
			sed 's/.*) //' "/proc/$k/stat" 2>/dev/null | awk '{ print $12 + $13 }'
		    done; } | awk '{ s += $1 } END { print s + 0 }')
	fi
	echo "$c $p"
}
cpu_since() {	# "TICKS" N UNIT: CPU ms per unit since TICKS
	set -- $1 "$2" "$3"
	set -- "$1" "$2" "$3" "$4" $(cpu_ticks)
	awk -v c0="$1" -v p0="$2" -v n="$3" -v u="$4" -v c1="$5" -v p1="$6" 'BEGIN {
	    printf "cpu ms per %s: central %.2f postgres %.2f", u, (c1 - c0) * 10 / n,
	    (p1 - p0) * 10 / n }'
}
load() {	# LABEL api-load args...: one line of figures
	label=$1
	shift
	t0=$(cpu_ticks)
	r=$("$APILOAD" -u "https://127.0.0.1:$API" -c "$T/pki/ca.crt" -t "$TOKEN" "$@" 2>&1)
	n=$(echo "$r" | sed -n 's/.*requests \([0-9]*\).*/\1/p' | tail -n 1)
	say "$(printf '%-34s %s' "$label" "$r")"
	[ "${n:-0}" -gt 0 ] && say "$(printf '%-34s %s' "" "$(cpu_since "$t0" "$n" request)")"
}
# The ms of each `lead show ID` run by the CLI: p50 and p99 of N runs.
cli_show() {
	i=0
	while [ $i -lt "$1" ]; do
		id=$(( (i * 7919) % LEADS + 1 ))
		s=$(date +%s%N)
		ctl lead show "$id" >/dev/null || fail "lead show $id"
		echo $(( ($(date +%s%N) - s) / 1000 ))
		i=$((i + 1))
	done | sort -n | awk '{ v[NR] = $1 } END { printf "runs %d p50_ms %.2f p99_ms %.2f\n",
	    NR, v[int(NR * 0.5 + 0.5)] / 1000, v[int(NR * 0.99 + 0.5)] / 1000 }'
}
ingest() {	# N LABEL [central-load args]: central-load's reports/s
	t0=$(cpu_ticks)
	_n=$1 _l=$2
	shift 2
	r=$("$LOAD" -A "$T/pki/ca.crt" -K "$T/pki/ca.key" -p "$PORT" -n "$APPS" -r "$REPORTS" \
	    -b "$RECS" -T 120 -P "bench$_n-" "$@" 2>&1 | grep 'reports acked') || fail "central-load"
	set -- "$_n" "$_l"
	say "$(printf '%-34s %s' "ingest, $2" "$r")"
	[ "$1" = 1 ] && say "$(printf '%-34s %s' "" "$(cpu_since "$t0" \
	    $((APPS * REPORTS)) report)")"
}
plan() {	# the plans of the first urgent page and a deep general page
	q1="SELECT l.id FROM leads l WHERE l.tier_rank = 3 ORDER BY l.tier_rank DESC, l.deadline, l.id LIMIT 101"
	q2="SELECT l.id FROM leads l WHERE l.tier_rank = 1 AND (l.deadline, l.id) > (0, 0) ORDER BY l.tier_rank DESC, l.deadline, l.id LIMIT 101"
	case $DB in
	sqlite:*) for q in "$q1" "$q2"; do sql "EXPLAIN QUERY PLAN $q" | tr '\n' ' '; echo; done ;;
	*) for q in "$q1" "$q2"; do sql "EXPLAIN $q" | tr '\n' ' '; echo; done ;;
	esac
}

# pg_stat_statements: the top statements since the last call, then reset.
pgstats() {	# LABEL
	[ "$PG_STATS" = 1 ] && [ "${DB%%:*}" = postgresql ] || return 0
	say "pg_stat_statements, $1: calls, plans, plan ms, exec ms, rows, statement"
	"$PGBIN/psql" -X -A -t -F ' | ' "$DB" -c "SELECT calls, plans,
	    round(total_plan_time::numeric, 1), round(total_exec_time::numeric, 1),
	    rows, left(regexp_replace(query, '\s+', ' ', 'g'), 150) FROM pg_stat_statements
	    ORDER BY total_plan_time + total_exec_time DESC LIMIT ${PG_STATS_TOP:-25}" | sed 's/^/  /' | tee -a "$T/report"
	"$PGBIN/psql" -X -q "$DB" -c "SELECT pg_stat_statements_reset()" >/dev/null
}

bench() {	# NAME: fill, serve, measure
	n=$1
	CONF=$n
	central_conf "$n" "$DB" "api_threads 4" "unauth_per_addr 1000000" "workers 2"
	echo "bench-password-$$" | ctl user add benchadm --role admin --password-stdin ||
	    fail "user add"
	TOKEN=$(ctl user token benchadm --role admin) || fail "user token"
	TOKEN=${TOKEN##* }
	t0=$(date +%s)
	case $DB in
	sqlite:*) "$ROOT/tests/bench/api_fill.sh" sqlite "$t0" "$LEADS" | sqlite3 "${DB#sqlite:}" ;;
	*) "$ROOT/tests/bench/api_fill.sh" pg "$t0" "$LEADS" |
	    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$DB" >/dev/null ;;
	esac || fail "fill $n"
	say "== $n: $(sql "SELECT count(*) FROM leads") leads, $(sql "SELECT count(*) FROM records")" \
	    "records, $(sql "SELECT count(*) FROM sims") SIMs, filled in $(( $(date +%s) - t0 )) s"
	# the counts and the site the queue shows are the rows' (leads.n_sims,
	# n_appliances, site)
	off=$(sql "SELECT count(*) FROM leads l WHERE n_sims <> (SELECT count(*) FROM sims m
	    WHERE m.lead_id = l.id) OR n_appliances <> (SELECT count(*) FROM lead_sources s
	    WHERE s.lead_id = l.id) OR COALESCE(site, '-') <> COALESCE((SELECT MIN(ap.site)
	    FROM lead_sources s JOIN appliances ap ON ap.id = s.appliance
	    WHERE s.lead_id = l.id), '-')")
	[ "$off" = 0 ] || fail "fill $n: $off leads whose counts or site are not their rows'"
	off=$(sql "SELECT count(*) FROM lead_infra i JOIN leads l ON l.id = i.lead_id
	    WHERE i.lead_tier <> l.tier OR i.lead_status <> l.status OR i.lead_ip <> l.ip")
	[ "$off" = 0 ] || fail "fill $n: $off infrastructure rows whose lead_* are not their lead's"
	plan | sed 's/^/plan: /' | tee -a "$T/report"
	[ "$PG_STATS" = 1 ] && [ "${DB%%:*}" = postgresql ] &&
	    "$PGBIN/psql" -X -q "$DB" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
	start_central "$n"
	api_port "$n"
	pgstats "start"
	deep=$(sql "SELECT tier_rank || '.' || deadline || '.' || id FROM leads
	    WHERE tier_rank = 1 ORDER BY deadline, id LIMIT 1 OFFSET 40000")
	load "queue urgent, first page of 100" -n "$REQS" "/api/v1/leads?tier=urgent"
	load "queue general, first page of 100" -n "$REQS" "/api/v1/leads?tier=general"
	load "queue, first page of 100" -n "$REQS" "/api/v1/leads"
	load "queue general, deep page of 100" -n "$REQS" "/api/v1/leads?tier=general&after=$deep"
	load "queue status+site filter, 50" -n "$REQS" \
	    "/api/v1/leads?status=new,acknowledged&site=site-3&limit=50"
	code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$T/pki/ca.crt" \
	    -H "Authorization: Bearer $TOKEN" "https://127.0.0.1:$API/api/v1/leads/1")
	DETAIL="/api/v1/leads?id={id}"
	[ "$code" = 200 ] && DETAIL="/api/v1/leads/{id}"
	load "detail $DETAIL" -n "$REQS" -I "$LEADS" "$DETAIL"
	pgstats "latency runs"
	say "$(printf '%-34s %s' "detail, CLI lead show ID" "$(cli_show 50)")"
	ingest 1 "API idle"
	pgstats "ingest, API idle"
	"$APILOAD" -u "https://127.0.0.1:$API" -c "$T/pki/ca.crt" -t "$TOKEN" -C "$CONNS" \
	    -s "$SECS" -r "$RATE" -I "$LEADS" "/api/v1/leads?tier=urgent" "$DETAIL" \
	    "/api/v1/leads?tier=general&limit=50" "$DETAIL" >"$T/bg.out" 2>&1 &
	bg=$!
	sleep 1
	ingest 2 "API at $RATE/s"
	wait $bg
	say "$(printf '%-34s %s' "API mix at $RATE/s, $CONNS conns" "$(cat "$T/bg.out")")"
	pgstats "ingest beside the API mix"
	# the same mix while the fleet reports at a steady INGEST_RATE (paced, not
	# flat out) through the whole window: does the API keep its rate and its
	# latency beside ongoing ingest?
	"$APILOAD" -u "https://127.0.0.1:$API" -c "$T/pki/ca.crt" -t "$TOKEN" -C "$CONNS" \
	    -s "$SECS" -r "$RATE" -I "$LEADS" "/api/v1/leads?tier=urgent" "$DETAIL" \
	    "/api/v1/leads?tier=general&limit=50" "$DETAIL" >"$T/bg.out" 2>&1 &
	bg=$!
	_r=$REPORTS
	REPORTS=$((INGEST_RATE * (SECS - 2) / APPS))
	ingest 3 "paced at $INGEST_RATE/s" -R "$INGEST_RATE"
	REPORTS=$_r
	wait $bg
	say "$(printf '%-34s %s' "API mix at $RATE/s, $CONNS conns" "$(cat "$T/bg.out")")"
	load "API mix flat out, $CONNS conns" -C "$CONNS" -s "$SECS" -I "$LEADS" \
	    "/api/v1/leads?tier=urgent" "$DETAIL" "/api/v1/leads?tier=general&limit=50" "$DETAIL"
	pgstats "API mix flat out"
	kill -0 "$CPID" 2>/dev/null || fail "central $n died"
	stop_central "$CPID"
}

: >"$T/report"
for b in $BACKENDS; do
	case $b in
	sqlite) DB="sqlite:$T/bench.db"
		bench sqlite ;;
	# A cluster sized for the data, as a deployment would be (the tests'
	# default 128 MB of shared buffers holds a fifth of it).
	postgresql) pgx=""
		[ "$PG_STATS" = 1 ] && pgx="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on"
		PG_OPTS="-c shared_buffers=1GB $pgx" pg_start
		bench postgresql ;;
	*) fail "BACKENDS: sqlite or postgresql, not $b" ;;
	esac
done
{
	echo "goipwatch api bench $(date -u +%Y-%m-%dT%H:%MZ), git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
	echo "machine: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores," \
	    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
	cat "$T/report"
} >"$OUT"
echo "api_bench: report in $OUT"
