# SPDX-License-Identifier: BSD-2-Clause
# Shared by tests/pcap/golden.sh and tests/pcap/golden-update.sh (sourced, POSIX sh).
# See docs/golden.md for what is measured and why.
# shellcheck disable=SC2034 # variables used by the sourcing scripts

# --- paths -------------------------------------------------------------------
# REPO: the checkout; SHARED: $GW_SHARED or the repo's sibling shared/;
# GWD, $TMP, check/fail/finish: tests/integration/lib.sh.
. "$(dirname "$0")/../integration/lib.sh"
REPO=$ROOT
SHARED=$(shared_dir)
PCAPS=$SHARED/pcaps/public
MANIFEST=$PCAPS/MANIFEST.tsv
GOLDEN_DIR=$REPO/tests/pcap/golden
NDPIREADER=${NDPIREADER:-ndpiReader}
# ndpiReader's summary (and so every golden) is for this nDPI release.
NDPI_VERSION=4.2

# Keys a golden line may carry: <tool> <key> <value>.
GL_PROTOS="SIP RTP RTCP"

gl_timeout() {
	if command -v timeout >/dev/null 2>&1; then
		timeout 120 "$@"
	else
		"$@"
	fi
}

# manifest_files: the capture names in MANIFEST.tsv, in order.
manifest_files() {
	awk -F '\t' 'NR > 1 && $1 != "" && $1 !~ /^#/ { print $1 }' "$MANIFEST"
}

# ndpi_version: "4.2.0" or empty.
ndpi_version() {
	"$NDPIREADER" -h 2>/dev/null | sed -n 's/^Welcome to nDPI \([0-9][0-9.]*\).*/\1/p' | head -n 1
}

# measure_ndpireader FILE WORKDIR: prints "ndpireader <key> <value>" lines.
# ndpiReader attributes a flow to its app protocol, or to its master when
# the app is Unknown ("SIP.HTTP" counts as HTTP); its "Detected protocols"
# table holds per-protocol flow counts; "Unique flows" is the flow total.
measure_ndpireader() {
	gl_timeout "$NDPIREADER" -i "$1" >"$2/ndpi.out" 2>"$2/ndpi.err"
	rc=$?
	echo "ndpireader exit $rc"
	[ "$rc" -eq 0 ] || return 0
	awk -v protos="$GL_PROTOS" '
	BEGIN { n = split(protos, p, " "); for (i = 1; i <= n; i++) c[p[i]] = 0 }
	/^Detected protocols:/ { in_det = 1; next }
	in_det && /^[ \t]*$/ { in_det = 0 }
	in_det && ($1 in c) && $(NF - 1) == "flows:" { c[$1] += $NF }
	/^[ \t]*Unique flows:/ { flows = $3 }
	END {
		for (i = 1; i <= n; i++) printf "ndpireader %s %d\n", p[i], c[p[i]]
		printf "ndpireader flows %d\n", flows
	}' "$2/ndpi.out"
}

