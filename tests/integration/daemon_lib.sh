# SPDX-License-Identifier: BSD-2-Clause
# Shared by the daemon_*.sh checks: the real goipwatchd reporting to the test
# peer (stand-in for goipwatch-central) over mutual TLS on loopback.
. "$(dirname "$0")/uplink_lib.sh"
need_bin "$GWD"
PCAP=$ROOT/tests/data/lab/lab-namespaces.pcap

# gwconf FILE [lines...]: an appliance config pointing at the peer on $PORT.
gwconf() {
	f=$1; shift
	{
		echo "central_host 127.0.0.1"
		echo "central_port $PORT"
		echo "central_name central.test"
		echo "tls_ca $T/pki/ca.crt"
		echo "tls_cert $T/pki/gw-test-1.crt"
		echo "tls_key $T/pki/gw-test-1.key"
		echo "config_pubkey $T/pki/config-sign.pub"
		echo "spool_dir $T/spool"
		echo "heartbeat_interval 1s"
		for l in "$@"; do echo "$l"; done
	} > "$f"
}

# wait_for FILE PATTERN [TENTHS]: until grep finds PATTERN in FILE.
wait_for() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt "${3:-100}" ] && return 1
		sleep 0.1
	done
	return 0
}

# check_seqs: the peer's rows carry seqs 1..max, each exactly once.
check_seqs() {
	awk '{ seen[$2]++; if ($2 + 0 > max) max = $2 + 0 }
	END {
		for (s = 1; s <= max; s++) if (seen[s] != 1) { bad++; if (!b) b = s }
		if (bad) { printf "db: %d rows, seqs 1..%d: %d missing or duplicated (first %d)\n", NR, max, bad, b; exit 1 }
		printf "db: %d rows, seqs 1..%d each exactly once\n", NR, max
	}' "$T/db"
}

# check_inject RUN N: test records of run RUN are n = 1..N, each exactly once.
check_inject() {
	awk -v run="$1" -v want="${2:-}" '
	index($0, "\"run\":" run ",") {
		match($0, /"n":[0-9]+/); n = substr($0, RSTART + 4, RLENGTH - 4) + 0
		seen[n]++; rows++; if (n > max) max = n
	}
	END {
		for (k = 1; k <= max; k++) if (seen[k] != 1) bad++
		if (bad || (want != "" && max != want + 0)) {
			printf "run %s: %d rows up to n=%d (want %s), %d gaps or duplicates\n", run, rows, max, want, bad; exit 1
		}
		printf "run %s: n = 1..%d, each exactly once\n", run, max
	}' "$T/db"
}
