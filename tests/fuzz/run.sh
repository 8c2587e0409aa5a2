#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs each libFuzzer harness for a bounded time; fails on the first crash.
# usage: run.sh SECONDS DIR NAME...
set -u
secs=$1 dir=$2
shift 2
rc=0
for f in "$@"; do
	mkdir -p "$dir/corpus/$f" "$dir/crashes/$f"
	seeds=tests/fuzz/corpus/$f
	[ -d "$seeds" ] || seeds=
	log=$dir/fuzz_$f.log
	# shellcheck disable=SC2086
	"$dir/fuzz_$f" -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=2048 \
	    -artifact_prefix="$dir/crashes/$f/" "$dir/corpus/$f" $seeds >"$log" 2>&1
	st=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	if [ $st -ne 0 ]; then
		echo "fuzz_$f: FAILED after ${runs:-?} runs (see $log)"
		grep -E '^(==[0-9]+==ERROR|SUMMARY)' "$log" | head -5
		rc=1
	else
		echo "fuzz_$f: ${secs}s, ${runs:-?} runs, no crash"
	fi
done
exit $rc
