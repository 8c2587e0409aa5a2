#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The shipped lab captures and a freshly generated corpus parse cleanly in tshark,
# with SIP decoded as SIP wherever the scenario has cleartext SIP.
set -u
BUILD=${BUILD:-build}
. "$(cd "$(dirname "$0")/../integration" && pwd)/need.sh"
need_cmd tshark
need_bin "$BUILD/synth"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

"$BUILD/synth" corpus --seed 7 --scale 0.15 --out "$tmp" 2>"$tmp/synth.err"
rc=$?
if [ "$rc" -ne 0 ]; then
	tail -n 20 "$tmp/synth.err"
	echo "FAIL: synth corpus (exit $rc, $BUILD/synth)"
	exit 1
fi

# One tshark pass per file: a read error fails, frame.protocols names both SIP and
# malformed frames (_ws.malformed).
check() {
	f=$1 want_sip=$2
	if ! tshark -r "$f" -Y "sip || _ws.malformed" -T fields -e frame.protocols \
	    >"$tmp/protos" 2>"$tmp/err"; then
		echo "FAIL: $f: tshark: $(head -n 1 "$tmp/err")"; fail=1; return
	fi
	bad=$(grep -c '_ws.malformed' "$tmp/protos")
	sip=$(grep -c ':sip' "$tmp/protos")
	echo "$(basename "$f"): sip=$sip malformed=$bad"
	[ "$bad" -eq 0 ] || { echo "FAIL: $f: $bad malformed frames"; fail=1; }
	if [ "$want_sip" = yes ] && [ "$sip" -eq 0 ]; then
		echo "FAIL: $f: no SIP decoded"; fail=1
	fi
}

for f in tests/data/lab/*.pcap; do
	check "$f" yes
done
for f in "$tmp"/*.pcap; do
	case $(basename "$f") in
	simbank_encrypted.pcap|encrypted_voice.pcap|ott_voice.pcap) check "$f" no ;;
	*) check "$f" yes ;;
	esac
done
exit $fail
