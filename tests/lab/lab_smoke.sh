#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs the namespace lab for 15 s when it can; skips (77) with the reason otherwise.
set -u
skip() { echo "skip: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "lab needs root (network namespaces)"
for t in ip kamailio sipp tcpdump tshark python3 timeout; do
	command -v "$t" >/dev/null || skip "$t not installed (scripts/deps.sh)"
done
probe=gwlprobe$$
ip netns add "$probe" 2>/dev/null || skip "ip netns unavailable here"
ip netns del "$probe"
[ -r /usr/share/sip-tester/g711a.pcap ] || skip "sip-tester RTP sample missing"

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
