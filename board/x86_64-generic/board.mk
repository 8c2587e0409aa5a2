# SPDX-License-Identifier: BSD-2-Clause
# x86_64-generic: 1U appliance with Intel NICs.
CAPTURE_DRIVERS	:= pcap-file pcap-live af-packet
BOARD_CFLAGS	:= -DCAPTURE_DEFAULT=\"af-packet\"
BOARD_IFACES	:= eth1
