#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A bootable arm64 A/B disk for BOARD (qemu-arm64): Debian 12 by debootstrap
# with the firmware, the board's config and rootfs overlay, as an ext4 slot
# image in a GPT disk (EFI system partition with GRUB, rootfs-a, rootfs-b,
# data); then boot it under qemu-system-aarch64 (UEFI) with virtio NICs.
#
#   image.sh build    $BUILD/image/disk.img (and rootfs.ext4, the slot image)
#   image.sh bundle   $BUILD/image/bundles/goipwatch-BOARD-VERSION.raucb
#   image.sh boot     boot disk.img (console on stdio; Ctrl-a x quits)
#   image.sh smoke    boot it headless with a central on the host; bounded by
#                     SMOKE_SECS (default 600)
#   image.sh update-smoke  N, the update to N+1, a broken N+2 and its fallback
# FW_VERSION (default 0.1.0+COMMITS.gHASH) is the firmware version stamped into
# the slot (/usr/lib/goipwatch/release) and the bundle; FW_BROKEN=1 builds a
# slot whose goipwatchd fails (the self-test fails: for the rollback test).
# FIRMWARE_CA, FIRMWARE_CERT, FIRMWARE_KEY: the firmware PKI (certs.sh DIR
# firmware); default a lab one in $BUILD/image/pki-fw, made on first use.
# Needs root (debootstrap, chroot through qemu-user binfmt), scripts/deps.sh --cross.
set -eu

BOARD=${BOARD:-qemu-arm64}
BUILD=${BUILD:-build-$BOARD}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
OUT=$BUILD/image
ROOT=$OUT/rootfs
SIZE_MB=${IMAGE_MB:-1024}
ESP_MB=64
DATA_MB=${DATA_MB:-512}
top=$(cd "$(dirname "$0")/.." && pwd)
FW_VERSION=${FW_VERSION:-0.1.0+$(git -C "$top" rev-list --count HEAD 2>/dev/null || echo 0).g$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo 0)}
FWPKI=$OUT/pki-fw
FIRMWARE_CA=${FIRMWARE_CA:-$FWPKI/firmware-ca.crt}
FIRMWARE_CERT=${FIRMWARE_CERT:-$FWPKI/firmware-sign.crt}
FIRMWARE_KEY=${FIRMWARE_KEY:-$FWPKI/firmware-sign.key}
EFI_FW=${EFI_FW:-/usr/share/qemu-efi-aarch64/QEMU_EFI.fd}
PKGS="systemd,systemd-sysv,udev,dbus,iproute2,ifupdown,isc-dhcp-client,ca-certificates,\
linux-image-arm64,libpcap0.8,libosip2-15,libmbedtls14,libmbedx509-1,libmbedcrypto7,\
libcjson1,libndpi4.2,libmaxminddb0,openssl,curl,tcpdump,rauc,rauc-service,grub-common,e2fsprogs"

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

# A root filesystem cached from an earlier build gets the packages added to
# PKGS since (apt in the chroot).
stage_packages() {
	have=$(chroot "$ROOT" dpkg-query -W -f='${Package} ${Status}\n' 2>/dev/null |
	    awk '/ok installed$/ { print $1 }')
	missing=""
	for p in $(echo "$PKGS" | tr , ' '); do
		echo "$have" | grep -qx "$p" || missing="$missing $p"
	done
	[ -z "$missing" ] && return
	log "adding to the cached root filesystem:$missing"
	chroot "$ROOT" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $missing" >> "$OUT/debootstrap.log" 2>&1 ||
	    { tail -20 "$OUT/debootstrap.log" >&2; die "apt-get install$missing failed"; }
}

