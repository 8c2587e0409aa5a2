# SPDX-License-Identifier: BSD-2-Clause
# Board drivers, the control socket and metrics, the self-test, goipwatchctl,
# the cross-build checks and the image. Included by the top-level Makefile after
# the core lists; board.mk has set WATCHDOG_DRIVER, LED_DRIVER and BOARD_LEDS.

WATCHDOG_DRIVER	?= null
LED_DRIVER	?= null
BOARD_WATCHDOG_DEV ?= /dev/watchdog
BOARD_WATCHDOG_TIMEOUT ?= 60
BOARD_LED_LIST	:= $(BOARD_LEDS) - - -

CFLAGS		+= -Iboard -Idrivers/watchdog -Idrivers/led
DRIVER_SRCS	:= drivers/watchdog/watchdog-$(WATCHDOG_DRIVER).c \
		   drivers/led/led-$(LED_DRIVER).c board/board.c
GWD_CORE_SRCS	+= $(DRIVER_SRCS)

# Only board.c sees the board's names; a new LED name rebuilds one file.
$(BUILD)/obj/board/board.o: CFLAGS += -DBOARD_NAME=\"$(BOARD)\" \
	-DBOARD_WATCHDOG_DEV=\"$(BOARD_WATCHDOG_DEV)\" \
	-DBOARD_WATCHDOG_TIMEOUT=$(BOARD_WATCHDOG_TIMEOUT) \
	-DBOARD_LED_CAPTURE=\"$(subst -,,$(word 1,$(BOARD_LED_LIST)))\" \
	-DBOARD_LED_UPLINK=\"$(subst -,,$(word 2,$(BOARD_LED_LIST)))\" \
	-DBOARD_LED_ALARM=\"$(subst -,,$(word 3,$(BOARD_LED_LIST)))\"

# A cross board installs its :arm64 libraries before the first object builds.
ifeq ($(BOARD_NEEDS),cross)
# The appliance only: goipwatch-central runs in the office (and libpq-dev is
# not Multi-Arch: same, so there is no :arm64 one beside the amd64 one).
BINS		:= $(filter-out $(CENTRAL) $(CENTRAL_LOAD),$(BINS))
TEST_PROGS	:= $(filter-out $(CENTRAL_TESTS),$(TEST_PROGS))
$(call obj,$(LIB_SRCS) $(GWD_CORE_SRCS) $(GWD_MAIN) $(CAPTURE_SRCS)): | cross-deps
deps: cross-deps
endif
cross-deps:
	$(Q)./scripts/deps.sh --cross

ifdef BOARD_NDPI_LIBS
NDPI_CFLAGS	:= $(BOARD_NDPI_CFLAGS)
NDPI_LIBS	:= $(BOARD_NDPI_LIBS)
endif

# --- goipwatchctl: a client of the control socket, no daemon code ------------
GWCTL		:= $(BUILD)/goipwatchctl
BINS		+= $(GWCTL)
$(GWCTL): $(call obj,firmware/goipwatchctl/goipwatchctl.c)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^

# --- tests --------------------------------------------------------------------
# The driver tests link the variant they test, whatever the board selected.
UNIT_TESTS	+= watchdog led board
$(BUILD)/tests/test_watchdog: tests/unit/test_watchdog.c \
	    $(call obj,drivers/watchdog/watchdog-linux.c) $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(CMOCKA_LIBS)
$(BUILD)/tests/test_led: tests/unit/test_led.c $(call obj,drivers/led/led-sysfs.c) $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(CMOCKA_LIBS)
TEST_SCRIPTS	+= tests/integration/service_unit.sh tests/integration/control_status.sh \
		   tests/integration/service_provision.sh

# --- arm64: cross deps, unit tests under qemu-user ------------------------------
# `make check-arm64` = cross build + every unit test under qemu-aarch64.
ARM64_BUILD	?= build-arm64
check-arm64:
	$(Q)./scripts/deps.sh --cross
	$(Q)$(MAKE) --no-print-directory BOARD=arm64-generic BUILD=$(ARM64_BUILD) \
	    all arm64-unit

# Runs inside the arm64-generic build: each unit test through qemu-user.
# (TEST_PROGS is complete only after every fragment: hence the recipe's make.)
arm64-unit:
	$(Q)$(MAKE) --no-print-directory $(TEST_PROGS)
	$(Q)mkdir -p $(BUILD)/qemu
	$(Q)for t in $(TEST_PROGS); do \
		printf '#!/bin/sh\nexec %s %s "$$@"\n' "$(BOARD_EMU)" "$$PWD/$$t" \
		    > $(BUILD)/qemu/$$(basename $$t); \
		chmod +x $(BUILD)/qemu/$$(basename $$t); done
	$(Q)BUILD=$(BUILD) TEST_LOG_DIR=$(BUILD)/test-logs ./tests/run.sh \
	    $(foreach t,$(TEST_PROGS),$(BUILD)/qemu/$(notdir $(t)))

# --- image ------------------------------------------------------------------------
# The A/B disk (GPT: esp with GRUB, rootfs-a, rootfs-b, data); FW_VERSION sets
# the firmware version (scripts/image.sh), FW_BROKEN=1 a failing slot.
IMAGE_ENV	= BOARD=$(BOARD) BUILD=$(BUILD) $(if $(FW_VERSION),FW_VERSION=$(FW_VERSION)) \
		  $(if $(FW_BROKEN),FW_BROKEN=$(FW_BROKEN))
image:
	$(Q)./scripts/deps.sh --cross
	$(Q)$(MAKE) --no-print-directory BOARD=$(BOARD) all
	$(Q)$(IMAGE_ENV) ./scripts/image.sh build

image-smoke: image
	$(Q)$(IMAGE_ENV) ./scripts/image.sh smoke

# A signed RAUC bundle of the slot image: $(BUILD)/image/bundles/*.raucb
# (FIRMWARE_CERT/FIRMWARE_KEY, default a lab firmware PKI; docs/deployment.md).
bundle: image
	$(Q)$(IMAGE_ENV) ./scripts/image.sh bundle

# Root, long: N, the update to N+1, a broken N+2 and the fallback to N+1.
image-update-smoke: image
	$(Q)$(IMAGE_ENV) ./scripts/image.sh update-smoke

.PHONY: cross-deps check-arm64 arm64-unit image image-smoke bundle image-update-smoke
