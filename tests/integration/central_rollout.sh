#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# `goipwatch-central firmware rollout|status|halt` (docs/deployment.md, Firmware
# rollouts) with the real central and scripted appliances (rollout_peer.py)
# that say hello with a firmware version and the file frames, fetch and ack
# the offer, come back on the new version and heartbeat:
# - lab: the canaries (the group's first two ids) are offered first, the rest
#   only once the canaries are healthy; a canary too old to take pushes fails
#   without halting; the rollout ends done with every other member healthy;
# - bad: a canary's ack 9 (boot failed) halts it at once with the reason, the
#   rest are never offered; its offer carries the allow-downgrade flag and the
#   config key's signature covers it;
# - slow: a canary that never comes back halts the rollout when the window ends;
# - loop: a canary that comes up on the new version and keeps reconnecting
#   (rollout_reconnects) halts it as a crash loop;
# - op: one active rollout per group; halted by the operator, nothing offered;
# - late: after a halt, members that took the offer are still followed (installed,
#   back on the new version, or failed) and nothing halts again;
# - the console API starts and halts a rollout, and GET /api/v1/firmware lists
#   the bundle and the rollouts (not to an analyst).
set -u
. "$(dirname "$0")/central_lib.sh"
. "$(dirname "$0")/fw_lib.sh"
need_cmd rauc
need_cmd curl
pki
F=$T/fw
fw_ca "$F"
fw_bundle "$F" "$F/fw.raucb" 1.2.3 cs

: "${DB:=sqlite:$T/c.db}"
[ -n "${CENTRAL_PG:-}" ] && pg_start
central_conf c1 "$DB" "files_dir $T/files" "firmware_ca $F/ca.crt" \
    "housekeep_interval 1" "rollout_settle 2" "silent_after 5"
ctl firmware add "$F/fw.raucb" >/dev/null 2>&1 || fail "firmware add"
start_central c1
api_port c1

# peer ID FIRMWARE MODE SECS: a scripted appliance in the background ($T/ID.log)
peer() {
	[ -f "$T/pki/$1.crt" ] ||
	    "$ROOT/scripts/certs.sh" "$T/pki" appliance "$1" >/dev/null 2>&1 || fail "certs $1"
	: > "$T/$1.log"
	timeout $(($4 + 20)) /usr/bin/python3 "$ROOT/tests/integration/rollout_peer.py" \
	    "$PORT" "$T/pki" "$1" "$2" "$3" "$T/$1.log" "$4" 2>>"$T/$1.err" &
	PIDS="$PIDS $!"
}
# await WHAT SECS COMMAND...: until COMMAND succeeds, SECS at most
await() {
	_w=$1 _n=$(($2 * 10))
	shift 2
	until "$@"; do
		_n=$((_n - 1)); [ $_n -le 0 ] && fail "$_w: not within the time allowed"
		sleep 0.1
	done
}
logged() { grep -q "$2" "$T/$1.log"; }	# logged ID PATTERN
status_has() { ctl firmware status 1.2.3 2>&1 | grep -q "$1"; }

# Every appliance known to central (one short session), then in its group.
for g in lab:gw-a0 lab:gw-a1 lab:gw-a2 lab:gw-a3 bad:gw-b1 bad:gw-b2 \
    slow:gw-c1 slow:gw-c2 op:gw-d1 op:gw-d2; do
	peer "${g#*:}" 1.0.0 idle 1
done
for g in lab:gw-a0 lab:gw-a1 lab:gw-a2 lab:gw-a3 bad:gw-b1 bad:gw-b2 \
    slow:gw-c1 slow:gw-c2 op:gw-d1 op:gw-d2; do
	await "${g#*:} known" 20 sh -c "'$C' -f '$T/c1.conf' appliance group '${g#*:}' '${g%%:*}' 2>/dev/null"
done

# lab: canaries gw-a0 (too old: no file frames) and gw-a1, then gw-a2 and gw-a3.
for a in gw-a1 gw-a2 gw-a3; do peer $a 1.0.0 ok 60; done
out=$(ctl firmware rollout 1.2.3 --group lab --canary 2 --window 40 2>&1)
check "rollout starts: $out" has "$out" "rollout 1: firmware 1.2.3 to group lab, 2 canaries first*"
timeout 20 /usr/bin/python3 "$ROOT/tests/integration/file_peer.py" "$PORT" "$T/pki" \
    gw-a0 old > "$T/gw-a0.out" 2>&1 &
A0=$!
await "canary gw-a1 acks 0" 20 logged gw-a1 "acked 0"
check "the rest not offered while the canary is not healthy" \
    sh -c "! grep -q offer '$T/gw-a2.log' && ! grep -q offer '$T/gw-a3.log'"
