#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Live capture on lo with both live drivers: a known UDP exchange is seen once
# per packet, and SIGTERM ends the daemon with a stats record.
. "$(dirname "$0")/lib.sh"
need_root "live capture (CAP_NET_RAW)"

send() {	# 20 datagrams 127.0.0.1:$1 -> :$2, and 5 replies
	python3 - "$1" "$2" <<'PY'
import socket, sys, time
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("127.0.0.1", int(sys.argv[1])))
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(("127.0.0.1", int(sys.argv[2])))
for i in range(20):
    a.sendto(b"x" * 100, ("127.0.0.1", int(sys.argv[2]))); time.sleep(0.005)
for i in range(5):
    b.sendto(b"y" * 50, ("127.0.0.1", int(sys.argv[1]))); time.sleep(0.005)
PY
}

run_driver() {	# driver workers srcport dstport
	out=$TMP/$1.jsonl
	$GWD -i lo -D "$1" -j "$2" -w "$out" 2>"$TMP/$1.err" &
	pid=$!
	sleep 1
	send "$3" "$4"
	sleep 0.5
	kill -TERM $pid
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	if kill -0 $pid 2>/dev/null; then
		kill -KILL $pid; bad "$1: did not stop on SIGTERM"; return
	fi
	wait $pid
	check "$1: exit 0 after SIGTERM" [ $? -eq 0 ]
	check "$1: the exchange is one flow, each packet once" python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
f = [r for r in recs if r["type"] == "flow" and r["src_port"] == int(sys.argv[2])
     and r["dst_port"] == int(sys.argv[3])]
assert len(f) == 1, f
f = f[0]
assert (f["pkts_fwd"], f["pkts_rev"]) == (20, 5), f
assert recs[-1]["type"] == "stats" and recs[-1]["capture"]["kernel_drops"] == 0, recs[-1]
' "$out" "$3" "$4"
}

run_driver pcap-live 1 46001 46002
run_driver af-packet 2 46003 46004
finish
