#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The evaluation as a test: the corpus is regenerated from its seed, and every
# target of docs/detection.md must hold (score.py --check).
BUILD=${BUILD:-build}
[ -x "$BUILD/synth" ] || { echo "no $BUILD/synth"; exit 77; }
CORPUS=$BUILD/eval-corpus
mkdir -p "$CORPUS"
"$BUILD/synth" corpus --seed 1 --out "$CORPUS" >/dev/null 2>&1 || exit 1
BUILD=$BUILD CORPUS=$CORPUS exec sh "$(dirname "$0")/eval.sh" --check
