# SPDX-License-Identifier: BSD-2-Clause
# goipwatch: non-recursive build. `make`, `make test`, `make run`, `make bench`, `make fuzz`.
# Options: BOARD=<name> (board/<name>/board.mk), DEBUG=1 (ASan+UBSan), WERROR=1, V=1.

.DEFAULT_GOAL := all

BOARD	?= x86_64-generic
include board/$(BOARD)/board.mk

BUILD	?= build
CC	?= cc
PKG_CONFIG ?= pkg-config

WARN	:= -Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual \
	   -Wstrict-prototypes -Wmissing-prototypes
CFLAGS	?= -O2 -g
# goipwatchd's stage folders, each with its fragment <stage>/<stage>.mk.
GWD_STAGES := daemon conf packet voip device detect evidence report uplink
CFLAGS	+= -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(BOARD_CFLAGS) -MMD -MP \
	   -Ifirmware/lib -Ifirmware/proto -Idrivers/capture \
	   $(addprefix -Ifirmware/goipwatchd/,$(GWD_STAGES))
LDFLAGS	+= -pthread
ifeq ($(WERROR),1)
CFLAGS	+= -Werror
endif
ifeq ($(DEBUG),1)
CFLAGS	+= -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS	+= -fsanitize=address,undefined
endif
ifeq ($(V),1)
Q	:=
else
Q	:= @
endif

# Flags from pkg-config are read only after deps.sh has installed the packages:
# make remakes the included $(PKG_MK) before anything else (running deps.sh, then
# pkg-config) and restarts with its values, so a fresh machine builds the first
# time. tests/integration/first_run.sh checks the order.
DEPS_SH	?= ./scripts/deps.sh
DEPS_ARGS := $(if $(filter cross,$(BOARD_NEEDS)),--cross)
PKG_MK	:= $(BUILD)/pkg.mk
ifeq ($(filter clean deps,$(MAKECMDGOALS)),)
include $(PKG_MK)
endif
$(PKG_MK): scripts/deps.sh board/$(BOARD)/board.mk
	@mkdir -p $(dir $@)
	$(Q)$(DEPS_SH) $(DEPS_ARGS)
	$(Q){ echo "NDPI_CFLAGS := $$($(PKG_CONFIG) --cflags libndpi 2>/dev/null)"; \
	      echo "NDPI_LIBS := $$($(PKG_CONFIG) --libs libndpi 2>/dev/null)"; \
	      echo "PQ_CFLAGS := $$($(PKG_CONFIG) --cflags libpq 2>/dev/null)"; \
	    } > $@.tmp && mv $@.tmp $@
OSIP_LIBS	:= -losipparser2
PCAP_LIBS	:= -lpcap
CMOCKA_LIBS	:= -lcmocka
MBEDTLS_LIBS	:= -lmbedtls -lmbedx509 -lmbedcrypto
CJSON_LIBS	:= -lcjson
MMDB_LIBS	:= -lmaxminddb

# --- dependency-free core ---------------------------------------------------
LIB_SRCS := firmware/lib/log.c firmware/lib/pool.c firmware/lib/ring.c \
	    firmware/lib/hash.c firmware/lib/clock.c firmware/lib/jw.c \
	    firmware/lib/utf8.c firmware/lib/itable.c firmware/lib/keytab.c \
	    firmware/lib/bigmem.c firmware/lib/hex.c
LIB	:= $(BUILD)/libgw.a

# --- capture drivers: every variant on every board (docs/pipeline.md) ----------
CAPTURE_SRCS := drivers/capture/capture.c drivers/capture/capture-pcap.c \
	    drivers/capture/capture-pcap-file.c drivers/capture/capture-pcap-live.c \
	    drivers/capture/capture-af-packet.c

# --- the appliance daemon: one fragment per stage folder ----------------------
GWD	:= $(BUILD)/goipwatchd
GWD_A	:= $(BUILD)/libgwd.a
GWD_LIBS = $(NDPI_LIBS) $(OSIP_LIBS) $(PCAP_LIBS) $(MBEDTLS_LIBS) $(MMDB_LIBS)
GWD_CORE_SRCS :=

