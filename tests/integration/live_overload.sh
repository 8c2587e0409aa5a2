#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# goipwatchd -j 2 on af-packet, fed through a veth pair between two network
# namespaces (tests/integration/live_lib.sh), survives overload (issue 18):
#  1. a burst of the scan trace at tcpreplay's top speed;
#  2. the same burst while the daemon is stopped (SIGSTOP), so the kernel
#     rings must overflow whatever the machine's speed;
#  3. a slow replay (1,500 packets/s), which must add no drop;
#  4. the lab's GoIP capture, which must still give its verdicts.
# Then: the daemon is up and exits 0; every packet tcpreplay sent is received
# or counted as dropped by a stage, none unaccounted (the veth's own rx_dropped
# included); memory stays flat across the second burst and under the bound
# the configuration sets. Rates are far above or below capacity, and no check
# depends on timing. Skips (77) as a user, or without namespaces, veth or
# tcpreplay.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/live_lib.sh"
LIVE_CTL=$B/goipwatchctl
need_bin "$GWD" "$LIVE_CTL" "$B/synth"
live_usable || skip "live overload bench: $LIVE_WHY"
CLEANUP_HOOK=live_down
live_up || fail "cannot make the namespaces and their veth pair"
LAB=$ROOT/tests/data/lab
SOCK=$TMP/control.sock
OUT=$TMP/out.jsonl

"$B/synth" bench --profile scan -n 150000 --seed 1 -o "$TMP/scan.pcap" 2>/dev/null ||
	fail "synth bench --profile scan failed"
"$B/synth" bench --profile steady -n 3000 --seed 2 -o "$TMP/slow.pcap" 2>/dev/null ||
	fail "synth bench --profile steady failed"
cp "$ROOT/tests/eval/eval.conf" "$TMP/gwd.conf"

# ip execs the daemon: $! is its pid (a function or subshell would not be)
ip netns exec "$LIVE_RX" "$GWD" -f "$TMP/gwd.conf" -i "$LIVE_RXIF" -D af-packet -j 2 -S "$SOCK" -M 0 \
    -X nowatchdog -w "$OUT" 2>"$TMP/gwd.err" &
pid=$!
PIDS="$PIDS $pid"
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$SOCK" ] || { cat "$TMP/gwd.err"; fail "goipwatchd did not start"; }
ifd0=$(live_ifdrop)
rss0=$(live_rss "$pid")

drops() { echo $(($2 + $3 + $4 + $5 + $6)); }	# the capture drops and the record ring

# 1. top speed, daemon running
sent1=$(live_replay "$TMP/r1" --topspeed "$TMP/scan.pcap")
check "burst 1: tcpreplay sent the trace ($sent1)" test "$sent1" -eq 150000
live_settle "$SOCK" "$sent1"
s1=$(live_status "$SOCK")
rss1=$(live_rss "$pid")
echo "burst 1: $(live_rate "$TMP/r1") pps Mbit/s; packets kernel interface ring dispatch records: $s1"

# 2. top speed, daemon stopped: the kernel rings overflow
kill -STOP "$pid"
sent2=$(live_replay "$TMP/r2" --topspeed "$TMP/scan.pcap")
kill -CONT "$pid"
off2=$((sent1 + sent2))
live_settle "$SOCK" "$off2"
s2=$(live_status "$SOCK")
rss2=$(live_rss "$pid")
echo "burst 2 (stopped): packets kernel interface ring dispatch records: $s2"
# shellcheck disable=SC2086
check "burst 2: the full kernel rings were counted as kernel drops" \
    test "$(echo $s2 | cut -d' ' -f2)" -gt "$(echo $s1 | cut -d' ' -f2)"
check "the daemon is up after both bursts" kill -0 "$pid"

# 3. slow: nothing new is lost
sent3=$(live_replay "$TMP/r3" --pps=1500 "$TMP/slow.pcap")
off3=$((off2 + sent3))
live_settle "$SOCK" "$off3"
s3=$(live_status "$SOCK")
echo "slow replay: packets kernel interface ring dispatch records: $s3"
# shellcheck disable=SC2086
check "recovered: the slow replay adds no drop ($(drops $s2) before, $(drops $s3) after)" \
    test "$(drops $s3)" -eq "$(drops $s2)"
# shellcheck disable=SC2086
check "recovered: the slow replay is received whole ($sent3)" \
    test $(($(echo $s3 | cut -d' ' -f1) - $(echo $s2 | cut -d' ' -f1))) -eq "$sent3"

# 4. the GoIP capture
sent4=$(live_replay "$TMP/r4" --pps=2500 "$LAB/goip-4lines.pcap")
off4=$((off3 + sent4))
live_settle "$SOCK" "$off4"
rss4=$(live_rss "$pid")
ifd=$(($(live_ifdrop) - ifd0))

kill -TERM "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$pid" 2>/dev/null; then
	kill -KILL "$pid"; bad "goipwatchd did not stop on SIGTERM"
fi
wait "$pid"
check "goipwatchd exits 0 after the overload" test $? -eq 0
check "no error logged" not grep -qi "error\|fatal" "$TMP/gwd.err"

echo "RSS KiB: start $rss0, after burst 1 $rss1, after burst 2 $rss2, at the end $rss4"
check "counters add up, memory flat and bounded, GoIP found" python3 - "$OUT" "$off4" "$ifd" \
    "$rss1" "$rss2" "$rss4" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
offered, ifd, rss1, rss2, rss4 = (int(a) for a in sys.argv[2:7])
st = recs[-1]
assert st["type"] == "stats", st["type"]
c = st["capture"]
lost = c["kernel_drops"] + c["iface_drops"] + c["ring_drops"] + c["dispatch_drops"]
print("offered %d = received %d + kernel %d + interface %d + capture ring %d + dispatch %d;"
      " records written %d, record ring drops %d, veth rx_dropped %d"
      % (offered, c["received"], c["kernel_drops"], c["iface_drops"], c["ring_drops"],
         c["dispatch_drops"], st["records"]["written"], st["records"]["ring_drops"], ifd))
ok = True
def want(what, cond):
    global ok
    print(("ok: " if cond else "FAIL: ") + what)
    ok = ok and cond
want("every packet offered is received or counted dropped", c["received"] + lost == offered)
want("the interface's drops are the veth's rx_dropped", c["iface_drops"] == ifd)
want("the workers analysed every packet received", st["packets"] == c["received"])
want("the overload dropped packets", lost > 0)
# memory: the second burst (the same flows) adds at most 16 MiB, and the whole
# stays under the tables the configuration sized plus the rings and the code
kib = 1024
want("RSS flat across the second burst (%d -> %d KiB)" % (rss1, rss2), rss2 - rss1 <= 16 * kib)
bound = st["memory_bytes"] // 1024 + 2 * 3 * 8 * kib + 64 * kib
want("RSS under memory_bytes + rings + 64 MiB (%d <= %d KiB)" % (rss4, bound), rss4 <= bound)
det = {(json.dumps(r["subject"], sort_keys=True), r["verdict"]) for r in recs
       if r["type"] == "detection"}
line = json.dumps({"ip": "100.64.1.10"})
want("the GoIP line is found after the overload (%d detections in all): %s" % (len(det),
     sorted(v for l, v in det if l == line)),
     (line, "goip_present") in det and (line, "simbox_suspected") in det)
sys.exit(0 if ok else 1)
PY
finish
