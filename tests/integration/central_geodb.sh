#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The country database pushed by central without a firmware update
# (docs/deployment.md, Country database pushes): a real goipwatch-central and
# a real goipwatchd capturing live on lo. The download is killed (-9) midway
# with small chunks and resumes where it stopped after the restart; the
# database then answers -q and the detect stage reopens it. A bad signature,
# an oversized offer, a tampered and a truncated copy at central and a file
# libmaxminddb refuses are each refused with their exact reason, counted at
# central, and the database before stays in force. Then a hostile appliance
# (file_peer.py) asks central for bytes past the end, of a version it was not
# offered and more than a chunk: each closes the session with its error. Last
# a hostile central (file_central.py) sends goipwatchd a chunk nobody asked
# for, one at another offset, and none at all: refused, the database stays.
set -u
. "$(dirname "$0")/central_lib.sh"
need_root "live capture on lo"
need_bin "$GWD"
./scripts/geodb.sh "$BUILD/geo" >/dev/null 2>&1 || skip "no country database (scripts/geodb.sh needs npm once)"
MMDB=$BUILD/geo/country.mmdb
pki
if [ "${CENTRAL_PG:-0}" = 1 ]; then pg_start; else DB="sqlite:$T/c.db"; fi
central_conf c1 "$DB" "files_dir $T/files"
start_central c1
CONF=c1
G=""
SP=$T/spool-gw-a

gwd_start() {	# gwd_start [conf lines...]: goipwatchd gw-a, live on lo
	gw_conf gw-a "$PORT"
	{ echo "geoip_db $T/none.mmdb"
	  for l in "$@"; do echo "$l"; done; } >> "$T/gw-a.gw.conf"
	"$GWD" -v -i lo -D pcap-live -f "$T/gw-a.gw.conf" -w /dev/null -M 0 \
	    -X nowatchdog 2>>"$T/gwd.log" &
	G=$!
	PIDS="$PIDS $G"
}
gwd_stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
# await_status GLOB: geodb status of gw-a matches within 90 s
await_status() {
	_i=0
	until ctl geodb status 2>/dev/null | grep -q "^gw-a .*$1"; do
		_i=$((_i + 1))
		[ $_i -gt 900 ] && { ctl geodb status; tail -n 5 "$T/gwd.log"; return 1; }
		sleep 0.1
	done
}
where() { "$GWD" -n -f "$T/gw-a.gw.conf" -q "$1" 2>/dev/null | tail -n 1; }
size() { stat -c %s "$1" 2>/dev/null || echo 0; }

gwd_start "file_chunk_bytes 512"	# small chunks: the kill comes midway
await_line "$T/gwd.log" "session up" "$G" "goipwatchd"
check "before any push 114.114.114.114 is foreign (no database)" \
    has "$(where 114.114.114.114)" "114.114.114.114 foreign (foreign), country unknown"

# 1. A good database; the daemon is killed midway and the download resumes
ctl geodb add "$MMDB" --label "dbip-country-lite test" >"$T/add1.out" || fail "geodb add"
v1=$(awk '{ print $5 }' "$T/add1.out")
check "geodb add signs and stores a version" has "$v1" "[0-9]*"
i=0
while [ "$(size "$SP/geodb.part")" -lt 200000 ]; do
	i=$((i + 1)); [ $i -gt 3000 ] && fail "no download under way: $(ctl geodb status)"
	sleep 0.01
done
kill -9 "$G"; wait "$G" 2>/dev/null
held=$(size "$SP/geodb.part")
check "killed midway: $held of $(size "$MMDB") bytes held" [ "$held" -lt "$(size "$MMDB")" ]
check "nothing installed yet" [ ! -e "$SP/geodb.mmdb" ]
gwd_start "file_chunk_bytes 512"
check "installed after the restart" await_status "$v1 *installed"
check "the download resumed where it stopped (byte $held)" \
    grep -q "geodb version $v1: resuming at byte $held of" "$T/gwd.log"
check "the installed file is the one central holds" cmp -s "$MMDB" "$SP/geodb.mmdb"
check "the part files are gone" [ ! -e "$SP/geodb.part" ]
check "-q answers from the pushed database" \
    has "$(where 114.114.114.114)" "114.114.114.114 domestic (home_country), country CN"
check "the detect stage reopened it without a restart of capture" \
    grep -q "detect: country database $SP/geodb.mmdb" "$T/gwd.log"
check "appliances shows the answer" sh -c "'$C' -f '$T/c1.conf' appliances | grep -q 'gw-a .* $v1/installed'"

check "in chunks of 512 bytes" [ $((held % 512)) -eq 0 ]
gwd_stop "$G"
gwd_start

# 2. Signed with another key: refused before a byte is fetched
openssl ecparam -name prime256v1 -genkey -noout -out "$T/other.key" 2>/dev/null
central_conf bad "$DB" "files_dir $T/files" "config_key $T/other.key"
"$C" -f "$T/bad.conf" geodb add "$MMDB" >"$T/add2.out" || fail "geodb add (other key)"
v2=$(awk '{ print $5 }' "$T/add2.out")
check "another key: bad_signature" await_status "$v2 *bad_signature: geodb version $v2: signature does not verify"
check "the database before stays" cmp -s "$MMDB" "$SP/geodb.mmdb"

