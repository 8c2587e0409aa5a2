#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The rings and statistics pages in a real browser (docs/console.md). The lab's
# GoIP (goip-4lines.pcap, appliance gw-1) and detections sent through a real
# uplink (uplink_sender) by gw-rings: two more lines sharing its softswitch, a
# SMS server, a SIM-bank server, an IMSI and an IMEI (one ring with the lab's
# lead), and two general lines sharing another peer and a hostile IMEI (a
# second ring). A false positive and a cut SIM give the statistics something
# to show. console_rings.py: the graph, its kinds, a click, the filters, then
# about 2,000 nodes (rows inserted as tests/bench/api_fill.sh does) and their
# figures; console_stats.py: the charts and tables against the API, and an
# analyst refused.
set -u
. "$(dirname "$0")/console_lib.sh"
need_bin "$GWD" "$B/uplink_sender"
need_cmd sqlite3
console_start
console_replay gw-1 "$ROOT/tests/data/lab/goip-4lines.pcap"
[ "$(sql "SELECT COUNT(*) FROM leads")" -ge 1 ] || fail "no lead from the lab's capture"

now=$(date +%s)
"$PY" - "$now" > "$T/rings.jsonl" <<'PY' || fail "records"
import json, sys, time
now = int(sys.argv[1])
def det(dt, ip, tier, peers, sims):
    return json.dumps({
        "type": "detection", "ts": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(now - dt)),
        "subject": {"ip": ip, "account": "acct-" + ip}, "verdict": "simbox_suspected",
        "tier": tier, "score": 90,
        "evidence": [{"kind": "simbank_login", "detail": "login, line 1 slot 1", "count": 2}],
        "peers": [{"ip": p, "port": port, "count": 3} for p, port in peers],
        "device": {"id": "bank-" + ip, "sims": sims}}, ensure_ascii=True, separators=(",", ":"))
EVIL = "86\u202eEVIL\x1b[2J<script>x</script>"
print(det(60, "100.64.60.1", "urgent", [("203.0.113.10", 5060), ("198.51.100.77", 56012)],
          [{"imsi": "460017777777777", "imei": "867777777777777"}]))
print(det(50, "100.64.60.2", "urgent", [("198.51.100.77", 56012), ("198.51.100.20", 44444)],
          [{"imsi": "460017777777777", "imei": "867777777777777"}]))
print(det(40, "100.64.61.1", "general", [("192.0.2.99", 7000)], [{"imei": EVIL}]))
print(det(30, "100.64.61.2", "general", [("192.0.2.99", 7000)], [{"imei": EVIL}]))
PY
"$ROOT/scripts/certs.sh" "$T/pki" appliance gw-rings >/dev/null 2>&1 || fail "certs.sh"
timeout 60 "$B/uplink_sender" -s "$T/spool-rings" -p "$PORT" -a "$T/pki/ca.crt" \
    -c "$T/pki/gw-rings.crt" -k "$T/pki/gw-rings.key" -b 100 -R "$T/rings.jsonl" -w -t 30 \
    > "$T/sender.out" 2>&1 || { cat "$T/sender.out"; fail "records not acked"; }
[ "$(sql "SELECT COUNT(*) FROM leads WHERE ip LIKE '100.64.6%'")" -eq 4 ] ||
    { sql "SELECT id, ip, tier FROM leads"; fail "the ring's leads are missing"; }
fp=$(sql "SELECT id FROM leads WHERE ip = '100.64.61.2'")
ctl lead feedback "$fp" false_positive --note "test" --by u.supervisor >/dev/null ||
    fail "false positive"
ctl sim disposition 460017777777777 shut_down --note "cut" >/dev/null || fail "disposition"
echo "ok: the lab's lead and four more in two rings, a false positive, a cut SIM"

# About 2,000 nodes for the figures: 167 rings of 6 leads sharing a softswitch,
# two SMS servers and three IMSIs (12 nodes, 18 edges each); ids from 100001.
big_fill() {
	N=1002
	cat <<SQL
BEGIN;
WITH RECURSIVE s(g) AS (SELECT 0 UNION ALL SELECT g + 1 FROM s WHERE g < $N - 1)
INSERT INTO leads (id, line_key, ip, tier_rank, tier, verdict, score, deadline,
    first_seen, last_seen, raised_at)
  SELECT 100001 + g, 'line:10.' || (g / 256) || '.' || (g % 256) || '.1/0/0',
    '10.' || (g / 256) || '.' || (g % 256) || '.1', 1, 'general', 'goip_present', 40,
    $now + 172800, $now - 3600, $now - 60, $now - 3600 FROM s;
WITH RECURSIVE s(g) AS (SELECT 0 UNION ALL SELECT g + 1 FROM s WHERE g < $N - 1)
INSERT INTO lead_infra (lead_id, kind, value, role)
  SELECT 100001 + g, 'peer', '203.1.' || (g / 6 / 250) || '.' || (g / 6 % 250), 'softswitch' FROM s
  UNION ALL SELECT 100001 + g, 'peer', '198.18.' || (g / 3 / 250) || '.' || (g / 3 % 250),
    'sms_server' FROM s
  UNION ALL SELECT 100001 + g, 'imsi', '46002' || (1000000 + g / 2), NULL FROM s;
COMMIT;
SQL
}
console_py "$ROOT/tests/browser/console_rings.py" lab
console_py "$ROOT/tests/browser/console_stats.py"
big_fill | sqlite3 "${DB#sqlite:}" || fail "the 2,000-node fill"
console_py "$ROOT/tests/browser/console_rings.py" big
finish
