#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Where goipwatchd's time goes, stage by stage: instructions counted by
# callgrind (repeatable whatever else the machine does), on a steady trace and
# on the corpus's mixed capture. Checks the detection-cost target (< 10 %).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
GWD=$BUILD/goipwatchd
DIR=$BUILD/bench
N=${BENCH_STAGE_PACKETS:-200000}
mkdir -p "$DIR"
command -v valgrind >/dev/null || { echo "stages: valgrind missing"; exit 0; }
STEADY=$DIR/steady-n$N-s1.pcap
[ -s "$STEADY" ] || "$BUILD/synth" bench --profile steady -n "$N" --seed 1 -o "$STEADY" 2>/dev/null
MIXED=$DIR/corpus/mixed.pcap
[ -s "$MIXED" ] || { mkdir -p "$DIR/corpus"; "$BUILD/synth" corpus --seed 1 --out "$DIR/corpus" >/dev/null 2>&1; }

# inclusive instructions of each function, from callgrind's tree
stage_table() {	# trace conf
	local out=$DIR/cg.$(basename "$1").out
	valgrind --tool=callgrind --callgrind-out-file="$out" "$GWD" ${2:+-f "$2"} -r "$1" \
	    -w /dev/null 2>/dev/null
	callgrind_annotate --inclusive=yes "$out" 2>/dev/null | awk -v trace="$(basename "$1")" '
	    /PROGRAM TOTALS/ { gsub(",", "", $1); total = $1 }
	    {
		n = $1; gsub(",", "", n)
		for (i = 2; i <= NF; i++) if ($i ~ /:[a-z_]+$/ || $i ~ /:[a-z_]+ /) f = $i
		split($0, a, ":"); fn = a[length(a)]; sub(/ .*/, "", fn)
	    }
	    $0 ~ /[:]main \[/ && !m { m = n }
	    $0 ~ /:engine_new \[/ { v["start-up (nDPI and tables)"] += n }
	    $0 ~ /:pcap_dispatch \[/ && !pd { pd = n }
	    $0 ~ /:decode_frame \[/ { v["decode"] = n }
	    $0 ~ /:reasm_add \[/ { v["reassembly"] = n }
	    $0 ~ /:flow_lookup \[/ { v["flow table"] += n }
	    $0 ~ /:flow_update \[/ { v["flow table"] += n }
	    $0 ~ /:flow_expire \[/ { v["flow table"] += n }
	    $0 ~ /:dpi_process \[/ { v["nDPI"] = n }
	    $0 ~ /:voip_packet \[/ { v["VoIP (SIP, RTP, pacing)"] = n }
	    $0 ~ /:wire_packet \[/ { v["device traces"] = n }
	    $0 ~ /:detect_event \[/ { v["detect stage, all"] = n }
	    $0 ~ /:detect_sip \[/ { det += n }
	    $0 ~ /:detect_device \[/ { det += n }
	    $0 ~ /:detect_opaque_line \[/ { det += n }
	    $0 ~ /:detect_mac \[/ { det += n }
	    $0 ~ /:calls_(sip|tick|finish) \[/ { v["calls and registrations"] += n }
	    $0 ~ /:regs_(sip|tick|finish) \[/ { v["calls and registrations"] += n }
	    $0 ~ /:worker_packet \[/ { w = n }
	    END {
		printf "%s: %.1f M instructions in all, %.1f M in worker_packet\n", trace, total / 1e6, w / 1e6
		for (k in v) printf "  %-30s %8.1f M  %5.1f %%\n", k, v[k] / 1e6, 100 * v[k] / total
		printf "  %-30s %8.1f M  %5.1f %%\n", "libpcap read loop", (pd - w) / 1e6, 100 * (pd - w) / total
		printf "  %-30s %8.1f M  %5.1f %%\n", "detectors (lines, judge)", det / 1e6, 100 * det / total
		printf "target: detection under 10 %% of pipeline time: %.1f %% (%s)\n", 100 * det / total,
		    (det < 0.1 * total) ? "MET" : "MISSED"
	    }'
}
echo "stage costs (callgrind instructions, inclusive)"
stage_table "$STEADY" ""
stage_table "$MIXED" tests/eval/eval.conf
