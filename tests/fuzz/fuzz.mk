# SPDX-License-Identifier: BSD-2-Clause
# libFuzzer harnesses: `make fuzz` runs each for FUZZ_SECONDS (default 60).
FUZZ_BUILD	:= build-fuzz
FUZZ_SECONDS	?= 60
FUZZ_CC		:= clang
FUZZ_CFLAGS	:= -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
		   -Ifirmware/lib -Ifirmware/proto -Idrivers/capture \
		   $(addprefix -Ifirmware/goipwatchd/,$(GWD_STAGES)) \
		   $(BOARD_CFLAGS) $(NDPI_CFLAGS)
# The harnesses parse bytes: no board drivers, control socket or self-test.
FUZZ_SRCS	 = $(LIB_SRCS) $(CAPTURE_SRCS) $(filter-out $(DRIVER_SRCS) \
		   firmware/goipwatchd/daemon/control.c firmware/goipwatchd/daemon/selftest.c, \
		   $(GWD_CORE_SRCS))

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRCS) $(GWD_CORE_SRCS) $(CAPTURE_SRCS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS) $(GWD_LIBS) $(FUZZ_LIBS_$*)

# fuzz_api.c: central's console request bodies (central/apibody.c) over cJSON.
$(FUZZ_BUILD)/fuzz_api: GWD_LIBS += $(CJSON_LIBS)

fuzz-build: $(foreach f,$(FUZZERS),$(FUZZ_BUILD)/fuzz_$(f))

fuzz: deps fuzz-build
	$(Q)./tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BUILD) $(FUZZERS)

.PHONY: fuzz fuzz-build
