#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A staged firmware rollout end to end (docs/deployment.md, Firmware rollouts
# and Firmware on the appliance): the real goipwatch-central (`firmware add`,
# `firmware rollout`, its housekeeping judging health) and two real goipwatchd
# appliances (live on lo, so their capture counts packets) that download the
# bundle over their uplink and hand it to the board's real install-firmware
# and reboot-request, played by a loop per appliance as the path units would.
# What stands in, as in firmware_push.sh: the slot write of `rauc install`
# (fw_rauc_standin: rauc's own signature check and the board's downgrade
# handler, then a copy to a file), `systemctl reboot` (echoed) and the reboot
# itself (goipwatchd restarted with another boot id and firmware version).
#
# 1.2.4: the canary gw-a is offered first, installs, reboots onto 1.2.4 and
# turns healthy; only then is gw-b offered; the rollout ends done with both on
# 1.2.4. 1.2.5: the canary installs it, "reboots" and comes back on 1.2.4 with
# the self-test's reason; its boot-failed answer (file_ack 9) halts the
# rollout at central, which shows the reason, and gw-b is never offered.
set -u
. "$(dirname "$0")/central_lib.sh"
. "$(dirname "$0")/fw_lib.sh"
need_root "live capture on lo, a hand-off directory owned by nobody"
need_bin "$GWD"
need_cmd rauc
pki
F=$T/fw
fw_ca "$F"
fw_bundle "$F" "$F/good.raucb" 1.2.4 cs
fw_bundle "$F" "$F/broken.raucb" 1.2.5 cs
fw_rauc_standin "$T/bin" "$F/ca.crt"

central_conf c1 "sqlite:$T/c.db" "files_dir $T/files" "firmware_ca $F/ca.crt" \
    "housekeep_interval 1" "rollout_settle 2" "silent_after 5"
start_central c1

# boot ID VERSION: (re)start goipwatchd ID on firmware VERSION in a new boot
boot() {
	_v=GPID_$(echo "$1" | tr -c 'a-z0-9\n' _)
	eval "_p=\${$_v:-}"
	[ -n "$_p" ] && { kill -9 "$_p" 2>/dev/null; wait "$_p" 2>/dev/null; }
	echo "boot-$(date +%s%N)" > "$T/boot-$1"
	echo "GOIPWATCH_FIRMWARE=$2" > "$T/release-$1"
	GOIPWATCH_FIRMWARE=$2 GOIPWATCH_BOOT_ID=$(cat "$T/boot-$1") \
	    "$GWD" -v -i lo -D pcap-live -f "$T/$1.gw.conf" -w /dev/null -M 0 \
	    -X nowatchdog 2>>"$T/gwd-$1.log" &
	eval "$_v=$!"
	PIDS="$PIDS $!"
}
for a in gw-a gw-b; do
	gw_conf "$a" "$PORT"
	mkdir -p "$T/h-$a"
	chown nobody "$T/h-$a" || fail "chown nobody"
	printf 'geoip_db %s\nfirmware_handoff %s\nfirmware_reboot_window any\n' \
	    "$T/none.mmdb" "$T/h-$a" >> "$T/$a.gw.conf"
	fw_rootside "$T/h-$a" "-$a" &
	PIDS="$PIDS $!"
	boot "$a" 1.2.3
done

# await WHAT SECS COMMAND...: until COMMAND succeeds, SECS at most
await() {
	_w=$1 _n=$(($2 * 10))
	shift 2
	until "$@"; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && { ctl firmware status; tail -n 5 "$T"/root-*.log "$T"/gwd-*.log
		    fail "$_w: not within the time allowed"; }
		sleep 0.1
	done
}
runs() { ctl appliances 2>/dev/null | awk -v a="$1" '$1 == a { print $4 }'; }	# runs ID
runs_is() { [ "$(runs "$1")" = "$2" ]; }
member() { ctl firmware status "$1" 2>/dev/null | grep -qE "^  $2 +(canary|rest) +$3 "; }
phase_is() { ctl firmware status "$1" 2>/dev/null | grep -q "; phase $2 since"; }
reboots() { grep -c "stand-in: systemctl reboot" "$T/root-$1.log"; }
reboot_asked() { [ "$(reboots "$1")" -ge "$2" ]; }

