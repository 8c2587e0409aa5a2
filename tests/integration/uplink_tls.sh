#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Real mTLS handshakes on loopback. Accepted: the good pair. Refused: a wrong CA,
# expired certificates (server and appliance), a wrong server name, no client
# certificate, an appliance from another CA, and TLS 1.0 / 1.1 clients.
set -u
. "$(dirname "$0")/uplink_lib.sh"

pki
"$ROOT/scripts/certs.sh" "$T/other" all >/dev/null 2>&1 || fail "other PKI"
mkdir -p "$T/old"
cp "$T/pki/ca.crt" "$T/pki/ca.key" "$T/old/"
"$ROOT/scripts/certs.sh" "$T/old" expired central.test >/dev/null 2>&1 || fail "expired server"
mv "$T/old/central.test.crt" "$T/old/server.crt"
mv "$T/old/central.test.key" "$T/old/server.key"
"$ROOT/scripts/certs.sh" "$T/pki" expired gw-old >/dev/null 2>&1 || fail "expired appliance"

start_peer
probe() { "$B/uplink_peer" -a "$T/pki/ca.crt" -C "127.0.0.1:$PORT" -n central.test "$@"; }

# appliance side: the good pair first, so every refusal below means something
sender -1 -t 10 >"$T/ok.out" 2>&1 || { cat "$T/ok.out"; fail "good handshake refused"; }
check "good pair: TLS 1.2 ECDHE-ECDSA: $(sed -n 's/^session //p' "$T/ok.out")" \
    grep -q '^session TLSv1.2 TLS-ECDHE-ECDSA-WITH' "$T/ok.out"

refused() {	# NAME PATTERN: the last sender run failed with PATTERN
	check "$1 refused: $(grep -m 1 "$2" "$T/s.out")" \
	    sh -c '[ "$1" -ne 0 ] && grep -q "$2" "$3"' sh "$rc" "$2" "$T/s.out" ||
		cat "$T/s.out"
}

sender -1 -t 10 -n wrong.name >"$T/s.out" 2>&1; rc=$?
refused "wrong server name" "CN mismatch\|0x4)"

stop_peer
start_peer "$T/other"
sender -1 -t 10 >"$T/s.out" 2>&1; rc=$?
refused "server from another CA" "not correctly signed\|flags 0x8)"

stop_peer
start_peer "$T/old"
sender -1 -t 10 >"$T/s.out" 2>&1; rc=$?
refused "expired server certificate" "expired"

stop_peer
start_peer
"$B/uplink_sender" -s "$T/spool2" -p "$PORT" -a "$T/pki/ca.crt" -c "$T/pki/gw-old.crt" \
    -k "$T/pki/gw-old.key" -1 -t 5 >"$T/s.out" 2>&1; rc=$?
refused "own expired certificate (appliance start-up)" "expired"

# server side, with the peer's tiny client mode
probe -c "$T/pki/gw-test-1.crt" -k "$T/pki/gw-test-1.key" >"$T/p.out" 2>&1 ||
    { cat "$T/p.out"; fail "probe with a good certificate refused"; }
ok "server accepts a good appliance"
for case in "no client certificate:" \
    "expired appliance certificate:-c $T/pki/gw-old.crt -k $T/pki/gw-old.key" \
    "appliance from another CA:-c $T/other/gw-test-1.crt -k $T/other/gw-test-1.key" \
    "TLS 1.0 client:-V 1.0 -c $T/pki/gw-test-1.crt -k $T/pki/gw-test-1.key" \
    "TLS 1.1 client:-V 1.1 -c $T/pki/gw-test-1.crt -k $T/pki/gw-test-1.key"; do
	name=${case%%:*} args=${case#*:}
	# shellcheck disable=SC2086
	probe $args >"$T/p.out" 2>&1; rc=$?
	check "$name refused: $(grep -h 'refused' "$T/p.out" | tail -n 1)" [ "$rc" -ne 0 ] ||
		cat "$T/p.out"
done
check "peer logged the refused handshakes" \
    sh -c "grep -c 'handshake refused' '$T/peer.log' | grep -q '^[4-9]'"
finish
