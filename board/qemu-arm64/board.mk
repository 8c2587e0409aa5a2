# SPDX-License-Identifier: BSD-2-Clause
# qemu-arm64: the arm64 build for tests and `make image`: qemu-system-aarch64
# "virt" with virtio-net (eth0 user net, eth1 the capture NIC) and an i6300esb
# watchdog; no LEDs.
include board/arm64-generic/board.mk
LED_DRIVER	:= null
BOARD_LEDS	:=
