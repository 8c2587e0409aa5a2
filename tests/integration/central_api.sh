#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The console HTTPS API (docs/api.md) on a real central on loopback: users of
# every role made with the CLI, then central_api.py: security headers, plain
# HTTP refused, login and logout, cookie flags, CSRF, the role x route matrix
# with sessions and bearer tokens, bad bodies (413/400, never a crash), idle
# and absolute expiry, throttling; then the audit trail, which refuses UPDATE
# and DELETE. SQLite by default; CENTRAL_PG=1 (central_api_pg.sh) on PostgreSQL.
set -u
. "$(dirname "$0")/central_lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "FAIL: no $PY"; exit 1; }
IDLE=3 ABS=6 FAILS=3

pki
if [ "${CENTRAL_PG:-0}" = 1 ]; then pg_start; else DB="sqlite:$T/central.db"; fi
central_conf c1 "$DB" "api_idle $IDLE" "api_absolute $ABS" "api_login_failures $FAILS" \
    "api_login_window 60" "api_argon2_kib 1024" "api_argon2_t 1"

# Users: one per role, passwords on stdin; thr for throttling.
: > "$T/pw"
for r in admin supervisor analyst carrier engineer; do
	carrier=""
	[ $r = carrier ] && carrier="--carrier 46001"
	pw="pw-$r-$$-secret"
	# shellcheck disable=SC2086
	echo "$pw" | ctl user add "u.$r" --role $r $carrier --password-stdin ||
	    fail "user add u.$r"
	echo "u.$r $r $pw" >> "$T/pw"
	tok=$(ctl user token "u.$r" --role $r) || fail "user token u.$r"
	echo "token-$r ${tok##* }" >> "$T/pw"
done
out=$(ctl user add thr --role analyst) || fail "user add with a generated password"
echo "$out" | grep -qE '^user thr password [0-9a-f]{24}$' || fail "generated password: $out"
echo "thr analyst ${out##* }" >> "$T/pw"

# The CLI refuses bad names, roles, a carrier without MCCMNC, a duplicate.
ctl user add "$(printf 'Evil\033[2J')" --role admin >/dev/null 2>"$T/err" && fail "bad name accepted"
grep -q 'Evil\\x1b' "$T/err" || fail "bad name not escaped: $(cat "$T/err")"
ctl user add x --role root </dev/null >/dev/null 2>&1 && fail "bad role accepted"
ctl user add x --role carrier </dev/null >/dev/null 2>&1 && fail "carrier without --carrier"
echo "another-secret" | ctl user add u.admin --role admin --password-stdin 2>/dev/null &&
    fail "duplicate user accepted"
echo short | ctl user add y --role admin --password-stdin 2>/dev/null && fail "short password"
ctl user list | grep -q '^[0-9].*u.carrier .*carrier .*46001' || fail "user list: $(ctl user list)"
echo "ok: user CLI (add, token, list, refusals)"

# Two leads, one with a device id a gang chose (an escape, a quote, Chinese).
now=$(date +%s)
for i in 1 2; do
	sql "INSERT INTO leads (line_key, ip, tier_rank, tier, verdict, score, deadline,
	    first_seen, last_seen, raised_at, device_id) VALUES ('k$i', '100.64.0.$i', 3,
	    'urgent', 'goip', 90, $now + 7200, $now, $now, $now,
	    'GoIP' || char(27) || '[2J\"中$i')" >/dev/null 2>&1 ||
	sql "INSERT INTO leads (line_key, ip, tier_rank, tier, verdict, score, deadline,
	    first_seen, last_seen, raised_at, device_id) VALUES ('k$i', '100.64.0.$i', 3,
	    'urgent', 'goip', 90, $now + 7200, $now, $now, $now,
	    'GoIP' || chr(27) || '[2J\"中$i')" >/dev/null || fail "insert lead $i"
done

start_central c1
api_port c1
"$PY" "$ROOT/tests/integration/central_api.py" "$API" "$T/pki/ca.crt" "$T/pw" all \
    $IDLE $ABS $FAILS || fail "central_api.py"
