#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Evidence files (docs/evidence.md): the lab's GoIP capture replayed with
# evidence on gives, for the urgent line, a pcapng tshark opens, with the
# REGISTER carrying the GoIP User-Agent, the foreign INVITEs with their mobile
# callees, the SMS-server frames with IMEIs, per-packet and section comments,
# and a signature that verifies (and fails for a flipped byte or another key).
# Benign captures give no file; detections are the same as with evidence off;
# a run with many lines stays within its bounds and counts its drops.
. "$(dirname "$0")/lib.sh"
need_bin "$GWD" "$B/goipwatch-evidence"
need_cmd tshark capinfos openssl python3
EVT=$B/goipwatch-evidence
LAB=$ROOT/tests/data/lab

key() {	# key NAME: an ECDSA P-256 key and a self-signed certificate
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$TMP/$1.key" -out "$TMP/$1.crt" -days 2 -subj "/CN=$1" \
	    >/dev/null 2>&1 || fail "openssl cannot make a key"
}
key appl1
key appl2
conf() {	# conf FILE DIR [extra lines]
	_f=$1 _d=$2; shift 2
	{ cat "$ROOT/tests/eval/eval.conf"
	  printf 'site_id lab-1\nevidence on\nevidence_dir %s\ntls_key %s\n' "$_d" "$TMP/appl1.key"
	  for _l in "$@"; do echo "$_l"; done; } >"$_f"
}
tsh() { tshark -r "$@" 2>/dev/null; }

# --- the GoIP capture ----------------------------------------------------------
conf "$TMP/on.conf" "$TMP/ev"
$GWD -f "$TMP/on.conf" -r "$LAB/goip-4lines.pcap" -w "$TMP/on.jsonl" ||
	fail "goipwatchd with evidence on failed"
$GWD -f "$ROOT/tests/eval/eval.conf" -r "$LAB/goip-4lines.pcap" -w "$TMP/off.jsonl" ||
	fail "goipwatchd with evidence off failed"
python3 - "$TMP/on.jsonl" "$TMP/last" <<'PY' || fail "no urgent detection with an evidence file"
import json, sys
last = None
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["type"] == "detection" and r["tier"] == "urgent" and "evidence_file" in r:
        last = r
if last is None:
    sys.exit(1)
open(sys.argv[2], "w").write("%s %s %d\n" % (last["evidence_file"]["file"], last["evidence_file"]["sha256"],
                                              last["evidence_file"]["packets"]))
PY
read -r name sha npk <"$TMP/last"
F=$TMP/ev/$name
check "the urgent line's evidence file and its signature are on disk" test -s "$F" -a -s "$F.sig"
check "no temporary file is left" not sh -c 'ls "$1"/*.tmp 2>/dev/null | grep -q .' _ "$TMP/ev"
check "tshark reads it whole ($npk packets)" test "$(tsh "$F" | wc -l)" -eq "$npk"
check "the record's sha256 is the file's" test "$(sha256sum <"$F" | cut -d' ' -f1)" = "$sha"
check "the REGISTER with the GoIP User-Agent" \
	test "$(tsh "$F" -Y 'sip.Method == "REGISTER" && sip.User-Agent contains "dble"' | wc -l)" -ge 1
tsh "$F" -Y 'sip.Method == "INVITE"' -T fields -e ip.src -e sip.r-uri.user | sort -u >"$TMP/inv"
check "INVITEs from the foreign softswitch to mobile callees" \
	test "$(grep -c '^203\.0\.113\.10	1[3-9][0-9]\{9\}$' "$TMP/inv")" -ge 8
check "SMS-server frames with IMEIs" \
	test "$(tsh "$F" -Y 'udp.port == 44444 && frame contains "imei:86"' | wc -l)" -ge 1
tsh "$F" -T fields -e frame.comment >"$TMP/comments"
check "every packet has a comment" not grep -qx '' "$TMP/comments"
check "comments name the evidence kinds" sh -c 'grep -q sip_user_agent "$1" &&
	grep -q termination_pattern "$1" && grep -q sms_server_keepalive "$1"' _ "$TMP/comments"
# RTP: the first packet of each stream of the held line, cut after the RTP header
tsh "$F" -Y 'frame.comment contains "media: the first packet of an RTP stream"' \
    -d udp.port==16000-32767,rtp -T fields -e frame.len -e frame.cap_len -e rtp.version \
    -e rtp.payload >"$TMP/rtp"
check "RTP streams of the line are kept ($(wc -l <"$TMP/rtp") first packets)" test -s "$TMP/rtp"
check "their headers only: RTP version 2, no payload byte, cut short of the wire length" \
    awk -F'\t' '$3 != 2 || ($4 != "" && $4 != "<MISSING>") || $2 >= $1 { exit 1 }' "$TMP/rtp"
