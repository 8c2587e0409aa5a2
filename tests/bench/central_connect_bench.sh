#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Many appliances connecting to one central (docs/central.md, Many connections):
# N simulated appliances (build/central-load, mutual TLS, certificates minted
# before the clock starts) connect all at once, then spread over S seconds, each
# with central's handshakes taking their turn (handshakes_max 32, the default)
# and with all of them at once (handshakes_max 65536: the behaviour before).
# Prints the sessions held, the failures by stage and central's limits line.
#   N=2000 S=20 tests/bench/central_connect_bench.sh
set -u
N=${N:-2000} S=${S:-20}
. "$(dirname "$0")/../integration/central_lib.sh"
pki
ulimit -n 20000 2>/dev/null || true
run() {	# LABEL HANDSHAKES_MAX STAGGER
	central_conf c "sqlite:$T/c-$2-$3.db" "unauth_per_addr 1000000" "handshakes_max $2"
	start_central c
	echo "== $1"
	"$LOAD" -A "$T/pki/ca.crt" -K "$T/pki/ca.key" -p "$PORT" -n "$N" -r 1 -b 1 \
	    -T 120 -S "$3" | grep 'connections held'
	counters c "$CPID" | grep 'limits:' | sed 's/.*limits: /  limits: /'
	stop_central "$CPID"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
run "$N at once, handshakes_max 32" 32 0
run "$N over $S s, handshakes_max 32" 32 "$S"
run "$N at once, handshakes_max 65536 (all at once, as before)" 65536 0
run "$N over $S s, handshakes_max 65536" 65536 "$S"
finish
