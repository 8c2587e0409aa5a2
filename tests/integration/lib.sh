# SPDX-License-Identifier: BSD-2-Clause
# The one helper library of the shell tests (sourced, POSIX sh). Every test
# sources it, directly or through a domain library (central_lib.sh,
# uplink_lib.sh, daemon_lib.sh, tests/pcap/lib.sh) that adds only its helpers.
#
#   check "what" CMD [ARGS...]  assertion: runs CMD, prints "ok: what" or
#                               "FAIL: what", counts the failure, goes on
#                               (returns 1 then: `check ... || show_diff`)
#   finish                      last line: exit 1 with the count if a check
#                               failed, else 0 (the EXIT trap also turns a
#                               counted failure into exit 1)
#   fail "msg"                  a setup step failed and nothing after it makes
#                               sense: "FAIL: msg", $FAIL_HOOK (a domain
#                               library's log dump), exit 1
#   skip "why"                  exit 77, only where tests/run.sh allows it:
#                               ../shared absent, not root, no namespaces
#   need_bin / need_cmd         missing build outputs or deps.sh tools fail
#   need_root                   skips as a user
#   $TMP                        one temp dir; at exit the background $PIDS are
#                               killed, $CLEANUP_HOOK runs, $TMP is removed
# A command that must fail: check "what" not CMD. Compound conditions:
# check "what" sh -c '...' or a small named function.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
B=$BUILD
case $B in /*) ;; *) B=$ROOT/$B ;; esac
GWD=$B/goipwatchd
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gwtest.XXXXXX")
chmod 755 "$TMP"	# the postgres user reaches its cluster under $TMP
PIDS=""
CLEANUP_HOOK=""
FAIL_HOOK=""
fails=0

lib_cleanup() {
	_rc=$?
	for _p in $PIDS; do kill "$_p" 2>/dev/null; done
	for _p in $PIDS; do wait "$_p" 2>/dev/null; done
	[ -n "$CLEANUP_HOOK" ] && $CLEANUP_HOOK
	rm -rf "$TMP"
	# A counted failure fails the test even if finish was never reached.
	if [ "$fails" -gt 0 ] && { [ "$_rc" -eq 0 ] || [ "$_rc" -eq 77 ]; }; then
		echo "$fails check(s) failed"
		_rc=1
	fi
	exit "$_rc"
}
trap lib_cleanup EXIT
trap 'exit 1' INT TERM

ok() { echo "ok: $*"; }
# ok/bad: check's two halves, only for a result check cannot wrap (a command
# whose own output is redirected to a file).
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() {	# check "what" command...: returns command's status
	_what=$1; shift
	if "$@"; then ok "$_what"; else bad "$_what"; return 1; fi
}
not() { ! "$@"; }	# check "what" not CMD...: CMD must fail
has() { case $1 in $2) ;; *) return 1 ;; esac; }	# has STRING GLOB
finish() {
	[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; fails=0; exit 1; }
	exit 0
}
fail() {
	echo "FAIL: $*"
	[ -n "$FAIL_HOOK" ] && $FAIL_HOOK
	exit 1
}
skip() { echo "skip: $*"; exit 77; }

# Under `make test` the build and scripts/deps.sh have provided everything, so
# a missing program or tool is a failure, never a skip: a skip would hide a
# broken build list or a package dropped from deps.sh.
need_bin() {	# need_bin PATH...: programs this build makes
	for _b in "$@"; do
		[ -x "$_b" ] || fail "$_b is not built (make all)"
	done
}
need_cmd() {	# need_cmd CMD...: tools scripts/deps.sh installs
	for _c in "$@"; do
		# the program, not a wrapper function of the same name
		(unset -f "$_c" 2>/dev/null; command -v "$_c" >/dev/null 2>&1) ||
			fail "$_c is not installed (scripts/deps.sh)"
	done
}
need_root() {	# need_root WHY: skips when run as a user
	[ "$(id -u)" -eq 0 ] || skip "$* needs root"
}

# The shared captures sit beside the repository; GW_SHARED overrides.
shared_dir() {
	if [ -n "${GW_SHARED:-}" ]; then echo "$GW_SHARED"; return; fi
	echo "$(dirname "$ROOT")/shared"
}