await "both appliances at central on 1.2.3" 30 sh -c \
    "[ \"\$('$C' -f '$T/c1.conf' appliances 2>/dev/null | grep -c ' 1.2.3 ')\" -ge 2 ]"
ctl firmware add "$F/good.raucb" >/dev/null 2>&1 || fail "firmware add 1.2.4"
ctl firmware rollout 1.2.4 --group default --canary 1 --window 120 >/dev/null 2>&1 ||
    fail "firmware rollout 1.2.4"

# 1.2.4: the canary first
await "gw-a installs 1.2.4 and asks for its reboot" 60 reboot_asked gw-a 1
check "the canary's install reached its slot" cmp -s "$F/good.raucb" "$T/slot-gw-a"
check "the canary is installed at central" member 1.2.4 gw-a installed
check "gw-b is not offered while the canary is not healthy" member 1.2.4 gw-b waiting
check "nothing was handed to gw-b's root side" test ! -s "$T/root-gw-b.log"
boot gw-a 1.2.4
await "gw-a healthy on 1.2.4" 60 member 1.2.4 gw-a healthy
check "gw-a took 1.2.4 (its own log)" grep -q "firmware goipwatch-test 1.2.4 (version .*) took: running 1.2.4" \
    "$T/gwd-gw-a.log"
await "gw-b installs 1.2.4 once the canary is healthy" 60 reboot_asked gw-b 1
check "gw-b's install reached its slot" cmp -s "$F/good.raucb" "$T/slot-gw-b"
boot gw-b 1.2.4
await "the rollout of 1.2.4 done" 60 phase_is 1.2.4 done
check "gw-b healthy on 1.2.4" member 1.2.4 gw-b healthy
check "central shows gw-a on 1.2.4" runs_is gw-a 1.2.4
check "central shows gw-b on 1.2.4" runs_is gw-b 1.2.4

# 1.2.5: the canary comes back on 1.2.4, and says why
ctl firmware add "$F/broken.raucb" >/dev/null 2>&1 || fail "firmware add 1.2.5"
ctl firmware rollout 1.2.5 --group default --canary 1 --window 120 >/dev/null 2>&1 ||
    fail "firmware rollout 1.2.5"
await "gw-a installs 1.2.5 and asks for its reboot" 60 reboot_asked gw-a 2
check "1.2.5 reached gw-a's slot" cmp -s "$F/broken.raucb" "$T/slot-gw-a"
# as mark-good leaves it in the failed slot
printf 'self-test: clock ok\nself-test: capture FAILED: no packets on eth1 in 30 s\n' |
    "$BOARD/write-as-owner" "$T/h-gw-a" boot-failed || fail "write-as-owner"
boot gw-a 1.2.4
await "the rollout of 1.2.5 halted" 60 phase_is 1.2.5 halted
st=$(ctl firmware status 1.2.5 2>&1)
check "the canary failed with its boot-failed answer and the self-test's reason" has "$st" \
    "*gw-a*canary*failed*boot_failed: firmware 1.2.5 did not take: running 1.2.4 after the reboot*capture FAILED*"
check "the halt names the canary's failure" has "$st" "*halted: *"
check "gw-b was never offered 1.2.5" member 1.2.5 gw-b waiting
check "gw-b's root side never saw 1.2.5" not grep -q "1.2.5" "$T/root-gw-b.log"
check "gw-a is back on 1.2.4 at central" runs_is gw-a 1.2.4
check "no storage or housekeeping error in central's log" \
    not grep -qE 'storage: |housekeeping: ' "$T/c1.log"
touch "$T/stop"
finish
