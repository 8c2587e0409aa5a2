#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The lead queue and the lead detail in a real browser (docs/console.md).
# The database first gets QUEUE_LEADS leads (default 100,000) as
# tests/bench/api_fill.sh makes them; console_queue.py then times the queue's
# first render with them (printed; bounded only generously), opens the queue
# as an analyst, and only then an appliance replays the 4-line GoIP capture:
# the urgent lead must appear live (banner, tone, running countdown). The
# analyst opens it (User-Agent, SMS-server and termination evidence, 4 SIMs),
# acknowledges it, and the state, history and audit row are checked; an
# engineer gets the 403 page; a hostile device id and User-Agent stay inert
# text; English works.
set -u
. "$(dirname "$0")/console_lib.sh"
console_start
need_bin "$B/uplink_sender"
N=${QUEUE_LEADS:-100000}
t0=$(date +%s)
# (its lines moved from 100.64/10 to 10.64/10: the lab's line must be a new lead)
"$ROOT/tests/bench/api_fill.sh" sqlite "$(date +%s)" "$N" |
    sed "s/'100\.' || (64/'10.' || (64/g" | sqlite3 "${DB#sqlite:}" || fail "api_fill.sh"
[ "$(sql "SELECT COUNT(*) FROM leads WHERE ip LIKE '100.%'")" = 0 ] || fail "fill: 100.64 lines"
ok "$N leads filled in $(($(date +%s) - t0)) s"
# the replay starts once the queue page is open (the script touches the flag)
(
	i=0
	while [ ! -f "$T/queue-open" ] && [ $i -lt 1200 ]; do i=$((i + 1)); sleep 0.1; done
	console_replay gw-1 "$ROOT/tests/data/lab/goip-4lines.pcap"
	touch "$T/replayed"
) &
PIDS="$PIDS $!"
console_py "$ROOT/tests/browser/console_queue.py" "$B" "$PORT" "$N"
finish
