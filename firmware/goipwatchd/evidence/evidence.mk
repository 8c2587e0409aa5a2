# SPDX-License-Identifier: BSD-2-Clause
# evidence/ (detect thread): the packets behind each piece of evidence, kept
# per line in a slab fixed at start, written as a signed pcapng file with each
# detection update (docs/evidence.md).
D := firmware/goipwatchd/evidence
GWD_CORE_SRCS += $(D)/keep.c $(D)/pcapng.c $(D)/sign.c $(D)/evfile.c $(D)/evdir.c
UNIT_TESTS += keep

# The offline verifier: goipwatch-evidence verify FILE --cert CERT
EVTOOL	:= $(BUILD)/goipwatch-evidence
BINS	+= $(EVTOOL)
$(EVTOOL): $(call obj,tools/evidence/evidence.c) $(GWD_A) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(MBEDTLS_LIBS)
