#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run test programs and scripts; print one summary line "N passed, N failed, N skipped".
# A cmocka program counts as its individual tests; a script counts as one test.
# A script exiting 77 is skipped, not failed.
set -u
pass=0 fail=0 skip=0
failed=""
log=${TEST_LOG_DIR:-${BUILD:-build}/test-logs}
mkdir -p "$log"
for t in "$@"; do
	name=$(basename "$t")
	out="$log/$name.log"
	start=$(date +%s)
	"$t" >"$out" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n 1)
	if [ -n "$p" ]; then
		f=${f:-0}
		pass=$((pass + p)); fail=$((fail + f))
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			fail=$((fail + 1))	# crashed after its summary
		fi
		status="$p passed, $f failed"
	elif [ "$rc" -eq 0 ]; then
		pass=$((pass + 1)); status=ok
	elif [ "$rc" -eq 77 ]; then
		skip=$((skip + 1)); status="skipped: $(tail -n 1 "$out")"
	else
		fail=$((fail + 1)); status="FAILED (exit $rc)"
	fi
	case "$status" in
	*FAILED*|*[1-9]\ failed*) failed="$failed $name"; echo "--- $name: $status (${secs}s)"; tail -n 30 "$out" ;;
	*) echo "--- $name: $status (${secs}s)" ;;
	esac
done
[ -n "$failed" ] && echo "failed:$failed (logs in $log)"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
