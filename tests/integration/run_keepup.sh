#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# `make run` and how long central stays up afterwards (scripts/run-system.sh):
# RUN_SECONDS=N keeps central and its API up N seconds (the printed URL
# answers meanwhile), stdin not a terminal stops it at once, and a terminal
# (script(1)'s pty) keeps it up until Ctrl-C. Bounded in time; loopback only.
. "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1
need_bin "$B/goipwatch-central" "$B/goipwatchd"
need_cmd curl script
CA=$B/run/pki/ca.crt

# await FILE PATTERN SECS: the output has the line, or fail.
await() {
	_i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1)); [ $_i -gt $(($3 * 10)) ] && { cat "$1"; fail "no '$2' in $3 s"; }
		sleep 0.1
	done
}
api_url() { sed -n 's|^== console API (docs/api.md): \(https://127.0.0.1:[0-9]*/\).*|\1|p' "$1"; }
answers() { [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" "$1api/v1/me")" = 401 ]; }

# 1. make run RUN_SECONDS=4 without a terminal: up 4 s, then gone.
make --no-print-directory BUILD="$B" run RUN_SECONDS=4 </dev/null >"$TMP/run1" 2>&1 &
MK=$!
PIDS="$PIDS $MK"
await "$TMP/run1" "stay up for 4 s" 120
url=$(api_url "$TMP/run1")
check "the URL and a one-time admin login are printed" sh -c "[ -n '$url' ] &&
    grep -qE '^user admin password [0-9a-f]{24}$' '$TMP/run1'"
check "the printed URL answers during RUN_SECONDS" answers "$url"
curl -s --cacert "$CA" -o "$TMP/console.html" "$(sed -n 's|^console URL: ||p' "$TMP/run1")"
check "the printed console URL serves the console's page" grep -q 'js/app.js' "$TMP/console.html"
t0=$(date +%s)
wait "$MK"
check "make run RUN_SECONDS=4 exits 0" [ $? = 0 ]
check "... after about 4 s" [ $(($(date +%s) - t0)) -le 6 ]
check "central is gone after RUN_SECONDS" not answers "$url"

# 2. stdin not a terminal, no RUN_SECONDS: the demo ends and central stops.
t0=$(date +%s)
timeout 120 ./scripts/run-system.sh </dev/null >"$TMP/run2" 2>&1
check "run-system.sh without a terminal exits 0" [ $? = 0 ]
check "... says central stops" grep -q "stdin is not a terminal: central stops now" "$TMP/run2"
check "central is gone" not answers "$(api_url "$TMP/run2")"

# 3. a terminal (script's pty): central stays up until Ctrl-C.
mkfifo "$TMP/tty-in"
script -qec "./scripts/run-system.sh" /dev/null <"$TMP/tty-in" >"$TMP/run3" 2>&1 &
SC=$!
PIDS="$PIDS $SC"
exec 3>"$TMP/tty-in"
await "$TMP/run3" "stay up until Ctrl-C" 120
url=$(api_url "$TMP/run3")
sleep 2
check "with a terminal, central is still up after the demo" answers "$url"
printf '\003' >&3
i=0
while kill -0 "$SC" 2>/dev/null && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
exec 3>&-
alive() { kill -0 "$1" 2>/dev/null; }
check "Ctrl-C ends make run's central within 10 s" not alive "$SC"
check "central is gone after Ctrl-C" not answers "$url"
finish
