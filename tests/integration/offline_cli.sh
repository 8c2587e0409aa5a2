#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# goipwatchd -r: records, determinism across runs and worker counts, stdin,
# -w, bad files and configs with exit status 2.
. "$(dirname "$0")/lib.sh"
SYNTH=$BUILD/synth
need_bin "$SYNTH"

$SYNTH bench --profile newflows -n 20000 --seed 7 -o "$TMP/t.pcap" >/dev/null 2>&1 ||
	{ bad "synth could not write a trace"; finish; }

$GWD -r "$TMP/t.pcap" >"$TMP/a.jsonl" 2>"$TMP/err"
check "exit 0 on a good file" [ $? -eq 0 ]
check "no stderr on a good file" [ ! -s "$TMP/err" ]
check "flow records written" grep -q '^{"type":"flow","ts":"' "$TMP/a.jsonl"
check "last line is the stats record" sh -c "tail -n 1 '$TMP/a.jsonl' | grep -q '^{\"type\":\"stats\"'"
pk=$(tail -n 1 "$TMP/a.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["packets"])')
check "stats count every packet" [ "$pk" = 20000 ]
check "every line is JSON with type and ts" python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    assert "type" in r and "ts" in r and r["ts"].endswith("Z"), l
' "$TMP/a.jsonl"

$GWD -r "$TMP/t.pcap" >"$TMP/b.jsonl"
check "same output on a second run" cmp -s "$TMP/a.jsonl" "$TMP/b.jsonl"
$GWD -r - <"$TMP/t.pcap" >"$TMP/c.jsonl"
check "-r - reads stdin" cmp -s "$TMP/a.jsonl" "$TMP/c.jsonl"
$GWD -r "$TMP/t.pcap" -w "$TMP/d.jsonl" >"$TMP/stdout"
check "-w writes the file" cmp -s "$TMP/a.jsonl" "$TMP/d.jsonl"
check "-w leaves stdout empty" [ ! -s "$TMP/stdout" ]

# The reader thread (on by default with two CPUs) changes no record, and in the
# stats only the memory of its rings.
printf 'reader_thread off\n' >"$TMP/inline.conf"
printf 'reader_thread on\n' >"$TMP/reader.conf"
for f in "$TMP/t.pcap" "$(dirname "$0")/../data/lab/goip-4lines.pcap"; do
	$GWD -f "$TMP/inline.conf" -r "$f" >"$TMP/i.jsonl"
	$GWD -f "$TMP/reader.conf" -r "$f" >"$TMP/r.jsonl"
	check "reader thread: the same records, $(basename "$f")" python3 -c '
import json, sys
a, b = (open(p).read().splitlines() for p in sys.argv[1:3])
assert len(a) > 1 and a[:-1] == b[:-1], "records differ"
sa, sb = json.loads(a[-1]), json.loads(b[-1])
assert sb["memory_bytes"] > sa["memory_bytes"], "no rings counted"
sa.pop("memory_bytes"); sb.pop("memory_bytes")
assert sa == sb, "stats differ"
' "$TMP/i.jsonl" "$TMP/r.jsonl"
done

$GWD -j 2 -r "$TMP/t.pcap" >"$TMP/j2a.jsonl"
$GWD -j 2 -r "$TMP/t.pcap" >"$TMP/j2b.jsonl"
check "-j 2 is deterministic" cmp -s "$TMP/j2a.jsonl" "$TMP/j2b.jsonl"
grep '"flow"' "$TMP/a.jsonl" | sort >"$TMP/s1"
grep '"flow"' "$TMP/j2a.jsonl" | sort >"$TMP/s2"
check "-j 2 finds the same flows as -j 1" cmp -s "$TMP/s1" "$TMP/s2"

printf 'this is not a capture\n' >"$TMP/bad.pcap"
$GWD -r "$TMP/bad.pcap" >"$TMP/o" 2>"$TMP/e"
check "bad file: exit 2" [ $? -eq 2 ]
check "bad file: one error line" [ "$(wc -l <"$TMP/e")" -eq 1 ]
check "bad file: no records" [ ! -s "$TMP/o" ]
$GWD -r "$TMP/missing.pcap" >/dev/null 2>"$TMP/e"
check "missing file: exit 2" [ $? -eq 2 ]
head -c 3000 "$TMP/t.pcap" >"$TMP/cut.pcap"
$GWD -r "$TMP/cut.pcap" >"$TMP/o" 2>"$TMP/e"
rc=$?
check "a file cut mid-packet ends cleanly (exit 0 or 2, never a crash)" [ $rc -eq 0 -o $rc -eq 2 ]

printf 'flow_capacity 1024\nsubscriber_prefix 100.64.0.0/10\n' >"$TMP/good.conf"
$GWD -n -f "$TMP/good.conf" 2>"$TMP/e"
check "-n accepts a good config" [ $? -eq 0 ]
printf 'flow_capacity 1024\nflow_capacity x\n' >"$TMP/bad.conf"
$GWD -n -f "$TMP/bad.conf" 2>"$TMP/e"
check "-n refuses a bad config with exit 2" [ $? -eq 2 ]
check "-n names the file and line" grep -q "bad.conf:2: not a whole number" "$TMP/e"
$GWD -n -v -f "$TMP/good.conf" >"$TMP/printed" 2>/dev/null
$GWD -n -v -f "$TMP/printed" >"$TMP/printed2" 2>/dev/null
check "-n -v prints a config that reads back the same" cmp -s "$TMP/printed" "$TMP/printed2"

# A bad option value: one line naming the option, the value and why; exit 2.
optval() {	# PATTERN ARGS...
	pat=$1; shift
	$GWD "$@" >/dev/null 2>"$TMP/e"
	rc=$?
	check "$*: exit 2" [ $rc -eq 2 ]
	check "$*: one line" [ "$(wc -l < "$TMP/e")" -eq 1 ]
	check "$*: names it ($pat)" grep -q -- "$pat" "$TMP/e"
}
optval "-j.*'0'.*1\.\.64" -j 0 -r "$TMP/t.pcap"
optval "-j.*'65'" -j 65 -r "$TMP/t.pcap"
optval "-c.*'ten'" -c ten -r "$TMP/t.pcap"
optval "-M.*'70000'.*65535" -M 70000 -r "$TMP/t.pcap"
optval "-W.*'-1'" -W -1 -r "$TMP/t.pcap"
optval "-X.*'bogus'" -X bogus -r "$TMP/t.pcap"
optval "-X.*'inject=x'" -X inject=x -r "$TMP/t.pcap"
optval "unknown option.*-Q" -Q -r "$TMP/t.pcap"
optval "-r.*needs a value" -r
optval "extra.*'stray'" -r "$TMP/t.pcap" stray
$GWD -h >/dev/null 2>"$TMP/e"
check "-h prints the usage, exit 2" [ $? -eq 2 ] && grep -q '^usage:' "$TMP/e"

# A tiny table still processes everything: evictions are counted, not fatal.
printf 'flow_capacity 64\ndpi_capacity 16\n' >"$TMP/small.conf"
$GWD -f "$TMP/small.conf" -r "$TMP/t.pcap" >"$TMP/small.jsonl"
check "small flow table: evictions counted" python3 -c '
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])][-1]
assert s["flows"]["evicted"] > 0 and s["packets"] == 20000, s["flows"]
' "$TMP/small.jsonl"
finish
