#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Card cutting end to end (docs/api.md, SIMs): detection records with SIMs of
# three carriers and hostile SIM fields (formulas, ESC, a quote, invalid UTF-8)
# go through an uplink into central; then central_api_sims.py: carriers see
# only their own SIMs of confirmed or urgent leads and no line details; bulk
# dispositions, their history and refusals; the CSV bytes; the audit export.
# Last, the CLI's sims --csv is byte for byte the API's CSV, and sim
# disposition works from the shell. SQLite by default; CENTRAL_PG=1
# (central_sims_pg.sh) on PostgreSQL.
set -u
. "$(dirname "$0")/central_lib.sh"
PY=/usr/bin/python3
need_bin "$B/uplink_sender" "$PY"
need_cmd curl

pki
if [ "${CENTRAL_PG:-0}" = 1 ]; then pg_start; backend=postgresql; else
	DB="sqlite:$T/central.db"; backend=sqlite; fi
central_conf c1 "$DB" "api_argon2_kib 1024" "api_argon2_t 1"
start_central c1
api_port c1

# Leads 1 (urgent), 2 (general, confirmed later), 3 (urgent, then a false
# positive), 4 (general, new): their SIMs, some chosen by a gang.
$PY - "$T/sims.jsonl" <<'PYGEN' || fail "records"
import json, sys
ts = "2026-11-30T10:00:0%d.000Z"
leads = [
    ("100.64.1.1", "urgent", [
        {"imsi": "460011234567890", "iccid": "89860112345678901234",
         "msisdn": "8613812345678", "imei": '=HYPERLINK("a","b")'},
        {"imsi": "460001111111111", "msisdn": "+8613900000000"},
        {"imsi": "=1+1\udcff", "iccid": "89860912345678901234", "msisdn": "@SUM(1)"},
        {"iccid": "89860312345678901234", "msisdn": "-1+1"},
        {"imsi": "460061234567890", "msisdn": "\t\x1b[2J\"\u4e2d,x", "imei": "\r86"},
    ]),
    ("100.64.1.2", "general", [{"imsi": "460019999999999"}, {"imsi": "460027777777777"}]),
    ("100.64.1.3", "urgent", [{"imsi": "460018888888888"}]),
    ("100.64.1.4", "general", [{"imsi": "460016666666666"}]),
]
with open(sys.argv[1], "wb") as f:
    for i, (ip, tier, sims) in enumerate(leads):
        rec = {"type": "detection", "ts": ts % i, "subject": {"ip": ip, "vlan": 10 + i,
               "account": "acct-%d" % i}, "verdict": "goip_present", "tier": tier,
               "evidence": [{"kind": "sip_user_agent", "detail": "dble", "count": 1}],
               "peers": [{"ip": "203.0.113.%d" % (i + 1), "port": 5060, "count": 3}],
               "device": {"id": "GoIP-%d" % i, "sims": sims}}
        f.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogateescape") + b"\n")
PYGEN
gw_conf gw-sims "$PORT"
timeout 60 "$B/uplink_sender" -s "$T/spool-sims" -p "$PORT" -a "$T/pki/ca.crt" \
    -c "$T/pki/gw-sims.crt" -k "$T/pki/gw-sims.key" -b 100 -R "$T/sims.jsonl" -w -t 30 \
    > "$T/sender.out" 2>&1 || { cat "$T/sender.out"; fail "records not acked"; }
check "4 leads" [ "$(sql "SELECT COUNT(*) FROM leads")" -eq 4 ]
check "9 SIMs" [ "$(sql "SELECT COUNT(*) FROM sims")" -eq 9 ]
lead() { sql "SELECT id FROM leads WHERE ip = '$1'"; }
ctl lead feedback "$(lead 100.64.1.2)" confirmed --by alice >/dev/null || fail "confirm"
ctl lead feedback "$(lead 100.64.1.3)" false_positive --by alice >/dev/null || fail "fp"

# Users: two carriers (Unicom, China Mobile by its 46002), the office roles.
: > "$T/pw"
for u in "u.unicom carrier 46001" "u.mobile carrier 46002" "u.admin admin" \
    "u.super supervisor" "u.analyst analyst" "u.eng engineer"; do
	set -- $u
	pw="pw-$1-$$-secret"
	echo "$pw" | ctl user add "$1" --role "$2" ${3:+--carrier "$3"} --password-stdin ||
	    fail "user add $1"
	tok=$(ctl user token "$1" --role "$2") || fail "token $1"
	echo "$1 $2 $pw ${tok##* }" >> "$T/pw"
done

check "central_api_sims.py" "$PY" "$ROOT/tests/integration/central_api_sims.py" "$API" \
    "$T/pki/ca.crt" "$T/pw" "$T"

