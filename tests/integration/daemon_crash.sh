#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Crash: kill -9 goipwatchd three times while it reports at full speed (test
# detection records through daemon_report, health records, the uplink sending),
# restarting it on the same spool. Every record that reached the spool is
# delivered, none twice: the peer's seqs are 1..max each once, every run's
# records are a gap-free prefix, and what a restart found waiting was delivered.
set -u
. "$(dirname "$0")/daemon_lib.sh"

pki
start_peer
gwconf "$T/gw.conf" "spool_fsync never" "spool_max_bytes 1073741824"
for delay in 0.3 0.5 0.8; do
	sh -c 'exec "$@"' gwd "$GWD" -v -r "$PCAP" -f "$T/gw.conf" -X inject=300000 \
	    -W 60 -w /dev/null 2>>"$T/gwd.log" &
	G=$!
	sleep $delay
	kill -9 $G 2>/dev/null
	wait $G 2>/dev/null
	echo "kill -9 after ${delay}s: central holds $(wc -l < "$T/db") records"
done
"$GWD" -v -r "$PCAP" -f "$T/gw.conf" -X inject=20000 -W 60 -w /dev/null \
    2>>"$T/gwd.log" || { tail -n 20 "$T/gwd.log"; fail "final run"; }
grep 'spool .* records waiting' "$T/gwd.log"
check "final run drained" grep -q 'spool drained' "$T/gwd.log"
check "no record lost or duplicated" check_seqs
# what each restart found on disk (next seq - 1) reached central
max=$(awk '{ if ($2 + 0 > m) m = $2 + 0 } END { print m }' "$T/db")
for w in $(sed -n 's/.*next seq \([0-9]*\),.*/\1/p' "$T/gwd.log"); do
	check "spooled records up to seq $((w - 1)) delivered" [ $((w - 1)) -le "$max" ]
done
runs=$(sed -n 's/.*"run":\([0-9]*\),.*/\1/p' "$T/db" | sort -u)
[ "$(echo "$runs" | wc -l)" -eq 4 ] || echo "note: $(echo "$runs" | wc -l) runs reported"
last=$(tail -n 1 "$T/db" | sed -n 's/.*"run":\([0-9]*\),.*/\1/p')
for r in $runs; do
	want=""; [ "$r" = "$last" ] && want=20000
	check "run $r: a gap-free prefix, each record once" check_inject "$r" $want
done
grep 'session end' "$T/peer.log" | tail -n 1
finish
