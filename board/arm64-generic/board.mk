# SPDX-License-Identifier: BSD-2-Clause
# arm64-generic: a small dual-NIC ARM box (eth0 management, eth1 mirror) with an
# SoC watchdog and three GPIO LEDs from the device tree. Cross-built with Debian's
# aarch64 toolchain and the multiarch :arm64 libraries (scripts/deps.sh --cross).
CROSS		:= aarch64-linux-gnu-
CC		:= $(CROSS)gcc
PKG_CONFIG	:= $(CROSS)pkg-config
BUILD		?= build-$(BOARD)
BOARD_CFLAGS	:= -DCAPTURE_DEFAULT=\"af-packet\" -march=armv8-a
BOARD_IFACES	:= eth1
WATCHDOG_DRIVER	:= linux
LED_DRIVER	:= sysfs
BOARD_LEDS	:= goipwatch:green:capture goipwatch:green:uplink goipwatch:red:alarm
# libndpi-dev is not Multi-Arch: same (it would replace the amd64 one), so only
# the arm64 runtime is installed; the headers are the same version's.
BOARD_NDPI_CFLAGS := -I/usr/include/ndpi
BOARD_NDPI_LIBS	:= -l:libndpi.so.4.2 -lm
BOARD_EMU	:= qemu-aarch64-static
BOARD_NEEDS	:= cross
