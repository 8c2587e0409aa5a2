#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Hostile wire strings end to end: hostile_pcap.py's capture through goipwatchd
# and the uplink into goipwatch-central, plus raw records (invalid UTF-8, NUL,
# C1) that central must sanitise, plus one record the database refuses (a test
# trigger), which must be quarantined without blocking the uplink. Then every
# CLI output: no raw control or invalid UTF-8 on the terminal, escapes visible,
# strict JSON, CSV with a BOM and neutralised formulas; then the same data
# through the console API (strings_api.py). SQLite by default;
# CENTRAL_PG=1 (central_strings_pg.sh) on PostgreSQL.
set -u
. "$(dirname "$0")/central_lib.sh"
PY=/usr/bin/python3
CHECK=$ROOT/tests/integration/strings_check.py
need_bin "$GWD" "$B/uplink_sender" "$PY"

pki
if [ "${CENTRAL_PG:-0}" = 1 ]; then pg_start; backend=postgresql; else
	DB="sqlite:$T/central.db"; backend=sqlite; fi
central_conf c1 "$DB" "api_argon2_kib 1024" "api_argon2_t 1"
start_central c1
C1=$CPID

# The database refuses line B's second detection: central cannot store it.
poison='%"ip":"100.64.9.10"%"update":true}'
if [ $backend = sqlite ]; then
	sql "CREATE TRIGGER poison BEFORE INSERT ON records WHEN NEW.body LIKE
	    '$poison' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"
else
	sql "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN
	    IF NEW.body LIKE '$poison' THEN
	    RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END \$\$;
	    CREATE TRIGGER poison BEFORE INSERT ON records FOR EACH ROW
	    EXECUTE FUNCTION poison();" >/dev/null
fi || fail "trigger"

# 1. the hostile capture through a real goipwatchd; its spool drains although
#    one record is refused (the heartbeats behind it arrive)
$PY "$ROOT/tests/integration/hostile_pcap.py" "$T/hostile.pcap" || fail "hostile_pcap.py"
appliance gw-hostile "$PORT" "$T/hostile.pcap"
check "the refused record is in quarantine" [ "$(sql "SELECT COUNT(*) FROM quarantine WHERE appliance = 'gw-hostile'
    AND reason LIKE '%refused by the test%' AND size > 100 AND LENGTH(raw) = size")" -eq 1 ]
check "quarantined counted" [ "$(sql "SELECT quarantined FROM appliances WHERE id = 'gw-hostile'")" -eq 1 ]
check "heartbeats not stuck behind the refused record" [ "$(sql "SELECT COUNT(*) FROM appliances WHERE id = 'gw-hostile' AND
    last_heartbeat IS NOT NULL")" -eq 1 ]
check "2 leads from the capture" [ "$(sql "SELECT COUNT(*) FROM leads")" -eq 2 ]
check "quarantine logged" grep -q 'gw-hostile: 1 record quarantined' "$T/c1.log"

# 2. raw records straight from an uplink: bytes that are not UTF-8, C1, an
#    escaped NUL (the framing refuses a raw NUL on both sides)
gw_conf gw-raw "$PORT"
cat40=$(i=0; while [ $i -lt 40 ]; do printf '\347\214\253'; i=$((i + 1)); done)
{
	printf '{"type":"detection","ts":"2026-11-30T10:00:00.000Z","subject":{"ip":'
	printf '"100.64.77.7","account":"raw\377\376\233\302\233"},"verdict":"goip_present",'
	printf '"tier":"high","evidence":[{"kind":"sip_user_agent","detail":"dble \\u001b'
	printf '[2J\\u001b]52;c;SGVsbG8=\\u0007\\u009b \233","count":1}],"device":{"id":"R%s",' "$cat40"
	printf '"sims":[{"imsi":"=1+1\377","iccid":"@SUM(1)","msisdn":"-1+1","imei":"+cmd"}]}}\n'
	printf '{"type":"other","note":"a\\u0000b\377"}\n'
} > "$T/raw.jsonl"
timeout 60 "$B/uplink_sender" -s "$T/spool-raw" -p "$PORT" -a "$T/pki/ca.crt" \
    -c "$T/pki/gw-raw.crt" -k "$T/pki/gw-raw.key" -b 100 -R "$T/raw.jsonl" -w -t 30 \
    > "$T/sender.out" 2>&1 || { cat "$T/sender.out"; fail "raw records not acked"; }
[ "$(sql "SELECT COUNT(*) FROM records WHERE appliance = 'gw-raw'")" -eq 2 ] ||
    fail "raw records not stored"
[ "$(sql "SELECT COUNT(*) FROM leads")" -eq 3 ] || fail "no lead from the raw record"
echo "ok: raw bytes stored as U+FFFD"

# 2b. a refusal that comes late: the evidence insert is deferred (sent in a
#     pipeline on PostgreSQL, storage.h), so its error surfaces at a later
#     flush; the record must still be quarantined alone, the next one stored
if [ $backend = sqlite ]; then
	sql "CREATE TRIGGER poison2 BEFORE INSERT ON lead_evidence WHEN NEW.detail =
	    'deferred-poison' BEGIN SELECT RAISE(ABORT, 'refused late by the test'); END;"
else
	sql "CREATE FUNCTION poison2() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN
	    IF NEW.detail = 'deferred-poison' THEN
	    RAISE EXCEPTION 'refused late by the test'; END IF; RETURN NEW; END \$\$;
	    CREATE TRIGGER poison2 BEFORE INSERT ON lead_evidence FOR EACH ROW
	    EXECUTE FUNCTION poison2();" >/dev/null
