#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Firmware bundles (scripts/fwbundle.sh) and the appliance's RAUC keyring, on
# the host with tiny bundles: the appliance's own system.conf (firmware CA
# keyring, check-purpose codesign) accepts a bundle signed by the firmware
# signing key and refuses one that is unsigned, signed by a stranger CA, by the
# office TLS CA (with the config key), by a firmware-CA certificate without
# codeSigning, truncated, or altered. No root, no image.
. "$(dirname "$0")/lib.sh"
command -v rauc >/dev/null 2>&1 || skip "rauc is not installed (scripts/deps.sh)"
need_cmd mksquashfs mkfs.ext4 openssl
cd "$ROOT" || fail "cd $ROOT"
P=$TMP/pki
sh scripts/certs.sh "$P" firmware
sh scripts/certs.sh "$P" ca
sh scripts/certs.sh "$P" signing
sh scripts/certs.sh "$TMP/stranger" firmware

# the image's system.conf with the keyring in $TMP
sed "s|^path=.*|path=$P/firmware-ca.crt|" board/qemu-arm64/rootfs/etc/rauc/system.conf \
    > "$TMP/system.conf"
check "system.conf: keyring checks the codeSigning purpose" \
    grep -qx 'check-purpose=codesign' "$TMP/system.conf"
info() { rauc --conf="$TMP/system.conf" info "$1" > "$TMP/info.log" 2>&1; }

mkdir -p "$TMP/root/etc"
head -c 65536 /dev/urandom > "$TMP/root/etc/payload"
mkfs.ext4 -q -F -d "$TMP/root" "$TMP/rootfs.ext4" 4M >/dev/null 2>&1
bundle() {	# bundle CERT KEY OUT [fwbundle options]
	_c=$1 _k=$2 _o=$3
	shift 3
	sh scripts/fwbundle.sh -c "$_c" -k "$_k" -V 1.2.3 "$@" "$TMP/rootfs.ext4" "$_o" 2>/dev/null
}

check "fwbundle.sh signs a bundle" bundle "$P/firmware-sign.crt" "$P/firmware-sign.key" "$TMP/good.raucb"
check "the firmware CA keyring accepts it" info "$TMP/good.raucb" || cat "$TMP/info.log"
check "info shows compatible and version" sh -c "grep -q \"Compatible:.*'goipwatch-qemu-arm64'\" '$TMP/info.log' &&
    grep -q \"Version:.*'1.2.3'\" '$TMP/info.log'"
check "a verity bundle is accepted too" sh -c "
    sh scripts/fwbundle.sh -c '$P/firmware-sign.crt' -k '$P/firmware-sign.key' -V 1.2.3 -f verity \
        '$TMP/rootfs.ext4' '$TMP/verity.raucb' 2>/dev/null &&
    rauc --conf='$TMP/system.conf' info '$TMP/verity.raucb' 2>/dev/null | grep -q 'Bundle Format:.*verity'"

# unsigned: the same content as a bare squashfs, no signature appended
mkdir -p "$TMP/content"
cp "$TMP/rootfs.ext4" "$TMP/content/"
printf '[update]\ncompatible=goipwatch-qemu-arm64\nversion=1.2.3\n[image.rootfs]\nfilename=rootfs.ext4\n' \
    > "$TMP/content/manifest.raucm"
mksquashfs "$TMP/content" "$TMP/unsigned.raucb" -quiet -all-root -noappend >/dev/null
check "an unsigned bundle is refused" not info "$TMP/unsigned.raucb"

check "signed by a stranger firmware CA: built" \
    bundle "$TMP/stranger/firmware-sign.crt" "$TMP/stranger/firmware-sign.key" "$TMP/stranger.raucb"
check "signed by a stranger firmware CA: refused" not info "$TMP/stranger.raucb"
grep -q 'signature verification failed' "$TMP/info.log" ||
    check "stranger: refused for its signature" false

# the config-signing key with a codeSigning certificate from the office TLS CA
openssl req -new -key "$P/config-sign.key" -subj "/O=goipwatch/CN=config as firmware" \
    -out "$TMP/cfg.csr" 2>/dev/null
printf 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n' \
    > "$TMP/cs.ext"
openssl x509 -req -in "$TMP/cfg.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" -set_serial 7 \
    -days 30 -extfile "$TMP/cs.ext" -out "$TMP/cfg.crt" 2>/dev/null
