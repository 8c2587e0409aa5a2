#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The evaluation as a test, on the synthetic corpus (regenerated from its seed)
# and on the lab's captures of real SIP stacks (tests/data/lab): every target
# of docs/detection.md must hold (score.py --check).
BUILD=${BUILD:-build}
[ -x "$BUILD/synth" ] || { echo "FAIL: $BUILD/synth is not built (make all)"; exit 1; }
CORPUS=$BUILD/eval-corpus
mkdir -p "$CORPUS"
"$BUILD/synth" corpus --seed 1 --out "$CORPUS" >/dev/null 2>&1 || exit 1
BUILD=$BUILD CORPUS=$CORPUS sh "$(dirname "$0")/eval.sh" --check || exit 1
echo "--- the lab's captures"
BUILD=$BUILD CORPUS=tests/data/lab OUT=$BUILD/eval-lab sh "$(dirname "$0")/eval.sh" --check
