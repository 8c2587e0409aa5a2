# SPDX-License-Identifier: BSD-2-Clause
# scripts/lab: the namespace traffic lab (`make lab`, root) and its tests.
LAB_SECONDS ?= 40

lab:
	$(Q)scripts/lab/lab.sh -d $(LAB_SECONDS) -o $(BUILD)/lab

TEST_SCRIPTS += tests/lab/tshark_parse.sh tests/lab/labels.sh tests/lab/lab_smoke.sh

.PHONY: lab
