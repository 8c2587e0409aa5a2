#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Spool cap: with central unreachable, a 64 KiB spool overflows; the oldest
# records are dropped and counted, the sender keeps running, and once central is
# back the surviving tail arrives exactly once.
set -u
. "$(dirname "$0")/uplink_lib.sh"

N=3000
pki
start_peer
stop_peer		# keep the port, refuse connections
sender_bg -N $N -z 100 -m 65536 -w -t 60 >"$T/s.out" 2>&1 &
S=$!; PIDS="$PIDS $S"
sleep 2
kill -0 $S 2>/dev/null || { cat "$T/s.out"; fail "sender died while the spool was full"; }
start_peer
wait $S || { cat "$T/s.out"; fail "sender did not finish"; }
cat "$T/s.out"
D=$(sed -n 's/.* dropped=\([0-9]*\) .*/\1/p' "$T/s.out")
check "the cap bit: $D of $N dropped" [ "${D:-0}" -gt 0 ]
check "the survivors are exactly the newest $((N - D))" check_db $((D + 1)) $N
finish