# measure_goipwatchd FILE WORKDIR: prints "goipwatchd <key> <value>" lines;
# writes each failed consistency check of the stats record to WORKDIR/sanity.
# A flow counts as X when X is its app, or its master with app Unknown
# (ndpiReader's attribution, see measure_ndpireader).
measure_goipwatchd() {
	: >"$2/sanity"
	gl_timeout "$GWD" -r "$1" >"$2/gw.out" 2>"$2/gw.err"
	rc=$?
	echo "goipwatchd exit $rc"
	if [ "$rc" -ne 0 ]; then
		echo "goipwatchd stderr-lines $(wc -l <"$2/gw.err" | tr -d ' ')"
		[ -s "$2/gw.out" ] && echo "exit $rc but stdout is not empty" >>"$2/sanity"
		return 0
	fi
	awk -v protos="$GL_PROTOS" -v sanity="$2/sanity" '
	function str(s, k,   r) {
		if (!match(s, "\"" k "\":\"[^\"]*\"")) return ""
		r = substr(s, RSTART, RLENGTH); sub(/^"[^"]*":"/, "", r); sub(/"$/, "", r)
		return r
	}
	function num(s, k,   r) {
		if (!match(s, "\"" k "\":-?[0-9]+")) return -1
		r = substr(s, RSTART, RLENGTH); sub(/^"[^"]*":/, "", r)
		return r + 0
	}
	function obj(s, k,   r) {
		if (!match(s, "\"" k "\":[{][^{}]*[}]")) return ""
		return substr(s, RSTART, RLENGTH)
	}
	function objsum(o,   n, a, i, t) {
		sub(/^"[^"]*":[{]/, "", o); sub(/[}]$/, "", o)
		n = split(o, a, ","); t = 0
		for (i = 1; i <= n; i++) { sub(/^"[^"]*":/, "", a[i]); t += a[i] }
		return t
	}
	function bad(msg) { print msg >>sanity; nbad++ }
	BEGIN { n = split(protos, p, " "); for (i = 1; i <= n; i++) c[p[i]] = 0 }
	{ last = $0 }
	/^[{]"type":"flow"/ {
		nflow++
		a = str($0, "ndpi_app"); m = str($0, "ndpi_master")
		e = (a != "" && a != "Unknown") ? a : m
		if (e in c) c[e]++
		pk += num($0, "pkts_fwd") + num($0, "pkts_rev")
		next
	}
	/^[{]"type":"stats"/ { nstats++; stats = $0; next }
	{ nother++ }
	END {
		for (i = 1; i <= n; i++) printf "goipwatchd %s %d\n", p[i], c[p[i]]
		printf "goipwatchd flows %d\n", nflow
		if (nstats != 1) bad("expected one stats record, got " nstats + 0)
		if (last !~ /^[{]"type":"stats"/) { bad("last line is not a stats record"); exit }
		top = stats; gsub(/"[a-z_]+":[{][^{}]*[}],?/, "", top)
		packets = num(top, "packets")
		d = obj(stats, "decode"); dr = obj(stats, "decode_reassembled")
		r = obj(stats, "reassembly"); f = obj(stats, "flows"); rec = obj(stats, "records")
		if (d == "" || dr == "" || r == "" || f == "" || rec == "") { bad("stats record lacks decode/decode_reassembled/reassembly/flows/records"); exit }
		ok = num(d, "ok"); frag = num(d, "fragment")
		rok = num(dr, "ok"); rfrag = num(dr, "fragment")
		if (objsum(d) != packets)
			bad("decode outcomes sum to " objsum(d) ", packets " packets)
		if (num(obj(stats, "capture"), "received") != packets)
			bad("capture.received " num(obj(stats, "capture"), "received") " != packets " packets)
		if (ok + frag > packets)
			bad("decode.ok " ok " + decode.fragment " frag " > packets " packets)
		# Every fragment handed to reassembly has exactly one outcome.
		rsum = num(r, "held") + num(r, "completed") + num(r, "table_full") + \
		    num(r, "too_big") + num(r, "bad_fragment") + num(r, "clipped_by_snaplen")
		if (rsum < frag || rsum > frag + rfrag)
			bad("reassembly outcomes " rsum " do not match decode.fragment " frag " (+ inner " rfrag ")")
		if (objsum(dr) != num(r, "completed"))
			bad("decode_reassembled sums to " objsum(dr) ", reassembly.completed " num(r, "completed"))
		# Every decoded packet and reassembled datagram lands in exactly one flow record.
		if (pk != ok + rok)
			bad("flow records hold " pk " packets, decode.ok + decode_reassembled.ok = " ok + rok)
		if (num(f, "in_use") != 0)
			bad("flows.in_use " num(f, "in_use") " at end of file")
		if (num(f, "created") != num(f, "ended_idle") + num(f, "ended_closed") + num(f, "evicted") + num(f, "ended_eof"))
			bad("flows: created != ended_idle + ended_closed + evicted + ended_eof")
		if (num(rec, "ring_drops") == 0 && num(rec, "overflow") == 0) {
			if (nflow != num(f, "created") + num(f, "ended_active"))
				bad(nflow " flow records, flows.created + ended_active = " num(f, "created") + num(f, "ended_active"))
			if (num(rec, "written") != nflow + nother)
				bad("records.written " num(rec, "written") ", records seen " nflow + nother)
		}
	}' "$2/gw.out"
}

# measure FILE WORKDIR: both tools, ndpireader lines first.
measure() {
	measure_ndpireader "$1" "$2"
	measure_goipwatchd "$1" "$2"
}

# golden_values GOLDEN: the measured lines of a golden, comments stripped,
# one blank-separated "tool key value" per line.
golden_values() {
	sed -e 's/#.*//' "$1" | awk '($1 == "ndpireader" || $1 == "goipwatchd") && NF >= 3 { print $1, $2, $3 }'
}

# golden_ignored GOLDEN: keys named by "ignore <key>" lines.
golden_ignored() {
	sed -e 's/#.*//' "$1" | awk '$1 == "ignore" { for (i = 2; i <= NF; i++) print $i }'
}

# drop_ignored IGNOREFILE < lines: drops measured lines whose key is ignored.
drop_ignored() {
	awk -v ig="$(tr '\n' ' ' <"$1")" '
	BEGIN { n = split(ig, a, " "); for (i = 1; i <= n; i++) skip[a[i]] = 1 }
	!($2 in skip)'
}
