# SPDX-License-Identifier: BSD-2-Clause
# tools/synth: the trace synthesiser (bench traces and the labelled corpus).
# Included by the top-level Makefile after CC, CFLAGS, BUILD, PCAP_LIBS and obj.

SYNTH_SRCS := tools/synth/main.c tools/synth/rng.c tools/synth/addr.c \
	tools/synth/pkt.c tools/synth/sim.c tools/synth/tmpl.c \
	tools/synth/sipparty.c tools/synth/sipgen.c tools/synth/sipreg.c \
	tools/synth/bg.c tools/synth/goip.c tools/synth/dbl.c tools/synth/bench.c tools/synth/corpus.c \
	tools/synth/scen.c tools/synth/scen_dev.c
SYNTH	:= $(BUILD)/synth
SYNTH_SEED ?= 1
BENCH_DIR := $(BUILD)/bench

BINS	+= $(SYNTH)

$(SYNTH): $(call obj,$(SYNTH_SRCS))
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PCAP_LIBS) -lm

# Performance traces for `make bench` (about 1M packets each).
$(BENCH_DIR)/newflows.pcap $(BENCH_DIR)/steady.pcap: $(BENCH_DIR)/%.pcap: $(SYNTH) \
		$(wildcard tools/synth/templates/*)
	@mkdir -p $(dir $@)
	$(Q)$(SYNTH) bench --profile $* -n 1000000 --seed $(SYNTH_SEED) -o $@
BENCH_DEPS += $(BENCH_DIR)/newflows.pcap $(BENCH_DIR)/steady.pcap

# The labelled corpus: deterministic from SYNTH_SEED.
corpus: $(SYNTH)
	@mkdir -p $(BUILD)/corpus
	$(Q)$(SYNTH) corpus --seed $(SYNTH_SEED) --out $(BUILD)/corpus


.PHONY: corpus
