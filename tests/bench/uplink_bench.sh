#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Uplink throughput: detection-sized records (~200 B JSON) from a pre-filled spool
# through mutual TLS to the test peer on loopback, until all are acked and
# committed. Prints the median of 3 runs in records/s. Then the same through
# the real daemon: goipwatchd -r with -X inject=N (records appended by a thread
# through daemon_report while the uplink sends) and -W, start to drained.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${BUILD:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
N=${UPLINK_BENCH_RECORDS:-200000}
for bin in uplink_peer uplink_sender goipwatchd; do
	[ -x "$B/$bin" ] || { echo "skip: $B/$bin is not built"; exit 77; }
done
T=$(mktemp -d /tmp/uplink-bench.XXXXXX)
PEER=""
trap '[ -n "$PEER" ] && kill $PEER 2>/dev/null; rm -rf "$T"' EXIT
"$ROOT/scripts/certs.sh" "$T/pki" all >/dev/null 2>&1 || { echo "certs.sh failed"; exit 1; }
rates=""
for run in 1 2 3; do
	rm -rf "$T/spool" "$T/db" "$T/port"
	"$B/uplink_peer" -a "$T/pki/ca.crt" -c "$T/pki/server.crt" -k "$T/pki/server.key" \
	    -l 0 -P "$T/port" -d "$T/db" >/dev/null 2>&1 &
	PEER=$!
	while [ ! -s "$T/port" ]; do sleep 0.05; done
	out=$("$B/uplink_sender" -s "$T/spool" -p "$(cat "$T/port")" -a "$T/pki/ca.crt" \
	    -c "$T/pki/gw-test-1.crt" -k "$T/pki/gw-test-1.key" -N "$N" -z 120 \
	    -f batch -w -t 120) || { echo "run $run failed: $out"; exit 1; }
	kill $PEER; wait $PEER 2>/dev/null; PEER=""
	r=$(echo "$out" | sed -n 's/^rate \([0-9]*\) records.*/\1/p')
	[ "$(wc -l < "$T/db")" -eq "$N" ] || { echo "run $run: peer holds $(wc -l < "$T/db") of $N"; exit 1; }
	echo "run $run: $r records/s"
	rates="$rates $r"
done
med=$(printf '%s\n' $rates | sort -n | sed -n 2p)
echo "uplink: $med records/s through TLS on loopback (median of 3, $N records of ~200 B, spool fsync=batch, includes spool append)"

# the daemon: start, read a small capture, inject N records, drain, exit
PCAP=$ROOT/tests/data/lab/lab-namespaces.pcap
rates=""
for run in 1 2 3; do
	rm -rf "$T/spool" "$T/db" "$T/port"
	"$B/uplink_peer" -a "$T/pki/ca.crt" -c "$T/pki/server.crt" -k "$T/pki/server.key" \
	    -l 0 -P "$T/port" -d "$T/db" >/dev/null 2>&1 &
	PEER=$!
	while [ ! -s "$T/port" ]; do sleep 0.05; done
	printf '%s\n' "central_host 127.0.0.1" "central_port $(cat "$T/port")" \
	    "central_name central.test" "tls_ca $T/pki/ca.crt" "tls_cert $T/pki/gw-test-1.crt" \
	    "tls_key $T/pki/gw-test-1.key" "spool_dir $T/spool" "spool_fsync batch" \
	    "spool_max_bytes 1073741824" > "$T/gw.conf"
	t0=$(date +%s.%N)
	"$B/goipwatchd" -r "$PCAP" -f "$T/gw.conf" -X inject="$N" -W 120 -w "$T/out.jsonl" ||
	    { echo "daemon run $run failed"; exit 1; }
	t1=$(date +%s.%N)
	kill $PEER; wait $PEER 2>/dev/null; PEER=""
	got=$(grep -c '"type":"detection"' "$T/db")
	own=$(grep -c '"type":"detection"' "$T/out.jsonl" || true)	# the capture's own
	[ "$got" -eq $((N + own)) ] ||
	    { echo "daemon run $run: peer holds $got of $N + $own"; exit 1; }
	r=$(echo "$N $t0 $t1" | awk '{ printf "%d", $1 / ($3 - $2) }')
	echo "daemon run $run: $r records/s"
	rates="$rates $r"
done
med=$(printf '%s\n' $rates | sort -n | sed -n 2p)
echo "goipwatchd: $med detection records/s from daemon_report to central's commit (median of 3, $N records of ~100 B, fsync=batch, whole process lifetime)"
