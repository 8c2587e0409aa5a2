#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# make bench-live (root; issue 18): live capture at line rate. Two network
# namespaces joined by a veth pair (tests/integration/live_lib.sh); tcpreplay
# replays the scan and steady traces into one end at rising rates, and the
# other end is captured by `goipwatchd -i` on af-packet with -j 1 and -j 2, and
# by `ndpiReader -i`. For each, the highest rate with zero drops at every stage
# (packets/s and Mbit/s as tcpreplay achieved them), the median of
# BENCH_LIVE_RUNS searches; then, at 1.5x that rate, the drops of each stage.
# Prints a table (and writes it to BENCH_LIVE_OUT). Timing is only reported:
# the script fails only if the bench cannot be built or a tool fails.
#
# Environment: BUILD (build), BENCH_LIVE_PACKETS (400000, the trace size and
# the longest replay), BENCH_LIVE_SECS (4, seconds of replay per trial),
# BENCH_LIVE_RUNS (3), BENCH_SEED (1), NDPIREADER (ndpiReader), BENCH_LIVE_OUT
# (default $BUILD/bench/live-report.txt).
set -euo pipefail

cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
N=${BENCH_LIVE_PACKETS:-400000}
SECS=${BENCH_LIVE_SECS:-4}
RUNS=${BENCH_LIVE_RUNS:-3}
SEED=${BENCH_SEED:-1}
NDPIREADER=${NDPIREADER:-ndpiReader}
DIR=$BUILD/bench
OUT=${BENCH_LIVE_OUT:-$DIR/live-report.txt}
GWD=$(pwd)/$BUILD/goipwatchd
SYNTH=$BUILD/synth
PY=/usr/bin/python3
LIVE_CTL=$(pwd)/$BUILD/goipwatchctl
# shellcheck source=../integration/live_lib.sh
. tests/integration/live_lib.sh

die() { echo "bench-live: $*" >&2; exit 1; }

for p in "$GWD" "$SYNTH" "$LIVE_CTL"; do
	[ -x "$p" ] || die "$p is missing: run make bench-live (or make all)"
done
command -v "$NDPIREADER" >/dev/null || die "$NDPIREADER not found (libndpi-bin)"
[ "$RUNS" -ge 1 ] 2>/dev/null || die "BENCH_LIVE_RUNS must be a positive number"
live_usable || die "cannot run here: $LIVE_WHY (it needs root, network namespaces, veth and tcpreplay)"

mkdir -p "$DIR"
WORK=$(mktemp -d "$DIR/live.XXXXXX")
chmod 755 "$WORK"	# goipwatchd drops to its own user and still writes -w here
GPID=""
cleanup() {
	[ -z "$GPID" ] || kill -KILL "$GPID" 2>/dev/null || true
	live_down
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
live_up || die "cannot make the namespaces and their veth pair"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

trace() {	# profile packets -> path (cached as make bench caches its traces)
	local f="$DIR/$1-n$2-s$SEED.pcap"
	if [ ! -s "$f" ]; then
		"$SYNTH" bench --profile "$1" -n "$2" --seed "$SEED" -o "$f.tmp" >&2 ||
		    die "synth bench --profile $1 failed"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}
declare -A TRACE
TRACE[scan]=$(trace scan "$N")
TRACE[steady]=$(trace steady "$N")

# --- one trial -------------------------------------------------------------------
# trial TOOL TRACE RATE (packets/s, or max) -> one line:
#   offered pps mbps received kernel interface capture_ring dispatch record_ring
# TOOL: gwd1, gwd2 (goipwatchd -j 1/-j 2, af-packet) or ndpi.
replay_args() {	# rate -> tcpreplay's rate and packet limit
	if [ "$1" = max ]; then
		echo "--topspeed --limit=$N"
	else
		local l=$(($1 * SECS))
		[ "$l" -le "$N" ] || l=$N
		echo "--pps=$1 --limit=$l"
	fi
}

trial_gwd() {	# workers trace rate
	local sock=$WORK/ctl.sock out=$WORK/gwd.jsonl i=0 sent rate ifd0 ifd
	rm -f "$sock" "$out"
	ip netns exec "$LIVE_RX" "$GWD" -i "$LIVE_RXIF" -D af-packet -j "$1" -S "$sock" -M 0 \
	    -X nowatchdog -w "$out" 2>"$WORK/gwd.err" &
	GPID=$!
	while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -S "$sock" ] || { cat "$WORK/gwd.err" >&2; die "goipwatchd did not start"; }
	ifd0=$(live_ifdrop)
	# shellcheck disable=SC2046
	sent=$(live_replay "$WORK/replay" $(replay_args "$3") "$2")
	[ "$sent" -gt 0 ] || { cat "$WORK/replay" >&2; die "tcpreplay failed"; }
	rate=$(live_rate "$WORK/replay")
	live_settle "$sock" "$sent"
	ifd=$(($(live_ifdrop) - ifd0))
	kill -TERM "$GPID"
	wait "$GPID" || die "goipwatchd -j $1 exited $? ($(tail -n 3 "$WORK/gwd.err"))"
	GPID=""
	$PY - "$out" "$sent" "$rate" "$ifd" <<'PY'
import json, sys
st = json.loads(open(sys.argv[1]).readlines()[-1])
assert st["type"] == "stats"
c = st["capture"]
print(sys.argv[2], sys.argv[3], c["received"], c["kernel_drops"], c["iface_drops"],
      c["ring_drops"], c["dispatch_drops"], st["records"]["ring_drops"])
PY
}

