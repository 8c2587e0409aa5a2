#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The running daemon, capturing live on lo as an unprivileged user: health over
# mutual TLS; SIGHUP reloads the -f file (a bad one is refused with the parser's
# exact error); signed pushes are applied without restarting capture, and
# tampered, replayed, invalid and mislabelled pushes are refused with a clear
# error while the good config stays active.
set -u
. "$(dirname "$0")/daemon_lib.sh"
need_root "live capture"
getent passwd nobody >/dev/null || fail "no user nobody"
need_cmd python3

pki
chmod 755 "$T"		# nobody reaches its spool (and -f file) under $T
C=$T/cfg
mkdir -p "$C"
KEY=00112233445566778899aabbccddeeff
printf 'version 2\nterm_window 90m\npseudonymise_key %s\n' $KEY > "$C/v2.conf"
printf 'version 3\nterm_window 30m\n' > "$C/v3.conf"
printf 'version 5\nterm_window banana\n' > "$C/v5.conf"
printf 'version 7\nterm_window 45m\n' > "$C/v7.conf"
sign() { "$B/confsign" -k "$T/pki/config-sign.key" "$@"; }
sign -v 2 "$C/v2.conf" > "$C/v2.signed" || fail confsign
sign -v 3 "$C/v3.conf" > "$C/v3.signed"
sed 's/30m$/10m/' "$C/v3.signed" > "$C/v3.tampered"
sign -v 5 "$C/v5.conf" > "$C/v5.invalid"
sign -v 6 "$C/v7.conf" > "$C/v6.mislabelled"
# leaves out pseudonymise_key (an empty push would too): refused
printf 'version 8\nterm_window 90m\n' > "$C/v8.conf"
# the same, allowed by its (signed) first line
printf '# goipwatch: drop-keys-allowed\nversion 9\nterm_window 20m\n' > "$C/v9.conf"
# workers is read at start only: a push could never put it in force
printf 'version 10\nterm_window 20m\nworkers 4\n' > "$C/v10.conf"
sign -v 8 "$C/v8.conf" > "$C/v8.signed"
sign -v 9 "$C/v9.conf" > "$C/v9.signed"
sign -v 10 "$C/v10.conf" > "$C/v10.signed"

start_peer
gwconf "$T/gw.conf" "version 1"
chmod 644 "$T/gw.conf"
mkdir "$T/ctl" && chown nobody "$T/ctl"	# the control socket is made as nobody
"$GWD" -v -i lo -D pcap-live -u nobody -f "$T/gw.conf" -w "$T/out.jsonl" \
    -S "$T/ctl/sock" -M 0 -X nowatchdog 2>"$T/gwd.log" &
G=$!
PIDS="$PIDS $G"
wait_for "$T/db" '"type":"health".*"tls":{"state":"up"' 100 ||
    { cat "$T/gwd.log"; fail "no health record over TLS"; }
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$G/status")
check "health over mTLS, running as nobody (uid $uid; key loaded as root)" \
    [ "$uid" = "$(id -u nobody)" ]
check "spool handed to nobody" [ "$(stat -c %U "$T/spool")" = nobody ]

# SIGHUP: a bad file is refused with the exact error, then a good one applies
cp "$T/gw.conf" "$T/good.conf"
echo "flow_timeout_udp 3d" >> "$T/gw.conf"
kill -HUP $G
wait_for "$T/gwd.log" "reload refused.*gw.conf:11: out of range" 30 ||
    { cat "$T/gwd.log"; fail "bad file: no exact error"; }
{ cat "$T/good.conf"; echo "flow_timeout_udp 60s"; echo "workers 2"; } > "$T/gw.conf"
kill -HUP $G
check "SIGHUP: good file applied" wait_for "$T/gwd.log" "version 1 from $T/gw.conf is active" 30
check "SIGHUP: restart-only key named" wait_for "$T/gwd.log" "kept until a restart: workers" 30
"$B/goipwatchctl" -s "$T/ctl/sock" status > "$T/status" || fail "goipwatchctl status"
check "status names the kept key" \
    grep -q '^restart: *workers flow_timeout_udp (changed in the config file, apply after a restart)$' \
    "$T/status" || cat "$T/status"

# pushes: central restarts with them; the daemon reconnects on its own
stop_peer
start_peer -p "$C/v2.signed" -p "$C/v3.tampered" -p "$C/v2.signed" \
    -p "$C/v5.invalid" -p "$C/v6.mislabelled" -p "$C/v8.signed" -p "$C/v9.signed" \
    -p "$C/v10.signed"
wait_for "$T/peer.log" "config-ack gw-test-1 version=10 " 150 ||
    { cat "$T/gwd.log"; fail "pushes not all answered"; }
grep 'config-ack' "$T/peer.log"
expect 2 0 "config version 2 applied$"
expect 3 1 "signature does not verify"
expect 2 2 "not above the running version 2"
expect 5 3 "push:2: not a duration"
expect 6 3 "body says version 7 but was signed as 6"
expect 8 3 "leaves out 1 key the running config sets: pseudonymise_key"
expect 9 0 "config version 9 applied$"
expect 10 3 "changes keys read only at start, which a push cannot set: workers ("
check "push 2 swapped in" grep -q "version 2 from push is active" "$T/gwd.log"
check "push 9 swapped in" grep -q "version 9 from push is active" "$T/gwd.log"
check "last-known-good is v9" cmp -s "$T/spool/config.lkg" "$C/v9.signed"
check "health says version 9" wait_for "$T/db" '"type":"health".*"config_version":9,' 50 ||
    { tail -n 3 "$T/db"; tail "$T/gwd.log"; }
i=0	# the control thread samples the uplink once a second
while :; do
	"$B/goipwatchctl" -s "$T/ctl/sock" status > "$T/status" || fail "goipwatchctl status"
	grep -q '^config: *version 9  last push: push: changes keys read only at start, which a push cannot set: workers (' \
	    "$T/status" && break
	i=$((i + 1))
	[ $i -gt 30 ] && { cat "$T/status"; fail "goipwatchctl does not show the last push"; }
	sleep 0.2
done
grep '^config:' "$T/status"

# a local file older than the pushed config is refused
kill -HUP $G
check "older local file refused" \
    wait_for "$T/gwd.log" "version 1 is below the running version 9" 30

# still the same process, still capturing: an exchange after the pushes is seen
python3 - <<'PY'
import socket, time
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("127.0.0.1", 46011))
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(("127.0.0.1", 46012))
for i in range(20):
    a.sendto(b"x" * 100, ("127.0.0.1", 46012)); time.sleep(0.005)
for i in range(5):
    b.sendto(b"y" * 50, ("127.0.0.1", 46011)); time.sleep(0.005)
PY
sleep 0.5
kill -0 $G 2>/dev/null || fail "goipwatchd died"
kill -TERM $G
i=0
while kill -0 $G 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 $G 2>/dev/null && fail "did not stop on SIGTERM"
wait $G
check "exit status 0 after SIGTERM" [ $? -eq 0 ]
check "the exchange after the pushes was captured" python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
f = [r for r in recs if r["type"] == "flow" and r["src_port"] == 46011 and r["dst_port"] == 46012]
assert len(f) == 1 and (f[0]["pkts_fwd"], f[0]["pkts_rev"]) == (20, 5), f
' "$T/out.jsonl"
check "one process throughout (never restarted)" \
    [ "$(grep -c 'goipwatchd: running as nobody' "$T/gwd.log")" -eq 1 ]
grep 'config:\|uplink:' "$T/gwd.log"
finish
