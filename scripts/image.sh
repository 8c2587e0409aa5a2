#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A bootable arm64 root filesystem for BOARD (qemu-arm64): Debian 12 by
# debootstrap with the firmware, the board's config and rootfs overlay, as an
# ext4 image; then boot it under qemu-system-aarch64 with virtio NICs.
#
#   image.sh build    $BUILD/image/{rootfs.ext4,vmlinuz,initrd.img}
#   image.sh boot     boot it (console on stdio; Ctrl-a x quits)
#   image.sh smoke    boot it headless and check on the console that the system
#                     and goipwatchd start; bounded by SMOKE_SECS (default 600)
# Needs root (debootstrap, chroot through qemu-user binfmt), scripts/deps.sh --cross.
set -eu

BOARD=${BOARD:-qemu-arm64}
BUILD=${BUILD:-build-$BOARD}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
OUT=$BUILD/image
ROOT=$OUT/rootfs
SIZE_MB=${IMAGE_MB:-1024}
top=$(cd "$(dirname "$0")/.." && pwd)
PKGS="systemd,systemd-sysv,udev,dbus,iproute2,ifupdown,isc-dhcp-client,ca-certificates,\
linux-image-arm64,libpcap0.8,libosip2-15,libmbedtls14,libmbedx509-1,libmbedcrypto7,\
libcjson1,libndpi4.2,libmaxminddb0,openssl,curl,tcpdump"

