# SPDX-License-Identifier: BSD-2-Clause
# conf/: the one configuration parser; every stage reads a struct conf.
D := firmware/goipwatchd/conf
GWD_CORE_SRCS += $(D)/conf.c
UNIT_TESTS += conf conf_window
FUZZERS += conf
