#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The synthesiser's SIP templates are what scripts/lab/extract-templates.sh pulls out of
# the shipped lab captures: extracting again reproduces tools/synth/templates exactly.
set -u
. "$(cd "$(dirname "$0")/../integration" && pwd)/need.sh"
need_cmd tshark python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scripts/lab/extract-templates.sh tests/data/lab "$tmp" >"$tmp/log" 2>&1 ||
    { cat "$tmp/log"; echo "FAIL: extract-templates.sh"; exit 1; }
fail=0
for f in "$tmp"/*.sip "$tmp"/*.sdp; do
	name=$(basename "$f")
	if ! diff -u "tools/synth/templates/$name" "$f"; then
		echo "FAIL: $name differs from its extraction (run scripts/lab/extract-templates.sh)"
		fail=1
	fi
done
echo "templates: $(ls "$tmp"/*.sip "$tmp"/*.sdp | wc -l) reproduced from tests/data/lab"
exit $fail
