#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# make bench: packets/s of `goipwatchd -r` beside `ndpiReader -i` and a bare libpcap
# read loop (the ceiling) on two generated traces, plus goipwatchd's peak RSS at two
# trace sizes. Wall-clock medians of BENCH_RUNS interleaved runs after one warm-up.
# Prints a table and checks the issue's targets; it reports, it never fails on timing.
#
# Environment: BUILD (build), BENCH_PACKETS (1000000), BENCH_PACKETS_SMALL (250000),
# BENCH_SEED (1), BENCH_RUNS (5), NDPIREADER (ndpiReader), BENCH_OUT (report file,
# default $BUILD/bench/report.txt).
set -euo pipefail

cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
N=${BENCH_PACKETS:-1000000}
N_SMALL=${BENCH_PACKETS_SMALL:-250000}
SEED=${BENCH_SEED:-1}
RUNS=${BENCH_RUNS:-5}
NDPIREADER=${NDPIREADER:-ndpiReader}
DIR=$BUILD/bench
OUT=${BENCH_OUT:-$DIR/report.txt}
GWD=$BUILD/goipwatchd
SYNTH=$BUILD/synth
PCAPREAD=$BUILD/pcapread
TIME=/usr/bin/time

die() { echo "bench: $*" >&2; exit 1; }

for p in "$GWD" "$SYNTH" "$PCAPREAD"; do
	[ -x "$p" ] || die "$p is missing: run make bench (or make $p)"
done
command -v "$NDPIREADER" >/dev/null || die "$NDPIREADER not found (libndpi-bin)"
[ -x "$TIME" ] || die "$TIME not found (package time; scripts/deps.sh installs it)"
[ "$RUNS" -ge 1 ] 2>/dev/null || die "BENCH_RUNS must be a positive number"

