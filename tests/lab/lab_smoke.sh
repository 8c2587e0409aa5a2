#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs the namespace lab for 15 s. It skips (77) only as a user or where the
# kernel gives no network namespaces; a missing tool fails.
set -u
skip() { echo "skip: $*"; exit 77; }
. "$(cd "$(dirname "$0")/../integration" && pwd)/need.sh"
need_root "the lab (network namespaces)"
need_cmd ip kamailio sipp tcpdump tshark python3 timeout
probe=gwlprobe$$
ip netns add "$probe" 2>/dev/null || skip "ip netns unavailable here"
ip netns del "$probe"
[ -r /usr/share/sip-tester/g711a.pcap ] ||
	{ echo "FAIL: sip-tester RTP sample missing (scripts/deps.sh: sip-tester)"; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
timeout -k 5 55 scripts/lab/lab.sh -d 15 -o "$out" || { echo "FAIL: lab.sh exit $?"; exit 1; }
sip=$(tshark -r "$out/lab.pcap" -Y sip 2>/dev/null | wc -l)
rtp=$(tshark -r "$out/lab.pcap" -Y rtp 2>/dev/null | wc -l)
dble=$(tshark -r "$out/lab.pcap" -Y 'sip.User-Agent == "dble"' 2>/dev/null | wc -l)
echo "lab smoke: sip=$sip rtp=$rtp dble=$dble"
[ "$sip" -ge 20 ] && [ "$rtp" -ge 100 ] && [ "$dble" -ge 2 ] && [ -s "$out/labels.json" ] ||
    { echo "FAIL: too little traffic"; exit 1; }
left=$(ip netns list | grep -c '^gwl' || true)
[ "$left" -eq 0 ] || { echo "FAIL: $left lab namespaces left behind"; exit 1; }
