# SPDX-License-Identifier: BSD-2-Clause
# Uplink: framing (shared with central), spool, TLS adapter, uplink thread, health,
# the live daemon around them (signals, reload, confswap); their unit tests, fuzz
# harness, the test peer/sender and the config signer.

GWD_CORE_SRCS += firmware/proto/frame.c firmware/goipwatchd/spool.c \
	    firmware/goipwatchd/spool-recover.c \
	    firmware/goipwatchd/tls.c firmware/goipwatchd/tls-sig.c \
	    firmware/goipwatchd/health.c firmware/goipwatchd/uplink.c \
	    firmware/goipwatchd/uplink-config.c \
	    firmware/goipwatchd/confswap.c firmware/goipwatchd/reload.c \
	    firmware/goipwatchd/daemon.c
UNIT_TESTS += frame spool confswap reload
FUZZERS += frame
TEST_SCRIPTS += tests/integration/uplink_tls.sh tests/integration/uplink_outage.sh \
	    tests/integration/uplink_cap.sh tests/integration/uplink_config.sh \
	    tests/integration/uplink_hostile.sh tests/integration/uplink_health.sh \
	    tests/integration/daemon_report.sh tests/integration/daemon_crash.sh \
	    tests/integration/daemon_config.sh

UPLINK_PEER	:= $(BUILD)/uplink_peer
UPLINK_SENDER	:= $(BUILD)/uplink_sender
CONFSIGN	:= $(BUILD)/confsign
BINS		+= $(UPLINK_PEER) $(UPLINK_SENDER) $(CONFSIGN)
BENCH_DEPS	+= $(UPLINK_PEER) $(UPLINK_SENDER)

# The peer and signer need only the framing and mbedTLS, not the daemon.
$(UPLINK_PEER): $(call obj,tests/integration/uplink_peer.c firmware/proto/frame.c)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(MBEDTLS_LIBS)

$(CONFSIGN): $(call obj,tools/confsign/confsign.c firmware/proto/frame.c)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(MBEDTLS_LIBS)

# libgwd.a by name: GWD_A is defined after this fragment is included.
$(UPLINK_SENDER): $(call obj,tests/integration/uplink_sender.c) $(BUILD)/libgwd.a $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(GWD_LIBS)
