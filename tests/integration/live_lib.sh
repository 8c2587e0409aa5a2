# SPDX-License-Identifier: BSD-2-Clause
# The live-capture bench's plumbing (sourced, POSIX sh), shared by
# tests/integration/live_overload.sh (after lib.sh) and tests/bench/live.sh (on
# its own): two network namespaces joined by a veth pair, tcpreplay on one end,
# a capture on the other, and the counters of both ends.
#
#   live_usable                 0 when namespaces, veth and tcpreplay work here,
#                               else 1 with the reason in $LIVE_WHY
#   live_up                     makes $LIVE_TX/$LIVE_RX (namespaces) joined by
#                               $LIVE_TXIF/$LIVE_RXIF (veth), IPv6 off so
#                               nothing but the replay crosses; call live_down
#                               on every exit path (a trap)
#   live_down                   kills what runs in them, deletes both
#                               namespaces (and so the veth)
#   live_rx CMD...              runs CMD in the receiving namespace (to run
#                               one in the background and keep its pid, call
#                               ip netns exec "$LIVE_RX" CMD & directly)
#   live_replay OUT ARGS...     tcpreplay -K ARGS on $LIVE_TXIF (bounded by
#                               timeout), its summary in OUT; prints the packets
#                               it sent (0 if it failed)
#   live_rate OUT               "pps Mbit/s" tcpreplay achieved, from OUT
#   live_ifdrop                 the receiving veth's rx_dropped
#   live_status SOCK            "packets kernel interface capture_ring dispatch
#                               record_ring" from goipwatchctl status
#   live_settle SOCK OFFERED    waits (up to 15 s) until the daemon has
#                               received or counted as dropped OFFERED packets,
#                               or its counters stop moving
#   live_rss PID                VmRSS of PID in KiB
LIVE_TAG=gwlv$$
LIVE_TX=${LIVE_TAG}t LIVE_RX=${LIVE_TAG}r
LIVE_TXIF=${LIVE_TAG}t LIVE_RXIF=${LIVE_TAG}r
LIVE_WHY=""
LIVE_CTL=${LIVE_CTL:-build/goipwatchctl}

live_usable() {
	if [ "$(id -u)" -ne 0 ]; then LIVE_WHY="not root"; return 1; fi
	command -v ip >/dev/null 2>&1 || { LIVE_WHY="no ip (iproute2)"; return 1; }
	command -v tcpreplay >/dev/null 2>&1 ||
	    { LIVE_WHY="no tcpreplay (scripts/deps.sh)"; return 1; }
	ip netns add "${LIVE_TAG}p" 2>/dev/null || { LIVE_WHY="ip netns unavailable"; return 1; }
	if ! ip -n "${LIVE_TAG}p" link add "${LIVE_TAG}a" type veth peer name "${LIVE_TAG}b" \
	    2>/dev/null; then
		ip netns del "${LIVE_TAG}p"
		LIVE_WHY="veth unavailable"
		return 1
	fi
	ip netns del "${LIVE_TAG}p"
	return 0
}

live_up() {
	ip netns add "$LIVE_TX" && ip netns add "$LIVE_RX" || return 1
	for _n in "$LIVE_TX" "$LIVE_RX"; do
		ip netns exec "$_n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		    net.ipv6.conf.default.disable_ipv6=1 >/dev/null || return 1
	done
	ip link add "$LIVE_TXIF" netns "$LIVE_TX" type veth peer name "$LIVE_RXIF" \
	    netns "$LIVE_RX" || return 1
	ip -n "$LIVE_TX" link set "$LIVE_TXIF" up && ip -n "$LIVE_RX" link set "$LIVE_RXIF" up
}

live_down() {	# and ends what still runs inside them (only ours: the names are unique)
	for _n in "$LIVE_TX" "$LIVE_RX"; do
		for _p in $(ip netns pids "$_n" 2>/dev/null); do kill -KILL "$_p" 2>/dev/null; done
	done
	ip netns del "$LIVE_TX" 2>/dev/null
	ip netns del "$LIVE_RX" 2>/dev/null
	return 0
}

live_rx() { ip netns exec "$LIVE_RX" "$@"; }

live_replay() {	# OUT tcpreplay-args... (the file last)
	_o=$1; shift
	ip netns exec "$LIVE_TX" timeout 120 tcpreplay -K -i "$LIVE_TXIF" "$@" >"$_o" 2>&1
	_n=$(sed -n 's/^[[:space:]]*Successful packets:[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$_o")
	echo "${_n:-0}"
}

live_rate() {	# "pps Mbit/s" from tcpreplay's "Rated:" line
	sed -n 's/^[[:space:]]*Rated: [0-9.]* Bps, \([0-9.]*\) Mbps, \([0-9.]*\) pps.*/\2 \1/p' "$1" |
	    head -n 1
}

live_ifdrop() {
	live_rx cat "/sys/class/net/$LIVE_RXIF/statistics/rx_dropped"
}

live_status() {	# SOCK
	"$LIVE_CTL" -s "$1" status 2>/dev/null | awk '
	    /^capture:/ { for (i = 1; i < NF; i++) if ($(i + 1) == "packets" && $i ~ /^[0-9]+$/) p = $i }
	    /^drops:/ {
		for (i = 1; i < NF; i++) {
			if ($i == "kernel") k = $(i + 1)
			if ($i == "interface") f = $(i + 1)
			if ($i == "capture" && $(i + 1) == "ring") c = $(i + 2)
			if ($i == "dispatch") d = $(i + 1)
			if ($i == "record" && $(i + 1) == "ring") r = $(i + 2)
		}
	    }
	    END { if (p != "") print p, k, f, c, d, r }'
}

live_settle() {	# SOCK OFFERED
	_last="" _same=0 _i=0
	while [ $_i -lt 50 ]; do
		sleep 0.3
		_s=$(live_status "$1")
		# shellcheck disable=SC2086
		set -- "$1" "$2" $_s
		if [ $# -ge 8 ] && [ $(($3 + $4 + $5 + $6 + $7)) -ge "$2" ]; then
			sleep 1.1	# one more sample: the last batch's stats
			return 0
		fi
		if [ "$_s" = "$_last" ]; then
			_same=$((_same + 1))
			[ $_same -ge 7 ] && return 0
		else
			_same=0
		fi
		_last=$_s _i=$((_i + 1))
	done
	return 0
}

live_rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
