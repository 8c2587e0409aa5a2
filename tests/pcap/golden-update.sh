#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# (Re)generate tests/pcap/golden/<file>.golden from live runs of ndpiReader and
# goipwatchd: usage: golden-update.sh [capture-name...] (default: every
# capture in MANIFEST.tsv).
#
# The update is in place: # comments, "differs" and "ignore" lines stay where
# they are; each measured "<tool> <key> <value>" line gets the live value,
# except a line carrying an inline "# BUG" comment, which is pinned (it holds
# the value expected once the bug is fixed). A difference between the tools
# that no "differs" line declares gets a "# TODO" comment: review every
# changed golden by hand (git diff tests/pcap/golden), explain each
# difference, and declare it (see docs/golden.md) before committing.
set -u
# shellcheck source=tests/pcap/lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

[ -r "$MANIFEST" ] || { echo "golden-update: $MANIFEST is absent (set GW_SHARED)" >&2; exit 1; }
command -v "$NDPIREADER" >/dev/null 2>&1 || { echo "golden-update: ndpiReader not installed" >&2; exit 1; }
[ -x "$GWD" ] || { echo "golden-update: $GWD is not built (run make)" >&2; exit 1; }
v=$(ndpi_version)
case $v in
"$NDPI_VERSION" | "$NDPI_VERSION".*) ;;
*) echo "golden-update: ndpiReader is nDPI '$v', goldens are for $NDPI_VERSION" >&2; exit 1 ;;
esac

tmp=$TMP	# removed at exit by tests/integration/lib.sh
mkdir -p "$GOLDEN_DIR"

if [ $# -gt 0 ]; then
	files=$*
else
	files=$(manifest_files)
fi

todo=0
for f in $files; do
	[ -r "$PCAPS/$f" ] || { echo "golden-update: no such capture: $PCAPS/$f" >&2; exit 1; }
	g=$GOLDEN_DIR/$f.golden
	w=$tmp/$f
	mkdir -p "$w"
	measure "$PCAPS/$f" "$w" >"$w/live"
	if [ -s "$w/sanity" ]; then
		echo "golden-update: $f: goipwatchd stats record does not add up:" >&2
		sed 's/^/    /' "$w/sanity" >&2
	fi
	if [ ! -e "$g" ]; then
		what=$(awk -F '\t' -v f="$f" '$1 == f { print $8 }' "$MANIFEST")
		{
			echo "# $f: $what"
			echo "# Counts: flows classified SIP/RTP/RTCP (app, or master when app is Unknown), flow total."
		} >"$g"
	fi
	awk '
	FILENAME == ARGV[1] { live[$1 " " $2] = $3; order[++n] = $1 " " $2; next }
	{ line[++m] = $0 }
	END {
		# Pass 1: which keys are pinned by "# BUG", ignored, or declared.
		for (i = 1; i <= m; i++) {
			s = line[i]; sub(/#.*/, "", s); split(s, t, " ")
			if (t[1] == "ignore") for (j = 2; j in t; j++) ign[t[j]] = 1
			if (t[1] == "differs") dif[t[2]] = 1
			if ((t[1] == "ndpireader" || t[1] == "goipwatchd") && line[i] ~ /#[ \t]*BUG/) {
				pin[t[1] " " t[2]] = t[3]
			}
		}
		# Pass 2: rewrite measured lines in place.
		for (i = 1; i <= m; i++) {
			s = line[i]; sub(/#.*/, "", s); split(s, t, " ")
			if (t[1] == "ndpireader" || t[1] == "goipwatchd") {
				k = t[1] " " t[2]
				if (k in pin) { print line[i]; val[k] = pin[k]; done[k] = 1; continue }
				if (!(k in live) || (t[2] in ign) || (k in done)) continue
				print k " " live[k]; val[k] = live[k]; done[k] = 1
				continue
			}
			if (line[i] ~ /^# TODO: explain/) continue
			print line[i]
		}
		for (i = 1; i <= n; i++) {
			k = order[i]; split(k, t, " ")
			if ((k in done) || (t[2] in ign)) continue
			print k " " live[k]; val[k] = live[k]; done[k] = 1
		}
		for (i = 1; i <= n; i++) {
			k = order[i]; split(k, t, " ")
			if (t[1] != "ndpireader" || t[2] == "exit" || t[2] == "stderr-lines") continue
			o = "goipwatchd " t[2]
			if ((k in val) && (o in val) && val[k] != val[o] && !(t[2] in dif))
				print "# TODO: explain why ndpireader " t[2] " " val[k] " != goipwatchd " t[2] " " val[o] ", then declare: differs " t[2] " <reassembly|decap|flow-def|malformed>"
		}
	}' "$w/live" "$g" >"$w/new"
	if grep -q '^# TODO: explain' "$w/new"; then
		todo=$((todo + 1))
		echo "golden-update: $f: undocumented difference(s), see # TODO in $g" >&2
	fi
	if ! cmp -s "$w/new" "$g"; then
		cp "$w/new" "$g"
		echo "updated $g"
	fi
done
[ "$todo" -eq 0 ] || echo "golden-update: $todo golden(s) need review (# TODO)" >&2
exit 0