# 3. Above geodb_max_bytes: refused at the offer
gwd_stop "$G"
gwd_start "geodb_max_bytes 4096"
ctl geodb add "$MMDB" >"$T/add3.out"
v3=$(awk '{ print $5 }' "$T/add3.out")
check "oversize: too_large" await_status "$v3 *too_large: .* above geodb_max_bytes 4096"
check "nothing fetched for it" [ ! -e "$SP/geodb.part" ]
gwd_stop "$G"

# 4. Central's copy tampered (same size) while the appliance is away
sha=$(sha256sum "$MMDB" | cut -d' ' -f1)
ctl geodb add "$MMDB" >"$T/add4.out"
v4=$(awk '{ print $5 }' "$T/add4.out")
printf 'X' | dd of="$T/files/$sha" bs=1 seek=100000 conv=notrunc 2>/dev/null
gwd_start
check "tampered: bad_hash" await_status "$v4 *bad_hash"
check "the database before stays" cmp -s "$MMDB" "$SP/geodb.mmdb"
gwd_stop "$G"

# 5. Central's copy truncated
ctl geodb add "$MMDB" >"$T/add5.out"
v5=$(awk '{ print $5 }' "$T/add5.out")
head -c 3000000 "$MMDB" > "$T/files/$sha"
gwd_start
check "truncated: transfer_failed" await_status "$v5 *transfer_failed: .*(truncated)"
check "the database before stays" cmp -s "$MMDB" "$SP/geodb.mmdb"
cp "$MMDB" "$T/files/$sha"

# 6. A file libmaxminddb refuses (the marker central checks, nothing else)
{ head -c 5000 /dev/urandom; printf '\253\315\357MaxMind.com'; } > "$T/junk.mmdb"
ctl geodb add "$T/junk.mmdb" >"$T/add6.out" || fail "geodb add junk"
v6=$(awk '{ print $5 }' "$T/add6.out")
check "invalid: libmaxminddb's reason" await_status "$v6 *invalid: geodb version $v6: not a usable database"
check "the database before stays in force" cmp -s "$MMDB" "$SP/geodb.mmdb"
check "-q still answers from it" \
    has "$(where 8.8.8.8)" "8.8.8.8 foreign (foreign), country US"
check "central refuses a non-MMDB at add" not ctl geodb add "$T/other.key"

kill -0 "$G" 2>/dev/null || fail "goipwatchd died"
gwd_stop "$G"

# 7. Central against a hostile appliance's requests (offered the junk file)
"$ROOT/scripts/certs.sh" "$T/pki" appliance gw-h >/dev/null 2>&1
peer() { /usr/bin/python3 "$ROOT/tests/integration/file_peer.py" "$PORT" "$T/pki" gw-h "$1" 2>&1; }
check "a good request gets the file's last 10 bytes" \
    has "$(peer ok)" "chunk $(($(size "$T/junk.mmdb") - 10)) 10"
check "an offset beyond the size: error 1" \
    has "$(peer beyond)" "error 1 file_get offset beyond the file's size"
check "a version not offered: error 4" has "$(peer other)" "error 4 file_get for a file not offered"
check "a chunk above 64 KiB asked: error 1" has "$(peer huge)" "error 1 malformed file_get"
check "an older appliance's hello (no features word) is offered no file" has "$(peer old)" "no offer"
# 8. The appliance against a hostile central (file_central.py)
/usr/bin/python3 "$ROOT/tests/integration/file_central.py" "$T/pki" "$T/fc.port" >"$T/fc.out" 2>&1 &
FC=$!
PIDS="$PIDS $FC"
i=0
while [ ! -s "$T/fc.port" ]; do i=$((i + 1)); [ $i -gt 200 ] && fail "file_central.py"; sleep 0.05; done
cport=$PORT
PORT=$(cat "$T/fc.port")
gwd_start
PORT=$cport
i=0
while kill -0 "$FC" 2>/dev/null; do i=$((i + 1)); [ $i -gt 600 ] && break; sleep 0.05; done
check "an unsolicited chunk is refused with error 4" \
    grep -q "^error 4 unsolicited file chunk" "$T/fc.out"
check "a chunk at another offset than asked too" \
    [ "$(grep -c "^error 4 unsolicited file chunk" "$T/fc.out")" -eq 2 ]
check "a chunk of no bytes before the end: transfer_failed (truncated)" \
    grep -q "^ack 7 geodb version 4611686018427387904: central sent no bytes at offset 0 of 100 (truncated)" "$T/fc.out" ||
    cat "$T/fc.out"
check "the database before stays" cmp -s "$MMDB" "$SP/geodb.mmdb"
gwd_stop "$G"

kill -USR1 "$CPID"
i=0
until grep -q "files: offers=" "$T/c1.log"; do
	i=$((i + 1)); [ $i -gt 100 ] && break
	sleep 0.05
done
check "central counted the offers and the answers" grep -q "files: offers=[1-9].* acks=[1-9]" "$T/c1.log"
finish
