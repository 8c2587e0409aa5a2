# SPDX-License-Identifier: BSD-2-Clause
# packet/ (worker threads): layer decode, fragment reassembly, flows, nDPI.
D := firmware/goipwatchd/packet
GWD_CORE_SRCS += $(D)/decode.c $(D)/reasm.c $(D)/flow.c $(D)/dpi.c $(D)/dpi-mem.c
UNIT_TESTS += decode reasm flow dpi_mem
FUZZERS += decode
# Only the nDPI adapter (and its start-up allocator) sees nDPI's headers.
$(BUILD)/obj/$(D)/dpi.o $(BUILD)/obj/$(D)/dpi-mem.o: CFLAGS += $(NDPI_CFLAGS)
$(BUILD)/tests/test_dpi_mem: CFLAGS += $(NDPI_CFLAGS)
