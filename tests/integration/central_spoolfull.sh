#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Spool on a full file system (issue 12, item 6): goipwatchd injects 3000
# detection records into a spool on a tmpfs that has room for a few hundred.
# Every record that could not be spooled is counted, logged (rate-limited),
# carried in the health record once space returns, and central shows it as
# SPOOLDROP; the daemon writes again by itself and delivers the rest.
# Root only (mount); the tmpfs lives in the test's temp dir and is unmounted.
set -u
. "$(dirname "$0")/central_lib.sh"
need_bin "$GWD"
need_root "mounting a small tmpfs"
mkdir -p "$T/full"
mount -t tmpfs -o size=512k tmpfs "$T/full" 2>/dev/null ||
    skip "cannot mount a tmpfs here"
unmount_full() { umount -l "$T/full" 2>/dev/null; stop_pg; }
CLEANUP_HOOK=unmount_full
PCAP=$ROOT/tests/data/lab/goip-1line.pcap

pki
DB="sqlite:$T/c.db"
central_conf c1 "$DB"
start_central c1
C1=$CPID
gw_conf gw-full "$PORT"
echo "spool_dir $T/full/spool" >> "$T/gw-full.gw.conf"
# leave about 48 KiB: a few hundred records of about 85 bytes
dd if=/dev/zero of="$T/full/ballast" bs=4k count=116 status=none 2>/dev/null
df -k "$T/full" | tail -n 1

# the capture comes on stdin and ends when $T/go appears: the daemon runs meanwhile
( cat "$PCAP"; while [ ! -f "$T/go" ]; do sleep 0.1; done ) |
    "$GWD" -v -r - -f "$T/gw-full.gw.conf" -X inject=3000 -W 30 -w /dev/null \
    2>"$T/gwd.log" &
GPID=$!
PIDS="$PIDS $GPID"
wait_log() {	# PATTERN TENTHS
	i=0
	while ! grep -q "$1" "$T/gwd.log"; do
		i=$((i + 1)); [ $i -gt "$2" ] && { tail -n 20 "$T/gwd.log"; fail "no '$1'"; }
		sleep 0.1
	done
}
wait_log 'inject: .* appended' 300
grep 'inject:' "$T/gwd.log"
failed=$(sed -n 's/.*inject: \([0-9]*\) test detection records appended, \([0-9]*\) failed.*/\2/p' "$T/gwd.log")
spooled=$(sed -n 's/.*inject: \([0-9]*\) test detection records appended.*/\1/p' "$T/gwd.log")
[ "${failed:-0}" -ge 1000 ] || fail "the spool did not fill: $failed failed"
wait_log 'could not be spooled and' 50
sleep 2		# a heartbeat or two fail as well
rm -f "$T/full/ballast"		# space returns
wait_log 'writing again after' 50
# central hears of it from the next heartbeat
i=0
while [ "$(sql "SELECT COALESCE(spool_dropped, 0) FROM appliances WHERE id = 'gw-full'")" -lt "$failed" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "central's spool_dropped stayed below $failed"
	sleep 0.1
done
touch "$T/go"
wait "$GPID" || { tail -n 20 "$T/gwd.log"; fail "goipwatchd"; }
grep 'spool:' "$T/gwd.log"
# rate-limited: a line per 10 s at most, not one per lost record
lines=$(grep -c 'could not be spooled' "$T/gwd.log")
check "rate-limited: $lines log lines for $failed lost records" [ "$lines" -le 3 ]
# every injected record: stored at central exactly once, or counted as lost
stored=$(sql "SELECT COUNT(DISTINCT body) FROM records WHERE appliance = 'gw-full' AND body LIKE '%\"test\":true%'")
rows=$(sql "SELECT COUNT(*) FROM records WHERE appliance = 'gw-full' AND body LIKE '%\"test\":true%'")
check "central holds each of the $spooled spooled ($stored distinct)" [ "$stored" -eq "$spooled" ]
check "... once ($rows rows)" [ "$rows" -eq "$spooled" ]
check "$stored stored + $failed lost = 3000" [ $((stored + failed)) -eq 3000 ]
dropped=$(sql "SELECT spool_dropped FROM appliances WHERE id = 'gw-full'")
check "SPOOLDROP $dropped counts the $failed lost detections" [ "$dropped" -ge "$failed" ]
check "... and at most 40 lost health records" [ "$dropped" -le $((failed + 40)) ]
ctl appliances | tee "$T/apps.txt"
check "SPOOLDROP in 'appliances'" grep -q "gw-full .* $dropped .* SPOOLDROP$" "$T/apps.txt"
finish
