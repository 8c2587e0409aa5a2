#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Every line goipwatchd writes is strict UTF-8 JSON: over every public capture
# (when ../shared is there) and over a synthetic capture of hostile strings,
# whose escaped and cut forms are checked too (docs/records.md).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
HERE=$(dirname "$0")
need_bin "$PY" "$GWD"

$PY "$HERE/hostile_pcap.py" "$TMP/hostile.pcap" || fail "hostile_pcap.py"
$GWD -r "$TMP/hostile.pcap" > "$TMP/hostile.jsonl" 2>"$TMP/err"
check "exit 0 on the hostile capture" [ $? -eq 0 ]
check "hostile: every line strict UTF-8 JSON" $PY "$HERE/strings_check.py" jsonl "$TMP/hostile.jsonl"
check "hostile: ESC and BEL escaped" grep -qF 'dble \u001b[2J\u001b]52;c;SGVsbG8=\u0007' "$TMP/hostile.jsonl"
check "hostile: UTF-8 C1 escaped" grep -qF '\u009b' "$TMP/hostile.jsonl"
check "hostile: raw 0x9b, 0xff 0xfe replaced" grep -qF '\ufffd\u009b\ufffd\ufffd' "$TMP/hostile.jsonl"
check "hostile: %ff replaced, %00 ends the user" grep -qF '"aor":"goip\ufffd@203.0.113.10"' "$TMP/hostile.jsonl"
check "hostile: formula text kept as data" grep -qF '"id":"=HYPERLINK(\"http://x\",\"y\")"' "$TMP/hostile.jsonl"
# "G" and 23 characters of 3 bytes: "G" and 20 whole characters fit in 63 bytes
check "hostile: device id cut on a character boundary" $PY -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
ids = [r["device"].get("id") for r in recs if r["type"] == "detection" and "device" in r]
sys.exit(0 if "G" + "\u732b" * 20 in ids else 1)' "$TMP/hostile.jsonl"

dir=$(shared_dir)/pcaps/public
if [ -d "$dir" ]; then
	n=0
	for f in "$dir"/*; do
		case $f in *.pcap | *.pcapng | *.netmon) ;; *) continue ;; esac
		$GWD -r "$f" > "$TMP/out.jsonl" 2>/dev/null
		$PY "$HERE/strings_check.py" jsonl "$TMP/out.jsonl" >"$TMP/why" ||
		    bad "$(basename "$f"): $(cat "$TMP/why")"
		n=$((n + 1))
	done
	ok "$n public captures checked"
else
	echo "note: $dir is absent: public captures not checked"
fi
finish
