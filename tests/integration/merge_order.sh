#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The engine's offline merge: records from several workers come out in one
# order that depends only on the file and the worker count, and no record is
# lost or doubled by the merge. Against -j 1 on the lab captures, -j 2..4 give
# the same records; only an end-of-input record's "ts" may differ (each worker
# closes its flows at its own last packet, docs/pipeline.md).
. "$(dirname "$0")/lib.sh"
need_bin "$GWD"
need_cmd /usr/bin/python3
DATA=$(dirname "$0")/../data/lab

for f in goip-4lines lab-namespaces callcentre pbx; do
	for j in 1 2 3 4; do
		"$GWD" -j $j -r "$DATA/$f.pcap" -w "$TMP/$f-$j.a" 2>/dev/null
		"$GWD" -j $j -r "$DATA/$f.pcap" -w "$TMP/$f-$j.b" 2>/dev/null
		check "$f -j $j: the same output twice" cmp -s "$TMP/$f-$j.a" "$TMP/$f-$j.b"
	done
	check "$f: -j 2..4 give the records of -j 1" /usr/bin/python3 - "$TMP/$f" <<'PY'
import json, sys
def records(path):
    out = []
    for line in open(path):
        r = json.loads(line)
        if r["type"] == "stats":
            continue
        r.pop("ts", None)
        out.append(json.dumps(r, sort_keys=True))
    return sorted(out)
base = records(sys.argv[1] + "-1.a")
assert base, "no records"
for j in (2, 3, 4):
    if records("%s-%d.a" % (sys.argv[1], j)) != base:
        sys.exit("-j %d differs from -j 1" % j)
PY
done
finish
