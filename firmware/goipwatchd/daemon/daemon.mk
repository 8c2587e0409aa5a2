# SPDX-License-Identifier: BSD-2-Clause
# daemon/: orchestration only (main thread, engine, workers, control socket,
# self-test, config swap and reload, the stats record). Nothing below daemon/
# includes it.
D := firmware/goipwatchd/daemon
GWD_MAIN := $(D)/main.c
GWD_CORE_SRCS += $(D)/daemon.c $(D)/engine.c $(D)/worker.c $(D)/control.c \
	    $(D)/selftest.c $(D)/confswap.c $(D)/reload.c $(D)/stats.c
UNIT_TESTS += confswap reload engine
