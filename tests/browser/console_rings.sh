#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The rings page in a real browser (docs/console.md), on the data of
# console_rings_data.sh. console_rings.py lab: the graph, its kinds, clicks,
# the filters, English; then about 2,000 nodes (rows inserted as
# tests/bench/api_fill.sh does) and console_rings.py big: their figures.
set -u
. "$(dirname "$0")/console_lib.sh"
. "$(dirname "$0")/console_rings_data.sh"
rings_data

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
big_fill | sqlite3 "${DB#sqlite:}" || fail "the 2,000-node fill"
console_py "$ROOT/tests/browser/console_rings.py" big
finish
