#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Heartbeats: the uplink appends health records (uptime, versions, packets and
# drops per stage, spool depth and oldest age, TLS state) and they reach central.
set -u
. "$(dirname "$0")/uplink_lib.sh"

pki
start_peer
sender -H 1 -V 7 -t 3 >"$T/s.out" 2>&1	# runs until its timeout
check "at least 3 heartbeats" grep -q 'heartbeats=[3-9]' "$T/s.out" || cat "$T/s.out"
h=$(grep '"type":"health"' "$T/db" | tail -n 1)
[ -n "$h" ] || fail "no health record reached central"
echo "$h"
for f in '"ts":"20' '"uptime":' '"firmware_version":"0.1.0-test"' '"config_version":7' \
    '"packets":1000' '"drops":{"kernel":0,"ring":1,"decode":0,"flow_table_full":0,"reassembly":0}' \
    '"spool":{"depth":' '"oldest_age":' '"tls":{"state":"up"'; do
	check "health record has $f" has "$h" "*$f*"
done
finish