wait $A0
check "a canary too old to take pushes gets no offer" grep -q "no offer" "$T/gw-a0.out"
check "the canary's offer is firmware 1.2.3 without flags" logged gw-a1 "flags 0 label goipwatch-test 1.2.3"
await "lab rollout done" 40 status_has "phase done"
ctl firmware status 1.2.3 > "$T/status" 2>&1
check "canary gw-a1 healthy" grep -q "gw-a1 .*canary  healthy" "$T/status"
check "gw-a0 failed as too old, without halting" \
    grep -q "gw-a0 .*canary  failed .*firmware too old to take pushes" "$T/status"
for a in gw-a2 gw-a3; do
	check "$a offered after the canaries, healthy on 1.2.3" \
	    sh -c "grep -q 'rest    healthy' '$T/status' && grep -q 'running 1.2.3' '$T/$a.log'"
done
# central's log is causal: the rest's offers come after the phase change
check "the rest offered only after 'canaries healthy'" sh -c "grep -n 'canaries healthy\\|gw-a[23]: firmware version' \
    '$T/c1.log' | head -n 1 | grep -q 'canaries healthy'"
check "central's fleet shows gw-a3 on 1.2.3" sh -c "'$C' -f '$T/c1.conf' appliances | grep -q '^gw-a3 .* 1.2.3 '"

# bad: canary gw-b1 acks 9; allow-downgrade signed into the offer.
peer gw-b1 1.0.0 fail9 40
peer gw-b2 1.0.0 ok 40
ctl firmware rollout 1.2.3 --group bad --canary 1 --window 40 --allow-downgrade >/dev/null 2>&1 ||
    bad "rollout to bad"
await "canary gw-b1 acks 9" 20 logged gw-b1 "acked 9"
await "the rollout halts" 20 sh -c "'$C' -f '$T/c1.conf' firmware status 1.2.3 | grep -q 'halted: canary gw-b1 failed: boot_failed'"
check "the offer allows a downgrade" logged gw-b1 "flags 1 label"
check "the config key's signature covers the flag" sh -c "openssl dgst -sha256 -verify \
    '$T/pki/config-sign.pub' -signature '$T/gw-b1.log.sig' '$T/gw-b1.log.tbs' >/dev/null"
/usr/bin/python3 -c "import sys; b = bytearray(open(sys.argv[1], 'rb').read()); b[19] = 0; open(sys.argv[1] + '.0', 'wb').write(b)" \
    "$T/gw-b1.log.tbs"
check "the same offer without the flag does not verify" sh -c "! openssl dgst -sha256 \
    -verify '$T/pki/config-sign.pub' -signature '$T/gw-b1.log.sig' '$T/gw-b1.log.tbs.0' >/dev/null 2>&1"
sleep 2	# config_poll and housekeeping rounds: room for a wrong offer
check "the rest is never offered after the canary failed" sh -c "! grep -q offer '$T/gw-b2.log'"
ctl firmware status 1.2.3 > "$T/status" 2>&1
cat "$T/status"
check "gw-b2 still waiting" grep -q "gw-b2 .*rest    waiting" "$T/status"

# slow: canary gw-c1 acks 0 and never comes back: the window (3 s) halts it.
peer gw-c1 1.0.0 vanish 30
peer gw-c2 1.0.0 ok 30
ctl firmware rollout 1.2.3 --group slow --canary 1 --window 3 >/dev/null 2>&1 || bad "rollout to slow"
await "the window halts it" 30 sh -c "'$C' -f '$T/c1.conf' firmware status 1.2.3 | grep -q 'halted: canary gw-c1 failed: not healthy within the window of 3 s'"
check "slow: the rest never offered" sh -c "! grep -q offer '$T/gw-c2.log'"

# loop: canary gw-e1 comes up on 1.2.3, then keeps reconnecting: a crash loop.
"$ROOT/scripts/certs.sh" "$T/pki" appliance gw-e1 >/dev/null 2>&1 || fail "certs gw-e1"
peer gw-e1 1.0.0 idle 1
await "gw-e1 known" 20 sh -c "'$C' -f '$T/c1.conf' appliance group gw-e1 loop 2>/dev/null"
peer gw-e1 1.0.0 loop 30
ctl firmware rollout 1.2.3 --group loop --canary 1 --window 40 >/dev/null 2>&1 || bad "rollout to loop"
await "the crash loop halts it" 30 sh -c "'$C' -f '$T/c1.conf' firmware status 1.2.3 | grep -q 'halted: canary gw-e1 failed: crash loop: [0-9]* reconnects since it came up on 1.2.3'"
check "gw-e1 failed as a crash loop" status_has "gw-e1 .*canary  failed .*crash loop"

# op: one active rollout per group; the operator halts it.
ctl firmware rollout 1.2.3 --group op --canary 1 >/dev/null 2>&1 || bad "rollout to op"
out=$(ctl firmware rollout 1.2.3 --group op --canary 1 2>&1)
check "a second active rollout in a group is refused" has "$out" "*has an active rollout*"
out=$(ctl firmware rollout 9.9.9 --group lab 2>&1)
check "an unknown version is refused" has "$out" "*no stored firmware with version '9.9.9'*"
out=$(ctl firmware halt 1.2.3 --group op 2>/dev/null)
check "halt: $out" has "$out" "1 rollout of firmware 1.2.3 halted"
check "status shows who halted it" status_has "halted: halted by"
peer gw-d1 1.0.0 idle 3
sleep 4
check "a halted rollout offers nothing" sh -c "! grep -q offer '$T/gw-d1.log'"