BINS	:= $(GWD)
TEST_PROGS :=
TEST_SCRIPTS :=
BENCH_SCRIPTS :=
FUZZERS := jw
UNIT_TESTS := ring jw log capture_file ilist clock hex

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

# Parts that append to the lists above (GWD_CORE_SRCS, UNIT_TESTS, TEST_SCRIPTS,
# FUZZERS, BINS, BENCH_DEPS) and add their own targets. Each one is required.
include $(foreach s,$(GWD_STAGES),firmware/goipwatchd/$(s)/$(s).mk)
include tools/synth/synth.mk
include scripts/lab/lab.mk
include tests/bench/bench.mk
include central/central.mk
include board/board-common.mk
include tests/tests.mk
include tests/browser/browser.mk
include tests/fuzz/fuzz.mk

TEST_PROGS += $(foreach t,$(UNIT_TESTS),$(BUILD)/tests/test_$(t))

all: $(BINS)

$(LIB): $(call obj,$(LIB_SRCS))
	$(Q)ar rcs $@ $^

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(GWD_A): $(call obj,$(GWD_CORE_SRCS) $(CAPTURE_SRCS))
	$(Q)rm -f $@ && ar rcs $@ $^

$(GWD): $(call obj,$(GWD_MAIN)) $(GWD_A) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(GWD_LIBS)

# Each unit test links the real module it tests out of the archives; the linker
# pulls only what is referenced.
$(BUILD)/tests/test_%: tests/unit/test_%.c $(GWD_A) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(GWD_LIBS) $(CMOCKA_LIBS)

deps:
	$(Q)$(DEPS_SH) $(DEPS_ARGS)

test: deps all $(TEST_PROGS)
	$(Q)BUILD=$(BUILD) ./tests/run.sh $(TEST_PROGS) $(TEST_SCRIPTS)

run: deps all
	$(Q)BUILD=$(BUILD) ./scripts/run.sh
	$(Q)BUILD=$(BUILD) RUN_SECONDS=$(RUN_SECONDS) ./scripts/run-system.sh

bench: deps all $(BENCH_DEPS)
	$(Q)BUILD=$(BUILD) ./tests/bench/run.sh
	$(Q)BUILD=$(BUILD) ./tests/bench/stages.sh
	$(Q)for b in voip_bench uplink_bench central_bench pg_floor central_contention api_bench evidence_bench \
	    evidence_uplink_bench central_connect_bench; do \
		[ ! -x tests/bench/$$b.sh ] || BUILD=$(BUILD) ./tests/bench/$$b.sh || exit 1; done

# The labelled evaluation (docs/detection.md): precision, recall, latency.
# Over EVAL_SEEDS corpora (parameters vary by seed), then the lab's captures.
EVAL_SEEDS ?= 1 2 3 4 5
eval: deps all geodb
	$(Q)for s in $(EVAL_SEEDS); do mkdir -p $(BUILD)/eval-corpus/seed$$s && \
		$(SYNTH) corpus --seed $$s --out $(BUILD)/eval-corpus/seed$$s 2>/dev/null || exit 1; done
	$(Q)BUILD=$(BUILD) CORPUS="$(foreach s,$(EVAL_SEEDS),$(BUILD)/eval-corpus/seed$(s))" \
		./tests/eval/eval.sh
	$(Q)BUILD=$(BUILD) CORPUS=tests/data/lab OUT=$(BUILD)/eval-lab ./tests/eval/eval.sh

# The IP-to-country database of home_country (npm, pinned; data/geo/README.md).
geodb:
	$(Q)./scripts/geodb.sh $(BUILD)/geo

clean:
	rm -rf $(BUILD) build-asan build-fuzz

.PHONY: all deps test run bench fuzz eval geodb clean
.DELETE_ON_ERROR:

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
