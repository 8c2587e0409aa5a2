#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# GET /api/v1/events (docs/api.md, Events) on a real central on loopback, with
# detections sent through a real uplink (uplink_sender): central_events.py's
# matrix (this route is not in api_routes.txt: the matrix walker reads whole
# bodies), live events within a bound and their latency, resume by
# Last-Event-ID and ?after=, api_max_streams, logout and idle expiry ending a
# stream; then, here: no event lost across a restart of central, a clean and
# quick shutdown with streams open, the housekeeping's session purge.
# SQLite by default; CENTRAL_PG=1 on PostgreSQL.
set -u
. "$(dirname "$0")/central_lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "FAIL: no $PY"; exit 1; }
need_bin "$B/uplink_sender"
IDLE=6 MAXS=4

pki
if [ "${CENTRAL_PG:-0}" = 1 ]; then pg_start; else DB="sqlite:$T/central.db"; fi
central_conf c1 "$DB" "api_idle $IDLE" "api_max_streams $MAXS" "api_argon2_kib 1024" \
    "api_argon2_t 1" "housekeep_interval 1" "api_login_failures 100"
: > "$T/pw"
for r in admin supervisor analyst carrier engineer; do
	carrier=""
	[ $r = carrier ] && carrier="--carrier 46001"
	# shellcheck disable=SC2086
	echo "pw-$r-$$-secret" | ctl user add "u.$r" --role $r $carrier --password-stdin >/dev/null ||
	    fail "user add u.$r"
	echo "u.$r $r pw-$r-$$-secret" >> "$T/pw"
	tok=$(ctl user token "u.$r" --role $r) || fail "user token u.$r"
	echo "token-$r ${tok##* }" >> "$T/pw"
done

start_central c1
api_port c1
gw_conf gw-ev "$PORT"
sender() {
	echo "$B/uplink_sender -s $T/spool-ev -p $1 -a $T/pki/ca.crt -c $T/pki/gw-ev.crt" \
	    "-k $T/pki/gw-ev.key -b 100"
}
export CA="$T/pki/ca.crt" PW="$T/pw" CTL="$C -f $T/c1.conf" TMPD="$T" IDLE MAXS
API=$API SENDER=$(sender "$PORT") "$PY" "$ROOT/tests/integration/central_events.py" \
    main "$T/seq" || fail "central_events.py"
kill -0 "$CPID" 2>/dev/null || fail "central died"

# The housekeeping (every second here) deleted the sessions that expired.
sql "UPDATE sessions SET last_used = last_used - 100000" >/dev/null
i=0
while [ "$(sql "SELECT COUNT(*) FROM sessions")" != 0 ]; do
	i=$((i + 1)); [ $i -gt 50 ] && fail "expired sessions not purged"
	sleep 0.1
done
echo "ok: expired sessions purged by the housekeeping"

# A restart loses no event for a client that resumes with Last-Event-ID: one
# change before the stop, one after the start.
send_one() {
	printf '{"type":"detection","ts":"%s","subject":{"ip":"%s"},'`
	    `'"verdict":"goip_present","tier":"urgent","score":90,"evidence":[]}\n' "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" "$1" > "$T/one.jsonl"
	# shellcheck disable=SC2046
	timeout 60 $(sender "$PORT") -s "$T/spool-$1" -R "$T/one.jsonl" -w -t 30 >/dev/null 2>&1 || fail "send $1"
}
send_one 100.73.0.1
stop_central "$CPID"
rm -f "$T/c1.api.port"
start_central c1
api_port c1
send_one 100.73.0.2
API=$API "$PY" "$ROOT/tests/integration/central_events.py" resume "$(cat "$T/seq")" \
    100.73.0.1 100.73.0.2 || fail "resume after a restart"

# Shutdown with streams open: central closes them and exits within 2 s.
API=$API "$PY" "$ROOT/tests/integration/central_events.py" hold "$MAXS" "$T/ready" &
HOLD=$!
i=0
while [ ! -s "$T/ready" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "streams not opened"
	sleep 0.1
done
t0=$(date +%s%N)
kill "$CPID"
i=0
while kill -0 "$CPID" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 40 ] && fail "central still running 4 s after SIGTERM with streams open"
	sleep 0.05
done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
wait "$HOLD" || fail "streams not closed by the shutdown"
[ "$ms" -le 2000 ] || fail "shutdown with $MAXS streams open took $ms ms"
echo "ok: shutdown with $MAXS streams open: $ms ms"
echo "PASS: central_events ($(case $DB in sqlite:*) echo sqlite;; *) echo postgresql;; esac))"
