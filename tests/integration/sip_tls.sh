#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# SIP over TLS (docs/detection.md, rules 6a and 6b) end to end on the synthetic
# corpus: the workers follow the TLS sessions to 5061 and take their SNI, the
# detect stage finds the 60 s cadence, names it in the SIM box's record, and
# reports nothing for the enterprise softphone with the same cadence.
. "$(dirname "$0")/lib.sh"
need_bin "$B/synth" "$GWD"

mkdir -p "$TMP/c"
"$B/synth" corpus --seed 1 --out "$TMP/c" >/dev/null 2>&1 || fail "synth corpus"
grep -v '^geoip_db' tests/eval/eval.conf >"$TMP/eval.conf"
{ cat "$TMP/eval.conf"; echo "opaque_min_flows 1"; } >"$TMP/probe.conf"

$GWD -f "$TMP/eval.conf" -r "$TMP/c/sip_tls_srtp.pcap" -w "$TMP/box.jsonl" 2>"$TMP/err"
check "exit 0 on sip_tls_srtp" [ $? -eq 0 ]
check "the SIM box: high, with the TLS cadence and its SNI" grep -q \
    '"tier":"high".*"kind":"sip_tls_cadence","detail":"sbc.voipswitch-asia.example"' \
    "$TMP/box.jsonl"
check "its reason names the TLS signalling" grep -q \
    '"reason":"SIP over TLS to 198.51.100.32:5061 (SNI sbc.voipswitch-asia.example) with client records every 60 s for' \
    "$TMP/box.jsonl"
check "the workers followed its TLS sessions (stats)" grep -q '"tls":[1-9]' "$TMP/box.jsonl"
check "... and reported them" grep -q '"tls_reports":[1-9]' "$TMP/box.jsonl"
check "... with nDPI's SNI" grep -q '"tls_sni_from_ndpi":[1-9]' "$TMP/box.jsonl"

$GWD -f "$TMP/eval.conf" -r "$TMP/c/sip_tls_softphone.pcap" -w "$TMP/soft.jsonl" 2>"$TMP/err"
check "exit 0 on sip_tls_softphone" [ $? -eq 0 ]
check "the softphone is followed too" grep -q '"tls":1' "$TMP/soft.jsonl"
check "the softphone is not reported" not grep -q '"type":"detection"' "$TMP/soft.jsonl"
# one stream an hour counting as voice without SIP shows the cadence was found
$GWD -f "$TMP/probe.conf" -r "$TMP/c/sip_tls_softphone.pcap" -w "$TMP/probe.jsonl" 2>"$TMP/err"
check "its cadence held: informational evidence only" grep -q \
    '"kind":"sip_tls_cadence","detail":"\(sip.teams-voice\|pbx.cloudtel\).example"' \
    "$TMP/probe.jsonl"
finish
