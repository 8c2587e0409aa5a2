# SPDX-License-Identifier: BSD-2-Clause
# report/: record formatting, heartbeats and the durable spool.
D := firmware/goipwatchd/report
GWD_CORE_SRCS += $(D)/report.c $(D)/health.c $(D)/spool.c $(D)/spool-recover.c \
	    $(D)/evspool.c
UNIT_TESTS += spool report
