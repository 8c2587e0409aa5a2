#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Firmware on the appliance (docs/deployment.md, Firmware on the appliance):
# a real goipwatchd (live on lo) takes kind-2 offers from a scripted central
# (fw_central.py, offers signed with the config key as central signs them) and
# hands the verified bundles to the root side. The root side is played by a
# loop here, as goipwatch-install.path and goipwatch-reboot.path would: it
# runs the board's real install-firmware and reboot-request scripts.
#
# What is real: goipwatchd, the download, the hand-off files, the bundles
# (made with `rauc bundle` under a throw-away firmware CA), their signature
# check (`rauc info` with that keyring), the board's rauc-pre-install
# downgrade handler, install-firmware and reboot-request. What stands in:
# `rauc install`'s writing of a slot (there are no slots here: $T/bin/rauc
# runs the two real checks above, then copies the bundle to $T/slot),
# `systemctl reboot` (echoed), and a reboot itself (goipwatchd restarted with
# another GOIPWATCH_BOOT_ID and GOIPWATCH_FIRMWARE).
#
# Checks: over firmware_max_bytes -> 3 at the offer; unsigned, other key,
# downgrade and truncated -> 5 with rauc's reason and nothing installed;
# kill -9 mid-download resumes; a good bundle -> installed, ack 0, reboot
# asked; a result written while goipwatchd is down is acked after its
# restart (an allowed downgrade); a reboot that comes back on the old
# version -> ack 9 with the self-test's reason; one on the new version is
# logged as taken; a newer bundle under a lower offer number is not stale.
# The hand-off directory belongs to nobody, and a symlink planted where root
# writes its result must not redirect the write. A request no installer takes
# is withdrawn with 6 (store) after firmware_install_timeout; one taken when the box
# "rebooted" mid-install is given back and installed.
set -u
. "$(dirname "$0")/central_lib.sh"
. "$(dirname "$0")/fw_lib.sh"
need_root "live capture on lo"
need_bin "$GWD"
need_cmd rauc
need_cmd mksquashfs
pki
H=$T/handoff
F=$T/fw
mkdir -p "$H" "$F/b" "$T/bin"
# the hand-off directory belongs to an unprivileged user, as in the image
chmod 755 "$T" && chown nobody "$H" || fail "chown nobody $H"

# --- bundles: a firmware CA, its codeSigning certificate, a stranger ------
fw_ca "$F"
bundle() {	# bundle NAME VERSION CERT: $F/NAME (label $F/NAME.label)
	fw_bundle "$F" "$F/$1" "$2" "$3"
	echo "goipwatch-test $2" > "$F/$1.label"
}
bundle good 1.2.4 cs
bundle down 1.2.2 cs
bundle newer 1.2.8 cs
bundle latest 1.2.9 cs
bundle stranger 1.2.5 x
mksquashfs "$F/b" "$F/unsigned" -quiet >/dev/null 2>&1 || fail "mksquashfs"
echo "goipwatch-test 1.2.6" > "$F/unsigned.label"
head -c $(($(stat -c %s "$F/good") / 2)) "$F/good" > "$F/trunc"
echo "goipwatch-test 1.2.7" > "$F/trunc.label"
cp "$F/good" "$F/big"
echo "goipwatch-test 9.9.9" > "$F/big.label"

# --- the stand-in for `rauc install` (every other rauc command is rauc's) --
fw_rauc_standin "$T/bin" "$F/ca.crt"
echo "GOIPWATCH_FIRMWARE=1.2.3" > "$T/release"

# --- the root side: goipwatch-install.path and goipwatch-reboot.path ------
echo boot-1 > "$T/boot"
fw_rootside "$H" "" &
PIDS="$PIDS $!"

# --- the scripted central -------------------------------------------------
S1="offer big 101 0 size=300000; offer stranger 102 0; offer unsigned 103 0;
    offer down 104 0; offer trunc 105 0; offer good 106 0 stall=4096"
S2="offer good 106 0; offer good 106 0; hold"
S3="offer down 107 1; hold"
S4="wait; hold"
S5="offer good 108 0; wait; hold"
S6="offer newer 50 0; hold"
S7="offer latest 60 0; hold"
S8="offer latest 61 0; hold"
S9="hold"
timeout 300 /usr/bin/python3 "$ROOT/tests/integration/fw_central.py" "$T/pki" \
    "$T/fc.port" "$F" "$S1" "$S2" "$S3" "$S4" "$S5" "$S6" "$S7" "$S8" "$S9" >"$T/fc.out" 2>&1 &
