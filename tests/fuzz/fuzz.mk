# SPDX-License-Identifier: BSD-2-Clause
# libFuzzer harnesses: `make fuzz` runs each for FUZZ_SECONDS (default 60).
FUZZERS		+= decode
FUZZ_BUILD	:= build-fuzz
FUZZ_SECONDS	?= 60
FUZZ_CC		:= clang
FUZZ_CFLAGS	:= -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
		   -Ifirmware/lib -Ifirmware/proto -Ifirmware/goipwatchd -Idrivers/capture \
		   $(BOARD_CFLAGS) $(NDPI_CFLAGS)
FUZZ_SRCS	 = $(LIB_SRCS) $(filter-out firmware/goipwatchd/main.c,$(GWD_CORE_SRCS)) \
		   $(CAPTURE_SRCS)

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRCS) $(GWD_CORE_SRCS) $(CAPTURE_SRCS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS) $(GWD_LIBS)

fuzz-build: $(foreach f,$(FUZZERS),$(FUZZ_BUILD)/fuzz_$(f))

fuzz: deps fuzz-build
	$(Q)for f in $(FUZZERS); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$f; \
		seeds=tests/fuzz/corpus/$$f; [ -d $$seeds ] || seeds=; \
		echo "fuzz_$$f: $(FUZZ_SECONDS)s"; \
		$(FUZZ_BUILD)/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		    -rss_limit_mb=2048 $(FUZZ_BUILD)/corpus/$$f $$seeds 2>&1 | \
		    grep -E '^(stat::number_of_executed_units|stat::peak_rss|==.*ERROR|SUMMARY)' \
		    || true; \
		test $${PIPESTATUS[0]:-0} -eq 0 || exit 1; \
	done

.PHONY: fuzz fuzz-build
