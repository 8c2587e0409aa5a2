#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Traffic lab: a small carrier network in network namespaces, real kamailio and sipp,
# captured on the aggregation bridge. Bounded in time; removes everything on exit.
# Usage: lab.sh [-d SECONDS] [-o OUTDIR]   (root; Debian 12: kamailio, sip-tester, tcpdump)
set -eu

DUR=40
OUT=build/lab
while getopts d:o: opt; do
	case $opt in
	d) DUR=$OPTARG ;;
	o) OUT=$OPTARG ;;
	*) echo "usage: $0 [-d SECONDS] [-o OUTDIR]" >&2; exit 2 ;;
	esac
done
case $DUR in ''|*[!0-9]*) echo "lab: -d wants seconds" >&2; exit 2 ;; esac
[ "$DUR" -ge 15 ] && [ "$DUR" -le 600 ] || { echo "lab: -d between 15 and 600" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
P=gwl$$
PIDS=""
NSS=""
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
RUN=$(mktemp -d /tmp/gwlab.XXXXXX)

# Every host: name, address. One flat L2 segment; each host routes everything on-link,
# so every packet crosses the bridge exactly once.
HOSTS="dom:10.10.0.10 pstn:10.10.0.11 ovs:203.0.113.10 carrier:203.0.113.11
sms:198.51.100.20 goip:100.64.1.10 pbx:100.64.2.20 cc:100.64.3.30 home:100.64.4.40"

cleanup() {
	set +e
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 1
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	for ns in $NSS; do ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null; done
	for ns in $NSS; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() { ns=$1; shift; ip netns exec "$P-$ns" "$@"; }

addr_of() { for h in $HOSTS; do [ "${h%%:*}" = "$1" ] && echo "${h#*:}"; done; }

# Background a command in a namespace with its own timeout; remember its pid.
bg_ns() {
	ns=$1; log=$2; shift 2
	timeout -k 2 $((DUR + 20)) ip netns exec "$P-$ns" "$@" </dev/null >"$RUN/$log.log" 2>&1 &
	PIDS="$PIDS $!"
}

net_up() {
	ip netns add "$P-core"
	NSS="$P-core"
	in_ns core sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	in_ns core ip link add br0 type bridge mcast_snooping 0
	in_ns core ip link set br0 up
	in_ns core ip link set lo up
	i=0
	for h in $HOSTS; do
		name=${h%%:*} addr=${h#*:} i=$((i + 1))
		ip netns add "$P-$name"
		NSS="$NSS $P-$name"
		in_ns "$name" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		    net.ipv6.conf.default.disable_ipv6=1
		ip link add eth0 netns "$P-$name" type veth peer name "p$i" netns "$P-core"
		in_ns core ip link set "p$i" master br0 up
		in_ns "$name" ip link set lo up
		in_ns "$name" ip addr add "$addr/32" dev eth0
		in_ns "$name" ip link set eth0 up
		in_ns "$name" ip route add default dev eth0
	done
}

kamailio_up() {
	for k in dom:domestic ovs:overseas; do
		mkdir -p "$RUN/k-${k%%:*}"
		bg_ns "${k%%:*}" "kamailio-${k#*:}" kamailio -DD -E -m 32 -M 4 \
		    -Y "$RUN/k-${k%%:*}" -f "$HERE/kamailio-${k#*:}.cfg"
	done
}

# sipp in a namespace: NS LOG SCENARIO ARGS...
sipp_ns() {
	ns=$1 log=$2 sf=$3; shift 3
	bg_ns "$ns" "$log" sipp -nostdin -sf "$HERE/$sf" -i "$(addr_of "$ns")" \
	    -timeout "$((DUR + 10))s" "$@"
}

register() {
	ns=$1 user=$2 ua=$3 expires=$4 port=$5 registrar=$6
	timeout 10 ip netns exec "$P-$ns" sipp -nostdin -sf "$HERE/sipp-register.xml" \
	    -i "$(addr_of "$ns")" -m 1 -timeout 8s -p "$port" -key user "$user" -key ua "$ua" \
	    -key expires "$expires" -key allow "$7" "$registrar" \
	    </dev/null >"$RUN/reg-$user.log" 2>&1 || echo "lab: REGISTER $user failed" >&2
}

# CSV for -inf: callee;caller per line.
numbers() {
	file=$1 n=$2 kind=$3
	echo SEQUENTIAL >"$file"
	for k in $(seq 1 "$n"); do
		case $kind in
		mobile) printf '1%d%09d;%s\n' $((3 + k % 7)) $((k * 7919 % 1000000000)) "+4420${k}5550" ;;
		*) printf '0755%08d;861088%06d\n' $((k * 104729 % 100000000)) "$k" ;;
		esac >>"$file"
	done
}

ALLOW_DBL="INVITE, ACK, BYE, CANCEL, OPTIONS, NOTIFY, REFER, REGISTER, MESSAGE, INFO, SUBSCRIBE"
ALLOW_STD="INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY"

calls() {
	ncalls=$(( DUR / 6 ))
	numbers "$RUN/mobile.csv" 40 mobile
	numbers "$RUN/mixed.csv" 40 mixed
	# overseas carrier -> softswitch -> GoIP lines: terminating calls to mobiles
	sipp_ns carrier carrier sipp-uac-call.xml -inf "$RUN/mobile.csv" -m "$ncalls" \
	    -r 1 -rp 3000 -l 2 -key ua "VOS3000 V2.1.8.05" -key sdp_o VOS3000 \
	    -key sdp_s VOS3000 -d 5000 -mp 16000 203.0.113.10:5060
	sipp_ns pbx pbx sipp-uac-call.xml -inf "$RUN/mixed.csv" -m 3 -r 1 -rp 7000 \
	    -p 5062 -key ua "Asterisk PBX 18.16.0" -key sdp_o - -key sdp_s Asterisk \
	    -d 6000 -mp 12000 10.10.0.10:5060
	sipp_ns cc callcentre sipp-uac-call.xml -inf "$RUN/mobile.csv" -m "$ncalls" \
	    -r 1 -rp 2500 -l 3 -p 5062 -key ua "Asterisk PBX 16.28.0 (VICIdial)" \
	    -key sdp_o - -key sdp_s Asterisk -d 1500 -mp 14000 10.10.0.10:5060
	sipp_ns home home sipp-uac-call.xml -inf "$RUN/mixed.csv" -m 1 -p 5062 \
	    -key ua "Linphone Desktop/5.0.16 (Debian GNU/Linux 12) LinphoneCore/5.1.64" \
	    -key sdp_o lp -key sdp_s Talk -d 8000 -mp 18000 10.10.0.10:5060
}

labels() {
	cap=$1
	t2=$(tshark -r "$cap" -Y 'sip.Method == "INVITE" && ip.dst == 100.64.1.10' \
	    -T fields -e frame.time_epoch 2>/dev/null | sed -n 2p)
	first() {
		tshark -r "$cap" -Y "ip.addr == $1" -T fields -e frame.time_epoch 2>/dev/null |
		    head -n 1
	}
	ts() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.%3NZ; }
	c=$(basename "$cap")
	{
	echo "["
	printf '  {"capture": "%s", "subscriber_ip": "100.64.1.10", "label": "simbox_suspected", "first_evidence_ts": "%s", "scenario": "lab_goip", "why": "GoIP (dble, DBL SDP, keepalives) registered to a foreign softswitch; a second concurrent INVITE to a domestic mobile number"},\n' "$c" "$(ts "${t2:-$(first 100.64.1.10)}")"
	printf '  {"capture": "%s", "subscriber_ip": "100.64.2.20", "label": "benign", "first_evidence_ts": "%s", "scenario": "lab_pbx", "why": "Asterisk PBX trunk to the domestic provider"},\n' "$c" "$(ts "$(first 100.64.2.20)")"
	printf '  {"capture": "%s", "subscriber_ip": "100.64.3.30", "label": "benign", "first_evidence_ts": "%s", "scenario": "lab_call_centre", "why": "outbound dialer through the domestic provider"},\n' "$c" "$(ts "$(first 100.64.3.30)")"
	printf '  {"capture": "%s", "subscriber_ip": "100.64.4.40", "label": "benign", "first_evidence_ts": "%s", "scenario": "lab_home", "why": "home softphone on the domestic provider"}\n' "$c" "$(ts "$(first 100.64.4.40)")"
	echo "]"
	} >"$OUT/labels.json"
}

