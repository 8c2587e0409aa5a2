#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Spool identity at central (issue 12, item 5): a spool wiped after 7 records
# were stored, then 20 new records: all 27 stored, each once (the new epoch is
# numbered above the old spool). A second client with the appliance's key sends
# seq 2^63-1 (refused, error 6) and a spool epoch of its own: the genuine
# appliance's unsent backlog is still stored, each record once.
set -u
. "$(dirname "$0")/central_lib.sh"
need_bin "$B/uplink_sender"
pki
P=$T/pki
DB="sqlite:$T/c.db"
central_conf c1 "$DB"
start_central c1
C1=$CPID

# app ID SPOOL PORT [sender options]: uplink_sender as appliance ID
app() {
	id=$1 sp=$2 port=$3
	shift 3
	[ -f "$P/$id.crt" ] || "$ROOT/scripts/certs.sh" "$P" appliance "$id" >/dev/null 2>&1
	"$B/uplink_sender" -s "$sp" -p "$port" -a "$P/ca.crt" -c "$P/$id.crt" \
	    -k "$P/$id.key" -b 100 "$@" >>"$T/$id.out" 2>&1
}
# counts ID: "n:times" for every record "n" stored for ID, ascending
counts() {
	sql "SELECT body FROM records WHERE appliance = '$1' AND body LIKE '%\"n\":%'" |
	    sed 's/.*"n":\([0-9]*\).*/\1/' | sort -n | uniq -c |
	    awk '{ printf "%s:%s ", $2, $1 }'
}
want() {	# FIRST LAST TIMES [FIRST LAST TIMES]...
	while [ $# -ge 3 ]; do
		i=$1
		while [ "$i" -le "$2" ]; do printf '%s:%s ' "$i" "$3"; i=$((i + 1)); done
		shift 3
	done
}

# 1. the wipe: 7 delivered, spool lost, 20 spooled offline (port 1: refused), reconnect
app gw-wipe "$T/sp-wipe" "$PORT" -N 7 -w -t 20 || fail "first spool"
rm -rf "$T/sp-wipe"
app gw-wipe "$T/sp-wipe" 1 -N 20 -t 1
app gw-wipe "$T/sp-wipe" "$PORT" -N 20 -w -t 20 || fail "second spool"
got=$(counts gw-wipe)
check "wipe: 7 + 20 records stored, each once" [ "$got" = "$(want 1 7 2 8 20 1)" ] ||
	echo "stored: $got"
check "renumbering logged" \
    grep -q 'gw-wipe: a new spool (epoch [0-9a-f]*): its seqs are stored from 8 on' "$T/c1.log"

# 2. a stolen key: 10 delivered, 10 more spooled offline, then the forger
app gw-victim "$T/sp-victim" "$PORT" -N 10 -w -t 20 || fail "victim, first run"
app gw-victim "$T/sp-victim" 1 -N 20 -t 1
forge() {	# WANT MODE [options]
	w=$1
	shift
	"$LOAD" -A "$P/ca.crt" -p "$PORT" -c "$P/gw-victim.crt" -k "$P/gw-victim.key" \
	    -i gw-victim -H "$@" >"$T/forge.out" 2>&1
	got=$?
	cat "$T/forge.out"
	check "forger $*: result $got, want $w" [ "$got" -eq "$w" ]
}
forge 6 leap
forge 6 leap -E 0123456789abcdef
forge 6 seq -E 0123456789abcdef	# two records stored under its own epoch
check "a forged seq did not move the high-water" \
    [ "$(sql "SELECT MAX(seq) FROM records WHERE appliance = 'gw-victim'")" -lt 100 ]
app gw-victim "$T/sp-victim" "$PORT" -N 20 -w -t 20 || fail "victim, second run"
got=$(counts gw-victim)
check "forged seqs: the victim's 20 records stored, each once" [ "$got" = "$(want 1 20 1)" ] ||
	echo "stored: $got"
stop_central "$C1"
check "refusals counted" grep -q 'sequence=[1-9]' "$T/c1.log"
finish
