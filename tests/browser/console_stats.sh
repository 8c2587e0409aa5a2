#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The statistics page in a real browser (docs/console.md), on the data of
# console_rings_data.sh. console_stats.py: per day, week and month the charts
# and their tables against GET /api/v1/stats, English, an analyst refused.
set -u
. "$(dirname "$0")/console_lib.sh"
. "$(dirname "$0")/console_rings_data.sh"
rings_data
console_py "$ROOT/tests/browser/console_stats.py"
finish
