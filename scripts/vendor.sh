#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The console's one front-end library Debian lacks, from npm at a pinned version
# (docs/console.md): checks the tarball against npm's recorded integrity, then
# the file the repo keeps against its own hash. `scripts/vendor.sh check` only
# checks the kept copy (no network); `scripts/vendor.sh fetch` fetches again.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$ROOT/central/web/vendor/cytoscape
PKG=cytoscape@3.35.0
INTEGRITY=sha512-sMvBIXiGMnhkCaWz2R06FwF/27MNlS+Tqvi17foO9UhnUg3XGZccKjxsvEqQFAQYMSSZmN5SxYzUYlQ0DOJJ3g==
FILE_SHA256=71fa9ebec21a7ca2c40cff6aacc30d1f6464e363662ad4b2c197e1adc770cd94

check() {
	echo "$FILE_SHA256  $DIR/cytoscape.min.js" | sha256sum -c --quiet -
	[ -s "$DIR/LICENSE" ]
}

case ${1:-check} in
check)	check ;;
fetch)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && npm pack --silent "$PKG" >/dev/null)
	got=sha512-$(openssl dgst -sha512 -binary "$tmp"/cytoscape-*.tgz | base64 -w0)
	[ "$got" = "$INTEGRITY" ] || { echo "vendor: $PKG: integrity $got" >&2; exit 1; }
	tar -xzf "$tmp"/cytoscape-*.tgz -C "$tmp"
	cp "$tmp/package/dist/cytoscape.min.js" "$tmp/package/LICENSE" "$DIR/"
	check ;;
*)	echo "usage: vendor.sh [check|fetch]" >&2; exit 2 ;;
esac
