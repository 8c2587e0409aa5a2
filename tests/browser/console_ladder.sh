#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The lead's sample calls and their SIP ladders in a real browser (issue 15).
# An appliance replays the 4-line GoIP capture: the foreign INVITEs it
# receives become `call` records that reach central once the line holds a
# verdict (docs/records.md). console_ladder.py then sends one hostile call
# record for the same line through uplink_sender (the real mTLS path), opens
# the urgent lead as an analyst, checks the sample calls against what tshark
# reads from the capture, and draws ladders (INVITE ... final answer in order).
set -u
. "$(dirname "$0")/console_lib.sh"
need_cmd tshark
need_bin "$B/uplink_sender"
console_start
PCAP=$ROOT/tests/data/lab/goip-4lines.pcap
console_replay gw-1 "$PCAP"
tshark -r "$PCAP" -Y 'sip.Method == "INVITE"' -T fields -e sip.r-uri.user 2>/dev/null |
    sort -u > "$T/callees" || fail "tshark"
[ -s "$T/callees" ] || fail "tshark read no INVITE"
n=$(sql "SELECT COUNT(*) FROM line_calls WHERE ip = '100.64.1.10'")
[ "$n" -gt 0 ] || fail "no sample call of 100.64.1.10 reached central"
ok "$n sample calls of the GoIP's line reached central ($(wc -l < "$T/callees") callees in the capture)"
console_py "$ROOT/tests/browser/console_ladder.py" "$B" "$PORT"
finish
