#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The office CLI on data from simulated appliances: rings (lines sharing a peer),
# SIM list as CSV, export, statistics per period, enrolment of an appliance CSR.
set -u
. "$(dirname "$0")/central_lib.sh"
pki
DB="sqlite:$T/c.db"
central_conf c1 "$DB"
start_central c1
# appliances 0 and 50 share foreign peer 198.51.100.0 (idx % 50): one ring
"$LOAD" -A "$T/pki/ca.crt" -K "$T/pki/ca.key" -p "$PORT" -n 60 -r 2 -b 5 >/dev/null ||
    fail "load"
ctl rings > "$T/rings.txt" || fail "rings"
grep -q '^10 rings$' "$T/rings.txt" || { cat "$T/rings.txt"; fail "want 10 rings"; }
ctl sims --csv > "$T/sims.csv" || fail "sims"
[ "$(wc -l < "$T/sims.csv")" -eq 61 ] || fail "want 60 SIMs"
bom=$(printf '\357\273\277')
head -n 1 "$T/sims.csv" | grep -q "^${bom}imsi,iccid,msisdn,imei,lead,status" || fail "sims header"
ctl export --json | grep -c '"tier":"urgent"' | grep -q '^60$' || fail "export json"
ctl export --csv | head -n 1 | grep -q "^${bom}id,tier,status" || fail "export csv"
for p in day week month; do ctl stats --period "$p" > "$T/stats.$p" || fail "stats $p"; done
cat "$T/stats.day"
grep -q '^2026-11-29 *60 ' "$T/stats.day" || fail "stats: 60 leads that day"
ctl leads --tier urgent | tail -n 1 | grep -q '^60 leads$' || fail "leads --tier urgent"
ctl leads --tier high | tail -n 1 | grep -q '^0 leads$' || fail "leads --tier high"
# enrolment: a CSR signed by the office CA verifies as a client certificate
"$ROOT/scripts/certs.sh" "$T/csr" ca >/dev/null 2>&1
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/new.key" 2>/dev/null
openssl req -new -key "$T/new.key" -subj "/O=goipwatch/CN=gw-new-7" -out "$T/new.csr"
ctl enroll "$T/new.csr" -o "$T/new.crt" 2>/dev/null || fail "enroll"
openssl verify -CAfile "$T/pki/ca.crt" -purpose sslclient "$T/new.crt" | grep -q OK ||
    fail "enrolled certificate does not verify"
"$LOAD" -A "$T/pki/ca.crt" -p "$PORT" -H hello -c "$T/new.crt" -k "$T/new.key" \
    -i gw-new-7 >/dev/null || fail "enrolled appliance refused"
echo "PASS central_cli"