"$PY" "$ROOT/tests/integration/central_api_lead.py" "$API" "$T/pki/ca.crt" "$T/pw" "$PORT" "$B" "$T" "$ROOT" || fail "central_api_lead.py"
# its 205 sample calls of one line: central keeps the newest 200; the two bad ones none
n=$(sql "SELECT COUNT(*) || ' ' || MIN(callee) FROM line_calls WHERE ip = '100.64.50.1'")
[ "$n" = "200 13800000005" ] || fail "line_calls kept: $n, not 200 from 13800000005"
n=$(sql "SELECT COUNT(*) FROM records WHERE type = 'call'")
[ "$n" = 207 ] || fail "call records stored: $n, not 207"
echo "ok: the line keeps its newest 200 sample calls; 2 unusable call records kept as records only"
kill -0 "$CPID" 2>/dev/null || fail "central died"

# A revoked token no longer works; a disabled user cannot log in.
tid=$(ctl user token u.analyst --role analyst) || fail "token"
sec=${tid##* }; tid=${tid#token }; tid=${tid%% *}
code() { curl -s -o /dev/null -w '%{http_code}' --cacert "$T/pki/ca.crt" "$@"; }
[ "$(code -H "Authorization: Bearer $sec" "https://127.0.0.1:$API/api/v1/leads")" = 200 ] ||
    fail "fresh token refused"
# The CLI is another process: central's cache of tokens (api_auth_cache_ms,
# 2000 by default) may serve what it changed that long, never longer; changes
# through the API take effect at once (central_api_fleet.py).
refused_within() {	# SECONDS TOKEN PATH: 401 within SECONDS (0.2 s steps)
	i=0
	while [ "$(code -H "Authorization: Bearer $2" "https://127.0.0.1:$API$3")" != 401 ]; do
		i=$((i + 1))
		[ $i -gt $(($1 * 5)) ] && return 1
		sleep 0.2
	done
}
tok=$(grep '^token-engineer ' "$T/pw" | cut -d' ' -f2)
[ "$(code -H "Authorization: Bearer $tok" "https://127.0.0.1:$API/api/v1/me")" = 200 ] ||
    fail "engineer's token refused"
ctl user revoke-token "$tid" || fail "revoke-token"
refused_within 3 "$sec" /api/v1/leads || fail "revoked token accepted 3 s on"
ctl user disable u.engineer || fail "disable"
refused_within 3 "$tok" /api/v1/me || fail "disabled user's token accepted 3 s on"
echo "ok: revoked token and disabled user refused (CLI, within api_auth_cache_ms)"

# The audit trail: logins, failures, lists, denials, CLI changes; append-only.
for want in "login|u.admin|ok" "login|thr|failed" "login|thr|throttled" "list|leads|ok" \
    "list|users|ok" "list|audit|ok" "list|appliances|ok" "/api/v1/users||denied" \
    "/api/v1/logout||csrf refused" "logout||ok" "user add|u.carrier|ok" \
    "token revoke|$tid|ok" "user disable|u.engineer|ok"; do
	n=$(sql "SELECT count(*) FROM audit WHERE action || '|' ||
	    coalesce(CASE WHEN action = 'login' THEN who ELSE target END, '') || '|' ||
	    result = '$want'")
	[ "${n:-0}" -ge 1 ] || fail "no audit row $want"
done
sql "SELECT who FROM audit WHERE action = 'user add'" | grep -q '^unix:' ||
    fail "CLI audit rows do not name the unix user"
n0=$(sql "SELECT count(*) FROM audit")
sql "UPDATE audit SET who = 'x'" 2>/dev/null && fail "audit UPDATE allowed"
sql "DELETE FROM audit" 2>/dev/null && fail "audit DELETE allowed"
[ "$(sql "SELECT count(*) FROM audit")" = "$n0" ] || fail "audit rows changed"
[ "$(sql "SELECT count(*) FROM audit WHERE who = 'x'")" = 0 ] || fail "audit row rewritten"
echo "ok: audit ($n0 rows) refuses UPDATE and DELETE"
sql "SELECT count(*) FROM sessions WHERE length(id_hash) = 64" >/dev/null || fail "sessions"
kill -0 "$CPID" 2>/dev/null || fail "central died"
echo "PASS: central_api ($(case $DB in sqlite:*) echo sqlite;; *) echo postgresql;; esac))"
