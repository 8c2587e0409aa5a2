#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Evidence files through the uplink into central (docs/evidence.md, Transfer):
# the lab's GoIP capture replayed by goipwatchd with evidence on; every file it
# wrote arrives once, verified against its certificate, content-addressed under
# evidence_dir, linked to the urgent lead, with its custody in the audit trail;
# the stored file is the appliance's (tshark, the REGISTER with the GoIP
# User-Agent, signature). A file signed with another appliance's key, sent by
# this one, is refused and counted; kill -9 of the appliance or of central
# during a transfer still gives each file once (files of several chunks too);
# benign captures send none; evidence_dir_max prunes the appliance's directory;
# retention keeps what confirmed or dismantled leads hold.
# SQLite by default; CENTRAL_PG=1 on PostgreSQL (central_evidence_pg.sh).
set -u
. "$(dirname "$0")/central_lib.sh"
need_bin "$GWD" "$B/goipwatch-evidence"
need_cmd sqlite3 tshark curl
pki
P=$T/pki
if [ "${CENTRAL_PG:-0}" = 1 ]; then pg_start; else DB="sqlite:$T/c.db"; fi
LAB=$ROOT/tests/data/lab
EVC=$T/evc
central_conf c1 "$DB" "evidence_dir $EVC"
start_central c1