# The console API: an engineer starts and halts a rollout, and sees bundles and
# rollouts; an analyst does not.
for r in engineer analyst; do
	echo "pw-$r-$$-secret" | ctl user add "u.$r" --role $r --password-stdin >/dev/null 2>&1
done
tok=$(ctl user token u.engineer --role engineer 2>/dev/null); tok=${tok##* }
atok=$(ctl user token u.analyst --role analyst 2>/dev/null); atok=${atok##* }
post() {	# post PATH BODY: "STATUS BODY"
	curl -s -w ' %{http_code}' --cacert "$T/pki/ca.crt" -H "Authorization: Bearer $tok" \
	    -H 'Content-Type: application/json' -X POST -d "$2" "https://127.0.0.1:$API$1"
}
out=$(post /api/v1/firmware/rollouts '{"firmware":"1.2.3","group":"op","canaries":1,"window":600}')
check "API: rollout started: $out" has "$out" '{"id":6}* 200'
out=$(post /api/v1/firmware/rollouts '{"firmware":"1.2.3","group":"op"}')
check "API: a second one in the group is a 409" has "$out" "*active rollout* 409"
out=$(post /api/v1/firmware/rollouts '{"firmware":"0.0.1","group":"lab"}')
check "API: an unknown version is a 404" has "$out" "* 404"
out=$(post /api/v1/firmware/halt '{"firmware":"1.2.3","group":"op"}')
check "API: halted: $out" has "$out" '{"halted":1}* 200'
check "API: halted by the engineer" status_has "halted: halted by u.engineer"
curl -s --cacert "$T/pki/ca.crt" -H "Authorization: Bearer $tok" \
    "https://127.0.0.1:$API/api/v1/firmware" > "$T/api.json"
check "API: valid JSON with 6 rollouts" /usr/bin/python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
assert d['firmware'][0]['label'] == 'goipwatch-test 1.2.3', d
r = {x['group']: x for x in d['rollouts']}
assert len(d['rollouts']) == 6 and r['lab']['phase'] == 'done' and r['bad']['phase'] == 'halted'
assert r['bad']['allow_downgrade'] and 'boot_failed' in r['bad']['reason']
assert {m['appliance']: m['state'] for m in r['lab']['members']}['gw-a2'] == 'healthy'" "$T/api.json"
check "API: an analyst is refused" test "$(curl -s -o /dev/null -w '%{http_code}' \
    --cacert "$T/pki/ca.crt" -H "Authorization: Bearer $atok" \
    "https://127.0.0.1:$API/api/v1/firmware")" = 403
# late: both canaries took the offer, then the operator halts the rollout. What
# they do after it is still recorded (their rollout's view shows what runs where),
# and judges nothing: gw-g1 installs and comes back on 1.2.3, gw-g2 acks 9.
for a in gw-g1 gw-g2; do
	"$ROOT/scripts/certs.sh" "$T/pki" appliance $a >/dev/null 2>&1 || fail "certs $a"
	peer $a 1.0.0 idle 1
	await "$a known" 20 sh -c "'$C' -f '$T/c1.conf' appliance group $a late 2>/dev/null"
done
peer gw-g1 1.0.0 late 40
peer gw-g2 1.0.0 late9 40
ctl firmware rollout 1.2.3 --group late --canary 2 --window 40 >/dev/null 2>&1 ||
    bad "rollout to late"
for a in gw-g1 gw-g2; do await "$a fetched the bundle" 20 logged $a fetched; done
out=$(ctl firmware halt 1.2.3 --group late 2>/dev/null)
check "late: halted while both were installing: $out" has "$out" "1 rollout of firmware 1.2.3 halted"
touch "$T/gw-g1.log.go" "$T/gw-g2.log.go"
late_state() { ctl firmware status 1.2.3 2>&1 | grep -q "$1 .*canary  $2"; }
await "gw-g1 installed after the halt, back on 1.2.3: running" 20 late_state gw-g1 running
await "gw-g2's ack 9 after the halt: failed" 20 late_state gw-g2 "failed .*boot_failed"
sleep 2	# housekeeping rounds: an ended rollout is not judged
ctl firmware status 1.2.3 > "$T/status" 2>&1
check "late: gw-g2's failure halts nothing again" \
    sh -c "! grep -q 'canary gw-g2 failed' '$T/status' '$T/c1.log'"
check "late: gw-g1 is not judged healthy once the rollout ended" late_state gw-g1 running
check "no storage or housekeeping error in central's log" \
    sh -c "! grep -E 'storage: |housekeeping: ' '$T/c1.log'"
finish
