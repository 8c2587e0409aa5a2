#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Golden detections on the lab's captures of real SIP stacks (tests/data/lab):
# per line, the last verdict, tier and evidence kinds must equal
# tests/pcap/detect/<capture>.golden. UPDATE=1 rewrites the goldens.
. "$(dirname "$0")/../integration/lib.sh"
summary() {	# records.jsonl -> one line per subject, sorted
	python3 - "$1" <<'PY'
import json, sys
last = {}
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["type"] == "detection":
        s = r["subject"]
        last[(s["ip"], s.get("vlan", 0), s.get("pppoe_session", 0))] = r
for k in sorted(last):
    r = last[k]
    kinds = sorted({e["kind"] for e in r["evidence"]})
    print(k[0], k[1], k[2], r["verdict"], r["tier"], ",".join(kinds))
PY
}
for f in tests/data/lab/*.pcap; do
	n=$(basename "$f" .pcap)
	golden=tests/pcap/detect/$n.golden
	$GWD -f tests/eval/eval.conf -r "$f" -w "$TMP/$n.jsonl" || { bad "$n: goipwatchd failed"; continue; }
	summary "$TMP/$n.jsonl" >"$TMP/$n.sum"
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$TMP/$n.sum" "$golden"
		continue
	fi
	if cmp -s "$golden" "$TMP/$n.sum"; then
		ok "$n: $(wc -l <"$golden") line(s) as golden"
	else
		bad "$n: detections differ (- golden, + now)"
		diff -u "$golden" "$TMP/$n.sum" | tail -n +3 | sed 's/^/    /'
	fi
done
finish
