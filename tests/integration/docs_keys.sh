#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The config key tables in the docs are the code's tables: each binary's
# --print-keys (name, type, default, range, when it applies) must equal the
# first five columns of the table between "<!-- keys:" and "<!-- /keys -->"
# in its doc. A key added, dropped or changed in the code without the docs fails.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 1

# doc_keys FILE: the doc table's rows without the meaning column.
doc_keys() {
	awk '/^<!-- keys:/ { on = 1; next } /^<!-- \/keys -->/ { on = 0 }
	    on && /^\| `/ { print "|" $2 "|" $3 "|" $4 "|" $5 "|" $6 "|" }' \
	    FS='|' "$1"
}

# same BINARY DOC
same() {
	"$1" --print-keys > "$TMP/code" || { bad "$1 --print-keys"; return; }
	doc_keys "$2" > "$TMP/doc"
	[ -s "$TMP/code" ] || { bad "$1 --print-keys printed nothing"; return; }
	check "$2 lists every key of $1 as the code does" cmp -s "$TMP/doc" "$TMP/code" ||
		diff -u "$TMP/doc" "$TMP/code"	# - doc, + code
}

same "$GWD" docs/pipeline.md
same "$BUILD/goipwatch-central" docs/central.md

# the check itself: a key the docs lack is caught
doc_keys docs/pipeline.md | grep -v '`watch`' > "$TMP/short"
"$GWD" --print-keys > "$TMP/code"
check "a key missing from the docs is caught" \
    sh -c '! diff -q "$1" "$2" > /dev/null' sh "$TMP/short" "$TMP/code"
finish
