#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Golden tests over every capture in ../shared/pcaps/public/MANIFEST.tsv.
# For each capture, run ndpiReader and goipwatchd now, count the flows each
# classifies as SIP, RTP and RTCP (and the flow total), and compare both
# against tests/pcap/golden/<file>.golden. Every difference between the two
# tools must be declared there with "differs <key> <reason>..." and explained
# in # comments. Also checks that each goipwatchd stats record adds up.
# Exit 0 pass, 1 fail, 77 skip (only when the captures are absent).
# GW_SHARED overrides the shared directory; BUILD the build directory.
# docs/golden.md describes the file format and every documented difference.
set -u
# shellcheck source=tests/pcap/lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

[ -r "$MANIFEST" ] ||
	skip "no captures: $MANIFEST is absent (set GW_SHARED to the shared directory)"
need_cmd "$NDPIREADER"	# Debian libndpi-bin
need_bin "$GWD"
v=$(ndpi_version)
case $v in
"$NDPI_VERSION" | "$NDPI_VERSION".*) ;;
*) fail "ndpiReader is nDPI '${v:-unknown}'; the goldens are for nDPI $NDPI_VERSION" ;;
esac

# Reasons a golden may give for a difference between the two tools.
REASONS="reassembly decap flow-def malformed"
# The NetMon capture must make goipwatchd fail cleanly (exit 2, one line).
NETMON=sipnab__c07-sip-r2.netmon

tmp=$TMP

start=$(date +%s)
failed=""

for f in $(manifest_files); do
	g=$GOLDEN_DIR/$f.golden
	w=$tmp/$f
	mkdir -p "$w"
	: >"$w/why"
	if [ ! -r "$PCAPS/$f" ]; then
		echo "listed in MANIFEST.tsv but missing: $PCAPS/$f" >>"$w/why"
	elif [ ! -r "$g" ]; then
		echo "no golden: $g (run tests/pcap/golden-update.sh, then review it)" >>"$w/why"
	else
		measure "$PCAPS/$f" "$w" >"$w/live.all"
		golden_ignored "$g" >"$w/ignored"
		drop_ignored "$w/ignored" <"$w/live.all" | sort >"$w/live"
		golden_values "$g" | sort >"$w/want"
		if ! cmp -s "$w/want" "$w/live"; then
			{
				echo "live counts differ from the golden (- golden, + live):"
				diff -u "$w/want" "$w/live" | sed -e '1,2d' -e 's/^/    /'
				grep -i '# *BUG' "$g" | sed 's/^/    golden says: /'
			} >>"$w/why"
		fi
		if [ -s "$w/sanity" ]; then
			echo "goipwatchd stats record does not add up:" >>"$w/why"
			sed 's/^/    /' "$w/sanity" >>"$w/why"
		fi
		# Every difference between the tools in the golden is declared and
		# explained; a declaration without a difference is stale.
		sed -e 's/#.*//' "$g" | awk -v reasons="$REASONS" -v f="$f" '
		BEGIN { n = split(reasons, r, " "); for (i = 1; i <= n; i++) ok[r[i]] = 1 }
		$1 == "ndpireader" || $1 == "goipwatchd" { v[$1, $2] = $3; keys[$2] = 1 }
		$1 == "differs" {
			d[$2] = 1
			if (NF < 3) print "\"differs " $2 "\" gives no reason (one of: " reasons ")"
			for (i = 3; i <= NF; i++)
				if (!($i in ok)) print "\"differs " $2 "\": unknown reason \"" $i "\" (one of: " reasons ")"
		}
		END {
			for (k in keys) {
				if (k == "exit" || k == "stderr-lines") continue
				if (!(("ndpireader", k) in v) || !(("goipwatchd", k) in v)) continue
				if (v["ndpireader", k] != v["goipwatchd", k] && !(k in d))
					print "undocumented difference: ndpireader " k " " v["ndpireader", k] \
					    ", goipwatchd " k " " v["goipwatchd", k] " (add \"differs " k " <reason>\" and a # comment)"
				if (v["ndpireader", k] == v["goipwatchd", k] && (k in d))
					print "stale \"differs " k "\": both tools say " v["ndpireader", k]
			}
			for (k in d) if (!(k in keys)) print "\"differs " k "\" but no counts for " k
		}' >>"$w/why"
		# goipwatchd exits 0 on every capture it can read; a file libpcap
		# cannot open gives exit 2 and exactly one line on stderr.
		rc=$(awk '$1 == "goipwatchd" && $2 == "exit" { print $3 }' "$w/live.all")
		if [ "$f" = "$NETMON" ]; then
			lines=$(awk '$1 == "goipwatchd" && $2 == "stderr-lines" { print $3 }' "$w/live.all")
			if [ "$rc" != 2 ] || [ "${lines:-}" != 1 ]; then
				echo "NetMon file: want exit 2 and one stderr line, got exit $rc and ${lines:-?} line(s)" >>"$w/why"
			fi
		elif [ "$rc" != 0 ]; then
			echo "goipwatchd exit $rc; stderr:" >>"$w/why"
			head -n 5 "$w/gw.err" | sed 's/^/    /' >>"$w/why"
		fi
	fi
	check "$f: $(awk '$2 != "exit" { s[$1] = s[$1] " " $2 "=" $3 }
	    END { printf "ndpiReader%s | goipwatchd%s", s["ndpireader"], s["goipwatchd"] }' \
	    "$w/live.all" 2>/dev/null)" [ ! -s "$w/why" ] ||
		{ failed="$failed $f"; sed 's/^/  /' "$w/why"; }
done

# Goldens whose capture left the manifest.
manifest_files >"$tmp/listed"
for g in "$GOLDEN_DIR"/*.golden; do
	[ -e "$g" ] || continue
	b=$(basename "$g" .golden)
	check "$b: golden has a capture in MANIFEST.tsv" grep -qxF "$b" "$tmp/listed" ||
		failed="$failed $b"
done

secs=$(( $(date +%s) - start ))
[ -z "$failed" ] || echo "failed:$failed"
echo "golden: $fails failed (${secs}s, ndpiReader $v, $GWD)"
finish
