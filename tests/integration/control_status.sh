#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# goipwatchd live on lo: `goipwatchctl status` over the unix socket shows the
# packets it captured, and the metrics port answers Prometheus text format.
. "$(dirname "$0")/lib.sh"
need_root "live capture (CAP_NET_RAW)"
CTL=$BUILD/goipwatchctl
need_bin "$GWD" "$CTL"
PORT=$((20000 + $$ % 20000))
SOCK=$TMP/control.sock

$GWD -i lo -D pcap-live -S "$SOCK" -M "$PORT" -X nowatchdog -w /dev/null \
    2>"$TMP/gwd.err" &
pid=$!
PIDS="$PIDS $pid"
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
python3 - <<'PY'
import socket, time
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(50):
    a.sendto(b"x" * 100, ("127.0.0.1", 9)); time.sleep(0.01)
PY
sleep 1.5

$CTL -s "$SOCK" status >"$TMP/status" 2>&1
check "goipwatchctl status exits 0" test $? -eq 0
cat "$TMP/status"
for k in 'packets/s' 'drops:' 'flows:' 'lines:' 'detect:' 'uplink:' 'config:' 'health:'; do
	check "status shows $k" grep -q "$k" "$TMP/status"
done
n=$(sed -n 's/^capture: .* \([0-9][0-9]*\) packets .*/\1/p' "$TMP/status")
check "status counts the packets sent (${n:-none})" test "${n:-0}" -ge 50

curl -s -m 5 "http://127.0.0.1:$PORT/metrics" >"$TMP/metrics"
check "metrics answer" grep -q '^goipwatch_packets_total [1-9]' "$TMP/metrics"
check "metrics: every sample line is name{labels} value" sh -c \
    "! grep -v '^#' $TMP/metrics | grep -vE '^[a-z_]+(\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*\})? [0-9.]+$'"
for m in goipwatch_drops_total goipwatch_flows_active goipwatch_lines_tracked \
    goipwatch_detections_total goipwatch_uplink_up goipwatch_spool_records \
    goipwatch_config_version goipwatch_packets_per_second; do
	check "metric $m" grep -q "^# TYPE $m " "$TMP/metrics"
done
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/nope")
check "other paths are 404 ($code)" test "$code" = 404
printf 'bogus\n' | python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b'bogus\n')
print(s.recv(4096).decode())" "$SOCK" >"$TMP/bogus"
check "unknown command is an error" grep -q '^error: unknown command' "$TMP/bogus"
check "metrics port is loopback only" sh -c \
    "ss -ltn | grep -q '127.0.0.1:$PORT '"

kill -TERM $pid
wait $pid
check "daemon exits 0 on SIGTERM" test $? -eq 0
check "socket removed at exit" test ! -e "$SOCK"
finish
