#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Install the Debian 12 packages that goipwatch builds and tests with, when missing.
# Idempotent and quiet when there is nothing to do.
set -eu

PKGS="build-essential pkg-config clang llvm
libpcap-dev libndpi-dev libndpi-bin libosip2-dev libmbedtls-dev libcjson-dev
libsqlite3-dev sqlite3 libpq-dev libcmocka-dev
tshark tcpdump sip-tester kamailio iproute2 postgresql python3 valgrind time
openssl"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
echo "deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
