# SPDX-License-Identifier: BSD-2-Clause
# Shared by the uplink_*.sh checks: binaries, a throw-away PKI, the test peer
# (stand-in for goipwatch-central) and the sender, all on loopback; cleans up.
. "$(dirname "$0")/../integration/lib.sh"
need_bin "$B/uplink_peer" "$B/uplink_sender" "$B/confsign"
need_cmd openssl

T=$TMP
# On fail: the tail of the peer's log.
dump_peer_log() { [ -f "$T/peer.log" ] && tail -n 20 "$T/peer.log"; }
FAIL_HOOK=dump_peer_log

pki() {
	"$ROOT/scripts/certs.sh" "$T/pki" all >/dev/null 2>&1 || fail "certs.sh"
}

# start_peer [PKI_DIR] [peer options...]: fixes $PORT on first start, reuses it after.
start_peer() {
	pd=$T/pki
	case ${1:-} in /*) pd=$1; shift ;; esac
	rm -f "$T/port"
	"$B/uplink_peer" -a "$pd/ca.crt" -c "$pd/server.crt" -k "$pd/server.key" \
	    -l "${PORT:-0}" -P "$T/port" -d "$T/db" "$@" >>"$T/peer.log" 2>&1 &
	PEER=$!
	PIDS="$PIDS $PEER"
	i=0
	while [ ! -s "$T/port" ]; do
		i=$((i + 1)); [ $i -gt 100 ] && fail "peer did not start"
		sleep 0.05
	done
	PORT=$(cat "$T/port")
}

stop_peer() {
	kill "$PEER" 2>/dev/null
	wait "$PEER" 2>/dev/null
}

# sender [options...]: the appliance side with the good appliance certificate.
sender() {
	"$B/uplink_sender" -s "$T/spool" -p "$PORT" -a "$T/pki/ca.crt" \
	    -c "$T/pki/gw-test-1.crt" -k "$T/pki/gw-test-1.key" -b 100 "$@"
}

# sender_bg [options...] &: exec, so that $! is the sender itself (kill -9 hits it).
sender_bg() {
	exec "$B/uplink_sender" -s "$T/spool" -p "$PORT" -a "$T/pki/ca.crt" \
	    -c "$T/pki/gw-test-1.crt" -k "$T/pki/gw-test-1.key" -b 100 "$@"
}

# expect VERSION STATUS PATTERN: check that the peer logged the config-ack.
config_acked() {
	grep "config-ack gw-test-1 version=$1 status=$2 " "$T/peer.log" | grep -q "$3"
}
expect() { check "version $1: status $2 matching '$3'" config_acked "$@"; }

# check_db FIRST LAST: every seq FIRST..LAST exactly once, nothing else, and
# each record's "n" equals its seq.
check_db() {
	awk -v first="$1" -v last="$2" '
	{ seen[$2]++; if (match($0, /"n":[0-9]+/) && substr($0, RSTART + 4, RLENGTH - 4) != $2) bad++ }
	END {
		for (s = first; s <= last; s++) if (seen[s] != 1) { missing++; if (!m) m = s }
		n = 0; for (s in seen) { n++; if (s + 0 < first || s + 0 > last) extra++ }
		if (missing || extra || bad) {
			printf "db: %d rows, %d missing/duplicated (first %s), %d outside, %d mismatched\n", NR, missing, m, extra, bad
			exit 1
		}
		printf "db: %d records %d..%d, each exactly once\n", NR, first, last
	}' "$T/db"
}
