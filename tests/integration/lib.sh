# SPDX-License-Identifier: BSD-2-Clause
# Shared helpers for the shell tests: sourced, not run.
BUILD=${BUILD:-build}
GWD=$BUILD/goipwatchd
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gwtest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0

ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() {	# check "what" command...
	what=$1; shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
skip() { echo "skipped: $*"; exit 77; }
. "$(cd "$(dirname "$0")/../integration" && pwd)/need.sh"
finish() { [ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }; exit 0; }

# The shared captures sit beside the repository; GW_SHARED overrides.
shared_dir() {
	if [ -n "${GW_SHARED:-}" ]; then echo "$GW_SHARED"; return; fi
	top=$(cd "$(dirname "$0")/../.." && pwd)
	echo "$(dirname "$top")/shared"
}