fi || fail "trigger 2"
gw_conf gw-late "$PORT"
{
	printf '{"type":"detection","ts":"2026-11-30T10:00:00.000Z","subject":{"ip":'
	printf '"100.64.88.8"},"verdict":"goip_present","tier":"high","evidence":'
	printf '[{"kind":"sip_user_agent","detail":"deferred-poison","count":1}]}\n'
	printf '{"type":"other","note":"after the late refusal"}\n'
} > "$T/late.jsonl"
timeout 60 "$B/uplink_sender" -s "$T/spool-late" -p "$PORT" -a "$T/pki/ca.crt" \
    -c "$T/pki/gw-late.crt" -k "$T/pki/gw-late.key" -b 100 -R "$T/late.jsonl" -w -t 30 \
    > "$T/sender.out" 2>&1 || { cat "$T/sender.out"; fail "late records not acked"; }
check "the late refusal is in quarantine" [ "$(sql "SELECT COUNT(*) FROM quarantine WHERE
    appliance = 'gw-late' AND reason LIKE '%refused late by the test%'")" -eq 1 ]
check "the record after it is stored" [ "$(sql "SELECT COUNT(*) FROM records WHERE
    appliance = 'gw-late' AND type = 'other'")" -eq 1 ]
check "nothing of the refused detection is left" [ "$(sql "SELECT COUNT(*) FROM leads
    WHERE ip = '100.64.88.8'")" -eq 0 ]

# 3. analysts' own strings
id=$(sql "SELECT MIN(id) FROM leads")
ctl lead feedback "$id" acknowledged --by "$(printf '\tbob\033[2J')" \
    --note "$(printf 'see \033]52;c;SGVsbG8=\007 \302\233 \342\200\256evil')" > "$T/fb.txt" ||
    fail "feedback"
ctl appliance group gw-raw "$(printf '=grp\033[31m')" > /dev/null || fail "group"

# 4. terminal output: nothing raw, the escapes visible
ctl leads > "$T/leads.txt" || fail "leads"
for l in $(sql "SELECT id FROM leads ORDER BY id"); do ctl lead show "$l"; done \
    > "$T/show.txt" || fail "lead show"
ctl rings > "$T/rings.txt" || fail "rings"
ctl sims > "$T/sims.txt" || fail "sims"
ctl appliances > "$T/appl.txt" || fail "appliances"
ctl config status > "$T/cstatus.txt" || fail "config status"
check "terminal output" $PY "$CHECK" tty "$T/fb.txt" "$T/leads.txt" "$T/show.txt" "$T/rings.txt" \
    "$T/sims.txt" "$T/appl.txt" "$T/cstatus.txt" || cat "$T/show.txt"
for s in 'dble \x1b[2J\x1b]52;c;SGVsbG8=\x07\u009b' '\u009b' 'by \x09bob\x1b[2J' \
    'see \x1b]52;c;SGVsbG8=\x07 \u009b \u202eevil' "$(printf 'G\347\214\253')"; do
	check "lead show has $s" grep -qF "$s" "$T/show.txt" || cat "$T/show.txt"
done
check "feedback echo" grep -qF 'by \x09bob\x1b[2J' "$T/fb.txt"
check "sims: msisdn" grep -qF '=HYPERLINK("http://x"' "$T/sims.txt"
check "appliances: group" grep -qF '=grp\x1b[31m' "$T/appl.txt"
check "appliances: quarantined" grep -q 'gw-hostile .* 1  ok$' "$T/appl.txt" || cat "$T/appl.txt"

# 5. JSON and CSV
ctl leads --json > "$T/leads.json" && ctl export --json > "$T/export.json" ||
    fail "json"
check "json output" $PY "$CHECK" jsonl "$T/leads.json" "$T/export.json"
check "json content" $PY - "$T/export.json" <<'PY'
import json, sys
leads = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
ids = [l["device_id"] for l in leads]
accts = [l["account"] or "" for l in leads]
assert "G" + "\u732b" * 20 in ids, ids
assert "R" + "\u732b" * 31 in ids, ids                  # cut at 95 bytes by central
assert any("\x9b" in a and "\ufffd" in a for a in accts), accts
assert any(l["status_by"] == "\tbob\x1b[2J" for l in leads)
assert '=HYPERLINK("http://x","y")' in ids
PY
check "json: C1 escaped" grep -qF '\u009b' "$T/export.json"
ctl sims --csv > "$T/sims.csv" && ctl export --csv > "$T/export.csv" || fail "csv"
check "csv output" $PY "$CHECK" csv "$T/sims.csv" "$T/export.csv"
check "csv: device id" grep -qF "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" "$T/export.csv"
check "csv: status_by" grep -qF "\"'\\x09bob\\x1b[2J\"" "$T/export.csv"
for s in "'+cmd" "'-1+1" "'@SUM(1)" "'=1+1"; do
	check "csv: $s" grep -qF "\"$s" "$T/sims.csv" || cat "$T/sims.csv"
done

# 6. the same data through the console API (strings_api.py): a user per role
: > "$T/users"
for r in admin supervisor analyst carrier engineer; do
	c=; [ $r = carrier ] && c=46001
	echo "pw-$r-$$-secret" | ctl user add "u.$r" --role $r ${c:+--carrier "$c"} --password-stdin \
	    >/dev/null && tok=$(ctl user token "u.$r" --role $r) || fail "user u.$r"
	echo "u.$r $r pw-$r-$$-secret ${tok##* }" >> "$T/users"
done
api_port c1
check "console API" $PY "$ROOT/tests/integration/strings_api.py" "$API" "$T/pki/ca.crt" \
    "$T/users" "$T/leads.json" "$T/sims.csv"
check "central alive after the API" kill -0 "$C1"

stop_central "$C1"
grep 'counters:' "$T/c1.log"
echo "backend: $backend"
finish
