#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make eval: goipwatchd -r over the labelled corpus, scored against its labels.
# With --check (the test), fails unless every target of docs/detection.md holds.
# CORPUS may name several corpus directories (one per seed), separated by spaces.
set -eu
BUILD=${BUILD:-build}
CORPUS=${CORPUS:-$BUILD/corpus}
OUT=${OUT:-$BUILD/eval}
GEO=${GEO:-$BUILD/geo/country.mmdb}
[ -f "$GEO" ] || { echo "no country database $GEO (scripts/geodb.sh)"; exit 77; }
mkdir -p "$OUT"
conf=$OUT/eval.conf
{ cat tests/eval/eval.conf; echo "geoip_db $GEO"; } >"$conf"
args=
for c in $CORPUS; do
	[ -f "$c/labels.json" ] || { echo "no corpus in $c (make corpus)"; exit 77; }
	o=$OUT/$(basename "$c")
	mkdir -p "$o"
	for f in "$c"/*.pcap; do
		n=$(basename "$f" .pcap)
		"$BUILD/goipwatchd" -f "$conf" -r "$f" -w "$o/$n.pcap.jsonl"
	done
	args="$args $c/labels.json $o"
done
python3 tests/eval/score.py $args "$@"
