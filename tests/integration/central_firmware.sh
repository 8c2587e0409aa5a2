#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# `goipwatch-central firmware add` (docs/deployment.md, Firmware rollouts):
# RAUC bundles built here with `rauc bundle` under a throw-away firmware CA
# (codeSigning certificate). A good bundle is verified with firmware_ca,
# stored in files_dir under its SHA-256 with its manifest's compatible and
# version, and is in `firmware list`. A bundle without
# a signature, one signed by a stranger, one signed for another purpose
# (clientAuth) and a truncated copy are each refused with rauc's reason and
# stored nowhere; so is any bundle when firmware_ca is not configured. A
# stored firmware is not offered at an appliance's hello (file_peer.py), where
# a country database of the same group is.
set -u
. "$(dirname "$0")/central_lib.sh"
. "$(dirname "$0")/fw_lib.sh"
need_cmd rauc
need_cmd mksquashfs
pki
F=$T/fw
fw_ca "$F"
bundle() {	# bundle NAME CERT: $F/NAME.raucb signed with CERT
	fw_bundle "$F" "$F/$1.raucb" 1.2.3 "$2"
}
bundle good cs
bundle stranger x
bundle client ck
mksquashfs "$F/b" "$F/unsigned.raucb" -quiet >/dev/null 2>&1 || fail "mksquashfs"
head -c $(($(stat -c %s "$F/good.raucb") / 2)) "$F/good.raucb" > "$F/trunc.raucb"

DB="sqlite:$T/c.db"
central_conf c1 "$DB" "files_dir $T/files"
cp "$T/c1.conf" "$T/noca.conf"
echo "firmware_ca $F/ca.crt" >> "$T/c1.conf"
nfiles() { find "$T/files" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l; }

# refused: fw_refused NAME GLOB (the reason on stderr, nothing stored)
fw_refused() {
	_n=$(nfiles)
	if ctl firmware add "$F/$1.raucb" >"$T/out" 2>"$T/err"; then
		bad "$1: accepted"; return
	fi
	check "$1 refused: $(tail -n 1 "$T/err")" has "$(cat "$T/err")" "*refused*$2*"
	check "$1: nothing stored" test "$(nfiles)" = "$_n"
}
CONF=noca
if ctl firmware add "$F/good.raucb" 2>"$T/err"; then bad "no firmware_ca: accepted"
else check "no firmware_ca: refused" has "$(cat "$T/err")" "*no firmware_ca*"; fi
CONF=c1
fw_refused unsigned "Signature size is 0"
fw_refused stranger "signature verification failed*self-signed certificate"
fw_refused client "signature verification failed*purpose"
fw_refused trunc "Invalid bundle format*"

ctl firmware add "$F/good.raucb" --group lab >"$T/out" 2>"$T/err"
check "good bundle accepted" test $? = 0
check "add names its compatible and version" has "$(cat "$T/out")" \
    "group lab: firmware goipwatch-test 1.2.3 stored as version [0-9]* (offered only by a rollout)"
sha=$(sha256sum "$F/good.raucb" | cut -d' ' -f1)
check "stored in files_dir under its sha256" cmp -s "$F/good.raucb" "$T/files/$sha"
ctl firmware list >"$T/list" 2>&1
check "firmware list shows it" grep -q " lab .*$(echo "$sha" | cut -c1-12)  goipwatch-test 1.2.3\$" "$T/list"
check "no rauc system.conf left behind" test -z "$(find "$T/files" -name '.rauc-*')"

# A relative firmware_ca (from where central runs) is the same keyring: rauc
# would read it from the directory of central's throw-away system.conf
sed 's|^firmware_ca .*|firmware_ca fw/ca.crt|' "$T/c1.conf" > "$T/rel.conf"
check "a relative firmware_ca verifies too" sh -c \
    "cd '$T' && '$C' -f rel.conf firmware add '$F/good.raucb' --group rel >/dev/null"

# Offered only by a rollout: an appliance of the group gets no offer at hello,
# and then the country database of its group (the control)
ctl firmware add "$F/good.raucb" >/dev/null 2>&1 || bad "firmware add to default"
start_central c1
"$ROOT/scripts/certs.sh" "$T/pki" appliance gw-f >/dev/null 2>&1 || fail "certs.sh appliance"
peer() { timeout 30 /usr/bin/python3 "$ROOT/tests/integration/file_peer.py" "$PORT" "$T/pki" gw-f kind 2>&1; }
check "a stored firmware is not offered at hello" has "$(peer)" "no offer"
{ head -c 5000 /dev/urandom; printf '\253\315\357MaxMind.com'; } > "$T/fake.mmdb"
ctl geodb add "$T/fake.mmdb" >/dev/null 2>&1 || bad "geodb add"
check "a country database of the group is (control)" has "$(peer)" "offer kind 1"
finish
