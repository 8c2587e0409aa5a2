# SPDX-License-Identifier: BSD-2-Clause
# detect/ (detect thread): events in capture order into registrations, calls,
# media, lines, accounts, pseudonyms, verdicts.
D := firmware/goipwatchd/detect
GWD_CORE_SRCS += $(D)/event.c $(D)/detect.c $(D)/detect-sip.c \
	    $(D)/detect-device.c $(D)/judge.c $(D)/line.c $(D)/account.c \
	    $(D)/calls.c $(D)/regs.c $(D)/media.c $(D)/pseudonym.c \
	    $(D)/detect-evidence.c $(D)/geo.c
UNIT_TESTS += detect judge calls regs