log() { printf 'image: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# aarch64 binaries run in the chroot through qemu-user (binfmt_misc).
binfmt() {
	f=/proc/sys/fs/binfmt_misc
	[ -e $f/register ] || mount -t binfmt_misc binfmt_misc $f ||
	    die "binfmt_misc is not available: cannot run the second stage"
	[ -e $f/qemu-aarch64 ] && return
	printf '%s' ':qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-aarch64-static:F' > $f/register
}

stage_debootstrap() {
	[ -e "$ROOT/.debootstrap-done" ] && return
	rm -rf "$ROOT"
	mkdir -p "$ROOT"
	log "debootstrap $SUITE arm64 into $ROOT"
	debootstrap --arch=arm64 --variant=minbase --include="$PKGS" "$SUITE" "$ROOT" \
	    "$MIRROR" > "$OUT/debootstrap.log" 2>&1 ||
	    { tail -20 "$OUT/debootstrap.log" >&2; die "debootstrap failed"; }
	touch "$ROOT/.debootstrap-done"
}

# The firmware, the overlays, the board's config, the user and the unit.
stage_firmware() {
	log "installing the firmware and board/$BOARD overlay"
	install -m 0755 "$BUILD/goipwatchd" "$ROOT/usr/sbin/goipwatchd"
	install -m 0755 "$BUILD/goipwatchctl" "$ROOT/usr/bin/goipwatchctl"
	install -m 0755 "$top/scripts/provision.sh" "$ROOT/usr/sbin/goipwatch-provision"
	cp -a "$top/board/common/rootfs/." "$ROOT/"
	cp -a "$top/board/$BOARD/rootfs/." "$ROOT/"
	mkdir -p "$ROOT/etc/goipwatch" "$ROOT/usr/share/doc/goipwatch"
	install -m 0644 "$top/board/$BOARD/goipwatch.conf" "$ROOT/etc/goipwatch/goipwatch.conf"
	install -m 0644 "$top/docs/deployment.md" "$ROOT/usr/share/doc/goipwatch/" 2>/dev/null || :
	# the IP-to-country database of home_country (DB-IP lite, CC BY 4.0: data/geo)
	"$top/scripts/geodb.sh" "$OUT/geo" || die "no country database (scripts/geodb.sh)"
	mkdir -p "$ROOT/usr/share/goipwatch"
	install -m 0644 "$OUT/geo/country.mmdb" "$ROOT/usr/share/goipwatch/country.mmdb"
	install -m 0644 "$top/data/geo/DBIP-LICENSE" "$top/data/geo/README.md" \
	    "$ROOT/usr/share/doc/goipwatch/"
	echo "goipwatch-$BOARD" > "$ROOT/etc/hostname"
	printf 'auto lo\niface lo inet loopback\nauto eth0\niface eth0 inet dhcp\nauto eth1\niface eth1 inet manual\n  up ip link set eth1 up\n' \
	    > "$ROOT/etc/network/interfaces"
	printf '/dev/vda / ext4 defaults,noatime 0 1\n' > "$ROOT/etc/fstab"
	# predictable names off: the board's profile says eth0/eth1
	ln -sf /dev/null "$ROOT/etc/systemd/network/99-default.link"
	chroot "$ROOT" /bin/sh -c 'systemd-sysusers && passwd -d root >/dev/null &&
	    systemctl enable goipwatchd.service serial-getty@ttyAMA0.service networking.service' \
	    >/dev/null 2>&1 || die "chroot setup failed"
	rm -rf "$ROOT/var/cache/apt/archives/"*.deb "$ROOT/var/lib/apt/lists/"*
}

stage_image() {
	log "ext4 image ${SIZE_MB} MiB"
	cp -L "$ROOT/vmlinuz" "$OUT/vmlinuz"
	cp -L "$ROOT/initrd.img" "$OUT/initrd.img"
	rm -f "$OUT/rootfs.ext4"
	mkfs.ext4 -q -F -L goipwatch -d "$ROOT" "$OUT/rootfs.ext4" "${SIZE_MB}M"
	used=$(du -sxm "$ROOT" | cut -f1)
	log "rootfs ${used} MiB in $OUT/rootfs.ext4 ($(du -m "$OUT/rootfs.ext4" | cut -f1) MiB on disk)"
}

build() {
	[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot)"
	[ -x "$BUILD/goipwatchd" ] || die "$BUILD/goipwatchd missing: make BOARD=$BOARD"
	file "$BUILD/goipwatchd" | grep -q aarch64 || die "$BUILD/goipwatchd is not arm64"
	mkdir -p "$OUT"
	binfmt
	start=$(date +%s)
	stage_debootstrap
	stage_firmware
	stage_image
	log "built in $(( $(date +%s) - start )) s"
}

# qemu virt: eth0 user net (the host is 10.0.2.2), eth1 a second NIC whose
# traffic is a UDP tunnel from the host; an i6300esb watchdog. virtio-mmio
# devices enumerate in reverse order of creation: the mirror NIC comes first.
boot() {	# boot [extra -append words]
	exec qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -m 1024 -nographic \
	    -kernel "$OUT/vmlinuz" -initrd "$OUT/initrd.img" \
	    -append "root=/dev/vda rw console=ttyAMA0 net.ifnames=0 $*" \
	    -drive file="$OUT/rootfs.ext4",format=raw,if=none,id=hd0 \
	    -device virtio-blk-device,drive=hd0 \
	    -netdev socket,id=n1,udp=127.0.0.1:${MIRROR_TX:-40001},localaddr=127.0.0.1:${MIRROR_RX:-40002} \
	    -device virtio-net-device,netdev=n1 \
	    -netdev user,id=n0 -device virtio-net-device,netdev=n0 \
	    -device i6300esb
}

# goipwatch-central on the host's loopback (the VM reaches it as 10.0.2.2),
# and the appliance's certificates and site config in the root filesystem.
smoke_central() {
	C=$top/${HOST_BUILD:-build}/goipwatch-central
	[ -x "$C" ] || die "$C missing: make (the host build)"
	. "$top/scripts/central-local.sh"
	central_local "$OUT" "$C" || die "central did not start"
	etc=$ROOT/etc/goipwatch
	install -m 0644 "$OUT/pki/ca.crt" "$etc/ca.crt"
	install -m 0644 "$OUT/pki/gw-test-1.crt" "$etc/appliance.crt"
	# the unit runs as goipwatch: its group reads the key
	gid=$(awk -F: '$1 == "goipwatch" { print $3 }' "$ROOT/etc/group")
	install -m 0640 -o 0 -g "${gid:-0}" "$OUT/pki/gw-test-1.key" "$etc/appliance.key"
	install -m 0644 "$OUT/pki/config-sign.pub" "$etc/config-sign.pub"
	sed -i -e "s/^central_port .*/central_port $(cat "$OUT/port")/" \
	    -e 's/^central_name .*/central_name central.test/' \
	    -e 's/^heartbeat_interval .*/heartbeat_interval 5s/' \
	    -e '/^central_host /d' "$etc/goipwatch.conf"
	echo "central_host 10.0.2.2" >> "$etc/goipwatch.conf"
	stage_image >/dev/null 2>&1
}

# Ethernet frames of a capture into the VM's eth1 (its UDP socket backend).
smoke_feed() {	# pcap
	python3 - "$1" "${MIRROR_RX:-40002}" <<'PY'
import socket, struct, sys, time
data = open(sys.argv[1], "rb").read()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
off, n = 24, 0
while off + 16 <= len(data):
    incl = struct.unpack("<I", data[off + 8:off + 12])[0]
    s.sendto(data[off + 16:off + 16 + incl], ("127.0.0.1", int(sys.argv[2])))
    off += 16 + incl
    n += 1
    if n % 200 == 0:
        time.sleep(0.01)
print(f"fed {n} frames")
PY
}

# Boot with a central on the host: goipwatchd must start, capture what is fed
# to eth1 (a lab capture of a 4-line GoIP), and report it: central must hold
# a heartbeat from gw-test-1 and an urgent lead for the GoIP's line.
smoke() {
	log="$OUT/smoke-console.log"
	start=$(date +%s)
	smoke_central
	trap 'kill $CPID $pid 2>/dev/null' EXIT
	# the journal on the console: goipwatchd's own lines show in the log
	timeout "${SMOKE_SECS:-600}" "$0" boot systemd.journald.forward_to_console=1 \
	    > "$log" 2>&1 < /dev/null &
	pid=$!
	while kill -0 $pid 2>/dev/null; do
		grep -q 'Started goipwatchd.service\|Started .*goipwatch' "$log" && break
		sleep 2
	done
	kill -0 $pid 2>/dev/null || die "no goipwatchd start within ${SMOKE_SECS:-600} s: see $log"
	log "goipwatchd started $(( $(date +%s) - start )) s after power-on"
	sleep 5
	smoke_feed "$top/tests/data/lab/goip-4lines.pcap" >&2
	while kill -0 $pid 2>/dev/null; do
		if "$C" -f "$OUT/central.conf" leads 2>/dev/null | grep -q 'urgent.*100\.64\.1\.10' &&
		    "$C" -f "$OUT/central.conf" appliances 2>/dev/null | grep -q 'gw-test-1'; then
			log "central holds the VM's heartbeat and an urgent lead for 100.64.1.10," \
			    "$(( $(date +%s) - start )) s after power-on"
			"$C" -f "$OUT/central.conf" leads >&2
			return 0
		fi
		sleep 3
	done
	tail -20 "$OUT/central.log" >&2
	die "central got no lead from the VM within ${SMOKE_SECS:-600} s: see $log"
}

case ${1:-} in
build) build ;;
boot) shift; boot "$@" ;;
smoke) smoke ;;
*) sed -n '3,12s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
