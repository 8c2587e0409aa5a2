#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A signed RAUC firmware bundle of one root filesystem image (the A/B slots'
# content): manifest, image and detached CMS signature in one file.
#
#   fwbundle.sh -c CERT -k KEY -V VERSION [-C COMPATIBLE] [-f FORMAT] ROOTFS.ext4 OUT.raucb
#
# CERT/KEY: the firmware-signing certificate and key (scripts/certs.sh DIR firmware),
# never the config key or a TLS key. COMPATIBLE defaults to goipwatch-qemu-arm64;
# it must equal the appliance's /etc/rauc/system.conf. FORMAT plain (default:
# the signature covers the whole payload, so `rauc info` already refuses a
# truncated or altered bundle) or verity (checked block by block at install).
# Needs rauc and mksquashfs (squashfs-tools); no root.
set -eu

cert='' key='' version='' compat=goipwatch-qemu-arm64 format=plain
usage() { sed -n '3,13s/^# \{0,1\}//p' "$0" >&2; exit 2; }
while getopts c:k:V:C:f: o; do
	case $o in
	c) cert=$OPTARG ;;
	k) key=$OPTARG ;;
	V) version=$OPTARG ;;
	C) compat=$OPTARG ;;
	f) format=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] && [ -n "$cert" ] && [ -n "$key" ] && [ -n "$version" ] || usage
rootfs=$1 out=$2
case $version in *[!A-Za-z0-9._+~-]*) echo "fwbundle: bad version '$version'" >&2; exit 2 ;; esac
case $format in plain|verity) ;; *) echo "fwbundle: format plain or verity" >&2; exit 2 ;; esac
[ -f "$rootfs" ] || { echo "fwbundle: $rootfs: no such image" >&2; exit 2; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/fwbundle.XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/content"
# a hard link when on the same file system, else a copy (mksquashfs reads it once)
ln "$rootfs" "$dir/content/rootfs.ext4" 2>/dev/null || cp "$rootfs" "$dir/content/rootfs.ext4"
cat > "$dir/content/manifest.raucm" <<EOF
[update]
compatible=$compat
version=$version
description=goipwatch firmware $version
build=$(date -u +%Y%m%dT%H%M%SZ)

[bundle]
format=$format

[image.rootfs]
filename=rootfs.ext4
EOF
rm -f "$out"
rauc bundle --cert="$cert" --key="$key" "$dir/content" "$out" >"$dir/log" 2>&1 ||
    { cat "$dir/log" >&2; echo "fwbundle: rauc bundle failed" >&2; exit 1; }
echo "fwbundle: $out ($compat $version, $format, $(du -m "$out" | cut -f1) MiB)" >&2
