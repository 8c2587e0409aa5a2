#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# No malloc per packet in the steady state (issue 18): build/nomalloc counts
# every allocation while one worker and the detect stage analyse the second
# half of a generated trace, after a warm-up on the first. goipwatchd's own
# code, libosip2 (its allocator is sip.c's arena) and glibc on our behalf must
# make none; nDPI's (a TLS reassembly buffer per new TLS flow) are counted and
# printed, not failed (docs/bench.md).
. "$(dirname "$0")/lib.sh"
SYNTH=$B/synth
NOMALLOC=$B/nomalloc
need_bin "$SYNTH" "$NOMALLOC"
printf 'dpi_capacity 262144\n' >"$TMP/full.conf"
for p in steady scan; do
	"$SYNTH" bench --profile "$p" -n 100000 --seed 1 -o "$TMP/$p.pcap" >/dev/null 2>&1 ||
	    fail "synth $p"
	for c in default full; do
		f=
		[ "$c" = full ] && f="-f $TMP/full.conf"
		# shellcheck disable=SC2086
		timeout 120 "$NOMALLOC" $f -w 50000 -n 50000 "$TMP/$p.pcap" >"$TMP/out" 2>&1
		rc=$?
		[ "$rc" -eq 77 ] && skip "build/nomalloc was built with ASan (DEBUG=1)"
		tail -n 1 "$TMP/out"
		check "$p, $c config: no allocation outside nDPI in 50,000 packets after a warm-up" [ "$rc" -eq 0 ]
		check "$p, $c config: the stretch was counted" grep -q '^packets 50000 ' "$TMP/out"
	done
done
finish
