#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Crash: kill -9 the sender three times during heavy reporting (appending and
# sending at full speed), restarting it on the same spool with a higher target
# each time. Nothing lost, nothing duplicated after dedupe.
set -u
. "$(dirname "$0")/uplink_lib.sh"

pki
start_peer
target=0
for delay in 0.25 0.4 0.6; do
	target=$((target + 150000))
	sender_bg -N $target -f never -m 1073741824 -w -t 60 >"$T/s.out" 2>&1 &
	S=$!
	sleep $delay
	kill -9 $S 2>/dev/null
	wait $S 2>/dev/null
	held=$(wc -l < "$T/db")
	echo "kill -9 after ${delay}s (target $target): central holds $held"
	[ "$held" -lt "$target" ] || echo "note: this round finished before the kill"
done
sender -N $target -f never -m 1073741824 -w -t 90 >"$T/s.out" 2>&1 ||
    { cat "$T/s.out"; fail "restart did not finish"; }
cat "$T/s.out"
check_db 1 $target || fail "records lost or duplicated"
echo "dedupe: $(grep 'session end' "$T/peer.log" | tail -n 1)"
echo "PASS uplink_crash"
