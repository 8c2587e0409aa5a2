#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The hello's answer acks nothing locally: a central that claims to hold seq
# 2^63-1 (a seq forged with a stolen key, or a spool wiped since) still gets the
# whole unsent backlog, each record once (issue 12, item 5).
set -u
. "$(dirname "$0")/uplink_lib.sh"
pki
# 20 records spooled while central is unreachable (loopback port 1: refused)
PORT=1
sender -N 20 -t 1 > "$T/s0.out"
grep -q 'acked=0 spool_acked=0 depth=20 ' "$T/s0.out" || { cat "$T/s0.out"; fail "offline spooling"; }
PORT=0
start_peer -h 9223372036854775807
sender -N 20 -w -t 20 > "$T/s1.out" || { cat "$T/s1.out"; fail "sender"; }
check "the backlog was sent, each record once" check_db 1 20
check "a spool epoch in the hello" grep -q 'epoch=[0-9a-f]\{16\}' "$T/peer.log"
finish
