#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Alerts end to end on loopback: urgent leads from real records (a hostile
# device id) reach an HTTPS webhook (the office CA; first answer 500: retried),
# syslog (TCP; UDP in the PostgreSQL run) and an aiosmtpd sink, exactly once per lead, revision and kind; an escalation is
# a new revision; a 4xx fails for good and shows in `alerts`; a lead still new
# at half its deadline goes again to the supervisors; an alert queued while the
# webhook is down survives kill -9 of central and arrives once.
# SQLite by default; CENTRAL_PG=1 (central_alerts_pg.sh) on PostgreSQL.
set -u
. "$(dirname "$0")/central_lib.sh"
PY=/usr/bin/python3
HELPER=$ROOT/tests/integration/central_alerts.py
need_bin "$B/uplink_sender" "$PY"
$PY -c 'import aiosmtpd' 2>/dev/null || fail "python3-aiosmtpd missing (scripts/deps.sh)"

pki
if [ "${CENTRAL_PG:-0}" = 1 ]; then pg_start; SYS=udp; else DB="sqlite:$T/central.db"; SYS=tcp; fi
WEBTLS="$T/pki/console.crt $T/pki/console.key"	# for 127.0.0.1, from the office CA

# receiver NAME ARGS...: a helper server in the background; sets RPID, RPORT
receiver() {
	n=$1
	shift
	rm -f "$T/$n.port"
	$PY "$HELPER" "$@" 2>>"$T/$n.err" &
	RPID=$!
	PIDS="$PIDS $RPID"
	i=0
	while [ ! -s "$T/$n.port" ]; do
		i=$((i + 1)); [ $i -gt 200 ] && { cat "$T/$n.err"; fail "receiver $n"; }
		sleep 0.05
	done
	RPORT=$(cat "$T/$n.port")
}
receiver web http "$T/web.port" "$T/web.log" 1 0 $WEBTLS
WEBPID=$RPID WEBPORT=$RPORT
receiver sys syslog $SYS "$T/sys.port" "$T/sys.log"
SYSPORT=$RPORT
receiver mail smtp "$T/mail.port" "$T/mail.log"
MAILPORT=$RPORT

central_conf c1 "$DB" "alert_webhook_url https://127.0.0.1:$WEBPORT/hook" \
    "alert_webhook_ca $T/pki/ca.crt" "alert_syslog $SYS:127.0.0.1:$SYSPORT" "alert_smtp_url smtp://127.0.0.1:$MAILPORT" \
    "alert_mail_from central@office.test" "alert_mail_to duty1@office.test, duty2@office.test" \
    "alert_mail_supervisors sup@office.test" "alert_timeout 3" "alert_backoff_max 1" \
    "alert_scan 1" "alert_attempts 4"
start_central c1

gw_conf gw-a "$PORT"
# send N FILE: records of FILE from appliance gw-a, through a fresh spool
send() {
	timeout 60 "$B/uplink_sender" -s "$T/spool-$1" -p "$PORT" -a "$T/pki/ca.crt" \
	    -c "$T/pki/gw-a.crt" -k "$T/pki/gw-a.key" -b 100 -R "$2" -w -t 30 \
	    >> "$T/sender.out" 2>&1 || { cat "$T/sender.out"; fail "records of $2 not acked"; }
}
# det IP TIER DEVICE: one detection record
det() {
	printf '{"type":"detection","ts":"%s","subject":{"ip":"%s"},"verdict":"goip_present",' \
	    "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" "$1"
	printf '"tier":"%s","score":90,"evidence":[{"kind":"sip_user_agent","detail":"x","count":1}],' "$2"
	printf '"device":{"id":"%s"}}\n' "$3"
}
# the device id: Chinese, ESC, a quote, ], a backslash, BEL, a byte not UTF-8
hostile='GW\347\214\253\\u001b[2J\\"q]\\\\\\u0007\377'
{ det 100.64.1.1 urgent "$hostile"; det 100.64.1.2 high plain-b; } | \
    while IFS= read -r l; do printf "$l\n"; done > "$T/r1.jsonl"
send 1 "$T/r1.jsonl"
A=$(sql "SELECT id FROM leads WHERE ip = '100.64.1.1'")
Bl=$(sql "SELECT id FROM leads WHERE ip = '100.64.1.2'")
check "alerts queued with the lead: 3 for the urgent one, none for high" \
    [ "$(sql "SELECT COUNT(*) FROM alerts WHERE lead_id = $A")" -eq 3 ] &&
    check "none for the high lead" [ "$(sql "SELECT COUNT(*) FROM alerts WHERE lead_id = $Bl")" -eq 0 ]
det 100.64.1.2 urgent plain-b > "$T/r2.jsonl"
send 2 "$T/r2.jsonl"
check "the escalation to urgent queues 3" \
    [ "$(sql "SELECT COUNT(*) FROM alerts WHERE lead_id = $Bl AND kind = 'urgent'")" -eq 3 ]
send 3 "$T/r1.jsonl"	# the same detections again (another spool): no new alert
check "a lead already urgent queues nothing more" [ "$(sql "SELECT COUNT(*) FROM alerts")" -eq 6 ]

