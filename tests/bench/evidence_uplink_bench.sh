#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Evidence files through the uplink (docs/evidence.md, Transfer): uplink_sender
# writes and signs FILES files of SIZE random bytes, appends each to the spool
# as goipwatchd does (chunks, then the record), and sends them over mutual TLS
# to goipwatch-central on SQLite, which stores each chunk, verifies each file
# against the session's certificate and keeps it. Start (spool filled) to the
# last ack: files/s and MB/s, median of 3, for 50 kB files (one chunk, the lab's
# urgent file) and 1 MB files (17 chunks). Checks every file arrived verified.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${BUILD:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
FILES=${EV_UPLINK_FILES:-200}
for bin in uplink_sender goipwatch-central; do
	[ -x "$B/$bin" ] || { echo "skip: $B/$bin is not built"; exit 77; }
done
command -v sqlite3 >/dev/null || { echo "skip: sqlite3"; exit 77; }
T=$(mktemp -d /tmp/evup-bench.XXXXXX)
CPID=""
trap '[ -n "$CPID" ] && kill $CPID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
"$ROOT/scripts/certs.sh" "$T/pki" all >/dev/null 2>&1 || { echo "certs.sh failed"; exit 1; }
P=$T/pki
# one SIZE: prints the median line
bench() {
	size=$1 n=$2 out=""
	for run in 1 2 3; do
		rm -rf "$T/c.db"* "$T/evc" "$T/spool" "$T/spool.ev" "$T/port"
		printf '%s\n' "listen 127.0.0.1:0" "port_file $T/port" "db sqlite:$T/c.db" \
		    "tls_ca $P/ca.crt" "tls_cert $P/server.crt" "tls_key $P/server.key" \
		    "api_listen off" "evidence_dir $T/evc" > "$T/c.conf"
		"$B/goipwatch-central" -f "$T/c.conf" serve 2>"$T/c.log" &
		CPID=$!
		while [ ! -s "$T/port" ]; do sleep 0.05; done
		o=$("$B/uplink_sender" -s "$T/spool" -p "$(cat "$T/port")" -a "$P/ca.crt" \
		    -c "$P/gw-test-1.crt" -k "$P/gw-test-1.key" -E "$n" -Z "$size" \
		    -m 1073741824 -w -t 300 | grep '^evidence ') ||
		    { echo "run $run failed"; cat "$T/c.log"; exit 1; }
		kill $CPID; wait $CPID 2>/dev/null; CPID=""
		got=$(sqlite3 "$T/c.db" "SELECT COUNT(*) FROM evidence")
		[ "$got" -eq "$n" ] || { echo "run $run: central holds $got of $n files"; exit 1; }
		echo "run $run: $o"
		out="$out$(echo "$o" | sed -n 's/.*: \([0-9.]*\) files\/s, \([0-9.]*\) MB\/s/\1 \2/p')
"
	done
	med=$(printf '%s' "$out" | sort -n | sed -n 2p)
	echo "evidence uplink: $n files of $size B: ${med% *} files/s, ${med#* } MB/s (median of 3, verified and stored by central on SQLite)"
}
bench 50000 "$FILES"
bench 1000000 $((FILES / 4))
