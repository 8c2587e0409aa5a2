#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs the namespace lab for 15 s. It skips (77) only as a user or where the
# kernel gives no network namespaces; a missing tool fails.
set -u
. "$(dirname "$0")/../integration/lib.sh"
need_root "the lab (network namespaces)"
need_cmd ip kamailio sipp tcpdump tshark python3 timeout
probe=gwlprobe$$
ip netns add "$probe" 2>/dev/null || skip "ip netns unavailable here"
ip netns del "$probe"
[ -r /usr/share/sip-tester/g711a.pcap ] ||
	fail "sip-tester RTP sample missing (scripts/deps.sh: sip-tester)"

out=$TMP
timeout -k 5 55 scripts/lab/lab.sh -d 15 -o "$out" || fail "lab.sh exit $?"
sip=$(tshark -r "$out/lab.pcap" -Y sip 2>/dev/null | wc -l)
rtp=$(tshark -r "$out/lab.pcap" -Y rtp 2>/dev/null | wc -l)
dble=$(tshark -r "$out/lab.pcap" -Y 'sip.User-Agent == "dble"' 2>/dev/null | wc -l)
echo "lab smoke: sip=$sip rtp=$rtp dble=$dble"
check "at least 20 SIP frames" [ "$sip" -ge 20 ]
check "at least 100 RTP frames" [ "$rtp" -ge 100 ]
check "at least 2 frames from the dble user agent" [ "$dble" -ge 2 ]
check "labels.json written" [ -s "$out/labels.json" ]
left=$(ip netns list | grep -c '^gwl' || true)
check "no lab namespaces left behind ($left)" [ "$left" -eq 0 ]
finish
