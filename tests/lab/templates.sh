#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The synthesiser's SIP templates are what scripts/lab/extract-templates.sh pulls out of
# the shipped lab captures: extracting again reproduces tools/synth/templates exactly.
set -u
. "$(dirname "$0")/../integration/lib.sh"
need_cmd tshark python3
tmp=$TMP
scripts/lab/extract-templates.sh tests/data/lab "$tmp" >"$tmp/log" 2>&1 ||
    { cat "$tmp/log"; fail "extract-templates.sh"; }
for f in "$tmp"/*.sip "$tmp"/*.sdp; do
	name=$(basename "$f")
	check "$name is its extraction (else run scripts/lab/extract-templates.sh)" \
	    diff -u "tools/synth/templates/$name" "$f"
done
finish
