#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make eval: goipwatchd -r over the labelled corpus, scored against its labels.
# With --check (the test), fails unless every target of docs/detection.md holds.
set -eu
BUILD=${BUILD:-build}
CORPUS=${CORPUS:-$BUILD/corpus}
OUT=${OUT:-$BUILD/eval}
[ -f "$CORPUS/labels.json" ] || { echo "no corpus in $CORPUS (make corpus)"; exit 77; }
mkdir -p "$OUT"
for f in "$CORPUS"/*.pcap; do
	n=$(basename "$f" .pcap)
	"$BUILD/goipwatchd" -f tests/eval/eval.conf -r "$f" -w "$OUT/$n.pcap.jsonl"
done
python3 tests/eval/score.py "$CORPUS/labels.json" "$OUT" "$@"
