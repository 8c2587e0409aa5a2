# SPDX-License-Identifier: BSD-2-Clause
# x86_64-generic: 1U appliance with Intel NICs (eth0 management, eth1 mirror).
BOARD_CFLAGS	:= -DCAPTURE_DEFAULT=\"af-packet\"
BOARD_IFACES	:= eth1
# iTCO_wdt or a BMC watchdog; no front-panel LEDs a generic board can name
WATCHDOG_DRIVER	:= linux
LED_DRIVER	:= null
