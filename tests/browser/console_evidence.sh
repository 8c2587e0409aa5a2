#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The evidence files of a lead in a real browser (docs/evidence.md, docs/console.md):
# goipwatchd replays the lab's 4-line GoIP capture with evidence on into a central
# that keeps evidence files; console_evidence.py: the analyst sees the urgent
# lead's files (received time, appliance, size, sha256, verified), downloads a
# package through the page's link (a tar whose pcapng has the sha256 of its row,
# the bytes central stored), the download is in the custody log (audit API);
# carrier and engineer get 403 for the list and the package.
set -u
. "$(dirname "$0")/console_lib.sh"
need_cmd tshark
EVC=$T/evc
console_start "evidence_dir $EVC"
console_replay gw-1 "$ROOT/tests/data/lab/goip-4lines.pcap" "subscriber_prefix 100.64.0.0/10" \
    "site_id gw-1" "evidence on" "evidence_dir $T/ev-gw-1"
n=$(ls "$T"/ev-gw-1/*.pcapng 2>/dev/null | wc -l)
check "the appliance wrote evidence files" [ "$n" -ge 2 ]
check "central stored and verified each" [ "$(sql "SELECT COUNT(*) FROM evidence")" -eq "$n" ]
LEAD=$(sql "SELECT id FROM leads WHERE tier = 'urgent' ORDER BY id LIMIT 1")
check "an urgent lead" [ -n "$LEAD" ]
console_py "$ROOT/tests/browser/console_evidence.py" "$LEAD" "$EVC"
check "the downloaded pcapng opens in tshark, with its per-packet comments" sh -c \
    'tshark -r "$1" -T fields -e frame.comment 2>/dev/null | grep -q sip_user_agent' _ "$T/pkg.pcapng"
check "custody: the analyst's two downloads are audit rows" [ "$(sql "SELECT COUNT(*)
    FROM audit WHERE who = 'u.analyst' AND action = 'evidence.downloaded' AND result = 'ok'")" = 2 ]
check "custody: the carrier's and engineer's tries are refusals, not downloads" [ "$(sql "SELECT
    COUNT(*) FROM audit WHERE who IN ('u.carrier', 'u.engineer') AND result = 'denied' AND
    action LIKE '/api/v1/leads/$LEAD/evidence%'")" -ge 4 -a \
    "$(sql "SELECT COUNT(*) FROM audit WHERE who IN ('u.carrier', 'u.engineer') AND
    action = 'evidence.downloaded'")" = 0 ]
finish
