#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# goipwatchd -r with central_host set: health records, the detect stage's
# detection records (and the call records of detected lines: docs/records.md)
# and test records injected through daemon_report reach
# central over mutual TLS, and -W waits for them. With central down, -W gives up in time, the records stay spooled
# and the next run delivers them, each exactly once.
set -u
. "$(dirname "$0")/daemon_lib.sh"

pki
start_peer
gwconf "$T/gw.conf"
"$GWD" -v -r "$PCAP" -f "$T/gw.conf" -X inject=2000 -W 20 -w "$T/out1.jsonl" \
    2>"$T/gwd1.log" || { cat "$T/gwd1.log"; fail "run 1 exit status"; }
grep -q 'spool drained' "$T/gwd1.log" || { cat "$T/gwd1.log"; fail "run 1 did not drain"; }
run1=$(sed -n 's/.*"run":\([0-9]*\),.*/\1/p' "$T/db" | head -n 1)
check "run 1: the 2000 test records, each once" check_inject "$run1" 2000
# the capture's own detections, byte for byte as in the output
grep '"type":"detection"' "$T/out1.jsonl" > "$T/det.out"
grep '"type":"detection"' "$T/db" | grep -v '"test":true' | cut -d' ' -f3- > "$T/det.db"
check "the capture gave detection records" [ -s "$T/det.out" ]
check "$(wc -l < "$T/det.out") detection records of the capture reached central, byte for byte" \
    cmp -s "$T/det.out" "$T/det.db"
# sample calls of the detected lines: the output's call record with the line as its subject
grep '"type":"call"' "$T/db" | cut -d' ' -f3- > "$T/call.db"
check "call records of detected lines reached central" [ -s "$T/call.db" ]
sed 's/,"subject":{"ip":"[0-9.]*"}}$/}/' "$T/call.db" > "$T/call.bare"
check "$(wc -l < "$T/call.db") of them, each an output call record plus its subject" \
    sh -c "! cmp -s '$T/call.db' '$T/call.bare' && grep -vxFf '$T/out1.jsonl' '$T/call.bare' |
    { ! grep -q .; }"
# the final heartbeat carries the pipeline's counters, as the stats record does
pk=$(sed -n 's/.*"type":"stats".*"workers":[0-9]*,"packets":\([0-9]*\),.*/\1/p' "$T/out1.jsonl")
h=$(grep '"type":"health"' "$T/db" | tail -n 1)
echo "$h"
check "last health record has packets=$pk" has "$h" "*\"packets\":$pk,*"
check "health record fields" has "$h" '*"firmware_version":"*"drops":{"kernel":0,*"tls":{"state":*'

# central down: -W 1 gives up after about a second, nothing is lost
stop_peer
t0=$(date +%s)
"$GWD" -v -r "$PCAP" -f "$T/gw.conf" -X inject=500 -W 1 -w /dev/null 2>"$T/gwd2.log" ||
    fail "run 2 exit status"
check "run 2: -W 1 gave up within 5 s" [ $(( $(date +%s) - t0 )) -le 5 ]
check "run 2: spool notice" grep -q 'records stay spooled' "$T/gwd2.log" || cat "$T/gwd2.log"
start_peer
"$GWD" -v -r "$PCAP" -f "$T/gw.conf" -W 20 -w /dev/null 2>"$T/gwd3.log" ||
    fail "run 3 exit status"
grep -q 'spool drained' "$T/gwd3.log" || { cat "$T/gwd3.log"; fail "run 3 did not drain"; }
run2=$(sed -n 's/.*"run":\([0-9]*\),.*/\1/p' "$T/db" | grep -v "^$run1\$" | head -n 1)
check "run 2: the records spooled while central was down, each once" check_inject "$run2" 500
check "no record lost or duplicated" check_seqs
finish