# await_sent N WHAT: N alerts sent (20 s at most)
await_sent() {
	i=0
	while [ "$(sql "SELECT COUNT(*) FROM alerts WHERE state = 'sent'")" -lt "$1" ]; do
		i=$((i + 1)); [ $i -gt 200 ] && { ctl alerts; fail "$2"; }
		sleep 0.1
	done
}
await_sent 6 "6 alerts not sent"
rev() { sql "SELECT MAX(id) FROM lead_events WHERE lead_id = $1 AND kind IN ('raised', 'escalated')"; }
KA="lead-$A-r$(rev "$A")-urgent" KB="lead-$Bl-r$(rev "$Bl")-urgent"
check "webhook: one delivery per key, fields and hostile device id right" \
    $PY "$HELPER" check-http "$T/web.log" "$KA" "$KB"
check "webhook: the first answer (500) was retried" \
    [ "$(grep -c '"status": 500' "$T/web.log")" -eq 1 ]
check "the retried row counts 2 attempts" \
    [ "$(sql "SELECT MAX(attempts) FROM alerts WHERE channel = 'webhook'")" -eq 2 ]
check "syslog ($SYS): one RFC 5424 message per key, SD escaped, framed" \
    $PY "$HELPER" check-syslog "$T/sys.log" "$KA" "$KB"
check "mail: one per key to the duty list, RFC 2047 subject, Message-ID" \
    $PY "$HELPER" check-smtp "$T/mail.log" duty1@office.test,duty2@office.test "$KA" "$KB"

# a 4xx is final: failed after one attempt, in the CLI listing
det 100.64.1.3 urgent perm4xx > "$T/r4.jsonl"
send 4 "$T/r4.jsonl"
P4=$(sql "SELECT id FROM leads WHERE ip = '100.64.1.3'")
await_sent 8 "the 4xx lead's syslog and mail not sent"
i=0
while [ "$(sql "SELECT state FROM alerts WHERE lead_id = $P4 AND channel = 'webhook'")" != failed ]; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "404 not final"; sleep 0.1
done
check "404: failed after 1 attempt" [ "$(sql "SELECT attempts FROM alerts WHERE lead_id = $P4 AND channel = 'webhook'")" -eq 1 ]
ctl alerts --state failed > "$T/failed.txt" || fail "alerts --state failed"
check "alerts --state failed lists it with its error" grep -q "^ *[0-9]* *$P4 .*webhook failed .*HTTP 404" "$T/failed.txt"
check "alerts --state failed: only failed rows" grep -q "^0 pending, 0 sent, 1 failed" "$T/failed.txt"
check "alerts rejects an unknown state" not ctl alerts --state nope 2>/dev/null

# half deadline: lead A still new past half its deadline, to the supervisors
ctl lead feedback "$Bl" acknowledged --by t > /dev/null || fail "feedback"
now=$(date +%s)
sql "UPDATE leads SET raised_at = $((now - 4000)), deadline = $((now + 3000)) WHERE id IN ($A, $Bl)"
await_sent 11 "half-deadline alerts not sent"
sleep 2	# more scans: nothing more
check "a lead with feedback is not pushed again" \
    [ "$(sql "SELECT COUNT(*) FROM alerts WHERE lead_id = $Bl AND kind = 'half_deadline'")" -eq 0 ]
check "one half_deadline per channel, once" \
    [ "$(sql "SELECT COUNT(*) FROM alerts WHERE kind = 'half_deadline'")" -eq 3 ]
KH="lead-$A-r$(rev "$A")-half_deadline"
check "half deadline: webhook" $PY "$HELPER" check-http "$T/web.log" "$KH"
check "half deadline: syslog at warning" $PY "$HELPER" check-syslog "$T/sys.log" "$KH"
check "half deadline: mail to the supervisors" $PY "$HELPER" check-smtp "$T/mail.log" sup@office.test "$KH"

# kill -9 while an alert waits for the webhook: it arrives once after restart
kill "$WEBPID"; wait "$WEBPID" 2>/dev/null
det 100.64.1.5 urgent after-crash > "$T/r5.jsonl"
send 5 "$T/r5.jsonl"
P5=$(sql "SELECT id FROM leads WHERE ip = '100.64.1.5'")
i=0
while [ "$(sql "SELECT attempts FROM alerts WHERE lead_id = $P5 AND channel = 'webhook'")" -lt 1 ]; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "no attempt while the webhook is down"; sleep 0.1
done
kill -9 "$CPID"; wait "$CPID" 2>/dev/null
check "still pending after kill -9" \
    [ "$(sql "SELECT state FROM alerts WHERE lead_id = $P5 AND channel = 'webhook'")" = pending ]
receiver web http "$T/web.port" "$T/web.log" 0 "$WEBPORT" $WEBTLS
start_central c1
K5="lead-$P5-r$(rev "$P5")-urgent"
i=0
while [ "$(sql "SELECT state FROM alerts WHERE lead_id = $P5 AND channel = 'webhook'")" != sent ]; do
	i=$((i + 1)); [ $i -gt 200 ] && { ctl alerts; fail "not sent after the restart"; }; sleep 0.1
done
check "after kill -9: the webhook got it once" $PY "$HELPER" check-http "$T/web.log" "$K5"
check "and nothing sent twice" $PY "$HELPER" check-http "$T/web.log" "$KA" "$KB" "$KH"
t0=$(date +%s)
stop_central "$CPID"
check "stops at once, counters logged" grep -q 'alerts: [0-9]* sent' "$T/c1.log"
check "stopped within 3 s" [ $(($(date +%s) - t0)) -le 3 ]
finish