FC=$!
PIDS="$PIDS $FC"
i=0
while [ ! -s "$T/fc.port" ]; do i=$((i + 1)); [ $i -gt 200 ] && fail "fw_central.py"; sleep 0.05; done
gw_conf gw-a "$(cat "$T/fc.port")"
cat >> "$T/gw-a.gw.conf" <<EOF
geoip_db $T/none.mmdb
file_chunk_bytes 512
firmware_max_bytes 200000
firmware_handoff $H
firmware_reboot_window any
EOF
G=""
gwd_start() {	# gwd_start FIRMWARE: goipwatchd gw-a on lo, this boot
	GOIPWATCH_FIRMWARE=$1 GOIPWATCH_BOOT_ID=$(cat "$T/boot") \
	    "$GWD" -v -i lo -D pcap-live -f "$T/gw-a.gw.conf" -w /dev/null -M 0 \
	    -X nowatchdog 2>>"$T/gwd.log" &
	G=$!
	PIDS="$PIDS $G"
}
gwd_kill() { kill -9 "$G" 2>/dev/null; wait "$G" 2>/dev/null; }
# await FILE GLOB-LINE: a line of FILE matches within 60 s
await() {
	_i=0
	until grep -q "$2" "$1"; do
		_i=$((_i + 1))
		[ $_i -gt 600 ] && { echo "--- $1"; tail -n 15 "$1"; tail -n 8 "$T/gwd.log"; return 1; }
		sleep 0.1
	done
}
acked() { grep "^ack $1 " "$T/fc.out" | tail -n 1; }	# acked VERSION

# 1. Refusals, then a download killed midway. The directory's owner left a
# symlink where root writes its result: root must not write through it.
touch "$T/gwd.log"
echo precious > "$T/victim"
ln -s "$T/victim" "$H/result"
gwd_start 1.2.3
await "$T/fc.out" "^stalled 106 " || fail "no stalled download"
check "over firmware_max_bytes: 3 at the offer" has "$(acked 101)" \
    "ack 101 3 firmware version 101: 300000 bytes, above firmware_max_bytes 200000"
check "signed by another key: 5 with rauc's reason" has "$(acked 102)" \
    "ack 102 5 firmware goipwatch-test 1.2.5 (version 102) refused by rauc*signature verification failed*"
check "unsigned: 5 with rauc's reason" has "$(acked 103)" \
    "ack 103 5 *refused by rauc*ignature*"
check "a downgrade not allowed: 5, the handler's reason" has "$(acked 104)" \
    "ack 104 5 *refused by rauc*refusing downgrade 1.2.3 -> 1.2.2*"
check "truncated: 5 with rauc's reason" has "$(acked 105)" "ack 105 5 *refused by rauc*"
check "no refused bundle reached a slot" test ! -e "$T/slot"
check "root wrote no result through the planted symlink" test "$(cat "$T/victim")" = precious
check "nothing left in the hand-off directory" test -z "$(ls "$H")"
part=$(stat -c %s "$T/spool-gw-a/firmware.part" 2>/dev/null || echo 0)
check "the download stopped midway ($part bytes)" test "$part" -ge 4096
gwd_kill

# 2. After kill -9: resumed, handed off, installed, acked, reboot asked
gwd_start 1.2.3
await "$T/fc.out" "^ack 106 " || bad "no ack for 106"
check "the download resumed where it stopped" \
    grep -q "firmware version 106: resuming at byte $part of" "$T/gwd.log"
check "a good bundle: 0, installed, reboot in the window" has "$(grep "^ack 106 " "$T/fc.out" | head -n 1)" \
    "ack 106 0 firmware goipwatch-test 1.2.4 (version 106) installed to the other slot; reboot in window any time"
check "the bundle reached the other slot" cmp -s "$F/good" "$T/slot"

await "$T/fc.out" "^ack 106 0 .* is installed to the other slot" || bad "no second ack for 106"
check "offered again before the reboot: answered 0 again" \
    test "$(grep -c "^ack 106 0 " "$T/fc.out")" = 2
await "$T/root.log" "stand-in: systemctl reboot" || bad "no reboot asked"
check "the reboot was asked through the hand-off" \
    grep -q "goipwatch-reboot: rebooting into firmware goipwatch-test 1.2.4" "$T/root.log"
check "the pending install is recorded" grep -q "^state=installed" "$T/spool-gw-a/firmware.pending"
gwd_kill

# 3. A result that comes while goipwatchd is down is acked after its restart
touch "$T/pause"
rm -f "$T/slot"
gwd_start 1.2.3
i=0
while [ ! -e "$H/request" ]; do i=$((i + 1)); [ $i -gt 600 ] && fail "no request for 107"; sleep 0.1; done
gwd_kill
rm -f "$T/pause"
await "$T/root.log" "version 107 (goipwatch-test 1.2.2): status 0" || bad "107 not installed"
check "a downgrade the offer allows is installed" cmp -s "$F/down" "$T/slot"
check "root wrote the result as the directory's owner (nobody)" \
    test "$(stat -c %U "$H/result")" = nobody