# The CLI writes the same CSV as the API, byte for byte.
tok=$(grep '^u.super ' "$T/pw" | cut -d' ' -f4)
curl -s --cacert "$T/pki/ca.crt" -H "Authorization: Bearer $tok" -o "$T/api.csv" \
    "https://127.0.0.1:$API/api/v1/sims.csv?carrier=46001" || fail "curl sims.csv"
ctl sims --carrier 46001 --csv > "$T/cli.csv" || fail "sims --csv"
check "CLI csv = API csv" cmp "$T/api.csv" "$T/cli.csv"
ctl sims --carrier 46001 --cutting --csv > "$T/cli-cut.csv" || fail "sims --cutting"
check "CLI --cutting: 4 Unicom SIMs" [ "$(wc -l < "$T/cli-cut.csv")" -eq 5 ]
check "the hostile csv is valid" $PY "$ROOT/tests/integration/strings_check.py" csv \
    "$T/cli.csv" "$T/cli-cut.csv"
check "--carrier checked" not ctl sims --carrier 4600x 2>/dev/null

# The CLI's dispositions and history; the terminal shows escapes, not bytes.
ctl sim disposition 460016666666666 not_ours --note "$(printf 'x\033[2J')" > "$T/d.txt" ||
    fail "sim disposition"
check "disposition echo" grep -q '^SIM 460016666666666: not_ours$' "$T/d.txt"
check "unknown SIM refused" not ctl sim disposition 999 shut_down 2>/dev/null
check "unknown state refused" not ctl sim disposition 460016666666666 cut 2>/dev/null
check "future --at refused" not ctl sim disposition 460016666666666 restored \
    --at "$(( $(date +%s) + 3600 ))" 2>/dev/null
ctl sim history 460016666666666 > "$T/h.txt" || fail "sim history"
check "history note escaped" grep -qF 'x\x1b[2J' "$T/h.txt"
ctl sims > "$T/sims.txt" || fail "sims"
check "terminal output" $PY "$ROOT/tests/integration/strings_check.py" tty "$T/sims.txt" \
    "$T/h.txt"
check "CLI disposition audited" [ "$(sql "SELECT COUNT(*) FROM audit WHERE
    action = 'sim disposition' AND target = '460016666666666' AND who LIKE 'unix:%'")" -eq 1 ]