# evconf ID PORT [KEYOF]: the appliance's config with evidence on (signed with KEYOF's key)
evconf() {
	gw_conf "$1" "$2"
	k=${3:-$1}
	{ cat "$ROOT/tests/eval/eval.conf"
	  sed "s|^tls_key .*|tls_key $P/$k.key|; s|^tls_cert .*|tls_cert $P/$k.crt|" "$T/$1.gw.conf"
	  printf 'site_id %s\nevidence on\nevidence_dir %s\n' "$1" "$T/ev-$1"; } >"$T/$1.ev.conf"
}
# run ID PCAP [goipwatchd options]: replay and wait for the spool to drain
run() {
	id=$1 pcap=$2
	shift 2
	timeout 120 "$GWD" -v -r "$pcap" -f "$T/$id.ev.conf" -W 60 -w /dev/null "$@" \
	    2>>"$T/$id.gwd.log"
}
# bg ID: the GoIP capture in the background ($! is goipwatchd's pid)
bg() {
	"$GWD" -v -r "$LAB/goip-4lines.pcap" -f "$T/$1.ev.conf" -W 60 -w /dev/null \
	    2>>"$T/$1.gwd.log" &
	PIDS="$PIDS $!"
}
# under_way ID: waits until the appliance has spooled everything (its replay
# ended: the exit counters) and central has stored a first chunk of it
under_way() {
	i=0
	until grep -q 'evidence transfer:' "$T/$1.gwd.log" && [ "$(sql "SELECT COUNT(*)
	    FROM records WHERE appliance = '$1' AND type = 'evidence'")" != 0 ]; do
		i=$((i + 1)); [ $i -gt 400 ] && fail "$1: no chunk stored"
		sleep 0.05
	done
}
files() { ls "$T/ev-$1"/*.pcapng 2>/dev/null | wc -l; }
stored() { sql "SELECT COUNT(*) FROM evidence WHERE appliance = '$1'"; }
# each file the appliance wrote is at central once, under its sha256, verified
arrived_once() {
	for f in "$T/ev-$1"/*.pcapng; do
		s=$(sha256sum <"$f" | cut -d' ' -f1)
		[ "$(sql "SELECT COUNT(*) FROM evidence WHERE sha256 = '$s'")" = 1 ] || return 1
		cmp -s "$f" "$EVC/$(echo "$s" | cut -c1-2)/$s.pcapng" || return 1
	done
	[ "$(stored "$1")" -eq "$(files "$1")" ] &&
	[ "$(sql "SELECT COUNT(*) FROM (SELECT 1 FROM records WHERE appliance = '$1' AND
	    type = 'evidence' GROUP BY body HAVING COUNT(*) > 1) x")" = 0 ]
}

# 1. the GoIP capture
evconf gw1 "$PORT"
run gw1 "$LAB/goip-4lines.pcap" || { tail -n 20 "$T/gw1.gwd.log"; fail "goipwatchd gw1"; }
check "goipwatchd wrote evidence files" [ "$(files gw1)" -ge 2 ]
check "every file arrived once, verified, content-addressed" arrived_once gw1
check "the appliance counts the files it spooled" \
    grep -q "evidence transfer: $(files gw1) files in [0-9]* chunks .*, 0 could not go" "$T/gw1.gwd.log"
URG=$(sql "SELECT l.sha256 FROM evidence_links l JOIN lead_records r ON
    r.appliance = l.appliance AND r.seq = l.seq JOIN leads d ON d.id = r.lead_id
    WHERE l.appliance = 'gw1' AND d.tier = 'urgent' ORDER BY l.seq DESC LIMIT 1")
F=$EVC/$(echo "$URG" | cut -c1-2)/$URG.pcapng
check "the urgent lead's last detection links its file" test -s "$F"
check "tshark: the REGISTER with the GoIP User-Agent" test "$(tshark -r "$F" \
    -Y 'sip.Method == "REGISTER" && sip.User-Agent contains "dble"' 2>/dev/null | wc -l)" -ge 1
tshark -r "$F" -Y 'sip.Method == "INVITE"' -T fields -e sip.r-uri.user 2>/dev/null | sort -u >"$T/inv"
check "tshark: INVITEs with mobile callee numbers" \
    test "$(grep -c '^1[3-9][0-9]\{9\}$' "$T/inv")" -ge 8
check "tshark: SMS-server frames with IMEIs" test "$(tshark -r "$F" \
    -Y 'udp.port == 44444 && frame contains "imei:86"' 2>/dev/null | wc -l)" -ge 1
check "tshark: per-packet comments" sh -c 'tshark -r "$1" -T fields -e frame.comment 2>/dev/null |
    grep -q termination_pattern' _ "$F"
sql "SELECT sig FROM evidence WHERE sha256 = '$URG'" | /usr/bin/python3 -c \
    'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read().strip()))' >"$T/urg.sig"
check "the stored signature verifies with the appliance's certificate" \
    "$B/goipwatch-evidence" verify "$F" --cert "$P/gw1.crt" --sig "$T/urg.sig"
check "custody: received and verified in the audit trail, per file" [ \
    "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'evidence.verified' AND who = 'gw1'")" \
    -eq "$(files gw1)" -a \
    "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'evidence.received' AND who = 'gw1'")" \
    -eq "$(files gw1)" ]
check "no chunk left in transfer" [ "$(sql "SELECT COUNT(*) FROM evidence_parts")" = 0 ]

# the commands: list, verify, get, and the offline check against the office CA
LEAD=$(sql "SELECT r.lead_id FROM evidence_links l JOIN lead_records r ON
    r.appliance = l.appliance AND r.seq = l.seq WHERE l.sha256 = '$URG'")
ctl evidence list "$LEAD" >"$T/list"
check "evidence list LEAD names the file" grep -q "^$URG .* gw1 .* verified" "$T/list"
check "evidence verify LEAD" ctl evidence verify "$LEAD"
mkdir "$T/out"
check "evidence get LEAD" ctl evidence get "$LEAD" -o "$T/out"
check "the download is in the audit trail" [ "$(sql "SELECT COUNT(*) FROM audit WHERE
    action = 'evidence.downloaded' AND target = 'evidence:$URG'")" = 1 ]
check "the manifest is JSON naming the file" /usr/bin/python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))
sys.exit(0 if any(f["sha256"] == sys.argv[2] for f in m["files"]) else 1)' \
    "$T/out/lead-$LEAD.json" "$URG"
check "evidence verify FILE, offline against the office CA" \
    "$C" evidence verify "$T/out/$URG.pcapng" --ca "$P/ca.crt"
printf 'X' | dd of="$T/out/$URG.pcapng" bs=1 seek=300 conv=notrunc 2>/dev/null
check "a flipped byte fails evidence verify FILE" not "$C" evidence verify \
    "$T/out/$URG.pcapng" --ca "$P/ca.crt"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/o.key" \
    -out "$T/other-ca.crt" -days 2 -subj /CN=other >/dev/null 2>&1
cp "$EVC/$(echo "$URG" | cut -c1-2)/$URG.pcapng" "$T/out/$URG.pcapng"
check "another office's CA fails evidence verify FILE" not "$C" evidence verify \
    "$T/out/$URG.pcapng" --ca "$T/other-ca.crt"

# the console API: the lead's files, and one file's package (a tar) for lead roles only
api_port c1
for r in analyst carrier engineer; do
	carrier=""
	[ $r = carrier ] && carrier="--carrier 46001"
	# shellcheck disable=SC2086
	echo "pw-$r-secret-long" | ctl user add "u.$r" --role $r $carrier --password-stdin >/dev/null ||
	    fail "user add u.$r"
	tok=$(ctl user token "u.$r" --role $r) || fail "user token u.$r"
	eval "TOK_$r=\${tok##* }"
done
get() {	# get ROLE PATH OUT: the HTTP status
	eval "_t=\$TOK_$1"
	curl -s -o "$3" -w '%{http_code}' --cacert "$P/ca.crt" -H "Authorization: Bearer $_t" \
	    "https://127.0.0.1:$API$2"
}
code=$(get analyst "/api/v1/leads/$LEAD/evidence" "$T/list.json")
check "API: the lead's files listed" sh -c '[ "$1" = 200 ] && grep -q "$2" "$3"' _ "$code" "$URG" \
    "$T/list.json"
check "API: the package downloads (analyst)" \
    [ "$(get analyst "/api/v1/leads/$LEAD/evidence/$URG" "$T/pkg.tar")" = 200 ]
mkdir "$T/pkg"
tar -xf "$T/pkg.tar" -C "$T/pkg" || fail "the package is not a tar"
check "API: the package holds pcapng, signature, certificate, manifest" test -s "$T/pkg/$URG.pcapng" \
    -a -s "$T/pkg/$URG.pcapng.sig" -a -s "$T/pkg/$URG.pcapng.crt" -a -s "$T/pkg/manifest.json"
check "API: the manifest names the lead, the file and the detection records naming it" \
    /usr/bin/python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))
ok = m["lead"] == int(sys.argv[3]) and m["file"]["sha256"] == sys.argv[2] and \
    m["certificates"]["office_ca"] == "ca.crt" and len(m["detections"]) >= 1 and \
    all(json.loads(d["record"])["evidence_file"]["sha256"] == sys.argv[2] for d in m["detections"])
sys.exit(0 if ok else 1)' "$T/pkg/manifest.json" "$URG" "$LEAD"
check "API: the package carries the office CA" cmp -s "$T/pkg/ca.crt" "$P/ca.crt"
check "API: the package verifies offline against the office CA" \
    "$C" evidence verify "$T/pkg/$URG.pcapng" --ca "$P/ca.crt"
check "API: carrier refused" [ "$(get carrier "/api/v1/leads/$LEAD/evidence/$URG" /dev/null)" = 403 ]
check "API: engineer refused" [ "$(get engineer "/api/v1/leads/$LEAD/evidence/$URG" /dev/null)" = 403 ]
check "API: a file of no such lead is 404" [ "$(get analyst "/api/v1/leads/999/evidence/$URG" /dev/null)" = 404 ]
check "API: the download is in the audit trail" [ "$(sql "SELECT COUNT(*) FROM audit WHERE
    action = 'evidence.downloaded' AND who = 'u.analyst' AND target = 'evidence:$URG' AND result = 'ok'")" = 1 ]

# 2. gw2 sends files signed with gw1's key: written offline (port 1), sent as gw2
evconf gw2 1 gw1
run gw2 "$LAB/goip-1line.pcap" -W 1 || true
check "gw2 spooled evidence files" [ "$(files gw2)" -ge 1 ]
evconf gw2 "$PORT"
run gw2 "$LAB/pbx.pcap" || { tail -n 20 "$T/gw2.gwd.log"; fail "goipwatchd gw2"; }
check "another appliance's key: nothing stored" [ "$(stored gw2)" = 0 ]
check "another appliance's key: refused and counted" [ "$(sql "SELECT COUNT(*) FROM audit
    WHERE action = 'evidence.refused' AND who = 'gw2'")" -eq "$(files gw2)" ]

# 3. benign captures: no file
evconf gw3 "$PORT"
run gw3 "$LAB/pbx.pcap" && run gw3 "$LAB/callcentre.pcap" || fail "goipwatchd gw3"
check "benign captures: no evidence file, none at central" [ "$(files gw3)" = 0 -a "$(stored gw3)" = 0 ]

# 4. kill -9 of the appliance during the transfer, slow storage
stop_central "$CPID"
central_conf c1 "$DB" "evidence_dir $EVC" "store_delay_ms 150"
start_central c1
evconf gw4 "$PORT"
bg gw4
GP=$!
under_way gw4
kill -9 "$GP"; wait "$GP" 2>/dev/null
check "kill -9 of the appliance: the transfer was under way" [ "$(stored gw4)" -lt "$(files gw4)" ]
run gw4 "$LAB/pbx.pcap" || { tail -n 20 "$T/gw4.gwd.log"; fail "goipwatchd gw4 after kill -9"; }
check "kill -9 of the appliance: every file arrived once and verified" arrived_once gw4

# 5. kill -9 of central during the transfer
evconf gw5 "$PORT"
bg gw5
GP=$!
under_way gw5
kill -9 "$CPID"; wait "$CPID" 2>/dev/null
check "kill -9 of central: the transfer was under way" [ "$(stored gw5)" -lt "$(files gw5)" ]
PORT_WAS=$PORT
central_conf c1 "$DB" "evidence_dir $EVC" "listen 127.0.0.1:$PORT_WAS"
start_central c1
wait "$GP" || { tail -n 20 "$T/gw5.gwd.log"; fail "goipwatchd gw5 did not drain"; }
check "kill -9 of central: every file arrived once and verified" arrived_once gw5

# 6. files of several chunks (200 kB: 4 chunks each), kill -9 of central between
# chunks of one file: the part file resumes, each file arrives once and verifies
need_bin "$B/uplink_sender"
"$ROOT/scripts/certs.sh" "$P" appliance gw6 >/dev/null 2>&1 || fail "certs.sh gw6"
stop_central "$CPID"
central_conf c1 "$DB" "evidence_dir $EVC" "listen 127.0.0.1:$PORT_WAS" "store_delay_ms 150"
start_central c1
"$B/uplink_sender" -s "$T/sp6" -p "$PORT" -a "$P/ca.crt" -c "$P/gw6.crt" -k "$P/gw6.key" \
    -b 100 -E 3 -Z 200000 -w -t 90 >"$T/gw6.out" 2>&1 &
SP=$!
PIDS="$PIDS $SP"
# aim at the gap store_delay_ms leaves between a file's completion (renamed into
# place) and its commit: a replay then finds the file in place and no row
i=0
until [ -s "$T/sp6.ev/ev-1.pcapng.sig" ]; do
	i=$((i + 1)); [ $i -gt 400 ] && fail "gw6: no file written"
	sleep 0.05
done
S1=$(sha256sum <"$T/sp6.ev/ev-1.pcapng" | cut -d' ' -f1)
i=0
until [ -e "$EVC/$(echo "$S1" | cut -c1-2)/$S1.pcapng" ]; do
	i=$((i + 1)); [ $i -gt 2000 ] && fail "gw6: the first file never completed"
	sleep 0.01
done
kill -9 "$CPID"; wait "$CPID" 2>/dev/null
echo "gw6: the first file's row was $( [ "$(sql "SELECT COUNT(*) FROM evidence WHERE
    sha256 = '$S1'")" = 0 ] && echo "not yet committed" || echo "committed") at the kill"
check "several chunks: central killed in the middle of the transfer" [ "$(stored gw6)" -lt 3 ]
central_conf c1 "$DB" "evidence_dir $EVC" "listen 127.0.0.1:$PORT_WAS"
start_central c1
wait "$SP" || { cat "$T/gw6.out"; fail "uplink_sender gw6"; }
six() {
	[ "$(stored gw6)" = 3 ] || return 1
	for f in "$T"/sp6.ev/ev-*.pcapng; do
		s=$(sha256sum <"$f" | cut -d' ' -f1)
		cmp -s "$f" "$EVC/$(echo "$s" | cut -c1-2)/$s.pcapng" || return 1
	done
	[ "$(sql "SELECT COUNT(*) FROM evidence_parts WHERE appliance = 'gw6'")" = 0 ]
}
check "several chunks: each file once, whole, verified" six

# 7. evidence_dir_max: half the bytes gw1's run left there. The oldest spooled
# files go with their signatures; every file still reaches central once.
dirbytes() { cat "$T/ev-$1"/* 2>/dev/null | wc -c; }
CAP=$(( $(dirbytes gw1) / 2 ))
evconf gw7 "$PORT"
printf 'evidence_dir_max %s\n' "$CAP" >>"$T/gw7.ev.conf"
run gw7 "$LAB/goip-4lines.pcap" || { tail -n 20 "$T/gw7.gwd.log"; fail "goipwatchd gw7"; }
grep -o 'evidence_dir: .*' "$T/gw7.gwd.log"
N7=$(sed -n 's/.*evidence transfer: \([0-9]*\) files.*/\1/p' "$T/gw7.gwd.log")
check "evidence_dir_max: files were pruned, and counted" \
    grep -q "evidence_dir: [0-9]* bytes kept, [1-9][0-9]* files" "$T/gw7.gwd.log"
check "evidence_dir_max: the directory holds at most the cap (or only the newest file)" \
    sh -c '[ "$1" -le "$2" ] || [ "$3" = 1 ]' _ "$(dirbytes gw7)" "$CAP" "$(files gw7)"
check "evidence_dir_max: a pruned file's signature went with it" sh -c \
    'for s in "$1"/*.sig; do [ -e "${s%.sig}" ] || exit 1; done' _ "$T/ev-gw7"
check "evidence_dir_max: every file spooled reached central once" \
    [ "$(stored gw7)" = "$N7" -a "$N7" -gt "$(files gw7)" ]

# 8. retention (evidence_days 365): every file a year old. The lead the GoIP
# files are linked to confirmed or dismantled: those kept, gw6's (no lead) go;
# then acknowledged: all deleted, each logged.
stop_central "$CPID"
sql "UPDATE evidence SET received = received - 400 * 86400"
sql "UPDATE leads SET status = 'confirmed' WHERE id = $LEAD"
kept() {	# files linked to the lead and not deleted
	sql "SELECT COUNT(DISTINCT e.sha256) FROM evidence e JOIN evidence_links l ON
	    l.sha256 = e.sha256 JOIN lead_records r ON r.appliance = l.appliance AND
	    r.seq = l.seq WHERE r.lead_id = $LEAD AND e.deleted IS NULL"
}
NF=$(kept)
ctl housekeep
check "retention: a confirmed lead's files are kept" [ "$(kept)" = "$NF" -a -s "$F" ]
check "retention: files of no lead are deleted" [ "$(sql "SELECT COUNT(*) FROM evidence
    WHERE appliance = 'gw6' AND deleted IS NOT NULL")" = 3 ]
sql "UPDATE leads SET status = 'dismantled' WHERE id = $LEAD"
ctl housekeep
check "retention: a dismantled lead's files are kept" [ "$(kept)" = "$NF" ]
sql "UPDATE leads SET status = 'acknowledged' WHERE id = $LEAD"
ctl housekeep
gone() {	# each file is marked deleted, gone from disk and its deletion logged
	for s in $(sql "SELECT sha256 FROM evidence"); do
		[ -n "$(sql "SELECT deleted FROM evidence WHERE sha256 = '$s'")" ] || return 1
		[ ! -e "$EVC/$(echo "$s" | cut -c1-2)/$s.pcapng" ] || return 1
		[ "$(sql "SELECT COUNT(*) FROM audit WHERE action = 'evidence.deleted'
		    AND target = 'evidence:$s'")" = 1 ] || return 1
	done
}
check "retention: an acknowledged lead's files are deleted, each logged" gone
check "evidence list shows them deleted" sh -c '! grep -q verified "$1"' _ "$(ctl evidence list "$LEAD" >"$T/list2"; echo "$T/list2")"
finish
