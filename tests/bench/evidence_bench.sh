#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Evidence files (docs/evidence.md), evidence on against off, in CPU seconds
# (user + system: on a shared machine wall time measures the neighbours):
#  - the steady profile with no subscriber line (subscriber_prefix outside it),
#    so no line holds evidence but every signalling frame is still copied;
#  - the steady profile as it is (some lines hold evidence): the cost per file;
#  - a trace where every packet is evidence (tests/integration/evidence_lines.py):
#    the cost per kept packet, files written and signed included.
# Medians of EV_RUNS interleaved runs after one warm-up; it reports, it never
# fails on timing. Environment: BUILD, EV_PACKETS (1000000), EV_LINES (2000),
# EV_RUNS (3).
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
for m in off on; do
	{ cat "$WORK/$m.conf"; echo "subscriber_prefix 192.0.2.255/32"; } >"$WORK/$m-nosub.conf"
done

cpu() {	# conf trace -> user + system seconds
	rm -rf "$WORK/ev"
	/usr/bin/time -f '%U %S' -o "$WORK/t" "$GWD" -f "$1" -r "$2" -w /dev/null
	awk '{ printf "%.3f\n", $1 + $2 }' "$WORK/t"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
measure() {	# off.conf on.conf trace -> "off_median on_median"
	local i off="" on=""
	cpu "$1" "$3" >/dev/null
	for i in $(seq "$RUNS"); do
		off="$off $(cpu "$1" "$3")"
		on="$on $(cpu "$2" "$3")"
	done
	echo "$(echo $off | tr ' ' '\n' | median) $(echo $on | tr ' ' '\n' | median)"
}
calc() { awk "BEGIN { printf \"%.3f\", $* }"; }
stat() {	# conf trace key -> the stats record's evidence.key
	"$GWD" -f "$1" -r "$2" -w "$WORK/s.jsonl"
	grep '"type":"stats"' "$WORK/s.jsonl" | grep -o "\"evidence\":{[^}]*}" |
	    grep -o "\"$3\":[0-9]*" | grep -o '[0-9]*$'
}

printf 'evidence bench (%s runs, median CPU seconds user+system, reader_thread off)\n' "$RUNS"
r=$(measure "$WORK/off-nosub.conf" "$WORK/on-nosub.conf" "$STEADY"); a=${r% *} b=${r#* }
printf '  steady %s packets, no line with evidence: off %s s, on %s s (%+.1f %%)\n' \
	"$N" "$a" "$b" "$(calc "($b - $a) * 100 / $a")"
r=$(measure "$WORK/off.conf" "$WORK/on.conf" "$STEADY"); a=${r% *} b=${r#* }
f=$(stat "$WORK/on.conf" "$STEADY" files)
k=$(stat "$WORK/on.conf" "$STEADY" kept)
printf '  steady %s packets as generated: off %s s, on %s s; %s packets kept, %s files: %s ms per file\n' \
	"$N" "$a" "$b" "$k" "$f" "$(calc "($b - $a) * 1000 / $f")"
r=$(measure "$WORK/off.conf" "$WORK/on.conf" "$LINESPCAP"); a=${r% *} b=${r#* }
f=$(stat "$WORK/on.conf" "$LINESPCAP" files)
k=$(stat "$WORK/on.conf" "$LINESPCAP" kept)
printf '  every packet evidence, %s lines: off %s s, on %s s; %s kept, %s files: %s us per kept packet, files included\n' \
	"$LINES" "$a" "$b" "$k" "$f" "$(calc "($b - $a) * 1000000 / $k")"
