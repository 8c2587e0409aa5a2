#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The whole system on one machine: the office PKI into build/run/, goipwatch-central
# on SQLite in the background on loopback, one goipwatchd replaying a bundled
# capture and reporting over mutual TLS (-W waits for its spool to drain), then
# the leads table, rings, SIM list and fleet, the console API's URL with a
# one-time admin login, and the console's URL (the same address, in a browser).
# Then central stays up: until Ctrl-C when stdin is a terminal, RUN_SECONDS
# seconds when set (either way); else it stops at once, so scripts and CI are
# never blocked. Cleans up.
#   [RUN_SECONDS=N] scripts/run-system.sh [PCAP]   (BUILD=dir: the build directory)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${BUILD:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
PCAP=${1:-$ROOT/tests/data/lab/goip-4lines.pcap}
RUN=$B/run
C=$B/goipwatch-central
GWD=$B/goipwatchd
case ${RUN_SECONDS:-} in
"" | *[!0-9]*) [ -z "${RUN_SECONDS:-}" ] ||
    { echo "run-system: RUN_SECONDS must be a whole number of seconds" >&2; exit 2; } ;;
esac
for bin in "$C" "$GWD"; do
	[ -x "$bin" ] || { echo "run-system: $bin is not built (make)" >&2; exit 1; }
done

rm -rf "$RUN/spool" "$RUN/evidence-gw"
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
evidence on
evidence_dir $RUN/evidence-gw
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
LEAD=$("$C" -f "$RUN/central.conf" leads --tier urgent --json --limit 1 |
    python3 -c 'import json, sys; l = sys.stdin.readline(); print(json.loads(l)["id"] if l else "")')
if [ -n "$LEAD" ]; then
	echo "== evidence of the urgent lead $LEAD (docs/evidence.md): goipwatch-central evidence list $LEAD"
	"$C" -f "$RUN/central.conf" evidence list "$LEAD"
	SHA=$("$C" -f "$RUN/central.conf" evidence list "$LEAD" | awk '/ verified / { s = $1 } END { print s }')
	if [ -n "$SHA" ]; then
		F=$RUN/evidence/$(echo "$SHA" | cut -c1-2)/$SHA.pcapng
		echo "the latest file, as central keeps it (tshark -r or Wireshark opens it):"
		echo "   $F"
		echo "verify it (central's copy, against the appliance certificate it came with):"
		echo "   $C -f $RUN/central.conf evidence verify $LEAD"
		echo "the package for a court expert, checked offline against the office CA:"
		echo "   $C -f $RUN/central.conf evidence get $LEAD -o lead-$LEAD &&"
		echo "   $C evidence verify lead-$LEAD/$SHA.pcapng --ca $RUN/pki/ca.crt"
	fi
fi
echo
echo "== console API (docs/api.md): https://127.0.0.1:$(cat "$RUN/api.port")/ (office CA $RUN/pki/ca.crt)"
"$C" -f "$RUN/central.conf" user add admin --role admin
echo
echo "(database $RUN/central.db; try: $C -f $RUN/central.conf lead show 1)"
API=$(cat "$RUN/api.port")
echo
echo "== the console: open https://127.0.0.1:$API/ in a browser and log in as admin"
echo "   with the one-time password above (the certificate is from the office CA"
echo "   $RUN/pki/ca.crt: import it, or accept the warning for this local run)"
echo "console URL: https://127.0.0.1:$API/"
if [ -n "${RUN_SECONDS:-}" ]; then
	echo "== central and its API stay up for $RUN_SECONDS s (RUN_SECONDS); Ctrl-C stops them"
	trap 'exit 0' INT TERM
	sleep "$RUN_SECONDS"
elif [ -t 0 ]; then
	echo "== central and its API stay up until Ctrl-C; try:"
	echo "   curl --cacert $RUN/pki/ca.crt https://127.0.0.1:$API/api/v1/me"
	trap 'exit 0' INT TERM
	wait "$CPID"
else
	echo "== stdin is not a terminal: central stops now (make run RUN_SECONDS=N keeps it up)"
fi
