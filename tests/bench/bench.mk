# SPDX-License-Identifier: BSD-2-Clause
# tests/bench: the bare libpcap read loop that `make bench` measures as the ceiling.
# Included by the top-level Makefile after CC, CFLAGS, LDFLAGS, BUILD and PCAP_LIBS.
# tests/bench/run.sh generates and caches its own traces under $(BUILD)/bench/.

PCAPREAD := $(BUILD)/pcapread
BENCH_DEPS += $(PCAPREAD)

# -d reads through goipwatchd's file driver: link the capture objects too.
$(PCAPREAD): tests/bench/pcapread.c $(call obj,$(CAPTURE_SRCS)) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(PCAP_LIBS)

# make bench-live (root): live capture on a veth pair between two network
# namespaces, tcpreplay at rising rates (tests/bench/live.sh, docs/sizing.md).
bench-live: deps all
	$(Q)BUILD=$(BUILD) ./tests/bench/live.sh
.PHONY: bench-live

# No malloc per packet in the steady state (issue 18): a counting allocator
# compiled into a driver of one worker and the detect stage
# (tests/integration/nomalloc.sh).
NOMALLOC := $(BUILD)/nomalloc
BINS += $(NOMALLOC)

$(NOMALLOC): tests/bench/nomalloc.c $(GWD_A) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(GWD_LIBS) -ldl