# The firmware, the overlays, the board's config, the user and the unit.
stage_firmware() {
	log "installing the firmware $FW_VERSION and board/$BOARD overlay"
	rm -rf "$ROOT/etc/goipwatch"	# no provisioning of an earlier smoke in a bundle
	install -m 0755 "$BUILD/goipwatchd" "$ROOT/usr/sbin/goipwatchd"
	if [ "${FW_BROKEN:-0}" = 1 ]; then
		log "FW_BROKEN=1: this slot's goipwatchd only fails (rollback test)"
		printf '#!/bin/sh\necho "goipwatchd: broken build (FW_BROKEN=1)" >&2\nexit 1\n' \
		    > "$ROOT/usr/sbin/goipwatchd"
	fi
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
	# the root is the slot GRUB chose (root=PARTLABEL=rootfs-a|b, rw): no fstab line
	printf '%s\n%s\n' 'PARTLABEL=data /data ext4 defaults,noatime 0 2' \
	    'PARTLABEL=esp /boot/efi vfat umask=0077,noatime 0 2' > "$ROOT/etc/fstab"
	mkdir -p "$ROOT/data" "$ROOT/boot/efi" "$ROOT/usr/lib/goipwatch"
	printf 'GOIPWATCH_FIRMWARE=%s\n' "$FW_VERSION" > "$ROOT/usr/lib/goipwatch/release"
	install -m 0644 "$FIRMWARE_CA" "$ROOT/etc/rauc/firmware-ca.crt"
	# predictable names off: the board's profile says eth0/eth1
	ln -sf /dev/null "$ROOT/etc/systemd/network/99-default.link"
	chroot "$ROOT" /bin/sh -c 'systemd-sysusers && passwd -d root >/dev/null &&
	    systemctl enable goipwatchd.service serial-getty@ttyAMA0.service networking.service \
	    goipwatch-data.service goipwatch-mark-good.service goipwatch-install.path \
	    goipwatch-reboot.path' \
	    >/dev/null 2>&1 || die "chroot setup failed"
	rm -rf "$ROOT/var/cache/apt/archives/"*.deb "$ROOT/var/lib/apt/lists/"*
}

# The slot image: the root filesystem as ext4 (what a bundle carries).
stage_slot() {
	log "ext4 slot image ${SIZE_MB} MiB"
	cp -L "$ROOT/vmlinuz" "$OUT/vmlinuz"
	cp -L "$ROOT/initrd.img" "$OUT/initrd.img"
	rm -f "$OUT/rootfs.ext4"
	mkfs.ext4 -q -F -L rootfs -d "$ROOT" "$OUT/rootfs.ext4" "${SIZE_MB}M"
	used=$(du -sxm "$ROOT" | cut -f1)
	log "rootfs ${used} MiB in $OUT/rootfs.ext4 ($(du -m "$OUT/rootfs.ext4" | cut -f1) MiB on disk)"
}

# GPT: esp (GRUB, grub.cfg, grubenv), rootfs-a (the slot image), rootfs-b
# (empty until the first update), data (the appliance's state). Made without
# loop mounts: sgdisk, mkfs.vfat + mtools, dd at the partition offsets.
stage_disk() {
	log "A/B disk: esp ${ESP_MB} MiB, rootfs-a/b ${SIZE_MB} MiB each, data ${DATA_MB} MiB"
	d=$OUT/disk.img
	rm -f "$d" "$OUT/esp.img" "$OUT/data.ext4"
	truncate -s $((1 + ESP_MB + 2 * SIZE_MB + DATA_MB + 1))M "$d"
	sgdisk -o -n 1:1M:+"${ESP_MB}"M -t 1:ef00 -c 1:esp \
	    -n 2:0:+"${SIZE_MB}"M -t 2:8300 -c 2:rootfs-a \
	    -n 3:0:+"${SIZE_MB}"M -t 3:8300 -c 3:rootfs-b \
	    -n 4:0:+"${DATA_MB}"M -t 4:8300 -c 4:data "$d" >/dev/null 2>&1 || die "sgdisk failed"
	# GRUB: a standalone arm64 EFI binary whose prefix is the ESP's /EFI/goipwatch
	g=$OUT/grub
	rm -rf "$g"
	mkdir -p "$g"
	grub-mkimage -O arm64-efi -o "$g/BOOTAA64.EFI" -p /EFI/goipwatch \
	    part_gpt fat ext2 normal linux boot configfile loadenv test echo sleep \
	    reboot search search_label halt || die "grub-mkimage failed"
	grub-editenv "$g/grubenv" create
	grub-editenv "$g/grubenv" set ORDER="A B" A_OK=1 A_TRY=0 B_OK=0 B_TRY=0 \
	    extra_cmdline="${BOOT_CMDLINE:-}"
	mkfs.vfat -n ESP -C "$OUT/esp.img" $((ESP_MB * 1024)) >/dev/null
	mmd -i "$OUT/esp.img" ::/EFI ::/EFI/BOOT ::/EFI/goipwatch
	mcopy -i "$OUT/esp.img" "$g/BOOTAA64.EFI" ::/EFI/BOOT/BOOTAA64.EFI
	mcopy -i "$OUT/esp.img" "$top/board/$BOARD/grub.cfg" "$g/grubenv" ::/EFI/goipwatch/
	mkfs.ext4 -q -F -L data "$OUT/data.ext4" "${DATA_MB}M" >/dev/null 2>&1
	put "$OUT/esp.img" 1
	put "$OUT/rootfs.ext4" 2
	put "$OUT/data.ext4" 4
	rm -f "$OUT/esp.img" "$OUT/data.ext4"
	log "$d: $(du -m "$d" | cut -f1) MiB on disk"
}

