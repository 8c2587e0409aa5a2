# SPDX-License-Identifier: BSD-2-Clause
# uplink/ (uplink thread): mutual TLS to central, framing, config pushes and
# their signature check; the test peer/sender and the config signer.
D := firmware/goipwatchd/uplink
GWD_CORE_SRCS += firmware/proto/frame.c $(D)/uplink.c $(D)/uplink-config.c $(D)/uplink-file.c $(D)/uplink-firmware.c \
	    $(D)/tls.c $(D)/tls-sig.c $(D)/endpoints.c
UNIT_TESTS += frame endpoints
FUZZERS += frame

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

$(UPLINK_SENDER): $(call obj,tests/integration/uplink_sender.c) $(GWD_A) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(GWD_LIBS)
