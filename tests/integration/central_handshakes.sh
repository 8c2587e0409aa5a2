#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# TLS handshakes take their turn (docs/central.md, Many connections): with
# handshakes_max 2, 60 appliances connecting at once are all served (the rest
# wait, counted hs_waited), none expires; a peer that stops in the middle of its
# handshake gives its turn up (hs_stalled) instead of holding it until
# handshake_timeout, and the appliance behind it gets through.
set -u
. "$(dirname "$0")/central_lib.sh"
need_cmd python3
pki
central_conf c1 "sqlite:$T/c.db" "handshakes_max 2" "handshake_timeout 4"
start_central c1
C1=$CPID

check "60 appliances at once, 2 handshakes at a time: all held and delivering" \
    "$LOAD" -A "$T/pki/ca.crt" -K "$T/pki/ca.key" -p "$PORT" -n 60 -r 2 -b 5 -T 60
check "their 600 records stored" [ "$(sqlite3 "$T/c.db" "SELECT COUNT(*) FROM records")" -eq 600 ]
lim=$(counters c1 "$C1" | grep 'limits:')
echo "$lim"
waited=$(echo "$lim" | sed -n 's/.* hs_waited=\([0-9]*\).*/\1/p')
check "handshakes waited their turn (hs_waited=$waited)" [ "${waited:-0}" -gt 0 ]
check "none expired waiting" sh -c 'echo "$1" | grep -q " handshake_expired=0 "' _ "$lim"

# two peers that stop after the first bytes of a ClientHello hold both turns
python3 - "$PORT" >"$T/stall.out" 2>&1 <<'PY' &
import socket, sys, time
s = []
for _ in range(2):
    c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    c.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")   # a ClientHello cut short
    s.append(c)
print("connected", len(s), flush=True)
time.sleep(12)
PY
STALL=$!
PIDS="$PIDS $STALL"
i=0
until grep -q 'connected 2' "$T/stall.out"; do
	i=$((i + 1)); [ $i -gt 100 ] && { cat "$T/stall.out"; fail "the stalling peers did not connect"; }
	sleep 0.1
done
sleep 0.3	# central has read their first bytes and started their handshakes
t0=$(date +%s)
check "an appliance behind two stalled handshakes gets through" \
    "$LOAD" -A "$T/pki/ca.crt" -K "$T/pki/ca.key" -p "$PORT" -n 1 -r 1 -b 5 -s 100 -T 30
echo "served after $(($(date +%s) - t0)) s (handshake_timeout 4: a stalled turn is given up after 2-3 s)"
lim=$(counters c1 "$C1" | grep 'limits:')
stalled=$(echo "$lim" | sed -n 's/.* hs_stalled=\([0-9]*\).*/\1/p')
check "the stalled handshakes gave their turns up (hs_stalled=$stalled)" [ "${stalled:-0}" -ge 1 ]
kill "$STALL" 2>/dev/null
kill -0 "$C1" || fail "central died"
finish
