# SPDX-License-Identifier: BSD-2-Clause
# Shared by the central_*.sh checks: goipwatch-central on loopback with a
# throw-away PKI, SQLite or a real PostgreSQL started here, appliances
# (goipwatchd or central-load); everything is stopped and removed at exit.
. "$(dirname "$0")/../integration/lib.sh"
C=$B/goipwatch-central
LOAD=$B/central-load
need_bin "$C" "$LOAD"
need_cmd openssl

T=$TMP
PGBIN=""
stop_pg() {
	[ -n "$PGBIN" ] && pg_run "$PGBIN/pg_ctl" -D "$T/pg" -m immediate stop >/dev/null 2>&1
}
CLEANUP_HOOK=stop_pg

# On fail: the tail of every central log.
dump_central_logs() {
	for l in "$T"/central*.log; do [ -f "$l" ] && { echo "--- $l"; tail -n 15 "$l"; }; done
}
FAIL_HOOK=dump_central_logs

pki() {
	"$ROOT/scripts/certs.sh" "$T/pki" all >/dev/null 2>&1 || fail "certs.sh"
}

# central_conf NAME DB [lines...]: $T/NAME.conf
central_conf() {
	n=$1 db=$2
	shift 2
	{
		echo "listen 127.0.0.1:0"
		echo "port_file $T/$n.port"
		echo "db $db"
		echo "tls_ca $T/pki/ca.crt"
		echo "tls_cert $T/pki/server.crt"
		echo "tls_key $T/pki/server.key"
		echo "ca_key $T/pki/ca.key"
		echo "config_key $T/pki/config-sign.key"
		echo "config_poll 1"
		echo "api_listen 127.0.0.1:0"
		echo "api_port_file $T/$n.api.port"
		echo "api_cert $T/pki/console.crt"
		echo "api_key $T/pki/console.key"
		for l in "$@"; do echo "$l"; done
	} > "$T/$n.conf"
}

# await_port FILE WHAT: waits (10 s at most) for central ($CPID) to write FILE.
await_port() {
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1)); [ $i -gt 200 ] && fail "$2"
		kill -0 "$CPID" 2>/dev/null || fail "central exited before: $2"
		sleep 0.05
	done
}

# start_central NAME: runs $T/NAME.conf; sets PORT and CPID.
start_central() {
	rm -f "$T/$1.port"
	"$C" -f "$T/$1.conf" serve 2>>"$T/$1.log" &
	CPID=$!
	PIDS="$PIDS $CPID"
	await_port "$T/$1.port" "central $1 did not start"
	PORT=$(cat "$T/$1.port")
}

# api_port NAME: waits for central NAME's console API port (api_port_file); sets API.
api_port() {
	await_port "$T/$1.api.port" "central $1: no API port"
	API=$(cat "$T/$1.api.port")
}

# stop_central PID: SIGTERM, which logs the counters.
stop_central() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# gw_conf ID PORT: an appliance config $T/ID.gw.conf with its own spool.
gw_conf() {
	[ -f "$T/pki/$1.crt" ] || "$ROOT/scripts/certs.sh" "$T/pki" appliance "$1" >/dev/null 2>&1
	cat > "$T/$1.gw.conf" <<CONF
central_host 127.0.0.1
central_port $2
central_name central.test
tls_ca $T/pki/ca.crt
tls_cert $T/pki/$1.crt
tls_key $T/pki/$1.key
config_pubkey $T/pki/config-sign.pub
spool_dir $T/spool-$1
heartbeat_interval 1s
CONF
}

# appliance ID PORT PCAP [conf lines...]: goipwatchd replays PCAP (its config
# gw_conf's plus the lines) and waits for its spool to drain.
appliance() {
	need_bin "$GWD"
	gw_conf "$1" "$2"
	_a=$1 _p=$3
	shift 3
	if [ $# -gt 0 ]; then printf '%s\n' "$@" >> "$T/$_a.gw.conf"; fi
	timeout 90 "$GWD" -v -r "$_p" -f "$T/$_a.gw.conf" -W 30 -w /dev/null 2>"$T/$_a.gwd.log" ||
	    { tail -n 20 "$T/$_a.gwd.log"; fail "goipwatchd $_a"; }
	grep -q 'spool drained' "$T/$_a.gwd.log" || { tail -n 20 "$T/$_a.gwd.log"; fail "$_a: spool not drained"; }
}

ctl() { "$C" -f "$T/${CONF:-c1}.conf" "$@"; }

# The sqlite3 shell waits for a running central's write lock (housekeeping,
# ingest) instead of failing at once with "database is locked".
sqlite3() { command sqlite3 -cmd '.timeout 15000' "$@"; }

sql() {
	case $DB in
	sqlite:*) sqlite3 "${DB#sqlite:}" "$1" ;;
	*) "$PGBIN/psql" -X -A -t -q "$DB" -c "$1" ;;
	esac
}

