#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Regenerate the lab captures shipped in tests/data/lab (one lab run per role) and merge
# their labels into tests/data/lab/labels.json; entries of other captures are kept.
# Usage: ship.sh [DESTDIR]   (root, like lab.sh; about 3 minutes)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
DEST=${1:-tests/data/lab}
TMP=$(mktemp -d /tmp/gwship.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# capture : lab.sh arguments. The 4-line GoIP runs 75 s so each line re-registers once
# at the GoIP default period of 60 s and sends three SMS-server keepalives (30 s).
RUNS="goip-4lines.pcap:-r,goip,-n,4,-d,75
goip-1line.pcap:-r,goip,-n,1,-d,20
pbx.pcap:-r,pbx,-d,20
callcentre.pcap:-r,cc,-d,20
home.pcap:-r,home,-d,15"

for run in $RUNS; do
	cap=${run%%:*}
	args=$(echo "${run#*:}" | tr , ' ')
	mkdir -p "$TMP/$cap"
	# shellcheck disable=SC2086
	"$HERE/lab.sh" $args -c "$cap" -o "$TMP/$cap"
	cp "$TMP/$cap/$cap" "$DEST/$cap"
done

python3 - "$DEST/labels.json" "$TMP"/*/labels.json <<'PY'
import json, sys
dest, new = sys.argv[1], [json.load(open(p)) for p in sys.argv[2:]]
fresh = {lb["capture"] for labels in new for lb in labels}
try:
    old = [lb for lb in json.load(open(dest)) if lb["capture"] not in fresh]
except FileNotFoundError:
    old = []
out = old + [lb for labels in new for lb in labels]
with open(dest, "w") as f:
    f.write("[\n" + ",\n".join("  " + json.dumps(lb) for lb in out) + "\n]\n")
PY
ls -l "$DEST"