conf "$TMP/pay.conf" "$TMP/ev-pay" "evidence_rtp payload"
$GWD -f "$TMP/pay.conf" -r "$LAB/goip-4lines.pcap" -w "$TMP/pay.jsonl" || bad "evidence_rtp payload failed"
tsh "$(ls -S "$TMP"/ev-pay/*.pcapng | head -n 1)" -Y 'frame.comment contains "with its payload"' \
    -T fields -e frame.len -e frame.cap_len >"$TMP/rtp-pay"
check "evidence_rtp payload keeps the voice payload whole" sh -c \
    'test -s "$1" && awk -F"\t" "\$1 != \$2 { exit 1 }" "$1"' _ "$TMP/rtp-pay"
conf "$TMP/nortp.conf" "$TMP/ev-nortp" "evidence_rtp off"
$GWD -f "$TMP/nortp.conf" -r "$LAB/goip-4lines.pcap" -w "$TMP/nortp.jsonl" || bad "evidence_rtp off failed"
check "evidence_rtp off keeps no RTP" not sh -c 'for f in "$1"/*.pcapng; do
    tshark -r "$f" -T fields -e frame.comment 2>/dev/null; done | grep -q "media:"' _ "$TMP/ev-nortp"
check "the section comment names appliance, line and detection" sh -c \
	'capinfos "$1" | tr "\n" " " | grep -q "appliance: lab-1 line: 100.64.1.10 .*tier: urgent"' _ "$F"
check "the signature verifies" "$EVT" verify "$F" --cert "$TMP/appl1.crt"
cp "$F" "$TMP/flip.pcapng" && cp "$F.sig" "$TMP/flip.pcapng.sig"
printf 'X' | dd of="$TMP/flip.pcapng" bs=1 seek=200 conv=notrunc 2>/dev/null
check "a flipped byte fails" not "$EVT" verify "$TMP/flip.pcapng" --cert "$TMP/appl1.crt"
check "another appliance's certificate fails" not "$EVT" verify "$F" --cert "$TMP/appl2.crt"

