#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Install the Debian 12 packages that goipwatch builds and tests with, when missing.
# Idempotent and quiet when there is nothing to do.
#   deps.sh           native build and tests
#   deps.sh --cross   also the arm64 cross toolchain, qemu, debootstrap and the
#                     multiarch :arm64 libraries (make BOARD=arm64-generic,
#                     make check-arm64, make image); adds the arm64 dpkg architecture
set -eu

cross=0
[ "${1:-}" = --cross ] && cross=1

PKGS="build-essential pkg-config clang llvm
libpcap-dev libndpi-dev libndpi-bin libosip2-dev libmbedtls-dev libcjson-dev
libsqlite3-dev sqlite3 libpq-dev libcmocka-dev
tshark tcpdump sip-tester kamailio iproute2 postgresql python3 valgrind time
openssl systemd
libmicrohttpd-dev libargon2-dev libgnutls28-dev libcurl4-openssl-dev python3-aiosmtpd
libjs-bootstrap5 libjs-chart.js chromium chromium-driver python3-selenium fonts-noto-cjk
libmaxminddb-dev tcpreplay rauc squashfs-tools"
# libmicrohttpd-dev: central's console HTTPS API (GnuTLS inside MHD 0.9.75);
# libgnutls28-dev: http.c verifies the console's browser client certificates
# with the GnuTLS session MHD runs (already pulled in by libmicrohttpd-dev);
# libargon2-dev: argon2id hashes of console passwords (docs/api.md);
# libcurl4-openssl-dev: central's alerts (webhook POST, SMTP mail; alert-send.c)
# and api-load, the console API's load driver in make bench (tests/bench/api_load.c);
# python3-aiosmtpd: the SMTP sink of tests/integration/central_alerts.sh.
# libjs-bootstrap5, libjs-chart.js: the console's layout and charts, served from
# /usr/share/javascript (web_lib; docs/console.md); chromium, chromium-driver,
# python3-selenium: the console's browser tests (tests/browser); fonts-noto-cjk:
# Chinese glyphs in headless Chromium's screenshots.
# rauc, squashfs-tools: firmware bundles (scripts/fwbundle.sh: rauc bundle runs
# mksquashfs) and their refusals in tests/integration/firmware_bundle.sh.
# libmaxminddb-dev: goipwatchd reads the IP-to-country database (home_country,
# geo.c; docs/detection.md).
# tcpreplay: replays traces onto a veth pair between network namespaces for the
# live-capture bench and its overload test (make bench-live, tests/bench/live.sh;
# tests/integration/live_overload.sh; docs/sizing.md).
# libndpi-dev is not Multi-Arch: same (it would replace the amd64 one): only the
# arm64 runtime; board/arm64-generic/board.mk links it by soname.
CROSS_PKGS="crossbuild-essential-arm64 qemu-user-static qemu-system-arm qemu-utils
debootstrap e2fsprogs libc6-dev:arm64 libpcap-dev:arm64 libosip2-dev:arm64
libmbedtls-dev:arm64 libcjson-dev:arm64 libcmocka-dev:arm64 libndpi4.2:arm64
libmaxminddb-dev:arm64
grub-efi-arm64-bin qemu-efi-aarch64 dosfstools mtools gdisk"
# grub-efi-arm64-bin: the A/B image's boot loader (grub-mkimage arm64-efi);
# qemu-efi-aarch64: the UEFI firmware qemu-system-aarch64 boots it with;
# dosfstools, mtools: the EFI system partition made and filled without a loop
# mount; gdisk: sgdisk writes the image's GPT (scripts/image.sh).

if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
if [ $cross -eq 1 ]; then
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		echo "deps: adding the arm64 architecture" >&2
		$SUDO dpkg --add-architecture arm64
		$SUDO apt-get update -qq >/dev/null
	fi
	PKGS="$PKGS $CROSS_PKGS"
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