trial_ndpi() {	# trace rate: ndpiReader prints no drop counter (4.2): offered - seen
	local sent rate ifd0 ifd seen i
	ifd0=$(live_ifdrop)
	ip netns exec "$LIVE_RX" stdbuf -oL "$NDPIREADER" -i "$LIVE_RXIF" -n 1 -s 3600 \
	    >"$WORK/ndpi.out" 2>&1 &
	GPID=$!
	# its capture is open when it says it runs (start-up takes seconds on a busy box)
	i=0
	while ! grep -q '^Running thread' "$WORK/ndpi.out" && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	sleep 0.2
	# shellcheck disable=SC2046
	sent=$(live_replay "$WORK/replay" $(replay_args "$2") "$1")
	[ "$sent" -gt 0 ] || { cat "$WORK/replay" >&2; die "tcpreplay failed"; }
	rate=$(live_rate "$WORK/replay")
	sleep 2		# it drains its ring, then SIGINT: it stops and prints its summary
	kill -INT "$GPID"
	wait "$GPID" || die "ndpiReader exited $?"
	GPID=""
	ifd=$(($(live_ifdrop) - ifd0))
	seen=$(sed -n 's/.*IP packets: *[0-9]* *of \([0-9]*\) packets total.*/\1/p' "$WORK/ndpi.out")
	[ -n "$seen" ] || die "ndpiReader printed no packet count"
	# the packets it never saw: lost in libpcap's ring, or before it (the veth)
	echo "$sent $rate $seen $((sent - seen - ifd)) $ifd 0 0 0"
}

trial() {	# tool trace rate
	case $1 in
	gwd1) trial_gwd 1 "${TRACE[$2]}" "$3" ;;
	gwd2) trial_gwd 2 "${TRACE[$2]}" "$3" ;;
	ndpi) trial_ndpi "${TRACE[$2]}" "$3" ;;
	esac
}

lost() { echo $(($5 + $6 + $7 + $8 + $9)); }	# from a trial line: every drop

# --- the search: double from 25 k/s until a drop, then halve the gap twice --------
# The asked rate steers the search; what is reported is what tcpreplay achieved
# (on a busy box it falls short of the asked rate). Prints "pps mbps capped
# droppps": the highest achieved rate of a trial with zero drops, capped=1 when
# top speed lost nothing (the sender is the limit), and the lowest achieved rate
# of a trial with drops (0: none).
note() {	# trial line: keeps the best zero-drop and the lowest dropping rate
	local pps mbps
	pps=$(echo "$1" | cut -d' ' -f2) mbps=$(echo "$1" | cut -d' ' -f3)
	# shellcheck disable=SC2086
	if [ "$(lost $1)" -eq 0 ]; then
		if awk -v a="$pps" -v b="${best% *}" 'BEGIN { exit !(a > b) }'; then best="$pps $mbps"; fi
		return 0
	fi
	if [ "$dropat" = 0 ] || awk -v a="$pps" -v b="$dropat" 'BEGIN { exit !(a < b) }'; then
		dropat=$pps
	fi
	return 1
}

