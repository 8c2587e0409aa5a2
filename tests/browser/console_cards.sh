#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Card cutting in a real browser (docs/console.md): SIMs of two carriers, some
# with a gang's formulas and escapes, go through an uplink into central; then
# console_cards.py: the carrier liaison (u.carrier, 46001: China Unicom) sees only
# Unicom's SIMs of urgent leads, records a disposition in bulk and for one SIM,
# exports the CSV (BOM, only its SIMs, formulas neutralised), gets the 403 page
# for a lead and the fleet, and the page works in English.
set -u
. "$(dirname "$0")/console_lib.sh"
need_bin "$B/uplink_sender"
console_start

# Lead 1 (urgent): Unicom and China Mobile SIMs; lead 2 (urgent): one Unicom SIM
# with hostile fields; lead 3 (general, new): a Unicom SIM not on the cutting list.
"$PY" - "$T/sims.jsonl" <<'PYGEN' || fail "records"
import json, sys
leads = [
    ("100.64.7.1", "urgent", [
        {"imsi": "460011000000001", "iccid": "89860112345678900001", "msisdn": "=cmd",
         "imei": "+1"},
        {"imsi": "460061000000002", "msisdn": "@x", "imei": "861234567890123"},
        {"imsi": "460001000000003", "msisdn": "+8613900000000"},
        {"imsi": "460021000000004"},
    ]),
    ("100.64.7.2", "urgent", [
        {"imsi": "460011000000005", "msisdn": "<script>alert(1)</script>\u202e\x1b[2J",
         "imei": "-2+3"},
    ]),
    ("100.64.7.3", "general", [{"imsi": "460011000000006"}]),
]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i, (ip, tier, sims) in enumerate(leads):
        rec = {"type": "detection", "ts": "2026-11-30T10:00:0%d.000Z" % i,
               "subject": {"ip": ip, "vlan": 10 + i, "account": "acct-%d" % i},
               "verdict": "goip_present", "tier": tier,
               "evidence": [{"kind": "sip_user_agent", "detail": "dble", "count": 1}],
               "peers": [{"ip": "203.0.113.%d" % (i + 1), "port": 5060, "count": 3}],
               "device": {"id": "GoIP-%d" % i, "sims": sims}}
        f.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")
PYGEN
gw_conf gw-sims "$PORT"
timeout 60 "$B/uplink_sender" -s "$T/spool-sims" -p "$PORT" -a "$T/pki/ca.crt" \
    -c "$T/pki/gw-sims.crt" -k "$T/pki/gw-sims.key" -b 100 -R "$T/sims.jsonl" -w -t 30 \
    > "$T/sender.out" 2>&1 || { cat "$T/sender.out"; fail "records not acked"; }
check "3 leads, 6 SIMs" [ "$(sql "SELECT COUNT(*) FROM leads")/$(sql "SELECT COUNT(*) FROM sims")" = 3/6 ]

console_py "$ROOT/tests/browser/console_cards.py"
n=$(sql "SELECT COUNT(*) FROM audit WHERE who = 'u.carrier' AND action = 'sim disposition'
    AND result = 'shut_down'")
check "the bulk disposition is audited per SIM" [ "$n" -eq 3 ]
check "the export is audited" [ "$(sql "SELECT COUNT(*) FROM audit WHERE who = 'u.carrier'
    AND action = 'export'")" -ge 1 ]
finish