# The queue's counts (leads.n_sims, n_appliances, kept by triggers): a second
# appliance sees lead 4's line with one of lead 1's SIMs (it moves), lead 4's
# own SIM again and a new one; each lead's counts are its rows'.
counts() { ctl leads --json | $PY -c 'import json, sys
print(" ".join("%s:%s/%s" % (l["ip"][-1], l["sims"], l["appliances"])
    for l in sorted(map(json.loads, sys.stdin), key=lambda l: l["ip"])))'; }
check "counts after ingest" [ "$(counts)" = "1:5/1 2:2/1 3:1/1 4:1/1" ]
$PY - "$T/move.jsonl" <<'PYGEN' || fail "records"
import json, sys
rec = {"type": "detection", "ts": "2026-11-30T11:00:00.000Z", "subject": {"ip": "100.64.1.4",
       "vlan": 13, "account": "acct-3"}, "verdict": "goip_present", "tier": "general",
       "evidence": [{"kind": "sip_user_agent", "detail": "dble", "count": 1}],
       "device": {"id": "GoIP-3", "sims": [{"imsi": "460001111111111"},
       {"imsi": "460016666666666"}, {"imsi": "460015555555555"}]}}
open(sys.argv[1], "w").write(json.dumps(rec, separators=(",", ":")) + "\n")
PYGEN
gw_conf gw-sims2 "$PORT"
timeout 60 "$B/uplink_sender" -s "$T/spool-sims2" -p "$PORT" -a "$T/pki/ca.crt" \
    -c "$T/pki/gw-sims2.crt" -k "$T/pki/gw-sims2.key" -b 100 -R "$T/move.jsonl" -w -t 30 \
    > "$T/sender2.out" 2>&1 || { cat "$T/sender2.out"; fail "records not acked"; }
c=$(counts)
check "a SIM moved, one new, a second appliance" [ "$c" = "1:4/1 2:2/1 3:1/1 4:3/2" ]
check "counts are the rows'" [ "$(sql "SELECT COUNT(*) FROM leads l WHERE
    n_sims <> (SELECT COUNT(*) FROM sims m WHERE m.lead_id = l.id) OR
    n_appliances <> (SELECT COUNT(*) FROM lead_sources s WHERE s.lead_id = l.id)")" -eq 0 ]
# Each lead's site (leads.site, kept by triggers): the first by name of its
# appliances' sites, null when none has one, in the CLI's JSON and the API's
# queue alike, as an appliance's site is set, changed and cleared. Lead 4 was
# seen by gw-sims then gw-sims2; the others by gw-sims alone.
sites() { ctl leads --json | $PY -c 'import json, sys
print(" ".join("%s:%s" % (l["ip"][-1], l["site"])
    for l in sorted(map(json.loads, sys.stdin), key=lambda l: l["ip"])))'; }
api_sites() { curl -s --cacert "$T/pki/ca.crt" -H "Authorization: Bearer $STOK" \
    "https://127.0.0.1:$API/api/v1/leads" | $PY -c 'import json, sys
print(" ".join("%s:%s" % (l["ip"][-1], l["site"])
    for l in sorted(json.load(sys.stdin)["leads"], key=lambda l: l["ip"])))'; }
site_is() {	# WHAT EXPECTED: the CLI, the API and the recomputed site agree
	check "site, $1: CLI" [ "$(sites)" = "$2" ]
	check "site, $1: API" [ "$(api_sites)" = "$2" ]
	check "site, $1: the rows'" [ "$(sql "SELECT COUNT(*) FROM leads l WHERE
	    COALESCE(site, '-') <> COALESCE((SELECT MIN(ap.site) FROM lead_sources s
	    JOIN appliances ap ON ap.id = s.appliance WHERE s.lead_id = l.id), '-')")" -eq 0 ]
}
STOK=$(ctl user token simadm --role admin 2>/dev/null) || {
	echo "site-check-pw-$$" | ctl user add simadm --role admin --password-stdin >/dev/null &&
	    STOK=$(ctl user token simadm --role admin); } || fail "user token"
STOK=${STOK##* }
site_is "none set" "1:None 2:None 3:None 4:None"
ctl appliance site gw-sims2 "south" || fail "appliance site"
site_is "the second appliance's" "1:None 2:None 3:None 4:south"
ctl appliance site gw-sims "north" || fail "appliance site"
site_is "the first by name" "1:north 2:north 3:north 4:north"
ctl appliance site gw-sims "zenith" || fail "appliance site"
site_is "one changed" "1:zenith 2:zenith 3:zenith 4:south"
# a source added where the appliance has a site: gw-sims2 sees lead 1 (its
# SIM again, so its counts stay; a spool of its own, a new epoch)
$PY - "$T/lead1.jsonl" <<'PYGEN' || fail "records"
import json, sys
rec = {"type": "detection", "ts": "2026-11-30T12:00:00.000Z", "subject": {"ip": "100.64.1.1",
       "vlan": 10, "account": "acct-0"}, "verdict": "goip_present", "tier": "urgent",
       "evidence": [{"kind": "sip_user_agent", "detail": "dble", "count": 1}],
       "device": {"id": "GoIP-0", "sims": [{"imsi": "460011234567890"}]}}
open(sys.argv[1], "w").write(json.dumps(rec, separators=(",", ":")) + "\n")
PYGEN
timeout 60 "$B/uplink_sender" -s "$T/spool-sims2b" -p "$PORT" -a "$T/pki/ca.crt" \
    -c "$T/pki/gw-sims2.crt" -k "$T/pki/gw-sims2.key" -b 100 -R "$T/lead1.jsonl" -w -t 30 \
    > "$T/sender3.out" 2>&1 || { cat "$T/sender3.out"; fail "records not acked"; }
check "lead 1 seen by two appliances" [ "$(counts)" = "1:4/2 2:2/1 3:1/1 4:3/2" ]
site_is "a source added" "1:south 2:zenith 3:zenith 4:south"
ctl appliance site gw-sims2 "" || fail "appliance site"
site_is "one cleared" "1:zenith 2:zenith 3:zenith 4:zenith"
ctl appliance site gw-sims "" || fail "appliance site"
site_is "both cleared" "1:None 2:None 3:None 4:None"
# a lead's tier, status and ip on its infrastructure rows (the detail's linked
# leads; triggers): after ingest, SIMs moved, and feedback
id4=$(sql "SELECT id FROM leads WHERE ip = '100.64.1.4'")
ctl lead feedback "$id4" acknowledged --by site-check >/dev/null || fail "lead feedback"
check "feedback on lead 4" [ "$(sql "SELECT lead_status FROM lead_infra
    WHERE lead_id = $id4 LIMIT 1")" = acknowledged ]
check "infrastructure rows carry their lead's" [ "$(sql "SELECT COUNT(*) FROM lead_infra i
    JOIN leads l ON l.id = i.lead_id WHERE COALESCE(i.lead_tier, '-') <> l.tier
    OR COALESCE(i.lead_status, '-') <> l.status OR COALESCE(i.lead_ip, '-') <> l.ip")" -eq 0 ]
check "central alive" kill -0 "$CPID"
echo "backend: $backend"
finish