# As the postgres user when root (initdb refuses root).
pg_run() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start: a private PostgreSQL on a Unix socket in $T; sets DB and PGBIN.
pg_start() {
	PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] ||
	    { PGBIN=""; fail "PostgreSQL server binaries missing (scripts/deps.sh: postgresql)"; }
	mkdir -p "$T/pg" "$T/pgsock"
	[ "$(id -u)" -eq 0 ] && chown postgres "$T/pg" "$T/pgsock"
	pg_run "$PGBIN/initdb" -D "$T/pg" -U postgres -A trust >"$T/initdb.log" 2>&1 ||
	    { cat "$T/initdb.log"; PGBIN=""; fail "initdb"; }
	pgport=$((20000 + $$ % 20000))
	pg_run "$PGBIN/pg_ctl" -D "$T/pg" -w -t 30 -l "$T/pg/log" -o \
	    "-k $T/pgsock -p $pgport -c listen_addresses='' -c max_connections=200 -c fsync=on ${PG_OPTS:-}" \
	    start >/dev/null || { cat "$T/pg/log"; fail "pg_ctl start"; }
	pg_run "$PGBIN/createdb" -h "$T/pgsock" -p "$pgport" -U postgres central || fail "createdb"
	DB="postgresql:///central?host=$T/pgsock&port=$pgport&user=postgres"
}

# What a running process holds: descriptors, resident KiB, CPU ticks (user + system).
proc_fds() { ls "/proc/$1/fd" | wc -l; }
proc_rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
proc_cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
# CPU ticks of the PostgreSQL cluster (0 on SQLite): the postmaster, its exited
# children, and the backends alive now.
pg_ticks() {
	[ "${DB%%:*}" = postgresql ] || { echo 0; return; }
	pm=$(head -n 1 "$T/pg/postmaster.pid")
	{ sed 's/.*) //' "/proc/$pm/stat" | awk '{ print $12 + $13 + $14 + $15 }'
	  for k in $(cat "/proc/$pm/task/$pm/children"); do
		sed 's/.*) //' "/proc/$k/stat" 2>/dev/null | awk '{ print $12 + $13 }'
	  done; } | awk '{ s += $1 } END { print s + 0 }'
}

# counters NAME PID: SIGUSR1, then the latest counter lines of $T/NAME.log.
counters() {
	n=$(grep -c 'limits:' "$T/$1.log")
	kill -USR1 "$2"
	i=0
	while [ "$(grep -c 'limits:' "$T/$1.log")" -le "$n" ]; do
		i=$((i + 1)); [ $i -gt 100 ] && fail "no counters from central $1"
		sleep 0.05
	done
	grep 'counters:\|limits:' "$T/$1.log" | tail -n 2
}

# await_line FILE WORD PID WHAT: waits (60 s at most) until the background
# process PID has written WORD to FILE; fails if it exits first or never does.
await_line() {
	_i=0
	until grep -q "$2" "$1"; do
		_i=$((_i + 1)); [ $_i -gt 1200 ] && fail "$4: no '$2' in 60 s"
		kill -0 "$3" 2>/dev/null || { cat "$1"; fail "$4 exited"; }
		sleep 0.05
	done
}

# idle_conns PORT N SECS [ADDR...]: N silent TCP connections from each address,
# in the background (IDLE_PID); returns once all were tried ($T/idle.out).
idle_conns() {
	/usr/bin/python3 "$ROOT/tests/integration/idle_conns.py" "$@" >"$T/idle.out" 2>&1 &
	IDLE_PID=$!
	PIDS="$PIDS $IDLE_PID"
	await_line "$T/idle.out" opened "$IDLE_PID" "idle_conns.py"
	cat "$T/idle.out"
}
