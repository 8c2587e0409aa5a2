# SPDX-License-Identifier: BSD-2-Clause
# Sourced after central_lib.sh by the firmware checks: a throw-away firmware
# PKI, RAUC bundles signed under it, the stand-in for `rauc install`, and
# the root side of an appliance's firmware hand-off.
BOARD=$ROOT/board/qemu-arm64/rootfs/usr/lib/goipwatch

# fw_ca DIR: a firmware CA (DIR/ca.crt, ca.key), a certificate under it for
# code signing (DIR/cs.crt, cs.key), one for another purpose (DIR/ck.crt,
# clientAuth) and a stranger's self-signed one (DIR/x.crt, x.key); DIR/b
# holds the payload of the bundles.
fw_ca() {
	mkdir -p "$1/b"
	( cd "$1" || exit 1
	  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	      -keyout ca.key -out ca.crt -subj /CN=test-firmware-ca -days 2 \
	      -addext basicConstraints=critical,CA:true -addext keyUsage=keyCertSign &&
	  for p in cs:codeSigning ck:clientAuth; do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		    -keyout "${p%%:*}.key" -out "${p%%:*}.csr" -subj "/CN=${p#*:}" &&
		printf 'basicConstraints=CA:false\nkeyUsage=digitalSignature\nextendedKeyUsage=%s\n' \
		    "${p#*:}" > "${p%%:*}.ext" &&
		openssl x509 -req -in "${p%%:*}.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
		    -out "${p%%:*}.crt" -days 2 -extfile "${p%%:*}.ext" || exit 1
	  done
	  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	      -keyout x.key -out x.crt -subj /CN=stranger -days 2 ) >/dev/null 2>&1 ||
	    fail "openssl: the firmware CA"
	# verity needs more than 4 KiB of squashfs
	head -c 20000 /dev/urandom > "$1/b/rootfs.img"
}

# fw_bundle DIR OUT VERSION CERT: OUT, a bundle of DIR/b (compatible
# goipwatch-test, VERSION) signed with DIR/CERT.crt and DIR/CERT.key.
fw_bundle() {
	printf '[update]\ncompatible=goipwatch-test\nversion=%s\n[bundle]\nformat=verity\n[image.rootfs]\nfilename=rootfs.img\n' \
	    "$3" > "$1/b/manifest.raucm"
	timeout 60 rauc bundle --cert="$1/$4.crt" --key="$1/$4.key" "$1/b" "$2" \
	    >/dev/null 2>&1 || fail "rauc bundle $2"
}

# fw_rauc_standin BIN CA: BIN/rauc, where `rauc install` is rauc info (the
# signature, against CA) + compatible + the board's pre-install handler (the
# running version from $GOIPWATCH_RELEASE) + a copy of the bundle to
# $RAUC_SLOT (there are no slots here); every other rauc command is rauc's.
fw_rauc_standin() {
	mkdir -p "$1"
	printf '[system]\ncompatible=goipwatch-test\nbootloader=noop\n[keyring]\npath=%s\ncheck-purpose=codesign\n' \
	    "$2" > "$1/rauc-system.conf"
	cat > "$1/rauc" <<EOF
#!/bin/sh
[ "\$1" = install ] || exec /usr/bin/rauc "\$@"
info=\$(/usr/bin/rauc --conf="$1/rauc-system.conf" info --output-format=shell "\$2" 2>&1) ||
    { printf '%s\n' "\$info" | grep -v '^rauc-Message' >&2; exit 1; }
v=\$(printf '%s\n' "\$info" | sed -n "s/^RAUC_MF_VERSION='\\(.*\\)'\\\$/\\1/p")
c=\$(printf '%s\n' "\$info" | sed -n "s/^RAUC_MF_COMPATIBLE='\\(.*\\)'\\\$/\\1/p")
[ "\$c" = goipwatch-test ] || { echo "Compatible mismatch: \$c" >&2; exit 1; }
RAUC_MF_VERSION=\$v "$BOARD/rauc-pre-install" ||
    { echo "pre-install handler refused the bundle" >&2; exit 1; }
cp "\$2" "\$RAUC_SLOT" && echo "Installing \$2 succeeded"
EOF
	chmod 755 "$1/rauc"
}

# fw_rootside HANDOFF TAG: the root side of one appliance as the board's
# goipwatch-install.path and goipwatch-reboot.path would be, until $T/stop
# exists: the board's install-firmware (with the stand-in rauc of $T/bin; not
# while $T/pauseTAG exists) and reboot-request (`systemctl` echoed) on HANDOFF.
# Its files: $T/slotTAG (the "other slot"), $T/releaseTAG (the running
# version, for the downgrade handler), $T/bootTAG (the boot id),
# $T/allowTAG (allow-downgrade) and the log $T/rootTAG.log.
fw_rootside() {
	: >> "$T/root$2.log"
	while [ ! -e "$T/stop" ]; do
		[ ! -e "$T/pause$2" ] && [ -e "$1/request" ] && PATH=$T/bin:$PATH \
		    RAUC_SLOT=$T/slot$2 GOIPWATCH_ALLOW_DOWNGRADE=$T/allow$2 \
		    GOIPWATCH_RELEASE=$T/release$2 GOIPWATCH_BOOT_ID=$(cat "$T/boot$2") \
		    "$BOARD/install-firmware" "$1" >>"$T/root$2.log" 2>&1
		[ -e "$1/reboot" ] && SYSTEMCTL="echo stand-in: systemctl" \
		    "$BOARD/reboot-request" "$1" >>"$T/root$2.log" 2>&1
		sleep 0.1
	done
}
