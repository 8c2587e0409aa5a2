#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Outage: the peer goes down mid-stream and comes back; the sender reconnects
# with backoff and replays from its last ack. Every record arrives exactly once.
set -u
. "$(dirname "$0")/uplink_lib.sh"

N=10000
pki
start_peer
sender_bg -N $N -r 4000 -w -t 60 >"$T/s.out" 2>&1 &
S=$!; PIDS="$PIDS $S"
sleep 1
stop_peer
echo "peer down"
sleep 2
start_peer
echo "peer up again on port $PORT"
wait $S || { cat "$T/s.out"; fail "sender did not deliver everything"; }
cat "$T/s.out"
check "the outage was noticed" grep -q 'failures=[1-9]' "$T/s.out"
check "no record lost or duplicated" check_db 1 $N
grep 'session end' "$T/peer.log" | tail -n 1
finish
