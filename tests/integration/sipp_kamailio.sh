#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Real peers on loopback: kamailio as registrar and record-routing proxy, a
# sipp UAS registered through it, a sipp UAC making CALLS calls of HOLD ms.
# goipwatchd captures live on lo; its register and call records must match
# what the scenarios did: one registration (two 2xx, then unregistered), and
# CALLS answered calls hung up by the caller, each lasting HOLD ms within 50 ms.
# Ports 25060 (kamailio), 25070 (UAS), 25071 (UAC), 25072 (registering client).
. "$(dirname "$0")/lib.sh"
need_root "live capture (CAP_NET_RAW)"
need_cmd sipp kamailio python3
GWD=${GWD_LIVE:-$GWD}
need_bin "$GWD"
SC=$(cd "$(dirname "$0")/sipp" && pwd)
KPORT=25060 UASPORT=25070 UACPORT=25071 REGPORT=25072
CALLS=${CALLS:-5} HOLD=${HOLD:-1000}
pids=""
stop_peers() {	# CLEANUP_HOOK: kamailio and sipp get 0.2 s, then SIGKILL
	for p in $pids; do kill -TERM "$p" 2>/dev/null; done
	sleep 0.2
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
}
CLEANUP_HOOK=stop_peers

sed "s/PORT/$KPORT/g" "$SC/kamailio.cfg" >"$TMP/kamailio.cfg"
for x in register uac; do
	sed "s/UASPORT/$UASPORT/g" "$SC/$x.xml" >"$TMP/$x.xml"
done

$GWD -i lo -D pcap-live -F "udp and (port $KPORT or port $UASPORT or port $UACPORT or port $REGPORT)" \
    -w "$TMP/out.jsonl" 2>"$TMP/gwd.err" &
gpid=$!
pids="$gpid"
kamailio -f "$TMP/kamailio.cfg" -DD -E -w "$TMP" -Y "$TMP" >"$TMP/kamailio.log" 2>&1 &
pids="$pids $!"
sipp -sn uas -i 127.0.0.1 -p $UASPORT -bg -trace_err -error_file "$TMP/uas_errors.log" -nostdin >/dev/null 2>&1 &
sleep 1.5	# kamailio and the capture start
upid=$(pgrep -n -f "sipp -sn uas -i 127.0.0.1 -p $UASPORT" || true)
[ -n "$upid" ] && pids="$pids $upid"

run_sipp() {	# scenario port calls [args]
	f=$1 port=$2 n=$3; shift 3
	timeout 60 sipp 127.0.0.1:$KPORT -sf "$TMP/$f.xml" -i 127.0.0.1 -p "$port" -s bob \
	    -m "$n" -nostdin -timeout 30s -timeout_error "$@" >"$TMP/$f.out" 2>&1
}
# bob stays registered while the calls run: CALLS at 4/s, HOLD ms each, and margin
regwait=$(( CALLS * 250 + HOLD + 2000 ))
run_sipp register $REGPORT 1 -d $regwait &
rpid=$!
sleep 1
check "sipp UAC makes $CALLS calls of $HOLD ms through kamailio" \
    run_sipp uac $UACPORT "$CALLS" -d "$HOLD" -l 2 -r 4
wait $rpid
check "sipp registers bob, refreshes, unregisters" [ $? -eq 0 ]
sleep 1
kill -TERM $gpid
i=0
while kill -0 $gpid 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 $gpid 2>/dev/null && { kill -KILL $gpid; fail "goipwatchd did not stop on SIGTERM"; }
wait $gpid
check "goipwatchd exit 0 after SIGTERM" [ $? -eq 0 ]
grep -q '"calls":{' "$TMP/out.jsonl" || fail "goipwatchd reports no calls"
check "records match the scenarios" python3 - "$TMP/out.jsonl" "$CALLS" "$HOLD" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
calls, hold = int(sys.argv[2]), int(sys.argv[3]) / 1000
c = [r for r in recs if r["type"] == "call"]
g = [r for r in recs if r["type"] == "register"]
ok = True
def need(cond, what):
    global ok
    if not cond:
        print("  not so: " + what); ok = False
need(len(c) == calls, "%d call records, want %d" % (len(c), calls))
for r in c:
    need(r["state"] == "answered" and r["end"] == "bye" and r["hangup"] == "caller",
         "call %s answered, ended by the caller's BYE: %s/%s/%s" % (r["call_id"], r["state"], r["end"], r.get("hangup")))
    need(abs(r["duration"] - hold) <= 0.050, "call %s lasts %.3f s, want %.3f +- 0.050" % (r["call_id"], r["duration"], hold))
    need(r["caller"] == "alice" and r["callee"] == "bob" and r.get("bye_status") == 200, "call %s: alice -> bob, BYE 200" % r["call_id"])
    need(r["media_caller"][0]["codecs"][0] == "PCMA", "call %s offers PCMA" % r["call_id"])
need(len(g) == 1, "%d register records, want 1" % len(g))
for r in g:
    need(r["aor"] == "bob@127.0.0.1" and r["end"] == "unregistered" and r["result"] == "ok",
         "bob registered then unregistered: %s %s %s" % (r["aor"], r["end"], r["result"]))
    need(r["registrations"] == 2 and abs(r["reregister_interval"] - 0.5) <= 0.050,
         "two registrations 0.5 s apart: %s, %s" % (r["registrations"], r.get("reregister_interval")))
    need(r["expires_requested"] == 0 and r["contact"] == "bob@127.0.0.1", "unregister asked expires 0")
st = recs[-1]
need(st["type"] == "stats" and st["calls"]["answered"] == calls, "stats calls.answered %d" % st["calls"]["answered"])
sys.exit(0 if ok else 1)
PY
finish