mkdir -p "$DIR"
WORK=$(mktemp -d "$DIR/run.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# --- traces, cached by profile, size and seed --------------------------------
trace() {	# profile packets -> path
	local f="$DIR/$1-n$2-s$SEED.pcap"
	if [ ! -s "$f" ]; then
		"$SYNTH" bench --profile "$1" -n "$2" --seed "$SEED" -o "$f.tmp" >&2 ||
		    die "synth bench --profile $1 failed"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}
NEWFLOWS=$(trace newflows "$N")
STEADY=$(trace steady "$N")
SCAN=$(trace scan "$N")
NEWFLOWS_SMALL=$(trace newflows "$N_SMALL")

# Every flow gets an nDPI state, as in ndpiReader: dpi_capacity = flow_capacity.
FULLDPI_CONF=$WORK/fulldpi.conf
printf 'dpi_capacity 262144\n' >"$FULLDPI_CONF"
# One thread: no reader thread, the file is read and analysed in turn.
ONE_CONF=$WORK/one.conf
printf 'reader_thread off\n' >"$ONE_CONF"
# A quarter of the default tables, to show memory follows the configuration.
SMALL_CONF=$WORK/small.conf
printf 'flow_capacity 65536\ndpi_capacity 8192\n' >"$SMALL_CONF"
for f in "$FULLDPI_CONF" "$SMALL_CONF" "$ONE_CONF"; do
	"$GWD" -n -f "$f" 2>/dev/null || die "goipwatchd rejects $(cat "$f")"
done

# --- the cases: name|trace|command (FILE stands for the trace) ----------------
CASES=(
	"newflows|pcapread|$NEWFLOWS|$PCAPREAD FILE"
	"newflows|goipwatchd -r|$NEWFLOWS|$GWD -r FILE -w /dev/null"
	"newflows|goipwatchd -r (one thread)|$NEWFLOWS|$GWD -f $ONE_CONF -r FILE -w /dev/null"
	"newflows|goipwatchd -r (full nDPI)|$NEWFLOWS|$GWD -f $FULLDPI_CONF -r FILE -w /dev/null"
	"newflows|goipwatchd -r -j 2|$NEWFLOWS|$GWD -j 2 -r FILE -w /dev/null"
	"newflows|ndpiReader -q -i|$NEWFLOWS|$NDPIREADER -q -n 1 -i FILE"
	"steady|pcapread|$STEADY|$PCAPREAD FILE"
	"steady|pcapread -d (our reader)|$STEADY|$PCAPREAD -d FILE"
	"steady|goipwatchd -r|$STEADY|$GWD -r FILE -w /dev/null"
	"steady|goipwatchd -r (one thread)|$STEADY|$GWD -f $ONE_CONF -r FILE -w /dev/null"
	"steady|goipwatchd -r -j 2|$STEADY|$GWD -j 2 -r FILE -w /dev/null"
	"steady|ndpiReader -q -i|$STEADY|$NDPIREADER -q -n 1 -i FILE"
	"scan|pcapread|$SCAN|$PCAPREAD FILE"
	"scan|goipwatchd -r|$SCAN|$GWD -r FILE -w /dev/null"
	"scan|goipwatchd -r (one thread)|$SCAN|$GWD -f $ONE_CONF -r FILE -w /dev/null"
	"scan|goipwatchd -r (full nDPI)|$SCAN|$GWD -f $FULLDPI_CONF -r FILE -w /dev/null"
	"scan|goipwatchd -r -j 2|$SCAN|$GWD -j 2 -r FILE -w /dev/null"
	"scan|ndpiReader -q -i|$SCAN|$NDPIREADER -q -n 1 -i FILE"
)

field() { cut -d'|' -f"$2" <<<"$1"; }
cmdline() { local c; c=$(field "$1" 4); echo "${c//FILE/$(field "$1" 3)}"; }

# CPU: children's user+system seconds so far (bash's times, run in this shell).
child_cpu() {
	times >"$WORK/times"
	CPU=$(awk 'function sec(x, m) { m = x; sub(/m.*/, "", m); sub(/^[0-9]+m/, "", x);
	    sub(/s$/, "", x); return m * 60 + x } NR == 2 { printf "%.3f", sec($1) + sec($2) }' \
	    "$WORK/times")
}

# "wall cpu" seconds of one command; its output goes to $WORK/last.*.
timed() {
	local t0 t1 c0
	child_cpu
	c0=$CPU
	t0=$EPOCHREALTIME
	# shellcheck disable=SC2086
	$1 >"$WORK/last.out" 2>"$WORK/last.err" || {
		cat "$WORK/last.err" >&2
		die "failed: $1"
	}
	t1=$EPOCHREALTIME
	child_cpu
	awk -v a="$t0" -v b="$t1" -v c="$c0" -v d="$CPU" 'BEGIN { printf "%.6f %.3f\n", b - a, d - c }'
}

# The first "key":N of the stats record (the last line).
first_num() { awk -v k="\"$1\":" 'END { if ((i = index($0, k)) > 0)
    print substr($0, i + length(k)) + 0 }'; }

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
NCPU=$(nproc)

# --- warm-up: page cache, and every tool counts the same packets -------------
declare -A PKTS
for t in "$NEWFLOWS" "$STEADY" "$SCAN" "$NEWFLOWS_SMALL"; do
	PKTS[$t]=$("$PCAPREAD" "$t" | awk '{ print $2 }')
done
for i in "${!CASES[@]}"; do
	c=${CASES[$i]}
	cmd=$(cmdline "$c")
	timed "${cmd% -w /dev/null}" >/dev/null	# keep goipwatchd's records for the check
	want=${PKTS[$(field "$c" 3)]}
	case $(field "$c" 2) in
	pcapread*) got=$(awk '{ print $2 }' "$WORK/last.out") ;;
	goipwatchd*) got=$(first_num packets <"$WORK/last.out") ;;
	*) got=$want ;;		# ndpiReader -q prints nothing; checked below
	esac
	[ "$got" = "$want" ] || die "$(field "$c" 2) counted $got packets of $want"
done
# ndpiReader's own summary, once per trace, for its packet count and throughput.
declare -A NDPI_SELF
for t in "$NEWFLOWS" "$STEADY" "$SCAN"; do
	"$NDPIREADER" -n 1 -i "$t" >"$WORK/ndpi.txt" 2>&1
	got=$(awk '/IP packets:/ { print $3 }' "$WORK/ndpi.txt")
	[ "$got" = "${PKTS[$t]}" ] || die "ndpiReader counted $got packets of ${PKTS[$t]}"
	NDPI_SELF[$t]=$(awk -F': *' '/nDPI throughput/ { print $2 }' "$WORK/ndpi.txt")
done

# --- timed rounds, interleaved so drift hits every case alike ----------------
for ((r = 1; r <= RUNS; r++)); do
	echo "bench: round $r/$RUNS" >&2
	for i in "${!CASES[@]}"; do
		timed "$(cmdline "${CASES[$i]}")" >>"$WORK/t.$i"
	done
done

