#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# PostgreSQL: the ingest checks on a real server started here, then two central
# instances on one database taking concurrent appliances (some reporting to
# both, the same lines): every record once, one lead per line, no failures.
set -u
here=$(dirname "$0")
CENTRAL_PG=1 "$here/central_ingest.sh" || exit $?
. "$here/central_lib.sh"
pki
pg_start
central_conf c1 "$DB" "workers 4"
central_conf c2 "$DB" "workers 4"
start_central c1; P1=$PORT; C1=$CPID
start_central c2; P2=$PORT; C2=$CPID
# 40 appliances on each instance; appliances 20..39 exist on both (same ids,
# same lines): their records race through two instances into one database
"$LOAD" -A "$T/pki/ca.crt" -K "$T/pki/ca.key" -p "$P1" -n 40 -r 10 -b 20 -T 60 >"$T/l1.out" 2>&1 &
L1=$!
"$LOAD" -A "$T/pki/ca.crt" -K "$T/pki/ca.key" -p "$P2" -n 40 -s 20 -r 10 -b 20 -T 60 -P gw-load- >"$T/l2.out" 2>&1 &
L2=$!
wait $L1; r1=$?
wait $L2; r2=$?
cat "$T/l1.out" "$T/l2.out"
# an appliance on both instances at once may see its seqs go back (the other
# session stored them): refusals are allowed there, loss and duplicates are not
dups=$(sql "SELECT COUNT(*) - COUNT(DISTINCT appliance || ':' || seq) FROM records")
check "no duplicate records ($dups)" [ "$dups" -eq 0 ]
leads=$(sql "SELECT COUNT(*) FROM leads")
lines=$(sql "SELECT COUNT(DISTINCT ip) FROM leads")
check "one lead per line ($leads leads, $lines lines)" [ "$leads" -eq "$lines" ]
check "60 leads, appliances 0..59 ($leads)" [ "$leads" -eq 60 ]
apps=$(sql "SELECT COUNT(*) FROM appliances")
check "60 appliances ($apps)" [ "$apps" -eq 60 ]
stop_central "$C1"; stop_central "$C2"
grep -h 'counters:' "$T/c1.log" "$T/c2.log"
check "no storage failures on c1" grep -q 'storage_failures=0' "$T/c1.log"
check "no storage failures on c2" grep -q 'storage_failures=0' "$T/c2.log"
[ $r1 -eq 0 ] && [ $r2 -eq 0 ] || echo "note: load exit $r1/$r2 (shared appliances raced)"
finish