put() {	# put IMAGE PARTNO: write an image at a GPT partition's first sector
	first=$(sgdisk -i "$2" "$OUT/disk.img" | sed -n 's/^First sector: \([0-9]*\).*/\1/p')
	[ -n "$first" ] || die "no partition $2"
	dd if="$1" of="$OUT/disk.img" bs=512 seek="$first" conv=notrunc,sparse status=none
}

stage_image() {
	stage_slot
	stage_disk
}

# The lab firmware PKI, unless FIRMWARE_* name a real one.
fw_pki() {
	[ -f "$FIRMWARE_CA" ] && return
	[ "$FIRMWARE_CA" = "$FWPKI/firmware-ca.crt" ] || die "$FIRMWARE_CA missing"
	log "making a lab firmware PKI in $FWPKI (set FIRMWARE_CA/CERT/KEY for a real one)"
	sh "$top/scripts/certs.sh" "$FWPKI" firmware
}

# A signed bundle of this build's slot image.
bundle() {
	[ "$(id -u)" -eq 0 ] || die "needs root (chroot)"
	[ -e "$ROOT/.debootstrap-done" ] || die "no root filesystem yet: image.sh build"
	binfmt
	fw_pki
	stage_firmware	# clean: no smoke provisioning in a bundle
	stage_slot
	mkdir -p "$OUT/bundles"
	b=$OUT/bundles/goipwatch-$BOARD-$FW_VERSION.raucb
	start=$(date +%s)
	"$top/scripts/fwbundle.sh" -c "$FIRMWARE_CERT" -k "$FIRMWARE_KEY" -V "$FW_VERSION" \
	    -C "goipwatch-$BOARD" "$OUT/rootfs.ext4" "$b" || die "bundle failed"
	log "bundle in $(( $(date +%s) - start )) s: $b"
}

build() {
	[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot)"
	[ -x "$BUILD/goipwatchd" ] || die "$BUILD/goipwatchd missing: make BOARD=$BOARD"
	file "$BUILD/goipwatchd" | grep -q aarch64 || die "$BUILD/goipwatchd is not arm64"
	mkdir -p "$OUT"
	binfmt
	start=$(date +%s)
	fw_pki
	stage_debootstrap
	stage_packages
	stage_firmware
	stage_image
	log "built in $(( $(date +%s) - start )) s"
}