search() {	# tool trace
	local good=0 bad="" r line best="0 0" capped=0 k dropat=0
	for r in 25000 50000 100000 200000 max; do
		line=$(trial "$1" "$2" "$r")
		echo "  $1 $2 rate $r: $line" >>"$WORK/log"
		if note "$line"; then
			good=$r
			[ "$r" != max ] || capped=1
		else
			bad=$r; break
		fi
	done
	if [ -n "$bad" ]; then
		# a drop at top speed: bisect up to what tcpreplay achieved there
		[ "$bad" != max ] || bad=$(echo "$line" | cut -d' ' -f2 | cut -d. -f1)
		[ "$good" != 0 ] || good=$((bad / 4))
		for k in 1 2; do
			r=$(((good + bad) / 2))
			line=$(trial "$1" "$2" "$r")
			echo "  $1 $2 rate $r: $line" >>"$WORK/log"
			if note "$line"; then good=$r; else bad=$r; fi
		done
	fi
	echo "$best $capped $dropat"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

TOOLS="gwd1 gwd2 ndpi"
declare -A NAME=([gwd1]="goipwatchd -i -j 1" [gwd2]="goipwatchd -i -j 2" [ndpi]="ndpiReader -i")
declare -A PPS MBPS CAP DROPAT
: >"$WORK/log"
for run in $(seq "$RUNS"); do
	for tr in scan steady; do
		for t in $TOOLS; do
			read -r pps mbps capped dropat <<<"$(search "$t" "$tr")"
			echo "run $run: $tr ${NAME[$t]}: zero drops up to $pps pps, $mbps Mbit/s" \
			    "$([ "$capped" = 1 ] && echo '(tcpreplay top speed)'), drops from $dropat pps" >&2
			PPS[$tr.$t]+="$pps "
			DROPAT[$tr.$t]+="${dropat:-0} "
			MBPS[$tr.$t]+="$mbps "
			CAP[$tr.$t]+="$capped"
		done
	done
done

# --- 1.5x the median zero-drop rate: drops per stage -------------------------------
declare -A OVER
for tr in scan steady; do
	for t in $TOOLS; do
		p=$(tr ' ' '\n' <<<"${PPS[$tr.$t]}" | grep . | median)
		r=$(awk -v p="$p" 'BEGIN { printf "%d", p * 1.5 }')
		: >"$WORK/over"
		for run in $(seq "$RUNS"); do
			line=$(trial "$t" "$tr" "$r")
			echo "  1.5x $t $tr rate $r: $line" >>"$WORK/log"
			echo "$line" >>"$WORK/over"
		done
		row=""
		for col in 1 2 3 4 5 6 7 8 9; do
			row+="$(cut -d' ' -f$col "$WORK/over" | median) "
		done
		OVER[$tr.$t]=$row
	done
done

# --- report ------------------------------------------------------------------------
{
	echo "goipwatch bench-live $(date -u +%Y-%m-%dT%H:%MZ), git $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
	echo "machine: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores," \
	    "Linux $(uname -r); tcpreplay $(dpkg-query -W -f='${Version}' tcpreplay 2>/dev/null || echo '?')," \
	    "nDPI $(dpkg-query -W -f='${Version}' libndpi-bin 2>/dev/null || echo '?')"
	echo "veth pair between two network namespaces; tcpreplay -K --pps, $SECS s per trial (at most $N packets);" \
	    "runs: $RUNS; medians"
	echo "load average before: $LOAD0, after: $(cut -d' ' -f1-3 /proc/loadavg)" \
	    "(sender, kernel and capture share these $(nproc) cores with other work)"
	echo "traces: ${TRACE[scan]}, ${TRACE[steady]}"
	echo
	echo "highest rate with zero drops at every stage (median of $RUNS; '>=' = tcpreplay's top speed lost nothing)"
	echo "(packets/s and Mbit/s as tcpreplay achieved them; 'drops from': the lowest achieved rate of a trial that lost packets)"
	printf '%-7s %-20s %11s %10s %11s   %s\n' trace tool "packets/s" "Mbit/s" "drops from" "runs (packets/s)"
	for tr in scan steady; do
		for t in $TOOLS; do
			p=$(tr ' ' '\n' <<<"${PPS[$tr.$t]}" | grep . | median)
			m=$(tr ' ' '\n' <<<"${MBPS[$tr.$t]}" | grep . | median)
			ge=""; case ${CAP[$tr.$t]} in *1*) ge=">=" ;; esac
			d=$(tr ' ' '\n' <<<"${DROPAT[$tr.$t]}" | { grep -v '^0*$' || true; } | median)
			printf '%-7s %-20s %11s %10s %11s   %s\n' "$tr" "${NAME[$t]}" "$ge$(printf '%.0f' "$p")" \
			    "$(printf '%.1f' "$m")" "$([ "$d" = 0 ] && echo - || printf '%.0f' "$d")" "$(awk '{ for (i = 1; i <= NF; i++) printf "%.0f ", $i }' <<<"${PPS[$tr.$t]}")"
		done
	done
	echo
	echo "at 1.5x that rate: drops per stage (median of $RUNS; packets; ndpiReader: offered - seen)"
	printf '%-7s %-20s %9s %9s %9s %9s %9s %9s %9s %9s %7s\n' trace tool "asked/s" "got/s" offered \
	    received "kernel" "veth" dispatch "recs" "lost"
	for tr in scan steady; do
		for t in $TOOLS; do
			p=$(tr ' ' '\n' <<<"${PPS[$tr.$t]}" | grep . | median)
			read -r off pps mbps rcv k ifd ring disp rec <<<"${OVER[$tr.$t]}"
			printf '%-7s %-20s %9.0f %9.0f %9.0f %9.0f %9.0f %9.0f %9.0f %9.0f %6.1f%%\n' "$tr" \
			    "${NAME[$t]}" "$(awk -v p="$p" 'BEGIN { print p * 1.5 }')" "$pps" "$off" "$rcv" \
			    "$(awk -v a="$k" -v b="$ring" 'BEGIN { print a + b }')" "$ifd" "$disp" "$rec" \
			    "$(awk -v o="$off" -v k="$k" -v i="$ifd" -v r="$ring" -v d="$disp" \
			      'BEGIN { print (o > 0) ? 100 * (k + i + r + d) / o : 0 }')"
		done
	done
	echo
	echo "kernel = the af-packet ring (tp_drops; ndpiReader: libpcap's ring); veth = the receiving veth's"
	echo "rx_dropped (goipwatchd's iface_drops); dispatch = goipwatchd's dispatch ring (none with af-packet:"
	echo "each worker reads its own socket); recs = records lost to a full record ring (the detect stage's input)."
	echo
	echo "trials:"
	cat "$WORK/log"
} | tee "$OUT"
