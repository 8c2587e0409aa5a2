# SPDX-License-Identifier: BSD-2-Clause
# Sourced by console_rings.sh and console_stats.sh after console_lib.sh:
# rings_data starts a central with the lab's GoIP (goip-4lines.pcap, appliance
# gw-1) and detections sent through a real uplink (uplink_sender) by gw-rings:
# two more lines sharing its softswitch, a SMS server, a SIM-bank server, an
# IMSI and an IMEI (one ring with the lab's lead), and two general lines
# sharing another peer and a hostile IMEI (a second ring); then a false
# positive and a cut SIM, for the statistics.
rings_data() {
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
}