main() {
	for t in kamailio sipp tcpdump tshark python3 timeout; do
		command -v "$t" >/dev/null || { echo "lab: $t not installed (scripts/deps.sh)" >&2; exit 1; }
	done
	net_up
	bg_ns core tcpdump tcpdump -i br0 -s 0 -U -w "$RUN/lab.pcap"
	kamailio_up
	bg_ns sms smsd python3 "$HERE/keepalive.py" serve 198.51.100.20 44444 $((DUR + 5))
	sipp_ns pstn pstn sipp-uas-pstn.xml -p 5060 -mp 20000
	sleep 2
	register goip goip101 dble 60 5060 203.0.113.10:5060 "$ALLOW_DBL"
	register goip goip102 dble 60 5061 203.0.113.10:5060 "$ALLOW_DBL"
	register pbx trunk100 "Asterisk PBX 18.16.0" 3600 5062 10.10.0.10:5060 "$ALLOW_STD"
	register cc dialer100 "Asterisk PBX 16.28.0 (VICIdial)" 300 5062 10.10.0.10:5060 "$ALLOW_STD"
	register home home100 "Linphone Desktop/5.0.16 (Debian GNU/Linux 12) LinphoneCore/5.1.64" \
	    600 5062 10.10.0.10:5060 "$ALLOW_STD"
	for port in 5060 5061; do
		sipp_ns goip "goip-$port" sipp-uas-goip.xml -p "$port" -mp $((30000 + port)) \
		    -s "goip$((port - 4959))"
	done
	bg_ns goip keepalive python3 "$HERE/keepalive.py" send 198.51.100.20 44444 "$DUR" 2 30
	sleep 1
	calls
	sleep "$DUR"
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	sleep 2
	cp "$RUN/lab.pcap" "$OUT/lab.pcap"
	cp "$RUN"/*.log "$OUT/" 2>/dev/null || true
	labels "$OUT/lab.pcap"
	echo "lab: $(tshark -r "$OUT/lab.pcap" 2>/dev/null | wc -l) packets, $(tshark -r "$OUT/lab.pcap" -Y sip 2>/dev/null | wc -l) SIP, in $OUT/lab.pcap"
}

main
