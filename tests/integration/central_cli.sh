#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The office CLI on data from simulated appliances: rings (lines sharing a peer),
# SIM list as CSV, export, statistics per period, enrolment of an appliance CSR.
set -u
. "$(dirname "$0")/central_lib.sh"
pki
DB="sqlite:$T/c.db"
central_conf c1 "$DB"
start_central c1
# appliances 0 and 50 share foreign peer 198.51.100.0 (idx % 50): one ring
"$LOAD" -A "$T/pki/ca.crt" -K "$T/pki/ca.key" -p "$PORT" -n 60 -r 2 -b 5 >/dev/null ||
    fail "load"
ctl rings > "$T/rings.txt" || fail "rings"
check "10 rings" grep -q '^10 rings$' "$T/rings.txt" || cat "$T/rings.txt"
ctl sims --csv > "$T/sims.csv" || fail "sims"
check "60 SIMs" [ "$(wc -l < "$T/sims.csv")" -eq 61 ]
bom=$(printf '\357\273\277')
check "sims header" has "$(head -n 1 "$T/sims.csv")" "${bom}sim,carrier,imsi,iccid,msisdn,imei,lead,tier,status,*"
check "export json: 60 urgent" [ "$(ctl export --json | grep -c '"tier":"urgent"')" -eq 60 ]
check "export csv header" has "$(ctl export --csv | head -n 1)" "${bom}id,tier,status*"
for p in day week month; do ctl stats --period "$p" > "$T/stats.$p" || fail "stats $p"; done
cat "$T/stats.day"
check "stats: 60 leads that day" grep -q '^2026-11-29 *60 ' "$T/stats.day"
check "leads --tier urgent: 60" [ "$(ctl leads --tier urgent | tail -n 1)" = "60 leads" ]
check "leads --tier high: 0" [ "$(ctl leads --tier high | tail -n 1)" = "0 leads" ]
# enrolment: a CSR signed by the office CA verifies as a client certificate
"$ROOT/scripts/certs.sh" "$T/csr" ca >/dev/null 2>&1
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/new.key" 2>/dev/null
openssl req -new -key "$T/new.key" -subj "/O=goipwatch/CN=gw-new-7" -out "$T/new.csr"
ctl enroll "$T/new.csr" -o "$T/new.crt" 2>/dev/null || fail "enroll"
check "enrolled certificate verifies as a client" \
    has "$(openssl verify -CAfile "$T/pki/ca.crt" -purpose sslclient "$T/new.crt")" "*OK*"
"$LOAD" -A "$T/pki/ca.crt" -p "$PORT" -H hello -c "$T/new.crt" -k "$T/new.key" \
    -i gw-new-7 >/dev/null
check "enrolled appliance served" [ $? -eq 0 ]

# enrolment refuses CSRs whose CN is empty, missing or not [A-Za-z0-9._-]{1,64}
# (longer than 64: openssl refuses to write it; test_central_pki covers it)
for subj in "/O=goipwatch/CN=gw new 7" "/O=goipwatch" "/O=goipwatch/CN=gw,O=x" \
    "/O=goipwatch/CN=gw/CN=gw2"; do
	openssl req -new -key "$T/new.key" -subj "$subj" -out "$T/bad.csr" 2>/dev/null ||
	    fail "openssl req $subj"
	ctl enroll "$T/bad.csr" -o "$T/bad.crt" 2>"$T/err"
	check "enroll refuses '$subj'" [ $? -ne 0 ]
	check "enroll says why for '$subj'" grep -q 'CN' "$T/err" || cat "$T/err"
done

# every enumerated option is case-insensitive; unknown values and flags: exit 2
want2() {	# PATTERN ARGS...: exit status 2 and PATTERN on stderr
	pat=$1; shift
	ctl "$@" >/dev/null 2>"$T/err"; rc=$?
	check "$*: exit $rc, want 2" [ "$rc" -eq 2 ] || cat "$T/err"
	check "$*: '$pat' in the error" grep -q -- "$pat" "$T/err" || cat "$T/err"
}
check "leads --tier Urgent: 60" [ "$(ctl leads --tier Urgent | tail -n 1)" = "60 leads" ]
ctl stats --period WEEK >/dev/null
check "stats --period WEEK" [ $? -eq 0 ]
want2 "'Urgentx'.*urgent" leads --tier Urgentx
want2 "'fortnight'.*day, week, month" stats --period fortnight
want2 "'--bogus'" leads --bogus
want2 "'--tier'" leads --tier
want2 "'--cvs'" sims --cvs
want2 "'-x'" -x leads
want2 "--days.*'10x'" enroll "$T/new.csr" --days 10x
want2 "--days.*'99999'" enroll "$T/new.csr" --days 99999
want2 "'frobnicate'" frobnicate
id=$(sqlite3 "$T/c.db" "SELECT MIN(id) FROM leads")
want2 "'Finished'.*confirmed" lead feedback "$id" Finished
ctl lead feedback "$id" Acknowledged --by alice >/dev/null || fail "feedback Acknowledged"
check "status stored lower-case" \
    [ "$(sqlite3 "$T/c.db" "SELECT status FROM leads WHERE id = $id")" = acknowledged ]

