# SPDX-License-Identifier: BSD-2-Clause
# device/ (worker threads): wire parsers for GoIP SMS-server and SIM-bank
# frames, DBL cloud signatures, RADIUS and PPP account names (docs/wire.md).
D := firmware/goipwatchd/device
GWD_CORE_SRCS += $(D)/wire.c $(D)/goip.c $(D)/dbl.c $(D)/radius.c
UNIT_TESTS += goip dbl radius
FUZZERS += goip
