# SPDX-License-Identifier: BSD-2-Clause
# scripts/lab: the namespace traffic lab (`make lab`, root) and its tests.
# `make lab-ship` regenerates the captures in tests/data/lab (one run per role).
LAB_SECONDS ?= 40
LAB_LINES ?= 2

lab:
	$(Q)scripts/lab/lab.sh -d $(LAB_SECONDS) -n $(LAB_LINES) -o $(BUILD)/lab

lab-ship:
	$(Q)scripts/lab/ship.sh tests/data/lab

TEST_SCRIPTS += tests/lab/tshark_parse.sh tests/lab/labels.sh tests/lab/lab_smoke.sh \
	tests/lab/templates.sh

.PHONY: lab lab-ship
