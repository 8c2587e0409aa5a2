# SPDX-License-Identifier: BSD-2-Clause
# Sourced, not run: an office PKI and a goipwatch-central on SQLite on the
# host's loopback, for make run and the image smoke test.
#   central_local DIR CENTRAL_BIN   sets CPID and PORT; logs in DIR/central.log
# CENTRAL_EXTRA: more central.conf lines (the update smoke's firmware keys).
central_local() {
	_dir=$1 _bin=$2
	rm -rf "$_dir/pki" "$_dir/central.db" "$_dir/central.db-wal" "$_dir/central.db-shm" \
	    "$_dir/port" "$_dir/api.port" "$_dir/evidence"
	mkdir -p "$_dir"
	"$(dirname "$0")/certs.sh" "$_dir/pki" all >/dev/null 2>&1 ||
	    { echo "central_local: certs.sh failed" >&2; return 1; }
	cat > "$_dir/central.conf" <<CONF
listen 127.0.0.1:0
port_file $_dir/port
db sqlite:$_dir/central.db
tls_ca $_dir/pki/ca.crt
tls_cert $_dir/pki/server.crt
tls_key $_dir/pki/server.key
ca_key $_dir/pki/ca.key
config_key $_dir/pki/config-sign.key
api_listen 127.0.0.1:0
api_port_file $_dir/api.port
api_cert $_dir/pki/console.crt
api_key $_dir/pki/console.key
evidence_dir $_dir/evidence
${CENTRAL_EXTRA:-}
CONF
	"$_bin" -f "$_dir/central.conf" serve 2>"$_dir/central.log" &
	CPID=$!
	_i=0
	while [ ! -s "$_dir/port" ]; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ]; then
			cat "$_dir/central.log" >&2
			echo "central_local: central did not start" >&2
			return 1
		fi
		sleep 0.05
	done
	PORT=$(cat "$_dir/port")
}
