#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The console bench's data as SQL set operations on stdout, for a database
# goipwatch-central has migrated: LEADS leads (default 100,000) with 10
# detection records each (type detection, as ingest.c stores them, linked to
# their lead in lead_records as lead_ingest links them), 4 SIMs,
# 3 evidence rows, 2 infrastructure rows (shared peers: rings), 1-2
# appliances at 10 sites, 2 events; tiers 5% urgent, 15% high, 80% general,
# raised over the last 3 days (some overdue), statuses and assignees mixed,
# and every 97th device id hostile (an escape, a quote, Chinese, a formula).
# Each lead's counts of SIMs and appliances and its site (leads.n_sims,
# n_appliances, site): on SQLite its triggers keep them as the rows go in; on
# PostgreSQL, where they would each be a plpgsql call and an update of the
# lead, the leads go in with the values this fill makes (4 SIMs, 1 or 2
# appliances, the first of their sites) and triggers are off for the session
# (session_replication_role). The infrastructure rows carry their lead's
# tier, status and ip (lead_infra.lead_tier, ...) on both.
#   tests/bench/api_fill.sh sqlite|pg NOW [LEADS] | sqlite3 DB   (or psql)
set -eu
D=$1 NOW=$2 N=${3:-100000}
case $D in
sqlite) ESC="char(27)" NSIMS=0 NAPPS=0 SITE=NULL ;;
# the sites of the lead's appliances (below): app-K is at site-(K % 10)
pg) ESC="chr(27)" NSIMS=4 NAPPS="CASE WHEN g % 3 = 0 THEN 2 ELSE 1 END"
    SITE="CASE WHEN g % 3 = 0 THEN LEAST('site-' || ((1 + g / 10 % 50) % 10),
      'site-' || ((1 + (g / 10 + 25) % 50) % 10)) ELSE 'site-' || ((1 + g / 10 % 50) % 10) END" ;;
*) echo "usage: $0 sqlite|pg NOW [LEADS]" >&2; exit 2 ;;
esac
# ser N: a subquery of the rows g = 1..N
ser() {
	if [ "$D" = sqlite ]; then
		echo "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < $1) SELECT g FROM s)"
	else
		echo "(SELECT generate_series(1, $1)::bigint AS g)"
	fi
}
RANK="CASE WHEN g % 20 = 0 THEN 3 WHEN g % 5 = 0 THEN 2 ELSE 1 END"
TIER="CASE WHEN g % 20 = 0 THEN 'urgent' WHEN g % 5 = 0 THEN 'high' ELSE 'general' END"
RAISED="($NOW - (g * 7919) % 259200)"
STATUS="CASE g % 10 WHEN 5 THEN 'acknowledged' WHEN 6 THEN 'confirmed'
    WHEN 7 THEN 'false_positive' WHEN 8 THEN 'dismantled' ELSE 'new' END"
IP="'100.' || (64 + g / 65536) || '.' || (g / 256 % 256) || '.' || (g % 256)"
[ "$D" = pg ] && echo "SET synchronous_commit = off; SET session_replication_role = replica;"
echo "BEGIN;"
cat <<SQL
INSERT INTO appliances (id, serial, grp, site, firmware, last_seen)
  SELECT 'app-' || g, 'SN' || g, 'default', 'site-' || (g % 10), '1.0', $NOW FROM $(ser 50) t;
INSERT INTO leads (id, line_key, ip, vlan, pppoe, account, device_id, tier_rank, tier,
    verdict, score, deadline, first_seen, last_seen, raised_at, detections, status,
    status_by, status_at, feedback_at, assignee, assigned_at, n_sims, n_appliances, site)
  SELECT g, 'line:' || $IP || '/0/0', $IP,
    CASE WHEN g % 2 = 0 THEN 100 + g % 50 END, CASE WHEN g % 4 = 0 THEN g % 65536 END,
    CASE WHEN g % 3 = 0 THEN 'user' || g || '@isp.example' END,
    CASE WHEN g % 97 = 0 THEN 'GoIP' || $ESC || '[2J"' || '中' || g
      WHEN g % 89 = 0 THEN '=HYPERLINK("http://x/' || g || '")'
      ELSE 'GoIP-' || (g % 1000) END,
    r, CASE r WHEN 3 THEN 'urgent' WHEN 2 THEN 'high' ELSE 'general' END,
    'goip', 40 + g % 60,
    ra + CASE r WHEN 3 THEN 7200 WHEN 2 THEN 86400 ELSE 172800 END,
    ra - 60, ra + g % 3600, ra, 10, st,
    CASE WHEN st <> 'new' THEN 'ana' || (g % 5) END,
    CASE WHEN st <> 'new' THEN ra + 3600 END, CASE WHEN st <> 'new' THEN ra + 1800 END,
    CASE WHEN g % 7 = 0 THEN 'ana' || (g / 3 % 5) END, CASE WHEN g % 7 = 0 THEN ra + 600 END,
    $NSIMS, $NAPPS, $SITE
  FROM (SELECT g, $RANK AS r, $RAISED AS ra, $STATUS AS st FROM $(ser "$N") t) x;
