#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Traffic lab: a small carrier network in network namespaces, real kamailio and sipp,
# captured on the aggregation bridge. Bounded in time; removes everything on exit.
# Usage: lab.sh [-d SECONDS] [-o OUTDIR] [-n GOIP_LINES] [-r ROLES] [-R REREG_S] [-c NAME]
#   ROLES: comma list of goip,pbx,cc,home (default all); NAME: capture file (lab.pcap)
# (root; Debian 12: kamailio, sip-tester, tcpdump, tshark, python3)
set -eu

DUR=40
OUT=build/lab
LINES=2
ROLES=goip,pbx,cc,home
REREG=60
CAP=lab.pcap
usage() {
	echo "usage: $0 [-d SECONDS] [-o OUTDIR] [-n GOIP_LINES 1-8] [-r goip,pbx,cc,home]" \
	    "[-R REREGISTER_S] [-c CAPTURE.pcap]" >&2
	exit 2
}
while getopts d:o:n:r:R:c: opt; do
	case $opt in
	d) DUR=$OPTARG ;;
	o) OUT=$OPTARG ;;
	n) LINES=$OPTARG ;;
	r) ROLES=$OPTARG ;;
	R) REREG=$OPTARG ;;
	c) CAP=$OPTARG ;;
	*) usage ;;
	esac
done
num() { case $2 in ''|*[!0-9]*) echo "lab: $1 wants a number" >&2; exit 2 ;; esac; }
num -d "$DUR"; num -n "$LINES"; num -R "$REREG"
[ "$DUR" -ge 15 ] && [ "$DUR" -le 600 ] || { echo "lab: -d between 15 and 600" >&2; exit 2; }
[ "$LINES" -ge 1 ] && [ "$LINES" -le 8 ] || { echo "lab: -n between 1 and 8" >&2; exit 2; }
[ "$REREG" -ge 10 ] && [ "$REREG" -le 3600 ] || { echo "lab: -R between 10 and 3600" >&2; exit 2; }
for r in ${ROLES//,/ }; do
	case $r in goip|pbx|cc|home) ;; *) echo "lab: unknown role $r" >&2; exit 2 ;; esac
done
case $CAP in */*|.*|'') echo "lab: -c wants a file name" >&2; exit 2 ;; esac

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

has_role() { case ",$ROLES," in *",$1,"*) return 0 ;; esac; return 1; }

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
		bg_ns "${k%%:*}" "kamailio-${k#*:}" kamailio -DD -E -m 32 -M 4 -A "GOIP_LINES=$LINES" \
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

ALLOW_STD="INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY"
UA_PBX="Asterisk PBX 18.16.0"
UA_CC="Asterisk PBX 16.28.0 (VICIdial)"
UA_HOME="Linphone Desktop/5.0.16 (Debian GNU/Linux 12) LinphoneCore/5.1.64"

# A GoIP with LINES lines: one sipp per line on ports 5060.., registering every REREG
# seconds with expires=REREG and answering terminating calls on the same port; plus
# the SMS-server keepalive sender (one keepalive per line every 30 s).
goip_up() {
	for k in $(seq 0 $((LINES - 1))); do
		sipp_ns goip "goip-$((5060 + k))" sipp-goip-line.xml -p $((5060 + k)) \
		    -mp $((30000 + 100 * k)) -s "goip$((101 + k))" -key expires "$REREG" \
		    -d $((REREG * 1000)) -m 1 -oocsf "$HERE/sipp-uas-goip.xml" 203.0.113.10:5060
	done
	bg_ns goip keepalive python3 "$HERE/keepalive.py" send 198.51.100.20 44444 "$DUR" \
	    "$LINES" 30
}

others_up() {
	if has_role pbx; then register pbx trunk100 "$UA_PBX" 3600 5062 10.10.0.10:5060 "$ALLOW_STD"; fi
	if has_role cc; then register cc dialer100 "$UA_CC" 300 5062 10.10.0.10:5060 "$ALLOW_STD"; fi
	if has_role home; then register home home100 "$UA_HOME" 600 5062 10.10.0.10:5060 "$ALLOW_STD"; fi
}

calls() {
	ncalls=$(( DUR / 6 ))
	numbers "$RUN/mobile.csv" 40 mobile
	numbers "$RUN/mixed.csv" 40 mixed
	# overseas carrier -> softswitch -> GoIP lines: terminating calls to mobiles
	if has_role goip; then
		sipp_ns carrier carrier sipp-uac-call.xml -inf "$RUN/mobile.csv" -m "$ncalls" \
		    -r 1 -rp 3000 -l "$LINES" -key ua "VOS3000 V2.1.8.05" -key sdp_o VOS3000 \
		    -key sdp_s VOS3000 -d 5000 -mp 16000 203.0.113.10:5060
	fi
	if has_role pbx; then
		sipp_ns pbx pbx sipp-uac-call.xml -inf "$RUN/mixed.csv" -m 3 -r 1 -rp 7000 \
		    -p 5062 -key ua "$UA_PBX" -key sdp_o - -key sdp_s Asterisk \
		    -d 6000 -mp 12000 10.10.0.10:5060
	fi
	if has_role cc; then
		sipp_ns cc callcentre sipp-uac-call.xml -inf "$RUN/mobile.csv" -m "$ncalls" \
		    -r 1 -rp 2500 -l 3 -p 5062 -key ua "$UA_CC" \
		    -key sdp_o - -key sdp_s Asterisk -d 1500 -mp 14000 10.10.0.10:5060
	fi
	if has_role home; then
		sipp_ns home home sipp-uac-call.xml -inf "$RUN/mixed.csv" -m 1 -p 5062 \
		    -key ua "$UA_HOME" -key sdp_o lp -key sdp_s Talk -d 8000 -mp 18000 \
		    10.10.0.10:5060
	fi
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
	if has_role goip; then goip_up; fi
	others_up
	sleep 1
	calls
	sleep "$DUR"
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	sleep 2
	cp "$RUN/lab.pcap" "$OUT/$CAP"
	cp "$RUN"/*.log "$OUT/" 2>/dev/null || true
	python3 "$HERE/labels.py" "$OUT/$CAP" "$ROLES" "$LINES" >"$OUT/labels.json"
	echo "lab: $(tshark -r "$OUT/$CAP" 2>/dev/null | wc -l) packets," \
	    "$(tshark -r "$OUT/$CAP" -Y sip 2>/dev/null | wc -l) SIP, in $OUT/$CAP"
}

main