check "signed with the config key (office TLS CA certificate): built" \
    bundle "$TMP/cfg.crt" "$P/config-sign.key" "$TMP/config.raucb"
check "signed with the config key (office TLS CA certificate): refused" not info "$TMP/config.raucb"

# the firmware CA itself, but a certificate for TLS clients, not for code
openssl req -new -key "$P/config-sign.key" -subj "/O=goipwatch/CN=tls client" \
    -out "$TMP/cli.csr" 2>/dev/null
printf 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' \
    > "$TMP/cli.ext"
openssl x509 -req -in "$TMP/cli.csr" -CA "$P/firmware-ca.crt" -CAkey "$P/firmware-ca.key" \
    -set_serial 8 -days 30 -extfile "$TMP/cli.ext" -out "$TMP/cli.crt" 2>/dev/null
check "firmware CA, clientAuth certificate: built" \
    bundle "$TMP/cli.crt" "$P/config-sign.key" "$TMP/client.raucb"
check "firmware CA, clientAuth certificate: refused (purpose)" not info "$TMP/client.raucb"

size=$(stat -c %s "$TMP/good.raucb")
head -c $((size - 100)) "$TMP/good.raucb" > "$TMP/trunc.raucb"
check "a bundle truncated at its tail is refused" not info "$TMP/trunc.raucb"
# the payload cut short, the signature and its length kept
/usr/bin/python3 - "$TMP/good.raucb" "$TMP/cut.raucb" "$TMP/flip.raucb" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
n = struct.unpack(">Q", d[-8:])[0]
sig, pay = d[-8 - n:], d[:-8 - n]
open(sys.argv[2], "wb").write(pay[:len(pay) - 4096] + sig)
b = bytearray(d)
b[len(pay) // 2] ^= 1
open(sys.argv[3], "wb").write(bytes(b))
PY
check "a bundle with its payload cut short is refused" not info "$TMP/cut.raucb"
check "a bundle with one payload bit flipped is refused" not info "$TMP/flip.raucb"
check "the good bundle still verifies" info "$TMP/good.raucb"

check "fwbundle.sh refuses a version with spaces" not sh scripts/fwbundle.sh \
    -c "$P/firmware-sign.crt" -k "$P/firmware-sign.key" -V '1 2' "$TMP/rootfs.ext4" "$TMP/x.raucb" 2>/dev/null

# the pre-install handler: no downgrade unless allowed
H=board/qemu-arm64/rootfs/usr/lib/goipwatch/rauc-pre-install
echo GOIPWATCH_FIRMWARE=1.10.0 > "$TMP/release"
pre() { RAUC_MF_VERSION=$1 GOIPWATCH_RELEASE=$TMP/release \
    GOIPWATCH_ALLOW_DOWNGRADE=$TMP/allow sh "$H" 2>/dev/null; }
check "pre-install: an upgrade 1.10.0 -> 1.11.0 goes on" pre 1.11.0
check "pre-install: the same version goes on" pre 1.10.0
check "pre-install: a downgrade 1.10.0 -> 1.9.0 is refused" not pre 1.9.0
check "pre-install: a bundle with no version is refused" not pre ''
mkdir -p "$TMP/mnt"
printf '[update]\ncompatible=goipwatch-qemu-arm64\nversion=1.9.0\n' > "$TMP/mnt/manifest.raucm"
check "pre-install: the version from the mounted bundle's manifest (RAUC 1.8): downgrade refused" \
    not env RAUC_BUNDLE_MOUNT_POINT="$TMP/mnt" GOIPWATCH_RELEASE="$TMP/release" \
    GOIPWATCH_ALLOW_DOWNGRADE="$TMP/allow" sh "$H"
sed -i 's/^version=.*/version=1.11.0/' "$TMP/mnt/manifest.raucm"
check "pre-install: the version from the mounted bundle's manifest: upgrade goes on" \
    env RAUC_BUNDLE_MOUNT_POINT="$TMP/mnt" GOIPWATCH_RELEASE="$TMP/release" \
    GOIPWATCH_ALLOW_DOWNGRADE="$TMP/allow" sh "$H"
touch "$TMP/allow"
check "pre-install: a downgrade goes on when allowed" pre 1.9.0
finish
