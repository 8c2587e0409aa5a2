# SPDX-License-Identifier: BSD-2-Clause
# packet/ (worker threads): layer decode, fragment reassembly, flows, nDPI.
D := firmware/goipwatchd/packet
GWD_CORE_SRCS += $(D)/decode.c $(D)/reasm.c $(D)/flow.c $(D)/dpi.c
UNIT_TESTS += decode reasm flow
FUZZERS += decode
# Only the nDPI adapter sees nDPI's headers.
$(BUILD)/obj/$(D)/dpi.o: CFLAGS += $(NDPI_CFLAGS)
