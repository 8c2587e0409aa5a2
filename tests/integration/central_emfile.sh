#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Out of descriptors (issue 12, item 10): central's descriptor limit is lowered
# under it and idle connections use up the rest. accept() then fails with EMFILE;
# central pauses its listener instead of spinning (CPU time over 3 s stays
# low), counts the event, and serves appliances again once descriptors free up.
set -u
. "$(dirname "$0")/central_lib.sh"
need_cmd prlimit	# util-linux
pki
P=$T/pki
central_conf c1 "sqlite:$T/c.db" "handshake_timeout 60"
start_central c1
C1=$CPID
sleep 0.3
lim=$(($(proc_fds "$C1") + 16))
prlimit --pid "$C1" --nofile="$lim:$lim" || fail "prlimit"
idle_conns "$PORT" 64 60
sleep 0.5
[ "$(proc_fds "$C1")" -ge $((lim - 1)) ] || fail "descriptors not exhausted: $(proc_fds "$C1") of $lim"	# the rest needs it
t0=$(proc_cpu_ticks "$C1")
sleep 3
t1=$(proc_cpu_ticks "$C1")
echo "central: $((t1 - t0)) CPU ticks in 3 s with no descriptor left"
check "central does not spin out of descriptors" [ $((t1 - t0)) -le 30 ]
l=$(counters c1 "$C1" | tail -n 1)
check "EMFILE counted" has "$l" '* accept_no_fd=[1-9]*'
check "EMFILE logged" grep -q 'out of descriptors' "$T/c1.log"
kill "$IDLE_PID"
wait "$IDLE_PID" 2>/dev/null
sleep 1
check "recovery once descriptors are free" "$LOAD" -A "$P/ca.crt" -K "$P/ca.key" -p "$PORT" -H hello
stop_central "$C1"
finish