# detections are those of evidence off, less the evidence field
strip() { python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["type"] == "detection":
        r.pop("evidence_file", None)
        print(json.dumps(r, sort_keys=True))' "$1"; }
strip "$TMP/on.jsonl" >"$TMP/on.det"; strip "$TMP/off.jsonl" >"$TMP/off.det"
check "detections equal evidence off's, less the evidence field" cmp -s "$TMP/on.det" "$TMP/off.det"
check "detection records have no duplicate key" python3 -c '
import json, sys
def once(pairs):
    keys = [k for k, v in pairs]
    if len(keys) != len(set(keys)):
        sys.exit("duplicate key in %s" % keys)
    return dict(pairs)
for l in open(sys.argv[1]):
    json.loads(l, object_pairs_hook=once)' "$TMP/on.jsonl"
check "with evidence off no record has an evidence file" not grep -q '"sha256"' "$TMP/off.jsonl"

# the same files whatever the threads: direct (reader_thread off) and -j 2
shas() { grep -o '"sha256":"[0-9a-f]*"' "$1" | sort; }
conf "$TMP/direct.conf" "$TMP/ev-direct" "reader_thread off"
$GWD -f "$TMP/direct.conf" -r "$LAB/goip-4lines.pcap" -w "$TMP/direct.jsonl" ||
	bad "reader_thread off failed"
$GWD -f "$TMP/on.conf" -j 2 -r "$LAB/goip-4lines.pcap" -w "$TMP/j2.jsonl" || bad "-j 2 failed"
shas "$TMP/on.jsonl" >"$TMP/s.on"; shas "$TMP/direct.jsonl" >"$TMP/s.direct"
shas "$TMP/j2.jsonl" >"$TMP/s.j2"
check "reader_thread off writes the same files" cmp -s "$TMP/s.on" "$TMP/s.direct"
check "-j 2 writes the same files" cmp -s "$TMP/s.on" "$TMP/s.j2"

# pseudonymised numbers: no evidence at all
conf "$TMP/pseudo.conf" "$TMP/ev-pseudo" "pseudonymise_key 00112233445566778899aabbccddeeff"
$GWD -f "$TMP/pseudo.conf" -r "$LAB/goip-4lines.pcap" -w "$TMP/pseudo.jsonl" ||
	bad "pseudonymised run failed"
check "pseudonymised numbers: no evidence file" not sh -c 'ls "$1" | grep -q pcapng' _ "$TMP/ev-pseudo"

# --- the RADIUS and PPP packets that named the account ----------------------------
python3 "$ROOT/tests/integration/evidence_account.py" radius "$LAB/goip-4lines.pcap" "$TMP/radius.pcap" ||
	fail "cannot write the RADIUS capture"
conf "$TMP/radius.conf" "$TMP/ev-radius"
$GWD -f "$TMP/radius.conf" -r "$TMP/radius.pcap" -w "$TMP/radius.jsonl" ||
	fail "goipwatchd with RADIUS accounting failed"
$GWD -f "$TMP/radius.conf" -j 2 -r "$TMP/radius.pcap" -w "$TMP/radius-j2.jsonl" ||
	fail "goipwatchd -j 2 with RADIUS accounting failed"
radius_in() {	# radius_in FILE: "number status framed-ip comment" of each RADIUS packet
	tsh "$1" -Y radius -T fields -e frame.number -e radius.Acct_Status_Type \
	    -e radius.Framed-IP-Address -e frame.comment | tr '\t' ' '
}
ok_files() {	# each file begins with the Start naming the line's account; the last has the Interim
	for f in "$TMP"/ev-radius/*.pcapng; do
		radius_in "$f" | head -n 1 | grep -qx '1 1 100.64.1.10 account' || return 1
		! radius_in "$f" | grep -q '100.64.1.99' || return 1
	done
	radius_in "$f" | grep -q '^[0-9]* 3 100.64.1.10 account$'
}
check "RADIUS: files were written" sh -c 'ls "$1"/*.pcapng >/dev/null 2>&1' _ "$TMP/ev-radius"
check "RADIUS: the Start naming the account leads each file (comment: account), the Interim is in the last, another account's in none" ok_files
check "RADIUS: the detections name the account" grep -q '"account":"acct-goip-10"' "$TMP/radius.jsonl"
check "RADIUS: the account frames are counted" \
	grep -q '"account_frames":2,"account_frames_replaced":0,"account_frames_refused":0' "$TMP/radius.jsonl"
shas "$TMP/radius.jsonl" >"$TMP/s.r"; shas "$TMP/radius-j2.jsonl" >"$TMP/s.rj2"
check "RADIUS: -j 2 writes the same files" cmp -s "$TMP/s.r" "$TMP/s.rj2"
python3 "$ROOT/tests/integration/evidence_account.py" pppoe "$LAB/goip-4lines.pcap" "$TMP/pppoe.pcap" ||
	fail "cannot write the PPPoE capture"
conf "$TMP/pppoe.conf" "$TMP/ev-pppoe"
$GWD -f "$TMP/pppoe.conf" -r "$TMP/pppoe.pcap" -w "$TMP/pppoe.jsonl" ||
	fail "goipwatchd with PPPoE failed"
pap_first() {	# each file of the session's line begins with its PAP request, commented account
	ls "$TMP"/ev-pppoe/*-p7-*.pcapng >/dev/null 2>&1 || return 1
	for f in "$TMP"/ev-pppoe/*.pcapng; do
		tsh "$f" -Y 'frame.number == 1' -T fields -e pap.peer_id -e frame.comment |
		    grep -qx 'acct-ppp-7	account' || return 1
		! tsh "$f" -Y pap -T fields -e pap.peer_id | grep -q acct-quiet || return 1
	done
}
check "PPP: the PAP request naming the session's account leads each file (comment: account), another session's in none" pap_first

# --- benign captures: no file ----------------------------------------------------
for n in pbx callcentre home; do
	conf "$TMP/$n.conf" "$TMP/ev-$n"
	$GWD -f "$TMP/$n.conf" -r "$LAB/$n.pcap" -w "$TMP/$n.jsonl" || bad "$n: goipwatchd failed"
	check "$n: no evidence file" not sh -c 'ls "$1" | grep -q .' _ "$TMP/ev-$n"
done

# --- bad configurations fail at start with a message -------------------------------
conf "$TMP/nokey.conf" "$TMP/ev-nokey" "tls_key $TMP/missing.key"
check "a missing tls_key is refused at start" sh -c \
	'! "$1" -f "$2" -r "$3" -w /dev/null 2>"$4" && grep -q "missing.key" "$4"' _ \
	"$GWD" "$TMP/nokey.conf" "$LAB/home.pcap" "$TMP/nokey.err"

# --- many lines: bounded, drops counted ---------------------------------------------
python3 "$ROOT/tests/integration/evidence_lines.py" "$TMP/many.pcap" 3000 ||
	fail "cannot write the many-lines capture"
conf "$TMP/many.conf" "$TMP/ev-many" "evidence_lines 100" "evidence_packets 8" \
	"evidence_snaplen 512" "evidence_memory 131072" "evidence_lookback 16"
$GWD -f "$TMP/many.conf" -r "$TMP/many.pcap" -w "$TMP/many.jsonl" || bad "many lines: goipwatchd failed"
python3 - "$TMP/many.jsonl" >"$TMP/many.st" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["type"] == "stats":
        e = r["evidence"]
        print(e["lines"], e["lines_refused"], e["drop_packets"] + e["drop_memory"], e["slots"],
              e["files"], r["memory_bytes"])
PY
read -r lines refused dropped slots files mem <"$TMP/many.st"
echo "    many lines: $lines lines kept, $refused packets refused (line bound), $dropped evicted, $slots slots, $files files"
check "many lines: at most evidence_lines lines" test "$lines" -eq 100
check "many lines: the line bound is counted" test "$refused" -gt 0
check "many lines: evictions are counted" test "$dropped" -gt 0
check "many lines: the slab stays within evidence_memory" test "$slots" -le $((131072 / 512))
check "many lines: one file per detection of a kept line" test "$files" -ge 100
finish
