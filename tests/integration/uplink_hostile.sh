#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A hostile server: a malformed ack and an oversized frame header. The appliance
# refuses both with error frames (the second one best effort, as it then closes
# the unsynchronisable stream), counts them, reconnects, and still delivers
# every record exactly once.
set -u
. "$(dirname "$0")/uplink_lib.sh"

N=1000
pki
start_peer -g
sender -N $N -r 1000 -w -t 30 >"$T/s.out" 2>&1 || { cat "$T/s.out"; fail "sender did not finish"; }
cat "$T/s.out"
check "error frame for the malformed ack" grep -q 'appliance error 1 malformed ack' "$T/peer.log"
check "oversized frame refused" grep -q 'bad frame from central: oversized' "$T/s.out"
check "bad frames counted" grep -q ' bad_frames=2 ' "$T/s.out"
check "no record lost or duplicated" check_db 1 $N
finish
