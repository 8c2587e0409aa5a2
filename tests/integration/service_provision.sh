#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# scripts/provision.sh end to end on loopback: key, CSR, the office's signature
# (goipwatch-central enroll when built, else the certs.sh office PKI), the site
# config, and `goipwatchd --self-test` against a real TLS peer: PASS when all
# is right, FAIL naming the cause when central is down or the CA is wrong.
. "$(dirname "$0")/lib.sh"
need_root "the capture self-test (CAP_NET_RAW)"
need_bin "$GWD"
CENTRAL=$BUILD/goipwatch-central
PEER=$BUILD/uplink_peer
need_bin "$PEER"

./scripts/certs.sh "$TMP/office" ca >/dev/null 2>&1
./scripts/certs.sh "$TMP/office" server central.test >/dev/null 2>&1
./scripts/certs.sh "$TMP/office" signing >/dev/null 2>&1
./scripts/certs.sh "$TMP/other" ca >/dev/null 2>&1
./scripts/certs.sh "$TMP/other" signing >/dev/null 2>&1

# the reference TLS server of the uplink tests (goipwatch-central's role)
$PEER -a "$TMP/office/ca.crt" -c "$TMP/office/server.crt" -k "$TMP/office/server.key" \
    -l 0 -P "$TMP/port" -d "$TMP/db" >"$TMP/peer.log" 2>&1 &
PIDS="$PIDS $!"
i=0
while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
PORT=$(cat "$TMP/port")
# traffic on lo for the capture check, for as long as the test runs
python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(600):
    s.sendto(b'p', ('127.0.0.1', 9)); time.sleep(0.05)" &
PIDS="$PIDS $!"

# enrolment: the central's own command once it is built, else the office PKI
if [ -x "$CENTRAL" ] && $CENTRAL 2>&1 | grep -q enroll; then
	printf 'tls_ca %s\nca_key %s\n' "$TMP/office/ca.crt" "$TMP/office/ca.key" >"$TMP/central.conf"
	how="-E \"$CENTRAL -f $TMP/central.conf -d sqlite:$TMP/central.db enroll\" -A $TMP/office/ca.crt -P $TMP/office/config-sign.pub"
else
	how="-O $TMP/office"
fi
prov() {	# prov NAME extra-args...: provision into $TMP/NAME
	n=$1; shift
	eval ./scripts/provision.sh -s site-7 -a gw-site-7 -i lo -n central.test \
	    -d "$TMP/$n/etc" -S "$TMP/$n/state" -b "$GWD" "$@" >"$TMP/$n.out" 2>&1
}

prov good -c "127.0.0.1:$PORT" $how
rc=$?
cat "$TMP/good.out"
check "provision passes (exit $rc)" test $rc -eq 0
for w in config clock capture central tls signature; do
	check "self-test $w PASS" grep -q "^\[PASS\] $w " "$TMP/good.out"
done
check "report ends PASSED" grep -q '^self-test PASSED' "$TMP/good.out"
check "key is 0640" test "$(stat -c %a "$TMP/good/etc/appliance.key")" = 640
check "certificate CN is the appliance id" sh -c \
    "openssl x509 -in $TMP/good/etc/appliance.crt -noout -subject | grep -q 'CN *= *gw-site-7'"
check "config has the site" grep -q '^site_id site-7$' "$TMP/good/etc/goipwatch.conf"
check "config has central" grep -q "^central_host 127.0.0.1$" "$TMP/good/etc/goipwatch.conf"
check "interface recorded" grep -q '^GOIPWATCH_IFACE=lo$' "$TMP/good/etc/goipwatchd.env"
check "the peer saw the appliance" grep -q 'gw-site-7' "$TMP/peer.log"

# again: the key is kept, the certificate renewed
k1=$(sha256sum <"$TMP/good/etc/appliance.key")
prov good -c "127.0.0.1:$PORT" $how -T
check "re-provisioning keeps the device key" test "$k1" = "$(sha256sum <"$TMP/good/etc/appliance.key")"

# central down: reachability fails, TLS is skipped, exit 1
prov down -c "127.0.0.1:1" $how
rc=$?
check "central down: exit 1 ($rc)" test $rc -eq 1
check "central down: FAIL central" grep -q '^\[FAIL\] central ' "$TMP/down.out"
check "central down: NOT READY" grep -q '^NOT READY' "$TMP/down.out"

# a certificate from another office's CA: refused before anything is written
prov wrongca -c "127.0.0.1:$PORT" -O "$TMP/other" -A "$TMP/office/ca.crt"
rc=$?
check "foreign CA: exit 2 ($rc)" test $rc -eq 2
check "foreign CA: says so" grep -q 'does not chain' "$TMP/wrongca.out"

# the office trusts another CA than ours: the TLS check fails and says why
prov badtls -c "127.0.0.1:$PORT" -O "$TMP/other"
rc=$?
check "TLS refused: exit 1 ($rc)" test $rc -eq 1
check "TLS refused: FAIL tls" grep -q '^\[FAIL\] tls ' "$TMP/badtls.out"
finish
