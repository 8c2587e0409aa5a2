#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Pull the SIP messages the synthesiser needs out of the lab's captures with tshark and
# write them as tools/synth templates, the variable parts as {placeholders}
# (scripts/lab/templates.py). options.sip has no lab source (no scanner in the lab) and
# is kept by hand. Usage: extract-templates.sh [CAPTURE_DIR [TEMPLATE_DIR]]
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
CAPS=${1:-tests/data/lab}
DEST=${2:-tools/synth/templates}
command -v tshark >/dev/null || { echo "extract-templates: tshark not installed" >&2; exit 1; }

# template (kind) | capture | display filter selecting the message (first match is used)
TABLE='register|goip-4lines.pcap|sip.Method == "REGISTER" && sip.User-Agent == "dble"
response|goip-4lines.pcap|sip.Status-Code == 200 && sip.CSeq.method == "BYE" && ip.src == 100.64.1.10
sdp_dbl|goip-4lines.pcap|sip.Status-Code == 200 && sip.CSeq.method == "INVITE" && ip.src == 100.64.1.10
invite|home.pcap|sip.Method == "INVITE" && ip.src == 100.64.4.40
request|home.pcap|sip.Method == "BYE" && ip.src == 100.64.4.40
sdp_generic|home.pcap|sip.Method == "INVITE" && ip.src == 100.64.4.40
sdp_pbx|pbx.pcap|sip.Method == "INVITE" && ip.src == 100.64.2.20'

mkdir -p "$DEST"
echo "$TABLE" | while IFS='|' read -r kind cap filter; do
	hex=$(tshark -r "$CAPS/$cap" -Y "$filter" -T fields -e udp.payload 2>/dev/null | head -n 1)
	[ -n "$hex" ] || { echo "extract-templates: $kind: no match in $cap" >&2; exit 1; }
	case $kind in sdp_*) ext=sdp ;; *) ext=sip ;; esac
	printf '%s' "$hex" | python3 -c 'import sys; sys.stdout.write(bytes.fromhex(sys.stdin.read().strip()).decode("latin-1"))' |
	    python3 "$HERE/templates.py" "$kind" >"$DEST/$kind.$ext.tmp"
	mv "$DEST/$kind.$ext.tmp" "$DEST/$kind.$ext"
	echo "extract-templates: $DEST/$kind.$ext from $cap"
done
