# SPDX-License-Identifier: BSD-2-Clause
# Detect-stage tables: calls (dialogs) with their SDP media, registrations.
# Included by the top-level Makefile before it computes its test lists.

GWD_CORE_SRCS += firmware/goipwatchd/calls.c firmware/goipwatchd/regs.c \
	    firmware/goipwatchd/media.c
UNIT_TESTS += calls regs
TEST_SCRIPTS += tests/pcap/voip_golden.sh tests/integration/sipp_kamailio.sh
