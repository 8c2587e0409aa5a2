#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The whole system on one machine: the office PKI into build/run/, goipwatch-central
# on SQLite in the background on loopback, one goipwatchd replaying a bundled
# capture and reporting over mutual TLS (-W waits for its spool to drain), then
# the leads table, rings, SIM list and fleet. Bounded in time; cleans up.
#   scripts/run-system.sh [PCAP]      (BUILD=dir selects the build directory)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${BUILD:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
PCAP=${1:-$ROOT/tests/data/lab/goip-4lines.pcap}
RUN=$B/run
C=$B/goipwatch-central
GWD=$B/goipwatchd
for bin in "$C" "$GWD"; do
	[ -x "$bin" ] || { echo "run-system: $bin is not built (make)" >&2; exit 1; }
done

rm -rf "$RUN/spool"
. "$ROOT/scripts/central-local.sh"
trap 'kill $CPID 2>/dev/null; wait $CPID 2>/dev/null' EXIT
trap 'exit 1' INT TERM
central_local "$RUN" "$C" || exit 1

cat > "$RUN/gw.conf" <<CONF
central_host 127.0.0.1
central_port $PORT
central_name central.test
tls_ca $RUN/pki/ca.crt
tls_cert $RUN/pki/gw-test-1.crt
tls_key $RUN/pki/gw-test-1.key
config_pubkey $RUN/pki/config-sign.pub
spool_dir $RUN/spool
heartbeat_interval 1s
CONF
echo "== goipwatchd (appliance gw-test-1) replays $(basename "$PCAP") and reports to central on 127.0.0.1:$PORT"
timeout 120 "$GWD" -v -r "$PCAP" -f "$RUN/gw.conf" -W 30 -w "$RUN/appliance.jsonl" 2>"$RUN/appliance.log" ||
	{ tail -n 20 "$RUN/appliance.log"; echo "run-system: goipwatchd failed" >&2; exit 1; }
grep -h 'spool drained\|stay spooled' "$RUN/appliance.log" || true
echo
echo "== goipwatch-central leads"
"$C" -f "$RUN/central.conf" leads
echo
echo "== goipwatch-central rings"
"$C" -f "$RUN/central.conf" rings
echo
echo "== goipwatch-central sims"
"$C" -f "$RUN/central.conf" sims
echo
echo "== goipwatch-central appliances"
"$C" -f "$RUN/central.conf" appliances
echo
echo "== console API (docs/api.md): https://127.0.0.1:$(cat "$RUN/api.port")/ (office CA $RUN/pki/ca.crt)"
"$C" -f "$RUN/central.conf" user add admin --role admin
echo
echo "(database $RUN/central.db; try: $C -f $RUN/central.conf lead show 1)"
