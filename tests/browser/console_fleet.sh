#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The fleet in a real browser (docs/console.md): appliance gw-old replays a
# capture and goes quiet (silent after 3 s); gw-live replays one from a pipe
# that stays open, so it stays connected, heartbeats and answers pushes. Then
# console_fleet.py: the engineer sees both (the silent one first, per-stage
# drops, spool), pushes a config to the group and watches gw-live's ack
# arrive, then one the appliance refuses, with its reason; a bad config is
# refused by central; a lead is the 403 page; English.
set -u
. "$(dirname "$0")/console_lib.sh"
need_bin "$GWD"
console_start "silent_after 3"
console_replay gw-old "$ROOT/tests/data/lab/goip-1line.pcap"

# gw-live: the capture comes on stdin, which ends when $T/go appears.
gw_conf gw-live "$PORT"
( cat "$ROOT/tests/data/lab/home.pcap"; while [ ! -f "$T/go" ]; do sleep 0.2; done ) |
    timeout 300 "$GWD" -v -r - -f "$T/gw-live.gw.conf" -W 10 -w /dev/null \
    2>"$T/gw-live.gwd.log" &
GPID=$!
PIDS="$PIDS $GPID"
# gw-live ends when its capture does: end it before the cleanup waits for it
trap '_rc=$?; touch "$T/go"; (exit $_rc); lib_cleanup' EXIT
i=0
until grep -q 'gw-live.*session up' "$T/c1.log"; do
	i=$((i + 1)); [ $i -gt 300 ] && { tail "$T/gw-live.gwd.log"; fail "gw-live did not connect"; }
	sleep 0.1
done
ok "gw-live connected and stays"

console_py "$ROOT/tests/browser/console_fleet.py"
ctl config status > "$T/cstatus.txt" || fail "config status"
cat "$T/cstatus.txt"
check "config status: gw-live answered the last push" grep -q 'gw-live.*invalid' "$T/cstatus.txt"
check "the pushes are audited" [ "$(sql "SELECT COUNT(*) FROM audit WHERE who = 'u.engineer'
    AND action = 'config push' AND target = 'default'")" -ge 3 ]
touch "$T/go"
wait "$GPID"
check "gw-live ended cleanly" [ $? -eq 0 ]
finish
