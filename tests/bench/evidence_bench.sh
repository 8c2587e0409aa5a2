#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Evidence files (docs/evidence.md), evidence on against off:
#  - the steady profile (no line holds evidence): packets/s must not move;
#  - a trace where every packet is evidence (tests/integration/evidence_lines.py):
#    the cost per kept packet, files written and signed included.
# Wall-clock medians of EV_RUNS interleaved runs after one warm-up; it reports,
# it never fails on timing. Environment: BUILD, EV_PACKETS (1000000), EV_LINES
# (2000), EV_RUNS (3).
set -euo pipefail

cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
N=${EV_PACKETS:-1000000}
LINES=${EV_LINES:-2000}
RUNS=${EV_RUNS:-3}
GWD=$BUILD/goipwatchd
DIR=$BUILD/bench
mkdir -p "$DIR"
WORK=$(mktemp -d "$DIR/ev.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

STEADY=$DIR/steady-n$N-s1.pcap
[ -s "$STEADY" ] || { "$BUILD/synth" bench --profile steady -n "$N" --seed 1 -o "$STEADY.tmp" &&
	mv "$STEADY.tmp" "$STEADY"; }
LINESPCAP=$WORK/lines.pcap
python3 tests/integration/evidence_lines.py "$LINESPCAP" "$LINES"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/k.pem" \
	-out "$WORK/c.pem" -days 1 -subj /CN=bench >/dev/null 2>&1
printf 'reader_thread off\n' >"$WORK/off.conf"
{ cat "$WORK/off.conf"; printf 'evidence on\nevidence_dir %s/ev\ntls_key %s/k.pem\nevidence_lines %s\n' \
	"$WORK" "$WORK" "$LINES"; } >"$WORK/on.conf"

secs() {	# conf trace -> wall seconds
	local t0 t1
	rm -rf "$WORK/ev"
	t0=$(date +%s.%N)
	"$GWD" -f "$1" -r "$2" -w /dev/null
	t1=$(date +%s.%N)
	calc "$t1 - $t0"
}
calc() { awk "BEGIN { printf \"%.6f\", $* }"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
measure() {	# trace -> "off_median on_median"
	local i off="" on=""
	secs "$WORK/off.conf" "$1" >/dev/null
	for i in $(seq "$RUNS"); do
		off="$off $(secs "$WORK/off.conf" "$1")"
		on="$on $(secs "$WORK/on.conf" "$1")"
	done
	echo "$(echo $off | tr ' ' '\n' | median) $(echo $on | tr ' ' '\n' | median)"
}

read -r s_off s_on < <(measure "$STEADY")
printf 'evidence bench (%s runs, median wall time, reader_thread off)\n' "$RUNS"
printf '  steady %s packets, no evidence: off %.3f s (%.0f pkt/s), on %.3f s (%.0f pkt/s), %+.1f %%\n' \
	"$N" "$s_off" "$(calc "$N / $s_off")" "$s_on" "$(calc "$N / $s_on")" \
	"$(calc "($s_on - $s_off) * 100 / $s_off")"
npk=$((LINES * 4))
read -r l_off l_on < <(measure "$LINESPCAP")
"$GWD" -f "$WORK/on.conf" -r "$LINESPCAP" -w "$WORK/on.jsonl"
kept=$(grep '"type":"stats"' "$WORK/on.jsonl" | grep -o '"evidence":{"kept":[0-9]*' | grep -o '[0-9]*$')
files=$(grep '"type":"stats"' "$WORK/on.jsonl" | grep -o '"files":[0-9]*' | grep -o '[0-9]*$')
printf '  every packet evidence, %s lines, %s packets: off %.3f s, on %.3f s; %s kept, %s files\n' \
	"$LINES" "$npk" "$l_off" "$l_on" "$kept" "$files"
printf '  cost per kept packet (files written and signed included): %.2f us\n' \
	"$(calc "($l_on - $l_off) * 1000000 / $kept")"