# appliance group: only appliances central knows; no phantom (and no SILENT alarm)
ctl appliance group gw-nosuch lab 2>"$T/err"
check "an unknown appliance is not grouped" [ $? -ne 0 ]
check "appliance group says why" grep -q "gw-nosuch" "$T/err" || cat "$T/err"
check "no phantom appliance" \
    [ "$(sqlite3 "$T/c.db" "SELECT COUNT(*) FROM appliances WHERE id = 'gw-nosuch'")" -eq 0 ]
known=$(sqlite3 "$T/c.db" "SELECT MIN(id) FROM appliances")
ctl appliance group "$known" lab || fail "appliance group $known"

# config set: the appliance's parser first; nothing empty, invalid or dropping keys
mkdir "$T/cfgdir"
: > "$T/empty.conf"
printf '# only a comment\n\n' > "$T/comment.conf"
printf 'term_window banana\n' > "$T/bad.conf"
printf 'mobile_prefix 13,14\n' > "$T/list.conf"
printf 'version 99\nterm_window 30m\n' > "$T/version.conf"
printf 'term_window 30m\npseudonymise_key 00112233445566778899aabbccddeeff\n' > "$T/g1.conf"
printf 'term_window 20m\n' > "$T/g2.conf"
printf '# goipwatch: drop-keys-allowed\nterm_window 20m\n' > "$T/g3.conf"
for f in cfgdir empty.conf comment.conf bad.conf list.conf version.conf; do
	ctl config set lab "$T/$f" 2>"$T/err"
	check "config set $f refused" [ $? -ne 0 ]
	cat "$T/err"
done
check "no bad config stored" [ "$(sqlite3 "$T/c.db" "SELECT COUNT(*) FROM configs")" -eq 0 ]
ctl config set lab "$T/g1.conf" >/dev/null || fail "config set g1"
ctl config set lab "$T/g2.conf" 2>"$T/err"
check "g2 refused: it drops pseudonymise_key" [ $? -ne 0 ]
check "g2: the key named" grep -q 'pseudonymise_key' "$T/err" || cat "$T/err"
ctl config set lab "$T/g3.conf" >/dev/null
check "config set g3 (drop allowed)" [ $? -eq 0 ]
# a stored config today's parser refuses (older central) does not block its fix
sqlite3 "$T/c.db" "UPDATE configs SET body = 'mobile_prefix 13,14' WHERE grp = 'lab'"
ctl config set lab "$T/g2.conf" >/dev/null
check "config set after an unparseable one" [ $? -eq 0 ]

# read-only commands work on a read-only database and never write it
stop_central "$CPID"
sqlite3 "$T/c.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
sum=$(cat "$T/c.db" | md5sum)
if unshare -m true 2>/dev/null; then
	unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" &&
	    shift && "$@"' sh "$T" sh -c '
	    set -e; C=$1; f=$2
	    "$C" -f "$f" leads | tail -n 1 | grep -q "^60 leads$"
	    "$C" -f "$f" lead show 1 >/dev/null
	    "$C" -f "$f" appliances >/dev/null
	    "$C" -f "$f" config status >/dev/null
	    "$C" -f "$f" rings >/dev/null
	    "$C" -f "$f" export --csv >/dev/null
	    "$C" -f "$f" stats >/dev/null
	    "$C" -f "$f" sims >/dev/null' sh "$C" "$T/c1.conf"
	check "read-only commands on a read-only database" [ $? -eq 0 ]
else
	echo "note: no mount namespace; read-only database check skipped"
fi
check "read-only commands do not write the database" [ "$(cat "$T/c.db" | md5sum)" = "$sum" ]
finish
