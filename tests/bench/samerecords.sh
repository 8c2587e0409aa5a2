#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Byte-identical records before and after a change to the hot path (issue 18, target 4).
# Runs a base goipwatchd and the new one with -w FILE over every capture of
# ../shared/pcaps/public (MANIFEST.tsv), the eval corpus (tests/eval/eval.conf) and
# the bench traces that exist, each with the default and the full-nDPI config,
# and compares the records with cmp. Exits 1 on the first difference set.
#
# usage: tests/bench/samerecords.sh BASE_GOIPWATCHD [NEW_GOIPWATCHD]
# Build the base once in its own tree, e.g.
#   git worktree add /tmp/perfbase 842f61d && make -C /tmp/perfbase build/goipwatchd
# Environment: BUILD (build), CORPUS (the eval seeds' directories, default
# $BUILD/eval-corpus/seed*), TRACES (default $BUILD/bench/*-n1000000-s1.pcap),
# GEO ($BUILD/geo/country.mmdb), OUT (scratch, default a temporary directory),
# MASK_LINES=1: the stats record's detection.lines and detection.line_evictions
# are compared as "*" (a change to what makes a subscriber line changes those two
# counts and nothing else; run once without it to see that they are the only diff).
# MASK_MEMORY=1: the stats record's memory_bytes is compared as "*" (a change to
# a table's layout changes that figure and no record).
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
BASE=${1:?usage: samerecords.sh BASE_GOIPWATCHD [NEW_GOIPWATCHD]}
NEW=${2:-$BUILD/goipwatchd}
PUB=../shared/pcaps/public
GEO=${GEO:-$BUILD/geo/country.mmdb}
[ -x "$BASE" ] && [ -x "$NEW" ] || { echo "samerecords: no $BASE or $NEW" >&2; exit 2; }
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
# copies, so that a rebuild during the run cannot swap a binary under it
cp "$BASE" "$OUT/base-goipwatchd" && BASE=$OUT/base-goipwatchd
cp "$NEW" "$OUT/new-goipwatchd" && NEW=$OUT/new-goipwatchd

# configs: default, full nDPI, the eval's (with the country database when present)
printf 'dpi_capacity 262144\n' >"$OUT/full.conf"
: >"$OUT/default.conf"
cp tests/eval/eval.conf "$OUT/eval.conf"
[ -f "$GEO" ] && echo "geoip_db $GEO" >>"$OUT/eval.conf"

n=0 bad=0
mask() {	# file: the counts MASK_LINES and MASK_MEMORY name, as *
	if [ "${MASK_LINES:-}" ]; then
		sed -E 's/("detection":\{"records":[0-9]+,"lines":)[0-9]+,"line_evictions":[0-9]+/\1*,"line_evictions":*/' \
		    "$1" >"$1.m" && mv "$1.m" "$1"
	fi
	if [ "${MASK_MEMORY:-}" ]; then
		sed -E 's/"memory_bytes":[0-9]+/"memory_bytes":*/' "$1" >"$1.m" && mv "$1.m" "$1"
	fi
}
one() {	# conf capture tag
	n=$((n + 1))
	"$BASE" -f "$1" -r "$2" -w "$OUT/base.jsonl" >"$OUT/base.err" 2>&1 || echo "exit $?" >>"$OUT/base.jsonl"
	"$NEW" -f "$1" -r "$2" -w "$OUT/new.jsonl" >"$OUT/new.err" 2>&1 || echo "exit $?" >>"$OUT/new.jsonl"
	mask "$OUT/base.jsonl"
	mask "$OUT/new.jsonl"
	if ! cmp -s "$OUT/base.jsonl" "$OUT/new.jsonl"; then
		bad=$((bad + 1))
		echo "DIFF $3 $(basename "$1") $2"
		diff "$OUT/base.jsonl" "$OUT/new.jsonl" | head -n 6
	fi
}

for f in $(cut -f1 "$PUB/MANIFEST.tsv" | tail -n +2); do
	[ -f "$PUB/$f" ] || continue
	one "$OUT/default.conf" "$PUB/$f" public
	one "$OUT/full.conf" "$PUB/$f" public
done
for c in ${CORPUS:-$BUILD/eval-corpus/seed*}; do
	for f in "$c"/*.pcap; do
		[ -f "$f" ] && one "$OUT/eval.conf" "$f" corpus
	done
done
for f in ${TRACES:-$BUILD/bench/*-n1000000-s1.pcap}; do
	[ -f "$f" ] || continue
	one "$OUT/default.conf" "$f" trace
	one "$OUT/full.conf" "$f" trace
done
echo "samerecords: $n runs, $bad differ${MASK_LINES:+ (detection.lines and line_evictions masked)}${MASK_MEMORY:+ (memory_bytes masked)}"
[ "${KEEP:-}" ] || rm -rf "$OUT"
[ "$bad" -eq 0 ]
