#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Remote config: a good signed push is applied and kept as last-known-good;
# tampered, unsigned, wrongly signed, replayed and invalid pushes are refused
# with a clear error and the good one stays; a restart restores it.
set -u
. "$(dirname "$0")/uplink_lib.sh"

pki
"$ROOT/scripts/certs.sh" "$T/rogue" signing >/dev/null 2>&1 || fail "rogue key"
C=$T/cfg
mkdir -p "$C"
printf 'version 2\nterm_window 2h\n' > "$C/v2.conf"
printf 'version 3\nterm_window 3h\n' > "$C/v3.conf"
printf 'version 5\nterm_window banana\n' > "$C/v5.conf"
sign() { "$B/confsign" -k "$T/pki/config-sign.key" "$@"; }
sign -v 2 "$C/v2.conf" > "$C/v2.signed" || fail confsign
sign -v 3 "$C/v3.conf" > "$C/v3.signed"
# tampered: the body's last line changes after signing ('3h' -> '9h')
sed 's/term_window 3h$/term_window 9h/' "$C/v3.signed" > "$C/v3.tampered"
cmp -s "$C/v3.signed" "$C/v3.tampered" && fail "tampering did not change the blob"
"$B/confsign" -u -v 4 "$C/v3.conf" > "$C/v4.unsigned"
sign -v 5 "$C/v5.conf" > "$C/v5.invalid"
"$B/confsign" -k "$T/rogue/config-sign.key" -v 6 "$C/v3.conf" > "$C/v6.rogue"

start_peer -p "$C/v2.signed" -p "$C/v3.tampered" -p "$C/v4.unsigned" \
    -p "$C/v6.rogue" -p "$C/v2.signed" -p "$C/v5.invalid"
sender -K "$T/pki/config-sign.pub" -V 1 -N 5 -C 6 -t 20 >"$T/s.out" 2>&1 ||
    { cat "$T/s.out"; fail "pushes were not all answered"; }
cat "$T/s.out"
grep 'config-ack' "$T/peer.log"
expect 2 0 "applied"
expect 3 1 "signature does not verify"
expect 4 1 "unsigned"
expect 6 1 "signature does not verify"
expect 2 2 "not above the running version 2"
expect 5 3 "push:2"
check "the good config stayed active" \
    grep -q 'config_version=2 config_applied=1 config_refused=5' "$T/s.out"
check "last-known-good is the v2 blob" cmp -s "$T/spool/config.lkg" "$C/v2.signed"

# restart: the stored v2 wins over the older running version 1
stop_peer
start_peer
sender -K "$T/pki/config-sign.pub" -V 1 -1 -t 10 >"$T/s2.out" 2>&1 || { cat "$T/s2.out"; fail "restart"; }
check "last-known-good restored" grep -q 'applied config version 2' "$T/s2.out"
check "hello carries the restored version" \
    sh -c "grep 'peer: hello' '$T/peer.log' | tail -n 1 | grep -q 'config_version=2'"
finish
