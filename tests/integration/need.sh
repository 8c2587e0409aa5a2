# SPDX-License-Identifier: BSD-2-Clause
# What a shell test needs, sourced by every helper library. Under `make test`
# the build and scripts/deps.sh have provided everything, so a missing program
# or tool is a failure, never a skip: a skip would hide a broken build list or
# a package dropped from deps.sh. Only an absent ../shared (the captures) and
# a test that needs root run as a user may skip.
need_bin() {	# need_bin PATH...: programs this build makes
	for _b in "$@"; do
		[ -x "$_b" ] || { echo "FAIL: $_b is not built (make all)"; exit 1; }
	done
}
need_cmd() {	# need_cmd CMD...: tools scripts/deps.sh installs
	for _c in "$@"; do
		command -v "$_c" >/dev/null 2>&1 ||
			{ echo "FAIL: $_c is not installed (scripts/deps.sh)"; exit 1; }
	done
}
need_root() {	# need_root WHY: skips when run as a user
	[ "$(id -u)" -eq 0 ] || { echo "skip: $* needs root"; exit 77; }
}
