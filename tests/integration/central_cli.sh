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
grep -q '^10 rings$' "$T/rings.txt" || { cat "$T/rings.txt"; fail "want 10 rings"; }
ctl sims --csv > "$T/sims.csv" || fail "sims"
[ "$(wc -l < "$T/sims.csv")" -eq 61 ] || fail "want 60 SIMs"
bom=$(printf '\357\273\277')
head -n 1 "$T/sims.csv" | grep -q "^${bom}imsi,iccid,msisdn,imei,lead,status" || fail "sims header"
ctl export --json | grep -c '"tier":"urgent"' | grep -q '^60$' || fail "export json"
ctl export --csv | head -n 1 | grep -q "^${bom}id,tier,status" || fail "export csv"
for p in day week month; do ctl stats --period "$p" > "$T/stats.$p" || fail "stats $p"; done
cat "$T/stats.day"
grep -q '^2026-11-29 *60 ' "$T/stats.day" || fail "stats: 60 leads that day"
ctl leads --tier urgent | tail -n 1 | grep -q '^60 leads$' || fail "leads --tier urgent"
ctl leads --tier high | tail -n 1 | grep -q '^0 leads$' || fail "leads --tier high"
# enrolment: a CSR signed by the office CA verifies as a client certificate
"$ROOT/scripts/certs.sh" "$T/csr" ca >/dev/null 2>&1
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/new.key" 2>/dev/null
openssl req -new -key "$T/new.key" -subj "/O=goipwatch/CN=gw-new-7" -out "$T/new.csr"
ctl enroll "$T/new.csr" -o "$T/new.crt" 2>/dev/null || fail "enroll"
openssl verify -CAfile "$T/pki/ca.crt" -purpose sslclient "$T/new.crt" | grep -q OK ||
    fail "enrolled certificate does not verify"
"$LOAD" -A "$T/pki/ca.crt" -p "$PORT" -H hello -c "$T/new.crt" -k "$T/new.key" \
    -i gw-new-7 >/dev/null || fail "enrolled appliance refused"

# enrolment refuses CSRs whose CN is empty, missing or not [A-Za-z0-9._-]{1,64}
# (longer than 64: openssl refuses to write it; test_central_pki covers it)
for subj in "/O=goipwatch/CN=gw new 7" "/O=goipwatch" "/O=goipwatch/CN=gw,O=x" \
    "/O=goipwatch/CN=gw/CN=gw2"; do
	openssl req -new -key "$T/new.key" -subj "$subj" -out "$T/bad.csr" 2>/dev/null ||
	    fail "openssl req $subj"
	ctl enroll "$T/bad.csr" -o "$T/bad.crt" 2>"$T/err" && fail "enrolled '$subj'"
	grep -q 'CN' "$T/err" || { cat "$T/err"; fail "enroll: no reason for '$subj'"; }
done

# every enumerated option is case-insensitive; unknown values and flags: exit 2
want2() {	# PATTERN ARGS...: exit status 2 and PATTERN on stderr
	pat=$1; shift
	ctl "$@" >/dev/null 2>"$T/err"; rc=$?
	[ "$rc" -eq 2 ] || { cat "$T/err"; fail "$*: exit $rc, want 2"; }
	grep -q -- "$pat" "$T/err" || { cat "$T/err"; fail "$*: no '$pat' in the error"; }
}
ctl leads --tier Urgent | tail -n 1 | grep -q '^60 leads$' || fail "leads --tier Urgent"
ctl stats --period WEEK >/dev/null || fail "stats --period WEEK"
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
[ "$(sqlite3 "$T/c.db" "SELECT status FROM leads WHERE id = $id")" = acknowledged ] ||
    fail "status not stored lower-case"

# appliance group: only appliances central knows; no phantom (and no SILENT alarm)
ctl appliance group gw-nosuch lab 2>"$T/err" && fail "grouped an unknown appliance"
grep -q "gw-nosuch" "$T/err" || { cat "$T/err"; fail "appliance group: no reason"; }
[ "$(sqlite3 "$T/c.db" "SELECT COUNT(*) FROM appliances WHERE id = 'gw-nosuch'")" -eq 0 ] ||
    fail "phantom appliance"
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
	ctl config set lab "$T/$f" 2>"$T/err" && fail "config set $f was signed"
	cat "$T/err"
done
[ "$(sqlite3 "$T/c.db" "SELECT COUNT(*) FROM configs")" -eq 0 ] || fail "a bad config was stored"
ctl config set lab "$T/g1.conf" >/dev/null || fail "config set g1"
ctl config set lab "$T/g2.conf" 2>"$T/err" && fail "g2 drops pseudonymise_key"
grep -q 'pseudonymise_key' "$T/err" || { cat "$T/err"; fail "g2: key not named"; }
ctl config set lab "$T/g3.conf" >/dev/null || fail "config set g3 (drop allowed)"
# a stored config today's parser refuses (older central) does not block its fix
sqlite3 "$T/c.db" "UPDATE configs SET body = 'mobile_prefix 13,14' WHERE grp = 'lab'"
ctl config set lab "$T/g2.conf" >/dev/null || fail "config set after an unparseable one"

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
	    "$C" -f "$f" sims >/dev/null' sh "$C" "$T/c1.conf" ||
	    fail "read-only commands on a read-only database"
else
	echo "note: no mount namespace; read-only database check skipped"
fi
[ "$(cat "$T/c.db" | md5sum)" = "$sum" ] || fail "a read-only command wrote the database"
echo "PASS central_cli"
