#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# One appliance id, one session (issue 12, item 9): 100 connections with the same
# certificate each say hello and hold most of a big report. Each new session
# replaces the one before, so one stays and central's memory stays bounded;
# the appliance connecting again afterwards replaces that one too. Before its
# hello a session reads into 1 KiB: a bigger first frame is refused (error 2).
set -u
. "$(dirname "$0")/central_lib.sh"
pki
P=$T/pki
ulimit -n 4096 2>/dev/null || true
# ASan builds: freed memory is not held back in quarantine, so RSS means the same
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1"
N=100
# all from 127.0.0.1, and slow under ASan: neither limit is what is tested here
central_conf c1 "sqlite:$T/c.db" "unauth_per_addr 1000" "handshake_timeout 120"
start_central c1
C1=$CPID
sleep 0.3
rss0=$(proc_rss_kb "$C1")
"$LOAD" -A "$P/ca.crt" -p "$PORT" -H pin -n $N -T 20 -c "$P/gw-test-1.crt" \
    -k "$P/gw-test-1.key" -i gw-test-1 >"$T/pin.out" 2>&1 &
L=$!
PIDS="$PIDS $L"
await_line "$T/pin.out" pinned "$L" "central-load -H pin"
sleep 1
rss1=$(proc_rss_kb "$C1")
echo "central: $rss0 -> $rss1 KiB resident with $N sessions of one certificate tried"
# one session holds at most one frame (1 MiB) and its TLS buffers
check "one certificate pins at most 24 MiB ($((rss1 - rss0)) KiB)" [ $((rss1 - rss0)) -le 24576 ]
counters c1 "$C1" > "$T/counters"
check "one session" has "$(grep 'counters:' "$T/counters")" '* conns=1 *'
check "replacements counted" has "$(grep 'limits:' "$T/counters")" "* replaced=$((N - 1)) *"
# before its hello a session holds 1 KiB to read into: a bigger first frame is refused
"$LOAD" -A "$P/ca.crt" -K "$P/ca.key" -p "$PORT" -H early >"$T/early.out" 2>&1
rc=$?
cat "$T/early.out"
check "a 4 KiB first frame: result $rc, want error 2 (oversized)" [ "$rc" -eq 2 ]
# the same appliance again: replaces the held one, and is served
check "a new session of the same id is served" \
    "$LOAD" -A "$P/ca.crt" -K "$P/ca.key" -p "$PORT" -H hello -c "$P/gw-test-1.crt" \
    -k "$P/gw-test-1.key" -i gw-test-1
wait "$L"
cat "$T/pin.out"
check "no old session outlived its replacement" grep -q "pin: $N of $N sessions closed" "$T/pin.out"
check "replacement logged" grep -q 'gw-test-1: session closed: replaced' "$T/c1.log"
stop_central "$C1"
finish
