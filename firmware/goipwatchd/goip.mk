# SPDX-License-Identifier: BSD-2-Clause
# Wire parsers for the detectors: GoIP SMS-server and SIM-bank (goip.c), DBL
# cloud signatures (hints.c), RADIUS accounting and PPP PAP/CHAP (radius.c).
# Pure and dependency-free; see docs/wire.md. Included by the top-level
# Makefile before it computes its test lists.

GWD_CORE_SRCS += firmware/goipwatchd/goip.c firmware/goipwatchd/hints.c \
	    firmware/goipwatchd/radius.c
UNIT_TESTS += goip hints radius
FUZZERS += goip
