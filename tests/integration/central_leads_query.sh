#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The lead queue (docs/api.md, GET /api/v1/leads; docs/central.md, leads) on
# SQLite and then PostgreSQL: 40 leads of every tier and status, some overdue,
# assigned, at two sites; the CLI's filters against SQL, then
# central_leads_query.py: the API's order is the CLI's, keyset paging, every
# filter against SQL or the CLI's fields, 400 for bad arguments. Timing is in
# tests/bench/api_bench.sh, not here.
set -u
. "$(dirname "$0")/central_lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || fail "no $PY"
pki

# seed: 40 leads; lead i at appliance a(1 + i / 3 % 3) (a1 north, a2 south, a3 no
# site), every fifth also at a2; equal deadlines, so the id breaks ties.
seed() {
	now=$(date +%s)
	sql "INSERT INTO appliances (id, site) VALUES ('a1', 'north'), ('a2', 'south'), ('a3', NULL)"
	i=1
	while [ $i -le 40 ]; do
		r=$((i % 3 + 1))
		case $r in 3) t=urgent ;; 2) t=high ;; *) t=general ;; esac
		case $((i % 5)) in 2) s=acknowledged ;; 3) s=confirmed ;; 4) s=false_positive ;; *) s=new ;; esac
		case $((i % 4)) in 0) a="'u.lq'" ;; 1) a="'other'" ;; *) a=NULL ;; esac
		acct=NULL; [ $((i % 6)) = 0 ] && acct="'acct$i'"
		dev="'GoIP-$i'"
		[ $i = 7 ] && dev="'GoIP' || $ESC || '[2J\"中'"
		d=$((now + (i % 10 - 5) * 600 + 300))	# never within 5 min of now: overdue is stable
		sql "INSERT INTO leads (id, line_key, ip, account, device_id, tier_rank, tier, verdict,
		    score, deadline, first_seen, last_seen, raised_at, status, assignee)
		    VALUES ($i, 'k$i', '100.64.1.$i', $acct, $dev, $r, '$t', 'goip', 50, $d, $now,
		    $now, $now, '$s', $a)" >/dev/null || fail "insert lead $i"
		sql "INSERT INTO lead_sources VALUES ($i, 'a$((1 + i / 3 % 3))', $now, $now)" >/dev/null
		[ $((i % 5)) = 0 ] && [ $((1 + i / 3 % 3)) != 2 ] &&
		    sql "INSERT INTO lead_sources VALUES ($i, 'a2', $now, $now)" >/dev/null
		i=$((i + 1))
	done
}
ids() { sql "SELECT id FROM leads l WHERE $1 ORDER BY id" | paste -sd, -; }
cli_ids() { ctl leads "$@" | awk 'NR > 1 && $2 !~ /^leads?$/ { print $1 }' | sort -n | paste -sd, -; }

run() {	# NAME
	CONF=$1
	central_conf "$1" "$DB" "api_argon2_kib 1024" "api_argon2_t 1"
	echo "a-long-password" | ctl user add u.lq --role analyst --password-stdin || fail "user add"
	tok=$(ctl user token u.lq --role analyst) || fail "user token"
	seed
	site="EXISTS (SELECT 1 FROM lead_sources s JOIN appliances a ON a.id = s.appliance
	    WHERE s.lead_id = l.id AND a.site ="
	# the CLI's filters against SQL
	check "leads --status new,Confirmed" [ "$(cli_ids --status new,Confirmed)" = \
	    "$(ids "status IN ('new', 'confirmed')")" ]
	check "leads --site south" [ "$(cli_ids --site south)" = "$(ids "$site 'south')")" ]
	check "leads --assignee other --tier high" [ "$(cli_ids --assignee other --tier high)" = \
	    "$(ids "assignee = 'other' AND tier = 'high'")" ]
	check "leads --limit 5: the first five" [ "$(ctl leads --limit 5 | sed -n '2,6p')" = \
	    "$(ctl leads | sed -n '2,6p')" ]
	check "leads --limit 5: 5 leads" [ "$(ctl leads --limit 5 | tail -n 1)" = "5 leads" ]
	check "leads --status bogus: exit 2" sh -c "! $C -f $T/$1.conf leads --status new,bogus 2>/dev/null"
	check "leads --limit 0: exit 2" not ctl leads --limit 0
	ctl leads --json >"$T/cli.json" || fail "leads --json"
	printf '{"site=north": [%s], "site=south": [%s], "site=nowhere": [], "assignee=other": [%s], "mine=1": [%s]}\n' \
	    "$(ids "$site 'north')")" "$(ids "$site 'south')")" "$(ids "assignee = 'other'")" \
	    "$(ids "assignee = 'u.lq'")" >"$T/sets.json"
	start_central "$1"
	api_port "$1"
	check "central_leads_query.py ($1)" "$PY" "$ROOT/tests/integration/central_leads_query.py" \
	    "$API" "$T/pki/ca.crt" "${tok##* }" "$T/cli.json" "$T/sets.json"
	check "audit: list leads by u.lq" [ "$(sql "SELECT count(*) FROM audit
	    WHERE who = 'u.lq' AND action = 'list' AND target = 'leads'")" -gt 50 ]
	kill -0 "$CPID" 2>/dev/null || fail "central $1 died"
	stop_central "$CPID"
}

DB="sqlite:$T/central.db" ESC="char(27)"
run sqlite
pg_start
ESC="chr(27)"
run postgresql
finish
