#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The goipwatchd systemd unit with each board's drop-in passes
# `systemd-analyze verify`, keeps its hardening, and scores as exposed as
# little as systemd-analyze security measures (offline).
. "$(dirname "$0")/lib.sh"
need_cmd systemd-analyze
need_bin "$GWD"
UNIT=board/common/rootfs/usr/lib/systemd/system/goipwatchd.service
gwd=$(cd "$(dirname "$GWD")" && pwd)/goipwatchd

# verifies UNIT LOG: systemd-analyze is clean but for the container's limits
verifies() {
	systemd-analyze verify --man=no "$1" >"$2" 2>&1 &&
	    ! grep -v "Cannot add dependency job\|network-online\|systemd-udev-settle" "$2" | grep -q .
}
for b in board/*/board.mk; do
	b=$(basename "$(dirname "$b")")
	d=$TMP/$b
	mkdir -p "$d/goipwatchd.service.d"
	# verify checks that ExecStart exists: point it at the build
	sed "s|/usr/sbin/goipwatchd|$gwd|g" "$UNIT" > "$d/goipwatchd.service"
	cp board/"$b"/rootfs/etc/systemd/system/goipwatchd.service.d/*.conf \
	    "$d/goipwatchd.service.d/"
	check "$b: systemd-analyze verify" verifies "$d/goipwatchd.service" "$d/verify.log" ||
		cat "$d/verify.log"
done

for k in 'User=goipwatch' 'CapabilityBoundingSet=CAP_NET_RAW$' \
    'AmbientCapabilities=CAP_NET_RAW$' 'NoNewPrivileges=yes' 'ProtectSystem=strict' \
    'StateDirectory=goipwatch' 'DevicePolicy=closed' 'PrivateTmp=yes' \
    'SyslogIdentifier=goipwatchd' 'MemoryDenyWriteExecute=yes'; do
	check "unit has $k" grep -q "^$k" "$UNIT"
done
check "no root, no CAP_NET_ADMIN" sh -c "! grep -v '^#' $UNIT | grep -qE '^User=root|CAP_NET_ADMIN|CAP_SYS_ADMIN'"
check "the default config of each board parses" sh -c \
    "for c in board/*/goipwatch.conf; do $GWD -n -f \$c 2>/dev/null || exit 1; done"

# exposure: systemd's own scale, 0 (locked down) to 10; under 2.5 is "OK"
d=$TMP/x86_64-generic
if systemd-analyze security --offline=true --no-pager "$d/goipwatchd.service" \
    >"$TMP/security.log" 2>&1 || [ -s "$TMP/security.log" ]; then
	score=$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p' "$TMP/security.log")
	echo "exposure: ${score:-?}"
	check "exposure below 2.5 (${score:-?})" awk -v s="${score:-99}" 'BEGIN { exit !(s < 2.5) }'
fi
finish