INSERT INTO lead_sources (lead_id, appliance, first_seen, last_seen)
  SELECT g, 'app-' || (1 + g / 10 % 50), $RAISED, $RAISED FROM $(ser "$N") t;
INSERT INTO lead_sources (lead_id, appliance, first_seen, last_seen)
  SELECT g, 'app-' || (1 + (g / 10 + 25) % 50), $RAISED, $RAISED FROM $(ser "$N") t WHERE g % 3 = 0;
INSERT INTO records (appliance, seq, type, received, body)
  SELECT 'app-' || (1 + g % 50), g, 'detection', $NOW - g % 259200,
    '{"type":"detection","seq":' || g || ',"ts":' || ($NOW - g % 259200) ||
    ',"ip":"' || '100.' || (64 + l / 65536) || '.' || (l / 256 % 256) || '.' || (l % 256) ||
    '","tier":"' || CASE WHEN l % 20 = 0 THEN 'urgent' WHEN l % 5 = 0 THEN 'high' ELSE 'general' END ||
    '","verdict":"goip","score":' || (40 + l % 60) || ',"device":{"id":"GoIP-' || (l % 1000) || '"}}'
  FROM (SELECT g, 1 + g % $N AS l FROM $(ser $((N * 10))) t) x;
INSERT INTO lead_records (appliance, seq, lead_id, ts)
  SELECT 'app-' || (1 + g % 50), g, 1 + g % $N, $NOW - g % 259200 FROM $(ser $((N * 10))) t;
INSERT INTO sims (sim_key, imsi, iccid, msisdn, imei, lead_id, first_seen, last_seen)
  SELECT '46001' || (1000000000 + g), '46001' || (1000000000 + g),
    '8986' || (1000000000000000 + g), '86138' || (10000000 + g), '35' || (1000000000000 + g / 4),
    1 + g % $N, $NOW - 86400, $NOW FROM $(ser $((N * 4))) t;
INSERT INTO lead_evidence (lead_id, kind, detail, count, first_ts, last_ts)
  SELECT g, 'user_agent', CASE WHEN g % 97 = 0 THEN '+cmd' || $ESC || ']0;x' ELSE 'GoIP/' || (g % 10) END,
    10, $RAISED, $RAISED FROM $(ser "$N") t;
INSERT INTO lead_evidence (lead_id, kind, detail, count, first_ts, last_ts)
  SELECT g, 'sip_server', '203.0.113.' || (g % 250), 10, $RAISED, $RAISED FROM $(ser "$N") t;
INSERT INTO lead_evidence (lead_id, kind, detail, count, first_ts, last_ts)
  SELECT g, 'sims', '4', 4, $RAISED, $RAISED FROM $(ser "$N") t;
INSERT INTO lead_infra (lead_id, kind, value, lead_tier, lead_status, lead_ip)
  SELECT g, 'peer', '203.0.113.' || (g % 250), $TIER, $STATUS, $IP FROM $(ser "$N") t;
INSERT INTO lead_infra (lead_id, kind, value, lead_tier, lead_status, lead_ip)
  SELECT g, 'imsi', '46001' || (1000000000 + g), $TIER, $STATUS, $IP FROM $(ser "$N") t;
INSERT INTO lead_events (lead_id, at, who, kind, tier)
  SELECT g, $RAISED, 'appliance app-' || (1 + g % 50), 'raised',
    CASE WHEN g % 20 = 0 THEN 'urgent' WHEN g % 5 = 0 THEN 'high' ELSE 'general' END
  FROM $(ser "$N") t;
INSERT INTO lead_events (lead_id, at, who, kind, status, note)
  SELECT g, $RAISED + 3600, 'ana' || (g % 5), 'feedback', $STATUS, 'note ' || g
  FROM $(ser "$N") t WHERE g % 10 BETWEEN 5 AND 8;
COMMIT;
SQL
if [ "$D" = pg ]; then
	echo "SELECT setval(pg_get_serial_sequence('leads', 'id'), $N);"
	echo "VACUUM ANALYZE;"	# what autovacuum does soon after a load
fi