check "the allow-downgrade file is gone again" test ! -e "$T/allow"
gwd_start 1.2.3
await "$T/fc.out" "^ack 107 " || bad "no ack for 107 after the restart"
check "acked after the restart" has "$(acked 107)" "ack 107 0 *goipwatch-test 1.2.2*installed to the other slot*"
gwd_kill

# 4. "Reboot" back on the old version, with the self-test's reason
echo boot-2 > "$T/boot"
printf 'self-test: clock ok\nself-test: capture FAILED: no packets on eth1 in 30 s\n' > "$H/boot-failed"
gwd_start 1.2.3
await "$T/fc.out" "^ack 107 9" || bad "no ack 9"
check "a slot that did not take: 9 with the reason" has "$(acked 107)" \
    "ack 107 9 firmware 1.2.2 did not take: running 1.2.3 after the reboot (*capture FAILED: no packets on eth1*)"
check "the reason file is consumed" test ! -e "$H/boot-failed"

# 5. ... sent before 108, offered at once, installs; a "reboot" onto it is
# logged as taken; then a newer bundle under a lower offer number installs
await "$T/fc.out" "^ack 108 " || bad "no ack for 108"
check "108 installed" has "$(acked 108)" "ack 108 0 *installed to the other slot*"
check "9 for 107 went before 108 replaced it" test "$(grep -n '^ack 107 9' "$T/fc.out" | cut -d: -f1)" \
    -lt "$(grep -n '^ack 108 0' "$T/fc.out" | cut -d: -f1)"
gwd_kill
echo boot-3 > "$T/boot"
gwd_start 1.2.4
await "$T/gwd.log" "firmware goipwatch-test 1.2.4 (version 108) took: running 1.2.4" ||
    bad "108 not seen as taken"
# (the next offer, 50, may already have made a pending install of its own)
pending108() { grep -q '^version=108$' "$T/spool-gw-a/firmware.pending" 2>/dev/null; }
i=0
while pending108 && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
check "108's pending install is gone" not pending108
await "$T/fc.out" "^ack 50 " || bad "no ack for 50"
check "firmware is not stale by offer number (50 after 108): installed" has "$(acked 50)" \
    "ack 50 0 firmware goipwatch-test 1.2.8 (version 50) installed to the other slot*"
gwd_kill

# 6. No installer takes the request (the path unit is not running): withdrawn
# after firmware_install_timeout with 6 (store), nothing left behind; the appliance
# is not stuck on it (the next offer is handed over)
echo "firmware_install_timeout 5" >> "$T/gw-a.gw.conf"
touch "$T/pause"
rm -f "$T/slot"
gwd_start 1.2.4
await "$T/fc.out" "^ack 60 " || bad "no ack for 60"
check "a request no installer took: 6 (store), withdrawn" has "$(acked 60)" \
    "ack 60 6 firmware goipwatch-test 1.2.9 (version 60): the installer did not take the request in $H within 5 s*withdrawn, nothing installed" || acked 60
check "the withdrawn request and its bundle are gone" test -z "$(ls "$H")"
check "nothing installed" test ! -e "$T/slot"
gwd_kill

# 7. The next offer is handed over; the "box" reboots mid-install (the
# request taken, no result): the next boot's goipwatchd gives it back to the
# installer, which installs it
gwd_start 1.2.4
i=0
while [ ! -e "$H/request" ]; do i=$((i + 1)); [ $i -gt 600 ] && fail "no request for 61"; sleep 0.1; done
gwd_kill
mv "$H/request" "$H/request.taken"
echo boot-4 > "$T/boot"
rm -f "$T/pause"
gwd_start 1.2.4
await "$T/gwd.log" "version 61): the install was cut short by a reboot" || bad "61 not given back"
await "$T/fc.out" "^ack 61 " || bad "no ack for 61"
check "a taken request cut short by a reboot: given back, installed" has "$(acked 61)" \
    "ack 61 0 firmware goipwatch-test 1.2.9 (version 61) installed to the other slot*"
check "1.2.9 reached the other slot" cmp -s "$F/latest" "$T/slot"
gwd_kill
touch "$T/stop"
i=0
while kill -0 "$FC" 2>/dev/null; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1; done
check "took: no ack 9 for 108" test -z "$(grep '^ack 108 9' "$T/fc.out")"
check "every session ran" test "$(grep -c '^end' "$T/fc.out")" = 9
finish
