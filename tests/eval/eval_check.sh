#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The evaluation as a test, on the synthetic corpus (regenerated from its seed)
# and on the lab's captures of real SIP stacks (tests/data/lab): every target
# of docs/detection.md must hold (score.py --check).
. "$(dirname "$0")/../integration/lib.sh"
need_bin "$B/synth"
CORPUS=$BUILD/eval-corpus
mkdir -p "$CORPUS"
"$B/synth" corpus --seed 1 --out "$CORPUS" >/dev/null 2>&1 || fail "synth corpus"
check "the synthetic corpus meets every target" \
    env BUILD="$BUILD" CORPUS="$CORPUS" sh "$(dirname "$0")/eval.sh" --check
echo "--- the lab's captures"
check "the lab's captures meet every target" \
    env BUILD="$BUILD" CORPUS=tests/data/lab OUT="$BUILD/eval-lab" sh "$(dirname "$0")/eval.sh" --check
finish
