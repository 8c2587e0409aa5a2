#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The shipped lab captures and a freshly generated corpus parse cleanly in tshark,
# with SIP decoded as SIP wherever the scenario has cleartext SIP.
set -u
. "$(dirname "$0")/../integration/lib.sh"
need_cmd tshark
need_bin "$B/synth"
tmp=$TMP
"$B/synth" corpus --seed 7 --scale 0.15 --out "$tmp" 2>"$tmp/synth.err"
rc=$?
[ "$rc" -eq 0 ] || { tail -n 20 "$tmp/synth.err"; fail "synth corpus (exit $rc, $B/synth)"; }

# One tshark pass per file: a read error fails, frame.protocols names both SIP and
# malformed frames (_ws.malformed).
parses() {
	f=$1 want_sip=$2
	check "$f: tshark reads it" tshark -r "$f" -Y "sip || _ws.malformed" -T fields \
	    -e frame.protocols >"$tmp/protos" 2>"$tmp/err" ||
		{ head -n 1 "$tmp/err"; return; }
	nbad=$(grep -c '_ws.malformed' "$tmp/protos")
	sip=$(grep -c ':sip' "$tmp/protos")
	echo "$(basename "$f"): sip=$sip malformed=$nbad"
	check "$f: no malformed frames" [ "$nbad" -eq 0 ]
	[ "$want_sip" = yes ] && check "$f: SIP decoded" [ "$sip" -gt 0 ]
}

for f in tests/data/lab/*.pcap; do
	parses "$f" yes
done
for f in "$tmp"/*.pcap; do
	case $(basename "$f") in
	simbank_encrypted.pcap|encrypted_voice.pcap|ott_voice.pcap|sip_tls_srtp.pcap|srtp_app.pcap|\
	    sip_tls_softphone.pcap)
		parses "$f" no ;;	# signalling encrypted: no cleartext SIP
	*) parses "$f" yes ;;
	esac
done
finish