median() {	# file column
	cut -d' ' -f"$2" "$1" | sort -g | awk '{ v[NR] = $1 }
	    END { print ((NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
declare -A MED CPUMED
for i in "${!CASES[@]}"; do
	MED[$i]=$(median "$WORK/t.$i" 1)
	CPUMED[$i]=$(median "$WORK/t.$i" 2)
done
pps() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.3f", n / s / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }	# speed a/b from times
find_case() {	# trace-name tool -> index
	local i
	for i in "${!CASES[@]}"; do
		[ "$(field "${CASES[$i]}" 1)|$(field "${CASES[$i]}" 2)" = "$1|$2" ] && { echo "$i"; return; }
	done
}

# --- peak memory ---------------------------------------------------------------
rss() {	# command writing JSON lines to stdout -> "rss_kB flows_created memory_bytes"
	# shellcheck disable=SC2086
	"$TIME" -v -o "$WORK/time.txt" $1 >"$WORK/rss.out" 2>/dev/null || die "failed: $1"
	local kb flows mem
	kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time.txt")
	flows=$(first_num created <"$WORK/rss.out")
	mem=$(first_num memory_bytes <"$WORK/rss.out")
	echo "$kb ${flows:--} ${mem:--}"
}
MEMROWS=()
for conf in default small fulldpi; do
	for t in "$NEWFLOWS_SMALL" "$NEWFLOWS"; do
		case $conf in
		default) opt= ;;
		small) opt="-f $SMALL_CONF" ;;
		fulldpi) opt="-f $FULLDPI_CONF" ;;
		esac
		MEMROWS+=("goipwatchd ($conf)|${PKTS[$t]}|$(rss "$GWD $opt -r $t")")
	done
done
for t in "$NEWFLOWS_SMALL" "$NEWFLOWS"; do
	MEMROWS+=("ndpiReader -q|${PKTS[$t]}|$(rss "$NDPIREADER -q -n 1 -i $t")")
done

# --- report ----------------------------------------------------------------------
{
	echo "goipwatch bench $(date -u +%Y-%m-%dT%H:%MZ), git $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
	echo "machine: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores," \
	    "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
	echo "libpcap $(dpkg-query -W -f='${Version}' libpcap0.8 2>/dev/null || echo '?')," \
	    "nDPI $(dpkg-query -W -f='${Version}' libndpi-bin 2>/dev/null || echo '?')," \
	    "runs: $RUNS interleaved after one warm-up; wall clock of the whole command"
	echo "load average before: $LOAD0, after: $(cut -d' ' -f1-3 /proc/loadavg)" \
	    "(other work on this ${NCPU}-core box inflates wall clock; cpu s = user+sys)"
	echo "traces: $NEWFLOWS (${PKTS[$NEWFLOWS]} pkts), $STEADY (${PKTS[$STEADY]} pkts)," \
	    "$SCAN (${PKTS[$SCAN]} pkts)"
	echo
	printf '%-9s %-27s %8s %7s %7s %7s %10s %9s %8s %9s\n' trace tool "median s" "min s" \
	    "max s" Mpps "/pcapread" "/ndpiRdr" "cpu s" "cpu/pcap"
	for i in "${!CASES[@]}"; do
		c=${CASES[$i]}
		tr=$(field "$c" 1)
		n=${PKTS[$(field "$c" 3)]}
		p=$(find_case "$tr" pcapread)
		nd=$(find_case "$tr" "ndpiReader -q -i")
		printf '%-9s %-27s %8.3f %7.3f %7.3f %7s %9.0f%% %8sx %8.3f %8.0f%%\n' "$tr" \
		    "$(field "$c" 2)" "${MED[$i]}" "$(sort -g "$WORK/t.$i" | head -1 | cut -d' ' -f1)" \
		    "$(sort -g "$WORK/t.$i" | tail -1 | cut -d' ' -f1)" "$(pps "$n" "${MED[$i]}")" \
		    "$(awk -v a="${MED[$p]}" -v b="${MED[$i]}" 'BEGIN { print 100 * a / b }')" \
		    "$(ratio "${MED[$i]}" "${MED[$nd]}")" "${CPUMED[$i]}" \
		    "$(awk -v a="${CPUMED[$p]}" -v b="${CPUMED[$i]}" 'BEGIN { print (b > 0) ? 100 * a / b : 0 }')"
	done
	echo
	echo "ndpiReader's own summary (packet processing only): newflows ${NDPI_SELF[$NEWFLOWS]}," \
	    "steady ${NDPI_SELF[$STEADY]}, scan ${NDPI_SELF[$SCAN]}"
	echo
	printf '%-24s %9s %14s %14s %16s\n' "peak RSS, newflows" packets "max RSS MiB" "flows seen" \
	    "memory_bytes MiB"
	for row in "${MEMROWS[@]}"; do
		IFS='|' read -r tool n rest <<<"$row"
		read -r kb flows mem <<<"$rest"
		printf '%-24s %9s %14.1f %14s %16s\n' "$tool" "$n" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')" \
		    "$flows" "$(awk -v m="$mem" 'BEGIN { if (m == "-") print m; else printf "%.1f", m / 1048576 }')"
	done
	echo

	# --- targets (reported, never a failure) ---
	verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print ((v >= t) ? "MET" : "MISSED") }'; }
	g=$(find_case newflows "goipwatchd -r"); gf=$(find_case newflows "goipwatchd -r (full nDPI)")
	nd=$(find_case newflows "ndpiReader -q -i")
	x=$(ratio "${MED[$g]}" "${MED[$nd]}"); xf=$(ratio "${MED[$gf]}" "${MED[$nd]}")
	echo "target 1: newflows >= 2x ndpiReader: ${x}x (default config), ${xf}x (full nDPI):" \
	    "$(verdict "$x" 2) / $(verdict "$xf" 2)"
	g=$(find_case steady "goipwatchd -r"); p=$(find_case steady pcapread)
	g1=$(find_case steady "goipwatchd -r (one thread)"); pd=$(find_case steady "pcapread -d (our reader)")
	pct() { awk -v a="${MED[$1]}" -v b="${MED[$2]}" 'BEGIN { printf "%.0f", 100 * a / b }'; }
	x=$(pct "$p" "$g")
	echo "target 2: steady >= 50% of pcapread (issue 18: >= 70%): ${x}%: $(verdict "$x" 50)" \
	    "/ $(verdict "$x" 70)" \
	    "(one thread: $(pct "$p" "$g1")%; against pcapread -d, the same reader:" \
	    "$(pct "$pd" "$g")%, one thread $(pct "$pd" "$g1")%; cpu s: ${CPUMED[$g]} vs ${CPUMED[$p]})"
	# Tables take pages as they fill, up to the configured size: RSS stops
	# growing once the flows seen pass the capacity. The small config's 65536
	# flows are past it on both traces; the default's 262144 only on the large.
	IFS='|' read -r _ _ small <<<"${MEMROWS[2]}"; IFS='|' read -r _ _ big <<<"${MEMROWS[3]}"
	read -r ks fs ms <<<"$small"; read -r kb fb _ <<<"$big"
	x=$(awk -v a="$ks" -v b="$kb" 'BEGIN { printf "%+.1f", 100 * (b - a) / a }')
	echo "target 3: peak RSS fixed by configuration: ${x}% RSS from $fs to $fb flows seen" \
	    "(small config, both past its capacity; RSS under its memory_bytes):" \
	    "$(awk -v a="$ks" -v b="$kb" -v m="$ms" 'BEGIN { print ((b <= a * 1.05 && b * 1024 <= m) ? "MET" : "MISSED") }')"
	# issue 18: the scan profile, every flow classified (full nDPI)
	g=$(find_case scan "goipwatchd -r (full nDPI)"); g1=$(find_case scan "goipwatchd -r (one thread)")
	p=$(find_case scan pcapread); nd=$(find_case scan "ndpiReader -q -i")
	x=$(ratio "${MED[$g]}" "${MED[$nd]}")
	s=$(awk -v a="${MED[$g]}" -v b="${MED[$p]}" 'BEGIN { printf "%.1f", a / b }')
	s1=$(awk -v a="${MED[$g1]}" -v b="${MED[$p]}" 'BEGIN { printf "%.1f", a / b }')
	echo "target 4 (issue 18): scan >= 5x ndpiReader with every flow classified: ${x}x:" \
	    "$(verdict "$x" 5); within 4x of pcapread: ${s}x: $(awk -v v="$s" 'BEGIN { print (v <= 4) ? "MET" : "MISSED" }');" \
	    "one thread within 6x: ${s1}x: $(awk -v v="$s1" 'BEGIN { print (v <= 6) ? "MET" : "MISSED" }')"
} | tee "$OUT"
echo "bench: report in $OUT" >&2
