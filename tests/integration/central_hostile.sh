#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Hostile appliances are refused and counted: a huge frame (error 2), seqs going
# back (error 6), someone else's id in the hello (error 5); certificates of
# another CA, revoked by the CRL, or off the serial allowlist fail the handshake.
# Slow storage: appliances are held back (not read), nothing acked is lost.
set -u
. "$(dirname "$0")/central_lib.sh"
pki
P=$T/pki
hostile() {	# MODE WANT [args]: central-load -H MODE must end with WANT
	m=$1 want=$2
	shift 2
	"$LOAD" -A "$P/ca.crt" -K "$P/ca.key" -p "$PORT" -H "$m" "$@" >"$T/h.out" 2>&1
	got=$?
	cat "$T/h.out"
	check "hostile $m $*: result $got, want $want" [ "$got" -eq "$want" ]
}

# a CRL revoking gw-revoked, made with a throw-away `openssl ca` database
"$ROOT/scripts/certs.sh" "$P" appliance gw-revoked >/dev/null 2>&1
"$ROOT/scripts/certs.sh" "$P" appliance gw-listed >/dev/null 2>&1
mkdir -p "$T/ca"
: > "$T/ca/index.txt"
cat > "$T/ca/ca.cnf" <<CNF
[ca]
default_ca = d
[d]
database = $T/ca/index.txt
default_md = sha256
default_crl_days = 30
CNF
openssl ca -config "$T/ca/ca.cnf" -cert "$P/ca.crt" -keyfile "$P/ca.key" \
    -revoke "$P/gw-revoked.crt" >/dev/null 2>&1 || fail "openssl ca -revoke"
openssl ca -config "$T/ca/ca.cnf" -cert "$P/ca.crt" -keyfile "$P/ca.key" \
    -gencrl -out "$T/crl.pem" >/dev/null 2>&1 || fail "openssl ca -gencrl"

central_conf c1 "sqlite:$T/c.db" "tls_crl $T/crl.pem"
start_central c1
C1=$CPID
hostile hello 0
hostile huge 2
hostile seq 6
hostile identity 5
hostile hello 100 -c "$P/gw-revoked.crt" -k "$P/gw-revoked.key"
check "revocation logged" grep -q 'revoked' "$T/c1.log"
# another CA's appliance
"$ROOT/scripts/certs.sh" "$T/other" all >/dev/null 2>&1
hostile hello 100 -c "$T/other/gw-test-1.crt" -k "$T/other/gw-test-1.key"
stop_central "$C1"
grep 'counters:\|refused:' "$T/c1.log"
check "refusals counted" \
    grep -q 'oversized=1 version=0 unexpected=0 identity=1 sequence=1' "$T/c1.log"
check "handshake failures counted" grep -q 'handshake_failed=2' "$T/c1.log"
# the good records of the seq test stayed, exactly those
check "the 2 good records stored" [ "$(sqlite3 "$T/c.db" "SELECT COUNT(*) FROM records")" -eq 2 ]

# allowlist: gw-listed only
openssl x509 -in "$P/gw-listed.crt" -noout -serial | sed 's/serial=//' > "$T/allow"
central_conf c2 "sqlite:$T/c2.db" "allow_serials $T/allow"
start_central c2
C2=$CPID
hostile hello 0 -c "$P/gw-listed.crt" -k "$P/gw-listed.key" -i gw-listed
hostile hello 100 -c "$P/gw-test-1.crt" -k "$P/gw-test-1.key" -i gw-test-1
stop_central "$C2"
check "allowlist refusal logged" grep -q 'not allowlisted' "$T/c2.log"

# slow storage (200 ms per commit, queue of 2): back-pressure holds appliances
# back; every record is acked once committed, none lost or duplicated
central_conf c3 "sqlite:$T/c3.db" "store_delay_ms 200" "max_queue 2"
start_central c3
C3=$CPID
check "slow storage load completes" "$LOAD" -A "$P/ca.crt" -K "$P/ca.key" -p "$PORT" -n 20 -r 5 -b 50 -T 60
stop_central "$C3"
grep 'counters:' "$T/c3.log"
check "back-pressure under slow storage" not grep -q 'backpressure=0 ' "$T/c3.log"
check "no record lost" [ "$(sqlite3 "$T/c3.db" "SELECT COUNT(*) FROM records")" -eq 5000 ]
finish