# qemu virt: eth0 user net (the host is 10.0.2.2), eth1 a second NIC whose
# traffic is a UDP tunnel from the host; an i6300esb watchdog. virtio-mmio
# devices enumerate in reverse order of creation: the mirror NIC comes first.
# UEFI (QEMU_EFI.fd) boots GRUB from the disk's ESP; GRUB picks the slot.
# Extra kernel words: BOOT_CMDLINE at build time (grubenv extra_cmdline).
# BUNDLE_DIR: a read-only 9p share (tag "bundles"), for installing bundles by hand.
boot() {
	set --
	[ -n "${BUNDLE_DIR:-}" ] && set -- -virtfs \
	    "local,path=$BUNDLE_DIR,mount_tag=bundles,security_model=none,readonly=on"
	exec qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -m 1024 -nographic \
	    -bios "$EFI_FW" \
	    -drive file="$OUT/disk.img",format=raw,if=none,id=hd0 \
	    -device virtio-blk-pci,drive=hd0,bootindex=0 "$@" \
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
	BOOT_CMDLINE=${BOOT_CMDLINE:-systemd.journald.forward_to_console=1}
	log="$OUT/smoke-console.log"
	start=$(date +%s)
	smoke_central
	trap 'kill $CPID $pid 2>/dev/null' EXIT
	# the journal on the console: goipwatchd's own lines show in the log
	timeout "${SMOKE_SECS:-600}" "$0" boot \
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

# --- image-update-smoke ---------------------------------------------------------
# The console: qemu's stdin is a FIFO the smoke writes commands to.
vm_mark() { mark=$(wc -c < "$log"); }	# vm_wait looks after this point
vm_wait() {	# vm_wait PATTERN SECS: a console line since vm_mark matching
	_end=$(( $(date +%s) + $2 ))
	while [ "$(date +%s)" -lt "$_end" ]; do
		tail -c +$((mark + 1)) "$log" | grep -q -- "$1" && return 0
		kill -0 "$pid" 2>/dev/null || die "qemu exited: see $log"
		sleep 2
	done
	die "no '$1' on the console within $2 s: see $log"
}
vm_send() { printf '%s\n' "$*" >&3; }
vm_login() {	# a root shell on the console at the login prompt since vm_mark
	vm_wait ' login: ' 900
	# getty may flush what arrives while it sets the line up (the first run
	# lost a "root" that way): send it again until a shell answers
	for _try in 1 2 3 4 5 6; do
		sleep 2
		vm_mark
		vm_send root
		sleep 6
		vm_send 'export PS1="# "; dmesg -n 1; echo SH""ELL-UP'
		sleep 3
		tail -c +$((mark + 1)) "$log" | grep -q 'SHELL-UP' && return 0
	done
	die "no root shell on the console: see $log"
}
central_fw() {	# the firmware version central last heard from gw-test-1
	"$C" -f "$OUT/central.conf" appliances 2>/dev/null | awk '$1 == "gw-test-1" { print $4 }'
}
wait_central_fw() {	# wait_central_fw VERSION SECS
	_end=$(( $(date +%s) + $2 ))
	while [ "$(date +%s)" -lt "$_end" ]; do
		[ "$(central_fw)" = "$1" ] && { log "central: gw-test-1 runs $1 ($(( $(date +%s) - start )) s)"; return 0; }
		sleep 3
	done
	die "central does not show gw-test-1 on $1 (shows '$(central_fw)')"
}
rollout_state() {	# rollout_state VERSION: the phase firmware status shows
	"$C" -f "$OUT/central.conf" firmware status "$1" 2>/dev/null |
	    sed -n 's/.*phase \([a-z]*\).*/\1/p' | head -n 1
}
wait_rollout() {	# wait_rollout VERSION PHASE SECS
	_end=$(( $(date +%s) + $3 ))
	while [ "$(date +%s)" -lt "$_end" ]; do
		[ "$(rollout_state "$1")" = "$2" ] && { log "central: rollout of $1 $2 ($(( $(date +%s) - start )) s)"; return 0; }
		sleep 5
	done
	"$C" -f "$OUT/central.conf" firmware status "$1" >&2
	die "the rollout of $1 is not $2 within $3 s"
}
rollout() {	# rollout VERSION: add the bundle at central and roll it out to gw-test-1
	"$C" -f "$OUT/central.conf" firmware add "$OUT/bundles/goipwatch-$BOARD-$1.raucb" >&2 ||
	    die "central refused the bundle of $1"
	"$C" -f "$OUT/central.conf" firmware rollout "$1" --group default --canary 1 \
	    --window 3600 >&2 || die "central did not start the rollout of $1"
}
# Bundles N+1 and N+2 (broken), then the disk with N in slot A and a central on
# the host that holds the firmware CA; boot; roll N+1 out from central (the VM
# downloads it over its uplink, root installs it to slot B, the VM reboots in its
# window), see B on N+1 marked good, at central, and the rollout done; roll N+2
# out, see its self-test fail, the slot marked bad, the fallback to N+1 by itself,
# and central's rollout of N+2 halted by the VM's boot-failed answer.
update_smoke() {
	[ "$(id -u)" -eq 0 ] || die "needs root"
	n0=${SMOKE_N:-1.0.0} n1=${SMOKE_N1:-1.1.0} n2=${SMOKE_N2:-1.2.0}
	start=$(date +%s)
	FW_VERSION=$n1 FW_BROKEN=0
	bundle
	FW_VERSION=$n2 FW_BROKEN=1
	bundle
	FW_VERSION=$n0 FW_BROKEN=0
	stage_firmware
	BOOT_CMDLINE=systemd.journald.forward_to_console=1
	log="$OUT/update-smoke-console.log"
	: > "$log"
	# housekeeping judges rollouts: every 15 s here; healthy after 30 s on
	# the new version (the defaults are 600 s each)
	CENTRAL_EXTRA=$(printf 'firmware_ca %s\nfiles_dir %s\nhousekeep_interval 15\nrollout_settle 30\n' \
	    "$FIRMWARE_CA" "$OUT/files")
	smoke_central
	log "images and bundles ready in $(( $(date +%s) - start )) s"
	fifo=$OUT/console.in
	rm -f "$fifo"
	mkfifo "$fifo"
	timeout "${SMOKE_SECS:-3600}" "$0" boot < "$fifo" > "$log" 2>&1 &
	pid=$!
	exec 3> "$fifo"
	( while :; do smoke_feed "$top/tests/data/lab/goip-4lines.pcap" >/dev/null 2>&1; sleep 3; done ) &
	fpid=$!
	trap 'kill $CPID $pid $fpid 2>/dev/null; exec 3>&-' EXIT
	t0=$(date +%s)
	mark=0
	vm_wait "goipwatch-mark-good: slot A ($n0) self-test PASSED" 900
	log "N=$n0 booted in slot A and marked good $(( $(date +%s) - t0 )) s after power-on"
	wait_central_fw "$n0" 300

	vm_mark
	t1=$(date +%s)
	rollout "$n1"
	vm_wait "goipwatch-install: version .* status 0" 1800
	log "N+1=$n1 downloaded from central and installed to slot B in $(( $(date +%s) - t1 )) s"
	vm_wait "goipwatch-mark-good: slot B ($n1) self-test PASSED" 900
	log "N+1=$n1 booted in slot B and marked good $(( $(date +%s) - t1 )) s after the rollout began"
	wait_central_fw "$n1" 300
	wait_rollout "$n1" done 600

	vm_mark
	t2=$(date +%s)
	rollout "$n2"
	vm_wait "goipwatch-install: version .* status 0" 1800
	vm_wait "goipwatch-mark-good: slot A ($n2) self-test FAILED" 900
	log "N+2=$n2 (broken) booted in slot A, self-test failed $(( $(date +%s) - t2 )) s after the rollout began"
	vm_mark
	vm_wait "goipwatch-mark-good: slot B ($n1) self-test PASSED" 900
	log "fell back to N+1=$n1 in slot B by itself $(( $(date +%s) - t2 )) s after the rollout began"
	wait_central_fw "$n1" 300
	wait_rollout "$n2" halted 600
	"$C" -f "$OUT/central.conf" firmware status "$n2" >&2
	"$C" -f "$OUT/central.conf" firmware status "$n2" 2>/dev/null | grep -q 'boot_failed' ||
	    die "central's rollout of $n2 halted, but not on the VM's boot-failed answer"
	vm_login
	vm_send "rauc status; grub-editenv /boot/efi/EFI/goipwatch/grubenv list; cat /usr/lib/goipwatch/release"
	sleep 20
	log "update smoke PASSED in $(( $(date +%s) - start )) s (VM $(( $(date +%s) - t0 )) s)"
}

case ${1:-} in
build) build ;;
bundle) bundle ;;
boot) boot ;;
smoke) smoke ;;
update-smoke) update_smoke ;;
*) sed -n '3,22s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
