# SPDX-License-Identifier: BSD-2-Clause
# Sourced by the console's browser tests (tests/browser/console_*.sh): a real
# central on loopback (SQLite; CENTRAL_PG=1: PostgreSQL) with one user per role,
# and appliances replaying the lab's captures into it. Cleans up at exit.
#   console_start [conf lines...]   sets PORT, API, CPID; users u.ROLE, passwords
#                                   in $T/pw as "u.ROLE ROLE PASSWORD" lines
#   console_replay ID PCAP [conf lines...]  goipwatchd ID replays PCAP into central
#                                   (its config with the lines added)
#   console_py SCRIPT.py [args...]  /usr/bin/python3 SCRIPT API CERT SHOTS T ROOT args...
. "$(dirname "$0")/../integration/central_lib.sh"
PY=/usr/bin/python3
need_cmd chromium chromedriver
[ -x "$PY" ] && "$PY" -c 'import selenium' 2>/dev/null ||
    fail "python3-selenium for $PY is missing (scripts/deps.sh)"
GWD=$B/goipwatchd
SHOTS=$B/screenshots

console_start() {
	pki
	if [ "${CENTRAL_PG:-0}" = 1 ]; then pg_start; else DB="sqlite:$T/central.db"; fi
	central_conf c1 "$DB" "api_argon2_kib 1024" "api_argon2_t 1" "$@"
	start_central c1
	api_port c1
	: > "$T/pw"
	for r in admin supervisor analyst carrier engineer; do
		carrier=""
		[ $r = carrier ] && carrier="--carrier 46001"
		pw="pw-$r-$$-secret"
		# shellcheck disable=SC2086
		echo "$pw" | ctl user add "u.$r" --role $r $carrier --password-stdin >/dev/null ||
		    fail "user add u.$r"
		echo "u.$r $r $pw" >> "$T/pw"
	done
}

console_replay() {
	_id=$1 _pcap=$2
	shift 2
	appliance "$_id" "$PORT" "$_pcap" "$@"
}

console_py() {
	_s=$1
	shift
	mkdir -p "$SHOTS"
	timeout 600 "$PY" "$_s" "$API" "$T/pki/console.crt" "$SHOTS" "$T" "$ROOT" "$@" ||
	    fail "$(basename "$_s")"
}
