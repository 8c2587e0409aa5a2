#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The console API's fleet, config per group, users and certificate login
# (docs/api.md) on a real central on loopback, with real goipwatchd appliances:
# the appliances JSON against the CLI listing, a config pushed over the API
# and acknowledged by the appliance on its next connection, a bad config
# refused with the parser's message, user changes over the API (audited, no
# secret in the audit trail), and login by a browser certificate of the office
# CA (mapped, unmapped, none, another CA). central_api_fleet.py does the HTTP.
# SQLite by default; CENTRAL_PG=1 (central_api_fleet_pg.sh) on PostgreSQL.
set -u
. "$(dirname "$0")/central_lib.sh"
need_bin "$GWD"
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "FAIL: no $PY"; exit 1; }
FPY="$ROOT/tests/integration/central_api_fleet.py"

pki
"$ROOT/scripts/certs.sh" "$T/pki" user alice "Alice Analyst 中" >/dev/null 2>&1 || fail "certs.sh user"
"$ROOT/scripts/certs.sh" "$T/pki" user mallory "Mallory" >/dev/null 2>&1 || fail "certs.sh user"
"$ROOT/scripts/certs.sh" "$T/other" ca >/dev/null 2>&1 || fail "certs.sh other ca"
"$ROOT/scripts/certs.sh" "$T/other" user alice "Alice Analyst 中" >/dev/null 2>&1 ||
    fail "certs.sh other user"
if [ "${CENTRAL_PG:-0}" = 1 ]; then pg_start; else DB="sqlite:$T/central.db"; fi
central_conf c1 "$DB" "api_argon2_kib 1024" "api_argon2_t 1" "api_client_ca $T/pki/ca.crt" \
    "silent_after 600"

: > "$T/pw"
for r in admin engineer supervisor analyst; do
	pw="pw-$r-$$-secret"
	echo "$pw" | ctl user add "u.$r" --role $r --password-stdin || fail "user add u.$r"
	echo "u.$r $r $pw" >> "$T/pw"
done
ctl user add alice --role analyst --cert-cn "Alice Analyst 中" >/dev/null || fail "user add --cert-cn"
ctl user add bob --role analyst >/dev/null || fail "user add bob"
# the console's own server certificate (CN localhost) must not log anyone in
ctl user add srv --role analyst --cert-cn localhost >/dev/null || fail "user add srv"
ctl user cert bob "$(printf 'Bob\033[2J')" 2>/dev/null && fail "a CN with an escape accepted"
ctl user cert bob "Bob Supervisor" || fail "user cert"
ctl user cert bob "Alice Analyst 中" 2>"$T/err" && fail "a CN mapped twice"
cat "$T/err"
ctl user list | grep -q '^[0-9].* alice ' || fail "user list"

start_central c1
api_port c1
appliance gw-a "$PORT" "$ROOT/tests/data/lab/goip-1line.pcap"
appliance gw-b "$PORT" "$ROOT/tests/data/lab/home.pcap"
ctl appliance site gw-a "$(printf 'Roof \033[2J 中')" || fail "appliance site"
ctl appliance site gw-nosuch x 2>/dev/null && fail "site of an unknown appliance"
check "per-stage drops stored" [ "$(sql "SELECT COUNT(*) FROM appliances
    WHERE drops_kernel IS NOT NULL AND drops_reasm IS NOT NULL")" -eq 2 ]

py() { "$PY" "$FPY" "$API" "$T" "$@"; }
ctl appliances > "$T/fleet1.txt" || fail "appliances"
py fleet "$T/fleet1.txt" || fail "central_api_fleet.py fleet"
# gw-b is now in group lab with a config (py push): it applies it on its next connection
appliance gw-b "$PORT" "$ROOT/tests/data/lab/home.pcap"
ctl config status > "$T/cstatus.txt"
check "the pushed config is applied" grep -q 'gw-b .*applied' "$T/cstatus.txt" ||
    cat "$T/cstatus.txt"
ctl appliances > "$T/fleet2.txt" || fail "appliances"
py acked "$T/fleet2.txt" || fail "central_api_fleet.py acked"
py users || fail "central_api_fleet.py users"
py cert "$T/pki" "$T/other" || fail "central_api_fleet.py cert"
kill -0 "$CPID" 2>/dev/null || fail "central died"

# The audit trail: each change, by whom; no secret anywhere in it.
for want in "config push|lab|ok" "config push|lab|failed" "appliance group|gw-b|ok" \
    "user add|carol|ok" "user passwd|carol|ok" "token add|carol|ok" "user disable|carol (left)|ok" \
    "login|alice|ok cert" "login|cn:Mallory|failed cert" "login|-|failed cert"; do
	n=$(sql "SELECT count(*) FROM audit WHERE action || '|' ||
	    coalesce(CASE WHEN action = 'login' THEN who ELSE target END, '') || '|' ||
	    result = '$want'")
	check "audit row $want" [ "${n:-0}" -ge 1 ]
done
n=$(sql "SELECT count(*) FROM audit WHERE action = 'token revoke' AND who = 'u.admin'
    AND result = 'ok'")
check "audit row token revoke" [ "${n:-0}" -ge 1 ]
for s in $(cat "$T/secrets"); do
	check "no secret in the audit trail" [ "$(sql "SELECT count(*) FROM audit
	    WHERE who || coalesce(target, '') || result LIKE '%$s%'")" = 0 ]
done
grep -qF -f "$T/secrets" "$T/c1.log" && fail "a secret in central's log"
check "config created_by is the user" [ "$(sql "SELECT created_by FROM configs
    ORDER BY version DESC LIMIT 1")" = u.engineer ]
kill -0 "$CPID" 2>/dev/null || fail "central died"
finish
